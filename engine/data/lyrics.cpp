// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/data/lyrics.h"

#include "engine/core/error.h"
#include "engine/core/text.h"
#include "engine/core/user_file.h"

#include <algorithm>
#include <array>
#include <string_view>
#include <unordered_map>

namespace atlas {
namespace {

bool endsWith(std::string_view s, std::string_view suffix)
{
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string columnList(const CsvTable& table)
{
    return csvColumnList(table.header);
}

// First unused column whose lower-cased name is in `exact` (in list order), else the first
// whose name satisfies `loose`.
template <std::size_t N, class Loose>
int pick(const std::vector<std::string>& names, const std::array<std::string_view, N>& exact,
         const std::vector<bool>& used, Loose loose)
{
    for (std::string_view want : exact)
        for (std::size_t i = 0; i < names.size(); ++i)
            if (!used[i] && names[i] == want)
                return int(i);
    for (std::size_t i = 0; i < names.size(); ++i)
        if (!used[i] && loose(names[i]))
            return int(i);
    return -1;
}

int explicitColumn(const CsvTable& table, const std::string& name, const char* role)
{
    const int c = table.column(name);
    if (c < 0)
        throw InputError(table.source.string() + ": the " + role + " column \"" + messageExcerpt(name) +
                         "\" is not in the file (columns found: " + columnList(table) + ")");
    return c;
}

} // namespace

LyricsColumnIndex detectLyricsColumns(const CsvTable& table, const LyricsColumns& columns)
{
    std::vector<std::string> names;
    names.reserve(table.header.size());
    for (const std::string& h : table.header)
        names.push_back(lowerAscii(h));
    std::vector<bool> used(names.size(), false);
    LyricsColumnIndex idx;

    const auto isIdLike = [](const std::string& n) { return n == "id" || endsWith(n, "_id"); };
    if (!columns.text.empty()) {
        idx.text = explicitColumn(table, columns.text, "text");
    } else {
        static constexpr std::array<std::string_view, 3> Exact = {"lyrics", "text", "lyric"};
        idx.text = pick(names, Exact, used, [&](const std::string& n) {
            return n.find("lyric") != std::string::npos && !isIdLike(n);
        });
        if (idx.text < 0)
            idx.text = pick(names, std::array<std::string_view, 0>{}, used,
                            [&](const std::string& n) {
                                return n.find("text") != std::string::npos && !isIdLike(n);
                            });
    }
    if (idx.text < 0)
        throw InputError(table.source.string() +
                         ": no lyrics text column (expected one named lyrics, text or lyric, or "
                         "containing \"lyric\"; columns found: " +
                         columnList(table) + ")");
    used[std::size_t(idx.text)] = true;

    if (!columns.label.empty()) {
        idx.label = explicitColumn(table, columns.label, "label");
    } else {
        static constexpr std::array<std::string_view, 6> Exact = {"genre", "tag",    "label",
                                                                  "tags",  "genres", "class"};
        idx.label = pick(names, Exact, used, [](const std::string& n) {
            return n.find("genre") != std::string::npos;
        });
    }
    if (idx.label >= 0)
        used[std::size_t(idx.label)] = true;

    if (!columns.key.empty()) {
        idx.key = explicitColumn(table, columns.key, "key");
    } else {
        static constexpr std::array<std::string_view, 9> Exact = {
            "track_id", "id", "filename", "file_name", "file", "path", "filepath", "lyrics_id",
            "song_id"};
        idx.key = pick(names, Exact, used, [](const std::string& n) { return endsWith(n, "_id"); });
        if (idx.key < 0) {
            static constexpr std::array<std::string_view, 4> Names = {"song", "title", "track",
                                                                      "name"};
            idx.key = pick(names, Names, used, [](const std::string&) { return false; });
        }
    }
    return idx;
}

namespace {

// lyricsFromCsv(); the texts are moved out of `rows` (table.rows itself) when it is given.
LyricsTable lyricsFromTable(const CsvTable& table, std::vector<std::vector<std::string>>* rows,
                            Diagnostics& diagnostics, const LyricsColumns& columns)
{
    const LyricsColumnIndex idx = detectLyricsColumns(table, columns);
    LyricsTable out;
    out.source = table.source;
    out.textColumn = table.header[std::size_t(idx.text)];
    out.hasLabels = idx.label >= 0;
    out.hasKeys = idx.key >= 0;
    if (out.hasLabels)
        out.labelColumn = table.header[std::size_t(idx.label)];
    if (out.hasKeys)
        out.keyColumn = table.header[std::size_t(idx.key)];

    const std::size_t n = table.rows.size();
    out.keys.reserve(n);
    out.labels.reserve(n);
    out.texts.reserve(n);
    out.lines.reserve(n);
    std::unordered_map<std::string, std::size_t> lineOfKey;
    std::size_t missingText = 0, missingOther = 0, duplicates = 0, emptyKeys = 0;
    for (std::size_t r = 0; r < n; ++r) {
        const auto& row = table.rows[r];
        const std::size_t present =
            r < table.fieldCount.size() ? table.fieldCount[r] : row.size();
        const std::size_t line = r < table.lineOfRow.size() ? table.lineOfRow[r] : 0;
        const std::string where = table.source.string() + ":" + std::to_string(line);
        if (std::size_t(idx.text) >= present) {
            if (missingText++ < MaxIssuesPerKind)
                diagnostics.add(where, "row has only " + std::to_string(present) + " of " +
                                           std::to_string(table.header.size()) +
                                           " fields and no \"" + out.textColumn +
                                           "\" field; row skipped");
            continue;
        }
        const bool labelMissing = out.hasLabels && std::size_t(idx.label) >= present;
        const bool keyMissing = out.hasKeys && std::size_t(idx.key) >= present;
        if ((labelMissing || keyMissing) && missingOther++ < MaxIssuesPerKind)
            diagnostics.add(where, "row has only " + std::to_string(present) + " of " +
                                       std::to_string(table.header.size()) + " fields; no \"" +
                                       (keyMissing ? out.keyColumn : out.labelColumn) +
                                       "\" field, left empty");
        std::string key = out.hasKeys ? trimmed(row[std::size_t(idx.key)]) : std::string();
        if (out.hasKeys) {
            if (key.empty()) {
                ++emptyKeys;
            } else if (auto [it, inserted] = lineOfKey.try_emplace(key, line); !inserted) {
                if (duplicates++ < MaxIssuesPerKind)
                    diagnostics.add(where, "\"" + out.keyColumn + "\" value \"" + messageExcerpt(key) +
                                               "\" already used on line " +
                                               std::to_string(it->second) +
                                               "; both rows kept, pairing uses the first");
            }
        }
        out.keys.push_back(std::move(key));
        out.labels.push_back(out.hasLabels ? trimmed(row[std::size_t(idx.label)]) : std::string());
        if (rows)
            out.texts.push_back(std::move((*rows)[r][std::size_t(idx.text)]));
        else
            out.texts.push_back(row[std::size_t(idx.text)]);
        out.lines.push_back(line);
    }
    const auto summary = [&](std::size_t count, const std::string& what) {
        if (count > MaxIssuesPerKind)
            diagnostics.add(table.source, std::to_string(count - MaxIssuesPerKind) + " more " +
                                              what + " (" + std::to_string(count) +
                                              " in total)");
    };
    summary(missingText, "rows without a \"" + out.textColumn + "\" field skipped");
    summary(missingOther, "rows with missing fields");
    summary(duplicates, "repeated \"" + out.keyColumn + "\" values");
    if (emptyKeys)
        diagnostics.add(table.source, std::to_string(emptyKeys) + " row" +
                                          (emptyKeys > 1 ? "s have" : " has") + " an empty \"" +
                                          out.keyColumn + "\"; they cannot be paired by key");
    if (out.texts.empty())
        throw InputError(table.source.string() +
                         (table.rows.empty() ? ": no lyrics rows (the file has only a header)"
                                             : ": no usable lyrics rows (every row was damaged; "
                                               "see the issues reported for this file)"));
    return out;
}

} // namespace

LyricsTable lyricsFromCsv(const CsvTable& table, Diagnostics& diagnostics,
                          const LyricsColumns& columns)
{
    return lyricsFromTable(table, nullptr, diagnostics, columns);
}

LyricsTable lyricsFromCsv(CsvTable&& table, Diagnostics& diagnostics, const LyricsColumns& columns)
{
    return lyricsFromTable(table, &table.rows, diagnostics, columns);
}

LyricsTable loadLyrics(const std::filesystem::path& path, Diagnostics& diagnostics,
                       const LyricsColumns& columns, const CsvOptions& options)
{
    CsvOptions csvOptions = options;
    csvOptions.reportShortRows = false;   // reported above, naming the missing lyrics field
    return lyricsFromCsv(readCsv(path, diagnostics, csvOptions), diagnostics, columns);
}

} // namespace atlas
