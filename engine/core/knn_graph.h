// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The nearest-neighbour graph that the numerical stages share: found once per representation
// (engine/embed/knn.h) and read by Ward (cluster/agglomerative), t-SNE and UMAP (embed).

#include "engine/core/types.h"

#include <Eigen/Core>

namespace atlas::detail {

/// Nearest neighbours of every row of a data matrix, the row itself excluded.
/// indices(i, j) is the j-th nearest neighbour of row i (0-based row index) and
/// distances(i, j) its Euclidean distance; each row is sorted by (distance, index), so ties
/// are broken by the lower index and the result never depends on the thread count.
struct KnnGraph {
    Eigen::MatrixXi indices;   ///< n x k
    Matrix distances;          ///< n x k, Euclidean (not squared)
    bool approximate = false;  ///< true when found with HNSW instead of exhaustively
};

} // namespace atlas::detail
