// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/map/map_view.h"

#include "ui/figures/palette.h"
#include "ui/map/point_renderer.h"
#include "ui/views/view_support.h"

#include <QApplication>
#include <QContextMenuEvent>
#include <QDir>
#include <QSaveFile>
#include <QSvgGenerator>
#include <QKeyEvent>
#include <QLocale>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QToolTip>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace atlas::ui {

namespace {

const QColor Background(0xfb, 0xfb, 0xfc);
const QColor Frame(0xe2, 0xe4, 0xe8);
const QColor NeutralPoint(0x4c, 0x6e, 0xa8);
const QColor MarkRing(0x1b, 0x1f, 0x24);
const QColor PlayingRing(0xe8, 0x59, 0x0c);
const QColor LassoColour(0x1f, 0x77, 0xb4);
const QColor PathColour(0x1b, 0x1f, 0x24);
const QColor CaptionText(0x50, 0x55, 0x5c);
const QColor HintText(0x9a, 0x9f, 0xa6);

constexpr double PickSlack = 4.0;      // logical px beyond the drawn radius that still pick
constexpr double FitMargin = 24.0;     // logical px around the fitted points
constexpr double MinScale = 1e-12;

} // namespace

MapView::MapView(QWidget* parent) : QWidget(parent), m_renderer(std::make_unique<PointRenderer>())
{
    setObjectName(QStringLiteral("mapView"));
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setAttribute(Qt::WA_OpaquePaintEvent);
    setCursor(Qt::CrossCursor);
    setClasses({}, {}, {});
}

MapView::~MapView() = default;

int MapView::pointCount() const
{
    return m_xy ? int(m_xy->rows()) : 0;
}

void MapView::setPoints(std::shared_ptr<const Matrix> xy)
{
    if (xy && (xy->cols() != 2 || xy->rows() == 0))
        xy.reset();
    if (xy == m_xy)
        return;   // the same (immutable) layout: its bounds, pick index and layer stand
    const int oldCount = pointCount();
    m_xy = std::move(xy);
    const int n = pointCount();
    m_index = PointIndex();
    m_indexed = false;
    // The bounds now (fitting needs them), the pick index at the first pick.
    m_bounds = m_xy ? finiteBounds(*m_xy) : PointBounds();
    if (n != oldCount) {
        // A different collection: per-point state no longer applies.
        m_class.clear();
        m_selected.assign(std::size_t(n), 0);
        m_highlighted.assign(std::size_t(n), 0);
        m_selectedCount = m_highlightCount = 0;
        m_playing = -1;
        m_marked = -1;
        m_undo.clear();
        m_path.clear();
        m_hover = -1;
        m_hoverText.clear();
        // Fixed pseudo-random draw order: a multiplicative step coprime to n visits every
        // point once and interleaves the classes.
        m_drawOrder.resize(std::size_t(n));
        std::size_t step = std::size_t(std::max(1.0, n * 0.6180339887));
        while (n > 1 && std::gcd(step, std::size_t(n)) != 1)
            ++step;
        for (std::size_t i = 0, j = 0; i < std::size_t(n); ++i, j = (j + step) % std::size_t(n))
            m_drawOrder[i] = int(j);
        setClasses({}, {}, {});
        fitAll();
    }
    if (m_hover >= 0 && m_tooltip)
        m_hoverText = m_tooltip(m_hover);
    invalidateLayer();
}

void MapView::setClasses(std::vector<int> classOfPoint, QStringList names, QList<QColor> colours)
{
    if (!classOfPoint.empty() && int(classOfPoint.size()) != pointCount())
        classOfPoint.clear();
    for (int& c : classOfPoint)
        if (c < -1 || c >= names.size())
            c = -1;
    m_class = std::move(classOfPoint);
    m_classNames = std::move(names);
    m_classColours = std::move(colours);
    m_classVisible.assign(std::size_t(m_classNames.size()) + 1, 1);
    updatePickMask();
    if (m_hover >= 0 && m_tooltip)
        m_hoverText = m_tooltip(m_hover);
    invalidateLayer();
}

