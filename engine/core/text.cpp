// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/core/text.h"

#include <algorithm>

namespace atlas {

std::string_view trimmedView(std::string_view s) noexcept
{
    while (!s.empty() && isAsciiSpace(s.front()))
        s.remove_prefix(1);
    while (!s.empty() && isAsciiSpace(s.back()))
        s.remove_suffix(1);
    return s;
}

std::string trimmed(std::string_view s) { return std::string(trimmedView(s)); }

bool isBlank(std::string_view s) noexcept
{
    return std::all_of(s.begin(), s.end(), isAsciiSpace);
}

std::string lowerAscii(std::string_view s)
{
    std::string out(s);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z')
            c = char(c - 'A' + 'a');
    return out;
}

std::string upperAscii(std::string_view s)
{
    std::string out(s);
    for (char& c : out)
        if (c >= 'a' && c <= 'z')
            c = char(c - 'a' + 'A');
    return out;
}

} // namespace atlas
