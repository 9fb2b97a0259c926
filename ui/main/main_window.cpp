// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/main/main_window.h"
#include "ui/model/track_text.h"

#include "engine/io/results_io.h"
#include "engine/io/session_io.h"
#include "engine/io/track_list.h"
#include "ui/figures/figure_renderer.h"
#include "ui/main/add_tracks.h"
#include "ui/main/data_panel.h"
#include "ui/main/dialogs.h"
#include "ui/main/recent_files.h"
#include "ui/views/view_support.h"
#include "ui/main/results_export.h"
#include "ui/main/session_file.h"
#include "ui/map/map_panel.h"
#include "ui/map/map_view.h"
#include "ui/model/run_model.h"
#include "ui/playback/hover_preview.h"
#include "ui/playback/listening.h"
#include "ui/playback/transport_bar.h"
#include "ui/views/clusters_view.h"
#include "ui/views/issues_view.h"
#include "ui/views/metrics_view.h"
#include "ui/views/similar_panel.h"
#include "ui/views/track_details.h"
#include "ui/views/training_view.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QFrame>
#include <QHBoxLayout>
#include <QKeySequence>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QScreen>
#include <QSettings>
#include <QStatusBar>
#include <QStyle>
#include <QTabWidget>
#include <QToolButton>
#include <QVBoxLayout>

namespace fs = std::filesystem;

