// SPDX-License-Identifier: GPL-3.0-or-later
// GCC 12 reports a false -Wmaybe-uninitialized inside Eigen's AVX-512 kernels (-march=native).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include "engine/core/error.h"
#include "engine/core/parallel.h"
#include "engine/core/random.h"
#include "engine/embed/knn.h"
#include "engine/metrics/trustworthiness.h"
#include "engine/embed/umap.h"
#include "engine/embed/umap_sgd.h"
#include "tests/support/fixtures.h"

#include <QtTest>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

using atlas::Matrix;

namespace {

double referenceTrust(const std::string& input, const std::string& method, int k)
{
    const auto rows = atlas::test::readSimpleCsv(atlas::test::fixture("embed/reference.csv"));
    for (const auto& r : rows)
        if (r.size() >= 4 && r[0] == input && r[1] == method && r[2] == std::to_string(k))
            return std::stod(r[3]);
    throw std::runtime_error("no reference for " + input + "/" + method);
}

Matrix loadInput(const std::string& input)
{
    return atlas::test::readNumericCsv(atlas::test::fixture("embed/" + input + "_X.csv"));
}

atlas::UmapConfig shortConfig()
{
    atlas::UmapConfig cfg;
    cfg.epochs = 120;
    return cfg;
}

// Gaussian blobs, `clusters` centres in `dims` dimensions.
Matrix blobs(Eigen::Index n, int dims, int clusters, atlas::Seed seed)
{
    atlas::Rng rng(seed);
    Matrix centres(clusters, dims);
    for (int c = 0; c < clusters; ++c)
        for (int d = 0; d < dims; ++d)
            centres(c, d) = 4.0 * rng.normal();
    Matrix X(n, dims);
    for (Eigen::Index i = 0; i < n; ++i) {
        const auto c = Eigen::Index(rng.below(std::uint64_t(clusters)));
        for (int d = 0; d < dims; ++d)
            X(i, d) = centres(c, d) + rng.normal();
    }
    return X;
}

} // namespace

class TestUmap : public QObject {
    Q_OBJECT
private slots:
    void abParamsMatchUmapLearn()
    {
        const Matrix ref = atlas::test::readNumericCsv(
            atlas::test::fixture("embed/ab_params.csv"), true);
        QVERIFY(ref.rows() >= 5);
        for (Eigen::Index r = 0; r < ref.rows(); ++r) {
            const auto [a, b] = atlas::findAbParams(ref(r, 0), ref(r, 1));
            // Both are least-squares minima; MINPACK stops at its default tolerances
            // (xtol = ftol = 1.49e-8) and we iterate further, so agree to ~1e-6 relative.
            QVERIFY2(std::abs(a - ref(r, 2)) <= 1e-5 * ref(r, 2),
                     (std::to_string(a) + " vs " + std::to_string(ref(r, 2))).c_str());
            QVERIFY2(std::abs(b - ref(r, 3)) <= 1e-5 * ref(r, 3),
                     (std::to_string(b) + " vs " + std::to_string(ref(r, 3))).c_str());
        }
        QVERIFY_THROWS_EXCEPTION(atlas::ConfigError, atlas::findAbParams(1.0, 2.0));
    }

    void matchesUmapLearnTrustworthiness_data()
    {
        QTest::addColumn<QString>("input");
        QTest::newRow("blobs 500x16") << "blobs";
        QTest::newRow("structured 1000x40") << "structured";
        QTest::newRow("swiss roll 1000x3") << "swiss";
    }
    void matchesUmapLearnTrustworthiness()
    {
        QFETCH(QString, input);
        const Matrix X = loadInput(input.toStdString());
        const atlas::UmapResult r = atlas::umap(X);
        QCOMPARE(r.embedding.rows(), X.rows());
        QCOMPARE(r.embedding.cols(), Eigen::Index(2));
        QVERIFY(r.embedding.allFinite());
        QCOMPARE(r.epochs, 500);
        QCOMPARE(r.neighbours, 15);
        QVERIFY(!r.approximateKnn);
        const double ours = atlas::trustworthiness(X, r.embedding, 10);
        const double ref = referenceTrust(input.toStdString(), "umap", 10);
        // Different float precision, random streams and the epoch-synchronous update give a
        // different layout; 0.01 is the quality margin asked of the port.
        QVERIFY2(ours >= ref - 0.01,
                 (std::to_string(ours) + " < umap-learn " + std::to_string(ref)).c_str());
    }

