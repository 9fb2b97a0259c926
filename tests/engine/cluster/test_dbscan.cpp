// SPDX-License-Identifier: GPL-3.0-or-later
// DBSCAN against scikit-learn 1.2.1 (tests/data/sklearn, tests/data/cluster/gen_cluster.py),
// the automatic eps / minSamples on blobs with noise generated here, the principal-axes
// space and the DBCV validity index (tests/data/cluster/gen_dbcv.py).
#include "engine/cluster/dbscan.h"
#include "engine/cluster/dbscan_sweep.h"
#include "engine/cluster/dbscan_validity.h"
#include "engine/metrics/external.h"
#include "engine/core/error.h"
#include "engine/core/parallel.h"
#include "engine/core/random.h"
#include "tests/support/fixtures.h"

#include <QtTest>

#include <cmath>
#include <vector>
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

/// 2 * axes clusters of `perCluster` points at +-a on each of the first `axes` coordinate axes,
/// unit Gaussian noise in all d coordinates.
atlas::Matrix axisClusters(int axes, int perCluster, int d, double a, atlas::Seed seed,
                           atlas::Labels* truth)
{
    atlas::Rng rng(seed);
    const int k = 2 * axes;
    atlas::Matrix X(k * perCluster, d);
    truth->resize(X.rows());
    for (int i = 0; i < X.rows(); ++i) {
        const int c = i % k;
        (*truth)[i] = c;
        for (int j = 0; j < d; ++j)
            X(i, j) = rng.normal() + (j == c / 2 ? (c % 2 ? a : -a) : 0.0);
    }
    return X;
}

