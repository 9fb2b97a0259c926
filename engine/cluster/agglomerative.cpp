// SPDX-License-Identifier: GPL-3.0-or-later
// GCC 12 reports a false -Wmaybe-uninitialized inside its own AVX-512 intrinsics when it
// inlines Eigen's vectorised kernels under -march=native (GCC bug 105593).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include "engine/cluster/agglomerative.h"

#include "engine/core/error.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace atlas {

const char* linkageName(Linkage linkage)
{
    switch (linkage) {
    case Linkage::Ward:
        return "ward";
    case Linkage::Average:
        return "average";
    case Linkage::Complete:
        return "complete";
    case Linkage::Single:
        return "single";
    }
    return "?";
}

std::vector<std::string> AgglomerativeConfig::validate() const
{
    std::vector<std::string> p;
    check(p, k >= 1, "AgglomerativeConfig", "k", "must be >= 1", k);
    const int l = int(linkage);
    check(p, l >= 0 && l <= 3, "AgglomerativeConfig", "linkage", "must be a Linkage value", l);
    return p;
}

namespace {

constexpr double Inf = std::numeric_limits<double>::infinity();

/// An unsorted merge as the chain algorithms produce it: two slot ids and the distance.
struct Merge {
    int a = 0, b = 0;
    double distance = 0.0;
};

class UnionFind {
public:
    explicit UnionFind(int n) : m_parent(std::size_t(2 * n - 1)), m_size(std::size_t(2 * n - 1), 1)
    {
        std::iota(m_parent.begin(), m_parent.end(), 0);
        m_next = n;
    }
    int find(int x)
    {
        int root = x;
        while (m_parent[std::size_t(root)] != root)
            root = m_parent[std::size_t(root)];
        while (m_parent[std::size_t(x)] != root) {
            const int next = m_parent[std::size_t(x)];
            m_parent[std::size_t(x)] = root;
            x = next;
        }
        return root;
    }
    /// Makes root x part of root y, which keeps its id (the chain's convention).
    void attach(int x, int y) { m_parent[std::size_t(x)] = y; }
    /// Merges two roots into the next new id; returns the new cluster's size.
    int merge(int x, int y)
    {
        m_parent[std::size_t(x)] = m_next;
        m_parent[std::size_t(y)] = m_next;
        const int size = m_size[std::size_t(x)] + m_size[std::size_t(y)];
        m_size[std::size_t(m_next)] = size;
        ++m_next;
        return size;
    }

private:
    std::vector<int> m_parent, m_size;
    int m_next = 0;
};

/// scipy's final step: stable sort by distance, then union-find relabelling so that
/// children are the current cluster ids (smaller first) and new clusters get n, n+1, ...
MergeTree finish(int n, std::vector<Merge> merges)
{
    std::stable_sort(merges.begin(), merges.end(),
                     [](const Merge& x, const Merge& y) { return x.distance < y.distance; });
    MergeTree t;
    t.leaves = n;
    t.children.resize(n - 1, 2);
    t.distances.resize(n - 1);
    t.sizes.resize(n - 1);
    UnionFind uf(n);
    for (int i = 0; i < n - 1; ++i) {
        const int x = uf.find(merges[std::size_t(i)].a), y = uf.find(merges[std::size_t(i)].b);
        t.children(i, 0) = std::min(x, y);
        t.children(i, 1) = std::max(x, y);
        t.distances[i] = merges[std::size_t(i)].distance;
        t.sizes[i] = uf.merge(x, y);
    }
    return t;
}

void reportMerge(const Progress& progress, int k, int total)
{
    const int step = std::max(1, total / 100);
    if ((k + 1) % step == 0 || k + 1 == total)
        progress.report(double(k + 1) / double(total), "merging");
}

/// Ward by the nearest-neighbour chain on centroids (Müllner 2011, "NN-chain-linkage" with
/// the stored-data representation): the Ward distance of two clusters follows from their
/// sizes and centroids, so no distance matrix is needed. The chain logic mirrors scipy's
/// nn_chain so ties resolve the same way (previous chain element first, then lowest id).
///
/// With the exact nearest neighbours of the points (`knn`), a single point's nearest cluster
/// is first sought among the clusters that hold one of its neighbours. Ward's distance is
/// reducible (a merged pair is closer than either part is to any third cluster, so the merge
/// is no nearer to it than the nearer part), hence no smaller than the smallest distance
/// between members, the single-linkage distance: a cluster without any of the point's k
/// neighbours is at least the k-th neighbour's distance away. When a candidate is nearer
/// than that, it is the nearest, and the scan is skipped; its distance is computed as the
/// scan computes it, so the merges are the same bits.
std::vector<Merge> wardChain(const Matrix& X, const Progress& progress,
                             const detail::KnnGraph* knn)
{
    const int n = int(X.rows());
    const Eigen::Index d = X.cols();
    // Live clusters packed in the first m rows: centroid (row of P), size, id. Features are
    // columns, so one nearest-neighbour scan is d passes over contiguous memory.
    Matrix P = X;
    Vector size = Vector::Ones(n);
    std::vector<int> id(static_cast<std::size_t>(n)), pos(static_cast<std::size_t>(n));
    std::iota(id.begin(), id.end(), 0);
    std::iota(pos.begin(), pos.end(), 0);
    Eigen::Index m = n;
    Vector dist(n);
    std::vector<int> chain;
    chain.reserve(std::size_t(n));
    std::vector<Merge> merges;
    merges.reserve(std::size_t(n - 1));

    // A single-precision copy of the centroids, centred, screens every scan: it runs twice
    // as many lanes per instruction over half the memory. Its error is bounded (below), so
    // only the tiles that can hold the exact minimum are then computed in double, with the
    // same code and tile boundaries as a full double scan: the merges are those of the double
    // computation, exact ties included.
    const RowVector mean = X.colwise().mean();
    Eigen::MatrixXf F = (X.rowwise() - mean).cast<float>();
    Eigen::VectorXf sizeF = Eigen::VectorXf::Ones(n);
    const double radius = n > 0 ? (X.rowwise() - mean).cwiseAbs().maxCoeff() : 0.0;
    // Centroids stay inside the data's bounding box, so every centred coordinate is at most
    // `radius`; a float coordinate and a float difference are each within 2^-24 relative.
    constexpr double U = 0x1p-24;
    const double diffError = 2.0 * std::sqrt(double(d)) * 4.0 * U * radius;   // on |a - b|
    const double relError = 4.0 * (double(d) + 8.0) * U;   // sums, weight, square root
    Eigen::VectorXf screen(n);

    // Squared Ward distance (monotone in the distance, so comparisons agree) of cluster x to
    // the live clusters in tile t, into dist (exactly as a full double scan computes it).
    constexpr Eigen::Index Tile = 256;
    constexpr Eigen::Index ParallelRows = 16384;   // smaller screens stay on one thread
    auto exactTile = [&](Eigen::Index t, Eigen::Index px) {
        const double sx = size[px];
        const Eigen::Index t0 = t * Tile, ts = std::min(Tile, m - t0);
        auto out = dist.segment(t0, ts).array();
        out = (P.col(0).segment(t0, ts).array() - P(px, 0)).square();
        for (Eigen::Index f = 1; f < d; ++f)
            out += (P.col(f).segment(t0, ts).array() - P(px, f)).square();
        const auto s = size.segment(t0, ts).array();
        out *= 2.0 * sx * s / (sx + s);
    };
    // The neighbour search: the cluster that holds each point (union-find over the chain's
    // ids, a merged cluster keeping the id y), and a mark per cluster per search.
    const int known = detail::exactGraphOf(knn, n, 1) && (knn->indices.array() >= 0).all() &&
                              (knn->indices.array() < n).all()
                          ? int(knn->indices.cols())
                          : 0;
    UnionFind holders(known > 0 ? n : 1);
    std::vector<int> mark(known > 0 ? std::size_t(n) : 0, -1);
    int searches = 0;
    // exactKnn ranks by exact double distances, summed in another order than exactPair's
    // below (and a graph may come from elsewhere): a margin of (d + 2) roundoffs of the
    // largest squared distance, doubled and doubled again, covers the difference.
    const double searchSlack = 16.0 * double(d + 2) * 0x1p-53 * double(d) * radius * radius;
    // The exact squared Ward distance between the clusters in rows px and r, computed as
    // exactTile computes it (this file does not fuse multiply-adds, so every lane and this
    // scalar code round alike).
    auto exactPair = [&](Eigen::Index px, Eigen::Index r) {
        const double sx = size[px], s = size[r];
        double out = (P(r, 0) - P(px, 0)) * (P(r, 0) - P(px, 0));
        for (Eigen::Index f = 1; f < d; ++f)
            out += (P(r, f) - P(px, f)) * (P(r, f) - P(px, f));
        return out * (2.0 * sx * s / (sx + s));
    };
    auto nearestAmongNeighbours = [&](int x, int also, std::pair<double, int>& nearest) {
        const Eigen::Index px = pos[std::size_t(x)];
        const int stamp = searches++;
        mark[std::size_t(x)] = stamp;
        nearest = {Inf, std::numeric_limits<int>::max()};
        for (int j = 0; j < known; ++j) {
            const int c = holders.find(knn->indices(x, j));
            if (mark[std::size_t(c)] == stamp)
                continue;
            mark[std::size_t(c)] = stamp;
            const Eigen::Index pc = pos[std::size_t(c)];
            dist[pc] = exactPair(px, pc);
            nearest = std::min(nearest, std::pair(dist[pc], c));
        }
        if (also >= 0 && mark[std::size_t(also)] != stamp)
            dist[pos[std::size_t(also)]] = exactPair(px, pos[std::size_t(also)]);
        // Every other cluster is at least the k-th neighbour's distance away. Margins far
        // above rounding (of the search's screening, absolute, and of the distances,
        // relative) keep a near tie with one of them out of this path.
        const double reach = knn->distances(x, known - 1);
        return nearest.first < (reach * reach - searchSlack) * (1.0 - 1e-9);
    };
    // The smallest squared Ward distance from x to another live cluster and the lowest id
    // among the clusters at exactly that distance; dist holds the exact values of the tiles
    // that could hold it and of the tile of `also` (a cluster id, or -1).
    // (Or, for a single point, the clusters of its neighbours when they settle it: dist then
    // holds their exact values and that of `also`.)
    auto scan = [&](int x, int also) {
        const Eigen::Index px = pos[std::size_t(x)];
        if (known > 0 && size[px] == 1.0) {
            std::pair<double, int> nearest;
            if (nearestAmongNeighbours(x, also, nearest))
                return nearest;
        }
        const float sxF = float(size[px]);
        const Eigen::Index tiles = (m + Tile - 1) / Tile;
        float least = std::numeric_limits<float>::infinity();
        // Tiles are independent and a minimum is exact in any order: large screens split
        // between threads give the same result as one.
#pragma omp parallel for schedule(static) reduction(min : least) if (m >= ParallelRows)
        for (Eigen::Index t = 0; t < tiles; ++t) {
            const Eigen::Index t0 = t * Tile, ts = std::min(Tile, m - t0);
            auto out = screen.segment(t0, ts).array();
            out = (F.col(0).segment(t0, ts).array() - F(px, 0)).square();
            for (Eigen::Index f = 1; f < d; ++f)
                out += (F.col(f).segment(t0, ts).array() - F(px, f)).square();
            const auto s = sizeF.segment(t0, ts).array();
            out *= 2.0f * sxF * s / (sxF + s);
            const float own = px >= t0 && px < t0 + ts ? screen[px] : 0.0f;
            if (px >= t0 && px < t0 + ts)
                screen[px] = std::numeric_limits<float>::infinity();
            least = std::min(least, out.minCoeff());
            if (px >= t0 && px < t0 + ts)
                screen[px] = own;
        }
        // |sqrt(screen) - sqrt(exact)| <= sqrt(w) diffError + relError sqrt(exact), with the
        // Ward weight w = 2 sx s / (sx + s) < 2 sx: a tile matters when its smallest screened
        // value could be at or below the largest the minimum could be.
        const double slack = std::sqrt(2.0 * size[px]) * diffError;
        const double upper = std::sqrt(double(least)) / (1.0 - relError) + slack;
        const double reach = (1.0 + relError) * (upper + slack);
        const float threshold = float(reach * reach * (1.0 + relError));
        std::pair<double, int> nearest{Inf, std::numeric_limits<int>::max()};
        const Eigen::Index alsoTile = also >= 0 ? pos[std::size_t(also)] / Tile : -1;
        for (Eigen::Index t = 0; t < tiles; ++t) {
            const Eigen::Index t0 = t * Tile, ts = std::min(Tile, m - t0);
            bool hit = false;
            for (Eigen::Index r = t0; r < t0 + ts && !hit; ++r)
                hit = r != px && screen[r] <= threshold;
            if (!hit && t != alsoTile)
                continue;
            exactTile(t, px);
            if (!hit)
                continue;
            for (Eigen::Index r = t0; r < t0 + ts; ++r)
                if (r != px)
                    nearest = std::min(nearest, std::pair(dist[r], id[std::size_t(r)]));
        }
        return nearest;
    };

    for (int k = 0; k < n - 1; ++k) {
        progress.throwIfCancelled();
        if (chain.empty()) {
            int lowest = id[0];
            for (Eigen::Index t = 1; t < m; ++t)
                lowest = std::min(lowest, id[std::size_t(t)]);
            chain.push_back(lowest);
        }
        int x = 0, y = 0;
        double current = Inf;
        while (true) {
            x = chain.back();
            const int prev = chain.size() > 1 ? chain[chain.size() - 2] : -1;
            const auto [best, arg] = scan(x, prev);
            // scipy starts from the previous chain element and only moves on strictly
            // smaller distances: on a tie the previous element wins.
            current = best;
            y = arg;
            if (prev >= 0 && !(best < dist[pos[std::size_t(prev)]])) {
                current = dist[pos[std::size_t(prev)]];
                y = prev;
            }
            if (y == prev)
                break;
            chain.push_back(y);
        }
        chain.pop_back();
        chain.pop_back();
        if (x > y)
            std::swap(x, y);
        merges.push_back({x, y, std::sqrt(current)});
        if (known > 0)
            holders.attach(x, y);
        // The merged cluster keeps id y (scipy's convention); x's row is replaced by the last.
        const Eigen::Index px = pos[std::size_t(x)], py = pos[std::size_t(y)];
        const double sx = size[px], sy = size[py];
        P.row(py) = (sx * P.row(px) + sy * P.row(py)) / (sx + sy);
        size[py] = sx + sy;
        F.row(py) = (P.row(py) - mean).cast<float>();
        sizeF[py] = float(sx + sy);
        const Eigen::Index last = m - 1;
        if (px != last) {
            P.row(px) = P.row(last);
            size[px] = size[last];
            F.row(px) = F.row(last);
            sizeF[px] = sizeF[last];
            id[std::size_t(px)] = id[std::size_t(last)];
            pos[std::size_t(id[std::size_t(px)])] = int(px);
        }
        --m;
        reportMerge(progress, k, n - 1);
    }
    return merges;
}

std::size_t condensedIndex(std::size_t n, std::size_t i, std::size_t j)
{
    if (i > j)
        std::swap(i, j);
    return n * i - (i * (i + 1)) / 2 + (j - i - 1);
}

/// Average / complete linkage: scipy's nn_chain with Lance-Williams updates.
std::vector<Merge> matrixChain(const Matrix& X, Linkage linkage, const Progress& progress)
{
    const int n = int(X.rows());
    const std::size_t N = std::size_t(n);
    const Matrix Xt = X.transpose();
    std::vector<double> D(N * (N - 1) / 2);
#pragma omp parallel for schedule(dynamic, 16)
    for (int i = 0; i < n; ++i)
        for (int j = i + 1; j < n; ++j)
            D[condensedIndex(N, std::size_t(i), std::size_t(j))] = (Xt.col(i) - Xt.col(j)).norm();

    std::vector<int> size(N, 1);
    std::vector<int> chain;
    std::vector<Merge> merges;
    merges.reserve(N - 1);
    for (int k = 0; k < n - 1; ++k) {
        progress.throwIfCancelled();
        if (chain.empty())
            for (int i = 0; i < n; ++i)
                if (size[std::size_t(i)] > 0) {
                    chain.push_back(i);
                    break;
                }
        int x = 0, y = 0;
        double current = Inf;
        while (true) {
            x = chain.back();
            if (chain.size() > 1) {
                y = chain[chain.size() - 2];
                current = D[condensedIndex(N, std::size_t(x), std::size_t(y))];
            } else {
                current = Inf;
            }
            for (int i = 0; i < n; ++i) {
                if (size[std::size_t(i)] == 0 || i == x)
                    continue;
                const double d = D[condensedIndex(N, std::size_t(x), std::size_t(i))];
                if (d < current) {
                    current = d;
                    y = i;
                }
            }
            if (chain.size() > 1 && y == chain[chain.size() - 2])
                break;
            chain.push_back(y);
        }
        chain.pop_back();
        chain.pop_back();
        if (x > y)
            std::swap(x, y);
        merges.push_back({x, y, current});
        const double nx = size[std::size_t(x)], ny = size[std::size_t(y)];
        size[std::size_t(x)] = 0;
        size[std::size_t(y)] = int(nx + ny);
        for (int i = 0; i < n; ++i) {
            if (size[std::size_t(i)] == 0 || i == y)
                continue;
            double& dy = D[condensedIndex(N, std::size_t(i), std::size_t(y))];
            const double dx = D[condensedIndex(N, std::size_t(i), std::size_t(x))];
            dy = linkage == Linkage::Complete ? std::max(dx, dy) : (nx * dx + ny * dy) / (nx + ny);
        }
        reportMerge(progress, k, n - 1);
    }
    return merges;
}

/// Single linkage: scipy's mst_single_linkage (Prim), distances computed on the fly.
std::vector<Merge> singleMst(const Matrix& X, const Progress& progress)
{
    const int n = int(X.rows());
    const Matrix Xt = X.transpose();
    std::vector<char> merged(std::size_t(n), 0);
    Vector D = Vector::Constant(n, Inf);
    std::vector<Merge> merges;
    merges.reserve(std::size_t(n - 1));
    int x = 0;
    for (int k = 0; k < n - 1; ++k) {
        progress.throwIfCancelled();
        merged[std::size_t(x)] = 1;
#pragma omp parallel for schedule(static) if (double(n) * double(Xt.rows()) >= double(1 << 18))
        for (int i = 0; i < n; ++i) {
            if (merged[std::size_t(i)])
                continue;
            const double d = (Xt.col(x) - Xt.col(i)).norm();
            if (D[i] > d)
                D[i] = d;
        }
        double current = Inf;
        int y = -1;
        for (int i = 0; i < n; ++i)
            if (!merged[std::size_t(i)] && D[i] < current) {
                current = D[i];
                y = i;
            }
        if (y < 0) {  // only reachable with infinite distances, which X cannot produce
            for (int i = 0; i < n; ++i)
                if (!merged[std::size_t(i)]) {
                    y = i;
                    break;
                }
        }
        merges.push_back({x, y, current});
        x = y;
        reportMerge(progress, k, n - 1);
    }
    return merges;
}

} // namespace

