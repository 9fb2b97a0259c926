// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/core/hash.h"

namespace atlas {

std::uint64_t fnv1a64(std::string_view text)
{
    std::uint64_t h = 14695981039346656037ULL;
    for (unsigned char c : text) {
        h ^= c;
        h *= 1099511628211ULL;
    }
    return h;
}

std::string hashHex(std::string_view text)
{
    static const char* digits = "0123456789abcdef";
    std::uint64_t h = fnv1a64(text);
    std::string out(16, '0');
    for (int i = 15; i >= 0; --i) {
        out[std::size_t(i)] = digits[h & 0xf];
        h >>= 4;
    }
    return out;
}

} // namespace atlas
