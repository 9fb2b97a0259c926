// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/data/feature_table.h"

#include "engine/core/error.h"
#include "engine/core/text.h"
#include "engine/core/user_file.h"
#include "engine/data/csv.h"
#include "engine/data/npy.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <deque>
#include <fstream>
#include <set>
#include <sstream>
#include <string_view>
#include <unordered_set>

namespace fs = std::filesystem;

namespace atlas {

const char* featureTableFormatKey(FeatureTableFormat format)
{
    return format == FeatureTableFormat::Npy ? "npy" : "csv";
}

std::optional<FeatureTableFormat> parseFeatureTableFormat(const std::string& word)
{
    if (word == "csv")
        return FeatureTableFormat::Csv;
    if (word == "npy")
        return FeatureTableFormat::Npy;
    return std::nullopt;
}

FeatureTableFormat featureTableFormatOf(const fs::path& file)
{
    std::string ext = file.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    return ext == ".npy" ? FeatureTableFormat::Npy : FeatureTableFormat::Csv;
}

fs::path npyRowsFile(const fs::path& npy)
{
    return npy.parent_path() / (npy.stem().string() + ".rows.csv");
}

fs::path npyColumnsFile(const fs::path& npy)
{
    return npy.parent_path() / (npy.stem().string() + ".columns.txt");
}

namespace {

// What each column of a table is.
enum class Role { Id, Path, Label, Title, Artist, Album, Year, Genre, HasLyrics, Audio, Lyrics,
                  Ignored };


std::optional<Role> namedRole(const std::string& name)
{
    const std::string n = lowerAscii(name);
    if (n == "track_id" || n == "id")
        return Role::Id;
    if (n == "path" || n == "file" || n == "filename")
        return Role::Path;
    if (n == "label")
        return Role::Label;
    if (n == "title")
        return Role::Title;
    if (n == "artist")
        return Role::Artist;
    if (n == "album")
        return Role::Album;
    if (n == "year")
        return Role::Year;
    if (n == "genre")
        return Role::Genre;
    if (n == "has_lyrics")
        return Role::HasLyrics;
    return std::nullopt;
}

bool startsWith(std::string_view s, std::string_view prefix)
{
    return s.size() >= prefix.size() && s.compare(0, prefix.size(), prefix) == 0;
}

// A cell as a number: the shortest round-trip text, or any other decimal or exponent form.
std::optional<double> number(std::string_view cell)
{
    while (!cell.empty() && (cell.front() == ' ' || cell.front() == '\t'))
        cell.remove_prefix(1);
    while (!cell.empty() && (cell.back() == ' ' || cell.back() == '\t' || cell.back() == '\r'))
        cell.remove_suffix(1);
    if (!cell.empty() && cell.front() == '+')
        cell.remove_prefix(1);
    double v = 0.0;
    const auto [end, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), v);
    if (cell.empty() || ec != std::errc() || end != cell.data() + cell.size())
        return std::nullopt;
    return v;
}

// Assigns each column its role. `numericCells` says, for the first data row, which cells
// read as numbers (columns not named are features when they do).
struct Columns {
    std::vector<Role> roles;
    std::vector<int> audio, lyrics;   // column indices
    bool mfcc = false;
    std::vector<std::string> ignored;
};

Columns assignRoles(const std::vector<std::string>& header, const std::vector<bool>& numericCells,
                    const fs::path& file)
{
    Columns c;
    c.roles.assign(header.size(), Role::Ignored);
    std::set<Role> seen;
    for (std::size_t j = 0; j < header.size(); ++j) {
        if (const auto role = namedRole(header[j])) {
            if (!seen.insert(*role).second) {
                c.ignored.push_back(header[j]);   // a second id or path column: not used
                continue;
            }
            c.roles[j] = *role;
        } else if (startsWith(header[j], TfidfColumnPrefix)) {
            c.roles[j] = Role::Lyrics;
        } else if (startsWith(lowerAscii(header[j]), "mfcc_")) {
            c.mfcc = true;
        }
    }
    for (std::size_t j = 0; j < header.size(); ++j) {
        if (c.roles[j] != Role::Ignored || namedRole(header[j]))
            continue;
        const bool isMfcc = startsWith(lowerAscii(header[j]), "mfcc_");
        if (c.mfcc ? isMfcc : (j < numericCells.size() && numericCells[j]))
            c.roles[j] = Role::Audio;
        else
            c.ignored.push_back(header[j]);
    }
    for (std::size_t j = 0; j < header.size(); ++j) {
        if (c.roles[j] == Role::Audio)
            c.audio.push_back(int(j));
        else if (c.roles[j] == Role::Lyrics)
            c.lyrics.push_back(int(j));
    }
    if (c.audio.empty() && c.lyrics.empty())
        throw InputError(file.string() + ": no feature columns (mfcc_* statistics, tfidf:* "
                         "terms or other numeric columns); the columns are " +
                         csvColumnList(header));
    return c;
}

bool hasRole(const Columns& c, Role role)
{
    return std::find(c.roles.begin(), c.roles.end(), role) != c.roles.end();
}

// The metadata cells of one row into a track.
struct RowText {
    std::string_view id, path, label, title, artist, album, year, genre, hasLyrics;
};

// labelFromGenre: the table has no label column; its genre column labels the tracks.
Track makeTrack(const RowText& t, std::size_t rowNumber, const fs::path& base, bool labelFromGenre)
{
    Track track;
    if (!t.path.empty()) {
        const fs::path p = fs::u8path(t.path);
        track.path = p.is_absolute() ? p.lexically_normal() : (base / p).lexically_normal();
    }
    track.id = !t.id.empty()     ? std::string(t.id)
               : !t.path.empty() ? std::string(t.path)
                                 : "row" + std::to_string(rowNumber);
    track.layoutLabel = std::string(labelFromGenre ? t.genre : t.label);
    track.label = track.layoutLabel;
    track.tags.title = std::string(t.title);
    track.tags.artist = std::string(t.artist);
    track.tags.album = std::string(t.album);
    if (const auto y = number(t.year); y && *y >= 1 && *y <= 9999)
        track.tags.year = int(*y);
    if (!t.genre.empty())
        track.tags.genres.push_back(std::string(t.genre));
    return track;
}

// Keeps a row's cells and reports the bad ones, at most MaxIssuesPerKind of each kind.
class RowChecker {
public:
    RowChecker(const fs::path& file, Diagnostics& diagnostics)
        : m_file(file), m_diagnostics(diagnostics)
    {
    }
    void report(int kind, const std::string& where, const std::string& why)
    {
        if (++m_counts[kind] <= int(MaxIssuesPerKind))
            m_diagnostics.add(where, why);
    }
    void summarise()
    {
        static const char* const what[] = {"rows with a cell that is not a number",
                                           "rows repeating a track id"};
        for (int k = 0; k < 2; ++k)
            if (m_counts[k] > int(MaxIssuesPerKind))
                m_diagnostics.add(m_file, std::to_string(m_counts[k]) + " " + what[k] +
                                              " were left out in all (the first " +
                                              std::to_string(MaxIssuesPerKind) +
                                              " are listed)");
    }
    /// True when `id` was seen before. The view must stay valid while the checker lives (the
    /// id of a track already in a vector that is not reallocated).
    bool duplicate(std::string_view id) { return !m_ids.insert(id).second; }
    void reserve(std::size_t n) { m_ids.reserve(n); }

private:
    const fs::path& m_file;
    Diagnostics& m_diagnostics;
    int m_counts[2] = {0, 0};
    std::unordered_set<std::string_view> m_ids;
};

// The metadata and feature roles, applied to one row of cells.
RowText rowText(const Columns& c, const std::vector<std::string_view>& cells)
{
    RowText t;
    for (std::size_t j = 0; j < c.roles.size() && j < cells.size(); ++j) {
        switch (c.roles[j]) {
        case Role::Id: t.id = cells[j]; break;
        case Role::Path: t.path = cells[j]; break;
        case Role::Label: t.label = cells[j]; break;
        case Role::Title: t.title = cells[j]; break;
        case Role::Artist: t.artist = cells[j]; break;
        case Role::Album: t.album = cells[j]; break;
        case Role::Year: t.year = cells[j]; break;
        case Role::Genre: t.genre = cells[j]; break;
        case Role::HasLyrics: t.hasLyrics = cells[j]; break;
        default: break;
        }
    }
    return t;
}

// Lyrics flag: the has_lyrics column, else any non-zero lyrics value.
void setLyricsSource(Track& t, std::string_view hasLyrics, bool haveColumn,
                     const Matrix& lyrics, Eigen::Index row)
{
    const bool has = haveColumn ? (hasLyrics == "1" || lowerAscii(hasLyrics) == "true")
                                : lyrics.cols() > 0 && (lyrics.row(row).array() != 0.0).any();
    t.lyricsSource = has ? LyricsSource::Manifest : LyricsSource::None;
}

// Splits CSV text into records: RFC 4180 quoting, ',' ';' or '\t' as the header line says.
class CsvRecords {
public:
    explicit CsvRecords(std::string_view text) : m_text(text)
    {
        if (startsWith(m_text, "\xEF\xBB\xBF"))
            m_at = 3;
        // The header line's delimiter (outside quotes): ',' unless ';' or '\t' is commoner.
        int commas = 0, semis = 0, tabs = 0;
        bool quoted = false;
        for (std::size_t i = m_at; i < m_text.size() && (quoted || m_text[i] != '\n'); ++i) {
            const char ch = m_text[i];
            if (ch == '"')
                quoted = !quoted;
            else if (!quoted)
                commas += ch == ',', semis += ch == ';', tabs += ch == '\t';
        }
        m_delimiter = semis > commas && semis >= tabs ? ';' : tabs > commas ? '\t' : ',';
    }

