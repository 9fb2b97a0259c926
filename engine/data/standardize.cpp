// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/data/standardize.h"

#include "engine/core/error.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

namespace atlas {

void StandardScaler::fit(const Matrix& X)
{
    const Eigen::Index n = X.rows(), d = X.cols();
    m_mean = RowVector::Zero(d);
    m_scale = RowVector::Ones(d);
    for (Eigen::Index j = 0; j < d; ++j) {
        // Corrected two-pass algorithm (Chan, Golub & LeVeque 1983), as sklearn's
        // _incremental_mean_and_var: the correction term cancels the rounding error of the
        // mean, which matters for nearly constant columns.
        double sum = 0.0;
        Eigen::Index count = 0;
        for (Eigen::Index i = 0; i < n; ++i) {
            if (std::isfinite(X(i, j))) {
                sum += X(i, j);
                ++count;
            }
        }
        if (count == 0)
            continue;
        const double mean = sum / double(count);
        double ss = 0.0, correction = 0.0;
        for (Eigen::Index i = 0; i < n; ++i) {
            if (std::isfinite(X(i, j))) {
                const double c = X(i, j) - mean;
                ss += c * c;
                correction += c;
            }
        }
        const double var = std::max(0.0, ss - correction * correction / double(count)) / double(count);
        m_mean(j) = mean;
        // sklearn's _is_constant_feature: a variance within the rounding error of the
        // accumulation (n * eps * var + (n * mean * eps)^2) counts as zero -> scale 1.
        const double eps = std::numeric_limits<double>::epsilon();
        const double nd = double(count);
        const double bound = nd * eps * var + (nd * mean * eps) * (nd * mean * eps);
        m_scale(j) = var <= bound ? 1.0 : std::sqrt(var);
    }
}

Matrix StandardScaler::transform(const Matrix& X) const
{
    Matrix out(X.rows(), X.cols());
    transform(X, out);
    return out;
}

void StandardScaler::restore(RowVector mean, RowVector scale)
{
    if (mean.size() != scale.size() || !(scale.array() > 0.0).all() || !mean.allFinite())
        throw ConfigError("StandardScaler.restore: the mean and scale must have the same size, "
                          "finite values and scales > 0");
    m_mean = std::move(mean);
    m_scale = std::move(scale);
}

void StandardScaler::transform(const Matrix& X, Eigen::Ref<Matrix> out) const
{
    if (X.cols() != m_mean.size())
        throw ConfigError("StandardScaler.transform: column count " + std::to_string(X.cols()) +
                          " differs from the fitted " + std::to_string(m_mean.size()));
    if (out.rows() != X.rows() || out.cols() != X.cols())
        throw ConfigError("StandardScaler.transform: the output is " +
                          std::to_string(out.rows()) + " x " + std::to_string(out.cols()) +
                          ", the input " + std::to_string(X.rows()) + " x " +
                          std::to_string(X.cols()));
    out = (X.rowwise() - m_mean).array().rowwise() / m_scale.array();
}

Matrix concatColumns(std::initializer_list<const Matrix*> blocks)
{
    Eigen::Index rows = -1, cols = 0;
    for (const Matrix* m : blocks) {
        if (m->cols() == 0)
            continue;
        if (rows >= 0 && m->rows() != rows)
            throw ConfigError("concatColumns: row counts differ (" + std::to_string(rows) +
                              " and " + std::to_string(m->rows()) + ")");
        rows = m->rows();
        cols += m->cols();
    }
    Matrix out(rows < 0 ? 0 : rows, cols);
    Eigen::Index at = 0;
    for (const Matrix* m : blocks) {
        if (m->cols() == 0)
            continue;
        out.middleCols(at, m->cols()) = *m;
        at += m->cols();
    }
    return out;
}

} // namespace atlas
