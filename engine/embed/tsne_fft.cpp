// SPDX-License-Identifier: GPL-3.0-or-later
// FFT-accelerated interpolation of t-SNE's repulsion (Linderman et al. 2019); the grid
// parameters and the four charges follow FIt-SNE (nbodyfft.cpp) and openTSNE (_tsne.pyx,
// estimate_negative_gradient_fft_2d). Our own loops over FFTW's single-precision transforms:
// the grids and their spectra are float (the interpolation's own error, about 1e-3 of a
// potential with 3 nodes per box, is four orders above float's rounding), which halves the
// transforms' memory traffic and doubles their SIMD width; weights, positions and the
// gathered potentials stay double.

#include "engine/embed/tsne_fft.h"

#include <fftw3.h>

#include <algorithm>
#include <cmath>
#include <mutex>
#include <new>
#include <stdexcept>
#include <string>

namespace atlas::detail {

namespace {

constexpr int Charges = 4;

// FFTW's planner is not thread-safe; the executions are.
std::mutex& plannerMutex()
{
    static std::mutex m;
    return m;
}

struct FftwFree {
    void operator()(void* p) const { fftwf_free(p); }
};
template <typename T>
using FftwArray = std::unique_ptr<T[], FftwFree>;

template <typename T>
FftwArray<T> allocate(std::size_t count)
{
    FftwArray<T> a(static_cast<T*>(fftwf_malloc(sizeof(T) * count)));
    if (!a)
        throw std::bad_alloc();
    return a;
}

} // namespace

int smoothCount(int n)
{
    for (int c = std::max(n, 1);; ++c) {
        int r = c;
        for (int p : {2, 3, 5, 7})
            while (r % p == 0)
                r /= p;
        if (r == 1)
            return c;
    }
}

// One grid size's transforms and buffers: the kernel and one real grid plus its spectrum
// per charge, all of side L = 2 M (the circulant embedding of the M = B p node grid).
// A charge grid is non-zero only in its first M rows and columns, and only the first M rows
// and columns of the result are used, so its transforms are taken by hand, rows then
// columns, skipping the M zero rows going forward and the M unused rows coming back.
struct FftRepulsion::Plans {
    int side = 0;   // L
    double kernelSpacing = 0.0;   // the node spacing kernelHat was computed for
    fftwf_plan kernelForward = nullptr;         // the whole L x L real-to-complex transform
    fftwf_plan rowsForward = nullptr;           // M rows, real to complex
    fftwf_plan columnsForward = nullptr;        // L / 2 + 1 columns, in place
    fftwf_plan columnsBackward = nullptr;       // the same, inverse
    fftwf_plan rowsBackward = nullptr;          // M rows, complex to real
    FftwArray<float> kernel;
    FftwArray<fftwf_complex> kernelHat;
    FftwArray<float> grid[Charges];
    FftwArray<fftwf_complex> spectrum[Charges];

