// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Feature tables: what `musicatlas-cli features` writes and `run --features` starts from,
// instead of audio. Two formats hold the same table:
//   - CSV: track_id,path,label, the audio columns (mfcc_mean_00 ... mfcc_std_19), the lyrics
//     columns (tfidf:<term>), then title,artist,album,year,genre,has_lyrics. Numbers are the
//     shortest text that reads back as the same double, so a run from the table equals the
//     run from audio bit for bit.
//   - NumPy: <name>.npy, the feature columns as a tracks x columns float64 matrix (C order);
//     <name>.rows.csv beside it, the other columns, one row per matrix row; and
//     <name>.columns.txt, the matrix's column names, one per line. numpy.load() and
//     pandas.read_csv() read them as they are, and a million rows of 540 columns load in
//     seconds (no text to parse; a CSV of that size is gigabytes of digits).
// Other tables work too, so that embeddings made elsewhere (Essentia, OpenL3, CLAP) can be
// mapped: the audio block is the mfcc_* columns, or when there are none every numeric column
// not named tfidf:* (nor one of the named columns above); the lyrics block is the tfidf:*
// columns. Only track_id or path is needed to name the tracks (else they are "row<N>").

#include "engine/core/issue.h"
#include "engine/core/progress.h"
#include "engine/core/types.h"
#include "engine/data/collection.h"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace atlas {

enum class FeatureTableFormat {
    Csv,   ///< one CSV file
    Npy,   ///< <name>.npy + <name>.rows.csv + <name>.columns.txt
};

/// Parses "csv" and "npy"; std::nullopt for anything else.
std::optional<FeatureTableFormat> parseFeatureTableFormat(const std::string& word);
/// The format a file name asks for: .npy is NumPy, anything else CSV.
FeatureTableFormat featureTableFormatOf(const std::filesystem::path& file);
/// The companions of a NumPy table: "<dir>/<stem>.rows.csv" and "<dir>/<stem>.columns.txt".
std::filesystem::path npyRowsFile(const std::filesystem::path& npy);
std::filesystem::path npyColumnsFile(const std::filesystem::path& npy);

/// Prefix of the lyrics columns' names ("tfidf:love").
inline constexpr std::string_view TfidfColumnPrefix = "tfidf:";
/// The columns that are not features, in the order the CSV writes them after the features
/// (track_id, path and label come first).
inline constexpr const char* TrailingTableColumns[] = {"title", "artist", "album",
                                                       "year",  "genre",  "has_lyrics"};

/// A feature table read back.
struct FeatureTable {
    std::filesystem::path source;          ///< the file read (the .npy for NumPy tables)
    FeatureTableFormat format = FeatureTableFormat::Csv;
    /// The rows kept, in the table's order: id, path (relative ones taken from the table's
    /// folder), layoutLabel = the label column, tags (title, artist, album, year, genre), and
    /// lyricsSource Manifest when has_lyrics is 1 (or, without that column, when the
    /// lyrics columns are not all zero), else None.
    std::vector<Track> tracks;
    Matrix audio;                          ///< rows x audio columns
    std::vector<std::string> audioNames;
    Matrix lyrics;                         ///< rows x lyrics columns
    std::vector<std::string> vocabulary;   ///< the lyrics columns' terms, without "tfidf:"
    /// The audio block is the table's mfcc_* columns (false: other numeric columns).
    bool mfccAudio = false;
    int rowsRead = 0;                      ///< data rows in the file, kept or not
    std::vector<std::string> ignoredColumns; ///< text columns that are not features
};

/// What a feature table holds, from its header, its first row and a count of its rows: the
/// app's look at a table before a run.
struct FeatureTableSummary {
    FeatureTableFormat format = FeatureTableFormat::Csv;
    std::int64_t rows = 0;                 ///< data rows (not checked one by one)
    int audioColumns = 0;
    int lyricsColumns = 0;
    bool mfccAudio = false;                ///< the audio block is mfcc_* columns
    bool labelled = false;                 ///< a label (or genre) column labels the tracks
    std::vector<std::string> ignoredColumns;
};

/// Looks at `file` as readFeatureTable() would, without reading its numbers. Throws as
/// readFeatureTable() for a file that is not a table; Cancelled while counting rows.
FeatureTableSummary summariseFeatureTable(const std::filesystem::path& file,
                                          const Progress& progress = {});

/// Reads a feature table (format from the extension, featureTableFormatOf()). Rows with a
/// cell that is not a finite number in a feature column, or a repeated track id, are left
/// out, each an Issue naming the file, its line and the column; a header that repeats a
/// column is refused. Without a label column, a genre column labels the tracks. Throws InputError "<file>: <reason>" when the file (or a companion) is
/// missing, unreadable, not a table, has no feature column, or no row is left; Cancelled
/// between blocks of rows.
FeatureTable readFeatureTable(const std::filesystem::path& file, Diagnostics& diagnostics,
                              const Progress& progress = {});

} // namespace atlas
