// SPDX-License-Identifier: GPL-3.0-or-later
// The map's spatial index against brute force: every query on random layouts (clustered,
// with exact duplicates, on a line, at one spot, with non-finite rows) must return exactly
// what a scan over all points returns.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include "engine/embed/point_index.h"

#include <QtTest>

#include <cmath>
#include <random>
#include <string>
#include <vector>

using atlas::Matrix;
using atlas::PointIndex;
using atlas::PolygonVertex;

namespace {

using Mask = std::vector<std::uint8_t>;

bool finiteRow(const Matrix& xy, int i)
{
    return std::isfinite(xy(i, 0)) && std::isfinite(xy(i, 1));
}

bool shown(const Mask& mask, int i)
{
    return mask.empty() || mask[std::size_t(i)] != 0;
}

int bruteNearest(const Matrix& xy, double x, double y, double r, const Mask& mask)
{
    int best = -1;
    double bestD2 = INFINITY;
    for (int i = 0; i < xy.rows(); ++i) {
        if (!finiteRow(xy, i) || !shown(mask, i))
            continue;
        const double d2 = (xy(i, 0) - x) * (xy(i, 0) - x) + (xy(i, 1) - y) * (xy(i, 1) - y);
        if (d2 <= r * r && d2 < bestD2) {   // strict: the first (lowest) row wins ties
            bestD2 = d2;
            best = i;
        }
    }
    return best;
}

std::vector<int> bruteRectangle(const Matrix& xy, double x0, double y0, double x1, double y1,
                                const Mask& mask)
{
    std::vector<int> out;
    for (int i = 0; i < xy.rows(); ++i)
        if (finiteRow(xy, i) && shown(mask, i) && xy(i, 0) >= x0 && xy(i, 0) <= x1 &&
            xy(i, 1) >= y0 && xy(i, 1) <= y1)
            out.push_back(i);
    return out;
}

std::vector<int> brutePolygon(const Matrix& xy, const std::vector<PolygonVertex>& poly,
                              const Mask& mask)
{
    std::vector<int> out;
    for (int i = 0; i < xy.rows(); ++i)
        if (finiteRow(xy, i) && shown(mask, i) && atlas::insidePolygon(xy(i, 0), xy(i, 1), poly))
            out.push_back(i);
    return out;
}

// Gaussian blobs of very different spread (dense and sparse grid cells), with every tenth
// row a copy of an earlier one.
Matrix clusteredLayout(int n, unsigned seed)
{
    std::mt19937 rng(seed);
    std::normal_distribution<double> gauss(0.0, 1.0);
    std::uniform_int_distribution<int> blob(0, 4);
    const double cx[] = {-30, 0, 25, 10, -5}, cy[] = {0, 20, -10, 40, -35};
    const double spread[] = {0.3, 5.0, 1.0, 12.0, 0.05};
    Matrix xy(n, 2);
    for (int i = 0; i < n; ++i) {
        if (i > 0 && i % 10 == 0) {
            xy.row(i) = xy.row(int(rng() % unsigned(i)));
            continue;
        }
        const int b = blob(rng);
        xy(i, 0) = cx[b] + spread[b] * gauss(rng);
        xy(i, 1) = cy[b] + spread[b] * gauss(rng);
    }
    return xy;
}

std::vector<PolygonVertex> randomPolygon(std::mt19937& rng, double cx, double cy, double r,
                                         int vertices)
{
    // A star-shaped polygon with random radii (concave), sometimes with crossing edges.
    std::uniform_real_distribution<double> u(0.2, 1.0);
    std::vector<PolygonVertex> poly;
    for (int k = 0; k < vertices; ++k) {
        const double a = 2.0 * M_PI * k / vertices + (rng() % 4 == 0 ? 2.5 : 0.0);
        const double rr = r * u(rng);
        poly.push_back({cx + rr * std::cos(a), cy + rr * std::sin(a)});
    }
    return poly;
}

void compareAll(const Matrix& xy, unsigned seed, const Mask& mask, const char* what)
{
    const PointIndex index(xy);
    QCOMPARE(index.size(), int(xy.rows()));
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> coord(-50.0, 50.0);
    std::uniform_real_distribution<double> radius(0.0, 8.0);
    for (int q = 0; q < 400; ++q) {
        // Half the queries start at an existing point (distance-0 ties among duplicates).
        double x = coord(rng), y = coord(rng);
        if (q % 2 == 0 && xy.rows() > 0) {
            const int i = int(rng() % unsigned(xy.rows()));
            if (finiteRow(xy, i)) {
                x = xy(i, 0);
                y = xy(i, 1);
            }
        }
        const double r = (q % 7 == 0) ? 1e9 : radius(rng);
        QVERIFY2(index.nearest(x, y, r, mask) == bruteNearest(xy, x, y, r, mask),
                 (std::string(what) + ": nearest, query " + std::to_string(q)).c_str());
        const double x1 = x + radius(rng) * 3 - 4, y1 = y + radius(rng) * 3 - 4;
        QVERIFY2(index.inRectangle(x, y, x1, y1, mask) ==
                     bruteRectangle(xy, std::min(x, x1), std::min(y, y1), std::max(x, x1),
                                    std::max(y, y1), mask),
                 (std::string(what) + ": rectangle, query " + std::to_string(q)).c_str());
        if (q % 4 == 0) {
            const auto poly = randomPolygon(rng, x, y, 2.0 + radius(rng) * 4, 3 + int(rng() % 40));
            QVERIFY2(index.inPolygon(poly, mask) == brutePolygon(xy, poly, mask),
                     (std::string(what) + ": polygon, query " + std::to_string(q)).c_str());
        }
    }
}

} // namespace

