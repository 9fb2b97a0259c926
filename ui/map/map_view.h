// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/types.h"
#include "engine/embed/point_index.h"

#include <QColor>
#include <QImage>
#include <QList>
#include <QPolygonF>
#include <QString>
#include <QStringList>
#include <QWidget>

#include <functional>
#include <memory>
#include <vector>

namespace atlas::ui {

class PointRenderer;
struct PointScene;

/// The interactive scatter map of a t-SNE or UMAP layout: one point per track, coloured by
/// class, with hover tooltips, click-to-play, zoom, pan, lasso selection, search highlights
/// and a ring on the track that is playing.
///
/// Drawn on a light background, without axes (map coordinates carry no meaning). The view
/// holds the state and handles input; a PointRenderer draws the points into a cached layer
/// image, redrawn only when the points, classes, styles or the view change, so hover and
/// the rings of the playing and the marked track cost a repaint of the overlay only. Picking
/// uses a PointIndex over the layout. Points are drawn in a fixed pseudo-random order, so no
/// class is always on top. The view as shown can be saved as PNG or SVG (saveImage()).
///
/// Interaction: hover shows a tooltip (tooltipProvider()) and emits hovered(); a click on a
/// point emits pointClicked(); Ctrl+click adds or removes that point from the selection;
/// wheel zooms around the cursor; a left drag pans; Shift+drag (or any drag in lasso mode)
/// draws a lasso that replaces the selection (Ctrl+Shift adds to it); F or Home fits all;
/// + and - zoom; Esc clears the selection; Ctrl+Z undoes the last change of the selection; a
/// right click asks for a menu (contextMenuRequested()). A path (setPath()) is drawn as a line
/// over the points, in the view and in saved images. Hidden classes are drawn as faint ghosts and cannot be picked or
/// lassoed.
///
/// Indices are row indices of the layout (= track indices); selection and highlight survive
/// setPoints() with a layout of the same size, so they stay when the map changes. objectName
/// "mapView". GUI thread only.
class MapView : public QWidget {
    Q_OBJECT
public:
    /// Builds the text of a point's tooltip (rich text allowed); empty = no tooltip.
    using TooltipProvider = std::function<QString(int point)>;

    explicit MapView(QWidget* parent = nullptr);
    ~MapView() override;

    /// The layout to draw (n x 2, rows = tracks); null or 0 rows = nothing. The view keeps
    /// the shared matrix (no copy) and indexes it. Selection, highlight, classes and the
    /// playing track are kept when n is unchanged and cleared otherwise. The view transform
    /// is kept: call fitAll() for a new map. The layout it already shows changes nothing.
    void setPoints(std::shared_ptr<const Matrix> xy);
    std::shared_ptr<const Matrix> points() const { return m_xy; }
    int pointCount() const;

    /// Colours the points: classOfPoint[i] is the class of point i (0 ... names.size()-1) or
    /// -1 for none/DBSCAN noise (drawn grey). colours[c] is the colour of class c (missing
    /// entries use the figures' palette). An empty classOfPoint colours every point with the
    /// neutral colour. Makes every class visible again.
    void setClasses(std::vector<int> classOfPoint, QStringList names, QList<QColor> colours);
    /// Shows or hides class `c` (-1 = the noise/unclassified points). Hidden points are drawn
    /// faint and are skipped by picking and the lasso.
    void setClassVisible(int c, bool visible);
    bool isClassVisible(int c) const;
    /// Number of classes given to setClasses().
    int classCount() const { return int(m_classNames.size()); }
    /// False when setClasses() got no classification (every point in the neutral colour).
    bool hasClasses() const { return !m_class.empty(); }
    QString className(int c) const;
    QColor classColour(int c) const;
    /// Number of points in class c (-1 = noise/unclassified).
    int pointsInClass(int c) const;

    /// Selected points (ascending, unique; out-of-range indices are dropped).
    void setSelection(const QList<int>& points);
    QList<int> selection() const;
    /// Restores the selection before its last change; false when there is nothing to undo.
    bool undoSelection();
    bool canUndoSelection() const { return !m_undo.empty(); }
    /// Emphasised points (search hits); when not empty, every other point is dimmed (the
    /// selected points keep their ring).
    void setHighlighted(const QList<int>& points);
    QList<int> highlighted() const;
    /// The point that is playing (-1 = none): drawn with a ring.
    int playingTrack() const { return m_playing; }
    /// The point shown in the track details (-1 = none): drawn with a dark ring.
    void setMarkedTrack(int track);
    int markedTrack() const { return m_marked; }
    /// A playlist drawn over the map as a line through its tracks' points, in order, with
    /// its first and last track ringed (empty = none; invalid rows are dropped). Kept when
    /// the map changes; cleared by setPoints() with a layout of another size.
    void setPath(const QList<int>& tracks);
    QList<int> path() const { return m_path; }
    /// Where the path's tracks are drawn, in map coordinates (non-finite points left out).
    QPolygonF pathPoints() const;
    /// Draws the points of class -1 (DBSCAN noise) small and grey, behind the classes.
    void setUnclassifiedSmall(bool small);
    bool unclassifiedSmall() const { return m_smallUnclassified; }

    /// The view as shown (points, rings, caption and counts; no hover, lasso or hint) at
    /// `dpr` device pixels per logical pixel.
    QImage renderImage(double dpr = 2.0);
    /// Saves the view as shown: SVG (vector circles) when `file` ends in .svg, else PNG at
    /// twice the screen size. False with a message naming the file on failure.
    bool saveImage(const QString& file, QString* error = nullptr);
    void setTooltipProvider(TooltipProvider provider) { m_tooltip = std::move(provider); }
    /// Shown centred when there are no points (e.g. "Run the experiment to see the map").
    void setEmptyMessage(const QString& message);
    QString emptyMessage() const { return m_emptyMessage; }
    /// Small caption at the top left (e.g. "VAE · t-SNE").
    void setCaption(const QString& caption);

