// SPDX-License-Identifier: GPL-3.0-or-later
// GCC 12 reports false -Wmaybe-uninitialized inside its AVX-512 intrinsics once Eigen's
// kernels are inlined (GCC PR 105593); it must be silenced before Eigen is included.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include "engine/models/pca.h"

#include "engine/core/error.h"

#include <Eigen/QR>
#include <Eigen/SVD>

#include <cmath>

namespace atlas {

std::vector<std::string> PcaConfig::validate() const
{
    std::vector<std::string> p;
    check(p, components >= 1, "PcaConfig", "components", "must be >= 1", components);
    return p;
}

Pca::Pca(PcaConfig config) : m_cfg(config) {}

namespace {

void requireFinite(const Matrix& X, const char* what)
{
    if (X.rows() == 0 || X.cols() == 0)
        throw InputError(std::string("PCA: ") + what + " is empty (" + std::to_string(X.rows()) +
                         " x " + std::to_string(X.cols()) + ")");
    if (X.allFinite())
        return;
    for (Eigen::Index i = 0; i < X.rows(); ++i)
        for (Eigen::Index j = 0; j < X.cols(); ++j)
            if (!std::isfinite(X(i, j)))
                throw InputError(std::string("PCA: ") + what + " contains a non-finite value at row " +
                                 std::to_string(i) + ", feature " + std::to_string(j));
}

} // namespace

void Pca::fit(const Matrix& X)
{
    requireValid(m_cfg.validate());
    requireFinite(X, "the input");
    const Eigen::Index n = X.rows(), d = X.cols(), k = m_cfg.components;
    if (k > std::min(n, d))
        throw ConfigError("PcaConfig.components: must be <= min(rows, features) = " +
                          std::to_string(std::min(n, d)) + " (got " + std::to_string(k) + ")");

    RowVector mean = X.colwise().mean();
    Vector s;
    Matrix U, V;
    if (n > 2 * d) {
        // Many more rows than features (a large collection): X - mean = QR, and the SVD of
        // the d x d triangle R = U' S V^T gives the singular values and right vectors (LAPACK's
        // gesdd does the same for tall matrices). The k left vectors the sign convention
        // needs are (X - mean) V / s; the n x d thin U is never formed. The QR works in place.
        Matrix centred = X.rowwise() - mean;
        Eigen::HouseholderQR<Eigen::Ref<Matrix>> qr(centred);
        const Matrix R = qr.matrixQR().topRows(d).triangularView<Eigen::Upper>();
        Eigen::BDCSVD<Matrix> svd(R, Eigen::ComputeThinV);
        if (svd.info() != Eigen::Success)
            throw NumericalError("PCA: the singular value decomposition did not converge");
        s = svd.singularValues();
        V = svd.matrixV().leftCols(k);
        centred.resize(0, 0);
        U = X * V;
        U.rowwise() -= mean * V;
    } else {
        const Matrix centred = X.rowwise() - mean;
        Eigen::BDCSVD<Matrix> svd(centred, Eigen::ComputeThinU | Eigen::ComputeThinV);
        if (svd.info() != Eigen::Success)
            throw NumericalError("PCA: the singular value decomposition did not converge");
        s = svd.singularValues();
        U = svd.matrixU().leftCols(k);
        V = svd.matrixV().leftCols(k);
    }
    // svd_flip(u_based_decision=True): make the largest-|u| entry of each column positive.
    for (Eigen::Index c = 0; c < k; ++c) {
        Eigen::Index arg = 0;
        double best = -1.0;
        for (Eigen::Index i = 0; i < n; ++i)
            if (std::abs(U(i, c)) > best) {
                best = std::abs(U(i, c));
                arg = i;
            }
        if (U(arg, c) < 0.0)
            V.col(c) = -V.col(c);
    }

    const double dof = n > 1 ? double(n - 1) : 1.0;
    const Vector allVar = s.array().square() / dof;
    const double total = allVar.sum();
    m_components = V.transpose();
    m_mean = std::move(mean);
    m_singularValues = s.head(k);
    m_explainedVariance = allVar.head(k);
    m_explainedVarianceRatio =
        total > 0.0 ? Vector(m_explainedVariance / total) : Vector(Vector::Zero(k));
}

Matrix Pca::fitTransform(const Matrix& X)
{
    fit(X);
    return transform(X);
}

Matrix Pca::transform(const Matrix& X) const
{
    if (!isFitted())
        throw InputError("PCA: transform() called before fit()");
    requireFinite(X, "the input");
    if (X.cols() != m_components.cols())
        throw InputError("PCA: the input has " + std::to_string(X.cols()) +
                         " features but the model was fitted on " +
                         std::to_string(m_components.cols()));
    return (X.rowwise() - m_mean) * m_components.transpose();
}

Matrix Pca::inverseTransform(const Matrix& scores) const
{
    if (!isFitted())
        throw InputError("PCA: inverseTransform() called before fit()");
    if (scores.cols() != m_components.rows())
        throw InputError("PCA: the scores have " + std::to_string(scores.cols()) +
                         " columns but the model has " + std::to_string(m_components.rows()) +
                         " components");
    return (scores * m_components).rowwise() + m_mean;
}

void Pca::restore(Matrix components, RowVector mean, Vector explainedVariance,
                  Vector explainedVarianceRatio, Vector singularValues)
{
    const Eigen::Index k = components.rows();
    if (mean.size() != components.cols() || explainedVariance.size() != k ||
        explainedVarianceRatio.size() != k || singularValues.size() != k || k == 0)
        throw InputError("PCA: inconsistent sizes in the stored model");
    m_cfg.components = int(k);
    m_components = std::move(components);
    m_mean = std::move(mean);
    m_explainedVariance = std::move(explainedVariance);
    m_explainedVarianceRatio = std::move(explainedVarianceRatio);
    m_singularValues = std::move(singularValues);
}

} // namespace atlas
