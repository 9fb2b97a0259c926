// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/views/contingency_heatmap.h"

#include <QHelpEvent>
#include <QLinearGradient>
#include <QMouseEvent>
#include <QPainter>
#include <QResizeEvent>
#include <QToolTip>

#include <algorithm>
#include <cmath>

namespace atlas::ui {

namespace {

constexpr double Margin = 8.0;
constexpr double Swatch = 10.0;
constexpr double Gap = 6.0;
constexpr double MinCellHeight = 20.0, MaxCellHeight = 34.0;
constexpr double MinCellWidth = 34.0, MaxCellWidth = 110.0;
constexpr double ScaleBarHeight = 10.0;
// Slanted column labels are elided beyond this length (the cell's tooltip names the label
// whole), so that long names (album titles) leave room for the rows.
constexpr double MaxColumnLabelWidth = 150.0;

const QColor TextColor(0x20, 0x20, 0x20);
const QColor MutedTextColor(0x60, 0x60, 0x60);
const QColor GridColor(0xe4, 0xe4, 0xe4);

} // namespace

ContingencyHeatmap::ContingencyHeatmap(QWidget* parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("contingencyHeatmap"));
    setMouseTracking(true);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

void ContingencyHeatmap::setTable(const Eigen::MatrixXi& counts, const QStringList& rowNames,
                                  const QStringList& columnNames, const QList<QColor>& rowColors)
{
    Q_ASSERT(rowNames.size() == counts.rows() && columnNames.size() == counts.cols());
    m_counts = counts;
    m_rowNames = rowNames;
    m_columnNames = columnNames;
    m_rowColors = rowColors;
    if (m_selected >= counts.rows())
        m_selected = -1;
    updateHeightLimits();
    updateGeometry();
    update();
}

void ContingencyHeatmap::clear()
{
    setTable(Eigen::MatrixXi(), {}, {}, {});
    m_selected = -1;
}

void ContingencyHeatmap::setSelectedRow(int row)
{
    m_selected = row >= 0 && row < m_counts.rows() ? row : -1;
    update();
}

QColor ContingencyHeatmap::scaleColor(double share)
{
    // matplotlib's "Blues" end points (#f7fbff -> #08306b), interpolated through its middle
    // (#6baed6) so that mid shares are clearly blue.
    share = std::clamp(share, 0.0, 1.0);
    const auto mix = [](const QColor& a, const QColor& b, double t) {
        return QColor::fromRgbF(float(a.redF() + (b.redF() - a.redF()) * t),
                                float(a.greenF() + (b.greenF() - a.greenF()) * t),
                                float(a.blueF() + (b.blueF() - a.blueF()) * t));
    };
    const QColor low(0xf7, 0xfb, 0xff), mid(0x6b, 0xae, 0xd6), high(0x08, 0x30, 0x6b);
    return share < 0.5 ? mix(low, mid, share / 0.5) : mix(mid, high, (share - 0.5) / 0.5);
}

QColor ContingencyHeatmap::cellColor(int row, int column) const
{
    const int total = m_counts.row(row).sum();
    return scaleColor(total > 0 ? double(m_counts(row, column)) / total : 0.0);
}

void ContingencyHeatmap::updateHeightLimits()
{
    // No taller than the largest cells need, so that a short table leaves its room to the
    // lists above it instead of a white band; no shorter than the smallest cells need, so
    // that a pane too short for every row scrolls (ClustersView) instead of cutting the last
    // rows and the scale off. The column labels' height depends on the width (slanted when
    // the cells are narrow), so the limits follow it.
    int least = 0, most = minimumSizeHint().height();
    if (m_counts.size() > 0) {
        const double rows = double(m_counts.rows());
        const double chrome = layoutFor(width(), 0.0).chromeHeight;
        least = int(std::ceil(chrome + rows * MinCellHeight));
        most = std::max(most, int(std::ceil(chrome + rows * MaxCellHeight)));
    }
    if (least != minimumHeight() || most != maximumHeight()) {
        setMinimumHeight(least);
        setMaximumHeight(std::max(least, most));
        updateGeometry();
        emit heightLimitsChanged();
    }
}

void ContingencyHeatmap::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    if (event->size().width() != event->oldSize().width())
        updateHeightLimits();
}

ContingencyHeatmap::Layout ContingencyHeatmap::layout() const
{
    return layoutFor(width(), height());
}

