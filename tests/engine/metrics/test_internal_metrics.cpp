// SPDX-License-Identifier: GPL-3.0-or-later
// Internal clustering metrics (silhouette, Calinski-Harabasz, Davies-Bouldin) against
// scikit-learn 1.2.1 (tests/data/cluster/gen_metrics.py and the tests/data/sklearn fixture).
#include "engine/core/error.h"
#include "engine/core/parallel.h"
#include "engine/core/random.h"
#include "engine/metrics/internal.h"
#include "tests/support/fixtures.h"

#include <QtTest>

#include <cmath>
#include <map>
#include <string>
#include <vector>

namespace {

struct Case {
    atlas::Matrix X;
    atlas::Labels pred;
};

Case loadCase(const std::string& name)
{
    const atlas::Matrix all = atlas::test::readNumericCsv(
        atlas::test::fixture("cluster/metric_case_" + name + ".csv"), true);
    Case c;
    c.X = all.leftCols(all.cols() - 2);
    c.pred = all.col(all.cols() - 1).cast<int>();
    return c;
}

std::map<std::string, std::map<std::string, double>> loadValues(const std::string& file)
{
    std::map<std::string, std::map<std::string, double>> v;
    const auto rows = atlas::test::readSimpleCsv(atlas::test::fixture(file));
    for (std::size_t i = 1; i < rows.size(); ++i)
        v[rows[i][0]][rows[i][1]] = std::stod(rows[i][2]);
    return v;
}

// 1e-9 relative (the agreement target). Silhouette distances come from the same
// |a|^2 + |b|^2 - 2ab formula as sklearn but a different dot-product order, so they differ
// by ~1e-16 * |x|^2 / d^2 per pair; CH and DB differ only in summation order.
bool close(double got, double want, double rtol = 1e-9, double atol = 0.0)
{
    if (std::isnan(want))
        return std::isnan(got);
    return std::abs(got - want) <= atol + rtol * std::abs(want);
}

#define CHECK_CLOSE(got, want)                                                                \
    do {                                                                                       \
        const double g_ = (got), w_ = (want);                                                  \
        if (!close(g_, w_))                                                                    \
            QFAIL(qPrintable(QString("%1 = %2, sklearn %3").arg(#got).arg(g_, 0, 'g', 17)     \
                                 .arg(w_, 0, 'g', 17)));                                       \
    } while (false)

atlas::Matrix randomBlobs(int n, int d, int k, atlas::Seed seed, atlas::Labels* labels)
{
    atlas::Rng rng(seed);
    atlas::Matrix centres(k, d);
    for (int c = 0; c < k; ++c)
        for (int j = 0; j < d; ++j)
            centres(c, j) = rng.normal(0.0, 5.0);
    atlas::Matrix X(n, d);
    labels->resize(n);
    for (int i = 0; i < n; ++i) {
        (*labels)[i] = i % k;
        for (int j = 0; j < d; ++j)
            X(i, j) = centres(i % k, j) + rng.normal();
    }
    return X;
}

} // namespace

class TestInternalMetrics : public QObject {
    Q_OBJECT
private slots:
    void matchesSklearnOnGeneratedCases_data()
    {
        QTest::addColumn<QString>("name");
        for (const char* n : {"n50_d3", "n500_d8_gaps", "n1000_d16_k2", "n2000_d5_k12",
                              "n300_offset", "pred_one_cluster", "pred_singletons",
                              "truth_singletons", "pred_n_minus_1", "singleton_in_pred",
                              "zero_within", "with_noise_label"})
            QTest::newRow(n) << QString(n);
    }
    void matchesSklearnOnGeneratedCases()
    {
        QFETCH(QString, name);
        const Case c = loadCase(name.toStdString());
        const auto want = loadValues("cluster/metric_values.csv").at(name.toStdString());
        // sklearn raises ValueError where the fixture has NaN; these functions return NaN.
        CHECK_CLOSE(atlas::silhouetteScore(c.X, c.pred), want.at("silhouette"));
        CHECK_CLOSE(atlas::calinskiHarabaszScore(c.X, c.pred), want.at("ch"));
        CHECK_CLOSE(atlas::daviesBouldinScore(c.X, c.pred), want.at("db"));
    }

