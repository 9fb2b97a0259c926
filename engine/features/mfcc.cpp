// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/features/mfcc.h"

#include "engine/core/error.h"

#include <fftw3.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <cstdio>
#include <numbers>
#include <utility>

namespace atlas {

std::vector<std::string> MfccConfig::validate() const
{
    std::vector<std::string> p;
    check(p, sampleRate >= 1000, "MfccConfig", "sampleRate", "must be >= 1000 Hz", sampleRate);
    check(p, nFft >= 16 && nFft % 2 == 0 && nFft <= (1 << 20), "MfccConfig", "nFft",
          "must be even and in [16, 1048576]", nFft);
    check(p, hopLength >= 1, "MfccConfig", "hopLength", "must be >= 1", hopLength);
    check(p, nMels >= 1 && nMels <= nFft / 2 + 1, "MfccConfig", "nMels",
          "must be in [1, nFft/2 + 1]", nMels);
    check(p, nMfcc >= 1 && nMfcc <= nMels, "MfccConfig", "nMfcc", "must be in [1, nMels]",
          nMfcc);
    const double top = fMax > 0.0 ? fMax : sampleRate / 2.0;
    check(p, std::isfinite(fMin) && fMin >= 0.0, "MfccConfig", "fMin", "must be >= 0 Hz", fMin);
    check(p, std::isfinite(fMax) && fMax >= 0.0 && (fMax == 0.0 || fMax > fMin), "MfccConfig",
          "fMax", "must be 0 (sampleRate/2) or greater than fMin", fMax);
    check(p, top > fMin, "MfccConfig", "fMin", "must be below fMax", fMin);
    check(p, std::isfinite(amin) && amin >= 1e-30, "MfccConfig", "amin",
          "must be >= 1e-30 (a normal float32)", amin);
    check(p, std::isfinite(topDb) && topDb != 0.0, "MfccConfig", "topDb",
          "must be > 0 dB (negative disables the clip)", topDb);
    return p;
}

namespace detail {
std::mutex& fftwPlannerMutex()
{
    static std::mutex mutex;
    return mutex;
}
} // namespace detail

namespace {

// Slaney's Auditory Toolbox mel scale, as librosa.hz_to_mel / mel_to_hz with htk=False:
// linear below 1 kHz (200/3 Hz per mel), logarithmic above (step log(6.4)/27).
constexpr double MelFsp = 200.0 / 3.0;
constexpr double MinLogHz = 1000.0;
constexpr double MinLogMel = MinLogHz / MelFsp;
const double LogStep = std::log(6.4) / 27.0;

double hzToMel(double hz)
{
    return hz >= MinLogHz ? MinLogMel + std::log(hz / MinLogHz) / LogStep : hz / MelFsp;
}

double melToHz(double mel)
{
    return mel >= MinLogMel ? MinLogHz * std::exp(LogStep * (mel - MinLogMel)) : MelFsp * mel;
}

// Frames transformed before their mel sums are taken together (one AVX-512 register of floats).
constexpr int FrameBlock = 16;

// Natural logarithm of a positive, finite float, written so that GCC vectorises a loop of
// calls (no libm call, no branches). Cephes logf (S. L. Moshier, Cephes Math Library, 1984):
// x = m * 2^e with m in [sqrt(1/2), sqrt(2)), a degree-9 polynomial for log(m) and a split ln 2.
// Relative error about 1e-7, i.e. within an ulp or two of logf; the dB values stay within
// 1e-6 dB of librosa's float32 log10.
inline float lnPositive(float x)
{
    const std::uint32_t bits = std::bit_cast<std::uint32_t>(x);
    int e = int((bits >> 23) & 0xFFu) - 126;                                 // x = m * 2^e
    float m = std::bit_cast<float>((bits & 0x007FFFFFu) | 0x3F000000u);     // m in [0.5, 1)
    const bool small = m < 0.70710678118654752f;
    e -= small ? 1 : 0;
    m = small ? m + m - 1.0f : m - 1.0f;
    const float z = m * m;
    float y = 7.0376836292e-2f;
    y = y * m - 1.1514610310e-1f;
    y = y * m + 1.1676998740e-1f;
    y = y * m - 1.2420140846e-1f;
    y = y * m + 1.4249322787e-1f;
    y = y * m - 1.6668057665e-1f;
    y = y * m + 2.0000714765e-1f;
    y = y * m - 2.4999993993e-1f;
    y = y * m + 3.3333331174e-1f;
    y = y * m * z;
    const float fe = float(e);
    y += -2.12194440e-4f * fe;
    y += -0.5f * z;
    return m + y + 0.693359375f * fe;
}

struct FftwFree {
    void operator()(void* p) const { fftwf_free(p); }
};
template <class T>
using FftwBuffer = std::unique_ptr<T[], FftwFree>;

} // namespace

// nMels x frames, row-major so that one band over all frames is contiguous (the DCT then
// runs as vectorisable axpy passes over frames, with a fixed summation order).
using MelMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

namespace {

// Per-thread buffers, kept between calls so that a batch does not allocate (and page-fault in)
// fresh megabytes for every clip. Buffers only grow; they are freed when the thread ends.
struct Workspace {
    FftwBuffer<float> in;
    FftwBuffer<fftwf_complex> out;
    int nFft = 0;
    std::vector<float> power;
    MelMatrix mel;
    MelMatrix coefficients;

