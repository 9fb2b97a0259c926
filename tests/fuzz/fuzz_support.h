// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Shared by the libFuzzer targets: the readers under test take paths, so each input is written
// to a file in a private scratch folder (tmpfs when TMPDIR points there); and the binary formats
// carry sizes and checksums that random bytes almost never match, so the targets also parse a
// "sealed" copy whose framing fields are made consistent, which lets mutations reach the
// payload parsers behind them.
#include "engine/core/binary_io.h"
#include "engine/core/hash.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <unistd.h>
#include <vector>

namespace atlas::fuzz {

/// A scratch folder of this process, created on first use and removed at exit.
inline const std::filesystem::path& scratchDir()
{
    static const std::filesystem::path dir = [] {
        std::error_code ec;
        std::filesystem::path base = std::filesystem::temp_directory_path(ec);
        if (ec)
            base = "/tmp";
        auto d = base / ("atlas-fuzz-" + std::to_string(::getpid()));
        std::filesystem::create_directories(d);
        static struct Cleanup {
            std::filesystem::path path;
            ~Cleanup()
            {
                std::error_code e;
                std::filesystem::remove_all(path, e);
            }
        } cleanup{d};
        return d;
    }();
    return dir;
}

/// Writes `size` bytes to scratchDir()/name, replacing it, and returns the path.
inline std::filesystem::path writeInput(const std::string& name, const void* data, std::size_t size)
{
    const auto path = scratchDir() / name;
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(static_cast<const char*>(data), std::streamsize(size));
    out.close();
    if (!out) {
        std::fprintf(stderr, "fuzz: cannot write %s\n", path.c_str());
        std::abort();
    }
    return path;
}

inline void putLe(unsigned char* at, std::uint64_t value, std::size_t bytes)
{
    for (std::size_t i = 0; i < bytes; ++i)
        at[i] = static_cast<unsigned char>(value >> (8 * i));
}

/// A copy of a file image laid out as <8-byte magic, u32 version, header fields..., u64 payload
/// size at sizeAt> payload <u32 CRC-32 trailer> (sessions and models) with the magic, the size
/// and the checksum made to agree with the bytes; empty when the image is too short.
inline std::vector<unsigned char> sealCrcImage(const std::uint8_t* data, std::size_t size,
                                               const char (&magic)[9], std::size_t sizeAt,
                                               std::size_t headerBytes)
{
    if (size < headerBytes + 4)
        return {};
    std::vector<unsigned char> image(data, data + size);
    std::memcpy(image.data(), magic, 8);
    const std::size_t payload = size - headerBytes - 4;
    putLe(image.data() + sizeAt, payload, 8);
    putLe(image.data() + headerBytes + payload,
          detail::crc32(image.data() + headerBytes, payload), 4);
    return image;
}

} // namespace atlas::fuzz
