// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Internal: the one binary container of the session files, model files, feature cache and
// tag cache. Not part of the public API.
//
// Layout (integers little-endian):
//   bytes 0-7        signature, e.g. "MATLSESS"
//   u32              format version
//   u32 x words      fields of the format's own, before the payload (a model file's kind)
//   u64              payload size in bytes
//   payload          the format's data (written with archive.h)
//   u32              CRC-32 of the payload (crc32(): IEEE 802.3 / zlib polynomial)
//
// Reading checks, in this order and before the payload is allocated: the signature (another
// MusicAtlas format's is named as such), the version against the range the format reads, the
// payload size against the format's limit and against the file's size; then the checksum.
// Every failure is an InputError naming the file and the reason in plain words.

#include "engine/core/binary_io.h"

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace atlas::detail {

using Signature = std::array<char, 8>;

/// The signatures of MusicAtlas's binary formats, all listed here so that a file of one kind
/// opened as another is named for what it is.
inline constexpr Signature SessionSignature = {'M', 'A', 'T', 'L', 'S', 'E', 'S', 'S'};
inline constexpr Signature ModelSignature = {'M', 'A', 'T', 'L', 'M', 'O', 'D', 'L'};
inline constexpr Signature FeatureCacheSignature = {'M', 'A', 'F', 'C', 'A', 'C', 'H', 'E'};
inline constexpr Signature TagCacheSignature = {'M', 'A', 'T', 'A', 'G', 'C', 'A', 'C'};

/// The most header words a format may have.
inline constexpr std::size_t MaxHeaderWords = 2;

/// One format kept in the container.
struct ContainerFormat {
    Signature signature;
    const char* what;                ///< the format in messages: "session file", "tag cache"
    std::uint32_t version;           ///< the version this build writes
    std::uint32_t oldestVersion;     ///< the oldest version still read (<= version)
    std::uint64_t maxPayload;        ///< larger payloads are refused before anything is read
    std::uint32_t headerWords = 0;   ///< u32 fields before the payload size, <= MaxHeaderWords

    /// Header plus checksum: the size of a container with an empty payload.
    std::size_t framing() const { return 8 + 4 + 4 * std::size_t(headerWords) + 8 + 4; }
};

/// An opened container: its version, header words and payload (a view into the bytes read).
struct Container {
    std::uint32_t version = 0;
    std::array<std::uint32_t, MaxHeaderWords> words{};
    const unsigned char* payload = nullptr;
    std::size_t size = 0;
};

/// The bytes of a container of `format` (at format.version) around `payload`; `words` are its
/// header words (format.headerWords of them).
std::vector<unsigned char> containerBytes(const ContainerFormat& format,
                                          const std::vector<unsigned char>& payload,
                                          const std::array<std::uint32_t, MaxHeaderWords>& words = {});

/// Checks a whole container held in memory (e.g. a model file embedded in a session file) and
/// returns its parts, which point into `data`. `file` is named in messages.
/// Throws InputError as described at the top of this header.
Container openContainer(const unsigned char* data, std::size_t size, const ContainerFormat& format,
                        const std::string& file);

/// A container read from a file: the file's bytes, and its parts pointing into them.
struct ContainerFile {
    std::vector<unsigned char> bytes;
    Container container;
};

/// Reads and checks a container file. Refuses, with an InputError naming the file, a missing
/// file, anything but a regular file (a folder, a FIFO, a device such as /dev/zero: opened
/// without blocking and never read), an empty file, and everything openContainer() refuses;
/// the header is checked before the rest of the file is read, so a damaged size allocates
/// nothing.
ContainerFile readContainerFile(const std::filesystem::path& file, const ContainerFormat& format);

} // namespace atlas::detail
