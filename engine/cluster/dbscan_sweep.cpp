// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/cluster/dbscan_sweep.h"

#include "engine/core/error.h"
#include "engine/core/parallel.h"

#include <algorithm>
#include <atomic>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <utility>

namespace atlas::detail {

namespace {

constexpr int LeafSize = 16;   // rows per k-d tree leaf
constexpr int RowBlock = 256;  // tree positions per parallel work item
constexpr int NoCore = -2;     // node label: no core point below
constexpr int Mixed = -1;      // node label: core points of several components below

// Compiled without multiply-add fusion (engine/CMakeLists.txt), so these two sums round the
// same way term by term and a box's distance is never above one of its rows' distances.
inline double distance2(const double* a, const double* b, int dim)
{
    double s = 0.0;
    for (int c = 0; c < dim; ++c) {
        const double d = a[c] - b[c];
        s += d * d;
    }
    return s;
}

inline bool contains(const std::vector<int>& v, int x)
{
    return std::find(v.begin(), v.end(), x) != v.end();
}

} // namespace

struct DbscanSweep::Impl {
    struct Node {
        int begin, end;   // tree positions
        int left = -1, right = -1;
    };

    int n = 0;
    int dim = 0;
    int minSamples = 0;
    int k = 0;                  // neighbours listed per row
    std::vector<double> pts;    // rows in tree order, row-major
    std::vector<int> rowAt;     // tree position -> row
    std::vector<int> posOf;     // row -> tree position
    std::vector<Node> nodes;    // preorder: a parent before its children
    std::vector<double> box;    // per node: dim lows, then dim highs
    std::vector<int> nearIndex; // per row, k nearest other rows (rows), nearest first
    std::vector<double> nearDist2;
    std::vector<double> kth2;   // per row, squared distance to the k-th nearest other row
    // Clusters of the radius so far: union-find over tree positions.
    std::vector<int> parent;
    double lastEps = 0.0;
    // Per pass, in tree order.
    std::vector<char> coreAt;
    std::vector<int> labelAt;   // the core point's component at the start of the pass, or -1
    std::vector<int> nodeLabel;

    const double* point(int t) const { return &pts[std::size_t(t) * std::size_t(dim)]; }

    double boxDistance2(const double* q, int node) const
    {
        const double* lo = &box[std::size_t(node) * 2 * std::size_t(dim)];
        const double* hi = lo + dim;
        double s = 0.0;
        for (int c = 0; c < dim; ++c) {
            const double g = q[c] < lo[c] ? lo[c] - q[c] : q[c] > hi[c] ? q[c] - hi[c] : 0.0;
            s += g * g;
        }
        return s;
    }

    int build(std::vector<int>& order, const std::vector<double>& rows, int begin, int end)
    {
        const int id = int(nodes.size());
        nodes.push_back({begin, end});
        box.resize(box.size() + 2 * std::size_t(dim));
        double* lo = &box[std::size_t(id) * 2 * std::size_t(dim)];
        double* hi = lo + dim;
        std::fill(lo, lo + dim, std::numeric_limits<double>::infinity());
        std::fill(hi, hi + dim, -std::numeric_limits<double>::infinity());
        for (int t = begin; t < end; ++t)
            for (int c = 0; c < dim; ++c) {
                const double v = rows[std::size_t(order[std::size_t(t)]) * std::size_t(dim) + std::size_t(c)];
                lo[c] = std::min(lo[c], v);
                hi[c] = std::max(hi[c], v);
            }
        if (end - begin <= LeafSize)
            return id;
        int widest = 0;
        for (int c = 1; c < dim; ++c)
            if (hi[c] - lo[c] > hi[widest] - lo[widest])
                widest = c;
        if (!(hi[widest] > lo[widest]))
            return id;   // all rows here coincide
        const int mid = begin + (end - begin) / 2;
        std::nth_element(order.begin() + begin, order.begin() + mid, order.begin() + end,
                         [&](int a, int b) {
                             const double va = rows[std::size_t(a) * std::size_t(dim) + std::size_t(widest)];
                             const double vb = rows[std::size_t(b) * std::size_t(dim) + std::size_t(widest)];
                             return va < vb || (va == vb && a < b);
                         });
        const int left = build(order, rows, begin, mid);
        const int right = build(order, rows, mid, end);
        nodes[std::size_t(id)].left = left;
        nodes[std::size_t(id)].right = right;
        return id;
    }

