// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/progress.h"
#include "engine/core/types.h"

#include <limits>
#include <string>
#include <vector>

namespace atlas {

/// Options for dbscan(). The semantics of eps and minSamples are scikit-learn 1.2.1's
/// DBSCAN (Euclidean metric); the defaults differ on purpose: both are chosen from the data
/// unless set (sklearn's fixed eps = 0.5, min_samples = 5 suit no particular scale).
struct DbscanConfig {
    /// Neighbourhood radius in the units of the clustered space (sklearn eps); a point's
    /// neighbourhood is every point at distance <= eps, itself included. <= 0 (the default) =
    /// automatic: among the knee of the sorted k-distance curve (estimateDbscanEps()) and the
    /// percentiles of the k-distances (every 2.5 %; every 10 % above 5000 points), the eps
    /// giving >= 2 clusters of >= minSamples points each and <= 50 % noise that maximises the
    /// density-based validity index DBCV (densityValidity(), noise counted against it; above
    /// 5,000 points computed on a fixed random sample of 5,000 rows); the knee when none does.
    /// Must be finite.
    double eps = 0.0;
    /// Points a neighbourhood needs for its centre to be a core point, the point itself
    /// counted (sklearn min_samples). 0 (the default) = automatic: 2 x the dimension of the
    /// clustered space (Sander et al. 1998), at least 2. Otherwise >= 1.
    int minSamples = 0;
    /// The space DBSCAN runs in. -1 (the default) = X as given, scikit-learn's behaviour.
    /// k >= 1 = X centred and projected on its k leading principal axes (an orthonormal
    /// projection, not scaled: distances and eps stay in the units of X; k >= X.cols() is X
    /// itself). 0 = automatic: the largest k whose sample size n supports a density estimate,
    /// from Silverman's table (1986, Table 4.2: n >= 4, 19, 67, 223, 768, 2790, 10700,
    /// 43700, 187000, 842000 for k = 1 ... 10; so k = 5 for 1000 points), at most the number
    /// of axes with non-zero variance and at most X.cols(). DBSCAN's density estimate, the
    /// k-distance, needs exponentially more points as the dimension grows; in 16 dimensions
    /// with a few hundred points per cluster the k-distances of all points are nearly equal
    /// and no eps separates clusters. The leading axes carry the largest spread, and the
    /// axes are not rescaled: standardising or whitening would give low-variance noise axes
    /// the weight of the informative ones.
    int components = -1;

    /// Empty when valid; otherwise one message per problem, naming the field.
    std::vector<std::string> validate() const;

    bool operator==(const DbscanConfig&) const = default;
};

struct DbscanResult {
    /// One per row: clusters 0, 1, ... numbered in sklearn's discovery order (by their first
    /// core point in row order); -1 = noise. A border point reachable from several clusters
    /// belongs to the first of them, as in sklearn.
    Labels labels;
    std::vector<int> coreSampleIndices;  ///< ascending (sklearn core_sample_indices_)
    double eps = 0.0;                    ///< the radius used (given or estimated), clustered space
    int minSamples = 0;                  ///< the minimum used (given or 2 * components)
    int components = 0;                  ///< dimension of the clustered space (X.cols() = X itself)
    bool epsEstimated = false;           ///< eps was chosen automatically
    /// DBCV (densityValidity()) of the labels in the clustered space when eps was estimated
    /// and >= 2 clusters were found (above 5,000 rows: of the fixed random sample of 5,000
    /// rows it was chosen on); NaN otherwise.
    double validity = std::numeric_limits<double>::quiet_NaN();
    int nClusters = 0;                   ///< clusters found (labels >= 0)
    double noiseFraction = 0.0;          ///< fraction of rows labelled -1, [0, 1]
    /// When eps was estimated: every row's distance to its k-th nearest other row in the
    /// clustered space (k = minSamples - 1, at least 1), sorted ascending, for plotting the
    /// k-distance curve.
    Vector kDistances;
};

/// Density-based clustering, DBSCAN (Ester, Kriegel, Sander & Xu 1996), on X or on its leading
/// principal axes (cfg.components); exact in that space, on squared distances summed from
/// exact coordinate differences. One k-nearest-neighbour pass of a k-d tree (k =
/// minSamples - 1) decides which points are core at any eps and gives the border points
/// their neighbours; clusters are the connected components of the core points (union-find),
/// found by range queries that skip whole tree nodes already in the querying point's
/// component; border points join their first cluster. The candidate radii of the automatic
/// eps are clustered in ascending order, each growing from the last. The result is
/// independent of the thread count.
///
/// Cost: one pass of k-nearest-neighbour queries, and per eps one pass of range queries
/// among core points of different components, about O(n log n) in the few dimensions DBSCAN
/// runs in (cfg.components = 0), up to O(n^2 d) in many; automatic eps adds per candidate
/// DBCV (O(s^2 d), s = min(n, 5000)). OpenMP-parallel over blocks of rows; memory
/// O(n d + n * minSamples).
/// Throws ConfigError for an invalid cfg; InputError when X is empty or not finite;
/// Cancelled between blocks of rows once cancellation is requested.
DbscanResult dbscan(const Matrix& X, const DbscanConfig& cfg, const Progress& progress = {});

/// The automatic eps: the "knee" of the ascending curve of k-distances (distance of every
/// point to its k-th nearest other point, k = minSamples - 1 clamped to [1, n - 1]), as
/// suggested by Ester et al. 1996, located with the Kneedle idea (Satopaa, Albrecht, Irwin &
/// Raghavan 2011): both axes scaled to [0, 1], the knee is the point farthest below the chord
/// from the first to the last point. A zero knee (duplicate points) is replaced by the
/// smallest positive k-distance, and stays 0 only when all points coincide.
/// minSamples <= 0 means the automatic 2 * X.cols(), as in DbscanConfig; X is used as given
/// (project it with dbscanSpace() first to estimate eps for a projected space).
/// `sortedKDistances`, if given, receives the curve. Throws InputError when X has fewer than
/// 2 rows or is not finite; Cancelled as dbscan().
double estimateDbscanEps(const Matrix& X, int minSamples, Vector* sortedKDistances = nullptr,
                         const Progress& progress = {});

/// The space dbscan() clusters in for `components` (DbscanConfig::components): X itself for
/// -1 or when the resolved dimension is >= X.cols(); otherwise X centred and projected on its
/// leading principal axes (eigenvectors of the covariance, largest eigenvalue first; the sign
/// of an axis is the eigensolver's, which does not change distances).
/// Throws InputError when X is empty or not finite; NumericalError when the
/// eigendecomposition fails.
Matrix dbscanSpace(const Matrix& X, int components);

/// The map from X's space into dbscanSpace(X, components): a row x goes to
/// (x - mean) * axes, or stays x when `axes` is empty (X itself is the space). Applied to
/// X's own rows it gives dbscanSpace(X, components) bit for bit; applied to new rows it puts
/// them in the same space, so that they can be assigned to the clusters found in it.
struct DbscanProjection {
    RowVector mean;   ///< X's column means (empty when the space is X itself)
    Matrix axes;      ///< X.cols() x k, the leading principal axes (0 x 0 when X itself)
    bool identity() const { return axes.size() == 0; }
    Matrix apply(const Matrix& rows) const;
    bool operator==(const DbscanProjection&) const = default;
};
DbscanProjection dbscanProjection(const Matrix& X, int components);

} // namespace atlas
