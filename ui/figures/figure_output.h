// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The figures of a results folder (the layout of the reference pipeline's): the cluster and
// genre maps under latent_visualization/, the metric bar charts under analysis_plots/.

#include "engine/core/progress.h"
#include "engine/pipeline/pipeline.h"
#include "ui/figures/figure_style.h"

#include <QImage>

#include <filesystem>
#include <vector>

namespace atlas::ui {

/// Writes every figure of `run` under `outDir` and returns the written paths, in order:
/// - latent_visualization/<rep>_<clustering>_<map>.png for each successful representation,
///   clustering and map (AllRepresentations x AllClusterings x AllMaps order);
/// - latent_visualization/<rep>_<map>_genre.png when the dataset has labels;
/// - analysis_plots/<metric>.png for each metric of AllMetrics that is defined for at least
///   one row (the external ones are skipped for a dataset without labels).
/// Creates the folders; replaces existing files as a whole (writePng), then removes the PNGs
/// of an earlier run in these folders that this run did not draw (removeStaleFigures()).
/// Throws std::runtime_error (InputError for a file) naming the file when a folder or PNG
/// cannot be written, Cancelled between figures on cancellation.
/// Progress: one report per figure, 1.0 at the end.
std::vector<std::filesystem::path> renderFigures(const RunResult& run,
                                                 const std::filesystem::path& outDir,
                                                 const FigureOptions& options = {},
                                                 const Progress& progress = {});

/// Writes `image` as a PNG file that replaces `file` as a whole (AtomicFile). Throws
/// InputError naming the file when it cannot be written.
void writePng(const QImage& image, const std::filesystem::path& file);

} // namespace atlas::ui
