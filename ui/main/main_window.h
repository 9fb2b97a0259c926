// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/pipeline/pipeline.h"
#include "ui/runner/pipeline_runner.h"

#include <QMainWindow>
#include <QPointer>

#include <filesystem>
#include <memory>

class QAction;
class QDockWidget;
class QLabel;
class QProgressBar;
class QTabWidget;
class QToolButton;
class QElapsedTimer;
class QFrame;

namespace atlas::ui {

class ClustersView;
class DataPanel;
class HoverPreview;
class IssuesView;
class Listening;
class MapPanel;
class MetricsView;
class RecentFiles;
class ResultsExport;
class RunModel;
class SessionFile;
class SimilarPanel;
class TrackAdder;
class TrackDetails;
class TrainingView;

/// The MusicAtlas window: the Data & Training panel on the left, the Map, Metrics,
/// Training, Clusters and Issues tabs in the middle, the track details (the track last
/// clicked, or playing; View ▸ Track Details, Ctrl+I) on the right, or behind the Data panel
/// in a window narrower than 1800 pixels at first start, with the Similar panel (tracks like
/// the one clicked, radio, paths; View ▸ Similar) as a tab beside them, the transport bar and
/// the run's progress at the bottom. Playback ▸ Preview Tracks on Hover (off by default)
/// plays a few seconds of the track the mouse rests on. Owns the runner, the run model and the player; every view
/// observes the model.
///
/// While the Data panel names another collection than the one whose results are shown, a
/// bar above the tabs ("previousRunBanner") says so and offers Run and Clear.
///
/// A failed run is shown in a warning dialog ("errorBox") besides the status bar; a lyrics
/// CSV that matches no track gets its own dialog ("lyricsMismatchBox") that offers to
/// remove the CSV or choose another, and the Data panel marks the CSV.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    RunModel* model() const { return m_model; }
    PipelineRunner* runner() const { return m_runner; }
    DataPanel* dataPanel() const { return m_panel; }
    QTabWidget* tabs() const { return m_tabs; }
    MapPanel* mapPanel() const { return m_map; }
    /// True while the results shown belong to another collection than the panel's (the
    /// bar above the tabs says so).
    bool showsPreviousCollection() const;
    TrackDetails* trackDetails() const { return m_details; }
    SimilarPanel* similarPanel() const { return m_similar; }
    HoverPreview* hoverPreview() const { return m_hoverPreview; }
    Listening* listening() const { return m_listening; }