    void spectralInitOnConnectedGraphs()
    {
        // The swiss roll's graph is connected: both eigensolver paths must succeed.
        const Matrix X = loadInput("swiss");
        atlas::Umap small(shortConfig());
        small.init(X.topRows(400));   // dense eigensolver
        QVERIFY(!small.result().initFallback);
        atlas::Umap large(shortConfig());
        large.init(X);                // Lanczos
        const auto r = large.result();
        QVERIFY2(!r.initFallback, r.initMessage.c_str());
        QVERIFY(r.initUsed == atlas::UmapInit::Spectral);
        // Layout rescaled to [0, 10] per dimension before optimising.
        QVERIFY(std::abs(large.embedding().col(0).minCoeff()) < 1e-12);
        QVERIFY(std::abs(large.embedding().col(0).maxCoeff() - 10.0) < 1e-9);
    }

    void disconnectedGraphFallsBackToRandom()
    {
        // Two far-apart groups: no edge between them.
        atlas::Rng rng(3);
        Matrix X(80, 3);
        for (Eigen::Index i = 0; i < X.rows(); ++i)
            for (int d = 0; d < 3; ++d)
                X(i, d) = rng.normal() + (i < 40 ? 0.0 : 1000.0);
        const atlas::UmapResult r = atlas::umap(X, shortConfig());
        QVERIFY(r.initFallback);
        QVERIFY(r.initUsed == atlas::UmapInit::Random);
        QVERIFY(r.initMessage.find("2 disconnected") != std::string::npos);
        QVERIFY(r.embedding.allFinite());
    }

    void approximateNeighboursForLargeInputs()
    {
        // Force the HNSW path on a small input: quality must stay at the exact path's level.
        const Matrix X = loadInput("structured");
        atlas::UmapConfig cfg;
        cfg.exactKnnMaxPoints = 500;
        const atlas::UmapResult approx = atlas::umap(X, cfg);
        QVERIFY(approx.approximateKnn);
        const double ref = referenceTrust("structured", "umap", 10);
        // Same margin as the exact path; HNSW recall at ef = 100 is ~1 on 1,000 points.
        QVERIFY(atlas::trustworthiness(X, approx.embedding, 10) >= ref - 0.01);
    }

    // t-SNE's 91 exact neighbours, handed over, give the map UMAP's own search gives; an
    // approximate or too narrow graph is not used.
    void sharedExactNeighboursGiveTheSameMap()
    {
        const Matrix X = loadInput("swiss");
        const auto cfg = shortConfig();
        const Matrix own = atlas::umap(X, cfg).embedding;
        const atlas::detail::KnnGraph wide = atlas::detail::exactKnn(X, 90);
        QVERIFY(atlas::umap(X, cfg, {}, {}, 1, &wide).embedding == own);
        atlas::detail::KnnGraph wrong = wide;
        wrong.indices.setZero();   // would wreck the map if it were used
        wrong.approximate = true;
        QVERIFY(atlas::umap(X, cfg, {}, {}, 1, &wrong).embedding == own);
        wrong.approximate = false;
        wrong.indices = wrong.indices.leftCols(5).eval();
        wrong.distances = wrong.distances.leftCols(5).eval();
        QVERIFY(atlas::umap(X, cfg, {}, {}, 1, &wrong).embedding == own);
        wrong.indices = wide.indices;
        wrong.distances = wide.distances;
        wrong.indices.col(0).setZero();
        QVERIFY(atlas::umap(X, cfg, {}, {}, 1, &wrong).embedding != own);   // it is used
    }

