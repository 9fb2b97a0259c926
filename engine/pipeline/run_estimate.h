// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/pipeline/pipeline.h"

#include <string>
#include <vector>

namespace atlas {

/// What a stage of a run does; stages of one kind take about as long as each other in a
/// run (every representation is trained for the same epochs, clustered and mapped with the
/// same settings on the same tracks).
enum class StageKind {
    Features,
    PcaFit,
    Training,
    KMeans,
    Agglomerative,
    Dbscan,
    Tsne,
    Umap,
    Neighbours,   ///< the exact nearest-neighbour search Ward, t-SNE and UMAP share
};

/// Where a representation's clusterings start in its slice of the overall figure: after the
/// nearest-neighbour search (from 0.45) when maps are made, else at 0.45.
inline double clusteringsStart(const PipelineConfig& cfg)
{
    return cfg.maps ? 0.47 : 0.45;
}

/// One stage of runPipeline() in the order it runs: the name its Progress reports (the
/// features stage reports the names of its parts: "demo corpus", "tags", "audio features",
/// "lyrics features") and the share [begin, end) of the overall 0..1 figure it covers.
struct PlannedStage {
    std::string name;
    StageKind kind = StageKind::Features;
    double begin = 0.0;
    double end = 0.0;
};

/// The stages runPipeline(cfg) reports, in order (maps only when cfg.maps).
std::vector<PlannedStage> pipelinePlan(const PipelineConfig& cfg);

/// Estimates the time left in a run from the time its stages took so far.
///
/// The overall figure gives the stage that runs (pipelinePlan()); a stage that has run for a
/// while estimates its own rest from its rate, and every stage still to come is expected to
/// take as long as the finished stages of its kind (the mean), or, while none has finished,
/// as long as the running stage of that kind is projected to take. While some stage to come
/// has a kind not measured yet (e.g. the first model's training during the features), there
/// is no estimate: secondsLeft() is negative and the app says "estimating…". Not thread-safe.
class RunTimeEstimator {
public:
    explicit RunTimeEstimator(std::vector<PlannedStage> plan);

    /// The run reached `overall` (0..1, never decreasing) `seconds` after it started.
    void update(double overall, double seconds);
    /// Seconds left; negative while there is no meaningful estimate.
    double secondsLeft() const;

    /// Before this share of a stage (and MinStageSeconds into it), its rate is not trusted.
    static constexpr double MinStageFraction = 0.05;
    static constexpr double MinStageSeconds = 0.5;

private:
    int stageAt(double overall) const;

    std::vector<PlannedStage> m_plan;
    std::vector<double> m_started;     // per stage, seconds; < 0 = not reached
    std::vector<double> m_took;        // per stage, seconds; < 0 = not finished (or skipped)
    int m_current = -1;
    double m_overall = 0.0;
    double m_now = 0.0;
};

} // namespace atlas
