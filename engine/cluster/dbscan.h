// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/progress.h"
#include "engine/core/types.h"

#include <string>
#include <vector>

namespace atlas {

/// Options for dbscan(). The semantics of eps and minSamples are scikit-learn 1.2.1's
/// DBSCAN (Euclidean metric); the defaults differ on purpose: both are chosen from the data
/// unless set (sklearn's fixed eps = 0.5, min_samples = 5 suit no particular scale).
struct DbscanConfig {
    /// Neighbourhood radius in the units of X (sklearn eps); a point's neighbourhood is every
    /// point at distance <= eps, itself included. <= 0 (the default) = automatic: among the
    /// knee of the sorted k-distance curve (estimateDbscanEps()) and the percentiles of the
    /// k-distances (every 2.5 %; every 10 % above 5000 points), the eps giving >= 2 clusters with <= 50 % noise that
    /// maximises silhouette(non-noise) x (1 - noise fraction); the knee when none does.
    /// Must be finite.
    double eps = 0.0;
    /// Points a neighbourhood needs for its centre to be a core point, the point itself
    /// counted (sklearn min_samples). 0 (the default) = automatic: 2 * number of features
    /// (Sander et al. 1998), at least 2. Otherwise >= 1.
    int minSamples = 0;

    /// Empty when valid; otherwise one message per problem, naming the field.
    std::vector<std::string> validate() const;
};

struct DbscanResult {
    /// One per row: clusters 0, 1, ... numbered in sklearn's discovery order (by their first
    /// core point in row order); -1 = noise. A border point reachable from several clusters
    /// belongs to the first of them, as in sklearn.
    Labels labels;
    std::vector<int> coreSampleIndices;  ///< ascending (sklearn core_sample_indices_)
    double eps = 0.0;                    ///< the radius used (given or estimated)
    int minSamples = 0;                  ///< the minimum used (given or 2 * features)
    bool epsEstimated = false;           ///< eps came from the k-distance knee
    int nClusters = 0;                   ///< clusters found (labels >= 0)
    double noiseFraction = 0.0;          ///< fraction of rows labelled -1, [0, 1]
    /// When eps was estimated: every row's distance to its k-th nearest other row
    /// (k = minSamples - 1, at least 1), sorted ascending, for plotting the k-distance curve.
    Vector kDistances;
};

/// Density-based clustering, DBSCAN (Ester, Kriegel, Sander & Xu 1996), exact: neighbourhoods
/// come from blocked matrix products |a|^2 + |b|^2 - 2ab on centred data, and every pair
/// whose product-based distance lies within rounding reach of eps is recomputed from exact
/// differences, so the decision "distance <= eps" is that of the exact distance.
/// Clusters are the connected components of core points (union-find), border points join
/// their first cluster; the result is independent of the thread count.
///
/// Cost O(n^2 d) time (two passes, three with automatic eps), OpenMP-parallel over blocks of
/// rows; memory O(n d + n * minSamples + threads * 64 * n).
/// Throws ConfigError for an invalid cfg; InputError when X is empty or not finite;
/// Cancelled between blocks of rows once cancellation is requested.
DbscanResult dbscan(const Matrix& X, const DbscanConfig& cfg, const Progress& progress = {});

/// The automatic eps: the "knee" of the ascending curve of k-distances (distance of every
/// point to its k-th nearest other point, k = minSamples - 1 clamped to [1, n - 1]), as
/// suggested by Ester et al. 1996, located with the Kneedle idea (Satopaa, Albrecht, Irwin &
/// Raghavan 2011): both axes scaled to [0, 1], the knee is the point farthest below the chord
/// from the first to the last point. A zero knee (duplicate points) is replaced by the
/// smallest positive k-distance, and stays 0 only when all points coincide.
/// minSamples <= 0 means the automatic 2 * features, as in DbscanConfig.
/// `sortedKDistances`, if given, receives the curve. Throws InputError when X has fewer than
/// 2 rows or is not finite; Cancelled as dbscan().
double estimateDbscanEps(const Matrix& X, int minSamples, Vector* sortedKDistances = nullptr,
                         const Progress& progress = {});

} // namespace atlas
