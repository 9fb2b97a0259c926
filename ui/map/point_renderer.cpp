// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/map/point_renderer.h"

#include <QPainter>

#include <algorithm>
#include <cmath>
#include <system_error>
#include <thread>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace atlas::ui {

namespace {

const QColor SelectionRing(0x1b, 0x1f, 0x24);

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

int pointCount(const PointScene& scene)
{
    return scene.xy ? int(scene.xy->rows()) : 0;
}

// Class and style of each point (PointRenderer::styleOf) with the scene's vectors looked up
// once, for the loops over every point.
struct SceneStyles {
    explicit SceneStyles(const PointScene& scene)
        : cls(scene.classOf && !scene.classOf->empty() ? scene.classOf->data() : nullptr),
          visible(scene.classVisible ? scene.classVisible->data() : nullptr),
          visibleCount(scene.classVisible ? scene.classVisible->size() : 0),
          selected(scene.selected ? scene.selected->data() : nullptr),
          selectedCount(scene.selected ? scene.selected->size() : 0),
          highlighted(scene.highlighted ? scene.highlighted->data() : nullptr),
          highlightedCount(scene.highlighted ? scene.highlighted->size() : 0),
          anyHighlight(scene.anyHighlight), smallUnclassified(scene.smallUnclassified)
    {
    }
    int classOf(int i) const { return cls ? cls[i] : -1; }
    /// The style of point i, of class c.
    PointRenderer::Style operator()(int i, int c) const
    {
        if (std::size_t(c + 1) < visibleCount && !visible[c + 1])
            return PointRenderer::Ghost;
        if (std::size_t(i) < selectedCount && selected[i])
            return PointRenderer::Selected;
        if (anyHighlight)
            return std::size_t(i) < highlightedCount && highlighted[i] ? PointRenderer::Emphasised
                                                                       : PointRenderer::Dimmed;
        if (c < 0 && smallUnclassified)
            return PointRenderer::Small;
        return PointRenderer::Normal;
    }

    const int* cls;
    const std::uint8_t* visible;
    std::size_t visibleCount;
    const std::uint8_t* selected;
    std::size_t selectedCount;
    const std::uint8_t* highlighted;
    std::size_t highlightedCount;
    bool anyHighlight, smallUnclassified;
};

// One circle of a style: radius, fill, outline and (selected) ring, in logical px.
struct CircleStyle {
    double radius = 0.0;
    QColor fill;
    QColor outline;
    double outlineWidth = 0.0;
    QColor ring;
    double ringRadius = 0.0;
    double ringWidth = 0.0;
};

CircleStyle circleStyle(PointRenderer::Style style, QColor base, int n, double radius,
                        QColor background)
{
    // Translucent fill on dense maps, so that density still reads where points overlap.
    const int alpha = n <= 2000 ? 235 : n <= 20000 ? 215 : 190;
    const double outline = radius >= 3.0 ? 0.9 : 0.7;
    switch (style) {
    case PointRenderer::Ghost:
        return {radius * 0.75, QColor(0xc8, 0xcb, 0xd0, 70), {}, 0.0, {}, 0.0, 0.0};
    case PointRenderer::Small:
        return {std::max(1.2, radius * 0.5), QColor(0xa8, 0xac, 0xb2, 170), {}, 0.0, {}, 0.0, 0.0};
    case PointRenderer::Dimmed:
        return {radius,
                QColor::fromRgbF(float(base.redF() * 0.3 + background.redF() * 0.7),
                                 float(base.greenF() * 0.3 + background.greenF() * 0.7),
                                 float(base.blueF() * 0.3 + background.blueF() * 0.7), 0.7f),
                {}, 0.0, {}, 0.0, 0.0};
    case PointRenderer::Normal: {
        QColor fill = base;
        fill.setAlpha(alpha);
        QColor edge = base.darker(165);
        edge.setAlpha(n <= 20000 ? 200 : 150);
        return {radius, fill, edge, outline, {}, 0.0, 0.0};
    }
    case PointRenderer::Emphasised:
        return {radius + 1.5, base, base.darker(220), 1.2, {}, 0.0, 0.0};
    case PointRenderer::Selected:
    case PointRenderer::StyleCount:
        break;
    }
    return {radius + 0.5, base, base.darker(200), 1.0, SelectionRing, radius + 3.0, 1.4};
}

void drawCircle(QPainter& p, QPointF c, const CircleStyle& s, double dpr)
{
    if (s.ring.isValid() && s.ringRadius > 0.0) {
        p.setPen(QPen(QColor(255, 255, 255, 230), (s.ringWidth + 1.5) * dpr));
        p.setBrush(Qt::NoBrush);
        p.drawEllipse(c, s.ringRadius * dpr, s.ringRadius * dpr);
        p.setPen(QPen(s.ring, s.ringWidth * dpr));
        p.drawEllipse(c, s.ringRadius * dpr, s.ringRadius * dpr);
    }
    p.setBrush(s.fill);
    p.setPen(s.outlineWidth > 0.0 ? QPen(s.outline, s.outlineWidth * dpr) : QPen(Qt::NoPen));
    p.drawEllipse(c, s.radius * dpr, s.radius * dpr);
}

} // namespace

