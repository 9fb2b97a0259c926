// SPDX-License-Identifier: GPL-3.0-or-later
// New points on a finished map (engine/embed/transform.h): umap-learn's initial places,
// independence from the batch and the thread count, t-SNE places at a stationary point of
// their objective, and the neighbourhood matching that never makes a place worse.
#include "engine/core/parallel.h"
#include "engine/core/random.h"
#include "engine/embed/transform.h"
#include "tests/support/fixtures.h"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <set>
#include <vector>

namespace {

atlas::Matrix fixture(const char* name)
{
    return atlas::test::readNumericCsv(atlas::test::fixture(std::string("umap_transform/") + name));
}

std::vector<std::uint64_t> keysOf(Eigen::Index rows, std::uint64_t first = 1000)
{
    std::vector<std::uint64_t> keys;
    for (Eigen::Index i = 0; i < rows; ++i)
        keys.push_back(first + std::uint64_t(i) * 7919);
    return keys;
}

atlas::Matrix rows(const atlas::Matrix& m, std::vector<int> order)
{
    atlas::Matrix out(Eigen::Index(order.size()), m.cols());
    for (std::size_t t = 0; t < order.size(); ++t)
        out.row(Eigen::Index(t)) = m.row(order[t]);
    return out;
}

// The blob (0, 1, 2) whose map spot (gen_umap_transform.py) is nearest to a place.
int spotOf(double x, double y)
{
    const double spots[3][2] = {{-8.0, 0.0}, {5.0, 6.0}, {4.0, -7.0}};
    int best = 0;
    double bestD = INFINITY;
    for (int s = 0; s < 3; ++s) {
        const double d = std::hypot(x - spots[s][0], y - spots[s][1]);
        if (d < bestD) {
            bestD = d;
            best = s;
        }
    }
    return best;
}

// How many of row i's k nearest rows of `fitted` have a place among the k nearest of `place`.
int agreement(const atlas::Matrix& fitted, const atlas::Matrix& embedding,
              const atlas::RowVector& x, double px, double py, int k)
{
    std::vector<std::pair<double, int>> a, b;
    for (int r = 0; r < fitted.rows(); ++r) {
        a.emplace_back((fitted.row(r) - x).squaredNorm(), r);
        b.emplace_back(std::pow(embedding(r, 0) - px, 2) + std::pow(embedding(r, 1) - py, 2), r);
    }
    std::partial_sort(a.begin(), a.begin() + k, a.end());
    std::partial_sort(b.begin(), b.begin() + k, b.end());
    std::set<int> sa;
    for (int t = 0; t < k; ++t)
        sa.insert(a[std::size_t(t)].second);
    int both = 0;
    for (int t = 0; t < k; ++t)
        both += sa.count(b[std::size_t(t)].second) ? 1 : 0;
    return both;
}

} // namespace

class TestTransform : public QObject {
    Q_OBJECT
private slots:
    void umapInitialPlacesMatchUmapLearn()
    {
        // cfg.epochs = 2 gives 2 // 3 = 0 epochs: the initial places, which the fixture has
        // from umap-learn's transform without its optimisation.
        const atlas::Matrix fitted = fixture("fitted.csv"), embedding = fixture("embedding.csv");
        const atlas::Matrix added = fixture("added.csv"), expected = fixture("expected_init.csv");
        atlas::UmapConfig cfg;
        cfg.epochs = 2;
        const atlas::Matrix places =
            atlas::umapTransform(fitted, embedding, added, cfg, keysOf(added.rows()));
        QCOMPARE(places.rows(), expected.rows());
        // umap-learn works in single precision.
        const double excess = atlas::test::worstExcess(places, expected, 1e-5, 1e-5);
        QVERIFY2(excess <= 0.0, QByteArray::number(excess));
        // The last new row is fitted row 5: it starts at that row's place.
        QCOMPARE(float(places(12, 0)), float(embedding(5, 0)));
        QCOMPARE(float(places(12, 1)), float(embedding(5, 1)));
    }

    void umapPlacesDoNotDependOnTheBatchOrTheThreads()
    {
        const atlas::Matrix fitted = fixture("fitted.csv"), embedding = fixture("embedding.csv");
        const atlas::Matrix added = fixture("added.csv");
        const atlas::UmapConfig cfg;   // 100 epochs
        const auto keys = keysOf(added.rows());
        atlas::Matrix together;
        {
            atlas::ThreadScope threads(2);
            together = atlas::umapTransform(fitted, embedding, added, cfg, keys);
        }
        for (int i = 0; i < 12; ++i)
            QCOMPARE(spotOf(together(i, 0), together(i, 1)), i / 4);   // its blob's spot
        // One at a time, on one thread: the same bits.
        atlas::ThreadScope threads(1);
        for (int i = 0; i < added.rows(); ++i) {
            const std::uint64_t key[] = {keys[std::size_t(i)]};
            const atlas::Matrix one =
                atlas::umapTransform(fitted, embedding, rows(added, {i}), cfg, key);
            QVERIFY(one.row(0) == together.row(i));
        }
        // In reverse order, keys following their rows: the same bits.
        std::vector<int> reverse;
        std::vector<std::uint64_t> reverseKeys;
        for (int i = int(added.rows()) - 1; i >= 0; --i) {
            reverse.push_back(i);
            reverseKeys.push_back(keys[std::size_t(i)]);
        }
        const atlas::Matrix back =
            atlas::umapTransform(fitted, embedding, rows(added, reverse), cfg, reverseKeys);
        for (std::size_t t = 0; t < reverse.size(); ++t)
            QVERIFY(back.row(Eigen::Index(t)) == together.row(reverse[t]));
        // The fitted map did not move: places are only returned.
        QVERIFY(embedding == fixture("embedding.csv"));
    }

