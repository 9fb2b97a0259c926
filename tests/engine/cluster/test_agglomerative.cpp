// SPDX-License-Identifier: GPL-3.0-or-later
// Agglomerative clustering against scikit-learn 1.2.1 / scipy 1.10.1
// (tests/data/cluster/gen_cluster.py, tests/data/sklearn).
#include "engine/cluster/agglomerative.h"
#include "engine/core/error.h"
#include "engine/core/parallel.h"
#include "engine/core/random.h"
#include "engine/embed/knn.h"
#include "tests/support/fixtures.h"

#include <QtTest>

#include <cmath>
#include <map>
#include <set>
#include <utility>

namespace {

/// True when a and b are the same partition up to a relabelling (a bijection of labels).
bool samePartition(const atlas::Labels& a, const atlas::Labels& b)
{
    if (a.size() != b.size())
        return false;
    std::map<int, int> ab, ba;
    for (int i = 0; i < a.size(); ++i) {
        const auto [x, newX] = ab.emplace(a[i], b[i]);
        const auto [y, newY] = ba.emplace(b[i], a[i]);
        if (x->second != b[i] || y->second != a[i])
            return false;
    }
    return true;
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

atlas::Linkage linkageFromName(const QString& name)
{
    if (name == "ward")
        return atlas::Linkage::Ward;
    if (name == "average")
        return atlas::Linkage::Average;
    if (name == "complete")
        return atlas::Linkage::Complete;
    return atlas::Linkage::Single;
}

atlas::Matrix randomPoints(int n, int d, atlas::Seed seed)
{
    atlas::Rng rng(seed);
    atlas::Matrix X(n, d);
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < d; ++j)
            X(i, j) = rng.normal() + 4.0 * double(i % 7);
    return X;
}

/// The linkage tree of X computed with one thread and with two.
std::pair<atlas::MergeTree, atlas::MergeTree> onOneAndTwoThreads(const atlas::Matrix& X,
                                                                 atlas::Linkage linkage)
{
    std::pair<atlas::MergeTree, atlas::MergeTree> trees;
    {
        atlas::ThreadScope scope(1);
        trees.first = atlas::linkageTree(X, linkage);
    }
    {
        atlas::ThreadScope scope(2);
        trees.second = atlas::linkageTree(X, linkage);
    }
    return trees;
}

} // namespace

class TestAgglomerative : public QObject {
    Q_OBJECT
private slots:
    void partitionsMatchSklearn_data()
    {
        QTest::addColumn<QString>("data");
        QTest::addColumn<QString>("labels");
        QTest::addColumn<QString>("linkage");
        QTest::addColumn<int>("k");
        for (const char* l : {"ward", "average", "complete", "single"})
            for (int k : {3, 10})
                QTest::addRow("X300 %s k=%d", l, k)
                    << "sklearn/X_300x16.csv" << "cluster/cluster_labels_300.csv" << l << k;
        for (const char* l : {"ward", "average", "complete"})
            for (int k : {8, 20})
                QTest::addRow("mix %s k=%d", l, k)
                    << "cluster/mix_1000x8.csv" << "cluster/cluster_labels_mix.csv" << l << k;
        QTest::addRow("mix single k=8")
            << "cluster/mix_1000x8.csv" << "cluster/cluster_labels_mix.csv" << "single" << 8;
    }
    void partitionsMatchSklearn()
    {
        QFETCH(QString, data);
        QFETCH(QString, labels);
        QFETCH(QString, linkage);
        QFETCH(int, k);
        const atlas::Matrix X = atlas::test::readNumericCsv(atlas::test::fixture(data.toStdString()));
        const atlas::Labels want = column(labels.toStdString(),
                                          QString("%1_k%2").arg(linkage).arg(k).toStdString());
        atlas::AgglomerativeConfig cfg;
        cfg.k = k;
        cfg.linkage = linkageFromName(linkage);
        const atlas::AgglomerativeResult r = atlas::agglomerative(X, cfg);
        QVERIFY(samePartition(r.labels, want));  // exact partition
        QVERIFY(r.labels == want);               // and sklearn's numbering
    }

    void wardMatchesTheFixturePrediction()
    {
        const atlas::Matrix X =
            atlas::test::readNumericCsv(atlas::test::fixture("sklearn/X_300x16.csv"));
        atlas::AgglomerativeConfig cfg;
        cfg.k = 10;
        const atlas::Labels want = column("sklearn/labels_300.csv", "pred_ward");
        const atlas::Labels got = atlas::agglomerative(X, cfg).labels;
        QVERIFY(samePartition(got, want));
        QVERIFY(got == want);  // sklearn's numbering too
    }

