// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/progress.h"
#include "engine/core/types.h"
#include "engine/embed/knn.h"

#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <vector>

namespace atlas {

namespace detail {
class FftRepulsion;
}

/// Initial layout of t-SNE (sklearn `init`).
enum class TsneInit {
    Pca,    ///< first principal components, scaled to std 1e-4 along the first (sklearn "pca")
    Random, ///< i.i.d. normal with std 1e-4 (sklearn "random")
};

/// How t-SNE computes the repulsive forces each iteration.
enum class TsneRepulsion {
    /// Barnes-Hut up to TsneConfig::fftAbovePoints points, FFT interpolation above.
    Auto,
    /// Barnes-Hut quadtree (van der Maaten 2014; sklearn's method): O(n log n).
    BarnesHut,
    /// FFT-accelerated interpolation onto a grid (Linderman et al. 2019, Nature Methods 16;
    /// FIt-SNE's and openTSNE's "fft"): O(n) plus a grid FFT whose size grows with the
    /// map's extent, not with n.
    Fft,
};

/// Options for t-SNE (van der Maaten & Hinton 2008). Defaults are scikit-learn 1.2.1's TSNE
/// defaults (Barnes-Hut, exact neighbours); each such field names the sklearn parameter it
/// mirrors. For large inputs the repulsion and the neighbour search switch to FIt-SNE's
/// methods (FFT interpolation; approximate neighbours), with FIt-SNE's grid parameters and,
/// with FFT interpolation, its 750 iterations (fftIterations).
struct TsneConfig {
    /// Output dimensions (sklearn n_components). Only 2 is supported.
    int components = 2;
    /// Effective number of neighbours, > 0 (sklearn perplexity). Each point's Gaussian
    /// bandwidth is found by binary search so that its conditional distribution over its
    /// min(n - 1, floor(3 * perplexity + 1)) exact nearest neighbours has this perplexity.
    /// When perplexity >= n (sklearn raises) the run uses (n - 1) / 3 and records a note.
    double perplexity = 30.0;
    /// Factor on P during the first exaggerationIterations, >= 1 (sklearn early_exaggeration).
    double earlyExaggeration = 12.0;
    /// Iterations with exaggerated P and initialMomentum (sklearn's fixed
    /// _EXPLORATION_N_ITER = 250), >= 0 and <= iterations.
    int exaggerationIterations = 250;
    /// Gradient-descent step (sklearn learning_rate); <= 0 means sklearn's "auto":
    /// max(n / earlyExaggeration / 4, 50).
    double learningRate = 0.0;
    /// Total iterations including the exaggeration phase, >= 1 (sklearn n_iter); with FFT
    /// interpolation at most fftIterations of them.
    int iterations = 1000;
    /// With FFT-interpolated repulsion, at most this many iterations in total, >=
    /// exaggerationIterations: FIt-SNE's schedule (its max_iter; openTSNE's 250 + 500). At
    /// those sizes the neighbourhoods have settled by then: on the PCA and VAE codes of
    /// bench_scale's 100,000-track table, trustworthiness (k = 10, first 2,000 rows) is 0.9865
    /// and 0.9697 after 750 iterations, 0.9864 and 0.9696 after 1,000, while the last 250
    /// iterations take a third of the iterations' time (the map is widest then, so the FFT
    /// grids are largest).
    int fftIterations = 750;
    /// Stop the final phase when the KL divergence (checked every 50 iterations) has not
    /// improved for this many iterations, >= 1 (sklearn n_iter_without_progress). The
    /// exaggeration phase uses exaggerationIterations here, as sklearn does.
    int iterationsWithoutProgress = 300;
    /// Stop when the gain-scaled gradient's norm (checked every 50 iterations) is at most
    /// this, >= 0 (sklearn min_grad_norm).
    double minGradNorm = 1e-7;
    /// Barnes-Hut accuracy theta in [0, 1] (sklearn angle): a tree cell whose width w and
    /// distance r satisfy w^2 / r^2 < theta^2 acts as one point at its centre of mass.
    /// 0 = exact (O(n^2) per iteration).
    double angle = 0.5;
    /// Momentum during the exaggeration phase, in [0, 1) (sklearn: 0.5, fixed).
    double initialMomentum = 0.5;
    /// Momentum afterwards, in [0, 1) (sklearn: 0.8, fixed).
    double finalMomentum = 0.8;
    /// Lower bound of the per-coordinate adaptive gains (Jacobs 1988), > 0 (sklearn
    /// min_gain of _gradient_descent: 0.01).
    double minGain = 0.01;
    /// Initial layout (sklearn init; default "pca" since sklearn 1.2).
    TsneInit init = TsneInit::Pca;
    /// Random init and the fallback for a degenerate PCA are the only random parts.
    Seed seed = 42;
    /// Barnes-Hut, FFT interpolation, or the choice by size (Auto).
    TsneRepulsion repulsion = TsneRepulsion::Auto;
    /// Auto uses FFT interpolation when there are more points than this, >= 2. At 20,000
    /// points both are equally faithful (tests/bench/bench_embed, 3 seeds: trustworthiness
    /// at k = 10 0.9787 against Barnes-Hut's 0.9786, both run 1,000 iterations) and FFT takes
    /// less CPU (43 s against 52 s); its cost per iteration grows with the map's extent, not
    /// with n log n. Above this size the run is also fftIterations long.
    int fftAbovePoints = 20000;
    /// FFT interpolation: Lagrange nodes per box and axis, >= 1 (FIt-SNE nterms: 3).
    int interpolationPoints = 3;
    /// FFT interpolation: boxes per axis at least, >= 1 (FIt-SNE min_num_intervals: 50).
    int minIntervals = 50;
    /// FFT interpolation: boxes per unit of the layout's extent, > 0 (FIt-SNE
    /// intervals_per_integer: 1); the box count is rounded up to a 7-smooth number, at most
    /// 400 per axis (the grids' memory, about 230 MB there); wider maps get wider boxes.
    double intervalsPerUnit = 1.0;
    /// Inputs with fewer points use exact nearest neighbours for the affinities, larger ones
    /// an HNSW graph (hnswlib), >= 2, as UmapConfig::exactKnnMaxPoints (at 100,000 points in
    /// 16 dimensions the exact search of 91 neighbours takes 18.9 CPU seconds, HNSW 37.0).
    int exactKnnMaxPoints = 200000;
    /// HNSW query breadth (ef) for the approximate neighbours, >= 1; a query keeps
    /// max(ef, neighbours + 1) candidates. 200 gives 91 neighbours a recall of 0.9997 at
    /// 100,000 points (0.996 without any cluster structure; 100 gives 0.994 and 0.968).
    int knnSearchBreadth = 200;

