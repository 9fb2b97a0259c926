// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/progress.h"
#include "engine/core/types.h"

#include <string>
#include <vector>

namespace atlas {

/// Options for kmeans(); semantics follow scikit-learn 1.2.1's KMeans with its defaults
/// (init='k-means++', n_init=10, algorithm='lloyd', max_iter=300, tol=1e-4).
struct KMeansConfig {
    int k = 10;                ///< clusters, >= 1 and <= rows of X (sklearn n_clusters)
    int nInit = 10;            ///< restarts, >= 1; the lowest inertia wins (sklearn n_init)
    int maxIterations = 300;   ///< Lloyd iterations per restart, >= 1 (sklearn max_iter)
    /// Convergence threshold, >= 0 (sklearn tol): a restart stops when the summed squared
    /// centre shift of one iteration is <= tolerance * (mean over features of the variance of
    /// X), or when no label changed.
    double tolerance = 1e-4;
    Seed seed = 42;            ///< the only source of randomness (sklearn random_state)

    /// Empty when valid; otherwise one message per problem, naming the field.
    std::vector<std::string> validate() const;

    bool operator==(const KMeansConfig&) const = default;
};

struct KMeansResult {
    Labels labels;             ///< one per input row, in [0, k)
    Matrix centres;            ///< k x features, in the units of X
    double inertia = 0.0;      ///< sum of squared distances of the rows to their centre
    int iterations = 0;        ///< Lloyd iterations of the winning restart
    int bestRestart = 0;       ///< 0-based index of the winning restart
    bool converged = false;    ///< the winning restart met the tolerance before maxIterations
    /// Clusters that received at least one row. Smaller than k only when X has fewer than k
    /// distinct rows (sklearn warns then); the unused centres duplicate existing rows.
    int distinctClusters = 0;
};

/// k-means clustering (Lloyd 1982) with greedy k-means++ seeding (Arthur & Vassilvitskii
/// 2007, with 2 + floor(ln k) candidate centres per step as in scikit-learn), best of
/// cfg.nInit restarts by inertia. As in scikit-learn: the data are centred before
/// clustering, empty clusters are re-seeded with the rows farthest from their centre, a
/// restart that has not converged by strict label equality gets a final assignment step,
/// and a later restart replaces the best one only if its inertia is lower and its partition
/// differs. The random streams are atlas::Rng, not numpy's, so labels match scikit-learn
/// only up to the local optimum each seeding reaches (ARI ~ 1 on separated data).
///
/// The assignment step is OpenMP-parallel (when n * k * d >= 2^20) over fixed blocks of rows
/// whose partial sums are combined in block order: a fixed seed gives bit-identical results
/// for any thread count.
/// Cost O(nInit * iterations * n * k * d); memory O(n * d + 64 * k * d).
///
/// Throws ConfigError for an invalid cfg or fewer rows than cfg.k; InputError when X
/// contains NaN or infinity; Cancelled between iterations once cancellation is requested.
/// Reports progress after every restart.
KMeansResult kmeans(const Matrix& X, const KMeansConfig& cfg, const Progress& progress = {});

} // namespace atlas