int MapView::classOf(int i) const
{
    return m_class.empty() ? -1 : m_class[std::size_t(i)];
}

void MapView::setClassVisible(int c, bool visible)
{
    if (c < -1 || c >= m_classNames.size() || isClassVisible(c) == visible)
        return;
    m_classVisible[std::size_t(c + 1)] = visible ? 1 : 0;
    updatePickMask();
    if (m_hover >= 0 && !visible && classOf(m_hover) == c)
        setHover(-1, {});
    invalidateLayer();
}

bool MapView::isClassVisible(int c) const
{
    return c >= -1 && c < m_classNames.size() && m_classVisible[std::size_t(c + 1)] != 0;
}

QString MapView::className(int c) const
{
    return c >= 0 && c < m_classNames.size() ? m_classNames[c] : QString();
}

QColor MapView::classColour(int c) const
{
    if (c < 0)
        return m_class.empty() ? NeutralPoint : noiseColor();
    if (c < m_classColours.size() && m_classColours[c].isValid())
        return m_classColours[c];
    return categoricalColor(c);
}

int MapView::pointsInClass(int c) const
{
    if (m_class.empty())
        return c == -1 ? pointCount() : 0;
    return int(std::count(m_class.begin(), m_class.end(), c));
}

void MapView::updatePickMask()
{
    const bool allVisible = std::all_of(m_classVisible.begin(), m_classVisible.end(),
                                        [](std::uint8_t v) { return v != 0; });
    m_pickMask.clear();
    if (allVisible)
        return;
    m_pickMask.resize(std::size_t(pointCount()));
    for (std::size_t i = 0; i < m_pickMask.size(); ++i)
        m_pickMask[i] = m_classVisible[std::size_t(classOf(int(i)) + 1)];
}

void MapView::setSelection(const QList<int>& points)
{
    std::vector<std::uint8_t> next(std::size_t(pointCount()), 0);
    for (int i : points)
        if (i >= 0 && i < pointCount())
            next[std::size_t(i)] = 1;
    if (next == m_selected)
        return;
    constexpr std::size_t MaxUndo = 50;
    if (m_undo.size() == MaxUndo)
        m_undo.erase(m_undo.begin());
    m_undo.push_back(selection());
    m_selected = std::move(next);
    m_selectedCount = int(std::count(m_selected.begin(), m_selected.end(), 1));
    invalidateLayer();
    emit selectionChanged(selection());
}

bool MapView::undoSelection()
{
    if (m_undo.empty())
        return false;
    const QList<int> previous = std::move(m_undo.back());
    m_undo.pop_back();
    setSelection(previous);
    m_undo.pop_back();   // the entry setSelection() just pushed
    return true;
}

QList<int> MapView::selection() const
{
    QList<int> out;
    out.reserve(m_selectedCount);
    for (std::size_t i = 0; i < m_selected.size(); ++i)
        if (m_selected[i])
            out.append(int(i));
    return out;
}

void MapView::setHighlighted(const QList<int>& points)
{
    m_highlighted.assign(std::size_t(pointCount()), 0);
    for (int i : points)
        if (i >= 0 && i < pointCount())
            m_highlighted[std::size_t(i)] = 1;
    m_highlightCount = int(std::count(m_highlighted.begin(), m_highlighted.end(), 1));
    invalidateLayer();
}

QList<int> MapView::highlighted() const
{
    QList<int> out;
    for (std::size_t i = 0; i < m_highlighted.size(); ++i)
        if (m_highlighted[i])
            out.append(int(i));
    return out;
}

void MapView::setPlayingTrack(int track)
{
    if (track < -1 || track >= pointCount())
        track = -1;
    if (track == m_playing)
        return;
    m_playing = track;
    update();
}

void MapView::setMarkedTrack(int track)
{
    if (track < -1 || track >= pointCount())
        track = -1;
    if (track == m_marked)
        return;
    m_marked = track;
    update();
}