    /// Empty when valid; otherwise one message per problem, naming the field.
    std::vector<std::string> validate() const;

    bool operator==(const TsneConfig&) const = default;
};

/// What a per-iteration callback sees. Valid only during the call.
struct TsneIteration {
    int iteration = 0;          ///< iterations completed, 1..totalIterations
    /// The run's iterations: TsneConfig::iterations, or with FFT interpolation the smaller
    /// of it and TsneConfig::fftIterations.
    int totalIterations = 0;
    bool exaggerated = false;   ///< still in the early-exaggeration phase
    /// KL(P || Q) of the layout before this iteration's step, estimated with the same
    /// Barnes-Hut normalisation as the gradient (sklearn's reported error); during the
    /// exaggeration phase it uses the exaggerated P, as sklearn does.
    double klDivergence = std::numeric_limits<double>::quiet_NaN();
    const Matrix* embedding = nullptr;   ///< n x 2, the current layout
};

/// Called after every `callbackEvery`-th iteration and after the last one; returning true
/// stops the run (it can be resumed with run()). Called on the thread that called run().
using TsneCallback = std::function<bool(const TsneIteration&)>;

struct TsneResult {
    Matrix embedding;            ///< n x 2
    double klDivergence = 0.0;   ///< at the last iteration (sklearn kl_divergence_)
    int iterations = 0;          ///< iterations run (sklearn n_iter_ + 1)
    double learningRate = 0.0;   ///< the step used (sklearn learning_rate_)
    double perplexity = 0.0;     ///< the perplexity used (differs from the config for tiny n)
    int neighbours = 0;          ///< nearest neighbours per point used for P
    bool fft = false;            ///< the repulsion was FFT-interpolated (else Barnes-Hut)
    bool approximateNeighbours = false;   ///< P was built on HNSW neighbours
    /// Adaptations made for this input (tiny n, degenerate PCA), in plain words.
    std::vector<std::string> notes;
};

/// Resumable t-SNE, so that the desktop application can animate the layout:
///
///     Tsne t(cfg);
///     t.init(X);
///     while (!t.finished()) { t.run(t.iteration() + 10); draw(t.embedding()); }
///
/// run(200) followed by run() gives bit-identical output to a single run(). A fixed seed
/// gives bit-identical output for any thread count: every per-point force is computed by one
/// thread and the per-point terms of the normalisation are summed serially in point order.
/// Not thread-safe: one thread drives an object (the work inside is OpenMP-parallel).
class Tsne {
public:
    /// Throws ConfigError for an invalid cfg.
    explicit Tsne(TsneConfig cfg = {});
    ~Tsne();
    Tsne(Tsne&&) noexcept;
    Tsne& operator=(Tsne&&) noexcept;

