// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace atlas {

/// 64-bit FNV-1a hash of the bytes of `text` (Fowler, Noll, Vo; offset basis
/// 14695981039346656037, prime 1099511628211). Stable across platforms and runs, so it can name
/// cache folders after a canonical string form of a configuration. Not cryptographic.
std::uint64_t fnv1a64(std::string_view text);

/// fnv1a64(text) as 16 lowercase hexadecimal digits.
std::string hashHex(std::string_view text);

} // namespace atlas
