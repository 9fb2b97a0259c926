// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/issue.h"
#include "engine/core/progress.h"
#include "engine/pipeline/dataset.h"

#include <filesystem>
#include <string>
#include <vector>

namespace atlas {

/// Writes the feature table of `cfg`'s run: one row per track,
/// `track_id,path,label`, then the raw (unscaled) audio statistics under their names
/// (mfcc_mean_00 ... mfcc_std_19), then the TF-IDF weights as `tfidf:<term>` in vocabulary
/// order, then `title,artist,album,year,genre,has_lyrics` from the files' tags (empty when
/// untagged; has_lyrics 1/0). Numbers use the shortest representation that reads back to the same double.
/// Replaced as a whole (AtomicFile). Throws InputError naming the file on failure.
void writeFeatureCsv(const Dataset& dataset, const std::filesystem::path& file);

/// The same table in NumPy form (engine/data/feature_table.h): `file` (.npy, the feature
/// columns as float64), and beside it <stem>.rows.csv (track_id,path,label,title,artist,
/// album,year,genre,has_lyrics) and <stem>.columns.txt (the feature columns' names). Each
/// file is written atomically, the matrix last.
void writeFeatureNpy(const Dataset& dataset, const std::filesystem::path& file,
                     const Progress& progress = {});

/// Writes `path,reason` rows, one per Issue, in arrival order (header always present).
void writeIssuesCsv(const std::vector<Issue>& issues, const std::filesystem::path& file);

} // namespace atlas
