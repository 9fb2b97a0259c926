// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/types.h"

#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

namespace atlas {

/// Options of MfccExtractor. The defaults are those of
/// `librosa.feature.mfcc(y=y, sr=22050, n_mfcc=20)` in librosa 0.11: periodic Hann window,
/// center=True with constant (zero) padding of nFft/2 on each side, power spectrogram,
/// Slaney-scale mel filters (htk=False) with Slaney area normalisation,
/// `power_to_db(ref=1.0, amin=1e-10, top_db=80)` and an orthonormal DCT-II (lifter=0).
struct MfccConfig {
    int sampleRate = 22050; ///< Hz of the input samples (librosa `sr`), >= 1000
    int nMfcc = 20;         ///< coefficients kept (librosa `n_mfcc`), in [1, nMels]
    int nFft = 2048;        ///< FFT and window length in samples (librosa `n_fft`), even, >= 16
    int hopLength = 512;    ///< frame step in samples (librosa `hop_length`), >= 1
    int nMels = 128;        ///< mel bands (librosa `n_mels`), in [1, nFft/2 + 1]
    double fMin = 0.0;      ///< lowest mel edge in Hz (librosa `fmin`), >= 0
    /// Highest mel edge in Hz (librosa `fmax`); 0 means sampleRate / 2 (librosa fmax=None).
    double fMax = 0.0;
    /// Power floor before the logarithm (librosa `amin`), >= 1e-30 (a normal float32).
    double amin = 1e-10;
    /// Dynamic range kept below the loudest mel bin of the whole clip, in dB (librosa
    /// `top_db`), > 0; a negative value disables the clip (top_db=None).
    double topDb = 80.0;

    /// Empty when valid; otherwise one message per problem, naming the field.
    std::vector<std::string> validate() const;

    bool operator==(const MfccConfig&) const = default;
};

/// Computes librosa-identical MFCCs and their per-coefficient summary statistics.
///
/// Precision: frames are windowed and transformed in float32 (FFTW's fftwf; librosa keeps the
/// STFT as complex64), and power, mel sums, dB and DCT are float32 as in librosa (whose
/// einsum and DCT also run in float32). On the librosa 0.11 fixtures the largest difference
/// is 5e-4 on MFCC values up to 591 (the float64 re-statement of the fixtures differs by 3e-5).
///
/// Cost: one 2048-point real FFT per frame dominates; each Slaney triangle covers only a few
/// FFT bins, so the mel stage is a sparse product (about 2 multiply-adds per bin, computed for
/// 16 frames at a time across SIMD lanes) rather than a dense 128 x 1025 one.
///
/// Thread rules: construction and destruction take the process-wide FFTW planner lock
/// (detail::fftwPlannerMutex()), as FFTW's planner is not thread-safe; do both outside
/// parallel regions where possible. All const methods may be called concurrently from any
/// number of threads: the shared plan is run with fftwf_execute_dft_r2c (thread-safe by FFTW's
/// documentation) on buffers private to the calling thread. Those per-thread buffers
/// (FFTW-aligned frame buffers and the mel/MFCC matrices, about 0.3 MB for a 10-s clip) are
/// kept for the thread's next call and freed when the thread ends.
class MfccExtractor {
public:
    /// Builds the window, sparse mel filter bank, DCT matrix and FFT plan.
    /// Throws ConfigError for an invalid cfg.
    explicit MfccExtractor(const MfccConfig& cfg = {});
    ~MfccExtractor();
    MfccExtractor(const MfccExtractor&) = delete;
    MfccExtractor& operator=(const MfccExtractor&) = delete;

    const MfccConfig& config() const noexcept;

    /// Frames librosa produces for `samples` input samples: 1 + samples / hopLength.
    int frameCount(std::size_t samples) const noexcept;

    /// MFCC matrix, nMfcc x frames (librosa's orientation: row = coefficient, column = frame),
    /// for mono samples at config().sampleRate. Any length >= 1 works (center padding gives
    /// 1 + samples / hopLength frames). Throws InputError for empty input or NaN/infinite
    /// samples.
    Matrix mfcc(std::span<const float> samples) const;

    /// Mel power spectrogram, nMels x frames, before the dB conversion
    /// (`librosa.feature.melspectrogram(y=y, sr=sr)`); for checks and debugging.
    /// Throws as mfcc().
    Matrix melPower(std::span<const float> samples) const;

    /// The 2*nMfcc summary: per-coefficient means over frames, then population standard
    /// deviations (numpy std, ddof=0), in the order of mfccFeatureNames(); bit-identical to
    /// mfccStatistics(mfcc(samples)). Throws as mfcc().
    RowVector summary(std::span<const float> samples) const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

/// Means (first nMfcc values) then population standard deviations (ddof=0) of each row of
/// an nMfcc x frames matrix. Throws InputError for a matrix without columns.
RowVector mfccStatistics(const Matrix& mfcc);

/// Names of the summary values: "mfcc_mean_00".."mfcc_mean_<n-1>", then
/// "mfcc_std_00".."mfcc_std_<n-1>" (two digits, zero-padded).
std::vector<std::string> mfccFeatureNames(int nMfcc = 20);

/// One-shot: the 2*cfg.nMfcc summary of one clip already in memory (sampled at
/// cfg.sampleRate). Builds an extractor, so prefer MfccExtractor for many clips.
/// Throws ConfigError for an invalid cfg and InputError for empty input.
RowVector mfccSummary(std::span<const float> samples, const MfccConfig& cfg = {});

namespace detail {
/// The lock every FFTW planner call (plan creation and destruction) in the process must hold.
std::mutex& fftwPlannerMutex();
} // namespace detail

} // namespace atlas
