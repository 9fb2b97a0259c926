// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/figures/figure_renderer.h"

#include "ui/figures/palette.h"

#include "engine/core/atomic_file.h"
#include "engine/core/error.h"
#include "engine/core/random.h"
#include "engine/io/results_io.h"

#include <QApplication>
#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QBuffer>
#include <QChart>
#include <QFontMetricsF>
#include <QGraphicsLayout>
#include <QGraphicsScene>
#include <QLegend>
#include <QPainter>
#include <QValueAxis>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>

namespace atlas::ui {

namespace {

constexpr double Nan = std::numeric_limits<double>::quiet_NaN();

const QColor TextColor(0x20, 0x20, 0x20);
const QColor MutedTextColor(0x60, 0x60, 0x60);
const QColor GridColor(0xec, 0xec, 0xec);
const QColor AxisColor(0x80, 0x80, 0x80);

// Fonts are sized in pixels so that a figure looks the same whatever DPI the platform
// reports (the offscreen platform and X servers differ).
QFont figureFont(int pixelSize, QFont::Weight weight = QFont::Normal)
{
    QFont font = QApplication::font();
    font.setPixelSize(pixelSize);
    font.setWeight(weight);
    return font;
}

// Draws `chart` (taking ownership) at `size` logical pixels, then lets `overlay` paint on
// top with the chart laid out. The chart is never shown: it lives in a private scene.
template <class Overlay>
QImage renderChart(QChart* chart, QSize size, qreal dpr, Overlay&& overlay)
{
    if (!(dpr > 0.0))
        throw std::invalid_argument("figure: devicePixelRatio must be > 0");
    QGraphicsScene scene;
    scene.addItem(chart);
    const QRectF rect(QPointF(0, 0), QSizeF(size));
    chart->setGeometry(rect);
    if (chart->layout())
        chart->layout()->activate();
    // Qt Charts finishes axis and legend geometry in posted layout events.
    QCoreApplication::sendPostedEvents();

    QImage image(QSize(int(std::lround(size.width() * dpr)), int(std::lround(size.height() * dpr))),
                 QImage::Format_ARGB32_Premultiplied);
    image.setDevicePixelRatio(dpr);
    image.fill(Qt::white);
    QPainter painter(&image);
    painter.setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing |
                           QPainter::SmoothPixmapTransform);
    scene.render(&painter, rect, rect);
    overlay(painter, *chart);
    painter.end();
    return image.convertToFormat(QImage::Format_RGB32);
}

void styleChart(QChart* chart, const QString& title)
{
    chart->setBackgroundBrush(Qt::white);
    chart->setBackgroundPen(Qt::NoPen);
    chart->setBackgroundRoundness(0);
    chart->setDropShadowEnabled(false);
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->setTitle(title);
    chart->setTitleFont(figureFont(22, QFont::DemiBold));
    chart->setTitleBrush(TextColor);
}

void styleAxis(QAbstractAxis* axis, const QString& title)
{
    axis->setTitleText(title);
    axis->setTitleFont(figureFont(16));
    axis->setTitleBrush(TextColor);
    axis->setLabelsFont(figureFont(14));
    axis->setLabelsBrush(MutedTextColor);
    axis->setLinePen(QPen(AxisColor, 1));
    axis->setGridLinePen(QPen(GridColor, 1));
    axis->setMinorGridLineVisible(false);
}

// printf format showing every tick of a step without trailing noise.
QString tickFormat(double step)
{
    int decimals = 0;
    while (decimals < 6 && std::abs(step * std::pow(10.0, decimals) -
                                    std::round(step * std::pow(10.0, decimals))) > 1e-6)
        ++decimals;
    return QStringLiteral("%.%1f").arg(decimals);
}

// Value printed on a bar: three significant digits for small values, none lost for large.
QString formatValue(double v)
{
    const double a = std::abs(v);
    const int decimals = a >= 100.0 ? 0 : a >= 10.0 ? 1 : a >= 1.0 ? 2 : 3;
    return QString::number(v, 'f', decimals);
}

QString betaText(double beta)
{
    return QString::number(beta, 'g', 4);
}

const RepresentationResult* findRepresentation(const RunResult& run, Representation r)
{
    for (const auto& rep : run.representations)
        if (rep.kind == r && rep.ok)
            return &rep;
    return nullptr;
}

const ClusteringResult* findClustering(const RepresentationResult& rep, Clustering c)
{
    for (const auto& cl : rep.clusterings)
        if (cl.kind == c)
            return &cl;
    return nullptr;
}

const MapResult* findMap(const RepresentationResult& rep, MapKind m)
{
    for (const auto& map : rep.maps)
        if (map.kind == m && map.ok && map.xy.cols() == 2)
            return &map;
    return nullptr;
}

struct LegendEntry {
    QString name;
    QString count;
    QColor color;
    bool noise = false;
};

struct LegendLayout {
    std::vector<LegendEntry> entries;   // shown, in order
    int hidden = 0;                     // entries left out for lack of room
    int rows = 0;
    int columns = 1;
    double nameWidth = 0.0;
    double countWidth = 0.0;
    double columnWidth = 0.0;
    double width = 0.0;                 // whole legend
};

constexpr double LegendRow = 24.0;
constexpr double LegendHeader = 34.0;
constexpr double LegendSwatch = 12.0;
constexpr double LegendGap = 8.0;
constexpr double LegendColumnGap = 20.0;
constexpr int LegendMaxColumns = 3;

// Columns of at most `availableHeight`, the whole legend at most `maxWidth` wide: long
// names are elided, entries that do not fit are counted in a last "… n more" cell.
LegendLayout layoutLegend(std::vector<LegendEntry> entries, const QString& title,
                          double availableHeight, double maxWidth)
{
    LegendLayout layout;
    const QFontMetricsF fm(figureFont(15));
    for (const auto& e : entries) {
        layout.nameWidth = std::max(layout.nameWidth, fm.horizontalAdvance(e.name));
        layout.countWidth = std::max(layout.countWidth, fm.horizontalAdvance(e.count));
    }
    const double fixed = LegendSwatch + LegendGap + 3 * LegendGap + layout.countWidth;
    layout.nameWidth = std::max(40.0, std::min(layout.nameWidth, maxWidth - fixed));
    layout.columnWidth = fixed + layout.nameWidth;
    const int fitting = std::clamp(
        int((maxWidth + LegendColumnGap) / (layout.columnWidth + LegendColumnGap)), 1,
        LegendMaxColumns);

    const int perColumn = std::max(1, int((availableHeight - LegendHeader) / LegendRow));
    int columns = std::max(1, int((entries.size() + perColumn - 1) / perColumn));
    if (columns > fitting) {
        // Keep the first classes (and noise); the last cell says how many are not listed.
        columns = fitting;
        const int keep = columns * perColumn - 1;
        const bool hadNoise = entries.back().noise;
        LegendEntry noise;
        if (hadNoise) {
            noise = entries.back();
            entries.pop_back();
        }
        const int classSlots = std::max(0, keep - (hadNoise ? 1 : 0));
        layout.hidden = int(entries.size()) - classSlots;
        entries.resize(std::size_t(classSlots));
        if (hadNoise)
            entries.push_back(noise);
    }
    layout.columns = columns;
    // Balanced columns: 35 entries in two columns are 18 + 17 rows, not 30 + 5.
    const int cells = int(entries.size()) + (layout.hidden > 0 ? 1 : 0);
    layout.rows = std::min(perColumn, (cells + columns - 1) / columns);
    const double titleWidth =
        QFontMetricsF(figureFont(15, QFont::DemiBold)).horizontalAdvance(title);
    layout.width = std::min(maxWidth, std::max(columns * layout.columnWidth +
                                                   (columns - 1) * LegendColumnGap,
                                               titleWidth));
    layout.entries = std::move(entries);
    return layout;
}

void paintLegend(QPainter& painter, const LegendLayout& layout, const QString& title,
                 QPointF topLeft)
{
    painter.save();
    painter.setFont(figureFont(15, QFont::DemiBold));
    painter.setPen(TextColor);
    painter.drawText(QRectF(topLeft.x(), topLeft.y(), layout.width, LegendHeader),
                     Qt::AlignLeft | Qt::AlignTop,
                     QFontMetricsF(painter.font()).elidedText(title, Qt::ElideRight, layout.width));
    painter.setFont(figureFont(15));
    const QFontMetricsF fm(painter.font());
    const int perColumn = std::max(1, layout.rows);
    const auto cellOrigin = [&](int i) {
        const int column = i / perColumn;
        const int row = i % perColumn;
        return QPointF(topLeft.x() + column * (layout.columnWidth + LegendColumnGap),
                       topLeft.y() + LegendHeader + row * LegendRow);
    };
    for (std::size_t i = 0; i < layout.entries.size(); ++i) {
        const auto& e = layout.entries[i];
        const QPointF o = cellOrigin(int(i));
        const double d = e.noise ? LegendSwatch * 0.75 : LegendSwatch;
        painter.setPen(Qt::NoPen);
        painter.setBrush(e.color);
        painter.drawEllipse(QPointF(o.x() + LegendSwatch / 2, o.y() + LegendRow / 2), d / 2, d / 2);
        painter.setPen(TextColor);
        const double textX = o.x() + LegendSwatch + LegendGap;
        painter.drawText(QRectF(textX, o.y(), layout.nameWidth, LegendRow),
                         Qt::AlignLeft | Qt::AlignVCenter,
                         fm.elidedText(e.name, Qt::ElideRight, layout.nameWidth));
        painter.setPen(MutedTextColor);
        painter.drawText(QRectF(textX + layout.nameWidth + 3 * LegendGap, o.y(),
                                layout.countWidth, LegendRow),
                         Qt::AlignRight | Qt::AlignVCenter, e.count);
    }
    if (layout.hidden > 0) {
        const QPointF o = cellOrigin(int(layout.entries.size()));
        painter.setPen(MutedTextColor);
        painter.drawText(QRectF(o.x(), o.y(), layout.columnWidth, LegendRow),
                         Qt::AlignLeft | Qt::AlignVCenter,
                         QStringLiteral("… %1 more").arg(layout.hidden));
    }
    painter.restore();
}

} // namespace