    void mergeHeightsMatchScipy_data()
    {
        QTest::addColumn<QString>("data");
        QTest::addColumn<QString>("heights");
        QTest::newRow("X300") << "sklearn/X_300x16.csv" << "cluster/linkage_heights_300.csv";
        QTest::newRow("mix") << "cluster/mix_1000x8.csv" << "cluster/linkage_heights_mix.csv";
    }
    void mergeHeightsMatchScipy()
    {
        QFETCH(QString, data);
        QFETCH(QString, heights);
        const atlas::Matrix X = atlas::test::readNumericCsv(atlas::test::fixture(data.toStdString()));
        const atlas::Matrix H =
            atlas::test::readNumericCsv(atlas::test::fixture(heights.toStdString()), true);
        const atlas::Linkage kinds[] = {atlas::Linkage::Ward, atlas::Linkage::Average,
                                        atlas::Linkage::Complete, atlas::Linkage::Single};
        for (int c = 0; c < 4; ++c) {
            const atlas::MergeTree t = atlas::linkageTree(X, kinds[c]);
            QCOMPARE(t.distances.size(), H.rows());
            // 1e-9 relative: Ward heights come from centroids here and from Lance-Williams
            // updates in scipy (rounding differs by ~1e-14); the others use the same
            // recurrences on exact Euclidean distances.
            QVERIFY2(atlas::test::worstExcess(t.distances, H.col(c), 0.0, 1e-9) <= 0.0,
                     atlas::linkageName(kinds[c]));
            QCOMPARE(t.sizes[t.sizes.size() - 1], int(X.rows()));
            QCOMPARE(t.children(t.children.rows() - 1, 1), 2 * int(X.rows()) - 3);
        }
    }

    void wardWithNeighboursIsTheSameTree()
    {
        // Clustered points with duplicated rows (exact ties at distance 0), a lattice (exact
        // ties at every distance) and scipy's fixture; neighbour lists from 1 to 40 long.
        atlas::Matrix blobs = randomPoints(3000, 6, 23);
        for (Eigen::Index i = 0; i < blobs.rows(); ++i)
            blobs.row(i).array() += double(i % 7) * 4.0;
        blobs.middleRows(2000, 150) = blobs.topRows(150);
        atlas::Matrix lattice(1000, 3);
        for (int i = 0; i < 1000; ++i)
            lattice.row(i) << i % 10, (i / 10) % 10, i / 100;
        const atlas::Matrix fixture =
            atlas::test::readNumericCsv(atlas::test::fixture("cluster/mix_1000x8.csv"));
        const std::pair<const char*, const atlas::Matrix*> sets[] = {
            {"blobs", &blobs}, {"lattice", &lattice}, {"fixture", &fixture}};
        for (const auto& [name, X] : sets) {
            const atlas::MergeTree plain = atlas::linkageTree(*X, atlas::Linkage::Ward);
            for (int k : {1, 3, 12, 40}) {
                const atlas::detail::KnnGraph g = atlas::detail::exactKnn(*X, k);
                const atlas::MergeTree t =
                    atlas::linkageTree(*X, atlas::Linkage::Ward, {}, &g);
                const std::string what = std::string(name) + " k=" + std::to_string(k);
                QVERIFY2(t.children == plain.children, what.c_str());
                QVERIFY2(t.distances == plain.distances, what.c_str());   // bit for bit
                QVERIFY2(t.sizes == plain.sizes, what.c_str());
            }
        }
        // The lists are used: with their last distances inflated, the nearest cluster among
        // the neighbours is taken even when it is not the nearest, and the tree changes.
        atlas::detail::KnnGraph inflated = atlas::detail::exactKnn(blobs, 3);
        inflated.distances.col(2).setConstant(1e9);
        QVERIFY(atlas::linkageTree(blobs, atlas::Linkage::Ward, {}, &inflated).children !=
                atlas::linkageTree(blobs, atlas::Linkage::Ward).children);
        // Neighbours that are approximate, or of other rows, are not used.
        atlas::detail::KnnGraph wrong = atlas::detail::exactKnn(blobs, 5);
        wrong.indices.setZero();
        wrong.distances.setConstant(1e9);
        wrong.approximate = true;
        const atlas::MergeTree plain = atlas::linkageTree(blobs, atlas::Linkage::Ward);
        QVERIFY(atlas::linkageTree(blobs, atlas::Linkage::Ward, {}, &wrong).children ==
                plain.children);
        const atlas::detail::KnnGraph other = atlas::detail::exactKnn(lattice, 5);
        QVERIFY(atlas::linkageTree(blobs, atlas::Linkage::Ward, {}, &other).children ==
                plain.children);
    }

    void cutTreeGivesNestedPartitions()
    {
        const atlas::Matrix X = randomPoints(200, 3, 17);
        const atlas::MergeTree t = atlas::linkageTree(X, atlas::Linkage::Ward);
        atlas::Labels coarser = atlas::cutTree(t, 1);
        QVERIFY((coarser.array() == 0).all());
        for (int k = 2; k <= 200; k += 9) {
            const atlas::Labels finer = atlas::cutTree(t, k);
            QCOMPARE(int(std::set<int>(finer.data(), finer.data() + finer.size()).size()), k);
            // Every finer cluster lies inside one coarser cluster.
            std::map<int, int> parent;
            for (int i = 0; i < 200; ++i) {
                const auto [it, fresh] = parent.emplace(finer[i], coarser[i]);
                QCOMPARE(it->second, coarser[i]);
            }
            coarser = finer;
        }
        const atlas::Labels all = atlas::cutTree(t, 200);
        QCOMPARE(int(std::set<int>(all.data(), all.data() + all.size()).size()), 200);
        QVERIFY_THROWS_EXCEPTION(atlas::ConfigError, atlas::cutTree(t, 0));
        QVERIFY_THROWS_EXCEPTION(atlas::ConfigError, atlas::cutTree(t, 201));
    }

