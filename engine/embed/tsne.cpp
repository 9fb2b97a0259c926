// SPDX-License-Identifier: GPL-3.0-or-later
// t-SNE following scikit-learn 1.2.1 (sklearn/manifold/_t_sne.py, _barnes_hut_tsne.pyx,
// _quad_tree.pyx, _utils.pyx): same affinities, initialisation, optimiser schedule, stopping
// rules and cell-acceptance test; our own quadtree and loops. Large inputs take FIt-SNE's
// approximate neighbours, FFT-interpolated repulsion (engine/embed/tsne_fft.h) and, with the
// latter, its 750 iterations.
// References: van der Maaten & Hinton 2008 (JMLR 9); van der Maaten 2014 (JMLR 15);
// Linderman et al. 2019 (Nature Methods 16).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"   // GCC 12 + Eigen AVX-512 GEMM

#include "engine/embed/tsne.h"

#include "engine/core/error.h"
#include "engine/core/random.h"
#include "engine/embed/knn.h"
#include "engine/embed/tsne_fft.h"
#include "engine/embed/tsne_tree.h"

#include <Eigen/Eigenvalues>
#include <Eigen/SparseCore>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace atlas {

std::vector<std::string> TsneConfig::validate() const
{
    std::vector<std::string> p;
    const char* c = "TsneConfig";
    check(p, components == 2, c, "components", "must be 2 (Barnes-Hut uses a quadtree)",
          components);
    check(p, perplexity > 0.0 && std::isfinite(perplexity), c, "perplexity", "must be > 0",
          perplexity);
    check(p, earlyExaggeration >= 1.0 && std::isfinite(earlyExaggeration), c,
          "earlyExaggeration", "must be >= 1", earlyExaggeration);
    check(p, iterations >= 1, c, "iterations", "must be >= 1", iterations);
    check(p, exaggerationIterations >= 0 && exaggerationIterations <= iterations, c,
          "exaggerationIterations", "must be in [0, iterations]", exaggerationIterations);
    check(p, std::isfinite(learningRate), c, "learningRate", "must be finite (<= 0 = auto)",
          learningRate);
    check(p, fftIterations >= exaggerationIterations && fftIterations >= 1, c, "fftIterations",
          "must be >= exaggerationIterations and >= 1", fftIterations);
    check(p, iterationsWithoutProgress >= 1, c, "iterationsWithoutProgress", "must be >= 1",
          iterationsWithoutProgress);
    check(p, minGradNorm >= 0.0, c, "minGradNorm", "must be >= 0", minGradNorm);
    check(p, angle >= 0.0 && angle <= 1.0, c, "angle", "must be in [0, 1]", angle);
    check(p, initialMomentum >= 0.0 && initialMomentum < 1.0, c, "initialMomentum",
          "must be in [0, 1)", initialMomentum);
    check(p, finalMomentum >= 0.0 && finalMomentum < 1.0, c, "finalMomentum",
          "must be in [0, 1)", finalMomentum);
    check(p, minGain > 0.0 && std::isfinite(minGain), c, "minGain", "must be > 0", minGain);
    check(p, int(repulsion) >= 0 && int(repulsion) <= int(TsneRepulsion::Fft), c, "repulsion",
          "must be Auto, BarnesHut or Fft", int(repulsion));
    check(p, fftAbovePoints >= 2, c, "fftAbovePoints", "must be >= 2", fftAbovePoints);
    check(p, interpolationPoints >= 1 && interpolationPoints <= 10, c, "interpolationPoints",
          "must be in [1, 10]", interpolationPoints);
    check(p, minIntervals >= 1 && minIntervals <= 400, c, "minIntervals",
          "must be in [1, 400]", minIntervals);
    check(p, intervalsPerUnit > 0.0 && intervalsPerUnit <= 100.0, c, "intervalsPerUnit",
          "must be in (0, 100]", intervalsPerUnit);
    check(p, exactKnnMaxPoints >= 2, c, "exactKnnMaxPoints", "must be >= 2",
          exactKnnMaxPoints);
    check(p, knnSearchBreadth >= 1, c, "knnSearchBreadth", "must be >= 1", knnSearchBreadth);
    return p;
}

namespace {

constexpr int CheckEvery = 50;   // sklearn _N_ITER_CHECK

using detail::conditionalP;
using detail::QuadNode;
using detail::QuadTree;

} // namespace

Tsne::Tsne(TsneConfig cfg) : m_cfg(std::move(cfg))
{
    requireValid(m_cfg.validate());
}

