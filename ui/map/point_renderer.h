// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/types.h"

#include <QColor>
#include <QImage>
#include <QPointF>
#include <QSize>

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

class QPainter;

namespace atlas::ui {

/// What the point renderer draws: the points of a map in one view. Every vector is indexed
/// by point (row of xy) unless said otherwise; the renderer only reads them during a call.
struct PointScene {
    const Matrix* xy = nullptr;                        ///< n x 2 map coordinates
    const std::vector<int>* drawOrder = nullptr;       ///< back-to-front order of the n points
    const std::vector<int>* classOf = nullptr;         ///< class per point, -1 = none; null/empty = all -1
    const std::vector<std::uint8_t>* classVisible = nullptr;   ///< [c + 1]: class c drawn (else a ghost)
    const std::vector<std::uint8_t>* selected = nullptr;       ///< per point, may be empty
    const std::vector<std::uint8_t>* highlighted = nullptr;    ///< per point, may be empty
    bool anyHighlight = false;   ///< a search is active: points not highlighted are dimmed
    std::vector<QColor> colours; ///< [c + 1]: the colour of class c; [0] = none/noise
    /// Draw the points of class -1 (DBSCAN noise) small and grey, behind the classes.
    bool smallUnclassified = false;
    double radius = 4.5;         ///< logical px of a normal point
    double scale = 1.0;          ///< logical px per map unit
    QPointF mapCentre;           ///< map coordinates at the centre of the view
    QSize size;                  ///< the view, logical px
};

/// Draws the points of a map: to an image through pre-rendered antialiased sprites (a filled
/// circle with a thin darker outline, one per colour and style, at the device pixel ratio),
/// and to any QPainter (an SVG file) as vector circles with the same colours, sizes and
/// back-to-front order.
///
/// Styles, back to front: ghosts (hidden classes), small grey noise points, dimmed (not found by an active search),
/// normal, emphasised (found), selected (a dark ring). A selected point keeps its selected
/// style while a search is active, so the selection stays in sight. Not thread-safe; the
/// image path itself composites bands in parallel on big maps.
class PointRenderer {
public:
    PointRenderer();
    ~PointRenderer();

    /// Forgets the sprites: call when the colours or the point count change.
    void invalidate();
    /// Fills `target` (ARGB32 premultiplied, device pixels = scene.size × dpr) with
    /// `background` and composites the points on it.
    void render(QImage& target, const PointScene& scene, double dpr, QColor background);
    /// Draws the points with `painter` as vector circles (for SVG export), in logical px.
    void paint(QPainter& painter, const PointScene& scene, QColor background) const;

    /// Back to front; Small = a point of class -1 drawn small and grey (smallUnclassified).
    enum Style : std::uint8_t { Ghost, Small, Dimmed, Normal, Emphasised, Selected, StyleCount };
    /// The style point `i` is drawn with.
    static Style styleOf(const PointScene& scene, int i);

private:
    struct Sprites;
    void rebuildSprites(const PointScene& scene, double dpr, QColor background);

    std::unique_ptr<Sprites> m_sprites;
    // Reused by render() to sort the points by style and screen tile.
    struct ScreenPoint {
        float x, y;   // device pixels
        int colour;   // class + 1
        int style;
    };
    std::vector<int> m_scratchKey, m_scratchStart;
    std::vector<ScreenPoint> m_scratchByIndex, m_scratchPoints, m_scratchSorted;
};

namespace detail {
/// The compositor's blend of one sprite row: dst[x] = src[x] over dst[x] for x in [begin, end),
/// premultiplied ARGB, with QPainter's source-over arithmetic (an opaque source replaces, a
/// transparent one leaves dst alone, otherwise src + dst (255 - alpha) / 255 rounded per
/// channel as Qt's BYTE_MUL does).
void blendRow(const quint32* src, quint32* dst, int begin, int end);
} // namespace detail

} // namespace atlas::ui
