// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/figures/scatter_figure.h"

#include "engine/core/random.h"
#include "ui/figures/figure_names.h"
#include "ui/figures/palette.h"

#include <QChart>
#include <QFontMetricsF>
#include <QLegend>
#include <QPainter>
#include <QValueAxis>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>

namespace atlas::ui {

using namespace detail;

namespace {

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

} // namespace atlas::ui
