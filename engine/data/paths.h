// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <filesystem>
#include <string>

namespace atlas {

/// Per-user cache folder: $XDG_CACHE_HOME/musicatlas when XDG_CACHE_HOME is set to an absolute
/// path, else $HOME/.cache/musicatlas, else <system temp>/musicatlas-cache (XDG Base Directory
/// Specification 0.8). Created on demand (with parents). Throws InputError when the folder
/// cannot be created. Thread-safe.
std::filesystem::path userCacheDir();

/// Per-user data folder: $XDG_DATA_HOME/musicatlas, else $HOME/.local/share/musicatlas, else
/// <system temp>/musicatlas-data. Created on demand; throws InputError when it cannot be.
std::filesystem::path userDataDir();

} // namespace atlas
