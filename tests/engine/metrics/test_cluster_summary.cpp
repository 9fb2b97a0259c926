// SPDX-License-Identifier: GPL-3.0-or-later
// summarizeClusters(): sizes, label shares, centroid distances and the contingency table on
// a hand-computed example, the conventions for noise, ties and unlabelled tracks, and bad
// input.
#include "engine/core/error.h"
#include "engine/metrics/cluster_summary.h"
#include "engine/metrics/external.h"

#include <QtTest>

#include <cmath>
#include <limits>
#include <random>

namespace {

// Seven tracks in 2-D: cluster 0 = tracks 0-2, cluster 2 = tracks 3-4 (no cluster 1),
// noise = tracks 5-6. Labels 0..2, track 4 unlabelled.
struct Example {
    atlas::Matrix codes{7, 2};
    atlas::Labels clusters{7};
    atlas::Labels truth{7};
    Example()
    {
        codes << 0, 0, 2, 0, 0, 3, 12, 10, 10, 10, 5, 5, 5, 9;
        clusters << 0, 0, 0, 2, 2, -1, -1;
        truth << 0, 0, 1, 2, -1, 1, 1;
    }
};

} // namespace

class TestClusterSummary : public QObject {
    Q_OBJECT
private slots:
    void handComputedExample()
    {
        const Example ex;
        const atlas::ClusterSummary s =
            atlas::summarizeClusters(ex.codes, ex.clusters, ex.truth, 3);
        QCOMPARE(s.tracks, 7);
        QCOMPARE(s.labelCount, 3);
        QCOMPARE(int(s.clusters.size()), 3);
        // Ascending ids, noise last.
        QCOMPARE(s.clusters[0].id, 0);
        QCOMPARE(s.clusters[1].id, 2);
        QCOMPARE(s.clusters[2].id, -1);
        QVERIFY(s.clusters[2].isNoise());
        QVERIFY(!s.clusters[0].isNoise());
        QCOMPARE(s.indexOf(2), 1);
        QCOMPARE(s.indexOf(-1), 2);
        QCOMPARE(s.indexOf(1), -1);
        QCOMPARE(s.clusters[0].size, 3);
        QCOMPARE(s.clusters[1].size, 2);
        QCOMPARE(s.clusters[2].size, 2);

        // Cluster 0: centroid (2/3, 1); distances sqrt(13)/3, 5/3, sqrt(40)/3.
        const auto& c0 = s.clusters[0];
        QVERIFY(std::abs(c0.centroid(0) - 2.0 / 3.0) < 1e-15);
        QVERIFY(std::abs(c0.centroid(1) - 1.0) < 1e-15);
        QCOMPARE(int(c0.members.size()), 3);
        QCOMPARE(c0.members[0].track, 0);
        QCOMPARE(c0.members[1].track, 1);
        QCOMPARE(c0.members[2].track, 2);
        QVERIFY(std::abs(c0.members[0].distance - std::sqrt(13.0) / 3.0) < 1e-14);
        QVERIFY(std::abs(c0.members[1].distance - 5.0 / 3.0) < 1e-14);
        QVERIFY(std::abs(c0.members[2].distance - std::sqrt(40.0) / 3.0) < 1e-14);
        const double mean = (std::sqrt(13.0) / 3.0 + 5.0 / 3.0 + std::sqrt(40.0) / 3.0) / 3.0;
        QVERIFY(std::abs(c0.meanDistance - mean) < 1e-14);
        // Labels: 0 twice (2/3), 1 once (1/3).
        QCOMPARE(int(c0.labels.size()), 2);
        QCOMPARE(c0.labels[0].label, 0);
        QCOMPARE(c0.labels[0].count, 2);
        QVERIFY(std::abs(c0.labels[0].share - 2.0 / 3.0) < 1e-15);
        QCOMPARE(c0.labels[1].label, 1);
        QCOMPARE(c0.labels[1].count, 1);

        // Cluster 2: centroid (11, 10), both members at distance 1: track order breaks the tie.
        const auto& c2 = s.clusters[1];
        QCOMPARE(c2.members[0].track, 3);
        QCOMPARE(c2.members[1].track, 4);
        QCOMPARE(c2.members[0].distance, 1.0);
        QCOMPARE(c2.members[1].distance, 1.0);
        // Label 2 and unlabelled tie at 1 each: unlabelled sorts last.
        QCOMPARE(int(c2.labels.size()), 2);
        QCOMPARE(c2.labels[0].label, 2);
        QCOMPARE(c2.labels[1].label, -1);
        QCOMPARE(c2.labels[1].share, 0.5);

        // Noise: centre (5, 7), both at distance 2; all label 1.
        const auto& noise = s.clusters[2];
        QCOMPARE(noise.members[0].distance, 2.0);
        QCOMPARE(noise.members[1].distance, 2.0);
        QCOMPARE(int(noise.labels.size()), 1);
        QCOMPARE(noise.labels[0].label, 1);
        QCOMPARE(noise.labels[0].share, 1.0);

        // Contingency rows follow `clusters`; the unlabelled track is counted apart.
        Eigen::MatrixXi want(3, 3);
        want << 2, 1, 0, 0, 0, 1, 0, 2, 0;
        QVERIFY(s.contingency == want);
        QCOMPARE(s.unlabelled, (std::vector<int>{0, 1, 0}));
    }

