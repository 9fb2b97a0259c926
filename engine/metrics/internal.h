// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Internal (unsupervised) clustering metrics: they judge a labelling of the points X by the
// geometry alone. Every function reproduces scikit-learn 1.2.1 (sklearn.metrics) with the
// Euclidean metric; tests check agreement within 1e-9 relative on scikit-learn output.
//
// Conventions shared by all functions here:
// - X: n x d, rows = points; labels: one integer per row. Labels are arbitrary integers
//   (gaps, negative ids); -1 is an ordinary label here. To leave DBSCAN noise out, drop
//   those rows first (scoreClustering() in scores.h does that).
// - The scores are defined only for 2 <= number of distinct labels <= n - 1. Outside that
//   range scikit-learn raises ValueError; these functions return quiet NaN instead (the
//   pipeline shows NaN as "-"), so callers test std::isnan() rather than catching.
// - InputError is thrown when labels.size() != X.rows() or X contains NaN or infinity.
// - Thread-safe; silhouette runs OpenMP-parallel over blocks of rows with a fixed block
//   layout and fixed summation order, so its result does not depend on the thread count.

#include "engine/core/progress.h"
#include "engine/core/types.h"

#include <vector>

namespace atlas {

/// Silhouette coefficient of every point (Rousseeuw 1987; sklearn silhouette_samples,
/// metric='euclidean'): s = (b - a) / max(a, b) with a the mean distance to the other points
/// of its own cluster and b the smallest mean distance to the points of another cluster;
/// s = 0 for a point alone in its cluster (and wherever sklearn's 0/0 gives NaN).
///
/// Exact (every pair, no sampling). Distances are computed as scikit-learn computes them for
/// float64: sqrt(max(|x|^2 + |y|^2 - 2 x.y, 0)) by blocked matrix products, with the
/// self-distance set to 0, in tiles of 64 x 2048 points that stay in cache. Memory
/// O(n * d) plus 1 MB per thread. 20,000 x 16 points take about 0.5 s of CPU time.
///
/// Returns a vector of n NaNs when the number of labels is outside [2, n - 1]. Reports
/// progress per block of rows; checks cancellation between blocks and throws Cancelled
/// after the parallel loop.
Vector silhouetteSamples(const Matrix& X, const Labels& labels, const Progress& progress = {});

/// Mean of silhouetteSamples() (sklearn silhouette_score without sampling); range [-1, 1],
/// higher is better. NaN when the number of labels is outside [2, n - 1].
double silhouetteScore(const Matrix& X, const Labels& labels, const Progress& progress = {});

/// silhouetteScore() of several labellings of the same points in one pass over the pairwise
/// distances, which cost far more than the sums they feed: three clusterings of 100,000
/// points take little more than one. Each labelling is scored on its points whose label is
/// not -1, as scoreClustering() scores DBSCAN's (its noise left out of both the points and
/// the clusters); NaN for a labelling with fewer than 2 or more than m - 1 clusters among
/// its m labelled points. Agrees with silhouetteScore() of the labelled rows within
/// rounding (the sums run in another order). Throws InputError when a labelling does not
/// have X.rows() entries or X is not finite; Cancelled as silhouetteSamples().
std::vector<double> silhouetteScores(const Matrix& X, const std::vector<Labels>& labellings,
                                     const Progress& progress = {});

/// Calinski-Harabasz index (Calinski & Harabasz 1974; sklearn calinski_harabasz_score):
/// between-cluster dispersion * (n - k) / (within-cluster dispersion * (k - 1)); 1.0 when the
/// within-cluster dispersion is exactly 0 (sklearn's convention). Higher is better. NaN when
/// the number of labels is outside [2, n - 1]. O(n * d).
double calinskiHarabaszScore(const Matrix& X, const Labels& labels);

/// Davies-Bouldin index (Davies & Bouldin 1979; sklearn davies_bouldin_score): mean over
/// clusters of max_j (s_i + s_j) / |c_i - c_j| with s_i the mean distance of cluster i's points
/// to its centroid; 0.0 when all s_i or all centroid distances are within 1e-8 of 0, and
/// coinciding centroids are skipped, as in sklearn. Lower is better, >= 0. NaN when the number
/// of labels is outside [2, n - 1]. O(n * d + k^2 * d).
double daviesBouldinScore(const Matrix& X, const Labels& labels);

} // namespace atlas
