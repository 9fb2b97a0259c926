// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/cluster/agglomerative.h"
#include "engine/cluster/dbscan.h"
#include "engine/cluster/kmeans.h"
#include "engine/core/issue.h"
#include "engine/core/progress.h"
#include "engine/core/types.h"
#include "engine/pipeline/dataset.h"
#include "engine/embed/tsne.h"
#include "engine/embed/umap.h"
#include "engine/metrics/scores.h"
#include "engine/models/trained_model.h"
#include "engine/models/training.h"

#include <array>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace atlas {

/// The latent representations of the seed's experiment (section 4).
enum class Representation { Pca, Autoencoder, Vae, BetaVae, Cvae };
/// The clusterings applied to every representation.
enum class Clustering { KMeans, Agglomerative, Dbscan };
/// The 2-D maps drawn of every representation.
enum class MapKind { Tsne, Umap };

inline constexpr std::array<Representation, 5> AllRepresentations = {
    Representation::Pca, Representation::Autoencoder, Representation::Vae,
    Representation::BetaVae, Representation::Cvae};
inline constexpr std::array<Clustering, 3> AllClusterings = {
    Clustering::KMeans, Clustering::Agglomerative, Clustering::Dbscan};
inline constexpr std::array<MapKind, 2> AllMaps = {MapKind::Tsne, MapKind::Umap};

/// File-name keys, fixed for other tools: pca, ae, vae, betavae, cvae.
const char* representationKey(Representation r);
/// Display names: "PCA", "Autoencoder", "VAE", "β-VAE", "CVAE".
const char* representationName(Representation r);
/// kmeans, agglomerative, dbscan / "KMeans", "Agglomerative (Ward)", "DBSCAN".
const char* clusteringKey(Clustering c);
const char* clusteringName(Clustering c);
/// tsne, umap / "t-SNE", "UMAP".
const char* mapKey(MapKind m);
const char* mapName(MapKind m);

/// Early stopping of the networks' training (engine/models/training.h, EarlyStopping).
enum class EarlyStop {
    Auto,   ///< on for collections of more than PipelineConfig::earlyStopAbove tracks
    On,
    Off,    ///< every epoch (--no-early-stop)
};

/// "auto", "on", "off".
const char* earlyStopKey(EarlyStop mode);
/// Parses earlyStopKey()'s words; std::nullopt for anything else.
std::optional<EarlyStop> parseEarlyStop(const std::string& word);

/// One run of the whole experiment: the seed's run_experiments.py flags and more.
struct PipelineConfig {
    DatasetConfig data;                 ///< source, modalities, feature parameters
    /// Representations to compute, in this order (default: all five).
    std::vector<Representation> representations{AllRepresentations.begin(),
                                                AllRepresentations.end()};
    int latentDim = 16;                 ///< code size of every model and PCA components (--latent-dim)
    int epochs = 50;                    ///< training epochs of AE and VAEs (--epochs)
    int batchSize = 64;                 ///< mini-batch rows
    std::vector<int> hidden = {256, 128}; ///< encoder widths; the decoder mirrors them
    double learningRate = 1e-3;         ///< Adam (Keras default)
    double vaeBeta = 1.0;               ///< the VAE's KL weight (seed: 1.0)
    double betaVaeBeta = 4.0;           ///< the β-VAE's KL weight (--beta), > 1
    int klWarmupEpochs = 10;            ///< linear KL warm-up of the VAE family, epochs
    double freeBits = 0.25;             ///< KL floor per latent dimension, nats
    /// Early stopping on 5 % of the tracks held out (patience 5 epochs after the KL warm-up,
    /// relative tolerance 1e-3, the best epoch's weights kept): the seed's 50 epochs of 1,000
    /// tracks are 800 steps; 50 passes over 100,000 tracks would be 78,000, 50 epochs of
    /// earlyStopEpochTracks are 7,850. Auto: on above earlyStopAbove tracks.
    EarlyStop earlyStop = EarlyStop::Auto;
    int earlyStopAbove = 10'000;
    /// While stopping early, an epoch is at most this many tracks' mini-batches
    /// (EarlyStopping::epochRows; 0 = a whole pass): the KL warm-up, the patience and the
    /// epochs budget then mean the same training at 100,000 tracks as at 10,000.
    int earlyStopEpochTracks = 10'000;
    int clusters = 10;                  ///< k of KMeans and Agglomerative (--clusters)
    /// DBSCAN runs on the codes' leading principal axes (as many as n points support, e.g. 5
    /// for 1000 tracks; centred, not rescaled, so ε is in code units).
    double dbscanEps = 0.0;             ///< DBSCAN ε, 0 = automatic (best DBCV among knee and percentiles)
    int dbscanMinSamples = 0;           ///< DBSCAN min_samples, 0 = 2 × the axes clustered
    bool maps = true;                   ///< compute t-SNE and UMAP maps
    TsneConfig tsne;                    ///< t-SNE options (sklearn defaults)
    UmapConfig umap;                    ///< UMAP options (umap-learn defaults)
    Seed seed = 42;                     ///< every stochastic stage derives its seed from this
    int threads = 0;                    ///< OpenMP threads, 0 = all cores

    /// Empty when valid; otherwise one message per problem (the dataset's included). For
    /// the demo corpus, whose size is known before the run, k must not exceed its tracks
    /// (clusterCountProblem()).
    std::vector<std::string> validate() const;