    void identicalPointsGiveZeroHeights()
    {
        const atlas::Matrix Z = atlas::Matrix::Zero(25, 4);
        for (atlas::Linkage l : {atlas::Linkage::Ward, atlas::Linkage::Average,
                                 atlas::Linkage::Complete, atlas::Linkage::Single}) {
            atlas::AgglomerativeConfig cfg;
            cfg.k = 5;
            cfg.linkage = l;
            const atlas::AgglomerativeResult r = atlas::agglomerative(Z, cfg);
            QVERIFY((r.tree.distances.array() == 0.0).all());
            QCOMPARE(int(std::set<int>(r.labels.data(), r.labels.data() + 25).size()), 5);
        }
        const atlas::AgglomerativeResult one = atlas::agglomerative(atlas::Matrix::Zero(1, 2), {1});
        QCOMPARE(one.labels.size(), 1);
        QCOMPARE(one.tree.children.rows(), 0);
    }

    void invalidConfigAndInputThrow()
    {
        const atlas::Matrix X = randomPoints(10, 2, 1);
        atlas::AgglomerativeConfig cfg;
        cfg.k = 0;
        QVERIFY_THROWS_EXCEPTION(atlas::ConfigError, atlas::agglomerative(X, cfg));
        cfg.k = 11;
        QVERIFY_THROWS_EXCEPTION(atlas::ConfigError, atlas::agglomerative(X, cfg));
        cfg.k = 2;
        cfg.linkage = static_cast<atlas::Linkage>(9);
        QVERIFY(!cfg.validate().empty());
        QVERIFY_THROWS_EXCEPTION(atlas::ConfigError, atlas::agglomerative(X, cfg));
        atlas::Matrix bad = X;
        bad(2, 1) = std::nan("");
        QVERIFY_THROWS_EXCEPTION(atlas::InputError, atlas::agglomerative(bad, {2}));
        QVERIFY_THROWS_EXCEPTION(atlas::InputError,
                                 atlas::linkageTree(atlas::Matrix(0, 2), atlas::Linkage::Ward));
    }

    void wardIsThreadIndependentAndDeterministic()
    {
        // Ward and Single are sequential, Average/Complete fill their matrix in parallel.
        const atlas::Matrix X = randomPoints(3000, 16, 23);
        const auto [one, two] = onOneAndTwoThreads(X, atlas::Linkage::Ward);
        QVERIFY(one.children == two.children);
        QVERIFY(one.distances == two.distances);  // bit-identical
        for (atlas::Linkage l : {atlas::Linkage::Average, atlas::Linkage::Single}) {
            const auto [a, b] = onOneAndTwoThreads(X, l);
            QVERIFY(a.children == b.children);
            QVERIFY(a.distances == b.distances);
        }
    }

    void progressAndCancellation()
    {
        const atlas::Matrix X = randomPoints(300, 3, 2);
        std::vector<double> seen;
        const atlas::Progress progress(
            [&](std::string_view, double f, std::string_view) { seen.push_back(f); }, nullptr);
        atlas::linkageTree(X, atlas::Linkage::Ward, progress);
        QVERIFY(std::is_sorted(seen.begin(), seen.end()));
        QCOMPARE(seen.back(), 1.0);
        std::atomic<bool> cancel{true};
        QVERIFY_THROWS_EXCEPTION(atlas::Cancelled,
                                 atlas::linkageTree(X, atlas::Linkage::Average,
                                                    atlas::Progress({}, &cancel)));
    }

    void wardOfTwentyThousandPoints()
    {
        // The nearest-neighbour chain needs no distance matrix: 20,000 points cluster in
        // memory proportional to n (its speed: tests/bench/bench_scale). Screens of this many
        // clusters are split between threads, with the same merges as one thread.
        const atlas::Matrix X = randomPoints(20000, 16, 5);
        const auto [one, two] = onOneAndTwoThreads(X, atlas::Linkage::Ward);
        QVERIFY(one.children == two.children);
        QVERIFY(one.distances == two.distances);  // bit-identical
        const atlas::Labels labels = atlas::cutTree(two, 10);
        QVERIFY(labels == atlas::agglomerative(X, {10}).labels);
        QCOMPARE(labels.size(), Eigen::Index(20000));
        QCOMPARE(labels.maxCoeff(), 9);
        QCOMPARE(labels.minCoeff(), 0);
    }
};

QTEST_GUILESS_MAIN(TestAgglomerative)
#include "test_agglomerative.moc"
