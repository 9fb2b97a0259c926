// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/core/error.h"
#include "engine/data/standardize.h"
#include "tests/support/fixtures.h"

#include <QtTest>

using atlas::test::fixture;
using atlas::test::readNumericCsv;
using atlas::test::worstExcess;

class TestStandardize : public QObject {
    Q_OBJECT
private slots:
    void matchesScikitLearn()
    {
        const atlas::Matrix X = readNumericCsv(fixture("data/standardize_X.csv"));
        const atlas::Matrix Z = readNumericCsv(fixture("data/standardize_Z.csv"));
        const atlas::Matrix ms = readNumericCsv(fixture("data/standardize_mean_scale.csv"));
        atlas::StandardScaler scaler;
        const atlas::Matrix ours = scaler.fitTransform(X);
        // Means: summation order differs from numpy's pairwise sum; 1e-12 relative covers the
        // 1e6-offset column.
        QVERIFY(worstExcess(scaler.mean(), ms.row(0), 1e-12, 1e-12) <= 0);
        // Scales: same, plus the sqrt; the near-constant column (scale ~1e-13) must be kept,
        // the constant column must get scale exactly 1.
        QVERIFY(worstExcess(scaler.scale(), ms.row(1), 0.0, 1e-9) <= 0);
        QCOMPARE(scaler.scale()(2), 1.0);
        // Standardised values: the near-constant column amplifies rounding of its mean by
        // 1e13, hence the looser absolute bound there; everything else within 1e-9.
        QVERIFY(worstExcess(ours.col(3), Z.col(3), 1e-2, 0.0) <= 0);
        for (int j : {0, 1, 2, 4, 5})
            QVERIFY2(worstExcess(ours.col(j), Z.col(j), 1e-9, 1e-9) <= 0,
                     qPrintable(QString("column %1").arg(j)));
        QVERIFY(ours.col(2).isZero());
    }
    void populationStdGivesUnitVariance()
    {
        atlas::Matrix X(4, 1);
        X << 1, 2, 3, 4;
        atlas::StandardScaler s;
        const atlas::Matrix Z = s.fitTransform(X);
        QCOMPARE(s.scale()(0), std::sqrt(1.25));   // ddof = 0
        QVERIFY(std::abs(Z.squaredNorm() / 4.0 - 1.0) < 1e-15);
    }
    void columnMismatchThrows()
    {
        atlas::StandardScaler s;
        s.fit(atlas::Matrix::Random(5, 3));
        QVERIFY_THROWS_EXCEPTION(atlas::ConfigError, s.transform(atlas::Matrix::Random(5, 2)));
    }
    void concatenationKeepsBlocksInOrder()
    {
        atlas::Matrix a = atlas::Matrix::Constant(3, 2, 1.0), b = atlas::Matrix::Constant(3, 1, 2.0),
                      empty(3, 0);
        const atlas::Matrix c = atlas::concatColumns({&a, &empty, &b});
        QCOMPARE(c.cols(), Eigen::Index(3));
        QCOMPARE(c(1, 2), 2.0);
        atlas::Matrix wrong(2, 1);
        QVERIFY_THROWS_EXCEPTION(atlas::ConfigError, atlas::concatColumns({&a, &wrong}));
    }
};

QTEST_GUILESS_MAIN(TestStandardize)
#include "test_standardize.moc"
