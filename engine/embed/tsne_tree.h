// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The parts of t-SNE (engine/embed/tsne*.cpp) shared by the fit and the transform of new
// points: the perplexity-calibrated affinities and the Barnes-Hut quadtree. Internal to
// engine/embed.

#include "engine/core/types.h"

#include <algorithm>
#include <vector>

namespace atlas::detail {

/// Binary search for each point's precision beta = 1 / (2 sigma^2) so that the entropy of
/// its conditional distribution over its neighbours equals log(perplexity)
/// (sklearn _utils._binary_search_perplexity: 100 steps, tolerance 1e-5, nats).
/// sqDist: n x k squared distances to each point's k neighbours; returns the n x k
/// conditional probabilities, each row summing to 1.
Matrix conditionalP(const Matrix& sqDist, double perplexity);

/// Quadtree over a layout: the current one during a fit (rebuilt every iteration), the fixed
/// fitted map when new points are placed on it. A node is a cell of the recursive halving
/// of the (slightly enlarged) bounding box, as sklearn's _QuadTree; it stores the centre of
/// mass and count of its points. Children of a node are contiguous.
struct QuadNode {
    double cx, cy;     // centre of mass
    double width2;     // squared largest side of the cell
    int count;
    int firstChild;    // -1 for a leaf
    int children;
};

class QuadTree {
public:
    QuadTree() = default;
    explicit QuadTree(const Matrix& y) { build(y); }

    void build(const Matrix& y)
    {
        const int n = int(y.rows());
        m_nodes.clear();
        m_nodes.reserve(std::size_t(2 * n + 8));
        m_order.resize(std::size_t(n));
        m_leafOf.resize(std::size_t(n));
        for (int i = 0; i < n; ++i)
            m_order[std::size_t(i)] = i;
        double lo[2], hi[2];
        for (int d = 0; d < 2; ++d) {
            lo[d] = y.col(d).minCoeff();
            const double m = y.col(d).maxCoeff();
            // sklearn's root: max(max * (1 + 1e-3 sign(max)), max + 1e-3)
            const double sign = (m > 0) - (m < 0);
            hi[d] = std::max(m * (1.0 + 1e-3 * sign), m + 1e-3);
        }
        m_nodes.push_back({});
        buildNode(y, 0, 0, n, lo[0], lo[1], hi[0], hi[1], 0);
    }
    const std::vector<QuadNode>& nodes() const { return m_nodes; }
    const std::vector<int>& order() const { return m_order; }
    int leafOf(int i) const { return m_leafOf[std::size_t(i)]; }

private:
    void buildNode(const Matrix& y, int node, int begin, int end, double x0, double y0,
                   double x1, double y1, int depth)
    {
        double sx = 0.0, sy = 0.0;
        bool identical = true;
        const int first = m_order[std::size_t(begin)];
        for (int t = begin; t < end; ++t) {
            const int i = m_order[std::size_t(t)];
            sx += y(i, 0);
            sy += y(i, 1);
            identical = identical && y(i, 0) == y(first, 0) && y(i, 1) == y(first, 1);
        }
        const int count = end - begin;
        QuadNode& q = m_nodes[std::size_t(node)];
        q.cx = sx / count;
        q.cy = sy / count;
        const double w = std::max(x1 - x0, y1 - y0);
        q.width2 = w * w;
        q.count = count;
        q.firstChild = -1;
        q.children = 0;
        if (count == 1 || identical || depth >= 60) {
            for (int t = begin; t < end; ++t)
                m_leafOf[std::size_t(m_order[std::size_t(t)])] = node;
            return;
        }
        const double mx = 0.5 * (x0 + x1), my = 0.5 * (y0 + y1);
        // Partition into quadrants 0: (x<mx, y<my), 1: (x<mx, y>=my), 2: (x>=mx, y<my), 3: rest.
        auto* b = m_order.data() + begin;
        auto* e = m_order.data() + end;
        auto* splitX = std::partition(b, e, [&](int i) { return y(i, 0) < mx; });
        auto* splitA = std::partition(b, splitX, [&](int i) { return y(i, 1) < my; });
        auto* splitB = std::partition(splitX, e, [&](int i) { return y(i, 1) < my; });
        const int bounds[5] = {begin, int(splitA - m_order.data()), int(splitX - m_order.data()),
                               int(splitB - m_order.data()), end};
        int children = 0;
        for (int c = 0; c < 4; ++c)
            children += bounds[c + 1] > bounds[c];
        const int firstChild = int(m_nodes.size());
        m_nodes.resize(m_nodes.size() + std::size_t(children));
        m_nodes[std::size_t(node)].firstChild = firstChild;
        m_nodes[std::size_t(node)].children = children;
        int slot = firstChild;
        for (int c = 0; c < 4; ++c) {
            if (bounds[c + 1] == bounds[c])
                continue;
            const bool right = c >= 2, top = (c % 2) == 1;
            buildNode(y, slot++, bounds[c], bounds[c + 1], right ? mx : x0, top ? my : y0,
                      right ? x1 : mx, top ? y1 : my, depth + 1);
        }
    }

    std::vector<QuadNode> m_nodes;
    std::vector<int> m_order;
    std::vector<int> m_leafOf;
};

} // namespace atlas::detail
