// SPDX-License-Identifier: GPL-3.0-or-later
// The offscreen figures: file names, sizes, colours at known points, equal aspect, NaN
// metrics, bad input. Runs on the offscreen platform (QTEST_MAIN makes the QApplication).

#include "ui/figures/figure_renderer.h"
#include "ui/figures/offscreen_application.h"
#include "ui/figures/palette.h"

#include "engine/core/random.h"
#include "tests/support/fixtures.h"

#include <QImage>
#include <QSet>
#include <QtTest>

#include <array>
#include <cmath>
#include <limits>
#include <set>

using namespace atlas;
using namespace atlas::ui;
using atlas::test::makeTempDir;

namespace {

constexpr double Nan = std::numeric_limits<double>::quiet_NaN();
constexpr int Genres = 4;
constexpr int PerGenre = 60;
constexpr int NoisePoints = 24;
constexpr int Tracks = Genres * PerGenre + NoisePoints;

// Four well separated blobs (one per genre) and isolated points on a wide ring, which the
// DBSCAN labelling calls noise. Genre g of the blob tracks is cluster g for KMeans and
// cluster (g + 1) % 4 for Agglomerative, so the two figures must differ in colour.
Matrix blobMap(Rng& rng, double scale)
{
    Matrix xy(Tracks, 2);
    const double cx[Genres] = {-12, 12, -12, 12};
    const double cy[Genres] = {-12, -12, 12, 12};
    for (int g = 0; g < Genres; ++g)
        for (int k = 0; k < PerGenre; ++k) {
            const int i = g * PerGenre + k;
            xy(i, 0) = scale * rng.normal(cx[g], 1.5);
            xy(i, 1) = scale * rng.normal(cy[g], 1.5);
        }
    for (int k = 0; k < NoisePoints; ++k) {
        const double a = 2 * M_PI * k / NoisePoints;
        xy(Genres * PerGenre + k, 0) = scale * 30 * std::cos(a);
        xy(Genres * PerGenre + k, 1) = scale * 30 * std::sin(a);
    }
    return xy;
}

ClusterScores scores(Rng& rng, bool dbscanDegenerate)
{
    ClusterScores s;
    s.silhouette = dbscanDegenerate ? Nan : rng.uniform(-0.1, 0.6);
    s.calinskiHarabasz = dbscanDegenerate ? Nan : rng.uniform(50, 900);
    s.daviesBouldin = dbscanDegenerate ? Nan : rng.uniform(0.5, 2.5);
    s.ari = rng.uniform(0, 1);
    s.nmi = rng.uniform(0, 1);
    s.ami = rng.uniform(0, 1);
    s.vMeasure = rng.uniform(0, 1);
    s.purity = rng.uniform(0.2, 1);
    s.nClusters = 4;
    return s;
}

// A hand-made result: PCA and VAE succeed, the Autoencoder failed (must be skipped).
RunResult syntheticRun(bool withLabels = true)
{
    Rng rng(7);
    RunResult run;
    run.config.vaeBeta = 1.0;
    run.dataset.labels = Labels::Constant(Tracks, -1);
    if (withLabels) {
        run.dataset.labelNames = {"blues", "classical", "jazz", "rock"};
        for (int i = 0; i < Genres * PerGenre; ++i)
            run.dataset.labels[i] = i / PerGenre;
        for (int k = 0; k < NoisePoints; ++k)
            run.dataset.labels[Genres * PerGenre + k] = k % Genres;
    }
    for (Representation r : {Representation::Pca, Representation::Autoencoder,
                             Representation::Vae}) {
        RepresentationResult rep;
        rep.kind = r;
        rep.ok = r != Representation::Autoencoder;
        if (!rep.ok) {
            rep.error = "training diverged";
            run.representations.push_back(rep);
            continue;
        }
        for (Clustering c : AllClusterings) {
            ClusteringResult cl;
            cl.kind = c;
            cl.ok = true;
            cl.labels.resize(Tracks);
            for (int i = 0; i < Tracks; ++i) {
                const int g = i < Genres * PerGenre ? i / PerGenre : -1;
                switch (c) {
                case Clustering::KMeans: cl.labels[i] = g < 0 ? i % Genres : g; break;
                case Clustering::Agglomerative: cl.labels[i] = g < 0 ? i % Genres : (g + 1) % Genres; break;
                case Clustering::Dbscan: cl.labels[i] = g; break;
                }
            }
            // PCA's DBSCAN has undefined internal scores (as with fewer than 2 clusters).
            cl.scores = scores(rng, c == Clustering::Dbscan && r == Representation::Pca);
            if (!withLabels)
                cl.scores.ari = cl.scores.nmi = cl.scores.ami = cl.scores.vMeasure =
                    cl.scores.purity = Nan;
            rep.clusterings.push_back(cl);
        }
        for (MapKind m : AllMaps) {
            MapResult map;
            map.kind = m;
            map.ok = true;
            map.xy = blobMap(rng, m == MapKind::Tsne ? 1.0 : 0.25);
            rep.maps.push_back(map);
        }
        run.representations.push_back(rep);
    }
    return run;
}

double colourDistance(QColor a, QColor b)
{
    return std::max({std::abs(a.red() - b.red()), std::abs(a.green() - b.green()),
                     std::abs(a.blue() - b.blue())});
}

// Fraction of the points of class `cls` whose centre pixel has (nearly) `expected` colour.
double fractionAtColour(const QImage& image, const ScatterGeometry& g, const Matrix& xy,
                        const Labels& classes, int cls, QColor expected)
{
    int hits = 0, total = 0;
    for (Eigen::Index i = 0; i < xy.rows(); ++i) {
        if (classes[i] != cls)
            continue;
        const QPoint p = g.toPixel(xy(i, 0), xy(i, 1)).toPoint();
        ++total;
        // A later point's anti-aliased white rim may cross this point's centre, so any
        // pixel of the 3 x 3 block around it may show the fill; tolerance 12 per channel
        // for anti-aliasing at the block's edge.
        bool found = false;
        for (int dy = -1; dy <= 1 && !found; ++dy)
            for (int dx = -1; dx <= 1 && !found; ++dx)
                found = colourDistance(image.pixelColor(p + QPoint(dx, dy)), expected) <= 12;
        hits += found;
    }
    return total ? double(hits) / total : 0.0;
}

// CIELAB distance (sRGB, D65), the simple ΔE*76.
double deltaE76(QColor a, QColor b)
{
    const auto lab = [](QColor c) {
        const auto lin = [](double u) {
            return u <= 0.04045 ? u / 12.92 : std::pow((u + 0.055) / 1.055, 2.4);
        };
        const double r = lin(c.redF()), g = lin(c.greenF()), bl = lin(c.blueF());
        const double x = (0.4124 * r + 0.3576 * g + 0.1805 * bl) / 0.95047;
        const double y = 0.2126 * r + 0.7152 * g + 0.0722 * bl;
        const double z = (0.0193 * r + 0.1192 * g + 0.9505 * bl) / 1.08883;
        const auto f = [](double t) {
            return t > 0.008856 ? std::cbrt(t) : 7.787 * t + 16.0 / 116.0;
        };
        return std::array<double, 3>{116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))};
    };
    const auto p = lab(a), q = lab(b);
    return std::hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]);
}

