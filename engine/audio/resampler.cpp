// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/audio/resampler.h"

#include <soxr.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace atlas {

std::size_t resampledLength(std::size_t frames, double inRate, double outRate)
{
    // librosa: n_samples = int(np.ceil(y.shape[-1] * (float(target_sr) / orig_sr)))
    const double ratio = outRate / inRate;
    return std::size_t(std::ceil(double(frames) * ratio));
}

std::vector<float> resample(std::span<const float> interleaved, int channels, double inRate,
                            double outRate)
{
    if (channels < 1)
        throw std::invalid_argument("resample: channels must be >= 1 (got " +
                                    std::to_string(channels) + ")");
    if (!(inRate > 0.0) || !(outRate > 0.0))
        throw std::invalid_argument("resample: sample rates must be positive");
    // Rates the decoder accepts (1 kHz to 768 kHz in, 1 kHz to 384 kHz out) stay well inside
    // this; a larger ratio would make a small input take minutes and gigabytes.
    if (outRate / inRate > MaxResampleRatio || inRate / outRate > MaxResampleRatio)
        throw std::invalid_argument("resample: cannot convert " + std::to_string(inRate) +
                                    " Hz to " + std::to_string(outRate) + " Hz (ratio over " +
                                    std::to_string(int(MaxResampleRatio)) + ")");
    if (interleaved.size() % std::size_t(channels) != 0)
        throw std::invalid_argument("resample: sample count is not a multiple of channels");
    if (inRate == outRate)
        return {interleaved.begin(), interleaved.end()};
    const std::size_t inFrames = interleaved.size() / std::size_t(channels);
    if (inFrames == 0)
        return {};

    // As python-soxr 0.5's csoxr_oneshot: output buffer of ilen * orate / irate + 1 frames,
    // HQ recipe with default flags, interleaved float32, a single thread.
    const std::size_t capacity = std::size_t(double(inFrames) * outRate / inRate) + 1;
    std::vector<float> out(capacity * std::size_t(channels));
    const soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
    const soxr_quality_spec_t quality = soxr_quality_spec(SOXR_HQ, 0);
    const soxr_runtime_spec_t runtime = soxr_runtime_spec(1);
    std::size_t produced = 0;
    const soxr_error_t error =
        soxr_oneshot(inRate, outRate, unsigned(channels), interleaved.data(), inFrames, nullptr,
                     out.data(), capacity, &produced, &io, &quality, &runtime);
    if (error)
        throw std::runtime_error(std::string("resampling failed (libsoxr: ") + error + ")");

    // librosa.util.fix_length: trim or zero-pad to ceil(frames * ratio).
    const std::size_t wanted = resampledLength(inFrames, inRate, outRate);
    out.resize(std::min(produced, capacity) * std::size_t(channels));
    out.resize(wanted * std::size_t(channels), 0.0f);
    return out;
}

} // namespace atlas
