// SPDX-License-Identifier: GPL-3.0-or-later
// KMeans against scikit-learn 1.2.1 (tests/data/sklearn, tests/data/cluster/gen_cluster.py)
// and on blobs generated here.
#include "engine/cluster/kmeans.h"
#include "engine/core/error.h"
#include "engine/core/parallel.h"
#include "engine/core/random.h"
#include "tests/support/fixtures.h"

#include <QtTest>

#include <cmath>
#include <map>
#include <set>

namespace {

/// Adjusted Rand index from pair counts (Hubert & Arabie 1985); the engine's metrics stage is
/// not linked into the cluster tests, and doubles are exact here for n < 10^5.
double ari(const atlas::Labels& a, const atlas::Labels& b)
{
    std::map<std::pair<int, int>, double> cells;
    std::map<int, double> rows, cols;
    for (int i = 0; i < a.size(); ++i) {
        cells[{a[i], b[i]}] += 1;
        rows[a[i]] += 1;
        cols[b[i]] += 1;
    }
    auto pairs = [](double v) { return v * (v - 1) / 2; };
    double sumCells = 0, sumRows = 0, sumCols = 0;
    for (auto& [k, v] : cells)
        sumCells += pairs(v);
    for (auto& [k, v] : rows)
        sumRows += pairs(v);
    for (auto& [k, v] : cols)
        sumCols += pairs(v);
    const double expected = sumRows * sumCols / pairs(double(a.size()));
    const double maxIndex = (sumRows + sumCols) / 2;
    if (maxIndex == expected)
        return 1.0;
    return (sumCells - expected) / (maxIndex - expected);
}

atlas::Matrix blobs(int n, int d, int k, double spread, atlas::Seed seed, atlas::Labels* truth)
{
    atlas::Rng rng(seed);
    atlas::Matrix centres(k, d);
    for (int c = 0; c < k; ++c)
        for (int j = 0; j < d; ++j)
            centres(c, j) = rng.uniform(-50.0, 50.0);
    atlas::Matrix X(n, d);
    truth->resize(n);
    for (int i = 0; i < n; ++i) {
        (*truth)[i] = i % k;
        for (int j = 0; j < d; ++j)
            X(i, j) = centres(i % k, j) + spread * rng.normal();
    }
    return X;
}

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

} // namespace

class TestKMeans : public QObject {
    Q_OBJECT
private slots:
    void agreesWithSklearnOnTheThreeHundredPointFixture()
    {
        const atlas::Matrix X =
            atlas::test::readNumericCsv(atlas::test::fixture("sklearn/X_300x16.csv"));
        const atlas::Labels want = column("sklearn/labels_300.csv", "pred_kmeans");
        const atlas::KMeansResult r = atlas::kmeans(X, atlas::KMeansConfig{});
        const double score = ari(r.labels, want);
        qInfo("KMeans(k=10) on X_300x16: ARI vs sklearn pred_kmeans = %.6f, inertia %.6f",
              score, r.inertia);
        // sklearn's numpy-seeded k-means++ and ours reach the same optimum on this data.
        QVERIFY(score >= 0.99);
        QCOMPARE(r.distinctClusters, 10);
    }

    void agreesWithSklearnOnOverlappingMixture()
    {
        const atlas::Matrix X =
            atlas::test::readNumericCsv(atlas::test::fixture("cluster/mix_1000x8.csv"));
        const atlas::Labels want = column("cluster/cluster_labels_mix.csv", "kmeans_k8");
        atlas::KMeansConfig cfg;
        cfg.k = 8;
        const atlas::KMeansResult r = atlas::kmeans(X, cfg);
        const double score = ari(r.labels, want);
        qInfo("KMeans(k=8) on mix_1000x8: ARI vs sklearn = %.6f", score);
        QVERIFY(score >= 0.99);
        QVERIFY(r.converged);
        QVERIFY(r.iterations >= 1 && r.iterations <= cfg.maxIterations);
    }

    void recoversSeparatedBlobs()
    {
        atlas::Labels truth;
        const atlas::Matrix X = blobs(600, 5, 6, 1.0, 99, &truth);
        atlas::KMeansConfig cfg;
        cfg.k = 6;
        const atlas::KMeansResult r = atlas::kmeans(X, cfg);
        QCOMPARE(ari(r.labels, truth), 1.0);  // blobs 100 sd apart at most, sd 1: no overlap
        QCOMPARE(r.centres.rows(), 6);
        QCOMPARE(r.centres.cols(), 5);
        // Inertia is the sum of squared distances to the assigned centres.
        double inertia = 0;
        for (int i = 0; i < X.rows(); ++i)
            inertia += (X.row(i) - r.centres.row(r.labels[i])).squaredNorm();
        QVERIFY(std::abs(inertia - r.inertia) <= 1e-9 * inertia);  // summation order only
    }

