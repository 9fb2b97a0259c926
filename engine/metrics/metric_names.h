// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The vocabulary of the clustering scores: which there are, their keys in files
// (clustering_metrics.csv columns, analysis_plots/<key>.png), their names for people, and
// which way is better. One list for the results tables, the figures, the app and the CLI.

#include "engine/metrics/scores.h"

#include <array>

namespace atlas {

/// The scores of ClusterScores that rank clusterings.
enum class Metric { Silhouette, CalinskiHarabasz, DaviesBouldin, Ari, Nmi, Purity, Ami, VMeasure };

/// In the order of the clustering_metrics.csv columns.
inline constexpr std::array<Metric, 8> AllMetrics = {
    Metric::Silhouette, Metric::CalinskiHarabasz, Metric::DaviesBouldin, Metric::Ari,
    Metric::Nmi, Metric::Purity, Metric::Ami, Metric::VMeasure};

/// silhouette, calinski_harabasz, davies_bouldin, ari, nmi, purity, ami, v_measure.
const char* metricKey(Metric m);
/// "Silhouette", "Calinski-Harabasz", "Davies-Bouldin", "ARI", "NMI", "Purity", "AMI",
/// "V-measure".
const char* metricName(Metric m);
/// The name for a title: the abbreviations spelled out ("Adjusted Rand index (ARI)"), the
/// other names as metricName().
const char* metricLongName(Metric m);
/// False only for Davies-Bouldin.
bool higherIsBetter(Metric m);
/// True for the scores computed against the dataset's labels (ARI, NMI, purity, AMI,
/// V-measure), which are NaN when the dataset has none.
bool isExternalMetric(Metric m);
/// The score's value in `s`; NaN where it is not defined.
double metricValue(const ClusterScores& s, Metric m);

/// The internal scores (silhouette, Calinski-Harabasz, Davies-Bouldin) leave DBSCAN's noise
/// out; above this share of noise they describe a minority of the tracks.
inline constexpr double NoiseMarkFraction = 0.10;
/// True when score `m` of `s` leaves out more than NoiseMarkFraction of the tracks as noise:
/// it is shown with the noise share beside it and never ranked against the others.
bool leavesOutNoise(const ClusterScores& s, Metric m);

} // namespace atlas
