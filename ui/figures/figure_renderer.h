// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The experiment's PNG figures, drawn offscreen with Qt Charts: the cluster and genre maps
// under latent_visualization/ and the metric bar charts under analysis_plots/ (the layout
// of the reference pipeline's results folder). Used by `musicatlas-cli run` and by the
// desktop app's figure export.
//
// Thread rules for everything here: a QApplication must exist (see ensureApplication() in
// offscreen_application.h) and every function must be called from its thread.

#include "engine/core/progress.h"
#include "engine/core/types.h"
#include "engine/metrics/scores.h"
#include "engine/pipeline/pipeline.h"

#include <QImage>
#include <QPointF>
#include <QRectF>
#include <QSize>
#include <QString>

#include <array>
#include <filesystem>
#include <vector>

namespace atlas::ui {

/// Sizes of the figures, in logical pixels (device-independent). The PNG holds
/// size x devicePixelRatio pixels.
struct FigureOptions {
    QSize scatterSize{1200, 900};   ///< cluster and genre maps
    QSize barSize{1400, 700};       ///< metric bar charts
    qreal devicePixelRatio = 1.0;   ///< > 0; 2 gives a 2400 x 1800 map with the same layout
};

/// The scores drawn as bar charts; keys are the file names under analysis_plots/.
enum class Metric { Silhouette, CalinskiHarabasz, DaviesBouldin, Ari, Nmi, Purity, Ami, VMeasure };

inline constexpr std::array<Metric, 8> AllMetrics = {
    Metric::Silhouette, Metric::CalinskiHarabasz, Metric::DaviesBouldin, Metric::Ari,
    Metric::Nmi, Metric::Purity, Metric::Ami, Metric::VMeasure};

/// silhouette, calinski_harabasz, davies_bouldin, ari, nmi, purity, ami, v_measure.
const char* metricKey(Metric m);
/// "Silhouette", "Calinski-Harabasz", "Davies-Bouldin", "ARI", "NMI", "Purity", "AMI",
/// "V-measure".
QString metricName(Metric m);
/// False only for Davies-Bouldin.
bool higherIsBetter(Metric m);
/// The score's value in `s`; NaN where it is not defined.
double metricValue(const ClusterScores& s, Metric m);
/// True for the scores computed against the dataset's labels (ARI, NMI, purity, AMI,
/// V-measure), which are NaN when the dataset has none.
bool isExternalMetric(Metric m);

/// Display names used in titles and legends, with the β of the VAE family taken from the
/// run's configuration: "PCA", "Autoencoder", "VAE (β = 1)", "β-VAE (β = 4)", "CVAE".
QString representationTitle(Representation r, const PipelineConfig& cfg);
/// "KMeans", "Agglomerative (Ward)", "DBSCAN".
QString clusteringTitle(Clustering c);
/// "t-SNE", "UMAP".
QString mapTitle(MapKind m);

/// Everything a scatter figure shows; the generic form behind the cluster and genre maps.
struct ScatterSpec {
    QString title;                  ///< above the plot
    QString xTitle, yTitle;         ///< axis titles, e.g. "t-SNE 1"
    QString legendTitle;            ///< heading of the legend, e.g. "Clusters"
    Matrix xy;                      ///< n x 2 coordinates; non-finite rows are not drawn
    Labels classes;                 ///< n entries: class index >= 0, or -1 = noise/unlabelled
    /// Legend name of each class index; classes without a name are called "Class i".
    std::vector<QString> classNames;
    QString noiseName = QStringLiteral("Noise");   ///< legend name of class -1
};

/// Where a scatter figure put its data, in logical pixels of the image.
struct ScatterGeometry {
    QRectF plotArea;                ///< the axes' rectangle
    QRectF dataRect;                ///< data coordinates shown in plotArea (equal aspect)
    double markerDiameter = 0.0;    ///< of a class point; noise points are smaller
    /// Image position of data point (x, y); y grows upwards in data, downwards in pixels.
    QPointF toPixel(double x, double y) const;
};

/// Draws a scatter: class points coloured with categoricalColor(class), noise (-1) in
/// noiseColor(), smaller and underneath; the legend (with the number of points of each
/// class) outside the plot on the right; the same scale on both axes, the plot area filled.
/// Points are painted with QPainter into the chart's plot area rather than added as a
/// QScatterSeries, which makes one QGraphicsItem per point: 10,000 points take about
/// 10 ms instead of 0.4 s, and the drawing order is controlled (noise first, the other
/// points interleaved in a fixed pseudo-random order so no class systematically hides
/// another). Throws std::invalid_argument when xy is not n x 2 or classes has not n
/// entries. Writes the layout into *geometry when given.
QImage scatterFigure(const ScatterSpec& spec, QSize size, qreal devicePixelRatio = 1.0,
                     ScatterGeometry* geometry = nullptr);

/// The map `map` of representation `r` coloured by the clustering `c`, titled like
/// "VAE (β = 1) · KMeans · t-SNE". Returns a null QImage when that representation,
/// clustering or map is missing or failed.
QImage clusterScatterFigure(const RunResult& run, Representation r, Clustering c, MapKind map,
                            const FigureOptions& options = {},
                            ScatterGeometry* geometry = nullptr);

/// The map `map` of representation `r` coloured by the dataset's label (genre), titled like
/// "VAE (β = 1) · Genre · t-SNE". Null QImage when the dataset has no labels or the map is
/// missing or failed.
QImage genreScatterFigure(const RunResult& run, Representation r, MapKind map,
                          const FigureOptions& options = {},
                          ScatterGeometry* geometry = nullptr);

/// Grouped bar chart of one metric: one group per successful representation, one bar per
/// clustering (KMeans, Agglomerative, DBSCAN; colours of categoricalColor(0..2)), legend
/// on top, the value printed on each bar. Undefined (NaN) values and failed clusterings
/// are drawn as "–" with a note under the chart. Title "Davies-Bouldin (lower is better)",
/// the others "... (higher is better)". Null QImage when no representation succeeded.
QImage metricBarFigure(const RunResult& run, Metric metric, const FigureOptions& options = {});

/// The same chart drawn from representations rather than a whole run (the desktop app
/// shows it while a run is still going): `representations` in display order, null and
/// failed ones left out; `config` gives the β in the names; `datasetHasLabels` words the
/// note for undefined external scores. Null QImage when none is left.
QImage metricBarFigure(const std::vector<const RepresentationResult*>& representations,
                       const PipelineConfig& config, bool datasetHasLabels, Metric metric,
                       QSize size, qreal devicePixelRatio = 1.0);

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

/// An axis step of 1, 2, 2.5 or 5 times a power of ten: the smallest not below `raw`
/// (1 for a non-positive or non-finite `raw`).
double niceStep(double raw);

} // namespace atlas::ui
