// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/map/map_view.h"

#include "ui/figures/palette.h"

#include <QApplication>
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
#include <system_error>
#include <thread>

namespace atlas::ui {

namespace {

const QColor Background(0xfb, 0xfb, 0xfc);
const QColor Frame(0xe2, 0xe4, 0xe8);
const QColor NeutralPoint(0x4c, 0x6e, 0xa8);
const QColor SelectionRing(0x1b, 0x1f, 0x24);
const QColor PlayingRing(0xe8, 0x59, 0x0c);
const QColor LassoColour(0x1f, 0x77, 0xb4);
const QColor CaptionText(0x50, 0x55, 0x5c);
const QColor HintText(0x9a, 0x9f, 0xa6);

constexpr double PickSlack = 4.0;      // logical px beyond the drawn radius that still pick
constexpr double FitMargin = 24.0;     // logical px around the fitted points
constexpr double MinScale = 1e-12;

// Qt's BYTE_MUL: every channel of premultiplied x times a / 255, two channels per multiply.
inline quint32 byteMul(quint32 x, quint32 a)
{
    quint32 t = (x & 0xff00ffu) * a;
    t = (t + ((t >> 8) & 0xff00ffu) + 0x800080u) >> 8;
    t &= 0xff00ffu;
    x = ((x >> 8) & 0xff00ffu) * a;
    x = (x + ((x >> 8) & 0xff00ffu) + 0x800080u);
    x &= 0xff00ff00u;
    return x | t;
}

// Draw categories, back to front.
enum Style : std::uint8_t { Ghost, Dimmed, Normal, Emphasised, Selected, StyleCount };

} // namespace

/// Pre-rendered point images: one per class colour and style, in device pixels.
struct MapView::Sprites {
    struct Sprite {
        QImage image;   // ARGB32 premultiplied, square, odd size
        int half = 0;   // centre pixel offset
        std::vector<std::pair<int, int>> spans;   // per row: [first, last) visible column
    };
    double dpr = 0.0;
    double radius = 0.0;     // logical px of a normal point
    double fillAlpha = 1.0;
    std::vector<std::array<Sprite, StyleCount>> perColour;   // [0] = noise, [c + 1] = class c

