// SPDX-License-Identifier: GPL-3.0-or-later
// The Similar panel lists what the engine finds: a track's nearest tracks in the chosen
// space, a radio with its options, a path between two tracks (drawn on the map); a right
// click on the map offers them; hover preview is off until turned on.

#include "engine/io/playlist.h"
#include "engine/similarity/neighbours.h"
#include "engine/similarity/playlists.h"
#include "tests/support/fixtures.h"
#include "tests/ui/ui_fixtures.h"
#include "ui/map/map_panel.h"
#include "ui/map/map_view.h"
#include "ui/model/run_model.h"
#include "ui/playback/audio_player.h"
#include "ui/playback/hover_preview.h"
#include "ui/playback/listening.h"
#include "ui/views/similar_panel.h"

#include <QAction>
#include <QApplication>
#include <QContextMenuEvent>
#include <QComboBox>
#include <QMenu>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardItemModel>
#include <QStandardPaths>
#include <QToolButton>
#include <QTreeWidget>
#include <QtTest>

#include <memory>

using namespace atlas;
using namespace atlas::ui;
namespace fs = std::filesystem;

namespace {

// The panel beside a map of the shared demo run, shown so that it drives the map.
struct Fixture {
    std::shared_ptr<const RunResult> run = test::smallDemoRun();
    RunModel model;
    QWidget window;
    MapPanel* map = nullptr;
    SimilarPanel* panel = nullptr;

    explicit Fixture(std::shared_ptr<const RunResult> r = test::smallDemoRun()) : run(std::move(r))
    {
        model.reset(run->config);
        model.setResult(run);
        map = new MapPanel(&model, &window);
        panel = new SimilarPanel(&model, map, &window);
        map->setGeometry(0, 0, 800, 600);
        panel->setGeometry(800, 0, 320, 600);
        window.resize(1120, 600);
        window.show();
    }
    const RepresentationResult& shownRep() const
    {
        return *run->representation(map->currentRepresentation());
    }
};

QList<int> rowsOf(const std::vector<Neighbour>& ns)
{
    QList<int> out;
    for (const Neighbour& n : ns)
        out << n.track;
    return out;
}

QList<int> rowsOf(const std::vector<PlaylistStep>& steps)
{
    QList<int> out;
    for (const PlaylistStep& s : steps)
        out << s.track;
    return out;
}

// The track ids the panel's list shows, from its rows' data.
QStringList listedIds(const SimilarPanel* panel, const Dataset& data)
{
    auto* list = panel->findChild<QTreeWidget*>(QStringLiteral("similarList"));
    QStringList ids;
    for (int i = 0; i < list->topLevelItemCount(); ++i)
        ids << QString::fromStdString(
            data.tracks[std::size_t(list->topLevelItem(i)->data(1, Qt::UserRole).toInt())].id);
    return ids;
}

QStringList idsOf(const QList<int>& rows, const Dataset& data)
{
    QStringList ids;
    for (int r : rows)
        ids << QString::fromStdString(data.tracks[std::size_t(r)].id);
    return ids;
}

} // namespace

