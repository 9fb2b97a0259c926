// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/core/unicode.h"

#include <algorithm>
#include <array>

namespace atlas {
namespace {

// Well-formed UTF-8 byte sequences, Unicode 14 Table 3-7. Returns the number of bytes taken
// from `p`; `valid` tells whether they form a character (`cp`) or one maximal ill-formed
// subpart that stands for a single U+FFFD.
std::size_t decodeOne(const unsigned char* p, std::size_t n, char32_t& cp, bool& valid) noexcept
{
    const unsigned char b0 = p[0];
    if (b0 < 0x80) {
        cp = b0;
        valid = true;
        return 1;
    }
    int need = 0;
    unsigned char lo = 0x80, hi = 0xBF;   // allowed range of the second byte
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        need = 1;
        cp = b0 & 0x1F;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        need = 2;
        cp = b0 & 0x0F;
        if (b0 == 0xE0)
            lo = 0xA0;   // no overlong forms
        else if (b0 == 0xED)
            hi = 0x9F;   // no surrogates
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        need = 3;
        cp = b0 & 0x07;
        if (b0 == 0xF0)
            lo = 0x90;
        else if (b0 == 0xF4)
            hi = 0x8F;   // nothing above U+10FFFF
    } else {
        valid = false;
        return 1;
    }
    std::size_t i = 1;
    for (int k = 0; k < need; ++k, ++i) {
        if (i >= n) {
            valid = false;
            return i;
        }
        const unsigned char b = p[i];
        const unsigned char l = k == 0 ? lo : 0x80, h = k == 0 ? hi : 0xBF;
        if (b < l || b > h) {
            valid = false;
            return i;
        }
        cp = (cp << 6) | (b & 0x3F);
    }
    valid = true;
    return i;
}

bool inRanges(const detail::CodeRange* ranges, std::size_t count, char32_t cp) noexcept
{
    const detail::CodeRange* end = ranges + count;
    const detail::CodeRange* it = std::upper_bound(
        ranges, end, cp, [](char32_t c, const detail::CodeRange& r) { return c < r.first; });
    return it != ranges && cp <= (it - 1)->last;
}

// ASCII \w, the hot path of tokenisation.
constexpr std::array<bool, 128> AsciiWord = [] {
    std::array<bool, 128> t{};
    for (int c = 0; c < 128; ++c)
        t[std::size_t(c)] = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
                            (c >= 'a' && c <= 'z') || c == '_';
    return t;
}();

constexpr char32_t CapitalSigma = U'\u03A3';

} // namespace

const char* unicodeTablesVersion() noexcept
{
    return detail::UnicodeTablesVersion;
}

std::u32string decodeUtf8(std::string_view utf8, std::size_t* invalidCount)
{
    std::u32string out;
    out.reserve(utf8.size());
    std::size_t invalid = 0;
    const auto* p = reinterpret_cast<const unsigned char*>(utf8.data());
    const std::size_t n = utf8.size();
    std::size_t i = 0;
    while (i < n) {
        if (p[i] < 0x80) {
            out.push_back(p[i++]);
            continue;
        }
        char32_t cp = 0;
        bool valid = false;
        i += decodeOne(p + i, n - i, cp, valid);
        if (!valid) {
            cp = ReplacementCharacter;
            ++invalid;
        }
        out.push_back(cp);
    }
    if (invalidCount)
        *invalidCount = invalid;
    return out;
}

void appendUtf8(std::string& out, char32_t cp)
{
    if ((cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
        cp = ReplacementCharacter;
    if (cp < 0x80) {
        out.push_back(char(cp));
    } else if (cp < 0x800) {
        out.push_back(char(0xC0 | (cp >> 6)));
        out.push_back(char(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(char(0xE0 | (cp >> 12)));
        out.push_back(char(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(char(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(char(0xF0 | (cp >> 18)));
        out.push_back(char(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(char(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(char(0x80 | (cp & 0x3F)));
    }
}

std::string encodeUtf8(std::u32string_view text)
{
    std::string out;
    out.reserve(text.size());
    for (char32_t cp : text)
        appendUtf8(out, cp);
    return out;
}

std::size_t invalidUtf8PrefixLength(std::string_view bytes) noexcept
{
    if (bytes.empty())
        return 0;
    char32_t cp = 0;
    bool valid = false;
    const std::size_t len =
        decodeOne(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), cp, valid);
    return valid ? 0 : len;
}

bool isWordCharacter(char32_t cp) noexcept
{
    if (cp < 128)
        return AsciiWord[cp];
    return inRanges(detail::WordRanges, detail::WordRangesCount, cp);
}

char32_t lowerSimple(char32_t cp) noexcept
{
    if (cp < 128)
        return (cp >= 'A' && cp <= 'Z') ? cp + 32 : cp;
    const detail::CaseMapping* end = detail::LowerSimple + detail::LowerSimpleCount;
    const detail::CaseMapping* it = std::lower_bound(
        detail::LowerSimple, end, cp,
        [](const detail::CaseMapping& m, char32_t c) { return m.from < c; });
    return (it != end && it->from == cp) ? it->to : cp;
}

std::u32string pythonLower(std::u32string_view text)
{
    std::u32string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char32_t cp = text[i];
        if (cp < 128) {
            out.push_back((cp >= 'A' && cp <= 'Z') ? cp + 32 : cp);
            continue;
        }
        if (cp == CapitalSigma) {
            // CPython's handle_capital_sigma(): \p{cased}\p{case-ignorable}* Σ
            // !(\p{case-ignorable}* \p{cased}) lowers to final sigma, looking at the
            // original (not yet lowered) text on both sides.
            std::size_t j = i;
            while (j > 0 && detail::isCaseIgnorable(text[j - 1]))
                --j;
            bool finalSigma = j > 0 && detail::isCasedForSigma(text[j - 1]);
            if (finalSigma) {
                std::size_t k = i + 1;
                while (k < text.size() && detail::isCaseIgnorable(text[k]))
                    ++k;
                finalSigma = k == text.size() || !detail::isCasedForSigma(text[k]);
            }
            out.push_back(finalSigma ? U'\u03C2' : U'\u03C3');
            continue;
        }
        const detail::MultiCaseMapping* multiEnd = detail::LowerMulti + detail::LowerMultiCount;
        const detail::MultiCaseMapping* multi = std::find_if(
            detail::LowerMulti, multiEnd,
            [cp](const detail::MultiCaseMapping& m) { return m.from == cp; });
        if (multi != multiEnd) {
            for (char32_t c : multi->to)
                if (c != 0)
                    out.push_back(c);
            continue;
        }
        out.push_back(lowerSimple(cp));
    }
    return out;
}

namespace detail {

bool isCasedForSigma(char32_t cp) noexcept
{
    return inRanges(CasedRanges, CasedRangesCount, cp);
}

bool isCaseIgnorable(char32_t cp) noexcept
{
    return inRanges(CaseIgnorableRanges, CaseIgnorableRangesCount, cp);
}

} // namespace detail
} // namespace atlas
