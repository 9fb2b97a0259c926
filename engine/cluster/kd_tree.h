// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Exact Euclidean range and nearest-neighbour queries over the rows of a matrix, through a
// k-d tree (nanoflann). Internal to engine/cluster: DBSCAN's neighbourhoods and k-distances.

#include "engine/core/types.h"

#include <memory>
#include <vector>

namespace atlas::detail {

/// A static k-d tree over the rows of X (copied, row-major). Squared distances are sums of
/// squared coordinate differences, so "within eps" is decided on exact differences, not on
/// |a|^2 + |b|^2 - 2ab. Queries are const and may run concurrently.
class KdTree {
public:
    explicit KdTree(const Matrix& X);
    ~KdTree();
    KdTree(const KdTree&) = delete;
    KdTree& operator=(const KdTree&) = delete;

    Eigen::Index rows() const { return m_rows; }

    /// Rows j (row i itself included) with squared distance to row i <= radius2, counted up
    /// to `cap` (the search stops there).
    int countWithin(Eigen::Index i, double radius2, int cap) const;
    /// Every row j (row i itself included) with squared distance to row i <= radius2,
    /// appended to `out` in no particular order.
    void within(Eigen::Index i, double radius2, std::vector<int>& out) const;
    /// The squared distance from row i to its k-th nearest other row (k >= 1, < rows()):
    /// the (k + 1)-th smallest squared distance with row i's own 0 counted.
    double kthSquaredDistance(Eigen::Index i, int k) const;

private:
    struct Impl;
    Eigen::Index m_rows = 0;
    std::unique_ptr<Impl> m_impl;
};

} // namespace atlas::detail
