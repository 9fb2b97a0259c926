// SPDX-License-Identifier: GPL-3.0-or-later
// UMAP following umap-learn 0.5.3 (umap/umap_.py: smooth_knn_dist,
// compute_membership_strengths, fuzzy_simplicial_set, simplicial_set_embedding,
// find_ab_params; umap/spectral.py: spectral_layout; umap/layouts.py:
// optimize_layout_euclidean). Reference: McInnes, Healy & Melville 2018, arXiv:1802.03426.#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"   // GCC 12 + Eigen AVX-512 GEMM
//
// This file: the configuration, the set-up of a run (neighbours, graph, initial layout) and
// the results. The parts: umap_curve.cpp (the a, b curve fit), umap_graph.cpp (the fuzzy
// simplicial set), umap_spectral.cpp (the spectral initial layout), umap_optimise.cpp (the
// epochs of the layout optimisation).

#include "engine/embed/umap.h"

#include "engine/core/error.h"
#include "engine/core/random.h"
#include "engine/embed/knn.h"
#include "engine/embed/umap_graph.h"

#include <Eigen/SparseCore>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <stdexcept>

namespace atlas {

std::vector<std::string> UmapConfig::validate() const
{
    std::vector<std::string> p;
    const char* c = "UmapConfig";
    check(p, components >= 1 && components <= 64, c, "components", "must be in [1, 64]",
          components);
    check(p, neighbours >= 2, c, "neighbours", "must be >= 2", neighbours);
    check(p, spread > 0.0 && std::isfinite(spread), c, "spread", "must be > 0", spread);
    check(p, minDist >= 0.0 && minDist <= spread, c, "minDist", "must be in [0, spread]",
          minDist);
    check(p, setOpMixRatio >= 0.0 && setOpMixRatio <= 1.0, c, "setOpMixRatio",
          "must be in [0, 1]", setOpMixRatio);
    check(p, localConnectivity >= 0.0 && std::isfinite(localConnectivity), c,
          "localConnectivity", "must be >= 0", localConnectivity);
    check(p, repulsionStrength >= 0.0 && std::isfinite(repulsionStrength), c,
          "repulsionStrength", "must be >= 0", repulsionStrength);
    check(p, negativeSampleRate >= 0, c, "negativeSampleRate", "must be >= 0",
          negativeSampleRate);
    check(p, learningRate > 0.0 && std::isfinite(learningRate), c, "learningRate",
          "must be > 0", learningRate);
    check(p, epochs >= 0, c, "epochs", "must be >= 0 (0 = automatic)", epochs);
    check(p, (a == 0.0 && b == 0.0) || (a > 0.0 && b > 0.0), c, "a",
          "a and b must both be 0 (fit) or both > 0", a);
    check(p, exactKnnMaxPoints >= 2, c, "exactKnnMaxPoints", "must be >= 2",
          exactKnnMaxPoints);
    return p;
}

Umap::Umap(UmapConfig cfg) : m_cfg(std::move(cfg))
{
    requireValid(m_cfg.validate());
}

void Umap::init(const Matrix& X, const Progress& progress,
                const detail::KnnGraph* exactNeighbours)
{
    const Eigen::Index n = X.rows();
    if (n < 3 || X.cols() < 1)
        throw InputError("UMAP needs at least 3 rows and 1 column (got " + std::to_string(n) +
                         " x " + std::to_string(X.cols()) + ")");
    if (!X.allFinite())
        throw InputError("UMAP: the input contains NaN or infinite values");
    m_ready = false;
    m_notes.clear();
    m_dim = m_cfg.components;
    m_initFallback = false;
    m_initMessage.clear();
    m_timings = {};
    auto clock = std::chrono::steady_clock::now();
    if (m_cfg.a > 0.0 && m_cfg.b > 0.0) {
        m_a = m_cfg.a;
        m_b = m_cfg.b;
    } else {
        std::tie(m_a, m_b) = findAbParams(m_cfg.spread, m_cfg.minDist);
    }

    // Neighbourhood: the point itself plus k - 1 others (umap-learn's n_neighbors).
    m_neighbours = m_cfg.neighbours;
    if (m_neighbours > n - 1) {
        m_neighbours = int(std::max<Eigen::Index>(n - 1, 2));
        m_notes.push_back("neighbours reduced from " + std::to_string(m_cfg.neighbours) +
                          " to " + std::to_string(m_neighbours) + " for " + std::to_string(n) +
                          " points");
    }
    const int others = m_neighbours - 1;
    progress.report(0.0, "nearest neighbours");
    const bool exact = n < m_cfg.exactKnnMaxPoints;
    const detail::KnnGraph knn =
        exact && detail::exactGraphOf(exactNeighbours, n, others)
            ? detail::leadingNeighbours(*exactNeighbours, others)
        : exact ? detail::exactKnn(X, others)
                : detail::hnswKnn(X, others, 100, m_cfg.seed);
    m_approximate = knn.approximate;
    m_timings.neighbours = detail::secondsSince(clock);
    clock = std::chrono::steady_clock::now();
    progress.throwIfCancelled();
    progress.report(0.5, "fuzzy graph");

    detail::UmapGraph W = detail::fuzzySimplicialSet(knn, m_neighbours, m_cfg.localConnectivity,
                                                     m_cfg.setOpMixRatio);

    m_totalEpochs = m_cfg.epochs > 0 ? m_cfg.epochs : (n <= 10000 ? 500 : 200);
    // Edges too weak to be sampled even once are dropped (simplicial_set_embedding).
    double maxWeight = 0.0;
    for (Eigen::Index t = 0; t < W.nonZeros(); ++t)
        maxWeight = std::max(maxWeight, W.valuePtr()[t]);
    const double cut = maxWeight / double(m_totalEpochs > 10 ? m_totalEpochs
                                                              : (n <= 10000 ? 500 : 200));
    W.prune([cut](const Eigen::Index&, const Eigen::Index&, const double& v) { return v >= cut; });
    W.makeCompressed();
    m_rowPtr.assign(W.outerIndexPtr(), W.outerIndexPtr() + n + 1);
    m_col.assign(W.innerIndexPtr(), W.innerIndexPtr() + W.nonZeros());
    m_weight.assign(W.valuePtr(), W.valuePtr() + W.nonZeros());
    const auto edges = m_col.size();

    // make_epochs_per_sample and the optimiser's counters.
    m_epochsPerSample.assign(edges, -1.0);
    for (std::size_t t = 0; t < edges; ++t) {
        const double samples = double(m_totalEpochs) * (m_weight[t] / maxWeight);
        if (samples > 0.0)
            m_epochsPerSample[t] = double(m_totalEpochs) / samples;
    }
    m_nextSample = m_epochsPerSample;
    m_epochsPerNeg.resize(edges);
    for (std::size_t t = 0; t < edges; ++t)
        m_epochsPerNeg[t] = m_cfg.negativeSampleRate > 0
                                ? m_epochsPerSample[t] / double(m_cfg.negativeSampleRate)
                                : INFINITY;
    m_nextNeg = m_epochsPerNeg;
    m_timings.graph = detail::secondsSince(clock);
    clock = std::chrono::steady_clock::now();
    progress.throwIfCancelled();
    progress.report(0.7, "initial layout");

    Rng rng(m_cfg.seed);
    m_streamBase = rng.next();
    std::vector<double> layout(std::size_t(n) * std::size_t(m_dim), 0.0);
    m_initUsed = m_cfg.init;
    if (m_cfg.init == UmapInit::Spectral) {
        spectralInit(n, layout);
        if (m_initUsed == UmapInit::Spectral) {
            double maxAbs = 0.0;
            for (double v : layout)
                maxAbs = std::max(maxAbs, std::fabs(v));
            const double expansion = maxAbs > 0.0 ? 10.0 / maxAbs : 1.0;
            for (double& v : layout)
                v = v * expansion + 1e-4 * rng.normal();
        }
    }
    if (m_initUsed == UmapInit::Random)
        for (double& v : layout)
            v = rng.uniform(-10.0, 10.0);
    // Every layout is rescaled to [0, 10] per dimension before the optimisation, and
    // optimised in single precision (umap-learn: float32).
    m_pos.assign(layout.size(), 0.0f);
    for (int d = 0; d < m_dim; ++d) {
        double lo = INFINITY, hi = -INFINITY;
        for (Eigen::Index i = 0; i < n; ++i) {
            lo = std::min(lo, layout[std::size_t(i * m_dim + d)]);
            hi = std::max(hi, layout[std::size_t(i * m_dim + d)]);
        }
        const double scale = hi > lo ? 10.0 / (hi - lo) : 0.0;
        for (Eigen::Index i = 0; i < n; ++i) {
            const auto at = std::size_t(i * m_dim + d);
            m_pos[at] = float((layout[at] - lo) * scale);
        }
    }
    m_epoch = 0;
    m_viewStale = true;
    m_ready = true;
    m_timings.layout = detail::secondsSince(clock);
    progress.report(1.0);
}

const Matrix& Umap::embedding() const
{
    if (m_viewStale) {
        const Eigen::Index n = Eigen::Index(m_pos.size()) / std::max(m_dim, 1);
        m_view.resize(n, m_dim);
        for (Eigen::Index i = 0; i < n; ++i)
            for (int d = 0; d < m_dim; ++d)
                m_view(i, d) = m_pos[std::size_t(i * m_dim + d)];
        m_viewStale = false;
    }
    return m_view;
}

UmapResult Umap::result() const
{
    UmapResult r;
    r.embedding = embedding();
    r.epochs = m_epoch;
    r.totalEpochs = m_totalEpochs;
    r.a = m_a;
    r.b = m_b;
    r.neighbours = m_neighbours;
    r.approximateKnn = m_approximate;
    r.initUsed = m_initUsed;
    r.initFallback = m_initFallback;
    r.initMessage = m_initMessage;
    r.notes = m_notes;
    r.timings = m_timings;
    return r;
}

UmapResult umap(const Matrix& X, const UmapConfig& cfg, const Progress& progress,
                const UmapCallback& onEpoch, int callbackEvery,
                const detail::KnnGraph* exactNeighbours)
{
    Umap u(cfg);
    u.init(X, progress.sub(0.0, 0.2), exactNeighbours);
    u.run(-1, onEpoch, callbackEvery, progress.sub(0.2, 1.0));
    progress.report(1.0);
    return u.result();
}

} // namespace atlas
