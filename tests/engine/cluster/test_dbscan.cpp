// SPDX-License-Identifier: GPL-3.0-or-later
// DBSCAN against scikit-learn 1.2.1 (tests/data/sklearn, tests/data/cluster/gen_cluster.py)
// and the automatic eps / minSamples on blobs with noise generated here.
#include "engine/cluster/dbscan.h"
#include "engine/core/error.h"
#include "engine/core/parallel.h"
#include "engine/core/random.h"
#include "tests/support/fixtures.h"

#include <QtTest>

#include <chrono>
#include <cmath>
#include <set>

namespace {

atlas::Labels column(const std::string& file, const std::string& name)
{
    const auto rows = atlas::test::readSimpleCsv(atlas::test::fixture(file));
    const auto it = std::find(rows[0].begin(), rows[0].end(), name);
    if (it == rows[0].end())
        throw std::runtime_error("no column " + name + " in " + file);
    const std::size_t c = std::size_t(it - rows[0].begin());
    atlas::Labels l(int(rows.size()) - 1);
    for (std::size_t i = 1; i < rows.size(); ++i)
        l[int(i) - 1] = std::stoi(rows[i][c]);
    return l;
}

/// k well-separated Gaussian blobs (sd 1, centres >= 30 apart on a grid) of `perBlob` points,
/// followed by `noise` uniform points in a box 3x the grid, none within 8 of a centre.
atlas::Matrix blobsWithNoise(int k, int perBlob, int noise, int d, atlas::Seed seed,
                             atlas::Labels* truth)
{
    atlas::Rng rng(seed);
    atlas::Matrix centres(k, d);
    for (int c = 0; c < k; ++c)
        for (int j = 0; j < d; ++j)
            centres(c, j) = j == 0 ? 30.0 * c : (j == 1 ? 30.0 * (c % 2) : 0.0);
    atlas::Matrix X(k * perBlob + noise, d);
    truth->resize(X.rows());
    for (int i = 0; i < k * perBlob; ++i) {
        (*truth)[i] = i % k;
        for (int j = 0; j < d; ++j)
            X(i, j) = centres(i % k, j) + rng.normal();
    }
    for (int i = k * perBlob; i < X.rows(); ++i) {
        (*truth)[i] = -1;
        while (true) {
            for (int j = 0; j < d; ++j)
                X(i, j) = rng.uniform(-30.0, 30.0 * k);
            double nearest = 1e300;
            for (int c = 0; c < k; ++c)
                nearest = std::min(nearest, (X.row(i) - centres.row(c)).norm());
            if (nearest > 8.0)
                break;
        }
    }
    return X;
}

} // namespace

class TestDbscan : public QObject {
    Q_OBJECT
private slots:
    void labelsEqualSklearn_data()
    {
        QTest::addColumn<QString>("data");
        QTest::addColumn<QString>("labels");
        QTest::addColumn<QString>("column");
        QTest::addColumn<double>("eps");
        QTest::addColumn<int>("minSamples");
        QTest::newRow("fixture pred_dbscan")
            << "sklearn/X_300x16.csv" << "sklearn/labels_300.csv" << "pred_dbscan" << 21.0 << 5;
        QTest::newRow("X300 eps18 ms3") << "sklearn/X_300x16.csv"
                                        << "cluster/cluster_labels_300.csv"
                                        << "dbscan_eps18_ms3" << 18.0 << 3;
        QTest::newRow("mix eps2.0 ms5") << "cluster/mix_1000x8.csv"
                                        << "cluster/cluster_labels_mix.csv"
                                        << "dbscan_eps2.0_ms5" << 2.0 << 5;
        QTest::newRow("mix eps2.3 ms16") << "cluster/mix_1000x8.csv"
                                         << "cluster/cluster_labels_mix.csv"
                                         << "dbscan_eps2.3_ms16" << 2.3 << 16;
        QTest::newRow("mix eps2.6 ms8") << "cluster/mix_1000x8.csv"
                                        << "cluster/cluster_labels_mix.csv"
                                        << "dbscan_eps2.6_ms8" << 2.6 << 8;
    }
    void labelsEqualSklearn()
    {
        QFETCH(QString, data);
        QFETCH(QString, labels);
        QFETCH(QString, column);
        QFETCH(double, eps);
        QFETCH(int, minSamples);
        const atlas::Matrix X = atlas::test::readNumericCsv(atlas::test::fixture(data.toStdString()));
        const atlas::Labels want = ::column(labels.toStdString(), column.toStdString());
        const atlas::DbscanResult r = atlas::dbscan(X, {eps, minSamples});
        // Identical labels, numbering included (sklearn's discovery order).
        QVERIFY(r.labels == want);
        QCOMPARE(r.eps, eps);
        QCOMPARE(r.minSamples, minSamples);
        QVERIFY(!r.epsEstimated);
        QCOMPARE(r.nClusters, want.maxCoeff() + 1);
        QCOMPARE(r.noiseFraction, double((want.array() == -1).count()) / double(want.size()));
    }