ContingencyHeatmap::Layout ContingencyHeatmap::layoutFor(double width, double height) const
{
    Layout l;
    const int rows = int(m_counts.rows()), cols = int(m_counts.cols());
    QFont bold = font();
    bold.setBold(true);
    const QFontMetricsF fm(font()), fmBold(bold);
    double rowLabelWidth = 0.0;
    for (const QString& name : m_rowNames)
        rowLabelWidth = std::max(rowLabelWidth, fmBold.horizontalAdvance(name));
    rowLabelWidth += Swatch + Gap + Gap;
    double columnLabelWidth = 0.0;
    for (const QString& name : m_columnNames)
        columnLabelWidth = std::max(columnLabelWidth, fm.horizontalAdvance(name));
    const double totalWidth = fmBold.horizontalAdvance(QStringLiteral("Tracks")) + 2 * Gap;
    const double scaleHeight = ScaleBarHeight + fm.height() + 2 * Gap;

    const double availableWidth = width - 2 * Margin - rowLabelWidth - totalWidth;
    l.cellWidth = std::clamp(availableWidth / std::max(1, cols), MinCellWidth, MaxCellWidth);
    l.rotated = columnLabelWidth + Gap > l.cellWidth;
    if (l.rotated) {
        // The last slanted label reaches past the grid's right edge: keep it in the widget.
        const double overhang = std::min(columnLabelWidth, MaxColumnLabelWidth) * std::sqrt(0.5) -
                                l.cellWidth / 2 - totalWidth;
        if (overhang > 0)
            l.cellWidth = std::clamp((availableWidth - overhang) / std::max(1, cols), MinCellWidth,
                                     MaxCellWidth);
    }
    l.headerHeight = l.rotated ? std::min(columnLabelWidth, MaxColumnLabelWidth) * std::sqrt(0.5) +
                                     fm.height() + Gap
                               : fm.height() + Gap;
    l.chromeHeight = 2 * Margin + l.headerHeight + scaleHeight;
    const double availableHeight = height - l.chromeHeight;
    l.cellHeight = std::clamp(availableHeight / std::max(1, rows), MinCellHeight, MaxCellHeight);
    l.grid = QRectF(Margin + rowLabelWidth, Margin + l.headerHeight, l.cellWidth * cols,
                    l.cellHeight * rows);
    const double barWidth = std::min(220.0, std::max(120.0, l.grid.width() * 0.4));
    l.scaleBar = QRectF(l.grid.right() - barWidth, l.grid.bottom() + Gap + fm.height() + 2,
                        barWidth, ScaleBarHeight);
    return l;
}

QRectF ContingencyHeatmap::cellRect(int row, int column) const
{
    const Layout l = layout();
    return {l.grid.left() + column * l.cellWidth, l.grid.top() + row * l.cellHeight, l.cellWidth,
            l.cellHeight};
}

int ContingencyHeatmap::rowAt(QPointF p) const
{
    const Layout l = layout();
    if (p.y() < l.grid.top() || p.y() >= l.grid.bottom() || p.x() < Margin ||
        p.x() > l.grid.right() + 60)
        return -1;
    return std::clamp(int((p.y() - l.grid.top()) / l.cellHeight), 0, int(m_counts.rows()) - 1);
}

int ContingencyHeatmap::columnAt(QPointF p) const
{
    const Layout l = layout();
    if (p.x() < l.grid.left() || p.x() >= l.grid.right())
        return -1;
    return std::clamp(int((p.x() - l.grid.left()) / l.cellWidth), 0, int(m_counts.cols()) - 1);
}

QSize ContingencyHeatmap::sizeHint() const
{
    const QFontMetrics fm(font());
    return QSize(int(200 + m_counts.cols() * 70),
                 int(m_counts.rows() * 26 + 4 * fm.height() + 60));
}

QSize ContingencyHeatmap::minimumSizeHint() const
{
    const QFontMetrics fm(font());
    return QSize(300, int(std::min<Eigen::Index>(m_counts.rows(), 6) * MinCellHeight +
                          4 * fm.height() + 40));
}

