// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The repulsive forces of t-SNE by FFT-accelerated interpolation (Linderman, Rachh, Hoskins,
// Steinerberger & Kluger 2019, "Fast interpolation-based t-SNE for improved visualization of
// single-cell RNA-seq data", Nature Methods 16; the method of FIt-SNE and openTSNE's "fft").
// Internal to engine/embed.

#include "engine/core/types.h"

#include <memory>
#include <vector>

namespace atlas::detail {

/// Parameters of the interpolation grid (FIt-SNE's names and defaults).
struct FftGridConfig {
    int interpolationPoints = 3;   ///< Lagrange nodes per box and axis (n_interpolation_points)
    int minIntervals = 50;         ///< boxes per axis at least (min_num_intervals)
    double intervalsPerUnit = 1.0; ///< boxes per unit of the layout's extent (intervals_per_integer)
    /// Boxes per axis at most: the grids take about 40 (6 B)^2 bytes (B = 400: 230 MB). A
    /// layout wider than this many boxes gets wider, coarser boxes.
    int maxIntervals = 400;
};

/// Evaluates, for every point i of a 2-D layout y, the sums over all j != i that the t-SNE
/// gradient needs: with K(d) = 1 / (1 + |d|^2),
///     negX[i], negY[i] = sum_j K(y_i - y_j)^2 (y_i - y_j)      (unnormalised repulsion)
///     returned Z       = sum_i sum_{j != i} K(y_i - y_j)        (the normalisation)
/// A square around the layout is cut into B x B boxes, each with p x p equispaced nodes:
/// B = minIntervals (rounded up to a 7-smooth count for the FFT) across the layout while it
/// spans at most that many units of 1 / intervalsPerUnit, else boxes of exactly that width,
/// B the smallest 7-smooth count that covers it (at most maxIntervals; wider layouts get
/// maxIntervals boxes of the width that covers them). Four charges per point (1, y_x, y_y, |y|^2, coordinates taken from the
/// square's centre) are spread onto the nodes with Lagrange weights, convolved with K^2 on
/// the node grid by FFT (a 2Bp x 2Bp circulant embedding), and interpolated back; Z and the
/// forces follow from the four potentials since K^2 (1 + |d|^2) = K. Cost per call
/// O(n p^2 + (Bp)^2 log(Bp)), against Barnes-Hut's O(n log n) with a large constant.
///
/// Deterministic for any thread count: each charge's grid is spread and transformed by one
/// thread, each point's potentials gathered by one thread, and Z summed in point order.
/// FFTW plans are made once per grid size with FFTW_ESTIMATE (no timing-dependent choice).
class FftRepulsion {
public:
    explicit FftRepulsion(FftGridConfig cfg = {});
    ~FftRepulsion();
    FftRepulsion(const FftRepulsion&) = delete;
    FftRepulsion& operator=(const FftRepulsion&) = delete;

    /// y: n x 2. Fills negX and negY (resized to n) and returns Z.
    double compute(const Matrix& y, std::vector<double>& negX, std::vector<double>& negY);

    /// Boxes per axis of the last call's grid (0 before the first).
    int boxes() const { return m_boxes; }

private:
    struct Plans;
    void prepare(int boxes);

    FftGridConfig m_cfg;
    int m_boxes = 0;
    std::unique_ptr<Plans> m_plans;
    // The points sorted by their box's row, and in that order: the node grid's first column
    // and row of each one's box, its p + p weights and its position from the grid's centre.
    std::vector<int> m_order;
    std::vector<int> m_rowBox;   // each point's row of boxes, for the sort
    std::vector<int> m_cell;
    std::vector<double> m_weights;
    std::vector<double> m_position;
};

/// Smallest count >= n whose prime factors are all <= 7 (fast FFT sizes).
int smoothCount(int n);

} // namespace atlas::detail
