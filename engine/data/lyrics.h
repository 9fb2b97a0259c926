// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Lyrics tables: a CSV with one row per song holding the lyrics text and, optionally, a key
// that pairs the row with an audio file and a label (genre/tag).
//
// Column detection (ASCII case-insensitive, names trimmed; explicit LyricsColumns win):
//   text : "lyrics", "text", "lyric"; else the first name containing "lyric" ("lyrics_text",
//          "song_lyrics"); else the first name containing "text".
//   label: "genre", "tag", "label", "tags", "genres", "class"; else the first name containing
//          "genre".
//   key  : "track_id", "id", "filename", "file_name", "file", "path", "filepath", "lyrics_id",
//          "song_id"; else the first name ending in "_id"; else "song", "title", "track", "name".
// A column is used for one role only (text first, then label, then key).
//
// Row rules (the CSV reader's own rules and Issues apply first, see csv.h):
//   - a row whose text field is empty is kept: an instrumental or unknown song has empty
//     lyrics, which TF-IDF maps to a zero row;
//   - a row that has no text field at all (too few fields) is skipped with an Issue
//     "<file>:<line>: ... no <text column> field";
//   - a row with fewer fields than needed for the label or key keeps an empty label or key,
//     with an Issue;
//   - keys and labels are trimmed of surrounding whitespace; text is kept as written (line
//     breaks inside quoted fields become "\n"); invalid UTF-8 was already repaired to U+FFFD
//     with an Issue by the CSV reader;
//   - duplicate keys are reported (first occurrence named) and all rows are kept; empty keys
//     are counted in one Issue.
// Thread rules: reentrant; diagnostics may be shared between threads.

#include "engine/core/issue.h"
#include "engine/data/csv.h"

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace atlas {

/// Explicit column names for loadLyrics(); an empty name means "detect".
/// A name given here that is not in the file makes loadLyrics() throw InputError.
struct LyricsColumns {
    std::string key{};   ///< track id / file name column (CLI --lyrics-key-column)
    std::string label{}; ///< genre / tag column (CLI --lyrics-label-column)
    std::string text{};  ///< lyrics text column (CLI --lyrics-text-column)

    bool operator==(const LyricsColumns&) const = default;
};

/// The usable rows of a lyrics CSV, in file order. keys/labels are filled (with "") even when
/// the file has no such column, so all three vectors always have size() elements.
struct LyricsTable {
    std::vector<std::string> keys;      ///< one per row; "" when hasKeys is false
    std::vector<std::string> labels;    ///< one per row; "" when hasLabels is false or missing
    std::vector<std::string> texts;     ///< one per row, UTF-8, possibly empty
    std::vector<std::size_t> lines;     ///< 1-based source line of each row (for messages)
    bool hasKeys = false;               ///< a key column was found or given
    bool hasLabels = false;             ///< a label column was found or given
    std::string keyColumn;              ///< name of the key column as in the header ("" if none)
    std::string labelColumn;            ///< name of the label column ("" if none)
    std::string textColumn;             ///< name of the text column
    std::filesystem::path source;       ///< the CSV file

    std::size_t size() const noexcept { return texts.size(); }
};

/// Detected or explicit columns of `table` for the three roles; -1 = none. Throws InputError
/// (message names the file and lists the columns found) when there is no text column or an
/// explicit name is not in the header.
struct LyricsColumnIndex {
    int key = -1;
    int label = -1;
    int text = -1;
};
LyricsColumnIndex detectLyricsColumns(const CsvTable& table, const LyricsColumns& columns = {});

/// Reads a lyrics CSV (readCsv() with `options`, short rows reported here instead) and picks
/// its columns. Throws InputError, naming the file, when the file cannot be read as CSV
/// (missing, empty, binary), has no text column (the message lists the columns found), an
/// explicit column is missing, or no data row is left. Bad rows become Issues.
LyricsTable loadLyrics(const std::filesystem::path& path, Diagnostics& diagnostics,
                       const LyricsColumns& columns = {}, const CsvOptions& options = {});

/// The same from an already parsed table (table.source names the file in messages).
LyricsTable lyricsFromCsv(const CsvTable& table, Diagnostics& diagnostics,
                          const LyricsColumns& columns = {});
/// The same, moving the texts out of `table` instead of copying them.
LyricsTable lyricsFromCsv(CsvTable&& table, Diagnostics& diagnostics,
                          const LyricsColumns& columns = {});

} // namespace atlas
