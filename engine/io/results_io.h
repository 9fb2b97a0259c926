// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/pipeline/pipeline.h"

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
/// Every file is written to a temporary name and renamed. Returns the paths written.
/// Throws InputError naming the file when one cannot be written.
std::vector<std::filesystem::path> writeRunTables(const RunResult& run,
                                                  const std::filesystem::path& dir);

/// Versions of the libraries the engine runs on ("libsndfile" -> "libsndfile-1.2.0", ...).
std::vector<std::pair<std::string, std::string>> libraryVersions();

} // namespace atlas
