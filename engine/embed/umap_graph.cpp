// SPDX-License-Identifier: GPL-3.0-or-later
// UMAP's fuzzy simplicial set, as umap-learn 0.5.3 (umap/umap_.py: smooth_knn_dist,
// compute_membership_strengths, fuzzy_simplicial_set).
#include "engine/embed/umap_graph.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace atlas::detail {

// umap-learn smooth_knn_dist: per-point rho (distance to the local_connectivity-th
// neighbour) and sigma with sum_j exp(-(d_ij - rho_i) / sigma_i) = log2(k).
// dist: n x k with the point itself in column 0 (distance 0).
void smoothKnnDist(const Matrix& dist, double localConnectivity, Vector& sigma, Vector& rho)
{
    const Eigen::Index n = dist.rows(), k = dist.cols();
    constexpr double Tolerance = 1e-5;       // SMOOTH_K_TOLERANCE
    constexpr double MinKDistScale = 1e-3;   // MIN_K_DIST_SCALE
    const double target = std::log2(double(k));
    const double meanAll = dist.mean();
    sigma.resize(n);
    rho.resize(n);
#pragma omp parallel for schedule(static)
    for (Eigen::Index i = 0; i < n; ++i) {
        std::vector<double> nonZero;
        for (Eigen::Index j = 0; j < k; ++j)
            if (dist(i, j) > 0.0)
                nonZero.push_back(dist(i, j));
        double r = 0.0;
        if (double(nonZero.size()) >= localConnectivity) {
            const auto index = static_cast<std::size_t>(std::floor(localConnectivity));
            const double interpolation = localConnectivity - double(index);
            if (index > 0) {
                r = nonZero[index - 1];
                if (interpolation > Tolerance && index < nonZero.size())
                    r += interpolation * (nonZero[index] - nonZero[index - 1]);
            } else {
                r = interpolation * nonZero[0];
            }
        } else if (!nonZero.empty()) {
            r = *std::max_element(nonZero.begin(), nonZero.end());
        }
        double lo = 0.0, hi = INFINITY, mid = 1.0;
        for (int step = 0; step < 64; ++step) {
            double psum = 0.0;
            for (Eigen::Index j = 1; j < k; ++j) {
                const double d = dist(i, j) - r;
                psum += d > 0.0 ? std::exp(-(d / mid)) : 1.0;
            }
            if (std::fabs(psum - target) < Tolerance)
                break;
            if (psum > target) {
                hi = mid;
                mid = (lo + hi) / 2.0;
            } else {
                lo = mid;
                mid = (hi == INFINITY) ? mid * 2.0 : (lo + hi) / 2.0;
            }
        }
        if (r > 0.0) {
            const double meanI = dist.row(i).mean();
            mid = std::max(mid, MinKDistScale * meanI);
        } else {
            mid = std::max(mid, MinKDistScale * meanAll);
        }
        sigma(i) = mid;
        rho(i) = r;
    }
}

Eigen::SparseMatrix<double, Eigen::RowMajor, int> fuzzySimplicialSet(const KnnGraph& knn,
                                                                     int neighbours,
                                                                     double localConnectivity,
                                                                     double setOpMixRatio)
{
    using Sparse = Eigen::SparseMatrix<double, Eigen::RowMajor, int>;
    const Eigen::Index n = knn.distances.rows();
    const int others = neighbours - 1;
    Matrix dist(n, neighbours);
    dist.col(0).setZero();
    dist.rightCols(others) = knn.distances;
    Vector sigma, rho;
    smoothKnnDist(dist, localConnectivity, sigma, rho);

    // Membership strengths, then the fuzzy union A + A^T - A o A^T (set_op_mix_ratio = 1)
    // blended with the intersection A o A^T.
    std::vector<Eigen::Triplet<double, int>> triplets;
    triplets.reserve(std::size_t(n * others));
    for (Eigen::Index i = 0; i < n; ++i)
        for (int j = 0; j < others; ++j) {
            const double d = knn.distances(i, j);
            const double v = (d - rho(i) <= 0.0 || sigma(i) == 0.0)
                                 ? 1.0
                                 : std::exp(-((d - rho(i)) / sigma(i)));
            if (v > 0.0)
                triplets.emplace_back(int(i), knn.indices(i, j), v);
        }
    Sparse A(n, n);
    A.setFromTriplets(triplets.begin(), triplets.end());
    const Sparse At = A.transpose();
    const Sparse prod = A.cwiseProduct(At);
    const double mixRatio = setOpMixRatio;
    return (mixRatio * (A + At - prod) + (1.0 - mixRatio) * prod).pruned(0.0, 0.0);
}

// Number of connected components of a symmetric CSR graph (union-find).
int connectedComponents(const std::vector<long>& rowPtr, const std::vector<int>& col, int n)
{
    std::vector<int> parent(static_cast<std::size_t>(n));
    std::iota(parent.begin(), parent.end(), 0);
    auto find = [&](int v) {
        while (parent[std::size_t(v)] != v) {
            parent[std::size_t(v)] = parent[std::size_t(parent[std::size_t(v)])];
            v = parent[std::size_t(v)];
        }
        return v;
    };
    int components = n;
    for (int i = 0; i < n; ++i)
        for (long t = rowPtr[std::size_t(i)]; t < rowPtr[std::size_t(i) + 1]; ++t) {
            const int a = find(i), b = find(col[std::size_t(t)]);
            if (a != b) {
                parent[std::size_t(std::max(a, b))] = std::min(a, b);
                --components;
            }
        }
    return components;
}

} // namespace atlas::detail
