// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace atlas {

/// Per-user cache folder: $XDG_CACHE_HOME/musicatlas when XDG_CACHE_HOME is set to an absolute
/// path, else $HOME/.cache/musicatlas, else <system temp>/musicatlas-cache (XDG Base Directory
/// Specification 0.8). Created on demand (with parents). Throws InputError when the folder
/// cannot be created. Thread-safe.
std::filesystem::path userCacheDir();

/// Per-user data folder: $XDG_DATA_HOME/musicatlas, else $HOME/.local/share/musicatlas, else
/// <system temp>/musicatlas-data. Created on demand; throws InputError when it cannot be.
std::filesystem::path userDataDir();

/// 64-bit FNV-1a hash of the bytes of `text` (Fowler, Noll, Vo; offset basis
/// 14695981039346656037, prime 1099511628211). Stable across platforms and runs, so it can name
/// cache folders after a canonical string form of a configuration. Not cryptographic.
std::uint64_t fnv1a64(std::string_view text);

/// fnv1a64(text) as 16 lowercase hexadecimal digits.
std::string hashHex(std::string_view text);

} // namespace atlas