    void tsnePlacesAreStationaryPointsOfTheirObjective()
    {
        const atlas::Matrix fitted = fixture("fitted.csv"), embedding = fixture("embedding.csv");
        const atlas::Matrix added = fixture("added.csv");
        atlas::TsneTransformConfig cfg;
        cfg.angle = 0.0;          // exact repulsion, so the gradient below is the one minimised
        cfg.iterations = 2000;
        const atlas::Matrix places = atlas::tsneTransform(fitted, embedding, added, cfg);
        for (int i = 0; i < 12; ++i)
            QCOMPARE(spotOf(places(i, 0), places(i, 1)), i / 4);
        // The gradient of KL(P_i || Q_i) (openTSNE's point-wise normalisation) vanishes at
        // the place: the attraction to the 15 nearest fitted rows with P calibrated to
        // perplexity 5 (and exaggerated 1.5) balances the repulsion of all fitted places.
        for (int i = 0; i < added.rows(); ++i) {
            std::vector<std::pair<double, int>> d;
            for (int r = 0; r < fitted.rows(); ++r)
                d.emplace_back((fitted.row(r) - added.row(i)).squaredNorm(), r);
            std::partial_sort(d.begin(), d.begin() + 15, d.end());
            // P: binary search on beta for entropy log(5).
            double lo = 0.0, hi = INFINITY, beta = 1.0;
            std::vector<double> p(15);
            for (int step = 0; step < 200; ++step) {
                double sum = 0.0, h = 0.0;
                for (int j = 0; j < 15; ++j)
                    sum += p[std::size_t(j)] = std::exp(-d[std::size_t(j)].first * beta);
                for (int j = 0; j < 15; ++j) {
                    p[std::size_t(j)] /= sum;
                    h += beta * d[std::size_t(j)].first * p[std::size_t(j)];
                }
                h += std::log(sum);
                if (h > std::log(5.0)) {
                    lo = beta;
                    beta = hi == INFINITY ? beta * 2 : (beta + hi) / 2;
                } else {
                    hi = beta;
                    beta = (beta + lo) / 2;
                }
            }
            const double y0 = places(i, 0), y1 = places(i, 1);
            double z = 0.0, rx = 0.0, ry = 0.0, ax = 0.0, ay = 0.0;
            for (int r = 0; r < fitted.rows(); ++r) {
                const double dx = y0 - embedding(r, 0), dy = y1 - embedding(r, 1);
                const double q = 1.0 / (1.0 + dx * dx + dy * dy);
                z += q;
                rx += q * q * dx;
                ry += q * q * dy;
            }
            for (int j = 0; j < 15; ++j) {
                const int r = d[std::size_t(j)].second;
                const double dx = y0 - embedding(r, 0), dy = y1 - embedding(r, 1);
                const double q = 1.0 / (1.0 + dx * dx + dy * dy);
                ax += 1.5 * p[std::size_t(j)] * q * dx;
                ay += 1.5 * p[std::size_t(j)] * q * dy;
            }
            const double gradient = std::hypot(ax - rx / z, ay - ry / z);
            const double attraction = std::hypot(ax, ay) + std::hypot(rx / z, ry / z);
            QVERIFY2(gradient < 1e-3 * std::max(attraction, 1e-3),
                     QByteArray::number(gradient) + " of " + QByteArray::number(attraction));
        }
        // Batch independence: each row alone gives the same bits.
        for (int i = 0; i < added.rows(); ++i) {
            const atlas::Matrix one = atlas::tsneTransform(fitted, embedding, rows(added, {i}), cfg);
            QVERIFY(one.row(0) == places.row(i));
        }
    }

    void matchingNeverMakesANeighbourhoodWorse()
    {
        const atlas::Matrix fitted = fixture("fitted.csv"), embedding = fixture("embedding.csv");
        const atlas::Matrix added = fixture("added.csv");
        // Places from the transform, and the same rows dropped at the wrong blob's spot.
        const atlas::Matrix placed = atlas::tsneTransform(fitted, embedding, added);
        atlas::Matrix wrong = placed;
        for (int i = 0; i < 12; ++i) {
            const int other = (i / 4 + 1) % 3;
            wrong(i, 0) = embedding(other * 40, 0);
            wrong(i, 1) = embedding(other * 40, 1);
        }
        const atlas::Matrix* starts[] = {&placed, &wrong};
        for (const atlas::Matrix* start : starts) {
            const atlas::Matrix matched =
                atlas::matchNeighbourhoods(fitted, embedding, added, *start);
            for (int i = 0; i < added.rows(); ++i) {
                const int before = agreement(fitted, embedding, added.row(i), (*start)(i, 0),
                                             (*start)(i, 1), 10);
                const int after = agreement(fitted, embedding, added.row(i), matched(i, 0),
                                            matched(i, 1), 10);
                QVERIFY(after >= before);
                if (after == before)   // nothing better: the place stays
                    QVERIFY(matched.row(i) == start->row(i));
            }
            // From the wrong blob, the search around the latent neighbours' places brings
            // every row back to its own blob.
            for (int i = 0; i < 12; ++i)
                QCOMPARE(spotOf(matched(i, 0), matched(i, 1)), i / 4);
        }
    }
};

QTEST_GUILESS_MAIN(TestTransform)
#include "test_transform.moc"
