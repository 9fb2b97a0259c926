// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Opening files the user names (manifests, lyrics CSVs, label tables, sidecar lyrics, caches)
// defensively: a device, FIFO or socket is refused before it is opened (reading /dev/zero
// never ends, and opening a FIFO blocks until a writer appears), and a file is read only up
// to a stated size, so that no path the user gives can make a run hang or exhaust memory.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace atlas {

/// Why `file` cannot be read as a regular file ("file not found", "is a folder, not a file",
/// "is not a regular file (a device, pipe or socket)", ...), or nullopt when it is one.
/// Symbolic links are followed: a link to /dev/zero is refused like /dev/zero itself.
std::optional<std::string> notRegularFileReason(const std::filesystem::path& file);

/// Reads the whole of the regular file `file` into `bytes`. Returns the reason when it is not
/// a regular file, cannot be opened or read, or is larger than `maxBytes` (the message says
/// how large it is and the limit); the file is then not read at all. The file is opened with
/// O_NONBLOCK, so that a FIFO put in its place after the check cannot block, and checked
/// again once open.
std::optional<std::string> readUserFile(const std::filesystem::path& file,
                                        std::uintmax_t maxBytes, std::string& bytes);

/// As readUserFile(), but throws InputError "<file>: <reason>".
std::string readUserFileOrThrow(const std::filesystem::path& file, std::uintmax_t maxBytes);

/// "12.3 MB", "512 bytes": a size for messages.
std::string byteSizeText(std::uintmax_t bytes);

/// `text` for quoting in a message: at most `maxChars` characters (whole UTF-8 sequences),
/// followed by "…" when it was cut, so that a 50 MB field is never echoed whole.
std::string messageExcerpt(std::string_view text, std::size_t maxChars = 80);

} // namespace atlas
