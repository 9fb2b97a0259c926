// SPDX-License-Identifier: GPL-3.0-or-later
// The window: validation disables Run and says why; a full demo run keeps the event loop
// responsive (longest stall measured); results fill the tabs; export writes the CLI's files;
// a saved session opens again with the same content.

#include "engine/similarity/neighbours.h"
#include "tests/support/fixtures.h"
#include "tests/support/stall_meter.h"
#include "ui/main/data_panel.h"
#include "ui/main/main_window.h"
#include "ui/map/map_panel.h"
#include "ui/map/map_view.h"
#include "ui/model/run_model.h"
#include "ui/views/clusters_view.h"
#include "ui/playback/listening.h"
#include "ui/views/similar_panel.h"
#include "tests/ui/ui_fixtures.h"

#include <QAbstractSpinBox>
#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QListWidget>
#include <QFrame>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTimer>
#include <QTreeWidget>
#include <QToolButton>
#include <QStatusBar>
#include <QtTest>

#include <cmath>

#include <algorithm>
#include <functional>
#include <filesystem>

using namespace atlas;
using namespace atlas::ui;
namespace fs = std::filesystem;

using atlas::test::StallMeter;

class TestMainWindow : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);   // settings in a test folder
        QCoreApplication::setOrganizationName(QStringLiteral("MusicAtlasTest"));
        QCoreApplication::setApplicationName(QStringLiteral("test_main_window"));
    }

    void validationDisablesRunAndSaysWhy()
    {
        MainWindow w;
        w.show();
        auto* run = w.findChild<QPushButton*>(QStringLiteral("runButton"));
        auto* why = w.findChild<QLabel*>(QStringLiteral("validationLabel"));
        QVERIFY(run && why);
        w.dataPanel()->setSource(SourceKind::Demo);
        QVERIFY(run->isEnabled());
        QVERIFY(why->isHidden());

        w.dataPanel()->setSource(SourceKind::Folder, "/nonexistent/music folder");
        QVERIFY(!run->isEnabled());
        QVERIFY(!why->isHidden());
        QVERIFY2(why->text().contains(QStringLiteral("/nonexistent/music folder")), qPrintable(why->text()));
        auto* runAction = w.findChild<QAction*>(QStringLiteral("runAction"));
        QVERIFY(runAction && !runAction->isEnabled());

        w.dataPanel()->setSource(SourceKind::Demo);
        for (const char* key : {"pca", "ae", "vae", "betavae", "cvae"})
            w.findChild<QCheckBox*>(QStringLiteral("rep_") + QLatin1String(key))->setChecked(false);
        QVERIFY(!run->isEnabled());
        QVERIFY(why->text().contains(QStringLiteral("representation")));
        w.findChild<QCheckBox*>(QStringLiteral("rep_pca"))->setChecked(true);
        QVERIFY(run->isEnabled());
    }

    void viewMenuNamesThePanelWhole()
    {
        MainWindow w;
        QMenu* view = nullptr;
        for (QAction* a : w.menuBar()->actions())
            if (a->text() == QStringLiteral("&View"))
                view = a->menu();
        QVERIFY(view);
        // A menu shows "&&" as "&" and underlines the letter after a single '&'.
        const auto shown = [](QString text) {
            text.replace(QStringLiteral("&&"), QStringLiteral("\x01"));
            text.remove(QLatin1Char('&'));
            return text.replace(QStringLiteral("\x01"), QStringLiteral("&"));
        };
        QStringList entries;
        for (QAction* a : view->actions())
            if (!a->isSeparator())
                entries << shown(a->text());
        QCOMPARE(entries.first(), QStringLiteral("Data & Training"));
        QVERIFY(entries.contains(QStringLiteral("Track Details")));
    }

    void settingsKeepTheirArrowsAt1280x720()
    {
        MainWindow w;
        w.resize(1280, 720);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.dataPanel()->setSource(SourceKind::Demo);
        QCoreApplication::processEvents();
        auto* scroll = w.dataPanel()->findChild<QScrollArea*>();
        QVERIFY(scroll);
        QScrollBar* bar = scroll->verticalScrollBar();
        QVERIFY(bar->isVisible());   // 720 pixels do not hold every setting
        const QRect barRect(bar->mapTo(&w, QPoint(0, 0)), bar->size());
        int checked = 0;
        for (QWidget* field : scroll->widget()->findChildren<QWidget*>()) {
            if (!qobject_cast<QAbstractSpinBox*>(field) && !qobject_cast<QComboBox*>(field))
                continue;
            const QRect r(field->mapTo(&w, QPoint(0, 0)), field->size());
            QVERIFY2(r.right() < barRect.left(),
                     qPrintable(QStringLiteral("%1 ends at x = %2, the scroll bar starts at %3")
                                    .arg(field->objectName()).arg(r.right()).arg(barRect.left())));
            ++checked;
        }
        QVERIFY(checked >= 10);
    }

    void aNewCollectionMarksThePreviousResults()
    {
        MainWindow w;
        w.resize(1280, 720);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        const auto run = test::smallDemoRun();
        w.dataPanel()->setConfig(run->config);
        w.model()->reset(run->config);
        w.model()->setResult(run);
        auto* banner = w.findChild<QFrame*>(QStringLiteral("previousRunBanner"));
        auto* text = w.findChild<QLabel*>(QStringLiteral("previousRunText"));
        QVERIFY(banner && text);
        QVERIFY(!w.showsPreviousCollection());
        QVERIFY(banner->isHidden());
        // The demo corpus's labels are its genres, whatever file lists them.
        auto* colours = w.mapPanel()->findChild<QComboBox*>(QStringLiteral("colourCombo"));
        QVERIFY(colours);
        QVERIFY(colours->findText(QStringLiteral("Label (genre)")) >= 0);
        // Another settings change of the same collection is not another collection.
        PipelineConfig epochs = run->config;
        epochs.epochs += 1;
        w.dataPanel()->setConfig(epochs);
        QVERIFY(banner->isHidden());

        const fs::path folder = test::makeTempDir("window-other-collection");
        w.dataPanel()->setSource(SourceKind::Folder, folder);
        QVERIFY(w.showsPreviousCollection());
        QVERIFY(banner->isVisible());
        QVERIFY2(text->text().contains(QStringLiteral("previous collection")) &&
                     text->text().contains(QStringLiteral("the demo corpus (%1 tracks)")
                                               .arg(run->dataset.size())) &&
                     text->text().contains(QString::fromStdString(folder.filename().string())),
                 qPrintable(text->text()));
        // The bar's Run is the window's: blocked while the Data panel reports a problem.
        auto* runNow = banner->findChild<QPushButton*>(QStringLiteral("previousRunRunButton"));
        QVERIFY(runNow);
        QCOMPARE(runNow->isEnabled(), w.dataPanel()->canRun());
        PipelineConfig tooMany = run->config;   // more clusters than a 10-track corpus has
        tooMany.data.demoCorpus.tracksPerGenre = 1;
        tooMany.clusters = 20;
        w.dataPanel()->setConfig(tooMany);
        QVERIFY(w.showsPreviousCollection());
        QVERIFY(!w.dataPanel()->canRun());
        QVERIFY(!runNow->isEnabled());
        w.dataPanel()->setSource(SourceKind::Folder, folder);
        // Back to the collection shown: no mark.
        w.dataPanel()->setConfig(run->config);
        QVERIFY(banner->isHidden());
        QVERIFY(runNow->isEnabled());

        // Clear forgets the old run: every view waits for the next one.
        w.dataPanel()->setSource(SourceKind::Folder, folder);
        auto* clear = banner->findChild<QPushButton*>(QStringLiteral("previousRunClearButton"));
        QVERIFY(clear);
        clear->click();
        QVERIFY(banner->isHidden());
        QVERIFY(!w.model()->result());
        QVERIFY(!w.model()->dataset());
        QCOMPARE(w.mapPanel()->view()->pointCount(), 0);
        QVERIFY(!w.findChild<ClustersView*>()->hasSelection());
        auto* legendTitle = w.mapPanel()->findChild<QLabel*>(QStringLiteral("mapLegendTitle"));
        QVERIFY(legendTitle && legendTitle->text().isEmpty());
    }

    void everyTabFitsIn1280x720()
    {
        MainWindow w;
        w.resize(1280, 720);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        auto run = std::make_shared<RunResult>(*test::smallDemoRun());
        // A DBSCAN with noise gives the longest caption; long labels the widest columns.
        ClusteringResult& dbscan = run->representations[3].clusterings[2];
        QCOMPARE(dbscan.kind, Clustering::Dbscan);
        dbscan.ok = true;
        dbscan.labels.setConstant(-1);
        dbscan.labels.head(dbscan.labels.size() / 2).setZero();
        dbscan.labels.segment(1, 3).setConstant(1);
        dbscan.scores.noiseFraction = 0.5;
        dbscan.scores.nClusters = 2;
        for (std::string& name : run->dataset.labelNames)
            name = "The Battle for Wesnoth Original Soundtrack, disc one: " + name;
        for (int i = 0; i < 8; ++i)
            run->issues.push_back({"/work/testlib/Broken Files/Bad Album/01 - Missing moov atom "
                                   "(interrupted download).m4a",
                                   "incomplete MP4/M4A file: its index (moov atom) is missing, as "
                                   "after an interrupted download or copy"});
        w.model()->setResult(run);
        // Every tab, shown and filled, leaves the window its width.
        for (int t = 0; t < w.tabs()->count(); ++t) {
            w.tabs()->setCurrentIndex(t);
            QCoreApplication::processEvents();
            QVERIFY2(w.minimumSizeHint().width() <= 1280,
                     qPrintable(QStringLiteral("tab %1 needs %2 pixels: %3")
                                    .arg(w.tabs()->tabText(t))
                                    .arg(w.tabs()->widget(t)->minimumSizeHint().width())
                                    .arg(w.minimumSizeHint().width())));
        }
        w.tabs()->setCurrentIndex(MainWindow::ClustersTab);
        auto* clusters = w.findChild<ClustersView*>();
        for (Representation r : w.model()->representations())
            for (Clustering c : AllClusterings) {
                if (!clusters->setSelection(r, c))
                    continue;
                QCoreApplication::processEvents();
                QVERIFY2(w.minimumSizeHint().width() <= 1280,
                         qPrintable(QStringLiteral("%1 %2: the window needs %3 pixels")
                                        .arg(int(r)).arg(int(c)).arg(w.minimumSizeHint().width())));
                QCOMPARE(w.width(), 1280);
            }
        QVERIFY(clusters->setSelection(run->representations[3].kind, Clustering::Dbscan));
        auto* caption = clusters->findChild<QLabel*>(QStringLiteral("clustersCaption"));
        QVERIFY(caption->text().contains(QStringLiteral("as noise")));
        QVERIFY(caption->isVisible() && caption->width() > 100);
        // The track names keep most of the member list.
        auto* members = clusters->findChild<QTreeWidget*>(QStringLiteral("memberList"));
        QVERIFY(members && members->topLevelItemCount() > 0);
        QVERIFY2(members->columnWidth(1) > members->columnWidth(2),
                 qPrintable(QStringLiteral("track %1 px, label %2 px")
                                .arg(members->columnWidth(1)).arg(members->columnWidth(2))));
    }

    void viewsFollowTheMapAndExportTheSelection()
    {
        MainWindow w;
        w.resize(1280, 720);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        const auto run = test::smallDemoRun();
        w.model()->setResult(run);
        MapPanel* map = w.mapPanel();
        auto* clusters = w.findChild<ClustersView*>();
        QVERIFY(clusters);
        // The Clusters tab follows the map's representation and clustering.
        auto* colours = map->findChild<QComboBox*>(QStringLiteral("colourCombo"));
        auto* reps = map->findChild<QComboBox*>(QStringLiteral("representationCombo"));
        colours->setCurrentIndex(colours->findText(QStringLiteral("Agglomerative (Ward) clusters")));
        reps->setCurrentIndex(2);
        QCOMPARE(clusters->currentClustering(), Clustering::Agglomerative);
        QCOMPARE(clusters->currentRepresentation(), run->representations[2].kind);
        // The selection as a table, with the clusters the map shows.
        const fs::path dir = test::makeTempDir("window-table");
        const QString file = QString::fromStdString((dir / "selection.csv").string());
        QVERIFY(w.exportTrackTable({3, 1}, file));
        QFile table(file);
        QVERIFY(table.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = table.readAll().split('\n');
        QCOMPARE(lines.size(), 4);   // header, two rows, the final newline
        QVERIFY(lines[0].endsWith(",label,cluster"));
        QVERIFY(lines[1].startsWith(QByteArray::fromStdString(run->dataset.tracks[3].id)));
        QVERIFY(lines[1].endsWith(',' + QByteArray::number(
                                              run->representations[2].clusterings[1].labels(3))));
        // A track shown in the details is ringed on the map.
        auto* list = map->findChild<QListWidget*>(QStringLiteral("selectionList"));
        QVERIFY(list);
        map->view()->setSelection({5});
        QCOMPARE(map->view()->markedTrack(), -1);
        QTest::mouseClick(list->viewport(), Qt::LeftButton, {},
                          list->visualItemRect(list->item(0)).center());
        QCOMPARE(map->view()->markedTrack(), 5);
        // The Shortcuts list names the map's keys.
        auto* exportMap = w.findChild<QAction*>(QStringLiteral("exportMapAction"));
        QVERIFY(exportMap && !exportMap->shortcut().isEmpty());

        // "More like this" in the details: the track and its 20 nearest tracks in the map's
        // representation are selected and listed, from any tab.
        w.tabs()->setCurrentIndex(1);
        map->trackChosen(7);
        auto* similar = w.findChild<QToolButton*>(QStringLiteral("detailsSimilarButton"));
        QVERIFY(similar && similar->isEnabled());
        similar->click();
        QCOMPARE(w.tabs()->currentWidget(), static_cast<QWidget*>(map));
        const auto nearest = nearestRows(run->representations[2].codes, 7, 20);
        QList<int> expected = {7};
        for (const Neighbour& n : nearest)
            expected << n.track;
        QList<int> selected = map->view()->selection();
        std::sort(selected.begin(), selected.end());
        std::sort(expected.begin(), expected.end());
        QCOMPARE(selected, expected);
        QCOMPARE(list->count(), 21);
        QVERIFY(w.statusBar()->currentMessage().contains(QStringLiteral("20 tracks most like it")));
        // They are listed in the Similar panel, which comes to the front.
        SimilarPanel* panel = w.similarPanel();
        QVERIFY(panel->isVisible());
        QCOMPARE(panel->track(), 7);
        QList<int> listed;
        for (const Neighbour& n : nearest)
            listed << n.track;
        QCOMPARE(panel->tracks(), listed);
        // A click on another track while the panel shows lists and selects its neighbours.
        map->trackActivated(11);
        QCOMPARE(panel->track(), 11);
        QCOMPARE(map->view()->selection().size(), 21);
        QVERIFY(panel->isVisible());   // the details stay behind it
        QVERIFY(map->view()->selection().contains(nearestRows(run->representations[2].codes, 11, 1)[0].track));
        w.listening()->stop();
        // Hover preview is off by default, in the Playback menu.
        auto* hover = w.findChild<QAction*>(QStringLiteral("hoverPreviewAction"));
        QVERIFY(hover && hover->isCheckable() && !hover->isChecked());
    }

    void fullDemoRunStaysResponsive()
    {
        MainWindow w;
        w.resize(1400, 900);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.dataPanel()->setSource(SourceKind::Demo);
        PipelineConfig defaults;
        QCOMPARE(w.dataPanel()->config().data.demoCorpus.tracksPerGenre,
                 defaults.data.demoCorpus.tracksPerGenre);   // the full 1000-track corpus

        QSignalSpy finished(w.runner(), &PipelineRunner::finished);
        StallMeter meter;
        QString stage;
        connect(w.runner(), &PipelineRunner::progressed, this,
                [&](const RunProgress& p) { stage = p.stage; });
        meter.setContext([&] {
            return QStringLiteral("stage \"%1\", tab %2").arg(stage).arg(w.tabs()->currentIndex());
        });
        meter.start();
        auto* runAction = w.findChild<QAction*>(QStringLiteral("runAction"));
        QCOMPARE(runAction->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_R));
        runAction->trigger();
        QVERIFY(w.runner()->isBusy());
        // Switch tabs while it runs, as a user would, so that every view paints live data.
        QTimer tabs;
        int tab = 0;
        connect(&tabs, &QTimer::timeout, &w, [&] { w.tabs()->setCurrentIndex(tab++ % 5); });
        tabs.start(700);
        QVERIFY(finished.wait(600'000));
        tabs.stop();
        meter.stop();
        qInfo("full demo run: %d timer ticks, longest event-loop stall %.1f ms (%s)", meter.ticks(),
              meter.worstMs(), qPrintable(meter.where()));
        // The measurement is checked here; the 50 ms target is a timing, which a shared CI
        // machine cannot promise: tests/bench/bench_app measures it against the target.
        QVERIFY(meter.ticks() > 100);
        QVERIFY(meter.worstMs() > 0.0 && std::isfinite(meter.worstMs()));

        const auto result = w.model()->result();
        QVERIFY(result);
        QCOMPARE(result->dataset.size(), 1000);
        QCOMPARE(w.model()->representations().size(), 5);

        // Export: the same files as musicatlas-cli run --out.
        const fs::path out = test::makeTempDir("window-export");
        QSignalSpy exported(&w, &MainWindow::exportFinished);
        QVERIFY(w.exportResults(QString::fromStdString(out.string())));
        QVERIFY(!w.exportResults(QString::fromStdString(out.string())));   // one at a time
        QVERIFY(exported.wait(120'000));
        QCOMPARE(exported.first().first().toBool(), true);
        for (const char* f : {"clustering_metrics.csv", "latent.csv", "embeddings.csv",
                              "training_history.csv", "issues.csv", "run.json"})
            QVERIFY2(fs::is_regular_file(out / f), f);
        QVERIFY(fs::is_regular_file(out / "latent_visualization" / "pca_kmeans_tsne.png"));
        QVERIFY(fs::is_regular_file(out / "analysis_plots" / "nmi.png"));

        // Session round trip through a second window.
        const fs::path session = test::makeTempDir("window-session") / "demo.atlassession";
        // Both are read and written on a worker thread, one at a time.
        QSignalSpy saved(&w, &MainWindow::sessionSaved);
        QVERIFY(w.saveSession(QString::fromStdString(session.string())));
        QVERIFY(!w.saveSession(QString::fromStdString(session.string())));
        QVERIFY(!w.openSession(QString::fromStdString(session.string())));
        QVERIFY(!w.findChild<QAction*>(QStringLiteral("runAction"))->isEnabled());
        QVERIFY(saved.wait(120'000));
        QCOMPARE(saved.first().first().toBool(), true);
        QVERIFY(w.findChild<QAction*>(QStringLiteral("runAction"))->isEnabled());
        QVERIFY(w.windowTitle().startsWith(QStringLiteral("demo.atlassession")));
        MainWindow other;
        QSignalSpy opened(&other, &MainWindow::sessionOpened);
        QVERIFY(other.openSession(QString::fromStdString(session.string())));
        QVERIFY(opened.wait(120'000));
        QCOMPARE(opened.first().first().toBool(), true);
        const auto reopened = other.model()->result();
        QVERIFY(reopened);
        QCOMPARE(reopened->dataset.size(), 1000);
        QCOMPARE(reopened->representations.size(), result->representations.size());
        for (std::size_t i = 0; i < result->representations.size(); ++i) {
            const RepresentationResult& a = result->representations[i];
            const RepresentationResult& b = reopened->representations[i];
            QCOMPARE(int(a.kind), int(b.kind));
            QVERIFY(a.codes == b.codes);
            for (MapKind m : AllMaps)
                QVERIFY(a.map(m)->xy == b.map(m)->xy);
            for (Clustering c : AllClusterings)
                QVERIFY(a.clustering(c)->labels == b.clustering(c)->labels);
        }
        QCOMPARE(other.dataPanel()->config().epochs, result->config.epochs);

        // A damaged file is a clear error, and the window keeps what it shows.
        const fs::path broken = session.parent_path() / "broken.atlassession";
        test::writeBytes(broken, "not a session");
        opened.clear();
        QVERIFY(other.openSession(QString::fromStdString(broken.string())));
        QVERIFY(opened.wait(60'000));
        QCOMPARE(opened.first().first().toBool(), false);
        QCOMPARE(other.model()->result(), reopened);

        // Cancel while a session is read: the read is dropped, the shown run stays.
        MainWindow third;
        QSignalSpy thirdOpened(&third, &MainWindow::sessionOpened);
        QVERIFY(third.openSession(QString::fromStdString(session.string())));
        third.cancel();
        QCOMPARE(thirdOpened.size(), 1);
        QCOMPARE(thirdOpened.first().first().toBool(), false);
        QVERIFY(!third.model()->result());
        QTest::qWait(200);
        QVERIFY(!third.model()->result());
        QCOMPARE(thirdOpened.size(), 1);
        QVERIFY(third.findChild<QAction*>(QStringLiteral("runAction"))->isEnabled() ==
                third.dataPanel()->canRun());
    }
};

QTEST_MAIN(TestMainWindow)
#include "test_main_window.moc"
