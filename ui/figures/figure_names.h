// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The names figures and views give the pipeline's parts. The scores' names are the
// engine's (engine/metrics/metric_names.h).

#include "engine/pipeline/pipeline.h"

#include <QString>

namespace atlas::ui {

/// Display names used in titles and legends, with the β of the VAE family taken from the
/// run's configuration: "PCA", "Autoencoder", "VAE (β = 1)", "β-VAE (β = 4)", "CVAE".
QString representationTitle(Representation r, const PipelineConfig& cfg);
/// "KMeans", "Agglomerative (Ward)", "DBSCAN".
QString clusteringTitle(Clustering c);
/// "t-SNE", "UMAP".
QString mapTitle(MapKind m);

} // namespace atlas::ui
