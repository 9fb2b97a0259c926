// SPDX-License-Identifier: GPL-3.0-or-later
// GCC 12 reports a false -Wmaybe-uninitialized inside Eigen's AVX-512 matrix-product kernel
// (ploadquad -> _mm512_insertf64x4) when built with -march=native.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include "engine/embed/knn.h"

#include "engine/core/error.h"

#include <hnswlib/hnswlib.h>

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>
#include <utility>
#include <vector>

namespace atlas::detail {

namespace {

using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

double squaredDistance(const Matrix& X, Eigen::Index a, Eigen::Index b)
{
    return (X.row(a) - X.row(b)).squaredNorm();
}

// Ranks candidate (squared distance, index) pairs by the exactly recomputed distance, then
// index, and writes the k best into row i of the graph. Needs at least k candidates.
void finishRow(const Matrix& X, Eigen::Index i, std::vector<std::pair<double, int>>& cand, int k,
               KnnGraph& g)
{
    for (auto& c : cand)
        c.first = squaredDistance(X, i, c.second);
    std::partial_sort(cand.begin(), cand.begin() + k, cand.end());
    for (int j = 0; j < k; ++j) {
        g.indices(i, j) = cand[std::size_t(j)].second;
        g.distances(i, j) = std::sqrt(cand[std::size_t(j)].first);
    }
}

// The exact search's screening. Squared distances are computed in float from differences of
// the centred, power-of-two-scaled coordinates, and a candidate is kept when its screening
// distance is within a bound that no true neighbour can exceed:
// - a coordinate c becomes float(c) with relative error u = 2^-24, so a difference is off by
//   at most 2 u M (M = the largest |coordinate|) plus u of itself, and the difference vector
//   by at most delta = 2 sqrt(d) u M plus u of its length r;
// - the d squares summed with d roundings add a relative (d + 2) u.
// So the square root s of a screening distance lies within [(r - delta)(1 - g),
// (r + delta)(1 + g)] with g = (d + 4) u (rounded up by 1 %). If `keep` candidates have
// s <= s0, the keep-th true distance is at most s0 / (1 - g) + delta, and a candidate at that
// distance or nearer screens at most (s0 / (1 - g) + 2 delta)(1 + g): that is the bound.
struct Screening {
    double relative = 0.0;   // g
    double absolute = 0.0;   // delta (with its 1 % margin)
    int keep = 0;            // the k neighbours and the point itself (at distance 0)

    float boundFor(float keptSquared) const
    {
        const double s0 = std::sqrt(double(keptSquared));
        const double s = (s0 / (1.0 - relative) + 2.0 * absolute) * (1.0 + relative);
        return std::nextafter(float(s * s * (1.0 + 1e-6)), std::numeric_limits<float>::infinity());
    }
};

constexpr int Lanes = 16;                 // candidates per SIMD register
constexpr int Groups = 2;                 // registers of candidates per step
constexpr int Width = Lanes * Groups;     // candidates per step
constexpr int Queries = 8;                // queries per step (8 x 2 accumulators)

// One query's candidates: (screening distance, index in the locality order), unordered.
struct Candidates {
    std::vector<float> dist;
    std::vector<int> index;
    std::size_t count = 0;
    float bound = std::numeric_limits<float>::infinity();

    void reset(std::size_t capacity)
    {
        if (dist.size() < capacity) {
            dist.resize(capacity);
            index.resize(capacity);
        }
        count = 0;
        bound = std::numeric_limits<float>::infinity();
    }

    // Lowers the bound to what the keep-th smallest allows and drops what lies beyond it;
    // makes room for the next step.
    void compact(const Screening& s, std::vector<float>& scratch)
    {
        if (count >= std::size_t(s.keep)) {
            scratch.assign(dist.begin(), dist.begin() + std::ptrdiff_t(count));
            std::nth_element(scratch.begin(), scratch.begin() + (s.keep - 1), scratch.end());
            bound = std::min(bound, s.boundFor(scratch[std::size_t(s.keep - 1)]));
            std::size_t w = 0;
            for (std::size_t r = 0; r < count; ++r)
                if (dist[r] <= bound) {
                    dist[w] = dist[r];
                    index[w] = index[r];
                    ++w;
                }
            count = w;
        }
        if (count + 2 * Width > dist.size() / 2) {
            dist.resize(dist.size() * 2);
            index.resize(index.size() * 2);
        }
    }

