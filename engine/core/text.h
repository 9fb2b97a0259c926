// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Byte-level ASCII text helpers: trimming and case folding of names, keys, extensions and
// header fields. They never depend on the C locale (the GUI sets the user's locale, under
// which std::isspace and std::tolower may treat bytes >= 0x80 as letters or spaces and
// damage UTF-8). Bytes outside ASCII pass through unchanged. For Unicode-aware lowering of
// text (TF-IDF), see pythonLower() in unicode.h.

#include <string>
#include <string_view>

namespace atlas {

/// True for the ASCII whitespace bytes: space, \t, \n, \v, \f, \r.
constexpr bool isAsciiSpace(char c) noexcept
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

/// `s` without its leading and trailing ASCII whitespace (a view into `s`).
std::string_view trimmedView(std::string_view s) noexcept;

/// A copy of `s` without its leading and trailing ASCII whitespace.
std::string trimmed(std::string_view s);

/// True when `s` is empty or only ASCII whitespace.
bool isBlank(std::string_view s) noexcept;

/// A copy of `s` with A-Z lowered; every other byte unchanged.
std::string lowerAscii(std::string_view s);

/// A copy of `s` with a-z raised; every other byte unchanged.
std::string upperAscii(std::string_view s);

} // namespace atlas
