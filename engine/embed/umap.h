// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/progress.h"
#include "engine/core/types.h"
#include "engine/embed/knn.h"

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace atlas {

/// Initial layout of UMAP (umap-learn `init`).
enum class UmapInit {
    /// Eigenvectors 2..components+1 of the normalised Laplacian of the fuzzy graph, scaled
    /// to max |x| = 10, plus N(0, 1e-4) noise (umap-learn "spectral"). Falls back to Random
    /// (recorded in UmapResult::initFallback / initMessage) when the graph is disconnected
    /// or the eigensolver does not converge.
    Spectral,
    /// Uniform in [-10, 10) per coordinate (umap-learn "random").
    Random,
};

/// Options for UMAP (McInnes, Healy & Melville 2018, arXiv:1802.03426). Defaults are
/// umap-learn 0.5.3's UMAP defaults with metric "euclidean"; each field names the umap-learn
/// parameter it mirrors.
struct UmapConfig {
    /// Output dimensions, in [1, 64] (n_components).
    int components = 2;
    /// Neighbourhood size including the point itself, >= 2 (n_neighbors). Reduced to
    /// n - 1 (at least 2) for small inputs, as umap-learn does (recorded in notes).
    int neighbours = 15;
    /// Minimum distance between embedded points, in [0, spread] (min_dist).
    double minDist = 0.1;
    /// Scale of the embedded points, > 0 (spread).
    double spread = 1.0;
    /// Fuzzy union (1) versus intersection (0) when symmetrising, in [0, 1]
    /// (set_op_mix_ratio).
    double setOpMixRatio = 1.0;
    /// Nearest neighbours assumed connected, >= 0 (local_connectivity).
    double localConnectivity = 1.0;
    /// Weight of the negative samples, >= 0 (repulsion_strength, gamma).
    double repulsionStrength = 1.0;
    /// Negative samples per positive sample, >= 0 (negative_sample_rate).
    int negativeSampleRate = 5;
    /// Initial SGD step, decaying linearly to 0, > 0 (learning_rate).
    double learningRate = 1.0;
    /// Optimisation epochs, >= 0 (n_epochs); 0 = umap-learn's default: 500 for n <= 10,000
    /// points, else 200.
    int epochs = 0;
    /// Initial layout (init).
    UmapInit init = UmapInit::Spectral;
    /// Curve parameters of the low-dimensional similarity 1 / (1 + a d^(2b)) (a, b);
    /// both 0 = fitted from spread and minDist as umap-learn's find_ab_params. Both > 0
    /// to set them.
    double a = 0.0;
    double b = 0.0;
    /// Inputs with fewer rows use exact (brute force) neighbours; larger ones an HNSW index,
    /// >= 2. umap-learn switches to NN-descent at 4,096 rows; here the exact search stays
    /// faster than HNSW far beyond that: one thread, 16 columns, 0.2 s against 1.3 s at
    /// 10,000 rows, 3.0 s against 8.8 s at 40,000; CPU seconds at 100,000 rows
    /// (tests/bench/bench_knn), 12.7 against 21.4 (HNSW's recall there: 0.9998), and the
    /// exact search is parallel while HNSW's insertion in row order is not. So it is used
    /// up to 200,000 rows.
    int exactKnnMaxPoints = 200000;
    /// Source of the initial noise, the random init and the negative samples.
    Seed seed = 42;

    /// Empty when valid; otherwise one message per problem, naming the field.
    std::vector<std::string> validate() const;

    bool operator==(const UmapConfig&) const = default;
};

/// What a per-epoch callback sees. Valid only during the call.
struct UmapEpoch {
    int epoch = 0;                      ///< epochs completed, 1..totalEpochs
    int totalEpochs = 0;
    const Matrix* embedding = nullptr;  ///< n x components, the current layout
};

/// Called after every `callbackEvery`-th epoch and after the last one; returning true stops
/// the run (it can be resumed). Called on the thread that called run().
using UmapCallback = std::function<bool(const UmapEpoch&)>;

/// Wall-clock seconds of UMAP's stages, as last run by this object.
struct UmapTimings {
    double neighbours = 0.0;  ///< nearest neighbours (exact or HNSW)
    double graph = 0.0;       ///< fuzzy simplicial set, pruning and the edge schedule
    double layout = 0.0;      ///< initial layout (spectral or random) and its rescaling
    double optimise = 0.0;    ///< SGD epochs, summed over run() calls
};

struct UmapResult {
    Matrix embedding;                ///< n x components
    int epochs = 0;                  ///< epochs run
    int totalEpochs = 0;             ///< epochs planned (config or umap-learn default)
    double a = 0.0, b = 0.0;         ///< curve parameters used
    int neighbours = 0;              ///< neighbourhood size used, the point included
    bool approximateKnn = false;     ///< neighbours from HNSW rather than exact
    UmapInit initUsed = UmapInit::Spectral;
    bool initFallback = false;       ///< spectral init was asked for but random was used
    std::string initMessage;         ///< why the fallback happened (empty otherwise)
    std::vector<std::string> notes;  ///< adaptations made for this input, in plain words
    UmapTimings timings;             ///< seconds per stage
};

/// umap-learn's find_ab_params: least-squares fit (Levenberg-Marquardt) of
/// 1 / (1 + a x^(2b)) to the target curve 1 for x < minDist, exp(-(x - minDist) / spread)
/// otherwise, on 300 points in [0, 3 spread]. For (1.0, 0.1): a = 1.577, b = 0.895.
/// Throws ConfigError for spread <= 0 or minDist outside [0, spread].
std::pair<double, double> findAbParams(double spread, double minDist);

/// Resumable UMAP, so that the desktop application can animate the layout:
///
///     Umap u(cfg);
///     u.init(X);
///     while (!u.finished()) { u.run(u.epoch() + 5); draw(u.embedding()); }
///
/// The graph, initialisation, edge sampling schedule (epochs_per_sample), gradients,
/// clipping at 4 and learning-rate decay follow umap-learn's optimize_layout_euclidean, in
/// single precision as there. One deliberate difference makes threads deterministic and lets
/// the samples of many vertices run side by side in SIMD lanes: each epoch goes through the
/// vertices in index order in groups of about n/16 (64 to 2,048 vertices, so that about the
/// same share of a vertex's neighbours is in its own group at any n); a vertex updates its
/// own position as it goes but reads the other vertices' positions as they were when its
/// group started, and the tails' moves of the group's positive samples are added, in edge
/// order, when the group is done. (umap-learn's sequential order is the limit of groups of
/// one; with groups of n/16 the trustworthiness matches it.) Negative samples come from a
/// counter-based random stream keyed by (seed, epoch, vertex). Hence a fixed seed gives
/// bit-identical output for ANY thread count, and run(200) followed by run() equals a single
/// run().
/// Not thread-safe: one thread drives an object (the work inside is OpenMP-parallel).
class Umap {
public:
    /// Throws ConfigError for an invalid cfg.
    explicit Umap(UmapConfig cfg = {});

    /// Nearest neighbours, fuzzy simplicial set, edge schedule and initial layout; resets any
    /// previous run. Throws InputError for fewer than 3 rows, no columns or non-finite
    /// values; Cancelled at a safe point. `exactNeighbours`, when given, is X's exact kNN
    /// graph with at least as many columns as this run needs (e.g. the pipeline's one
    /// search per representation): its leading columns are used instead of a search of its own, with the
    /// same result; it is ignored when approximate or too narrow.
    void init(const Matrix& X, const Progress& progress = {},
              const detail::KnnGraph* exactNeighbours = nullptr);

    /// Runs epochs until `untilEpoch` are complete in total (< 0: all) or the callback
    /// returns true; returns the epochs complete. Throws std::logic_error before init(),
    /// Cancelled between epochs, NumericalError if the layout becomes non-finite.
    int run(int untilEpoch = -1, const UmapCallback& onEpoch = {}, int callbackEvery = 1,
            const Progress& progress = {});

    /// The current layout, n x components.
    const Matrix& embedding() const;
    int epoch() const noexcept { return m_epoch; }
    int totalEpochs() const noexcept { return m_totalEpochs; }
    bool finished() const noexcept { return m_ready && m_epoch >= m_totalEpochs; }
    const UmapConfig& config() const noexcept { return m_cfg; }
    UmapResult result() const;

private:
    void spectralInit(Eigen::Index n, std::vector<double>& layout);
    void runEpoch(int n);

    UmapConfig m_cfg;
    bool m_ready = false;
    int m_epoch = 0;
    int m_totalEpochs = 0;
    int m_dim = 2;
    double m_a = 0.0, m_b = 0.0;
    int m_neighbours = 0;
    bool m_approximate = false;
    UmapInit m_initUsed = UmapInit::Spectral;
    bool m_initFallback = false;
    std::string m_initMessage;
    std::vector<std::string> m_notes;
    UmapTimings m_timings;
    std::uint64_t m_streamBase = 0;
    // Fuzzy graph in CSR form, rows = heads (both directions of every edge are stored).
    std::vector<long> m_rowPtr;
    std::vector<std::int32_t> m_col;
    std::vector<double> m_weight;
    // Sampling schedule (umap-learn epochs_per_sample and its counters).
    std::vector<double> m_epochsPerSample, m_nextSample, m_epochsPerNeg, m_nextNeg;
    std::vector<float> m_pos;       // n x dim, row-major, single precision as in umap-learn
    std::vector<float> m_snapshot;  // m_pos when the current vertex group started
    // This epoch's samples of each edge: negative samples, or INT_MIN when not due.
    std::vector<std::int32_t> m_edgeCount;
    // One thread's share of the current vertex group, laid out for detail::umapRunLanes.
    struct GroupWork {
        std::vector<std::int32_t> vertices, samples;  // its vertices with samples, and counts
        std::vector<std::int32_t> dueBegin, dueEnd;   // their due edges in dueTail, dueRows
        std::vector<std::int32_t> dueTail, dueRows;   // tail, rows taken (1 + negatives)
        std::vector<std::int32_t> order, lane, load;  // lane assignment
        std::vector<std::int32_t> cells;
        std::vector<std::uint64_t> starts;
        std::vector<std::int32_t> laneVertices, laneBegin;
        std::vector<std::uint32_t> laneKeys;
        std::vector<float> tailMove;
        std::vector<std::int32_t> positives;  // cells of the positive samples, in edge order
    };
    std::vector<GroupWork> m_work;  // per thread
    // Per vertex of the current group: the thread that ran it and its positive samples.
    struct VertexWork {
        int thread = 0;
        std::int32_t positiveBegin = 0, positiveEnd = 0;
    };
    std::vector<VertexWork> m_vertexWork;
    mutable Matrix m_view;
    mutable bool m_viewStale = true;
};

/// One-shot UMAP: Umap(cfg), init(X, progress, exactNeighbours), run(). See Umap for the
/// callback and thread rules.
UmapResult umap(const Matrix& X, const UmapConfig& cfg = {}, const Progress& progress = {},
                const UmapCallback& onEpoch = {}, int callbackEvery = 1,
                const detail::KnnGraph* exactNeighbours = nullptr);

} // namespace atlas
