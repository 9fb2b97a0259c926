// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Internal: the fields of every stored struct described once, for writing, reading and
// measuring. Not part of the public API.
//
// A stored struct has one function, declared in the struct's namespace (it is found by
// argument-dependent lookup):
//
//     template <class A>
//     void describe(A& a, KMeansConfig& c) { a(c.k, c.nInit, c.maxIterations, c.tolerance, c.seed); }
//
// WriteArchive encodes the fields in that order and ReadArchive decodes them in the same
// order, so a field cannot be written but not read. SizeArchive adds up the fewest bytes a
// struct can take, which bounds every element count of a file before anything is allocated.
// In describe(), `if constexpr (A::Reading)` holds what only reading needs (checks, defaults
// for fields an older format version lacks), and a.version() is the format version of the
// file being read or written.
//
// Encodings (ByteWriter, little-endian): bool u32 0/1; int i32; std::int64_t, std::uint64_t
// u64; double f64; float f32; unsigned char u8; an enum u32, range-checked on reading by
// EnumInfo<E>; std::string and std::filesystem::path u64 length + bytes (paths as native
// strings); std::vector u64 count + elements (sequence<std::uint32_t>() for a u32 count);
// std::optional u32 flag + value; std::map and std::unordered_map u64 count + (key, value)
// pairs; Eigen matrices of float or double u64 rows, u64 cols, then the values row by row in
// the scalar's width; Eigen vectors of int (Labels) u64 count + i32 values.

#include "engine/core/binary_io.h"
#include "engine/core/error.h"

#include <Eigen/Core>

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

namespace atlas::detail {

/// The range of a stored enum: specialise with
///     template <> struct EnumInfo<TsneInit> {
///         static constexpr TsneInit last = TsneInit::Random;   // values are 0..last
///         static constexpr const char* name = "t-SNE initialisation";  // in messages
///     };
/// An enum without a specialisation cannot be stored (compile error).
template <class E>
struct EnumInfo;

template <class T>
struct IsVectorT : std::false_type {};
template <class T, class Alloc>
struct IsVectorT<std::vector<T, Alloc>> : std::true_type {};
template <class T>
struct IsOptionalT : std::false_type {};
template <class T>
struct IsOptionalT<std::optional<T>> : std::true_type {};
template <class T>
struct IsMapT : std::false_type {};
template <class K, class V, class C, class Alloc>
struct IsMapT<std::map<K, V, C, Alloc>> : std::true_type {};
template <class K, class V, class H, class E, class Alloc>
struct IsMapT<std::unordered_map<K, V, H, E, Alloc>> : std::true_type {};

template <class T>
inline constexpr bool IsVector = IsVectorT<T>::value;
template <class T>
inline constexpr bool IsOptional = IsOptionalT<T>::value;
template <class T>
inline constexpr bool IsMap = IsMapT<T>::value;
template <class T>
inline constexpr bool IsEigen = std::is_base_of_v<Eigen::EigenBase<T>, T>;
template <class T>
inline constexpr bool IsWord64 = std::is_same_v<T, std::uint64_t> || std::is_same_v<T, std::int64_t>;

/// Adds up the fewest bytes each value can take: containers and strings as empty, an
/// optional as absent, structs through their describe().
class SizeArchive {
public:
    static constexpr bool Reading = false;
    static constexpr bool Writing = false;

    explicit SizeArchive(std::uint32_t version) : m_version(version) {}
    std::uint32_t version() const { return m_version; }
    std::size_t bytes() const { return m_bytes; }
    const std::string& file() const { return m_file; }
    [[noreturn]] void fail(const std::string& why) const { throw std::logic_error(why); }

    template <class... T>
    void operator()(const T&... values)
    {
        (value(values), ...);
    }
    template <class Count, class T>
    void sequence(const std::vector<T>&)
    {
        m_bytes += sizeof(Count);
    }

private:
    template <class T>
    void value(const T& v)
    {
        if constexpr (std::is_same_v<T, unsigned char>)
            m_bytes += 1;
        else if constexpr (std::is_same_v<T, bool> || std::is_enum_v<T> ||
                           std::is_same_v<T, int> || std::is_same_v<T, float> || IsOptional<T>)
            m_bytes += 4;
        else if constexpr (IsWord64<T> || std::is_same_v<T, double> ||
                           std::is_same_v<T, std::string> ||
                           std::is_same_v<T, std::filesystem::path> || IsVector<T> || IsMap<T>)
            m_bytes += 8;
        else if constexpr (IsEigen<T>)
            m_bytes += std::is_same_v<typename T::Scalar, int> ? 8 : 16;
        else
            describe(*this, const_cast<T&>(v)); // visited, never changed
    }