    // The k nearest other rows of tree position `self` into a max-heap of (squared distance,
    // tree position); nearer child first, a node skipped once it cannot improve the k-th.
    void nearest(int node, double nodeDistance2, const double* q, int self,
                 std::vector<std::pair<double, int>>& heap) const
    {
        if (int(heap.size()) == k && nodeDistance2 > heap.front().first)
            return;
        const Node& nd = nodes[std::size_t(node)];
        if (nd.left < 0) {
            for (int u = nd.begin; u < nd.end; ++u) {
                if (u == self)
                    continue;
                const double d = distance2(q, point(u), dim);
                if (int(heap.size()) < k) {
                    heap.emplace_back(d, u);
                    std::push_heap(heap.begin(), heap.end());
                } else if (d < heap.front().first) {
                    std::pop_heap(heap.begin(), heap.end());
                    heap.back() = {d, u};
                    std::push_heap(heap.begin(), heap.end());
                }
            }
            return;
        }
        const double dl = boxDistance2(q, nd.left), dr = boxDistance2(q, nd.right);
        if (dl <= dr) {
            nearest(nd.left, dl, q, self, heap);
            nearest(nd.right, dr, q, self, heap);
        } else {
            nearest(nd.right, dr, q, self, heap);
            nearest(nd.left, dl, q, self, heap);
        }
    }

    // The components other than `own` (and those in `met`) with a core point within eps of q,
    // appended to `met`.
    void link(int node, const double* q, int own, double eps2, std::vector<int>& met) const
    {
        const int label = nodeLabel[std::size_t(node)];
        if (label == NoCore || label == own || (label >= 0 && contains(met, label)))
            return;
        if (boxDistance2(q, node) > eps2)
            return;
        const Node& nd = nodes[std::size_t(node)];
        if (nd.left < 0) {
            for (int u = nd.begin; u < nd.end; ++u) {
                const int lu = labelAt[std::size_t(u)];
                if (lu < 0 || lu == own || contains(met, lu))
                    continue;
                if (distance2(q, point(u), dim) <= eps2)
                    met.push_back(lu);
            }
            return;
        }
        link(nd.left, q, own, eps2, met);
        link(nd.right, q, own, eps2, met);
    }

    int find(int x)
    {
        while (parent[std::size_t(x)] != x)
            x = parent[std::size_t(x)] = parent[std::size_t(parent[std::size_t(x)])];
        return x;
    }
    void unite(int a, int b)
    {
        a = find(a);
        b = find(b);
        if (a != b)
            parent[std::size_t(std::max(a, b))] = std::min(a, b);
    }

