// SPDX-License-Identifier: GPL-3.0-or-later
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include "engine/core/error.h"
#include "engine/core/parallel.h"
#include "engine/core/progress.h"
#include "engine/core/random.h"
#include "engine/models/autoencoder.h"
#include "engine/models/network.h"

#include <QtTest>

#include <atomic>
#include <limits>

using atlas::Labels;
using atlas::Matrix;

namespace {

// k clusters, each a random centre plus its own rank-3 subspace, plus unit noise; columns
// standardised as the product's features are.
Matrix clusteredData(int n, int d, int k, atlas::Seed seed, double separation, Labels& labels)
{
    atlas::Rng rng(seed);
    Matrix centres(k, d);
    std::vector<Matrix> bases;
    for (int c = 0; c < k; ++c) {
        for (int j = 0; j < d; ++j)
            centres(c, j) = separation * rng.normal();
        Matrix u(3, d);
        for (int i = 0; i < u.size(); ++i)
            u.data()[i] = rng.normal();
        bases.push_back(u);
    }
    Matrix X(n, d);
    labels.resize(n);
    for (int i = 0; i < n; ++i) {
        const int c = i % k;
        labels(i) = c;
        for (int j = 0; j < d; ++j)
            X(i, j) = centres(c, j) + rng.normal();
        for (int a = 0; a < 3; ++a)
            X.row(i) += rng.normal() * bases[std::size_t(c)].row(a);
    }
    const atlas::RowVector mean = X.colwise().mean();
    X.rowwise() -= mean;
    const atlas::RowVector sd = (X.array().square().colwise().sum() / n).sqrt();
    X = X.array().rowwise() / sd.array();
    return X;
}

// tr(between-cluster scatter) / tr(within-cluster scatter) of the rows of Z.
double separationRatio(const Matrix& Z, const Labels& labels, int k)
{
    const atlas::RowVector mean = Z.colwise().mean();
    double between = 0.0, within = 0.0;
    for (int c = 0; c < k; ++c) {
        Matrix rows(0, Z.cols());
        for (Eigen::Index i = 0; i < Z.rows(); ++i)
            if (labels(i) == c) {
                rows.conservativeResize(rows.rows() + 1, Eigen::NoChange);
                rows.row(rows.rows() - 1) = Z.row(i);
            }
        const atlas::RowVector m = rows.colwise().mean();
        between += double(rows.rows()) * (m - mean).squaredNorm();
        within += (rows.rowwise() - m).squaredNorm();
    }
    return between / within;
}

atlas::AutoencoderConfig smallConfig()
{
    atlas::AutoencoderConfig cfg;
    cfg.hidden = {96, 32};
    cfg.latent = 4;
    cfg.epochs = 15;
    cfg.batchSize = 32;
    cfg.seed = 5;
    return cfg;
}

} // namespace

class TestAutoencoder : public QObject {
    Q_OBJECT
private slots:
    void learnsAndSeparatesClusters()
    {
        Labels labels;
        const Matrix X = clusteredData(300, 150, 5, 1, 0.5, labels);
        atlas::Autoencoder ae(smallConfig());
        ae.fit(X);
        QCOMPARE(int(ae.history().size()), 15);
        const double first = ae.history().front().loss, last = ae.history().back().loss;
        // Keras "mse" on standardised data starts near 1 (the variance) and must drop clearly.
        QVERIFY(first > 0.5 && first < 1.5);
        QVERIFY2(last < 0.7 * first, qPrintable(QString("loss %1 -> %2").arg(first).arg(last)));
        const Matrix Z = ae.encode(X);
        QCOMPARE(Z.rows(), 300);
        QCOMPARE(Z.cols(), 4);
        QCOMPARE(Z, ae.trainingCodes());
        // The 4-d codes separate the 5 clusters at least as well as the 150-d data do
        // (between/within scatter), which a code that ignored the clusters would not.
        const double ratioData = separationRatio(X, labels, 5);
        const double ratioCodes = separationRatio(Z, labels, 5);
        QVERIFY2(ratioCodes > ratioData,
                 qPrintable(QString("codes %1, data %2").arg(ratioCodes).arg(ratioData)));
        // Reconstruction matches the reported loss (float training, double evaluation).
        const double mse = (ae.reconstruct(X) - X).squaredNorm() / double(X.size());
        QVERIFY(mse < first);
    }