    // The next non-blank record's cells (views into the text or into owned unquoted copies);
    // false at the end. line: the 1-based line where it starts.
    bool next(std::vector<std::string_view>& cells, std::size_t& line)
    {
        for (;;) {
            if (m_at >= m_text.size())
                return false;
            cells.clear();
            m_owned.clear();
            line = m_line;
            bool blank = true;
            for (;;) {
                std::string_view cell;
                if (m_at < m_text.size() && m_text[m_at] == '"') {
                    std::string value;
                    std::size_t i = m_at + 1;
                    for (; i < m_text.size(); ++i) {
                        if (m_text[i] == '"') {
                            if (i + 1 < m_text.size() && m_text[i + 1] == '"') {
                                value.push_back('"');
                                ++i;
                                continue;
                            }
                            break;
                        }
                        if (m_text[i] == '\n')
                            ++m_line;
                        if (m_text[i] != '\r')
                            value.push_back(m_text[i]);
                    }
                    m_at = std::min(i + 1, m_text.size());
                    // Text between the closing quote and the delimiter is kept.
                    while (m_at < m_text.size() && m_text[m_at] != m_delimiter &&
                           m_text[m_at] != '\n')
                        if (m_text[m_at++] != '\r')
                            value.push_back(m_text[m_at - 1]);
                    m_owned.push_back(std::move(value));
                    cell = m_owned.back();
                    blank = false;
                } else {
                    const std::size_t start = m_at;
                    while (m_at < m_text.size() && m_text[m_at] != m_delimiter &&
                           m_text[m_at] != '\n')
                        ++m_at;
                    std::size_t end = m_at;
                    if (end > start && m_text[end - 1] == '\r')
                        --end;
                    cell = m_text.substr(start, end - start);
                    blank = blank && cell.empty();
                }
                cells.push_back(cell);
                if (m_at < m_text.size() && m_text[m_at] == m_delimiter) {
                    ++m_at;
                    blank = false;
                    continue;
                }
                ++m_at;   // the '\n' (or past the end)
                ++m_line;
                break;
            }
            if (!blank)
                return true;
        }
    }

