// SPDX-License-Identifier: GPL-3.0-or-later
// File ▸ Add Tracks… and Update from Folder: tracks placed on the shown map without
// retraining, on a worker thread; the window shows the extended run as unsaved, the Metrics
// tab says which tracks were scored, Track Details marks the added ones, and a folder scanned
// again loses its deleted files' tracks.

#include "engine/demo/demo_corpus.h"
#include "engine/io/session_io.h"
#include "tests/support/fixtures.h"
#include "tests/ui/ui_fixtures.h"
#include "ui/main/data_panel.h"
#include "ui/main/main_window.h"
#include "ui/map/map_panel.h"
#include "ui/map/map_view.h"
#include "ui/model/run_model.h"
#include "ui/views/track_details.h"

#include <QAction>
#include <QLabel>
#include <QMessageBox>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabWidget>
#include <QtTest>

#include <algorithm>
#include <filesystem>

using namespace atlas;
using namespace atlas::ui;
namespace fs = std::filesystem;

namespace {

// The demo corpus at 7 tracks per genre: the seventh of each genre (".00006") is a track
// the 6-per-genre run of smallDemoRun() does not have.
const DemoCorpus& extraCorpus()
{
    static const DemoCorpus corpus = [] {
        DemoCorpusConfig cfg;
        cfg.tracksPerGenre = 7;
        cfg.durationSeconds = 3.0;
        return ensureDemoCorpus(cfg, test::makeTempDir("add-extra") / "corpus");
    }();
    return corpus;
}

QStringList seventhOfEachGenre()
{
    QStringList files;
    const DemoCorpus& c = extraCorpus();
    for (std::size_t i = 0; i < c.files.size(); ++i)
        if (c.trackIds[i].ends_with(".00006"))
            files << QString::fromStdString(c.files[i].string());
    return files;
}

void show(MainWindow& w, std::shared_ptr<const RunResult> run)
{
    w.dataPanel()->setConfig(run->config);
    w.model()->reset(run->config);
    w.model()->setResult(run);
}

// Every representation's rows (codes, clusterings' labels, maps) are one per track.
void checkRows(const RunResult& run)
{
    const int n = run.dataset.size();
    for (const RepresentationResult& rep : run.representations) {
        if (!rep.ok)
            continue;
        QCOMPARE(int(rep.codes.rows()), n);
        for (const ClusteringResult& c : rep.clusterings)
            if (c.ok)
                QCOMPARE(int(c.labels.size()), n);
        for (const MapResult& m : rep.maps)
            if (m.ok)
                QCOMPARE(int(m.xy.rows()), n);
    }
}

QString noteText(const MainWindow& w)
{
    const auto* note = w.findChild<QLabel*>(QStringLiteral("addedTracksNote"));
    return note && !note->isHidden() ? note->text() : QString();
}

} // namespace

