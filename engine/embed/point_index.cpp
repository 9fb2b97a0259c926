// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/embed/point_index.h"

#include <algorithm>
#include <cmath>

namespace atlas {

namespace {

constexpr double PointsPerCell = 4.0;

// W. Randolph Franklin's crossing test (PNPOLY): a horizontal ray from the point crosses
// the boundary an odd number of times exactly when the point is inside (even-odd rule).
bool crossingTest(double x, double y, const std::vector<PolygonVertex>& polygon)
{
    bool inside = false;
    const std::size_t n = polygon.size();
    for (std::size_t i = 0, j = n - 1; i < n; j = i++) {
        const PolygonVertex& a = polygon[i];
        const PolygonVertex& b = polygon[j];
        if ((a.y > y) != (b.y > y) && x < (b.x - a.x) * (y - a.y) / (b.y - a.y) + a.x)
            inside = !inside;
    }
    return inside;
}

// A polygon with an inside: at least three vertices, not all on one line, all finite.
bool hasInterior(const std::vector<PolygonVertex>& polygon)
{
    if (polygon.size() < 3)
        return false;
    for (const PolygonVertex& v : polygon)
        if (!std::isfinite(v.x) || !std::isfinite(v.y))
            return false;
    const PolygonVertex& p0 = polygon.front();
    std::size_t k = 1;
    while (k < polygon.size() && polygon[k].x == p0.x && polygon[k].y == p0.y)
        ++k;
    if (k == polygon.size())
        return false;
    const double dx = polygon[k].x - p0.x;
    const double dy = polygon[k].y - p0.y;
    for (std::size_t i = k + 1; i < polygon.size(); ++i)
        if (dx * (polygon[i].y - p0.y) - dy * (polygon[i].x - p0.x) != 0.0)
            return true;
    return false;
}

bool finite2(double x, double y)
{
    return std::isfinite(x) && std::isfinite(y);
}

} // namespace

bool insidePolygon(double x, double y, const std::vector<PolygonVertex>& polygon)
{
    return hasInterior(polygon) && crossingTest(x, y, polygon);
}

PointBounds finiteBounds(const Matrix& xy)
{
    PointBounds b;
    if (xy.cols() != 2)
        return b;
    double x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
    for (Eigen::Index i = 0; i < xy.rows(); ++i) {
        const double x = xy(i, 0), y = xy(i, 1);
        if (!finite2(x, y))
            continue;
        ++b.finite;
        x0 = std::min(x0, x);
        y0 = std::min(y0, y);
        x1 = std::max(x1, x);
        y1 = std::max(y1, y);
    }
    if (b.finite > 0) {
        b.minX = x0;
        b.minY = y0;
        b.maxX = x1;
        b.maxY = y1;
    }
    return b;
}

PointIndex::PointIndex(const Matrix& xy)
{
    if (xy.cols() != 2 || xy.rows() == 0)
        return;
    m_rows = int(xy.rows());

    const PointBounds box = finiteBounds(xy);
    const int finite = box.finite;
    m_minX = box.minX;
    m_minY = box.minY;
    m_maxX = box.maxX;
    m_maxY = box.maxY;
    if (finite == 0)
        return;

    // Square-ish cells: split the target cell count in proportion to the box's sides. A
    // zero-width side (all points on a line or at one spot) gets one cell.
    const double width = m_maxX - m_minX;
    const double height = m_maxY - m_minY;
    const double cells = std::max(1.0, finite / PointsPerCell);
    if (width > 0.0 && height > 0.0) {
        const double aspect = width / height;
        m_cellsX = int(std::clamp(std::ceil(std::sqrt(cells * aspect)), 1.0, cells));
        m_cellsY = int(std::clamp(std::ceil(cells / m_cellsX), 1.0, cells));
    } else {
        m_cellsX = width > 0.0 ? int(cells) : 1;
        m_cellsY = height > 0.0 ? int(cells) : 1;
    }
    m_inverseCellX = width > 0.0 ? m_cellsX / width : 0.0;
    m_inverseCellY = height > 0.0 ? m_cellsY / height : 0.0;

    // Counting sort by cell; rows stay ascending within a cell.
    const int cellCount = m_cellsX * m_cellsY;
    std::vector<int> cellOf(std::size_t(m_rows), -1);
    m_cellStart.assign(std::size_t(cellCount) + 1, 0);
    for (int i = 0; i < m_rows; ++i) {
        const double x = xy(i, 0), y = xy(i, 1);
        if (!finite2(x, y))
            continue;
        const int cx = std::min(m_cellsX - 1, int((x - m_minX) * m_inverseCellX));
        const int cy = std::min(m_cellsY - 1, int((y - m_minY) * m_inverseCellY));
        cellOf[std::size_t(i)] = cy * m_cellsX + cx;
        ++m_cellStart[std::size_t(cellOf[std::size_t(i)]) + 1];
    }
    for (int c = 0; c < cellCount; ++c)
        m_cellStart[std::size_t(c) + 1] += m_cellStart[std::size_t(c)];
    std::vector<int> fill(m_cellStart.begin(), m_cellStart.end() - 1);
    m_order.resize(std::size_t(finite));
    m_x.resize(std::size_t(finite));
    m_y.resize(std::size_t(finite));
    for (int i = 0; i < m_rows; ++i) {
        const int c = cellOf[std::size_t(i)];
        if (c < 0)
            continue;
        const std::size_t slot = std::size_t(fill[std::size_t(c)]++);
        m_order[slot] = i;
        m_x[slot] = xy(i, 0);
        m_y[slot] = xy(i, 1);
    }
}

void PointIndex::cellRange(double lo, double hi, double origin, double inverseCell, int cells,
                           int& first, int& last) const
{
    if (inverseCell == 0.0) {
        // One cell along this axis; the exact coordinate test decides.
        first = 0;
        last = 0;
        return;
    }
    const double a = (lo - origin) * inverseCell;
    const double b = (hi - origin) * inverseCell;
    // A point at the upper edge sits in the last cell (index clamped when building).
    if (b < 0.0 || a > double(cells)) {
        first = 1;
        last = 0;
        return;
    }
    first = int(std::clamp(std::floor(a), 0.0, double(cells - 1)));
    last = int(std::clamp(std::floor(b), 0.0, double(cells - 1)));
}

bool PointIndex::isVisible(int row, const std::vector<std::uint8_t>& visible) const
{
    return visible.size() != std::size_t(m_rows) || visible[std::size_t(row)] != 0;
}

template <class Visit>
void PointIndex::forEachSlot(double xMin, double yMin, double xMax, double yMax,
                             Visit&& visit) const
{
    int x0, x1, y0, y1;
    cellRange(xMin, xMax, m_minX, m_inverseCellX, m_cellsX, x0, x1);
    cellRange(yMin, yMax, m_minY, m_inverseCellY, m_cellsY, y0, y1);
    for (int cy = y0; cy <= y1; ++cy) {
        for (int cx = x0; cx <= x1; ++cx) {
            const std::size_t cell = std::size_t(cy * m_cellsX + cx);
            for (int s = m_cellStart[cell]; s < m_cellStart[cell + 1]; ++s)
                visit(std::size_t(s));
        }
    }
}

int PointIndex::nearest(double x, double y, double radius,
                        const std::vector<std::uint8_t>& visible) const
{
    if (m_order.empty() || !finite2(x, y) || !(radius >= 0.0))
        return -1;
    int x0, x1, y0, y1;
    cellRange(x - radius, x + radius, m_minX, m_inverseCellX, m_cellsX, x0, x1);
    cellRange(y - radius, y + radius, m_minY, m_inverseCellY, m_cellsY, y0, y1);
    const double limit = radius * radius;
    double best = INFINITY;
    int bestRow = -1;
    for (int cy = y0; cy <= y1; ++cy) {
        for (int cx = x0; cx <= x1; ++cx) {
            const std::size_t cell = std::size_t(cy * m_cellsX + cx);
            for (int s = m_cellStart[cell]; s < m_cellStart[cell + 1]; ++s) {
                const double dx = m_x[std::size_t(s)] - x;
                const double dy = m_y[std::size_t(s)] - y;
                const double d2 = dx * dx + dy * dy;
                if (d2 > limit || d2 > best)
                    continue;
                const int row = m_order[std::size_t(s)];
                if ((d2 < best || row < bestRow) && isVisible(row, visible)) {
                    best = d2;
                    bestRow = row;
                }
            }
        }
    }
    return bestRow;
}

std::vector<int> PointIndex::inRectangle(double xMin, double yMin, double xMax, double yMax,
                                         const std::vector<std::uint8_t>& visible) const
{
    std::vector<int> out;
    if (xMin > xMax)
        std::swap(xMin, xMax);
    if (yMin > yMax)
        std::swap(yMin, yMax);
    if (m_order.empty() || std::isnan(xMin) || std::isnan(xMax) || std::isnan(yMin) ||
        std::isnan(yMax))
        return out;
    forEachSlot(xMin, yMin, xMax, yMax, [&](std::size_t s) {
        const double px = m_x[s], py = m_y[s];
        const int row = m_order[s];
        if (px >= xMin && px <= xMax && py >= yMin && py <= yMax && isVisible(row, visible))
            out.push_back(row);
    });
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<int> PointIndex::inPolygon(const std::vector<PolygonVertex>& polygon,
                                       const std::vector<std::uint8_t>& visible) const
{
    std::vector<int> out;
    if (m_order.empty() || !hasInterior(polygon))
        return out;
    double xMin = INFINITY, yMin = INFINITY, xMax = -INFINITY, yMax = -INFINITY;
    for (const PolygonVertex& v : polygon) {
        xMin = std::min(xMin, v.x);
        yMin = std::min(yMin, v.y);
        xMax = std::max(xMax, v.x);
        yMax = std::max(yMax, v.y);
    }
    forEachSlot(xMin, yMin, xMax, yMax, [&](std::size_t s) {
        const int row = m_order[s];
        if (crossingTest(m_x[s], m_y[s], polygon) && isVisible(row, visible))
            out.push_back(row);
    });
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace atlas