namespace atlas::ui {

namespace {

QString sessionSuffix()
{
    return QString::fromLatin1(atlas::SessionFileExtension);
}

QString formatSeconds(double s)
{
    if (s < 0)
        return QString();
    if (s < 60)
        return QObject::tr("%1 s").arg(int(std::ceil(s)));
    const int m = int(s) / 60;
    return QObject::tr("%1 min %2 s").arg(m).arg(int(s) % 60);
}

// A dock's title bar: the title and a close button, dragged like the standard one (the
// label leaves mouse presses to the dock).
QWidget* dockTitleBar(QDockWidget* dock, const QString& title)
{
    auto* bar = new QWidget(dock);
    auto* row = new QHBoxLayout(bar);
    row->setContentsMargins(4, 2, 2, 2);
    auto* label = new QLabel(title, bar);
    label->setTextFormat(Qt::PlainText);
    auto* close = new QToolButton(bar);
    close->setIcon(dock->style()->standardIcon(QStyle::SP_TitleBarCloseButton));
    close->setAutoRaise(true);
    close->setIconSize(QSize(10, 10));
    close->setToolTip(QObject::tr("Close"));
    QObject::connect(close, &QToolButton::clicked, dock, &QDockWidget::close);
    row->addWidget(label, 1);
    row->addWidget(close);
    return bar;
}

// The collection a configuration reads: the same tracks and lyrics give the same dataset
// whatever the other settings.
QString collectionKey(const DatasetConfig& d)
{
    if (d.demo)
        return QStringLiteral("demo:%1").arg(d.demoCorpus.tracksPerGenre);
    return QStringLiteral("%1|%2|%3|%4")
        .arg(QString::fromStdString(d.dataDir.string()), QString::fromStdString(d.manifest.string()),
             QString::fromStdString(d.lyricsCsv.string()),
             QString::fromStdString(d.featuresFile.string()));
}

// "the demo corpus", "folder testlib", "manifest tracks.csv", "lyrics lyrics.csv".
QString collectionName(const DatasetConfig& d)
{
    const auto name = [](const fs::path& p) {
        return QString::fromStdString((p.has_filename() ? p.filename() : p.parent_path().filename()).string());
    };
    if (d.demo)
        return QObject::tr("the demo corpus");
    if (!d.dataDir.empty())
        return QObject::tr("folder %1").arg(name(d.dataDir));
    if (!d.manifest.empty())
        return QObject::tr("manifest %1").arg(name(d.manifest));
    if (!d.featuresFile.empty())
        return QObject::tr("feature table %1").arg(name(d.featuresFile));
    return QObject::tr("lyrics %1").arg(name(d.lyricsCsv));
}

} // namespace

void MainWindow::showError(const QString& title, const QString& text)
{
    showErrorBox(this, title, text);
}

void MainWindow::showTrackDetails(int track)
{
    m_details->setTrack(track);
    m_map->setMarkedTrack(track);   // ringed on the map
    m_similar->followTrack(track);
    // A click brings the details to the front when they share a dock area with the Data
    // panel, unless the Similar panel is in front (it lists the click's neighbours); a closed
    // details dock stays closed.
    if (m_detailsDock->isVisible() && !m_similar->isVisible())
        m_detailsDock->raise();
}

void MainWindow::selectSimilar(int track)
{
    m_similar->showSimilar(track);
}

void MainWindow::showLyricsMismatch(const QString& message)
{
    m_panel->flagLyricsCsv(message);
    const QString csv = QString::fromStdString(m_panel->lyricsCsv().filename().string());
    QPushButton* remove = nullptr;
    QPushButton* choose = nullptr;
    QMessageBox* box = lyricsMismatchBox(this, csv, message, &remove, &choose);
    connect(box, &QMessageBox::buttonClicked, this, [this, remove, choose](QAbstractButton* b) {
        if (b == remove) {
            m_panel->setLyricsCsv({});
            run();
        } else if (b == choose) {
            emit m_panel->openLyricsRequested();
        }
    });
    box->open();
}

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent)
{
    setObjectName(QStringLiteral("mainWindow"));
    registerMetaTypes();
    m_model = new RunModel(this);
    m_runner = new PipelineRunner(this);
    m_listening = new Listening(this);

    m_panel = new DataPanel;
    // The title is also a menu entry and, beside the track details, a tab: there "&&" is
    // one '&'. The title bar shows it as written, so it gets a bar of its own.
    auto* dock = m_dataDock = new QDockWidget(tr("Data && Training"), this);
    dock->setTitleBarWidget(dockTitleBar(dock, tr("Data & Training")));
    dock->setObjectName(QStringLiteral("dataDock"));
    dock->setWidget(m_panel);
    dock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetClosable);
    dock->setMinimumWidth(340);
    addDockWidget(Qt::LeftDockWidgetArea, dock);
    m_panelAction = dock->toggleViewAction();
    m_panelAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_D));

    m_tabs = new QTabWidget;
    m_tabs->setObjectName(QStringLiteral("tabs"));
    m_tabs->setDocumentMode(true);
    m_map = new MapPanel(m_model);
    m_metrics = new MetricsView(m_model);
    m_training = new TrainingView(m_model);
    m_clusters = new ClustersView(m_model);
    m_issues = new IssuesView(m_model);
    m_tabs->addTab(m_map, tr("Map"));
    m_tabs->addTab(m_metrics, tr("Metrics"));
    m_tabs->addTab(m_training, tr("Training"));
    m_tabs->addTab(m_clusters, tr("Clusters"));
    m_tabs->addTab(m_issues, tr("Issues"));

    m_details = new TrackDetails(m_model);
    auto* detailsDock = m_detailsDock = new QDockWidget(tr("Track Details"), this);
    detailsDock->setObjectName(QStringLiteral("detailsDock"));
    detailsDock->setWidget(m_details);
    detailsDock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetClosable);
    detailsDock->setMinimumWidth(240);
    addDockWidget(Qt::RightDockWidgetArea, detailsDock);
    m_detailsAction = detailsDock->toggleViewAction();
    m_detailsAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_I));

    // Similar tracks, a radio, a path: a tab beside the details.
    m_similar = new SimilarPanel(m_model, m_map);
    m_similarDock = new QDockWidget(tr("Similar"), this);
    m_similarDock->setObjectName(QStringLiteral("similarDock"));
    m_similarDock->setWidget(m_similar);
    m_similarDock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetClosable);
    m_similarDock->setMinimumWidth(240);
    addDockWidget(Qt::RightDockWidgetArea, m_similarDock);
    tabifyDockWidget(m_detailsDock, m_similarDock);
    m_detailsDock->raise();
    m_hoverPreview = new HoverPreview(m_listening, this);
    connect(m_map->view(), &MapView::hovered, m_hoverPreview, &HoverPreview::hover);

    // Results of another collection than the panel's are marked until the next run.
    m_previousRun = new QFrame;
    m_previousRun->setObjectName(QStringLiteral("previousRunBanner"));
    m_previousRun->setStyleSheet(QStringLiteral(
        "#previousRunBanner { background: #fff4ce; border-bottom: 1px solid #e0c870; }"));
    m_previousRunText = new QLabel(m_previousRun);
    m_previousRunText->setObjectName(QStringLiteral("previousRunText"));
    m_previousRunText->setWordWrap(true);
    auto* runNow = new QPushButton(tr("Run"), m_previousRun);
    runNow->setObjectName(QStringLiteral("previousRunRunButton"));
    auto* clear = new QPushButton(tr("Clear"), m_previousRun);
    clear->setObjectName(QStringLiteral("previousRunClearButton"));
    clear->setToolTip(tr("Forget the shown results; the views wait for the next run"));
    auto* bannerRow = new QHBoxLayout(m_previousRun);
    bannerRow->setContentsMargins(10, 6, 10, 6);
    bannerRow->addWidget(m_previousRunText, 1);
    bannerRow->addWidget(runNow);
    bannerRow->addWidget(clear);
    m_previousRun->hide();
    connect(runNow, &QPushButton::clicked, this, &MainWindow::run);
    connect(clear, &QPushButton::clicked, this, [this] {
        if (m_running)
            return;
        m_listening->stop();
        m_model->reset(m_panel->config());
        m_sessionFile.clear();
        setWindowModified(false);
        updateTitle();
        setRunning(false);
        statusBar()->showMessage(tr("Ready: press Run (Ctrl+R) to map the collection."));
    });

    auto* central = new QWidget;
    auto* column = new QVBoxLayout(central);
    column->setContentsMargins(0, 0, 0, 0);
    column->setSpacing(0);
    column->addWidget(m_previousRun);
    column->addWidget(m_tabs, 1);
    column->addWidget(m_listening->transportBar());
    setCentralWidget(central);

    buildActions();
    buildMenus();
    buildStatusBar();
    connectRunner();

    // Listening: the map and the cluster list play; the map shows what is playing.
    connect(m_map, &MapPanel::trackActivated, m_listening, &Listening::playTrack);
    connect(m_map, &MapPanel::playRequested, m_listening, &Listening::playTracks);
    connect(m_clusters, &ClustersView::trackActivated, m_listening, &Listening::playTrack);
    connect(m_clusters, &ClustersView::playRequested, m_listening, &Listening::playTracks);
    connect(m_listening, &Listening::currentTrackChanged, m_map, &MapPanel::setPlayingTrack);
    connect(m_listening, &Listening::currentTrackChanged, m_clusters, &ClustersView::setPlayingTrack);
    // The Clusters tab shows the clustering the map is coloured by.
    connect(m_map, &MapPanel::clusteringChanged, this, [this](Representation r, Clustering c) {
        m_clusters->setSelection(r, c);
    });
    // Details: the track last clicked anywhere, or the one that starts playing.
    connect(m_map, &MapPanel::trackActivated, this, &MainWindow::showTrackDetails);
    connect(m_map, &MapPanel::trackChosen, this, &MainWindow::showTrackDetails);
    connect(m_clusters, &ClustersView::trackActivated, this, &MainWindow::showTrackDetails);
    connect(m_clusters, &ClustersView::trackChosen, this, &MainWindow::showTrackDetails);
    connect(m_listening, &Listening::currentTrackChanged, m_details, [this](int track) {
        if (track >= 0) {
            m_details->setTrack(track);
            m_map->setMarkedTrack(track);
        }
    });
    connect(m_map, &MapPanel::representationChanged, m_details, &TrackDetails::setRepresentation);
    connect(m_details, &TrackDetails::playRequested, m_listening, &Listening::playTrack);
    connect(m_details, &TrackDetails::similarRequested, this, [this](int track) { selectSimilar(track); });
    connect(m_similar, &SimilarPanel::playRequested, m_listening, &Listening::playTracks);
    connect(m_similar, &SimilarPanel::trackChosen, this, [this](int track) {
        m_details->setTrack(track);
        m_map->setMarkedTrack(track);
    });
    connect(m_similar, &SimilarPanel::raiseRequested, this, [this] {
        m_similarDock->show();
        m_similarDock->raise();
        m_tabs->setCurrentWidget(m_map);
    });
    connect(m_similar, &SimilarPanel::message, this,
            [this](const QString& text) { statusBar()->showMessage(text, 10'000); });
    connect(m_listening, &Listening::message, this,
            [this](const QString& text) { statusBar()->showMessage(text, 8000); });
    const auto exportList = [this](const QList<int>& tracks) {
        const QString file = askSaveFile(
            this, tr("Export playlist or table"),
            tr("Playlists (*.m3u8 *.m3u);;CSV table (*.csv)"), QStringLiteral("m3u8"),
            QStringLiteral("playlist"), tr("musicatlas-selection.m3u8"));
        if (file.endsWith(QStringLiteral(".csv"), Qt::CaseInsensitive))
            exportTrackTable(tracks, file);
        else if (!file.isEmpty())
            exportPlaylist(tracks, file);
    };
    connect(m_map, &MapPanel::playlistExportRequested, this, exportList);
    connect(m_clusters, &ClustersView::playlistExportRequested, this, exportList);
    connect(m_similar, &SimilarPanel::playlistExportRequested, this, [this](const QList<int>& tracks) {
        const QString file = askSaveFile(this, tr("Save playlist"), tr("Playlists (*.m3u8 *.m3u)"),
                                         QStringLiteral("m3u8"), QStringLiteral("playlist"),
                                         m_similar->playlistFileName());
        if (!file.isEmpty())
            exportPlaylist(tracks, file);
    });
    connect(m_model, &RunModel::datasetChanged, this, [this] {
        m_listening->setDataset(m_model->dataset());
        // k is checked against the tracks this collection really has.
        if (m_running && m_model->dataset())
            m_panel->setUsableTracks(m_model->dataset()->size());
    });
    connect(m_model, &RunModel::cleared, this, [this] {
        m_listening->setDataset(nullptr);
        updateIssuesTab(0);
    });
    connect(m_issues, &IssuesView::countChanged, this, &MainWindow::updateIssuesTab);
    connect(m_model, &RunModel::cleared, this, &MainWindow::updateAddActions);
    connect(m_model, &RunModel::resultChanged, this, &MainWindow::updateAddActions);
    connect(m_panel, &DataPanel::runRequested, this, &MainWindow::run);
    connect(m_panel, &DataPanel::configChanged, this, &MainWindow::updateRunAction);
    connect(m_panel, &DataPanel::configChanged, this, &MainWindow::updateTitle);
    connect(m_panel, &DataPanel::configChanged, this, &MainWindow::updatePreviousRunBanner);
    connect(m_model, &RunModel::cleared, this, &MainWindow::updatePreviousRunBanner);
    connect(m_model, &RunModel::resultChanged, this, &MainWindow::updatePreviousRunBanner);
    connect(m_panel, &DataPanel::openFolderRequested, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Open music folder"),
                                                              lastFolder(QStringLiteral("source")));
        if (dir.isEmpty())
            return;
        rememberFolder(QStringLiteral("source"), dir + QStringLiteral("/."));
        m_panel->setSource(SourceKind::Folder, toPath(dir));
        m_recent->add(QStringLiteral("folder"), dir);
    });
    // A source that is one file (a manifest, a feature table): chosen, remembered as recent.
    const auto openSourceFile = [this](SourceKind kind, const QString& recent,
                                       const QString& title, const QString& filter) {
        const QString file =
            QFileDialog::getOpenFileName(this, title, lastFolder(QStringLiteral("source")), filter);
        if (file.isEmpty())
            return;
        rememberFolder(QStringLiteral("source"), file);
        m_panel->setSource(kind, toPath(file));
        m_recent->add(recent, file);
    };
    connect(m_panel, &DataPanel::openManifestRequested, this, [this, openSourceFile] {
        openSourceFile(SourceKind::Manifest, QStringLiteral("manifest"), tr("Open manifest"),
                       tr("Manifests (*.csv *.tsv *.txt);;All files (*)"));
    });
    connect(m_panel, &DataPanel::openFeaturesRequested, this, [this, openSourceFile] {
        openSourceFile(SourceKind::Features, QStringLiteral("features"), tr("Open feature table"),
                       tr("Feature tables (*.csv *.npy);;All files (*)"));
    });
    connect(m_panel, &DataPanel::openLyricsRequested, this, [this] {
        const QString file = QFileDialog::getOpenFileName(
            this, tr("Open lyrics CSV"), lastFolder(QStringLiteral("lyrics")),
            tr("CSV tables (*.csv *.tsv *.txt);;All files (*)"));
        if (file.isEmpty())
            return;
        rememberFolder(QStringLiteral("lyrics"), file);
        m_panel->setLyricsCsv(toPath(file));
        m_recent->add(QStringLiteral("lyrics"), file);
    });

    restoreSettings();
    setRunning(false);
    updateTitle();
    statusBar()->showMessage(tr("Ready: press Run (Ctrl+R) to map the collection."));
}