    void matchesTheThreeHundredPointFixture()
    {
        const atlas::Matrix X =
            atlas::test::readNumericCsv(atlas::test::fixture("sklearn/X_300x16.csv"));
        const atlas::Matrix L =
            atlas::test::readNumericCsv(atlas::test::fixture("sklearn/labels_300.csv"), true);
        const auto want = loadValues("sklearn/metrics_300.csv");
        const char* names[] = {"pred_kmeans", "pred_ward", "pred_dbscan"};
        for (int col = 1; col <= 3; ++col) {
            const auto& w = want.at(names[col - 1]);
            const atlas::Labels p = L.col(col).cast<int>();
            CHECK_CLOSE(atlas::silhouetteScore(X, p), w.at("silhouette_all"));
            CHECK_CLOSE(atlas::calinskiHarabaszScore(X, p), w.at("ch_all"));
            CHECK_CLOSE(atlas::daviesBouldinScore(X, p), w.at("db_all"));
            std::vector<int> keep;
            for (int i = 0; i < p.size(); ++i)
                if (p[i] != -1)
                    keep.push_back(i);
            QCOMPARE(double(p.size()) - double(keep.size()), w.at("n_noise"));
            atlas::Matrix Xk(int(keep.size()), X.cols());
            atlas::Labels pk(int(keep.size()));
            for (std::size_t r = 0; r < keep.size(); ++r) {
                Xk.row(int(r)) = X.row(keep[r]);
                pk[int(r)] = p[keep[r]];
            }
            CHECK_CLOSE(atlas::silhouetteScore(Xk, pk), w.at("silhouette_nonnoise"));
            CHECK_CLOSE(atlas::calinskiHarabaszScore(Xk, pk), w.at("ch_nonnoise"));
            CHECK_CLOSE(atlas::daviesBouldinScore(Xk, pk), w.at("db_nonnoise"));
        }
    }

    void silhouettesOfSeveralLabellingsMatchSklearn()
    {
        // The three clusterings of the 300-point fixture in one pass, DBSCAN's noise left
        // out as scoreClustering() does; a one-cluster labelling has no score.
        const atlas::Matrix X =
            atlas::test::readNumericCsv(atlas::test::fixture("sklearn/X_300x16.csv"));
        const atlas::Matrix L =
            atlas::test::readNumericCsv(atlas::test::fixture("sklearn/labels_300.csv"), true);
        const auto want = loadValues("sklearn/metrics_300.csv");
        std::vector<atlas::Labels> labellings;
        for (int col = 1; col <= 3; ++col)
            labellings.push_back(L.col(col).cast<int>());
        labellings.push_back(atlas::Labels::Zero(X.rows()));
        QVERIFY((labellings[2].array() == -1).any());
        const std::vector<double> got = atlas::silhouetteScores(X, labellings);
        QCOMPARE(got.size(), std::size_t(4));
        CHECK_CLOSE(got[0], want.at("pred_kmeans").at("silhouette_nonnoise"));
        CHECK_CLOSE(got[1], want.at("pred_ward").at("silhouette_nonnoise"));
        CHECK_CLOSE(got[2], want.at("pred_dbscan").at("silhouette_nonnoise"));
        QVERIFY(std::isnan(got[3]));
        // Noise first: the other labellings are sorted by a labelling with noise.
        const std::vector<double> noiseFirst =
            atlas::silhouetteScores(X, {labellings[2], labellings[0]});
        CHECK_CLOSE(noiseFirst[0], want.at("pred_dbscan").at("silhouette_nonnoise"));
        CHECK_CLOSE(noiseFirst[1], want.at("pred_kmeans").at("silhouette_nonnoise"));
        QVERIFY_THROWS_EXCEPTION(atlas::InputError,
                                 atlas::silhouetteScores(X, {atlas::Labels::Zero(5)}));
    }

    void silhouettesOfSeveralLabellingsAcrossTiles()
    {
        // 5,000 points: three tiles of other points. Against silhouetteScore() of each
        // labelling's labelled rows, and the same bits for one and two threads.
        atlas::Labels blobs;
        const atlas::Matrix X = randomBlobs(5000, 6, 7, 21, &blobs);
        atlas::Rng rng(4);
        atlas::Labels noisy = blobs, fine(X.rows()), coarse(X.rows());
        for (Eigen::Index i = 0; i < X.rows(); ++i) {
            if (rng.uniform(0.0, 1.0) < 0.1)
                noisy[i] = -1;
            fine[i] = int(rng.below(40)) * 3 - 7;   // 40 labels with gaps, negatives
            coarse[i] = X(i, 0) > 0.0 ? 9 : 2;
        }
        const std::vector<atlas::Labels> labellings = {fine, noisy, coarse, blobs};
        std::vector<double> one, two;
        {
            atlas::ThreadScope scope(1);
            one = atlas::silhouetteScores(X, labellings);
        }
        {
            atlas::ThreadScope scope(2);
            two = atlas::silhouetteScores(X, labellings);
        }
        QVERIFY(one == two);
        for (std::size_t l = 0; l < labellings.size(); ++l) {
            const atlas::Labels& p = labellings[l];
            std::vector<Eigen::Index> keep;
            for (Eigen::Index i = 0; i < p.size(); ++i)
                if (p[i] != -1)
                    keep.push_back(i);
            atlas::Matrix Xk(Eigen::Index(keep.size()), X.cols());
            atlas::Labels pk(Eigen::Index(keep.size()));
            for (std::size_t r = 0; r < keep.size(); ++r) {
                Xk.row(Eigen::Index(r)) = X.row(keep[r]);
                pk[Eigen::Index(r)] = p[keep[r]];
            }
            const double want = atlas::silhouetteScore(Xk, pk);
            if (!close(one[l], want, 1e-12))
                QFAIL(qPrintable(QString("labelling %1: %2, alone %3")
                                     .arg(l)
                                     .arg(one[l], 0, 'g', 17)
                                     .arg(want, 0, 'g', 17)));
        }
    }

