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

/// Whether `g` is an exact graph of n rows with at least k neighbours each (and distances
/// to match): one another stage can take instead of searching itself.
inline bool exactGraphOf(const KnnGraph* g, Eigen::Index n, int k)
{
    return g && !g->approximate && g->indices.rows() == n && g->indices.cols() >= k &&
           g->distances.rows() == n && g->distances.cols() == g->indices.cols();
}

/// The k nearest of an exact graph's rows: its leading k columns (rows are sorted by
/// (distance, index)). Requires exactGraphOf(&g, g.indices.rows(), k).
inline KnnGraph leadingNeighbours(const KnnGraph& g, int k)
{
    KnnGraph out;
    out.indices = g.indices.leftCols(k);
    out.distances = g.distances.leftCols(k);
    return out;
}

} // namespace atlas::detail