MergeTree linkageTree(const Matrix& X, Linkage linkage, const Progress& progress,
                      const detail::KnnGraph* neighbours)
{
    if (X.rows() < 1)
        throw InputError("agglomerative clustering: no points");
    if (!X.allFinite())
        throw InputError("agglomerative clustering: the data contain NaN or infinite values");
    const int n = int(X.rows());
    if (n == 1) {
        MergeTree t;
        t.leaves = 1;
        t.children.resize(0, 2);
        progress.report(1.0);
        return t;
    }
    std::vector<Merge> merges;
    switch (linkage) {
    case Linkage::Ward:
        merges = wardChain(X, progress, neighbours);
        break;
    case Linkage::Average:
    case Linkage::Complete:
        merges = matrixChain(X, linkage, progress);
        break;
    case Linkage::Single:
        merges = singleMst(X, progress);
        break;
    }
    MergeTree t = finish(n, std::move(merges));
    progress.report(1.0);
    return t;
}

namespace {

// CPython's heapq._siftdown / _siftup / heappush / heappushpop on a min-heap of ints, so that
// the cut below visits clusters in exactly the order sklearn's _hc_cut does.
void siftDown(std::vector<int>& heap, std::size_t start, std::size_t pos)
{
    const int item = heap[pos];
    while (pos > start) {
        const std::size_t parent = (pos - 1) >> 1;
        if (item < heap[parent]) {
            heap[pos] = heap[parent];
            pos = parent;
            continue;
        }
        break;
    }
    heap[pos] = item;
}

void siftUp(std::vector<int>& heap, std::size_t pos)
{
    const std::size_t end = heap.size(), start = pos;
    const int item = heap[pos];
    std::size_t child = 2 * pos + 1;
    while (child < end) {
        const std::size_t right = child + 1;
        if (right < end && !(heap[child] < heap[right]))
            child = right;
        heap[pos] = heap[child];
        pos = child;
        child = 2 * pos + 1;
    }
    heap[pos] = item;
    siftDown(heap, start, pos);
}

void heapPush(std::vector<int>& heap, int item)
{
    heap.push_back(item);
    siftDown(heap, 0, heap.size() - 1);
}

void heapPushPop(std::vector<int>& heap, int item)
{
    if (!heap.empty() && heap[0] < item) {
        heap[0] = item;
        siftUp(heap, 0);
    }
}

} // namespace

