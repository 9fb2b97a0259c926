// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Adding tracks to a finished run without retraining: the new tracks' features go through
// the fit's scalers and TF-IDF vocabulary, each trained model's encoder, the fitted
// clusterings' assignment rules and the maps' transforms. Nothing fitted moves, and every
// added track is placed relative to the fitted tracks only, so its codes, clusters and map
// places do not depend on which other tracks are added with it (engine/embed/transform.h).

#include "engine/cluster/dbscan.h"
#include "engine/core/issue.h"
#include "engine/core/progress.h"
#include "engine/core/types.h"
#include "engine/features/tfidf.h"
#include "engine/pipeline/dataset.h"
#include "engine/pipeline/pipeline.h"

#include <memory>
#include <string>
#include <vector>

namespace atlas {

/// The fit's feature transform: per-modality standardisation (and Balanced fusion's block
/// factors) of the fitted tracks, and their TF-IDF vocabulary and idf.
struct FittedFeatures {
    bool audio = false;                  ///< the hybrid has the audio block
    bool lyrics = false;                 ///< the hybrid has the lyrics block
    RowVector audioMean, audioScale;     ///< StandardScaler of the raw MFCC statistics
    RowVector lyricsMean, lyricsScale;   ///< StandardScaler of the TF-IDF columns
    double audioFactor = 1.0;            ///< Dataset::audioScale
    double lyricsFactor = 1.0;           ///< Dataset::lyricsScale
    TfidfConfig tfidf;
    std::vector<std::string> vocabulary; ///< column order
    Vector idf;                          ///< one per vocabulary term
    bool operator==(const FittedFeatures&) const = default;
};

/// How one fitted clustering assigns a new point.
struct FittedClustering {
    Clustering kind = Clustering::KMeans;
    bool ok = false;                     ///< false: the clustering failed; new tracks get -1
    /// KMeans and Ward: the mean code of each cluster's fitted tracks (row = label). A new
    /// point joins the nearest (ties: the lower label).
    Matrix centres;
    /// DBSCAN: the space it ran in, its core points there and their labels, and eps. A new
    /// point takes the label of the nearest core point within eps (scikit-learn's
    /// core-sample rule), else it is noise (-1).
    DbscanProjection projection;
    Matrix core;
    Labels coreLabels;
    double eps = 0.0;
    bool operator==(const FittedClustering&) const = default;
};

/// A fitted map: the fitted tracks' places (0 x 0 when the map failed).
struct FittedMap {
    MapKind kind = MapKind::Tsne;
    Matrix xy;
    bool operator==(const FittedMap&) const = default;
};

struct FittedRepresentation {
    Representation kind = Representation::Pca;
    Matrix codes;                                  ///< the fitted tracks' codes
    std::vector<FittedClustering> clusterings;     ///< in AllClusterings order
    std::vector<FittedMap> maps;                   ///< in AllMaps order
    bool operator==(const FittedRepresentation&) const = default;
};

/// Everything of a fit that placing new tracks needs; kept with a run once tracks have been
/// added, so that later additions use the same fit even when fitted tracks were removed.
struct FitReference {
    int fittedTracks = 0;
    FittedFeatures features;
    /// The label names of the fit: the CVAE's condition classes (others are "unlabelled").
    std::vector<std::string> labelNames;
    /// The representations that trained (ok with a model), in the run's order.
    std::vector<FittedRepresentation> representations;

    const FittedRepresentation* representation(Representation r) const;
    bool operator==(const FitReference&) const = default;
};

/// The reference of a run all of whose tracks were fitted (a run from runPipeline()): the
/// scalers are refitted on its raw features and the TF-IDF on its tracks' lyrics, which
/// reproduces the run's own (checked: otherwise InputError), the cluster centres are the
/// clusters' mean codes, DBSCAN's core points are found again with the run's eps and
/// min_samples. A run that already has a reference returns a copy of it.
/// Throws InputError when the run has no trained representation.
FitReference makeFitReference(const RunResult& run, const Progress& progress = {});

/// The hybrid feature rows of tracks through the fit's transform: raw MFCC statistics
/// (n x 40, or n x 0 without audio) and lyrics texts (empty for none). Each row is computed
/// on its own, so a row does not depend on the others. `tfidf` receives the TF-IDF rows.
Matrix fittedHybrid(const FittedFeatures& features, const Matrix& audio,
                    const std::vector<std::string>& lyrics, Matrix* tfidf = nullptr);

/// Add: tracks already in the run are kept as they are (unless their audio or lyrics
/// changed: then they are analysed and placed again). Update: as Add, and tracks of the
/// run that the source no longer has are removed (the source's folder or manifest only).
enum class ExtendMode { Add, Update };

/// What extendRun() did, in counts of tracks.
struct ExtendReport {
    int added = 0;       ///< new tracks placed
    int changed = 0;     ///< tracks whose audio or lyrics changed, placed again
    int removed = 0;     ///< tracks gone from the source (Update)
    int unchanged = 0;   ///< tracks already in the run and unchanged
    int fitted = 0;      ///< fitted tracks in the result
    int total = 0;       ///< tracks in the result
    bool operator==(const ExtendReport&) const = default;
};

/// Places the tracks of `source` (a folder or manifest, with the run's feature parameters;
/// its dataDir, manifest, lyricsCsv, lyricsColumns, cacheDir (empty: the user's cache folder)
/// and useCache are used) on the run without retraining and returns
/// the extended run: the kept tracks in their order, then the new ones (sorted by path);
/// codes, cluster labels and map places of the kept tracks unchanged; the metrics those of
/// the fit (RunResult::added marks the added tracks). Files that cannot be used become
/// Issues and are left out. Throws InputError when the run cannot take tracks (no trained
/// representation, a lyrics-only run) or the source has no usable track, ConfigError for an
/// invalid source, Cancelled on cancellation.
RunResult extendRun(const RunResult& run, const DatasetConfig& source, ExtendMode mode,
                    Diagnostics& diagnostics, const Progress& progress = {},
                    ExtendReport* report = nullptr);

/// The new tracks' part of extendRun(), for tracks whose features are known: codes, labels
/// and places of `hybrid` rows (with `labelNames` labels, -1 for none, for the CVAE) on the
/// reference, one RepresentationResult per reference representation with codes,
/// clusterings' labels and maps' xy of these rows only. `keys` seed the UMAP placement
/// (one per row, e.g. fnv1a64 of the track id).
std::vector<RepresentationResult> placeRows(const FitReference& reference, const RunResult& run,
                                            const Matrix& hybrid, const Labels& fitLabels,
                                            std::span<const std::uint64_t> keys,
                                            const Progress& progress = {});

} // namespace atlas
