// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Small pieces shared by the result views: the empty-state page, number formatting, file
// paths for the engine's writers, and a widget that shows a figure of the offscreen renderer
// at its own size.

#include <QImage>
#include <QLabel>
#include <QString>
#include <QWidget>

#include <filesystem>
#include <functional>

namespace atlas::ui {

/// A centred, muted message for a view that has nothing to show yet, e.g. "Run the
/// experiment to see the clustering metrics." Word-wrapped; objectName "emptyState".
QLabel* makeEmptyState(const QString& text, QWidget* parent = nullptr);

/// A word-wrapped, selectable label on a light panel with a thin border, for blocks of text
/// about the data (a collection's preview, a track's lyrics). `objectName` names it.
QLabel* makeInfoBox(const QString& objectName, Qt::TextFormat format, QWidget* parent = nullptr);

/// A score for a table cell: "–" for NaN; otherwise 3 decimals below 100 in magnitude and
/// 1 decimal above (Calinski-Harabasz runs into the thousands).
QString formatScore(double value);

/// A fraction in [0, 1] as a percentage with one decimal ("12.5 %"); "–" for NaN.
QString formatPercent(double fraction);

/// `one` when n is 1, else `many`, with "%1" replaced by n in the locale's digit grouping
/// ("1 track", "12,500 tracks"): English plurals without a translation file.
QString counted(qint64 n, const QString& one, const QString& many);

/// Work a view puts off while it is hidden behind another tab of a shown window (charts to
/// lay out, 100,000 tracks' clusters to summarise: nobody sees them), done when the view is
/// shown or asked for what it shows. Once put off, later changes wait too until catchUp().
class HiddenViewDeferral {
public:
    /// True, and the change noted, when `view` is hidden in a shown window or an earlier
    /// change still waits; false during catchUp().
    bool defer(const QWidget& view)
    {
        if (m_catchingUp || (!m_pending && !(view.window()->isVisible() && !view.isVisible())))
            return false;
        m_pending = true;
        return true;
    }
    /// Whether a change waits.
    bool pending() const { return m_pending; }
    /// Runs `refresh` when a change waits, with defer() off meanwhile.
    template <class Refresh>
    void catchUp(Refresh&& refresh)
    {
        if (!m_pending)
            return;
        m_pending = false;
        m_catchingUp = true;
        refresh();
        m_catchingUp = false;
    }

private:
    bool m_pending = false;
    bool m_catchingUp = false;
};

/// The file-system path of a QString from a dialog (UTF-8 on Linux).
std::filesystem::path toPath(const QString& path);

/// Asks for a file to save to (dialog title `title`, suggested file `suggested`, name filter
/// `filter`) and calls `save(path, &error)` with it; shows `error` in a warning with the
/// same title when `save` returns false. Does nothing when the dialog is cancelled.
void saveWithDialog(QWidget* parent, const QString& title, const QString& suggested,
                    const QString& filter,
                    const std::function<bool(const QString& path, QString* error)>& save);

/// Shows a QImage produced by one of the figure functions, re-drawn whenever the widget's
/// size changes. Figures are laid out for at least `minimumLogical` logical pixels; a
/// smaller widget gets the same layout scaled down (the fonts shrink with it) instead of
/// overlapping text. The figure function returns a null image when there is nothing to
/// draw; `emptyText` is shown then.
class FigureWidget : public QWidget {
    Q_OBJECT
public:
    /// Draws the figure at `logicalSize` with `devicePixelRatio`.
    using Renderer = std::function<QImage(QSize logicalSize, qreal devicePixelRatio)>;

    explicit FigureWidget(QWidget* parent = nullptr);

    void setRenderer(Renderer renderer);
    void setMinimumLogicalSize(QSize size) { m_minimumLogical = size; invalidate(); }
    void setEmptyText(const QString& text) { m_emptyText = text; update(); }
    /// Forgets the drawn image: the next paint draws the figure again.
    void invalidate();
    /// The image shown now (null when there is none); drawn first if needed.
    QImage image();

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    Renderer m_renderer;
    QImage m_image;
    bool m_valid = false;
    bool m_scheduled = false;
    QSize m_minimumLogical{900, 420};
    QString m_emptyText;
};

} // namespace atlas::ui