MainWindow::~MainWindow() = default;

void MainWindow::buildActions()
{
    m_runAction = new QAction(tr("&Run"), this);
    m_runAction->setObjectName(QStringLiteral("runAction"));
    m_runAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    m_runAction->setIcon(style()->standardIcon(QStyle::SP_MediaPlay));
    connect(m_runAction, &QAction::triggered, this, &MainWindow::run);

    m_cancelAction = new QAction(tr("&Cancel"), this);
    m_cancelAction->setObjectName(QStringLiteral("cancelAction"));
    m_cancelAction->setShortcut(QKeySequence(Qt::Key_Escape));
    m_cancelAction->setIcon(style()->standardIcon(QStyle::SP_BrowserStop));
    connect(m_cancelAction, &QAction::triggered, this, &MainWindow::cancel);

    m_saveSessionAction = new QAction(tr("&Save Session…"), this);
    m_saveSessionAction->setShortcut(QKeySequence::Save);
    connect(m_saveSessionAction, &QAction::triggered, this, [this] {
        const QString file = askSaveFile(this, tr("Save session"), tr("MusicAtlas sessions (*%1)").arg(sessionSuffix()),
                                         sessionSuffix().mid(1), QStringLiteral("session"),
                                         m_sessionFile.isEmpty() ? tr("session") + sessionSuffix() : m_sessionFile);
        if (!file.isEmpty())
            saveSession(file);
    });
    m_exportAction = new QAction(tr("&Export Results…"), this);
    m_exportAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    connect(m_exportAction, &QAction::triggered, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Export results into folder"),
                                                              lastFolder(QStringLiteral("export")));
        if (dir.isEmpty())
            return;
        rememberFolder(QStringLiteral("export"), dir + QStringLiteral("/."));
        exportResults(dir);
    });

    // Tracks placed on the shown map without retraining (ui/main/add_tracks.h).
    m_addTracksAction = new QAction(tr("&Add Tracks…"), this);
    m_addTracksAction->setObjectName(QStringLiteral("addTracksAction"));
    connect(m_addTracksAction, &QAction::triggered, this, [this] {
        const QStringList files = QFileDialog::getOpenFileNames(
            this, tr("Add tracks to the map"), lastFolder(QStringLiteral("add")),
            tr("Audio files (*.wav *.flac *.mp3 *.ogg *.oga *.opus *.m4a *.aac *.aif *.aiff "
               "*.au *.wma);;All files (*)"));
        if (files.isEmpty())
            return;
        rememberFolder(QStringLiteral("add"), files.first());
        addTracks(files);
    });
    m_addFolderAction = new QAction(tr("Add F&older…"), this);
    m_addFolderAction->setObjectName(QStringLiteral("addFolderAction"));
    connect(m_addFolderAction, &QAction::triggered, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Add the tracks of a folder"),
                                                              lastFolder(QStringLiteral("add")));
        if (dir.isEmpty())
            return;
        rememberFolder(QStringLiteral("add"), dir + QStringLiteral("/."));
        addFolder(dir);
    });
    m_updateFolderAction = new QAction(tr("&Update from Folder"), this);
    m_updateFolderAction->setObjectName(QStringLiteral("updateFolderAction"));
    connect(m_updateFolderAction, &QAction::triggered, this, &MainWindow::updateFromFolder);
}

