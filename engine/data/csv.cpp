// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/data/csv.h"

#include "engine/core/atomic_file.h"
#include "engine/core/error.h"
#include "engine/core/text.h"
#include "engine/core/unicode.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <unordered_map>

namespace atlas {
namespace fs = std::filesystem;
namespace {

// Counts Issues per kind so that a badly damaged file yields a readable list: the first
// MaxIssuesPerKind with their line, then one total.
class Reporter {
public:
    enum Kind { Utf8, Nul, AfterQuote, Unbalanced, LongRow, ShortRow, Header, KindCount };

    Reporter(const fs::path& source, Diagnostics& diagnostics)
        : m_source(source), m_diagnostics(diagnostics) {}

    void add(Kind kind, std::size_t line, const std::string& reason)
    {
        if (m_count[kind]++ < MaxIssuesPerKind)
            m_diagnostics.add(m_source.string() + ":" + std::to_string(line), reason);
    }

    void finish()
    {
        static constexpr std::array<const char*, KindCount> What = {
            "lines with invalid UTF-8 repaired",
            "lines with NUL bytes removed",
            "fields with text after the closing quote",
            "unbalanced quotes",
            "rows with too many fields skipped",
            "rows with missing fields padded",
            "header problems",
        };
        for (int k = 0; k < KindCount; ++k)
            if (m_count[k] > MaxIssuesPerKind)
                m_diagnostics.add(m_source, std::to_string(m_count[k] - MaxIssuesPerKind) +
                                                " more " + What[std::size_t(k)] + " (" +
                                                std::to_string(m_count[k]) +
                                                " in total; only the first " +
                                                std::to_string(MaxIssuesPerKind) + " are listed)");
    }

private:
    const fs::path& m_source;
    Diagnostics& m_diagnostics;
    std::array<std::size_t, KindCount> m_count{};
};

std::string hexByte(unsigned char b)
{
    char buf[8];
    std::snprintf(buf, sizeof buf, "0x%02X", unsigned(b));
    return buf;
}

bool equalsIgnoreCase(std::string_view a, std::string_view b)
{
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z')
            x = char(x + 32);
        if (y >= 'A' && y <= 'Z')
            y = char(y + 32);
        if (x != y)
            return false;
    }
    return true;
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
std::string repairEncoding(std::string_view s, Reporter& reporter)
{
    std::string out;
    out.reserve(s.size() + s.size() / 8);
    std::size_t line = 1, badInLine = 0, nulInLine = 0;
    unsigned char firstBad = 0;
    const auto flushLine = [&] {
        if (badInLine)
            reporter.add(Reporter::Utf8, line,
                         std::to_string(badInLine) + " invalid UTF-8 byte sequence" +
                             (badInLine > 1 ? "s" : "") + " (first byte " + hexByte(firstBad) +
                             ") replaced with U+FFFD; the file is probably Latin-1 or "
                             "Windows-1252, save it as UTF-8 to keep these characters");
        if (nulInLine)
            reporter.add(Reporter::Nul, line,
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

// The delimiter the first line uses outside quotes: ';' or '\t' only when they outnumber ','.
char detectDelimiter(std::string_view text)
{
    std::size_t comma = 0, semicolon = 0, tab = 0;
    bool quoted = false;
    for (char c : text) {
        if (c == '"')
            quoted = !quoted;
        else if (!quoted && (c == '\n' || c == '\r'))
            break;
        else if (!quoted && c == ',')
            ++comma;
        else if (!quoted && c == ';')
            ++semicolon;
        else if (!quoted && c == '\t')
            ++tab;
    }
    if (tab > comma && tab >= semicolon)
        return '\t';
    if (semicolon > comma)
        return ';';
    return ',';
}

struct Record {
    std::vector<std::string> fields;
    std::size_t line = 0;       // first physical line
    std::size_t lastLine = 0;   // last physical line (> line when a quoted field spans lines)
    bool blank = false;
};

// One-pass RFC 4180 record parser over a buffer with physical line tracking.
class Parser {
public:
    Parser(std::string_view text, char delimiter, Reporter& reporter)
        : m_text(text), m_delim(delimiter), m_reporter(reporter) {}

    bool atEnd() const noexcept { return m_pos >= m_text.size(); }

    // Parses the next record into `rec`. Returns false when the record was damaged by an
    // unbalanced quote and skipped (reported); the parser has then moved past it.
    bool next(Record& rec)
    {
        rec.fields.clear();
        rec.line = m_line;
        rec.blank = false;
        const std::size_t n = m_text.size();
        for (;;) {
            std::string field;
            if (m_pos < n && m_text[m_pos] == '"') {
                const std::size_t quotePos = m_pos, quoteLine = m_line;
                ++m_pos;
                bool closed = false;
                while (m_pos < n) {
                    const std::size_t stop = m_text.find_first_of("\"\r\n", m_pos);
                    const std::size_t end = stop == std::string_view::npos ? n : stop;
                    field.append(m_text.substr(m_pos, end - m_pos));
                    m_pos = end;
                    if (m_pos >= n)
                        break;
                    const char c = m_text[m_pos];
                    if (c == '"') {
                        if (m_pos + 1 < n && m_text[m_pos + 1] == '"') {
                            field.push_back('"');
                            m_pos += 2;
                            continue;
                        }
                        ++m_pos;
                        closed = true;
                        break;
                    }
                    // Line break inside quotes: kept as "\n" whatever the file uses.
                    m_pos += (c == '\r' && m_pos + 1 < n && m_text[m_pos + 1] == '\n') ? 2 : 1;
                    field.push_back('\n');
                    ++m_line;
                }
                if (!closed) {
                    recoverFromOpenQuote(rec.line, quotePos, quoteLine);
                    return false;
                }
                const std::size_t afterStart = m_pos;
                while (m_pos < n && m_text[m_pos] != m_delim && m_text[m_pos] != '\n' &&
                       m_text[m_pos] != '\r')
                    ++m_pos;
                if (m_pos > afterStart) {
                    field.append(m_text.substr(afterStart, m_pos - afterStart));
                    m_reporter.add(Reporter::AfterQuote, m_line,
                                   "field " + std::to_string(rec.fields.size() + 1) +
                                       " has text after its closing quote; kept as part of "
                                       "the field");
                }
            } else {
                const std::size_t start = m_pos;
                while (m_pos < n && m_text[m_pos] != m_delim && m_text[m_pos] != '\n' &&
                       m_text[m_pos] != '\r')
                    ++m_pos;
                field.assign(m_text.substr(start, m_pos - start));
            }
            rec.fields.push_back(std::move(field));
            if (m_pos < n && m_text[m_pos] == m_delim) {
                ++m_pos;
                continue;
            }
            rec.lastLine = m_line;
            if (m_pos < n) {   // end of line
                m_pos += (m_text[m_pos] == '\r' && m_pos + 1 < n && m_text[m_pos + 1] == '\n') ? 2 : 1;
                ++m_line;
            }
            break;
        }
        rec.blank = rec.fields.size() == 1 && isBlank(rec.fields[0]);
        return true;
    }

    std::size_t line() const noexcept { return m_line; }

private:
    // A quote that never closes swallowed everything to the end of the file. Skip only the
    // physical line where it opened and resume after it, so one stray quote costs one row.
    void recoverFromOpenQuote(std::size_t recordLine, std::size_t quotePos, std::size_t quoteLine)
    {
        const std::size_t lastLine = m_line;
        std::size_t eol = m_text.find_first_of("\r\n", quotePos);
        if (eol == std::string_view::npos) {
            m_pos = m_text.size();
        } else {
            m_pos = eol + ((m_text[eol] == '\r' && eol + 1 < m_text.size() &&
                            m_text[eol + 1] == '\n')
                               ? 2
                               : 1);
        }
        m_line = quoteLine + 1;
        std::string reason = "a quoted field opened on this line is never closed";
        if (lastLine > quoteLine)
            reason += " (it would swallow lines " + std::to_string(quoteLine) + "-" +
                      std::to_string(lastLine) + ", to the end of the file)";
        reason += "; the row";
        if (recordLine != quoteLine)
            reason += " starting on line " + std::to_string(recordLine);
        reason += " is skipped";
        if (m_pos < m_text.size())
            reason += " and reading resumes on line " + std::to_string(m_line);
        m_reporter.add(Reporter::Unbalanced, quoteLine, reason);
        ++m_unbalanced;
        if (m_unbalanced >= 4 * MaxIssuesPerKind && m_pos < m_text.size()) {
            // Each recovery rescans the rest of the file; bound the cost on pathological input.
            m_reporter.add(Reporter::Unbalanced, m_line,
                           "too many unbalanced quotes; the rest of the file (lines " +
                               std::to_string(m_line) + "-" + std::to_string(lastLine) +
                               ") is skipped");
            m_pos = m_text.size();
        }
    }

    std::string_view m_text;
    char m_delim;
    Reporter& m_reporter;
    std::size_t m_pos = 0;
    std::size_t m_line = 1;
    std::size_t m_unbalanced = 0;
};

std::string joinNames(const std::vector<std::string>& header, std::size_t from)
{
    std::string s;
    for (std::size_t i = from; i < header.size(); ++i) {
        if (!s.empty())
            s += ", ";
        s += "\"" + header[i] + "\"";
    }
    return s;
}

} // namespace

int CsvTable::column(std::string_view name) const
{
    name = trimmedView(name);
    for (std::size_t i = 0; i < header.size(); ++i)
        if (equalsIgnoreCase(header[i], name))
            return int(i);
    return -1;
}

std::string CsvTable::where(std::size_t row) const
{
    return source.string() + ":" + std::to_string(row < lineOfRow.size() ? lineOfRow[row] : 0);
}

CsvTable parseCsv(std::string_view bytes, const fs::path& source, Diagnostics& diagnostics,
                  const CsvOptions& options)
{
    Reporter reporter(source, diagnostics);

    std::string converted;
    std::string_view text = bytes;
    if (text.size() >= 2 && ((text[0] == '\xFF' && text[1] == '\xFE') ||
                             (text[0] == '\xFE' && text[1] == '\xFF'))) {
        converted = utf16ToUtf8(text, text[0] == '\xFF');
        text = converted;
    } else {
        if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF")
            text.remove_prefix(3);
        const std::size_t probe = std::min<std::size_t>(text.size(), 65536);
        const auto nuls = std::size_t(std::count(text.begin(), text.begin() + std::ptrdiff_t(probe), '\0'));
        if (nuls > 16 && nuls * 100 > probe)
            throw InputError(source.string() + ": not a CSV text file (it contains " +
                             std::to_string(nuls) + " NUL bytes in its first " +
                             std::to_string(probe) + " bytes; binary data or UTF-16 without a "
                             "byte-order mark)");
        if (!isCleanUtf8WithoutNul(text)) {
            converted = repairEncoding(text, reporter);
            text = converted;
        }
    }
    if (isBlank(text))
        throw InputError(source.string() + ": the file is empty (a CSV file needs a header row)");

    CsvTable table;
    table.source = source;
    // Excel writes an optional first line "sep=<c>" naming the delimiter.
    std::size_t skipLines = 0;
    char hinted = '\0';
    if (text.size() >= 5 && text.substr(0, 4) == "sep=" &&
        (text.size() == 5 || text[5] == '\n' || text[5] == '\r')) {
        hinted = text[4];
        skipLines = 1;
    }
    table.delimiter = options.delimiter ? options.delimiter
                      : hinted          ? hinted
                                        : detectDelimiter(text);

    Parser parser(text, table.delimiter, reporter);
    if (skipLines) {
        Record hint;
        parser.next(hint);
    }
    Record rec;
    bool haveHeader = false;
    std::size_t width = 0;
    while (!parser.atEnd()) {
        if (!parser.next(rec) || rec.blank)
            continue;
        if (!haveHeader) {
            haveHeader = true;
            // Next free suffix per lower-cased name, as pandas' mangle_dupe_cols.
            std::unordered_map<std::string, int> seen;
            for (std::size_t i = 0; i < rec.fields.size(); ++i) {
                std::string name(trimmedView(rec.fields[i]));
                if (name.empty())
                    name = "Unnamed: " + std::to_string(i);
                const std::string key = lowerAscii(name);
                if (auto it = seen.find(key); it != seen.end()) {
                    int suffix = it->second;
                    std::string renamed;
                    do
                        renamed = name + "." + std::to_string(suffix++);
                    while (seen.count(lowerAscii(renamed)));
                    seen[key] = suffix;
                    seen[lowerAscii(renamed)] = 1;
                    reporter.add(Reporter::Header, rec.line,
                                 "column name \"" + name + "\" appears more than once; column " +
                                     std::to_string(i + 1) + " is called \"" + renamed + "\"");
                    name = renamed;
                } else {
                    seen[key] = 1;
                }
                table.header.push_back(std::move(name));
            }
            width = table.header.size();
            // Upper bound on the row count: avoids re-growing (and moving) a large table.
            table.rows.reserve(std::size_t(std::count(text.begin(), text.end(), '\n')) + 1);
            continue;
        }
        const std::size_t got = rec.fields.size();
        if (got > width) {
            const bool extrasEmpty = std::all_of(rec.fields.begin() + std::ptrdiff_t(width),
                                                 rec.fields.end(),
                                                 [](const std::string& f) { return isBlank(f); });
            if (!extrasEmpty) {
                reporter.add(Reporter::LongRow, rec.line,
                             std::string(rec.lastLine > rec.line
                                             ? "row (lines " + std::to_string(rec.line) + "-" +
                                                   std::to_string(rec.lastLine) + ")"
                                             : "row") +
                                 " has " + std::to_string(got) + " fields but the header has " +
                                 std::to_string(width) +
                                 " (an unquoted delimiter in a field?); row skipped");
                continue;
            }
            rec.fields.resize(width);
        }
        if (got < width) {
            if (options.reportShortRows)
                reporter.add(Reporter::ShortRow, rec.line,
                             "row has " + std::to_string(got) + " of " + std::to_string(width) +
                                 " fields; missing " + joinNames(table.header, got) +
                                 " left empty");
            rec.fields.resize(width);
        }
        table.rows.push_back(std::move(rec.fields));
        table.lineOfRow.push_back(rec.line);
        table.fieldCount.push_back(std::min(got, width));
        rec.fields = {};
        rec.fields.reserve(width);
    }
    reporter.finish();
    if (!haveHeader)
        throw InputError(source.string() +
                         ": no header row could be read (every line was damaged)");
    return table;
}

CsvTable readCsv(const fs::path& path, Diagnostics& diagnostics, const CsvOptions& options)
{
    std::error_code ec;
    const fs::file_status st = fs::status(path, ec);
    if (ec || !fs::exists(st))
        throw InputError(path.string() + ": file not found");
    if (fs::is_directory(st))
        throw InputError(path.string() + ": is a folder, not a CSV file");
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw InputError(path.string() + ": cannot be opened for reading (permissions?)");
    std::string bytes;
    const auto size = fs::file_size(path, ec);
    if (!ec && size > 0) {
        bytes.resize(std::size_t(size));
        in.read(bytes.data(), std::streamsize(size));
        bytes.resize(std::size_t(in.gcount()));
    } else {
        // Size unknown (a pipe or special file): read it as a stream.
        bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    if (in.bad())
        throw InputError(path.string() + ": read error");
    if (bytes.empty())
        throw InputError(path.string() + ": the file is empty (a CSV file needs a header row)");
    return parseCsv(bytes, path, diagnostics, options);
}

std::string csvEscape(std::string_view field, char delimiter)
{
    const bool needsQuotes =
        field.find_first_of(std::string{'"', '\r', '\n', delimiter}) != std::string_view::npos ||
        (!field.empty() && (field.front() == ' ' || field.back() == ' '));
    if (!needsQuotes)
        return std::string(field);
    std::string out;
    out.reserve(field.size() + 2);
    out.push_back('"');
    for (char c : field) {
        if (c == '"')
            out.push_back('"');
        out.push_back(c);
    }
    out.push_back('"');
    return out;
}

std::string csvNumber(double value)
{
    if (std::isnan(value))
        return "nan";
    if (std::isinf(value))
        return value > 0 ? "inf" : "-inf";
    char buf[64];
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
    return ec == std::errc{} ? std::string(buf, end) : std::string("nan");
}

void CsvWriter::row(const std::vector<std::string>& fields)
{
    for (std::size_t i = 0; i < fields.size(); ++i) {
        if (i)
            m_out.put(m_delimiter);
        m_out << csvEscape(fields[i], m_delimiter);
    }
    m_out.put('\n');
}

void CsvWriter::row(std::initializer_list<std::string_view> fields)
{
    bool first = true;
    for (std::string_view f : fields) {
        if (!first)
            m_out.put(m_delimiter);
        first = false;
        m_out << csvEscape(f, m_delimiter);
    }
    m_out.put('\n');
}

void CsvWriter::numbers(const std::vector<double>& values,
                        std::initializer_list<std::string_view> leading,
                        std::initializer_list<std::string_view> trailing)
{
    bool first = true;
    for (std::string_view f : leading) {
        if (!first)
            m_out.put(m_delimiter);
        first = false;
        m_out << csvEscape(f, m_delimiter);
    }
    for (double v : values) {
        if (!first)
            m_out.put(m_delimiter);
        first = false;
        m_out << csvNumber(v);
    }
    for (std::string_view f : trailing) {
        if (!first)
            m_out.put(m_delimiter);
        first = false;
        m_out << csvEscape(f, m_delimiter);
    }
    m_out.put('\n');
}

void writeCsvFile(const fs::path& path, const std::vector<std::string>& header,
                  const std::vector<std::vector<std::string>>& rows)
{
    writeFileAtomically(path, [&](std::ostream& out) {
        CsvWriter writer(out);
        writer.row(header);
        for (const auto& r : rows)
            writer.row(r);
    });
}

} // namespace atlas
