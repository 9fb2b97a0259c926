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
#include <map>
#include <set>
#include <sstream>
#include <string_view>
#include <unordered_set>

namespace fs = std::filesystem;

namespace atlas {

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
    return lowerAscii(file.extension().string()) == ".npy" ? FeatureTableFormat::Npy
                                                             : FeatureTableFormat::Csv;
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
    static const std::map<std::string, Role> roles = {
        {"track_id", Role::Id}, {"id", Role::Id},         {"path", Role::Path},
        {"file", Role::Path},   {"filename", Role::Path}, {"label", Role::Label},
        {"title", Role::Title}, {"artist", Role::Artist}, {"album", Role::Album},
        {"year", Role::Year},   {"genre", Role::Genre},   {"has_lyrics", Role::HasLyrics}};
    const auto it = roles.find(lowerAscii(name));
    return it == roles.end() ? std::nullopt : std::optional<Role>(it->second);
}

// A cell as a number: the shortest round-trip text, or any other decimal or exponent form.
std::optional<double> number(std::string_view cell)
{
    cell = trimmedView(cell);
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
        } else if (header[j].starts_with(TfidfColumnPrefix)) {
            c.roles[j] = Role::Lyrics;
        } else if (lowerAscii(header[j]).starts_with("mfcc_")) {
            c.mfcc = true;
        }
    }
    for (std::size_t j = 0; j < header.size(); ++j) {
        if (c.roles[j] != Role::Ignored || namedRole(header[j]))
            continue;
        const bool isMfcc = lowerAscii(header[j]).starts_with("mfcc_");
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
    RowChecker(const fs::path& file, Diagnostics& diagnostics, const std::vector<Track>& tracks)
        : m_file(file), m_diagnostics(diagnostics), m_ids(0, IdHash{&tracks}, IdEqual{&tracks})
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
    /// True when the id of tracks[index] (the one just added) was seen before; otherwise it
    /// is remembered, by index, so that the vector may grow and move its strings.
    bool duplicate(std::size_t index) { return !m_ids.insert(index).second; }
    void reserve(std::size_t n) { m_ids.reserve(n); }

private:
    struct IdHash {
        const std::vector<Track>* tracks;
        std::size_t operator()(std::size_t i) const
        {
            return std::hash<std::string>{}((*tracks)[i].id);
        }
    };
    struct IdEqual {
        const std::vector<Track>* tracks;
        bool operator()(std::size_t a, std::size_t b) const
        {
            return (*tracks)[a].id == (*tracks)[b].id;
        }
    };
    const fs::path& m_file;
    Diagnostics& m_diagnostics;
    int m_counts[2] = {0, 0};
    std::unordered_set<std::size_t, IdHash, IdEqual> m_ids;
};

// The metadata and feature roles, applied to one row of cells.
RowText rowText(const Columns& c, const std::vector<std::string>& cells)
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

// A table's feature columns must be named once each (a CSV header is checked by the reader).
void checkNamesOnce(const std::vector<std::string>& names, const fs::path& file)
{
    std::set<std::string> seen;
    for (const std::string& name : names)
        if (!seen.insert(lowerAscii(name)).second)
            throw InputError(file.string() + ": the column \"" + messageExcerpt(name, 40) +
                             "\" appears twice in the header");
}

// The matrix's column names: the companion file, else "x0", "x1", ... (all of them features).
std::vector<std::string> npyColumnNames(const fs::path& file, const NpyHeader& h)
{
    const fs::path columnsFile = npyColumnsFile(file);
    std::vector<std::string> names;
    std::error_code ec;
    if (!fs::exists(columnsFile, ec)) {
        for (std::int64_t j = 0; j < h.cols; ++j)
            names.push_back("x" + std::to_string(j));
        return names;
    }
    std::istringstream in(readUserFileOrThrow(columnsFile, 64u << 20));
    for (std::string name; std::getline(in, name);) {
        name = trimmed(name);
        names.push_back(name.empty() ? "Unnamed: " + std::to_string(names.size()) : name);
    }
    if (std::int64_t(names.size()) != h.cols)
        throw InputError(columnsFile.string() + ": names " + std::to_string(names.size()) +
                         " columns, but " + file.filename().string() + " has " +
                         std::to_string(h.cols));
    checkNamesOnce(names, columnsFile);
    return names;
}

// The rows of a .npy: its companion table (required: it names the tracks), one per matrix row.
CsvTable npyRows(const fs::path& file, const NpyHeader& h, Diagnostics& diagnostics)
{
    const fs::path rowsFile = npyRowsFile(file);
    std::error_code ec;
    if (!fs::exists(rowsFile, ec))
        throw InputError(file.string() + ": its rows table " + rowsFile.filename().string() +
                         " (track_id,path,label,... one row per matrix row) is missing");
    CsvTable rows = readCsv(rowsFile, diagnostics);
    if (std::int64_t(rows.size()) != h.rows)
        throw InputError(rowsFile.string() + ": has " + std::to_string(rows.size()) +
                         " rows, but " + file.filename().string() + " has " +
                         std::to_string(h.rows));
    return rows;
}

// The CSV reader's rules for feature tables: short rows are padded silently (an empty
// feature cell is reported by the table, naming its column) and a repeated column is refused.
CsvOptions tableCsvOptions()
{
    CsvOptions o;
    o.reportShortRows = false;
    o.refuseRepeatedNames = true;
    return o;
}

// Up to 16 GB of table text; a bigger table is what the NumPy format is for.
constexpr std::uintmax_t MaxTableTextBytes = 16ull << 30;

