// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Feature extraction split across processes and machines: `features --shard I/N` analyses the
// tracks of one shard into a shard table, and `merge` joins the shard tables into the feature
// table that `features` would have written in one process, byte for byte. Schedulers (a Slurm
// job array, GNU parallel) run the shards; nothing here coordinates them.
//
// A track's shard is a hash of its id (the path relative to the collection, or the file stem
// for GTZAN), so it stays in its shard as the collection grows and on every machine whatever
// the library's mount point. A shard table holds, per track: the audio statistics or why the
// file failed, the track's tags, lyrics text and layout label (the TF-IDF and the labels depend
// on every track, so the merge computes them), its position in the collection (the merged
// order), and the shard's parameters. Rows are appended in batches, each with one write and
// flushed to disk; a shard run again skips the tracks its table has (a killed job resumes
// where it stopped) and first drops a last row a kill cut short.

#include "engine/core/issue.h"
#include "engine/core/progress.h"
#include "engine/pipeline/dataset.h"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace atlas {

/// Shard `index` of `count` (0 <= index < count).
struct ShardSpec {
    int index = 0;
    int count = 1;
    bool operator==(const ShardSpec&) const = default;
};

/// "I/N" with 0 <= I < N; std::nullopt for anything else.
std::optional<ShardSpec> parseShard(std::string_view text);

/// The shard of a track among `count`: FNV-1a of its id, modulo count.
int shardOf(const Track& track, int count);

/// What extractShard() did.
struct ShardReport {
    int collectionTracks = 0;   ///< tracks in the whole collection
    int shardTracks = 0;        ///< tracks of this shard
    int alreadyDone = 0;        ///< in the shard table before this run (resumed)
    int analysed = 0;           ///< added by this run (failed ones included)
    int failed = 0;             ///< of those, files that could not be used
};

/// Analyses the tracks of `shard` of cfg's collection (demo corpus, folder or manifest, with
/// its lyrics CSV) into the shard table `out`, appending to it and skipping the tracks it has.
/// Throws ConfigError for an invalid cfg (approximate lyrics pairing cannot be split);
/// InputError when the collection cannot be read or `out` is a shard table of other
/// parameters or another shard; Cancelled between batches (the rows written stay).
ShardReport extractShard(const DatasetConfig& cfg, ShardSpec shard,
                         const std::filesystem::path& out, Diagnostics& diagnostics,
                         const Progress& progress = {});

/// What mergeShards() found.
struct MergeReport {
    int shardFiles = 0;
    int shardCount = 0;          ///< N of the shards
    int tracks = 0;              ///< rows merged (failed ones included)
    int failed = 0;              ///< tracks whose files failed (issues)
    int duplicates = 0;          ///< rows of a track already read (left out)
    int missing = 0;             ///< tracks of the shards not in any table yet
    std::vector<std::string> notes;   ///< missing shards, incomplete shards, in words
};

/// Joins shard tables into the dataset of the feature table (DatasetConfig::featureTableOnly
/// form: tracks, raw audio statistics, sparse TF-IDF fitted on the merged tracks' lyrics,
/// labels chosen over every track as the shards' label source says), in collection order.
/// Failed tracks become Issues. Throws InputError naming the file when a table is not a shard
/// table, or when shards disagree on their parameters or their count; no usable row at all.
Dataset mergeShards(const std::vector<std::filesystem::path>& shards, Diagnostics& diagnostics,
                    MergeReport* report = nullptr, const Progress& progress = {});

} // namespace atlas