namespace detail {

// One row of a sprite over the image: dst[x] = src[x] + byteMul(dst[x], 255 - alpha(src[x]))
// for x in [begin, end), the source-over blend of premultiplied pixels. Four pixels at a time
// where SSE2 is there, with the same arithmetic per channel (an opaque pixel replaces, a
// transparent one leaves dst alone), so the result is the scalar loop's bit for bit.
void blendRow(const quint32* src, quint32* dst, int begin, int end)
{
    int x = begin;
#if defined(__SSE2__)
    const __m128i zero = _mm_setzero_si128(), full = _mm_set1_epi32(255);
    const __m128i round = _mm_set1_epi16(0x80);
    for (; x + 4 <= end; x += 4) {
        const __m128i s = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + x));
        const __m128i d = _mm_loadu_si128(reinterpret_cast<const __m128i*>(dst + x));
        __m128i inv = _mm_sub_epi32(full, _mm_srli_epi32(s, 24));
        inv = _mm_or_si128(inv, _mm_slli_epi32(inv, 16));   // two 16-bit copies per pixel
        __m128i lo = _mm_mullo_epi16(_mm_unpacklo_epi8(d, zero), _mm_unpacklo_epi32(inv, inv));
        __m128i hi = _mm_mullo_epi16(_mm_unpackhi_epi8(d, zero), _mm_unpackhi_epi32(inv, inv));
        lo = _mm_srli_epi16(_mm_add_epi16(_mm_add_epi16(lo, _mm_srli_epi16(lo, 8)), round), 8);
        hi = _mm_srli_epi16(_mm_add_epi16(_mm_add_epi16(hi, _mm_srli_epi16(hi, 8)), round), 8);
        _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + x),
                         _mm_add_epi8(_mm_packus_epi16(lo, hi), s));
    }
#endif
    for (; x < end; ++x) {
        const quint32 sp = src[x];
        const quint32 a = sp >> 24;
        dst[x] = a == 255 ? sp : sp + byteMul(dst[x], 255 - a);
    }
}

} // namespace detail

/// Pre-rendered point images: one per class colour and style, in device pixels.
struct PointRenderer::Sprites {
    struct Sprite {
        QImage image;   // ARGB32 premultiplied, an odd square and 3 transparent columns
        int half = 0;   // centre pixel offset
        // Per row, the [first, last) columns to blend: the visible ones, widened to whole
        // groups of four pixels (blendRow).
        std::vector<std::pair<int, int>> spans;
        // The image's pixels and geometry in plain fields, for the compositor's inner loop
        // (not QImage's out-of-line accessors per point and band); set by rebuildSprites()
        // once the image is in its final place.
        const uchar* bits = nullptr;
        qsizetype stride = 0;
        int size = 0;
    };
    // What the sprites were made for.
    double dpr = 0.0;
    double radius = 0.0;
    int densityTier = -1;
    std::vector<QColor> colours;
    QColor background;
    std::vector<std::array<Sprite, StyleCount>> perColour;   // [0] = noise, [c + 1] = class c

    static Sprite make(double dpr, const CircleStyle& style)
    {
        const double extent =
            std::max(style.radius + style.outlineWidth, style.ringRadius + style.ringWidth) * dpr;
        Sprite s;
        s.half = int(std::ceil(extent)) + 1;
        const int size = 2 * s.half + 1;
        // Three transparent columns on the right, so that every row's span can be widened
        // to whole groups of four pixels for the compositor (see blendRow).
        s.image = QImage(size + 3, size, QImage::Format_ARGB32_Premultiplied);
        s.image.fill(Qt::transparent);
        QPainter p(&s.image);
        p.setRenderHint(QPainter::Antialiasing);
        drawCircle(p, QPointF(s.half + 0.5, s.half + 0.5), style, dpr);
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
            // Widened to whole groups of four pixels (into the transparent columns).
            if (last > first)
                last = first + (last - first + 3) / 4 * 4;
            s.spans[std::size_t(y)] = {first, last};
        }
        return s;
    }
};

PointRenderer::PointRenderer() = default;
PointRenderer::~PointRenderer() = default;

void PointRenderer::invalidate()
{
    m_sprites.reset();
}

PointRenderer::Style PointRenderer::styleOf(const PointScene& scene, int i)
{
    const SceneStyles styles(scene);
    return styles(i, styles.classOf(i));
}