// ---------------------------------------------------------------------------------------
// Names

const char* metricKey(Metric m)
{
    switch (m) {
    case Metric::Silhouette: return "silhouette";
    case Metric::CalinskiHarabasz: return "calinski_harabasz";
    case Metric::DaviesBouldin: return "davies_bouldin";
    case Metric::Ari: return "ari";
    case Metric::Nmi: return "nmi";
    case Metric::Purity: return "purity";
    case Metric::Ami: return "ami";
    case Metric::VMeasure: return "v_measure";
    }
    return "metric";
}

QString metricName(Metric m)
{
    switch (m) {
    case Metric::Silhouette: return QStringLiteral("Silhouette");
    case Metric::CalinskiHarabasz: return QStringLiteral("Calinski-Harabasz");
    case Metric::DaviesBouldin: return QStringLiteral("Davies-Bouldin");
    case Metric::Ari: return QStringLiteral("ARI");
    case Metric::Nmi: return QStringLiteral("NMI");
    case Metric::Purity: return QStringLiteral("Purity");
    case Metric::Ami: return QStringLiteral("AMI");
    case Metric::VMeasure: return QStringLiteral("V-measure");
    }
    return {};
}

namespace {

// Long names for chart titles; the short ones stay for axes and tables.
QString metricLongName(Metric m)
{
    switch (m) {
    case Metric::Ari: return QStringLiteral("Adjusted Rand index (ARI)");
    case Metric::Nmi: return QStringLiteral("Normalised mutual information (NMI)");
    case Metric::Ami: return QStringLiteral("Adjusted mutual information (AMI)");
    default: return metricName(m);
    }
}

} // namespace

