// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/core/squared_distances.h"

namespace atlas {

SquaredDistanceTiles::SquaredDistanceTiles(const Matrix& X)
    : m_X(X), m_sq(X.rowwise().squaredNorm())
{
}

void SquaredDistanceTiles::tile(Eigen::Index b0, Eigen::Index bs, Eigen::Index j0,
                                Eigen::Index js, Matrix& D, bool clampAtZero) const
{
    D.noalias() = m_X.middleRows(j0, js) * m_X.middleRows(b0, bs).transpose();
    const auto sq = m_sq.segment(j0, js).array();
    if (clampAtZero)
        for (Eigen::Index c = 0; c < bs; ++c)
            D.col(c) = (sq + m_sq[b0 + c] - 2.0 * D.col(c).array()).max(0.0).matrix();
    else
        for (Eigen::Index c = 0; c < bs; ++c)
            D.col(c) = (sq + m_sq[b0 + c] - 2.0 * D.col(c).array()).matrix();
}

} // namespace atlas
