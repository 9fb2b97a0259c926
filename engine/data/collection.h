// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/issue.h"

#include <filesystem>
#include <string>
#include <vector>

namespace atlas {

/// How a collection on disk is organised; detected by scanCollection().
enum class CollectionLayout {
    Gtzan,           ///< genres/<genre>/<genre>.000NN.au (the original GTZAN archive)
    GtzanKaggle,     ///< genres_original/<genre>/*.wav (the Kaggle copy of GTZAN)
    LabelledFolders, ///< <root>/<label>/... : label = first-level sub-folder
    Flat,            ///< audio files directly in the root: unlabelled
    Manifest,        ///< a CSV listing path,label[,lyrics|lyrics_id]
    LyricsOnly,      ///< no audio: the tracks are the rows of a lyrics CSV
    FeatureTable,    ///< no audio: the rows of a feature table (run --features)
};

/// Human-readable name of a layout ("GTZAN", "labelled folders", ...).
const char* layoutName(CollectionLayout layout);

/// Where a track's lyrics came from.
enum class LyricsSource {
    None,     ///< no lyrics: an all-zero TF-IDF row in a hybrid run
    Embedded, ///< the file's tags (ID3v2 USLT, Vorbis LYRICS/UNSYNCEDLYRICS, MP4 ©lyr, APE)
    Sidecar,  ///< a .lrc or .txt file beside the audio file, with the same stem
    Csv,      ///< a row of the lyrics CSV (which wins over the files)
    Manifest, ///< the manifest's lyrics column, or a lyrics-only table's row
};

/// "none", "embedded", "sidecar", "csv", "manifest".
const char* lyricsSourceKey(LyricsSource source);

/// What a file's tags and stream headers say; empty strings and zeros mean "not given".
struct TrackTags {
    std::string title;
    std::string artist;
    std::string album;
    std::string albumArtist;
    int trackNumber = 0;
    int year = 0;
    /// Normalised genres, in tag order, without duplicates; genres[0] is the genre label.
    std::vector<std::string> genres;
    double duration = 0.0;   ///< seconds, from the stream headers
    std::string format;      ///< container and codec, e.g. "MP3", "M4A (ALAC)", "FLAC"
    int sampleRate = 0;      ///< Hz
    int channels = 0;
    std::string lyrics;      ///< embedded lyrics (empty when none)
    std::string lyricsTag;   ///< the tag that held them, e.g. "USLT", "LYRICS", "©lyr"

    bool operator==(const TrackTags&) const = default;
    /// genres[0], or "" when untagged.
    const std::string& genre() const;
    /// True when any of title, artist, album or genre is set.
    bool tagged() const;
};

/// One track of a collection. Fields that a layout does not provide are empty.
struct Track {
    std::string id;              ///< unique key: file stem for GTZAN, relative path otherwise
    std::filesystem::path path;  ///< absolute path of the audio file; empty for lyrics-only
    std::string label;           ///< the label the run uses (see LabelSource); "" = unlabelled
    std::string lyricsKey;       ///< manifest lyrics_id, to pair with a lyrics CSV
    std::string lyrics;          ///< lyrics text: manifest column, embedded tag or sidecar file
    bool hasInlineLyrics = false;///< `lyrics` came from the manifest
    /// The label the layout gives (GTZAN genre folder, first sub-folder, manifest column).
    std::string layoutLabel;
    /// First-level sub-folder under the collection root ("" for files in the root).
    std::string folder;
    LyricsSource lyricsSource = LyricsSource::None; ///< where the run's lyrics came from
    std::filesystem::path lyricsFile;  ///< the .lrc/.txt file read (LyricsSource::Sidecar)
    TrackTags tags;              ///< filled by readCollectionMetadata()

    /// "Artist — Title" when tagged, else the title, else the file name (or the id).
    std::string displayName() const;

    bool operator==(const Track&) const = default;
};

/// The tracks of a collection in a deterministic order (sorted by path).
struct Collection {
    std::filesystem::path root;  ///< scanned folder, or the manifest file
    CollectionLayout layout = CollectionLayout::Flat;
    std::vector<Track> tracks;
    /// True when at least one track has a label.
    bool hasLabels() const;
    /// Sorted distinct non-empty labels.
    std::vector<std::string> labelNames() const;
};

/// True for extensions the scanner treats as audio: what libsndfile and FFmpeg decode, and
/// DRM-protected .m4p, so that a user learns why such a file was skipped.
bool looksLikeAudioFile(const std::filesystem::path& file);

/// Scans a folder for audio files (recursively, hidden files and folders skipped, symlinks
/// followed once) and detects its layout: GTZAN (a genres/ folder), Kaggle GTZAN
/// (genres_original/), labelled sub-folders, or flat. Unreadable sub-folders become Issues.
/// Throws InputError when `dir` does not exist or is not a folder, or holds no audio file.
Collection scanCollection(const std::filesystem::path& dir, Diagnostics& diagnostics);

/// Reads a manifest CSV with a header: a path column (path/file/filename/audio), an optional
/// label column (label/genre/tag), optional lyrics (inline text) or lyrics_id. Relative paths
/// are taken relative to the manifest's folder; rows with an empty path become Issues (a
/// missing file is reported when it is decoded). Throws InputError when
/// the file cannot be read or has no path column (the message lists the columns found).
Collection readManifest(const std::filesystem::path& csv, Diagnostics& diagnostics);

} // namespace atlas
