// SPDX-License-Identifier: GPL-3.0-or-later
// External clustering metrics against scikit-learn 1.2.1 (tests/data/cluster/gen_metrics.py
// and the tests/data/sklearn fixture).
#include "engine/core/error.h"
#include "engine/metrics/external.h"
#include "tests/support/fixtures.h"

#include <QtTest>

#include <cmath>
#include <map>
#include <string>

namespace {

struct Case {
    atlas::Labels truth, pred;
};

Case loadCase(const std::string& name)
{
    const auto rows = atlas::test::readSimpleCsv(
        atlas::test::fixture("cluster/metric_case_" + name + ".csv"));
    const int n = int(rows.size()) - 1;
    Case c{atlas::Labels(n), atlas::Labels(n)};
    for (int i = 0; i < n; ++i) {
        const auto& r = rows[std::size_t(i) + 1];
        c.truth[i] = std::stoi(r[r.size() - 2]);
        c.pred[i] = std::stoi(r[r.size() - 1]);
    }
    return c;
}

/// case -> metric -> sklearn value.
std::map<std::string, std::map<std::string, double>> loadValues()
{
    std::map<std::string, std::map<std::string, double>> v;
    const auto rows = atlas::test::readSimpleCsv(atlas::test::fixture("cluster/metric_values.csv"));
    for (std::size_t i = 1; i < rows.size(); ++i)
        v[rows[i][0]][rows[i][1]] = std::stod(rows[i][2]);
    return v;
}

// 1e-9 relative: the brief's agreement target; the sums differ from numpy only in rounding
// (~1e-15). 1e-12 absolute: AMI of unrelated labellings is ~1e-14, pure rounding noise of
// MI - E[MI] in both implementations.
bool close(double got, double want, double rtol = 1e-9, double atol = 1e-12)
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

} // namespace

class TestExternalMetrics : public QObject {
    Q_OBJECT
private slots:
    void matchesSklearnOnGeneratedCases_data()
    {
        QTest::addColumn<QString>("name");
        for (const char* n : {"n50_d3", "n500_d8_gaps", "n1000_d16_k2", "n2000_d5_k12",
                              "n300_offset", "pred_one_cluster", "both_one_cluster",
                              "pred_singletons", "truth_singletons", "pred_n_minus_1",
                              "identical_relabelled", "singleton_in_pred", "zero_within",
                              "with_noise_label", "many_cells", "wide_ids"})
            QTest::newRow(n) << QString(n);
    }
    void matchesSklearnOnGeneratedCases()
    {
        QFETCH(QString, name);
        const Case c = loadCase(name.toStdString());
        const auto want = loadValues().at(name.toStdString());
        CHECK_CLOSE(atlas::adjustedRandScore(c.truth, c.pred), want.at("ari"));
        CHECK_CLOSE(atlas::normalizedMutualInfoScore(c.truth, c.pred), want.at("nmi"));
        CHECK_CLOSE(atlas::adjustedMutualInfoScore(c.truth, c.pred), want.at("ami"));
        CHECK_CLOSE(atlas::mutualInfoScore(c.truth, c.pred), want.at("mi"));
        const auto hcv = atlas::homogeneityCompletenessVMeasure(c.truth, c.pred);
        CHECK_CLOSE(hcv.homogeneity, want.at("homogeneity"));
        CHECK_CLOSE(hcv.completeness, want.at("completeness"));
        CHECK_CLOSE(hcv.vMeasure, want.at("v_measure"));
        CHECK_CLOSE(atlas::purityScore(c.truth, c.pred), want.at("purity"));
    }

    void sklearnSpecialCasesAreExact()
    {
        // Identical partitions (relabelled): ARI is exactly 1 by sklearn's fn == fp == 0 rule.
        const Case same = loadCase("identical_relabelled");
        QCOMPARE(atlas::adjustedRandScore(same.truth, same.pred), 1.0);
        // One cluster on both sides: NMI and AMI are exactly 1 by sklearn's special case.
        const Case one = loadCase("both_one_cluster");
        QCOMPARE(atlas::normalizedMutualInfoScore(one.truth, one.pred), 1.0);
        QCOMPARE(atlas::adjustedMutualInfoScore(one.truth, one.pred), 1.0);
        QCOMPARE(atlas::adjustedRandScore(one.truth, one.pred), 1.0);
        // One predicted cluster against several classes: MI = 0, NMI exactly 0.
        const Case predOne = loadCase("pred_one_cluster");
        QCOMPARE(atlas::normalizedMutualInfoScore(predOne.truth, predOne.pred), 0.0);
        QCOMPARE(atlas::adjustedRandScore(predOne.truth, predOne.pred), 0.0);
        // Empty labellings follow sklearn: 1.0.
        const atlas::Labels empty;
        QCOMPARE(atlas::adjustedRandScore(empty, empty), 1.0);
        QCOMPARE(atlas::normalizedMutualInfoScore(empty, empty), 1.0);
        QVERIFY(std::isnan(atlas::purityScore(empty, empty)));
    }