std::string tableText(const fs::path& file)
{
    std::string text;
    if (const auto why = readUserFile(file, MaxTableTextBytes, text))
        throw InputError(file.string() + ": " + *why);
    return text;
}

FeatureTable readCsvTable(const fs::path& file, Diagnostics& diagnostics,
                          const Progress& progress)
{
    const std::string text = tableText(file);

    FeatureTable table;
    table.source = file;
    std::vector<std::string> header;
    std::vector<std::vector<double>> audioCols, lyricsCols;   // built row by row
    std::vector<std::string> hasLyrics;
    bool haveHasLyrics = false, labelFromGenre = false;
    std::optional<Columns> cols;
    RowChecker checker(file, diagnostics, table.tracks);
    std::error_code ec;
    const fs::path base = fs::absolute(file, ec).parent_path();
    std::vector<double> audioRow, lyricsRow;
    std::size_t lines = 1;
    forEachCsvRow(
        text, file, diagnostics,
        [&](const std::vector<std::string>& names, char, std::size_t rows) {
            header = names;
            lines = rows;
            table.tracks.reserve(rows);
            checker.reserve(rows);
        },
        [&](std::vector<std::string>& cells, std::size_t line, std::size_t) {
            ++table.rowsRead;
            if (table.rowsRead % 4096 == 0) {
                progress.throwIfCancelled();
                progress.report(double(line) / double(lines));
            }
            if (!cols) {
                // The first row says which unnamed columns are numbers.
                std::vector<bool> numeric(header.size(), false);
                for (std::size_t j = 0; j < header.size(); ++j)
                    numeric[j] = number(cells[j]).has_value();
                cols = assignRoles(header, numeric, file);
                audioCols.resize(cols->audio.size());
                lyricsCols.resize(cols->lyrics.size());
                for (auto* block : {&audioCols, &lyricsCols})
                    for (std::vector<double>& c : *block)
                        c.reserve(lines);
                haveHasLyrics = hasRole(*cols, Role::HasLyrics);
                table.ignoredColumns = cols->ignored;
                labelFromGenre = hasRole(*cols, Role::Genre) && !hasRole(*cols, Role::Label);
            }
            const std::string where = file.string() + ":" + std::to_string(line);
            // Every feature cell must be a finite number.
            const auto read = [&](const std::vector<int>& which, std::vector<double>& into) {
                into.resize(which.size());
                for (std::size_t k = 0; k < which.size(); ++k) {
                    const std::string& cell = cells[std::size_t(which[k])];
                    const auto v = number(cell);
                    if (!v || !std::isfinite(*v)) {
                        checker.report(
                            0, where,
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
                return;
            const RowText t = rowText(*cols, cells);
            table.tracks.push_back(
                makeTrack(t, std::size_t(table.rowsRead), base, labelFromGenre));
            if (checker.duplicate(table.tracks.size() - 1)) {
                checker.report(1, where,
                               "the track \"" + messageExcerpt(table.tracks.back().id, 80) +
                                   "\" is already in the table; row left out");
                table.tracks.pop_back();
                return;
            }
            for (std::size_t k = 0; k < audioRow.size(); ++k)
                audioCols[k].push_back(audioRow[k]);
            for (std::size_t k = 0; k < lyricsRow.size(); ++k)
                lyricsCols[k].push_back(lyricsRow[k]);
            hasLyrics.emplace_back(t.hasLyrics);
        },
        tableCsvOptions());
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
    const std::vector<std::string> header = npyColumnNames(file, h);
    CsvTable rows = npyRows(file, h, diagnostics);
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
    std::error_code ec;
    const fs::path base = fs::absolute(file, ec).parent_path();
    RowChecker checker(file, diagnostics, table.tracks);
    std::vector<Eigen::Index> kept;
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
        const RowText t = rowText(meta, rows.rows[std::size_t(i)]);
        table.tracks.push_back(makeTrack(t, std::size_t(i + 1), base, labelFromGenre));
        if (checker.duplicate(table.tracks.size() - 1)) {
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
    std::vector<std::string> header, meta;   // the feature columns' table, the track columns'
    std::vector<bool> numeric;
    Diagnostics ignored;   // the run reports them
    if (s.format == FeatureTableFormat::Npy) {
        const NpyHeader h = readNpyHeader(file);
        s.rows = h.rows;
        header = npyColumnNames(file, h);
        numeric.assign(header.size(), true);
        meta = npyRows(file, h, ignored).header;
    } else {
        const std::string text = tableText(file);
        std::size_t lines = 1;
        forEachCsvRow(
            text, file, ignored,
            [&](const std::vector<std::string>& names, char, std::size_t rows) {
                header = names;
                lines = rows;
            },
            [&](std::vector<std::string>& cells, std::size_t line, std::size_t) {
                if (s.rows == 0) {
                    numeric.assign(header.size(), false);
                    for (std::size_t j = 0; j < header.size(); ++j)
                        numeric[j] = number(cells[j]).has_value();
                }
                if (++s.rows % 65536 == 0) {
                    progress.throwIfCancelled();
                    progress.report(double(line) / double(lines));
                }
            },
            tableCsvOptions());
        if (s.rows == 0)
            throw InputError(file.string() + ": no data rows under the header");
        meta = header;
    }
    const Columns c = assignRoles(header, numeric, file);
    s.audioColumns = int(c.audio.size());
    s.lyricsColumns = int(c.lyrics.size());
    s.mfccAudio = c.mfcc;
    s.labelled = std::any_of(meta.begin(), meta.end(), [](const std::string& name) {
        const auto role = namedRole(name);
        return role == Role::Label || role == Role::Genre;
    });
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
