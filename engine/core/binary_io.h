// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Internal: the little-endian byte writer and bounds-checked reader under the binary container
// (binary_container.h) and the archives that describe stored structs (archive.h).
// Not part of the public API.

#include "engine/core/error.h"

#include <algorithm>
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
/// host (the byte order is spelled out with shifts); strings are u64 length, then the bytes.
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
    ByteReader(const unsigned char* data, std::size_t size, std::string file, std::string what)
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
    std::size_t size() const { return m_size; }
    const std::string& file() const { return m_file; }
    const std::string& what() const { return m_what; }
    bool atEnd() const { return m_pos == m_size; }

    unsigned char u8()
    {
        need(1);
        return m_data[m_pos++];
    }
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
    std::size_t count(std::size_t minBytesEach) { return bounded(u64(), minBytesEach); }
    /// `n` (a count read some other way), checked as count() checks it.
    std::size_t bounded(std::uint64_t n, std::size_t minBytesEach) const
    {
        if (n > remaining() / std::max<std::size_t>(minBytesEach, 1))
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

private:
    const unsigned char* m_data;
    std::size_t m_size;
    std::size_t m_pos = 0;
    std::string m_file;
    std::string m_what;
};

} // namespace atlas::detail
