// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/types.h"

#include <cstdint>
#include <vector>

namespace atlas {

/// A vertex of a query polygon (map coordinates).
struct PolygonVertex {
    double x = 0.0;
    double y = 0.0;
};

/// Even-odd (crossing number) test of point (x, y) against a closed polygon given by its
/// vertices in order; the last vertex connects back to the first, and self-intersections are
/// allowed (a bow-tie's two lobes are both inside). A polygon with fewer than three vertices,
/// or whose vertices all lie on one line, has no inside. Points exactly on an edge may fall
/// either way. Thread-safe (pure function).
bool insidePolygon(double x, double y, const std::vector<PolygonVertex>& polygon);

/// Bounding box of the rows of an n x 2 matrix whose coordinates are both finite.
struct PointBounds {
    int finite = 0;   ///< rows counted; the box is all zero when there are none
    double minX = 0.0, minY = 0.0, maxX = 0.0, maxY = 0.0;
};
/// The finite rows' bounding box of `xy` (n x 2; any other column count gives none), O(n).
PointBounds finiteBounds(const Matrix& xy);

/// A static 2-D spatial index over the rows of an n x 2 matrix (a t-SNE or UMAP map) for
/// picking and selection in the map view.
///
/// The points are bucketed into a uniform grid over their bounding box with about four
/// points per cell on average, stored cell by cell (compressed rows), so a query reads only
/// the cells its region overlaps. Building costs O(n) time and memory; a radius or rectangle
/// query costs O(cells overlapped + points in them).
///
/// Rows with a non-finite coordinate are kept out of the index and are never returned.
/// Queries take an optional visibility mask (`visible[i] != 0` means row i may be returned;
/// it must then have size() entries, or is ignored when empty). All queries are const and
/// may run concurrently; the index keeps its own copy of the coordinates.
class PointIndex {
public:
    /// An empty index: every query returns nothing.
    PointIndex() = default;
    /// Indexes the rows of `xy` (n x 2; any other column count gives an empty index).
    explicit PointIndex(const Matrix& xy);

    /// Number of rows of the indexed matrix (non-finite rows included).
    int size() const { return m_rows; }
    /// Number of rows with finite coordinates (the ones queries can return).
    int indexedCount() const { return int(m_order.size()); }

    /// Bounding box of the finite rows; all zero when there are none.
    double minX() const { return m_minX; }
    double minY() const { return m_minY; }
    double maxX() const { return m_maxX; }
    double maxY() const { return m_maxY; }

    /// The row nearest to (x, y) with Euclidean distance <= radius, or -1 when there is none.
    /// Ties are broken by the lower row index. radius < 0 gives -1.
    int nearest(double x, double y, double radius,
                const std::vector<std::uint8_t>& visible = {}) const;

    /// Every row with xMin <= x <= xMax and yMin <= y <= yMax, in ascending row order. The
    /// corners may be given in any order.
    std::vector<int> inRectangle(double xMin, double yMin, double xMax, double yMax,
                                 const std::vector<std::uint8_t>& visible = {}) const;

    /// Every row inside `polygon` by insidePolygon() (even-odd rule), ascending. A lasso.
    std::vector<int> inPolygon(const std::vector<PolygonVertex>& polygon,
                               const std::vector<std::uint8_t>& visible = {}) const;

private:
    // Inclusive cell range covering [lo, hi] along one axis, clamped to the grid.
    void cellRange(double lo, double hi, double origin, double inverseCell, int cells,
                   int& first, int& last) const;
    bool isVisible(int row, const std::vector<std::uint8_t>& visible) const;
    // Calls visit(slot) for every indexed slot in the grid cells overlapping the box; the
    // caller applies the exact test.
    template <class Visit>
    void forEachSlot(double xMin, double yMin, double xMax, double yMax, Visit&& visit) const;

    int m_rows = 0;
    int m_cellsX = 0;
    int m_cellsY = 0;
    double m_minX = 0.0;
    double m_minY = 0.0;
    double m_maxX = 0.0;
    double m_maxY = 0.0;
    double m_inverseCellX = 0.0;
    double m_inverseCellY = 0.0;
    std::vector<int> m_cellStart;    // (cellsX * cellsY + 1) offsets into m_order
    std::vector<int> m_order;        // row indices, grouped by cell, ascending within a cell
    std::vector<double> m_x;         // coordinates in m_order's order (cache-friendly scans)
    std::vector<double> m_y;
};

} // namespace atlas