    void labelTiesGoToTheLowerIndex()
    {
        atlas::Matrix codes = atlas::Matrix::Zero(4, 1);
        atlas::Labels clusters = atlas::Labels::Zero(4);
        atlas::Labels truth(4);
        truth << 2, 0, 2, 0;
        const auto s = atlas::summarizeClusters(codes, clusters, truth, 3);
        QCOMPARE(int(s.clusters.size()), 1);
        QCOMPARE(s.clusters[0].labels[0].label, 0);
        QCOMPARE(s.clusters[0].labels[1].label, 2);
        // Identical points: every distance is 0 and the order is the track order.
        for (int i = 0; i < 4; ++i) {
            QCOMPARE(s.clusters[0].members[std::size_t(i)].track, i);
            QCOMPARE(s.clusters[0].members[std::size_t(i)].distance, 0.0);
        }
    }

    void withoutLabelsEveryTrackIsUnlabelled()
    {
        const Example ex;
        const auto s = atlas::summarizeClusters(ex.codes, ex.clusters, atlas::Labels(), 0);
        QCOMPARE(s.contingency.rows(), 3);
        QCOMPARE(s.contingency.cols(), 0);
        QCOMPARE(s.unlabelled, (std::vector<int>{3, 2, 2}));
        QCOMPARE(s.clusters[0].labels.size(), std::size_t(1));
        QCOMPARE(s.clusters[0].labels[0].label, -1);
        QCOMPARE(s.clusters[0].labels[0].share, 1.0);
    }

    void emptyInputGivesAnEmptySummary()
    {
        const auto s = atlas::summarizeClusters(atlas::Matrix(0, 3), atlas::Labels(0),
                                                atlas::Labels(0), 2);
        QVERIFY(s.clusters.empty());
        QCOMPARE(s.tracks, 0);
        QCOMPARE(s.contingency.rows(), 0);
    }

    // On random data the table agrees with contingencyMatrix() (the metrics' own table)
    // and every member list is sorted and complete.
    void agreesWithTheMetricsContingency()
    {
        std::mt19937 rng(7);
        std::uniform_int_distribution<int> cluster(-1, 5), label(0, 3);
        std::normal_distribution<double> gauss;
        const int n = 400;
        atlas::Matrix codes(n, 4);
        atlas::Labels clusters(n), truth(n);
        for (int i = 0; i < n; ++i) {
            clusters[i] = cluster(rng);
            truth[i] = label(rng);
            for (int j = 0; j < 4; ++j)
                codes(i, j) = gauss(rng) + clusters[i];
        }
        const auto s = atlas::summarizeClusters(codes, clusters, truth, 4);
        const atlas::Contingency ref = atlas::contingencyMatrix(truth, clusters);
        QCOMPARE(int(s.clusters.size()), int(ref.clusters.size()));
        int total = 0;
        for (std::size_t c = 0; c < ref.clusters.size(); ++c) {
            const int e = s.indexOf(ref.clusters[c]);
            QVERIFY(e >= 0);
            const auto& info = s.clusters[std::size_t(e)];
            total += info.size;
            QCOMPARE(int(info.members.size()), info.size);
            for (std::size_t m = 1; m < info.members.size(); ++m)
                QVERIFY(info.members[m - 1].distance <= info.members[m].distance);
            for (const auto& m : info.members) {
                QCOMPARE(clusters[m.track], info.id);
                QVERIFY(std::abs(m.distance - (codes.row(m.track) - info.centroid).norm()) < 1e-12);
            }
            for (std::size_t l = 0; l < ref.classes.size(); ++l)
                QCOMPARE(std::int64_t(s.contingency(e, ref.classes[l])),
                         ref.counts(Eigen::Index(l), Eigen::Index(c)));
        }
        QCOMPARE(total, n);
    }

    void badInputThrows()
    {
        const Example ex;
        const atlas::Labels shortClusters = ex.clusters.head(6);
        const atlas::Labels shortTruth = ex.truth.head(5);
        QVERIFY_THROWS_EXCEPTION(atlas::InputError,
                                 atlas::summarizeClusters(ex.codes, shortClusters, ex.truth, 3));
        QVERIFY_THROWS_EXCEPTION(atlas::InputError,
                                 atlas::summarizeClusters(ex.codes, ex.clusters, shortTruth, 3));
        // Label 2 with only 2 labels.
        QVERIFY_THROWS_EXCEPTION(atlas::InputError,
                                 atlas::summarizeClusters(ex.codes, ex.clusters, ex.truth, 2));
        atlas::Labels bad = ex.clusters;
        bad[0] = -2;
        QVERIFY_THROWS_EXCEPTION(atlas::InputError,
                                 atlas::summarizeClusters(ex.codes, bad, ex.truth, 3));
        atlas::Matrix nan = ex.codes;
        nan(1, 1) = std::numeric_limits<double>::quiet_NaN();
        QVERIFY_THROWS_EXCEPTION(atlas::InputError,
                                 atlas::summarizeClusters(nan, ex.clusters, ex.truth, 3));
    }
};

QTEST_GUILESS_MAIN(TestClusterSummary)
#include "test_cluster_summary.moc"
