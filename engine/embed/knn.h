// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/knn_graph.h"
#include "engine/core/types.h"

#include <Eigen/Core>

namespace atlas::detail {

/// Exact k nearest neighbours (brute force: squared distances of the centred rows from
/// matrix products of blocks of 32 query rows against tiles of 1,024 rows; runs of 32
/// candidates screened against the worst of the k + 4 best so far in SIMD lanes, those kept
/// in a heap; the k + 4 then recomputed directly so cancellation in |x|^2 + |y|^2 - 2 x.y
/// cannot reorder them). Requires 1 <= k <= X.rows() - 1.
/// OpenMP-parallel over row blocks; every row is computed by one thread with the same code,
/// so the result is thread-count independent. Cost O(n^2 d) time; each thread holds one
/// 1,024 x 32 product (256 KB) besides the result.
KnnGraph exactKnn(const Matrix& X, int k);

/// Approximate k nearest neighbours with an HNSW graph (hnswlib; Malkov & Yashunin 2018,
/// IEEE TPAMI 42(4)). Deterministic: points are inserted one at a time in row order with
/// hnswlib's fixed level seed, queries (parallel, read-only) use ef = max(k + 1, efSearch),
/// and the distances of the returned candidates are recomputed in double. Parameters follow
/// hnswlib's defaults (M = 16, ef_construction = 200).
KnnGraph hnswKnn(const Matrix& X, int k, int efSearch = 100, Seed seed = 100);

} // namespace atlas::detail
