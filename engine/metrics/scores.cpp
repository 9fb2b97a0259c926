// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/metrics/scores.h"

#include "engine/core/error.h"
#include "engine/metrics/external.h"
#include "engine/metrics/internal.h"

#include <algorithm>
#include <limits>
#include <string>
#include <vector>

namespace atlas {

namespace {

ClusterScores score(const Matrix& X, const Labels& predicted, const Labels* truth,
                    const Progress& progress, const double* silhouette)
{
    constexpr double NaN = std::numeric_limits<double>::quiet_NaN();
    if (predicted.size() != X.rows())
        throw InputError("scoreClustering: " + std::to_string(predicted.size()) +
                         " predicted labels for " + std::to_string(X.rows()) + " points");
    if (truth && truth->size() != X.rows())
        throw InputError("scoreClustering: " + std::to_string(truth->size()) +
                         " reference labels for " + std::to_string(X.rows()) + " points");
    if (!X.allFinite())
        throw InputError("scoreClustering: the points contain NaN or infinite values");

    ClusterScores s;
    std::vector<Eigen::Index> kept;
    std::vector<int> distinct;
    for (Eigen::Index i = 0; i < predicted.size(); ++i) {
        if (predicted[i] == -1)
            continue;
        kept.push_back(i);
        distinct.push_back(predicted[i]);
    }
    std::sort(distinct.begin(), distinct.end());
    distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
    s.nClusters = int(distinct.size());
    s.noiseFraction = X.rows() == 0 ? 0.0
                                    : double(X.rows() - Eigen::Index(kept.size())) /
                                          double(X.rows());

    const Eigen::Index m = Eigen::Index(kept.size());
    if (s.nClusters >= 2 && s.nClusters <= m - 1) {
        Matrix Xk(m, X.cols());
        Labels lk(m);
        for (Eigen::Index r = 0; r < m; ++r) {
            Xk.row(r) = X.row(kept[std::size_t(r)]);
            lk[r] = predicted[kept[std::size_t(r)]];
        }
        s.silhouette = silhouette ? *silhouette : silhouetteScore(Xk, lk, progress);
        s.calinskiHarabasz = calinskiHarabaszScore(Xk, lk);
        s.daviesBouldin = daviesBouldinScore(Xk, lk);
    } else {
        s.silhouette = s.calinskiHarabasz = s.daviesBouldin = NaN;
    }

    if (truth) {
        s.ari = adjustedRandScore(*truth, predicted);
        s.nmi = normalizedMutualInfoScore(*truth, predicted);
        s.ami = adjustedMutualInfoScore(*truth, predicted);
        s.vMeasure = homogeneityCompletenessVMeasure(*truth, predicted).vMeasure;
        s.purity = purityScore(*truth, predicted);
    } else {
        s.ari = s.nmi = s.ami = s.vMeasure = s.purity = NaN;
    }
    progress.report(1.0, "scores");
    return s;
}

} // namespace

ClusterScores scoreClustering(const Matrix& X, const Labels& predicted, const Labels* truth,
                              const Progress& progress)
{
    return score(X, predicted, truth, progress, nullptr);
}

ClusterScores scoreClusteringWithSilhouette(const Matrix& X, const Labels& predicted,
                                            const Labels* truth, double silhouette)
{
    return score(X, predicted, truth, {}, &silhouette);
}

} // namespace atlas
