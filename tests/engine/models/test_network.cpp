// SPDX-License-Identifier: GPL-3.0-or-later
// Gradient checks of the hand-written layers and losses (central differences in double) and
// the Adam update against Keras's formula.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include "engine/core/parallel.h"
#include "engine/core/random.h"
#include "engine/models/network.h"
#include "tests/support/fixtures.h"

#include <QtTest>

#include <array>
#include <cmath>
#include <map>
#include <string>
#include <vector>
#include <functional>

using atlas::detail::MatR;
using atlas::detail::RowVecT;
using M = MatR<double>;

namespace {

// Step of the central differences: truncation error ~h^2 and round-off ~1e-16/h both stay
// below 1e-9 relative for losses of order 1-100.
constexpr double H = 1e-5;
// Required agreement: ||analytic - numeric|| / max(||analytic||, ||numeric||) per tensor.
constexpr double MaxRelativeError = 1e-6;

M randomMatrix(Eigen::Index r, Eigen::Index c, atlas::Rng& rng, double scale = 1.0)
{
    M m(r, c);
    for (Eigen::Index i = 0; i < m.size(); ++i)
        m.data()[i] = scale * rng.normal();
    return m;
}

// Numerical gradient of f with respect to every entry of `values` (modified in place and
// restored).
M numericGradient(double* values, Eigen::Index rows, Eigen::Index cols,
                  const std::function<double()>& f)
{
    M g(rows, cols);
    for (Eigen::Index i = 0; i < rows * cols; ++i) {
        const double keep = values[i];
        values[i] = keep + H;
        const double up = f();
        values[i] = keep - H;
        const double down = f();
        values[i] = keep;
        g.data()[i] = (up - down) / (2 * H);
    }
    return g;
}

double relativeError(const M& analytic, const M& numeric)
{
    const double scale = std::max(analytic.norm(), numeric.norm());
    return scale == 0.0 ? 0.0 : (analytic - numeric).norm() / scale;
}

// Checks every parameter tensor of a network against central differences of its loss.
void checkNetwork(atlas::detail::NetworkShape shape, const atlas::detail::LossOptions& options,
                  int batch)
{
    atlas::Rng rng(11);
    atlas::detail::Network<double> net;
    net.init(shape, rng);
    // Non-zero biases so that every term of the backward pass is exercised.
    for (auto& l : net.layers())
        l.b = randomMatrix(1, l.outputs(), rng, 0.1).row(0);
    const M x = randomMatrix(batch, shape.inputs, rng);
    M onehot(batch, shape.classes);
    if (shape.classes > 0) {
        std::vector<int> labels;
        for (int i = 0; i < batch; ++i)
            labels.push_back(i % shape.classes);
        onehot = atlas::detail::oneHot<double>(labels, shape.classes);
    }
    const M eps = randomMatrix(batch, shape.latent, rng);

    const atlas::detail::LossParts full = net.lossAndGradient(x, onehot, eps, options);
    const auto grads = net.grads();
    // The forward-only loss (held-out scores) gives the same parts, bit for bit, and leaves
    // the gradients alone.
    const atlas::detail::LossParts forward = net.loss(x, onehot, eps, options);
    QCOMPARE(forward.total, full.total);
    QCOMPARE(forward.reconstruction, full.reconstruction);
    QCOMPARE(forward.kl, full.kl);
    QVERIFY(shape.variational == (full.kl > 0.0));
    for (std::size_t l = 0; l < grads.size(); ++l) {
        QVERIFY(net.grads()[l].W == grads[l].W);
        QVERIFY(net.grads()[l].b == grads[l].b);
    }
    auto loss = [&] { return net.lossAndGradient(x, onehot, eps, options).total; };
    for (std::size_t l = 0; l < net.layers().size(); ++l) {
        auto& layer = net.layers()[l];
        const M nW = numericGradient(layer.W.data(), layer.W.rows(), layer.W.cols(), loss);
        const M nb = numericGradient(layer.b.data(), 1, layer.b.cols(), loss);
        const double eW = relativeError(grads[l].W, nW);
        const double eb = relativeError(M(grads[l].b), nb);
        if (eW >= MaxRelativeError || eb >= MaxRelativeError)
            qWarning("layer %zu: relative error W %.3g, b %.3g", l, eW, eb);
        QVERIFY(eW < MaxRelativeError);
        QVERIFY(eb < MaxRelativeError);
        // The check must not pass vacuously.
        QVERIFY2(grads[l].W.norm() > 0.0, qPrintable(QString("layer %1 has no gradient").arg(l)));
    }
}

} // namespace