bool higherIsBetter(Metric m)
{
    return m != Metric::DaviesBouldin;
}

bool isExternalMetric(Metric m)
{
    switch (m) {
    case Metric::Silhouette:
    case Metric::CalinskiHarabasz:
    case Metric::DaviesBouldin:
        return false;
    default:
        return true;
    }
}

double metricValue(const ClusterScores& s, Metric m)
{
    switch (m) {
    case Metric::Silhouette: return s.silhouette;
    case Metric::CalinskiHarabasz: return s.calinskiHarabasz;
    case Metric::DaviesBouldin: return s.daviesBouldin;
    case Metric::Ari: return s.ari;
    case Metric::Nmi: return s.nmi;
    case Metric::Purity: return s.purity;
    case Metric::Ami: return s.ami;
    case Metric::VMeasure: return s.vMeasure;
    }
    return Nan;
}

QString representationTitle(Representation r, const PipelineConfig& cfg)
{
    switch (r) {
    case Representation::Pca: return QStringLiteral("PCA");
    case Representation::Autoencoder: return QStringLiteral("Autoencoder");
    case Representation::Vae: return QStringLiteral("VAE (β = %1)").arg(betaText(cfg.vaeBeta));
    case Representation::BetaVae:
        return QStringLiteral("β-VAE (β = %1)").arg(betaText(cfg.betaVaeBeta));
    case Representation::Cvae: return QStringLiteral("CVAE");
    }
    return {};
}

