// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The dataset builder's steps that sharded extraction (shards.h) shares with buildDataset(),
// so that a collection split into shards is read, tagged, labelled and analysed exactly as a
// whole one is.

#include "engine/pipeline/dataset.h"

namespace atlas::detail {

/// The collection of cfg (the demo corpus generated when asked, a folder or a manifest) with
/// its tags, sidecar lyrics and labels as buildDataset() reads them; lyricsCsv receives the
/// lyrics table to pair (the demo corpus's own when cfg names none), labelSource the label
/// source cfg.labelFrom resolved to over every track found.
Collection collectionOf(const DatasetConfig& cfg, Diagnostics& diagnostics,
                        std::filesystem::path& lyricsCsv, LabelSource& labelSource,
                        const Progress& progress = {});

/// The audio features of `tracks` through the feature cache: n x 40, NaN rows for files that
/// failed (reported in diagnostics, as buildDataset() reports them).
Matrix analyseAudioOf(const std::vector<Track>& tracks, const DatasetConfig& cfg,
                      Diagnostics& diagnostics, const Progress& progress = {});

} // namespace atlas::detail
