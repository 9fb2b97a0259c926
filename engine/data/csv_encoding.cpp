// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/data/csv_encoding.h"

#include "engine/core/error.h"
#include "engine/core/unicode.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace atlas::detail {

void CsvReporter::add(Kind kind, std::size_t line, const std::string& reason)
{
    if (m_count[kind]++ < MaxIssuesPerKind)
        m_diagnostics.add(m_source.string() + ":" + std::to_string(line), reason);
}

void CsvReporter::finish()
{
    static constexpr std::array<const char*, KindCount> What = {
        "lines with invalid UTF-8 repaired",
        "lines with NUL bytes removed",
        "fields with text after the closing quote",
        "unbalanced quotes",
        "rows with too many fields skipped",
        "rows with missing fields padded",
        "header problems",
        "rows with oversized fields skipped",
    };
    for (int k = 0; k < KindCount; ++k)
        if (m_count[k] > MaxIssuesPerKind)
            m_diagnostics.add(m_source, std::to_string(m_count[k] - MaxIssuesPerKind) +
                                            " more " + What[std::size_t(k)] + " (" +
                                            std::to_string(m_count[k]) +
                                            " in total; only the first " +
                                            std::to_string(MaxIssuesPerKind) + " are listed)");
}

namespace {

std::string hexByte(unsigned char b)
{
    char buf[8];
    std::snprintf(buf, sizeof buf, "0x%02X", unsigned(b));
    return buf;
}

// UTF-16 with BOM (Excel's "Unicode text" export) -> UTF-8; unpaired surrogates -> U+FFFD.
std::string utf16ToUtf8(std::string_view bytes, bool littleEndian)
{
    std::string out;
    out.reserve(bytes.size());
    const auto unit = [&](std::size_t i) {
        const auto lo = static_cast<unsigned char>(bytes[i + (littleEndian ? 0 : 1)]);
        const auto hi = static_cast<unsigned char>(bytes[i + (littleEndian ? 1 : 0)]);
        return char32_t(lo | (hi << 8));
    };
    std::size_t i = 2;
    while (i + 1 < bytes.size()) {
        char32_t u = unit(i);
        i += 2;
        if (u >= 0xD800 && u <= 0xDBFF && i + 1 < bytes.size() && unit(i) >= 0xDC00 &&
            unit(i) <= 0xDFFF) {
            u = 0x10000 + ((u - 0xD800) << 10) + (unit(i) - 0xDC00);
            i += 2;
        } else if (u >= 0xD800 && u <= 0xDFFF) {
            u = ReplacementCharacter;
        }
        if (u != 0)
            appendUtf8(out, u);
    }
    return out;
}

bool isCleanUtf8WithoutNul(std::string_view s)
{
    if (std::memchr(s.data(), 0, s.size()))
        return false;
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const std::size_t n = s.size();
    std::size_t i = 0;
    while (i < n) {
        // Eight ASCII bytes at a time.
        if (i + 8 <= n) {
            std::uint64_t w;
            std::memcpy(&w, p + i, 8);
            if ((w & 0x8080808080808080ULL) == 0) {
                i += 8;
                continue;
            }
        }
        if (p[i] < 0x80) {
            ++i;
            continue;
        }
        const std::size_t bad = invalidUtf8PrefixLength(s.substr(i, 4));
        if (bad)
            return false;
        // A valid multi-byte character: its length follows from the lead byte.
        i += p[i] >= 0xF0 ? 4 : p[i] >= 0xE0 ? 3 : 2;
    }
    return true;
}

// Removes NUL bytes and replaces ill-formed UTF-8 with U+FFFD, one Issue per damaged line.
std::string repairEncoding(std::string_view s, CsvReporter& reporter)
{
    std::string out;
    out.reserve(s.size() + s.size() / 8);
    std::size_t line = 1, badInLine = 0, nulInLine = 0;
    unsigned char firstBad = 0;
    const auto flushLine = [&] {
        if (badInLine)
            reporter.add(CsvReporter::Utf8, line,
                         std::to_string(badInLine) + " invalid UTF-8 byte sequence" +
                             (badInLine > 1 ? "s" : "") + " (first byte " + hexByte(firstBad) +
                             ") replaced with U+FFFD; the file is probably Latin-1 or "
                             "Windows-1252, save it as UTF-8 to keep these characters");
        if (nulInLine)
            reporter.add(CsvReporter::Nul, line,
                         std::to_string(nulInLine) + " NUL byte" + (nulInLine > 1 ? "s" : "") +
                             " removed");
        badInLine = nulInLine = 0;
    };
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c == 0) {
            ++nulInLine;
            ++i;
            continue;
        }
        if (c < 0x80) {
            out.push_back(char(c));
            ++i;
            if (c == '\n' || (c == '\r' && (i >= s.size() || s[i] != '\n'))) {
                flushLine();
                ++line;
            }
            continue;
        }
        if (const std::size_t bad = invalidUtf8PrefixLength(s.substr(i, 4))) {
            if (!badInLine)
                firstBad = c;
            ++badInLine;
            appendUtf8(out, ReplacementCharacter);
            i += bad;
            continue;
        }
        const std::size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
        out.append(s.substr(i, len));
        i += len;
    }
    flushLine();
    return out;
}

} // namespace

std::string_view csvText(std::string_view bytes, const std::filesystem::path& source,
                         CsvReporter& reporter, std::string& storage)
{
    std::string_view text = bytes;
    if (text.size() >= 2 && ((text[0] == '\xFF' && text[1] == '\xFE') ||
                             (text[0] == '\xFE' && text[1] == '\xFF'))) {
        storage = utf16ToUtf8(text, text[0] == '\xFF');
        return storage;
    }
    if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF")
        text.remove_prefix(3);
    const std::size_t probe = std::min<std::size_t>(text.size(), 65536);
    const auto nuls =
        std::size_t(std::count(text.begin(), text.begin() + std::ptrdiff_t(probe), '\0'));
    if (nuls > 16 && nuls * 100 > probe)
        throw InputError(source.string() + ": not a CSV text file (it contains " +
                         std::to_string(nuls) + " NUL bytes in its first " +
                         std::to_string(probe) + " bytes; binary data or UTF-16 without a "
                         "byte-order mark)");
    if (!isCleanUtf8WithoutNul(text)) {
        storage = repairEncoding(text, reporter);
        return storage;
    }
    return text;
}

} // namespace atlas::detail
