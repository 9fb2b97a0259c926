// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/issue.h"
#include "engine/pipeline/pipeline.h"

#include <array>
#include <filesystem>
#include <string>
#include <vector>

namespace atlas {

/// Writes the tables of a run into `dir` (created if needed), with names fixed so that other
/// tools can read them:
/// - clustering_metrics.csv: method,silhouette,calinski_harabasz,davies_bouldin,ari,nmi,
///   purity,ami,v_measure,n_clusters,noise_fraction; one row per representation x
///   clustering, method = <representation>[_<params>]_<clustering> (e.g. vae_beta1.0_kmeans).
///   Undefined values (internal metrics with < 2 clusters, external ones without labels, a
///   failed clustering) are empty fields.
/// - latent.csv: track_id,representation,z_00..z_NN (the codes every clustering used).
/// - embeddings.csv: track_id,path,label,representation,map,x,y,cluster_kmeans,
///   cluster_agglomerative,cluster_dbscan.
/// - training_history.csv: representation,epoch,loss,reconstruction,kl.
/// - issues.csv: path,reason.
/// - run.json: configuration, seed, dataset summary, library versions, per-stage timings.
/// Every file replaces its predecessor as a whole (AtomicFile). Returns the paths written.
/// Throws InputError naming the file when one cannot be written, Cancelled between files once
/// `progress` is cancelled (the files written until then are whole).
std::vector<std::filesystem::path> writeRunTables(const RunResult& run,
                                                  const std::filesystem::path& dir,
                                                  const Progress& progress = {});

/// The folders of a results folder that hold a run's figures (drawn by the figure renderer:
/// cluster and genre maps, metric bar charts).
inline constexpr std::array<const char*, 2> FigureFolders = {"latent_visualization",
                                                             "analysis_plots"};

/// Removes the PNG files in `dir`'s FigureFolders that are not among `written`: figures of a
/// previous run into the same folder that this run did not draw (all of them for a run
/// without figures), so that no figure describes another run. A figure folder left empty is
/// removed too; other files are never touched. Returns how many files were removed; throws
/// InputError naming a file that cannot be removed.
std::size_t removeStaleFigures(const std::filesystem::path& dir,
                               const std::vector<std::filesystem::path>& written);

/// One row of clustering_metrics.csv: the method key (vae_beta1.0_kmeans) and the
/// clustering whose scores fill it; a null or failed clustering gives empty fields.
struct ClusteringMetricsRow {
    std::string method;
    const ClusteringResult* clustering = nullptr;
};

/// The rows of clustering_metrics.csv for `run`: every representation x clustering of
/// AllClusterings, in pipeline order.
std::vector<ClusteringMetricsRow> clusteringMetricsRows(const RunResult& run);

/// Writes `rows`, in this order, as clustering_metrics.csv (the format above; the score
/// columns are metricKey() of AllMetrics). Returns `file`; throws InputError naming the file
/// when it cannot be written.
std::filesystem::path writeClusteringMetrics(const std::filesystem::path& file,
                                             const std::vector<ClusteringMetricsRow>& rows);

/// Writes `issues`, in this order, as issues.csv (path,reason). Returns `file`; throws
/// InputError naming the file when it cannot be written.
std::filesystem::path writeIssues(const std::filesystem::path& file,
                                  const std::vector<Issue>& issues);

/// Versions of the libraries the engine runs on ("libsndfile" -> "libsndfile-1.2.0", ...).
std::vector<std::pair<std::string, std::string>> libraryVersions();

} // namespace atlas
