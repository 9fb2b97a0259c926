// SPDX-License-Identifier: GPL-3.0-or-later
// New points on a finished map: umap-learn 0.5 (umap/umap_.py UMAP.transform,
// init_graph_transform; umap/layouts.py optimize_layout_euclidean with move_other=False) and
// openTSNE 1.0 (openTSNE/tsne.py TSNEEmbedding.transform, prepare_partial; affinity.py
// PerplexityBasedNN.to_new; _tsne.pyx estimate_negative_gradient_bh without pairwise
// normalisation). Our own loops, one point at a time (see transform.h).
#include "engine/embed/transform.h"

#include "engine/core/error.h"
#include "engine/core/parallel.h"
#include "engine/core/random.h"
#include "engine/embed/point_index.h"
#include "engine/embed/tsne_tree.h"
#include "engine/embed/umap_graph.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <numeric>

namespace atlas {

namespace {

void checkInputs(const char* what, const Matrix& fitted, const Matrix& embedding,
                 const Matrix& added)
{
    const std::string name(what);
    if (fitted.rows() < 2)
        throw InputError(name + ": needs a map of at least 2 fitted points (got " +
                         std::to_string(fitted.rows()) + ")");
    if (embedding.rows() != fitted.rows())
        throw InputError(name + ": the map has " + std::to_string(embedding.rows()) +
                         " points for " + std::to_string(fitted.rows()) + " fitted rows");
    if (added.cols() != fitted.cols())
        throw InputError(name + ": the new rows have " + std::to_string(added.cols()) +
                         " columns, the fitted rows " + std::to_string(fitted.cols()));
    if (!fitted.allFinite() || !embedding.allFinite() || !added.allFinite())
        throw InputError(name + ": the input contains NaN or infinite values");
}

// The k nearest fitted rows of `x`, sorted by (distance, row); distances Euclidean, each
// summed coordinate by coordinate (no |a|^2 + |b|^2 - 2ab cancellation).
void nearestFitted(const Matrix& fitted, const Eigen::Ref<const RowVector>& x, int k,
                   std::vector<int>& index, std::vector<double>& distance,
                   std::vector<double>& scratch)
{
    const Eigen::Index n = fitted.rows(), d = fitted.cols();
    scratch.resize(std::size_t(n));
    for (Eigen::Index r = 0; r < n; ++r) {
        double s = 0.0;
        for (Eigen::Index c = 0; c < d; ++c) {
            const double t = fitted(r, c) - x(c);
            s += t * t;
        }
        scratch[std::size_t(r)] = s;
    }
    index.resize(std::size_t(n));
    std::iota(index.begin(), index.end(), 0);
    const auto less = [&](int a, int b) {
        const double da = scratch[std::size_t(a)], db = scratch[std::size_t(b)];
        return da < db || (da == db && a < b);
    };
    std::partial_sort(index.begin(), index.begin() + k, index.end(), less);
    index.resize(std::size_t(k));
    distance.resize(std::size_t(k));
    for (int j = 0; j < k; ++j)
        distance[std::size_t(j)] = std::sqrt(scratch[std::size_t(index[std::size_t(j)])]);
}

// Runs `place(i)` for every added row, in parallel, with cancellation between rows; each
// row is computed by one thread with the same code, so the thread count changes nothing.
template <class Place>
void forEachAdded(Eigen::Index rows, const Progress& progress, Place place)
{
    std::atomic<bool> cancelled{false};
    std::atomic<long> done{0};
#pragma omp parallel for schedule(dynamic, 1)
    for (Eigen::Index i = 0; i < rows; ++i) {
        if (cancelled.load(std::memory_order_relaxed))
            continue;
        if (progress.isCancelled()) {
            cancelled = true;
            continue;
        }
        place(i);
        const long k = ++done;
        if (threadIndex() == 0 && (k % 16 == 0 || k == rows))
            progress.report(double(k) / double(rows));
    }
    if (cancelled)
        throw Cancelled();
    progress.report(1.0);
}

float clip4(float v)
{
    return std::clamp(v, -4.0f, 4.0f);
}

} // namespace

Matrix umapTransform(const Matrix& fitted, const Matrix& embedding, const Matrix& added,
                     const UmapConfig& cfg, std::span<const std::uint64_t> keys,
                     const Progress& progress)
{
    requireValid(cfg.validate());
    checkInputs("UMAP placement", fitted, embedding, added);
    if (keys.size() != std::size_t(added.rows()))
        throw InputError("UMAP placement: " + std::to_string(keys.size()) + " keys for " +
                         std::to_string(added.rows()) + " new rows");
    const Eigen::Index n = fitted.rows();
    const int dim = int(embedding.cols());
    // The fit's n_neighbors: reduced to n - 1 (at least 2) for small inputs, as Umap::init.
    const int k = int(std::min<Eigen::Index>(
        n, cfg.neighbours > n - 1 ? std::max<Eigen::Index>(n - 1, 2) : cfg.neighbours));
    double a = cfg.a, b = cfg.b;
    if (!(a > 0.0 && b > 0.0))
        std::tie(a, b) = findAbParams(cfg.spread, cfg.minDist);
    const int epochs = cfg.epochs > 0 ? cfg.epochs / 3 : 100;   // umap-learn: n_epochs // 3
    const double alpha0 = cfg.learningRate / 4.0;
    const double connectivity = std::max(0.0, cfg.localConnectivity - 1.0);
    const float fa = float(a), fb = float(b), gamma = float(cfg.repulsionStrength);

    // The fitted layout in single precision, as umap-learn's optimiser sees it.
    std::vector<float> tail(std::size_t(n) * std::size_t(dim));
    for (Eigen::Index r = 0; r < n; ++r)
        for (int c = 0; c < dim; ++c)
            tail[std::size_t(r) * std::size_t(dim) + std::size_t(c)] = float(embedding(r, c));

    Matrix out(added.rows(), dim);
    forEachAdded(added.rows(), progress, [&](Eigen::Index i) {
        std::vector<int> index;
        std::vector<double> dist, scratch;
        nearestFitted(fitted, added.row(i), k, index, dist, scratch);

        // Membership strengths (smooth_knn_dist + compute_membership_strengths, bipartite).
        Matrix d(1, k);
        for (int j = 0; j < k; ++j)
            d(0, j) = dist[std::size_t(j)];
        Vector sigma, rho;
        detail::smoothKnnDist(d, connectivity, sigma, rho);
        std::vector<double> w(static_cast<std::size_t>(k));
        for (int j = 0; j < k; ++j) {
            const double t = dist[std::size_t(j)] - rho(0);
            w[std::size_t(j)] = (t <= 0.0 || sigma(0) == 0.0) ? 1.0 : std::exp(-(t / sigma(0)));
        }

        // Initial place (init_graph_transform).
        std::vector<float> cur(std::size_t(dim), 0.0f);
        const auto exact = std::find(w.begin(), w.end(), 1.0);
        if (exact != w.end()) {
            const int r = index[std::size_t(exact - w.begin())];
            for (int c = 0; c < dim; ++c)
                cur[std::size_t(c)] = tail[std::size_t(r) * std::size_t(dim) + std::size_t(c)];
        } else {
            double sum = 0.0;
            std::vector<double> acc(std::size_t(dim), 0.0);
            for (int j = 0; j < k; ++j) {
                sum += w[std::size_t(j)];
                for (int c = 0; c < dim; ++c)
                    acc[std::size_t(c)] += w[std::size_t(j)] * embedding(index[std::size_t(j)], c);
            }
            for (int c = 0; c < dim; ++c)
                cur[std::size_t(c)] = float(acc[std::size_t(c)] / sum);
        }

        // Pruning and the sampling schedule (make_epochs_per_sample), from this point's edges.
        const double strongest = *std::max_element(w.begin(), w.end());
        std::vector<int> tails;
        std::vector<double> perSample, nextSample, perNeg, nextNeg;
        for (int j = 0; j < k; ++j) {
            const double wj = w[std::size_t(j)];
            if (wj < strongest / double(epochs))
                continue;
            const double samples = double(epochs) * (wj / strongest);
            if (!(samples > 0.0))
                continue;
            tails.push_back(index[std::size_t(j)]);
            perSample.push_back(double(epochs) / samples);
            perNeg.push_back(cfg.negativeSampleRate > 0
                                 ? perSample.back() / double(cfg.negativeSampleRate)
                                 : INFINITY);
        }
        nextSample = perSample;
        nextNeg = perNeg;

        // optimize_layout_euclidean, the fitted layout fixed (move_other = False).
        Rng rng(cfg.seed * SplitMix64Gamma ^ keys[std::size_t(i)]);
        double alpha = alpha0;
        for (int epoch = 0; epoch < epochs; ++epoch) {
            const float fal = float(alpha);
            for (std::size_t e = 0; e < tails.size(); ++e) {
                if (nextSample[e] > double(epoch))
                    continue;
                const float* other = &tail[std::size_t(tails[e]) * std::size_t(dim)];
                float d2 = 0.0f;
                for (int c = 0; c < dim; ++c) {
                    const float t = cur[std::size_t(c)] - other[c];
                    d2 += t * t;
                }
                float coeff = 0.0f;
                if (d2 > 0.0f)
                    coeff = -2.0f * fa * fb * std::pow(d2, fb - 1.0f) /
                            (fa * std::pow(d2, fb) + 1.0f);
                for (int c = 0; c < dim; ++c)
                    cur[std::size_t(c)] += clip4(coeff * (cur[std::size_t(c)] - other[c])) * fal;
                nextSample[e] += perSample[e];
                if (cfg.negativeSampleRate <= 0)
                    continue;
                const int negatives = int((double(epoch) - nextNeg[e]) / perNeg[e]);
                for (int p = 0; p < negatives; ++p) {
                    const auto target = std::size_t(rng.below(std::uint64_t(n)));
                    const float* o = &tail[target * std::size_t(dim)];
                    float q2 = 0.0f;
                    for (int c = 0; c < dim; ++c) {
                        const float t = cur[std::size_t(c)] - o[c];
                        q2 += t * t;
                    }
                    if (!(q2 > 0.0f))
                        continue;
                    const float rc =
                        2.0f * gamma * fb / ((0.001f + q2) * (fa * std::pow(q2, fb) + 1.0f));
                    for (int c = 0; c < dim; ++c)
                        cur[std::size_t(c)] += clip4(rc * (cur[std::size_t(c)] - o[c])) * fal;
                }
                nextNeg[e] += double(std::max(negatives, 0)) * perNeg[e];
            }
            // umap-learn: alpha = initial * (1 - epoch / n_epochs), after each epoch.
            alpha = alpha0 * (1.0 - double(epoch) / double(epochs));
        }
        for (int c = 0; c < dim; ++c)
            out(i, c) = double(cur[std::size_t(c)]);
    });
    if (!out.allFinite())
        throw NumericalError("UMAP placement: a new point's place is not finite");
    return out;
}

std::vector<std::string> TsneTransformConfig::validate() const
{
    std::vector<std::string> p;
    const char* c = "TsneTransformConfig";
    check(p, perplexity > 0.0 && std::isfinite(perplexity), c, "perplexity", "must be > 0",
          perplexity);
    check(p, initNeighbours >= 1, c, "initNeighbours", "must be >= 1", initNeighbours);
    check(p, learningRate > 0.0 && std::isfinite(learningRate), c, "learningRate",
          "must be > 0", learningRate);
    check(p, exaggeration > 0.0 && std::isfinite(exaggeration), c, "exaggeration",
          "must be > 0", exaggeration);
    check(p, iterations >= 0, c, "iterations", "must be >= 0", iterations);
    check(p, momentum >= 0.0 && momentum < 1.0, c, "momentum", "must be in [0, 1)", momentum);
    check(p, maxGradNorm > 0.0, c, "maxGradNorm", "must be > 0", maxGradNorm);
    check(p, angle >= 0.0 && angle <= 1.0, c, "angle", "must be in [0, 1]", angle);
    check(p, minGain > 0.0 && std::isfinite(minGain), c, "minGain", "must be > 0", minGain);
    return p;
}

Matrix tsneTransform(const Matrix& fitted, const Matrix& embedding, const Matrix& added,
                     const TsneTransformConfig& cfg, const Progress& progress)
{
    requireValid(cfg.validate());
    checkInputs("t-SNE placement", fitted, embedding, added);
    if (embedding.cols() != 2)
        throw InputError("t-SNE placement: the map must have 2 columns");
    const Eigen::Index n = fitted.rows();
    // openTSNE PerplexityBasedNN.to_new: k = min(n, int(3 perplexity)); a perplexity above
    // k / 3 is lowered to it (check_perplexity).
    const int k = int(std::max<Eigen::Index>(
        1, std::min<Eigen::Index>(n, Eigen::Index(3.0 * cfg.perplexity))));
    const double perplexity = std::min(cfg.perplexity, double(k) / 3.0);
    const int initK = std::min(k, cfg.initNeighbours);
    const detail::QuadTree tree(embedding);
    const auto& nodes = tree.nodes();
    const double theta2 = cfg.angle * cfg.angle;

    Matrix out(added.rows(), 2);
    forEachAdded(added.rows(), progress, [&](Eigen::Index i) {
        std::vector<int> index;
        std::vector<double> dist, scratch;
        nearestFitted(fitted, added.row(i), k, index, dist, scratch);
        Matrix sq(1, k);
        for (int j = 0; j < k; ++j)
            sq(0, j) = dist[std::size_t(j)] * dist[std::size_t(j)];
        const Matrix P = detail::conditionalP(sq, perplexity) * cfg.exaggeration;

        // Initial place: the median of the nearest fitted places (openTSNE "median").
        double y[2];
        std::vector<double> coord(static_cast<std::size_t>(initK));
        for (int c = 0; c < 2; ++c) {
            for (int j = 0; j < initK; ++j)
                coord[std::size_t(j)] = embedding(index[std::size_t(j)], c);
            std::sort(coord.begin(), coord.end());
            const std::size_t m = coord.size() / 2;
            y[c] = coord.size() % 2 ? coord[m] : 0.5 * (coord[m - 1] + coord[m]);
        }

        double update[2] = {0.0, 0.0}, gains[2] = {1.0, 1.0};
        std::vector<int> stack;
        stack.reserve(256);
        for (int it = 0; it < cfg.iterations; ++it) {
            // Repulsion from the fitted map, normalised by this point's own sum of q.
            double sumQ = 0.0, neg[2] = {0.0, 0.0};
            stack.assign(1, 0);
            while (!stack.empty()) {
                const int id = stack.back();
                stack.pop_back();
                const detail::QuadNode& q = nodes[std::size_t(id)];
                const double dx = y[0] - q.cx, dy = y[1] - q.cy;
                const double d2 = dx * dx + dy * dy;
                if (q.firstChild < 0 || q.width2 < theta2 * d2) {
                    const double qz = 1.0 / (1.0 + d2);
                    const double mult = q.count * qz;
                    sumQ += mult;
                    neg[0] += mult * qz * dx;
                    neg[1] += mult * qz * dy;
                } else {
                    for (int c = 0; c < q.children; ++c)
                        stack.push_back(q.firstChild + c);
                }
            }
            constexpr double Epsilon = 2.220446049250313e-16;   // openTSNE EPSILON
            double grad[2] = {-neg[0] / (sumQ + Epsilon), -neg[1] / (sumQ + Epsilon)};
            // Attraction to the neighbours (estimate_positive_gradient_nn).
            for (int j = 0; j < k; ++j) {
                const int r = index[std::size_t(j)];
                const double dx = y[0] - embedding(r, 0), dy = y[1] - embedding(r, 1);
                const double pq = P(0, j) / (1.0 + dx * dx + dy * dy);
                grad[0] += pq * dx;
                grad[1] += pq * dy;
            }
            const double norm = std::hypot(grad[0], grad[1]);
            const double scale = cfg.maxGradNorm / (norm + 1e-6);
            for (int c = 0; c < 2; ++c) {
                if (scale < 1.0)
                    grad[c] *= scale;
                const auto sign = [](double v) { return (v > 0.0) - (v < 0.0); };
                if (sign(update[c]) != sign(grad[c]))
                    gains[c] += 0.2;
                else
                    gains[c] = gains[c] * 0.8 + cfg.minGain;
                update[c] = cfg.momentum * update[c] - cfg.learningRate * gains[c] * grad[c];
                y[c] += update[c];
            }
        }
        out(i, 0) = y[0];
        out(i, 1) = y[1];
    });
    if (!out.allFinite())
        throw NumericalError("t-SNE placement: a new point's place is not finite");
    return out;
}

Matrix matchNeighbourhoods(const Matrix& fitted, const Matrix& embedding, const Matrix& added,
                           const Matrix& places, int k, int grid, const Progress& progress)
{
    checkInputs("neighbourhood matching", fitted, embedding, added);
    if (places.rows() != added.rows() || places.cols() != 2 || embedding.cols() != 2)
        throw InputError("neighbourhood matching: needs 2-D places, one per new row");
    if (!places.allFinite())
        throw InputError("neighbourhood matching: a place is not finite");
    const Eigen::Index n = fitted.rows();
    k = int(std::clamp<Eigen::Index>(k, 1, n));
    grid = std::max(grid, 1) | 1;   // odd: the original place is a candidate
    const PointIndex index(embedding);
    Matrix out = places;
    forEachAdded(added.rows(), progress, [&](Eigen::Index i) {
        std::vector<int> latent;
        std::vector<double> dist, scratch;
        nearestFitted(fitted, added.row(i), k, latent, dist, scratch);
        std::vector<char> isLatent(std::size_t(n), 0);
        for (int r : latent)
            isLatent[std::size_t(r)] = 1;

        const double px = places(i, 0), py = places(i, 1);
        const double span = std::max({index.maxX() - index.minX(), index.maxY() - index.minY(),
                                      1e-12});
        std::vector<std::pair<double, int>> order;
        // How many of the k nearest fitted places to (x, y) among `local` are latent
        // neighbours.
        const auto score = [&](double x, double y, const std::vector<int>& local) {
            order.resize(local.size());
            for (std::size_t t = 0; t < local.size(); ++t) {
                const int r = local[t];
                const double dx = embedding(r, 0) - x, dy = embedding(r, 1) - y;
                order[t] = {dx * dx + dy * dy, r};
            }
            const std::size_t kk = std::min<std::size_t>(std::size_t(k), order.size());
            std::partial_sort(order.begin(), order.begin() + std::ptrdiff_t(kk), order.end());
            int agree = 0;
            for (std::size_t t = 0; t < kk; ++t)
                agree += isLatent[std::size_t(order[t].second)];
            return agree;
        };
        int best = -1;
        double bestX = px, bestY = py, bestOffset = 0.0;
        // A grid around (cx, cy), half as wide as twice the distance to its k-th nearest
        // fitted place.
        const auto searchAround = [&](double cx, double cy) {
            // The fitted places near (cx, cy): a box grown until it holds k of them.
            double half = span / std::sqrt(double(n)) * std::sqrt(double(k));
            std::vector<int> near;
            for (;;) {
                near = index.inRectangle(cx - half, cy - half, cx + half, cy + half);
                if (int(near.size()) >= k || half > 4.0 * span)
                    break;
                half *= 2.0;
            }
            scratch.clear();
            for (int r : near) {
                const double dx = embedding(r, 0) - cx, dy = embedding(r, 1) - cy;
                scratch.push_back(dx * dx + dy * dy);
            }
            double reach = 0.0;
            if (!scratch.empty()) {
                const std::size_t kk = std::min<std::size_t>(std::size_t(k), scratch.size()) - 1;
                std::nth_element(scratch.begin(), scratch.begin() + std::ptrdiff_t(kk),
                                 scratch.end());
                reach = std::sqrt(scratch[kk]);
            }
            const double radius = reach > 0.0 ? reach : span / std::sqrt(double(n));
            const double window = 2.0 * radius;
            // Every candidate's k nearest lie within this box (the k-th of the centre is within
            // `radius`, a candidate at most sqrt(2) window from it).
            const double pad = (radius + std::sqrt(2.0) * window) * 1.001;
            std::vector<int> local = index.inRectangle(cx - pad, cy - pad, cx + pad, cy + pad);
            if (int(local.size()) < k) {
                local.resize(std::size_t(n));
                std::iota(local.begin(), local.end(), 0);
            }
            const int mid = grid / 2;
            for (int a = 0; a < grid; ++a)
                for (int b = 0; b < grid; ++b) {
                    const double x = cx + window * double(a - mid) / std::max(mid, 1);
                    const double y = cy + window * double(b - mid) / std::max(mid, 1);
                    const double offset = (x - px) * (x - px) + (y - py) * (y - py);
                    const int s = score(x, y, local);
                    if (s > best || (s == best && offset < bestOffset)) {
                        best = s;
                        bestX = x;
                        bestY = y;
                        bestOffset = offset;
                    }
                }
        };
        // Around the transform's place, and around the fitted places of the nearest rows in
        // the input space (where the transform may have missed a better spot).
        searchAround(px, py);
        for (int t = 0; t < std::min(k, 3); ++t)
            searchAround(embedding(latent[std::size_t(t)], 0), embedding(latent[std::size_t(t)], 1));
        out(i, 0) = bestX;
        out(i, 1) = bestY;
    });
    return out;
}

} // namespace atlas
