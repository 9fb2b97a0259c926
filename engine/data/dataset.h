// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/issue.h"
#include "engine/core/progress.h"
#include "engine/core/types.h"
#include "engine/data/collection.h"
#include "engine/data/demo_corpus.h"
#include "engine/data/lyrics.h"
#include "engine/data/pairing.h"
#include "engine/features/audio_features.h"
#include "engine/features/tfidf.h"

#include <filesystem>
#include <string>
#include <vector>

namespace atlas {

/// Where the tracks come from and which features to compute: the seed's --data-dir,
/// --lyrics-csv, --use-audio, --use-lyrics, plus the demo corpus and manifests.
struct DatasetConfig {
    /// Use the built-in demo corpus (generated into the cache on first use). Exclusive with
    /// dataDir and manifest. When none of the three is set, lyricsCsv alone gives a
    /// lyrics-only dataset.
    bool demo = false;
    DemoCorpusConfig demoCorpus;             ///< size and seed of the demo corpus
    std::filesystem::path dataDir;           ///< a folder: GTZAN, labelled sub-folders or flat
    std::filesystem::path manifest;          ///< a CSV: path,label[,lyrics|lyrics_id]
    std::filesystem::path lyricsCsv;         ///< lyrics table; the demo corpus brings its own
    LyricsColumns lyricsColumns;             ///< column overrides (empty = detect)
    bool useAudio = true;                    ///< MFCC statistics (40 columns)
    bool useLyrics = true;                   ///< TF-IDF (up to tfidf.maxFeatures columns)
    AudioFeatureConfig audio;                ///< decoding and MFCC parameters
    TfidfConfig tfidf;                       ///< TF-IDF parameters (max_features 500)
    Seed seed = 42;                          ///< approximate pairing's sample
    int threads = 0;                         ///< OpenMP threads, 0 = all cores
    /// Feature cache folder; empty = the user's cache folder. Set useCache = false to
    /// bypass it (nothing read or written).
    std::filesystem::path cacheDir;
    bool useCache = true;

    /// Empty when valid; otherwise one message per problem, naming the field.
    std::vector<std::string> validate() const;
};

/// Cache accounting of a run, for reports and tests.
struct CacheStats {
    int hits = 0;       ///< files whose features (or failure) came from the cache
    int decoded = 0;    ///< files analysed in this run
    std::filesystem::path file;
};

/// The feature matrices of a collection, one row per usable track.
struct Dataset {
    std::vector<Track> tracks;              ///< the rows, in order
    CollectionLayout layout = CollectionLayout::Flat;
    std::filesystem::path source;           ///< folder, manifest or lyrics CSV
    Matrix audio;                           ///< n x 40 raw MFCC statistics (0 cols if unused)
    std::vector<std::string> audioNames;    ///< mfcc_mean_00 ... mfcc_std_19
    Matrix lyrics;                          ///< n x V TF-IDF (0 cols if unused)
    std::vector<std::string> vocabulary;    ///< V terms, column order
    /// Standardised per modality (population std), then concatenated: audio | lyrics.
    Matrix hybrid;
    Labels labels;                          ///< index into labelNames, -1 = unlabelled
    std::vector<std::string> labelNames;    ///< sorted distinct labels
    Pairing pairing;                        ///< how lyrics were matched to tracks
    bool lyricsUsed = false;                ///< false if disabled or unusable (see issues)
    bool audioUsed = false;
    CacheStats cache;

    int size() const { return int(tracks.size()); }
    bool hasLabels() const { return !labelNames.empty(); }
};

/// Builds the dataset: resolves the source (generating the demo corpus when asked), decodes
/// and analyses the audio (with the feature cache, in parallel), reads and pairs the lyrics,
/// computes TF-IDF on the kept tracks, and standardises each modality.
///
/// Bad items become Issues in `diagnostics` and are left out (audio) or given empty lyrics;
/// the run goes on. Throws ConfigError for an invalid cfg, InputError when the source cannot
/// be used at all (missing folder, no audio, no text column, no track left), Cancelled on
/// cancellation. Progress: one report per file and per stage; 1.0 at the end.
Dataset buildDataset(const DatasetConfig& cfg, Diagnostics& diagnostics,
                     const Progress& progress = {});

/// Canonical string of every parameter that changes audio features (the cache key).
std::string audioCacheKey(const AudioFeatureConfig& cfg);

} // namespace atlas