void MainWindow::buildMenus()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("Open &Folder…"), QKeySequence::Open, m_panel, &DataPanel::openFolderRequested);
    file->addAction(tr("Open &GTZAN Folder…"), m_panel, &DataPanel::openFolderRequested)
        ->setToolTip(tr("The GTZAN archive (genres/<genre>/…) or Kaggle's genres_original"));
    file->addAction(tr("Open &Manifest…"), m_panel, &DataPanel::openManifestRequested);
    file->addAction(tr("Open F&eatures…"), m_panel, &DataPanel::openFeaturesRequested);
    file->addAction(tr("Open &Lyrics CSV…"), m_panel, &DataPanel::openLyricsRequested);
    file->addAction(tr("Use &Demo Corpus"), this, [this] { m_panel->setSource(SourceKind::Demo); });
    m_recent = new RecentFiles(file->addMenu(tr("Open &Recent")), this);
    connect(m_recent, &RecentFiles::chosen, this, &MainWindow::openRecent);
    file->addSeparator();
    file->addAction(tr("&Open Session…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O), this, [this] {
        const QString f = QFileDialog::getOpenFileName(this, tr("Open session"),
                                                       lastFolder(QStringLiteral("session")),
                                                       tr("MusicAtlas sessions (*%1);;All files (*)").arg(sessionSuffix()));
        if (!f.isEmpty())
            openSession(f);
    });
    file->addAction(m_saveSessionAction);
    file->addAction(m_exportAction);
    QAction* exportMap = file->addAction(tr("Export Map &View…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E), this, [this] {
        if (m_map->view()->pointCount() == 0) {
            statusBar()->showMessage(tr("No map to export yet: run the experiment first."), 8000);
            return;
        }
        const QString file = askSaveFile(this, tr("Export map view"),
                                         tr("PNG image (*.png);;SVG drawing (*.svg)"),
                                         QStringLiteral("png"), QStringLiteral("figure"),
                                         tr("musicatlas-map.png"));
        if (file.isEmpty())
            return;
        QString error;
        if (!m_map->view()->saveImage(file, &error))
            showError(tr("Cannot export the map view"), error);
        else
            statusBar()->showMessage(tr("Saved the map view to %1.").arg(file), 8000);
    });
    exportMap->setObjectName(QStringLiteral("exportMapAction"));
    file->addSeparator();
    file->addAction(m_addTracksAction);
    file->addAction(m_addFolderAction);
    file->addAction(m_updateFolderAction);
    file->setToolTipsVisible(true);   // why Update from Folder is disabled
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);
    quit->setMenuRole(QAction::QuitRole);

    QMenu* runMenu = menuBar()->addMenu(tr("&Run"));
    runMenu->addAction(m_runAction);
    runMenu->addAction(m_cancelAction);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    view->addAction(m_panelAction);
    view->addAction(m_detailsAction);
    view->addAction(m_similarDock->toggleViewAction());
    view->addSeparator();
    const QString names[] = {tr("&Map"), tr("M&etrics"), tr("&Training"), tr("&Clusters"), tr("&Issues")};
    for (int i = 0; i < 5; ++i) {
        QAction* a = view->addAction(names[i], this, [this, i] { m_tabs->setCurrentIndex(i); });
        a->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + i)));
    }
    QMenu* play = menuBar()->addMenu(tr("&Playback"));
    for (QAction* a : m_listening->actions())
        play->addAction(a);
    play->addSeparator();
    play->addAction(m_hoverPreview->action());
    addActions(m_listening->actions());

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&Keyboard Shortcuts"), QKeySequence(Qt::Key_F1), this,
                    [this] { showKeyboardShortcuts(this); });
    help->addAction(tr("&About MusicAtlas"), this, [this] { showAbout(this); })->setMenuRole(QAction::AboutRole);
}

