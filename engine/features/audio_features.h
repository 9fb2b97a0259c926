// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/audio/decoder.h"
#include "engine/core/issue.h"
#include "engine/core/progress.h"
#include "engine/core/types.h"
#include "engine/features/mfcc.h"

#include <filesystem>
#include <span>
#include <string>
#include <vector>

namespace atlas {

/// Options of extractAudioFeatures(): how each file is decoded and how its MFCCs are taken.
/// Defaults reproduce the research pipeline: the first 10 s at 22,050 Hz mono, 20 MFCCs,
/// summarised by 20 means and 20 standard deviations.
struct AudioFeatureConfig {
    DecodeConfig decode; ///< decode.sampleRate must equal mfcc.sampleRate (or be 0 = native,
                         ///< in which case files must already be at mfcc.sampleRate)
    MfccConfig mfcc;

    /// Empty when valid; otherwise one message per problem (both sub-configs included).
    std::vector<std::string> validate() const;

    bool operator==(const AudioFeatureConfig&) const = default;
};

/// Per-file audio features.
struct AudioFeatures {
    /// files x (2 * mfcc.nMfcc): one row per input file, in input order, columns named by
    /// mfccFeatureNames(); rows of files that failed are NaN.
    Matrix values;
    /// ok[i] is true when row i holds features.
    std::vector<bool> ok;

    /// Number of files with features.
    std::size_t okCount() const;
};

/// Decodes every file and summarises its MFCCs, in parallel over files (OpenMP, dynamic
/// schedule; maxThreads() threads). A bad file does not stop the batch: it gets a NaN row,
/// ok = false, and an Issue naming it (unreadable, not audio, unsupported, truncated, too
/// short, ...). Files that decode with a warning (e.g. truncated but long enough) keep their
/// features and their warning is added as an Issue too. Issues are added to `diagnostics` in
/// file order after all files are done. A file at a different sample rate than
/// cfg.mfcc.sampleRate while cfg.decode.sampleRate is 0 is reported as an Issue.
///
/// Progress: one report per finished file (from the calling thread only) and 1.0 at the end.
/// Throws ConfigError for an invalid cfg and Cancelled (after the parallel loop has wound
/// down) when cancellation was requested. Output is bit-identical for any thread count.
AudioFeatures extractAudioFeatures(const std::vector<std::filesystem::path>& files,
                                   const AudioFeatureConfig& cfg, Diagnostics& diagnostics,
                                   const Progress& progress = {});

/// The 2 * cfg.nMfcc summary (means, then ddof=0 standard deviations) of one mono clip
/// already in memory at cfg.sampleRate. Throws ConfigError for an invalid cfg and
/// InputError for an empty clip or non-finite samples.
RowVector audioClipFeatures(std::span<const float> samples, const MfccConfig& cfg = {});

} // namespace atlas
