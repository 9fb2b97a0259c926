// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/issue.h"
#include "engine/core/progress.h"
#include "engine/data/collection.h"

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace atlas {

/// What readTags() found in one file: its tags, and problems that were repaired or ignored
/// (a damaged ID3v2 tag, text in a wrong encoding). The track is used either way.
struct TagReadResult {
    TrackTags tags;
    std::vector<std::string> problems;
};

/// Reads title, artist, album, album artist, track number, year, genres, duration, format and
/// embedded lyrics with TagLib, from ID3v1/ID3v2 (MP3, WAV, AIFF), Vorbis comments (FLAC, Ogg
/// Vorbis, Opus), MP4 atoms (M4A), APE and ASF tags. Lyrics: ID3v2 USLT, LYRICS and
/// UNSYNCEDLYRICS comments, MP4 ©lyr, APE Lyrics. Genres go through normaliseGenres().
/// Never throws; a file TagLib cannot read gives empty tags and a problem.
/// Thread-safe for different files.
TagReadResult readTags(const std::filesystem::path& file);

/// Splits and cleans genre tag values: several values in one ("Rock; Indie", "Rock/Indie",
/// "Rock|Indie") become several; ID3v1 numeric genres ("(17)", "17", "(17)Rock") become their
/// names ("Rock"); surrounding spaces are trimmed and inner runs of spaces collapsed; the
/// spelling of a known ID3v1 genre is used whatever the case ("ROCK" -> "Rock"), other names
/// are kept as written; duplicates (ignoring case) and empty values are dropped.
std::vector<std::string> normaliseGenres(const std::vector<std::string>& values);

/// The lyrics text of an LRC file: `[mm:ss.xx]` time tags (any number per line, and
/// `<mm:ss.xx>` word tags) removed, ID tag lines (`[ar:…]`, `[ti:…]`, `[al:…]`, `[by:…]`,
/// `[offset:…]`, …) dropped, lines trimmed, runs of blank lines collapsed.
std::string lyricsFromLrc(std::string_view lrc);

/// The lyrics beside `audioFile`: `<stem>.lrc` (parsed by lyricsFromLrc), else `<stem>.txt`.
/// Invalid UTF-8 is repaired, a UTF-8 or UTF-16 byte-order mark honoured. Files over 1 MB are
/// refused. `sidecar` receives the file read. std::nullopt when there is none; problems go
/// to `diagnostics` naming the sidecar file.
std::optional<std::string> readSidecarLyrics(const std::filesystem::path& audioFile,
                                             Diagnostics& diagnostics,
                                             std::filesystem::path* sidecar = nullptr);

/// Options of readCollectionMetadata().
struct MetadataConfig {
    bool tags = true;       ///< read the files' tags (and embedded lyrics)
    bool sidecars = true;   ///< read .lrc/.txt lyrics beside the files
    /// Tag cache folder; empty = the user's cache folder. useCache = false: nothing read or
    /// written.
    std::filesystem::path cacheDir;
    bool useCache = true;
    int threads = 0;        ///< OpenMP threads, 0 = all cores
    bool operator==(const MetadataConfig&) const = default;
};

/// Cache accounting of readCollectionMetadata().
struct MetadataStats {
    int fromCache = 0;   ///< files whose tags came from the cache
    int read = 0;        ///< files whose tags were read now
    std::filesystem::path cacheFile;
};

/// Fills Track::tags of every track (through a cache keyed by path, size and modification
/// time, in parallel) and gives tracks without lyrics their embedded lyrics, else their
/// sidecar file's (Track::lyrics, Track::lyricsSource). Tag problems are Issues naming the
/// file; the track stays. Throws Cancelled when cancellation is requested.
MetadataStats readCollectionMetadata(std::vector<Track>& tracks, const MetadataConfig& cfg,
                                     Diagnostics& diagnostics, const Progress& progress = {});

/// Where the labels of a run come from (--label-from).
enum class LabelSource {
    Auto,   ///< genre tags when at least half the tracks have one, else the layout's labels
    Genre,  ///< the first normalised genre tag
    Folder, ///< the first-level sub-folder
    Artist, ///< the artist tag (album artist when there is none)
    Album,
    Year,
    Decade, ///< "1990s"
    Layout, ///< what the layout gives: GTZAN genre folders, labelled folders, manifest column
    None,   ///< no labels: ARI, NMI and purity are not computed
};

/// "auto", "genre", "folder", "artist", "album", "year", "decade", "layout", "none".
const char* labelSourceKey(LabelSource source);
/// Parses labelSourceKey()'s words; std::nullopt for anything else.
std::optional<LabelSource> parseLabelSource(const std::string& word);

/// The label Unknown tracks get when the chosen field is missing: shown, counted, kept.
inline constexpr const char* UnknownLabel = "unknown";

/// Sets Track::label of every track from `source` and returns what was used, in words, e.g.
/// "genre tag (152 of 161 tracks; 9 unknown)". Auto picks Genre when at least half the tracks
/// have a genre tag, else Layout. Tracks without the field get UnknownLabel, except that a
/// layout that labels no track leaves the collection unlabelled. Genre spellings that differ
/// only in case are merged to the most frequent spelling. `resolved` receives the source used.
/// `layoutWhat` names the layout's labels in the description ("the table's label column" for
/// a feature table).
std::string applyLabels(std::vector<Track>& tracks, LabelSource source,
                        LabelSource* resolved = nullptr, const char* layoutWhat = "the layout");

/// What a collection holds: counts for reports before and after a run.
struct LibraryCoverage {
    int tracks = 0;
    std::map<std::string, int> formats;   ///< by extension in capitals: "MP3", "M4A", "FLAC"
    int title = 0, artist = 0, album = 0, genre = 0, year = 0, trackNumber = 0;
    int lyricsEmbedded = 0, lyricsSidecar = 0, lyricsCsv = 0, lyricsManifest = 0;
    int lyricsNone = 0;
    int lyrics() const { return lyricsEmbedded + lyricsSidecar + lyricsCsv + lyricsManifest; }
};

/// Counts formats, tags and lyrics sources (Track::lyricsSource) of `tracks`.
LibraryCoverage libraryCoverage(const std::vector<Track>& tracks);

/// Lines for a terminal or a panel, e.g. "161 tracks: 30 FLAC, 25 M4A, ..." /
/// "tags: title 161, artist 161, album 161, genre 152, year 140" /
/// "lyrics: 151 of 161 (80 embedded, 71 sidecar), 10 without".
std::vector<std::string> describeCoverage(const LibraryCoverage& coverage);

/// TagLib's version, e.g. "1.13.0", for run reports.
std::string tagLibVersion();

} // namespace atlas