    void push(float d, int j)
    {
        dist[count] = d;
        index[count] = j;
        ++count;
    }
};

// Screening distances of `Queries` queries (their coordinates interleaved in q: q[j * Queries
// + r]) to the Width candidates at column `c` of the dimension-major coordinates; every
// candidate within a query's bound joins its list.
// Simd: the AVX-512 registers where the build has them, otherwise (and always when false) the
// portable loops the compiler vectorises for whatever the build targets.
template <bool Simd>
inline void screenStep(const float* cols, Eigen::Index stride, Eigen::Index d, const float* q,
                       Eigen::Index c, int queries, Candidates* cand, const Screening& screen,
                       std::vector<float>& scratch)
{
#if defined(__AVX512F__)
    if constexpr (Simd) {
        __m512 acc[Queries][Groups];
#pragma GCC unroll 8
        for (int r = 0; r < Queries; ++r)
#pragma GCC unroll 2
            for (int v = 0; v < Groups; ++v)
                acc[r][v] = _mm512_setzero_ps();
        for (Eigen::Index j = 0; j < d; ++j) {
            const float* col = cols + j * stride + c;
            const float* qj = q + j * Queries;
            const __m512 x0 = _mm512_loadu_ps(col), x1 = _mm512_loadu_ps(col + Lanes);
#pragma GCC unroll 8
            for (int r = 0; r < Queries; ++r) {
                const __m512 y = _mm512_set1_ps(qj[r]);
                const __m512 t0 = _mm512_sub_ps(x0, y), t1 = _mm512_sub_ps(x1, y);
                acc[r][0] = _mm512_fmadd_ps(t0, t0, acc[r][0]);
                acc[r][1] = _mm512_fmadd_ps(t1, t1, acc[r][1]);
            }
        }
        const __m512i lane0 = _mm512_add_epi32(
            _mm512_set1_epi32(int(c)),
            _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15));
        const __m512i lane1 = _mm512_add_epi32(lane0, _mm512_set1_epi32(Lanes));
        for (int r = 0; r < queries; ++r) {
            Candidates& cq = cand[r];
            const __m512 b = _mm512_set1_ps(cq.bound);
            const __mmask16 m0 = _mm512_cmp_ps_mask(acc[r][0], b, _CMP_LE_OQ);
            const __mmask16 m1 = _mm512_cmp_ps_mask(acc[r][1], b, _CMP_LE_OQ);
            if (!(m0 | m1))
                continue;
            if (cq.count + Width > cq.dist.size())
                cq.compact(screen, scratch);
            const int n0 = __builtin_popcount(m0);
            float* dp = cq.dist.data() + cq.count;
            int* ip = cq.index.data() + cq.count;
            _mm512_mask_compressstoreu_ps(dp, m0, acc[r][0]);
            _mm512_mask_compressstoreu_epi32(ip, m0, lane0);
            _mm512_mask_compressstoreu_ps(dp + n0, m1, acc[r][1]);
            _mm512_mask_compressstoreu_epi32(ip + n0, m1, lane1);
            cq.count += std::size_t(n0 + __builtin_popcount(m1));
        }
        return;
    }
#endif
    float acc[Queries][Width];
    for (int r = 0; r < Queries; ++r)
#pragma omp simd
        for (int l = 0; l < Width; ++l)
            acc[r][l] = 0.0f;
    for (Eigen::Index j = 0; j < d; ++j) {
        const float* col = cols + j * stride + c;
        const float* qj = q + j * Queries;
        for (int r = 0; r < Queries; ++r) {
            const float y = qj[r];
#pragma omp simd
            for (int l = 0; l < Width; ++l) {
                const float t = col[l] - y;
                acc[r][l] += t * t;
            }
        }
    }
    for (int r = 0; r < queries; ++r) {
        Candidates& cq = cand[r];
        const float b = cq.bound;
        int any = 0;
#pragma omp simd reduction(| : any)
        for (int l = 0; l < Width; ++l)
            any |= int(acc[r][l] <= b);
        if (!any)
            continue;
        if (cq.count + Width > cq.dist.size())
            cq.compact(screen, scratch);
        for (int l = 0; l < Width; ++l)
            if (acc[r][l] <= b)
                cq.push(acc[r][l], int(c) + l);
    }
}

// A locality order of the rows: grouped by the nearest of about n / 512 centres drawn evenly
// from the rows, the centres chained nearest-first. Only the speed depends on it.
std::vector<int> localityOrder(const Matrix& X)
{
    const Eigen::Index n = X.rows(), d = X.cols();
    std::vector<int> order(static_cast<std::size_t>(n));
    std::iota(order.begin(), order.end(), 0);
    const int C = int(std::clamp<Eigen::Index>(n / 512, 1, 1024));
    if (C < 2)
        return order;
    RowMatrix centres(C, d);
    for (int c = 0; c < C; ++c)
        centres.row(c) = X.row(Eigen::Index(double(c) * double(n) / C));
    std::vector<int> rank(std::size_t(C), -1);
    for (int r = 0, at = 0; r < C; ++r) {
        rank[std::size_t(at)] = r;
        int next = -1;
        double best = std::numeric_limits<double>::infinity();
        for (int c = 0; c < C; ++c)
            if (rank[std::size_t(c)] < 0) {
                const double s = (centres.row(c) - centres.row(at)).squaredNorm();
                if (s < best) {
                    best = s;
                    next = c;
                }
            }
        at = next;
    }
    std::vector<int> cell(static_cast<std::size_t>(n));
#pragma omp parallel for schedule(static)
    for (Eigen::Index i = 0; i < n; ++i) {
        const Eigen::RowVectorXd x = X.row(i);
        int bestC = 0;
        double best = std::numeric_limits<double>::infinity();
        for (int c = 0; c < C; ++c) {
            const double s = (centres.row(c) - x).squaredNorm();
            if (s < best) {
                best = s;
                bestC = c;
            }
        }
        cell[std::size_t(i)] = rank[std::size_t(bestC)];
    }
    std::stable_sort(order.begin(), order.end(),
                     [&](int a, int b) { return cell[std::size_t(a)] < cell[std::size_t(b)]; });
    return order;
}

} // namespace