void MainWindow::buildStatusBar()
{
    m_stageLabel = new QLabel(this);
    m_stageLabel->setObjectName(QStringLiteral("stageLabel"));
    m_stageLabel->setMinimumWidth(260);
    m_stageBar = new QProgressBar(this);
    m_stageBar->setObjectName(QStringLiteral("stageProgress"));
    m_stageBar->setRange(0, 1000);
    m_stageBar->setTextVisible(false);
    m_stageBar->setMaximumWidth(120);
    m_stageBar->setMaximumHeight(10);
    m_stageBar->setToolTip(tr("The current stage"));
    m_overallBar = new QProgressBar(this);
    m_overallBar->setObjectName(QStringLiteral("overallProgress"));
    m_overallBar->setRange(0, 1000);
    m_overallBar->setFormat(QStringLiteral("%p%"));
    m_overallBar->setMaximumWidth(220);
    m_overallBar->setToolTip(tr("The whole run"));
    m_etaLabel = new QLabel(this);
    m_etaLabel->setObjectName(QStringLiteral("etaLabel"));
    m_etaLabel->setMinimumWidth(110);
    m_cancelButton = new QToolButton(this);
    m_cancelButton->setDefaultAction(m_cancelAction);
    m_cancelButton->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_cancelButton->setAutoRaise(true);
    statusBar()->addPermanentWidget(m_stageLabel);
    statusBar()->addPermanentWidget(m_stageBar);
    statusBar()->addPermanentWidget(m_overallBar);
    statusBar()->addPermanentWidget(m_etaLabel);
    statusBar()->addPermanentWidget(m_cancelButton);
}

void MainWindow::connectRunner()
{
    connect(m_runner, &PipelineRunner::progressed, this, &MainWindow::showProgress);
    connect(m_runner, &PipelineRunner::issueFound, m_model, &RunModel::addIssue);
    connect(m_runner, &PipelineRunner::datasetReady, m_model, &RunModel::setDataset);
    connect(m_runner, &PipelineRunner::epochFinished, m_model, &RunModel::addEpoch);
    connect(m_runner, &PipelineRunner::mapFrame, m_model, &RunModel::setMapFrame);
    connect(m_runner, &PipelineRunner::representationReady, m_model, &RunModel::setRepresentation);
    connect(m_runner, &PipelineRunner::finished, this, [this](std::shared_ptr<const RunResult> r) {
        m_model->setResult(r);
        int clusterings = 0, maps = 0, failed = 0;
        for (const RepresentationResult& rep : r->representations) {
            failed += rep.ok ? 0 : 1;
            for (const ClusteringResult& c : rep.clusterings)
                clusterings += c.ok ? 1 : 0;
            for (const MapResult& m : rep.maps)
                maps += m.ok ? 1 : 0;
        }
        QString text = tr("Finished in %1: %2 tracks, %3 representations, %4 clusterings, %5 maps")
                           .arg(formatSeconds(r->totalSeconds))
                           .arg(r->dataset.size())
                           .arg(int(r->representations.size()) - failed)
                           .arg(clusterings)
                           .arg(maps);
        if (!r->issues.empty())
            text += tr("; %1, see the Issues tab").arg(counted(qint64(r->issues.size()), tr("1 issue"), tr("%1 issues")));
        statusBar()->showMessage(text);
        if (m_tabs->currentIndex() == TrainingTab)
            m_tabs->setCurrentIndex(MapTab);
        setRunning(false);
    });
    connect(m_runner, &PipelineRunner::failed, this, [this](const QString& message) {
        setRunning(false);
        statusBar()->showMessage(tr("The run failed: %1").arg(message));
        if (message.contains(QLatin1String("does not seem to belong to this collection")))
            showLyricsMismatch(message);
        else
            showError(tr("The run failed"), message);
    });
    connect(m_runner, &PipelineRunner::cancelled, this, [this] {
        setRunning(false);
        statusBar()->showMessage(
            tr("Cancelled. Kept what was computed: %1.")
                .arg(counted(qint64(m_model->representations().size()), tr("1 representation"),
                             tr("%1 representations"))));
    });
}

void MainWindow::run()
{
    if (m_running)
        return;
    const QStringList problems = m_panel->problems();
    if (!problems.isEmpty()) {
        statusBar()->showMessage(problems.first());
        return;
    }
    const PipelineConfig cfg = m_panel->config();
    m_listening->stop();
    m_model->reset(cfg);
    m_sessionFile.clear();
    setWindowModified(false);
    updateTitle();
    setRunning(true);
    statusBar()->clearMessage();
    // The training curves while it runs, unless the user watches the map grow.
    if (m_tabs->currentIndex() != MapTab)
        m_tabs->setCurrentIndex(TrainingTab);
    saveSettings();
    m_runner->start(cfg);
}

void MainWindow::cancel()
{
    if (!m_running)
        return;
    if (m_session) {
        if (m_session->saving())
            return;
        // The reading thread runs to its end; what it read is dropped.
        m_session->disconnect(this);
        m_session.clear();
        setRunning(false);
        statusBar()->showMessage(tr("Opening the session was cancelled."), 8000);
        emit sessionOpened(false);
        return;
    }
    if (m_adder)
        m_adder->cancel();
    else
        m_runner->cancel();
    m_stageLabel->setText(tr("Cancelling…"));
}

void MainWindow::setRunning(bool running, const QString& busyText)
{
    m_running = running;
    updatePreviousRunBanner();
    m_panel->setRunning(running, busyText);
    updateRunAction();
    m_cancelAction->setEnabled(running);
    m_cancelButton->setVisible(running);
    m_stageBar->setVisible(running);
    m_overallBar->setVisible(running);
    m_etaLabel->setVisible(running);
    m_stageLabel->setVisible(running);
    const bool haveRun = m_model->result() != nullptr || !m_model->representations().isEmpty();
    m_saveSessionAction->setEnabled(!running && haveRun);
    m_exportAction->setEnabled(!running && m_model->result() != nullptr && !m_export);
    updateAddActions();
    m_overallBar->setRange(0, 1000);
    if (running) {
        m_overallBar->setValue(0);
        m_stageBar->setValue(0);
        m_stageLabel->setText(tr("Starting…"));
        m_etaLabel->clear();
    }
}