void MapView::setPath(const QList<int>& tracks)
{
    QList<int> path;
    for (int t : tracks)
        if (t >= 0 && t < pointCount())
            path << t;
    if (path == m_path)
        return;
    m_path = path;
    update();
}

QPolygonF MapView::pathPoints() const
{
    QPolygonF out;
    for (int t : m_path) {
        const double x = (*m_xy)(t, 0), y = (*m_xy)(t, 1);
        if (std::isfinite(x) && std::isfinite(y))
            out << QPointF(x, y);
    }
    return out;
}

void MapView::drawPath(QPainter& p) const
{
    QPolygonF line;
    for (const QPointF& m : pathPoints())
        line << toWidget(m);
    if (line.size() < 2)
        return;
    // A white casing under a dark line reads on every class colour; small dots mark each
    // step, rings the two ends.
    p.setBrush(Qt::NoBrush);
    p.setPen(QPen(QColor(255, 255, 255, 220), 5.0, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
    p.drawPolyline(line);
    p.setPen(QPen(PathColour, 2.0, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
    p.drawPolyline(line);
    p.setBrush(PathColour);
    p.setPen(QPen(Qt::white, 1.0));
    for (const QPointF& c : line)
        p.drawEllipse(c, 3.0, 3.0);
    const double r = pointRadius();
    p.setBrush(Qt::NoBrush);
    for (const QPointF& c : {line.front(), line.back()}) {
        p.setPen(QPen(QColor(255, 255, 255, 235), 4.0));
        p.drawEllipse(c, r + 6.0, r + 6.0);
        p.setPen(QPen(PathColour, 2.0));
        p.drawEllipse(c, r + 6.0, r + 6.0);
    }
}

void MapView::setUnclassifiedSmall(bool small)
{
    if (small == m_smallUnclassified)
        return;
    m_smallUnclassified = small;
    invalidateLayer();
}

void MapView::setEmptyMessage(const QString& message)
{
    m_emptyMessage = message;
    update();
}

void MapView::setCaption(const QString& caption)
{
    m_caption = caption;
    update();
}

double MapView::pointRadius() const
{
    const int n = pointCount();
    const double base = n <= 2000 ? 4.5 : n <= 10000 ? 3.5 : n <= 40000 ? 2.75 : 2.25;
    return base;
}

QPointF MapView::toWidget(QPointF mapPos) const
{
    return {width() / 2.0 + m_scale * (mapPos.x() - m_mapCentre.x()),
            height() / 2.0 - m_scale * (mapPos.y() - m_mapCentre.y())};
}

QPointF MapView::toMap(QPointF pos) const
{
    return {m_mapCentre.x() + (pos.x() - width() / 2.0) / m_scale,
            m_mapCentre.y() - (pos.y() - height() / 2.0) / m_scale};
}

QPointF MapView::pointPosition(int i) const
{
    if (i < 0 || i >= pointCount())
        return {};
    return toWidget({(*m_xy)(i, 0), (*m_xy)(i, 1)});
}

int MapView::pointAt(QPointF pos) const
{
    if (pointCount() == 0)
        return -1;
    const QPointF m = toMap(pos);
    const double radius = (pointRadius() + PickSlack) / m_scale;
    return index().nearest(m.x(), m.y(), radius, m_pickMask);
}

const PointIndex& MapView::index() const
{
    if (!m_indexed) {
        m_index = m_xy ? PointIndex(*m_xy) : PointIndex();
        m_indexed = true;
    }
    return m_index;
}

QRectF MapView::mapBounds() const
{
    if (m_bounds.finite == 0)
        return {};
    return QRectF(QPointF(m_bounds.minX, m_bounds.minY), QPointF(m_bounds.maxX, m_bounds.maxY));
}

void MapView::fitWithHeadroom(double headroom)
{
    if (m_bounds.finite == 0) {
        m_layerValid = false;
        m_scale = 1.0;
        m_mapCentre = {};
        m_userView = false;
        update();
        return;
    }
    fitRect(mapBounds(), headroom);
    m_userView = false;
}

void MapView::fitPoints(const QList<int>& points)
{
    double minX = INFINITY, minY = INFINITY, maxX = -INFINITY, maxY = -INFINITY;
    for (int i : points) {
        if (i < 0 || i >= pointCount())
            continue;
        const double x = (*m_xy)(i, 0), y = (*m_xy)(i, 1);
        if (!std::isfinite(x) || !std::isfinite(y))
            continue;
        minX = std::min(minX, x);
        maxX = std::max(maxX, x);
        minY = std::min(minY, y);
        maxY = std::max(maxY, y);
    }
    if (!(minX <= maxX)) {
        fitAll();
        return;
    }
    const QRectF bounds(QPointF(minX, minY), QPointF(maxX, maxY));
    fitRect(bounds, 1.0);
    // A single point or a tight group is shown at most 8 times closer than the whole map
    // (a lone point at 4 times), so its neighbours stay in sight.
    const QRectF all = mapBounds();
    const double margin = FitMargin + pointRadius();
    double whole = INFINITY;
    if (all.width() > 0.0)
        whole = std::min(whole, std::max(1.0, width() - 2.0 * margin) / all.width());
    if (all.height() > 0.0)
        whole = std::min(whole, std::max(1.0, height() - 2.0 * margin) / all.height());
    if (std::isfinite(whole))
        m_scale = bounds.width() > 0.0 || bounds.height() > 0.0 ? std::min(m_scale, 8.0 * whole)
                                                                 : 4.0 * whole;
    m_userView = true;
    emit viewChangedByUser();
}

void MapView::fitRect(QRectF bounds, double headroom)
{
    m_layerValid = false;
    const double w = bounds.width();
    const double h = bounds.height();
    m_mapCentre = bounds.center();
    const double margin = FitMargin + pointRadius();
    const double availW = std::max(1.0, width() - 2.0 * margin);
    const double availH = std::max(1.0, height() - 2.0 * margin);
    double s = INFINITY;
    if (w > 0.0)
        s = std::min(s, availW / w);
    if (h > 0.0)
        s = std::min(s, availH / h);
    if (!std::isfinite(s))
        s = 1.0;   // one spot: any scale shows it in the centre
    m_scale = std::max(s / std::max(1.0, headroom), MinScale);
    update();
}

void MapView::zoomBy(double factor, QPointF anchor)
{
    if (!(factor > 0.0) || !std::isfinite(factor))
        return;
    const QPointF before = toMap(anchor);
    m_scale = std::clamp(m_scale * factor, MinScale, 1e12);
    const QPointF after = toMap(anchor);
    m_mapCentre += before - after;
    m_userView = true;
    invalidateLayer();
}

void MapView::panBy(QPointF delta)
{
    m_mapCentre -= QPointF(delta.x() / m_scale, -delta.y() / m_scale);
    m_userView = true;
    invalidateLayer();
}

void MapView::invalidateLayer()
{
    m_layerValid = false;
    update();
}

PointScene MapView::scene() const
{
    PointScene scene;
    scene.xy = m_xy.get();
    scene.drawOrder = &m_drawOrder;
    scene.classOf = &m_class;
    scene.classVisible = &m_classVisible;
    scene.selected = &m_selected;
    scene.highlighted = &m_highlighted;
    scene.anyHighlight = m_highlightCount > 0;
    for (int c = -1; c < m_classNames.size(); ++c)
        scene.colours.push_back(classColour(c));
    scene.smallUnclassified = m_smallUnclassified && !m_class.empty();
    scene.radius = pointRadius();
    scene.scale = m_scale;
    scene.mapCentre = m_mapCentre;
    scene.size = size();
    return scene;
}

void MapView::renderLayer()
{
    m_renderer->render(m_layer, scene(), devicePixelRatioF(), Background);
    m_layerValid = true;
}

void MapView::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    if (pointCount() == 0) {
        p.fillRect(rect(), Background);
        drawEmptyState(p);
        return;
    }
    const double dpr = devicePixelRatioF();
    if (!m_layerValid || m_layer.devicePixelRatio() != dpr ||
        m_layer.size() != QSize(int(std::ceil(width() * dpr)), int(std::ceil(height() * dpr))))
        renderLayer();
    p.drawImage(QPointF(0, 0), m_layer);
    drawOverlay(p, true);
}

void MapView::drawEmptyState(QPainter& p)
{
    p.setPen(Frame);
    p.drawRect(rect().adjusted(0, 0, -1, -1));
    const QString message =
        m_emptyMessage.isEmpty() ? tr("Run the experiment to see the map") : m_emptyMessage;
    QFont font = p.font();
    font.setPointSizeF(font.pointSizeF() * 1.25);
    p.setFont(font);
    p.setPen(QColor(0x6b, 0x70, 0x78));
    p.drawText(rect().adjusted(24, 24, -24, -24), Qt::AlignCenter | Qt::TextWordWrap, message);
}

void MapView::drawRing(QPainter& p, int point, QColor colour) const
{
    const double r = pointRadius();
    const QPointF c = pointPosition(point);
    p.setBrush(Qt::NoBrush);
    p.setPen(QPen(QColor(255, 255, 255, 235), 5.0));
    p.drawEllipse(c, r + 7.0, r + 7.0);
    p.setPen(QPen(colour, 2.5));
    p.drawEllipse(c, r + 7.0, r + 7.0);
    p.setPen(QPen(colour, 1.0));
    p.setBrush(classColour(classOf(point)));
    p.drawEllipse(c, r + 1.0, r + 1.0);
}

void MapView::drawOverlay(QPainter& p, bool interactive)
{
    p.setRenderHint(QPainter::Antialiasing);
    const double r = pointRadius();
    drawPath(p);

    // The track in the details panel, then the playing one on top (often the same track:
    // both rings then show, the playing one inside the other).
    if (m_marked >= 0) {
        const QPointF c = pointPosition(m_marked);
        p.setBrush(Qt::NoBrush);
        p.setPen(QPen(QColor(255, 255, 255, 235), 5.0));
        p.drawEllipse(c, r + 11.0, r + 11.0);
        p.setPen(QPen(MarkRing, 2.0, Qt::SolidLine));
        p.drawEllipse(c, r + 11.0, r + 11.0);
    }
    if (m_playing >= 0)
        drawRing(p, m_playing, PlayingRing);
    if (!interactive) {
        drawCaption(p, false);
        return;
    }

    if (m_hover >= 0) {
        // Enlarged, with a white halo and a thin dark ring so it reads on any cluster.
        const QPointF c = pointPosition(m_hover);
        const QColor colour = classColour(classOf(m_hover));
        const double hr = std::max(r * 1.8, r + 2.5);
        p.setBrush(Qt::NoBrush);
        p.setPen(QPen(QColor(0x1b, 0x1f, 0x24, 190), 1.0));
        p.drawEllipse(c, hr + 2.3, hr + 2.3);
        p.setPen(QPen(QColor(255, 255, 255), 2.4));
        p.drawEllipse(c, hr + 1.0, hr + 1.0);
        p.setPen(QPen(colour.darker(190), 1.0));
        p.setBrush(colour);
        p.drawEllipse(c, hr, hr);
    }

    if (m_drag == Drag::Lasso && m_lasso.size() > 1) {
        QColor fill = LassoColour;
        fill.setAlpha(28);
        p.setBrush(fill);
        QPen pen(LassoColour, 1.4, Qt::DashLine);
        p.setPen(pen);
        QPainterPath path;
        path.addPolygon(m_lasso);
        path.closeSubpath();
        path.setFillRule(Qt::OddEvenFill);
        p.drawPath(path);
    }

    drawCaption(p, true);
}

void MapView::drawCaption(QPainter& p, bool hint)
{
    // Caption, counts and a hint, kept small and quiet.
    p.setRenderHint(QPainter::Antialiasing, false);
    QFont small = p.font();
    small.setPointSizeF(std::max(7.0, small.pointSizeF() * 0.9));
    p.setFont(small);
    const QRect inner = rect().adjusted(10, 6, -10, -6);
    if (!m_caption.isEmpty()) {
        QFont bold = small;
        bold.setBold(true);
        p.setFont(bold);
        p.setPen(CaptionText);
        p.drawText(inner, Qt::AlignLeft | Qt::AlignTop, m_caption);
        p.setFont(small);
    }
    const QLocale locale;
    QString counts = tr("%1 tracks").arg(locale.toString(pointCount()));
    if (m_selectedCount > 0)
        counts += tr(" · %1 selected").arg(locale.toString(m_selectedCount));
    if (m_highlightCount > 0)
        counts += tr(" · %1 found").arg(locale.toString(m_highlightCount));
    p.setPen(CaptionText);
    p.drawText(inner, Qt::AlignRight | Qt::AlignTop, counts);
    if (hint && width() > 420) {
        p.setPen(HintText);
        p.drawText(inner, Qt::AlignLeft | Qt::AlignBottom,
                   tr("Scroll to zoom · drag to pan · Shift+drag to select · F to fit"));
    }
    p.setPen(Frame);
    p.setBrush(Qt::NoBrush);
    p.drawRect(rect().adjusted(0, 0, -1, -1));
}

QImage MapView::renderImage(double dpr)
{
    QImage image;
    m_renderer->render(image, scene(), dpr, Background);
    QPainter p(&image);
    drawOverlay(p, false);
    return image;
}

bool MapView::saveImage(const QString& file, QString* error)
{
    const auto fail = [&](const QString& reason) {
        if (error)
            *error = tr("Cannot write %1: %2").arg(QDir::toNativeSeparators(file), reason);
        return false;
    };
    if (pointCount() == 0)
        return fail(tr("there is no map to save"));
    // Written next to the file and moved into place, so a failed save leaves no half file.
    QSaveFile out(file);
    if (!out.open(QIODevice::WriteOnly))
        return fail(out.errorString());
    if (file.endsWith(QStringLiteral(".svg"), Qt::CaseInsensitive)) {
        QSvgGenerator svg;
        svg.setOutputDevice(&out);
        svg.setSize(size());
        svg.setViewBox(QRect(QPoint(0, 0), size()));
        svg.setTitle(m_caption.isEmpty() ? tr("MusicAtlas map") : m_caption);
        svg.setDescription(counted(pointCount(), tr("1 track"), tr("%1 tracks")));
        QPainter p;
        if (!p.begin(&svg))
            return fail(tr("the SVG writer did not start"));
        m_renderer->paint(p, scene(), Background);
        drawOverlay(p, false);
        p.end();
    } else if (!renderImage(2.0).save(&out, "PNG")) {
        out.cancelWriting();
        return fail(tr("the PNG encoder failed"));
    }
    if (!out.commit())
        return fail(out.errorString());
    return true;
}

void MapView::setHover(int point, QPoint globalPos)
{
    if (point == m_hover)
        return;
    m_hover = point;
    m_hoverText = (point >= 0 && m_tooltip) ? m_tooltip(point) : QString();
    if (m_hoverText.isEmpty())
        QToolTip::hideText();
    else
        QToolTip::showText(globalPos, m_hoverText, this);
    update();
    emit hovered(point);
}

void MapView::mousePressEvent(QMouseEvent* event)
{
    if (event->button() != Qt::LeftButton) {
        QWidget::mousePressEvent(event);
        return;
    }
    setFocus(Qt::MouseFocusReason);
    m_pressPos = m_lastPos = event->position();
    if ((event->modifiers() & Qt::ShiftModifier) || m_lassoMode) {
        m_drag = Drag::Lasso;
        m_lassoAdd = event->modifiers() & Qt::ControlModifier;
        m_lasso = QPolygonF{m_pressPos};
        setHover(-1, {});
    } else {
        m_drag = Drag::Pending;
    }
}

void MapView::mouseMoveEvent(QMouseEvent* event)
{
    const QPointF pos = event->position();
    switch (m_drag) {
    case Drag::Pending:
        if ((pos - m_pressPos).manhattanLength() < QApplication::startDragDistance())
            return;
        m_drag = Drag::Pan;
        setHover(-1, {});
        setCursor(Qt::ClosedHandCursor);
        [[fallthrough]];
    case Drag::Pan:
        panBy(pos - m_lastPos);
        m_lastPos = pos;
        emit viewChangedByUser();
        return;
    case Drag::Lasso:
        if (QLineF(m_lasso.back(), pos).length() >= 2.0) {
            m_lasso.append(pos);
            update();
        }
        return;
    case Drag::None:
        setHover(pointAt(pos), event->globalPosition().toPoint());
        return;
    }
}

void MapView::mouseReleaseEvent(QMouseEvent* event)
{
    if (event->button() != Qt::LeftButton) {
        QWidget::mouseReleaseEvent(event);
        return;
    }
    const Drag drag = m_drag;
    m_drag = Drag::None;
    setCursor(Qt::CrossCursor);
    if (drag == Drag::Pending) {
        const int point = pointAt(event->position());
        if (point >= 0 && (event->modifiers() & Qt::ControlModifier)) {
            QList<int> next = selection();
            if (m_selected[std::size_t(point)])
                next.removeOne(point);
            else
                next.append(point);
            setSelection(next);
        } else if (point >= 0) {
            emit pointClicked(point);
        }
    } else if (drag == Drag::Lasso) {
        m_lasso.append(event->position());
        finishLasso(m_lassoAdd);
    }
}

void MapView::finishLasso(bool add)
{
    const QPolygonF lasso = std::exchange(m_lasso, {});
    update();
    if (lasso.size() < 3)
        return;
    std::vector<PolygonVertex> polygon;
    polygon.reserve(std::size_t(lasso.size()));
    for (const QPointF& v : lasso) {
        const QPointF m = toMap(v);
        polygon.push_back({m.x(), m.y()});
    }
    const std::vector<int> inside = index().inPolygon(polygon, m_pickMask);
    QList<int> next = add ? selection() : QList<int>();
    next.reserve(next.size() + qsizetype(inside.size()));
    for (int i : inside)
        next.append(i);
    setSelection(next);
}

void MapView::wheelEvent(QWheelEvent* event)
{
    const int delta = event->angleDelta().y();
    if (delta == 0) {
        event->ignore();
        return;
    }
    // One notch (120) zooms by 20 %.
    zoomBy(std::pow(1.2, delta / 120.0), event->position());
    setHover(pointAt(event->position()), event->globalPosition().toPoint());
    emit viewChangedByUser();
    event->accept();
}

void MapView::keyPressEvent(QKeyEvent* event)
{
    if (event->matches(QKeySequence::Undo)) {
        undoSelection();
        return;
    }
    switch (event->key()) {
    case Qt::Key_F:
    case Qt::Key_Home:
        fitAll();
        return;
    case Qt::Key_Escape:
        if (m_drag == Drag::Lasso) {
            m_drag = Drag::None;
            m_lasso.clear();
            update();
        } else {
            clearSelection();
        }
        return;
    case Qt::Key_Plus:
    case Qt::Key_Equal:
        zoomBy(1.25, rect().center());
        emit viewChangedByUser();
        return;
    case Qt::Key_Minus:
        zoomBy(0.8, rect().center());
        emit viewChangedByUser();
        return;
    default:
        QWidget::keyPressEvent(event);
    }
}

void MapView::leaveEvent(QEvent* event)
{
    if (m_drag == Drag::None)
        setHover(-1, {});
    QWidget::leaveEvent(event);
}

void MapView::contextMenuEvent(QContextMenuEvent* event)
{
    const int point = event->reason() == QContextMenuEvent::Mouse ? pointAt(event->pos()) : m_hover;
    emit contextMenuRequested(point, event->globalPos());
    event->accept();
}

void MapView::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    if (!m_userView)
        fitAll();
    invalidateLayer();
}

} // namespace atlas::ui
