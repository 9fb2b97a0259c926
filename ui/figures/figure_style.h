// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// How every figure looks and how a chart is drawn offscreen: sizes, fonts, colours, axes.
// The helpers in detail are shared by the scatter and bar figures.
//
// Thread rules: a QApplication must exist and everything here runs on its thread (Qt Charts
// items are QGraphicsWidgets, which Qt supports on the GUI thread only).

#include "engine/pipeline/pipeline.h"

#include <QChart>
#include <QColor>
#include <QCoreApplication>
#include <QFont>
#include <QGraphicsLayout>
#include <QGraphicsScene>
#include <QImage>
#include <QPainter>
#include <QSize>
#include <QString>

#include <cmath>
#include <stdexcept>

class QAbstractAxis;

namespace atlas::ui {

/// Sizes of the figures, in logical pixels (device-independent). The PNG holds
/// size x devicePixelRatio pixels.
struct FigureOptions {
    QSize scatterSize{1200, 900};   ///< cluster and genre maps
    QSize barSize{1400, 700};       ///< metric bar charts
    qreal devicePixelRatio = 1.0;   ///< > 0; 2 gives a 2400 x 1800 map with the same layout
};

/// An axis step of 1, 2, 2.5 or 5 times a power of ten: the smallest not below `raw`
/// (1 for a non-positive or non-finite `raw`).
double niceStep(double raw);

namespace detail {

inline const QColor TextColor(0x20, 0x20, 0x20);
inline const QColor MutedTextColor(0x60, 0x60, 0x60);
inline const QColor GridColor(0xec, 0xec, 0xec);
inline const QColor AxisColor(0x80, 0x80, 0x80);
// Scores that leave many tracks out as noise (leavesOutNoise()), in the chart and the table.
inline const QColor NoiseMarkColor(0x8a, 0x5a, 0x00);

// Fonts are sized in pixels so that a figure looks the same whatever DPI the platform
// reports (the offscreen platform and X servers differ).
QFont figureFont(int pixelSize, QFont::Weight weight = QFont::Normal);

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

void styleChart(QChart* chart, const QString& title);
void styleAxis(QAbstractAxis* axis, const QString& title);
// printf format showing every tick of a step without trailing noise.
QString tickFormat(double step);

// The run's parts a figure draws: a successful representation, a clustering of it (ok or
// not), a successful 2-D map of it; null when missing.
const RepresentationResult* findRepresentation(const RunResult& run, Representation r);
const ClusteringResult* findClustering(const RepresentationResult& rep, Clustering c);
const MapResult* findMap(const RepresentationResult& rep, MapKind m);

} // namespace detail

} // namespace atlas::ui