    bool isCore(int row, double eps2) const
    {
        if (minSamples <= 1)
            return true;
        if (minSamples > n)
            return false;
        return kth2[std::size_t(row)] <= eps2;
    }
};

DbscanSweep::DbscanSweep(const Matrix& X, int minSamples, const Progress& progress)
    : m_impl(std::make_unique<Impl>())
{
    Impl& d = *m_impl;
    d.n = int(X.rows());
    d.dim = int(X.cols());
    d.minSamples = minSamples;
    d.k = d.n < 2 ? 0 : std::clamp(minSamples - 1, 1, d.n - 1);

    std::vector<double> rows(std::size_t(d.n) * std::size_t(d.dim));
    for (int i = 0; i < d.n; ++i)
        for (int c = 0; c < d.dim; ++c)
            rows[std::size_t(i) * std::size_t(d.dim) + std::size_t(c)] = X(i, c);
    d.rowAt.resize(std::size_t(d.n));
    std::iota(d.rowAt.begin(), d.rowAt.end(), 0);
    if (d.n > 0)
        d.build(d.rowAt, rows, 0, d.n);
    d.pts.resize(rows.size());
    d.posOf.resize(std::size_t(d.n));
    for (int t = 0; t < d.n; ++t) {
        const int i = d.rowAt[std::size_t(t)];
        d.posOf[std::size_t(i)] = t;
        std::copy_n(&rows[std::size_t(i) * std::size_t(d.dim)], d.dim,
                    &d.pts[std::size_t(t) * std::size_t(d.dim)]);
    }
    d.parent.resize(std::size_t(d.n));
    std::iota(d.parent.begin(), d.parent.end(), 0);

    const std::size_t listed = std::size_t(d.n) * std::size_t(d.k);
    d.nearIndex.resize(listed);
    d.nearDist2.resize(listed);
    d.kth2.resize(d.k > 0 ? std::size_t(d.n) : 0);
    if (d.k == 0)
        return;
    std::atomic<int> done{0};
#pragma omp parallel
    {
        std::vector<std::pair<double, int>> heap;
        heap.reserve(std::size_t(d.k));
        const int blocks = (d.n + RowBlock - 1) / RowBlock;
#pragma omp for schedule(dynamic)
        for (int b = 0; b < blocks; ++b) {
            if (progress.isCancelled())
                continue;
            for (int t = b * RowBlock; t < std::min(d.n, (b + 1) * RowBlock); ++t) {
                heap.clear();
                d.nearest(0, 0.0, d.point(t), t, heap);
                std::sort_heap(heap.begin(), heap.end());
                const int i = d.rowAt[std::size_t(t)];
                for (int r = 0; r < d.k; ++r) {
                    const std::size_t at = std::size_t(i) * std::size_t(d.k) + std::size_t(r);
                    d.nearIndex[at] = d.rowAt[std::size_t(heap[std::size_t(r)].second)];
                    d.nearDist2[at] = heap[std::size_t(r)].first;
                }
                d.kth2[std::size_t(i)] = heap.back().first;
            }
            const int finished = ++done;
            if (threadIndex() == 0)
                progress.report(double(finished) / double(blocks), "k-distances");
        }
    }
    progress.throwIfCancelled();
}

DbscanSweep::~DbscanSweep() = default;

const std::vector<double>& DbscanSweep::kDistances2() const { return m_impl->kth2; }

DbscanResult DbscanSweep::cluster(double eps, const Progress& progress)
{
    Impl& d = *m_impl;
    if (!(eps >= d.lastEps))
        throw std::logic_error("DbscanSweep::cluster: eps must not decrease");
    d.lastEps = eps;
    const double eps2 = eps * eps;
    const int n = d.n;

    DbscanResult r;
    r.eps = eps;
    r.minSamples = d.minSamples;

    // The core points. The links of a core point to the core points among its k nearest
    // (all within eps, but for minSamples 1) come free from the lists; the range queries
    // below then only look for the rest.
    d.coreAt.assign(std::size_t(n), 0);
    for (int t = 0; t < n; ++t)
        d.coreAt[std::size_t(t)] = d.isCore(d.rowAt[std::size_t(t)], eps2) ? 1 : 0;
    for (int i = 0; i < n; ++i) {
        const int t = d.posOf[std::size_t(i)];
        if (!d.coreAt[std::size_t(t)])
            continue;
        for (int s = 0; s < d.k; ++s) {
            const std::size_t at = std::size_t(i) * std::size_t(d.k) + std::size_t(s);
            if (d.nearDist2[at] > eps2)
                break;
            const int u = d.posOf[std::size_t(d.nearIndex[at])];
            if (d.coreAt[std::size_t(u)])
                d.unite(t, u);
        }
    }
    // Their components so far.
    d.labelAt.assign(std::size_t(n), -1);
    for (int t = 0; t < n; ++t)
        if (d.coreAt[std::size_t(t)])
            d.labelAt[std::size_t(t)] = d.find(t);
    d.nodeLabel.assign(d.nodes.size(), NoCore);
    for (int node = int(d.nodes.size()) - 1; node >= 0; --node) {
        const Impl::Node& nd = d.nodes[std::size_t(node)];
        int label = NoCore;
        if (nd.left < 0) {
            for (int u = nd.begin; u < nd.end && label != Mixed; ++u) {
                const int lu = d.labelAt[std::size_t(u)];
                if (lu >= 0)
                    label = label == NoCore || label == lu ? lu : Mixed;
            }
        } else {
            const int a = d.nodeLabel[std::size_t(nd.left)], b = d.nodeLabel[std::size_t(nd.right)];
            label = a == NoCore ? b : b == NoCore ? a : a == b ? a : Mixed;
        }
        d.nodeLabel[std::size_t(node)] = label;
    }

    // Links between components: each core point meets the other components within eps. The
    // components do not depend on the order of the unions, hence not on the threads.
    std::atomic<int> done{0};
#pragma omp parallel
    {
        std::vector<int> met;
        std::vector<std::pair<int, int>> links;
        const int blocks = (n + RowBlock - 1) / RowBlock;
#pragma omp for schedule(dynamic)
        for (int b = 0; b < blocks; ++b) {
            if (progress.isCancelled())
                continue;
            links.clear();
            for (int t = b * RowBlock; t < std::min(n, (b + 1) * RowBlock); ++t) {
                const int own = d.labelAt[std::size_t(t)];
                if (own < 0 || d.nodes.empty())
                    continue;
                met.clear();
                d.link(0, d.point(t), own, eps2, met);
                for (const int other : met)
                    links.emplace_back(own, other);
            }
#pragma omp critical(atlas_dbscan_union)
            for (const auto& [a, c] : links)
                d.unite(a, c);
            const int finished = ++done;
            if (threadIndex() == 0)
                progress.report(double(finished) / double(blocks), "clusters");
        }
    }
    progress.throwIfCancelled();

    // sklearn's discovery order: a cluster is numbered when its first core point (in row
    // order) is reached; a border point takes the lowest-numbered cluster among its core
    // neighbours, i.e. the first cluster whose expansion reaches it. Its neighbours within
    // eps are fewer than k, hence all in its list of k nearest.
    r.labels = Labels::Constant(n, -1);
    std::vector<int> id(std::size_t(n), -1);
    for (int i = 0; i < n; ++i) {
        const int t = d.posOf[std::size_t(i)];
        if (!d.coreAt[std::size_t(t)])
            continue;
        r.coreSampleIndices.push_back(i);
        int& c = id[std::size_t(d.find(t))];
        if (c < 0)
            c = r.nClusters++;
        r.labels[i] = c;
    }
    Eigen::Index noise = 0;
    for (int i = 0; i < n; ++i) {
        if (d.coreAt[std::size_t(d.posOf[std::size_t(i)])])
            continue;
        int best = -1;
        for (int s = 0; s < d.k; ++s) {
            const std::size_t at = std::size_t(i) * std::size_t(d.k) + std::size_t(s);
            if (d.nearDist2[at] > eps2)
                break;
            const int t = d.posOf[std::size_t(d.nearIndex[at])];
            if (!d.coreAt[std::size_t(t)])
                continue;
            const int c = id[std::size_t(d.find(t))];
            best = best < 0 ? c : std::min(best, c);
        }
        r.labels[i] = best;
        noise += best < 0 ? 1 : 0;
    }
    r.noiseFraction = n > 0 ? double(noise) / double(n) : 0.0;
    progress.report(1.0);
    return r;
}

} // namespace atlas::detail
