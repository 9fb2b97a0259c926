// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/figures/figure_style.h"

#include <QAbstractAxis>
#include <QApplication>
#include <QPen>

#include <cmath>

namespace atlas::ui {

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

namespace detail {

QFont figureFont(int pixelSize, QFont::Weight weight)
{
    QFont font = QApplication::font();
    font.setPixelSize(pixelSize);
    font.setWeight(weight);
    return font;
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

QString tickFormat(double step)
{
    int decimals = 0;
    while (decimals < 6 && std::abs(step * std::pow(10.0, decimals) -
                                    std::round(step * std::pow(10.0, decimals))) > 1e-6)
        ++decimals;
    return QStringLiteral("%.%1f").arg(decimals);
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

} // namespace detail

} // namespace atlas::ui