    void matchesTheThreeHundredPointFixture()
    {
        const auto rows = atlas::test::readSimpleCsv(atlas::test::fixture("sklearn/labels_300.csv"));
        const auto metricRows =
            atlas::test::readSimpleCsv(atlas::test::fixture("sklearn/metrics_300.csv"));
        std::map<std::string, std::map<std::string, double>> want;
        for (std::size_t i = 1; i < metricRows.size(); ++i)
            want[metricRows[i][0]][metricRows[i][1]] = std::stod(metricRows[i][2]);
        const auto extra = loadValues();
        const int n = int(rows.size()) - 1;
        QCOMPARE(n, 300);
        for (int col = 1; col <= 3; ++col) {
            const std::string pred = rows[0][std::size_t(col)];
            atlas::Labels t(n), p(n);
            for (int i = 0; i < n; ++i) {
                t[i] = std::stoi(rows[std::size_t(i) + 1][0]);
                p[i] = std::stoi(rows[std::size_t(i) + 1][std::size_t(col)]);
            }
            CHECK_CLOSE(atlas::adjustedRandScore(t, p), want.at(pred).at("ari"));
            CHECK_CLOSE(atlas::normalizedMutualInfoScore(t, p), want.at(pred).at("nmi"));
            CHECK_CLOSE(atlas::purityScore(t, p), want.at(pred).at("purity"));
            const auto& e = extra.at("fixture300_" + pred);
            CHECK_CLOSE(atlas::adjustedMutualInfoScore(t, p), e.at("ami"));
            const auto hcv = atlas::homogeneityCompletenessVMeasure(t, p);
            CHECK_CLOSE(hcv.homogeneity, e.at("homogeneity"));
            CHECK_CLOSE(hcv.completeness, e.at("completeness"));
            CHECK_CLOSE(hcv.vMeasure, e.at("v_measure"));
        }
    }

    void contingencyMatrixHasSortedLabelsAndCounts()
    {
        atlas::Labels t(6), p(6);
        t << 5, 5, -1, 2, 2, 2;
        p << 0, 9, 9, 9, -3, 0;
        const atlas::Contingency c = atlas::contingencyMatrix(t, p);
        QCOMPARE(c.classes, (std::vector<int>{-1, 2, 5}));
        QCOMPARE(c.clusters, (std::vector<int>{-3, 0, 9}));
        QCOMPARE(c.counts(0, 2), std::int64_t(1));  // truth -1, pred 9
        QCOMPARE(c.counts(1, 0), std::int64_t(1));  // truth 2, pred -3
        QCOMPARE(c.counts(1, 1), std::int64_t(1));
        QCOMPARE(c.counts(1, 2), std::int64_t(1));
        QCOMPARE(c.counts(2, 1), std::int64_t(1));
        QCOMPARE(c.counts(2, 2), std::int64_t(1));
        QCOMPARE(c.counts.sum(), std::int64_t(6));
    }

    void differentLengthsAreInvalidInput()
    {
        const atlas::Labels a = atlas::Labels::Zero(5), b = atlas::Labels::Zero(4);
        QVERIFY_THROWS_EXCEPTION(atlas::InputError, atlas::adjustedRandScore(a, b));
        QVERIFY_THROWS_EXCEPTION(atlas::InputError, atlas::normalizedMutualInfoScore(a, b));
        QVERIFY_THROWS_EXCEPTION(atlas::InputError, atlas::adjustedMutualInfoScore(a, b));
        QVERIFY_THROWS_EXCEPTION(atlas::InputError, atlas::purityScore(a, b));
        QVERIFY_THROWS_EXCEPTION(atlas::InputError, atlas::contingencyMatrix(a, b));
    }

    void largeAllSingletonAriDoesNotOverflow()
    {
        // 200,000 points: n^2 pair counts exceed 64-bit products in the ARI formula.
        const int n = 200000;
        atlas::Labels t(n), p(n);
        for (int i = 0; i < n; ++i) {
            t[i] = i % 7;
            p[i] = (i / 3) % 7;
        }
        const double ari = atlas::adjustedRandScore(t, p);
        QVERIFY(std::isfinite(ari));
        QVERIFY(ari > -0.5 && ari < 1.0);
        QCOMPARE(atlas::adjustedRandScore(t, t), 1.0);
    }
};

QTEST_GUILESS_MAIN(TestExternalMetrics)
#include "test_external_metrics.moc"
