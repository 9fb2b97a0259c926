// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The experiment's PNG figures, drawn offscreen with Qt Charts: the cluster and genre maps
// under latent_visualization/ and the metric bar charts under analysis_plots/ (the layout
// of the reference pipeline's results folder). Used by `musicatlas-cli run` and by the
// desktop app's figure export. The parts: names (figure_names.h), look (figure_style.h),
// scatter and bar figures, and the results folder (figure_output.h); this header gathers them.
//
// Thread rules for everything here: a QApplication must exist (see ensureApplication() in
// offscreen_application.h) and every function must be called from its thread.

#include "engine/metrics/metric_names.h"
#include "ui/figures/bar_figure.h"
#include "ui/figures/figure_names.h"
#include "ui/figures/figure_output.h"
#include "ui/figures/figure_style.h"
#include "ui/figures/scatter_figure.h"
