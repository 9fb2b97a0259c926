// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The inner loop of UMAP's layout optimisation (umap-learn optimize_layout_euclidean), run
// on many vertices at once.
//
// The vertices of a group read the other vertices' positions from a snapshot taken when the
// group starts, so their sample sequences are independent of each other. The kernel runs
// UmapLanes of them side by side, one per SIMD lane: lane l goes through the samples of its
// vertices in order, one per row of a row-major matrix of `cells`. Every lane does the same
// single-precision operations, so a vertex's result does not depend on the lane or the thread
// that ran it.

#include <cstdint>

namespace atlas::detail {

/// Lanes of the kernel: several independent vectors (4 of 16 floats with AVX-512), so that
/// their chains of dependent operations overlap in the CPU.
constexpr int UmapLanes = 64;

/// A cell of the sample matrix.
enum UmapCell : std::int32_t {
    /// A negative sample: the target comes from the lane's vertex's random stream.
    UmapNegative = -1,
    /// No sample (the lane has run out of vertices).
    UmapNothing = -2,
    // >= 0: a positive sample; the value is the edge's tail.
};

/// One thread's share of a vertex group, laid out for the kernel.
struct UmapLaneBlock {
    int dim = 2;                         ///< components, 1..64
    int n = 0;                           ///< vertices in the graph
    float a = 0, b = 0;                  ///< curve 1 / (1 + a d^(2b))
    float gamma = 1;                     ///< repulsion strength
    float alpha = 1;                     ///< learning rate of this epoch
    const float* snapshot = nullptr;     ///< n x dim, positions when the group started
    float* position = nullptr;           ///< n x dim, the block's vertices' rows are updated
    int rows = 0;
    const std::int32_t* cells = nullptr;     ///< rows x UmapLanes, see UmapCell
    /// rows: bit l set where lane l's next vertex starts (its first sample is in that row).
    const std::uint64_t* starts = nullptr;
    /// Each lane's vertices in order: laneVertices[laneBegin[l] .. laneBegin[l + 1]), and the
    /// keys of their random streams (same indices).
    const std::int32_t* laneVertices = nullptr;
    const std::uint32_t* laneKeys = nullptr;
    const std::int32_t* laneBegin = nullptr;  ///< UmapLanes + 1
    /// rows x dim x UmapLanes: minus each sample's move of its vertex (for a positive
    /// sample the tail's share, which the caller adds to the tail; unused otherwise).
    float* tailMove = nullptr;
};

/// Runs the block: for each lane, its vertices in order, each from its row of `position`
/// through its samples to its row of `position` again; each sample is the gradient step of
/// umap-learn's optimize_layout_euclidean (clipped at 4, times alpha) against the target's
/// snapshot position. The c-th negative sample of a vertex with stream key `key` targets
/// umapNegativeTarget(key, c, n), and is skipped when that is the vertex itself (as in
/// umap-learn).
void umapRunLanes(const UmapLaneBlock& block);

/// umap-learn's sampling schedule for one epoch over edges [0, count): an edge is due when
/// nextSample <= epoch; then nextSample += epochsPerSample, it gets
/// k = int((epoch - nextNeg) / epochsPerNeg) negative samples (0 without negatives) and
/// nextNeg += k epochsPerNeg. Writes k, or UmapNotDue, to samples[t].
constexpr std::int32_t UmapNotDue = -2147483647 - 1;
void umapSchedule(long count, double epoch, bool negatives, const double* epochsPerSample,
                  const double* epochsPerNeg, double* nextSample, double* nextNeg,
                  std::int32_t* samples);

/// Target of a negative sample: lowbias32 (C. Wellons' hash-prospector) of
/// key + c * 0x9E3779B9, its top 24 bits scaled to [0, n) in single precision (uniform up to
/// a relative bias of n / 2^24).
std::int32_t umapNegativeTarget(std::uint32_t key, std::uint32_t c, int n);

/// x^y for x > 0 in single precision through exp(y log x) with Cephes-style polynomials, as
/// the kernel computes it; relative error about 1e-6 for |y log x| <= 20. x below the
/// smallest normal float is taken as that value.
float umapPow(float x, float y);

} // namespace atlas::detail
