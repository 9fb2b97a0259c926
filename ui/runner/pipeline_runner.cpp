// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/runner/pipeline_runner.h"

#include "engine/core/error.h"
#include "engine/pipeline/run_estimate.h"

#include <QElapsedTimer>

#include <algorithm>
#include <array>

#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace atlas::ui {

namespace {

QString qstr(std::string_view s)
{
    return QString::fromUtf8(s.data(), qsizetype(s.size()));
}

// The run's thread, and the OpenMP threads it starts (they inherit it), get a lower
// scheduling weight than the GUI thread: on a machine whose cores the engine keeps busy, the
// interface still gets the CPU the moment it needs it, while an idle interface costs the run
// nothing. Linux's nice value is per thread.
void lowerThisThreadsPriority()
{
#ifdef __linux__
    static thread_local bool done = false;
    if (done)
        return;
    done = true;
    const auto tid = static_cast<id_t>(::syscall(SYS_gettid));
    const int current = ::getpriority(PRIO_PROCESS, tid);
    ::setpriority(PRIO_PROCESS, tid, std::min(current + 5, 19));
#endif
}

} // namespace

void PipelineWorker::run(const atlas::PipelineConfig& config)
{
    lowerThisThreadsPriority();
    QElapsedTimer clock;
    clock.start();
    QElapsedTimer sinceLast;   // invalid until the first update
    double lastOverall = 0.0;
    QString lastStage;
    RunTimeEstimator estimate(pipelinePlan(config));
    const auto sink = [&](std::string_view stage, double overall, double stageFraction,
                          std::string_view message) {
        // Overall progress never goes backwards, even if a stage reports a smaller figure.
        overall = std::clamp(std::max(overall, lastOverall), 0.0, 1.0);
        lastOverall = overall;
        estimate.update(overall, double(clock.elapsed()) / 1000.0);
        const QString name = qstr(stage);
        const bool stageChanged = name != lastStage;
        if (!stageChanged && sinceLast.isValid() && overall < 1.0 && sinceLast.elapsed() < 50)
            return;
        sinceLast.start();
        lastStage = name;
        RunProgress p;
        p.stage = name;
        p.message = qstr(message);
        p.overall = overall;
        p.stage01 = std::clamp(stageFraction, 0.0, 1.0);
        p.elapsed = double(clock.elapsed()) / 1000.0;
        // From the measured time of the stages so far; none until every kind of stage
        // still to come has been timed.
        if (p.elapsed > 2.0)
            p.eta = estimate.secondsLeft();
        emit progressed(p);
    };
    const Progress progress = Progress::withStageSink(sink, m_cancel);
    Diagnostics diagnostics([this](const Issue& issue) { emit issueFound(issue); });

    // Map frames: at most ~12 a second per map, so that the GUI never queues a backlog.
    std::array<std::array<QElapsedTimer, AllMaps.size()>, AllRepresentations.size()> frameClock;
    PipelineObserver observer;
    observer.datasetReady = [this](const Dataset& ds) {
        emit datasetReady(std::make_shared<const Dataset>(ds));
    };
    observer.epoch = [this](Representation r, const EpochReport& e) { emit epochFinished(r, e); };
    observer.mapFrame = [&, this](Representation r, MapKind m, const Matrix& xy, double done) {
        QElapsedTimer& t = frameClock[std::size_t(r)][std::size_t(m)];
        if (t.isValid() && t.elapsed() < 80 && done < 1.0)
            return;
        t.start();
        emit mapFrame(r, m, std::make_shared<const Matrix>(xy));
    };
    observer.representationReady = [this](const RepresentationResult& rep) {
        emit representationReady(std::make_shared<const RepresentationResult>(rep));
    };
    observer.mapFrameEvery = 10;

    try {
        auto result = std::make_shared<RunResult>(runPipeline(config, diagnostics, progress, observer));
        RunProgress last;
        last.stage = QStringLiteral("done");
        last.overall = 1.0;
        last.stage01 = 1.0;
        last.elapsed = double(clock.elapsed()) / 1000.0;
        last.eta = 0.0;
        emit progressed(last);
        emit finished(std::move(result));
    } catch (const Cancelled&) {
        emit cancelled();
    } catch (const std::exception& e) {
        emit failed(QString::fromUtf8(e.what()));
    }
}

PipelineRunner::PipelineRunner(QObject* parent) : QObject(parent)
{
    registerMetaTypes();
    qRegisterMetaType<atlas::ui::RunProgress>();
    auto* worker = new PipelineWorker(&m_cancel);
    worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, worker, &QObject::deleteLater);
    connect(this, &PipelineRunner::runRequested, worker, &PipelineWorker::run);
    connect(worker, &PipelineWorker::progressed, this, &PipelineRunner::progressed);
    connect(worker, &PipelineWorker::issueFound, this, &PipelineRunner::issueFound);
    connect(worker, &PipelineWorker::datasetReady, this, &PipelineRunner::datasetReady);
    connect(worker, &PipelineWorker::epochFinished, this, &PipelineRunner::epochFinished);
    connect(worker, &PipelineWorker::mapFrame, this, &PipelineRunner::mapFrame);
    connect(worker, &PipelineWorker::representationReady, this,
            &PipelineRunner::representationReady);
    connect(worker, &PipelineWorker::finished, this, [this](auto r) {
        done();
        emit finished(r);
        emit idle();
    });
    connect(worker, &PipelineWorker::failed, this, [this](const QString& e) {
        done();
        emit failed(e);
        emit idle();
    });
    connect(worker, &PipelineWorker::cancelled, this, [this] {
        done();
        emit cancelled();
        emit idle();
    });
    m_thread.setObjectName(QStringLiteral("pipeline"));
    m_thread.start();
}

PipelineRunner::~PipelineRunner()
{
    m_cancel.store(true);
    m_thread.quit();
    m_thread.wait();
}

double PipelineRunner::elapsed() const
{
    return m_clock.isValid() ? double(m_clock.elapsed()) / 1000.0 : 0.0;
}

void PipelineRunner::start(const atlas::PipelineConfig& config)
{
    if (m_busy)
        return;
    m_busy = true;
    m_cancel.store(false);
    m_clock.start();
    emit started();
    emit runRequested(config);
}

void PipelineRunner::cancel()
{
    if (m_busy)
        m_cancel.store(true);
}

void PipelineRunner::done()
{
    m_busy = false;
}

} // namespace atlas::ui
