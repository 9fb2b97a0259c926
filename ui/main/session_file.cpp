// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/main/session_file.h"

#include "engine/io/session_io.h"

#include <QMetaObject>
#include <QThread>

namespace atlas::ui {

SessionFile::SessionFile(std::shared_ptr<const RunResult> run, QObject* parent)
    : QObject(parent), m_run(std::move(run))
{
}

SessionFile* SessionFile::open(std::filesystem::path file, QObject* parent)
{
    auto* task = new SessionFile(nullptr, parent);
    task->start(std::move(file));
    return task;
}

SessionFile* SessionFile::save(std::filesystem::path file, std::shared_ptr<const RunResult> run,
                               QObject* parent)
{
    auto* task = new SessionFile(std::move(run), parent);
    task->start(std::move(file));
    return task;
}

SessionFile::~SessionFile()
{
    wait();
    delete m_thread;
}

void SessionFile::wait()
{
    if (m_thread)
        m_thread->wait();
}

void SessionFile::start(std::filesystem::path file)
{
    // The outcome is posted back to this object's (the GUI) thread; the thread owns copies
    // of what it needs, so the object may already be gone when the post is delivered.
    m_thread = QThread::create([this, file = std::move(file), run = m_run] {
        std::shared_ptr<const RunResult> loaded;
        QString error;
        try {
            if (run)
                saveSession(file, *run);
            else
                loaded = std::make_shared<const RunResult>(loadSession(file));
        } catch (const std::exception& e) {
            error = QString::fromUtf8(e.what());
        }
        QMetaObject::invokeMethod(
            this,
            [this, loaded = std::move(loaded), error] {
                if (!error.isEmpty())
                    emit failed(error);
                else if (m_run)
                    emit saved();
                else
                    emit opened(loaded);
                deleteLater();
            },
            Qt::QueuedConnection);
    });
    m_thread->setObjectName(m_run ? QStringLiteral("save session")
                                  : QStringLiteral("open session"));
    m_thread->start();
}

} // namespace atlas::ui