    void automaticEpsFindsBlobsAndNoise()
    {
        atlas::Labels truth;
        const atlas::Matrix X = blobsWithNoise(4, 150, 30, 2, 77, &truth);
        const atlas::DbscanResult r = atlas::dbscan(X, {});
        qInfo("auto eps %.4f, minSamples %d, %d clusters, noise %.3f", r.eps, r.minSamples,
              r.nClusters, r.noiseFraction);
        QVERIFY(r.epsEstimated);
        QCOMPARE(r.minSamples, 4);  // 2 * dim (Sander et al. 1998)
        QCOMPARE(r.nClusters, 4);
        QCOMPARE(r.kDistances.size(), X.rows());
        QVERIFY(std::is_sorted(r.kDistances.data(), r.kDistances.data() + X.rows()));
        // Every planted noise point is noise; blob points are in the cluster of their blob.
        for (int i = 600; i < X.rows(); ++i)
            QCOMPARE(r.labels[i], -1);
        for (int c = 0; c < 4; ++c) {
            std::set<int> found;
            int members = 0;
            for (int i = c; i < 600; i += 4)
                if (r.labels[i] >= 0) {
                    found.insert(r.labels[i]);
                    ++members;
                }
            QCOMPARE(int(found.size()), 1);
            QVERIFY(members >= 140);  // a few blob-edge points may be noise
        }
        QVERIFY(r.noiseFraction >= 30.0 / 630.0 && r.noiseFraction < 0.1);
        QCOMPARE(atlas::estimateDbscanEps(X, 4), r.eps);
    }

    void automaticEpsInHigherDimension()
    {
        atlas::Labels truth;
        const atlas::Matrix X = blobsWithNoise(3, 200, 20, 6, 5, &truth);
        const atlas::DbscanResult r = atlas::dbscan(X, {});
        QCOMPARE(r.minSamples, 12);
        QCOMPARE(r.nClusters, 3);
        for (int i = 600; i < X.rows(); ++i)
            QCOMPARE(r.labels[i], -1);
    }

    void threadIndependent()
    {
        atlas::Labels truth;
        const atlas::Matrix X = blobsWithNoise(5, 400, 100, 3, 9, &truth);
        atlas::DbscanResult one, two;
        {
            atlas::ThreadScope scope(1);
            one = atlas::dbscan(X, {});
        }
        {
            atlas::ThreadScope scope(2);
            two = atlas::dbscan(X, {});
        }
        QVERIFY(one.labels == two.labels);
        QCOMPARE(one.eps, two.eps);
        QVERIFY(one.kDistances == two.kDistances);
        QVERIFY(one.coreSampleIndices == two.coreSampleIndices);
    }

    void identicalPointsFormOneCluster()
    {
        // All distances 0: the automatic eps stays 0 and every point is a core point.
        const atlas::DbscanResult r = atlas::dbscan(atlas::Matrix::Zero(40, 3), {});
        QCOMPARE(r.eps, 0.0);
        QCOMPARE(r.nClusters, 1);
        QVERIFY((r.labels.array() == 0).all());
        QCOMPARE(r.noiseFraction, 0.0);
        // minSamples above n: nothing is core, everything is noise.
        const atlas::DbscanResult s = atlas::dbscan(atlas::Matrix::Zero(5, 3), {1.0, 10});
        QCOMPARE(s.nClusters, 0);
        QCOMPARE(s.noiseFraction, 1.0);
        // minSamples 1: every point is its own core point (sklearn semantics).
        atlas::Matrix far(3, 1);
        far << 0.0, 10.0, 20.0;
        const atlas::DbscanResult t = atlas::dbscan(far, {1.0, 1});
        QCOMPARE(t.nClusters, 3);
        QCOMPARE(t.labels, (atlas::Labels(3) << 0, 1, 2).finished());
    }

    void invalidConfigAndInputThrow()
    {
        const atlas::Matrix X = atlas::Matrix::Random(10, 2);
        QVERIFY_THROWS_EXCEPTION(atlas::ConfigError, atlas::dbscan(X, {std::nan(""), 5}));
        QVERIFY_THROWS_EXCEPTION(atlas::ConfigError,
                                 atlas::dbscan(X, {std::numeric_limits<double>::infinity(), 5}));
        QVERIFY_THROWS_EXCEPTION(atlas::ConfigError, atlas::dbscan(X, {1.0, -1}));
        QVERIFY(atlas::DbscanConfig{}.validate().empty());
        atlas::Matrix bad = X;
        bad(1, 1) = std::nan("");
        QVERIFY_THROWS_EXCEPTION(atlas::InputError, atlas::dbscan(bad, {}));
        QVERIFY_THROWS_EXCEPTION(atlas::InputError, atlas::dbscan(atlas::Matrix(0, 2), {}));
        QVERIFY_THROWS_EXCEPTION(atlas::InputError, atlas::estimateDbscanEps(X.topRows(1), 4));
    }

    void progressAndCancellation()
    {
        atlas::Labels truth;
        const atlas::Matrix X = blobsWithNoise(3, 100, 10, 2, 1, &truth);
        std::vector<double> seen;
        const atlas::Progress progress(
            [&](std::string_view, double f, std::string_view) { seen.push_back(f); }, nullptr);
        atlas::dbscan(X, {}, progress);
        QVERIFY(std::is_sorted(seen.begin(), seen.end()));
        QCOMPARE(seen.back(), 1.0);
        std::atomic<bool> cancel{true};
        QVERIFY_THROWS_EXCEPTION(atlas::Cancelled,
                                 atlas::dbscan(X, {}, atlas::Progress({}, &cancel)));
    }

    void timingTwentyThousand()
    {
        atlas::Labels truth;
        const atlas::Matrix X = blobsWithNoise(10, 1990, 100, 16, 4, &truth);
        const auto t0 = std::chrono::steady_clock::now();
        const atlas::DbscanResult r = atlas::dbscan(X, {});
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        qInfo("DBSCAN 20000 x 16, automatic eps %.3f, minSamples %d: %d clusters, %.3f s (%d threads)",
              r.eps, r.minSamples, r.nClusters, s, atlas::maxThreads());
        QCOMPARE(r.nClusters, 10);
        QVERIFY(s < 120.0);  // generous: a loaded machine must not fail it
    }
};

QTEST_GUILESS_MAIN(TestDbscan)
#include "test_dbscan.moc"
