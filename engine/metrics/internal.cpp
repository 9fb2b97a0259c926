// SPDX-License-Identifier: GPL-3.0-or-later
// GCC 12 reports a false -Wmaybe-uninitialized inside its own AVX-512 intrinsics when it
// inlines Eigen's matrix-product kernel under -march=native (GCC bug 105593).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include "engine/metrics/internal.h"


#include "engine/core/error.h"
#include "engine/core/parallel.h"
#include "engine/core/squared_distances.h"
#include "engine/metrics/summation.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>
#include <vector>

namespace atlas {

namespace {

constexpr double NaN = std::numeric_limits<double>::quiet_NaN();

/// Labels mapped to 0..k-1 in ascending order of value (sklearn's LabelEncoder). With
/// `noise`, -1 stays out of the clusters and is encoded as k (counts then has k + 1 entries,
/// the last the noise's).
struct Encoded {
    int k = 0;
    std::vector<int> index;
    std::vector<Eigen::Index> counts;
};

Encoded encode(const Labels& labels, bool noise)
{
    std::vector<int> values;
    values.reserve(std::size_t(labels.size()));
    for (Eigen::Index i = 0; i < labels.size(); ++i)
        if (!noise || labels[i] != -1)
            values.push_back(labels[i]);
    std::sort(values.begin(), values.end());
    values.erase(std::unique(values.begin(), values.end()), values.end());
    Encoded e;
    e.k = int(values.size());
    e.index.resize(std::size_t(labels.size()));
    e.counts.assign(values.size() + (noise ? 1 : 0), 0);
    for (Eigen::Index i = 0; i < labels.size(); ++i) {
        const int c = noise && labels[i] == -1
                          ? e.k
                          : int(std::lower_bound(values.begin(), values.end(), labels[i]) -
                                values.begin());
        e.index[std::size_t(i)] = c;
        ++e.counts[std::size_t(c)];
    }
    return e;
}

Encoded encodeChecked(const Matrix& X, const Labels& labels, const char* metric)
{
    if (labels.size() != X.rows())
        throw InputError(std::string(metric) + ": " + std::to_string(labels.size()) +
                         " labels for " + std::to_string(X.rows()) + " points");
    if (!X.allFinite())
        throw InputError(std::string(metric) + ": the points contain NaN or infinite values");
    return encode(labels, false);
}

bool validLabelCount(const Encoded& e, Eigen::Index n) { return e.k >= 2 && e.k <= n - 1; }

/// Per-cluster means, summing rows in order as numpy's mean(axis=0) does.
Matrix clusterMeans(const Matrix& X, const Encoded& e)
{
    Matrix means = Matrix::Zero(e.k, X.cols());
    for (Eigen::Index i = 0; i < X.rows(); ++i)
        means.row(e.index[std::size_t(i)]) += X.row(i);
    for (int c = 0; c < e.k; ++c)
        means.row(c) /= double(e.counts[std::size_t(c)]);
    return means;
}

constexpr Eigen::Index SilhouetteBlock = 64;   // points per parallel work item
constexpr Eigen::Index SilhouetteChunk = 2048;  // other points per distance tile

/// Column c of a tile of squared distances (distances.tile(b0, bs, j0, js, G)) turned into
/// the Euclidean distances of point i = b0 + c to points j0 ..., as sklearn computes them:
/// rounding below 0 clipped, the point's distance to itself exactly 0.
Eigen::Map<const Eigen::ArrayXd> distanceColumn(Matrix& G, Eigen::Index c, Eigen::Index i,
                                               Eigen::Index j0)
{
    auto d = G.col(c).array();
    d = d.max(0.0).sqrt();
    if (i >= j0 && i < j0 + G.rows())
        d[i - j0] = 0.0;
    return {G.col(c).data(), G.rows()};
}

/// Silhouette of a point of cluster `own` from its summed distances to every cluster
/// (`sums`, k of them; its own includes the 0 to itself).
double pointSilhouette(const double* sums, int own, const Encoded& e)
{
    const Eigen::Index ownCount = e.counts[std::size_t(own)];
    const double a = sums[own] / double(ownCount - 1);
    double b = std::numeric_limits<double>::infinity();
    for (int l = 0; l < e.k; ++l)
        if (l != own)
            b = std::min(b, sums[l] / double(e.counts[std::size_t(l)]));
    const double s = (b - a) / std::max(a, b);
    // sklearn: a = 0/0 for singletons and 0/0 for a = b = 0 become 0 (nan_to_num).
    return ownCount == 1 || std::isnan(s) ? 0.0 : s;
}

} // namespace

Vector silhouetteSamples(const Matrix& X, const Labels& labels, const Progress& progress)
{
    const Encoded e = encodeChecked(X, labels, "silhouette");
    const Eigen::Index n = X.rows();
    if (!validLabelCount(e, n))
        return Vector::Constant(n, NaN);

    // Points sorted by cluster (stable), so that each cluster's distances are one contiguous
    // segment of a column of the distance block.
    std::vector<Eigen::Index> order(static_cast<std::size_t>(n));
    std::iota(order.begin(), order.end(), Eigen::Index(0));
    std::stable_sort(order.begin(), order.end(), [&](Eigen::Index a, Eigen::Index b) {
        return e.index[std::size_t(a)] < e.index[std::size_t(b)];
    });
    std::vector<Eigen::Index> offset(std::size_t(e.k) + 1, 0);
    for (int c = 0; c < e.k; ++c)
        offset[std::size_t(c) + 1] = offset[std::size_t(c)] + e.counts[std::size_t(c)];
    Matrix Xs(n, X.cols());
    for (Eigen::Index i = 0; i < n; ++i)
        Xs.row(i) = X.row(order[std::size_t(i)]);
    const SquaredDistanceTiles distances(Xs);
    std::vector<int> clusterOf(static_cast<std::size_t>(n));
    for (Eigen::Index i = 0; i < n; ++i)
        clusterOf[std::size_t(i)] = e.index[std::size_t(order[std::size_t(i)])];

    Vector sil(n);
    const Eigen::Index blocks = (n + SilhouetteBlock - 1) / SilhouetteBlock;
    std::atomic<Eigen::Index> done{0};

#pragma omp parallel
    {
        Matrix G;
        Matrix sums(e.k, SilhouetteBlock);  // sums(l, c): distances of point c to cluster l
#pragma omp for schedule(dynamic)
        for (Eigen::Index blk = 0; blk < blocks; ++blk) {
            if (progress.isCancelled())
                continue;
            const Eigen::Index b0 = blk * SilhouetteBlock;
            const Eigen::Index bs = std::min(SilhouetteBlock, n - b0);
            sums.setZero();
            // Chunks of other points keep the distance tile in cache; chunk boundaries are
            // fixed, so the summation order does not depend on the thread count.
            for (Eigen::Index j0 = 0; j0 < n; j0 += SilhouetteChunk) {
                const Eigen::Index js = std::min(SilhouetteChunk, n - j0);
                // Column c holds point b0+c's squared distances to points j0 .. j0+js-1.
                distances.tile(b0, bs, j0, js, G);
                for (Eigen::Index c = 0; c < bs; ++c) {
                    const auto d = distanceColumn(G, c, b0 + c, j0);
                    for (int l = 0; l < e.k; ++l) {
                        const Eigen::Index lo = std::max(offset[std::size_t(l)], j0);
                        const Eigen::Index hi = std::min(offset[std::size_t(l) + 1], j0 + js);
                        if (lo < hi)
                            sums(l, c) += d.segment(lo - j0, hi - lo).sum();
                    }
                }
            }
            for (Eigen::Index c = 0; c < bs; ++c) {
                const Eigen::Index i = b0 + c;
                sil[order[std::size_t(i)]] =
                    pointSilhouette(sums.col(c).data(), clusterOf[std::size_t(i)], e);
            }
            const Eigen::Index finished = ++done;
            if (threadIndex() == 0)
                progress.report(double(finished) / double(blocks), "silhouette");
        }
    }
    progress.throwIfCancelled();
    progress.report(1.0, "silhouette");
    return sil;
}

double silhouetteScore(const Matrix& X, const Labels& labels, const Progress& progress)
{
    const Vector s = silhouetteSamples(X, labels, progress);
    if (s.size() == 0 || std::isnan(s[0]))
        return NaN;
    return detail::pairwiseSum(s.data(), std::size_t(s.size())) / double(s.size());
}

std::vector<double> silhouetteScores(const Matrix& X, const std::vector<Labels>& labellings,
                                     const Progress& progress)
{
    const Eigen::Index n = X.rows();
    const std::size_t L = labellings.size();
    std::vector<double> result(L, NaN);
    if (!X.allFinite())
        throw InputError("silhouette: the points contain NaN or infinite values");
    // Per labelling: its non-noise labels encoded 0..k-1 in ascending order, noise as k.
    std::vector<Encoded> enc(L);
    std::vector<Eigen::Index> labelled(L, 0);
    std::vector<char> valid(L, 0);
    for (std::size_t l = 0; l < L; ++l) {
        if (labellings[l].size() != n)
            throw InputError("silhouette: " + std::to_string(labellings[l].size()) +
                             " labels for " + std::to_string(n) + " points");
        enc[l] = encode(labellings[l], true);
        labelled[l] = n - enc[l].counts.back();
        valid[l] = validLabelCount(enc[l], labelled[l]);
    }
    std::vector<std::size_t> used;
    for (std::size_t l = 0; l < L; ++l)
        if (valid[l])
            used.push_back(l);
    if (used.empty())
        return result;

    // Points sorted by the first scored labelling (stable), so that its clusters are
    // contiguous segments of every tile; for each other labelling each tile of other points
    // keeps its own order of them grouped by cluster (`perm`, with `seg` the start of each
    // cluster in it per tile). Noise sorts last and is never summed.
    const Encoded& first = enc[used[0]];
    std::vector<Eigen::Index> order(static_cast<std::size_t>(n));
    std::iota(order.begin(), order.end(), Eigen::Index(0));
    std::stable_sort(order.begin(), order.end(), [&](Eigen::Index a, Eigen::Index b) {
        return first.index[std::size_t(a)] < first.index[std::size_t(b)];
    });
    Matrix Xs(n, X.cols());
    for (Eigen::Index i = 0; i < n; ++i)
        Xs.row(i) = X.row(order[std::size_t(i)]);
    const SquaredDistanceTiles distances(Xs);
    const Eigen::Index tiles = (n + SilhouetteChunk - 1) / SilhouetteChunk;
    const std::size_t U = used.size();
    // code[u][i]: cluster of sorted point i under labelling used[u].
    std::vector<std::vector<int>> code(U, std::vector<int>(static_cast<std::size_t>(n)));
    for (std::size_t u = 0; u < U; ++u)
        for (Eigen::Index i = 0; i < n; ++i)
            code[u][std::size_t(i)] = enc[used[u]].index[std::size_t(order[std::size_t(i)])];
    std::vector<std::vector<int>> perm(U);
    std::vector<std::vector<Eigen::Index>> seg(U);
    for (std::size_t u = 0; u < U; ++u) {
        const int k = enc[used[u]].k;
        if (u > 0)
            perm[u].resize(std::size_t(n));
        seg[u].assign(std::size_t(tiles) * std::size_t(k + 2), 0);
        for (Eigen::Index t = 0; t < tiles; ++t) {
            const Eigen::Index j0 = t * SilhouetteChunk, js = std::min(SilhouetteChunk, n - j0);
            Eigen::Index* s = seg[u].data() + std::size_t(t) * std::size_t(k + 2);
            for (Eigen::Index j = 0; j < js; ++j)
                ++s[code[u][std::size_t(j0 + j)] + 1];
            for (int c = 0; c <= k; ++c)
                s[c + 1] += s[c];
            if (u == 0)
                continue;   // sorted by this one: its clusters are the tile's own segments
            std::vector<Eigen::Index> at(s, s + k + 1);
            for (Eigen::Index j = 0; j < js; ++j)
                perm[u][std::size_t(j0 + at[std::size_t(code[u][std::size_t(j0 + j)])]++)] =
                    int(j);
        }
    }

    // sil[u][i]: silhouette of original point i under labelling used[u] (noise: unused).
    std::vector<std::vector<double>> sil(U, std::vector<double>(static_cast<std::size_t>(n), 0.0));
    const Eigen::Index blocks = (n + SilhouetteBlock - 1) / SilhouetteBlock;
    std::atomic<Eigen::Index> done{0};
#pragma omp parallel
    {
        Matrix G;
        std::vector<Matrix> sums(U);
        for (std::size_t u = 0; u < U; ++u)
            sums[u].resize(enc[used[u]].k, SilhouetteBlock);
#pragma omp for schedule(dynamic)
        for (Eigen::Index blk = 0; blk < blocks; ++blk) {
            if (progress.isCancelled())
                continue;
            const Eigen::Index b0 = blk * SilhouetteBlock;
            const Eigen::Index bs = std::min(SilhouetteBlock, n - b0);
            for (Matrix& m : sums)
                m.setZero();
            for (Eigen::Index t = 0; t < tiles; ++t) {
                const Eigen::Index j0 = t * SilhouetteChunk, js = std::min(SilhouetteChunk, n - j0);
                distances.tile(b0, bs, j0, js, G);
                for (Eigen::Index c = 0; c < bs; ++c) {
                    const auto d = distanceColumn(G, c, b0 + c, j0);
                    const double* dc = d.data();
                    for (std::size_t u = 0; u < U; ++u) {
                        const int k = enc[used[u]].k;
                        const Eigen::Index* s =
                            seg[u].data() + std::size_t(t) * std::size_t(k + 2);
                        if (u == 0) {
                            // Contiguous: the points are sorted by this labelling.
                            for (int l = 0; l < k; ++l)
                                if (s[l] < s[l + 1])
                                    sums[u](l, c) += d.segment(s[l], s[l + 1] - s[l]).sum();
                        } else {
                            const int* p = perm[u].data() + j0;
                            for (int l = 0; l < k; ++l) {
                                double a0 = 0.0, a1 = 0.0, a2 = 0.0, a3 = 0.0;
                                Eigen::Index q = s[l];
                                for (; q + 4 <= s[l + 1]; q += 4) {
                                    a0 += dc[p[q]];
                                    a1 += dc[p[q + 1]];
                                    a2 += dc[p[q + 2]];
                                    a3 += dc[p[q + 3]];
                                }
                                for (; q < s[l + 1]; ++q)
                                    a0 += dc[p[q]];
                                sums[u](l, c) += (a0 + a1) + (a2 + a3);
                            }
                        }
                    }
                }
            }
            for (std::size_t u = 0; u < U; ++u) {
                const Encoded& e = enc[used[u]];
                for (Eigen::Index c = 0; c < bs; ++c) {
                    const int own = code[u][std::size_t(b0 + c)];
                    if (own == e.k)
                        continue;   // noise under this labelling
                    sil[u][std::size_t(order[std::size_t(b0 + c)])] =
                        pointSilhouette(sums[u].col(c).data(), own, e);
                }
            }
            const Eigen::Index finished = ++done;
            if (threadIndex() == 0)
                progress.report(double(finished) / double(blocks), "silhouette");
        }
    }
    progress.throwIfCancelled();
    progress.report(1.0, "silhouette");
    for (std::size_t u = 0; u < U; ++u) {
        const Encoded& e = enc[used[u]];
        std::vector<double> kept;
        kept.reserve(std::size_t(labelled[used[u]]));
        for (Eigen::Index i = 0; i < n; ++i)
            if (e.index[std::size_t(i)] != e.k)
                kept.push_back(sil[u][std::size_t(i)]);
        result[used[u]] = detail::pairwiseSum(kept.data(), kept.size()) / double(kept.size());
    }
    return result;
}

double calinskiHarabaszScore(const Matrix& X, const Labels& labels)
{
    const Encoded e = encodeChecked(X, labels, "Calinski-Harabasz");
    const Eigen::Index n = X.rows();
    if (!validLabelCount(e, n))
        return NaN;
    RowVector mean = RowVector::Zero(X.cols());
    for (Eigen::Index i = 0; i < n; ++i)
        mean += X.row(i);
    mean /= double(n);
    const Matrix means = clusterMeans(X, e);

    // Within-cluster squared deviations, gathered per cluster in row order then summed
    // pairwise as np.sum over the cluster's block does.
    std::vector<std::vector<double>> within(std::size_t(e.k));
    for (int c = 0; c < e.k; ++c)
        within[std::size_t(c)].reserve(std::size_t(e.counts[std::size_t(c)] * X.cols()));
    for (Eigen::Index i = 0; i < n; ++i) {
        const int c = e.index[std::size_t(i)];
        for (Eigen::Index f = 0; f < X.cols(); ++f) {
            const double v = X(i, f) - means(c, f);
            within[std::size_t(c)].push_back(v * v);
        }
    }
    double extra = 0.0, intra = 0.0;
    std::vector<double> between(std::size_t(X.cols()));
    for (int c = 0; c < e.k; ++c) {
        for (Eigen::Index f = 0; f < X.cols(); ++f) {
            const double v = means(c, f) - mean[f];
            between[std::size_t(f)] = v * v;
        }
        extra += double(e.counts[std::size_t(c)]) *
                 detail::pairwiseSum(between.data(), between.size());
        intra += detail::pairwiseSum(within[std::size_t(c)].data(), within[std::size_t(c)].size());
    }
    if (intra == 0.0)
        return 1.0;
    return extra * double(n - e.k) / (intra * (double(e.k) - 1.0));
}

double daviesBouldinScore(const Matrix& X, const Labels& labels)
{
    const Encoded e = encodeChecked(X, labels, "Davies-Bouldin");
    const Eigen::Index n = X.rows();
    if (!validLabelCount(e, n))
        return NaN;
    const Matrix centroids = clusterMeans(X, e);

    std::vector<std::vector<double>> dist(std::size_t(e.k));
    for (Eigen::Index i = 0; i < n; ++i) {
        const int c = e.index[std::size_t(i)];
        dist[std::size_t(c)].push_back((X.row(i) - centroids.row(c)).norm());
    }
    Vector intra(e.k);
    for (int c = 0; c < e.k; ++c)
        intra[c] = detail::pairwiseSum(dist[std::size_t(c)].data(), dist[std::size_t(c)].size()) /
                   double(dist[std::size_t(c)].size());
    Matrix centroidDist(e.k, e.k);
    for (int a = 0; a < e.k; ++a)
        for (int b = 0; b < e.k; ++b)
            centroidDist(a, b) = a == b ? 0.0 : (centroids.row(a) - centroids.row(b)).norm();

    // np.allclose(x, 0): |x| <= 1e-8 everywhere.
    if ((intra.array().abs() <= 1e-8).all() || (centroidDist.array().abs() <= 1e-8).all())
        return 0.0;
    std::vector<double> scores(std::size_t(e.k));
    for (int a = 0; a < e.k; ++a) {
        double best = -std::numeric_limits<double>::infinity();
        for (int b = 0; b < e.k; ++b) {
            const double dab = centroidDist(a, b) == 0.0 ? std::numeric_limits<double>::infinity()
                                                         : centroidDist(a, b);
            best = std::max(best, (intra[a] + intra[b]) / dab);
        }
        scores[std::size_t(a)] = best;
    }
    return detail::pairwiseSum(scores.data(), scores.size()) / double(e.k);
}

} // namespace atlas
