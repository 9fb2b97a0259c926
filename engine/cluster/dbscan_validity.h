// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/progress.h"
#include "engine/core/types.h"

namespace atlas {

/// Density-Based Clustering Validation, DBCV (Moulavi, Jaskowiak, Campello, Zimek & Sander,
/// "Density-Based Clustering Validation", SIAM SDM 2014), Euclidean, in [-1, 1]; higher is
/// better, values <= 0 mean the gaps between clusters are no sparser than the clusters.
///
/// With D = X.cols() and a cluster C of |C| points, a point's all-points core distance is
/// (sum over the other points j of C of d(o, j)^-D / (|C| - 1))^(-1/D) (coinciding points
/// left out); the mutual reachability distance of two points is the largest of their distance
/// and both core distances. Per cluster, the minimum spanning tree under mutual reachability
/// gives the density sparseness DSC (largest edge between internal nodes, i.e. nodes of
/// degree > 1; every edge when there is no such edge) and its internal nodes (every node when
/// there is none); the density separation DSPC of two clusters is the smallest mutual
/// reachability between their internal nodes. A cluster's validity is
/// (min DSPC - DSC) / max(min DSPC, DSC), 0 when both are 0, and the index is the sum of
/// |C| / n times that, n counting every row: points labelled -1 (noise) lower it.
///
/// Returns NaN for fewer than 2 clusters. Cost O(n^2 D) time, OpenMP-parallel over rows,
/// O(n + k^2 * threads) memory for k clusters; the result does not depend on the thread count.
/// Throws InputError when labels.size() != X.rows(), a label is < -1, or X is not finite;
/// Cancelled between rows once cancellation is requested.
double densityValidity(const Matrix& X, const Labels& labels, const Progress& progress = {});

} // namespace atlas
