// SPDX-License-Identifier: GPL-3.0-or-later
// The window: validation disables Run and says why; a full demo run keeps the event loop
// responsive (longest stall measured); results fill the tabs; export writes the CLI's files;
// a saved session opens again with the same content.

#include "tests/support/fixtures.h"
#include "tests/support/stall_meter.h"
#include "ui/main/data_panel.h"
#include "ui/main/main_window.h"
#include "ui/map/map_panel.h"
#include "ui/map/map_view.h"
#include "ui/model/run_model.h"
#include "ui/views/clusters_view.h"
#include "tests/ui/ui_fixtures.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QListWidget>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTimer>
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
        QVERIFY(w.saveSession(QString::fromStdString(session.string())));
        MainWindow other;
        QVERIFY(other.openSession(QString::fromStdString(session.string())));
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
        QVERIFY(!other.openSession(QString::fromStdString(broken.string())));
        QCOMPARE(other.model()->result(), reopened);
    }
};

QTEST_MAIN(TestMainWindow)
#include "test_main_window.moc"
