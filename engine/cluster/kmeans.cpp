// SPDX-License-Identifier: GPL-3.0-or-later
// GCC 12 reports a false -Wmaybe-uninitialized inside its own AVX-512 intrinsics when it
// inlines Eigen's vectorised kernels under -march=native (GCC bug 105593).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include "engine/cluster/kmeans.h"

#include "engine/core/error.h"
#include "engine/core/random.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace atlas {

std::vector<std::string> KMeansConfig::validate() const
{
    std::vector<std::string> p;
    check(p, k >= 1, "KMeansConfig", "k", "must be >= 1", k);
    check(p, nInit >= 1, "KMeansConfig", "nInit", "must be >= 1", nInit);
    check(p, maxIterations >= 1, "KMeansConfig", "maxIterations", "must be >= 1", maxIterations);
    check(p, std::isfinite(tolerance) && tolerance >= 0.0, "KMeansConfig", "tolerance",
          "must be finite and >= 0", tolerance);
    return p;
}

namespace {

/// Rows are handled in at most this many fixed blocks; each block's partial sums are kept
/// separately and added in block order, which makes the sums thread-count independent.
constexpr Eigen::Index MaxBlocks = 64;
constexpr Eigen::Index MinBlockRows = 256;

struct Blocks {
    Eigen::Index size = 0, count = 0;
    Blocks(Eigen::Index n)
    {
        size = std::max(MinBlockRows, (n + MaxBlocks - 1) / MaxBlocks);
        count = (n + size - 1) / size;
    }
};

/// One Lloyd pass over Xt (d x n, points as columns) against Ct (d x k): labels, each
/// point's squared distance to its centre, and (if wanted) the per-cluster sums and counts.
void assign(const Matrix& Xt, const Matrix& Ct, Labels& labels, Vector& dist, Matrix* sums,
            Vector* counts)
{
    const Eigen::Index n = Xt.cols(), k = Ct.cols(), d = Xt.rows();
    const Blocks blocks(n);
    std::vector<Matrix> blockSums(sums ? std::size_t(blocks.count) : 0);
    std::vector<Vector> blockCounts(sums ? std::size_t(blocks.count) : 0);
    // Threads only pay off beyond ~1M flops per pass (fork/join costs more on a busy
    // machine); the block layout, hence the result, is the same either way.
    [[maybe_unused]] const bool parallel = double(n) * double(k) * double(d) >= double(1 << 20);
#pragma omp parallel for schedule(static) if (parallel)
    for (Eigen::Index b = 0; b < blocks.count; ++b) {
        const Eigen::Index lo = b * blocks.size, hi = std::min(n, lo + blocks.size);
        if (sums) {
            blockSums[std::size_t(b)].setZero(d, k);
            blockCounts[std::size_t(b)].setZero(k);
        }
        for (Eigen::Index i = lo; i < hi; ++i) {
            int best = 0;
            double bestD = std::numeric_limits<double>::infinity();
            for (Eigen::Index j = 0; j < k; ++j) {
                const double dj = (Ct.col(j) - Xt.col(i)).squaredNorm();
                if (dj < bestD) {  // ties go to the lowest index, as numpy's argmin
                    bestD = dj;
                    best = int(j);
                }
            }
            labels[i] = best;
            dist[i] = bestD;
            if (sums) {
                blockSums[std::size_t(b)].col(best) += Xt.col(i);
                blockCounts[std::size_t(b)][best] += 1.0;
            }
        }
    }
    if (sums) {
        sums->setZero(d, k);
        counts->setZero(k);
        for (Eigen::Index b = 0; b < blocks.count; ++b) {
            *sums += blockSums[std::size_t(b)];
            *counts += blockCounts[std::size_t(b)];
        }
    }
}

/// Greedy k-means++ as sklearn's _kmeans_plusplus: the first centre uniformly, then each
/// next one the best (lowest potential) of 2 + floor(ln k) candidates drawn with probability
/// proportional to the squared distance to the nearest chosen centre.
Matrix kmeansPlusPlus(const Matrix& Xt, int k, Rng& rng)
{
    const Eigen::Index n = Xt.cols();
    const int trials = 2 + int(std::log(double(k)));
    Matrix Ct(Xt.rows(), k);
    const Eigen::Index first = Eigen::Index(rng.below(std::uint64_t(n)));
    Ct.col(0) = Xt.col(first);
    Vector closest = (Xt.colwise() - Xt.col(first)).colwise().squaredNorm().transpose();
    double potential = closest.sum();
    Vector cumulative(n), candidate(n), bestCandidate(n);
    for (int c = 1; c < k; ++c) {
        double running = 0.0;
        for (Eigen::Index i = 0; i < n; ++i)
            cumulative[i] = running += closest[i];
        double bestPotential = std::numeric_limits<double>::infinity();
        Eigen::Index bestId = 0;
        for (int t = 0; t < trials; ++t) {
            const double r = rng.uniform() * potential;
            // np.searchsorted (side='left'): the first index with cumulative >= r, clipped.
            Eigen::Index id = Eigen::Index(
                std::lower_bound(cumulative.data(), cumulative.data() + n, r) - cumulative.data());
            id = std::min(id, n - 1);
            candidate = (Xt.colwise() - Xt.col(id)).colwise().squaredNorm().transpose();
            candidate = candidate.cwiseMin(closest);
            const double pot = candidate.sum();
            if (pot < bestPotential) {  // first minimum wins, as np.argmin
                bestPotential = pot;
                bestId = id;
                bestCandidate = candidate;
            }
        }
        potential = bestPotential;
        closest = bestCandidate;
        Ct.col(c) = Xt.col(bestId);
    }
    return Ct;
}

/// sklearn _relocate_empty_clusters_dense: each empty cluster takes one of the points that
/// are farthest from their (previous) centre, which leaves its old cluster.
void relocateEmpty(const Matrix& Xt, const Labels& labels, const Vector& dist, Matrix& sums,
                   Vector& counts)
{
    std::vector<Eigen::Index> empty;
    for (Eigen::Index j = 0; j < counts.size(); ++j)
        if (counts[j] == 0.0)
            empty.push_back(j);
    if (empty.empty())
        return;
    std::vector<Eigen::Index> order(static_cast<std::size_t>(dist.size()));
    std::iota(order.begin(), order.end(), Eigen::Index(0));
    const std::size_t m = std::min(empty.size(), order.size());
    std::partial_sort(order.begin(), order.begin() + std::ptrdiff_t(m), order.end(),
                      [&](Eigen::Index a, Eigen::Index b) {
                          return dist[a] > dist[b] || (dist[a] == dist[b] && a < b);
                      });
    for (std::size_t e = 0; e < m; ++e) {
        const Eigen::Index far = order[e];
        const int old = labels[far];
        sums.col(old) -= Xt.col(far);
        counts[old] -= 1.0;
        sums.col(empty[e]) = Xt.col(far);
        counts[empty[e]] = 1.0;
    }
}

struct Run {
    Labels labels;
    Matrix Ct;
    double inertia = 0.0;
    int iterations = 0;
    bool converged = false;
};

Run lloyd(const Matrix& Xt, Matrix Ct, int maxIterations, double tol, const Progress& progress)
{
    const Eigen::Index n = Xt.cols(), k = Ct.cols();
    Run run;
    Labels labels = Labels::Constant(n, -1), labelsOld = Labels::Constant(n, -1);
    Vector dist(n), counts(k);
    Matrix sums;
    bool strict = false;
    int it = 0;
    for (; it < maxIterations; ++it) {
        progress.throwIfCancelled();
        assign(Xt, Ct, labels, dist, &sums, &counts);
        relocateEmpty(Xt, labels, dist, sums, counts);
        Matrix next = Ct;
        for (Eigen::Index j = 0; j < k; ++j)
            if (counts[j] > 0.0)
                next.col(j) = sums.col(j) * (1.0 / counts[j]);
        const double shift = (next - Ct).colwise().squaredNorm().sum();
        Ct = std::move(next);
        if (labels == labelsOld) {
            strict = true;
            break;
        }
        if (shift <= tol) {
            run.converged = true;
            break;
        }
        labelsOld = labels;
    }
    run.converged = run.converged || strict;
    run.iterations = std::min(it + 1, maxIterations);
    if (!strict)  // labels consistent with the final centres
        assign(Xt, Ct, labels, dist, nullptr, nullptr);
    run.labels = std::move(labels);
    run.inertia = dist.sum();
    run.Ct = std::move(Ct);
    return run;
}

/// sklearn _is_same_clustering: the same partition up to a relabelling.
bool sameClustering(const Labels& a, const Labels& b, int k)
{
    std::vector<int> mapping(std::size_t(k), -1);
    for (Eigen::Index i = 0; i < a.size(); ++i) {
        int& m = mapping[std::size_t(a[i])];
        if (m == -1)
            m = b[i];
        else if (m != b[i])
            return false;
    }
    return true;
}

} // namespace