    void prepare(int n)
    {
        if (nFft != n) {
            in.reset(static_cast<float*>(fftwf_malloc(sizeof(float) * std::size_t(n))));
            out.reset(static_cast<fftwf_complex*>(
                fftwf_malloc(sizeof(fftwf_complex) * std::size_t(n / 2 + 1))));
            if (!in || !out) {
                nFft = 0;
                throw std::bad_alloc();
            }
            nFft = n;
        }
    }
};

Workspace& threadWorkspace()
{
    thread_local Workspace ws;
    return ws;
}

// Lets go of the matrices after an unusually long clip (over ~8 minutes at the defaults), so
// that one long file does not pin tens of megabytes per thread for the rest of the process.
void trimWorkspace(Workspace& ws)
{
    constexpr Eigen::Index Retained = Eigen::Index(1) << 22; // floats
    if (ws.mel.size() > Retained)
        ws.mel.resize(0, 0);
    if (ws.coefficients.size() > Retained)
        ws.coefficients.resize(0, 0);
}

// Mean, then population standard deviation (ddof=0), of `count` values `stride` apart.
std::pair<double, double> meanAndStd(const double* v, Eigen::Index count, Eigen::Index stride)
{
    double sum = 0.0;
    for (Eigen::Index i = 0; i < count; ++i)
        sum += v[i * stride];
    const double mean = sum / double(count);
    double squares = 0.0;
    for (Eigen::Index i = 0; i < count; ++i) {
        const double d = v[i * stride] - mean;
        squares += d * d;
    }
    return {mean, std::sqrt(squares / double(count))};
}

} // namespace

struct MfccExtractor::Impl {
    MfccConfig cfg;
    int bins = 0;
    std::vector<float> window;
    // Sparse mel filter bank: band m covers bins [first[m], first[m] + count[m]) with weights
    // starting at offset[m] in `weights` (each Slaney triangle spans only a few bins).
    std::vector<int> first, count, offset;
    std::vector<float> weights;
    std::vector<float> dct; // nMfcc x nMels row-major, orthonormal DCT-II rows
    fftwf_plan plan = nullptr;

