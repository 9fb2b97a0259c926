// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// CSV reading and writing for user tables (lyrics, manifests) and result files.
//
// Reading follows RFC 4180 (quoted fields, "" inside quotes, delimiters and line breaks inside
// quotes, CRLF or LF) and is lenient where real exports are sloppy. What it repairs or skips
// is reported as Issues whose `file` is "<path>:<line>" (1-based physical line) and whose
// reason says what happened in plain words:
//   - encoding: UTF-8 with or without BOM; a UTF-16 file with BOM (Excel's "Unicode text")
//     is converted; invalid UTF-8 bytes (e.g. a Latin-1 file) become U+FFFD, NUL bytes are
//     removed. One Issue per affected line, at most MaxIssuesPerKind per kind and file,
//     then one summary Issue with the total.
//   - delimiter: CsvOptions::delimiter when set; else the one named by an Excel "sep=<c>"
//     first line (which is then skipped); else ',' unless the header line (outside quotes)
//     clearly uses ';' or '\t' instead (more of them than commas).
//   - quoting: a field is quoted only when '"' is its first character; a '"' inside an
//     unquoted field is kept literally; text between a closing quote and the next delimiter
//     is appended to the field (Issue). CRLF inside quoted fields becomes "\n".
//   - an unbalanced quote (a quoted field still open at the end of the file): the row in
//     which it opened is skipped up to the end of that physical line and reading resumes on
//     the next line with normal rules; the Issue names the line of the opening quote and how
//     many lines the open field had swallowed, so nothing is lost silently.
//   - blank lines are skipped (also in a one-column file).
//   - field counts, compared with the header: extra fields that are all empty (a trailing
//     delimiter) are dropped silently; other long rows are skipped (Issue, giving the line
//     span when a stray quote made the row swallow line breaks). Short rows are
//     padded with empty fields and kept, with an Issue unless reportShortRows is false;
//     CsvTable::fieldCount tells how many fields were really present, so a caller can tell
//     "missing" from "empty".
//   - size: a file larger than MaxCsvBytes, or that is not a regular file (a device, FIFO or
//     socket: /dev/zero would never end, a FIFO would block) is refused before it is read; a
//     row with a field over CsvOptions::maxFieldBytes or more than CsvOptions::maxFields
//     fields is skipped (Issue), and such a header row makes the file unreadable.
//   - header: required (the first non-blank line). Names are trimmed of surrounding
//     whitespace; an empty name becomes "Unnamed: <0-based index>" (pandas' name for an
//     exported index column); a repeated name gets ".1", ".2", ... appended (pandas) and an
//     Issue.
//
// Speed: the file is read into memory once and parsed in one pass (plus one validation pass
// that copies only when repairs are needed). Measured about 150 MB/s once memory is warm
// (20 MB in 0.12 s); the first touch of fresh memory for the rows can double that.
// Thread rules: all functions are reentrant; diagnostics may be shared between threads.

#include "engine/core/issue.h"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <initializer_list>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace atlas {

/// Options of readCsv().
struct CsvOptions {
    /// Field delimiter; '\0' = detect from the header line (',' ';' or '\t', ',' when unclear).
    char delimiter = '\0';
    /// Report short rows (fewer fields than the header; they are padded and kept either way).
    /// Callers that check CsvTable::fieldCount themselves and report in their own words set
    /// this to false.
    bool reportShortRows = true;
    /// Longest field kept, in bytes: a row with a longer field is skipped with an Issue naming
    /// its line (a header row with one makes the file unreadable). Lyrics run to kilobytes;
    /// a field of megabytes is a damaged or mistaken file.
    std::size_t maxFieldBytes = 16'000'000;
    /// Most fields a row may have; a row with more is skipped as above.
    std::size_t maxFields = 100'000;
    /// A header naming a column twice (case-insensitively) is an InputError "<file>:<line>:
    /// the column "x" appears twice in the header" instead of renaming the second "x.1".
    bool refuseRepeatedNames = false;
};

/// The largest file readCsv() reads; a larger one is refused with its size in the message.
inline constexpr std::uintmax_t MaxCsvBytes = 4'000'000'000;

/// At most this many Issues of one kind (invalid UTF-8, NUL bytes, ragged rows, ...) are
/// reported per file; the rest are counted in one summary Issue.
inline constexpr std::size_t MaxIssuesPerKind = 20;

