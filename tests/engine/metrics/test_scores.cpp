// SPDX-License-Identifier: GPL-3.0-or-later
// scoreClustering(): the pipeline's metric bundle, against the scikit-learn 1.2.1 fixture
// tests/data/sklearn/metrics_300.csv (internal metrics on non-noise points, external ones on
// all points with -1 as a cluster) and tests/data/cluster/metric_values.csv.
#include "engine/core/error.h"
#include "engine/metrics/scores.h"
#include "tests/support/fixtures.h"

#include <QtTest>

#include <cmath>
#include <map>
#include <string>

namespace {

std::map<std::string, std::map<std::string, double>> loadValues(const std::string& file)
{
    std::map<std::string, std::map<std::string, double>> v;
    const auto rows = atlas::test::readSimpleCsv(atlas::test::fixture(file));
    for (std::size_t i = 1; i < rows.size(); ++i)
        v[rows[i][0]][rows[i][1]] = std::stod(rows[i][2]);
    return v;
}

// 1e-9 relative: the agreement target; differences are summation-order rounding only.
bool close(double got, double want) { return std::abs(got - want) <= 1e-9 * std::abs(want); }

} // namespace

class TestScores : public QObject {
    Q_OBJECT
private slots:
    void matchesTheFixture()
    {
        const atlas::Matrix X =
            atlas::test::readNumericCsv(atlas::test::fixture("sklearn/X_300x16.csv"));
        const atlas::Matrix L =
            atlas::test::readNumericCsv(atlas::test::fixture("sklearn/labels_300.csv"), true);
        const auto want = loadValues("sklearn/metrics_300.csv");
        const auto extra = loadValues("cluster/metric_values.csv");
        const atlas::Labels truth = L.col(0).cast<int>();
        const char* names[] = {"pred_kmeans", "pred_ward", "pred_dbscan"};
        const int clusters[] = {10, 10, 6};
        for (int col = 1; col <= 3; ++col) {
            const auto& w = want.at(names[col - 1]);
            const auto& e = extra.at(std::string("fixture300_") + names[col - 1]);
            const atlas::Labels p = L.col(col).cast<int>();
            const atlas::ClusterScores s = atlas::scoreClustering(X, p, &truth);
            QVERIFY(close(s.silhouette, w.at("silhouette_nonnoise")));
            QVERIFY(close(s.calinskiHarabasz, w.at("ch_nonnoise")));
            QVERIFY(close(s.daviesBouldin, w.at("db_nonnoise")));
            QVERIFY(close(s.ari, w.at("ari")));
            QVERIFY(close(s.nmi, w.at("nmi")));
            QVERIFY(close(s.purity, w.at("purity")));
            QVERIFY(close(s.ami, e.at("ami")));
            QVERIFY(close(s.vMeasure, e.at("v_measure")));
            QCOMPARE(s.nClusters, clusters[col - 1]);
            QCOMPARE(s.noiseFraction, w.at("n_noise") / 300.0);
        }
    }

    void withoutTruthExternalScoresAreNaN()
    {
        const atlas::Matrix X =
            atlas::test::readNumericCsv(atlas::test::fixture("sklearn/X_300x16.csv"));
        const atlas::Matrix L =
            atlas::test::readNumericCsv(atlas::test::fixture("sklearn/labels_300.csv"), true);
        const atlas::ClusterScores s = atlas::scoreClustering(X, L.col(1).cast<int>(), nullptr);
        QVERIFY(std::isfinite(s.silhouette));
        QVERIFY(std::isnan(s.ari) && std::isnan(s.nmi) && std::isnan(s.ami) &&
                std::isnan(s.vMeasure) && std::isnan(s.purity));
    }

    void fewerThanTwoClustersLeaveInternalScoresUndefined()
    {
        // The seed's DBSCAN rows: everything noise or one cluster -> "-" for the internal
        // scores, while ARI/NMI/purity are still computed (-1 is a cluster there).
        const atlas::Matrix X = atlas::Matrix::Random(20, 3);
        atlas::Labels truth(20), allNoise = atlas::Labels::Constant(20, -1), oneCluster(20);
        for (int i = 0; i < 20; ++i) {
            truth[i] = i % 4;
            oneCluster[i] = i < 15 ? 3 : -1;
        }
        for (const atlas::Labels* p : {&allNoise, &oneCluster}) {
            const atlas::ClusterScores s = atlas::scoreClustering(X, *p, &truth);
            QVERIFY(std::isnan(s.silhouette) && std::isnan(s.calinskiHarabasz) &&
                    std::isnan(s.daviesBouldin));
            QVERIFY(std::isfinite(s.ari) && std::isfinite(s.nmi) && std::isfinite(s.purity));
        }
        const atlas::ClusterScores n = atlas::scoreClustering(X, allNoise, &truth);
        QCOMPARE(n.nClusters, 0);
        QCOMPARE(n.noiseFraction, 1.0);
        QCOMPARE(n.ari, 0.0);    // one predicted cluster vs 4 classes: sklearn gives 0
        QCOMPARE(n.nmi, 0.0);
        QCOMPARE(n.purity, 0.25);
    }

    void zeroDataGiveFiniteScores()
    {
        atlas::Labels p(12);
        for (int i = 0; i < 12; ++i)
            p[i] = i % 3;
        const atlas::ClusterScores s = atlas::scoreClustering(atlas::Matrix::Zero(12, 2), p, &p);
        QCOMPARE(s.silhouette, 0.0);
        QCOMPARE(s.calinskiHarabasz, 1.0);
        QCOMPARE(s.daviesBouldin, 0.0);
        QCOMPARE(s.ari, 1.0);
    }

    void mismatchedSizesAreInvalidInput()
    {
        const atlas::Matrix X = atlas::Matrix::Random(10, 2);
        const atlas::Labels ok = atlas::Labels::Zero(10), bad = atlas::Labels::Zero(9);
        QVERIFY_THROWS_EXCEPTION(atlas::InputError, atlas::scoreClustering(X, bad, nullptr));
        QVERIFY_THROWS_EXCEPTION(atlas::InputError, atlas::scoreClustering(X, ok, &bad));
    }
};

QTEST_GUILESS_MAIN(TestScores)
#include "test_scores.moc"