class TestNetwork : public QObject {
    Q_OBJECT
private slots:
    void denseGradients()
    {
        atlas::Rng rng(3);
        atlas::detail::Dense<double> d;
        d.init(6, 4, rng);
        d.b = randomMatrix(1, 4, rng).row(0);
        M X = randomMatrix(5, 6, rng);
        const M G = randomMatrix(5, 4, rng); // L = sum(G .* Y), so dL/dY = G
        auto loss = [&] {
            M Y;
            d.forward(X, Y);
            return (Y.array() * G.array()).sum();
        };
        M dX, dW;
        RowVecT<double> db;
        d.backward(X, G, &dX, dW, db);
        QVERIFY(relativeError(dW, numericGradient(d.W.data(), 6, 4, loss)) < MaxRelativeError);
        QVERIFY(relativeError(M(db), numericGradient(d.b.data(), 1, 4, loss)) <
                MaxRelativeError);
        QVERIFY(relativeError(dX, numericGradient(X.data(), 5, 6, loss)) < MaxRelativeError);
    }

    void gemmChunksMatchPlainProducts()
    {
        // Shapes wider than one 64-column chunk, with a ragged last chunk.
        atlas::Rng rng(5);
        const M A = randomMatrix(37, 150, rng), B = randomMatrix(150, 131, rng);
        const M Bt = randomMatrix(131, 150, rng), A2 = randomMatrix(37, 131, rng);
        M C;
        atlas::detail::gemmNN<double>(A, B, C);
        // Tolerance: both sides are double products of length 150, summed in different orders.
        QVERIFY((C - A * B).cwiseAbs().maxCoeff() < 1e-12);
        atlas::detail::gemmTN<double>(A, A2, C);
        QVERIFY((C - A.transpose() * A2).cwiseAbs().maxCoeff() < 1e-12);
        atlas::detail::gemmNT<double>(A, Bt, C);
        QVERIFY((C - A * Bt.transpose()).cwiseAbs().maxCoeff() < 1e-12);
    }

    void gemmIsBitIdenticalForOneAndTwoThreads()
    {
        // Product-sized float GEMMs (batch 64, 540 features): large enough to be split.
        atlas::Rng rng(12);
        const MatR<float> X = randomMatrix(64, 540, rng).cast<float>();
        const MatR<float> W = randomMatrix(540, 256, rng).cast<float>();
        const MatR<float> dY = randomMatrix(64, 256, rng).cast<float>();
        MatR<float> y1, y2, w1, w2, x1, x2;
        {
            atlas::ThreadScope one(1);
            atlas::detail::gemmNN<float>(X, W, y1);
            atlas::detail::gemmTN<float>(X, dY, w1);
            atlas::detail::gemmNT<float>(dY, W, x1);
        }
        {
            atlas::ThreadScope two(2);
            atlas::detail::gemmNN<float>(X, W, y2);
            atlas::detail::gemmTN<float>(X, dY, w2);
            atlas::detail::gemmNT<float>(dY, W, x2);
        }
        QCOMPARE(y1, y2);
        QCOMPARE(w1, w2);
        QCOMPARE(x1, x2);
    }

    void reluGradient()
    {
        atlas::Rng rng(4);
        M X = randomMatrix(4, 7, rng);
        // Keep inputs away from the kink so that the central difference is valid.
        for (Eigen::Index i = 0; i < X.size(); ++i)
            if (std::abs(X.data()[i]) < 0.05)
                X.data()[i] = 0.3;
        const M G = randomMatrix(4, 7, rng);
        auto loss = [&] {
            M Y = X;
            atlas::detail::reluForward<double>(Y);
            return (Y.array() * G.array()).sum();
        };
        M Y = X;
        atlas::detail::reluForward<double>(Y);
        M dY = G;
        atlas::detail::reluBackward<double>(Y, dY);
        QVERIFY(relativeError(dY, numericGradient(X.data(), 4, 7, loss)) < MaxRelativeError);
        QVERIFY((Y.array() >= 0.0).all());
    }