    void silhouetteSamplesFollowSklearnConventions()
    {
        // A point alone in its cluster scores 0, as sklearn's nan_to_num makes it.
        const Case c = loadCase("singleton_in_pred");
        const atlas::Vector s = atlas::silhouetteSamples(c.X, c.pred);
        QCOMPARE(s[c.X.rows() - 1], 0.0);
        QVERIFY((s.array() >= -1.0).all() && (s.array() <= 1.0).all());
        // Invalid label counts give NaN everywhere instead of sklearn's ValueError.
        const atlas::Labels one = atlas::Labels::Zero(c.X.rows());
        QVERIFY(atlas::silhouetteSamples(c.X, one).array().isNaN().all());
        QVERIFY(std::isnan(atlas::calinskiHarabaszScore(c.X, one)));
        QVERIFY(std::isnan(atlas::daviesBouldinScore(c.X, one)));
    }

    void degenerateZeroDataGivesFiniteScores()
    {
        // All points identical: every distance is 0, so a = b = 0 -> silhouette 0 (sklearn's
        // 0/0 -> 0), CH 1.0 (zero within-dispersion rule), DB 0.0 (all-zero rule).
        const atlas::Matrix Z = atlas::Matrix::Zero(30, 4);
        atlas::Labels l(30);
        for (int i = 0; i < 30; ++i)
            l[i] = i % 3;
        QCOMPARE(atlas::silhouetteScore(Z, l), 0.0);
        QCOMPARE(atlas::calinskiHarabaszScore(Z, l), 1.0);
        QCOMPARE(atlas::daviesBouldinScore(Z, l), 0.0);
    }

    void invalidInputThrows()
    {
        const atlas::Matrix X = atlas::Matrix::Random(10, 3);
        const atlas::Labels shortLabels = atlas::Labels::Zero(9);
        QVERIFY_THROWS_EXCEPTION(atlas::InputError, atlas::silhouetteScore(X, shortLabels));
        QVERIFY_THROWS_EXCEPTION(atlas::InputError, atlas::calinskiHarabaszScore(X, shortLabels));
        QVERIFY_THROWS_EXCEPTION(atlas::InputError, atlas::daviesBouldinScore(X, shortLabels));
        atlas::Matrix bad = X;
        bad(3, 1) = std::nan("");
        atlas::Labels l(10);
        l << 0, 0, 0, 0, 0, 1, 1, 1, 1, 1;
        QVERIFY_THROWS_EXCEPTION(atlas::InputError, atlas::silhouetteScore(bad, l));
    }

    void silhouetteIsIdenticalForOneAndTwoThreads()
    {
        atlas::Labels labels;
        const atlas::Matrix X = randomBlobs(1500, 7, 5, 11, &labels);
        atlas::Vector one, two;
        {
            atlas::ThreadScope scope(1);
            one = atlas::silhouetteSamples(X, labels);
        }
        {
            atlas::ThreadScope scope(2);
            two = atlas::silhouetteSamples(X, labels);
        }
        QVERIFY(one == two);  // bit-identical: fixed blocks, per-point sums
    }

    void silhouetteIsCancellable()
    {
        atlas::Labels labels;
        const atlas::Matrix X = randomBlobs(600, 4, 3, 5, &labels);
        std::atomic<bool> cancel{true};
        const atlas::Progress progress({}, &cancel);
        QVERIFY_THROWS_EXCEPTION(atlas::Cancelled, atlas::silhouetteScore(X, labels, progress));
    }

    void silhouetteOfTwentyThousandPoints()
    {
        atlas::Labels labels;
        const atlas::Matrix X = randomBlobs(20000, 16, 10, 3, &labels);
        double last = -1.0;
        bool monotonic = true;
        const atlas::Progress progress(
            [&](std::string_view, double f, std::string_view) {
                monotonic = monotonic && f >= last;
                last = f;
            },
            nullptr);
        // Exact over all 20,000 points (its speed: tests/bench/bench_scale).
        const double s = atlas::silhouetteScore(X, labels, progress);
        QVERIFY(monotonic);
        QCOMPARE(last, 1.0);
        QVERIFY(s > 0.3 && s < 1.0);  // well-separated blobs (centre sd 5, noise sd 1)
    }
};

QTEST_GUILESS_MAIN(TestInternalMetrics)
#include "test_internal_metrics.moc"