    void learnsFromSparseRows()
    {
        // As the product's input: a few dense columns and many term columns, each cluster
        // using its own terms, standardised so that an absent term is its column's one value.
        // Training then takes the first layer's sparse path, and must learn as well.
        const int n = 400, dense = 10, terms = 100, k = 5;
        Labels labels;
        const Matrix audio = clusteredData(n, dense, k, 3, 0.3, labels);
        atlas::Rng rng(8);
        Matrix X = Matrix::Zero(n, dense + terms);
        X.leftCols(dense) = audio;
        for (int i = 0; i < n; ++i)
            for (int t = 0; t < 4; ++t)
                X(i, dense + labels(i) * (terms / k) + int(rng.below(terms / k))) =
                    rng.uniform(0.5, 2.0);
        const atlas::RowVector mean = X.colwise().mean();
        X.rowwise() -= mean;
        const atlas::RowVector sd = (X.array().square().colwise().sum() / n).sqrt();
        X = X.array().rowwise() / sd.array();
        QVERIFY(!atlas::detail::sparseRows<float>(X.cast<float>()).start.empty());

        atlas::Autoencoder ae(smallConfig());
        ae.fit(X);
        const double first = ae.history().front().loss, last = ae.history().back().loss;
        // Which 4 of its cluster's 20 terms a row uses is noise no code can reconstruct:
        // the loss drops less than on the dense clusters above, but clearly.
        QVERIFY2(last < 0.85 * first, qPrintable(QString("loss %1 -> %2").arg(first).arg(last)));
        const Matrix Z = ae.encode(X);
        const double ratioData = separationRatio(X, labels, k);
        const double ratioCodes = separationRatio(Z, labels, k);
        QVERIFY2(ratioCodes > ratioData,
                 qPrintable(QString("codes %1, data %2").arg(ratioCodes).arg(ratioData)));
        // The reported loss is the model's: its reconstruction of the data is as good.
        const double mse = (ae.reconstruct(X) - X).squaredNorm() / double(X.size());
        QVERIFY2(mse < 1.2 * last, qPrintable(QString("mse %1, loss %2").arg(mse).arg(last)));
    }

    void sameSeedSameWeightsOtherSeedOtherWeights()
    {
        Labels labels;
        const Matrix X = clusteredData(120, 150, 3, 2, 0.5, labels);
        auto cfg = smallConfig();
        cfg.epochs = 4;
        atlas::Autoencoder a(cfg), b(cfg);
        a.fit(X);
        b.fit(X);
        QCOMPARE(a.encode(X), b.encode(X)); // bit-identical
        cfg.seed = 6;
        atlas::Autoencoder c(cfg);
        c.fit(X);
        QVERIFY(a.encode(X) != c.encode(X));
    }

    void oneThreadEqualsTwoThreads()
    {
        Labels labels;
        // 540 features as in the product: the products touching the input and output layers
        // are large enough to be split over two threads.
        const Matrix X = clusteredData(200, 540, 3, 3, 0.5, labels);
        auto cfg = smallConfig();
        cfg.hidden = {192, 96};
        cfg.epochs = 3;
        cfg.batchSize = 64;
        Matrix z1, z2;
        {
            atlas::ThreadScope one(1);
            atlas::Autoencoder ae(cfg);
            ae.fit(X);
            z1 = ae.encode(X);
        }
        {
            atlas::ThreadScope two(2);
            atlas::Autoencoder ae(cfg);
            ae.fit(X);
            z2 = ae.encode(X);
        }
        QCOMPARE(z1, z2);
    }

    void callbackStopsEarlyAndProgressEndsAtOne()
    {
        Labels labels;
        const Matrix X = clusteredData(100, 150, 3, 4, 0.5, labels);
        std::vector<double> seen;
        atlas::Progress progress([&](std::string_view, double f, std::string_view) { seen.push_back(f); },
                                 nullptr);
        int calls = 0;
        atlas::Autoencoder ae(smallConfig());
        ae.fit(X, progress, [&](const atlas::EpochReport& r) {
            ++calls;
            return r.epoch == 3;
        });
        QCOMPARE(calls, 3);
        QCOMPARE(int(ae.history().size()), 3);
        QCOMPARE(ae.history().back().epoch, 3);
        QCOMPARE(ae.history().back().epochs, 15);
        QVERIFY(ae.isFitted());
        QVERIFY(!seen.empty());
        QCOMPARE(seen.back(), 1.0);
        for (std::size_t i = 1; i < seen.size(); ++i)
            QVERIFY(seen[i] >= seen[i - 1]);
    }