QString clusteringTitle(Clustering c) { return QString::fromUtf8(clusteringName(c)); }

QString mapTitle(MapKind m) { return QString::fromUtf8(mapName(m)); }

// ---------------------------------------------------------------------------------------
// Scatter

QPointF ScatterGeometry::toPixel(double x, double y) const
{
    return {plotArea.left() + (x - dataRect.left()) / dataRect.width() * plotArea.width(),
            plotArea.bottom() - (y - dataRect.top()) / dataRect.height() * plotArea.height()};
}

QImage scatterFigure(const ScatterSpec& spec, QSize size, qreal devicePixelRatio,
                     ScatterGeometry* geometryOut)
{
    const Eigen::Index n = spec.xy.rows();
    if (spec.xy.cols() != 2)
        throw std::invalid_argument("scatterFigure: xy must have 2 columns (got " +
                                    std::to_string(spec.xy.cols()) + ")");
    if (spec.classes.size() != n)
        throw std::invalid_argument("scatterFigure: " + std::to_string(spec.classes.size()) +
                                    " classes for " + std::to_string(n) + " points");

    // Legend entries: classes by index, noise last; counts over drawable points.
    std::vector<int> counts;
    int noiseCount = 0;
    double xmin = std::numeric_limits<double>::infinity(), xmax = -xmin;
    double ymin = xmin, ymax = -xmin;
    for (Eigen::Index i = 0; i < n; ++i) {
        const double x = spec.xy(i, 0), y = spec.xy(i, 1);
        if (!std::isfinite(x) || !std::isfinite(y))
            continue;
        xmin = std::min(xmin, x), xmax = std::max(xmax, x);
        ymin = std::min(ymin, y), ymax = std::max(ymax, y);
        const int c = spec.classes[i];
        if (c < 0) {
            ++noiseCount;
            continue;
        }
        if (std::size_t(c) >= counts.size())
            counts.resize(std::size_t(c) + 1, 0);
        ++counts[std::size_t(c)];
    }
    std::vector<LegendEntry> entries;
    for (std::size_t c = 0; c < counts.size(); ++c) {
        if (counts[c] == 0)
            continue;
        const QString name = c < spec.classNames.size() ? spec.classNames[c]
                                                        : QStringLiteral("Class %1").arg(c);
        entries.push_back({name, QString::number(counts[c]), categoricalColor(int(c)), false});
    }
    if (noiseCount > 0)
        entries.push_back({spec.noiseName, QString::number(noiseCount), noiseColor(), true});

    // Fixed layout: title band on top, axis labels left and below, legend on the right.
    const double width = size.width(), height = size.height();
    const double top = 64.0, left = 92.0, bottom = 78.0, legendPad = 32.0, rightPad = 24.0;
    const LegendLayout legend = layoutLegend(std::move(entries), spec.legendTitle,
                                             height - top - bottom, 0.4 * width);
    const QRectF plot(left, top, std::max(100.0, width - left - legendPad - legend.width - rightPad),
                      std::max(100.0, height - top - bottom));

    // Equal aspect: one data unit has the same length on both axes; the range of the axis
    // with room to spare grows (centred) so the whole plot area is used.
    if (!std::isfinite(xmin)) {
        xmin = ymin = -1.0;
        xmax = ymax = 1.0;
    }
    double dx = xmax - xmin, dy = ymax - ymin;
    const double span = std::max({dx, dy, 1e-12});
    dx = std::max(dx, span * 1e-3);
    dy = std::max(dy, span * 1e-3);
    if (span <= 1e-12)
        dx = dy = 2.0;
    const double pad = 0.04;
    const double pixelsPerUnit = std::min(plot.width() / (dx * (1 + 2 * pad)),
                                          plot.height() / (dy * (1 + 2 * pad)));
    const double cx = 0.5 * (xmin + xmax), cy = 0.5 * (ymin + ymax);
    const double halfW = 0.5 * plot.width() / pixelsPerUnit;
    const double halfH = 0.5 * plot.height() / pixelsPerUnit;
    ScatterGeometry geometry;
    geometry.plotArea = plot;
    geometry.dataRect = QRectF(cx - halfW, cy - halfH, 2 * halfW, 2 * halfH);
    const double drawable = double(n);
    geometry.markerDiameter =
        std::clamp(0.6 * std::sqrt(plot.width() * plot.height() / std::max(1.0, drawable)), 3.0,
                   9.0);

    auto* chart = new QChart;
    // With a fixed plot area QChart does not lay out its title; it is painted below.
    styleChart(chart, QString());
    chart->legend()->hide();
    chart->setMargins(QMargins(0, 0, 0, 0));
    chart->setPlotArea(plot);
    chart->setPlotAreaBackgroundVisible(true);
    chart->setPlotAreaBackgroundBrush(Qt::white);
    chart->setPlotAreaBackgroundPen(QPen(AxisColor, 1));
    const double step = niceStep(80.0 / pixelsPerUnit);   // a grid line every 80-160 px
    const auto makeAxis = [&](double lo, double hi, const QString& title) {
        auto* axis = new QValueAxis;
        styleAxis(axis, title);
        axis->setRange(lo, hi);
        axis->setTickType(QValueAxis::TicksDynamic);
        axis->setTickAnchor(0.0);
        axis->setTickInterval(step);
        axis->setLabelFormat(tickFormat(step));
        return axis;
    };
    chart->addAxis(makeAxis(geometry.dataRect.left(), geometry.dataRect.right(), spec.xTitle),
                   Qt::AlignBottom);
    chart->addAxis(makeAxis(geometry.dataRect.top(), geometry.dataRect.bottom(), spec.yTitle),
                   Qt::AlignLeft);

    // Noise first (underneath), then the other points in a fixed pseudo-random order.
    std::vector<Eigen::Index> order(static_cast<std::size_t>(n));
    std::iota(order.begin(), order.end(), Eigen::Index(0));
    std::vector<std::uint64_t> key(static_cast<std::size_t>(n));
    for (Eigen::Index i = 0; i < n; ++i)
        key[std::size_t(i)] = (spec.classes[i] < 0 ? 0 : (1ULL << 63)) |
                              (splitMix64Hash(std::uint64_t(i)) >> 1);
    std::sort(order.begin(), order.end(),
              [&](Eigen::Index a, Eigen::Index b) { return key[std::size_t(a)] < key[std::size_t(b)]; });

    const QString legendTitle = spec.legendTitle;
    QImage image = renderChart(chart, size, devicePixelRatio, [&](QPainter& painter, const QChart&) {
        painter.save();
        painter.setClipRect(plot.adjusted(1, 1, -1, -1));
        const double d = geometry.markerDiameter;
        const double noiseD = std::max(2.0, 0.65 * d);
        // A thin white rim separates overlapping points of similar colour.
        const QPen rim = d >= 5.0 ? QPen(QColor(255, 255, 255, 200), 0.6) : QPen(Qt::NoPen);
        int lastClass = std::numeric_limits<int>::min();
        for (Eigen::Index i : order) {
            const double x = spec.xy(i, 0), y = spec.xy(i, 1);
            if (!std::isfinite(x) || !std::isfinite(y))
                continue;
            const int c = spec.classes[i];
            if (c != lastClass) {
                painter.setPen(c < 0 ? QPen(Qt::NoPen) : rim);
                painter.setBrush(categoricalColor(c));
                lastClass = c;
            }
            const double r = (c < 0 ? noiseD : d) / 2;
            painter.drawEllipse(geometry.toPixel(x, y), r, r);
        }
        painter.restore();
        painter.setPen(QPen(AxisColor, 1));
        painter.setBrush(Qt::NoBrush);
        painter.drawRect(plot);
        paintLegend(painter, legend, legendTitle, QPointF(plot.right() + legendPad, plot.top()));
        // Centred over the plot like a matplotlib axes title, over the figure if wider.
        painter.setFont(figureFont(22, QFont::DemiBold));
        painter.setPen(TextColor);
        const QFontMetricsF titleMetrics(painter.font());
        const QString title = titleMetrics.elidedText(spec.title, Qt::ElideRight, width - 16);
        QRectF titleBox(plot.left(), 0, plot.width(), top - 6);
        if (titleMetrics.horizontalAdvance(title) > plot.width())
            titleBox = QRectF(8, 0, width - 16, top - 6);
        painter.drawText(titleBox, Qt::AlignCenter, title);
    });
    if (geometryOut)
        *geometryOut = geometry;
    return image;
}