KnnGraph exactKnn(const Matrix& X, int k, ScreeningKernel kernel)
{
    const Eigen::Index n = X.rows(), d = X.cols();
    if (k < 1 || k > n - 1)
        throw InputError("nearest neighbours: k = " + std::to_string(k) + " for " +
                         std::to_string(n) + " points (needs 1 <= k < points)");
    if (!X.allFinite())
        throw InputError("nearest neighbours: the points contain NaN or infinite values");
    KnnGraph g;
    g.indices.resize(n, k);
    g.distances.resize(n, k);

    // Screening coordinates: centred, scaled by a power of two (exact) so that the largest is
    // about 1, in float, one row per dimension in locality order; padding columns are NaN
    // and never pass a bound.
    const std::vector<int> order = localityOrder(X);
    const Eigen::Index stride = (n + Width - 1) / Width * Width;
    const Eigen::RowVectorXd mean = X.colwise().mean();
    const double spread = d > 0 ? (X.rowwise() - mean).cwiseAbs().maxCoeff() : 0.0;
    if (!std::isfinite(spread))
        throw InputError("nearest neighbours: the points' values are too large to compare "
                         "(their mean or differences overflow)");
    // A power of two (exact) that brings the largest centred value to [1, 2).
    const double scale =
        spread > 0.0 ? std::ldexp(1.0, std::clamp(-std::ilogb(spread), -1000, 1000)) : 1.0;
    std::vector<float> cols(std::size_t(d) * std::size_t(stride),
                            std::numeric_limits<float>::quiet_NaN());
    double largest = 0.0;
    for (Eigen::Index j = 0; j < d; ++j)
        for (Eigen::Index i = 0; i < n; ++i) {
            const auto v = float((X(order[std::size_t(i)], j) - mean[j]) * scale);
            cols[std::size_t(j * stride + i)] = v;
            largest = std::max(largest, double(std::abs(v)));
        }

    const double u = std::ldexp(1.0, -24);
    Screening screen;
    screen.keep = k + 1;
    screen.relative = (double(d) + 4.0) * u * 1.01;
    screen.absolute = 2.01 * std::sqrt(double(d)) * u * largest;

    // Blocks of Block queries (neighbours in the locality order) scan the candidates a chunk
    // of about 128 KB at a time, which stays in cache for the block's steps, starting with a
    // window around the block itself so that the bounds tighten early.
    constexpr Eigen::Index Block = 64, Window = 512;
    const Eigen::Index chunk =
        std::max<Eigen::Index>(Width, 131072 / (4 * std::max<Eigen::Index>(d, 1)) / Width * Width);
    const Eigen::Index blocks = (n + Block - 1) / Block;
    const std::size_t capacity = std::size_t(8 * (k + 1) + 4 * Width);

    // Set when a list comes out shorter than k: a broken invariant, refused after the
    // parallel region (an exception must not leave it).
    std::atomic<bool> shortfall{false};
#pragma omp parallel
    {
        std::vector<Candidates> cand(static_cast<std::size_t>(Block));
        std::vector<float> q(std::size_t(std::max<Eigen::Index>(d, 1)) * Queries), scratch;
        std::vector<std::pair<double, int>> exact;
        std::vector<std::pair<Eigen::Index, Eigen::Index>> ranges;
#pragma omp for schedule(dynamic)
        for (Eigen::Index blk = 0; blk < blocks; ++blk) {
            const Eigen::Index q0 = blk * Block, qn = std::min(Block, n - q0);
            for (Eigen::Index r = 0; r < qn; ++r)
                cand[std::size_t(r)].reset(capacity);
            const Eigen::Index w0 = std::max<Eigen::Index>(0, (q0 - Window / 2) / Width * Width);
            const Eigen::Index w1 = std::min(stride, w0 + Window);
            ranges.assign(1, {w0, w1});
            for (Eigen::Index c0 = 0; c0 < stride; c0 += chunk) {
                const Eigen::Index c1 = std::min(stride, c0 + chunk);
                if (c0 < w0)
                    ranges.emplace_back(c0, std::min(c1, w0));
                if (c1 > w1)
                    ranges.emplace_back(std::max(c0, w1), c1);
            }
            for (std::size_t rg = 0; rg < ranges.size(); ++rg) {
                if (rg == 1)
                    for (Eigen::Index r = 0; r < qn; ++r)
                        cand[std::size_t(r)].compact(screen, scratch);
                for (Eigen::Index r0 = 0; r0 < qn; r0 += Queries) {
                    const int qs = int(std::min<Eigen::Index>(Queries, qn - r0));
                    for (Eigen::Index j = 0; j < d; ++j)
                        for (int r = 0; r < Queries; ++r)
                            q[std::size_t(j * Queries + r)] =
                                cols[std::size_t(j * stride + q0 + r0 + std::min(r, qs - 1))];
                    const Eigen::Index cEnd = ranges[rg].second;
                    if (kernel == ScreeningKernel::Portable)
                        for (Eigen::Index c = ranges[rg].first; c < cEnd; c += Width)
                            screenStep<false>(cols.data(), stride, d, q.data(), c, qs,
                                              cand.data() + r0, screen, scratch);
                    else
                        for (Eigen::Index c = ranges[rg].first; c < cEnd; c += Width)
                            screenStep<true>(cols.data(), stride, d, q.data(), c, qs,
                                             cand.data() + r0, screen, scratch);
                }
            }
            // The candidates within the final bound, ranked by exact distance (of X itself)
            // and then index: the same k as an exhaustive exact ranking.
            for (Eigen::Index r = 0; r < qn; ++r) {
                Candidates& cq = cand[std::size_t(r)];
                cq.compact(screen, scratch);
                const Eigen::Index i = order[std::size_t(q0 + r)];
                exact.clear();
                for (std::size_t t = 0; t < cq.count; ++t) {
                    const int j = order[std::size_t(cq.index[t])];
                    if (j != i)
                        exact.emplace_back(0.0, j);
                }
                // The bound keeps every true neighbour, so this never falls short.
                if (exact.size() < std::size_t(k))
                    shortfall = true;
                else
                    finishRow(X, i, exact, k, g);
            }
        }
    }
    if (shortfall)
        throw InputError("nearest neighbours: fewer candidates than neighbours for some rows");
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