    bool operator==(const PipelineConfig&) const = default;
};

/// Why KMeans and Agglomerative cannot make `clusters` (k) clusters of `tracks` tracks, in
/// plain words that say what to change ("... lower Clusters (k) to 3 or fewer"); empty when
/// k fits (k <= tracks, or tracks unknown: < 0). The pipeline reports it as the failure of
/// those clusterings when a collection has fewer usable tracks than k; the app shows it
/// while the user edits k for a collection whose size it knows.
std::string clusterCountProblem(int clusters, int tracks);

/// The outcome of one clustering of one representation.
struct ClusteringResult {
    Clustering kind = Clustering::KMeans;
    bool ok = false;
    std::string error;                  ///< why it failed (ok == false)
    Labels labels;                      ///< one per track; -1 = DBSCAN noise
    ClusterScores scores;               ///< internal metrics on non-noise points, external on all
    double dbscanEps = 0.0;             ///< DBSCAN: ε used
    int dbscanMinSamples = 0;           ///< DBSCAN: min_samples used
    double seconds = 0.0;
};

/// A 2-D map of one representation.
struct MapResult {
    MapKind kind = MapKind::Tsne;
    bool ok = false;
    std::string error;
    Matrix xy;                          ///< n x 2
    std::vector<std::string> notes;     ///< adaptations and fallbacks, in plain words
    double seconds = 0.0;
};

/// Everything computed for one representation.
struct RepresentationResult {
    Representation kind = Representation::Pca;
    std::string method;                 ///< metrics-row prefix: pca, ae, vae_beta1.0, betavae_beta4.0, cvae
    bool ok = false;
    std::string error;                  ///< why it is unavailable or failed (ok == false)
    Matrix codes;                       ///< n x latent: the codes every clustering used (μ for VAEs)
    std::vector<EpochReport> history;   ///< per-epoch losses (AE/VAE family)
    /// With early stopping: the held-out score after each epoch, and the epoch whose weights
    /// were kept (1-based); empty and 0 without.
    std::vector<double> validationLoss;
    int bestEpoch = 0;
    int activeDimensions = 0;           ///< latent dims with variance of the code > 0.01
    Vector explainedVarianceRatio;      ///< PCA only
    std::vector<ClusteringResult> clusterings;   ///< in AllClusterings order
    std::vector<MapResult> maps;                  ///< in AllMaps order (empty when maps off)
    double trainSeconds = 0.0;
    /// The trained model: Pca for PCA, Autoencoder for the autoencoder, Vae for the VAE,
    /// β-VAE and CVAE (encode the CVAE with conditionLabels() of the dataset). Null when
    /// training failed. Immutable and shared, so copies of a result share one model.
    std::shared_ptr<const TrainedModel> model;

    const ClusteringResult* clustering(Clustering c) const;
    const MapResult* map(MapKind m) const;
};

struct FitReference;   // engine/pipeline/extend.h

/// The result of runPipeline(): shared read-only with the GUI after the run.
struct RunResult {
    PipelineConfig config;
    Dataset dataset;
    std::vector<RepresentationResult> representations;
    std::vector<Issue> issues;          ///< every Issue of the run, in arrival order
    std::map<std::string, double> stageSeconds;   ///< wall time per stage
    double totalSeconds = 0.0;
    /// 1 for each track placed after the fit by extendRun() (no retraining), 0 for a fitted
    /// track; empty when every track was fitted. The metrics are those of the fit.
    std::vector<unsigned char> added;
    /// The fit that added tracks were placed against (extend.h); null when every track
    /// was fitted.
    std::shared_ptr<const FitReference> reference;

    const RepresentationResult* representation(Representation r) const;
    /// True when track i was added after the fit.
    bool isAdded(int i) const { return i >= 0 && std::size_t(i) < added.size() && added[std::size_t(i)]; }
    /// Number of tracks added after the fit.
    int addedCount() const;
};

/// The CVAE's condition of every track: its label index, and labelNames.size() (one extra
/// class) for unlabelled tracks.
Labels conditionLabels(const Dataset& ds);

/// Optional notifications while the pipeline runs, all called on the pipeline's thread.
/// The GUI uses them to show results as soon as they exist.
struct PipelineObserver {
    std::function<void(const Dataset&)> datasetReady;
    std::function<void(Representation, const EpochReport&)> epoch;
    std::function<void(const RepresentationResult&)> representationReady;
    /// Every `mapFrameEvery` iterations of a map: the current layout (for animation).
    std::function<void(Representation, MapKind, const Matrix&, double progress)> mapFrame;
    int mapFrameEvery = 25;
};

/// Runs the experiment: features -> for each representation: codes -> KMeans, Ward,
/// DBSCAN -> metrics; t-SNE and UMAP maps. With two threads or more the models train in
/// order on a thread of their own (one OpenMP thread) while the calling thread analyses the
/// ones already trained with the others; the results are the same bits as with one thread,
/// and progress, the observer's callbacks (on the calling thread) and the stages come in
/// the same order. A failure of one representation, clustering or
/// map (numerical error, missing labels for the CVAE) is recorded in its result and as an
/// Issue; everything else completes. Throws ConfigError for an invalid cfg, InputError when
/// the data cannot be used at all, Cancelled on cancellation (at a safe point).
RunResult runPipeline(const PipelineConfig& cfg, Diagnostics& diagnostics,
                      const Progress& progress = {}, const PipelineObserver& observer = {});

} // namespace atlas