    std::size_t position() const { return m_at; }

private:
    std::string_view m_text;
    std::size_t m_at = 0;
    std::size_t m_line = 1;
    char m_delimiter = ',';
    std::deque<std::string> m_owned;   // stable addresses for the views
};

std::vector<std::string> headerNames(const std::vector<std::string_view>& cells,
                                     const fs::path& file)
{
    std::vector<std::string> names;
    std::set<std::string> seen;
    for (std::size_t j = 0; j < cells.size(); ++j) {
        std::string name = trimmed(cells[j]);
        if (name.empty())
            name = "Unnamed: " + std::to_string(j);
        if (!seen.insert(name).second)
            throw InputError(file.string() + ": the column \"" + messageExcerpt(name, 40) +
                             "\" appears twice in the header");
        names.push_back(std::move(name));
    }
    return names;
}

// Up to 16 GB of table text; a bigger table is what the NumPy format is for.
constexpr std::uintmax_t MaxTableTextBytes = 16ull << 30;

FeatureTable readCsvTable(const fs::path& file, Diagnostics& diagnostics,
                          const Progress& progress)
{
    std::string text;
    if (const auto why = readUserFile(file, MaxTableTextBytes, text))
        throw InputError(file.string() + ": " + *why);
    CsvRecords records(text);
    std::vector<std::string_view> cells;
    std::size_t line = 0;
    if (!records.next(cells, line))
        throw InputError(file.string() + ": empty (no header row)");
    const std::vector<std::string> header = headerNames(cells, file);

    FeatureTable table;
    table.source = file;
    std::vector<std::vector<double>> audioCols, lyricsCols;   // built row by row
    std::vector<std::string> hasLyrics;
    bool haveHasLyrics = false, labelFromGenre = false;
    std::optional<Columns> cols;
    RowChecker checker(file, diagnostics);
    std::error_code ec;
    const fs::path base = fs::absolute(file, ec).parent_path();
    std::vector<double> audioRow, lyricsRow;
    // Rows at most: the lines of the file (reserved once the columns are known).
    const std::size_t lines = std::size_t(std::count(text.begin(), text.end(), '\n')) + 1;
    // Reserved so that the ids the checker holds views of never move.
    table.tracks.reserve(lines);
    checker.reserve(lines);
    while (records.next(cells, line)) {
        ++table.rowsRead;
        if (table.rowsRead % 4096 == 0) {
            progress.throwIfCancelled();
            progress.report(double(records.position()) /
                            double(std::max<std::size_t>(text.size(), 1)));
        }
        const std::string where = file.string() + ":" + std::to_string(line);
        if (!cols) {
            std::vector<bool> numeric(header.size(), false);
            for (std::size_t j = 0; j < header.size() && j < cells.size(); ++j)
                numeric[j] = number(cells[j]).has_value();
            cols = assignRoles(header, numeric, file);
            audioCols.resize(cols->audio.size());
            lyricsCols.resize(cols->lyrics.size());
            for (auto* block : {&audioCols, &lyricsCols})
                for (std::vector<double>& c : *block)
                    c.reserve(lines);
            haveHasLyrics = std::find(cols->roles.begin(), cols->roles.end(),
                                      Role::HasLyrics) != cols->roles.end();
            table.ignoredColumns = cols->ignored;
            labelFromGenre = hasRole(*cols, Role::Genre) && !hasRole(*cols, Role::Label);
        }
        if (cells.size() > header.size() &&
            std::any_of(cells.begin() + std::ptrdiff_t(header.size()), cells.end(),
                        [](std::string_view c) { return !c.empty(); })) {
            checker.report(0, where, std::to_string(cells.size()) + " fields where the header "
                                     "has " + std::to_string(header.size()) +
                                     "; row left out");
            continue;
        }
        cells.resize(header.size());
        // Every feature cell must be a finite number.
        const auto read = [&](const std::vector<int>& which, std::vector<double>& into) {
            into.resize(which.size());
            for (std::size_t k = 0; k < which.size(); ++k) {
                const std::string_view cell = cells[std::size_t(which[k])];
                const auto v = number(cell);
                if (!v || !std::isfinite(*v)) {
                    checker.report(0, where,
                                   "column \"" + messageExcerpt(header[std::size_t(which[k])], 40) +
                                       "\": " +
                                       (cell.empty() ? std::string("empty")
                                                     : "\"" + messageExcerpt(cell, 40) + "\"") +
                                       (v ? " is not a finite number" : " is not a number") +
                                       "; row left out");
                    return false;
                }
                into[k] = *v;
            }
            return true;
        };
        if (!read(cols->audio, audioRow) || !read(cols->lyrics, lyricsRow))
            continue;
        const RowText t = rowText(*cols, cells);
        table.tracks.push_back(makeTrack(t, std::size_t(table.rowsRead), base, labelFromGenre));
        if (checker.duplicate(table.tracks.back().id)) {
            checker.report(1, where, "the track \"" + messageExcerpt(table.tracks.back().id, 80) +
                                         "\" is already in the table; row left out");
            table.tracks.pop_back();
            continue;
        }
        for (std::size_t k = 0; k < audioRow.size(); ++k)
            audioCols[k].push_back(audioRow[k]);
        for (std::size_t k = 0; k < lyricsRow.size(); ++k)
            lyricsCols[k].push_back(lyricsRow[k]);
        hasLyrics.emplace_back(t.hasLyrics);
    }
    checker.summarise();
    if (!cols)
        throw InputError(file.string() + ": no data rows under the header");
    const Eigen::Index n = Eigen::Index(table.tracks.size());
    if (n == 0)
        throw InputError(file.string() + ": none of its " + std::to_string(table.rowsRead) +
                         " rows is usable (see the issues)");
    table.audio.resize(n, Eigen::Index(audioCols.size()));
    for (std::size_t k = 0; k < audioCols.size(); ++k) {
        table.audio.col(Eigen::Index(k)) = Eigen::Map<const Eigen::VectorXd>(audioCols[k].data(), n);
        table.audioNames.push_back(header[std::size_t(cols->audio[k])]);
        std::vector<double>().swap(audioCols[k]);
    }
    table.lyrics.resize(n, Eigen::Index(lyricsCols.size()));
    for (std::size_t k = 0; k < lyricsCols.size(); ++k) {
        table.lyrics.col(Eigen::Index(k)) =
            Eigen::Map<const Eigen::VectorXd>(lyricsCols[k].data(), n);
        table.vocabulary.push_back(
            header[std::size_t(cols->lyrics[k])].substr(TfidfColumnPrefix.size()));
        std::vector<double>().swap(lyricsCols[k]);
    }
    table.mfccAudio = cols->mfcc;
    for (Eigen::Index i = 0; i < n; ++i)
        setLyricsSource(table.tracks[std::size_t(i)], hasLyrics[std::size_t(i)], haveHasLyrics,
                        table.lyrics, i);
    return table;
}

FeatureTable readNpyTable(const fs::path& file, Diagnostics& diagnostics,
                          const Progress& progress)
{
    const NpyHeader h = readNpyHeader(file);   // before the companions: is it a .npy at all?
    const fs::path rowsFile = npyRowsFile(file), columnsFile = npyColumnsFile(file);
    // Column names: the companion, else "x0", "x1", ... (all of them features).
    std::vector<std::string> names;
    std::error_code ec;
    if (fs::exists(columnsFile, ec)) {
        std::istringstream in(readUserFileOrThrow(columnsFile, 64u << 20));
        for (std::string name; std::getline(in, name);) {
            if (!name.empty() && name.back() == '\r')
                name.pop_back();
            names.push_back(name);
        }
        if (std::int64_t(names.size()) != h.cols)
            throw InputError(columnsFile.string() + ": names " + std::to_string(names.size()) +
                             " columns, but " + file.filename().string() + " has " +
                             std::to_string(h.cols));
    } else {
        for (std::int64_t j = 0; j < h.cols; ++j)
            names.push_back("x" + std::to_string(j));
    }
    const std::vector<std::string_view> nameViews(names.begin(), names.end());
    const std::vector<std::string> header = headerNames(nameViews, columnsFile);
    // The rows: the companion CSV (required: it names the tracks).
    if (!fs::exists(rowsFile, ec))
        throw InputError(file.string() + ": its rows table " + rowsFile.filename().string() +
                         " (track_id,path,label,... one row per matrix row) is missing");
    CsvTable rows = readCsv(rowsFile, diagnostics);
    if (std::int64_t(rows.size()) != h.rows)
        throw InputError(rowsFile.string() + ": has " + std::to_string(rows.size()) +
                         " rows, but " + file.filename().string() + " has " +
                         std::to_string(h.rows));
    Columns cols = assignRoles(header, std::vector<bool>(header.size(), true), file);
    // The rows table's columns give the metadata roles.
    Columns meta;
    meta.roles.assign(rows.header.size(), Role::Ignored);
    bool haveHasLyrics = false;
    for (std::size_t j = 0; j < rows.header.size(); ++j)
        if (const auto role = namedRole(rows.header[j])) {
            meta.roles[j] = *role;
            haveHasLyrics = haveHasLyrics || *role == Role::HasLyrics;
        }

    // The two blocks straight from the file.
    FeatureTable table;
    table.audio.resize(Eigen::Index(h.rows), Eigen::Index(cols.audio.size()));
    table.lyrics.resize(Eigen::Index(h.rows), Eigen::Index(cols.lyrics.size()));
    std::vector<NpyColumnTarget> targets(header.size());
    for (std::size_t k = 0; k < cols.audio.size(); ++k)
        targets[std::size_t(cols.audio[k])] = {&table.audio, Eigen::Index(k)};
    for (std::size_t k = 0; k < cols.lyrics.size(); ++k)
        targets[std::size_t(cols.lyrics[k])] = {&table.lyrics, Eigen::Index(k)};
    readNpyColumns(file, h, targets, progress.sub(0.0, 0.9, "feature matrix"));
    table.source = file;
    table.format = FeatureTableFormat::Npy;
    table.rowsRead = int(h.rows);
    table.mfccAudio = cols.mfcc;
    table.ignoredColumns = cols.ignored;
    const fs::path base = fs::absolute(file, ec).parent_path();
    RowChecker checker(file, diagnostics);
    std::vector<Eigen::Index> kept;
    std::vector<std::string_view> cells;
    std::vector<std::string> hasLyrics;
    // Rows with a value that is not finite: the first such column of each.
    std::vector<int> badColumn(std::size_t(h.rows), -1);
    const auto scan = [&](const Matrix& block, const std::vector<int>& names) {
        for (Eigen::Index k = 0; k < block.cols(); ++k)
            for (Eigen::Index i = 0; i < block.rows(); ++i)
                if (!std::isfinite(block(i, k)) && badColumn[std::size_t(i)] < 0)
                    badColumn[std::size_t(i)] = names[std::size_t(k)];
    };
    scan(table.audio, cols.audio);
    scan(table.lyrics, cols.lyrics);
    const bool labelFromGenre = hasRole(meta, Role::Genre) && !hasRole(meta, Role::Label);
    // Reserved so that the ids the checker holds views of never move.
    table.tracks.reserve(std::size_t(h.rows));
    checker.reserve(std::size_t(h.rows));
    for (Eigen::Index i = 0; i < Eigen::Index(h.rows); ++i) {
        const int bad = badColumn[std::size_t(i)];
        if (bad >= 0) {
            checker.report(0, file.string(),
                           "row " + std::to_string(i + 1) + ", column \"" +
                               messageExcerpt(header[std::size_t(bad)], 40) +
                               "\": not a finite number; row left out");
            continue;
        }
        const auto& row = rows.rows[std::size_t(i)];
        cells.assign(row.begin(), row.end());
        const RowText t = rowText(meta, cells);
        table.tracks.push_back(makeTrack(t, std::size_t(i + 1), base, labelFromGenre));
        if (checker.duplicate(table.tracks.back().id)) {
            checker.report(1, rows.where(std::size_t(i)),
                           "the track \"" + messageExcerpt(table.tracks.back().id, 80) +
                               "\" is already in the table; row left out");
            table.tracks.pop_back();
            continue;
        }
        hasLyrics.emplace_back(t.hasLyrics);
        kept.push_back(i);
    }
    checker.summarise();
    if (kept.empty())
        throw InputError(file.string() + ": none of its " + std::to_string(h.rows) +
                         " rows is usable (see the issues)");
    if (Eigen::Index(kept.size()) != table.audio.rows()) {
        table.audio = Matrix(table.audio(kept, Eigen::all));
        table.lyrics = Matrix(table.lyrics(kept, Eigen::all));
    }
    for (int j : cols.audio)
        table.audioNames.push_back(header[std::size_t(j)]);
    for (int j : cols.lyrics)
        table.vocabulary.push_back(header[std::size_t(j)].substr(TfidfColumnPrefix.size()));
    for (std::size_t i = 0; i < table.tracks.size(); ++i)
        setLyricsSource(table.tracks[i], hasLyrics[i], haveHasLyrics, table.lyrics,
                        Eigen::Index(i));
    progress.report(1.0);
    return table;
}

} // namespace

