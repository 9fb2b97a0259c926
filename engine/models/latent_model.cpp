// SPDX-License-Identifier: GPL-3.0-or-later
// GCC 12 reports false -Wmaybe-uninitialized inside its AVX-512 intrinsics once Eigen's
// kernels are inlined (GCC PR 105593); it must be silenced before Eigen is included.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include "engine/models/latent_model.h"

#include "engine/core/error.h"
#include "engine/core/random.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <sstream>

namespace atlas {

int activeDimensions(const Matrix& codes, double threshold)
{
    if (codes.rows() < 2)
        return 0;
    int active = 0;
    for (Eigen::Index k = 0; k < codes.cols(); ++k) {
        const double mean = codes.col(k).mean();
        const double var = (codes.col(k).array() - mean).square().mean();
        if (var > threshold)
            ++active;
    }
    return active;
}

namespace detail {

namespace {

std::string number(double v)
{
    std::ostringstream s;
    s << v;
    return s.str();
}

} // namespace

void LatentModel::checkInput(const Matrix& X, const Labels* labels, bool training) const
{
    if (X.rows() == 0 || X.cols() == 0)
        throw InputError(m_name + ": the input matrix is empty (" + std::to_string(X.rows()) +
                         " x " + std::to_string(X.cols()) + ")");
    if (!training && X.cols() != m_net.shape().inputs)
        throw InputError(m_name + ": the input has " + std::to_string(X.cols()) +
                         " features but the model was trained on " +
                         std::to_string(m_net.shape().inputs));
    if (!X.allFinite()) {
        for (Eigen::Index i = 0; i < X.rows(); ++i)
            for (Eigen::Index j = 0; j < X.cols(); ++j)
                if (!std::isfinite(X(i, j)))
                    throw InputError(m_name + ": the input contains a non-finite value (" +
                                     number(X(i, j)) + " at row " + std::to_string(i) +
                                     ", feature " + std::to_string(j) +
                                     "); remove or impute it before training");
    }
    if (labels) {
        if (labels->size() != X.rows())
            throw InputError(m_name + ": " + std::to_string(labels->size()) +
                             " condition labels for " + std::to_string(X.rows()) + " rows");
        for (Eigen::Index i = 0; i < labels->size(); ++i) {
            const int c = (*labels)(i);
            if (c < 0)
                throw InputError(m_name + ": row " + std::to_string(i) + " has condition label " +
                                 std::to_string(c) +
                                 "; every row needs a class >= 0 (noise rows cannot condition)");
            if (!training && c >= m_net.shape().classes)
                throw InputError(m_name + ": row " + std::to_string(i) + " has condition label " +
                                 std::to_string(c) + " but the model knows " +
                                 std::to_string(m_net.shape().classes) + " classes");
        }
    }
}

MatR<float> LatentModel::oneHotRows(const Labels* labels, Eigen::Index rows) const
{
    const int classes = m_net.shape().classes;
    if (!labels || classes == 0)
        return MatR<float>(rows, 0);
    std::vector<int> l(labels->data(), labels->data() + labels->size());
    return oneHot<float>(l, classes);
}

void LatentModel::fit(const Matrix& X, const Labels* labels, const TrainerSettings& s,
                      const Progress& progress, const EpochCallback& onEpoch)
{
    m_name = s.name;
    checkInput(X, labels, true);

    NetworkShape shape = s.shape;
    shape.inputs = int(X.cols());
    shape.classes = labels ? labels->maxCoeff() + 1 : 0;

    // Independent streams for initialisation, shuffling and the reparameterisation noise, so
    // that changing one (e.g. the batch size) does not shift the others.
    Rng root(s.seed);
    Rng initRng = root.split();
    Rng shuffleRng = root.split();
    Rng noiseRng = root.split();

    Network<float> net;
    net.init(shape, initRng);
    Adam<float> adam(s.adam);
    for (const auto& layer : net.layers()) {
        adam.addSlot(layer.W.size());
        adam.addSlot(layer.b.size());
    }

    // Training runs in float32, as Keras and PyTorch do: half the memory traffic and twice the
    // SIMD width of double; the API stays double.
    const MatR<float> data = X.cast<float>();
    // Mostly one common row (standardised TF-IDF columns of tracks without a term): the first
    // layer then multiplies only the deviations.
    const SparseRows<float> sparse = sparseRows(data);
    SparseBatch<float> sparseBatch;
    if (!sparse.start.empty())
        sparseBatch.rows = &sparse;
    std::vector<int> allLabels;
    if (labels)
        allLabels.assign(labels->data(), labels->data() + labels->size());

    // The rows trained on: all of them, or all but the held-out share (early stopping).
    std::vector<int> order(static_cast<std::size_t>(X.rows()));
    std::iota(order.begin(), order.end(), 0);
    const EarlyStopping& stop = s.earlyStopping;
    const Eigen::Index held =
        stop.enabled ? std::min<Eigen::Index>(X.rows() / 2,
                                              Eigen::Index(std::lround(stop.holdout * X.rows())))
                     : 0;
    const bool early = held >= 1;
    MatR<float> xv, ov, epsV;
    if (early) {
        // A fourth stream: the other three draw the same numbers with or without it.
        Rng holdRng = root.split();
        holdRng.shuffle(order);
        std::vector<int> validation(order.begin(), order.begin() + held);
        order.erase(order.begin(), order.begin() + held);
        std::sort(validation.begin(), validation.end());
        std::sort(order.begin(), order.end());
        xv.resize(held, data.cols());
        std::vector<int> lv;
        for (Eigen::Index i = 0; i < held; ++i) {
            xv.row(i) = data.row(validation[std::size_t(i)]);
            if (labels)
                lv.push_back(allLabels[std::size_t(validation[std::size_t(i)])]);
        }
        if (shape.classes > 0)
            ov = oneHot<float>(lv, shape.classes);
        else
            ov.resize(held, 0);
        if (shape.variational) {
            epsV.resize(held, shape.latent);
            for (Eigen::Index i = 0; i < epsV.size(); ++i)
                epsV.data()[i] = float(holdRng.normal());
        }
    }
    const Eigen::Index n = Eigen::Index(order.size());

    // An epoch trains on every row; with early stopping and a shorter epochRows, on the next
    // epochRows rows of an endless run of shuffled passes (Keras's steps_per_epoch), so that
    // the KL warm-up, the patience and the epoch budget are the same amount of training at
    // any size above it.
    const Eigen::Index epochRows =
        early && stop.epochRows > 0 ? std::min<Eigen::Index>(stop.epochRows, n) : n;
    const int batch = std::min<int>(s.batchSize, int(epochRows));
    const int stepsPerEpoch = int((epochRows + batch - 1) / batch);
    const double warmupSteps = double(s.warmupEpochs) * stepsPerEpoch;

    MatR<float> xb, ob, eps;
    std::vector<int> lb;
    std::vector<EpochReport> history;
    std::vector<double> validationLoss;
    double best = std::numeric_limits<double>::infinity();
    int bestEpoch = 0, sinceBest = 0;
    Network<float> bestNet;
    std::int64_t step = 0;
    LossOptions options;
    options.sumOverFeatures = s.sumOverFeatures;
    options.freeBits = s.freeBits;

    std::vector<int> epochOrder;
    epochOrder.reserve(std::size_t(epochRows));
    std::size_t passAt = order.size();   // where the current pass stands in `order`

    progress.report(0.0, s.name + ": training");
    for (int epoch = 1; epoch <= s.epochs; ++epoch) {
        epochOrder.clear();
        while (Eigen::Index(epochOrder.size()) < epochRows) {
            if (passAt == order.size()) {
                shuffleRng.shuffle(order);
                passAt = 0;
            }
            const std::size_t take = std::min(order.size() - passAt,
                                              std::size_t(epochRows) - epochOrder.size());
            epochOrder.insert(epochOrder.end(), order.begin() + std::ptrdiff_t(passAt),
                              order.begin() + std::ptrdiff_t(passAt + take));
            passAt += take;
        }
        EpochReport r;
        r.epoch = epoch;
        r.epochs = s.epochs;
        for (int b = 0; b < stepsPerEpoch; ++b) {
            progress.throwIfCancelled();
            const Eigen::Index first = Eigen::Index(b) * batch;
            const Eigen::Index rows = std::min<Eigen::Index>(batch, epochRows - first);
            xb.resize(rows, data.cols());
            for (Eigen::Index i = 0; i < rows; ++i)
                xb.row(i) = data.row(epochOrder[std::size_t(first + i)]);
            if (shape.classes > 0) {
                lb.resize(std::size_t(rows));
                for (Eigen::Index i = 0; i < rows; ++i)
                    lb[std::size_t(i)] =
                        allLabels[std::size_t(epochOrder[std::size_t(first + i)])];
                ob = oneHot<float>(lb, shape.classes);
            } else {
                ob.resize(rows, 0);
            }
            if (shape.variational) {
                eps.resize(rows, shape.latent);
                for (Eigen::Index i = 0; i < eps.size(); ++i)
                    eps.data()[i] = float(noiseRng.normal());
                // Linear KL warm-up from 0 to beta (Bowman et al., 2016; Sønderby et al., 2016).
                options.klWeight = warmupSteps > 0
                                       ? s.beta * std::min(1.0, double(step + 1) / warmupSteps)
                                       : s.beta;
            } else {
                options.klWeight = 0.0;
            }

            sparseBatch.ids = epochOrder.data() + first;
            const LossParts parts = net.lossAndGradient(xb, ob, eps, options,
                                                        sparseBatch.rows ? &sparseBatch : nullptr);
            if (!std::isfinite(parts.total))
                throw NumericalError(s.name + ": the loss became " + number(parts.total) +
                                     " at epoch " + std::to_string(epoch) + " (mini-batch " +
                                     std::to_string(b + 1) + " of " +
                                     std::to_string(stepsPerEpoch) +
                                     "); check the input scaling or lower the learning rate");
            adam.beginStep();
            auto& layers = net.layers();
            auto& grads = net.grads();
            for (std::size_t l = 0; l < layers.size(); ++l) {
                adam.update(int(2 * l), layers[l].W.data(), grads[l].W.data(), layers[l].W.size());
                adam.update(int(2 * l + 1), layers[l].b.data(), grads[l].b.data(),
                            layers[l].b.size());
            }
            r.loss += parts.total * double(rows);
            r.reconstruction += parts.reconstruction * double(rows);
            r.kl += parts.kl * double(rows);
            r.klWeight = options.klWeight;
            ++step;
        }
        r.loss /= double(epochRows);
        r.reconstruction /= double(epochRows);
        r.kl /= double(epochRows);
        history.push_back(r);
        progress.report(double(epoch) / s.epochs,
                        s.name + ": epoch " + std::to_string(epoch) + " of " +
                            std::to_string(s.epochs));
        bool stopNow = false;
        if (early) {
            // The objective at its final KL weight on the held-out rows.
            LossOptions atFinalWeight = options;
            atFinalWeight.klWeight = shape.variational ? s.beta : 0.0;
            const double v = net.loss(xv, ov, epsV, atFinalWeight).total;
            validationLoss.push_back(v);
            const bool warm = double(step) > warmupSteps;   // an epoch after the warm-up
            const bool better =
                bestEpoch == 0 || v < best - stop.tolerance * std::abs(best);
            if (std::isfinite(v) && better) {
                best = v;
                bestEpoch = epoch;
                bestNet = net;
                sinceBest = 0;
            } else if (warm) {
                ++sinceBest;
            }
            stopNow = warm && sinceBest >= stop.patience;
        }
        if (onEpoch && onEpoch(r))
            break;
        if (stopNow)
            break;
    }

    m_net = early && bestEpoch > 0 ? std::move(bestNet) : std::move(net);
    m_validation = std::move(validationLoss);
    m_bestEpoch = early ? bestEpoch : 0;
    m_history = std::move(history);
    m_fitted = true;
    m_codes = encode(X, labels);
    progress.report(1.0, s.name + ": trained");
}

Matrix LatentModel::encode(const Matrix& X, const Labels* labels) const
{
    if (!m_fitted)
        throw InputError(m_name + ": encode() called before fit()");
    if (m_net.shape().classes > 0 && !labels)
        throw InputError(m_name + ": this conditional model needs one condition label per row");
    checkInput(X, labels, false);
    Network<float> net = m_net; // the network's workspace is per call, so const stays re-entrant
    MatR<float> code;
    net.encode(X.cast<float>(), oneHotRows(labels, X.rows()), code);
    return code.cast<double>();
}

Matrix LatentModel::reconstruct(const Matrix& X, const Labels* labels) const
{
    if (!m_fitted)
        throw InputError(m_name + ": reconstruct() called before fit()");
    if (m_net.shape().classes > 0 && !labels)
        throw InputError(m_name + ": this conditional model needs one condition label per row");
    checkInput(X, labels, false);
    Network<float> net = m_net;
    const MatR<float> onehot = oneHotRows(labels, X.rows());
    MatR<float> code, out;
    net.encode(X.cast<float>(), onehot, code);
    net.decode(code, onehot, out);
    return out.cast<double>();
}

void LatentModel::restore(std::string name, Network<float> net, std::vector<EpochReport> history,
                          Matrix codes)
{
    m_name = std::move(name);
    m_net = std::move(net);
    m_history = std::move(history);
    m_codes = std::move(codes);
    m_fitted = true;
}

} // namespace detail
} // namespace atlas
