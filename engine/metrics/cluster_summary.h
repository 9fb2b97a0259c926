// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// What each cluster of one clustering holds: its size, which labels (genres) it gathers,
// its tracks ordered from the most typical (nearest the centroid) to the least, and the
// cluster x label contingency table. The desktop app's cluster browser and its playlists
// are built on it; it is cheap (O(n x dims) plus one sort per cluster).

#include "engine/core/types.h"

#include <Eigen/Core>

#include <vector>

namespace atlas {

/// One label's share of a cluster.
struct LabelShare {
    int label = -1;          ///< index into the dataset's label names; -1 = unlabelled tracks
    int count = 0;           ///< tracks of the cluster with that label, > 0
    double share = 0.0;      ///< count / cluster size, (0, 1]
};

/// One track of a cluster and how far it lies from the cluster's centroid.
struct ClusterMember {
    int track = 0;           ///< row of the codes (track index)
    double distance = 0.0;   ///< Euclidean distance to the centroid in the code space, >= 0
};

/// One cluster (or the DBSCAN noise) of a clustering.
struct ClusterInfo {
    int id = 0;              ///< the cluster label; -1 = noise (the points no cluster took)
    int size = 0;            ///< tracks, > 0
    RowVector centroid;      ///< mean code of the members (1 x dims)
    double meanDistance = 0.0;   ///< mean member distance to the centroid
    /// Labels present in the cluster, most frequent first (ties: lower label index first;
    /// unlabelled tracks, label -1, count as one more label and sort last among ties).
    std::vector<LabelShare> labels;
    /// Every member, nearest the centroid first (ties: lower track index first). For the
    /// noise entry the "centroid" is the mean of the noise points: noise has no centre of
    /// its own, but the order still puts the points of its densest region first.
    std::vector<ClusterMember> members;
    bool isNoise() const { return id < 0; }
};

/// The summary of one clustering.
struct ClusterSummary {
    /// Clusters by ascending id, the noise entry (id -1) last when there is noise. Cluster
    /// ids without any member do not appear.
    std::vector<ClusterInfo> clusters;
    /// contingency(i, j) = tracks of clusters[i] whose label is j, for j < labelCount;
    /// clusters.size() x labelCount. Unlabelled tracks are counted in `unlabelled`.
    Eigen::MatrixXi contingency;
    /// Per entry of `clusters`: its tracks without a label (label -1).
    std::vector<int> unlabelled;
    int labelCount = 0;      ///< columns of the contingency table
    int tracks = 0;          ///< rows of the codes = sum of the cluster sizes

    /// Index into `clusters` of cluster `id` (-1 = noise), or -1 when it has no members.
    int indexOf(int id) const;
};

/// Summarises the clustering `clusters` of the codes `codes` (n x dims, the space the
/// clustering ran in) against the labels `truth` (n entries in [-1, labelCount), -1 =
/// unlabelled; or empty for a dataset without labels, then every track counts as
/// unlabelled). Cluster labels are >= 0, or -1 for noise.
///
/// Throws InputError when the sizes disagree, a label is out of range or a code is not
/// finite. Pure and thread-safe.
ClusterSummary summarizeClusters(const Matrix& codes, const Labels& clusters,
                                 const Labels& truth, int labelCount);

} // namespace atlas
