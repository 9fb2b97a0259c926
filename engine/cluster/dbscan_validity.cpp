// SPDX-License-Identifier: GPL-3.0-or-later
// GCC 12 reports a false -Wmaybe-uninitialized inside its own AVX-512 intrinsics when it
// inlines Eigen's matrix-product kernel under -march=native (GCC bug 105593).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include "engine/cluster/dbscan_validity.h"

#include "engine/core/error.h"
#include "engine/core/parallel.h"
#include "engine/core/squared_distances.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <string>
#include <vector>

namespace atlas {

namespace {

constexpr double Inf = std::numeric_limits<double>::infinity();

/// x^e for an integer e >= 0 by squaring: the core distances need |C|^2 of these.
double integerPower(double x, int e)
{
    double r = 1.0;
    for (; e > 0; e >>= 1, x *= x)
        if (e & 1)
            r *= x;
    return r;
}

struct ClusterTree {
    double sparseness = 0.0;   // DSC
    std::vector<int> internal; // rows of the internal nodes
};

} // namespace

double densityValidity(const Matrix& X, const Labels& labels, const Progress& progress)
{
    const Eigen::Index n = X.rows();
    if (labels.size() != n)
        throw InputError("density validity: " + std::to_string(labels.size()) + " labels for " +
                         std::to_string(n) + " points");
    if (n > 0 && labels.minCoeff() < -1)
        throw InputError("density validity: labels must be >= -1 (-1 = noise)");
    if (!X.allFinite())
        throw InputError("density validity: the data contain NaN or infinite values");

    std::map<int, int> ids;
    for (Eigen::Index i = 0; i < n; ++i)
        if (labels[i] >= 0)
            ids.emplace(labels[i], 0);
    const int k = int(ids.size());
    if (k < 2)
        return std::numeric_limits<double>::quiet_NaN();
    int next = 0;
    for (auto& [label, id] : ids)
        id = next++;
    std::vector<int> cid(static_cast<std::size_t>(n), -1);
    std::vector<std::vector<int>> members(static_cast<std::size_t>(k));
    std::vector<int> clustered;
    for (Eigen::Index i = 0; i < n; ++i)
        if (labels[i] >= 0) {
            cid[std::size_t(i)] = ids[labels[i]];
            members[std::size_t(cid[std::size_t(i)])].push_back(int(i));
            clustered.push_back(int(i));
        }

    const Matrix Xt = X.transpose();  // points as columns: contiguous differences
    const int dims = int(X.cols());
    const double D = double(dims);
    const auto dist = [&](int a, int b) { return (Xt.col(a) - Xt.col(b)).norm(); };

    // All-points core distances (Moulavi et al. 2014, Definition 1). Scaled by the smallest
    // positive distance so that d^-D cannot overflow in high dimension.
    Vector core = Vector::Zero(n);
    const int m = int(clustered.size());
#pragma omp parallel
    {
        std::vector<double> d;
#pragma omp for schedule(dynamic, 16)
        for (int t = 0; t < m; ++t) {
            if (progress.isCancelled())
                continue;
            const int i = clustered[std::size_t(t)];
            const auto& mem = members[std::size_t(cid[std::size_t(i)])];
            d.clear();
            double dmin = Inf;
            for (int j : mem)
                if (j != i) {
                    d.push_back(dist(i, j));
                    if (d.back() > 0.0)
                        dmin = std::min(dmin, d.back());
                }
            if (dmin == Inf)
                continue;  // alone, or only coinciding points: core distance 0
            double s = 0.0;
            for (double v : d)
                if (v > 0.0)
                    s += integerPower(dmin / v, dims);
            core[i] = dmin * std::pow(s / double(mem.size() - 1), -1.0 / D);
        }
    }
    progress.throwIfCancelled();
    progress.report(0.3, "density validity");
    const auto reach = [&](int a, int b) { return std::max({dist(a, b), core[a], core[b]}); };

    // Per cluster, Prim's minimum spanning tree under mutual reachability, O(|C|^2).
    std::vector<ClusterTree> trees(static_cast<std::size_t>(k));
    for (int c = 0; c < k; ++c) {
        progress.throwIfCancelled();
        const auto& mem = members[std::size_t(c)];
        const int mc = int(mem.size());
        ClusterTree& tree = trees[std::size_t(c)];
        if (mc == 1) {
            tree.internal = mem;
            continue;
        }
        std::vector<double> key(std::size_t(mc), Inf);
        std::vector<int> parent(std::size_t(mc), -1), degree(std::size_t(mc), 0);
        std::vector<char> inTree(std::size_t(mc), 0);
        std::vector<std::pair<int, int>> edges;
        std::vector<double> weights;
        key[0] = 0.0;
        for (int step = 0; step < mc; ++step) {
            int u = -1;
            for (int v = 0; v < mc; ++v)
                if (!inTree[std::size_t(v)] && (u < 0 || key[std::size_t(v)] < key[std::size_t(u)]))
                    u = v;
            inTree[std::size_t(u)] = 1;
            if (parent[std::size_t(u)] >= 0) {
                edges.emplace_back(u, parent[std::size_t(u)]);
                weights.push_back(key[std::size_t(u)]);
                ++degree[std::size_t(u)];
                ++degree[std::size_t(parent[std::size_t(u)])];
            }
#pragma omp parallel for schedule(static) if (mc > 2048)
            for (int v = 0; v < mc; ++v) {
                if (inTree[std::size_t(v)])
                    continue;
                const double w = reach(mem[std::size_t(u)], mem[std::size_t(v)]);
                if (w < key[std::size_t(v)]) {
                    key[std::size_t(v)] = w;
                    parent[std::size_t(v)] = u;
                }
            }
        }
        double internalMax = -1.0, anyMax = 0.0;
        for (std::size_t e = 0; e < edges.size(); ++e) {
            anyMax = std::max(anyMax, weights[e]);
            if (degree[std::size_t(edges[e].first)] > 1 && degree[std::size_t(edges[e].second)] > 1)
                internalMax = std::max(internalMax, weights[e]);
        }
        tree.sparseness = internalMax >= 0.0 ? internalMax : anyMax;
        for (int v = 0; v < mc; ++v)
            if (degree[std::size_t(v)] > 1)
                tree.internal.push_back(mem[std::size_t(v)]);
        if (tree.internal.empty())
            tree.internal = mem;
    }
    progress.report(0.6, "density validity");

    // Density separation of every pair of clusters: the closest pair of internal nodes.
    std::vector<int> inner;
    for (const auto& t : trees)
        inner.insert(inner.end(), t.internal.begin(), t.internal.end());
    const int q = int(inner.size());
    // Blocked products |a|^2 + |b|^2 - 2ab on centred points: this pass is O(q^2 D), the
    // dominant cost; its rounding (relative ~1e-15 of the spread) is immaterial to an index.
    Matrix P(q, X.cols());
    Vector pCore(q);
    std::vector<int> pCid(static_cast<std::size_t>(q));
    for (int a = 0; a < q; ++a) {
        P.row(a) = X.row(inner[std::size_t(a)]);
        pCore[a] = core[inner[std::size_t(a)]];
        pCid[std::size_t(a)] = cid[std::size_t(inner[std::size_t(a)])];
    }
    P.rowwise() -= P.colwise().mean();
    const SquaredDistanceTiles distances(P);
    constexpr int Block = 64, Chunk = 2048;
    const int blocks = (q + Block - 1) / Block;
    Matrix sep = Matrix::Constant(k, k, Inf);
#pragma omp parallel
    {
        Matrix local = Matrix::Constant(k, k, Inf);
        Matrix G;
#pragma omp for schedule(dynamic)
        for (int blk = 0; blk < blocks; ++blk) {
            if (progress.isCancelled())
                continue;
            const int a0 = blk * Block, as = std::min(Block, q - a0);
            for (int b0 = a0; b0 < q; b0 += Chunk) {
                const int bs = std::min(Chunk, q - b0);
                distances.tile(a0, as, b0, bs, G);   // G(j, c): points b0 + j and a0 + c
                for (int c = 0; c < as; ++c) {
                    const int a = a0 + c, ci = pCid[std::size_t(a)];
                    for (int j = std::max(0, a + 1 - b0); j < bs; ++j) {
                        const int b = b0 + j, cj = pCid[std::size_t(b)];
                        if (ci == cj)
                            continue;
                        const double d = std::sqrt(std::max(0.0, G(j, c)));
                        const double w = std::max({d, pCore[a], pCore[b]});
                        if (w < local(ci, cj)) {
                            local(ci, cj) = w;
                            local(cj, ci) = w;
                        }
                    }
                }
            }
        }
#pragma omp critical
        sep = sep.cwiseMin(local);
    }
    progress.throwIfCancelled();

    double validity = 0.0;
    for (int c = 0; c < k; ++c) {
        double separation = Inf;
        for (int o = 0; o < k; ++o)
            if (o != c)
                separation = std::min(separation, sep(c, o));
        const double sparse = trees[std::size_t(c)].sparseness;
        const double denom = std::max(separation, sparse);
        const double v = denom > 0.0 ? (separation - sparse) / denom : 0.0;
        validity += double(members[std::size_t(c)].size()) / double(n) * v;
    }
    progress.report(1.0, "density validity");
    return validity;
}

} // namespace atlas
