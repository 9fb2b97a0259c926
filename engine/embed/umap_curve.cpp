// SPDX-License-Identifier: GPL-3.0-or-later
// UMAP's low-dimensional similarity curve 1 / (1 + a d^(2b)) fitted to the target
// membership curve, as umap-learn 0.5.3 find_ab_params (umap/umap_.py).
#include "engine/embed/umap.h"

#include "engine/core/error.h"

#include <Eigen/Dense>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace atlas {

std::pair<double, double> findAbParams(double spread, double minDist)
{
    std::vector<std::string> problems;
    check(problems, spread > 0.0 && std::isfinite(spread), "findAbParams", "spread",
          "must be > 0", spread);
    check(problems, minDist >= 0.0 && minDist <= spread, "findAbParams", "minDist",
          "must be in [0, spread]", minDist);
    requireValid(problems);

    constexpr int N = 300;
    std::vector<double> x(static_cast<std::size_t>(N)), y(static_cast<std::size_t>(N));
    for (int i = 0; i < N; ++i) {
        // numpy.linspace(0, 3 spread, 300)
        x[std::size_t(i)] = (3.0 * spread) * double(i) / double(N - 1);
        y[std::size_t(i)] = x[std::size_t(i)] < minDist
                                ? 1.0
                                : std::exp(-(x[std::size_t(i)] - minDist) / spread);
    }
    // Levenberg-Marquardt from scipy.optimize.curve_fit's start (1, 1), analytic Jacobian.
    auto residuals = [&](double a, double b, Eigen::VectorXd& r, Eigen::MatrixXd* J) {
        r.resize(N);
        if (J)
            J->resize(N, 2);
        double cost = 0.0;
        for (int i = 0; i < N; ++i) {
            const double xi = x[std::size_t(i)];
            const double p = xi > 0.0 ? std::pow(xi, 2.0 * b) : 0.0;
            const double f = 1.0 / (1.0 + a * p);
            r(i) = f - y[std::size_t(i)];
            cost += r(i) * r(i);
            if (J) {
                (*J)(i, 0) = -p * f * f;
                (*J)(i, 1) = xi > 0.0 ? -a * p * 2.0 * std::log(xi) * f * f : 0.0;
            }
        }
        return cost;
    };
    double a = 1.0, b = 1.0, lambda = 1e-3;
    Eigen::VectorXd r, rTrial;
    Eigen::MatrixXd J;
    double cost = residuals(a, b, r, &J);
    for (int it = 0; it < 500; ++it) {
        const Eigen::Matrix2d JtJ = J.transpose() * J;
        const Eigen::Vector2d g = J.transpose() * r;
        Eigen::Matrix2d A = JtJ;
        A.diagonal() += lambda * JtJ.diagonal().cwiseMax(1e-12);
        const Eigen::Vector2d step = A.ldlt().solve(-g);
        const double aT = a + step(0), bT = b + step(1);
        const double trial = (aT > 0.0 && bT > 0.0) ? residuals(aT, bT, rTrial, nullptr)
                                                    : std::numeric_limits<double>::infinity();
        if (trial < cost) {
            const double rel = (cost - trial) / std::max(cost, 1e-300);
            a = aT;
            b = bT;
            cost = residuals(a, b, r, &J);
            lambda = std::max(lambda * 0.3, 1e-12);
            if (rel < 1e-15 && step.norm() < 1e-12 * (1.0 + std::hypot(a, b)))
                break;
        } else {
            lambda *= 10.0;
            if (lambda > 1e12)
                break;
        }
    }
    return {a, b};
}

} // namespace atlas