class TestSimilarPanel : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("MusicAtlasTest"));
        QCoreApplication::setApplicationName(QStringLiteral("test_similar_panel"));
    }

    void emptyPanelSaysWhatToDo()
    {
        RunModel model;
        MapPanel map(&model);
        SimilarPanel panel(&model, &map);
        QVERIFY(panel.tracks().isEmpty());
        QVERIFY2(panel.statusText().contains(QStringLiteral("click a track")), qPrintable(panel.statusText()));
        auto* play = panel.findChild<QPushButton*>(QStringLiteral("similarPlayButton"));
        QVERIFY(play && !play->isEnabled());
        QCOMPARE(panel.trackMenu(3), nullptr);
    }

    void listsTheEngineNeighboursAndMovesOn()
    {
        Fixture f;
        const Dataset& data = f.run->dataset;
        f.panel->followTrack(7);
        QCOMPARE(f.panel->track(), 7);
        const auto nearest = nearestRows(f.shownRep().codes, 7, 20);
        QCOMPARE(nearest.size(), std::size_t(20));
        QCOMPARE(f.panel->tracks(), rowsOf(nearest));
        QCOMPARE(listedIds(f.panel, data), idsOf(rowsOf(nearest), data));
        for (std::size_t i = 0; i < nearest.size(); ++i)
            QCOMPARE(f.panel->distances()[qsizetype(i)], nearest[i].distance);
        auto* list = f.panel->findChild<QTreeWidget*>(QStringLiteral("similarList"));
        QCOMPARE(list->topLevelItem(0)->text(1), QString::fromStdString(data.tracks[std::size_t(nearest[0].track)].displayName()));
        QCOMPARE(list->topLevelItem(0)->text(2), QString::number(nearest[0].distance, 'f', 3));
        // The cluster column: the map's clustering (KMeans while coloured by the label).
        const Labels& kmeans = f.shownRep().clustering(f.map->currentClustering())->labels;
        QCOMPARE(list->topLevelItem(3)->text(3), QString::number(kmeans(nearest[3].track)));
        // Shown: the track and its neighbours are selected on the map; Play all plays them.
        QList<int> expected = QList<int>{7} + rowsOf(nearest);
        QList<int> selected = f.map->view()->selection();
        QList<int> sorted = expected;
        std::sort(sorted.begin(), sorted.end());
        QCOMPARE(selected, sorted);
        QSignalSpy play(f.panel, &SimilarPanel::playRequested);
        f.panel->findChild<QPushButton*>(QStringLiteral("similarPlayButton"))->click();
        QCOMPARE(play.count(), 1);
        QCOMPARE(play.first().first().value<QList<int>>(), expected);

        // k.
        f.panel->setNeighbourCount(5);
        QCOMPARE(f.panel->tracks(), rowsOf(nearestRows(f.shownRep().codes, 7, 5)));
        f.panel->setNeighbourCount(20);

        // Sound only: the neighbours in the standardised MFCC statistics.
        f.panel->setSpace(SimilaritySpace::Audio);
        const Matrix audio = standardisedAudio(*f.run);
        const auto byAudio = nearestRows(audio, 7, 20);
        QCOMPARE(f.panel->tracks(), rowsOf(byAudio));
        QVERIFY(f.panel->tracks() != rowsOf(nearest));
        QCOMPARE(f.panel->distances().first(), byAudio.front().distance);
        QVERIFY(f.panel->statusText().contains(QStringLiteral("MFCC")));
        // Lyrics only: the demo run has lyrics, searched by cosine.
        QVERIFY(data.lyricsUsed);
        f.panel->setSpace(SimilaritySpace::Lyrics);
        QCOMPARE(f.panel->tracks(), rowsOf(nearestRows(data.lyrics, 7, 20, Distance::Cosine)));

        // Activating a row moves on from that track.
        f.panel->setSpace(SimilaritySpace::Latent);
        const int next = nearest[2].track;
        QSignalSpy chosen(f.panel, &SimilarPanel::trackChosen);
        emit list->itemActivated(list->topLevelItem(2), 1);
        QCOMPARE(f.panel->track(), next);
        QCOMPARE(chosen.count(), 1);
        QCOMPARE(chosen.first().first().toInt(), next);
        QCOMPARE(f.panel->tracks(), rowsOf(nearestRows(f.shownRep().codes, next, 20)));
    }

    void unavailableSpaceIsDisabledWithTheReason()
    {
        // A run without lyrics: the lyrics space says why it is off.
        auto run = std::make_shared<RunResult>(*test::smallDemoRun());
        run->dataset.lyricsUsed = false;
        run->dataset.lyrics.resize(0, 0);
        RunModel model;
        model.reset(run->config);
        model.setResult(run);
        MapPanel map(&model);
        SimilarPanel panel(&model, &map);
        QString why;
        QVERIFY(!panel.spaceAvailable(SimilaritySpace::Lyrics, &why));
        QVERIFY2(why.contains(QStringLiteral("no lyrics")), qPrintable(why));
        auto* combo = panel.findChild<QComboBox*>(QStringLiteral("similarSpaceCombo"));
        auto* items = qobject_cast<QStandardItemModel*>(combo->model());
        QStandardItem* lyrics = items->item(combo->findData(int(SimilaritySpace::Lyrics)));
        QVERIFY(!lyrics->isEnabled());
        QCOMPARE(lyrics->toolTip(), why);
        QVERIFY(items->item(combo->findData(int(SimilaritySpace::Audio)))->isEnabled());
    }

    void radioIsTheEngineRadioWithTheOptions()
    {
        // The demo corpus has no artist or album tags: five artists of two albums each.
        auto tagged = std::make_shared<RunResult>(*test::smallDemoRun());
        for (std::size_t i = 0; i < tagged->dataset.tracks.size(); ++i) {
            tagged->dataset.tracks[i].tags.artist = "Artist " + std::to_string(i % 5);
            tagged->dataset.tracks[i].tags.album = "Album " + std::to_string(i % 10);
        }
        Fixture f(tagged);
        RadioOptions options;
        options.length = 12;
        options.noRepeatArtist = 3;
        options.noRepeatAlbum = true;
        f.panel->setRadioOptions(options);
        QSignalSpy raise(f.panel, &SimilarPanel::raiseRequested);
        f.panel->startRadio(4);
        QCOMPARE(raise.count(), 1);
        QCOMPARE(f.panel->mode(), SimilarPanel::Mode::Radio);
        std::vector<std::string> artists, albums;
        radioKeys(f.run->dataset, artists, albums);
        const Radio expected = radio(f.shownRep().codes, 4, options, artists, albums);
        QCOMPARE(expected.tracks.size(), std::size_t(12));
        QCOMPARE(f.panel->tracks(), rowsOf(expected.tracks));
        QCOMPARE(f.panel->playlist(), rowsOf(expected.tracks));
        QCOMPARE(f.panel->distances()[5], expected.tracks[5].step);
        // Save as M3U: the radio, in order, as the playlist writer writes it.
        QSignalSpy save(f.panel, &SimilarPanel::playlistExportRequested);
        f.panel->findChild<QPushButton*>(QStringLiteral("similarSaveButton"))->click();
        QCOMPARE(save.count(), 1);
        QCOMPARE(save.first().first().value<QList<int>>(), rowsOf(expected.tracks));
        QCOMPARE(f.panel->playlistFileName(), QStringLiteral("musicatlas-radio.m3u8"));
        Listening listening;
        listening.setDataset(std::make_shared<const Dataset>(f.run->dataset));
        const fs::path m3u = test::makeTempDir("similar-m3u") / "radio.m3u8";
        QString error;
        QVERIFY2(listening.exportPlaylist(f.panel->playlist(), QString::fromStdString(m3u.string()), &error),
                 qPrintable(error));
        const auto entries = readPlaylist(m3u);
        QCOMPARE(entries.size(), expected.tracks.size());
        for (std::size_t i = 0; i < entries.size(); ++i)
            QCOMPARE(entries[i].path,
                     fs::absolute(f.run->dataset.tracks[std::size_t(expected.tracks[i].track)].path).lexically_normal());
        // Without the rules the radio differs.
        options.noRepeatArtist = 0;
        options.noRepeatAlbum = false;
        QVERIFY(rowsOf(radio(f.shownRep().codes, 4, options, artists, albums).tracks) !=
                f.panel->tracks());
        // The context menu starts one too.
        std::unique_ptr<QMenu> menu(f.panel->trackMenu(9));
        QVERIFY(menu);
        auto* start = menu->findChild<QAction*>(QStringLiteral("menuRadioAction"));
        QVERIFY(start && start->isEnabled());
        start->trigger();
        QCOMPARE(f.panel->track(), 9);
        QCOMPARE(f.panel->tracks(),
                 rowsOf(radio(f.shownRep().codes, 9, f.panel->radioOptions(), artists, albums).tracks));
        // Choosing the space again goes back to the tracks like the seed.
        auto* combo = f.panel->findChild<QComboBox*>(QStringLiteral("similarSpaceCombo"));
        QVERIFY(combo->isEnabled());
        emit combo->activated(combo->currentIndex());
        QCOMPARE(f.panel->mode(), SimilarPanel::Mode::Similar);
        QCOMPARE(f.panel->tracks(), rowsOf(nearestRows(f.shownRep().codes, 9, 20)));
    }

    void pathIsListedAndDrawn()
    {
        Fixture f;
        auto* button = f.panel->findChild<QToolButton*>(QStringLiteral("similarPathButton"));
        f.map->view()->setSelection({3});
        QSignalSpy said(f.panel, &SimilarPanel::message);
        button->click();   // says what it needs
        QCOMPARE(said.count(), 1);
        QVERIFY(said.first().first().toString().contains(QStringLiteral("Select two tracks")));
        QCOMPARE(f.panel->mode(), SimilarPanel::Mode::Similar);
        std::unique_ptr<QMenu> menu(f.panel->trackMenu(-1));
        QVERIFY(!menu);   // nothing to offer off the tracks with one selected
        f.map->view()->setSelection({3, 41});
        menu.reset(f.panel->trackMenu(-1));
        QVERIFY(menu && menu->findChild<QAction*>(QStringLiteral("menuPathBetweenAction")));

        QSignalSpy done(f.panel, &SimilarPanel::pathFinished);
        button->click();
        QVERIFY(done.wait(30'000));
        QCOMPARE(done.first().first().toBool(), true);
        PathOptions options;
        options.steps = 12;
        const SongPath expected = songPath(f.shownRep().codes, 3, 41, options);
        QCOMPARE(f.panel->mode(), SimilarPanel::Mode::Path);
        QCOMPARE(f.panel->tracks(), rowsOf(expected.tracks));
        QCOMPARE(f.panel->tracks().size(), 12);
        QCOMPARE(f.panel->tracks().first(), 3);
        QCOMPARE(f.panel->tracks().last(), 41);
        // On the map: the line through the path's points, in order.
        QCOMPARE(f.map->view()->path(), rowsOf(expected.tracks));
        const QPolygonF line = f.map->view()->pathPoints();
        const Matrix& xy = *f.map->view()->points();
        QCOMPARE(line.size(), 12);
        for (int i = 0; i < line.size(); ++i) {
            const int t = rowsOf(expected.tracks)[i];
            QCOMPARE(line[i], QPointF(xy(t, 0), xy(t, 1)));
        }
        // A new selection clears the line; so does another representation.
        f.map->view()->setSelection({5});
        QVERIFY(f.map->view()->path().isEmpty());

        // "Path from the query track to here" from the context menu, on another
        // representation: the line goes when the map changes representation.
        f.panel->followTrack(10);
        menu.reset(f.panel->trackMenu(20));
        auto* to = menu->findChild<QAction*>(QStringLiteral("menuPathToAction"));
        QVERIFY(to);
        done.clear();
        // The graph's own path (no resampling) on a 15-nearest-neighbour graph.
        f.panel->setPathSteps(0);
        f.panel->setPathNeighbours(15);
        to->trigger();
        QVERIFY(done.wait(30'000));
        PathOptions graph;
        graph.neighbours = 15;
        const SongPath direct = songPath(f.shownRep().codes, 10, 20, graph);
        QCOMPARE(f.panel->tracks(), rowsOf(direct.tracks));
        QCOMPARE(f.panel->tracks(), rowsOf(direct.graphPath));
        QCOMPARE(f.map->view()->path(), rowsOf(direct.graphPath));
        QVERIFY(f.panel->statusText().contains(QStringLiteral("15-nearest-neighbour")));
        auto* reps = f.map->findChild<QComboBox*>(QStringLiteral("representationCombo"));
        reps->setCurrentIndex(reps->currentIndex() == 0 ? 1 : 0);
        QVERIFY(f.map->view()->path().isEmpty());
        QCOMPARE(f.panel->mode(), SimilarPanel::Mode::Similar);
        QCOMPARE(f.panel->tracks(), rowsOf(nearestRows(f.shownRep().codes, 10, 20)));
    }

    void pathAcrossSeparateGroupsSaysWhy()
    {
        // Two groups of tracks far apart in every latent space: no 10-nearest-neighbour
        // graph joins them.
        auto apart = std::make_shared<RunResult>(*test::smallDemoRun());
        for (RepresentationResult& rep : apart->representations)
            if (rep.ok)
                rep.codes.topRows(30).array() += 1000.0;
        Fixture f(apart);
        QSignalSpy done(f.panel, &SimilarPanel::pathFinished);
        QSignalSpy said(f.panel, &SimilarPanel::message);
        f.panel->startPath(0, 59);
        QVERIFY(done.wait(30'000));
        QCOMPARE(done.first().first().toBool(), false);
        QVERIFY(f.panel->tracks().isEmpty());
        QVERIFY2(f.panel->statusText().contains(QStringLiteral("not connected")),
                 qPrintable(f.panel->statusText()));
        QVERIFY(f.map->view()->path().isEmpty());
        QCOMPARE(said.count(), 1);
        // Inside one group there is a path.
        done.clear();
        f.panel->startPath(0, 29);
        QVERIFY(done.wait(30'000));
        QCOMPARE(done.first().first().toBool(), true);
        QCOMPARE(f.panel->tracks().first(), 0);
        QCOMPARE(f.panel->tracks().last(), 29);
    }

    void rightClickOnTheMapOffersTheTrackMenu()
    {
        Fixture f;
        MapView* view = f.map->view();
        QVERIFY(QTest::qWaitForWindowExposed(&f.window));
        view->fitAll();
        QSignalSpy asked(view, &MapView::contextMenuRequested);
        const QPoint at = view->pointPosition(12).toPoint();
        const int under = view->pointAt(at);
        QVERIFY(under >= 0);
        QContextMenuEvent event(QContextMenuEvent::Mouse, at, view->mapToGlobal(at));
        QApplication::sendEvent(view, &event);
        QCOMPARE(asked.count(), 1);
        QCOMPARE(asked.first().first().toInt(), under);
        // The menu it opens names the track and starts from it.
        auto* menu = f.panel->findChild<QMenu*>(QStringLiteral("mapTrackMenu"));
        QVERIFY(menu);
        QCOMPARE(menu->actions().first()->text(),
                 QString::fromStdString(f.run->dataset.tracks[std::size_t(under)].displayName()));
        menu->findChild<QAction*>(QStringLiteral("menuSimilarAction"))->trigger();
        menu->close();
        QCOMPARE(f.panel->track(), under);
        QCOMPARE(f.panel->tracks(), rowsOf(nearestRows(f.shownRep().codes, under, 20)));
    }

    void hoverPreviewIsOffUntilTurnedOn()
    {
        const auto run = test::smallDemoRun();
        auto data = std::make_shared<const Dataset>(run->dataset);
        {
            QSettings s;
            s.remove(QStringLiteral("playback/hoverPreview"));
        }
        Listening listening;
        listening.setDataset(data);
        HoverPreview preview(&listening);
        preview.restore(QSettings());
        QVERIFY(!preview.isEnabled());
        QVERIFY(!preview.action()->isChecked());
        QSignalSpy started(&preview, &HoverPreview::previewStarted);
        auto* timer = preview.findChild<QTimer*>(QStringLiteral("hoverPreviewTimer"));
        QVERIFY(timer);
        preview.hover(5);
        QVERIFY(!timer->isActive());
        QCOMPARE(started.count(), 0);

        preview.action()->trigger();   // on
        QVERIFY(preview.isEnabled());
        preview.hover(-1);
        preview.hover(5);
        QVERIFY(timer->isActive());
        QCOMPARE(timer->interval(), HoverPreview::DelayMs);
        QVERIFY(started.wait(5000));
        QCOMPARE(started.first().first().toInt(), 5);
        QCOMPARE(preview.previewTrack(), 5);
        QCOMPARE(listening.player()->path(),
                 QString::fromStdString(data->tracks[5].path.string()));
        // Moving off stops it; a quick pass over a point starts nothing.
        preview.hover(-1);
        QCOMPARE(preview.previewTrack(), -1);
        QCOMPARE(listening.player()->state(), AudioPlayer::State::Stopped);
        preview.hover(6);
        preview.hover(-1);
        QVERIFY(!timer->isActive());
        // A track the user plays while the preview waits is not replaced by it.
        preview.hover(8);
        QVERIFY(timer->isActive());
        listening.playTrack(9);
        QVERIFY(!timer->isActive());
        QCOMPARE(started.count(), 1);
        // Kept in the settings.
        QSettings s;
        preview.save(s);
        HoverPreview again(&listening);
        again.restore(s);
        QVERIFY(again.isEnabled());
    }
};

QTEST_MAIN(TestSimilarPanel)
#include "test_similar_panel.moc"