class TestPointIndex : public QObject {
    Q_OBJECT
private slots:
    void matchesBruteForceOnClusteredLayouts()
    {
        for (int n : {2, 17, 1000, 20000})
            compareAll(clusteredLayout(n, unsigned(n)), 7u + unsigned(n), {},
                       ("clustered n=" + std::to_string(n)).c_str());
    }

    void visibilityMaskHidesPoints()
    {
        const Matrix xy = clusteredLayout(3000, 3);
        Mask mask(3000);
        for (int i = 0; i < 3000; ++i)
            mask[std::size_t(i)] = (i % 3 != 0);
        compareAll(xy, 11, mask, "masked");
        // A point hidden by the mask is not found even when queried at its exact position.
        const PointIndex index(xy);
        QCOMPARE(index.nearest(xy(3, 0), xy(3, 1), 0.0), 3);
        QVERIFY(index.nearest(xy(3, 0), xy(3, 1), 0.0, mask) != 3);
        // A mask of the wrong size is ignored rather than read out of bounds.
        QCOMPARE(index.inRectangle(-1e9, -1e9, 1e9, 1e9, Mask(5, 0)).size(), std::size_t(3000));
    }

    void degenerateLayouts()
    {
        // Empty input.
        const PointIndex empty{Matrix(0, 2)};
        QCOMPARE(empty.size(), 0);
        QCOMPARE(empty.nearest(0, 0, 1e9), -1);
        QVERIFY(empty.inRectangle(-1, -1, 1, 1).empty());
        QVERIFY(empty.inPolygon({{-1, -1}, {1, -1}, {0, 1}}).empty());
        QCOMPARE(PointIndex().nearest(0, 0, 1), -1);
        // Wrong column count: empty index, no crash.
        QCOMPARE(PointIndex(Matrix::Zero(4, 3)).indexedCount(), 0);

        // A single point.
        Matrix one(1, 2);
        one << 2.5, -1.0;
        const PointIndex single(one);
        QCOMPARE(single.nearest(2.5, -1.0, 0.0), 0);
        QCOMPARE(single.nearest(3.0, -1.0, 0.49), -1);
        QCOMPARE(single.nearest(3.0, -1.0, 0.5), 0);
        QCOMPARE(single.nearest(3.0, -1.0, -1.0), -1);
        QCOMPARE(single.inRectangle(2.5, -1.0, 2.5, -1.0), std::vector<int>{0});
        QCOMPARE(single.inPolygon({{2, -2}, {3, -2}, {2.5, 0}}), std::vector<int>{0});
        compareAll(one, 5, {}, "single");

        // Every point at one spot, all on a horizontal line, all on a vertical line.
        compareAll(Matrix::Constant(50, 2, 3.0), 6, {}, "one spot");
        Matrix line(200, 2);
        for (int i = 0; i < 200; ++i)
            line.row(i) << (i % 37) * 0.7 - 12.0, 4.0;
        compareAll(line, 8, {}, "horizontal line");
        compareAll(line.rowwise().reverse().eval(), 9, {}, "vertical line");

        // Non-finite rows are never returned, and counted out of the index.
        Matrix holes = clusteredLayout(500, 4);
        holes(10, 0) = NAN;
        holes(11, 1) = INFINITY;
        holes(12, 0) = -INFINITY;
        const PointIndex withHoles(holes);
        QCOMPARE(withHoles.size(), 500);
        QCOMPARE(withHoles.indexedCount(), 497);
        double minX = INFINITY, maxX = -INFINITY;
        for (int i = 0; i < 500; ++i)
            if (finiteRow(holes, i)) {
                minX = std::min(minX, holes(i, 0));
                maxX = std::max(maxX, holes(i, 0));
            }
        QCOMPARE(withHoles.minX(), minX);
        QCOMPARE(withHoles.maxX(), maxX);
        const auto all = withHoles.inRectangle(-1e300, -1e300, 1e300, 1e300);
        QCOMPARE(all.size(), std::size_t(497));
        QVERIFY(std::find(all.begin(), all.end(), 11) == all.end());
        compareAll(holes, 10, {}, "non-finite rows");
        QCOMPARE(withHoles.nearest(NAN, 0.0, 1e9), -1);
    }