void PointRenderer::rebuildSprites(const PointScene& scene, double dpr, QColor background)
{
    const int n = pointCount(scene);
    const int tier = n <= 2000 ? 0 : n <= 20000 ? 1 : 2;
    if (m_sprites && m_sprites->dpr == dpr && m_sprites->radius == scene.radius &&
        m_sprites->densityTier == tier && m_sprites->colours == scene.colours &&
        m_sprites->background == background)
        return;
    auto sprites = std::make_unique<Sprites>();
    sprites->dpr = dpr;
    sprites->radius = scene.radius;
    sprites->densityTier = tier;
    sprites->colours = scene.colours;
    sprites->background = background;
    for (const QColor& base : scene.colours) {
        std::array<Sprites::Sprite, StyleCount> set;
        for (int s = 0; s < StyleCount; ++s)
            set[std::size_t(s)] =
                Sprites::make(dpr, circleStyle(Style(s), base, n, scene.radius, background));
        sprites->perColour.push_back(std::move(set));
    }
    for (auto& set : sprites->perColour)
        for (Sprites::Sprite& sprite : set) {
            sprite.bits = sprite.image.constBits();
            sprite.stride = sprite.image.bytesPerLine();
            sprite.size = sprite.image.height();   // rows; the image has 3 more columns
        }
    m_sprites = std::move(sprites);
}

