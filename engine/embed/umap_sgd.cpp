// SPDX-License-Identifier: GPL-3.0-or-later
// Vertex-parallel SGD kernel of UMAP (see umap_sgd.h). Written with GCC/Clang vector
// extensions in the target's vector width, so that it compiles to AVX-512 or AVX2 with
// -march=native and to SSE2 without; the gathers use the AVX-512 / AVX2 instructions where
// the build has them.
#include "engine/embed/umap_sgd.h"

#include <cfloat>
#include <cstddef>
#include <cstring>

#if defined(__AVX2__) || defined(__AVX512F__)
#include <immintrin.h>
#endif

namespace atlas::detail {

namespace {

// Floats per vector: the target's register width (wider vector types would be split, and
// GCC warns that passing them by value changes the ABI).
#if defined(__AVX512F__)
constexpr int V = 16;
#elif defined(__AVX__)
constexpr int V = 8;
#else
constexpr int V = 4;
#endif
constexpr int Sets = UmapLanes / V;   // independent vectors per row
static_assert(UmapLanes % V == 0 && UmapLanes <= 64);
using VF = float __attribute__((vector_size(4 * V)));
using VI = std::int32_t __attribute__((vector_size(4 * V)));
using VU = std::uint32_t __attribute__((vector_size(4 * V)));

inline VF splat(float v)
{
    return VF{} + v;
}

// base[index[l]] for every lane.
inline VF gather(const float* base, VI index)
{
#if defined(__AVX512F__)
    return (VF)_mm512_i32gather_ps((__m512i)index, base, 4);
#elif defined(__AVX2__)
    return (VF)_mm256_i32gather_ps(base, (__m256i)index, 4);
#else
    VF r;
    for (int l = 0; l < V; ++l)
        r[l] = base[index[l]];
    return r;
#endif
}

// lowbias32 of key + c * golden, onto [0, n) by scaling its top 24 bits in single precision:
// the same operations as the scalar umapNegativeTarget.
inline VI negativeTarget(VU key, VU c, float scale, VI last)
{
    VU x = key + c * 0x9E3779B9u;
    x ^= x >> 16;
    x *= 0x7feb352du;
    x ^= x >> 15;
    x *= 0x846ca68bu;
    x ^= x >> 16;
    const VI t = __builtin_convertvector(__builtin_convertvector((VI)(x >> 8), VF) * scale, VI);
    return t < last ? t : last;
}

// exp(y log x) for x > 0. log: Cephes logf (x = m 2^e, m in [sqrt(1/2), sqrt(2)), degree-8
// polynomial in f = m - 1, ln 2 split in two); exp: Cephes expf (round to n = y log x / ln 2,
// degree-5 polynomial of the remainder, 2^n put in the exponent bits). Both by S. L. Moshier,
// about 1 ulp each; the product y log x adds |y log x| ulp. The polynomials are evaluated by
// Estrin's scheme, which halves the chain of dependent operations that bounds the kernel.
inline VF vpow(VF x, VF y)
{
    x = x < splat(FLT_MIN) ? splat(FLT_MIN) : x;
    const VI bits = (VI)x;   // vector casts reinterpret the bits
    const VI e = (bits - 0x3f3504f3) >> 23;   // arithmetic shift: exponent of m
    const VF m = (VF)((VU)bits - ((VU)e << 23));
    const VF f = m - 1.0f;
    const VF f2 = f * f, f4 = f2 * f2, f8 = f4 * f4;
    const VF p01 = 3.3333331174E-1f - 2.4999993993E-1f * f;
    const VF p23 = 2.0000714765E-1f - 1.6668057665E-1f * f;
    const VF p45 = 1.4249322787E-1f - 1.2420140846E-1f * f;
    const VF p67 = 1.1676998740E-1f - 1.1514610310E-1f * f;
    const VF p = (p01 + p23 * f2) + (p45 + p67 * f2) * f4 + 7.0376836292E-2f * f8;
    const VF ef = __builtin_convertvector(e, VF);
    const VF lnx = (f + ((f * f2) * p + ef * -2.12194440e-4f - 0.5f * f2)) + ef * 0.693359375f;

    VF t = y * lnx;
    t = t < splat(-86.0f) ? splat(-86.0f) : t;
    t = t > splat(86.0f) ? splat(86.0f) : t;
    // Round to nearest by the 1.5 * 2^23 trick (exact for |t / ln 2| < 2^22).
    const VF n = (t * 1.44269504088896341f + 12582912.0f) - 12582912.0f;
    const VF r = (t - n * 0.693359375f) - n * -2.12194440e-4f;
    const VF r2 = r * r, r4 = r2 * r2;
    const VF q = (5.0000001201E-1f + 1.6666665459E-1f * r) +
                 (4.1665795894E-2f + 8.3334519073E-3f * r) * r2 +
                 (1.3981999507E-3f + 1.9875691500E-4f * r) * r4;
    const VF ex = q * r2 + (r + 1.0f);
    return (VF)((VU)ex + ((VU)__builtin_convertvector(n, VI) << 23));
}

template <int D>
void runLanes(const UmapLaneBlock& blk)
{
    constexpr int MaxD = D > 0 ? D : 64;
    const int dim = D > 0 ? D : blk.dim;
    const float* snap = blk.snapshot;
    float* pos = blk.position;
    const float scale = float(blk.n) * 0x1p-24f;
    const VI last = VI{} + (blk.n - 1);
    const VF a = splat(blk.a), b = splat(blk.b);
    const VF attractNum = splat(-2.0f * blk.a * blk.b);
    const VF repelNum = splat(2.0f * blk.gamma * blk.b);
    const VF zero = splat(0.0f), four = splat(4.0f), minusFour = splat(-4.0f);
    const VF eps = splat(0.001f);
    const float alpha = blk.alpha, minusAlpha = -blk.alpha;

    VF cur[Sets][MaxD] = {};
    VI vertex[Sets];
    VU key[Sets] = {}, counter[Sets] = {};
    for (auto& v : vertex)
        v = VI{} - 1;
    int next[UmapLanes];
    for (int l = 0; l < UmapLanes; ++l)
        next[l] = blk.laneBegin[l];
    auto writeBack = [&](int l) {
        const int s = l / V, i = l % V;
        if (vertex[s][i] >= 0) {
            float* row = pos + std::size_t(vertex[s][i]) * std::size_t(dim);
            for (int d = 0; d < dim; ++d)
                row[d] = cur[s][d][i];
        }
    };

    for (int r = 0; r < blk.rows; ++r) {
        // Lanes whose next vertex starts here: store the finished vertex, load the new one.
        for (std::uint64_t starting = blk.starts[r]; starting != 0; starting &= starting - 1) {
            const int l = __builtin_ctzll(starting);
            const int s = l / V, i = l % V;
            writeBack(l);
            const int j = blk.laneVertices[next[l]];
            key[s][i] = blk.laneKeys[next[l]];
            ++next[l];
            vertex[s][i] = j;
            counter[s][i] = 0;
            const float* row = pos + std::size_t(j) * std::size_t(dim);
            for (int d = 0; d < dim; ++d)
                cur[s][d][i] = row[d];
        }
        const std::int32_t* cells = blk.cells + std::size_t(r) * UmapLanes;
        float* moves = blk.tailMove + std::size_t(r) * std::size_t(dim) * UmapLanes;
        // Each stage for every set before the next stage, so that the sets' independent
        // chains are close together in the instruction stream and overlap in the CPU.
        VI attract[Sets], target[Sets];
        VF diff[Sets][MaxD], d2[Sets], pb[Sets], coeff[Sets];
#pragma GCC unroll 16
        for (int s = 0; s < Sets; ++s) {
            VI cell;
            std::memcpy(&cell, cells + s * V, sizeof cell);
            attract[s] = cell >= 0;
            const VI negative = cell == std::int32_t(UmapNegative);
            const VI drawn = negativeTarget(key[s], counter[s], scale, last);
            counter[s] += (VU)negative & 1u;
            // A cell with nothing to do targets the vertex itself, which is skipped below;
            // a lane without a vertex (-1) reads vertex 0 and is never stored.
            const VI t = attract[s] ? cell : (negative ? drawn : vertex[s]);
            target[s] = t < 0 ? VI{} : t;
        }
#pragma GCC unroll 16
        for (int s = 0; s < Sets; ++s) {
            const VI base = target[s] * dim;
            d2[s] = zero;
            for (int d = 0; d < dim; ++d) {
                diff[s][d] = cur[s][d] - gather(snap + d, base);
                d2[s] += diff[s][d] * diff[s][d];
            }
        }
#pragma GCC unroll 16
        for (int s = 0; s < Sets; ++s)
            pb[s] = vpow(d2[s], b);
        // umap-learn: attractive -2ab d^(2(b-1)) / (1 + a d^2b); repulsive
        // 2 gamma b / ((0.001 + d^2)(1 + a d^2b)); zero distance: no attraction, and a
        // repulsive move of 4 in every dimension (as for a zero repulsive coefficient).
#pragma GCC unroll 16
        for (int s = 0; s < Sets; ++s) {
            const VF num = attract[s] ? attractNum * pb[s] : repelNum;
            const VF den = (attract[s] ? d2[s] : d2[s] + eps) * (a * pb[s] + 1.0f);
            const VF c = num / den;
            coeff[s] = d2[s] > zero ? c : zero;
        }
#pragma GCC unroll 16
        for (int s = 0; s < Sets; ++s) {
            // A negative sample of the vertex itself is skipped, as in umap-learn: no move.
            const VI self = ~attract[s] & (target[s] == vertex[s]);
            const VI flat = ~attract[s] & ~self & (coeff[s] <= zero);
            const VF c = self ? zero : coeff[s];
            for (int d = 0; d < dim; ++d) {
                VF g = c * diff[s][d];
                g = g < four ? g : four;
                g = g > minusFour ? g : minusFour;
                g = flat ? four : g;
                cur[s][d] += g * alpha;
                const VF move = g * minusAlpha;
                std::memcpy(moves + std::size_t(d) * UmapLanes + std::size_t(s) * V, &move,
                            sizeof move);
            }
        }
    }
    for (int l = 0; l < UmapLanes; ++l)
        writeBack(l);
}

} // namespace

void umapRunLanes(const UmapLaneBlock& block)
{
    if (block.rows <= 0)
        return;
    switch (block.dim) {
    case 1: runLanes<1>(block); break;
    case 2: runLanes<2>(block); break;
    case 3: runLanes<3>(block); break;
    case 4: runLanes<4>(block); break;
    default: runLanes<0>(block); break;
    }
}

void umapSchedule(long count, double epoch, bool negatives, const double* epochsPerSample,
                  const double* epochsPerNeg, double* nextSample, double* nextNeg,
                  std::int32_t* samples)
{
    // Negative-sample counts are clamped to +-1e9 only so that the conversion is defined.
    constexpr double Limit = 1e9;
    long t = 0;
    if (negatives) {
        using VD = double __attribute__((vector_size(64)));
        using VL = std::int64_t __attribute__((vector_size(64)));
        using VI8 = std::int32_t __attribute__((vector_size(32)));
        const VD now = VD{} + epoch, limit = VD{} + Limit;
        for (; t + 8 <= count; t += 8) {
            VD next, neg, every, everyNeg;
            std::memcpy(&next, nextSample + t, sizeof next);
            std::memcpy(&neg, nextNeg + t, sizeof neg);
            std::memcpy(&every, epochsPerSample + t, sizeof every);
            std::memcpy(&everyNeg, epochsPerNeg + t, sizeof everyNeg);
            const VL due = next <= now;
            VD q = (now - neg) / everyNeg;
            q = q < limit ? q : limit;
            q = q > -limit ? q : -limit;
            const VL k = __builtin_convertvector(q, VL);
            next = due ? next + every : next;
            neg = due ? neg + __builtin_convertvector(k, VD) * everyNeg : neg;
            const VI8 out = __builtin_convertvector(due ? k : VL{} + UmapNotDue, VI8);
            std::memcpy(nextSample + t, &next, sizeof next);
            std::memcpy(nextNeg + t, &neg, sizeof neg);
            std::memcpy(samples + t, &out, sizeof out);
        }
    }
    for (; t < count; ++t) {
        const double next = nextSample[t];
        const bool due = next <= epoch;
        std::int32_t k = 0;
        if (negatives) {
            const double q = (epoch - nextNeg[t]) / epochsPerNeg[t];
            k = std::int32_t(q < Limit ? (q > -Limit ? q : -Limit) : Limit);
            nextNeg[t] = due ? nextNeg[t] + double(k) * epochsPerNeg[t] : nextNeg[t];
        }
        nextSample[t] = due ? next + epochsPerSample[t] : next;
        samples[t] = due ? k : UmapNotDue;
    }
}

std::int32_t umapNegativeTarget(std::uint32_t key, std::uint32_t c, int n)
{
    std::uint32_t x = key + c * 0x9E3779B9u;
    x ^= x >> 16;
    x *= 0x7feb352du;
    x ^= x >> 15;
    x *= 0x846ca68bu;
    x ^= x >> 16;
    const auto t = std::int32_t(float(std::int32_t(x >> 8)) * (float(n) * 0x1p-24f));
    return t < n - 1 ? t : n - 1;
}

float umapPow(float x, float y)
{
    return vpow(splat(x), splat(y))[0];
}

} // namespace atlas::detail
