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
};

/// Human-readable name of a layout ("GTZAN", "labelled folders", ...).
const char* layoutName(CollectionLayout layout);

/// One track of a collection. Fields that a layout does not provide are empty.
struct Track {
    std::string id;              ///< unique key: file stem for GTZAN, relative path otherwise
    std::filesystem::path path;  ///< absolute path of the audio file; empty for lyrics-only
    std::string label;           ///< genre/label, "" when unlabelled
    std::string lyricsKey;       ///< manifest lyrics_id, to pair with a lyrics CSV
    std::string lyrics;          ///< lyrics text given inline by a manifest
    bool hasInlineLyrics = false;
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

/// True for extensions the scanner treats as audio. This includes formats the decoder
/// rejects (.m4a, .aac, .wma, ...), so that a user learns why such a file was skipped.
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