QImage clusterScatterFigure(const RunResult& run, Representation r, Clustering c, MapKind map,
                            const FigureOptions& options, ScatterGeometry* geometry)
{
    const RepresentationResult* rep = findRepresentation(run, r);
    if (!rep)
        return {};
    const ClusteringResult* clustering = findClustering(*rep, c);
    const MapResult* layout = findMap(*rep, map);
    if (!clustering || !clustering->ok || !layout)
        return {};
    ScatterSpec spec;
    spec.title = QStringLiteral("%1 · %2 · %3")
                     .arg(representationTitle(r, run.config), clusteringTitle(c), mapTitle(map));
    spec.xTitle = mapTitle(map) + QStringLiteral(" 1");
    spec.yTitle = mapTitle(map) + QStringLiteral(" 2");
    spec.legendTitle = QStringLiteral("Cluster (tracks)");
    spec.xy = layout->xy;
    spec.classes = clustering->labels;
    const int maxLabel = spec.classes.size() > 0 ? spec.classes.maxCoeff() : -1;
    for (int k = 0; k <= maxLabel; ++k)
        spec.classNames.push_back(QStringLiteral("Cluster %1").arg(k));
    spec.noiseName = QStringLiteral("Noise");
    return scatterFigure(spec, options.scatterSize, options.devicePixelRatio, geometry);
}

