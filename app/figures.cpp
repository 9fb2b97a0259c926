// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/figures.h"

#include "engine/io/results_io.h"

#ifdef ATLAS_HAVE_FIGURES
#include "ui/figures/figure_renderer.h"
#include "ui/figures/offscreen_application.h"
#endif

namespace atlas::cli {

std::size_t writeFigures(const RunResult& run, const std::filesystem::path& dir,
                         const Progress& progress)
{
#ifdef ATLAS_HAVE_FIGURES
    // Offscreen even when DISPLAY is set: a batch job must not depend on a reachable display.
    atlas::ui::ensureApplication(true);
    return atlas::ui::renderFigures(run, dir, {}, progress).size();
#else
    (void)run;
    (void)progress;
    removeStaleFigures(dir, {}); // figures of an earlier build would describe another run
    return 0;
#endif
}

#ifdef ATLAS_HAVE_FIGURES
struct FigureScope::Impl {
    atlas::ui::ApplicationScope application;
};
#else
struct FigureScope::Impl {};
#endif

FigureScope::FigureScope() : m_impl(std::make_unique<Impl>()) {}
FigureScope::~FigureScope() = default;

} // namespace atlas::cli