void ContingencyHeatmap::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.fillRect(rect(), Qt::white);
    const int rows = int(m_counts.rows()), cols = int(m_counts.cols());
    if (rows == 0 || cols == 0) {
        painter.setPen(MutedTextColor);
        painter.drawText(rect(), Qt::AlignCenter,
                         cols == 0 && rows > 0
                             ? QStringLiteral("The tracks have no labels to compare the "
                                              "clusters with.")
                             : QStringLiteral("No clusters to show."));
        return;
    }
    const Layout l = layout();
    QFont normal = font(), bold = font();
    bold.setBold(true);
    const QFontMetricsF fm(normal);

    // Column labels.
    painter.setPen(TextColor);
    painter.setFont(normal);
    for (int j = 0; j < cols; ++j) {
        const double cx = l.grid.left() + (j + 0.5) * l.cellWidth;
        if (!l.rotated) {
            painter.drawText(
                QRectF(cx - l.cellWidth / 2, Margin, l.cellWidth, l.headerHeight - Gap),
                Qt::AlignHCenter | Qt::AlignBottom, m_columnNames[j]);
        } else {
            painter.save();
            painter.translate(cx, l.grid.top() - Gap / 2);
            painter.rotate(-45);
            painter.drawText(QPointF(0, -fm.descent()),
                             fm.elidedText(m_columnNames[j], Qt::ElideRight, MaxColumnLabelWidth));
            painter.restore();
        }
    }
    painter.setFont(bold);
    painter.drawText(QRectF(l.grid.right() + Gap, Margin, 200, l.headerHeight - Gap),
                     Qt::AlignLeft | Qt::AlignBottom, QStringLiteral("Tracks"));

    // Cells, row labels and row totals.
    for (int i = 0; i < rows; ++i) {
        const double y = l.grid.top() + i * l.cellHeight;
        const int total = m_counts.row(i).sum();
        const bool selected = i == m_selected;
        const QColor swatch = i < m_rowColors.size() ? m_rowColors[i] : QColor(Qt::gray);
        painter.setPen(Qt::NoPen);
        painter.setBrush(swatch);
        painter.drawRoundedRect(
            QRectF(Margin, y + (l.cellHeight - Swatch) / 2, Swatch, Swatch), 2, 2);
        painter.setPen(TextColor);
        painter.setFont(selected ? bold : normal);
        painter.drawText(QRectF(Margin + Swatch + Gap, y, l.grid.left() - Margin - Swatch - 2 * Gap,
                                l.cellHeight),
                         Qt::AlignRight | Qt::AlignVCenter, m_rowNames[i]);
        painter.setFont(normal);
        for (int j = 0; j < cols; ++j) {
            const QRectF cell(l.grid.left() + j * l.cellWidth, y, l.cellWidth, l.cellHeight);
            const double share = total > 0 ? double(m_counts(i, j)) / total : 0.0;
            painter.fillRect(cell, scaleColor(share));
            if (m_counts(i, j) > 0) {
                painter.setPen(share > 0.45 ? Qt::white : TextColor);
                painter.drawText(cell, Qt::AlignCenter, QString::number(m_counts(i, j)));
            }
        }
        painter.setPen(MutedTextColor);
        painter.drawText(QRectF(l.grid.right() + Gap, y, 200, l.cellHeight),
                         Qt::AlignLeft | Qt::AlignVCenter, QString::number(total));
    }
    // Thin grid lines keep neighbouring pale cells apart.
    painter.setPen(QPen(GridColor, 1));
    for (int i = 0; i <= rows; ++i)
        painter.drawLine(QPointF(l.grid.left(), l.grid.top() + i * l.cellHeight),
                         QPointF(l.grid.right(), l.grid.top() + i * l.cellHeight));
    for (int j = 0; j <= cols; ++j)
        painter.drawLine(QPointF(l.grid.left() + j * l.cellWidth, l.grid.top()),
                         QPointF(l.grid.left() + j * l.cellWidth, l.grid.bottom()));
    if (m_selected >= 0) {
        painter.setPen(QPen(TextColor, 2));
        painter.setBrush(Qt::NoBrush);
        painter.drawRect(QRectF(l.grid.left(), l.grid.top() + m_selected * l.cellHeight,
                                l.grid.width(), l.cellHeight).adjusted(1, 1, -1, -1));
    }

    // Colour scale: "share of the cluster" 0 % ... 100 %.
    QLinearGradient gradient(l.scaleBar.topLeft(), l.scaleBar.topRight());
    for (int k = 0; k <= 10; ++k)
        gradient.setColorAt(k / 10.0, scaleColor(k / 10.0));
    painter.setPen(QPen(GridColor, 1));
    painter.setBrush(gradient);
    painter.drawRect(l.scaleBar);
    painter.setPen(MutedTextColor);
    const double textTop = l.scaleBar.top() - fm.height() - 2;
    painter.drawText(QRectF(l.scaleBar.left() - 260 - Gap, l.scaleBar.top() - 4, 260,
                            ScaleBarHeight + 8),
                     Qt::AlignRight | Qt::AlignVCenter,
                     QStringLiteral("Share of the cluster's tracks"));
    painter.drawText(QRectF(l.scaleBar.left(), textTop, 60, fm.height()),
                     Qt::AlignLeft | Qt::AlignBottom, QStringLiteral("0 %"));
    painter.drawText(QRectF(l.scaleBar.right() - 60, textTop, 60, fm.height()),
                     Qt::AlignRight | Qt::AlignBottom, QStringLiteral("100 %"));
}

void ContingencyHeatmap::mousePressEvent(QMouseEvent* event)
{
    const int row = rowAt(event->position());
    if (event->button() == Qt::LeftButton && row >= 0)
        emit rowClicked(row);
    QWidget::mousePressEvent(event);
}

bool ContingencyHeatmap::event(QEvent* e)
{
    if (e->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(e);
        const int row = rowAt(help->pos()), column = columnAt(help->pos());
        if (row >= 0 && column >= 0) {
            const int count = m_counts(row, column);
            const int rowTotal = m_counts.row(row).sum();
            const int columnTotal = m_counts.col(column).sum();
            QToolTip::showText(
                help->globalPos(),
                QStringLiteral("%1 · %2: %3 tracks\n%4 % of the cluster, %5 % of %2")
                    .arg(m_rowNames[row], m_columnNames[column])
                    .arg(count)
                    .arg(rowTotal > 0 ? 100.0 * count / rowTotal : 0.0, 0, 'f', 0)
                    .arg(columnTotal > 0 ? 100.0 * count / columnTotal : 0.0, 0, 'f', 0),
                this);
        } else {
            QToolTip::hideText();
            e->ignore();
        }
        return true;
    }
    return QWidget::event(e);
}

} // namespace atlas::ui
