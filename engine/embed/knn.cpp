// SPDX-License-Identifier: GPL-3.0-or-later
// GCC 12 reports a false -Wmaybe-uninitialized inside Eigen's AVX-512 matrix-product kernel
// (ploadquad -> _mm512_insertf64x4) when built with -march=native.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include "engine/embed/knn.h"

#include "engine/core/squared_distances.h"

#include <hnswlib/hnswlib.h>

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

#include <algorithm>
#include <cmath>
#include <numeric>
#include <utility>
#include <vector>

namespace atlas::detail {

namespace {

double squaredDistance(const Matrix& X, Eigen::Index a, Eigen::Index b)
{
    return (X.row(a) - X.row(b)).squaredNorm();
}

// Sorts candidate (squared distance, index) pairs by the exactly recomputed distance and
// writes the k best into row i of the graph.
void finishRow(const Matrix& X, Eigen::Index i, std::vector<std::pair<double, int>>& cand, int k,
               KnnGraph& g)
{
    for (auto& c : cand)
        c.first = squaredDistance(X, i, c.second);
    std::sort(cand.begin(), cand.end());
    for (int j = 0; j < k; ++j) {
        g.indices(i, j) = cand[std::size_t(j)].second;
        g.distances(i, j) = std::sqrt(cand[std::size_t(j)].first);
    }
}

// Whether any of the `count` values is below `bound`.
bool anyBelow(const double* v, Eigen::Index count, double bound)
{
    Eigen::Index c = 0;
    bool any = false;
#if defined(__AVX512F__)
    const __m512d b = _mm512_set1_pd(bound);
    __mmask8 below = 0;
    for (; c + 8 <= count; c += 8)
        below |= _mm512_cmp_pd_mask(_mm512_loadu_pd(v + c), b, _CMP_LT_OQ);
    any = below != 0;
#endif
    for (; c < count; ++c)
        any |= v[c] < bound;
    return any;
}

} // namespace

KnnGraph exactKnn(const Matrix& X, int k)
{
    const Eigen::Index n = X.rows();
    KnnGraph g;
    g.indices.resize(n, k);
    g.distances.resize(n, k);
    // Centred, so that the product formula keeps its digits for points far from the origin
    // (the exact distances below are of X itself).
    const Matrix centred = X.rowwise() - X.colwise().mean();
    const SquaredDistanceTiles distances(centred);
    // Blocks of Block query rows against tiles of Tile candidate rows: the Tile x Block
    // tile (256 KB) stays in cache while it is scanned, and holds each query's squared
    // distances in one contiguous column.
    constexpr Eigen::Index Block = 32, Tile = 1024;
    const Eigen::Index blocks = (n + Block - 1) / Block;
    // A few spare candidates absorb rounding in the matrix-product distances; they are
    // re-ranked with exact distances in finishRow().
    const int extra = 4;
    const int keep = int(std::min<Eigen::Index>(n - 1, k + extra));

#pragma omp parallel for schedule(dynamic)
    for (Eigen::Index blk = 0; blk < blocks; ++blk) {
        const Eigen::Index begin = blk * Block;
        const Eigen::Index rows = std::min(Block, n - begin);
        // Per query, the `keep` smallest (approximate squared distance, index) pairs so far;
        // a candidate not below the worst kept is rejected with one comparison.
        std::vector<std::pair<double, int>> best(std::size_t(rows) * std::size_t(keep));
        std::vector<int> size(std::size_t(rows), 0);
        std::vector<double> worst(std::size_t(rows), INFINITY);
        Matrix dist;
        for (Eigen::Index tile = 0; tile < n; tile += Tile) {
            const Eigen::Index count = std::min(Tile, n - tile);
            distances.tile(begin, rows, tile, count, dist);
            for (Eigen::Index r = 0; r < rows; ++r) {
                const Eigen::Index i = begin + r;
                const double* di = dist.col(r).data();
                auto* kept = best.data() + std::size_t(r) * std::size_t(keep);
                int& used = size[std::size_t(r)];
                double& bound = worst[std::size_t(r)];
                // Once the list is full almost every candidate is rejected: a run of Run
                // candidates is first screened as a whole (SIMD lanes), and only a run
                // holding one below the bound is walked one by one, in index order.
                constexpr Eigen::Index Run = 32;
                for (Eigen::Index c0 = 0; c0 < count; c0 += Run) {
                    const Eigen::Index c1 = std::min(count, c0 + Run);
                    if (used == keep && !anyBelow(di + c0, c1 - c0, bound))
                        continue;
                    for (Eigen::Index c = c0; c < c1; ++c) {
                        const double d = di[c];
                        if (!(d < bound) || tile + c == i)
                            continue;
                        // The kept pairs are a max-heap by (distance, index): a candidate
                        // equal to the worst comes later in index order and is rejected.
                        if (used < keep) {
                            kept[used++] = {d, int(tile + c)};
                            std::push_heap(kept, kept + used);
                        } else {
                            std::pop_heap(kept, kept + keep);
                            kept[keep - 1] = {d, int(tile + c)};
                            std::push_heap(kept, kept + keep);
                        }
                        if (used == keep)
                            bound = kept[0].first;
                    }
                }
            }
        }
        for (Eigen::Index r = 0; r < rows; ++r) {
            const auto* kept = best.data() + std::size_t(r) * std::size_t(keep);
            std::vector<std::pair<double, int>> cand(kept, kept + size[std::size_t(r)]);
            finishRow(X, begin + r, cand, k, g);
        }
    }
    return g;
}

KnnGraph hnswKnn(const Matrix& X, int k, int efSearch, Seed seed)
{
    const Eigen::Index n = X.rows();
    const int dim = int(X.cols());
    // hnswlib works in float; candidates are re-ranked in double below.
    Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> data = X.cast<float>();
    hnswlib::L2Space space{std::size_t(dim)};
    hnswlib::HierarchicalNSW<float> index(&space, std::size_t(n), 16, 200, std::size_t(seed));
    for (Eigen::Index i = 0; i < n; ++i)
        index.addPoint(data.row(i).data(), hnswlib::labeltype(i));
    index.setEf(std::size_t(std::max(k + 1, efSearch)));

    KnnGraph g;
    g.approximate = true;
    g.indices.resize(n, k);
    g.distances.resize(n, k);
    const int want = std::min<int>(int(n), k + 1 + 4);
#pragma omp parallel for schedule(dynamic, 64)
    for (Eigen::Index i = 0; i < n; ++i) {
        auto found = index.searchKnn(data.row(i).data(), std::size_t(want));
        std::vector<std::pair<double, int>> cand;
        cand.reserve(found.size());
        while (!found.empty()) {
            const int j = int(found.top().second);
            found.pop();
            if (j != i)
                cand.emplace_back(0.0, j);
        }
        // HNSW may return fewer than k distinct others on tiny or degenerate inputs: fill
        // with the lowest unused indices so that every row has k neighbours.
        for (int j = 0; int(cand.size()) < k && j < n; ++j)
            if (j != i && std::none_of(cand.begin(), cand.end(),
                                       [j](const auto& c) { return c.second == j; }))
                cand.emplace_back(0.0, j);
        finishRow(X, i, cand, k, g);
    }
    return g;
}

} // namespace atlas::detail