    void mseGradientBothScales()
    {
        atlas::Rng rng(6);
        M P = randomMatrix(5, 8, rng);
        const M T = randomMatrix(5, 8, rng);
        for (bool sum : {false, true}) {
            M grad, scratch;
            const double value = atlas::detail::reconstructionLoss<double>(P, T, sum, grad);
            const double sse = (P - T).squaredNorm();
            // Exact up to summation order.
            QVERIFY(std::abs(value - (sum ? sse / 5 : sse / 40)) < 1e-12 * sse);
            auto loss = [&] { return atlas::detail::reconstructionLoss<double>(P, T, sum, scratch); };
            QVERIFY(relativeError(grad, numericGradient(P.data(), 5, 8, loss)) < MaxRelativeError);
        }
    }

    void klGradientWithAndWithoutFreeBits()
    {
        atlas::Rng rng(8);
        M mu = randomMatrix(6, 4, rng);
        M logvar = randomMatrix(6, 4, rng, 0.5);
        // Dimension 3 nearly matches the prior, so a 0.05-nat floor switches it off.
        mu.col(3) *= 0.01;
        logvar.col(3) *= 0.01;
        for (double freeBits : {0.0, 0.05}) {
            M dMu = M::Zero(6, 4), dLv = M::Zero(6, 4), s1 = dMu, s2 = dLv;
            double raw = 0.0, r2 = 0.0;
            const double value =
                atlas::detail::klTerm<double>(mu, logvar, 1.7, freeBits, dMu, dLv, raw);
            // Closed form of the batch-mean KL summed over dimensions.
            const double expected =
                (-0.5 * (1.0 + logvar.array() - mu.array().square() - logvar.array().exp()))
                    .sum() / 6.0;
            QVERIFY(std::abs(raw - expected) < 1e-12);
            if (freeBits == 0.0)
                QVERIFY(std::abs(value - 1.7 * expected) < 1e-12);
            auto loss = [&] {
                s1.setZero();
                s2.setZero();
                return atlas::detail::klTerm<double>(mu, logvar, 1.7, freeBits, s1, s2, r2);
            };
            QVERIFY(relativeError(dMu, numericGradient(mu.data(), 6, 4, loss)) < MaxRelativeError);
            QVERIFY(relativeError(dLv, numericGradient(logvar.data(), 6, 4, loss)) <
                    MaxRelativeError);
            if (freeBits > 0.0)
                QCOMPARE(dMu.col(3).norm(), 0.0); // under the floor: no gradient
        }
    }

    void autoencoderGradients()
    {
        atlas::detail::NetworkShape shape{7, 0, {9, 8}, 4, false};
        checkNetwork(shape, atlas::detail::LossOptions{false, 0.0, 0.0}, 4);
    }

    void vaeGradientsWithFixedNoise()
    {
        // Reparameterised loss: summed reconstruction + beta * KL, eps fixed.
        atlas::detail::NetworkShape shape{7, 0, {6, 5}, 3, true};
        checkNetwork(shape, atlas::detail::LossOptions{true, 2.5, 0.0}, 4);
    }

    void cvaeGradientsThroughConcatenation()
    {
        atlas::detail::NetworkShape shape{7, 3, {6, 5}, 3, true};
        checkNetwork(shape, atlas::detail::LossOptions{true, 1.0, 0.0}, 5);
    }

