// SPDX-License-Identifier: GPL-3.0-or-later
// GCC 12 reports a false -Wmaybe-uninitialized inside Eigen's AVX-512 kernels (-march=native).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include "engine/core/error.h"
#include "engine/core/parallel.h"
#include "engine/metrics/trustworthiness.h"
#include "tests/support/fixtures.h"

#include <QtTest>

#include <string>

using atlas::Matrix;

class TestTrustworthiness : public QObject {
    Q_OBJECT
private slots:
    // sklearn.manifold.trustworthiness on the stored (X, Y) pairs, for both reference
    // embeddings of every input and k = 5, 10, 20 (tests/data/embed/reference.csv).
    void matchesSklearn()
    {
        const auto rows = atlas::test::readSimpleCsv(atlas::test::fixture("embed/reference.csv"));
        QVERIFY(rows.size() > 1);
        int checked = 0;
        for (std::size_t r = 1; r < rows.size(); ++r) {
            if (rows[r].size() < 4)
                continue;
            const std::string& input = rows[r][0];
            const std::string& method = rows[r][1];
            const int k = std::stoi(rows[r][2]);
            const double expected = std::stod(rows[r][3]);
            const Matrix X =
                atlas::test::readNumericCsv(atlas::test::fixture("embed/" + input + "_X.csv"));
            const Matrix Y = atlas::test::readNumericCsv(
                atlas::test::fixture("embed/" + input + "_" + method + "_Y.csv"));
            const double got = atlas::trustworthiness(X, Y, k);
            // The penalty is an exact integer sum; only the final scaling is floating point,
            // so the values agree to rounding (1e-12 leaves room for a different
            // association order of the last formula).
            QVERIFY2(std::abs(got - expected) <= 1e-12,
                     (input + "/" + method + " k=" + std::to_string(k) + ": " +
                      std::to_string(got) + " vs " + std::to_string(expected))
                         .c_str());
            ++checked;
        }
        QCOMPARE(checked, 18);
    }

    void identityEmbeddingIsPerfect()
    {
        const Matrix X = Matrix::Random(60, 3);
        QCOMPARE(atlas::trustworthiness(X, X, 7), 1.0);
    }

    void oneThreadEqualsTwo()
    {
        const Matrix X =
            atlas::test::readNumericCsv(atlas::test::fixture("embed/swiss_X.csv"));
        const Matrix Y =
            atlas::test::readNumericCsv(atlas::test::fixture("embed/swiss_umap_Y.csv"));
        double one = 0, two = 0;
        {
            atlas::ThreadScope t(1);
            one = atlas::trustworthiness(X, Y, 10);
        }
        {
            atlas::ThreadScope t(2);
            two = atlas::trustworthiness(X, Y, 10);
        }
        QCOMPARE(one, two);
    }

    void invalidInput()
    {
        const Matrix X = Matrix::Random(20, 3);
        QVERIFY_THROWS_EXCEPTION(atlas::ConfigError, atlas::trustworthiness(X, X, 10));
        QVERIFY_THROWS_EXCEPTION(atlas::ConfigError, atlas::trustworthiness(X, X, 0));
        QVERIFY_THROWS_EXCEPTION(atlas::InputError,
                                 atlas::trustworthiness(X, Matrix::Random(19, 2), 5));
        Matrix bad = X;
        bad(3, 1) = std::nan("");
        QVERIFY_THROWS_EXCEPTION(atlas::InputError, atlas::trustworthiness(bad, X, 5));
    }

    void degenerateZerosAreFinite()
    {
        // All distances tie: ranks follow the index order, the value stays in [0, 1].
        const Matrix Z = Matrix::Zero(30, 4);
        const double t = atlas::trustworthiness(Z, Matrix::Random(30, 2), 5);
        QVERIFY(std::isfinite(t) && t >= 0.0 && t <= 1.0);
    }
};

QTEST_GUILESS_MAIN(TestTrustworthiness)
#include "test_trustworthiness.moc"