    std::uint32_t m_version;
    std::size_t m_bytes = 0;
    std::string m_file;
};

/// The fewest bytes a T takes in a file of format version `version`.
template <class T>
std::size_t minimumSize(std::uint32_t version)
{
    T v{};
    SizeArchive a(version);
    a(v);
    return a.bytes();
}

/// Encodes values into a byte buffer.
class WriteArchive {
public:
    static constexpr bool Reading = false;
    static constexpr bool Writing = true;

    /// version: the format version written; file, what: named in messages ("session file").
    WriteArchive(std::uint32_t version, std::string file, std::string what)
        : m_version(version), m_file(std::move(file)), m_what(std::move(what))
    {
    }
    std::uint32_t version() const { return m_version; }
    const std::string& file() const { return m_file; }
    /// Throws InputError "<file>: cannot write the <what> (<why>)".
    [[noreturn]] void fail(const std::string& why) const
    {
        throw InputError(m_file + ": cannot write the " + m_what + " (" + why + ")");
    }
    std::vector<unsigned char>& bytes() { return m_out.bytes(); }

    template <class... T>
    void operator()(const T&... values)
    {
        (value(values), ...);
    }
    /// A vector with a count of type Count (std::uint32_t or std::uint64_t).
    template <class Count, class T>
    void sequence(const std::vector<T>& v)
    {
        if constexpr (std::is_same_v<Count, std::uint32_t>)
            m_out.u32(std::uint32_t(v.size()));
        else
            m_out.u64(v.size());
        if constexpr (std::is_same_v<T, unsigned char>)
            m_out.raw(v.data(), v.size());
        else
            for (const T& x : v)
                value(x);
    }

private:
    template <class T>
    void value(const T& v)
    {
        if constexpr (std::is_same_v<T, bool>)
            m_out.flag(v);
        else if constexpr (std::is_enum_v<T>) {
            static_assert(std::is_same_v<decltype(EnumInfo<T>::last), const T>);
            m_out.u32(static_cast<std::uint32_t>(v));
        } else if constexpr (std::is_same_v<T, int>)
            m_out.i32(v);
        else if constexpr (IsWord64<T>)
            m_out.u64(static_cast<std::uint64_t>(v));
        else if constexpr (std::is_same_v<T, double>)
            m_out.f64(v);
        else if constexpr (std::is_same_v<T, float>)
            m_out.f32(v);
        else if constexpr (std::is_same_v<T, unsigned char>)
            m_out.u8(v);
        else if constexpr (std::is_same_v<T, std::string>)
            m_out.str(v);
        else if constexpr (std::is_same_v<T, std::filesystem::path>)
            m_out.str(v.string());
        else if constexpr (IsVector<T>)
            sequence<std::uint64_t>(v);
        else if constexpr (IsOptional<T>) {
            m_out.flag(v.has_value());
            if (v)
                value(*v);
        } else if constexpr (IsMap<T>) {
            m_out.u64(v.size());
            for (const auto& [key, x] : v) {
                value(key);
                value(x);
            }
        } else if constexpr (IsEigen<T>)
            matrix(v);
        else
            describe(*this, const_cast<T&>(v)); // visited, never changed
    }

    template <class M>
    void matrix(const M& m)
    {
        using Scalar = typename M::Scalar;
        if constexpr (std::is_same_v<Scalar, int>) {
            static_assert(M::ColsAtCompileTime == 1, "int matrices are stored as vectors only");
            m_out.u64(std::uint64_t(m.size()));
            for (Eigen::Index i = 0; i < m.size(); ++i)
                m_out.i32(m(i));
        } else {
            static_assert(std::is_same_v<Scalar, double> || std::is_same_v<Scalar, float>);
            m_out.u64(std::uint64_t(m.rows()));
            m_out.u64(std::uint64_t(m.cols()));
            m_out.bytes().reserve(m_out.bytes().size() + std::size_t(m.size()) * sizeof(Scalar));
            for (Eigen::Index i = 0; i < m.rows(); ++i)
                for (Eigen::Index j = 0; j < m.cols(); ++j) {
                    if constexpr (std::is_same_v<Scalar, float>)
                        m_out.f32(m(i, j));
                    else
                        m_out.f64(m(i, j));
                }
        }
    }

    ByteWriter m_out;
    std::uint32_t m_version;
    std::string m_file;
    std::string m_what;
};

/// Decodes what WriteArchive encoded, from a buffer it does not own. Every count and size is
/// checked against the bytes left before anything is allocated (with SizeArchive's minimum
/// per element), flags must be 0 or 1 and enums in range, so arbitrary bytes give an
/// InputError "<file>: not a valid <what> (<reason>)", never a crash or a huge allocation.
class ReadArchive {
public:
    static constexpr bool Reading = true;
    static constexpr bool Writing = false;