/// A parsed CSV file. Every row has exactly header.size() fields.
struct CsvTable {
    std::vector<std::string> header;                ///< column names (trimmed, unique, non-empty)
    std::vector<std::vector<std::string>> rows;     ///< data rows, UTF-8, header.size() fields each
    std::vector<std::size_t> lineOfRow;             ///< 1-based source line where each row starts
    std::vector<std::size_t> fieldCount;            ///< fields really present in each row (<= header.size())
    char delimiter = ',';                           ///< the delimiter used
    std::filesystem::path source;                   ///< the file read

    /// Index of the column named `name` (ASCII case-insensitive, surrounding whitespace
    /// ignored), or -1 when there is none.
    int column(std::string_view name) const;
    /// Number of data rows.
    std::size_t size() const noexcept { return rows.size(); }
    /// "<source>:<line of row r>" for messages.
    std::string where(std::size_t row) const;
};

/// Reads a CSV file with a header row (see the top of this file for the rules).
/// Throws InputError, naming the file, when it is missing, unreadable, a directory, empty (or
/// only a BOM / blank lines), binary (many NUL bytes) or has no header. Bad rows and repaired
/// bytes are reported to `diagnostics` and never throw.
CsvTable readCsv(const std::filesystem::path& path, Diagnostics& diagnostics,
                 const CsvOptions& options = {});

/// The header of forEachCsvRow(): its names, the delimiter, and an upper bound on the rows.
using CsvHeaderFunction =
    std::function<void(const std::vector<std::string>& header, char delimiter, std::size_t rows)>;
/// A data row of forEachCsvRow(): header.size() fields (the callee may move them away), the
/// line it starts on, and how many fields were really present (CsvTable::fieldCount).
using CsvRowFunction =
    std::function<void(std::vector<std::string>& fields, std::size_t line, std::size_t present)>;

/// parseCsv() without holding the table: the same rules, repairs and Issues, but each data row
/// goes to `onRow` as it is read. For tables too large to keep as strings (a feature table of
/// 100,000 rows x 540 numbers is 54 million fields). Throws as parseCsv(), and whatever the
/// callbacks throw.
void forEachCsvRow(std::string_view bytes, const std::filesystem::path& source,
                   Diagnostics& diagnostics, const CsvHeaderFunction& onHeader,
                   const CsvRowFunction& onRow, const CsvOptions& options = {});

/// The same rules on text already in memory; `source` is only used in messages.
/// Throws InputError when `bytes` holds no header.
CsvTable parseCsv(std::string_view bytes, const std::filesystem::path& source,
                  Diagnostics& diagnostics, const CsvOptions& options = {});

/// Column names for a message: "\"a\", \"b\", ..." from column `from` on, each cut to 40
/// characters and at most 12 of them ("and N more"), so that a damaged header cannot flood
/// the message; "none" when there are none.
std::string csvColumnList(const std::vector<std::string>& header, std::size_t from = 0);

/// One field for a CSV file: quoted (with '"' doubled) when it contains the delimiter, a quote,
/// CR or LF, or starts or ends with a space; otherwise unchanged.
std::string csvEscape(std::string_view field, char delimiter = ',');

/// Shortest text that reads back as exactly `value` ("nan", "inf", "-inf" for non-finite).
std::string csvNumber(double value);

/// Writes CSV rows to a stream: UTF-8, fields escaped with csvEscape(), '\n' line ends.
/// The stream's failure state is the caller's to check (or use writeCsvFile()).
class CsvWriter {
public:
    explicit CsvWriter(std::ostream& out, char delimiter = ',') : m_out(out), m_delimiter(delimiter) {}

    /// Writes one row.
    void row(const std::vector<std::string>& fields);
    void row(std::initializer_list<std::string_view> fields);
    /// Writes one row of numbers with csvNumber(), between optional leading and trailing text
    /// fields.
    void numbers(const std::vector<double>& values,
                 std::initializer_list<std::string_view> leading = {},
                 std::initializer_list<std::string_view> trailing = {});

private:
    void flushLine();

    std::ostream& m_out;
    char m_delimiter;
    std::string m_line;   ///< the row being assembled, reused
};

/// Writes a whole table (header, then rows) to `path`, replacing it as a whole (AtomicFile).
/// Throws InputError (a std::runtime_error) naming the file when it cannot be written.
void writeCsvFile(const std::filesystem::path& path, const std::vector<std::string>& header,
                  const std::vector<std::vector<std::string>>& rows);

} // namespace atlas
