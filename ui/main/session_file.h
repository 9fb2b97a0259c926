// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/pipeline/pipeline.h"

#include <QObject>
#include <QString>

#include <filesystem>
#include <memory>

class QThread;

namespace atlas::ui {

/// Reads or writes a session file on a worker thread, so that the window keeps drawing and
/// answering while a large session (100,000 tracks: hundreds of megabytes) is read, checked
/// or written. The engine's loadSession() and saveSession() do the work: the run written is
/// immutable and shared, the run read is handed over whole. Deletes itself after its signal.
class SessionFile : public QObject {
    Q_OBJECT
public:
    /// Reads `file`: opened() or failed() follows.
    static SessionFile* open(std::filesystem::path file, QObject* parent);
    /// Writes `run` to `file` (atomically: an earlier file of that name stays whole until
    /// the new one is complete): saved() or failed() follows.
    static SessionFile* save(std::filesystem::path file, std::shared_ptr<const RunResult> run,
                             QObject* parent);
    /// Waits for the worker thread: a session being written is finished, never cut short.
    ~SessionFile() override;

    bool saving() const { return m_run != nullptr; }
    /// Blocks until the worker thread has ended (its signal is still delivered later).
    void wait();

signals:
    void opened(std::shared_ptr<const atlas::RunResult> run);
    void saved();
    /// The engine's message, which names the file and the reason.
    void failed(const QString& message);

private:
    SessionFile(std::shared_ptr<const RunResult> run, QObject* parent);
    void start(std::filesystem::path file);

    std::shared_ptr<const RunResult> m_run;   // set when saving
    QThread* m_thread = nullptr;
};

} // namespace atlas::ui
