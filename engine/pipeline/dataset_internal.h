// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The dataset builder's steps that sharded extraction (shards.h) shares with buildDataset(),
// so that a collection split into shards is read, tagged, labelled and analysed exactly as a
// whole one is.

#include "engine/data/feature_cache.h"
#include "engine/pipeline/dataset.h"

namespace atlas::detail {

/// The collection of cfg (the demo corpus generated when asked, a folder or a manifest) with
/// its tags, sidecar lyrics and labels as buildDataset() reads them; lyricsCsv receives the
/// lyrics table to pair (the demo corpus's own when cfg names none), labelSource the label
/// source cfg.labelFrom resolved to over every track found.
Collection collectionOf(const DatasetConfig& cfg, Diagnostics& diagnostics,
                        std::filesystem::path& lyricsCsv, LabelSource& labelSource,
                        const Progress& progress = {});

/// The feature cache of cfg's audio parameters (none when cfg.useCache is off).
FeatureCache featureCacheOf(const DatasetConfig& cfg);

/// The audio features of `tracks` through `cache`: n x 40, NaN rows for files that failed
/// (reported in diagnostics, as buildDataset() reports them). New results are stored in the
/// cache, not saved: batches of one collection save it once in a while (saveFeatureCache()).
Matrix analyseAudioOf(const std::vector<Track>& tracks, const DatasetConfig& cfg,
                      FeatureCache& cache, Diagnostics& diagnostics, CacheStats& stats,
                      const Progress& progress = {});

/// Saves the cache; a failure is an Issue (the features are computed again next time).
void saveFeatureCache(FeatureCache& cache, Diagnostics& diagnostics);

/// Each track's label as an index into `names` (the sorted distinct labels, filled in); -1 for
/// an unlabelled track.
Labels labelIndices(const std::vector<Track>& tracks, std::vector<std::string>& names);

} // namespace atlas::detail
