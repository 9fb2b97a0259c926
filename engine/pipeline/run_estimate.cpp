// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/pipeline/run_estimate.h"

#include <algorithm>
#include <cmath>

namespace atlas {

std::vector<PlannedStage> pipelinePlan(const PipelineConfig& cfg)
{
    // The same shares as runPipeline(): features 0.2; every representation an equal slice
    // of the rest, of which training takes 0.45, the nearest-neighbour search (with maps)
    // 0.02, the clusterings the rest up to 0.55 and the two maps 0.45.
    std::vector<PlannedStage> plan;
    plan.push_back({"features", StageKind::Features, 0.0, 0.2});
    const int reps = int(cfg.representations.size());
    for (int i = 0; i < reps; ++i) {
        const Representation r = cfg.representations[std::size_t(i)];
        const std::string name = representationName(r);
        const double b = 0.2 + 0.8 * i / reps, e = 0.2 + 0.8 * (i + 1) / reps;
        const auto at = [&](double f) { return b + f * (e - b); };
        plan.push_back({name + " training",
                        r == Representation::Pca ? StageKind::PcaFit : StageKind::Training, at(0.0),
                        at(0.45)});
        const double clusterings = clusteringsStart(cfg);
        if (cfg.maps)
            plan.push_back({name + " nearest neighbours", StageKind::Neighbours, at(0.45),
                            at(clusterings)});
        const int nc = int(AllClusterings.size());
        for (int c = 0; c < nc; ++c) {
            const Clustering kind = AllClusterings[std::size_t(c)];
            const StageKind stage = kind == Clustering::KMeans         ? StageKind::KMeans
                                    : kind == Clustering::Agglomerative ? StageKind::Agglomerative
                                                                        : StageKind::Dbscan;
            plan.push_back({name + " " + clusteringName(kind), stage,
                            at(clusterings + (0.55 - clusterings) * c / nc),
                            at(clusterings + (0.55 - clusterings) * (c + 1) / nc)});
        }
        if (cfg.maps)
            for (int m = 0; m < int(AllMaps.size()); ++m) {
                const MapKind kind = AllMaps[std::size_t(m)];
                plan.push_back({name + " " + mapName(kind),
                                kind == MapKind::Tsne ? StageKind::Tsne : StageKind::Umap,
                                at(0.55 + 0.45 * m / 2.0), at(0.55 + 0.45 * (m + 1) / 2.0)});
            }
    }
    return plan;
}

RunTimeEstimator::RunTimeEstimator(std::vector<PlannedStage> plan)
    : m_plan(std::move(plan)), m_started(m_plan.size(), -1.0), m_took(m_plan.size(), -1.0)
{
}

int RunTimeEstimator::stageAt(double overall) const
{
    // The last stage that has begun; a stage's end is the next one's begin, so a figure
    // on the boundary belongs to the stage that starts there.
    int found = -1;
    for (int i = 0; i < int(m_plan.size()); ++i)
        if (m_plan[std::size_t(i)].begin <= overall + 1e-12)
            found = i;
    return found;
}

void RunTimeEstimator::update(double overall, double seconds)
{
    m_overall = std::max(m_overall, overall);
    m_now = std::max(m_now, seconds);
    const int stage = stageAt(m_overall);
    if (stage == m_current || stage < 0)
        return;
    if (m_current >= 0) {
        // The stage before finished now, unless it was passed over without running (a
        // representation that failed to train skips its clusterings and maps).
        const std::size_t c = std::size_t(m_current);
        if (stage == m_current + 1)
            m_took[c] = m_now - m_started[c];
    }
    m_current = stage;
    m_started[std::size_t(stage)] = m_now;
}

double RunTimeEstimator::secondsLeft() const
{
    if (m_current < 0)
        return -1.0;
    if (m_overall >= 1.0)
        return 0.0;
    const PlannedStage& current = m_plan[std::size_t(m_current)];
    const double span = current.end - current.begin;
    const double fraction = span > 0.0 ? std::clamp((m_overall - current.begin) / span, 0.0, 1.0)
                                       : 1.0;
    const double inStage = m_now - m_started[std::size_t(m_current)];
    const bool rateKnown = fraction >= MinStageFraction && inStage >= MinStageSeconds;
    const double projected = rateKnown ? inStage / fraction : -1.0;

    // Expected length of a stage of `kind`: the finished ones' mean, else the running one's
    // projection when it is of that kind.
    const auto expected = [&](StageKind kind) {
        double sum = 0.0;
        int count = 0;
        for (std::size_t i = 0; i < m_plan.size(); ++i)
            if (m_plan[i].kind == kind && m_took[i] >= 0.0) {
                sum += m_took[i];
                ++count;
            }
        if (count > 0)
            return sum / count;
        return current.kind == kind ? projected : -1.0;
    };

    double left = 0.0;
    if (rateKnown) {
        left = inStage * (1.0 - fraction) / fraction;
    } else {
        const double typical = expected(current.kind);
        if (typical < 0.0)
            return -1.0;
        left = std::max(0.0, typical - inStage);
    }
    for (std::size_t i = std::size_t(m_current) + 1; i < m_plan.size(); ++i) {
        const double typical = expected(m_plan[i].kind);
        if (typical < 0.0)
            return -1.0;
        left += typical;
    }
    return left;
}

} // namespace atlas
