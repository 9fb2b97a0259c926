// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/figures/figure_output.h"

#include "engine/core/atomic_file.h"
#include "engine/core/error.h"
#include "engine/io/results_io.h"
#include "engine/metrics/metric_names.h"
#include "ui/figures/bar_figure.h"
#include "ui/figures/scatter_figure.h"

#include <QBuffer>

#include <cmath>
#include <functional>
#include <stdexcept>
#include <string>

namespace atlas::ui {

using namespace detail;

std::vector<FigureJob> figureJobs(const RunResult& run, const std::filesystem::path& outDir,
                                  const FigureOptions& options)
{
    std::vector<FigureJob> jobs;
    const auto latent = outDir / "latent_visualization";
    const auto plots = outDir / "analysis_plots";
    for (Representation r : AllRepresentations) {
        const RepresentationResult* rep = findRepresentation(run, r);
        if (!rep)
            continue;
        for (Clustering c : AllClusterings)
            for (MapKind m : AllMaps) {
                const ClusteringResult* cl = findClustering(*rep, c);
                if (!cl || !cl->ok || !findMap(*rep, m))
                    continue;
                jobs.push_back({latent / (std::string(representationKey(r)) + "_" +
                                          clusteringKey(c) + "_" + mapKey(m) + ".png"),
                                [&run, &options, r, c, m] {
                                    return clusterScatterFigure(run, r, c, m, options);
                                }});
            }
        if (run.dataset.hasLabels())
            for (MapKind m : AllMaps) {
                if (!findMap(*rep, m))
                    continue;
                jobs.push_back({latent / (std::string(representationKey(r)) + "_" +
                                          mapKey(m) + "_genre.png"),
                                [&run, &options, r, m] {
                                    return genreScatterFigure(run, r, m, options);
                                }});
            }
    }
    for (Metric metric : AllMetrics) {
        bool defined = false;
        for (const auto& rep : run.representations)
            if (rep.ok)
                for (const auto& cl : rep.clusterings)
                    defined |= cl.ok && std::isfinite(metricValue(cl.scores, metric));
        if (defined)
            jobs.push_back({plots / (std::string(metricKey(metric)) + ".png"),
                            [&run, &options, metric] { return metricBarFigure(run, metric, options); }});
    }
    return jobs;
}

bool writeFigure(const FigureJob& job)
{
    std::error_code ec;
    std::filesystem::create_directories(job.file.parent_path(), ec);
    if (ec)
        throw std::runtime_error("cannot create folder " + job.file.parent_path().string() +
                                 ": " + ec.message());
    const QImage image = job.draw();
    if (image.isNull())
        return false;
    writePng(image, job.file);
    return true;
}

std::vector<std::filesystem::path> renderFigures(const RunResult& run,
                                                 const std::filesystem::path& outDir,
                                                 const FigureOptions& options,
                                                 const Progress& progress)
{
    const std::vector<FigureJob> jobs = figureJobs(run, outDir, options);
    std::vector<std::filesystem::path> written;
    for (std::size_t k = 0; k < jobs.size(); ++k) {
        progress.throwIfCancelled();
        if (!writeFigure(jobs[k]))
            continue;
        written.push_back(jobs[k].file);
        progress.report(double(k + 1) / double(jobs.size()), jobs[k].file.filename().string());
    }
    // Figures of an earlier run into this folder that this run did not draw would describe
    // another run.
    removeStaleFigures(outDir, written);
    progress.report(1.0);
    return written;
}

void writePng(const QImage& image, const std::filesystem::path& file)
{
    QByteArray png;
    QBuffer buffer(&png);
    buffer.open(QIODevice::WriteOnly);
    if (!image.save(&buffer, "PNG"))
        throw InputError(file.string() + ": cannot encode the figure as PNG");
    writeFileAtomically(file, std::string_view(png.constData(), std::size_t(png.size())),
                        "the figure");
}

} // namespace atlas::ui
