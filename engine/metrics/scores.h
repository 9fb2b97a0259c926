// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/progress.h"
#include "engine/core/types.h"

namespace atlas {

/// All the clustering scores the pipeline reports for one labelling.
/// NaN marks a score that is not defined (shown as "-").
struct ClusterScores {
    double silhouette = 0.0;        ///< on non-noise points; higher is better, [-1, 1]
    double calinskiHarabasz = 0.0;  ///< on non-noise points; higher is better
    double daviesBouldin = 0.0;     ///< on non-noise points; lower is better
    double ari = 0.0;               ///< adjusted Rand index vs truth, all points
    double nmi = 0.0;               ///< normalised MI (arithmetic) vs truth, all points
    double ami = 0.0;               ///< adjusted MI (arithmetic) vs truth, all points
    double vMeasure = 0.0;          ///< V-measure (beta 1) vs truth, all points
    double purity = 0.0;            ///< purity vs truth, all points
    int nClusters = 0;              ///< distinct labels other than -1
    double noiseFraction = 0.0;     ///< fraction of points labelled -1, [0, 1]
    bool operator==(const ClusterScores&) const = default;
};

/// Scores a clustering the way the reference pipeline does:
/// - silhouette, Calinski-Harabasz and Davies-Bouldin on the points whose label is not -1
///   (DBSCAN noise left out), NaN when fewer than 2 clusters or fewer than clusters + 1
///   points remain (scikit-learn would raise);
/// - ARI, NMI, AMI, V-measure and purity against `truth` on all points, -1 being one more
///   cluster; all NaN when `truth` is null.
/// Throws InputError when the label vectors do not have X.rows() entries or X is not
/// finite. Progress covers the silhouette (the only expensive part); Cancelled as there.
ClusterScores scoreClustering(const Matrix& X, const Labels& predicted, const Labels* truth,
                              const Progress& progress = {});

/// scoreClustering() with the silhouette already known, e.g. from silhouetteScores()
/// (metrics/internal.h), which scores several labellings of X in one pass: `silhouette` is
/// taken as it is, and everything else computed as above.
ClusterScores scoreClusteringWithSilhouette(const Matrix& X, const Labels& predicted,
                                            const Labels* truth, double silhouette);

} // namespace atlas