    /// version: the format version of the data (as its container says).
    ReadArchive(const unsigned char* data, std::size_t size, std::string file, std::string what,
                std::uint32_t version)
        : m_in(data, size, std::move(file), std::move(what)), m_version(version)
    {
    }
    std::uint32_t version() const { return m_version; }
    const std::string& file() const { return m_in.file(); }
    /// Throws InputError "<file>: not a valid <what> (<why>)".
    [[noreturn]] void fail(const std::string& why) const { m_in.fail(why); }
    bool atEnd() const { return m_in.atEnd(); }
    ByteReader& bytes() { return m_in; }

    template <class... T>
    void operator()(T&... values)
    {
        (value(values), ...);
    }
    /// A vector with a count of type Count (std::uint32_t or std::uint64_t).
    template <class Count, class T>
    void sequence(std::vector<T>& v)
    {
        const std::uint64_t stored = std::is_same_v<Count, std::uint32_t> ? m_in.u32() : m_in.u64();
        const std::size_t n = m_in.bounded(stored, minimumSize<T>(m_version));
        v.clear();
        if constexpr (std::is_same_v<T, unsigned char>) {
            const unsigned char* p = m_in.raw(n);
            v.assign(p, p + n);
        } else {
            v.resize(n);
            for (T& x : v)
                value(x);
        }
    }

private:
    template <class T>
    void value(T& v)
    {
        if constexpr (std::is_same_v<T, bool>)
            v = m_in.flag();
        else if constexpr (std::is_enum_v<T>) {
            const std::uint32_t stored = m_in.u32();
            if (stored > static_cast<std::uint32_t>(EnumInfo<T>::last))
                fail(std::string("unknown ") + EnumInfo<T>::name + " " + std::to_string(stored));
            v = static_cast<T>(stored);
        } else if constexpr (std::is_same_v<T, int>)
            v = m_in.i32();
        else if constexpr (IsWord64<T>)
            v = static_cast<T>(m_in.u64());
        else if constexpr (std::is_same_v<T, double>)
            v = m_in.f64();
        else if constexpr (std::is_same_v<T, float>)
            v = m_in.f32();
        else if constexpr (std::is_same_v<T, unsigned char>)
            v = m_in.u8();
        else if constexpr (std::is_same_v<T, std::string>)
            v = m_in.str();
        else if constexpr (std::is_same_v<T, std::filesystem::path>)
            v = std::filesystem::path(m_in.str());
        else if constexpr (IsVector<T>)
            sequence<std::uint64_t>(v);
        else if constexpr (IsOptional<T>) {
            v.reset();
            if (m_in.flag())
                value(v.emplace());
        } else if constexpr (IsMap<T>) {
            using Key = typename T::key_type;
            using Mapped = typename T::mapped_type;
            const std::size_t n =
                m_in.count(minimumSize<Key>(m_version) + minimumSize<Mapped>(m_version));
            v.clear();
            for (std::size_t i = 0; i < n; ++i) {
                Key key{};
                Mapped x{};
                value(key);
                value(x);
                v.insert_or_assign(std::move(key), std::move(x));
            }
        } else if constexpr (IsEigen<T>)
            matrix(v);
        else
            describe(*this, v);
    }

    template <class M>
    void matrix(M& m)
    {
        using Scalar = typename M::Scalar;
        if constexpr (std::is_same_v<Scalar, int>) {
            m.resize(Eigen::Index(m_in.count(4)));
            for (Eigen::Index i = 0; i < m.size(); ++i)
                m(i) = m_in.i32();
        } else {
            const std::uint64_t rows = m_in.u64(), cols = m_in.u64();
            const std::uint64_t width = sizeof(Scalar), left = m_in.remaining();
            // Each dimension alone is bounded too: an empty matrix may claim any size.
            if (rows > m_in.size() || cols > m_in.size() ||
                (rows && cols && (cols > left / rows || rows * cols > left / width)))
                fail("a matrix is larger than the file");
            if (M::RowsAtCompileTime == 1 && rows != 1)
                fail("a row vector has " + std::to_string(rows) + " rows");
            if (M::ColsAtCompileTime == 1 && cols != 1)
                fail("a vector has " + std::to_string(cols) + " columns");
            m.resize(Eigen::Index(rows), Eigen::Index(cols));
            for (Eigen::Index i = 0; i < m.rows(); ++i)
                for (Eigen::Index j = 0; j < m.cols(); ++j) {
                    if constexpr (std::is_same_v<Scalar, float>)
                        m(i, j) = m_in.f32();
                    else
                        m(i, j) = m_in.f64();
                }
        }
    }

    ByteReader m_in;
    std::uint32_t m_version;
};

} // namespace atlas::detail