    // Fills ws.mel with the nMels x frames mel power.
    void melFrames(std::span<const float> x, Workspace& ws) const;
    // Fills ws.coefficients with the nMfcc x frames MFCCs (ws.mel is overwritten by dB).
    void coefficients(std::span<const float> x, Workspace& ws) const;
};

MfccExtractor::MfccExtractor(const MfccConfig& cfg) : m_impl(std::make_unique<Impl>())
{
    requireValid(cfg.validate());
    Impl& d = *m_impl;
    d.cfg = cfg;
    const int n = cfg.nFft;
    d.bins = n / 2 + 1;

    // scipy.signal.get_window('hann', n, fftbins=True): periodic Hann.
    d.window.resize(std::size_t(n));
    for (int i = 0; i < n; ++i)
        d.window[std::size_t(i)] =
            float(0.5 - 0.5 * std::cos(2.0 * std::numbers::pi * double(i) / double(n)));

    // librosa.filters.mel(sr, n_fft, n_mels, fmin, fmax, htk=False, norm='slaney'), float32:
    // triangles in Hz between consecutive points of a uniform mel grid, each scaled by
    // 2 / (right edge - left edge) so that every filter has unit area.
    const double sr = cfg.sampleRate;
    const double fMax = cfg.fMax > 0.0 ? cfg.fMax : sr / 2.0;
    const int points = cfg.nMels + 2;
    const double melLo = hzToMel(cfg.fMin), melHi = hzToMel(fMax);
    std::vector<double> melF(static_cast<std::size_t>(points));
    const double step = (melHi - melLo) / double(points - 1); // numpy.linspace
    for (int i = 0; i < points; ++i)
        melF[std::size_t(i)] = melToHz(i == points - 1 ? melHi : double(i) * step + melLo);
    const double binHz = 1.0 / (double(n) * (1.0 / sr)); // numpy.fft.rfftfreq
    d.first.resize(std::size_t(cfg.nMels));
    d.count.resize(std::size_t(cfg.nMels));
    d.offset.resize(std::size_t(cfg.nMels));
    for (int m = 0; m < cfg.nMels; ++m) {
        const double lo = melF[std::size_t(m)], mid = melF[std::size_t(m) + 1],
                     hi = melF[std::size_t(m) + 2];
        const double enorm = 2.0 / (hi - lo);
        int begin = -1, end = -1;
        std::vector<float> w;
        for (int k = 0; k < d.bins; ++k) {
            const double f = double(k) * binHz;
            const double lower = -(lo - f) / (mid - lo);
            const double upper = (hi - f) / (hi - mid);
            const float tri = float(std::max(0.0, std::min(lower, upper)));
            const float value = float(double(tri) * enorm);
            if (value != 0.0f) {
                if (begin < 0)
                    begin = k;
                // Zeros inside a band cannot occur for a triangle; keep the span contiguous.
                w.resize(std::size_t(k - begin), 0.0f);
                w.push_back(value);
                end = k + 1;
            }
        }
        d.first[std::size_t(m)] = begin < 0 ? 0 : begin;
        d.count[std::size_t(m)] = begin < 0 ? 0 : end - begin;
        d.offset[std::size_t(m)] = int(d.weights.size());
        d.weights.insert(d.weights.end(), w.begin(), w.end());
    }

    // scipy.fft.dct(type=2, norm='ortho'): sqrt(1/N) for k = 0, sqrt(2/N) otherwise.
    const int nm = cfg.nMels;
    d.dct.resize(std::size_t(cfg.nMfcc) * std::size_t(nm));
    for (int k = 0; k < cfg.nMfcc; ++k) {
        const double scale = k == 0 ? std::sqrt(1.0 / nm) : std::sqrt(2.0 / nm);
        for (int i = 0; i < nm; ++i)
            d.dct[std::size_t(k) * std::size_t(nm) + std::size_t(i)] = float(
                scale * std::cos(std::numbers::pi * double(k) * (2.0 * i + 1.0) / (2.0 * nm)));
    }

    // Planning with the same (fftwf_malloc) alignment that every execution uses. FFTW_ESTIMATE
    // keeps the plan, and so the rounding, identical from run to run.
    FftwBuffer<float> in(static_cast<float*>(fftwf_malloc(sizeof(float) * std::size_t(n))));
    FftwBuffer<fftwf_complex> out(static_cast<fftwf_complex*>(
        fftwf_malloc(sizeof(fftwf_complex) * std::size_t(d.bins))));
    if (!in || !out)
        throw std::bad_alloc();
    {
        std::lock_guard lock(detail::fftwPlannerMutex());
        d.plan = fftwf_plan_dft_r2c_1d(n, in.get(), out.get(), FFTW_ESTIMATE);
    }
    if (!d.plan)
        throw std::runtime_error("MfccExtractor: FFTW could not plan a " + std::to_string(n) +
                                 "-point transform");
}

MfccExtractor::~MfccExtractor()
{
    if (m_impl && m_impl->plan) {
        std::lock_guard lock(detail::fftwPlannerMutex());
        fftwf_destroy_plan(m_impl->plan);
    }
}

const MfccConfig& MfccExtractor::config() const noexcept { return m_impl->cfg; }

int MfccExtractor::frameCount(std::size_t samples) const noexcept
{
    return 1 + int(samples / std::size_t(m_impl->cfg.hopLength));
}

void MfccExtractor::Impl::melFrames(std::span<const float> x, Workspace& ws) const
{
    if (x.empty())
        throw InputError("MFCC: the clip has no samples");
    // Branch-free integer scan (vectorises): NaN and infinity have an all-ones exponent.
    std::uint32_t nonFinite = 0;
    for (float v : x)
        nonFinite |= std::uint32_t((std::bit_cast<std::uint32_t>(v) & 0x7F800000u) == 0x7F800000u);
    if (nonFinite)
        throw InputError("MFCC: the clip contains NaN or infinite samples");
    const int n = cfg.nFft;
    const int hop = cfg.hopLength;
    const long long len = (long long)x.size();
    const int frames = 1 + int(x.size() / std::size_t(hop));
    ws.prepare(n);
    MelMatrix& mel = ws.mel;
    mel.resize(cfg.nMels, frames);
    // Power of FrameBlock consecutive frames, bin-major (power[k * FrameBlock + f]), so that
    // the sparse mel sums below run across frames in SIMD lanes without reordering any sum.
    std::vector<float>& power = ws.power;
    power.assign(std::size_t(bins) * FrameBlock, 0.0f);
    float* frame = ws.in.get();
    fftwf_complex* spectrum = ws.out.get();
    const float* w = window.data();

    for (int t0 = 0; t0 < frames; t0 += FrameBlock) {
        const int block = std::min(FrameBlock, frames - t0);
        for (int f = 0; f < block; ++f) {
            // center=True, pad_mode='constant': frame t covers x[t*hop - n/2, t*hop + n/2).
            const long long start = (long long)(t0 + f) * hop - n / 2;
            const int lo = int(std::clamp<long long>(-start, 0, n));
            const int hi = int(std::clamp<long long>(len - start, 0, n));
            if (lo == 0 && hi == n) {
                const float* src = x.data() + start;
                for (int i = 0; i < n; ++i)
                    frame[i] = w[i] * src[i];
            } else {
                std::fill(frame, frame + n, 0.0f);
                for (int i = lo; i < hi; ++i)
                    frame[i] = w[i] * x[std::size_t(start + i)];
            }
            fftwf_execute_dft_r2c(plan, frame, spectrum);
            const fftwf_complex* spec = spectrum;
            for (int k = 0; k < bins; ++k)
                power[std::size_t(k) * FrameBlock + std::size_t(f)] =
                    spec[k][0] * spec[k][0] + spec[k][1] * spec[k][1];
        }
        for (int m = 0; m < cfg.nMels; ++m) {
            const float* wm = weights.data() + offset[std::size_t(m)];
            const float* pm = power.data() + std::size_t(first[std::size_t(m)]) * FrameBlock;
            // One packet of FrameBlock lanes (Eigen picks the widest SIMD registers).
            using Lanes = Eigen::Array<float, FrameBlock, 1>;
            Lanes acc = Lanes::Zero();
            for (int j = 0; j < count[std::size_t(m)]; ++j)
                acc += wm[j] * Eigen::Map<const Lanes>(pm + std::size_t(j) * FrameBlock);
            float* row = mel.row(m).data() + t0;
            for (int f = 0; f < block; ++f)
                row[f] = acc[f];
        }
    }
}

void MfccExtractor::Impl::coefficients(std::span<const float> x, Workspace& ws) const
{
    melFrames(x, ws);
    MelMatrix& db = ws.mel;

    // librosa.power_to_db(S, ref=1.0, amin, top_db): 10*log10(max(amin, S)), then clip at
    // (maximum over the whole matrix) - top_db. float32 throughout, as in librosa.
    const float floorPower = float(cfg.amin);
    const float dbPerNeper = float(10.0 / std::numbers::ln10);
    float* v = db.data();
    const Eigen::Index size = db.size();
    for (Eigen::Index i = 0; i < size; ++i)
        v[i] = dbPerNeper * lnPositive(std::max(floorPower, v[i]));
    float peak = -std::numeric_limits<float>::infinity();
    for (Eigen::Index i = 0; i < size; ++i)
        peak = std::max(peak, v[i]);
    if (cfg.topDb > 0.0) {
        const float floor = peak - float(cfg.topDb);
        for (Eigen::Index i = 0; i < size; ++i)
            v[i] = std::max(v[i], floor);
    }

    // DCT-II (ortho) along the mel axis as axpy passes over frames: vectorised, and each
    // coefficient summed over bands in a fixed order.
    const int nm = cfg.nMels;
    const Eigen::Index frames = db.cols();
    MelMatrix& c = ws.coefficients;
    c.setZero(cfg.nMfcc, frames);
    for (int k = 0; k < cfg.nMfcc; ++k) {
        float* out = c.row(k).data();
        for (int i = 0; i < nm; ++i) {
            const float weight = dct[std::size_t(k) * std::size_t(nm) + std::size_t(i)];
            const float* in = db.row(i).data();
            for (Eigen::Index t = 0; t < frames; ++t)
                out[t] += weight * in[t];
        }
    }
}

Matrix MfccExtractor::melPower(std::span<const float> samples) const
{
    Workspace& ws = threadWorkspace();
    m_impl->melFrames(samples, ws);
    Matrix result = ws.mel.cast<double>();
    trimWorkspace(ws);
    return result;
}

Matrix MfccExtractor::mfcc(std::span<const float> samples) const
{
    Workspace& ws = threadWorkspace();
    m_impl->coefficients(samples, ws);
    Matrix result = ws.coefficients.cast<double>();
    trimWorkspace(ws);
    return result;
}

RowVector MfccExtractor::summary(std::span<const float> samples) const
{
    Workspace& ws = threadWorkspace();
    m_impl->coefficients(samples, ws);
    // Through mfccStatistics() itself: one compiled summation, so that the two agree bit for
    // bit whatever the compiler makes of each call site (multiply-add fusion may differ).
    RowVector stats = mfccStatistics(ws.coefficients.cast<double>());
    trimWorkspace(ws);
    return stats;
}

RowVector mfccStatistics(const Matrix& mfcc)
{
    if (mfcc.cols() == 0)
        throw InputError("MFCC statistics: the matrix has no frames");
    const Eigen::Index n = mfcc.rows();
    RowVector stats(2 * n);
    for (Eigen::Index k = 0; k < n; ++k) {
        const auto [mean, sd] = meanAndStd(mfcc.data() + k, mfcc.cols(), mfcc.outerStride());
        stats(k) = mean;
        stats(n + k) = sd;
    }
    return stats;
}

std::vector<std::string> mfccFeatureNames(int nMfcc)
{
    std::vector<std::string> names;
    names.reserve(std::size_t(std::max(0, 2 * nMfcc)));
    char buffer[32];
    for (const char* kind : {"mean", "std"})
        for (int k = 0; k < nMfcc; ++k) {
            std::snprintf(buffer, sizeof(buffer), "mfcc_%s_%02d", kind, k);
            names.emplace_back(buffer);
        }
    return names;
}

RowVector mfccSummary(std::span<const float> samples, const MfccConfig& cfg)
{
    const MfccExtractor extractor(cfg);
    return extractor.summary(samples);
}

} // namespace atlas
