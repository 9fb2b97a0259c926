// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/pipeline/extend.h"
#include "ui/runner/pipeline_runner.h"

#include <QObject>
#include <QString>
#include <QStringList>

#include <atomic>
#include <filesystem>
#include <memory>
#include <vector>

class QTemporaryDir;
class QThread;

namespace atlas::ui {

/// The folder a run's tracks were scanned from (what File ▸ Update from Folder scans again);
/// empty when the run was made from a manifest, the demo corpus or lyrics alone.
std::filesystem::path runSourceFolder(const RunResult& run);

/// True when tracks can be added to `run`: it has audio features and a trained
/// representation to place them with. Otherwise false, with the reason in `why`.
bool canAddTracks(const RunResult* run, QString* why = nullptr);

/// The status bar's summary of an addition, e.g. "Added 12 tracks without retraining
/// (3 changed, 1 removed); 462 fitted + 12 added".
QString addSummary(const ExtendReport& report, ExtendMode mode);

/// File ▸ Add Tracks…, Add Folder… and Update from Folder: places tracks on a finished run
/// without retraining (atlas::extendRun) on a worker thread, so the window stays responsive.
/// The new tracks are a list of audio files (given to the engine as a manifest in a
/// temporary folder that lives as long as this object), or a folder. The run's own lyrics
/// CSV (the demo corpus's for a demo run) goes with them, so that tracks already in the run
/// keep their lyrics (a relative path is also looked for beside the session and the
/// collection); when it cannot be found an Issue says so (Add), or the update fails (Update). Progress arrives as RunProgress (about 20 a second); cancel() stops the engine
/// at its next safe point. Emits exactly one of finished(), failed() or cancelled(), then
/// deletes itself; the destructor cancels and waits for the thread.
class TrackAdder : public QObject {
    Q_OBJECT
public:
    /// Adds `files` (audio files) to `run`. `sessionFile` (may be empty) is where the run
    /// was saved: a relative lyrics CSV path is looked for beside it too.
    TrackAdder(std::shared_ptr<const RunResult> run, const QStringList& files,
               const std::filesystem::path& sessionFile = {}, QObject* parent = nullptr);
    /// Adds the tracks of `folder` (Add), or scans it again (Update: new files added,
    /// changed ones placed again, deleted ones dropped). Update needs the run's lyrics CSV,
    /// if it had one, to tell changed tracks from unchanged ones: when it cannot be found
    /// the update fails with a message naming it.
    TrackAdder(std::shared_ptr<const RunResult> run, std::filesystem::path folder,
               ExtendMode mode, const std::filesystem::path& sessionFile = {},
               QObject* parent = nullptr);
    ~TrackAdder() override;

    ExtendMode mode() const { return m_mode; }
    /// Starts the worker thread; returns at once.
    void start();
    /// Asks the engine to stop; cancelled() follows.
    void cancel();

signals:
    void progressed(const atlas::ui::RunProgress& progress);
    /// The extended run, what was done, and the issues of the addition (also in the run's
    /// issues).
    void finished(std::shared_ptr<const atlas::RunResult> run, const atlas::ExtendReport& report);
    /// The tracks could not be added: the engine's message, and the issues found before.
    void failed(const QString& message, const std::vector<atlas::Issue>& issues);
    void cancelled();

private:
    void useRunLyrics(const std::filesystem::path& sessionFile);
    void tidy(std::vector<Issue>& issues, std::size_t from) const;
    void work();

    std::shared_ptr<const RunResult> m_run;
    DatasetConfig m_source;
    ExtendMode m_mode = ExtendMode::Add;
    std::unique_ptr<QTemporaryDir> m_listDir;   // the manifest of a list of files
    QString m_setupError;                       // failed before the engine started
    std::vector<Issue> m_setupIssues;           // issues found before it started
    std::atomic<bool> m_cancel{false};
    QThread* m_thread = nullptr;
};

} // namespace atlas::ui