FeatureTableSummary summariseFeatureTable(const fs::path& file, const Progress& progress)
{
    FeatureTableSummary s;
    s.format = featureTableFormatOf(file);
    std::vector<std::string> header;
    std::vector<bool> numeric;
    bool labelled = false;
    if (s.format == FeatureTableFormat::Npy) {
        const NpyHeader h = readNpyHeader(file);
        s.rows = h.rows;
        std::error_code ec;
        if (fs::exists(npyColumnsFile(file), ec)) {
            std::istringstream in(readUserFileOrThrow(npyColumnsFile(file), 64u << 20));
            for (std::string name; std::getline(in, name);)
                header.push_back(name);
        } else {
            for (std::int64_t j = 0; j < h.cols; ++j)
                header.push_back("x" + std::to_string(j));
        }
        numeric.assign(header.size(), true);
        if (!fs::exists(npyRowsFile(file), ec))
            throw InputError(file.string() + ": its rows table " +
                             npyRowsFile(file).filename().string() + " is missing");
        Diagnostics ignored;
        const CsvTable rows = readCsv(npyRowsFile(file), ignored);
        labelled = rows.column("label") >= 0 || rows.column("genre") >= 0;
    } else {
        std::string text;
        if (const auto why = readUserFile(file, MaxTableTextBytes, text))
            throw InputError(file.string() + ": " + *why);
        CsvRecords records(text);
        std::vector<std::string_view> cells;
        std::size_t line = 0;
        if (!records.next(cells, line))
            throw InputError(file.string() + ": empty (no header row)");
        header = headerNames(cells, file);
        numeric.assign(header.size(), false);
        while (records.next(cells, line)) {
            if (s.rows == 0)
                for (std::size_t j = 0; j < header.size() && j < cells.size(); ++j)
                    numeric[j] = number(cells[j]).has_value();
            if (++s.rows % 65536 == 0) {
                progress.throwIfCancelled();
                progress.report(double(records.position()) / double(text.size()));
            }
        }
        if (s.rows == 0)
            throw InputError(file.string() + ": no data rows under the header");
        for (const std::string& name : header)
            labelled = labelled || lowerAscii(name) == "label" || lowerAscii(name) == "genre";
    }
    const Columns c = assignRoles(header, numeric, file);
    s.audioColumns = int(c.audio.size());
    s.lyricsColumns = int(c.lyrics.size());
    s.mfccAudio = c.mfcc;
    s.labelled = labelled;
    s.ignoredColumns = c.ignored;
    return s;
}

FeatureTable readFeatureTable(const fs::path& file, Diagnostics& diagnostics,
                              const Progress& progress)
{
    return featureTableFormatOf(file) == FeatureTableFormat::Npy
               ? readNpyTable(file, diagnostics, progress)
               : readCsvTable(file, diagnostics, progress);
}

} // namespace atlas