    void sparseFirstLayerMatchesDense()
    {
        // Mostly-common rows (as standardised TF-IDF columns are): the first layer read as
        // base + deviations gives the dense pass's loss and gradients, for the AE, the VAE
        // and the CVAE (its one-hot columns beside the sparse ones).
        for (const int classes : {0, 3}) {
            for (const bool variational : {false, true}) {
                atlas::Rng rng(21 + classes);
                const atlas::detail::NetworkShape shape{30, classes, {9, 7}, 4, variational};
                atlas::detail::Network<double> net;
                net.init(shape, rng);
                for (auto& l : net.layers())
                    l.b = randomMatrix(1, l.outputs(), rng, 0.1).row(0);
                // 12 rows of which the data: 5 dense columns, 25 that are mostly -0.4 (their
                // minimum), one row entirely common.
                const int rows = 12;
                M data(rows + 3, shape.inputs);
                for (Eigen::Index i = 0; i < data.rows(); ++i)
                    for (Eigen::Index j = 0; j < data.cols(); ++j)
                        data(i, j) = j < 5 ? rng.normal()
                                           : (i != 4 && rng.uniform(0.0, 1.0) < 0.15
                                                  ? rng.uniform(0.0, 2.0)
                                                  : -0.4);
                const auto sparse = atlas::detail::sparseRows<double>(data, 0.5);
                QVERIFY(!sparse.start.empty());
                QCOMPARE(sparse.base[7], -0.4);
                QVERIFY(sparse.start[5] - sparse.start[4] <= 5);   // row 4: its dense values
                for (Eigen::Index i = 0; i < data.rows(); ++i) {
                    RowVecT<double> row = sparse.base;
                    for (auto e = sparse.start[std::size_t(i)]; e < sparse.start[std::size_t(i) + 1];
                         ++e)
                        row[sparse.column[std::size_t(e)]] += sparse.value[std::size_t(e)];
                    // The deviations are rounded differences: each value comes back within
                    // a roundoff of its size and its base's.
                    QVERIFY(((row - data.row(i)).array().abs() <=
                             1e-15 * (data.row(i).array().abs() + sparse.base.array().abs()))
                                .all());
                }
                // The batch: rows 4 (all common but its dense values), 11, 3, 10, 2, ... in
                // this order.
                std::vector<int> ids;
                for (int r = 0; r < rows; ++r)
                    ids.push_back((r * 7 + 4) % int(data.rows()));
                M x(rows, shape.inputs);
                std::vector<int> labels;
                for (int r = 0; r < rows; ++r) {
                    x.row(r) = data.row(ids[std::size_t(r)]);
                    labels.push_back(r % std::max(1, classes));
                }
                const M onehot = classes > 0 ? atlas::detail::oneHot<double>(labels, classes)
                                             : M(rows, 0);
                const M eps = randomMatrix(rows, shape.latent, rng);
                const atlas::detail::LossOptions options{variational, 1.5, 0.0};
                const atlas::detail::LossParts dense =
                    net.lossAndGradient(x, onehot, eps, options);
                const auto want = net.grads();
                const atlas::detail::SparseBatch<double> batch{&sparse, ids.data()};
                const atlas::detail::LossParts viaSparse =
                    net.lossAndGradient(x, onehot, eps, options, &batch);
                QVERIFY(std::abs(viaSparse.total - dense.total) <= 1e-12 * std::abs(dense.total));
                QVERIFY(std::abs(viaSparse.kl - dense.kl) <= 1e-12 * (1.0 + dense.kl));
                for (std::size_t l = 0; l < want.size(); ++l) {
                    const auto& got = net.grads()[l];
                    QVERIFY2((got.W - want[l].W).norm() <= 1e-12 * want[l].W.norm(),
                             qPrintable(QString("layer %1").arg(l)));
                    QVERIFY((got.b - want[l].b).norm() <= 1e-12 * want[l].b.norm());
                }
            }
        }
        // Too dense for the threshold: left empty.
        atlas::Rng rng(5);
        const M dense = randomMatrix(20, 10, rng);
        QVERIFY(atlas::detail::sparseRows<double>(dense, 0.25).start.empty());
    }

    void adamMatchesKerasFormula()
    {
        // Expected values: Keras's update (epsilon added to the uncorrected sqrt(v)),
        // alpha = lr sqrt(1 - b2^t) / (1 - b1^t), evaluated independently in Python for
        // p0 = (1, -2, 0.25), g1 = (0.5, -0.1, 0), g2 = (0.2, 0.3, -4) with Keras defaults.
        atlas::detail::Adam<double> adam;
        adam.addSlot(3);
        double p[3] = {1.0, -2.0, 0.25};
        const double g1[3] = {0.5, -0.1, 0.0}, g2[3] = {0.2, 0.3, -4.0};
        adam.beginStep();
        adam.update(0, p, g1, 3);
        // Tolerance: a few ulp of the parameters (different operation order).
        QVERIFY(std::abs(p[0] - 0.99900000632451535) < 1e-15);
        QVERIFY(std::abs(p[1] - -1.9990000316217766) < 1e-15);
        QCOMPARE(p[2], 0.25); // zero gradient, zero moments: no move
        adam.beginStep();
        adam.update(0, p, g2, 3);
        QVERIFY(std::abs(p[0] - 0.99810143639880278) < 1e-15);
        QVERIFY(std::abs(p[1] - -1.9994942165129777) < 1e-15);
        QVERIFY(std::abs(p[2] - 0.25074413623527564) < 1e-15);
        QCOMPARE(adam.steps(), std::int64_t(2));
    }

