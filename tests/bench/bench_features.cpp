// SPDX-License-Identifier: GPL-3.0-or-later
// Audio feature throughput: decode + MFCC + 40 statistics per track at 1 and 2 threads,
// against the "FFT floor" measured in the same run (the same number of 2048-point fftwf r2c
// transforms on the same frames, one thread), which no STFT-based MFCC can beat.
//
// Usage: bench_features [folder] [--tracks N] [--repeat R]
//   folder   audio files to use (every regular file in it); default: N synthetic 10-s
//            22,050-Hz mono PCM16 WAVs generated into a temporary folder
//   N        synthetic tracks (default 200); R repetitions, best taken (default 3)
// For comparison, librosa 0.11 (load + feature.mfcc + mean/std) takes about 6.2 ms per 10-s
// 22,050-Hz track on the reference machine.
#include "engine/audio/decoder.h"
#include "engine/audio/writer.h"
#include "engine/core/issue.h"
#include "engine/core/parallel.h"
#include "engine/core/random.h"
#include "engine/features/audio_features.h"
#include "engine/features/mfcc.h"

#include <fftw3.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <numbers>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

double now()
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

// A 10-s "track": a few harmonic notes with decaying envelopes plus a little noise.
std::vector<float> synthTrack(atlas::Rng& rng, int rate, double seconds)
{
    const std::size_t n = std::size_t(rate * seconds);
    std::vector<float> y(n, 0.0f);
    const double noteLength = 0.25 + 0.5 * rng.uniform();
    for (double start = 0.0; start < seconds; start += noteLength) {
        const double f0 = 110.0 * std::pow(2.0, double(rng.below(36)) / 12.0);
        const std::size_t a = std::size_t(start * rate);
        const std::size_t b = std::min(n, std::size_t((start + noteLength) * rate));
        for (std::size_t i = a; i < b; ++i) {
            const double t = double(i - a) / rate;
            double v = 0.0;
            for (int h = 1; h <= 4; ++h)
                v += std::sin(2.0 * std::numbers::pi * f0 * h * t) / h;
            y[i] += float(0.2 * v * std::exp(-3.0 * t));
        }
    }
    for (auto& v : y)
        v += float(0.01 * rng.normal());
    return y;
}

struct Timing {
    double best = 1e300;
    void add(double s) { best = std::min(best, s); }
};

} // namespace

