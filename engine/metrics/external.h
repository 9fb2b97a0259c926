// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// External (supervised) clustering metrics: they compare a predicted labelling with a
// reference labelling (e.g. genres). Every function reproduces scikit-learn 1.2.1
// (sklearn.metrics.cluster) including its special cases, to within floating-point rounding
// (tests check 1e-9 relative against sklearn output).
//
// Label conventions shared by all functions here:
// - labels are arbitrary integers; only equality matters (gaps and negative ids are fine);
// - -1 (DBSCAN noise) is an ordinary label here, i.e. all noise points form one cluster, as
//   in scikit-learn when noise is not filtered out;
// - `truth` and `predicted` must have the same length, otherwise InputError is thrown;
// - empty labellings follow sklearn (ARI, NMI, AMI, V-measure = 1.0; purity = NaN).
// All functions are pure and thread-safe; memory is O(n + non-zero contingency cells), so
// all-singleton labellings of many points are fine (except AMI, see there).

#include "engine/core/types.h"

#include <Eigen/Core>

#include <cstdint>
#include <vector>

namespace atlas {

/// Contingency table of two labellings (sklearn.metrics.cluster.contingency_matrix).
struct Contingency {
    std::vector<int> classes;   ///< sorted distinct values of `truth` (table rows)
    std::vector<int> clusters;  ///< sorted distinct values of `predicted` (table columns)
    /// counts(i, j) = number of points with truth == classes[i] and predicted == clusters[j].
    Eigen::Matrix<std::int64_t, Eigen::Dynamic, Eigen::Dynamic> counts;
};

/// Dense contingency table, classes x clusters (memory 8 * classes * clusters bytes).
/// Throws InputError when the lengths differ.
Contingency contingencyMatrix(const Labels& truth, const Labels& predicted);

/// Adjusted Rand index (Hubert & Arabie 1985), sklearn adjusted_rand_score: computed from the
/// pair confusion matrix in exact 128-bit integer arithmetic; 1.0 exactly when the two
/// partitions are identical (including the one-cluster and all-singleton cases). Range
/// [-0.5, 1], 0 for chance.
double adjustedRandScore(const Labels& truth, const Labels& predicted);

/// Mutual information in nats (sklearn mutual_info_score); 0 when either labelling has a
/// single value.
double mutualInfoScore(const Labels& truth, const Labels& predicted);

/// Shannon entropy of a labelling in nats (sklearn's private `entropy`): 0 for one label,
/// 1.0 for an empty labelling (sklearn's convention).
double labelEntropy(const Labels& labels);

/// Normalised mutual information with the arithmetic mean of the entropies as normaliser
/// (sklearn normalized_mutual_info_score, average_method='arithmetic'). Special cases as
/// sklearn: 1.0 when both labellings have exactly one value (or none); 0.0 when MI is 0.
double normalizedMutualInfoScore(const Labels& truth, const Labels& predicted);

/// Adjusted mutual information, arithmetic normalisation (sklearn
/// adjusted_mutual_info_score; Vinh, Epps & Bailey 2010): (MI - E[MI]) / (mean(H) - E[MI])
/// with sklearn's expected-MI sum over the hypergeometric model and its guard that keeps
/// the denominator at least machine epsilon in magnitude. 1.0 when both labellings have one
/// value. Cost O(classes * clusters * min(sizes)), as in sklearn.
double adjustedMutualInfoScore(const Labels& truth, const Labels& predicted);

/// Homogeneity, completeness and V-measure (Rosenberg & Hirschberg 2007), sklearn
/// homogeneity_completeness_v_measure.
struct HomogeneityCompleteness {
    double homogeneity = 0.0;   ///< MI / H(truth); 1.0 when H(truth) == 0
    double completeness = 0.0;  ///< MI / H(predicted); 1.0 when H(predicted) == 0
    double vMeasure = 0.0;      ///< weighted harmonic mean; 0.0 when both are 0
};
/// beta: weight of completeness versus homogeneity (sklearn beta), > 0, default 1.
HomogeneityCompleteness homogeneityCompletenessVMeasure(const Labels& truth,
                                                        const Labels& predicted,
                                                        double beta = 1.0);

/// Purity: sum over predicted clusters of the size of their largest class, divided by n
/// (computed from the contingency table as in the reference pipeline). NaN for empty input.
double purityScore(const Labels& truth, const Labels& predicted);

} // namespace atlas
