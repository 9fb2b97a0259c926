// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/figures/bar_figure.h"

#include "ui/figures/figure_names.h"
#include "ui/figures/palette.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QFontMetricsF>
#include <QLegend>
#include <QPainter>
#include <QValueAxis>

#include <algorithm>
#include <cmath>
#include <limits>

namespace atlas::ui {

using namespace detail;

namespace {

constexpr double Nan = std::numeric_limits<double>::quiet_NaN();

// Value printed on a bar: three significant digits for small values, none lost for large.
QString formatValue(double v)
{
    const double a = std::abs(v);
    const int decimals = a >= 100.0 ? 0 : a >= 10.0 ? 1 : a >= 1.0 ? 2 : 3;
    return QString::number(v, 'f', decimals);
}

} // namespace

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

    enum class Cell { Value, NoiseMarked, Undefined, Failed };
    const int nc = int(AllClusterings.size());
    const int nr = int(reps.size());
    std::vector<std::vector<double>> values(static_cast<std::size_t>(nc),
                                            std::vector<double>(static_cast<std::size_t>(nr)));
    std::vector<std::vector<Cell>> cells(static_cast<std::size_t>(nc),
                                         std::vector<Cell>(static_cast<std::size_t>(nr)));
    double lo = 0.0, hi = 0.0;
    double noiseLo = 1.0, noiseHi = 0.0;
    bool anyUndefined = false, anyFailed = false;
    for (int j = 0; j < nc; ++j)
        for (int i = 0; i < nr; ++i) {
            const ClusteringResult* cl = findClustering(*reps[std::size_t(i)], AllClusterings[std::size_t(j)]);
            double v = Nan;
            Cell cell = Cell::Failed;
            if (cl && cl->ok) {
                v = metricValue(cl->scores, metric);
                cell = !std::isfinite(v)                  ? Cell::Undefined
                       : leavesOutNoise(cl->scores, metric) ? Cell::NoiseMarked
                                                            : Cell::Value;
                if (cell == Cell::NoiseMarked) {
                    noiseLo = std::min(noiseLo, cl->scores.noiseFraction);
                    noiseHi = std::max(noiseHi, cl->scores.noiseFraction);
                }
            }
            anyUndefined |= cell == Cell::Undefined;
            anyFailed |= cell == Cell::Failed;
            const bool drawn = cell == Cell::Value || cell == Cell::NoiseMarked;
            if (drawn) {
                lo = std::min(lo, v);
                hi = std::max(hi, v);
            }
            values[std::size_t(j)][std::size_t(i)] = drawn ? v : 0.0;
            cells[std::size_t(j)][std::size_t(i)] = cell;
        }

    auto* chart = new QChart;
    styleChart(chart, QStringLiteral("%1 (%2 is better)")
                          .arg(QString::fromUtf8(metricLongName(metric)),
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
    // Scores of a clustering that left many tracks out as noise are hatched and starred:
    // they describe only the clustered tracks and are not comparable with the others.
    if (noiseHi > 0.0) {
        const auto percent = [](double f) { return QString::number(std::lround(100.0 * f)); };
        notes << QStringLiteral("* hatched: DBSCAN left %1 % of the tracks out as noise; "
                                "the score describes only the rest")
                     .arg(std::lround(100.0 * noiseLo) == std::lround(100.0 * noiseHi)
                              ? percent(noiseHi)
                              : QStringLiteral("%1–%2").arg(percent(noiseLo), percent(noiseHi)));
    }
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
    styleAxis(valueAxis, QString::fromUtf8(metricName(metric)));
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
                const bool drawn = cell == Cell::Value || cell == Cell::NoiseMarked;
                if (cell == Cell::NoiseMarked) {
                    // Pale and hatched over the bar Qt Charts drew.
                    const QRectF bar = QRectF(QPointF(cx - slot / 2, yOf(v)),
                                              QPointF(cx + slot / 2, yOf(0.0))).normalized();
                    painter.fillRect(bar, QColor(255, 255, 255, 150));
                    painter.fillRect(bar, QBrush(categoricalColor(j), Qt::BDiagPattern));
                }
                QString text = cell == Cell::Value         ? formatValue(v)
                               : cell == Cell::NoiseMarked ? formatValue(v) + QLatin1Char('*')
                               : cell == Cell::Undefined   ? QStringLiteral("–")
                                                           : QStringLiteral("×");
                painter.setPen(cell == Cell::Value         ? TextColor
                               : cell == Cell::NoiseMarked ? NoiseMarkColor
                                                           : MutedTextColor);
                painter.setFont(drawn ? valueFont : markFont);
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

} // namespace atlas::ui
