// SPDX-License-Identifier: GPL-3.0-or-later
// UMAP's spectral initial layout, as umap-learn 0.5.3 spectral_layout (umap/spectral.py).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"   // GCC 12 + Eigen AVX-512 GEMM

#include "engine/embed/umap.h"

#include "engine/core/random.h"
#include "engine/embed/umap_graph.h"

#include <Eigen/Eigenvalues>
#include <Eigen/SparseCore>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

namespace atlas {

void Umap::spectralInit(Eigen::Index n, std::vector<double>& layout)
{
    auto fallback = [&](std::string why) {
        m_initUsed = UmapInit::Random;
        m_initFallback = true;
        m_initMessage = "spectral initialisation not possible (" + why +
                        "); used a random initialisation";
    };
    const int components = detail::connectedComponents(m_rowPtr, m_col, int(n));
    if (components > 1) {
        fallback("the neighbour graph has " + std::to_string(components) +
                 " disconnected parts");
        return;
    }
    const int k = m_dim + 1;
    if (n <= k + 1) {
        fallback("too few points");
        return;
    }
    // Normalised adjacency N = D^-1/2 W D^-1/2; the wanted eigenvectors of the normalised
    // Laplacian I - N (smallest eigenvalues after the trivial one) are those of N with the
    // largest eigenvalues after 1.
    Vector degree = Vector::Zero(n);
    for (Eigen::Index i = 0; i < n; ++i)
        for (long t = m_rowPtr[std::size_t(i)]; t < m_rowPtr[std::size_t(i) + 1]; ++t)
            degree(i) += m_weight[std::size_t(t)];
    const Vector dInvSqrt = degree.array().rsqrt();
    std::vector<double> nval(m_weight.size());
    for (Eigen::Index i = 0; i < n; ++i)
        for (long t = m_rowPtr[std::size_t(i)]; t < m_rowPtr[std::size_t(i) + 1]; ++t)
            nval[std::size_t(t)] = m_weight[std::size_t(t)] * dInvSqrt(i) *
                                   dInvSqrt(m_col[std::size_t(t)]);
    Matrix vectors(n, m_dim);

    if (n <= 600) {
        Matrix L = Matrix::Identity(n, n);
        for (Eigen::Index i = 0; i < n; ++i)
            for (long t = m_rowPtr[std::size_t(i)]; t < m_rowPtr[std::size_t(i) + 1]; ++t)
                L(i, m_col[std::size_t(t)]) -= nval[std::size_t(t)];
        Eigen::SelfAdjointEigenSolver<Matrix> eig(L);
        if (eig.info() != Eigen::Success) {
            fallback("the eigensolver did not converge");
            return;
        }
        vectors = eig.eigenvectors().middleCols(1, m_dim);   // ascending eigenvalues
    } else {
        // Lanczos with full reorthogonalisation on N, deflated by its known top eigenvector
        // sqrt(degree) (Golub & Van Loan, Matrix Computations, 4th ed., 10.1).
        Vector top = degree.array().sqrt();
        top.normalize();
        auto apply = [&](const Vector& v, Vector& out) {
            out.resize(n);
#pragma omp parallel for schedule(static)
            for (Eigen::Index i = 0; i < n; ++i) {
                double s = 0.0;
                for (long t = m_rowPtr[std::size_t(i)]; t < m_rowPtr[std::size_t(i) + 1]; ++t)
                    s += nval[std::size_t(t)] * v(m_col[std::size_t(t)]);
                out(i) = s;
            }
        };
        const int maxSteps = int(std::min<Eigen::Index>(n - 1, 400));
        Matrix Q(n, maxSteps + 1);
        std::vector<double> alpha, beta;
        Rng rng(m_cfg.seed ^ 0x5bd1e995ULL);
        Vector q(n);
        for (Eigen::Index i = 0; i < n; ++i)
            q(i) = rng.uniform(-1.0, 1.0);
        q -= top.dot(q) * top;
        q.normalize();
        Q.col(0) = q;
        Vector w;
        bool converged = false;
        int m = 0;
        Matrix ritz;
        for (int j = 0; j < maxSteps; ++j) {
            apply(Q.col(j), w);
            const double a = Q.col(j).dot(w);
            alpha.push_back(a);
            // Two passes of classical Gram-Schmidt against the basis and the top vector.
            for (int pass = 0; pass < 2; ++pass) {
                w -= top.dot(w) * top;
                const Vector h = Q.leftCols(j + 1).transpose() * w;
                w -= Q.leftCols(j + 1) * h;
            }
            const double bnorm = w.norm();
            m = j + 1;
            const bool last = j + 1 == maxSteps || bnorm < 1e-10;
            if ((m >= 2 * k && m % 10 == 0) || last) {
                Eigen::SelfAdjointEigenSolver<Matrix> tri;
                Vector diag = Eigen::Map<Vector>(alpha.data(), m);
                Vector sub = m > 1 ? Vector(Eigen::Map<Vector>(beta.data(), m - 1)) : Vector();
                tri.computeFromTridiagonal(diag, sub);
                if (tri.info() == Eigen::Success && m >= m_dim) {
                    // Largest Ritz values of the deflated operator; residual |beta_m s_m|.
                    double worst = 0.0;
                    for (int c = 0; c < m_dim; ++c)
                        worst = std::max(worst,
                                         std::fabs(bnorm * tri.eigenvectors()(m - 1, m - 1 - c)));
                    if (worst < 1e-4 || last) {
                        ritz.resize(m, m_dim);
                        for (int c = 0; c < m_dim; ++c)
                            ritz.col(c) = tri.eigenvectors().col(m - 1 - c);
                        converged = worst < 1e-2;
                        break;
                    }
                }
            }
            beta.push_back(bnorm);
            Q.col(j + 1) = w / bnorm;
        }
        if (!converged || ritz.rows() == 0) {
            fallback("the Lanczos eigensolver did not converge in " + std::to_string(m) +
                     " steps");
            return;
        }
        vectors = Q.leftCols(m) * ritz;
    }
    // Deterministic sign: the largest |entry| of each eigenvector is positive.
    for (int c = 0; c < m_dim; ++c) {
        Eigen::Index arg = 0;
        vectors.col(c).cwiseAbs().maxCoeff(&arg);
        if (vectors(arg, c) < 0.0)
            vectors.col(c) *= -1.0;
        for (Eigen::Index i = 0; i < n; ++i)
            layout[std::size_t(i * m_dim + c)] = vectors(i, c);
    }
    if (!vectors.allFinite())
        fallback("the eigenvectors are not finite");
}

} // namespace atlas