Labels cutTree(const MergeTree& tree, int k)
{
    const int n = tree.leaves;
    if (k < 1 || k > n)
        throw ConfigError("cutTree: k must be in [1, " + std::to_string(n) + "] (got " +
                          std::to_string(k) + ")");
    Labels labels = Labels::Zero(n);
    if (n == 1)
        return labels;
    // sklearn _hc_cut: starting from the root, repeatedly split the most recent merge (the
    // heap holds negated ids); cluster i is the i-th entry of the final heap array.
    std::vector<int> nodes{-(std::max(tree.children(n - 2, 0), tree.children(n - 2, 1)) + 1)};
    for (int s = 0; s < k - 1; ++s) {
        const int row = -nodes[0] - n;
        heapPush(nodes, -tree.children(row, 0));
        heapPushPop(nodes, -tree.children(row, 1));
    }
    std::vector<int> stack;
    for (std::size_t c = 0; c < nodes.size(); ++c) {
        stack.assign(1, -nodes[c]);
        while (!stack.empty()) {
            const int v = stack.back();
            stack.pop_back();
            if (v < n) {
                labels[v] = int(c);
            } else {
                stack.push_back(tree.children(v - n, 0));
                stack.push_back(tree.children(v - n, 1));
            }
        }
    }
    return labels;
}

AgglomerativeResult agglomerative(const Matrix& X, const AgglomerativeConfig& cfg,
                                  const Progress& progress, const detail::KnnGraph* neighbours)
{
    requireValid(cfg.validate());
    if (X.rows() < cfg.k)
        throw ConfigError("AgglomerativeConfig.k: must not exceed the number of rows " +
                          std::to_string(X.rows()) + " (got " + std::to_string(cfg.k) + ")");
    AgglomerativeResult r;
    r.tree = linkageTree(X, cfg.linkage, progress, neighbours);
    r.labels = cutTree(r.tree, cfg.k);
    return r;
}

} // namespace atlas
