// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/pipeline/pipeline.h"

#include <filesystem>
#include <memory>

namespace atlas::cli {

/// Draws the run's figures (latent_visualization/, analysis_plots/) into `dir` with the
/// offscreen Qt Charts renderer, removing the figures there of an earlier run that this one
/// did not draw; returns how many were written (0 when the program was built without the
/// renderer). Throws Cancelled between figures once `progress` is cancelled.
std::size_t writeFigures(const RunResult& run, const std::filesystem::path& dir,
                         const Progress& progress = {});

/// Declared at the top of main(): the Qt application that writeFigures() makes on first use
/// is destroyed when the scope ends, before main() returns (a QApplication left to static
/// destruction crashes the process on exit).
class FigureScope {
public:
    FigureScope();
    ~FigureScope();
    FigureScope(const FigureScope&) = delete;
    FigureScope& operator=(const FigureScope&) = delete;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace atlas::cli