    void polygonRules()
    {
        const std::vector<PolygonVertex> square = {{0, 0}, {2, 0}, {2, 2}, {0, 2}};
        QVERIFY(atlas::insidePolygon(1, 1, square));
        QVERIFY(!atlas::insidePolygon(3, 1, square));
        // Even-odd: both lobes of a bow-tie are inside, the wedges between them are not.
        const std::vector<PolygonVertex> bowtie = {{0, 0}, {2, 2}, {2, 0}, {0, 2}};
        QVERIFY(atlas::insidePolygon(0.2, 1.0, bowtie));
        QVERIFY(atlas::insidePolygon(1.8, 1.0, bowtie));
        QVERIFY(!atlas::insidePolygon(1.0, 0.2, bowtie));
        // A square traced twice covers every point an even number of times: nothing inside.
        std::vector<PolygonVertex> twice = square;
        twice.insert(twice.end(), square.begin(), square.end());
        QVERIFY(!atlas::insidePolygon(1, 1, twice));
        // A concave "C": the notch is outside.
        const std::vector<PolygonVertex> cShape = {{0, 0}, {3, 0}, {3, 1}, {1, 1},
                                                   {1, 2}, {3, 2}, {3, 3}, {0, 3}};
        QVERIFY(atlas::insidePolygon(0.5, 1.5, cShape));
        QVERIFY(!atlas::insidePolygon(2.0, 1.5, cShape));

        // Degenerate polygons select nothing: too few vertices, collinear, repeated vertices,
        // non-finite vertices.
        Matrix diagonal(5, 2);
        for (int i = 0; i < 5; ++i)
            diagonal.row(i) << i, i;
        const PointIndex index(diagonal);
        QVERIFY(index.inPolygon({}).empty());
        QVERIFY(index.inPolygon({{0, 0}}).empty());
        QVERIFY(index.inPolygon({{-1, -1}, {5, 5}}).empty());
        QVERIFY(index.inPolygon({{-1, -1}, {2, 2}, {5, 5}}).empty());
        QVERIFY(index.inPolygon({{1, 1}, {1, 1}, {1, 1}, {1, 1}}).empty());
        QVERIFY(index.inPolygon({{-1, -1}, {NAN, 5}, {5, -1}}).empty());
        QVERIFY(!atlas::insidePolygon(2, 2, {{-1, -1}, {2, 2}, {5, 5}}));
        // The same lasso made proper selects the points it encloses.
        QCOMPARE(index.inPolygon({{-0.5, -0.5}, {2.5, 1.5}, {2.5, 2.5}, {-0.5, 0.5}}),
                 (std::vector<int>{0, 1, 2}));
    }
};

QTEST_GUILESS_MAIN(TestPointIndex)
#include "test_point_index.moc"
