// SPDX-License-Identifier: GPL-3.0-or-later
// UMAP following umap-learn 0.5.3 (umap/umap_.py: smooth_knn_dist,
// compute_membership_strengths, fuzzy_simplicial_set, simplicial_set_embedding,
// find_ab_params; umap/spectral.py: spectral_layout; umap/layouts.py:
// optimize_layout_euclidean). Reference: McInnes, Healy & Melville 2018, arXiv:1802.03426.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"   // GCC 12 + Eigen AVX-512 GEMM

#include "engine/embed/umap.h"

#include "engine/core/error.h"
#include "engine/core/random.h"
#include "engine/core/parallel.h"
#include "engine/embed/knn.h"
#include "engine/embed/umap_sgd.h"

#include <Eigen/Eigenvalues>
#include <Eigen/SparseCore>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

namespace atlas {

std::vector<std::string> UmapConfig::validate() const
{
    std::vector<std::string> p;
    const char* c = "UmapConfig";
    check(p, components >= 1 && components <= 64, c, "components", "must be in [1, 64]",
          components);
    check(p, neighbours >= 2, c, "neighbours", "must be >= 2", neighbours);
    check(p, spread > 0.0 && std::isfinite(spread), c, "spread", "must be > 0", spread);
    check(p, minDist >= 0.0 && minDist <= spread, c, "minDist", "must be in [0, spread]",
          minDist);
    check(p, setOpMixRatio >= 0.0 && setOpMixRatio <= 1.0, c, "setOpMixRatio",
          "must be in [0, 1]", setOpMixRatio);
    check(p, localConnectivity >= 0.0 && std::isfinite(localConnectivity), c,
          "localConnectivity", "must be >= 0", localConnectivity);
    check(p, repulsionStrength >= 0.0 && std::isfinite(repulsionStrength), c,
          "repulsionStrength", "must be >= 0", repulsionStrength);
    check(p, negativeSampleRate >= 0, c, "negativeSampleRate", "must be >= 0",
          negativeSampleRate);
    check(p, learningRate > 0.0 && std::isfinite(learningRate), c, "learningRate",
          "must be > 0", learningRate);
    check(p, epochs >= 0, c, "epochs", "must be >= 0 (0 = automatic)", epochs);
    check(p, (a == 0.0 && b == 0.0) || (a > 0.0 && b > 0.0), c, "a",
          "a and b must both be 0 (fit) or both > 0", a);
    check(p, exactKnnMaxPoints >= 2, c, "exactKnnMaxPoints", "must be >= 2",
          exactKnnMaxPoints);
    return p;
}

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

namespace {

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

double secondsSince(std::chrono::steady_clock::time_point t0)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// splitMix64 finaliser as a hash of a counter (Steele, Lea & Flood 2014).
std::uint64_t mix(std::uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

} // namespace

Umap::Umap(UmapConfig cfg) : m_cfg(std::move(cfg))
{
    requireValid(m_cfg.validate());
}

void Umap::init(const Matrix& X, const Progress& progress)
{
    const Eigen::Index n = X.rows();
    if (n < 3 || X.cols() < 1)
        throw InputError("UMAP needs at least 3 rows and 1 column (got " + std::to_string(n) +
                         " x " + std::to_string(X.cols()) + ")");
    if (!X.allFinite())
        throw InputError("UMAP: the input contains NaN or infinite values");
    m_ready = false;
    m_notes.clear();
    m_dim = m_cfg.components;
    m_initFallback = false;
    m_initMessage.clear();
    m_timings = {};
    auto clock = std::chrono::steady_clock::now();
    if (m_cfg.a > 0.0 && m_cfg.b > 0.0) {
        m_a = m_cfg.a;
        m_b = m_cfg.b;
    } else {
        std::tie(m_a, m_b) = findAbParams(m_cfg.spread, m_cfg.minDist);
    }

    // Neighbourhood: the point itself plus k - 1 others (umap-learn's n_neighbors).
    m_neighbours = m_cfg.neighbours;
    if (m_neighbours > n - 1) {
        m_neighbours = int(std::max<Eigen::Index>(n - 1, 2));
        m_notes.push_back("neighbours reduced from " + std::to_string(m_cfg.neighbours) +
                          " to " + std::to_string(m_neighbours) + " for " + std::to_string(n) +
                          " points");
    }
    const int others = m_neighbours - 1;
    progress.report(0.0, "nearest neighbours");
    const detail::KnnGraph knn = n < m_cfg.exactKnnMaxPoints
                                     ? detail::exactKnn(X, others)
                                     : detail::hnswKnn(X, others, 100, m_cfg.seed);
    m_approximate = knn.approximate;
    m_timings.neighbours = secondsSince(clock);
    clock = std::chrono::steady_clock::now();
    progress.throwIfCancelled();
    progress.report(0.5, "fuzzy graph");

    Matrix dist(n, m_neighbours);
    dist.col(0).setZero();
    dist.rightCols(others) = knn.distances;
    Vector sigma, rho;
    smoothKnnDist(dist, m_cfg.localConnectivity, sigma, rho);

    // Membership strengths, then the fuzzy union A + A^T - A o A^T (set_op_mix_ratio = 1)
    // blended with the intersection A o A^T.
    using Sparse = Eigen::SparseMatrix<double, Eigen::RowMajor, int>;
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
    const double mixRatio = m_cfg.setOpMixRatio;
    Sparse W = (mixRatio * (A + At - prod) + (1.0 - mixRatio) * prod).pruned(0.0, 0.0);

    m_totalEpochs = m_cfg.epochs > 0 ? m_cfg.epochs : (n <= 10000 ? 500 : 200);
    // Edges too weak to be sampled even once are dropped (simplicial_set_embedding).
    double maxWeight = 0.0;
    for (Eigen::Index t = 0; t < W.nonZeros(); ++t)
        maxWeight = std::max(maxWeight, W.valuePtr()[t]);
    const double cut = maxWeight / double(m_totalEpochs > 10 ? m_totalEpochs
                                                              : (n <= 10000 ? 500 : 200));
    W.prune([cut](const Eigen::Index&, const Eigen::Index&, const double& v) { return v >= cut; });
    W.makeCompressed();
    m_rowPtr.assign(W.outerIndexPtr(), W.outerIndexPtr() + n + 1);
    m_col.assign(W.innerIndexPtr(), W.innerIndexPtr() + W.nonZeros());
    m_weight.assign(W.valuePtr(), W.valuePtr() + W.nonZeros());
    const auto edges = m_col.size();

    // make_epochs_per_sample and the optimiser's counters.
    m_epochsPerSample.assign(edges, -1.0);
    for (std::size_t t = 0; t < edges; ++t) {
        const double samples = double(m_totalEpochs) * (m_weight[t] / maxWeight);
        if (samples > 0.0)
            m_epochsPerSample[t] = double(m_totalEpochs) / samples;
    }
    m_nextSample = m_epochsPerSample;
    m_epochsPerNeg.resize(edges);
    for (std::size_t t = 0; t < edges; ++t)
        m_epochsPerNeg[t] = m_cfg.negativeSampleRate > 0
                                ? m_epochsPerSample[t] / double(m_cfg.negativeSampleRate)
                                : INFINITY;
    m_nextNeg = m_epochsPerNeg;
    m_timings.graph = secondsSince(clock);
    clock = std::chrono::steady_clock::now();
    progress.throwIfCancelled();
    progress.report(0.7, "initial layout");

    Rng rng(m_cfg.seed);
    m_streamBase = rng.next();
    std::vector<double> layout(std::size_t(n) * std::size_t(m_dim), 0.0);
    m_initUsed = m_cfg.init;
    if (m_cfg.init == UmapInit::Spectral) {
        spectralInit(n, layout);
        if (m_initUsed == UmapInit::Spectral) {
            double maxAbs = 0.0;
            for (double v : layout)
                maxAbs = std::max(maxAbs, std::fabs(v));
            const double expansion = maxAbs > 0.0 ? 10.0 / maxAbs : 1.0;
            for (double& v : layout)
                v = v * expansion + 1e-4 * rng.normal();
        }
    }
    if (m_initUsed == UmapInit::Random)
        for (double& v : layout)
            v = rng.uniform(-10.0, 10.0);
    // Every layout is rescaled to [0, 10] per dimension before the optimisation, and
    // optimised in single precision (umap-learn: float32).
    m_pos.assign(layout.size(), 0.0f);
    for (int d = 0; d < m_dim; ++d) {
        double lo = INFINITY, hi = -INFINITY;
        for (Eigen::Index i = 0; i < n; ++i) {
            lo = std::min(lo, layout[std::size_t(i * m_dim + d)]);
            hi = std::max(hi, layout[std::size_t(i * m_dim + d)]);
        }
        const double scale = hi > lo ? 10.0 / (hi - lo) : 0.0;
        for (Eigen::Index i = 0; i < n; ++i) {
            const auto at = std::size_t(i * m_dim + d);
            m_pos[at] = float((layout[at] - lo) * scale);
        }
    }
    m_epoch = 0;
    m_viewStale = true;
    m_ready = true;
    m_timings.layout = secondsSince(clock);
    progress.report(1.0);
}

void Umap::spectralInit(Eigen::Index n, std::vector<double>& layout)
{
    auto fallback = [&](std::string why) {
        m_initUsed = UmapInit::Random;
        m_initFallback = true;
        m_initMessage = "spectral initialisation not possible (" + why +
                        "); used a random initialisation";
    };
    const int components = connectedComponents(m_rowPtr, m_col, int(n));
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

void Umap::runEpoch(int epochIndex)
{
    const int n = int(m_rowPtr.size()) - 1;
    const int dim = m_dim;
    constexpr int W = detail::UmapLanes;
    // umap-learn: alpha = initial * (1 - epoch / n_epochs), updated after each epoch.
    const double alpha =
        m_cfg.learningRate *
        (epochIndex == 0 ? 1.0 : 1.0 - double(epochIndex - 1) / double(m_totalEpochs));
    const double nEpoch = double(epochIndex);
    const bool negatives = m_cfg.negativeSampleRate > 0;
    // Vertices per group (see the class comment) and per task when a group is split between
    // threads; both depend on n only, so the result does not depend on the threads.
    constexpr int TaskSize = 32;
    const int groupSize =
        std::clamp((n / 16 + TaskSize - 1) / TaskSize * TaskSize, 64, 2048);
    const int groups = (n + groupSize - 1) / groupSize;
    // Threads meet at two barriers per group (32 per epoch), which costs more than a second
    // thread gains unless the groups are large: a preempted thread stalls the others at each
    // barrier, and with 10,000 points on a busy 2-core machine two threads took 7 times as
    // long as one. So groups below 1,024 vertices (n below about 16,000) run on one thread,
    // larger ones on up to one per 512 vertices. The result is the same for any number.
    const int threads =
        groupSize < 1024 ? 1 : std::clamp(groupSize / 512, 1, std::max(maxThreads(), 1));
    // Two of each buffer, for even and odd groups: one thread adds the tails' moves of a
    // group while the others lay out the next one.
    m_work.resize(2 * std::size_t(threads));
    m_vertexWork.resize(2 * std::size_t(groupSize));
    m_edgeCount.resize(m_col.size());
    m_snapshot = m_pos;

    const long* rowPtr = m_rowPtr.data();
    const std::int32_t* col = m_col.data();
    const double* epochsPerSample = m_epochsPerSample.data();
    const double* epochsPerNeg = m_epochsPerNeg.data();
    double* nextSample = m_nextSample.data();
    double* nextNeg = m_nextNeg.data();
    std::int32_t* edgeCount = m_edgeCount.data();
    float* pos = m_pos.data();
    float* snap = m_snapshot.data();
    constexpr std::int32_t NotDue = detail::UmapNotDue;

    detail::UmapLaneBlock common;
    common.dim = dim;
    common.n = n;
    common.a = float(m_a);
    common.b = float(m_b);
    common.gamma = float(m_cfg.repulsionStrength);
    common.alpha = float(alpha);
    common.snapshot = snap;
    common.position = pos;

#pragma omp parallel num_threads(threads)
    {
        const int thread = threadIndex();
        for (int group = 0; group < groups; ++group) {
            const int groupBegin = group * groupSize;
            const int groupEnd = std::min(n, groupBegin + groupSize);
            const auto parity = std::size_t(group & 1);
            GroupWork& work = m_work[2 * std::size_t(thread) + parity];
            VertexWork* vertexWork = m_vertexWork.data() + parity * std::size_t(groupSize);
            work.vertices.clear();
            work.samples.clear();
            work.dueBegin.clear();
            work.dueEnd.clear();
            std::size_t dueSize = 0;
#pragma omp for schedule(dynamic, 1) nowait
            for (int task = groupBegin; task < groupEnd; task += TaskSize) {
                const int taskEnd = std::min(groupEnd, task + TaskSize);
                detail::umapSchedule(rowPtr[taskEnd] - rowPtr[task], nEpoch, negatives,
                                     epochsPerSample + rowPtr[task],
                                     epochsPerNeg + rowPtr[task], nextSample + rowPtr[task],
                                     nextNeg + rowPtr[task], edgeCount + rowPtr[task]);
                // Each vertex's due edges, compacted branch-free: tail and rows taken (the
                // positive sample and its negatives).
                const std::size_t room = dueSize + std::size_t(rowPtr[taskEnd] - rowPtr[task]);
                if (work.dueTail.size() < room) {
                    work.dueTail.resize(2 * room);
                    work.dueRows.resize(2 * room);
                }
                std::int32_t* dueTail = work.dueTail.data();
                std::int32_t* dueRows = work.dueRows.data();
                for (int j = task; j < taskEnd; ++j) {
                    const std::size_t first = dueSize;
                    std::int32_t samples = 0;
                    for (long t = rowPtr[j]; t < rowPtr[j + 1]; ++t) {
                        const std::int32_t c = edgeCount[t];
                        const bool due = c != NotDue;
                        const std::int32_t taken = 1 + std::max(c, 0);
                        dueTail[dueSize] = col[t];
                        dueRows[dueSize] = taken;
                        dueSize += due;
                        samples += due ? taken : 0;
                    }
                    vertexWork[j - groupBegin] = {thread, 0, 0};
                    if (samples > 0) {
                        work.vertices.push_back(j);
                        work.samples.push_back(samples);
                        work.dueBegin.push_back(std::int32_t(first));
                        work.dueEnd.push_back(std::int32_t(dueSize));
                    }
                }
            }
            // Lanes: longest sample sequences first, dealt to the lanes back and forth
            // (0..W-1, W-1..0, ...), so that the lanes finish at about the same row. The
            // assignment does not change any vertex's result.
            const auto count = std::int32_t(work.vertices.size());
            work.order.resize(std::size_t(count));
            {
                std::int32_t longest = 0;
                for (const std::int32_t c : work.samples)
                    longest = std::max(longest, c);
                work.load.assign(std::size_t(longest) + 2, 0);   // counting sort, descending
                for (const std::int32_t c : work.samples)
                    ++work.load[std::size_t(longest - c) + 1];
                for (std::size_t c = 1; c < work.load.size(); ++c)
                    work.load[c] += work.load[c - 1];
                for (std::int32_t v = 0; v < count; ++v)
                    work.order[std::size_t(
                        work.load[std::size_t(longest - work.samples[std::size_t(v)])]++)] = v;
            }
            work.lane.resize(std::size_t(count));
            work.load.assign(W, 0);
            work.laneBegin.assign(W + 1, 0);
            for (std::int32_t i = 0; i < count; ++i) {
                const int v = work.order[std::size_t(i)];
                const int turn = i % (2 * W);
                const int l = turn < W ? turn : 2 * W - 1 - turn;
                work.lane[std::size_t(v)] = l;
                work.load[std::size_t(l)] += work.samples[std::size_t(v)];
                ++work.laneBegin[std::size_t(l) + 1];
            }
            for (int l = 0; l < W; ++l)
                work.laneBegin[std::size_t(l) + 1] += work.laneBegin[std::size_t(l)];
            const int rows = *std::max_element(work.load.begin(), work.load.end());
            work.cells.assign(std::size_t(rows) * W, detail::UmapNegative);
            work.starts.assign(std::size_t(rows), 0);
            if (work.tailMove.size() < std::size_t(rows) * std::size_t(dim) * W)
                work.tailMove.resize(std::size_t(rows) * std::size_t(dim) * W);
            work.laneVertices.resize(std::size_t(count));
            work.laneKeys.resize(std::size_t(count));
            // Each lane's vertices in the order assigned; their positive samples in the
            // cells, negative samples left as UmapNegative; lanes that end early are padded.
            work.load.assign(W, 0);
            std::vector<std::int32_t>& placed = work.samples;   // per lane: vertices placed
            placed.assign(W, 0);
            std::size_t positives = 0;
            for (const int v : work.order) {
                const int l = work.lane[std::size_t(v)];
                const int j = work.vertices[std::size_t(v)];
                const auto at =
                    std::size_t(work.laneBegin[std::size_t(l)] + placed[std::size_t(l)]++);
                work.laneVertices[at] = j;
                work.laneKeys[at] = std::uint32_t(
                    mix(m_streamBase ^ mix((std::uint64_t(epochIndex) << 32) + std::uint64_t(j))));
                int row = work.load[std::size_t(l)];
                work.starts[std::size_t(row)] |= std::uint64_t(1) << l;
                VertexWork& vw = vertexWork[j - groupBegin];
                vw.positiveBegin = std::int32_t(positives);
                const std::int32_t dueBegin = work.dueBegin[std::size_t(v)];
                const std::int32_t dueEnd = work.dueEnd[std::size_t(v)];
                if (work.positives.size() < positives + std::size_t(dueEnd - dueBegin))
                    work.positives.resize(2 * (positives + std::size_t(dueEnd - dueBegin)));
                std::int32_t* cells = work.cells.data() + l;
                std::int32_t* positive = work.positives.data();
                for (std::int32_t i = dueBegin; i < dueEnd; ++i) {
                    cells[std::size_t(row) * W] = work.dueTail[std::size_t(i)];
                    positive[positives++] = std::int32_t(row * W + l);
                    row += work.dueRows[std::size_t(i)];
                }
                vw.positiveEnd = std::int32_t(positives);
                work.load[std::size_t(l)] = row;
            }
            for (int l = 0; l < W; ++l)
                for (int r = work.load[std::size_t(l)]; r < rows; ++r)
                    work.cells[std::size_t(r) * W + std::size_t(l)] = detail::UmapNothing;
            detail::UmapLaneBlock block = common;
            block.rows = rows;
            block.cells = work.cells.data();
            block.starts = work.starts.data();
            block.laneVertices = work.laneVertices.data();
            block.laneKeys = work.laneKeys.data();
            block.laneBegin = work.laneBegin.data();
            block.tailMove = work.tailMove.data();
            // The previous group's tails' moves must be in place before this group reads.
#pragma omp barrier
            detail::umapRunLanes(block);
#pragma omp barrier
#pragma omp single nowait
            {
                // The group's new positions, then the tails' moves in edge order (the
                // group's vertices in order, each one's edges in order), into both the
                // layout and the snapshot that the next group reads.
                std::copy(pos + std::size_t(groupBegin) * std::size_t(dim),
                          pos + std::size_t(groupEnd) * std::size_t(dim),
                          snap + std::size_t(groupBegin) * std::size_t(dim));
                for (int j = groupBegin; j < groupEnd; ++j) {
                    const VertexWork& vw = vertexWork[j - groupBegin];
                    const GroupWork& w = m_work[2 * std::size_t(vw.thread) + parity];
                    for (std::int32_t p = vw.positiveBegin; p < vw.positiveEnd; ++p) {
                        const auto cell = std::size_t(w.positives[std::size_t(p)]);
                        const auto k = std::size_t(w.cells[cell]);
                        const float* move =
                            w.tailMove.data() + (cell / W) * std::size_t(dim) * W + cell % W;
                        for (int d = 0; d < dim; ++d) {
                            const std::size_t at = k * std::size_t(dim) + std::size_t(d);
                            pos[at] += move[std::size_t(d) * W];
                            snap[at] = pos[at];
                        }
                    }
                }
            }
        }
    }
}

int Umap::run(int untilEpoch, const UmapCallback& onEpoch, int callbackEvery,
              const Progress& progress)
{
    if (!m_ready)
        throw std::logic_error("Umap::run() called before init()");
    const int until = untilEpoch < 0 ? m_totalEpochs : std::min(untilEpoch, m_totalEpochs);
    callbackEvery = std::max(callbackEvery, 1);
    while (m_epoch < until) {
        progress.throwIfCancelled();
        const auto clock = std::chrono::steady_clock::now();
        runEpoch(m_epoch);
        m_timings.optimise += secondsSince(clock);
        ++m_epoch;
        m_viewStale = true;
        if (m_epoch % 10 == 0 || m_epoch == m_totalEpochs) {
            for (float v : m_pos)
                if (!std::isfinite(v))
                    throw NumericalError("UMAP: the layout became non-finite at epoch " +
                                         std::to_string(m_epoch));
            progress.report(double(m_epoch) / m_totalEpochs, "epoch " + std::to_string(m_epoch));
        }
        if (onEpoch && (m_epoch % callbackEvery == 0 || m_epoch == m_totalEpochs)) {
            UmapEpoch info;
            info.epoch = m_epoch;
            info.totalEpochs = m_totalEpochs;
            info.embedding = &embedding();
            if (onEpoch(info))
                break;
        }
    }
    if (m_epoch >= m_totalEpochs)
        progress.report(1.0);
    return m_epoch;
}

const Matrix& Umap::embedding() const
{
    if (m_viewStale) {
        const Eigen::Index n = Eigen::Index(m_pos.size()) / std::max(m_dim, 1);
        m_view.resize(n, m_dim);
        for (Eigen::Index i = 0; i < n; ++i)
            for (int d = 0; d < m_dim; ++d)
                m_view(i, d) = m_pos[std::size_t(i * m_dim + d)];
        m_viewStale = false;
    }
    return m_view;
}

UmapResult Umap::result() const
{
    UmapResult r;
    r.embedding = embedding();
    r.epochs = m_epoch;
    r.totalEpochs = m_totalEpochs;
    r.a = m_a;
    r.b = m_b;
    r.neighbours = m_neighbours;
    r.approximateKnn = m_approximate;
    r.initUsed = m_initUsed;
    r.initFallback = m_initFallback;
    r.initMessage = m_initMessage;
    r.notes = m_notes;
    r.timings = m_timings;
    return r;
}

UmapResult umap(const Matrix& X, const UmapConfig& cfg, const Progress& progress,
                const UmapCallback& onEpoch, int callbackEvery)
{
    Umap u(cfg);
    u.init(X, progress.sub(0.0, 0.2));
    u.run(-1, onEpoch, callbackEvery, progress.sub(0.2, 1.0));
    progress.report(1.0);
    return u.result();
}

} // namespace atlas
