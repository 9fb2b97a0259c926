// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The one blocked pairwise squared-distance kernel of the engine, used by exact nearest
// neighbours (embed/knn), the silhouette (metrics/internal), DBSCAN (cluster/dbscan) and its
// density validity (cluster/dbscan_validity).

#include "engine/core/types.h"

namespace atlas {

/// Squared Euclidean distances between the rows of one matrix, a tile at a time, from the
/// product formula |a|^2 + |b|^2 - 2 a.b: one matrix product per tile, so the cost is that of
/// a BLAS-3 product rather than of n^2 row differences. Callers choose tile sizes that keep a
/// tile in cache, and fixed tile boundaries, so results do not depend on the thread count.
///
/// The formula's rounding error is about (d + 2) unit roundoffs of |a|^2 + |b|^2 (d = columns):
/// a distance may come out slightly negative, and small distances between far-from-origin
/// points lose digits. Centre the points first when that matters (DBSCAN does), clamp at 0
/// before a square root, and recompute exactly where a decision depends on the last digits.
class SquaredDistanceTiles {
public:
    /// Keeps a reference to `X` (rows = points), which must outlive this object.
    explicit SquaredDistanceTiles(const Matrix& X);

    Eigen::Index rows() const { return m_X.rows(); }
    /// |x_i|^2 of every row.
    const Vector& squaredNorms() const { return m_sq; }

    /// D(j, c) = |x_(j0+j) - x_(b0+c)|^2 by the product formula, for j < js and c < bs:
    /// column c holds the distances of row b0 + c to rows j0 .. j0 + js - 1; negative values
    /// from rounding are raised to 0 when `clampAtZero`. D is resized to js x bs; reusing it
    /// between calls avoids allocations.
    void tile(Eigen::Index b0, Eigen::Index bs, Eigen::Index j0, Eigen::Index js, Matrix& D,
              bool clampAtZero = false) const;

private:
    const Matrix& m_X;
    Vector m_sq;
};

} // namespace atlas