QImage genreScatterFigure(const RunResult& run, Representation r, MapKind map,
                          const FigureOptions& options, ScatterGeometry* geometry)
{
    if (!run.dataset.hasLabels())
        return {};
    const RepresentationResult* rep = findRepresentation(run, r);
    const MapResult* layout = rep ? findMap(*rep, map) : nullptr;
    if (!layout)
        return {};
    ScatterSpec spec;
    spec.title = QStringLiteral("%1 · Genre · %2").arg(representationTitle(r, run.config), mapTitle(map));
    spec.xTitle = mapTitle(map) + QStringLiteral(" 1");
    spec.yTitle = mapTitle(map) + QStringLiteral(" 2");
    spec.legendTitle = QStringLiteral("Genre (tracks)");
    spec.xy = layout->xy;
    spec.classes = run.dataset.labels;
    for (const auto& name : run.dataset.labelNames)
        spec.classNames.push_back(QString::fromStdString(name));
    spec.noiseName = QStringLiteral("Unlabelled");
    return scatterFigure(spec, options.scatterSize, options.devicePixelRatio, geometry);
}

// ---------------------------------------------------------------------------------------
// Bars

QImage metricBarFigure(const RunResult& run, Metric metric, const FigureOptions& options)
{
    std::vector<const RepresentationResult*> reps;
    for (Representation r : AllRepresentations)
        reps.push_back(findRepresentation(run, r));
    return metricBarFigure(reps, run.config, run.dataset.hasLabels(), metric, options.barSize,
                           options.devicePixelRatio);
}