static QString progressText(const QString& stage, const QString& message)
{
    // "β-VAE" keeps its Greek letter lower-case: only a Latin first letter is capitalised.
    QString text = stage.isEmpty() ? MainWindow::tr("working") : stage;
    if (text[0] >= QLatin1Char('a') && text[0] <= QLatin1Char('z'))
        text[0] = text[0].toUpper();
    if (message.isEmpty())
        return text;
    // A detail that already names the stage ("VAE training, epoch 3") is shown alone.
    if (message.contains(stage, Qt::CaseInsensitive))
        return message;
    return MainWindow::tr("%1 — %2").arg(text, message);
}

void MainWindow::showProgress(const RunProgress& p)
{
    m_stageLabel->setText(progressText(p.stage, p.message));
    m_overallBar->setValue(int(std::lround(p.overall * 1000)));
    m_stageBar->setValue(int(std::lround(p.stage01 * 1000)));
    m_etaLabel->setText(p.eta >= 0 ? tr("about %1 left").arg(formatSeconds(p.eta))
                                   : tr("estimating…"));
    m_etaLabel->setToolTip(tr("%1 elapsed").arg(formatSeconds(p.elapsed)));
}

void MainWindow::updateRunAction()
{
    m_runAction->setEnabled(!m_running && m_panel->canRun());
    // The previous collection's bar offers the same Run, so it is blocked the same way (the
    // Data panel says why).
    if (auto* runNow = m_previousRun->findChild<QPushButton*>(QStringLiteral("previousRunRunButton")))
        runNow->setEnabled(m_runAction->isEnabled());
}

void MainWindow::updateIssuesTab(int count)
{
    m_tabs->setTabText(IssuesTab, count > 0 ? tr("Issues (%1)").arg(count) : tr("Issues"));
}

bool MainWindow::showsPreviousCollection() const
{
    const bool shown = m_model->dataset() != nullptr || m_model->result() != nullptr;
    return shown && !m_running &&
           collectionKey(m_model->config().data) != collectionKey(m_panel->config().data);
}

void MainWindow::updatePreviousRunBanner()
{
    const bool previous = showsPreviousCollection();
    if (previous) {
        const auto data = m_model->dataset();
        const QString shown = collectionName(m_model->config().data);
        const QString what = !data ? shown
                             : data->size() == 1 ? tr("%1 (1 track)").arg(shown)
                                                 : tr("%1 (%2 tracks)").arg(shown).arg(data->size());
        m_previousRunText->setText(
            tr("<b>These results are of the previous collection</b>, %1. Press Run to map %2.")
                .arg(what.toHtmlEscaped(), collectionName(m_panel->config().data).toHtmlEscaped()));
    }
    m_previousRun->setVisible(previous);
}

void MainWindow::updateTitle()
{
    QString what;
    if (!m_sessionFile.isEmpty())
        what = QFileInfo(m_sessionFile).fileName();
    else
        switch (m_panel->sourceKind()) {
        case SourceKind::Demo: what = tr("Demo corpus"); break;
        case SourceKind::LyricsOnly: what = tr("Lyrics"); break;
        default: what = QString::fromStdString(m_panel->sourcePath().filename().string()); break;
        }
    // "[*]": an asterisk while the shown run has changes no session holds (added tracks).
    setWindowTitle(tr("%1[*] — MusicAtlas").arg(what));
}

bool MainWindow::openSession(const QString& file)
{
    if (m_running) {
        statusBar()->showMessage(m_session ? tr("Wait for the session being read or written first.")
                                           : tr("Cancel the running run before opening a session."));
        return false;
    }
    // Read on a worker thread (a session of 100,000 tracks is hundreds of megabytes); the
    // shown results stay usable until the new ones replace them.
    m_session = SessionFile::open(toPath(file), this);
    showSessionBusy(tr("Opening %1…").arg(QFileInfo(file).fileName()));
    connect(m_session, &SessionFile::opened, this, [this, file](std::shared_ptr<const RunResult> run) {
        m_session.clear();
        m_listening->stop();
        // The map first, so that a tab that waits until it is shown (Clusters) does not
        // take in the new run while the window waits.
        m_tabs->setCurrentIndex(MapTab);
        m_model->reset(run->config);
        m_model->setResult(run);
        m_panel->setConfig(run->config);
        adoptSessionFile(file);
        setRunning(false);
        statusBar()->showMessage(tr("Opened %1: %2 tracks, %3 representations.")
                                     .arg(QFileInfo(file).fileName())
                                     .arg(run->dataset.size())
                                     .arg(run->representations.size()));
        emit sessionOpened(true);
    });
    connect(m_session, &SessionFile::failed, this, [this](const QString& message) {
        m_session.clear();
        setRunning(false);
        showError(tr("Cannot open the session"), message);
        emit sessionOpened(false);
    });
    return true;
}

bool MainWindow::saveSession(const QString& file)
{
    if (m_running) {
        statusBar()->showMessage(m_session ? tr("Wait for the session being read or written first.")
                                           : tr("Wait for the run to finish before saving it."));
        return false;
    }
    std::shared_ptr<const RunResult> run = m_model->result();
    if (!run)
        run = m_model->snapshot();
    if (!run) {
        statusBar()->showMessage(tr("Nothing to save yet: run the experiment first."));
        return false;
    }
    // Written on a worker thread from the shared, immutable run; the file is replaced only
    // once the new one is whole.
    m_session = SessionFile::save(toPath(file), std::move(run), this);
    showSessionBusy(tr("Saving %1…").arg(QFileInfo(file).fileName()));
    connect(m_session, &SessionFile::saved, this, [this, file] {
        m_session.clear();
        setRunning(false);
        adoptSessionFile(file);
        statusBar()->showMessage(tr("Saved the session to %1.").arg(file), 8000);
        emit sessionSaved(true);
    });
    connect(m_session, &SessionFile::failed, this, [this](const QString& message) {
        m_session.clear();
        setRunning(false);
        showError(tr("Cannot save the session"), message);
        emit sessionSaved(false);
    });
    return true;
}