    /// When on, a plain left drag draws a lasso instead of panning.
    void setLassoMode(bool on) { m_lassoMode = on; }
    bool lassoMode() const { return m_lassoMode; }

    /// The visible point nearest to widget position `pos` within the pick radius (a few
    /// pixels beyond the drawn point), or -1.
    int pointAt(QPointF pos) const;
    /// Bounding box of the finite points in map coordinates (null when there are none).
    QRectF mapBounds() const;
    /// Where point i is drawn, in widget coordinates.
    QPointF pointPosition(int i) const;
    /// Map coordinates under widget position `pos`, and back.
    QPointF toMap(QPointF pos) const;
    QPointF toWidget(QPointF mapPos) const;
    /// The point under the mouse (-1 = none) and its tooltip text.
    int hoveredPoint() const { return m_hover; }
    QString hoverText() const { return m_hoverText; }

    /// Zooms by `factor` (> 1 = closer) keeping map position under `anchor` (widget
    /// coordinates) in place.
    void zoomBy(double factor, QPointF anchor);
    /// Moves the map by `delta` widget pixels.
    void panBy(QPointF delta);
    /// Pixels per map unit (for tests and benchmarks).
    double scale() const { return m_scale; }
    /// True once the user zoomed or panned since the last fitAll(); while false, the view
    /// re-fits itself when resized.
    bool userMovedView() const { return m_userView; }

    QSize sizeHint() const override { return {640, 480}; }
    QSize minimumSizeHint() const override { return {160, 120}; }

public slots:
    /// Fits every finite point into the view with a margin.
    void fitAll() { fitWithHeadroom(1.0); }
    /// Fits the given points into the view (all points when none of them is finite).
    void fitPoints(const QList<int>& points);
    /// Like fitAll(), then zooms out by `headroom` (>= 1) around the centre, leaving room for
    /// a layout that is still growing.
    void fitWithHeadroom(double headroom);
    void setPlayingTrack(int track);
    void clearSelection() { setSelection({}); }

signals:
    /// A plain click on a point: play it.
    void pointClicked(int track);
    /// The point under the mouse changed (-1 = none).
    void hovered(int track);
    /// The selection changed (lasso, Ctrl+click, Esc or setSelection()).
    void selectionChanged(const QList<int>& tracks);
    /// The user zoomed or panned (the view is no longer the automatic fit).
    void viewChangedByUser();
    /// A right click (or the context-menu key) over the map: the point under it (-1 = none)
    /// and where to show a menu, in global coordinates.
    void contextMenuRequested(int track, QPoint globalPos);

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void leaveEvent(QEvent* event) override;
    void contextMenuEvent(QContextMenuEvent* event) override;

private:
    enum class Drag { None, Pending, Pan, Lasso };

    void invalidateLayer();
    PointScene scene() const;
    void fitRect(QRectF bounds, double headroom);
    void renderLayer();
    void drawOverlay(QPainter& p, bool interactive);
    void drawRing(QPainter& p, int point, QColor colour) const;
    void drawPath(QPainter& p) const;
    void drawCaption(QPainter& p, bool hint);
    void drawEmptyState(QPainter& p);
    void setHover(int point, QPoint globalPos);
    void finishLasso(bool add);
    void updatePickMask();
    double pointRadius() const;   // logical pixels
    int classOf(int i) const;

    /// The pick index of the layout, built at the first pick or lasso after setPoints() (a
    /// few milliseconds at 100,000 points that opening a session or flipping through maps
    /// need not wait for).
    const PointIndex& index() const;

    std::shared_ptr<const Matrix> m_xy;
    mutable PointIndex m_index;
    mutable bool m_indexed = false;
    PointBounds m_bounds;   // of the finite points
    std::vector<int> m_drawOrder;

    std::vector<int> m_class;               // per point, -1 = none/noise
    QStringList m_classNames;
    QList<QColor> m_classColours;
    std::vector<std::uint8_t> m_classVisible;   // per class; index 0 = noise, c + 1 = class c
    std::vector<std::uint8_t> m_selected;       // per point
    std::vector<std::uint8_t> m_highlighted;    // per point
    std::vector<std::uint8_t> m_pickMask;       // per point, empty = every class visible
    int m_selectedCount = 0;
    int m_highlightCount = 0;
    int m_playing = -1;
    int m_marked = -1;
    int m_hover = -1;
    std::vector<QList<int>> m_undo;   // earlier selections, oldest first
    QList<int> m_path;                // the playlist drawn as a line
    QString m_hoverText;

    // View: widget = centre + scale * (map - mapCentre), y flipped (map y up).
    double m_scale = 1.0;
    QPointF m_mapCentre;
    bool m_userView = false;

    std::unique_ptr<PointRenderer> m_renderer;
    QImage m_layer;
    bool m_layerValid = false;
    bool m_smallUnclassified = false;

    Drag m_drag = Drag::None;
    QPointF m_pressPos;
    QPointF m_lastPos;
    bool m_lassoAdd = false;
    bool m_lassoMode = false;
    QPolygonF m_lasso;

    TooltipProvider m_tooltip;
    QString m_emptyMessage;
    QString m_caption;
};

} // namespace atlas::ui