QImage metricBarFigure(const std::vector<const RepresentationResult*>& shown,
                       const PipelineConfig& config, bool datasetHasLabels, Metric metric,
                       QSize size, qreal devicePixelRatio)
{
    std::vector<const RepresentationResult*> reps;
    for (const RepresentationResult* rep : shown)
        if (rep && rep->ok)
            reps.push_back(rep);
    if (reps.empty())
        return {};

    enum class Cell { Value, Undefined, Failed };
    const int nc = int(AllClusterings.size());
    const int nr = int(reps.size());
    std::vector<std::vector<double>> values(static_cast<std::size_t>(nc),
                                            std::vector<double>(static_cast<std::size_t>(nr)));
    std::vector<std::vector<Cell>> cells(static_cast<std::size_t>(nc),
                                         std::vector<Cell>(static_cast<std::size_t>(nr)));
    double lo = 0.0, hi = 0.0;
    bool anyUndefined = false, anyFailed = false;
    for (int j = 0; j < nc; ++j)
        for (int i = 0; i < nr; ++i) {
            const ClusteringResult* cl = findClustering(*reps[std::size_t(i)], AllClusterings[std::size_t(j)]);
            double v = Nan;
            Cell cell = Cell::Failed;
            if (cl && cl->ok) {
                v = metricValue(cl->scores, metric);
                cell = std::isfinite(v) ? Cell::Value : Cell::Undefined;
            }
            anyUndefined |= cell == Cell::Undefined;
            anyFailed |= cell == Cell::Failed;
            if (cell == Cell::Value) {
                lo = std::min(lo, v);
                hi = std::max(hi, v);
            }
            values[std::size_t(j)][std::size_t(i)] = cell == Cell::Value ? v : 0.0;
            cells[std::size_t(j)][std::size_t(i)] = cell;
        }

    auto* chart = new QChart;
    styleChart(chart, QStringLiteral("%1 (%2 is better)")
                          .arg(metricLongName(metric),
                               higherIsBetter(metric) ? QStringLiteral("higher")
                                                      : QStringLiteral("lower")));
    QStringList notes;
    if (anyUndefined)
        notes << (isExternalMetric(metric) && !datasetHasLabels
                      ? QStringLiteral("– : not defined (the dataset has no labels)")
                      : isExternalMetric(metric)
                            ? QStringLiteral("– : not defined")
                            : QStringLiteral("– : not defined (fewer than 2 clusters)"));
    if (anyFailed)
        notes << QStringLiteral("× : clustering failed");
    const int noteHeight = notes.isEmpty() ? 12 : 40;
    chart->setMargins(QMargins(24, 8, 32, noteHeight));

    auto* series = new QBarSeries;
    // Bars at most ~90 px wide, so two representations do not give slabs.
    const double approxCategory = (size.width() - 150.0) / nr;
    const double barWidth = std::clamp(90.0 * nc / std::max(1.0, approxCategory), 0.3, 0.8);
    series->setBarWidth(barWidth);
    for (int j = 0; j < nc; ++j) {
        auto* set = new QBarSet(clusteringTitle(AllClusterings[std::size_t(j)]));
        set->setColor(categoricalColor(j));
        set->setBorderColor(categoricalColor(j));
        for (double v : values[std::size_t(j)])
            set->append(v);
        series->append(set);
    }
    chart->addSeries(series);

    auto* categories = new QBarCategoryAxis;
    QStringList names;
    for (const auto* rep : reps)
        names << representationTitle(rep->kind, config);
    categories->append(names);
    styleAxis(categories, QString());
    categories->setLabelsFont(figureFont(16));
    categories->setLabelsBrush(TextColor);
    categories->setGridLineVisible(false);
    chart->addAxis(categories, Qt::AlignBottom);
    series->attachAxis(categories);

    auto* valueAxis = new QValueAxis;
    styleAxis(valueAxis, metricName(metric));
    // Headroom above (and below negative bars) for the printed values.
    const double range = std::max(hi - lo, 1e-12);
    valueAxis->setRange(lo < 0 ? lo - 0.1 * range : 0.0, hi > 0 ? hi + 0.1 * range : 0.0);
    if (hi - lo <= 1e-12)
        valueAxis->setRange(0.0, 1.0);
    valueAxis->applyNiceNumbers();
    const double tickStep = (valueAxis->max() - valueAxis->min()) / (valueAxis->tickCount() - 1);
    valueAxis->setLabelFormat(tickFormat(niceStep(tickStep)));
    chart->addAxis(valueAxis, Qt::AlignLeft);
    series->attachAxis(valueAxis);

    QLegend* legend = chart->legend();
    legend->setVisible(true);
    legend->setAlignment(Qt::AlignTop);
    legend->setFont(figureFont(15));
    legend->setLabelColor(TextColor);
    legend->setMarkerShape(QLegend::MarkerShapeRectangle);

    const double vmin = valueAxis->min(), vmax = valueAxis->max();
    return renderChart(chart, size, devicePixelRatio,
                       [&](QPainter& painter, const QChart& laidOut) {
        const QRectF plot = laidOut.plotArea();
        const auto yOf = [&](double v) {
            return plot.bottom() - (v - vmin) / (vmax - vmin) * plot.height();
        };
        const double categoryWidth = plot.width() / nr;
        const double slot = categoryWidth * barWidth / nc;
        painter.save();
        if (vmin < 0.0) {
            // Bars grow both ways: mark the zero line they start from.
            painter.setPen(QPen(AxisColor, 1));
            painter.drawLine(QPointF(plot.left(), yOf(0.0)), QPointF(plot.right(), yOf(0.0)));
        }
        const QFont valueFont = figureFont(14);
        const QFont markFont = figureFont(22, QFont::Bold);
        for (int j = 0; j < nc; ++j)
            for (int i = 0; i < nr; ++i) {
                const double cx = plot.left() + (i + 0.5) * categoryWidth +
                                  (j - 0.5 * (nc - 1)) * slot;
                const Cell cell = cells[std::size_t(j)][std::size_t(i)];
                const double v = values[std::size_t(j)][std::size_t(i)];
                QString text = cell == Cell::Value ? formatValue(v)
                               : cell == Cell::Undefined ? QStringLiteral("–")
                                                         : QStringLiteral("×");
                painter.setPen(cell == Cell::Value ? TextColor : MutedTextColor);
                painter.setFont(cell == Cell::Value ? valueFont : markFont);
                const QFontMetricsF fm(painter.font());
                const double y = yOf(v);
                const QRectF box = v >= 0 ? QRectF(cx - slot, y - fm.height() - 2, 2 * slot, fm.height())
                                          : QRectF(cx - slot, y + 2, 2 * slot, fm.height());
                painter.drawText(box, Qt::AlignCenter, text);
            }
        if (!notes.isEmpty()) {
            painter.setFont(figureFont(14));
            painter.setPen(MutedTextColor);
            painter.drawText(QRectF(24, size.height() - 34, size.width() - 48, 26),
                             Qt::AlignLeft | Qt::AlignVCenter, notes.join(QStringLiteral("     ")));
        }
        painter.restore();
    });
}

