// SPDX-License-Identifier: GPL-3.0-or-later
// GCC 12 reports a false -Wmaybe-uninitialized inside its own AVX-512 intrinsics when it
// inlines Eigen's matrix-product kernel under -march=native (GCC bug 105593).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include "engine/cluster/dbscan.h"

#include "engine/cluster/dbscan_validity.h"
#include "engine/cluster/dbscan_sweep.h"
#include "engine/core/error.h"
#include "engine/core/random.h"

#include <Eigen/Eigenvalues>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <numeric>
#include <utility>

namespace atlas {

std::vector<std::string> DbscanConfig::validate() const
{
    std::vector<std::string> p;
    check(p, std::isfinite(eps), "DbscanConfig", "eps", "must be finite (<= 0 = automatic)", eps);
    check(p, minSamples >= 0, "DbscanConfig", "minSamples", "must be >= 1, or 0 = automatic",
          minSamples);
    check(p, components >= -1, "DbscanConfig", "components",
          "must be >= 1, 0 = automatic or -1 = the data as given", components);
    return p;
}

namespace {

constexpr Eigen::Index ValiditySample = 5000;   // DBCV on at most this many rows
constexpr Seed ValiditySeed = 0x5eed'dbc7;

/// The k-distance curve: every row's distance to its k-th nearest other row, ascending.
Vector kDistanceCurve(const detail::DbscanSweep& sweep)
{
    const std::vector<double>& squared = sweep.kDistances2();
    Vector curve(Eigen::Index(squared.size()));
    for (Eigen::Index i = 0; i < curve.size(); ++i)
        curve[i] = std::sqrt(squared[std::size_t(i)]);
    std::sort(curve.data(), curve.data() + curve.size());
    return curve;
}

/// Kneedle on an ascending curve: the index farthest below the chord in unit-scaled axes.
double kneeOf(const Vector& sorted)
{
    const Eigen::Index n = sorted.size();
    const double lo = sorted[0], hi = sorted[n - 1];
    double eps = lo;
    if (hi > lo && n > 2) {
        double best = -std::numeric_limits<double>::infinity();
        for (Eigen::Index i = 0; i < n; ++i) {
            const double x = double(i) / double(n - 1);
            const double y = (sorted[i] - lo) / (hi - lo);
            if (x - y > best) {
                best = x - y;
                eps = sorted[i];
            }
        }
    }
    if (eps <= 0.0)
        for (Eigen::Index i = 0; i < n; ++i)
            if (sorted[i] > 0.0) {
                eps = sorted[i];
                break;
            }
    return eps;
}

void requireUsable(const Matrix& X, const char* what)
{
    if (X.rows() < 1)
        throw InputError(std::string(what) + ": no points");
    if (!X.allFinite())
        throw InputError(std::string(what) + ": the data contain NaN or infinite values");
}

int automaticMinSamples(const Matrix& X) { return std::max(2, int(2 * X.cols())); }

// Silverman (1986), Table 4.2: the sample size for which a kernel density estimate of a
// standard normal density in k dimensions reaches a relative mean squared error below 0.1 at
// the mode, k = 1 ... 10. DBSCAN's core-point test is a density estimate, so the table bounds
// the dimension in which n points can resolve density valleys at all.
constexpr std::array<double, 10> SilvermanSampleSizes = {
    4, 19, 67, 223, 768, 2790, 10700, 43700, 187000, 842000};

int automaticComponents(Eigen::Index n, int axesWithVariance, Eigen::Index cols)
{
    int k = 1;
    for (std::size_t d = 0; d < SilvermanSampleSizes.size(); ++d)
        if (double(n) >= SilvermanSampleSizes[d])
            k = int(d) + 1;
    return std::max(1, std::min({k, axesWithVariance, int(cols)}));
}

/// Clusters with at least minSamples members; smaller ones are border points split off.
int substantialClusters(const DbscanResult& r)
{
    std::vector<int> size(static_cast<std::size_t>(r.nClusters), 0);
    for (Eigen::Index i = 0; i < r.labels.size(); ++i)
        if (r.labels[i] >= 0)
            ++size[std::size_t(r.labels[i])];
    return int(std::count_if(size.begin(), size.end(),
                             [&](int s) { return s >= r.minSamples; }));
}

} // namespace

DbscanProjection dbscanProjection(const Matrix& X, int components)
{
    requireUsable(X, "DBSCAN space");
    DbscanProjection p;
    if (components < 0 || components >= X.cols())
        return p;
    const RowVector mean = X.colwise().mean();
    const Matrix centred = X.rowwise() - mean;
    const double dof = double(std::max<Eigen::Index>(1, X.rows() - 1));
    // A coefficient-wise product: Eigen's blocked one splits a long depth between threads
    // differently for each thread count, and the axes must not depend on it.
    const Matrix cov = centred.transpose().lazyProduct(centred) / dof;
    const Eigen::SelfAdjointEigenSolver<Matrix> eig(cov);
    if (eig.info() != Eigen::Success)
        throw NumericalError("DBSCAN space: the eigendecomposition of the covariance failed");
    const Vector& values = eig.eigenvalues();  // ascending
    const double top = std::max(values.maxCoeff(), 0.0);
    int positive = 0;
    for (Eigen::Index j = 0; j < values.size(); ++j)
        positive += values[j] > 1e-12 * top ? 1 : 0;
    const int k = components == 0 ? automaticComponents(X.rows(), positive, X.cols()) : components;
    if (k >= X.cols())
        return p;
    p.mean = mean;
    p.axes = eig.eigenvectors().rightCols(k).rowwise().reverse();
    return p;
}

Matrix DbscanProjection::apply(const Matrix& rows) const
{
    if (identity())
        return rows;
    const Matrix centred = rows.rowwise() - mean;
    return centred * axes;
}

Matrix dbscanSpace(const Matrix& X, int components)
{
    return dbscanProjection(X, components).apply(X);
}

double estimateDbscanEps(const Matrix& X, int minSamples, Vector* sortedKDistances,
                         const Progress& progress)
{
    requireUsable(X, "DBSCAN eps estimate");
    if (X.rows() < 2)
        throw InputError("DBSCAN eps estimate: needs at least 2 points");
    if (minSamples <= 0)
        minSamples = automaticMinSamples(X);
    const detail::DbscanSweep sweep(X, minSamples, progress);
    Vector curve = kDistanceCurve(sweep);
    const double eps = kneeOf(curve);
    if (sortedKDistances)
        *sortedKDistances = std::move(curve);
    progress.report(1.0, "k-distances");
    return eps;
}

DbscanResult dbscan(const Matrix& X, const DbscanConfig& cfg, const Progress& progress)
{
    requireValid(cfg.validate());
    requireUsable(X, "DBSCAN");
    const Matrix projected = cfg.components >= 0 ? dbscanSpace(X, cfg.components) : Matrix();
    const Matrix& Y = cfg.components >= 0 ? projected : X;
    const Eigen::Index n = Y.rows();
    const int minSamples = cfg.minSamples > 0 ? cfg.minSamples : automaticMinSamples(Y);
    if (cfg.eps > 0.0 || n < 2) {
        detail::DbscanSweep sweep(Y, minSamples, progress.sub(0.0, 0.5));
        DbscanResult r = sweep.cluster(std::max(cfg.eps, 0.0), progress.sub(0.5, 1.0));
        r.epsEstimated = cfg.eps <= 0.0;
        r.components = int(Y.cols());
        return r;
    }

    // Automatic eps. The knee of the sorted k-distance curve (Satopaa et al. 2011) is the
    // classic choice, but on overlapping clusters it sits at the noise threshold and joins
    // everything into one cluster. So eps is chosen among the knee and the percentiles of
    // the k-distances (every 2.5 % up to 5000 points, every 10 % above): the candidate with at
    // least 2 clusters and at most half the points as noise that maximises DBCV (Moulavi et
    // al. 2014), the validity index made for density-based clusters: it compares the sparsest
    // region inside each cluster with the densest gap to the others and weights clusters by
    // their share of all points, so noise counts against a candidate. Silhouette, by
    // contrast, favours convex clusters and is blind to a cut through a dense region. Without
    // such a candidate the knee is used. DBCV weights clusters by size, so a few border points
    // split off at the rim of one big cluster score well; only clusters of at least
    // minSamples points (a core point's full neighbourhood) count towards the 2 required.
    detail::DbscanSweep sweep(Y, minSamples, progress.sub(0.0, 0.2));
    Vector curve = kDistanceCurve(sweep);
    const double knee = kneeOf(curve);
    std::vector<double> candidates = {knee};
    // A fine grid where DBSCAN is cheap; every 10th percentile for large inputs.
    const int steps = n <= 5000 ? 40 : 10;
    for (int q = 1; q < steps; ++q) {
        const double at = double(q) / steps * double(n - 1);
        const Eigen::Index lo = Eigen::Index(at);
        const Eigen::Index hi = std::min<Eigen::Index>(lo + 1, n - 1);
        const double v = curve(lo) + (at - double(lo)) * (curve(hi) - curve(lo));
        // An eps already tried gives the same clustering and score: it is not run again.
        if (v > 0.0 && v != candidates.back() && v != knee)
            candidates.push_back(v);
    }
    // DBCV costs O(n^2) per candidate: above ValiditySample points it is computed on a fixed
    // random sample of that many rows (the same rows for every candidate).
    std::vector<Eigen::Index> sample;
    Matrix sampleY;
    if (n > ValiditySample) {
        std::vector<Eigen::Index> all(static_cast<std::size_t>(n));
        std::iota(all.begin(), all.end(), Eigen::Index(0));
        Rng rng(ValiditySeed);
        for (Eigen::Index i = 0; i < ValiditySample; ++i)
            std::swap(all[std::size_t(i)], all[std::size_t(i) + rng.below(std::uint64_t(n - i))]);
        sample.assign(all.begin(), all.begin() + ValiditySample);
        std::sort(sample.begin(), sample.end());
        sampleY.resize(ValiditySample, Y.cols());
        for (Eigen::Index r = 0; r < ValiditySample; ++r)
            sampleY.row(r) = Y.row(sample[std::size_t(r)]);
    }
    auto validity = [&](const Labels& labels, const Progress& p) {
        if (sample.empty())
            return densityValidity(Y, labels, p);
        Labels sampled(ValiditySample);
        for (Eigen::Index r = 0; r < ValiditySample; ++r)
            sampled[r] = labels[sample[std::size_t(r)]];
        return densityValidity(sampleY, sampled, p);
    };

    // The sweep clusters radii in ascending order, each growing from the last; the choice is
    // the best score, the earlier candidate on a tie (the knee first).
    const int m = int(candidates.size());
    std::vector<int> ascending(static_cast<std::size_t>(m));
    std::iota(ascending.begin(), ascending.end(), 0);
    std::stable_sort(ascending.begin(), ascending.end(), [&](int a, int b) {
        return candidates[std::size_t(a)] < candidates[std::size_t(b)];
    });
    DbscanResult best, atKnee;
    double bestScore = -std::numeric_limits<double>::infinity();
    int bestIndex = -1;
    for (int step = 0; step < m; ++step) {
        const int c = ascending[std::size_t(step)];
        const double b0 = 0.2 + 0.8 * step / m, b1 = 0.2 + 0.8 * (step + 1) / m;
        DbscanResult r = sweep.cluster(candidates[std::size_t(c)], progress.sub(b0, 0.5 * (b0 + b1)));
        if (c == 0)
            atKnee = r;
        if (r.noiseFraction > 0.5 || substantialClusters(r) < 2)
            continue;
        const double score = validity(r.labels, progress.sub(0.5 * (b0 + b1), b1));
        if (!std::isfinite(score))
            continue;
        if (bestIndex < 0 || score > bestScore || (score == bestScore && c < bestIndex)) {
            best = std::move(r);
            best.validity = score;
            bestScore = score;
            bestIndex = c;
        }
    }
    if (bestIndex < 0)
        best = std::move(atKnee);
    best.epsEstimated = true;
    best.components = int(Y.cols());
    best.kDistances = std::move(curve);
    progress.report(1.0);
    return best;
}

} // namespace atlas