/// DBSCAN as scikit-learn 1.2.1 runs it (_dbscan_inner.pyx): brute-force neighbourhoods
/// ("distance <= eps", the point itself included), then clusters grown depth-first from each
/// unlabelled core point in row order; a border point keeps the first cluster reaching it.
atlas::Labels sklearnDbscan(const atlas::Matrix& X, double eps, int minSamples)
{
    const Eigen::Index n = X.rows();
    std::vector<std::vector<int>> near(static_cast<std::size_t>(n));
    for (Eigen::Index i = 0; i < n; ++i)
        for (Eigen::Index j = 0; j < n; ++j) {
            double d2 = 0.0;
            for (Eigen::Index c = 0; c < X.cols(); ++c) {
                const double d = X(i, c) - X(j, c);
                d2 += d * d;
            }
            if (d2 <= eps * eps)
                near[std::size_t(i)].push_back(int(j));
        }
    atlas::Labels labels = atlas::Labels::Constant(n, -1);
    auto core = [&](Eigen::Index i) { return int(near[std::size_t(i)].size()) >= minSamples; };
    int next = 0;
    for (Eigen::Index i = 0; i < n; ++i) {
        if (labels[i] != -1 || !core(i))
            continue;
        std::vector<int> stack;
        Eigen::Index at = i;
        while (true) {
            if (labels[at] == -1) {
                labels[at] = next;
                if (core(at))
                    for (const int v : near[std::size_t(at)])
                        if (labels[v] == -1)
                            stack.push_back(v);
            }
            if (stack.empty())
                break;
            at = stack.back();
            stack.pop_back();
        }
        ++next;
    }
    return labels;
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

    // One sweep over ascending radii gives, at every radius, scikit-learn's labels computed
    // from scratch by brute force: on blobs with noise, with duplicated rows and on an integer
    // grid (many distances exactly equal to eps), for minSamples from 1 to above n.
    void sweepEqualsBruteForceAtEveryRadius_data()
    {
        QTest::addColumn<int>("minSamples");
        QTest::addColumn<bool>("grid");
        for (const int m : {1, 2, 4, 9, 30, 800})
            for (const bool grid : {false, true})
                QTest::addRow("minSamples %d%s", m, grid ? " grid" : "") << m << grid;
    }
    void sweepEqualsBruteForceAtEveryRadius()
    {
        QFETCH(int, minSamples);
        QFETCH(bool, grid);
        atlas::Labels truth;
        atlas::Matrix X = blobsWithNoise(3, 120, 60, 3, 21, &truth);
        for (int i = 0; i < 40; ++i)
            X.row(X.rows() - 1 - i) = X.row(7 * i);   // duplicated rows
        if (grid)
            X = (X / 3.0).array().round().matrix();   // integer coordinates: exact ties
        std::vector<double> radii = {0.0, 1.0, 2.0, std::sqrt(5.0), 3.0, 4.5, 7.0, 12.0, 40.0};
        atlas::detail::DbscanSweep sweep(X, minSamples);
        for (const double eps : radii) {
            const atlas::DbscanResult r = sweep.cluster(eps);
            const atlas::Labels want = sklearnDbscan(X, eps, minSamples);
            QVERIFY2(r.labels == want, qPrintable(QString("eps %1").arg(eps)));
            QCOMPARE(r.nClusters, want.size() ? want.maxCoeff() + 1 : 0);
            QCOMPARE(r.noiseFraction, double((want.array() == -1).count()) / double(want.size()));
            // The same radius alone, through the public function.
            QVERIFY(atlas::dbscan(X, {eps > 0.0 ? eps : 1e-300, minSamples}).labels ==
                    sklearnDbscan(X, eps > 0.0 ? eps : 1e-300, minSamples));
        }
        QVERIFY_THROWS_EXCEPTION(std::logic_error, sweep.cluster(1.0));
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

    void principalSpaceDimension()
    {
        atlas::Rng rng(11);
        atlas::Matrix X(1000, 16);
        for (Eigen::Index i = 0; i < X.size(); ++i)
            X.data()[i] = rng.normal();
        // Silverman's table: 768 <= 1000 < 2790 points support 5 dimensions, 67 <= 100 < 223
        // support 3, 19 <= 60 < 67 support 2.
        QCOMPARE(atlas::dbscanSpace(X, 0).cols(), Eigen::Index(5));
        QCOMPARE(atlas::dbscanSpace(X.topRows(100), 0).cols(), Eigen::Index(3));
        QCOMPARE(atlas::dbscanSpace(X.topRows(60), 0).cols(), Eigen::Index(2));
        QCOMPARE(atlas::dbscanSpace(X, 7).cols(), Eigen::Index(7));
        QVERIFY(atlas::dbscanSpace(X, -1) == X);
        QVERIFY(atlas::dbscanSpace(X, 16) == X);
        // At most the axes with variance: points on a plane in 16-D give 2 axes, and the
        // orthonormal projection keeps their distances.
        atlas::Matrix plane = X.leftCols(2) * atlas::Matrix::Random(2, 16);
        const atlas::Matrix P = atlas::dbscanSpace(plane, 0);
        QCOMPARE(P.cols(), Eigen::Index(2));
        for (int i = 1; i < 50; ++i) {
            const double d0 = (plane.row(i) - plane.row(0)).norm();
            QVERIFY(std::abs((P.row(i) - P.row(0)).norm() - d0) <= 1e-9 * (1.0 + d0));
        }
        // Variances of the axes are descending (leading axes first).
        const atlas::Vector var = atlas::dbscanSpace(X, 0).colwise().squaredNorm();
        QVERIFY(std::is_sorted(var.data(), var.data() + var.size(), std::greater<double>()));
        QVERIFY(!(atlas::DbscanConfig{0.0, 0, -2}.validate().empty()));
    }

    void projectedLabelsAreDbscanOfTheProjection()
    {
        // components = k is DBSCAN (exact, sklearn-identical as tested above) on dbscanSpace().
        atlas::Labels truth;
        const atlas::Matrix X = axisClusters(2, 100, 10, 4.0, 3, &truth);
        for (const int k : {2, 4}) {
            const atlas::DbscanResult a = atlas::dbscan(X, {1.5, 6, k});
            const atlas::DbscanResult b = atlas::dbscan(atlas::dbscanSpace(X, k), {1.5, 6});
            QVERIFY(a.labels == b.labels);
            QCOMPARE(a.components, k);
            QCOMPARE(b.components, k);
        }
        // The automatic minSamples is 2 x the clustered dimension.
        const atlas::DbscanResult r = atlas::dbscan(X, {0.0, 0, 3});
        QCOMPARE(r.minSamples, 6);
        QCOMPARE(r.components, 3);
        QCOMPARE(r.kDistances.size(), X.rows());
        QCOMPARE((atlas::dbscan(X, {0.0, 9, 3}).minSamples), 9);  // an explicit value is kept
        QCOMPARE(atlas::dbscan(X, {}).minSamples, 20);           // 2 x 10 on X itself
    }

    void principalAxesFindClustersHiddenInHighDimension_data()
    {
        QTest::addColumn<int>("seed");
        QTest::newRow("seed 1") << 1;
        QTest::newRow("seed 2") << 2;
        QTest::newRow("seed 3") << 3;
    }
    void principalAxesFindClustersHiddenInHighDimension()
    {
        // 8 clusters of 120 at +-3.5 on 4 axes of a 16-D space with unit noise in every
        // coordinate, the shape of learned codes: structure in a few directions, noise of the
        // same scale in the rest. In all 16 dimensions with minSamples 32 the k-distances hardly
        // vary and no eps separates the clusters; on the 5 leading axes DBSCAN finds them.
        QFETCH(int, seed);
        atlas::Labels truth;
        const atlas::Matrix X = axisClusters(4, 120, 16, 3.5, atlas::Seed(seed), &truth);
        const atlas::DbscanResult full = atlas::dbscan(X, {});
        const atlas::DbscanResult lead = atlas::dbscan(X, {0.0, 0, 0});
        const double nmiFull = atlas::normalizedMutualInfoScore(truth, full.labels);
        const double nmiLead = atlas::normalizedMutualInfoScore(truth, lead.labels);
        qInfo("16-D: %d clusters, noise %.3f, NMI %.3f; %d leading axes, minSamples %d, "
              "eps %.3f: %d clusters, noise %.3f, NMI %.3f, DBCV %.3f",
              full.nClusters, full.noiseFraction, nmiFull, lead.components, lead.minSamples,
              lead.eps, lead.nClusters, lead.noiseFraction, nmiLead, lead.validity);
        QVERIFY(nmiFull < 0.3);
        QCOMPARE(lead.components, 5);
        QCOMPARE(lead.minSamples, 10);
        QVERIFY(lead.nClusters >= 6 && lead.nClusters <= 10);
        QVERIFY(lead.noiseFraction < 0.5);
        QVERIFY(nmiLead > 0.55);
        QVERIFY(std::isfinite(lead.validity) && lead.validity > 0.0);
    }

    void noStructureGivesNoClusters_data()
    {
        QTest::addColumn<bool>("gaussian");
        QTest::addColumn<int>("components");
        QTest::newRow("uniform, leading axes") << false << 0;
        QTest::newRow("gaussian, leading axes") << true << 0;
        QTest::newRow("uniform, as given") << false << -1;
    }
    void noStructureGivesNoClusters()
    {
        // One uniform box or one Gaussian in 16-D: no candidate eps gives >= 2 clusters with
        // at most half noise, so the result is one cluster or noise, not invented clusters.
        QFETCH(bool, gaussian);
        QFETCH(int, components);
        atlas::Rng rng(gaussian ? 8 : 7);
        atlas::Matrix X(1000, 16);
        for (Eigen::Index i = 0; i < X.size(); ++i)
            X.data()[i] = gaussian ? rng.normal() : rng.uniform();
        const atlas::DbscanResult r = atlas::dbscan(X, {0.0, 0, components});
        qInfo("%d clusters, noise %.3f, eps %.3f, minSamples %d", r.nClusters, r.noiseFraction,
              r.eps, r.minSamples);
        QVERIFY(r.nClusters <= 1 || r.noiseFraction > 0.5);
        QVERIFY(std::isnan(r.validity));
    }

    void densityValidityAgreesWithReference_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<double>("want");
        const auto rows =
            atlas::test::readSimpleCsv(atlas::test::fixture("cluster/dbcv_values.csv"));
        for (std::size_t i = 1; i < rows.size(); ++i)
            QTest::newRow(rows[i][0].c_str())
                << QString::fromStdString(rows[i][0]) << std::stod(rows[i][1]);
    }
    void densityValidityAgreesWithReference()
    {
        QFETCH(QString, name);
        QFETCH(double, want);
        const auto rows = atlas::test::readSimpleCsv(
            atlas::test::fixture("cluster/dbcv_case_" + name.toStdString() + ".csv"));
        const int d = int(rows[0].size()) - 1;
        atlas::Matrix X(int(rows.size()) - 1, d);
        atlas::Labels l(X.rows());
        for (std::size_t i = 1; i < rows.size(); ++i) {
            for (int j = 0; j < d; ++j)
                X(int(i) - 1, j) = std::stod(rows[i][std::size_t(j)]);
            l[int(i) - 1] = std::stoi(rows[i][std::size_t(d)]);
        }
        const double got = atlas::densityValidity(X, l);
        // The reference runs on the full distance matrix; ours uses product-based distances
        // for the separation: 1e-9 covers their rounding.
        QVERIFY2(std::abs(got - want) <= 1e-9,
                 qPrintable(QString("got %1, want %2").arg(got, 0, 'g', 17).arg(want, 0, 'g', 17)));
    }

    void densityValidityProperties()
    {
        atlas::Labels truth;
        const atlas::Matrix X = blobsWithNoise(3, 100, 0, 2, 4, &truth);
        const double good = atlas::densityValidity(X, truth);
        QVERIFY(good > 0.7);  // compact blobs 30 apart
        // Cutting a blob in two through its dense centre gives a worse index.
        atlas::Labels cut = truth;
        for (int i = 0; i < X.rows(); ++i)
            if (truth[i] == 0 && X(i, 1) > 0.0)
                cut[i] = 3;
        QVERIFY(atlas::densityValidity(X, cut) < good - 0.2);
        // Noise counts against the index: a cluster's weight is its share of all points.
        atlas::Labels noisy = truth;
        for (int i = 0; i < X.rows(); i += 5)
            noisy[i] = -1;
        QVERIFY(atlas::densityValidity(X, noisy) < good);
        QVERIFY(std::isnan(atlas::densityValidity(X, atlas::Labels::Zero(X.rows()))));
        double one = 0.0, two = 0.0;
        {
            atlas::ThreadScope scope(1);
            one = atlas::densityValidity(X, cut);
        }
        {
            atlas::ThreadScope scope(2);
            two = atlas::densityValidity(X, cut);
        }
        QCOMPARE(one, two);
        QVERIFY_THROWS_EXCEPTION(atlas::InputError,
                                 atlas::densityValidity(X, truth.head(X.rows() - 1)));
        atlas::Labels bad = truth;
        bad[0] = -2;
        QVERIFY_THROWS_EXCEPTION(atlas::InputError, atlas::densityValidity(X, bad));
    }

    // "distance <= eps", sklearn's test, holds at exactly eps: points 5 apart on a line
    // (3-4-5 steps, so every distance is exact) with eps 5 are each other's neighbours.
    void neighbourAtExactlyEps()
    {
        atlas::Matrix X(4, 2);
        X << 0, 0, 3, 4, 6, 8, 9, 12;
        atlas::DbscanConfig cfg;
        cfg.eps = 5.0;
        cfg.minSamples = 3;
        const atlas::DbscanResult r = atlas::dbscan(X, cfg);
        QCOMPARE(r.coreSampleIndices, (std::vector<int>{1, 2}));
        QCOMPARE(r.nClusters, 1);
        QCOMPARE(r.noiseFraction, 0.0);
        cfg.eps = std::nextafter(5.0, 0.0);
        QCOMPARE(atlas::dbscan(X, cfg).nClusters, 0);
    }

    void automaticEpsAboveFiveThousandPoints()
    {
        // Above 5,000 points the automatic eps scores fewer candidates, each on the DBCV of a
        // fixed sample of 5,000 rows; the clusters are still found. (Its speed at scale is
        // measured by tests/bench/bench_scale, not here.)
        atlas::Labels truth;
        const atlas::Matrix X = blobsWithNoise(10, 590, 100, 16, 4, &truth);
        QCOMPARE(X.rows(), Eigen::Index(6000));
        const atlas::DbscanResult r = atlas::dbscan(X, {});
        QCOMPARE(r.nClusters, 10);
    }
};

QTEST_GUILESS_MAIN(TestDbscan)
#include "test_dbscan.moc"