    ~Plans()
    {
        std::lock_guard lock(plannerMutex());
        for (fftwf_plan p : {kernelForward, rowsForward, columnsForward, columnsBackward,
                             rowsBackward})
            if (p)
                fftwf_destroy_plan(p);
    }
};

FftRepulsion::FftRepulsion(FftGridConfig cfg) : m_cfg(cfg)
{
    if (m_cfg.interpolationPoints < 1 || m_cfg.minIntervals < 1 || m_cfg.maxIntervals < 1 ||
        !(m_cfg.intervalsPerUnit > 0.0))
        throw std::invalid_argument("FftRepulsion: invalid grid configuration");
}

FftRepulsion::~FftRepulsion() = default;

void FftRepulsion::prepare(int boxes)
{
    const int side = 2 * boxes * m_cfg.interpolationPoints;
    if (m_plans && m_plans->side == side)
        return;
    m_plans.reset();
    auto plans = std::make_unique<Plans>();
    plans->side = side;
    const std::size_t real = std::size_t(side) * std::size_t(side);
    const std::size_t complex = std::size_t(side) * std::size_t(side / 2 + 1);
    plans->kernel = allocate<float>(real);
    plans->kernelHat = allocate<fftwf_complex>(complex);
    for (int c = 0; c < Charges; ++c) {
        plans->grid[c] = allocate<float>(real);
        plans->spectrum[c] = allocate<fftwf_complex>(complex);
    }
    {
        // FFTW_ESTIMATE does not touch the arrays and chooses the same plan every time, so
        // the rounding is the same from run to run. Executions on the other arrays use the
        // new-array interface (same sizes, fftwf_malloc alignment).
        const int m = side / 2, half = side / 2 + 1;
        float* g = plans->grid[0].get();
        fftwf_complex* s = plans->spectrum[0].get();
        std::lock_guard lock(plannerMutex());
        plans->kernelForward = fftwf_plan_dft_r2c_2d(side, side, plans->kernel.get(),
                                                     plans->kernelHat.get(), FFTW_ESTIMATE);
        plans->rowsForward = fftwf_plan_many_dft_r2c(1, &side, m, g, nullptr, 1, side, s,
                                                     nullptr, 1, half, FFTW_ESTIMATE);
        plans->columnsForward = fftwf_plan_many_dft(1, &side, half, s, nullptr, half, 1, s,
                                                    nullptr, half, 1, FFTW_FORWARD,
                                                    FFTW_ESTIMATE);
        plans->columnsBackward = fftwf_plan_many_dft(1, &side, half, s, nullptr, half, 1, s,
                                                     nullptr, half, 1, FFTW_BACKWARD,
                                                     FFTW_ESTIMATE);
        plans->rowsBackward = fftwf_plan_many_dft_c2r(1, &side, m, s, nullptr, 1, half, g,
                                                      nullptr, 1, side, FFTW_ESTIMATE);
    }
    if (!plans->kernelForward || !plans->rowsForward || !plans->columnsForward ||
        !plans->columnsBackward || !plans->rowsBackward)
        throw std::runtime_error("t-SNE: FFTW could not plan a " + std::to_string(side) + " x " +
                                 std::to_string(side) + " transform");
    m_plans = std::move(plans);
}

double FftRepulsion::compute(const Matrix& y, std::vector<double>& negX,
                             std::vector<double>& negY)
{
    const int n = int(y.rows());
    const int p = m_cfg.interpolationPoints;
    negX.assign(std::size_t(n), 0.0);
    negY.assign(std::size_t(n), 0.0);
    if (n == 0)
        return 0.0;

    // The square grid: minIntervals boxes across the layout while it is small; once it is
    // larger, boxes of exactly 1 / intervalsPerUnit (FIt-SNE's bound on their width), as
    // many as cover it, so that the kernel's transform is reused until the count changes.
    const double minX = y.col(0).minCoeff(), maxX = y.col(0).maxCoeff();
    const double minY = y.col(1).minCoeff(), maxY = y.col(1).maxCoeff();
    double extent = std::max(maxX - minX, maxY - minY);
    if (!(extent > 0.0))
        extent = 1e-6;   // every point in one place: any box holds them
    const int fewest = smoothCount(m_cfg.minIntervals);
    const double unit = 1.0 / m_cfg.intervalsPerUnit;
    int boxes = fewest;
    double boxWidth = extent / fewest;
    if (extent > fewest * unit) {
        const int most = std::max(fewest, m_cfg.maxIntervals);
        boxes = smoothCount(int(std::min(std::ceil(extent / unit), double(most))));
        boxWidth = unit;
        if (boxes > most) {   // rounded past the cap: the largest smooth count within it
            boxes = most;
            while (smoothCount(boxes) != boxes)
                --boxes;
        }
        if (boxes * unit < extent)
            boxWidth = extent / boxes;   // beyond the cap: fewer, wider boxes
    }
    m_boxes = boxes;
    const double width = boxes * boxWidth;
    const double centre[2] = {0.5 * (minX + maxX), 0.5 * (minY + maxY)};
    const double lo[2] = {centre[0] - 0.5 * width, centre[1] - 0.5 * width};
    const double spacing = boxWidth / p;   // nodes at (k + 1/2) spacing within each box
    const int m = boxes * p;               // nodes per axis
    prepare(boxes);
    Plans& pl = *m_plans;
    const int side = pl.side;
    const int half = side / 2 + 1;

    // Lagrange denominators of the p nodes of a box (the same for every box).
    std::vector<double> denom(std::size_t(p), 1.0);
    for (int k = 0; k < p; ++k)
        for (int l = 0; l < p; ++l)
            if (l != k)
                denom[std::size_t(k)] *= double(k - l) * spacing;

    // The kernel K^2 on node offsets, wrapped circulantly (offset 0 .. m-1 then -m+1 .. -1;
    // the middle row and column are never used by the product's top-left m x m block).
    if (pl.kernelSpacing != spacing) {
        pl.kernelSpacing = spacing;
        float* kernel = pl.kernel.get();
        std::vector<double> offsetSq(static_cast<std::size_t>(side));
        for (int a = 0; a < side; ++a) {
            const int o = a < m ? a : a > m ? a - side : 0;
            offsetSq[std::size_t(a)] = double(o) * double(o) * spacing * spacing;
        }
#pragma omp parallel for schedule(static)
        for (int a = 0; a < side; ++a)
            for (int b = 0; b < side; ++b) {
                const double k = 1.0 / (1.0 + offsetSq[std::size_t(a)] + offsetSq[std::size_t(b)]);
                kernel[std::size_t(a) * std::size_t(side) + std::size_t(b)] =
                    (a == m || b == m) ? 0.0f : float(k * k);
            }
        fftwf_execute(pl.kernelForward);
    }

    // The points by row of boxes (a counting sort), and for each in that order its box's
    // first node, its p + p interpolation weights and its centred position: spreading and
    // gathering then walk the grids row by row and the records in order.
    auto boxOf = [&](double v, int d) {
        return std::clamp(int((v - lo[d]) / boxWidth), 0, boxes - 1);
    };
    m_order.resize(std::size_t(n));
    {
        m_rowBox.resize(std::size_t(n));
        std::vector<int> start(std::size_t(boxes) + 1, 0);
        for (int i = 0; i < n; ++i) {
            m_rowBox[std::size_t(i)] = boxOf(y(i, 1), 1);
            ++start[std::size_t(m_rowBox[std::size_t(i)]) + 1];
        }
        for (int b = 0; b < boxes; ++b)
            start[std::size_t(b) + 1] += start[std::size_t(b)];
        for (int i = 0; i < n; ++i)
            m_order[std::size_t(start[std::size_t(m_rowBox[std::size_t(i)])]++)] = i;
    }
    m_cell.resize(std::size_t(2 * n));
    m_position.resize(std::size_t(2 * n));
    m_weights.resize(std::size_t(2 * p) * std::size_t(n));
#pragma omp parallel for schedule(static)
    for (int t = 0; t < n; ++t) {
        const int i = m_order[std::size_t(t)];
        for (int d = 0; d < 2; ++d) {
            const int box = boxOf(y(i, d), d);
            const double u = y(i, d) - lo[d] - box * boxWidth;   // position within the box
            m_cell[std::size_t(2 * t + d)] = box * p;
            m_position[std::size_t(2 * t + d)] = y(i, d) - centre[d];
            double* w = &m_weights[std::size_t(2 * p) * std::size_t(t) + std::size_t(d * p)];
            for (int k = 0; k < p; ++k) {
                double num = 1.0;
                for (int l = 0; l < p; ++l)
                    if (l != k)
                        num *= u - (l + 0.5) * spacing;
                w[k] = num / denom[std::size_t(k)];
            }
        }
    }

    // Per charge: spread onto the nodes, convolve, and keep the potentials on the node grid
    // (in the same array). One thread per charge keeps every sum in a fixed order.
    const float scale = float(1.0 / (double(side) * double(side)));
#pragma omp parallel for schedule(dynamic, 1)
    for (int c = 0; c < Charges; ++c) {
        float* g = pl.grid[c].get();
        std::fill(g, g + std::size_t(m) * std::size_t(side), 0.0f);
        for (int t = 0; t < n; ++t) {
            const double x = m_position[std::size_t(2 * t)], z = m_position[std::size_t(2 * t + 1)];
            const double q = c == 0 ? 1.0 : c == 1 ? x : c == 2 ? z : x * x + z * z;
            const double* wx = &m_weights[std::size_t(2 * p) * std::size_t(t)];
            const double* wy = wx + p;
            const int cx = m_cell[std::size_t(2 * t)], cy = m_cell[std::size_t(2 * t + 1)];
            for (int ky = 0; ky < p; ++ky) {
                float* row = g + std::size_t(cy + ky) * std::size_t(side) + std::size_t(cx);
                const double qy = q * wy[ky];
                for (int kx = 0; kx < p; ++kx)
                    row[kx] += float(qy * wx[kx]);
            }
        }
        fftwf_complex* s = pl.spectrum[c].get();
        fftwf_execute_dft_r2c(pl.rowsForward, g, s);
        float* zeroRows = &s[std::size_t(m) * std::size_t(half)][0];
        std::fill(zeroRows, zeroRows + 2 * std::size_t(side - m) * std::size_t(half), 0.0f);
        fftwf_execute_dft(pl.columnsForward, s, s);
        const fftwf_complex* k = pl.kernelHat.get();
        for (std::size_t t = 0; t < std::size_t(side) * std::size_t(half); ++t) {
            const float re = s[t][0] * k[t][0] - s[t][1] * k[t][1];
            const float im = s[t][0] * k[t][1] + s[t][1] * k[t][0];
            s[t][0] = re * scale;
            s[t][1] = im * scale;
        }
        fftwf_execute_dft(pl.columnsBackward, s, s);
        fftwf_execute_dft_c2r(pl.rowsBackward, s, g);
    }

    // Gather the potentials at the points, then the forces and the per-point terms of Z.
    std::vector<double> zTerm(static_cast<std::size_t>(n));
    const float* pot[Charges] = {pl.grid[0].get(), pl.grid[1].get(), pl.grid[2].get(),
                                 pl.grid[3].get()};
#pragma omp parallel for schedule(static)
    for (int t = 0; t < n; ++t) {
        const int i = m_order[std::size_t(t)];
        const double* wx = &m_weights[std::size_t(2 * p) * std::size_t(t)];
        const double* wy = wx + p;
        const int cx = m_cell[std::size_t(2 * t)], cy = m_cell[std::size_t(2 * t + 1)];
        double phi[Charges] = {0.0, 0.0, 0.0, 0.0};
        for (int ky = 0; ky < p; ++ky)
            for (int kx = 0; kx < p; ++kx) {
                const std::size_t at = std::size_t(cy + ky) * std::size_t(side) + std::size_t(cx + kx);
                const double w = wy[ky] * wx[kx];
                for (int c = 0; c < Charges; ++c)
                    phi[c] += w * pot[c][at];
            }
        const double x = m_position[std::size_t(2 * t)], z = m_position[std::size_t(2 * t + 1)];
        // sum_j K^2 (y_i - y_j) = y_i phi_1 - (phi_2, phi_3); the j = i terms cancel.
        negX[std::size_t(i)] = x * phi[0] - phi[1];
        negY[std::size_t(i)] = z * phi[0] - phi[2];
        // sum_j K = sum_j K^2 (1 + |y_i|^2 - 2 y_i.y_j + |y_j|^2); j = i contributes 1.
        zTerm[std::size_t(i)] = (1.0 + x * x + z * z) * phi[0] - 2.0 * (x * phi[1] + z * phi[2]) +
                                phi[3] - 1.0;
    }
    double sumQ = 0.0;
    for (double v : zTerm)
        sumQ += v;
    return sumQ;
}

} // namespace atlas::detail