void PointRenderer::render(QImage& target, const PointScene& scene, double dpr, QColor background)
{
    const QSize device(int(std::ceil(scene.size.width() * dpr)),
                       int(std::ceil(scene.size.height() * dpr)));
    if (target.size() != device || target.format() != QImage::Format_ARGB32_Premultiplied)
        target = QImage(device, QImage::Format_ARGB32_Premultiplied);
    target.setDevicePixelRatio(dpr);
    target.fill(background);
    const int n = pointCount(scene);
    if (n == 0 || device.isEmpty() || scene.colours.empty())
        return;
    rebuildSprites(scene, dpr, background);

    // Style and device position of every point, then a counting sort by (style, layer,
    // screen tile): styles are drawn back to front, and within a style tile by tile, so the
    // writes stay in cache (drawing 100,000 points in their scattered order is memory-bound).
    // Sorting all points by tile would let every tile cover its neighbours' edges and show
    // the tile grid as seams in dense clusters; so the draw order is cut into layers of a few
    // thousand points (sparse enough to rarely overlap among themselves), each sorted on a
    // tile grid shifted by a different offset.
    const Matrix& xy = *scene.xy;
    const std::vector<int>& order = *scene.drawOrder;
    const double sx = scene.scale * dpr;
    const double ox = (scene.size.width() / 2.0) * dpr - sx * scene.mapCentre.x();
    const double oy = (scene.size.height() / 2.0) * dpr + sx * scene.mapCentre.y();
    const int dw = device.width(), dh = device.height();
    constexpr int TileShift = 5;   // 32 x 32 device pixels
    constexpr int PointsPerLayer = 8192;
    const int tilesX = (dw >> TileShift) + 2, tilesY = (dh >> TileShift) + 2;
    const int tiles = tilesX * tilesY;
    const int layers = std::clamp(n / PointsPerLayer, 1, 16);
    const int layerSize = (n + layers - 1) / layers;
    const int margin = 2 * int(std::ceil((scene.radius + 6.0) * dpr));
    const int bucketsPerStyle = layers * tiles;
    const int colourCount = int(scene.colours.size());

    // Position, colour and style of every point, in index order (sequential reads of the
    // coordinates and per-point flags; in draw order they would be scattered reads, which
    // cost most of a 100,000-point render). Off-screen (or non-finite) points get style -1.
    m_scratchKey.resize(std::size_t(n));
    m_scratchPoints.resize(std::size_t(n));
    m_scratchSorted.resize(std::size_t(n));
    m_scratchByIndex.resize(std::size_t(n));
    m_scratchStart.assign(std::size_t(StyleCount) * std::size_t(bucketsPerStyle) + 1, 0);
    {
        const double* col0 = xy.data();
        const double* col1 = xy.data() + xy.rows();
        const SceneStyles styles(scene);
        const float lo = -float(margin), hiX = float(dw + margin), hiY = float(dh + margin);
        for (int i = 0; i < n; ++i) {
            const float px = float(ox + sx * col0[i]);
            const float py = float(oy - sx * col1[i]);
            ScreenPoint& sp = m_scratchByIndex[std::size_t(i)];
            sp.x = px;
            sp.y = py;
            if (!(px > lo && px < hiX && py > lo && py < hiY)) {
                sp.style = -1;   // off screen (or not finite)
                continue;
            }
            const int c = styles.classOf(i);
            sp.colour = std::clamp(c + 1, 0, colourCount - 1);
            sp.style = styles(i, c);
        }
    }
    // Then in draw order, the bucket of each point on screen.
    int kept = 0;
    constexpr int Ahead = 24;   // the draw order scatters these reads: fetch them early
    for (int k = 0; k < n; ++k) {
        if (k + Ahead < n)
            __builtin_prefetch(&m_scratchByIndex[std::size_t(order[std::size_t(k + Ahead)])]);
        const ScreenPoint& sp = m_scratchByIndex[std::size_t(order[std::size_t(k)])];
        if (sp.style < 0)
            continue;
        const int layer = k / layerSize;
        const int shiftX = (layer * 13) & 31, shiftY = (layer * 21) & 31;
        const int tx = std::clamp((int(sp.x) + shiftX) >> TileShift, 0, tilesX - 1);
        const int ty = std::clamp((int(sp.y) + shiftY) >> TileShift, 0, tilesY - 1);
        const int key = sp.style * bucketsPerStyle + layer * tiles + ty * tilesX + tx;
        m_scratchKey[std::size_t(kept)] = key;
        m_scratchPoints[std::size_t(kept)] = sp;
        ++m_scratchStart[std::size_t(key) + 1];
        ++kept;
    }
    for (std::size_t k = 1; k < m_scratchStart.size(); ++k)
        m_scratchStart[k] += m_scratchStart[k - 1];
    for (int j = 0; j < kept; ++j)
        m_scratchSorted[std::size_t(m_scratchStart[std::size_t(m_scratchKey[std::size_t(j)])]++)] =
            m_scratchPoints[std::size_t(j)];

    // Composite in horizontal bands, one per thread on big maps; every band walks the
    // points in the same order, so each pixel sees the same blends as in one pass.
    uchar* bits = target.bits();
    const qsizetype stride = target.bytesPerLine();
    const auto composite = [&](int bandTop, int bandBottom) {
        for (int j = 0; j < kept; ++j) {
            const ScreenPoint& point = m_scratchSorted[std::size_t(j)];
            const Sprites::Sprite& sprite =
                m_sprites->perColour[std::size_t(point.colour)][std::size_t(point.style)];
            const int y0 = int(std::floor(point.y)) - sprite.half;
            const int syBegin = std::max(0, bandTop - y0);
            const int syEnd = std::min(sprite.size, bandBottom - y0);
            if (syBegin >= syEnd)
                continue;
            const int x0 = int(std::floor(point.x)) - sprite.half;
            for (int sy = syBegin; sy < syEnd; ++sy) {
                const auto [spanBegin, spanEnd] = sprite.spans[std::size_t(sy)];
                const int sxBegin = std::max(spanBegin, -x0), sxEnd = std::min(spanEnd, dw - x0);
                const quint32* src =
                    reinterpret_cast<const quint32*>(sprite.bits + sy * sprite.stride);
                quint32* dst = reinterpret_cast<quint32*>(bits + (y0 + sy) * stride) + x0;
                detail::blendRow(src, dst, sxBegin, sxEnd);
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

void PointRenderer::paint(QPainter& painter, const PointScene& scene, QColor background) const
{
    const int n = pointCount(scene);
    painter.fillRect(QRectF(QPointF(0, 0), QSizeF(scene.size)), background);
    if (n == 0 || scene.colours.empty())
        return;
    const Matrix& xy = *scene.xy;
    const double ox = scene.size.width() / 2.0 - scene.scale * scene.mapCentre.x();
    const double oy = scene.size.height() / 2.0 + scene.scale * scene.mapCentre.y();
    const QRectF bounds = QRectF(QPointF(0, 0), QSizeF(scene.size))
                              .adjusted(-scene.radius - 6, -scene.radius - 6, scene.radius + 6,
                                        scene.radius + 6);
    const int colourCount = int(scene.colours.size());
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing);
    // Style by style, back to front, each in the view's draw order; only points in view.
    const SceneStyles styles(scene);
    for (int s = 0; s < StyleCount; ++s) {
        for (int k = 0; k < n; ++k) {
            const int i = (*scene.drawOrder)[std::size_t(k)];
            const int cls = styles.classOf(i);
            if (styles(i, cls) != s)
                continue;
            const QPointF c(ox + scene.scale * xy(i, 0), oy - scene.scale * xy(i, 1));
            if (!bounds.contains(c))
                continue;   // off the view (or not finite)
            const int colour = std::clamp(cls + 1, 0, colourCount - 1);
            drawCircle(painter, c,
                       circleStyle(Style(s), scene.colours[std::size_t(colour)], n, scene.radius,
                                   background),
                       1.0);
        }
    }
    painter.restore();
}

} // namespace atlas::ui
