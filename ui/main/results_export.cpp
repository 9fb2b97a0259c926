// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/main/results_export.h"

#include "engine/io/results_io.h"

#include <QMetaObject>
#include <QThread>
#include <QTimer>

namespace atlas::ui {

ResultsExport::ResultsExport(std::shared_ptr<const RunResult> run, std::filesystem::path dir,
                             QWidget* window)
    : QObject(window), m_run(std::move(run)), m_dir(std::move(dir))
{
    m_jobs = figureJobs(*m_run, m_dir, m_options);
    if (window) {
        m_dialog = new QProgressDialog(tr("Writing the tables and figures…"), tr("Cancel"), 0,
                                       int(m_jobs.size()), window);
        m_dialog->setObjectName(QStringLiteral("exportProgress"));
        m_dialog->setWindowTitle(tr("Export Results"));
        m_dialog->setWindowModality(Qt::WindowModal);
        m_dialog->setMinimumDuration(300);   // a short export shows no dialog
        m_dialog->setAutoReset(false);
        m_dialog->setAutoClose(false);
        m_dialog->setValue(0);
        connect(m_dialog, &QProgressDialog::canceled, this, &ResultsExport::cancel);
    }
}

ResultsExport::~ResultsExport()
{
    if (m_tablesThread) {
        m_tablesThread->wait();
        delete m_tablesThread;
    }
    delete m_dialog;
}

void ResultsExport::start()
{
    // The tables on a worker thread: the run is immutable and shared, the engine's writers
    // need no Qt.
    m_tablesThread = QThread::create([this, run = m_run, dir = m_dir] {
        int tables = 0;
        QString error;
        try {
            tables = int(atlas::writeRunTables(*run, dir).size());
        } catch (const std::exception& e) {
            error = QString::fromUtf8(e.what());
        }
        QMetaObject::invokeMethod(this, [this, tables, error] { tablesDone(tables, error); },
                                  Qt::QueuedConnection);
    });
    m_tablesThread->start();
    QTimer::singleShot(0, this, &ResultsExport::nextFigure);
}

void ResultsExport::cancel()
{
    m_cancelled = true;
}

void ResultsExport::nextFigure()
{
    if (m_done)
        return;
    if (m_cancelled || m_next >= m_jobs.size() || !m_error.isEmpty()) {
        finishIfDone();
        return;
    }
    const FigureJob& job = m_jobs[m_next++];
    try {
        if (writeFigure(job)) {
            ++m_figures;
            m_written.push_back(job.file);
        }
    } catch (const std::exception& e) {
        fail(QString::fromUtf8(e.what()));
        return;
    }
    if (m_dialog) {
        m_dialog->setValue(int(m_next));
        m_dialog->setLabelText(tr("Writing %1 (%2 of %3)…")
                                   .arg(QString::fromStdString(job.file.filename().string()))
                                   .arg(m_next)
                                   .arg(m_jobs.size()));
    }
    emit progressed(int(m_next), int(m_jobs.size()));
    // The next figure after the events that queued meanwhile (paints, input, the dialog).
    QTimer::singleShot(0, this, &ResultsExport::nextFigure);
}

void ResultsExport::tablesDone(int tables, const QString& error)
{
    m_tables = tables;
    if (!error.isEmpty()) {
        fail(error);
        return;
    }
    finishIfDone();
}

void ResultsExport::fail(const QString& message)
{
    if (m_error.isEmpty())
        m_error = message;
    finishIfDone();
}

void ResultsExport::finishIfDone()
{
    const bool figuresStopped = m_cancelled || !m_error.isEmpty() || m_next >= m_jobs.size();
    if (m_done || m_tables < 0 || !figuresStopped)
        return;   // the other half is still at work and will call again
    if (m_error.isEmpty() && !m_cancelled) {
        try {
            removeStaleFigures(m_dir, m_written);
        } catch (const std::exception& e) {
            m_error = QString::fromUtf8(e.what());
        }
    }
    m_done = true;
    if (m_dialog)
        m_dialog->hide();
    if (!m_error.isEmpty())
        emit failed(m_error);
    else if (m_cancelled)
        emit cancelled();
    else
        emit finished(m_tables, m_figures);
    deleteLater();
}

} // namespace atlas::ui
