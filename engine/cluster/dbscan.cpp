// SPDX-License-Identifier: GPL-3.0-or-later
// GCC 12 reports a false -Wmaybe-uninitialized inside its own AVX-512 intrinsics when it
// inlines Eigen's matrix-product kernel under -march=native (GCC bug 105593).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include "engine/cluster/dbscan.h"

#include "engine/cluster/dbscan_validity.h"
#include "engine/core/error.h"
#include "engine/core/parallel.h"
#include "engine/core/squared_distances.h"

#include <Eigen/Eigenvalues>

#include <algorithm>
#include <array>
#include <atomic>
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

constexpr Eigen::Index RowBlock = 64;     // rows per parallel work item
constexpr Eigen::Index ColChunk = 2048;   // other points per distance tile

/// Squared distances by tiles of matrix products on centred data.
class Tiles {
public:
    explicit Tiles(const Matrix& X)
        : m_X(X.rowwise() - X.colwise().mean()), m_Xt(m_X.transpose()), m_distances(m_X),
          // Bound on the rounding error of |a|^2 + |b|^2 - 2ab relative to |a|^2 + |b|^2, with
          // a factor of 2 to spare: (d + 4) unit roundoffs.
          m_margin(double(X.cols() + 4) * std::numeric_limits<double>::epsilon())
    {
    }
    Tiles(const Tiles&) = delete;   // m_distances refers to m_X
    Tiles& operator=(const Tiles&) = delete;
    Eigen::Index rows() const { return m_X.rows(); }
    Eigen::Index blocks() const { return (rows() + RowBlock - 1) / RowBlock; }

    /// G receives the squared distances of rows [j0, j0 + js) (tile rows) to rows
    /// [b0, b0 + bs) (tile columns), from the product formula, clamped at 0.
    void tile(Eigen::Index b0, Eigen::Index bs, Eigen::Index j0, Eigen::Index js, Matrix& G) const
    {
        m_distances.tile(b0, bs, j0, js, G, true);
    }
    /// Product-based squared distances of row i below lo(i) are surely <= eps^2, those above
    /// hi(i) surely above; in between the exact test decides.
    double lo(Eigen::Index i, double eps2) const { return eps2 - m_margin * (sq(i) + m_maxSq); }
    double hi(Eigen::Index i, double eps2) const { return eps2 + m_margin * (sq(i) + m_maxSq); }
    bool exactWithin(Eigen::Index i, Eigen::Index j, double eps2) const
    {
        return (m_Xt.col(i) - m_Xt.col(j)).squaredNorm() <= eps2;
    }

private:
    double sq(Eigen::Index i) const { return m_distances.squaredNorms()[i]; }

    Matrix m_X, m_Xt;
    SquaredDistanceTiles m_distances;   // of m_X
    double m_margin;
    double m_maxSq = rows() > 0 ? m_distances.squaredNorms().maxCoeff() : 0.0;
};

class UnionFind {
public:
    explicit UnionFind(Eigen::Index n) : m_parent(static_cast<std::size_t>(n))
    {
        std::iota(m_parent.begin(), m_parent.end(), 0);
    }
    int find(int x)
    {
        while (m_parent[std::size_t(x)] != x)
            x = m_parent[std::size_t(x)] = m_parent[std::size_t(m_parent[std::size_t(x)])];
        return x;
    }
    void unite(int a, int b)
    {
        a = find(a);
        b = find(b);
        if (a != b)
            m_parent[std::size_t(std::max(a, b))] = std::min(a, b);
    }

private:
    std::vector<int> m_parent;
};

Vector kDistances(const Tiles& tiles, int k, const Progress& progress)
{
    const Eigen::Index n = tiles.rows();
    Vector result(n);
    const Eigen::Index blocks = tiles.blocks();
    std::atomic<Eigen::Index> done{0};
#pragma omp parallel
    {
        Matrix G;
#pragma omp for schedule(dynamic)
        for (Eigen::Index b = 0; b < blocks; ++b) {
            if (progress.isCancelled())
                continue;
            const Eigen::Index b0 = b * RowBlock, bs = std::min(RowBlock, n - b0);
            // Per row a max-heap of the k smallest squared distances seen so far.
            std::vector<std::vector<double>> heaps(static_cast<std::size_t>(bs));
            for (auto& h : heaps)
                h.reserve(std::size_t(k) + 1);
            for (Eigen::Index j0 = 0; j0 < n; j0 += ColChunk) {
                const Eigen::Index js = std::min(ColChunk, n - j0);
                tiles.tile(b0, bs, j0, js, G);
                for (Eigen::Index c = 0; c < bs; ++c) {
                    auto& h = heaps[std::size_t(c)];
                    for (Eigen::Index j = 0; j < js; ++j) {
                        if (j0 + j == b0 + c)
                            continue;
                        const double v = G(j, c);
                        if (h.size() < std::size_t(k)) {
                            h.push_back(v);
                            std::push_heap(h.begin(), h.end());
                        } else if (v < h.front()) {
                            std::pop_heap(h.begin(), h.end());
                            h.back() = v;
                            std::push_heap(h.begin(), h.end());
                        }
                    }
                }
            }
            for (Eigen::Index c = 0; c < bs; ++c)
                result[b0 + c] = std::sqrt(heaps[std::size_t(c)].front());
            const Eigen::Index finished = ++done;
            if (threadIndex() == 0)
                progress.report(double(finished) / double(blocks), "k-distances");
        }
    }
    progress.throwIfCancelled();
    std::sort(result.data(), result.data() + n);
    return result;
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
    const Matrix cov = centred.transpose() * centred / dof;
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
    const int k = int(std::clamp<Eigen::Index>(minSamples - 1, 1, X.rows() - 1));
    const Tiles tiles(X);
    Vector curve = kDistances(tiles, k, progress);
    const double eps = kneeOf(curve);
    if (sortedKDistances)
        *sortedKDistances = std::move(curve);
    progress.report(1.0, "k-distances");
    return eps;
}

