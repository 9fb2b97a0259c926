// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/types.h"

namespace atlas {

/// Per-column standardisation with scikit-learn's StandardScaler semantics: subtract the
/// column mean and divide by the population standard deviation (ddof = 0). Columns whose
/// variance is zero (or below float rounding of their magnitude) keep scale 1, as sklearn's
/// _handle_zeros_in_scale does, so a constant column becomes all zeros rather than NaN.
///
/// Rows containing NaN are ignored by fit() (sklearn's nan-aware statistics) and stay NaN in
/// transform(); the pipeline drops such rows before fitting.
class StandardScaler {
public:
    /// Learns mean and scale. X may have any number of rows >= 1.
    void fit(const Matrix& X);
    /// (X - mean) / scale, column by column. Requires fit() with the same column count.
    Matrix transform(const Matrix& X) const;
    /// The same into `out` (X's size; e.g. a block of a larger matrix), without a temporary.
    void transform(const Matrix& X, Eigen::Ref<Matrix> out) const;
    Matrix fitTransform(const Matrix& X)
    {
        fit(X);
        return transform(X);
    }
    /// Sets the statistics of an earlier fit (mean and scale of the same size, scale > 0).
    void restore(RowVector mean, RowVector scale);
    /// True once fit() or restore() has run.
    bool fitted() const { return m_mean.size() > 0; }
    /// Column means (sklearn mean_).
    const RowVector& mean() const { return m_mean; }
    /// Column scales (sklearn scale_): population std, 1 where the variance is zero.
    const RowVector& scale() const { return m_scale; }

private:
    RowVector m_mean;
    RowVector m_scale;
};

/// Concatenates matrices column-wise (same row count); empty matrices (0 columns) are skipped.
Matrix concatColumns(std::initializer_list<const Matrix*> blocks);

} // namespace atlas
