// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/data/csv.h"

#include "engine/core/error.h"
#include "engine/core/text.h"
#include "engine/core/user_file.h"
#include "engine/data/csv_encoding.h"

#include <algorithm>
#include <unordered_map>

namespace atlas {
namespace fs = std::filesystem;
namespace {

using Reporter = detail::CsvReporter;

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
    // Set when a field is longer than CsvOptions::maxFieldBytes or the record has more than
    // CsvOptions::maxFields fields: such a field is not copied, and the row is skipped.
    std::size_t oversizedField = 0;   // 1-based number of the first oversized field
    std::size_t oversizedBytes = 0;   // its length
    std::size_t fieldsSeen = 0;       // fields in the record, counting those not kept
};

// One-pass RFC 4180 record parser over a buffer with physical line tracking.
class Parser {
public:
    Parser(std::string_view text, char delimiter, Reporter& reporter, const CsvOptions& options)
        : m_text(text), m_delim(delimiter), m_reporter(reporter),
          m_maxField(options.maxFieldBytes), m_maxFields(options.maxFields) {}

    bool atEnd() const noexcept { return m_pos >= m_text.size(); }

    // Parses the next record into `rec`. Returns false when the record was damaged by an
    // unbalanced quote and skipped (reported); the parser has then moved past it.
    bool next(Record& rec)
    {
        rec.fields.clear();
        rec.line = m_line;
        rec.blank = false;
        rec.oversizedField = rec.oversizedBytes = rec.fieldsSeen = 0;
        const std::size_t n = m_text.size();
        for (;;) {
            std::string field;
            std::size_t fieldBytes = 0;   // the field's length, also when it is not kept
            if (m_pos < n && m_text[m_pos] == '"') {
                const std::size_t quotePos = m_pos, quoteLine = m_line;
                ++m_pos;
                bool closed = false;
                while (m_pos < n) {
                    const std::size_t stop = m_text.find_first_of("\"\r\n", m_pos);
                    const std::size_t end = stop == std::string_view::npos ? n : stop;
                    fieldBytes += end - m_pos;
                    if (fieldBytes <= m_maxField)
                        field.append(m_text.substr(m_pos, end - m_pos));
                    m_pos = end;
                    if (m_pos >= n)
                        break;
                    const char c = m_text[m_pos];
                    if (c == '"') {
                        if (m_pos + 1 < n && m_text[m_pos + 1] == '"') {
                            if (++fieldBytes <= m_maxField)
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
                    if (++fieldBytes <= m_maxField)
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
                    fieldBytes += m_pos - afterStart;
                    if (fieldBytes <= m_maxField)
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
                fieldBytes = m_pos - start;
                if (fieldBytes <= m_maxField)
                    field.assign(m_text.substr(start, m_pos - start));
            }
            ++rec.fieldsSeen;
            if (fieldBytes > m_maxField && !rec.oversizedField) {
                rec.oversizedField = rec.fieldsSeen;
                rec.oversizedBytes = fieldBytes;
            }
            if (fieldBytes > m_maxField)
                field.clear();
            if (rec.fields.size() < m_maxFields)
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
    std::size_t m_maxField;
    std::size_t m_maxFields;
    std::size_t m_pos = 0;
    std::size_t m_line = 1;
    std::size_t m_unbalanced = 0;
};

// What makes a record too large to keep, or "" when nothing does.
std::string oversizeText(const Record& rec, const CsvOptions& options)
{
    if (rec.oversizedField)
        return "has a field (field " + std::to_string(rec.oversizedField) + ") of " +
               byteSizeText(rec.oversizedBytes) + ", more than the " +
               byteSizeText(options.maxFieldBytes) + " a field may hold";
    if (rec.fieldsSeen > options.maxFields)
        return "has " + std::to_string(rec.fieldsSeen) + " fields, more than the " +
               std::to_string(options.maxFields) + " a row may have";
    return {};
}

} // namespace

std::string csvColumnList(const std::vector<std::string>& header, std::size_t from)
{
    constexpr std::size_t MaxNames = 12;
    std::string s;
    for (std::size_t i = from; i < header.size() && i < from + MaxNames; ++i) {
        if (!s.empty())
            s += ", ";
        s += "\"" + messageExcerpt(header[i], 40) + "\"";
    }
    if (header.size() > from + MaxNames)
        s += " and " + std::to_string(header.size() - from - MaxNames) + " more";
    return s.empty() ? "none" : s;
}

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

void forEachCsvRow(std::string_view bytes, const fs::path& source, Diagnostics& diagnostics,
                   const CsvHeaderFunction& onHeader, const CsvRowFunction& onRow,
                   const CsvOptions& options)
{
    detail::CsvReporter reporter(source, diagnostics);
    std::string converted;
    const std::string_view text = detail::csvText(bytes, source, reporter, converted);
    if (isBlank(text))
        throw InputError(source.string() + ": the file is empty (a CSV file needs a header row)");

    // Excel writes an optional first line "sep=<c>" naming the delimiter.
    std::size_t skipLines = 0;
    char hinted = '\0';
    if (text.size() >= 5 && text.substr(0, 4) == "sep=" &&
        (text.size() == 5 || text[5] == '\n' || text[5] == '\r')) {
        hinted = text[4];
        skipLines = 1;
    }
    const char delimiter = options.delimiter ? options.delimiter
                           : hinted          ? hinted
                                             : detectDelimiter(text);

    Parser parser(text, delimiter, reporter, options);
    if (skipLines) {
        Record hint;
        parser.next(hint);
    }
    Record rec;
    bool haveHeader = false;
    std::vector<std::string> header;
    std::size_t width = 0;
    while (!parser.atEnd()) {
        if (!parser.next(rec) || rec.blank)
            continue;
        if (const std::string too = oversizeText(rec, options); !too.empty()) {
            if (!haveHeader)
                throw InputError(source.string() + ":" + std::to_string(rec.line) +
                                 ": the header row " + too +
                                 "; is this really a CSV table with a header row?");
            reporter.add(Reporter::Oversized, rec.line, "row " + too + "; row skipped");
            continue;
        }
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
                    if (options.refuseRepeatedNames)
                        throw InputError(source.string() + ":" + std::to_string(rec.line) +
                                         ": the column \"" + messageExcerpt(name, 40) +
                                         "\" appears twice in the header");
                    int suffix = it->second;
                    std::string renamed;
                    do
                        renamed = name + "." + std::to_string(suffix++);
                    while (seen.count(lowerAscii(renamed)));
                    seen[key] = suffix;
                    seen[lowerAscii(renamed)] = 1;
                    reporter.add(Reporter::Header, rec.line,
                                 "column name \"" + messageExcerpt(name) +
                                     "\" appears more than once; column " +
                                     std::to_string(i + 1) + " is called \"" +
                                     messageExcerpt(renamed) + "\"");
                    name = renamed;
                } else {
                    seen[key] = 1;
                }
                header.push_back(std::move(name));
            }
            width = header.size();
            // Upper bound on the row count, for callers that keep the rows.
            onHeader(header, delimiter,
                     std::size_t(std::count(text.begin(), text.end(), '\n')) + 1);
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
                                 " fields; missing " + csvColumnList(header, got) +
                                 " left empty");
            rec.fields.resize(width);
        }
        onRow(rec.fields, rec.line, std::min(got, width));
        rec.fields.clear();
        rec.fields.reserve(width);
    }
    reporter.finish();
    if (!haveHeader)
        throw InputError(source.string() +
                         ": no header row could be read (every line was damaged)");
}

CsvTable parseCsv(std::string_view bytes, const fs::path& source, Diagnostics& diagnostics,
                  const CsvOptions& options)
{
    CsvTable table;
    table.source = source;
    forEachCsvRow(
        bytes, source, diagnostics,
        [&](const std::vector<std::string>& header, char delimiter, std::size_t rows) {
            table.header = header;
            table.delimiter = delimiter;
            // Avoids re-growing (and moving) a large table.
            table.rows.reserve(rows);
        },
        [&](std::vector<std::string>& fields, std::size_t line, std::size_t present) {
            table.rows.push_back(std::move(fields));
            table.lineOfRow.push_back(line);
            table.fieldCount.push_back(present);
        },
        options);
    return table;
}

CsvTable readCsv(const fs::path& path, Diagnostics& diagnostics, const CsvOptions& options)
{
    // A device or FIFO is refused before it is opened: /dev/zero never ends, a FIFO blocks.
    std::string bytes;
    if (auto reason = readUserFile(path, MaxCsvBytes, bytes)) {
        if (*reason == "is a folder, not a file")
            *reason = "is a folder, not a CSV file";
        throw InputError(path.string() + ": " + *reason);
    }
    if (bytes.empty())
        throw InputError(path.string() + ": the file is empty (a CSV file needs a header row)");
    return parseCsv(bytes, path, diagnostics, options);
}

} // namespace atlas
