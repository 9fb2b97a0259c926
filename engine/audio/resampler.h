// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace atlas {

/// The largest up- or down-sampling ratio resample() accepts (std::invalid_argument beyond).
inline constexpr double MaxResampleRatio = 1024.0;

/// Resamples interleaved float32 audio with libsoxr at "HQ" quality, reproducing librosa 0.11's
/// default `librosa.resample(y, orig_sr=inRate, target_sr=outRate, res_type='soxr_hq')`:
/// python-soxr 0.5 `soxr.resample()` (one-shot, `soxr_quality_spec(SOXR_HQ, 0)`, float32 I/O,
/// one thread), followed by librosa's `fix_length` to exactly ceil(frames * outRate / inRate)
/// frames (zero-padded or trimmed at the end).
///
/// Equal rates return a copy. Empty input returns an empty vector.
/// Throws std::invalid_argument for channels < 1, non-positive rates or a sample count that
/// is not a multiple of channels or a ratio over MaxResampleRatio; std::runtime_error when
/// libsoxr reports an error.
/// Thread-safe (no shared state).
std::vector<float> resample(std::span<const float> interleaved, int channels, double inRate,
                            double outRate);

/// Output frame count of resample(): ceil(frames * outRate / inRate).
std::size_t resampledLength(std::size_t frames, double inRate, double outRate);

} // namespace atlas
