// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The figures of a results folder (the layout of the reference pipeline's): the cluster and
// genre maps under latent_visualization/, the metric bar charts under analysis_plots/.

#include "engine/core/progress.h"
#include "engine/pipeline/pipeline.h"
#include "ui/figures/figure_style.h"

#include <QImage>

#include <filesystem>
#include <functional>
#include <vector>

namespace atlas::ui {

/// One figure of a results folder: its file and how to draw it.
struct FigureJob {
    std::filesystem::path file;
    /// Draws the figure (GUI thread); a null QImage when there is nothing to draw.
    std::function<QImage()> draw;
};

/// The figures renderFigures() writes, in its order, not yet drawn; they refer to `run` and
/// `options`, which must outlive them. Lets a caller draw them one at a time (the desktop
/// app draws one per event-loop turn so that its window never freezes).
std::vector<FigureJob> figureJobs(const RunResult& run, const std::filesystem::path& outDir,
                                  const FigureOptions& options = {});

/// Draws `job` and writes it as a PNG (writePng), creating its folder. False when there was
/// nothing to draw; throws std::runtime_error (InputError for the file) naming the folder or
/// file that cannot be written.
bool writeFigure(const FigureJob& job);

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
