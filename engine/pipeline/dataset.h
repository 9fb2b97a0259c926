// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/issue.h"
#include "engine/core/progress.h"
#include "engine/core/types.h"
#include "engine/data/collection.h"
#include "engine/demo/demo_corpus.h"
#include "engine/data/lyrics.h"
#include "engine/data/metadata.h"
#include "engine/data/pairing.h"
#include "engine/features/audio_features.h"
#include "engine/features/tfidf.h"

#include <filesystem>
#include <string>
#include <vector>

namespace atlas {

/// How the two standardised modalities are joined into the hybrid matrix.
enum class Fusion {
    /// The research pipeline: standardised columns side by side. 500 lyrics columns then carry
    /// 12.5x the variance of 40 audio columns, so the hybrid is mostly lyrics.
    Concat,
    /// Each block scaled so that it carries its share (DatasetConfig::audioWeight) of the
    /// total variance: at 0.5 sound and lyrics weigh the same.
    Balanced,
};

/// "concat", "balanced".
const char* fusionKey(Fusion fusion);
/// Parses fusionKey()'s words; std::nullopt for anything else.
std::optional<Fusion> parseFusion(const std::string& word);

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
    /// A feature table (engine/data/feature_table.h: what `features` writes, CSV or .npy, or
    /// any table of numeric columns) instead of audio: no decoding, no TF-IDF; its blocks are
    /// standardised and joined as audio features and TF-IDF would be. Exclusive with the
    /// other sources; useAudio/useLyrics pick its blocks; labelFrom Auto means its label
    /// column.
    std::filesystem::path featuresFile;
    std::filesystem::path lyricsCsv;         ///< lyrics table; the demo corpus brings its own
    LyricsColumns lyricsColumns;             ///< column overrides (empty = detect)
    bool useAudio = true;                    ///< MFCC statistics (40 columns)
    bool useLyrics = true;                   ///< TF-IDF (up to tfidf.maxFeatures columns)
    /// Decoding and MFCC parameters. The excerpt defaults to ExcerptPosition::Auto: the
    /// research pipeline's first 10 s for tracks up to 60 s (GTZAN's clips, identical to
    /// librosa), the middle 10 s of longer ones (full-length tracks often open quietly; on
    /// real soundtracks this raised the audio-only NMI from 0.17 to 0.22-0.25).
    AudioFeatureConfig audio = [] {
        AudioFeatureConfig a;
        a.decode.excerpt = ExcerptPosition::Auto;
        return a;
    }();
    TfidfConfig tfidf;                       ///< TF-IDF parameters (max_features 500)
    Seed seed = 42;                          ///< approximate pairing's sample
    int threads = 0;                         ///< OpenMP threads, 0 = all cores
    /// Feature cache folder; empty = the user's cache folder. Set useCache = false to
    /// bypass it (nothing read or written).
    std::filesystem::path cacheDir;
    bool useCache = true;
    /// Read tags and embedded lyrics (TagLib) and sidecar .lrc/.txt lyrics of audio files.
    bool readTags = true;
    /// Where the labels come from (--label-from); Auto: genre tags when at least half the
    /// tracks have one, else the layout's labels.
    LabelSource labelFrom = LabelSource::Auto;
    /// When a lyrics CSV has a key column but no key matches any track, pair rows at random
    /// as the research pipeline did (true) instead of failing (false, the default: random
    /// pairing attaches other tracks' lyrics).
    bool approximatePairing = false;
    Fusion fusion = Fusion::Concat;   ///< how the modalities are joined
    /// Balanced fusion: the audio block's share of the total variance, in [0, 1].
    double audioWeight = 0.5;
    /// Build only what the feature table (writeFeatureCsv) needs: the TF-IDF stays sparse in
    /// Dataset::lyricsRows (Dataset::lyrics is n x 0) and no hybrid matrix is made. For
    /// 300,000 lyrics of 500 terms this leaves out two dense matrices of 1.2 GB each.
    bool featureTableOnly = false;

    /// Empty when valid; otherwise one message per problem, naming the field.
    std::vector<std::string> validate() const;

    bool operator==(const DatasetConfig&) const = default;
};

/// Cache accounting of a run, for reports and tests.
struct CacheStats {
    int hits = 0;       ///< files whose features (or failure) came from the cache
    int decoded = 0;    ///< files analysed in this run
    std::filesystem::path file;
    bool operator==(const CacheStats&) const = default;
};

/// The feature matrices of a collection, one row per usable track.
struct Dataset {
    std::vector<Track> tracks;              ///< the rows, in order
    CollectionLayout layout = CollectionLayout::Flat;
    std::filesystem::path source;           ///< folder, manifest or lyrics CSV
    Matrix audio;                           ///< n x 40 raw MFCC statistics (0 cols if unused)
    std::vector<std::string> audioNames;    ///< mfcc_mean_00 ... mfcc_std_19
    Matrix lyrics;                          ///< n x V TF-IDF (0 cols if unused or sparse)
    /// The TF-IDF as sparse rows instead of `lyrics` when DatasetConfig::featureTableOnly is
    /// set (0 rows otherwise).
    SparseRows lyricsRows;
    std::vector<std::string> vocabulary;    ///< V terms, column order
    /// Standardised per modality (population std), then concatenated: audio | lyrics.
    /// Empty (0 x 0) when DatasetConfig::featureTableOnly is set.
    Matrix hybrid;
    Labels labels;                          ///< index into labelNames, -1 = unlabelled
    std::vector<std::string> labelNames;    ///< sorted distinct labels
    Pairing pairing;                        ///< how lyrics were matched to tracks
    /// Where the labels came from, in words ("genre tag: 152 of 161 tracks, 9 \"unknown\"").
    std::string labelDescription;
    LabelSource labelSource = LabelSource::Layout; ///< the source used (Auto resolved)
    LibraryCoverage coverage;               ///< formats, tags and lyrics of the kept tracks
    MetadataStats metadata;                 ///< tag cache accounting
    /// Factors applied to the standardised audio and lyrics blocks in `hybrid` (1, 1 for
    /// Concat).
    double audioScale = 1.0;
    double lyricsScale = 1.0;
    bool lyricsUsed = false;                ///< false if disabled or unusable (see issues)
    bool audioUsed = false;
    CacheStats cache;

    int size() const { return int(tracks.size()); }
    /// Number of lyrics feature columns (V), whichever of lyrics and lyricsRows holds them.
    int lyricsColumns() const { return int(vocabulary.size()); }
    /// True when track i has lyrics (an all-zero TF-IDF row otherwise).
    bool hasLyrics(int i) const
    {
        return tracks[std::size_t(i)].lyricsSource != LyricsSource::None;
    }
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

/// The tracks of a source before any audio is analysed: the scan (or manifest), the tags and
/// lyrics files read, the labels chosen, and what the collection holds. For a preview of a
/// folder before a run.
struct CollectionPreview {
    Collection collection;
    LibraryCoverage coverage;
    std::string labelDescription;
};

/// Scans cfg.dataDir or reads cfg.manifest, reads tags and sidecar lyrics (through the tag
/// cache) and applies cfg.labelFrom. Throws ConfigError when neither is set, InputError when
/// the source cannot be used, Cancelled on cancellation.
CollectionPreview previewCollection(const DatasetConfig& cfg, Diagnostics& diagnostics,
                                    const Progress& progress = {});

/// Canonical string of every parameter that changes audio features (the cache key).
std::string audioCacheKey(const AudioFeatureConfig& cfg);

} // namespace atlas
