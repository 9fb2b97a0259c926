// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/types.h"

namespace atlas {

/// Trustworthiness of an embedding (Venna & Kaski 2001, "Neighborhood preservation in
/// nonlinear projection methods: an experimental study", ICANN), computed exactly as
/// scikit-learn 1.2's sklearn.manifold.trustworthiness(X, Y, n_neighbors=k,
/// metric="euclidean"):
///
///   T(k) = 1 - 2 / (n k (2n - 3k - 1)) * sum_i sum_{j in N_k^Y(i)} max(0, r(i, j) - k)
///
/// where N_k^Y(i) are the k nearest neighbours of i in Y (i itself excluded) and r(i, j) is the
/// rank of j among i's neighbours in X (1 = nearest). Result in [0, 1]; 1 = every embedded
/// neighbourhood is also a neighbourhood in the input. Ties in distance are broken by the lower
/// row index (scikit-learn's argsort leaves them unspecified).
///
/// X: n x d input, Y: n x m embedding (same row order). k: sklearn n_neighbors, 1 <= k < n / 2.
/// Cost O(n^2 (d + m + k)) time and O(n) memory per thread; OpenMP-parallel over rows with
/// integer partial sums, so the result does not depend on the thread count. For very large n
/// evaluate it on a random subsample of rows (of both X and Y).
/// Throws ConfigError when k is out of range and InputError when X and Y have different row
/// counts or contain non-finite values.
double trustworthiness(const Matrix& X, const Matrix& Y, int k = 5);

} // namespace atlas