int distinctColours(const QImage& image)
{
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += 2)
        for (int x = 0; x < image.width(); x += 2)
            colours.insert(image.pixel(x, y));
    return int(colours.size());
}

// Dark (text-coloured) pixels inside `band`: proves glyphs were drawn.
int darkPixels(const QImage& image, QRect band)
{
    int dark = 0;
    for (int y = band.top(); y <= band.bottom(); ++y)
        for (int x = band.left(); x <= band.right(); ++x)
            dark += qGray(image.pixel(x, y)) < 100;
    return dark;
}

} // namespace

class TestFigures : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        ensureApplication();   // a QApplication exists already: must be a no-op
        QVERIFY(qobject_cast<QApplication*>(QCoreApplication::instance()));
    }

    void renderFiguresWritesExpectedFiles()
    {
        const RunResult run = syntheticRun();
        const auto dir = makeTempDir("figures_all");
        const auto written = renderFigures(run, dir);

        std::set<std::string> expected;
        for (const char* rep : {"pca", "vae"}) {
            for (const char* c : {"kmeans", "agglomerative", "dbscan"})
                for (const char* m : {"tsne", "umap"})
                    expected.insert(std::string("latent_visualization/") + rep + "_" + c + "_" + m + ".png");
            for (const char* m : {"tsne", "umap"})
                expected.insert(std::string("latent_visualization/") + rep + "_" + m + "_genre.png");
        }
        for (const char* metric : {"silhouette", "calinski_harabasz", "davies_bouldin", "ari",
                                   "nmi", "purity", "ami", "v_measure"})
            expected.insert(std::string("analysis_plots/") + metric + ".png");

        std::set<std::string> returned;
        for (const auto& p : written)
            returned.insert(std::filesystem::relative(p, dir).generic_string());
        std::set<std::string> onDisk;
        for (const auto& e : std::filesystem::recursive_directory_iterator(dir))
            if (e.is_regular_file())
                onDisk.insert(std::filesystem::relative(e.path(), dir).generic_string());
        QCOMPARE(written.size(), expected.size());
        QVERIFY(returned == expected);
        QVERIFY(onDisk == expected);

        for (const auto& p : written) {
            const QImage image(QString::fromStdString(p.string()));
            QVERIFY2(!image.isNull(), p.c_str());
            const bool bar = p.parent_path().filename() == "analysis_plots";
            QCOMPARE(image.size(), bar ? QSize(1400, 700) : QSize(1200, 900));
            // Anti-aliased text, markers and bars give hundreds of colours; a blank or
            // failed render gives a handful.
            QVERIFY2(distinctColours(image) > 40, p.c_str());
            // Title text was rendered (fontconfig found a font): dark glyph pixels on top.
            QVERIFY2(darkPixels(image, QRect(0, 0, image.width(), 50)) > 200, p.c_str());
        }
    }

    void clusterColoursAtPointLocations()
    {
        const RunResult run = syntheticRun();
        const RepresentationResult& vae = run.representations[2];
        for (Clustering c : {Clustering::KMeans, Clustering::Agglomerative}) {
            ScatterGeometry g;
            const QImage image = clusterScatterFigure(run, Representation::Vae, c, MapKind::Tsne, {}, &g);
            QVERIFY(!image.isNull());
            const Labels& labels = vae.clusterings[std::size_t(c == Clustering::KMeans ? 0 : 1)].labels;
            for (int k = 0; k < Genres; ++k) {
                const double f = fractionAtColour(image, g, vae.maps[0].xy, labels, k, categoricalColor(k));
                // Blob points overlap only points of their own cluster; the odd miss is a rim.
                QVERIFY2(f > 0.9, qPrintable(QStringLiteral("cluster %1: %2").arg(k).arg(f)));
            }
        }
    }

    void noiseIsGreyAndUnderneath()
    {
        const RunResult run = syntheticRun();
        const RepresentationResult& pca = run.representations[0];
        ScatterGeometry g;
        const QImage image = clusterScatterFigure(run, Representation::Pca, Clustering::Dbscan,
                                                  MapKind::Umap, {}, &g);
        QVERIFY(!image.isNull());
        const Labels& labels = pca.clusterings[2].labels;
        // The ring points are isolated, so their centre pixel is the noise grey.
        QCOMPARE(fractionAtColour(image, g, pca.maps[1].xy, labels, -1, noiseColor()), 1.0);
        QVERIFY(fractionAtColour(image, g, pca.maps[1].xy, labels, 0, categoricalColor(0)) > 0.9);
    }

    void genreFigureUsesLabelColours()
    {
        const RunResult run = syntheticRun();
        const RepresentationResult& pca = run.representations[0];
        ScatterGeometry g;
        const QImage image = genreScatterFigure(run, Representation::Pca, MapKind::Tsne, {}, &g);
        QVERIFY(!image.isNull());
        for (int k = 0; k < Genres; ++k)
            QVERIFY(fractionAtColour(image, g, pca.maps[0].xy, run.dataset.labels, k,
                                     categoricalColor(k)) > 0.9);
    }

    void mapHasEqualAspect()
    {
        const RunResult run = syntheticRun();
        ScatterGeometry g;
        clusterScatterFigure(run, Representation::Pca, Clustering::KMeans, MapKind::Tsne, {}, &g);
        const double sx = g.plotArea.width() / g.dataRect.width();
        const double sy = g.plotArea.height() / g.dataRect.height();
        QVERIFY(std::abs(sx - sy) < 1e-9 * sx);
        // The plot area takes most of the figure; the legend sits to its right, inside.
        QVERIFY(g.plotArea.width() > 800 && g.plotArea.height() > 700);
        QVERIFY(g.plotArea.right() < 1200 - 150);
        // Every point lies inside the plot area.
        const Matrix& xy = run.representations[0].maps[0].xy;
        for (Eigen::Index i = 0; i < xy.rows(); ++i)
            QVERIFY(g.plotArea.contains(g.toPixel(xy(i, 0), xy(i, 1))));
    }

    void missingResultsGiveNullImages()
    {
        const RunResult run = syntheticRun();
        QVERIFY(clusterScatterFigure(run, Representation::Autoencoder, Clustering::KMeans,
                                     MapKind::Tsne).isNull());
        QVERIFY(clusterScatterFigure(run, Representation::Cvae, Clustering::KMeans,
                                     MapKind::Umap).isNull());
        const RunResult unlabelled = syntheticRun(false);
        QVERIFY(genreScatterFigure(unlabelled, Representation::Pca, MapKind::Tsne).isNull());
    }

    void barChartsShowEveryClustering()
    {
        const RunResult run = syntheticRun();
        for (Metric m : AllMetrics) {
            const QImage image = metricBarFigure(run, m);
            QVERIFY(!image.isNull());
            QCOMPARE(image.size(), QSize(1400, 700));
            // Each clustering's series colour fills its bars (thousands of pixels).
            for (int j = 0; j < 3; ++j) {
                int n = 0;
                const QRgb want = categoricalColor(j).rgb();
                for (int y = 0; y < image.height(); y += 2)
                    for (int x = 0; x < image.width(); x += 2)
                        n += image.pixel(x, y) == want;
                QVERIFY2(n > 500, qPrintable(QStringLiteral("%1 set %2: %3 px")
                                                 .arg(metricKey(m)).arg(j).arg(n)));
            }
        }
    }

    void barsOfMostlyNoiseAreMarkedNotCrowned()
    {
        // The VAE's DBSCAN has the tallest silhouette bar but left 48.6 % out as noise.
        RunResult clean = syntheticRun();
        for (auto& rep : clean.representations)
            for (auto& cl : rep.clusterings)
                cl.scores.noiseFraction = 0.0;
        ClusteringResult& vaeDbscan = clean.representations[2].clusterings[2];
        QCOMPARE(vaeDbscan.kind, Clustering::Dbscan);
        vaeDbscan.scores.silhouette = 0.9;
        RunResult noisy = clean;
        noisy.representations[2].clusterings[2].scores.noiseFraction = 0.486;
        const auto count = [](const QImage& image, QColor colour, int tolerance) {
            int n = 0;
            for (int y = 0; y < image.height(); ++y)
                for (int x = 0; x < image.width(); ++x)
                    n += colourDistance(image.pixelColor(x, y), colour) <= tolerance;
            return n;
        };
        const QImage plain = metricBarFigure(clean, Metric::Silhouette);
        const QImage marked = metricBarFigure(noisy, Metric::Silhouette);
        // The bar is hatched over a paler fill: most of its solid colour is gone.
        const int solidPlain = count(plain, categoricalColor(2), 0);
        const int solidMarked = count(marked, categoricalColor(2), 0);
        QVERIFY2(solidPlain - solidMarked > 5000 && solidMarked < solidPlain / 2,
                 qPrintable(QStringLiteral("%1 -> %2 px").arg(solidPlain).arg(solidMarked)));
        // Its value ("0.900*") and the note are written in the noise colour.
        const int notePlain = count(plain, ui::detail::NoiseMarkColor, 30);
        const int noteMarked = count(marked, ui::detail::NoiseMarkColor, 30);
        QVERIFY2(noteMarked > notePlain + 30,
                 qPrintable(QStringLiteral("%1 -> %2 px").arg(notePlain).arg(noteMarked)));
        // The other clusterings' bars are untouched.
        QCOMPARE(count(marked, categoricalColor(0), 0), count(plain, categoricalColor(0), 0));
        // Scores against the labels count every track: not marked.
        QCOMPARE(metricBarFigure(noisy, Metric::Nmi), metricBarFigure(clean, Metric::Nmi));
        QVERIFY(leavesOutNoise(noisy.representations[2].clusterings[2].scores, Metric::DaviesBouldin));
        QVERIFY(!leavesOutNoise(noisy.representations[2].clusterings[2].scores, Metric::Ari));
        QVERIFY(!leavesOutNoise(clean.representations[2].clusterings[2].scores, Metric::Silhouette));
    }

    void nanMetricsAreMissingNotCrashing()
    {
        RunResult run = syntheticRun();
        for (auto& rep : run.representations)
            for (auto& cl : rep.clusterings)
                if (cl.kind == Clustering::Dbscan)
                    cl.scores.silhouette = Nan;
        const QImage image = metricBarFigure(run, Metric::Silhouette);
        QVERIFY(!image.isNull());
        int dbscanPixels = 0;
        for (int y = 0; y < image.height(); ++y)
            for (int x = 0; x < image.width(); ++x)
                dbscanPixels += image.pixel(x, y) == categoricalColor(2).rgb();
        // Only the legend marker may carry DBSCAN's colour: no bar is drawn for NaN.
        QVERIFY2(dbscanPixels < 400, qPrintable(QString::number(dbscanPixels)));

        // Every score NaN: figures still render, the undefined metric files are skipped.
        RunResult allNan = syntheticRun(false);
        for (auto& rep : allNan.representations)
            for (auto& cl : rep.clusterings)
                cl.scores.silhouette = cl.scores.calinskiHarabasz = cl.scores.daviesBouldin = Nan;
        QVERIFY(!metricBarFigure(allNan, Metric::Ari).isNull());
        const auto dir = makeTempDir("figures_nan");
        const auto written = renderFigures(allNan, dir);
        QCOMPARE(written.size(), std::size_t(12));   // 2 representations x 3 x 2 maps
        QVERIFY(!std::filesystem::exists(dir / "analysis_plots" / "silhouette.png"));
        QVERIFY(!std::filesystem::exists(dir / "latent_visualization" / "pca_tsne_genre.png"));
    }

    void devicePixelRatioScalesImage()
    {
        const RunResult run = syntheticRun();
        FigureOptions options;
        options.devicePixelRatio = 2.0;
        options.scatterSize = QSize(600, 450);
        const QImage image = clusterScatterFigure(run, Representation::Pca, Clustering::KMeans,
                                                  MapKind::Tsne, options);
        QCOMPARE(image.size(), QSize(1200, 900));
        QCOMPARE(image.devicePixelRatio(), 2.0);
    }

    void manyClassesKeepTheLegendInside()
    {
        Rng rng(3);
        ScatterSpec spec;
        spec.title = QStringLiteral("60 classes");
        spec.xTitle = QStringLiteral("x");
        spec.yTitle = QStringLiteral("y");
        spec.legendTitle = QStringLiteral("Cluster (tracks)");
        spec.xy.resize(600, 2);
        spec.classes.resize(600);
        for (int i = 0; i < 600; ++i) {
            spec.xy(i, 0) = rng.normal();
            spec.xy(i, 1) = rng.normal();
            spec.classes[i] = i % 61 - 1;   // 60 classes and noise
        }
        for (QSize size : {QSize(1200, 900), QSize(600, 450)}) {
            ScatterGeometry g;
            const QImage image = scatterFigure(spec, size, 1.0, &g);
            QVERIFY(!image.isNull());
            // The legend takes at most 40 % of the width (columns dropped, the rest
            // counted), so the plot keeps more than half of it, and the legend ends
            // inside the image: its right margin stays white.
            QVERIFY(g.plotArea.width() > 0.5 * size.width() - 100);
            for (int y = 0; y < size.height(); ++y)
                for (int x = size.width() - 12; x < size.width(); ++x)
                    QCOMPARE(image.pixel(x, y), qRgb(255, 255, 255));
        }
    }

    void tenThousandPointsAreAllDrawn()
    {
        // Ten classes of 1,000 points, the last class drawn over the others: every class's
        // colour is on the image, inside the plot area (how fast: bench_app).
        Rng rng(11);
        ScatterSpec spec;
        spec.xy.resize(10000, 2);
        spec.classes.resize(10000);
        for (int i = 0; i < 10000; ++i) {
            spec.xy(i, 0) = rng.normal() + 4.0 * (i % 10);   // the classes side by side
            spec.xy(i, 1) = rng.normal();
            spec.classes[i] = i % 10;
        }
        ScatterGeometry g;
        const QImage image = scatterFigure(spec, QSize(1200, 900), 1.0, &g);
        QVERIFY(!image.isNull());
        std::vector<int> seen(10, 0);
        const QRect plot = g.plotArea.toAlignedRect();
        for (int y = plot.top(); y <= plot.bottom(); ++y)
            for (int x = plot.left(); x <= plot.right(); ++x) {
                const QRgb px = image.pixel(x, y);
                for (int k = 0; k < 10; ++k)
                    if (qRed(px) == categoricalColor(k).red() && qGreen(px) == categoricalColor(k).green()
                        && qBlue(px) == categoricalColor(k).blue())
                        ++seen[k];
            }
        for (int k = 0; k < 10; ++k)
            QVERIFY2(seen[k] > 100, qPrintable(QStringLiteral("class %1: %2 pixels").arg(k).arg(seen[k])));
    }

    void invalidInputThrows()
    {
        ScatterSpec spec;
        spec.xy = Matrix::Zero(5, 3);
        spec.classes = Labels::Zero(5);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, scatterFigure(spec, QSize(400, 300)));
        spec.xy = Matrix::Zero(5, 2);
        spec.classes = Labels::Zero(4);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, scatterFigure(spec, QSize(400, 300)));
        spec.classes = Labels::Zero(5);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, scatterFigure(spec, QSize(400, 300), 0.0));
    }

    void degenerateMapsRender()
    {
        // All points identical, and non-finite rows: a finite, non-blank figure.
        ScatterSpec spec;
        spec.title = QStringLiteral("degenerate");
        spec.xy = Matrix::Zero(50, 2);
        spec.xy(3, 0) = Nan;
        spec.classes = Labels::Zero(50);
        ScatterGeometry g;
        const QImage image = scatterFigure(spec, QSize(800, 600), 1.0, &g);
        QVERIFY(!image.isNull());
        QVERIFY(g.dataRect.width() > 0 && std::isfinite(g.dataRect.width()));
        QVERIFY(colourDistance(image.pixelColor(g.toPixel(0, 0).toPoint()), categoricalColor(0)) <= 12);
    }

    void paletteIsDistinct()
    {
        // 20 classes plus noise: every pair at least 15 apart in CIELAB (ΔE*76; about 2.3
        // is a just noticeable difference, so 15 is clearly different side by side). The
        // closest pair of Tableau 20, light blue and light purple, is 16.6.
        for (int a = -1; a < 20; ++a)
            for (int b = a + 1; b < 20; ++b)
                QVERIFY2(deltaE76(categoricalColor(a), categoricalColor(b)) >= 15.0,
                         qPrintable(QStringLiteral("%1 vs %2").arg(a).arg(b)));
        // Indices past 20 still differ from their neighbours.
        for (int a = 20; a < 40; ++a)
            QVERIFY(deltaE76(categoricalColor(a), categoricalColor(a + 1)) >= 15.0);
    }
};

QTEST_MAIN(TestFigures)
#include "test_figures.moc"