    void sameSeedSameOutput()
    {
        const Matrix X = loadInput("swiss");
        auto cfg = shortConfig();
        const Matrix a = atlas::umap(X, cfg).embedding;
        QVERIFY(atlas::umap(X, cfg).embedding == a);
        cfg.seed = 9;
        QVERIFY(atlas::umap(X, cfg).embedding != a);
    }

    void oneThreadEqualsTwo()
    {
        const Matrix X = loadInput("structured");
        Matrix one, two;
        {
            atlas::ThreadScope t(1);
            one = atlas::umap(X, shortConfig()).embedding;
        }
        {
            atlas::ThreadScope t(2);
            two = atlas::umap(X, shortConfig()).embedding;
        }
        QVERIFY(one == two);
    }

    void resumedRunEqualsSingleRun()
    {
        const Matrix X = loadInput("blobs");
        atlas::Umap whole(shortConfig());
        whole.init(X);
        QCOMPARE(whole.run(), 120);
        atlas::Umap parts(shortConfig());
        parts.init(X);
        QCOMPARE(parts.run(37), 37);
        QVERIFY(!parts.finished());
        QCOMPARE(parts.run(), 120);
        QVERIFY(parts.finished());
        QVERIFY(parts.embedding() == whole.embedding());
    }

    void callbackSeesEpochsAndStops()
    {
        const Matrix X = loadInput("blobs");
        atlas::Umap u(shortConfig());
        u.init(X);
        std::vector<int> seen;
        bool sized = true;
        u.run(-1,
              [&](const atlas::UmapEpoch& e) {
                  seen.push_back(e.epoch);
                  sized = sized && e.embedding->rows() == X.rows() && e.totalEpochs == 120;
                  return e.epoch >= 30;
              },
              10);
        QCOMPARE(seen, (std::vector<int>{10, 20, 30}));
        QVERIFY(sized);
        QCOMPARE(u.epoch(), 30);
    }

    void degenerateInputs()
    {
        // All points identical: every distance is 0, the graph is complete.
        const atlas::UmapResult zeros = atlas::umap(Matrix::Zero(30, 4), shortConfig());
        QVERIFY(zeros.embedding.allFinite());

        // Duplicates.
        Matrix dup = loadInput("blobs").topRows(100);
        dup.bottomRows(50) = dup.topRows(50);
        QVERIFY(atlas::umap(dup, shortConfig()).embedding.allFinite());

        // Fewer points than n_neighbors: reduced to n - 1, as umap-learn does.
        const atlas::UmapResult tiny = atlas::umap(loadInput("swiss").topRows(10), shortConfig());
        QCOMPARE(tiny.neighbours, 9);
        QCOMPARE(int(tiny.notes.size()), 1);
        QVERIFY(tiny.embedding.allFinite());
    }

    void invalidConfig()
    {
        auto bad = [](auto change) {
            atlas::UmapConfig cfg;
            change(cfg);
            return cfg;
        };
        QVERIFY_THROWS_EXCEPTION(atlas::ConfigError,
                                 atlas::Umap(bad([](auto& c) { c.neighbours = 1; })));
        QVERIFY_THROWS_EXCEPTION(atlas::ConfigError,
                                 atlas::Umap(bad([](auto& c) { c.minDist = 2.0; })));
        QVERIFY_THROWS_EXCEPTION(atlas::ConfigError,
                                 atlas::Umap(bad([](auto& c) { c.learningRate = 0.0; })));
        QVERIFY_THROWS_EXCEPTION(atlas::ConfigError,
                                 atlas::Umap(bad([](auto& c) { c.setOpMixRatio = 1.5; })));
        QVERIFY_THROWS_EXCEPTION(atlas::ConfigError,
                                 atlas::Umap(bad([](auto& c) { c.a = 1.0; })));
        QVERIFY_THROWS_EXCEPTION(atlas::ConfigError,
                                 atlas::Umap(bad([](auto& c) { c.components = 0; })));
        QVERIFY(atlas::UmapConfig{}.validate().empty());
    }