    /// Computes the kNN (exact, or HNSW above TsneConfig::exactKnnMaxPoints), the
    /// perplexity-calibrated affinities P and the initial layout; resets any previous run. Throws InputError for fewer than 2 rows, no columns
    /// or non-finite values; Cancelled at a safe point once cancellation is requested.
    /// `neighbours`, when exact, of X's rows and with at least neighbourCount() columns, is
    /// used instead of a search of its own (the pipeline shares one search between t-SNE,
    /// UMAP and Ward).
    void init(const Matrix& X, const Progress& progress = {},
              const detail::KnnGraph* neighbours = nullptr);

    /// The perplexity used for n points: TsneConfig::perplexity, or (n - 1) / 3 when that is
    /// not below n.
    static double perplexityFor(const TsneConfig& cfg, Eigen::Index n);
    /// Nearest neighbours per point that P is built on: min(n - 1, floor(3 perplexity + 1)).
    static int neighbourCount(const TsneConfig& cfg, Eigen::Index n);

    /// Runs iterations until `untilIteration` iterations are complete in total (< 0: all of
    /// the run's, TsneIteration::totalIterations), the optimiser converges, or the callback
    /// returns true.
    /// Returns the number of iterations complete. Throws std::logic_error before init(),
    /// Cancelled between iterations, NumericalError if the layout becomes non-finite.
    int run(int untilIteration = -1, const TsneCallback& onIteration = {}, int callbackEvery = 1,
            const Progress& progress = {});

    const Matrix& embedding() const noexcept { return m_y; }
    int iteration() const noexcept { return m_it; }
    /// All iterations run or converged (sklearn's stopping rules).
    bool finished() const noexcept { return m_done; }
    /// KL divergence at the last iteration that computed it (NaN before the first).
    double klDivergence() const noexcept { return m_kl; }
    const TsneConfig& config() const noexcept { return m_cfg; }
    /// The nearest-neighbour graph init() computed (its `approximate` flag says how), for
    /// reuse by Umap::init on the same input.
    const detail::KnnGraph& neighbours() const noexcept { return m_knn; }
    /// The current state as a result (embedding copied).
    TsneResult result() const;

private:
    void startPhase(int phase, int firstIteration);
    double gradient(double exaggeration, bool computeError);
    double repulsionBarnesHut(std::vector<double>& negX, std::vector<double>& negY) const;

    TsneConfig m_cfg;
    bool m_ready = false;
    bool m_done = false;
    int m_it = 0;          // iterations complete = index of the next one
    int m_phase = 0;       // 0 = exaggeration, 1 = final
    int m_phaseEnd = 0;
    int m_total = 0;       // iterations of this run: iterations, or fftIterations with FFT
    int m_bestIter = 0;
    double m_bestError = 0.0;
    double m_kl = std::numeric_limits<double>::quiet_NaN();
    double m_learningRate = 0.0;
    double m_perplexity = 0.0;
    int m_neighbours = 0;
    std::vector<std::string> m_notes;
    // Symmetric joint probabilities P in CSR form; the values in single precision, as
    // sklearn passes them to its gradient (the attraction streams them every iteration, so
    // their width is its memory traffic).
    std::vector<long> m_rowPtr;
    std::vector<int> m_col;
    std::vector<float> m_val;
    int m_longestRow = 0;
    Matrix m_y;            // n x 2
    Matrix m_grad, m_update, m_gains;
    std::vector<float> m_yRows;   // the layout, row-major, for the attraction's gathers
    std::vector<double> m_negX, m_negY;   // the repulsion, unnormalised, per iteration
    detail::KnnGraph m_knn;
    bool m_fft = false;
    bool m_approximate = false;
    std::unique_ptr<detail::FftRepulsion> m_fftRepulsion;
};

/// One-shot t-SNE: Tsne(cfg), init(X), run(). See Tsne for the callback and thread rules.
TsneResult tsne(const Matrix& X, const TsneConfig& cfg = {}, const Progress& progress = {},
                const TsneCallback& onIteration = {}, int callbackEvery = 1);

} // namespace atlas
