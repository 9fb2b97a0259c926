// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/pipeline/pipeline.h"
#include "ui/model/metatypes.h"

#include <QElapsedTimer>
#include <QObject>
#include <QString>
#include <QThread>

#include <atomic>
#include <memory>

namespace atlas::ui {

/// One progress update of a run, as the status bar shows it.
struct RunProgress {
    QString stage;          ///< the running stage, e.g. "VAE training", "t-SNE (PCA)"
    QString message;        ///< detail, e.g. "epoch 12"
    double overall = 0.0;   ///< 0..1 for the whole run, never decreasing within a run
    double stage01 = 0.0;   ///< 0..1 within the current stage (estimated from `overall`)
    double elapsed = 0.0;   ///< seconds since the run started
    double eta = -1.0;      ///< seconds left, estimated; < 0 while unknown
};

/// Lives on the runner's thread and runs the engine there; every engine callback becomes a
/// signal, which reaches GUI objects queued. Not used directly: see PipelineRunner.
class PipelineWorker : public QObject {
    Q_OBJECT
public:
    explicit PipelineWorker(const std::atomic<bool>* cancel) : m_cancel(cancel) {}

public slots:
    void run(const atlas::PipelineConfig& config);

signals:
    void progressed(const atlas::ui::RunProgress& progress);
    void issueFound(const atlas::Issue& issue);
    void datasetReady(std::shared_ptr<const atlas::Dataset> dataset);
    void epochFinished(atlas::Representation r, const atlas::EpochReport& report);
    void mapFrame(atlas::Representation r, atlas::MapKind m, std::shared_ptr<const atlas::Matrix> xy);
    void representationReady(std::shared_ptr<const atlas::RepresentationResult> rep);
    void finished(std::shared_ptr<const atlas::RunResult> result);
    void failed(const QString& message);
    void cancelled();

private:
    const std::atomic<bool>* m_cancel;
};

/// Runs the experiment on a worker thread, one run at a time, and reports it with signals
/// (Qt's worker-object pattern). Lives on the GUI thread.
///
/// - Progress is throttled to about 20 updates a second; the first and the last always pass.
/// - Map layouts arrive every PipelineObserver::mapFrameEvery iterations, at most about 12 a
///   second per map, so the GUI can animate them without falling behind.
/// - cancel() is a direct atomic write (the worker's event loop is busy while the engine runs);
///   the engine stops at its next safe point and cancelled() follows. What arrived before
///   (dataset, finished representations) stays valid.
/// - The destructor cancels a running run and waits for the thread.
class PipelineRunner : public QObject {
    Q_OBJECT
public:
    explicit PipelineRunner(QObject* parent = nullptr);
    ~PipelineRunner() override;

    bool isBusy() const { return m_busy; }
    /// Seconds since the last start() (0 before any).
    double elapsed() const;

public slots:
    /// Starts a run; ignored while one is running. The config is validated by the engine:
    /// an invalid one ends in failed() with the messages.
    void start(const atlas::PipelineConfig& config);
    /// Requests cancellation; returns at once.
    void cancel();

signals:
    void started();
    void progressed(const atlas::ui::RunProgress& progress);
    void issueFound(const atlas::Issue& issue);
    void datasetReady(std::shared_ptr<const atlas::Dataset> dataset);
    void epochFinished(atlas::Representation r, const atlas::EpochReport& report);
    void mapFrame(atlas::Representation r, atlas::MapKind m, std::shared_ptr<const atlas::Matrix> xy);
    void representationReady(std::shared_ptr<const atlas::RepresentationResult> rep);
    void finished(std::shared_ptr<const atlas::RunResult> result);
    void failed(const QString& message);
    void cancelled();
    /// After finished(), failed() or cancelled(): the runner is idle again.
    void idle();

    /// Internal: carries start() to the worker thread.
    void runRequested(const atlas::PipelineConfig& config);

private:
    void done();

    QThread m_thread;
    std::atomic<bool> m_cancel{false};
    bool m_busy = false;
    QElapsedTimer m_clock;
};

} // namespace atlas::ui

Q_DECLARE_METATYPE(atlas::ui::RunProgress)