    void invalidInput()
    {
        Matrix X = Matrix::Random(30, 3);
        X(1, 1) = INFINITY;
        QVERIFY_THROWS_EXCEPTION(atlas::InputError, atlas::umap(X));
        QVERIFY_THROWS_EXCEPTION(atlas::InputError, atlas::umap(Matrix::Random(2, 3)));
        atlas::Umap u;
        QVERIFY_THROWS_EXCEPTION(std::logic_error, u.run());
    }

    void threeComponents()
    {
        atlas::UmapConfig cfg = shortConfig();
        cfg.components = 3;
        const Matrix X = loadInput("swiss");
        const auto r = atlas::umap(X, cfg);
        QCOMPARE(r.embedding.cols(), Eigen::Index(3));
        QVERIFY(r.embedding.allFinite());
        QVERIFY(!r.initFallback);
    }

    void fastPowIsAccurate()
    {
        // The kernel's single-precision x^y against double pow, over the range the gradients
        // see (squared distances from 1e-30 to 1e30, b from 0.1 to 2.8).
        double worst = 0.0;
        for (double ly = -1.0; ly <= 0.5; ly += 0.05) {
            const auto y = float(std::pow(10.0, ly) * 0.9);
            for (double lx = -30.0; lx <= 30.0; lx += 0.0173) {
                const auto x = float(std::pow(10.0, lx));
                const double exact = std::pow(double(x), double(y));
                if (std::abs(double(y) * std::log(double(x))) > 20.0)
                    continue;
                worst = std::max(worst,
                                 std::abs(double(atlas::detail::umapPow(x, y)) - exact) / exact);
            }
        }
        QVERIFY2(worst < 3e-6, std::to_string(worst).c_str());
        QCOMPARE(atlas::detail::umapPow(1.0f, 0.8951f), 1.0f);
        // Zero and subnormal inputs are taken as the smallest normal float: finite, > 0.
        QVERIFY(atlas::detail::umapPow(0.0f, 0.9f) > 0.0f);
        QVERIFY(std::isfinite(atlas::detail::umapPow(1e-45f, 0.9f)));
    }

    void negativeSamplesAreUniform()
    {
        for (const int n : {1, 7, 1000, 123457}) {
            for (std::uint32_t c = 0; c < 5000; ++c) {
                const std::int32_t t = atlas::detail::umapNegativeTarget(0xC0FFEEu, c, n);
                QVERIFY(t >= 0 && t < n);
            }
        }
        constexpr int Bins = 10, Draws = 200000;
        std::vector<int> hist(Bins, 0);
        for (std::uint32_t c = 0; c < Draws; ++c)
            ++hist[std::size_t(atlas::detail::umapNegativeTarget(12345u, c, Bins))];
        for (const int h : hist)
            QVERIFY2(std::abs(h - Draws / Bins) < Draws / Bins / 20, std::to_string(h).c_str());
        // Streams of different keys differ.
        int same = 0;
        for (std::uint32_t c = 0; c < 1000; ++c)
            same += atlas::detail::umapNegativeTarget(1u, c, 1 << 20) ==
                    atlas::detail::umapNegativeTarget(2u, c, 1 << 20);
        QVERIFY(same < 5);
    }

    void exactNeighboursMatchBruteForce()
    {
        // More rows than one tile of the blocked search, with duplicated rows for ties.
        Matrix X = blobs(2500, 4, 5, 17);
        X.middleRows(1000, 40) = X.topRows(40);
        const int k = 14;
        const atlas::detail::KnnGraph g = atlas::detail::exactKnn(X, k);
        QVERIFY(!g.approximate);
        checkAgainstBruteForce(X, k, g, 7, "blobs with duplicates");
    }