void MainWindow::adoptSessionFile(const QString& file)
{
    m_sessionFile = file;
    setWindowModified(false);
    rememberFolder(QStringLiteral("session"), file);
    m_recent->add(QStringLiteral("session"), file);
    updateTitle();
}

void MainWindow::showSessionBusy(const QString& text)
{
    setRunning(true, m_session->saving() ? tr("Saving the session…")
                                         : tr("Opening the session…"));
    statusBar()->clearMessage();
    m_stageLabel->setText(text);
    m_overallBar->setRange(0, 0);   // busy: a session's read or write has no steps to count
    m_stageBar->hide();
    m_etaLabel->hide();
    // Opening can be cancelled (the file is read to the end and dropped); a save always
    // finishes, so that no half-chosen state is left.
    m_cancelAction->setEnabled(!m_session->saving());
    m_cancelButton->setVisible(!m_session->saving());
}

bool MainWindow::exportResults(const QString& dir)
{
    const std::shared_ptr<const RunResult> run = m_model->result();
    if (!run) {
        statusBar()->showMessage(tr("Nothing to export yet: run the experiment first."));
        return false;
    }
    if (m_export) {
        statusBar()->showMessage(tr("An export is already being written."));
        return false;
    }
    m_export = new ResultsExport(run, toPath(dir), this);
    connect(m_export, &ResultsExport::finished, this, [this, dir](int tables, int figures) {
        m_export.clear();
        statusBar()->showMessage(
            tr("Exported %1 tables and %2 figures to %3.").arg(tables).arg(figures).arg(dir), 10000);
        setRunning(m_running);
        emit exportFinished(true);
    });
    connect(m_export, &ResultsExport::failed, this, [this](const QString& message) {
        m_export.clear();
        showError(tr("Cannot export the results"), message);
        setRunning(m_running);
        emit exportFinished(false);
    });
    connect(m_export, &ResultsExport::cancelled, this, [this, dir] {
        m_export.clear();
        statusBar()->showMessage(
            tr("Export cancelled; the files already written to %1 stay.").arg(dir), 10000);
        setRunning(m_running);
        emit exportFinished(false);
    });
    m_export->start();
    m_exportAction->setEnabled(false);
    statusBar()->showMessage(tr("Exporting the results to %1…").arg(dir));
    return true;
}

void MainWindow::updateAddActions()
{
    QString why;
    const bool can = canAddTracks(m_model->result().get(), &why);
    const bool idle = !m_running;
    m_addTracksAction->setEnabled(idle && can);
    m_addFolderAction->setEnabled(idle && can);
    m_addTracksAction->setToolTip(can ? tr("Place audio files on this map without retraining")
                                      : why);
    m_addFolderAction->setToolTip(can ? tr("Place the tracks of a folder on this map without "
                                           "retraining")
                                      : why);
    const auto run = m_model->result();
    const fs::path folder = run ? runSourceFolder(*run) : fs::path();
    m_updateFolderAction->setEnabled(idle && can && !folder.empty());
    if (!can)
        m_updateFolderAction->setToolTip(why);
    else if (folder.empty())
        m_updateFolderAction->setToolTip(
            tr("This map was not made from a folder (but from %1): there is no folder to scan "
               "again. Use Add Tracks… or Add Folder… instead.")
                .arg(collectionName(run->config.data)));
    else
        m_updateFolderAction->setToolTip(
            tr("Scan %1 again: new files are added and changed ones placed again without "
               "retraining; deleted ones are dropped")
                .arg(QString::fromStdString(folder.string())));
}

bool MainWindow::addTracks(const QStringList& files)
{
    if (files.isEmpty() || m_running || !canAddTracks(m_model->result().get()))
        return false;
    return startAdding(new TrackAdder(m_model->result(), files, toPath(m_sessionFile), this));
}

bool MainWindow::addFolder(const QString& folder)
{
    if (folder.isEmpty() || m_running || !canAddTracks(m_model->result().get()))
        return false;
    return startAdding(new TrackAdder(m_model->result(), toPath(folder), ExtendMode::Add,
                                       toPath(m_sessionFile), this));
}

