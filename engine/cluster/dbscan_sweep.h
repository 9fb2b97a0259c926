// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// DBSCAN at one or several radii over the same rows. Internal to engine/cluster: dbscan() and
// its automatic eps.

#include "engine/cluster/dbscan.h"
#include "engine/core/progress.h"
#include "engine/core/types.h"

#include <memory>
#include <vector>

namespace atlas::detail {

/// Exact DBSCAN (sklearn semantics: Euclidean, "distance <= eps", the point itself counted
/// towards minSamples) from one k-nearest-neighbour pass, at as many radii as wanted.
///
/// - A row is core at eps exactly when its (minSamples - 1)-th nearest other row is within
///   eps, so the core points of every radius come from one pass of k-nearest-neighbour
///   queries (k = minSamples - 1).
/// - A row that is not core has fewer than k other rows within eps, and all of them are among
///   its k nearest, so border points need no range query either.
/// - Clusters are the connected components of the core points, joined when within eps. A core
///   point looks for core points of *other* components only: a k-d tree node whose core
///   points all belong to its own component (or to one it has already met) is skipped
///   whole. As the radius grows, core points and links only add, so each radius starts from
///   the previous one's components (union-find), and a radius costs little more than the
///   links between clusters that are not yet joined.
///
/// Distances are sums of squared coordinate differences in coordinate order, never
/// |a|^2 + |b|^2 - 2ab, and pruning uses the same sums over a node's bounding box (never
/// larger than any of its rows' distances), so every decision is on exact differences. The
/// result does not depend on the thread count.
class DbscanSweep {
public:
    /// Indexes the rows of X (finite, at least one row) and finds every row's k nearest other
    /// rows, k = minSamples - 1 clamped to [1, rows - 1]. Throws Cancelled.
    DbscanSweep(const Matrix& X, int minSamples, const Progress& progress = {});
    ~DbscanSweep();
    DbscanSweep(const DbscanSweep&) = delete;
    DbscanSweep& operator=(const DbscanSweep&) = delete;

    /// Every row's squared distance to its k-th nearest other row, in row order (empty for a
    /// single row).
    const std::vector<double>& kDistances2() const;

    /// DBSCAN at radius eps >= 0: labels (sklearn's numbering), core points, clusters, noise.
    /// Each call's eps must be at least the previous call's (the components grow from one
    /// radius to the next). Throws Cancelled.
    DbscanResult cluster(double eps, const Progress& progress = {});

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace atlas::detail
