// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/model/run_model.h"

namespace atlas::ui {

RunModel::RunModel(QObject* parent) : QObject(parent)
{
    registerMetaTypes();
}

std::shared_ptr<const RepresentationResult> RunModel::representation(Representation r) const
{
    return m_reps[std::size_t(index(r))];
}

QList<Representation> RunModel::representations() const
{
    QList<Representation> out;
    for (Representation r : AllRepresentations)
        if (m_reps[std::size_t(index(r))])
            out.append(r);
    return out;
}

std::shared_ptr<const Matrix> RunModel::mapLayout(Representation r, MapKind m) const
{
    if (const auto& rep = m_reps[std::size_t(index(r))]) {
        if (const MapResult* map = rep->map(m); map && map->ok)
            return std::shared_ptr<const Matrix>(rep, &map->xy);   // aliasing: shares rep
    }
    return m_frames[std::size_t(index(r))][std::size_t(m)];
}

const std::vector<EpochReport>& RunModel::history(Representation r) const
{
    return m_history[std::size_t(index(r))];
}

std::shared_ptr<const RunResult> RunModel::snapshot() const
{
    if (m_result)
        return m_result;
    if (!m_dataset)
        return nullptr;
    auto run = std::make_shared<RunResult>();
    run->config = m_config;
    run->dataset = *m_dataset;
    for (const auto& rep : m_reps)
        if (rep)
            run->representations.push_back(*rep);
    run->issues = m_issues;
    return run;
}

void RunModel::reset(const PipelineConfig& config)
{
    m_config = config;
    m_dataset.reset();
    for (auto& r : m_reps)
        r.reset();
    for (auto& f : m_frames)
        for (auto& m : f)
            m.reset();
    for (auto& h : m_history)
        h.clear();
    m_issues.clear();
    m_result.reset();
    emit cleared();
}

void RunModel::setDataset(std::shared_ptr<const Dataset> dataset)
{
    m_dataset = std::move(dataset);
    emit datasetChanged();
}

void RunModel::addEpoch(Representation r, const EpochReport& report)
{
    m_history[std::size_t(index(r))].push_back(report);
    emit epochAdded(r, report);
}

void RunModel::setMapFrame(Representation r, MapKind m, std::shared_ptr<const Matrix> xy)
{
    m_frames[std::size_t(index(r))][std::size_t(m)] = std::move(xy);
    emit mapFrameChanged(r, m);
}

void RunModel::setRepresentation(std::shared_ptr<const RepresentationResult> rep)
{
    const Representation r = rep->kind;
    auto& slot = m_history[std::size_t(index(r))];
    if (slot.empty())
        slot = rep->history;
    m_reps[std::size_t(index(r))] = std::move(rep);
    emit representationChanged(r);
}

void RunModel::addIssue(const Issue& issue)
{
    m_issues.push_back(issue);
    emit issueAdded(issue);
}

void RunModel::setResult(std::shared_ptr<const RunResult> result)
{
    // What arrived during the run is the same data as the result's: views that already show
    // it are told only about what is new (all of it for an opened session), and then once
    // that the run is complete.
    const bool live = m_result == nullptr;   // the pieces shown came from the run itself
    const bool hadDataset = live && m_dataset != nullptr;
    std::array<bool, AllRepresentations.size()> had{};
    for (std::size_t i = 0; i < had.size(); ++i)
        had[i] = live && m_reps[i] != nullptr;
    m_result = std::move(result);
    if (m_result) {
        m_config = m_result->config;
        // Aliasing pointers: the parts stay alive as long as any view holds them.
        m_dataset = std::shared_ptr<const Dataset>(m_result, &m_result->dataset);
        for (auto& r : m_reps)
            r.reset();
        for (const RepresentationResult& rep : m_result->representations) {
            m_reps[std::size_t(index(rep.kind))] =
                std::shared_ptr<const RepresentationResult>(m_result, &rep);
            m_history[std::size_t(index(rep.kind))] = rep.history;
        }
        m_issues = m_result->issues;
    }
    if (!hadDataset)
        emit datasetChanged();
    for (Representation r : representations())
        if (!had[std::size_t(index(r))])
            emit representationChanged(r);
    emit resultChanged();
}

} // namespace atlas::ui
