// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/pipeline/pipeline.h"
#include "ui/figures/figure_output.h"

#include <QObject>
#include <QPointer>
#include <QProgressDialog>
#include <QString>

#include <atomic>
#include <filesystem>
#include <memory>
#include <vector>

class QThread;
class QWidget;

namespace atlas::ui {

/// File ▸ Export Results: the same files as `musicatlas-cli run --out DIR`, written without
/// freezing the window. The tables are written by a worker thread with the engine's writers;
/// the figures are Qt Charts, which Qt allows on the GUI thread only, so they are drawn and
/// written one per event-loop turn: the window stalls for one figure at most. A whole export
/// then removes the figures of an earlier run that it did not draw, as the CLI does. A
/// window-modal progress dialog ("exportProgress") counts the figures and can cancel; files
/// written before a cancel stay. Deletes itself after finished(), failed() or cancelled().
class ResultsExport : public QObject {
    Q_OBJECT
public:
    /// `window` parents the progress dialog (may be null: no dialog).
    ResultsExport(std::shared_ptr<const RunResult> run, std::filesystem::path dir,
                  QWidget* window);
    ~ResultsExport() override;

    /// Starts the tables' thread and the first figure; returns at once.
    void start();
    /// Stops before the next figure; the tables' thread is waited for.
    void cancel();

    /// Figures written so far, and in all.
    int figuresWritten() const { return m_figures; }
    int figureCount() const { return int(m_jobs.size()); }

signals:
    /// One more figure is done (`done` of `total`).
    void progressed(int done, int total);
    /// Everything is written: the number of tables and figures.
    void finished(int tables, int figures);
    /// A table or figure could not be written; the message names it.
    void failed(const QString& message);
    /// cancel() stopped the export.
    void cancelled();

private:
    void nextFigure();
    void tablesDone(int tables, const QString& error);
    void finishIfDone();
    void fail(const QString& message);

    std::shared_ptr<const RunResult> m_run;
    std::filesystem::path m_dir;
    FigureOptions m_options;             // outlives m_jobs, which refer to it
    std::vector<FigureJob> m_jobs;
    std::size_t m_next = 0;
    int m_figures = 0;
    std::vector<std::filesystem::path> m_written;
    int m_tables = -1;                   // -1 while the tables' thread runs
    QString m_error;
    bool m_cancelled = false;
    bool m_done = false;
    QThread* m_tablesThread = nullptr;
    QPointer<QProgressDialog> m_dialog;   // the window owns it too
};

} // namespace atlas::ui
