// SPDX-License-Identifier: GPL-3.0-or-later
// PCA against scikit-learn 1.2.1 PCA(svd_solver="full") (tests/data/models/gen_pca.py).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include "engine/core/error.h"
#include "engine/models/pca.h"
#include "tests/support/fixtures.h"

#include <QtTest>

#include <cmath>
#include <limits>

using atlas::Matrix;
using atlas::test::fixture;
using atlas::test::readNumericCsv;

class TestPca : public QObject {
    Q_OBJECT
private slots:
    void matchesScikitLearn()
    {
        const Matrix X = readNumericCsv(fixture("models/pca_X_300x60.csv"));
        const Matrix components = readNumericCsv(fixture("models/pca_components_8x60.csv"));
        const Matrix scores = readNumericCsv(fixture("models/pca_scores_300x8.csv"));
        const Matrix mean = readNumericCsv(fixture("models/pca_mean_60.csv"));
        const Matrix ev = readNumericCsv(fixture("models/pca_explained_variance_8.csv"));
        const Matrix evr = readNumericCsv(fixture("models/pca_explained_variance_ratio_8.csv"));
        const Matrix sv = readNumericCsv(fixture("models/pca_singular_values_8.csv"));
        QCOMPARE(X.rows(), 300);

        atlas::Pca pca(atlas::PcaConfig{8});
        const Matrix ours = pca.fitTransform(X);

        // Both sides apply svd_flip's convention, so no sign alignment should be needed; align
        // anyway by the sign of the inner product and require that it was already +1.
        int flips = 0;
        Matrix c = pca.components(), s = ours;
        for (int k = 0; k < 8; ++k)
            if (c.row(k).dot(components.row(k)) < 0) {
                c.row(k) *= -1;
                s.col(k) *= -1;
                ++flips;
            }
        QCOMPARE(flips, 0);
        // 1e-9: different LAPACK-style SVD algorithms (Eigen's BDCSVD vs LAPACK gesdd) agree to
        // ~1e-13 on components whose variances are separated by >= 8%; scores are O(10).
        QVERIFY(atlas::test::worstExcess(c, components, 1e-9, 0.0) <= 0.0);
        QVERIFY(atlas::test::worstExcess(s, scores, 1e-9, 1e-12) <= 0.0);
        // Mean: plain sums in different orders.
        QVERIFY(atlas::test::worstExcess(pca.mean(), mean, 1e-12, 0.0) <= 0.0);
        // Variances: relative rounding of two SVDs.
        QVERIFY(atlas::test::worstExcess(pca.explainedVariance().transpose(), ev, 0.0, 1e-10) <= 0.0);
        QVERIFY(atlas::test::worstExcess(pca.explainedVarianceRatio().transpose(), evr, 0.0, 1e-10) <=
                0.0);
        QVERIFY(atlas::test::worstExcess(pca.singularValues().transpose(), sv, 0.0, 1e-10) <= 0.0);
    }

    void componentsAreOrthonormalAndRoundTrip()
    {
        const Matrix X = readNumericCsv(fixture("models/pca_X_300x60.csv"));
        atlas::Pca full(atlas::PcaConfig{60});
        const Matrix scores = full.fitTransform(X);
        const Matrix gram = full.components() * full.components().transpose();
        // Orthonormal rows to rounding.
        QVERIFY((gram - Matrix::Identity(60, 60)).cwiseAbs().maxCoeff() < 1e-12);
        // All components: inverse_transform reproduces the data to rounding.
        QVERIFY((full.inverseTransform(scores) - X).cwiseAbs().maxCoeff() < 1e-10);
        QVERIFY(std::abs(full.explainedVarianceRatio().sum() - 1.0) < 1e-12);
    }

    void zerosGiveFiniteOutput()
    {
        atlas::Pca pca(atlas::PcaConfig{3});
        const Matrix scores = pca.fitTransform(Matrix::Zero(20, 5));
        QVERIFY(scores.allFinite());
        QCOMPARE(scores.cwiseAbs().maxCoeff(), 0.0);
        QVERIFY(pca.explainedVarianceRatio().allFinite());
    }

    void invalidConfig()
    {
        QVERIFY_THROWS_EXCEPTION(atlas::ConfigError, atlas::Pca(atlas::PcaConfig{0}).fit(Matrix::Ones(5, 5)));
        // More components than min(rows, features).
        QVERIFY_THROWS_EXCEPTION(atlas::ConfigError,
                                 atlas::Pca(atlas::PcaConfig{6}).fit(Matrix::Random(10, 5)));
    }

    void invalidInput()
    {
        Matrix X = Matrix::Random(10, 4);
        X(3, 2) = std::numeric_limits<double>::quiet_NaN();
        atlas::Pca pca(atlas::PcaConfig{2});
        QVERIFY_THROWS_EXCEPTION(atlas::InputError, pca.fit(X));
        QVERIFY_THROWS_EXCEPTION(atlas::InputError, pca.transform(Matrix::Random(3, 4)));
        pca.fit(Matrix::Random(10, 4));
        QVERIFY_THROWS_EXCEPTION(atlas::InputError, pca.transform(Matrix::Random(3, 5)));
        QVERIFY_THROWS_EXCEPTION(atlas::InputError, pca.fit(Matrix(0, 4)));
    }

    void deterministic()
    {
        const Matrix X = readNumericCsv(fixture("models/pca_X_300x60.csv"));
        atlas::Pca a(atlas::PcaConfig{8}), b(atlas::PcaConfig{8});
        QCOMPARE(a.fitTransform(X), b.fitTransform(X));
    }
};

QTEST_GUILESS_MAIN(TestPca)
#include "test_pca.moc"