    void sameSeedSameResultAndThreadIndependent()
    {
        atlas::Labels truth;
        // Overlapping blobs, large enough (n k d >= 2^20) for the parallel assignment path.
        const atlas::Matrix X = blobs(20000, 6, 12, 8.0, 5, &truth);
        atlas::KMeansConfig cfg;
        cfg.k = 12;
        cfg.nInit = 3;
        cfg.seed = 1234;
        atlas::KMeansResult one, two, again;
        {
            atlas::ThreadScope scope(1);
            one = atlas::kmeans(X, cfg);
        }
        {
            atlas::ThreadScope scope(2);
            two = atlas::kmeans(X, cfg);
            again = atlas::kmeans(X, cfg);
        }
        QVERIFY(one.labels == two.labels);
        QVERIFY(one.centres == two.centres);  // bit-identical
        QCOMPARE(one.inertia, two.inertia);
        QVERIFY(two.labels == again.labels && two.centres == again.centres);
        cfg.seed = 99;
        const atlas::KMeansResult other = atlas::kmeans(X, cfg);
        QVERIFY(std::isfinite(other.inertia));
    }

    void degenerateDataGiveFiniteCentres()
    {
        // All rows identical: one used cluster, the other centres duplicate the row (sklearn
        // behaves the same and warns), inertia 0.
        const atlas::Matrix Z = atlas::Matrix::Zero(50, 3);
        atlas::KMeansConfig cfg;
        cfg.k = 3;
        const atlas::KMeansResult r = atlas::kmeans(Z, cfg);
        QVERIFY(r.centres.allFinite());
        QCOMPARE(r.inertia, 0.0);
        QCOMPARE(r.distinctClusters, 1);
        QVERIFY((r.labels.array() >= 0).all() && (r.labels.array() < 3).all());

        // k larger than the number of distinct rows (4 rows, each 10 times, k = 6).
        atlas::Matrix X(40, 2);
        for (int i = 0; i < 40; ++i)
            X.row(i) << double(i % 4), double((i % 4) * (i % 4));
        cfg.k = 6;
        const atlas::KMeansResult s = atlas::kmeans(X, cfg);
        QVERIFY(s.centres.allFinite());
        QCOMPARE(s.inertia, 0.0);
        QCOMPARE(s.distinctClusters, 4);
    }

    void invalidConfigThrows()
    {
        const atlas::Matrix X = atlas::Matrix::Random(20, 3);
        auto with = [](auto change) {
            atlas::KMeansConfig c;
            c.k = 3;
            change(c);
            return c;
        };
        QVERIFY_THROWS_EXCEPTION(atlas::ConfigError,
                                 atlas::kmeans(X, with([](auto& c) { c.k = 0; })));
        QVERIFY_THROWS_EXCEPTION(atlas::ConfigError,
                                 atlas::kmeans(X, with([](auto& c) { c.nInit = 0; })));
        QVERIFY_THROWS_EXCEPTION(atlas::ConfigError,
                                 atlas::kmeans(X, with([](auto& c) { c.maxIterations = 0; })));
        QVERIFY_THROWS_EXCEPTION(atlas::ConfigError,
                                 atlas::kmeans(X, with([](auto& c) { c.tolerance = -1; })));
        QVERIFY_THROWS_EXCEPTION(
            atlas::ConfigError, atlas::kmeans(X, with([](auto& c) { c.tolerance = std::nan(""); })));
        QVERIFY_THROWS_EXCEPTION(atlas::ConfigError,
                                 atlas::kmeans(X, with([](auto& c) { c.k = 21; })));
        QVERIFY(!with([](auto& c) { c.k = -2; }).validate().empty());
        QVERIFY(with([](auto&) {}).validate().empty());
    }

    void invalidInputThrows()
    {
        atlas::Matrix X = atlas::Matrix::Random(20, 3);
        X(4, 2) = std::numeric_limits<double>::infinity();
        atlas::KMeansConfig cfg;
        cfg.k = 2;
        QVERIFY_THROWS_EXCEPTION(atlas::InputError, atlas::kmeans(X, cfg));
        QVERIFY_THROWS_EXCEPTION(atlas::ConfigError, atlas::kmeans(atlas::Matrix(0, 3), cfg));
    }

    void reportsProgressPerRestartAndCancels()
    {
        atlas::Labels truth;
        const atlas::Matrix X = blobs(300, 4, 3, 1.0, 3, &truth);
        atlas::KMeansConfig cfg;
        cfg.k = 3;
        cfg.nInit = 4;
        std::vector<double> seen;
        const atlas::Progress progress(
            [&](std::string_view, double f, std::string_view) { seen.push_back(f); }, nullptr);
        atlas::kmeans(X, cfg, progress);
        QVERIFY(seen.size() >= 4);
        QVERIFY(std::is_sorted(seen.begin(), seen.end()));
        QCOMPARE(seen.back(), 1.0);
        std::atomic<bool> cancel{true};
        QVERIFY_THROWS_EXCEPTION(atlas::Cancelled,
                                 atlas::kmeans(X, cfg, atlas::Progress({}, &cancel)));
    }
};

QTEST_GUILESS_MAIN(TestKMeans)
#include "test_kmeans.moc"