Tsne::~Tsne() = default;
Tsne::Tsne(Tsne&&) noexcept = default;
Tsne& Tsne::operator=(Tsne&&) noexcept = default;

double Tsne::perplexityFor(const TsneConfig& cfg, Eigen::Index n)
{
    return cfg.perplexity >= double(n) ? double(n - 1) / 3.0 : cfg.perplexity;
}

int Tsne::neighbourCount(const TsneConfig& cfg, Eigen::Index n)
{
    const double perplexity = perplexityFor(cfg, n);
    return std::max(1, int(std::min<double>(double(n - 1), std::floor(3.0 * perplexity + 1.0))));
}

void Tsne::init(const Matrix& X, const Progress& progress, const detail::KnnGraph* neighbours)
{
    const Eigen::Index n = X.rows();
    if (n < 2 || X.cols() < 1)
        throw InputError("t-SNE needs at least 2 rows and 1 column (got " + std::to_string(n) +
                         " x " + std::to_string(X.cols()) + ")");
    if (!X.allFinite())
        throw InputError("t-SNE: the input contains NaN or infinite values");
    m_ready = false;
    m_notes.clear();
    progress.report(0.0, "nearest neighbours");

    m_perplexity = perplexityFor(m_cfg, n);
    if (m_perplexity != m_cfg.perplexity)
        m_notes.push_back("perplexity " + std::to_string(m_cfg.perplexity) +
                          " is not below the number of points (" + std::to_string(n) +
                          "); used " + std::to_string(m_perplexity));
    m_neighbours = neighbourCount(m_cfg, n);

    m_approximate = n >= m_cfg.exactKnnMaxPoints;
    if (!m_approximate && detail::exactGraphOf(neighbours, n, m_neighbours))
        m_knn = detail::leadingNeighbours(*neighbours, m_neighbours);
    else
        m_knn = m_approximate
                    ? detail::hnswKnn(X, m_neighbours, m_cfg.knnSearchBreadth, m_cfg.seed)
                    : detail::exactKnn(X, m_neighbours);
    const detail::KnnGraph& knn = m_knn;
    progress.throwIfCancelled();
    progress.report(0.6, "affinities");

    const Matrix cond = conditionalP(knn.distances.array().square().matrix(), m_perplexity);

    // P = (P_cond + P_cond^T) / sum, as a CSR matrix (sklearn _joint_probabilities_nn).
    std::vector<Eigen::Triplet<double, int>> triplets;
    triplets.reserve(std::size_t(2 * n * m_neighbours));
    for (Eigen::Index i = 0; i < n; ++i)
        for (int j = 0; j < m_neighbours; ++j) {
            triplets.emplace_back(int(i), knn.indices(i, j), cond(i, j));
            triplets.emplace_back(knn.indices(i, j), int(i), cond(i, j));
        }
    Eigen::SparseMatrix<double, Eigen::RowMajor, int> P(n, n);
    P.setFromTriplets(triplets.begin(), triplets.end());
    P.makeCompressed();
    double sum = 0.0;
    for (Eigen::Index t = 0; t < P.nonZeros(); ++t)
        sum += P.valuePtr()[t];
    sum = std::max(sum, std::numeric_limits<double>::epsilon());
    m_rowPtr.assign(P.outerIndexPtr(), P.outerIndexPtr() + n + 1);
    m_col.assign(P.innerIndexPtr(), P.innerIndexPtr() + P.nonZeros());
    m_val.resize(std::size_t(P.nonZeros()));
    for (Eigen::Index t = 0; t < P.nonZeros(); ++t)
        m_val[std::size_t(t)] = float(P.valuePtr()[t] / sum);
    m_longestRow = 0;
    for (Eigen::Index i = 0; i < n; ++i)
        m_longestRow = std::max(m_longestRow, int(m_rowPtr[std::size_t(i) + 1] - m_rowPtr[std::size_t(i)]));

    m_learningRate = m_cfg.learningRate > 0.0
                         ? m_cfg.learningRate
                         : std::max(double(n) / m_cfg.earlyExaggeration / 4.0, 50.0);

    progress.report(0.8, "initial layout");
    Rng rng(m_cfg.seed);
    bool random = m_cfg.init == TsneInit::Random;
    if (!random) {
        // sklearn: PCA(n_components=2) scores / std(scores[:, 0]) * 1e-4, with svd_flip's
        // sign convention (largest |score| of each component positive).
        const Matrix centred = X.rowwise() - X.colwise().mean();
        // Coefficient-wise, so that the sums do not depend on the thread count (Eigen's
        // blocked product splits a long depth between threads).
        const Matrix cov = centred.transpose().lazyProduct(centred);
        Eigen::SelfAdjointEigenSolver<Matrix> eig(cov);
        const Eigen::Index d = X.cols();
        Matrix scores = Matrix::Zero(n, 2);
        for (int c = 0; c < 2 && c < d; ++c)
            scores.col(c) = centred * eig.eigenvectors().col(d - 1 - c);
        for (int c = 0; c < 2; ++c) {
            Eigen::Index arg = 0;
            scores.col(c).cwiseAbs().maxCoeff(&arg);
            if (scores(arg, c) < 0)
                scores.col(c) *= -1.0;
        }
        const double sd = std::sqrt((scores.col(0).array() - scores.col(0).mean()).square().mean());
        if (eig.info() == Eigen::Success && sd > 0.0 && std::isfinite(sd)) {
            m_y = scores / sd * 1e-4;
        } else {
            random = true;
            m_notes.push_back("the input has no variance for a PCA initialisation; used a "
                              "random one");
        }
    }
    if (random) {
        m_y.resize(n, 2);
        for (Eigen::Index i = 0; i < n; ++i)
            for (int c = 0; c < 2; ++c)
                m_y(i, c) = 1e-4 * rng.normal();
    }

    m_it = 0;
    m_done = false;
    m_kl = std::numeric_limits<double>::quiet_NaN();
    m_grad = Matrix::Zero(n, 2);
    m_fft = m_cfg.repulsion == TsneRepulsion::Fft ||
            (m_cfg.repulsion == TsneRepulsion::Auto && n > m_cfg.fftAbovePoints);
    m_fftRepulsion.reset();
    if (m_fft) {
        detail::FftGridConfig grid;
        grid.interpolationPoints = m_cfg.interpolationPoints;
        grid.minIntervals = m_cfg.minIntervals;
        grid.intervalsPerUnit = m_cfg.intervalsPerUnit;
        m_fftRepulsion = std::make_unique<detail::FftRepulsion>(grid);
    }
    m_total = m_fft ? std::min(m_cfg.iterations, m_cfg.fftIterations) : m_cfg.iterations;
    startPhase(m_cfg.exaggerationIterations > 0 ? 0 : 1, 0);
    m_ready = true;
    progress.report(1.0);
}