    /// Index of a tab in tabs(): Map, Metrics, Training, Clusters, Issues.
    enum Tab { MapTab, MetricsTab, TrainingTab, ClustersTab, IssuesTab };

public slots:
    /// Starts a run with the panel's configuration (ignored while one runs or when invalid).
    void run();
    /// Cancels the running run; what was computed stays.
    void cancel();
    /// Starts reading a session file on a worker thread (the window stays responsive, its
    /// status bar says so, Cancel drops the read); sessionOpened() tells the outcome, and
    /// an error dialog names what could not be read. False when a session cannot be opened
    /// now (a run, an addition or another session's read or write in progress).
    bool openSession(const QString& file);
    /// Starts writing the shown run as a session file on a worker thread (atomically: an
    /// earlier file stays whole until the new one is); sessionSaved() tells the outcome.
    /// False when there is nothing to save or a run or session write is in progress.
    bool saveSession(const QString& file);
    /// Starts writing the same files as `musicatlas-cli run --out DIR` (see ResultsExport:
    /// the window stays responsive); exportFinished() tells the outcome. False when there is
    /// nothing to export or an export is already running.
    bool exportResults(const QString& dir);
    /// Writes an extended M3U playlist of the given tracks; false on failure.
    bool exportPlaylist(const QList<int>& tracks, const QString& file);
    /// Writes `tracks` as a CSV table (writeTrackListCsv()), with the map's clusters when
    /// it is coloured by a clustering; false (after an error dialog) on failure.
    bool exportTrackTable(const QList<int>& tracks, const QString& file);
    /// File ▸ Add Tracks…: places `files` on the shown run without retraining, on a worker
    /// thread with the status bar's progress and Cancel (see TrackAdder); addFinished()
    /// tells the outcome. The extended run is shown as unsaved. False when tracks cannot be
    /// added now (no trained run shown, or a run or addition in progress).
    bool addTracks(const QStringList& files);
    /// File ▸ Add Folder…: the same with the audio files of `folder`.
    bool addFolder(const QString& folder);
    /// File ▸ Update from Folder: scans the folder the shown run was made from again (new
    /// files added, changed ones placed again, deleted ones dropped). False when the run
    /// was not made from a folder.
    bool updateFromFolder();

signals:
    /// An export started by exportResults() ended: written whole (true), or failed or
    /// cancelled (false).
    void exportFinished(bool ok);
    /// An addition started by addTracks(), addFolder() or updateFromFolder() ended: the
    /// extended run is shown (true), or it failed or was cancelled (false).
    void addFinished(bool ok);
    /// A read started by openSession() ended: the session is shown (true), or it could not
    /// be read or was cancelled (false).
    void sessionOpened(bool ok);
    /// A write started by saveSession() ended: the file is whole (true) or was not written
    /// (false; an earlier file of that name is unchanged).
    void sessionSaved(bool ok);

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void buildActions();
    void buildMenus();
    void buildStatusBar();
    void connectRunner();
    void restoreSettings();
    void saveSettings() const;
    /// Running (a run, an addition, a session read or written): the panel is read-only and
    /// its Run button says `busyText` (default "Running…").
    void setRunning(bool running, const QString& busyText = {});
    void openRecent(const QString& kind, const QString& path);
    void updateTitle();
    void updateRunAction();
    void updateAddActions();
    bool startAdding(TrackAdder* adder);
    void updateIssuesTab(int count);
    void updatePreviousRunBanner();
    void showProgress(const RunProgress& p);
    /// The status bar while a session is read or written (setRunning(true) with `text`).
    void showSessionBusy(const QString& text);
    /// The window now shows the session `file` as saved: title, recent files, unmodified.
    void adoptSessionFile(const QString& file);
    void showError(const QString& title, const QString& text);
    void showLyricsMismatch(const QString& message);
    void showTrackDetails(int track);
    /// "More like this": the Similar panel lists the tracks nearest to `track` in the map's
    /// representation (Track Details follows it) and selects them on the map, shown.
    void selectSimilar(int track);

    RunModel* m_model = nullptr;
    PipelineRunner* m_runner = nullptr;
    Listening* m_listening = nullptr;

    DataPanel* m_panel = nullptr;
    QTabWidget* m_tabs = nullptr;
    MapPanel* m_map = nullptr;
    MetricsView* m_metrics = nullptr;
    TrainingView* m_training = nullptr;
    ClustersView* m_clusters = nullptr;
    IssuesView* m_issues = nullptr;
    TrackDetails* m_details = nullptr;
    SimilarPanel* m_similar = nullptr;
    HoverPreview* m_hoverPreview = nullptr;

    QLabel* m_stageLabel = nullptr;
    QProgressBar* m_overallBar = nullptr;
    QProgressBar* m_stageBar = nullptr;
    QLabel* m_etaLabel = nullptr;
    QToolButton* m_cancelButton = nullptr;
    QFrame* m_previousRun = nullptr;
    QLabel* m_previousRunText = nullptr;

    QAction* m_runAction = nullptr;
    QAction* m_cancelAction = nullptr;
    QAction* m_saveSessionAction = nullptr;
    QAction* m_exportAction = nullptr;
    QAction* m_addTracksAction = nullptr;
    QAction* m_addFolderAction = nullptr;
    QAction* m_updateFolderAction = nullptr;
    QAction* m_panelAction = nullptr;
    QAction* m_detailsAction = nullptr;
    QDockWidget* m_dataDock = nullptr;
    QDockWidget* m_detailsDock = nullptr;
    QDockWidget* m_similarDock = nullptr;
    RecentFiles* m_recent = nullptr;

    QPointer<ResultsExport> m_export;
    QPointer<TrackAdder> m_adder;
    QPointer<SessionFile> m_session;   // a session being read or written
    QString m_sessionFile;
    bool m_running = false;
};

} // namespace atlas::ui
