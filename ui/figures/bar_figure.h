// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Bar figures: one score of every representation x clustering, the charts of
// analysis_plots/ and of the Metrics tab.

#include "engine/metrics/metric_names.h"
#include "engine/pipeline/pipeline.h"
#include "ui/figures/figure_style.h"

#include <QImage>
#include <QSize>

#include <vector>

namespace atlas::ui {

/// Grouped bar chart of one metric: one group per successful representation, one bar per
/// clustering (KMeans, Agglomerative, DBSCAN; colours of categoricalColor(0..2)), legend
/// on top, the value printed on each bar. Undefined (NaN) values and failed clusterings
/// are drawn as "–" with a note under the chart. Scores that leave many tracks out as
/// noise (leavesOutNoise(): DBSCAN's internal scores) are hatched, their value starred in
/// the noise colour, with a note giving the noise share. Title "Davies-Bouldin (lower is better)",
/// the others "... (higher is better)". Null QImage when no representation succeeded.
QImage metricBarFigure(const RunResult& run, Metric metric, const FigureOptions& options = {});

/// The same chart drawn from representations rather than a whole run (the desktop app
/// shows it while a run is still going): `representations` in display order, null and
/// failed ones left out; `config` gives the β in the names; `datasetHasLabels` words the
/// note for undefined external scores. Null QImage when none is left.
QImage metricBarFigure(const std::vector<const RepresentationResult*>& representations,
                       const PipelineConfig& config, bool datasetHasLabels, Metric metric,
                       QSize size, qreal devicePixelRatio = 1.0);

} // namespace atlas::ui