KMeansResult kmeans(const Matrix& X, const KMeansConfig& cfg, const Progress& progress)
{
    requireValid(cfg.validate());
    if (X.rows() < cfg.k)
        throw ConfigError("KMeansConfig.k: must not exceed the number of rows " +
                          std::to_string(X.rows()) + " (got " + std::to_string(cfg.k) + ")");
    if (!X.allFinite())
        throw InputError("kmeans: the data contain NaN or infinite values");

    // Centring as sklearn does (it improves the precision of distance computations); the
    // tolerance is relative to the data's mean feature variance (sklearn _tolerance).
    const RowVector mean = X.colwise().mean();
    const Matrix Xt = (X.rowwise() - mean).transpose();
    const double variance =
        Xt.rowwise().squaredNorm().sum() / double(X.rows()) / double(X.cols());
    const double tol = X.cols() > 0 ? variance * cfg.tolerance : 0.0;

    Rng master(cfg.seed);
    Run best;
    int bestRestart = -1;
    for (int r = 0; r < cfg.nInit; ++r) {
        progress.throwIfCancelled();
        Rng rng = master.split();
        Matrix init = kmeansPlusPlus(Xt, cfg.k, rng);
        Run run = lloyd(Xt, std::move(init), cfg.maxIterations, tol, progress);
        if (bestRestart < 0 ||
            (run.inertia < best.inertia && !sameClustering(run.labels, best.labels, cfg.k))) {
            best = std::move(run);
            bestRestart = r;
        }
        progress.report(double(r + 1) / double(cfg.nInit),
                        "restart " + std::to_string(r + 1) + " of " + std::to_string(cfg.nInit));
    }

    KMeansResult result;
    result.labels = std::move(best.labels);
    result.centres = best.Ct.transpose().rowwise() + mean;
    result.inertia = best.inertia;
    result.iterations = best.iterations;
    result.bestRestart = bestRestart;
    result.converged = best.converged;
    std::vector<char> used(std::size_t(cfg.k), 0);
    for (Eigen::Index i = 0; i < result.labels.size(); ++i)
        used[std::size_t(result.labels[i])] = 1;
    result.distinctClusters = int(std::count(used.begin(), used.end(), 1));
    progress.report(1.0);
    return result;
}

} // namespace atlas
