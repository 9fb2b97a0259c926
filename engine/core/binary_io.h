// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Internal: the little-endian byte writer and bounds-checked reader shared by the model files
// (engine/io/model_io.cpp) and the session files (engine/io/session_io.cpp).
// Not part of the public API.

#include "engine/core/error.h"
#include "engine/core/types.h"

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

namespace atlas::detail {

/// CRC-32 of `size` bytes: IEEE 802.3 / zlib polynomial 0xEDB88320, reflected, initial and
/// final value 0xFFFFFFFF (zlib's crc32()). crc32("123456789") = 0xCBF43926.
inline std::uint32_t crc32(const unsigned char* data, std::size_t size)
{
    static const std::array<std::uint32_t, 256> table = [] {
        std::array<std::uint32_t, 256> t{};
        for (std::uint32_t i = 0; i < 256; ++i) {
            std::uint32_t c = i;
            for (int k = 0; k < 8; ++k)
                c = (c & 1u) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            t[i] = c;
        }
        return t;
    }();
    std::uint32_t c = 0xFFFFFFFFu;
    for (std::size_t i = 0; i < size; ++i)
        c = table[(c ^ data[i]) & 0xFFu] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

/// Appends values to a byte buffer. Integers and IEEE 754 floats are little-endian on every
/// host (the byte order is spelled out with shifts). Matrices are u64 rows, u64 cols, then the
/// values row by row; strings are u64 length, then the bytes.
class ByteWriter {
public:
    void u8(unsigned char v) { m_bytes.push_back(v); }
    void u32(std::uint32_t v)
    {
        for (int i = 0; i < 4; ++i)
            m_bytes.push_back(static_cast<unsigned char>(v >> (8 * i)));
    }
    void u64(std::uint64_t v)
    {
        for (int i = 0; i < 8; ++i)
            m_bytes.push_back(static_cast<unsigned char>(v >> (8 * i)));
    }
    void i32(int v) { u32(static_cast<std::uint32_t>(v)); }
    void f32(float v) { u32(std::bit_cast<std::uint32_t>(v)); }
    void f64(double v) { u64(std::bit_cast<std::uint64_t>(v)); }
    void flag(bool v) { u32(v ? 1u : 0u); }
    void str(const std::string& s)
    {
        u64(s.size());
        m_bytes.insert(m_bytes.end(), s.begin(), s.end());
    }
    void raw(const unsigned char* data, std::size_t size)
    {
        m_bytes.insert(m_bytes.end(), data, data + size);
    }
    /// asFloat: values as float32 (network weights), else float64.
    template <class Derived>
    void matrix(const Eigen::DenseBase<Derived>& m, bool asFloat)
    {
        u64(std::uint64_t(m.rows()));
        u64(std::uint64_t(m.cols()));
        m_bytes.reserve(m_bytes.size() + std::size_t(m.size()) * (asFloat ? 4 : 8));
        for (Eigen::Index i = 0; i < m.rows(); ++i)
            for (Eigen::Index j = 0; j < m.cols(); ++j) {
                if (asFloat)
                    f32(float(m(i, j)));
                else
                    f64(double(m(i, j)));
            }
    }
    std::vector<unsigned char>& bytes() { return m_bytes; }
    const std::vector<unsigned char>& bytes() const { return m_bytes; }

private:
    std::vector<unsigned char> m_bytes;
};

/// Reads what ByteWriter wrote from a buffer it does not own. Every read is bounds-checked
/// and every size is checked against the bytes left before anything is allocated, so
/// arbitrary bytes give an InputError "<file>: not a valid <what> (<reason>)", never a crash.
class ByteReader {
public:
    /// file: named in messages; what: "model file", "session file", ...
    ByteReader(const unsigned char* data, std::size_t size, std::string file,
               std::string what = "model file")
        : m_data(data), m_size(size), m_file(std::move(file)), m_what(std::move(what))
    {
    }
    [[noreturn]] void fail(const std::string& why) const
    {
        throw InputError(m_file + ": not a valid " + m_what + " (" + why + ")");
    }
    void need(std::uint64_t n) const
    {
        if (n > m_size - m_pos)
            fail("the data ends early");
    }
    std::size_t remaining() const { return m_size - m_pos; }
    bool atEnd() const { return m_pos == m_size; }

    std::uint32_t u32()
    {
        need(4);
        std::uint32_t v = 0;
        for (int i = 0; i < 4; ++i)
            v |= std::uint32_t(m_data[m_pos + std::size_t(i)]) << (8 * i);
        m_pos += 4;
        return v;
    }
    std::uint64_t u64()
    {
        need(8);
        std::uint64_t v = 0;
        for (int i = 0; i < 8; ++i)
            v |= std::uint64_t(m_data[m_pos + std::size_t(i)]) << (8 * i);
        m_pos += 8;
        return v;
    }
    int i32() { return static_cast<int>(u32()); }
    float f32() { return std::bit_cast<float>(u32()); }
    double f64() { return std::bit_cast<double>(u64()); }
    bool flag()
    {
        const std::uint32_t v = u32();
        if (v > 1)
            fail("a flag is neither 0 nor 1");
        return v == 1;
    }
    /// An element count, rejected when `count * minBytesEach` exceeds the bytes left (each
    /// element takes at least minBytesEach bytes, >= 1).
    std::size_t count(std::size_t minBytesEach)
    {
        const std::uint64_t n = u64();
        if (n > remaining() / minBytesEach)
            fail("a count is larger than the file");
        return static_cast<std::size_t>(n);
    }
    std::string str()
    {
        const std::size_t n = count(1);
        std::string s(reinterpret_cast<const char*>(m_data + m_pos), n);
        m_pos += n;
        return s;
    }
    /// A pointer to the next `n` bytes, which are skipped.
    const unsigned char* raw(std::size_t n)
    {
        need(n);
        const unsigned char* p = m_data + m_pos;
        m_pos += n;
        return p;
    }
    template <class M>
    M matrix(bool asFloat)
    {
        const std::uint64_t rows = u64(), cols = u64();
        const std::uint64_t width = asFloat ? 4 : 8;
        if (rows > m_size || cols > m_size || (rows && cols && rows * cols > m_size / width))
            fail("a matrix is larger than the file");
        need(rows * cols * width);
        M m(static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(cols));
        for (Eigen::Index i = 0; i < m.rows(); ++i)
            for (Eigen::Index j = 0; j < m.cols(); ++j)
                m(i, j) = asFloat ? typename M::Scalar(f32()) : typename M::Scalar(f64());
        return m;
    }

private:
    const unsigned char* m_data;
    std::size_t m_size;
    std::size_t m_pos = 0;
    std::string m_file;
    std::string m_what;
};

/// Checks the start of a file image: an 8-byte signature, then a u32 format version.
/// header: the first headerBytes bytes of a file of fileSize bytes; minSize: the smallest
/// valid file (header + trailer); what: "model file", "session file". Throws InputError
/// naming the file for an unknown signature, a file shorter than minSize, or a version other
/// than `version` (or outside [oldestVersion, version] when oldestVersion is given).
/// Returns a reader over the header, positioned after the version; `found` receives the
/// version the file has.
inline ByteReader checkFileHeader(const unsigned char* header, std::size_t headerBytes,
                                  std::uint64_t fileSize, const std::array<char, 8>& magic,
                                  std::uint64_t minSize, std::uint32_t version,
                                  const std::string& file, const std::string& what,
                                  std::uint32_t oldestVersion = 0,
                                  std::uint32_t* foundVersion = nullptr)
{
    if (oldestVersion == 0)
        oldestVersion = version;
    if (headerBytes < magic.size() || std::memcmp(header, magic.data(), magic.size()) != 0)
        throw InputError(file + ": not a MusicAtlas " + what + " (unknown file signature)");
    if (fileSize < minSize)
        throw InputError(file + ": the " + what + " is truncated (" + std::to_string(fileSize) +
                         " bytes)");
    ByteReader r(header, headerBytes, file, what);
    r.u64(); // magic, checked above
    const std::uint32_t found = r.u32();
    if (found < oldestVersion || found > version)
        throw InputError(file + ": " + what + " format version " + std::to_string(found) +
                         " is not supported (this version of MusicAtlas reads version " +
                         (oldestVersion == version ? std::to_string(version)
                                                   : std::to_string(oldestVersion) + " to " +
                                                         std::to_string(version)) +
                         ")");
    if (foundVersion)
        *foundVersion = found;
    return r;
}

/// Throws InputError unless payloadSize (from the header) plus framing (header + trailer
/// bytes) is the file's size.
inline void checkPayloadSize(std::uint64_t payloadSize, std::uint64_t fileSize,
                             std::uint64_t framing, const std::string& file,
                             const std::string& what)
{
    if (payloadSize != fileSize - framing)
        throw InputError(file + ": the " + what + " is truncated or damaged (expected " +
                         std::to_string(payloadSize + framing) + " bytes, found " +
                         std::to_string(fileSize) + ")");
}

} // namespace atlas::detail