    static Sprite make(double dpr, double radius, QColor fill, QColor outline, double outlineWidth,
                       QColor ring = {}, double ringRadius = 0.0, double ringWidth = 0.0)
    {
        const double extent = std::max(radius + outlineWidth, ringRadius + ringWidth) * dpr;
        Sprite s;
        s.half = int(std::ceil(extent)) + 1;
        const int size = 2 * s.half + 1;
        s.image = QImage(size, size, QImage::Format_ARGB32_Premultiplied);
        s.image.fill(Qt::transparent);
        QPainter p(&s.image);
        p.setRenderHint(QPainter::Antialiasing);
        const QPointF c(s.half + 0.5, s.half + 0.5);
        if (ring.isValid() && ringRadius > 0.0) {
            p.setPen(QPen(QColor(255, 255, 255, 230), (ringWidth + 1.5) * dpr));
            p.setBrush(Qt::NoBrush);
            p.drawEllipse(c, ringRadius * dpr, ringRadius * dpr);
            p.setPen(QPen(ring, ringWidth * dpr));
            p.drawEllipse(c, ringRadius * dpr, ringRadius * dpr);
        }
        p.setBrush(fill);
        p.setPen(outlineWidth > 0.0 ? QPen(outline, outlineWidth * dpr) : QPen(Qt::NoPen));
        p.drawEllipse(c, radius * dpr, radius * dpr);
        p.end();
        // Per row, the columns that are not fully transparent.
        s.spans.resize(std::size_t(size));
        for (int y = 0; y < size; ++y) {
            const quint32* row = reinterpret_cast<const quint32*>(s.image.constScanLine(y));
            int first = 0, last = size;
            while (first < size && (row[first] >> 24) == 0)
                ++first;
            while (last > first && (row[last - 1] >> 24) == 0)
                --last;
            s.spans[std::size_t(y)] = {first, last};
        }
        return s;
    }
};

MapView::MapView(QWidget* parent) : QWidget(parent)
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
    const int oldCount = pointCount();
    m_xy = std::move(xy);
    const int n = pointCount();
    m_index = m_xy ? PointIndex(*m_xy) : PointIndex();
    if (n != oldCount) {
        // A different collection: per-point state no longer applies.
        m_class.clear();
        m_selected.assign(std::size_t(n), 0);
        m_highlighted.assign(std::size_t(n), 0);
        m_selectedCount = m_highlightCount = 0;
        m_playing = -1;
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
    m_sprites.reset();
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
    m_selected = std::move(next);
    m_selectedCount = int(std::count(m_selected.begin(), m_selected.end(), 1));
    invalidateLayer();
    emit selectionChanged(selection());
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
    return m_index.nearest(m.x(), m.y(), radius, m_pickMask);
}

QRectF MapView::mapBounds() const
{
    if (m_index.indexedCount() == 0)
        return {};
    return QRectF(QPointF(m_index.minX(), m_index.minY()), QPointF(m_index.maxX(), m_index.maxY()));
}

void MapView::fitWithHeadroom(double headroom)
{
    m_layerValid = false;
    if (m_index.indexedCount() == 0) {
        m_scale = 1.0;
        m_mapCentre = {};
        update();
        return;
    }
    const double w = m_index.maxX() - m_index.minX();
    const double h = m_index.maxY() - m_index.minY();
    m_mapCentre = {(m_index.minX() + m_index.maxX()) / 2.0,
                   (m_index.minY() + m_index.maxY()) / 2.0};
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
    m_userView = false;
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

void MapView::rebuildSprites()
{
    const double dpr = devicePixelRatioF();
    const double radius = pointRadius();
    if (m_sprites && m_sprites->dpr == dpr && m_sprites->radius == radius)
        return;
    auto sprites = std::make_unique<Sprites>();
    sprites->dpr = dpr;
    sprites->radius = radius;
    const int n = pointCount();
    // Translucent fill on dense maps, so that density still reads where points overlap.
    const int alpha = n <= 2000 ? 235 : n <= 20000 ? 215 : 190;
    const double outline = radius >= 3.0 ? 0.9 : 0.7;
    const QColor ghost(0xc8, 0xcb, 0xd0, 70);
    for (int c = -1; c < m_classNames.size(); ++c) {
        const QColor base = classColour(c);
        QColor fill = base;
        fill.setAlpha(alpha);
        QColor edge = base.darker(165);
        edge.setAlpha(n <= 20000 ? 200 : 150);
        QColor dim = QColor::fromRgbF(
            float(base.redF() * 0.3 + Background.redF() * 0.7),
            float(base.greenF() * 0.3 + Background.greenF() * 0.7),
            float(base.blueF() * 0.3 + Background.blueF() * 0.7), 0.7f);
        std::array<Sprites::Sprite, StyleCount> set;
        set[Ghost] = Sprites::make(dpr, radius * 0.75, ghost, {}, 0.0);
        set[Dimmed] = Sprites::make(dpr, radius, dim, {}, 0.0);
        set[Normal] = Sprites::make(dpr, radius, fill, edge, outline);
        set[Emphasised] = Sprites::make(dpr, radius + 1.5, base, base.darker(220), 1.2);
        set[Selected] = Sprites::make(dpr, radius + 0.5, base, base.darker(200), 1.0,
                                      SelectionRing, radius + 3.0, 1.4);
        sprites->perColour.push_back(std::move(set));
    }
    m_sprites = std::move(sprites);
}

void MapView::renderLayer()
{
    const double dpr = devicePixelRatioF();
    const QSize device(int(std::ceil(width() * dpr)), int(std::ceil(height() * dpr)));
    if (m_layer.size() != device || m_layer.format() != QImage::Format_ARGB32_Premultiplied)
        m_layer = QImage(device, QImage::Format_ARGB32_Premultiplied);
    m_layer.setDevicePixelRatio(dpr);
    m_layer.fill(Background);
    m_layerValid = true;
    const int n = pointCount();
    if (n == 0 || device.isEmpty())
        return;
    rebuildSprites();

    // Style and device position of every point, then a counting sort by (style, layer,
    // screen tile): styles are drawn back to front, and within a style tile by tile, so the
    // writes stay in cache (drawing 100,000 points in their scattered order is memory-bound).
    // Sorting all points by tile would let every tile cover its neighbours' edges and show
    // the tile grid as seams in dense clusters; so the draw order is cut into layers of a few
    // thousand points (sparse enough to rarely overlap among themselves), each sorted on a
    // tile grid shifted by a different offset.
    const bool anyHighlight = m_highlightCount > 0;
    const Matrix& xy = *m_xy;
    const double sx = m_scale * dpr;
    const double ox = (width() / 2.0) * dpr - sx * m_mapCentre.x();
    const double oy = (height() / 2.0) * dpr + sx * m_mapCentre.y();
    const int dw = device.width(), dh = device.height();
    constexpr int TileShift = 5;   // 32 x 32 device pixels
    constexpr int PointsPerLayer = 8192;
    const int tilesX = (dw >> TileShift) + 2, tilesY = (dh >> TileShift) + 2;
    const int tiles = tilesX * tilesY;
    const int layers = std::clamp(n / PointsPerLayer, 1, 16);
    const int layerSize = (n + layers - 1) / layers;
    const int margin = 2 * int(std::ceil((pointRadius() + 6.0) * dpr));
    const int bucketsPerStyle = layers * tiles;

    m_scratchKey.resize(std::size_t(n));
    m_scratchPoints.resize(std::size_t(n));
    m_scratchSorted.resize(std::size_t(n));
    m_scratchStart.assign(std::size_t(StyleCount) * std::size_t(bucketsPerStyle) + 1, 0);
    int kept = 0;
    for (int k = 0; k < n; ++k) {
        const int i = m_drawOrder[std::size_t(k)];
        const double px = ox + sx * xy(i, 0);
        const double py = oy - sx * xy(i, 1);
        if (!(px > -margin && px < dw + margin && py > -margin && py < dh + margin))
            continue;   // off screen (or not finite)
        const int c = classOf(i);
        Style style = Normal;
        if (!m_classVisible[std::size_t(c + 1)])
            style = Ghost;
        else if (m_selected[std::size_t(i)])
            style = Selected;
        else if (anyHighlight)
            style = m_highlighted[std::size_t(i)] ? Emphasised : Dimmed;
        const int layer = k / layerSize;
        const int shiftX = (layer * 13) & 31, shiftY = (layer * 21) & 31;
        const int tx = std::clamp((int(px) + shiftX) >> TileShift, 0, tilesX - 1);
        const int ty = std::clamp((int(py) + shiftY) >> TileShift, 0, tilesY - 1);
        const int key = style * bucketsPerStyle + layer * tiles + ty * tilesX + tx;
        m_scratchKey[std::size_t(kept)] = key;
        m_scratchPoints[std::size_t(kept)] = {float(px), float(py), c + 1, 0};
        ++m_scratchStart[std::size_t(key) + 1];
        ++kept;
    }
    for (std::size_t k = 1; k < m_scratchStart.size(); ++k)
        m_scratchStart[k] += m_scratchStart[k - 1];
    for (int j = 0; j < kept; ++j)
        m_scratchSorted[std::size_t(m_scratchStart[std::size_t(m_scratchKey[std::size_t(j)])]++)] =
            m_scratchPoints[std::size_t(j)];

    // The style of each sorted slot, from the bucket bounds (m_scratchStart[k] is now the
    // end of bucket k).
    for (int j = 0, key = 0; j < kept; ++j) {
        while (j >= m_scratchStart[std::size_t(key)])
            ++key;
        m_scratchSorted[std::size_t(j)].style = key / bucketsPerStyle;
    }

    // Composite in horizontal bands, one per thread on big maps; every band walks the
    // points in the same order, so each pixel sees the same blends as in one pass.
    uchar* bits = m_layer.bits();
    const qsizetype stride = m_layer.bytesPerLine();
    const auto composite = [&](int bandTop, int bandBottom) {
        for (int j = 0; j < kept; ++j) {
            const ScreenPoint& point = m_scratchSorted[std::size_t(j)];
            const Sprites::Sprite& sprite =
                m_sprites->perColour[std::size_t(point.colour)][std::size_t(point.style)];
            const int h = sprite.half;
            const int y0 = int(std::floor(point.y)) - h;
            const int size = sprite.image.width();
            const int syBegin = std::max(0, bandTop - y0), syEnd = std::min(size, bandBottom - y0);
            if (syBegin >= syEnd)
                continue;
            const int x0 = int(std::floor(point.x)) - h;
            const uchar* spriteBits = sprite.image.constBits();
            const qsizetype spriteStride = sprite.image.bytesPerLine();
            for (int sy = syBegin; sy < syEnd; ++sy) {
                const auto [spanBegin, spanEnd] = sprite.spans[std::size_t(sy)];
                const int sxBegin = std::max(spanBegin, -x0), sxEnd = std::min(spanEnd, dw - x0);
                const quint32* src = reinterpret_cast<const quint32*>(spriteBits + sy * spriteStride);
                quint32* dst = reinterpret_cast<quint32*>(bits + (y0 + sy) * stride) + x0;
                for (int sxp = sxBegin; sxp < sxEnd; ++sxp) {
                    const quint32 s = src[sxp];
                    const quint32 a = s >> 24;
                    dst[sxp] = a == 255 ? s : s + byteMul(dst[sxp], 255 - a);
                }
            }
        }
    };
    constexpr int PointsPerBand = 25000;
    const int bands = std::clamp(
        std::min<int>(kept / PointsPerBand, int(std::thread::hardware_concurrency())), 1, 4);
    if (bands == 1) {
        composite(0, dh);
        return;
    }
    std::vector<std::thread> helpers;
    const int bandHeight = (dh + bands - 1) / bands;
    int band = 1;
    for (; band < bands; ++band) {
        try {
            helpers.emplace_back(composite, band * bandHeight,
                                 std::min(dh, (band + 1) * bandHeight));
        } catch (const std::system_error&) {
            break;   // no thread to be had: the remaining bands are drawn here
        }
    }
    composite(0, bandHeight);
    if (band < bands)
        composite(band * bandHeight, dh);
    for (std::thread& t : helpers)
        t.join();
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
    drawOverlay(p);
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

void MapView::drawOverlay(QPainter& p)
{
    p.setRenderHint(QPainter::Antialiasing);
    const double r = pointRadius();

    if (m_playing >= 0) {
        const QPointF c = pointPosition(m_playing);
        p.setBrush(Qt::NoBrush);
        p.setPen(QPen(QColor(255, 255, 255, 235), 5.0));
        p.drawEllipse(c, r + 7.0, r + 7.0);
        p.setPen(QPen(PlayingRing, 2.5));
        p.drawEllipse(c, r + 7.0, r + 7.0);
        p.setPen(QPen(PlayingRing, 1.0));
        p.setBrush(classColour(classOf(m_playing)));
        p.drawEllipse(c, r + 1.0, r + 1.0);
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
    if (width() > 420) {
        p.setPen(HintText);
        p.drawText(inner, Qt::AlignLeft | Qt::AlignBottom,
                   tr("Scroll to zoom · drag to pan · Shift+drag to select · F to fit"));
    }
    p.setPen(Frame);
    p.setBrush(Qt::NoBrush);
    p.drawRect(rect().adjusted(0, 0, -1, -1));
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
    const std::vector<int> inside = m_index.inPolygon(polygon, m_pickMask);
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

void MapView::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    if (!m_userView)
        fitAll();
    invalidateLayer();
}

} // namespace atlas::ui