namespace {

// DBSCAN proper for a given eps on precomputed tiles (Ester et al. 1996).
DbscanResult clusterWithEps(const Tiles& tiles, Eigen::Index n, double eps, int minSamples,
                            const Progress& progress)
{
    DbscanResult r;
    r.eps = eps;
    r.minSamples = minSamples;
    const double eps2 = r.eps * r.eps;
    const Eigen::Index blocks = tiles.blocks();

    // Pass 1: neighbourhood sizes (the point itself included) -> core points.
    std::vector<int> count(static_cast<std::size_t>(n), 0);
    {
        const Progress p = progress.sub(0.0, 0.5);
        std::atomic<Eigen::Index> done{0};
#pragma omp parallel
        {
            Matrix G;
#pragma omp for schedule(dynamic)
            for (Eigen::Index b = 0; b < blocks; ++b) {
                if (p.isCancelled())
                    continue;
                const Eigen::Index b0 = b * RowBlock, bs = std::min(RowBlock, n - b0);
                for (Eigen::Index j0 = 0; j0 < n; j0 += ColChunk) {
                    const Eigen::Index js = std::min(ColChunk, n - j0);
                    tiles.tile(b0, bs, j0, js, G);
                    for (Eigen::Index c = 0; c < bs; ++c) {
                        const Eigen::Index i = b0 + c;
                        const double lo = tiles.lo(i, eps2), hi = tiles.hi(i, eps2);
                        const auto g = G.col(c).array();
                        int found = int((g < lo).count());
                        if (((g >= lo) && (g <= hi)).any())
                            for (Eigen::Index j = 0; j < js; ++j)
                                if (g[j] >= lo && g[j] <= hi)
                                    found += tiles.exactWithin(i, j0 + j, eps2) ? 1 : 0;
                        // The point itself counts once: above, it counted unless its
                        // product-based distance exceeded hi (only possible for eps ~ 0).
                        if (i >= j0 && i < j0 + js && g[i - j0] > hi)
                            ++found;
                        count[std::size_t(i)] += found;
                    }
                }
                const Eigen::Index finished = ++done;
                if (threadIndex() == 0)
                    p.report(double(finished) / double(blocks), "neighbourhoods");
            }
        }
        p.throwIfCancelled();
    }
    std::vector<char> core(static_cast<std::size_t>(n), 0);
    for (Eigen::Index i = 0; i < n; ++i)
        if (count[std::size_t(i)] >= r.minSamples) {
            core[std::size_t(i)] = 1;
            r.coreSampleIndices.push_back(int(i));
        }

    // Pass 2: core-core edges joined by union-find (components do not depend on the order of
    // the unions, hence not on the threads), and each border point's core neighbours (fewer
    // than minSamples, since it is not core). Blocks run in waves to bound edge memory.
    UnionFind uf(n);
    std::vector<std::vector<int>> borderOf(static_cast<std::size_t>(n));
    {
        const Progress p = progress.sub(0.5, 1.0);
        const Eigen::Index wave = 4 * Eigen::Index(maxThreads());
        for (Eigen::Index w0 = 0; w0 < blocks; w0 += wave) {
            p.throwIfCancelled();
            const Eigen::Index w1 = std::min(blocks, w0 + wave);
            std::vector<std::vector<std::pair<int, int>>> edges(std::size_t(w1 - w0));
#pragma omp parallel
            {
                Matrix G;
#pragma omp for schedule(dynamic)
                for (Eigen::Index b = w0; b < w1; ++b) {
                    const Eigen::Index b0 = b * RowBlock, bs = std::min(RowBlock, n - b0);
                    bool anyBorder = false;
                    for (Eigen::Index i = b0; i < b0 + bs; ++i)
                        anyBorder = anyBorder || !core[std::size_t(i)];
                    auto& e = edges[std::size_t(b - w0)];
                    for (Eigen::Index j0 = 0; j0 < n; j0 += ColChunk) {
                        const Eigen::Index js = std::min(ColChunk, n - j0);
                        if (!anyBorder && j0 + js <= b0 + 1)
                            continue;  // core rows only need partners j > i
                        tiles.tile(b0, bs, j0, js, G);
                        for (Eigen::Index c = 0; c < bs; ++c) {
                            const Eigen::Index i = b0 + c;
                            const bool iCore = core[std::size_t(i)];
                            const double lo = tiles.lo(i, eps2), hi = tiles.hi(i, eps2);
                            for (Eigen::Index j = 0; j < js; ++j) {
                                const double g = G(j, c);
                                if (g > hi)
                                    continue;
                                const Eigen::Index jj = j0 + j;
                                if (!core[std::size_t(jj)] || jj == i || (iCore && jj < i))
                                    continue;
                                if (g >= lo && !tiles.exactWithin(i, jj, eps2))
                                    continue;
                                if (iCore)
                                    e.emplace_back(int(i), int(jj));
                                else
                                    borderOf[std::size_t(i)].push_back(int(jj));
                            }
                        }
                    }
                }
            }
            for (const auto& e : edges)
                for (const auto& [a, b] : e)
                    uf.unite(a, b);
            p.report(double(w1) / double(blocks), "clusters");
        }
    }

    // sklearn's discovery order: a cluster is numbered when its first core point (in row
    // order) is reached; a border point takes the lowest-numbered cluster among its core
    // neighbours, i.e. the first cluster whose expansion reaches it.
    r.labels = Labels::Constant(n, -1);
    std::vector<int> id(static_cast<std::size_t>(n), -1);
    for (Eigen::Index i = 0; i < n; ++i) {
        if (!core[std::size_t(i)])
            continue;
        int& c = id[std::size_t(uf.find(int(i)))];
        if (c < 0)
            c = r.nClusters++;
        r.labels[i] = c;
    }
    Eigen::Index noise = 0;
    for (Eigen::Index i = 0; i < n; ++i) {
        if (core[std::size_t(i)])
            continue;
        int best = -1;
        for (int j : borderOf[std::size_t(i)]) {
            const int c = id[std::size_t(uf.find(j))];
            best = best < 0 ? c : std::min(best, c);
        }
        r.labels[i] = best;
        noise += best < 0 ? 1 : 0;
    }
    r.noiseFraction = double(noise) / double(n);
    progress.report(1.0);
    return r;
}

} // namespace

