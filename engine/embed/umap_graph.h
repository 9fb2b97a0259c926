// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The parts of UMAP (engine/embed/umap*.cpp) that are free functions: the fuzzy graph and
// its connectivity. Internal to engine/embed.

#include "engine/core/types.h"
#include "engine/embed/knn.h"

#include <Eigen/SparseCore>

#include <chrono>
#include <vector>

namespace atlas::detail {

/// The symmetric fuzzy graph, one row per point.
using UmapGraph = Eigen::SparseMatrix<double, Eigen::RowMajor, int>;

/// umap-learn smooth_knn_dist: per-point rho (distance to the local_connectivity-th
/// neighbour) and sigma with sum_j exp(-(d_ij - rho_i) / sigma_i) = log2(k).
/// dist: n x k with the point itself in column 0 (distance 0).
void smoothKnnDist(const Matrix& dist, double localConnectivity, Vector& sigma, Vector& rho);

/// umap-learn fuzzy_simplicial_set from the `neighbours` - 1 nearest other points of each
/// point: membership strengths, then the fuzzy union A + A^T - A o A^T blended with the
/// intersection A o A^T by `setOpMixRatio` (set_op_mix_ratio), zeros pruned.
UmapGraph fuzzySimplicialSet(const KnnGraph& knn, int neighbours, double localConnectivity,
                             double setOpMixRatio);

/// Number of connected components of a symmetric CSR graph (union-find).
int connectedComponents(const std::vector<long>& rowPtr, const std::vector<int>& col, int n);

inline double secondsSince(std::chrono::steady_clock::time_point t0)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

} // namespace atlas::detail
