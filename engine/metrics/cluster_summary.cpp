// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/metrics/cluster_summary.h"

#include "engine/core/error.h"
#include "engine/metrics/external.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace atlas {

int ClusterSummary::indexOf(int id) const
{
    for (std::size_t i = 0; i < clusters.size(); ++i)
        if (clusters[i].id == id)
            return int(i);
    return -1;
}

ClusterSummary summarizeClusters(const Matrix& codes, const Labels& clusters,
                                 const Labels& truth, int labelCount)
{
    const Eigen::Index n = codes.rows();
    if (clusters.size() != n)
        throw InputError("cluster summary: " + std::to_string(clusters.size()) +
                         " cluster labels for " + std::to_string(n) + " tracks");
    if (truth.size() != 0 && truth.size() != n)
        throw InputError("cluster summary: " + std::to_string(truth.size()) + " labels for " +
                         std::to_string(n) + " tracks");
    if (labelCount < 0)
        throw InputError("cluster summary: negative label count (" + std::to_string(labelCount) +
                         ")");
    if (!codes.allFinite())
        throw InputError("cluster summary: the codes contain NaN or infinite values");
    for (Eigen::Index i = 0; i < n; ++i) {
        if (clusters[i] < -1)
            throw InputError("cluster summary: cluster label " + std::to_string(clusters[i]) +
                             " of track " + std::to_string(i) + " is below -1");
        if (truth.size() != 0 && (truth[i] < -1 || truth[i] >= labelCount))
            throw InputError("cluster summary: label " + std::to_string(truth[i]) + " of track " +
                             std::to_string(i) + " is outside [-1, " +
                             std::to_string(labelCount) + ")");
    }

    // Cluster x label counts; its rows are the entries, ascending ids with noise moved last.
    const Labels noLabels = truth.size() != 0 ? Labels() : Labels(Labels::Constant(n, -1));
    const Contingency table = contingencyMatrix(clusters, truth.size() != 0 ? truth : noLabels);
    std::vector<int> ids = table.classes;
    const bool hasNoise = !ids.empty() && ids.front() == -1;
    if (hasNoise)
        std::rotate(ids.begin(), ids.begin() + 1, ids.end());
    const auto entryOf = [&](int id) {
        if (id == -1)
            return int(ids.size()) - 1;
        const auto last = hasNoise ? ids.end() - 1 : ids.end();
        return int(std::lower_bound(ids.begin(), last, id) - ids.begin());
    };

    const int k = int(ids.size());
    ClusterSummary out;
    out.labelCount = labelCount;
    out.tracks = int(n);
    out.contingency = Eigen::MatrixXi::Zero(k, labelCount);
    out.unlabelled.assign(std::size_t(k), 0);
    out.clusters.resize(std::size_t(k));
    for (int e = 0; e < k; ++e) {
        ClusterInfo& c = out.clusters[std::size_t(e)];
        c.id = ids[std::size_t(e)];
        c.centroid = RowVector::Zero(codes.cols());
        const Eigen::Index row = hasNoise ? (e + 1) % k : e;   // row of c.id in the table
        for (Eigen::Index j = 0; j < table.counts.cols(); ++j) {
            const int count = int(table.counts(row, j));
            if (const int label = table.clusters[std::size_t(j)]; label >= 0)
                out.contingency(e, label) = count;
            else
                out.unlabelled[std::size_t(e)] = count;
            c.size += count;
        }
    }
    std::vector<int> entry(static_cast<std::size_t>(n), 0);
    for (Eigen::Index i = 0; i < n; ++i) {
        const int e = entryOf(clusters[i]);
        entry[std::size_t(i)] = e;
        out.clusters[std::size_t(e)].centroid += codes.row(i);
    }
    for (ClusterInfo& c : out.clusters) {
        c.centroid /= double(c.size);
        c.members.reserve(std::size_t(c.size));
    }
    for (Eigen::Index i = 0; i < n; ++i) {
        ClusterInfo& c = out.clusters[std::size_t(entry[std::size_t(i)])];
        c.members.push_back({int(i), (codes.row(i) - c.centroid).norm()});
    }

    for (int e = 0; e < k; ++e) {
        ClusterInfo& c = out.clusters[std::size_t(e)];
        // Nearest first, lower track indices first among equal distances (the order a
        // stable sort of the index-ordered members gives).
        std::sort(c.members.begin(), c.members.end(),
                  [](const ClusterMember& a, const ClusterMember& b) {
                      return a.distance < b.distance ||
                             (a.distance == b.distance && a.track < b.track);
                  });
        double sum = 0.0;
        for (const ClusterMember& m : c.members)
            sum += m.distance;
        c.meanDistance = sum / double(c.size);

        for (int j = 0; j < labelCount; ++j)
            if (const int count = out.contingency(e, j); count > 0)
                c.labels.push_back({j, count, double(count) / double(c.size)});
        if (const int count = out.unlabelled[std::size_t(e)]; count > 0)
            c.labels.push_back({-1, count, double(count) / double(c.size)});
        // Already in label order with unlabelled last, so stable by count keeps the ties.
        std::stable_sort(c.labels.begin(), c.labels.end(),
                         [](const LabelShare& a, const LabelShare& b) {
                             return a.count > b.count;
                         });
    }
    return out;
}

} // namespace atlas