bool MainWindow::updateFromFolder()
{
    const auto run = m_model->result();
    if (m_running || !canAddTracks(run.get()))
        return false;
    const fs::path folder = runSourceFolder(*run);
    if (folder.empty()) {
        statusBar()->showMessage(m_updateFolderAction->toolTip(), 10'000);
        return false;
    }
    return startAdding(
        new TrackAdder(run, folder, ExtendMode::Update, toPath(m_sessionFile), this));
}

bool MainWindow::startAdding(TrackAdder* adder)
{
    m_adder = adder;
    const ExtendMode mode = adder->mode();
    const int issuesBefore = int(m_model->result()->issues.size());
    connect(adder, &TrackAdder::progressed, this, &MainWindow::showProgress);
    connect(adder, &TrackAdder::finished, this,
            [this, mode, issuesBefore](std::shared_ptr<const RunResult> run,
                                       const ExtendReport& report) {
                m_adder.clear();
                // Rows may have been removed or reordered: what plays refers to the old ones.
                m_listening->stop();
                m_model->reset(run->config);
                m_model->setResult(run);
                const bool changed = report.added + report.changed + report.removed > 0;
                if (changed)
                    setWindowModified(true);   // Save Session keeps it
                updateTitle();
                setRunning(false);
                QString text = addSummary(report, mode);
                // Where the new tracks landed: selected, to see, play or keep as a playlist.
                const int placed = report.added + report.changed;
                if (placed > 0) {
                    QList<int> rows;
                    for (int i = run->dataset.size() - placed; i < run->dataset.size(); ++i)
                        rows << i;
                    m_map->view()->setSelection(rows);
                    text += tr("; selected on the map");
                }
                const int issues = int(run->issues.size()) - issuesBefore;
                if (issues > 0)
                    text += issues == 1 ? tr("; 1 issue, see the Issues tab")
                                        : tr("; %1 issues, see the Issues tab").arg(issues);
                statusBar()->showMessage(text);
                emit addFinished(true);
            });
    connect(adder, &TrackAdder::failed, this,
            [this, mode](const QString& message, const std::vector<Issue>& issues) {
                m_adder.clear();
                setRunning(false);
                // The files that could not be used say why nothing was added.
                for (const Issue& issue : issues)
                    m_model->addIssue(issue);
                const QString what = mode == ExtendMode::Update ? tr("Cannot update from the folder")
                                                                : tr("Cannot add the tracks");
                statusBar()->showMessage(tr("%1: %2").arg(what, message));
                showError(what, issues.empty() ? message
                                               : tr("%1\n\nThe Issues tab lists the files that "
                                                    "could not be used.")
                                                     .arg(message));
                emit addFinished(false);
            });
    connect(adder, &TrackAdder::cancelled, this, [this] {
        m_adder.clear();
        setRunning(false);
        statusBar()->showMessage(tr("Cancelled: no track was added; the map is as it was."));
        emit addFinished(false);
    });
    setRunning(true);
    m_stageLabel->setText(mode == ExtendMode::Update ? tr("Scanning the folder…")
                                                     : tr("Adding tracks…"));
    statusBar()->clearMessage();
    adder->start();
    return true;
}

bool MainWindow::exportTrackTable(const QList<int>& tracks, const QString& file)
{
    const auto data = m_model->dataset();
    if (!data || tracks.isEmpty())
        return false;
    // With the clusters the map is coloured by, when it is.
    const Labels* clusters = nullptr;
    if (m_map->colouredByClustering())
        if (const auto rep = m_model->representation(m_map->currentRepresentation()))
            if (const ClusteringResult* c = rep->clustering(m_map->currentClustering());
                c && c->ok && c->labels.size() == data->size())
                clusters = &c->labels;
    const std::vector<int> rows(tracks.begin(), tracks.end());
    try {
        writeTrackListCsv(*data, rows, toPath(file), clusters);
    } catch (const std::exception& e) {
        showError(tr("Cannot write the table"), QString::fromUtf8(e.what()));
        return false;
    }
    rememberFolder(QStringLiteral("playlist"), file);
    statusBar()->showMessage(tr("Wrote %1 to %2.").arg(counted(qint64(tracks.size()), tr("1 track"), tr("%1 tracks")), file), 8000);
    return true;
}

bool MainWindow::exportPlaylist(const QList<int>& tracks, const QString& file)
{
    if (!m_model->dataset() || tracks.isEmpty())
        return false;
    QString error;
    if (!m_listening->exportPlaylist(tracks, file, &error)) {
        showError(tr("Cannot write the playlist"), error);
        return false;
    }
    rememberFolder(QStringLiteral("playlist"), file);
    statusBar()->showMessage(tr("Wrote %1 to %2.").arg(counted(qint64(tracks.size()), tr("1 track"), tr("%1 tracks")), file), 8000);
    return true;
}

void MainWindow::openRecent(const QString& kind, const QString& path)
{
    if (!QFileInfo::exists(path)) {
        showError(tr("Not found"), tr("%1 no longer exists.").arg(path));
        return;
    }
    if (kind == QStringLiteral("session"))
        openSession(path);
    else if (kind == QStringLiteral("folder"))
        m_panel->setSource(SourceKind::Folder, toPath(path));
    else if (kind == QStringLiteral("manifest"))
        m_panel->setSource(SourceKind::Manifest, toPath(path));
    else if (kind == QStringLiteral("features"))
        m_panel->setSource(SourceKind::Features, toPath(path));
    else
        m_panel->setLyricsCsv(toPath(path));
    updateTitle();
}

void MainWindow::restoreSettings()
{
    QSettings s;
    m_panel->restore(s);
    m_listening->restore(s);
    m_hoverPreview->restore(s);
    if (!restoreGeometry(s.value(QStringLiteral("window/geometry")).toByteArray())) {
        // 1440 x 900, or the whole screen when it is smaller.
        const QScreen* screen = this->screen();
        const QRect available = screen ? screen->availableGeometry() : QRect(0, 0, 1440, 900);
        resize(std::min(1440, available.width()), std::min(900, available.height()));
    }
    if (restoreState(s.value(QStringLiteral("window/state")).toByteArray())) {
        // A layout saved before the Similar panel existed: the panel joins the details.
        if (!s.value(QStringLiteral("window/similarDock")).toBool()) {
            tabifyDockWidget(m_detailsDock, m_similarDock);
            m_detailsDock->raise();
        }
    } else {
        // First start: the details beside the map when the window is wide enough for both
        // docks and a roomy map, else behind the Data panel (a click on a track shows them).
        const QScreen* screen = this->screen();
        const int available = screen ? screen->availableGeometry().width() : 1440;
        if (std::min(available, width()) < 1800) {
            tabifyDockWidget(m_dataDock, m_detailsDock);
            tabifyDockWidget(m_dataDock, m_similarDock);
            m_dataDock->raise();
        } else {
            resizeDocks({m_dataDock, m_detailsDock}, {380, 290}, Qt::Horizontal);
        }
    }
    const int tab = s.value(QStringLiteral("window/tab"), int(MapTab)).toInt();
    if (tab >= 0 && tab < m_tabs->count())
        m_tabs->setCurrentIndex(tab);
}

void MainWindow::saveSettings() const
{
    QSettings s;
    m_panel->save(s);
    m_listening->save(s);
    m_hoverPreview->save(s);
    s.setValue(QStringLiteral("window/geometry"), saveGeometry());
    s.setValue(QStringLiteral("window/state"), saveState());
    s.setValue(QStringLiteral("window/similarDock"), true);
    s.setValue(QStringLiteral("window/tab"), m_tabs->currentIndex());
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    saveSettings();
    if (m_session && m_session->saving()) {
        // The session being written is finished before the window goes.
        QApplication::setOverrideCursor(Qt::WaitCursor);
        m_session->wait();
        QApplication::restoreOverrideCursor();
    }
    if (m_running)
        m_runner->cancel();
    m_listening->stop();
    event->accept();
}

} // namespace atlas::ui
