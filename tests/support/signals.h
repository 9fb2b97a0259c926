// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Test signals: interleaved sums of sines, optional noise, and writing them as audio files
// (through the engine's writer, so a test that includes this links atlas::audio).

#include "engine/audio/writer.h"
#include "engine/core/random.h"

#include <cmath>
#include <cstddef>
#include <filesystem>
#include <numbers>
#include <vector>

namespace atlas::test {

/// One sine: frequency in Hz and peak amplitude.
struct Partial {
    double hz = 440.0;
    double amplitude = 0.3;
};

/// round(rate * seconds) frames; channel c (of channels.size()) is the sum of its partials,
/// sin(2π · hz · t / rate) each. Interleaved.
inline std::vector<float> sines(int rate, double seconds,
                                const std::vector<std::vector<Partial>>& channels)
{
    const auto frames = std::size_t(std::llround(rate * seconds));
    const std::size_t n = channels.size();
    std::vector<float> x(frames * n);
    for (std::size_t t = 0; t < frames; ++t)
        for (std::size_t c = 0; c < n; ++c) {
            double v = 0.0;
            for (const Partial& p : channels[c])
                v += p.amplitude * std::sin(2.0 * std::numbers::pi * p.hz * double(t) / rate);
            x[t * n + c] = float(v);
        }
    return x;
}

/// Adds Gaussian noise of standard deviation `sd` (a fixed stream for `seed`).
inline void addNoise(std::vector<float>& x, double sd, Seed seed)
{
    Rng rng(seed);
    for (float& v : x)
        v = float(v + sd * rng.normal());
}

/// Writes interleaved samples as an audio file (format from the extension, e.g. .wav),
/// creating its folder.
inline std::filesystem::path writeSignal(const std::filesystem::path& file,
                                         const std::vector<float>& interleaved, int channels,
                                         int rate)
{
    if (file.has_parent_path())
        std::filesystem::create_directories(file.parent_path());
    writeAudioFile(file, interleaved, channels, rate);
    return file;
}

} // namespace atlas::test
