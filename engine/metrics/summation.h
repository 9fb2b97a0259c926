// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>

namespace atlas::detail {

/// Sum of a[0..n) in numpy's pairwise order (numpy's `pairwise_sum` for contiguous float64
/// reductions: 8 interleaved accumulators in blocks of up to 128 values, halving above),
/// so that sums that scikit-learn takes with np.sum round the same way here.
inline double pairwiseSumBlock(const double* a, std::size_t n)
{
    if (n < 8) {
        double res = -0.0;
        for (std::size_t i = 0; i < n; ++i)
            res += a[i];
        return res;
    }
    if (n <= 128) {
        double r[8];
        for (int j = 0; j < 8; ++j)
            r[j] = a[j];
        std::size_t i = 8;
        for (; i < n - (n % 8); i += 8)
            for (int j = 0; j < 8; ++j)
                r[j] += a[i + std::size_t(j)];
        double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for (; i < n; ++i)
            res += a[i];
        return res;
    }
    std::size_t n2 = n / 2;
    n2 -= n2 % 8;
    return pairwiseSumBlock(a, n2) + pairwiseSumBlock(a + n2, n - n2);
}

/// np.sum of a contiguous float64 array: the identity 0.0 plus the pairwise sum.
inline double pairwiseSum(const double* a, std::size_t n) { return 0.0 + pairwiseSumBlock(a, n); }

} // namespace atlas::detail