    // The exhaustive exact ranking by (squared distance, index), as exactKnn documents it.
    static void checkAgainstBruteForce(const Matrix& X, int k, const atlas::detail::KnnGraph& g,
                                       Eigen::Index every, const char* what)
    {
        QCOMPARE(g.indices.rows(), X.rows());
        QCOMPARE(g.indices.cols(), Eigen::Index(k));
        for (Eigen::Index i = 0; i < X.rows(); i += every) {
            std::vector<std::pair<double, int>> all;
            for (Eigen::Index j = 0; j < X.rows(); ++j)
                if (j != i)
                    all.emplace_back((X.row(i) - X.row(j)).squaredNorm(), int(j));
            std::sort(all.begin(), all.end());
            for (int c = 0; c < k; ++c) {
                const auto& want = all[std::size_t(c)];
                if (g.indices(i, c) != want.second)
                    QFAIL(qPrintable(QStringLiteral("%1: row %2, neighbour %3: %4, not %5")
                                         .arg(what)
                                         .arg(i)
                                         .arg(c)
                                         .arg(g.indices(i, c))
                                         .arg(want.second)));
                QVERIFY(std::abs(g.distances(i, c) - std::sqrt(want.first)) <=
                        1e-12 * std::sqrt(want.first));
            }
        }
    }

    void exactNeighboursSurviveFloatScreening_data()
    {
        // Both screening kernels: the best this build has (AVX-512 where it targets it) and
        // the portable one that builds without AVX-512 run.
        QTest::addColumn<int>("kernel");
        QTest::newRow("best") << int(atlas::detail::ScreeningKernel::Best);
        QTest::newRow("portable") << int(atlas::detail::ScreeningKernel::Portable);
    }

    void exactNeighboursSurviveFloatScreening()
    {
        // The search screens in float: these inputs put its rounding bound to the test.
        QFETCH(int, kernel);
        const auto exactKnn = [kernel](const Matrix& X, int k) {
            return atlas::detail::exactKnn(X, k, atlas::detail::ScreeningKernel(kernel));
        };
        // Tight clusters far from the origin (1e6 + spread 1e-3: float keeps ~3 digits of a
        // difference only after centring), with more duplicates of one row than k.
        Matrix far = blobs(1500, 6, 4, 3) * 1e-3;
        far.array() += 1e6;
        far.middleRows(700, 60).rowwise() = far.row(5);
        checkAgainstBruteForce(far, 20, exactKnn(far, 20), 3, "far from the origin");
        // Structure finer than float resolves: three runs of points 1e-9 apart at 0, 0.37 and
        // 1 (float's spacing there is up to 1.2e-7), so the screening distances of many
        // neighbours are tied or out of order and only the bound's margin keeps them.
        Matrix fine(1200, 1);
        for (int i = 0; i < 1200; ++i)
            fine(i, 0) = (i / 400) * 0.37 + (i / 400 == 2 ? 0.26 : 0.0) + (i % 400) * 1e-9;
        checkAgainstBruteForce(fine, 10, exactKnn(fine, 10), 1, "below float resolution");
        // A lattice: thousands of exactly tied distances.
        Matrix lattice(1331, 3);
        for (int i = 0; i < 1331; ++i)
            lattice.row(i) << i % 11, (i / 11) % 11, i / 121;
        checkAgainstBruteForce(lattice, 26, exactKnn(lattice, 26), 5, "lattice");
        // Huge and tiny magnitudes: far beyond float's range (3e38 to 1e-38), within that of
        // double's squares.
        const Matrix base = blobs(600, 5, 3, 9);
        const Matrix huge = base * 1e150, tiny = base * 1e-150;
        checkAgainstBruteForce(huge, 9, exactKnn(huge, 9), 1, "1e150");
        checkAgainstBruteForce(tiny, 9, exactKnn(tiny, 9), 1, "1e-150");
        // Every other point (k = n - 1), one dimension, many dimensions, two points, and the
        // same point repeated.
        const Matrix small = blobs(70, 3, 2, 4);
        checkAgainstBruteForce(small, 69, exactKnn(small, 69), 1, "k = n - 1");
        const Matrix line = blobs(900, 1, 3, 6);
        checkAgainstBruteForce(line, 30, exactKnn(line, 30), 1, "one dimension");
        const Matrix wide = blobs(700, 300, 5, 8);
        checkAgainstBruteForce(wide, 12, exactKnn(wide, 12), 3, "300 dimensions");
        const Matrix two = blobs(2, 4, 1, 2);
        checkAgainstBruteForce(two, 1, exactKnn(two, 1), 1, "two points");
        const Matrix same = Matrix::Constant(50, 4, 2.5);
        checkAgainstBruteForce(same, 7, exactKnn(same, 7), 1, "one point repeated");
        // A thousand copies of one row among others: every copy's candidate list holds all
        // thousand ties and has to grow well past its first capacity.
        Matrix copies = blobs(1400, 3, 2, 10);
        copies.topRows(1000).rowwise() = copies.row(1200);
        checkAgainstBruteForce(copies, 5, exactKnn(copies, 5), 9, "1,000 copies");
        // The thread count changes nothing.
        const Matrix X = blobs(5000, 8, 6, 12);
        atlas::detail::KnnGraph one, two2;
        {
            atlas::ThreadScope t(1);
            one = exactKnn(X, 31);
        }
        {
            atlas::ThreadScope t(2);
            two2 = exactKnn(X, 31);
        }
        QVERIFY(one.indices == two2.indices);
        QVERIFY(one.distances == two2.distances);
        checkAgainstBruteForce(X, 31, one, 41, "5,000 points");
        // Refused: k out of range, values that are not finite.
        QVERIFY_THROWS_EXCEPTION(atlas::InputError, exactKnn(small, 70));
        QVERIFY_THROWS_EXCEPTION(atlas::InputError, exactKnn(small, 0));
        Matrix bad = small;
        bad(3, 1) = std::numeric_limits<double>::quiet_NaN();
        QVERIFY_THROWS_EXCEPTION(atlas::InputError, exactKnn(bad, 5));
    }

