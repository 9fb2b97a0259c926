// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/metrics/trustworthiness.h"

#include "engine/core/error.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace atlas {

double trustworthiness(const Matrix& X, const Matrix& Y, int k)
{
    const Eigen::Index n = X.rows();
    if (Y.rows() != n)
        throw InputError("trustworthiness: X has " + std::to_string(n) + " rows but Y has " +
                         std::to_string(Y.rows()));
    if (!X.allFinite() || !Y.allFinite())
        throw InputError("trustworthiness: X or Y contains NaN or infinite values");
    std::vector<std::string> problems;
    check(problems, k >= 1 && double(k) < double(n) / 2.0, "trustworthiness", "k",
          ("must be >= 1 and < n / 2 with n = " + std::to_string(n)).c_str(), k);
    requireValid(problems);

    std::int64_t penalty = 0;
#pragma omp parallel reduction(+ : penalty)
    {
        std::vector<std::pair<double, Eigen::Index>> dy(static_cast<std::size_t>(n - 1));
        std::vector<double> dx(static_cast<std::size_t>(n));
#pragma omp for schedule(dynamic, 16)
        for (Eigen::Index i = 0; i < n; ++i) {
            std::size_t m = 0;
            for (Eigen::Index j = 0; j < n; ++j) {
                dx[std::size_t(j)] = (X.row(i) - X.row(j)).squaredNorm();
                if (j != i)
                    dy[m++] = {(Y.row(i) - Y.row(j)).squaredNorm(), j};
            }
            std::partial_sort(dy.begin(), dy.begin() + k, dy.end());
            for (int t = 0; t < k; ++t) {
                const Eigen::Index j = dy[std::size_t(t)].second;
                const double dij = dx[std::size_t(j)];
                // rank of j among i's input-space neighbours: 1 + those strictly closer
                // (ties: lower index first), i itself excluded.
                std::int64_t rank = 1;
                for (Eigen::Index l = 0; l < n; ++l) {
                    if (l == i)
                        continue;
                    const double d = dx[std::size_t(l)];
                    rank += (d < dij || (d == dij && l < j)) ? 1 : 0;
                }
                if (rank > k)
                    penalty += rank - k;
            }
        }
    }
    const double nn = double(n), kk = double(k);
    return 1.0 - double(penalty) * (2.0 / (nn * kk * (2.0 * nn - 3.0 * kk - 1.0)));
}

} // namespace atlas