    void cancellationBetweenMiniBatchesKeepsPreviousState()
    {
        Labels labels;
        const Matrix X = clusteredData(100, 150, 3, 4, 0.5, labels);
        std::atomic<bool> cancel{false};
        atlas::Progress progress(
            [&](std::string_view, double f, std::string_view) {
                if (f >= 0.1)
                    cancel = true;
            },
            &cancel);
        int epochs = 0;
        atlas::Autoencoder ae(smallConfig());
        QVERIFY_THROWS_EXCEPTION(atlas::Cancelled, ae.fit(X, progress, [&](const atlas::EpochReport&) {
            ++epochs;
            return false;
        }));
        QVERIFY(epochs < 15);
        QVERIFY(!ae.isFitted());
    }

    void zerosGiveFiniteCodes()
    {
        auto cfg = smallConfig();
        cfg.epochs = 2;
        atlas::Autoencoder ae(cfg);
        ae.fit(Matrix::Zero(40, 150));
        QVERIFY(ae.encode(Matrix::Zero(5, 150)).allFinite());
        QVERIFY(std::isfinite(ae.history().back().loss));
    }

    void invalidConfig()
    {
        const Matrix X = Matrix::Random(20, 10);
        auto bad = [&](auto change) {
            auto cfg = smallConfig();
            change(cfg);
            atlas::Autoencoder ae(cfg);
            QVERIFY_THROWS_EXCEPTION(atlas::ConfigError, ae.fit(X));
            QVERIFY(!cfg.validate().empty());
        };
        bad([](auto& c) { c.hidden = {}; });
        bad([](auto& c) { c.hidden = {16, 0}; });
        bad([](auto& c) { c.latent = 0; });
        bad([](auto& c) { c.epochs = 0; });
        bad([](auto& c) { c.batchSize = 0; });
        bad([](auto& c) { c.learningRate = -1e-3; });
        bad([](auto& c) { c.beta2 = 1.0; });
        bad([](auto& c) { c.epsilon = 0.0; });
        QVERIFY(atlas::AutoencoderConfig{}.validate().empty());
    }

    void invalidInput()
    {
        Matrix X = Matrix::Random(30, 10);
        X(7, 4) = std::numeric_limits<double>::quiet_NaN();
        atlas::Autoencoder ae(smallConfig());
        try {
            ae.fit(X);
            QFAIL("no exception for NaN input");
        } catch (const atlas::InputError& e) {
            const QString msg = e.what();
            QVERIFY2(msg.contains("Autoencoder") && msg.contains("row 7") &&
                         msg.contains("non-finite"),
                     e.what());
        }
        QVERIFY_THROWS_EXCEPTION(atlas::InputError, ae.fit(Matrix(0, 10)));
        QVERIFY_THROWS_EXCEPTION(atlas::InputError, ae.encode(Matrix::Random(3, 10))); // unfitted
        auto cfg = smallConfig();
        cfg.epochs = 1;
        atlas::Autoencoder fitted(cfg);
        fitted.fit(Matrix::Random(30, 10));
        QVERIFY_THROWS_EXCEPTION(atlas::InputError, fitted.encode(Matrix::Random(3, 11)));
    }

    void divergenceThrowsNumericalError()
    {
        auto cfg = smallConfig();
        cfg.learningRate = 1e30; // every Adam step moves weights by ~1e30: float overflow
        atlas::Autoencoder ae(cfg);
        try {
            ae.fit(Matrix::Random(64, 10));
            QFAIL("no exception for a diverging loss");
        } catch (const atlas::NumericalError& e) {
            const QString msg = e.what();
            QVERIFY2(msg.contains("Autoencoder") && msg.contains("epoch"), e.what());
        }
        QVERIFY(!ae.isFitted());
    }
};

QTEST_GUILESS_MAIN(TestAutoencoder)
#include "test_autoencoder.moc"
