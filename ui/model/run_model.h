// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/pipeline/pipeline.h"
#include "ui/model/metatypes.h"

#include <QList>
#include <QObject>

#include <array>
#include <map>
#include <memory>
#include <vector>

namespace atlas::ui {

/// What the desktop app knows about the current run, shared by every view.
///
/// It fills while a run goes on (the dataset first, then epochs, map frames and finished
/// representations, in arrival order) and is replaced whole by the final RunResult or by an
/// opened session. Everything it hands out is immutable and shared (std::shared_ptr<const>),
/// so views may keep what they draw without copying. Lives on the GUI thread; its mutators
/// are called there (the runner's signals arrive queued).
class RunModel : public QObject {
    Q_OBJECT
public:
    explicit RunModel(QObject* parent = nullptr);

    /// The tracks and features of the run; null before the features are ready.
    std::shared_ptr<const Dataset> dataset() const { return m_dataset; }
    /// A finished representation (codes, clusterings, maps); null while it is not ready.
    std::shared_ptr<const RepresentationResult> representation(Representation r) const;
    /// The representations finished so far, in AllRepresentations order.
    QList<Representation> representations() const;
    /// The latest layout of a map while it is being optimised, else the finished one; null
    /// when there is none yet. n x 2.
    std::shared_ptr<const Matrix> mapLayout(Representation r, MapKind m) const;
    /// Per-epoch losses of a model so far (live during training).
    const std::vector<EpochReport>& history(Representation r) const;
    /// Every issue of the run so far, in arrival order.
    const std::vector<Issue>& issues() const { return m_issues; }
    /// The complete result once the run has finished (or a session was opened); else null.
    std::shared_ptr<const RunResult> result() const { return m_result; }
    /// result() when there is one; otherwise a RunResult assembled from what has arrived
    /// (e.g. after a cancelled run: the dataset and the finished representations); null when
    /// not even the dataset exists.
    std::shared_ptr<const RunResult> snapshot() const;
    /// The configuration of the run shown (set when a run starts or a session opens).
    const PipelineConfig& config() const { return m_config; }

    /// A new run starts with `config`: forgets everything and emits cleared().
    void reset(const PipelineConfig& config);
    void setDataset(std::shared_ptr<const Dataset> dataset);
    void addEpoch(Representation r, const EpochReport& report);
    void setMapFrame(Representation r, MapKind m, std::shared_ptr<const Matrix> xy);
    void setRepresentation(std::shared_ptr<const RepresentationResult> rep);
    void addIssue(const Issue& issue);
    /// The run finished (or a session was opened): takes the whole result as the truth.
    void setResult(std::shared_ptr<const RunResult> result);

signals:
    void cleared();
    void datasetChanged();
    void epochAdded(atlas::Representation r, const atlas::EpochReport& report);
    void mapFrameChanged(atlas::Representation r, atlas::MapKind m);
    void representationChanged(atlas::Representation r);
    void issueAdded(const atlas::Issue& issue);
    void resultChanged();

private:
    static int index(Representation r) { return int(r); }

    PipelineConfig m_config;
    std::shared_ptr<const Dataset> m_dataset;
    std::array<std::shared_ptr<const RepresentationResult>, AllRepresentations.size()> m_reps;
    std::array<std::array<std::shared_ptr<const Matrix>, AllMaps.size()>, AllRepresentations.size()>
        m_frames;
    std::array<std::vector<EpochReport>, AllRepresentations.size()> m_history;
    std::vector<Issue> m_issues;
    std::shared_ptr<const RunResult> m_result;
};

} // namespace atlas::ui