class TestAddingTracks : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("MusicAtlasTest"));
        QCoreApplication::setApplicationName(QStringLiteral("test_adding_tracks"));
    }

    void actionsNeedATrainedRunAndAFolder()
    {
        MainWindow w;
        auto* add = w.findChild<QAction*>(QStringLiteral("addTracksAction"));
        auto* folder = w.findChild<QAction*>(QStringLiteral("addFolderAction"));
        auto* update = w.findChild<QAction*>(QStringLiteral("updateFolderAction"));
        QVERIFY(add && folder && update);
        QVERIFY(!add->isEnabled() && !folder->isEnabled() && !update->isEnabled());
        QVERIFY(!w.addTracks(seventhOfEachGenre()));

        show(w, test::smallDemoRun());
        QVERIFY(add->isEnabled() && folder->isEnabled());
        // The demo corpus is no folder of the user's: nothing to scan again, and it says so.
        QVERIFY(!update->isEnabled());
        QVERIFY2(update->toolTip().contains(QStringLiteral("not made from a folder")) &&
                     update->toolTip().contains(QStringLiteral("the demo corpus")),
                 qPrintable(update->toolTip()));
        QVERIFY(!w.updateFromFolder());

        // A run without a trained model cannot place tracks.
        auto untrained = std::make_shared<RunResult>(*test::smallDemoRun());
        for (RepresentationResult& rep : untrained->representations)
            rep.ok = false;
        show(w, untrained);
        QVERIFY(!add->isEnabled());
        QVERIFY2(add->toolTip().contains(QStringLiteral("trained")), qPrintable(add->toolTip()));
        QVERIFY(!w.addTracks(seventhOfEachGenre()));
    }

    void addTracksPlacesThemAndMarksTheSessionModified()
    {
        MainWindow w;
        w.resize(1280, 720);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        const auto fitted = test::smallDemoRun();
        const int n0 = fitted->dataset.size();
        QCOMPARE(n0, 60);
        show(w, fitted);
        QVERIFY(!w.isWindowModified());
        QVERIFY(noteText(w).isEmpty());

        const QStringList files = seventhOfEachGenre();
        QCOMPARE(files.size(), 10);
        QSignalSpy done(&w, &MainWindow::addFinished);
        QVERIFY(w.addTracks(files));
        // One at a time, and nothing else starts meanwhile.
        auto* add = w.findChild<QAction*>(QStringLiteral("addTracksAction"));
        QVERIFY(!add->isEnabled());
        QVERIFY(!w.addTracks(files));
        QVERIFY(done.wait(180'000));
        QCOMPARE(done.first().first().toBool(), true);
        QVERIFY(add->isEnabled());

        const auto run = w.model()->result();
        QVERIFY(run && run != fitted);
        QCOMPARE(run->dataset.size(), n0 + 10);
        QCOMPARE(run->addedCount(), 10);
        checkRows(*run);
        QCOMPARE(w.mapPanel()->view()->pointCount(), n0 + 10);
        // The fitted tracks keep their codes and places; the added ones come after them.
        for (std::size_t r = 0; r < run->representations.size(); ++r) {
            const RepresentationResult& a = fitted->representations[r];
            const RepresentationResult& b = run->representations[r];
            if (!a.ok)
                continue;
            QVERIFY(b.codes.topRows(n0) == a.codes);
            for (std::size_t m = 0; m < a.maps.size(); ++m)
                if (a.maps[m].ok)
                    QVERIFY(b.maps[m].xy.topRows(n0) == a.maps[m].xy);
        }
        for (int i = 0; i < n0 + 10; ++i)
            QCOMPARE(run->isAdded(i), i >= n0);
        QStringList paths;
        for (int i = n0; i < n0 + 10; ++i)
            paths << QString::fromStdString(run->dataset.tracks[std::size_t(i)].path.string());
        QStringList sorted = files;
        sorted.sort();
        paths.sort();
        QCOMPARE(paths, sorted);

        const QString status = w.statusBar()->currentMessage();
        QCOMPARE(status, QStringLiteral("Added 10 tracks without retraining; 60 fitted + 10 "
                                        "added; selected on the map; 1 issue, see the Issues tab"));
        // The new tracks are selected on the map, and their tooltips say they were added.
        QList<int> last10;
        for (int i = n0; i < n0 + 10; ++i)
            last10 << i;
        QCOMPARE(w.mapPanel()->selection(), last10);
        QVERIFY(w.mapPanel()->tooltipFor(n0).contains(QStringLiteral("Added after the fit")));
        QVERIFY(!w.mapPanel()->tooltipFor(0).contains(QStringLiteral("Added after the fit")));
        QCOMPARE(noteText(w),
                 QStringLiteral("Scores are of the 60 tracks the models were fitted on; 10 tracks "
                                "were added later without retraining and are placed, not scored."));
        QVERIFY(w.isWindowModified());
        QVERIFY(w.windowTitle().contains(QStringLiteral("[*]")));

        // The 6-per-genre corpus's lyrics CSV has no row for the new tracks: it is left out,
        // and the Issues tab says so.
        const auto& issues = w.model()->issues();
        QCOMPARE(int(issues.size()), int(fitted->issues.size()) + 1);
        QCOMPARE(issues.back().file.filename().string(), std::string("lyrics.csv"));
        QVERIFY2(issues.back().reason.starts_with("has no lyrics for the added tracks"),
                 issues.back().reason.c_str());

        // Track Details tells added tracks from fitted ones.
        w.trackDetails()->setTrack(n0 + 3);
        QCOMPARE(w.trackDetails()->value(QStringLiteral("detailsAdded")),
                 QStringLiteral("Added after the fit (placed without retraining)"));
        w.trackDetails()->setTrack(2);
        QVERIFY(w.trackDetails()->value(QStringLiteral("detailsAdded")).isEmpty());

        // Adding the same files again changes nothing.
        done.clear();
        QVERIFY(w.addTracks(files.mid(0, 2)));
        QVERIFY(done.wait(180'000));
        QCOMPARE(w.model()->result()->dataset.size(), n0 + 10);
        QVERIFY2(w.statusBar()->currentMessage().startsWith(QStringLiteral("Nothing added")),
                 qPrintable(w.statusBar()->currentMessage()));

        // Save Session writes the extended run, which is then no longer modified.
        const fs::path session = test::makeTempDir("add-session") / "added.atlassession";
        QSignalSpy saved(&w, &MainWindow::sessionSaved);
        QVERIFY(w.saveSession(QString::fromStdString(session.string())));
        QVERIFY(saved.wait(120'000));
        QCOMPARE(saved.first().first().toBool(), true);
        QVERIFY(!w.isWindowModified());
        const RunResult reopened = loadSession(session);
        QCOMPARE(reopened.dataset.size(), n0 + 10);
        QCOMPARE(reopened.addedCount(), 10);
    }

    void aFileThatIsNoAudioGivesTheEnginesMessage()
    {
        MainWindow w;
        show(w, test::smallDemoRun());
        const fs::path junk = test::makeTempDir("add-junk") / "not-audio.wav";
        test::writeBytes(junk, "this is not a WAV file");
        QSignalSpy done(&w, &MainWindow::addFinished);
        QVERIFY(w.addTracks({QString::fromStdString(junk.string())}));
        QVERIFY(done.wait(60'000));
        QCOMPARE(done.first().first().toBool(), false);
        QCOMPARE(w.model()->result(), test::smallDemoRun());   // the map is as it was
        QVERIFY(!w.isWindowModified());
        auto* box = w.findChild<QMessageBox*>(QStringLiteral("errorBox"));
        QVERIFY(box);
        QCOMPARE(box->windowTitle(), QStringLiteral("Cannot add the tracks"));
        QVERIFY2(box->text().startsWith(QStringLiteral(
                     "none of the 1 audio file could be analysed: not-audio.wav: not an audio "
                     "file")),
                 qPrintable(box->text()));
        // The file and why it could not be used are in the Issues tab.
        const auto& issues = w.model()->issues();
        QVERIFY(std::any_of(issues.begin(), issues.end(),
                            [&](const Issue& i) { return i.file == junk; }));
        QVERIFY(w.statusBar()->currentMessage().startsWith(QStringLiteral("Cannot add the tracks: ")));
    }

    void cancelKeepsTheMapAsItWas()
    {
        MainWindow w;
        show(w, test::smallDemoRun());
        QSignalSpy done(&w, &MainWindow::addFinished);
        QVERIFY(w.addTracks(seventhOfEachGenre()));
        w.cancel();
        QVERIFY(done.wait(60'000));
        QCOMPARE(done.first().first().toBool(), false);
        QCOMPARE(w.model()->result(), test::smallDemoRun());
        QVERIFY(!w.isWindowModified());
        QCOMPARE(w.statusBar()->currentMessage(),
                 QStringLiteral("Cancelled: no track was added; the map is as it was."));
        QVERIFY(w.findChild<QAction*>(QStringLiteral("addTracksAction"))->isEnabled());
    }

    void updateFromFolderAddsNewFilesAndDropsDeletedOnes()
    {
        // A folder of 4 genres x 5 tracks, mapped with PCA alone.
        const fs::path root = test::makeTempDir("add-update");
        const fs::path folder = root / "music";
        const DemoCorpus& c = extraCorpus();
        std::vector<fs::path> copied;
        for (std::size_t i = 0; i < c.files.size(); ++i) {
            const int genre = c.labels(Eigen::Index(i));
            const int number = std::stoi(c.trackIds[i].substr(c.trackIds[i].size() - 5));
            if (genre >= 4 || number >= 5)
                continue;
            const fs::path to = folder / c.genres[std::size_t(genre)] / c.files[i].filename();
            fs::create_directories(to.parent_path());
            fs::copy_file(c.files[i], to);
            copied.push_back(to);
        }
        QCOMPARE(int(copied.size()), 20);
        PipelineConfig cfg = test::smallDemoConfig(6, "add-update");
        cfg.data.demo = false;
        cfg.data.dataDir = folder;
        cfg.representations = {Representation::Pca};
        cfg.clusters = 4;
        Diagnostics diagnostics;
        const auto fitted = std::make_shared<const RunResult>(runPipeline(cfg, diagnostics));
        QCOMPARE(fitted->dataset.size(), 20);

        MainWindow w;
        show(w, fitted);
        auto* update = w.findChild<QAction*>(QStringLiteral("updateFolderAction"));
        QVERIFY(update->isEnabled());
        QVERIFY2(update->toolTip().contains(QString::fromStdString(folder.string())),
                 qPrintable(update->toolTip()));

        // One file deleted, one new.
        const fs::path gone = copied.front();
        fs::remove(gone);
        std::size_t extra = 0;
        while (c.trackIds[extra] != c.genres[0] + ".00005")
            ++extra;
        const fs::path added = folder / c.genres[0] / c.files[extra].filename();
        fs::copy_file(c.files[extra], added);

        QSignalSpy done(&w, &MainWindow::addFinished);
        QVERIFY(w.updateFromFolder());
        QVERIFY(done.wait(180'000));
        QCOMPARE(done.first().first().toBool(), true);
        const auto run = w.model()->result();
        QCOMPARE(run->dataset.size(), 20);
        QCOMPARE(run->addedCount(), 1);
        checkRows(*run);
        const auto hasPath = [&](const fs::path& p) {
            return std::any_of(run->dataset.tracks.begin(), run->dataset.tracks.end(),
                               [&](const Track& t) { return t.path == p; });
        };
        QVERIFY(!hasPath(gone));
        QVERIFY(hasPath(added));
        QVERIFY(run->isAdded(19));
        QCOMPARE(run->dataset.tracks[19].path, added);
        QCOMPARE(w.mapPanel()->view()->pointCount(), 20);
        QCOMPARE(w.statusBar()->currentMessage(),
                 QStringLiteral("Added 1 track without retraining (1 removed); 19 fitted + 1 "
                                "added; selected on the map"));
        QCOMPARE(w.mapPanel()->selection(), QList<int>{19});
        QCOMPARE(noteText(w),
                 QStringLiteral("Scores are of the 20 tracks the models were fitted on (1 of them "
                                "since removed); 1 track was added later without retraining and "
                                "is placed, not scored."));
        QVERIFY(w.isWindowModified());

        // Without the lyrics CSV the map was made with, every track would look changed: the
        // update is refused with a message that names the CSV, and the map stays.
        auto lost = std::make_shared<RunResult>(*run);
        lost->config.data.lyricsCsv = root / "moved-away.csv";
        lost->dataset.lyricsUsed = true;
        show(w, lost);
        done.clear();
        QVERIFY(w.updateFromFolder());
        QVERIFY(done.wait(60'000));
        QCOMPARE(done.first().first().toBool(), false);
        QCOMPARE(w.model()->result(), std::shared_ptr<const RunResult>(lost));
        auto* box = w.findChild<QMessageBox*>(QStringLiteral("errorBox"));
        QVERIFY(box);
        QCOMPARE(box->windowTitle(), QStringLiteral("Cannot update from the folder"));
        QVERIFY2(box->text().startsWith(QString::fromStdString((root / "moved-away.csv").string()) +
                                        QStringLiteral(": the lyrics CSV of this map cannot be found")),
                 qPrintable(box->text()));
    }
};

QTEST_MAIN(TestAddingTracks)
#include "test_adding_tracks.moc"