    void adamFollowsKerasTrajectory()
    {
        // 30 steps on a least-squares problem, two settings, against the Keras update rule
        // written independently in tests/data/models/gen_adam.py.
        const auto rows = atlas::test::readSimpleCsv(atlas::test::fixture("models/adam_kat.csv"));
        QCOMPARE(rows.front().at(0), std::string("kind"));
        std::map<std::string, std::vector<std::array<double, 4>>> table;
        for (std::size_t r = 1; r < rows.size(); ++r) {
            QCOMPARE(rows[r].size(), std::size_t(6));
            std::array<double, 4> v{};
            for (int c = 0; c < 4; ++c)
                v[std::size_t(c)] = std::stod(rows[r][std::size_t(c) + 2]);
            table[rows[r][0]].push_back(v);
        }
        const auto& A = table.at("A");
        const auto& b = table.at("b").at(0);
        QCOMPARE(A.size(), std::size_t(4));
        QCOMPARE(table.at("settings").size(), std::size_t(2));
        int compared = 0;
        for (int s = 0; s < 2; ++s) {
            const auto& st = table.at("settings")[std::size_t(s)];
            const auto& expected = table.at("trajectory" + std::to_string(s));
            QCOMPARE(expected.size(), std::size_t(30));
            atlas::detail::Adam<double> adam(atlas::detail::AdamSettings{st[0], st[1], st[2], st[3]});
            adam.addSlot(4);
            std::array<double, 4> p = table.at("start").at(0);
            for (std::size_t step = 0; step < expected.size(); ++step) {
                std::array<double, 4> r{}, g{};
                for (int i = 0; i < 4; ++i) {
                    for (int j = 0; j < 4; ++j)
                        r[std::size_t(i)] += A[std::size_t(i)][std::size_t(j)] * p[std::size_t(j)];
                    r[std::size_t(i)] -= b[std::size_t(i)];
                }
                for (int j = 0; j < 4; ++j)
                    for (int i = 0; i < 4; ++i)
                        g[std::size_t(j)] += A[std::size_t(i)][std::size_t(j)] * r[std::size_t(i)];
                adam.beginStep();
                adam.update(0, p.data(), g.data(), 4);
                for (int k = 0; k < 4; ++k) {
                    // A few ulp per step from the order of operations, compounded.
                    const double want = expected[step][std::size_t(k)];
                    QVERIFY2(std::abs(p[std::size_t(k)] - want) <= 1e-12 * (1.0 + std::abs(want)),
                             qPrintable(QString("setting %1 step %2 p%3: %4 vs %5")
                                            .arg(s).arg(step + 1).arg(k)
                                            .arg(p[std::size_t(k)], 0, 'g', 17).arg(want, 0, 'g', 17)));
                    ++compared;
                }
            }
            // The trajectory moved: the test cannot pass by standing still.
            QVERIFY(std::abs(p[0] - table.at("start").at(0)[0]) > 0.1);
        }
        QCOMPARE(compared, 240);
    }

    void glorotUniformInitialisation()
    {
        atlas::Rng rng(9);
        atlas::detail::Dense<double> d;
        d.init(540, 256, rng);
        const double limit = std::sqrt(6.0 / (540 + 256));
        QVERIFY(d.W.cwiseAbs().maxCoeff() <= limit);
        QCOMPARE(d.b.norm(), 0.0);
        // Uniform(-l, l) has variance l^2 / 3; 138240 draws give ~0.4% standard error.
        const double var = d.W.array().square().mean();
        QVERIFY(std::abs(var / (limit * limit / 3.0) - 1.0) < 0.02);
    }
};

QTEST_GUILESS_MAIN(TestNetwork)
#include "test_network.moc"
