// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/cluster/kd_tree.h"

#include <nanoflann.hpp>

#include <cmath>
#include <limits>

namespace atlas::detail {

namespace {

// nanoflann's view of the row-major copy.
struct Rows {
    const double* data = nullptr;
    std::size_t count = 0;
    std::size_t dim = 0;

    std::size_t kdtree_get_point_count() const { return count; }
    double kdtree_get_pt(std::size_t i, std::size_t d) const { return data[i * dim + d]; }
    template <class Box>
    bool kdtree_get_bbox(Box&) const
    {
        return false;
    }
};

// nanoflann 1.5 renamed SearchParams (Debian 12 ships 1.4.3).
#if NANOFLANN_VERSION >= 0x150
using SearchParams = nanoflann::SearchParameters;
#else
using SearchParams = nanoflann::SearchParams;
#endif

using Tree = nanoflann::KDTreeSingleIndexAdaptor<nanoflann::L2_Simple_Adaptor<double, Rows>, Rows,
                                                 -1, std::uint32_t>;

// nanoflann offers a candidate when its squared distance is < worstDist() and prunes a
// branch on a bound updated incrementally, which can round a few ulps above a leaf's own
// sum. So the search runs with a slightly larger radius and the result sets decide
// "distance <= radius" themselves.
double searchRadius(double radius2)
{
    return radius2 * (1.0 + 1e-9) + std::numeric_limits<double>::min();
}

class CountingSet {
public:
    CountingSet(double radius2, int cap)
        : m_radius2(radius2), m_worst(searchRadius(radius2)), m_cap(cap)
    {
    }
    void init() {}
    bool full() const { return true; }
    double worstDist() const { return m_worst; }
    bool addPoint(double dist, std::uint32_t)
    {
        if (dist > m_radius2)
            return true;
        return ++m_count < m_cap;
    }
    int count() const { return m_count; }

private:
    double m_radius2;
    double m_worst;
    int m_cap;
    int m_count = 0;
};

class CollectingSet {
public:
    CollectingSet(double radius2, std::vector<int>& out)
        : m_radius2(radius2), m_worst(searchRadius(radius2)), m_out(out)
    {
    }
    void init() {}
    bool full() const { return true; }
    double worstDist() const { return m_worst; }
    bool addPoint(double dist, std::uint32_t index)
    {
        if (dist <= m_radius2)
            m_out.push_back(int(index));
        return true;
    }

private:
    double m_radius2;
    double m_worst;
    std::vector<int>& m_out;
};

} // namespace

struct KdTree::Impl {
    std::vector<double> data;
    Rows rows;
    std::unique_ptr<Tree> tree;
};

KdTree::KdTree(const Matrix& X) : m_rows(X.rows()), m_impl(std::make_unique<Impl>())
{
    Impl& d = *m_impl;
    const std::size_t n = std::size_t(X.rows()), dim = std::size_t(X.cols());
    d.data.resize(n * dim);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t c = 0; c < dim; ++c)
            d.data[i * dim + c] = X(Eigen::Index(i), Eigen::Index(c));
    d.rows = Rows{d.data.data(), n, dim};
    d.tree = std::make_unique<Tree>(int(dim), d.rows,
                                    nanoflann::KDTreeSingleIndexAdaptorParams(16));
}

KdTree::~KdTree() = default;

int KdTree::countWithin(Eigen::Index i, double radius2, int cap) const
{
    CountingSet set(radius2, std::max(cap, 1));
    const Impl& d = *m_impl;
    d.tree->findNeighbors(set, &d.data[std::size_t(i) * d.rows.dim], SearchParams());
    return set.count();
}

void KdTree::within(Eigen::Index i, double radius2, std::vector<int>& out) const
{
    CollectingSet set(radius2, out);
    const Impl& d = *m_impl;
    d.tree->findNeighbors(set, &d.data[std::size_t(i) * d.rows.dim], SearchParams());
}

double KdTree::kthSquaredDistance(Eigen::Index i, int k) const
{
    const Impl& d = *m_impl;
    const std::size_t want = std::size_t(k) + 1;
    std::vector<std::uint32_t> index(want);
    std::vector<double> dist(want);
    nanoflann::KNNResultSet<double, std::uint32_t> set(want);
    set.init(index.data(), dist.data());
    d.tree->findNeighbors(set, &d.data[std::size_t(i) * d.rows.dim], SearchParams());
    return dist[want - 1];
}

} // namespace atlas::detail