int main(int argc, char** argv)
{
    std::string folder;
    int tracks = 200;
    int repeat = 3;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--tracks" && i + 1 < argc)
            tracks = std::max(1, std::atoi(argv[++i]));
        else if (arg == "--repeat" && i + 1 < argc)
            repeat = std::max(1, std::atoi(argv[++i]));
        else
            folder = arg;
    }

    std::vector<fs::path> files;
    fs::path generated;
    if (!folder.empty()) {
        for (const auto& entry : fs::directory_iterator(folder))
            if (entry.is_regular_file())
                files.push_back(entry.path());
        std::sort(files.begin(), files.end());
    } else {
        generated = fs::temp_directory_path() / ("musicatlas-bench-features-" +
                                                 std::to_string(::getpid()));
        fs::create_directories(generated);
        atlas::Rng rng(2024);
        for (int i = 0; i < tracks; ++i) {
            char name[32];
            std::snprintf(name, sizeof(name), "track_%04d.wav", i);
            const auto y = synthTrack(rng, 22050, 10.0);
            atlas::writeAudioFile(generated / name, y, 1, 22050);
            files.push_back(generated / name);
        }
    }
    if (files.empty()) {
        std::fprintf(stderr, "no files\n");
        return 1;
    }
    const double n = double(files.size());
    const atlas::AudioFeatureConfig cfg;

    // Decoded clips, for the MFCC-only and FFT-floor timings.
    std::vector<std::vector<float>> clips;
    for (const auto& f : files) {
        auto clip = atlas::decodeAudio(f, cfg.decode);
        if (clip)
            clips.push_back(std::move(clip->samples));
    }
    std::size_t frames = 0;
    const atlas::MfccExtractor extractor(cfg.mfcc);
    for (const auto& c : clips)
        frames += std::size_t(extractor.frameCount(c.size()));

    // FFT floor: one 2048-point r2c per frame on the same (zero-padded) frames, one thread.
    const int nFft = cfg.mfcc.nFft, hop = cfg.mfcc.hopLength;
    float* in = static_cast<float*>(fftwf_malloc(sizeof(float) * std::size_t(nFft)));
    auto* out = static_cast<fftwf_complex*>(
        fftwf_malloc(sizeof(fftwf_complex) * std::size_t(nFft / 2 + 1)));
    // The engine plans with FFTW_ESTIMATE (the same plan, so the same rounding, in every run);
    // FFTW_MEASURE is shown for reference, as it may pick a faster plan on this machine.
    fftwf_plan plan, measured;
    {
        std::lock_guard lock(atlas::detail::fftwPlannerMutex());
        plan = fftwf_plan_dft_r2c_1d(nFft, in, out, FFTW_ESTIMATE);
        measured = fftwf_plan_dft_r2c_1d(nFft, in, out, FFTW_MEASURE);
    }
    std::vector<std::vector<float>> padded;
    for (const auto& c : clips) {
        std::vector<float> p(c.size() + std::size_t(nFft), 0.0f);
        std::copy(c.begin(), c.end(), p.begin() + nFft / 2);
        padded.push_back(std::move(p));
    }

    Timing fft, fftMeasured, mfccOnly, one, two;
    volatile float sink = 0.0f;
    const auto fftPass = [&](fftwf_plan p) {
        const double t0 = now();
        for (std::size_t c = 0; c < clips.size(); ++c) {
            const int count = extractor.frameCount(clips[c].size());
            for (int t = 0; t < count; ++t) {
                std::memcpy(in, padded[c].data() + std::size_t(t) * std::size_t(hop),
                            sizeof(float) * std::size_t(nFft));
                fftwf_execute_dft_r2c(p, in, out);
                sink = sink + out[1][0];
            }
        }
        return now() - t0;
    };
    for (int r = 0; r < repeat; ++r) {
        fft.add(fftPass(plan));
        fftMeasured.add(fftPass(measured));
        double t0 = 0.0;

        t0 = now();
        for (const auto& c : clips)
            sink = sink + float(extractor.summary(c)(0));
        mfccOnly.add(now() - t0);

        for (int threads : {1, 2}) {
            atlas::ThreadScope scope(threads);
            atlas::Diagnostics diagnostics;
            t0 = now();
            const auto features = atlas::extractAudioFeatures(files, cfg, diagnostics);
            (threads == 1 ? one : two).add(now() - t0);
            sink = sink + float(features.values(0, 0));
        }
    }
    {
        std::lock_guard lock(atlas::detail::fftwPlannerMutex());
        fftwf_destroy_plan(plan);
        fftwf_destroy_plan(measured);
    }
    fftwf_free(in);
    fftwf_free(out);

    const double floorMs = 1e3 * fft.best / double(clips.size());
    const auto row = [&](const char* what, double seconds, double count) {
        const double ms = 1e3 * seconds / count;
        std::printf("%-34s %9.3f %10.1f %9.2fx\n", what, ms, count / seconds, ms / floorMs);
    };
    std::printf("%zu tracks (%zu decoded), %zu frames of %d samples, best of %d runs\n",
                files.size(), clips.size(), frames, nFft, repeat);
    std::printf("%-34s %9s %10s %10s\n", "", "ms/track", "tracks/s", "vs floor");
    row("FFT floor (r2c only, 1 thread)", fft.best, double(clips.size()));
    row("  (FFTW_MEASURE plan, reference)", fftMeasured.best, double(clips.size()));
    row("MFCC + stats (in memory, 1 thr)", mfccOnly.best, double(clips.size()));
    row("decode + MFCC + stats, 1 thread", one.best, n);
    row("decode + MFCC + stats, 2 threads", two.best, n);
    std::printf("2-thread speed-up: %.2fx\n", one.best / two.best);
    (void)sink;

    if (!generated.empty()) {
        std::error_code ec;
        fs::remove_all(generated, ec);
    }
    return 0;
}