void Tsne::startPhase(int phase, int firstIteration)
{
    // Each sklearn _gradient_descent call starts with zero update and unit gains.
    m_phase = phase;
    m_phaseEnd = phase == 0 ? m_cfg.exaggerationIterations : m_total;
    m_update = Matrix::Zero(m_y.rows(), 2);
    m_gains = Matrix::Ones(m_y.rows(), 2);
    m_bestError = std::numeric_limits<double>::max();
    m_bestIter = firstIteration;
    if (firstIteration >= m_total)
        m_done = true;
}

double Tsne::repulsionBarnesHut(std::vector<double>& negX, std::vector<double>& negY) const
{
    const int n = int(m_y.rows());
    QuadTree tree;
    tree.build(m_y);
    const auto& nodes = tree.nodes();
    const auto& order = tree.order();
    const double theta2 = m_cfg.angle * m_cfg.angle;

    const auto un = static_cast<std::size_t>(n);
    std::vector<double> qSum(un);
    negX.resize(un);
    negY.resize(un);
    // Repulsion (sklearn compute_gradient_negative), points visited in tree order for cache
    // locality; each point's sums are its own, so the thread count cannot change them.
#pragma omp parallel
    {
        std::vector<int> stack;
        stack.reserve(512);
#pragma omp for schedule(dynamic, 64)
        for (int t = 0; t < n; ++t) {
            const int i = order[std::size_t(t)];
            const double px = m_y(i, 0), py = m_y(i, 1);
            const int own = tree.leafOf(i);
            double sq = 0.0, fx = 0.0, fy = 0.0;
            stack.clear();
            stack.push_back(0);
            while (!stack.empty()) {
                const int id = stack.back();
                stack.pop_back();
                const QuadNode& q = nodes[std::size_t(id)];
                if (id == own)
                    continue;   // the point itself and its exact duplicates (as sklearn)
                const double dx = px - q.cx, dy = py - q.cy;
                const double d2 = dx * dx + dy * dy;
                if (q.firstChild < 0 || q.width2 < theta2 * d2) {
                    const double qz = 1.0 / (1.0 + d2);
                    const double mult = q.count * qz;
                    sq += mult;
                    fx += mult * qz * dx;
                    fy += mult * qz * dy;
                } else {
                    for (int c = 0; c < q.children; ++c)
                        stack.push_back(q.firstChild + c);
                }
            }
            qSum[std::size_t(i)] = sq;
            negX[std::size_t(i)] = fx;
            negY[std::size_t(i)] = fy;
        }
    }
    double sumQ = 0.0;
    for (double v : qSum)
        sumQ += v;
    return sumQ;
}

