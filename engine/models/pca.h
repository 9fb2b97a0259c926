// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/types.h"

#include <string>
#include <vector>

namespace atlas {

/// Options of Pca. Semantics follow scikit-learn's PCA with svd_solver="full" and
/// whiten=False: an exact thin SVD of the centred data.
struct PcaConfig {
    int components = 16; ///< principal components kept, >= 1 (sklearn n_components)

    /// Empty when valid; otherwise one "PcaConfig.<field>: ..." message per problem.
    std::vector<std::string> validate() const;

    bool operator==(const PcaConfig&) const = default;
};

/// Principal component analysis (Pearson, 1901; Hotelling, 1933) by the exact singular value
/// decomposition of the centred data (Eigen's BDCSVD), i.e. scikit-learn's
/// PCA(svd_solver="full"). scikit-learn's "auto" solver would pick a randomized SVD for
/// 1000 x 540 data; the exact one is deterministic and as fast here.
///
/// Sign convention: scikit-learn 1.2's svd_flip(u_based_decision=True): in every component
/// the training score (column of U) with the largest absolute value is positive (the first one
/// on ties). Components and scores then match scikit-learn's to rounding.
///
/// Deterministic; thread-safe for concurrent const calls.
class Pca {
public:
    explicit Pca(PcaConfig config = {});

    const PcaConfig& config() const { return m_cfg; }

    /// Fits on the rows of X (samples x features, finite). Throws ConfigError for an invalid
    /// config or components > min(rows, features) (sklearn raises ValueError there too),
    /// InputError for an empty or non-finite X.
    void fit(const Matrix& X);
    /// fit(X) then transform(X).
    Matrix fitTransform(const Matrix& X);
    /// Scores (X - mean) * components()^T, rows x components. Throws InputError before fit()
    /// or for a different number of features or non-finite values.
    Matrix transform(const Matrix& X) const;
    /// Back-projection scores * components() + mean (sklearn inverse_transform).
    Matrix inverseTransform(const Matrix& scores) const;

    bool isFitted() const { return m_components.size() > 0; }
    /// components x features, orthonormal rows (sklearn components_).
    const Matrix& components() const { return m_components; }
    /// Per-feature training mean, 1 x features (sklearn mean_).
    const RowVector& mean() const { return m_mean; }
    /// Variance along each component, sigma^2 / (n - 1) (sklearn explained_variance_).
    const Vector& explainedVariance() const { return m_explainedVariance; }
    /// explainedVariance() / total variance of the data (sklearn explained_variance_ratio_).
    const Vector& explainedVarianceRatio() const { return m_explainedVarianceRatio; }
    /// Singular values of the centred data (sklearn singular_values_).
    const Vector& singularValues() const { return m_singularValues; }

    /// Restores a fitted state (used by the model files); sizes must agree.
    void restore(Matrix components, RowVector mean, Vector explainedVariance,
                 Vector explainedVarianceRatio, Vector singularValues);

private:
    PcaConfig m_cfg;
    Matrix m_components;
    RowVector m_mean;
    Vector m_explainedVariance;
    Vector m_explainedVarianceRatio;
    Vector m_singularValues;
};

} // namespace atlas