DbscanResult dbscan(const Matrix& X, const DbscanConfig& cfg, const Progress& progress)
{
    requireValid(cfg.validate());
    requireUsable(X, "DBSCAN");
    const Matrix projected = cfg.components >= 0 ? dbscanSpace(X, cfg.components) : Matrix();
    const Matrix& Y = cfg.components >= 0 ? projected : X;
    const Eigen::Index n = Y.rows();
    const int minSamples = cfg.minSamples > 0 ? cfg.minSamples : automaticMinSamples(Y);
    const Tiles tiles(Y);
    if (cfg.eps > 0.0 || n < 2) {
        DbscanResult r = clusterWithEps(tiles, n, std::max(cfg.eps, 0.0), minSamples, progress);
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
    const int k = int(std::clamp<Eigen::Index>(minSamples - 1, 1, n - 1));
    Vector curve = kDistances(tiles, k, progress.sub(0.0, 0.2));
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
    DbscanResult best;
    double bestScore = -std::numeric_limits<double>::infinity();
    bool found = false;
    const int m = int(candidates.size());
    for (int c = 0; c < m; ++c) {
        const double b0 = 0.2 + 0.8 * c / m, b1 = 0.2 + 0.8 * (c + 1) / m;
        DbscanResult r = clusterWithEps(tiles, n, candidates[std::size_t(c)], minSamples,
                                        progress.sub(b0, 0.5 * (b0 + b1)));
        if (r.noiseFraction > 0.5 || substantialClusters(r) < 2)
            continue;
        const double score = densityValidity(Y, r.labels, progress.sub(0.5 * (b0 + b1), b1));
        if (!std::isfinite(score))
            continue;
        if (!found || score > bestScore) {
            best = std::move(r);
            best.validity = score;
            bestScore = score;
            found = true;
        }
    }
    if (!found)
        best = clusterWithEps(tiles, n, knee, minSamples, Progress());
    best.epsEstimated = true;
    best.components = int(Y.cols());
    best.kDistances = std::move(curve);
    progress.report(1.0);
    return best;
}

} // namespace atlas