double Tsne::gradient(double exaggeration, bool computeError)
{
    const int n = int(m_y.rows());
    std::vector<double>& negX = m_negX;
    std::vector<double>& negY = m_negY;
    double sumQ = m_fft ? m_fftRepulsion->compute(m_y, negX, negY)
                        : repulsionBarnesHut(negX, negY);
    sumQ = std::max(sumQ, std::numeric_limits<double>::min());

    // Attraction over the sparse P (sklearn compute_gradient_positive) and the KL estimate,
    // in single precision as sklearn computes it (float32 positions, P, distances and sums).
    // The layout row-major, so that a neighbour's two coordinates are one 8-byte load, and
    // the whole layout (8 bytes a point) stays in cache for the neighbours' random reads.
    m_yRows.resize(2 * std::size_t(n));
    for (int i = 0; i < n; ++i) {
        m_yRows[2 * std::size_t(i)] = float(m_y(i, 0));
        m_yRows[2 * std::size_t(i) + 1] = float(m_y(i, 1));
    }
    const float* yr = m_yRows.data();
    const float exag = float(exaggeration);
    std::vector<double> klTerm(computeError ? std::size_t(n) : 0);
    constexpr double FloatTiny = 1.17549435e-38;   // sklearn FLOAT32_TINY
    // Each row's neighbours are first copied next to each other, so that the arithmetic runs
    // in SIMD lanes: Lanes partial sums per row, added in a fixed order at the end (the same
    // for any thread count).
    constexpr int Lanes = 16;
#pragma omp parallel
    {
        std::vector<float> nx(std::size_t(m_longestRow) + Lanes), ny(nx.size());
#pragma omp for schedule(static)
        for (int i = 0; i < n; ++i) {
            const float px = yr[2 * std::size_t(i)], py = yr[2 * std::size_t(i) + 1];
            const long begin = m_rowPtr[std::size_t(i)];
            const int count = int(m_rowPtr[std::size_t(i) + 1] - begin);
            const int* col = &m_col[std::size_t(begin)];
            const float* val = &m_val[std::size_t(begin)];
            for (int t = 0; t < count; ++t) {
                const std::size_t j = std::size_t(col[t]);
                nx[std::size_t(t)] = yr[2 * j];
                ny[std::size_t(t)] = yr[2 * j + 1];
            }
            float fxLane[Lanes] = {}, fyLane[Lanes] = {};
            int t = 0;
            for (; t + Lanes <= count; t += Lanes) {
#pragma omp simd
                for (int l = 0; l < Lanes; ++l) {
                    const float dx = px - nx[std::size_t(t + l)], dy = py - ny[std::size_t(t + l)];
                    const float pq = val[t + l] * exag / (1.0f + dx * dx + dy * dy);
                    fxLane[l] += pq * dx;
                    fyLane[l] += pq * dy;
                }
            }
            for (int l = 0; t < count; ++t, ++l) {
                const float dx = px - nx[std::size_t(t)], dy = py - ny[std::size_t(t)];
                const float pq = val[t] * exag / (1.0f + dx * dx + dy * dy);
                fxLane[l] += pq * dx;
                fyLane[l] += pq * dy;
            }
            double fx = 0.0, fy = 0.0;
            for (int l = 0; l < Lanes; ++l) {
                fx += double(fxLane[l]);
                fy += double(fyLane[l]);
            }
            // dC/dy_i = 4 (sum_j p_ij q_ij Z (y_i - y_j) - sum_j q_ij^2 Z^2 (y_i - y_j) / Z)
            m_grad(i, 0) = 4.0 * (fx - negX[std::size_t(i)] / sumQ);
            m_grad(i, 1) = 4.0 * (fy - negY[std::size_t(i)] / sumQ);
            if (computeError) {
                double kl = 0.0;
                for (int k = 0; k < count; ++k) {
                    const double dx = double(px) - nx[std::size_t(k)];
                    const double dy = double(py) - ny[std::size_t(k)];
                    const double q = 1.0 / (1.0 + dx * dx + dy * dy);
                    const double p = double(val[k]) * exaggeration;
                    kl += p * std::log(std::max(p, FloatTiny) / std::max(q / sumQ, FloatTiny));
                }
                klTerm[std::size_t(i)] = kl;
            }
        }
    }
    double kl = std::numeric_limits<double>::quiet_NaN();
    if (computeError) {
        kl = 0.0;
        for (double v : klTerm)
            kl += v;
    }
    return kl;
}

