// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/embed/tsne_tree.h"

#include <cmath>

namespace atlas::detail {

Matrix conditionalP(const Matrix& sqDist, double perplexity)
{
    const Eigen::Index n = sqDist.rows(), k = sqDist.cols();
    const double desiredEntropy = std::log(perplexity);
    Matrix P(n, k);
#pragma omp parallel for schedule(static)
    for (Eigen::Index i = 0; i < n; ++i) {
        double beta = 1.0, betaMin = -INFINITY, betaMax = INFINITY;
        for (int step = 0; step < 100; ++step) {
            double sumP = 0.0;
            for (Eigen::Index j = 0; j < k; ++j) {
                P(i, j) = std::exp(-sqDist(i, j) * beta);
                sumP += P(i, j);
            }
            if (sumP == 0.0)
                sumP = 1e-8;   // sklearn EPSILON_DBL
            double sumDistP = 0.0;
            for (Eigen::Index j = 0; j < k; ++j) {
                P(i, j) /= sumP;
                sumDistP += sqDist(i, j) * P(i, j);
            }
            const double diff = std::log(sumP) + beta * sumDistP - desiredEntropy;
            if (std::fabs(diff) <= 1e-5)
                break;
            if (diff > 0.0) {
                betaMin = beta;
                beta = (betaMax == INFINITY) ? beta * 2.0 : (beta + betaMax) / 2.0;
            } else {
                betaMax = beta;
                beta = (betaMin == -INFINITY) ? beta / 2.0 : (beta + betaMin) / 2.0;
            }
        }
    }
    return P;
}

} // namespace atlas::detail