// ---------------------------------------------------------------------------------------
// Whole run

std::vector<std::filesystem::path> renderFigures(const RunResult& run,
                                                 const std::filesystem::path& outDir,
                                                 const FigureOptions& options,
                                                 const Progress& progress)
{
    struct Job {
        std::filesystem::path file;
        std::function<QImage()> draw;
    };
    std::vector<Job> jobs;
    const auto latent = outDir / "latent_visualization";
    const auto plots = outDir / "analysis_plots";
    for (Representation r : AllRepresentations) {
        const RepresentationResult* rep = findRepresentation(run, r);
        if (!rep)
            continue;
        for (Clustering c : AllClusterings)
            for (MapKind m : AllMaps) {
                const ClusteringResult* cl = findClustering(*rep, c);
                if (!cl || !cl->ok || !findMap(*rep, m))
                    continue;
                jobs.push_back({latent / (std::string(representationKey(r)) + "_" +
                                          clusteringKey(c) + "_" + mapKey(m) + ".png"),
                                [&run, &options, r, c, m] {
                                    return clusterScatterFigure(run, r, c, m, options);
                                }});
            }
        if (run.dataset.hasLabels())
            for (MapKind m : AllMaps) {
                if (!findMap(*rep, m))
                    continue;
                jobs.push_back({latent / (std::string(representationKey(r)) + "_" +
                                          mapKey(m) + "_genre.png"),
                                [&run, &options, r, m] {
                                    return genreScatterFigure(run, r, m, options);
                                }});
            }
    }
    for (Metric metric : AllMetrics) {
        bool defined = false;
        for (const auto& rep : run.representations)
            if (rep.ok)
                for (const auto& cl : rep.clusterings)
                    defined |= cl.ok && std::isfinite(metricValue(cl.scores, metric));
        if (defined)
            jobs.push_back({plots / (std::string(metricKey(metric)) + ".png"),
                            [&run, &options, metric] { return metricBarFigure(run, metric, options); }});
    }

    std::vector<std::filesystem::path> written;
    for (std::size_t k = 0; k < jobs.size(); ++k) {
        progress.throwIfCancelled();
        const Job& job = jobs[k];
        std::error_code ec;
        std::filesystem::create_directories(job.file.parent_path(), ec);
        if (ec)
            throw std::runtime_error("cannot create folder " + job.file.parent_path().string() +
                                     ": " + ec.message());
        const QImage image = job.draw();
        if (image.isNull())
            continue;
        writePng(image, job.file);
        written.push_back(job.file);
        progress.report(double(k + 1) / double(jobs.size()), job.file.filename().string());
    }
    // Figures of an earlier run into this folder that this run did not draw would describe
    // another run.
    removeStaleFigures(outDir, written);
    progress.report(1.0);
    return written;
}

void writePng(const QImage& image, const std::filesystem::path& file)
{
    QByteArray png;
    QBuffer buffer(&png);
    buffer.open(QIODevice::WriteOnly);
    if (!image.save(&buffer, "PNG"))
        throw InputError(file.string() + ": cannot encode the figure as PNG");
    writeFileAtomically(file, std::string_view(png.constData(), std::size_t(png.size())),
                        "the figure");
}

double niceStep(double raw)
{
    if (!(raw > 0.0) || !std::isfinite(raw))
        return 1.0;
    const double power = std::pow(10.0, std::floor(std::log10(raw)));
    for (double m : {1.0, 2.0, 2.5, 5.0, 10.0})
        if (m * power >= raw * (1.0 - 1e-9))
            return m * power;
    return 10.0 * power;
}

} // namespace atlas::ui