    void threadsGiveIdenticalLayoutsOnLargeInputs()
    {
        // Large enough for the optimiser to split its vertex groups between threads.
        const Matrix X = blobs(17000, 4, 8, 5);
        atlas::UmapConfig cfg;
        cfg.epochs = 12;
        Matrix one, two;
        {
            atlas::ThreadScope t(1);
            one = atlas::umap(X, cfg).embedding;
        }
        {
            atlas::ThreadScope t(2);
            two = atlas::umap(X, cfg).embedding;
        }
        QVERIFY(one.allFinite());
        QVERIFY(one == two);
    }

    void otherComponentCountsAndSettings()
    {
        const Matrix X = loadInput("blobs");
        for (const int components : {1, 5}) {
            atlas::UmapConfig cfg = shortConfig();
            cfg.components = components;
            Matrix one, two;
            {
                atlas::ThreadScope t(1);
                one = atlas::umap(X, cfg).embedding;
            }
            {
                atlas::ThreadScope t(2);
                two = atlas::umap(X, cfg).embedding;
            }
            QCOMPARE(one.cols(), Eigen::Index(components));
            QVERIFY(one.allFinite());
            QVERIFY(one == two);
        }
        // No negative samples, no repulsion (umap-learn then moves by 4: still finite).
        atlas::UmapConfig cfg = shortConfig();
        cfg.negativeSampleRate = 0;
        QVERIFY(atlas::umap(X, cfg).embedding.allFinite());
        cfg = shortConfig();
        cfg.repulsionStrength = 0.0;
        QVERIFY(atlas::umap(X, cfg).embedding.allFinite());
    }

    void cancellation()
    {
        std::atomic<bool> cancel{false};
        atlas::Progress progress(
            [&](std::string_view, double overall, std::string_view) {
                if (overall > 0.4)
                    cancel = true;
            },
            &cancel);
        QVERIFY_THROWS_EXCEPTION(atlas::Cancelled,
                                 atlas::umap(loadInput("blobs"), shortConfig(), progress));
    }
};

QTEST_GUILESS_MAIN(TestUmap)
#include "test_umap.moc"