int Tsne::run(int untilIteration, const TsneCallback& onIteration, int callbackEvery,
              const Progress& progress)
{
    if (!m_ready)
        throw std::logic_error("Tsne::run() called before init()");
    const int total = m_total;
    const int until = untilIteration < 0 ? total : std::min(untilIteration, total);
    callbackEvery = std::max(callbackEvery, 1);
    const Eigen::Index n = m_y.rows();

    while (!m_done && m_it < until) {
        progress.throwIfCancelled();
        const int i = m_it;
        const bool checkNow = (i + 1) % CheckEvery == 0;
        const bool lastOfPhase = i == m_phaseEnd - 1;
        const bool callNow = onIteration && ((i + 1) % callbackEvery == 0 || i == total - 1);
        const double exaggeration = m_phase == 0 ? m_cfg.earlyExaggeration : 1.0;
        const double momentum = m_phase == 0 ? m_cfg.initialMomentum : m_cfg.finalMomentum;

        const double error = gradient(exaggeration, checkNow || lastOfPhase || callNow);
        if (!std::isnan(error))
            m_kl = error;

        // Delta-bar-delta gains and momentum step (sklearn _gradient_descent).
        double gradNorm2 = 0.0;
        for (int c = 0; c < 2; ++c)
            for (Eigen::Index r = 0; r < n; ++r) {
                double& gain = m_gains(r, c);
                const double g = m_grad(r, c);
                gain = (m_update(r, c) * g < 0.0) ? gain + 0.2 : gain * 0.8;
                gain = std::max(gain, m_cfg.minGain);
                const double scaled = g * gain;
                gradNorm2 += scaled * scaled;
                m_update(r, c) = momentum * m_update(r, c) - m_learningRate * scaled;
                m_y(r, c) += m_update(r, c);
            }
        if (!m_y.allFinite())
            throw NumericalError("t-SNE: the layout became non-finite at iteration " +
                                 std::to_string(i + 1) + "; try a lower learning rate");
        m_it = i + 1;

        bool stopPhase = lastOfPhase;
        if (checkNow) {
            const int patience =
                m_phase == 0 ? m_cfg.exaggerationIterations : m_cfg.iterationsWithoutProgress;
            if (error < m_bestError) {
                m_bestError = error;
                m_bestIter = i;
            } else if (i - m_bestIter > patience) {
                stopPhase = true;
            }
            if (std::sqrt(gradNorm2) <= m_cfg.minGradNorm)
                stopPhase = true;
        }
        if (stopPhase) {
            if (m_phase == 0)
                startPhase(1, m_it);
            else
                m_done = true;
        }
        if (m_it >= total)
            m_done = true;

        if (m_it % 10 == 0 || m_done)
            progress.report(double(m_it) / total, "iteration " + std::to_string(m_it));
        if (callNow || (onIteration && m_done)) {
            TsneIteration info;
            info.iteration = m_it;
            info.totalIterations = total;
            info.exaggerated = m_phase == 0 && !m_done;
            info.klDivergence = error;
            info.embedding = &m_y;
            if (onIteration(info))
                break;
        }
    }
    if (m_done)
        progress.report(1.0);
    return m_it;
}

TsneResult Tsne::result() const
{
    TsneResult r;
    r.embedding = m_y;
    r.klDivergence = m_kl;
    r.iterations = m_it;
    r.learningRate = m_learningRate;
    r.perplexity = m_perplexity;
    r.neighbours = m_neighbours;
    r.fft = m_fft;
    r.approximateNeighbours = m_approximate;
    r.notes = m_notes;
    return r;
}

TsneResult tsne(const Matrix& X, const TsneConfig& cfg, const Progress& progress,
                const TsneCallback& onIteration, int callbackEvery)
{
    Tsne t(cfg);
    t.init(X, progress.sub(0.0, 0.05));
    t.run(-1, onIteration, callbackEvery, progress.sub(0.05, 1.0));
    progress.report(1.0);
    return t.result();
}

} // namespace atlas
