// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <Eigen/Core>

#include <QColor>
#include <QList>
#include <QString>
#include <QStringList>
#include <QWidget>

namespace atlas::ui {

/// A cluster x label table drawn as a heatmap: one row per cluster, one column per label,
/// the count printed in each non-empty cell, the cell shaded by its share of the row (the
/// cluster) on a white-to-blue scale with a colour bar underneath. Row labels carry the
/// cluster's colour; the selected row is outlined. A click on a row emits rowClicked; the
/// tooltip of a cell gives both shares. objectName "contingencyHeatmap".
class ContingencyHeatmap : public QWidget {
    Q_OBJECT
public:
    explicit ContingencyHeatmap(QWidget* parent = nullptr);

    /// Shows `counts` (rows x columns, >= 0) with the given names; rowColors may be empty.
    void setTable(const Eigen::MatrixXi& counts, const QStringList& rowNames,
                  const QStringList& columnNames, const QList<QColor>& rowColors);
    void clear();
    /// Outlines row `row` (-1 = none).
    void setSelectedRow(int row);

    const Eigen::MatrixXi& counts() const { return m_counts; }
    const QStringList& rowNames() const { return m_rowNames; }
    const QStringList& columnNames() const { return m_columnNames; }
    int selectedRow() const { return m_selected; }
    /// Where cell (row, column) is drawn at the current size, in widget coordinates.
    QRectF cellRect(int row, int column) const;
    /// The fill colour of a cell: the scale's colour at count / row total.
    QColor cellColor(int row, int column) const;
    /// The colour scale: share 0 = white, 1 = dark blue.
    static QColor scaleColor(double share);

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

signals:
    void rowClicked(int row);
    /// The least and greatest heights changed (a new table, or a width that slants the
    /// column labels or no longer does).
    void heightLimitsChanged();

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    bool event(QEvent* event) override;

private:
    struct Layout {
        QRectF grid;             // the cells
        double cellWidth = 0, cellHeight = 0;
        double headerHeight = 0; // column labels above the grid
        double chromeHeight = 0; // everything but the rows: margins, labels, the scale
        bool rotated = false;    // column labels drawn at 45 degrees
        QRectF scaleBar;         // the colour bar
    };
    Layout layout() const;
    Layout layoutFor(double width, double height) const;
    void updateHeightLimits();
    int rowAt(QPointF p) const;
    int columnAt(QPointF p) const;

    Eigen::MatrixXi m_counts;
    QStringList m_rowNames, m_columnNames;
    QList<QColor> m_rowColors;
    int m_selected = -1;
};

} // namespace atlas::ui
