// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/features/audio_features.h"

#include "engine/core/error.h"
#include "engine/core/parallel.h"

#include <atomic>
#include <limits>
#include <optional>

namespace atlas {

std::vector<std::string> AudioFeatureConfig::validate() const
{
    std::vector<std::string> problems = decode.validate();
    const auto more = mfcc.validate();
    problems.insert(problems.end(), more.begin(), more.end());
    check(problems, decode.sampleRate == 0 || decode.sampleRate == mfcc.sampleRate,
          "AudioFeatureConfig", "decode.sampleRate",
          "must be 0 or equal to mfcc.sampleRate", decode.sampleRate);
    check(problems, decode.mono, "AudioFeatureConfig", "decode.mono",
          "must be true (MFCCs are taken on the mono mix)", int(decode.mono));
    return problems;
}

std::size_t AudioFeatures::okCount() const
{
    std::size_t n = 0;
    for (bool b : ok)
        n += b ? 1 : 0;
    return n;
}

AudioFeatures extractAudioFeatures(const std::vector<std::filesystem::path>& files,
                                   const AudioFeatureConfig& cfg, Diagnostics& diagnostics,
                                   const Progress& progress)
{
    requireValid(cfg.validate());
    const int n = int(files.size());
    const int width = 2 * cfg.mfcc.nMfcc;
    AudioFeatures result;
    result.values = Matrix::Constant(n, width, std::numeric_limits<double>::quiet_NaN());
    result.ok.assign(std::size_t(n), false);
    progress.report(0.0, "extracting audio features");
    if (n == 0) {
        progress.report(1.0);
        return result;
    }

    // The extractor (and its FFT plan) is made here, outside the parallel region.
    const MfccExtractor extractor(cfg.mfcc);
    std::vector<std::vector<Issue>> issues(static_cast<std::size_t>(n));
    std::vector<char> ok(static_cast<std::size_t>(n), 0);
    std::atomic<int> done{0};

#pragma omp parallel
    {
        AudioClip clip; // per thread, so that its buffer is reused from file to file
#pragma omp for schedule(dynamic)
        for (int i = 0; i < n; ++i) {
            if (progress.isCancelled())
                continue;
            const auto& file = files[std::size_t(i)];
            auto& mine = issues[std::size_t(i)];
            try {
                if (auto issue = decodeAudioInto(file, cfg.decode, clip)) {
                    mine.push_back(std::move(*issue));
                } else if (clip.sampleRate != cfg.mfcc.sampleRate) {
                    mine.push_back(Issue{file, "sample rate is " +
                                                   std::to_string(clip.sampleRate) +
                                                   " Hz but the features need " +
                                                   std::to_string(cfg.mfcc.sampleRate) + " Hz"});
                } else {
                    for (const auto& warning : clip.warnings)
                        mine.push_back(Issue{file, warning});
                    const RowVector row = extractor.summary(clip.samples);
                    if (row.allFinite()) {
                        result.values.row(i) = row;
                        ok[std::size_t(i)] = 1;
                    } else {
                        mine.push_back(Issue{file, "MFCC features are not finite"});
                    }
                }
            } catch (const std::bad_alloc&) {
                mine.push_back(Issue{file, "not enough memory to analyse the file"});
            } catch (const std::exception& e) {
                mine.push_back(Issue{file, std::string("analysis failed (") + e.what() + ")"});
            }
            const int finished = ++done;
            if (threadIndex() == 0)
                progress.report(double(finished) / n, file.filename().string());
        }
    }
    progress.throwIfCancelled();

    for (int i = 0; i < n; ++i)
        result.ok[std::size_t(i)] = ok[std::size_t(i)] != 0;
    for (auto& list : issues)
        for (auto& issue : list)
            diagnostics.add(std::move(issue));
    progress.report(1.0, "audio features done");
    return result;
}

RowVector audioClipFeatures(std::span<const float> samples, const MfccConfig& cfg)
{
    return mfccSummary(samples, cfg);
}

} // namespace atlas
