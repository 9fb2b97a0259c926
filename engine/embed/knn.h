// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/knn_graph.h"
#include "engine/core/types.h"

#include <Eigen/Core>

namespace atlas::detail {

/// Which code screens the candidates in exactKnn: the best the build has (AVX-512 registers
/// where the build targets them), or the portable loops that builds without AVX-512 (packages,
/// ATLAS_NATIVE=OFF) run, so that one build can test both. Both give the same result.
enum class ScreeningKernel { Best, Portable };

/// Exact k nearest neighbours, exhaustively. Candidates are screened with squared distances
/// computed in float (SIMD, from coordinate differences, nothing written to memory) against a
/// per-point bound that provably no true neighbour exceeds given float's rounding (see
/// Screening in knn.cpp); the few that pass are ranked by their exact double distances and
/// then index, so the result is that of an exact ranking of all n - 1 others. Rows are visited
/// in a locality order (grouped around evenly drawn centres) so that the bounds tighten early;
/// the order affects only the speed.
/// Requires 1 <= k <= X.rows() - 1 and finite values (InputError otherwise).
/// OpenMP-parallel over blocks of 64 rows; every row is computed by one thread with the same
/// code, so the result is thread-count independent. Cost O(n^2 d) time; memory O(n d) for a
/// float copy of X besides the result, and per thread 64 candidate lists of about 8 (k + 1)
/// entries each (more where many points tie near a point's k-th distance, as duplicates do).
KnnGraph exactKnn(const Matrix& X, int k, ScreeningKernel kernel = ScreeningKernel::Best);

/// Approximate k nearest neighbours with an HNSW graph (hnswlib; Malkov & Yashunin 2018,
/// IEEE TPAMI 42(4)). Deterministic: points are inserted one at a time in row order with
/// hnswlib's fixed level seed, queries (parallel, read-only) use ef = max(k + 1, efSearch),
/// and the distances of the returned candidates are recomputed in double. Parameters follow
/// hnswlib's defaults (M = 16, ef_construction = 200).
KnnGraph hnswKnn(const Matrix& X, int k, int efSearch = 100, Seed seed = 100);

} // namespace atlas::detail
