// SPDX-License-Identifier: GPL-3.0-or-later
// The views name tracks as people know them: "Artist — Title" from the tags (the file name
// when untagged) in map tooltips, the selection list, the cluster member list and the
// search; the map colours by any field of the tracks with the most common values and a
// grey "Other"; the details panel shows one track's tags, file, lyrics and clusters.
// A small real run of the demo corpus, with tags given to some of its tracks.

#include "tests/support/fixtures.h"
#include "tests/ui/ui_fixtures.h"
#include "ui/figures/palette.h"
#include "ui/map/map_panel.h"
#include "ui/map/map_view.h"
#include "ui/model/run_model.h"
#include "ui/model/track_classes.h"
#include "ui/model/track_text.h"
#include "ui/views/clusters_view.h"
#include "ui/views/track_details.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QLabel>
#include <QLayout>
#include <QLineEdit>
#include <QListWidget>
#include <QMouseEvent>
#include <QSignalSpy>
#include <QToolButton>
#include <QTreeWidget>
#include <QtTest>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>

using namespace atlas;
using namespace atlas::ui;
namespace fs = std::filesystem;

namespace {

constexpr const char* EmDash = "\u2014";

// Artist of track i (4 <= i < 60): 15 artists A...O with 9, 8, 7, ... tracks, so that with
// the artists of tracks 2 and 3 there are 17, and the 5 with one track each end in "Other".
std::string artistOf(int i)
{
    static const int counts[] = {9, 8, 7, 6, 5, 4, 3, 3, 2, 2, 2, 2, 1, 1, 1};   // 56 tracks
    int k = i - 4;
    for (int a = 0; a < 15; ++a) {
        if (k < counts[a])
            return "Artist " + std::string(1, char('A' + a));
        k -= counts[a];
    }
    return {};
}

void hoverPoint(MapView* view, int point)
{
    const QPointF pos = view->pointPosition(point);
    QMouseEvent e(QEvent::MouseMove, pos, view->mapToGlobal(pos), Qt::NoButton, Qt::NoButton,
                  Qt::NoModifier);
    QApplication::sendEvent(view, &e);
}

} // namespace

class TestLibraryViews : public QObject {
    Q_OBJECT

    std::shared_ptr<const RunResult> m_run;
    fs::path m_dir;
    fs::path m_sidecarAudio;

private slots:
    void initTestCase()
    {
        // The demo run, then tags as a real library has them. Track 0: untagged. Track 1:
        // untagged with an underscored file name. Track 2: fully tagged, sidecar lyrics.
        // Track 3: embedded lyrics. Tracks 4...: artists, albums, years, formats.
        auto run = std::make_shared<RunResult>(*test::smallDemoRun());
        m_dir = test::makeTempDir("library-views");
        std::vector<Track>& tracks = run->dataset.tracks;
        QCOMPARE(tracks.size(), std::size_t(60));

        tracks[1].path = m_dir / "Battle_for_Wesnoth_-_Main_Theme.ogg";
        tracks[1].tags = {};

        m_sidecarAudio = m_dir / "Wesnoth" / "22 - Northerners.m4a";
        fs::create_directories(m_sidecarAudio.parent_path());
        test::writeBytes(m_sidecarAudio, "");
        test::writeBytes(m_dir / "Wesnoth" / "22 - Northerners.lrc", "[00:01.00]Cold wind\n");
        Track& t2 = tracks[2];
        t2.path = m_sidecarAudio;
        t2.tags.title = "Northerners";
        t2.tags.artist = "Battle for Wesnoth";
        t2.tags.albumArtist = "Various Artists";
        t2.tags.album = "Soundtrack";
        t2.tags.trackNumber = 22;
        t2.tags.year = 2005;
        t2.tags.genres = {"Soundtrack", "Orchestral"};
        t2.tags.duration = 185.4;
        t2.tags.format = "M4A (ALAC)";
        t2.tags.sampleRate = 44100;
        t2.tags.channels = 2;
        t2.lyricsSource = LyricsSource::Sidecar;
        t2.lyricsFile = m_dir / "Wesnoth" / "22 - Northerners.lrc";   // as the reader sets it
        t2.lyrics = "Cold wind\nover the northern hills\nwe march";

        Track& t3 = tracks[3];
        t3.tags.title = "Night Drive";
        t3.tags.artist = "Synth Ensemble";
        t3.tags.lyrics = "Neon lights";
        t3.tags.lyricsTag = "USLT";
        t3.lyricsSource = LyricsSource::Embedded;
        t3.lyrics = "Neon lights";

        for (std::size_t i = 4; i < tracks.size(); ++i) {
            Track& t = tracks[i];
            t.tags.title = "Song " + std::to_string(i);
            t.tags.artist = artistOf(int(i));
            t.tags.album = "Album " + std::to_string(i % 5);
            t.tags.year = 1975 + int(i % 4) * 10;   // 1970s, 1980s, 1990s, 2000s
            t.tags.format = i % 3 == 0 ? "FLAC" : "MP3";
            t.tags.genres = {i % 2 == 0 ? "Rock" : "Jazz"};
        }
        m_run = run;
    }

    void cleanupTestCase()
    {
        std::error_code ec;
        fs::remove_all(m_dir, ec);
    }

    void displayNamesAndDescriptions()
    {
        const std::vector<Track>& tracks = m_run->dataset.tracks;
        QCOMPARE(trackDisplayName(tracks[2]),
                 QStringLiteral("Battle for Wesnoth %1 Northerners").arg(QString::fromUtf8(EmDash)));
        QCOMPARE(trackDisplayName(tracks[0]),
                 QString::fromStdString(tracks[0].path.filename().string()));
        QCOMPARE(trackDisplayName(tracks[1]), QStringLiteral("Battle_for_Wesnoth_-_Main_Theme.ogg"));
        Track lyricsOnly;
        lyricsOnly.id = "row 7";
        QCOMPARE(trackDisplayName(lyricsOnly), QStringLiteral("row 7"));

        QCOMPARE(formatDuration(185.4), QStringLiteral("3:05"));
        QCOMPARE(formatDuration(3723), QStringLiteral("1:02:03"));
        QCOMPARE(formatDuration(0), QString());
        QCOMPARE(formatDescription(tracks[2]), QStringLiteral("M4A (ALAC) · 44.1 kHz · stereo"));
        QCOMPARE(lyricsSourceText(tracks[2]), QStringLiteral("sidecar file 22 - Northerners.lrc"));
        QCOMPARE(lyricsSourceText(tracks[3]), QStringLiteral("embedded tag (USLT)"));
        Track csv;
        csv.lyricsSource = LyricsSource::Csv;
        QCOMPARE(lyricsSourceText(csv, "/data/lyrics.csv"), QStringLiteral("lyrics CSV lyrics.csv"));
    }

    void mapTooltipsListsAndSearchUseArtistAndTitle()
    {
        RunModel model;
        model.setResult(m_run);
        MapPanel panel(&model);
        panel.resize(1100, 700);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        MapView* view = panel.view();
        QCOMPARE(view->pointCount(), m_run->dataset.size());

        // Tooltips: tagged tracks by artist and title, with album, year and genres, and the
        // file in grey; untagged ones by their file name.
        hoverPoint(view, 2);
        QCOMPARE(view->hoveredPoint(), 2);
        const QString tip = view->hoverText();
        QVERIFY2(tip.startsWith(QStringLiteral("<b>Battle for Wesnoth %1 Northerners</b>")
                                    .arg(QString::fromUtf8(EmDash))),
                 qPrintable(tip));
        QVERIFY2(tip.contains(QStringLiteral("Soundtrack (2005)")), qPrintable(tip));
        QVERIFY2(tip.contains(QStringLiteral("Soundtrack, Orchestral")), qPrintable(tip));
        QVERIFY2(tip.contains(QStringLiteral("22 - Northerners.m4a")), qPrintable(tip));
        QVERIFY(tip.contains(QStringLiteral("cluster ")) || tip.contains(QStringLiteral("noise")));
        const QString untagged = panel.tooltipFor(0);
        QVERIFY2(untagged.startsWith(QStringLiteral("<b>%1</b>").arg(QString::fromStdString(
                     m_run->dataset.tracks[0].path.filename().string()))),
                 qPrintable(untagged));

        // The selection list names the tracks the same way, the path one hover away.
        view->setSelection({0, 2, 3});
        auto* list = panel.findChild<QListWidget*>(QStringLiteral("selectionList"));
        QVERIFY(list);
        QCOMPARE(list->count(), 3);
        QVERIFY2(list->item(1)->text().startsWith(
                     QStringLiteral("Battle for Wesnoth %1 Northerners").arg(QString::fromUtf8(EmDash))),
                 qPrintable(list->item(1)->text()));
        QVERIFY(list->item(2)->text().startsWith(
            QStringLiteral("Synth Ensemble %1 Night Drive").arg(QString::fromUtf8(EmDash))));
        QVERIFY(list->item(0)->text().startsWith(
            QString::fromStdString(m_run->dataset.tracks[0].path.filename().string())));
        QVERIFY(list->item(1)->toolTip().endsWith(QLatin1Char('\n') +
                                                  QString::fromStdString(m_sidecarAudio.string())));
        // A single click shows a track's details; a double click plays it.
        QSignalSpy chosen(&panel, &MapPanel::trackChosen);
        QTest::mouseClick(list->viewport(), Qt::LeftButton, {},
                          list->visualItemRect(list->item(2)).center());
        QCOMPARE(chosen.count(), 1);
        QCOMPARE(chosen.first().at(0).toInt(), 3);

        // Search: title, artist, album and genre, any case, '_' as a space; the text in one
        // field, else every word anywhere.
        auto* search = panel.findChild<QLineEdit*>(QStringLiteral("mapSearch"));
        QVERIFY(search);
        search->setText(QStringLiteral("orchestral"));
        QCOMPARE(view->highlighted(), QList<int>{2});
        search->setText(QStringLiteral("SYNTH_ensemble night"));   // artist and title
        QCOMPARE(view->highlighted(), QList<int>{3});
        search->setText(QStringLiteral("song 1"));   // Song 10 ... Song 19, not Song 21
        QList<int> song1;
        for (int i = 10; i < 20; ++i)
            song1.append(i);
        QCOMPARE(view->highlighted(), song1);
        search->setText(QStringLiteral("wesnoth"));
        QCOMPARE(view->highlighted(), (QList<int>{1, 2}));   // a file name and an artist
        search->setText(QStringLiteral("album 3"));
        QList<int> album3;
        for (int i = 4; i < m_run->dataset.size(); ++i)
            if (i % 5 == 3)
                album3.append(i);
        QCOMPARE(view->highlighted(), album3);
        search->setText(QString::fromStdString(m_run->dataset.tracks[0].id));   // ids still work
        QVERIFY(view->highlighted().contains(0));
        search->setText(QStringLiteral("no such words"));
        QVERIFY(view->highlighted().isEmpty());
        QCOMPARE(panel.findChild<QLabel*>(QStringLiteral("mapSearchCount"))->text(),
                 QStringLiteral("no match"));
    }

    void colourByFieldKeepsTheMostCommonAndOther()
    {
        const Dataset& data = m_run->dataset;
        const int n = data.size();
        // Artist: 15 artists among tracks 4..., 4 tracks without an artist (0, 1 untagged;
        // 2 and 3 have their own artists).
        const TrackClasses artists = classifyTracks(data, TrackField::Artist, 12);
        std::map<std::string, int> counts;
        for (int i = 0; i < n; ++i) {
            const std::string& a = data.tracks[std::size_t(i)].tags.artist;
            if (!a.empty())
                ++counts[a];
        }
        QCOMPARE(artists.distinctValues, int(counts.size()));   // 15 + 2
        QCOMPARE(artists.names.size(), 13);                     // 12 + Other
        QCOMPARE(artists.otherClass, 12);
        QCOMPARE(artists.names.back(), QStringLiteral("Other (5 artists)"));
        QCOMPARE(artists.otherValues.size(), 5);
        QCOMPARE(artists.colours.back(), otherClassColour());
        QCOMPARE(artists.colours.front(), categoricalColor(0));
        QCOMPARE(artists.missing, 2);
        QCOMPARE(artists.missingName, QStringLiteral("No artist tag"));
        // Most common first; counts add up; every track's class is its artist's.
        QCOMPARE(artists.names[0], QStringLiteral("Artist A"));
        QCOMPARE(artists.counts[0], 9);
        QCOMPARE(artists.names[1], QStringLiteral("Artist B"));
        int total = artists.missing;
        for (int c : artists.counts)
            total += c;
        QCOMPARE(total, n);
        for (int c = 1; c < artists.otherClass; ++c)
            QVERIFY(artists.counts[std::size_t(c - 1)] >= artists.counts[std::size_t(c)]);
        for (int i = 0; i < n; ++i) {
            const int c = artists.classOf[std::size_t(i)];
            const QString a = QString::fromStdString(data.tracks[std::size_t(i)].tags.artist);
            if (a.isEmpty())
                QCOMPARE(c, -1);
            else if (c == artists.otherClass)
                QVERIFY(artists.otherValues.contains(a));
            else
                QCOMPARE(artists.names[c], a);
        }
        // The "Other" bucket holds exactly the tracks of the artists outside the top 12.
        int inOther = 0;
        for (const QString& a : artists.otherValues)
            inOther += counts[a.toStdString()];
        QCOMPARE(artists.counts[std::size_t(artists.otherClass)], inOther);

        // Decades: all fit, in time order; tracks without a year are class -1.
        const TrackClasses decades = classifyTracks(data, TrackField::Decade, 12);
        QCOMPARE(decades.names, (QStringList{QStringLiteral("1970s"), QStringLiteral("1980s"),
                                             QStringLiteral("1990s"), QStringLiteral("2000s")}));
        QCOMPARE(decades.otherClass, -1);
        QCOMPARE(decades.missing, 3);   // tracks 0, 1 and 3
        QCOMPARE(decades.classOf[2], 3);   // 2005

        // Lyrics: by source; the demo's CSV lyrics, a sidecar, an embedded tag.
        const TrackClasses lyrics = classifyTracks(data, TrackField::Lyrics);
        QCOMPARE(lyrics.classOf[2], 1);
        QCOMPARE(lyrics.classOf[3], 0);
        QCOMPARE(lyrics.counts[0], 1);
        QCOMPARE(lyrics.counts[1], 1);

        // The run's labels keep their order and colours (the figures' and the Clusters tab's).
        const TrackClasses labels = classifyTracks(data, TrackField::Label);
        QCOMPARE(labels.names.size(), int(data.labelNames.size()));
        for (std::size_t k = 0; k < data.labelNames.size(); ++k) {
            QCOMPARE(labels.names[int(k)], QString::fromStdString(data.labelNames[k]));
            QCOMPARE(labels.colours[int(k)], categoricalColor(int(k)));
        }
        for (int i = 0; i < n; ++i)
            QCOMPARE(labels.classOf[std::size_t(i)], data.labels(i));

        // In the map panel: the legend lists the 12 artists, Other and the untagged tracks.
        RunModel model;
        model.setResult(m_run);
        MapPanel panel(&model);
        panel.resize(1100, 700);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        auto* colours = panel.findChild<QComboBox*>(QStringLiteral("colourCombo"));
        colours->setCurrentIndex(colours->findText(QStringLiteral("Artist")));
        QVERIFY(panel.fieldClasses());
        const TrackClasses* shown = panel.fieldClasses();
        QCOMPARE(panel.view()->classCount(), 13);
        QCOMPARE(panel.view()->className(12), QStringLiteral("Other (5 artists)"));
        QCOMPARE(panel.view()->classColour(12), otherClassColour());
        auto* legend = panel.findChild<QListWidget*>(QStringLiteral("mapLegend"));
        QCOMPARE(legend->count(), 14);
        QVERIFY(legend->item(0)->text().startsWith(QStringLiteral("Artist A  (9)")));
        QVERIFY(legend->item(12)->text().startsWith(QStringLiteral("Other (5 artists)  (")));
        QVERIFY(legend->item(12)->toolTip().contains(artists.otherValues.front()));
        QCOMPARE(legend->item(13)->text(), QStringLiteral("No artist tag  (2)"));
        QVERIFY(panel.findChild<QLabel*>(QStringLiteral("mapLegendTitle"))
                    ->text()
                    .contains(QStringLiteral("12 most common of 17")));
        // Computed once per field: another map or representation reuses the classes.
        auto* reps = panel.findChild<QComboBox*>(QStringLiteral("representationCombo"));
        reps->setCurrentIndex(1);
        panel.findChild<QComboBox*>(QStringLiteral("mapCombo"))->setCurrentIndex(1);
        QCOMPARE(panel.fieldClasses(), shown);
        QCOMPARE(panel.view()->classCount(), 13);
        // Hiding Other hides its tracks from picking.
        QTest::mouseClick(legend->viewport(), Qt::LeftButton, {},
                          legend->visualItemRect(legend->item(12)).center());
        QVERIFY(!panel.view()->isClassVisible(12));

        // Format and genre tag, then the clusters again.
        panel.setColourField(TrackField::Format);
        QCOMPARE(panel.view()->className(0), QStringLiteral("MP3"));    // 38 tracks
        QCOMPARE(panel.view()->pointsInClass(0), 38);
        QCOMPARE(panel.view()->className(1), QStringLiteral("FLAC"));   // 18 tracks
        QVERIFY(panel.view()->classCount() >= 3);   // and the demo's WAV, OGG, M4A (ALAC)
        panel.setColourField(TrackField::Genre);
        int noGenre = 0;
        for (const Track& t : data.tracks)
            noGenre += t.tags.genres.empty() ? 1 : 0;
        QVERIFY(noGenre >= 2);   // tracks 0 and 1 at least
        QCOMPARE(panel.view()->pointsInClass(-1), noGenre);
        colours->setCurrentIndex(colours->findText(QStringLiteral("KMeans clusters")));
        QVERIFY(!panel.fieldClasses());
        QVERIFY(panel.view()->classCount() >= 2);
    }

    void classifyingAHundredThousandTracks()
    {
        // 3,000 artists over 100,000 tracks: the 12 largest are classes, the rest "Other"
        // (how fast: bench_app).
        Dataset big;
        big.tracks.resize(100'000);
        for (std::size_t i = 0; i < big.tracks.size(); ++i)
            big.tracks[i].tags.artist = "Artist " + std::to_string((i * 7919) % 3000);
        const TrackClasses classes = classifyTracks(big, TrackField::Artist, 12);
        QCOMPARE(classes.names.size(), 13);
        QCOMPARE(classes.otherValues.size(), 3000 - 12);
        QCOMPARE(classes.missing, 0);
    }

    void clusterMembersAreNamedByArtistAndTitle()
    {
        RunModel model;
        model.setResult(m_run);
        ClustersView view(&model);
        view.resize(1000, 700);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        const RepresentationResult& pca = *m_run->representation(Representation::Pca);
        QVERIFY(view.setSelection(Representation::Pca, Clustering::KMeans));
        const int cluster = pca.clustering(Clustering::KMeans)->labels(2);
        QVERIFY(view.selectCluster(cluster));
        auto* members = view.findChild<QTreeWidget*>(QStringLiteral("memberList"));
        QVERIFY(members && members->topLevelItemCount() > 0);
        bool found = false;
        for (int k = 0; k < members->topLevelItemCount(); ++k) {
            QTreeWidgetItem* item = members->topLevelItem(k);
            const int track = item->data(0, ClustersView::IdRole).toInt();
            QCOMPARE(item->text(1), trackDisplayName(m_run->dataset.tracks[std::size_t(track)]));
            if (track == 2) {
                found = true;
                QCOMPARE(item->text(1), QStringLiteral("Battle for Wesnoth %1 Northerners")
                                            .arg(QString::fromUtf8(EmDash)));
                QCOMPARE(item->toolTip(1), QString::fromStdString(m_sidecarAudio.string()));
                QSignalSpy chosen(&view, &ClustersView::trackChosen);
                members->scrollToItem(item);
                QTest::mouseClick(members->viewport(), Qt::LeftButton, {},
                                  members->visualItemRect(item).center());
                QCOMPARE(chosen.count(), 1);
                QCOMPARE(chosen.first().at(0).toInt(), 2);
            }
        }
        QVERIFY(found);
    }

    void detailsShowOneTrack()
    {
        RunModel model;
        model.setResult(m_run);
        TrackDetails details(&model);
        details.resize(320, 700);
        details.show();
        QVERIFY(QTest::qWaitForWindowExposed(&details));
        QCOMPARE(details.track(), -1);

        details.setRepresentation(Representation::Pca);
        details.setTrack(2);
        QCOMPARE(details.track(), 2);
        QCOMPARE(details.findChild<QLabel*>(QStringLiteral("detailsHeading"))->text(),
                 QStringLiteral("Battle for Wesnoth %1 Northerners").arg(QString::fromUtf8(EmDash)));
        QCOMPARE(details.value(QStringLiteral("detailsTitle")), QStringLiteral("Northerners"));
        QCOMPARE(details.value(QStringLiteral("detailsArtist")), QStringLiteral("Battle for Wesnoth"));
        QCOMPARE(details.value(QStringLiteral("detailsAlbumArtist")), QStringLiteral("Various Artists"));
        QCOMPARE(details.value(QStringLiteral("detailsAlbum")), QStringLiteral("Soundtrack, track 22"));
        QCOMPARE(details.value(QStringLiteral("detailsYear")), QStringLiteral("2005"));
        QCOMPARE(details.value(QStringLiteral("detailsGenres")), QStringLiteral("Soundtrack, Orchestral"));
        QCOMPARE(details.value(QStringLiteral("detailsDuration")), QStringLiteral("3:05"));
        QCOMPARE(details.value(QStringLiteral("detailsFormat")),
                 QStringLiteral("M4A (ALAC) · 44.1 kHz · stereo"));
        QCOMPARE(details.value(QStringLiteral("detailsLabel")),
                 QString::fromStdString(m_run->dataset.tracks[2].label));
        QCOMPARE(details.value(QStringLiteral("detailsPath")), QString::fromStdString(m_sidecarAudio.string()));
        QCOMPARE(details.value(QStringLiteral("detailsLyricsSource")),
                 QStringLiteral("sidecar file 22 - Northerners.lrc"));
        QCOMPARE(details.value(QStringLiteral("detailsLyrics")),
                 QStringLiteral("Cold wind\nover the northern hills\nwe march"));
        // Its cluster under each clustering of the representation.
        const RepresentationResult& pca = *m_run->representation(Representation::Pca);
        const QString clusters = details.value(QStringLiteral("detailsClusters"));
        for (Clustering c : AllClusterings) {
            const ClusteringResult* r = pca.clustering(c);
            QVERIFY(r && r->ok);
            const int label = r->labels(2);
            const QString expected = QStringLiteral("%1: %2").arg(
                QString::fromUtf8(clusteringName(c)).toHtmlEscaped(),
                label < 0 ? QStringLiteral("noise") : QStringLiteral("cluster %1").arg(label));
            QVERIFY2(clusters.contains(expected), qPrintable(clusters + " / " + expected));
        }
        QVERIFY(details.findChild<QLabel*>(QStringLiteral("detailsClustersCaption"))
                    ->text()
                    .contains(QStringLiteral("PCA")));
        // The path copies exactly.
        details.findChild<QToolButton*>(QStringLiteral("copyPathButton"))->click();
        QCOMPARE(QApplication::clipboard()->text(), QString::fromStdString(m_sidecarAudio.string()));

        // An untagged track: only what is known; embedded and CSV lyrics say where they are.
        // The file outside the collection's folder: the full path is shown.
        QCOMPARE(details.findChild<QLabel*>(QStringLiteral("detailsPath"))->text().remove(QChar(0x200B)),
                 QString::fromStdString(m_sidecarAudio.string()));
        details.setTrack(0);
        QVERIFY(details.value(QStringLiteral("detailsArtist")).isEmpty());
        QVERIFY(details.value(QStringLiteral("detailsAlbumArtist")).isEmpty());
        // A file under the collection's folder: its path there; the full one is copied.
        const QString shownPath =
            details.findChild<QLabel*>(QStringLiteral("detailsPath"))->text().remove(QChar(0x200B));
        QVERIFY2(!shownPath.startsWith(QLatin1Char('/')) &&
                     QString::fromStdString(m_run->dataset.tracks[0].path.generic_string()).endsWith(shownPath),
                 qPrintable(shownPath));
        QCOMPARE(details.value(QStringLiteral("detailsPath")),
                 QString::fromStdString(m_run->dataset.tracks[0].path.string()));
        QVERIFY(details.findChild<QLabel*>(QStringLiteral("detailsArtist"))->isHidden());
        // A row without a value hides its caption too; the rows below move up to the last
        // one shown (no gap where the tagged track had title, artist, album...).
        const auto captionOf = [&](const QString& objectName) -> QLabel* {
            const QWidget* field = details.findChild<QLabel*>(objectName);
            for (QLabel* l : details.findChildren<QLabel*>())
                if (l->buddy() == field)
                    return l;
            return nullptr;
        };
        QVERIFY(captionOf(QStringLiteral("detailsArtist")));
        QVERIFY(captionOf(QStringLiteral("detailsArtist"))->isHidden());
        QVERIFY(captionOf(QStringLiteral("detailsFormat"))->isVisible());
        QCOMPARE(captionOf(QStringLiteral("detailsFormat"))->text(), QStringLiteral("Format"));
        {
            QWidget* heading = details.findChild<QLabel*>(QStringLiteral("detailsHeading"));
            QWidget* format = details.findChild<QLabel*>(QStringLiteral("detailsFormat"));
            heading->parentWidget()->layout()->activate();
            int above = heading->geometry().bottom();   // the lowest visible row above Format
            for (const char* name : {"detailsTitle", "detailsArtist", "detailsAlbumArtist",
                                     "detailsAlbum", "detailsYear", "detailsGenres",
                                     "detailsDuration"}) {
                const QWidget* w = details.findChild<QLabel*>(QString::fromLatin1(name));
                if (w->isVisible())
                    above = std::max(above, w->geometry().bottom());
            }
            const int gap = format->geometry().top() - above;
            QVERIFY2(gap >= 0 && gap <= 24, qPrintable(QString::number(gap)));
        }
        // Rows come and go as tracks with more and fewer tags follow each other, each time
        // laid out again (word-wrapped values ask their height for the width).
        for (int round = 0; round < 20; ++round) {
            details.setTrack(round % 2 == 0 ? 2 : 0);
            details.resize(300 + 7 * round, 700);
            QApplication::processEvents();
        }
        details.setTrack(0);
        QCOMPARE(details.findChild<QLabel*>(QStringLiteral("detailsHeading"))->text(),
                 QString::fromStdString(m_run->dataset.tracks[0].path.filename().string()));
        QVERIFY2(details.value(QStringLiteral("detailsFormat")).startsWith(QStringLiteral("WAV")),
                 qPrintable(details.value(QStringLiteral("detailsFormat"))));
        QVERIFY2(details.value(QStringLiteral("detailsLyricsSource")).startsWith(QStringLiteral("lyrics CSV")),
                 qPrintable(details.value(QStringLiteral("detailsLyricsSource"))));
        details.setTrack(3);
        QCOMPARE(details.value(QStringLiteral("detailsLyricsSource")), QStringLiteral("embedded tag (USLT)"));
        QCOMPARE(details.value(QStringLiteral("detailsLyrics")), QStringLiteral("Neon lights"));
        // Play asks for the track.
        QSignalSpy play(&details, &TrackDetails::playRequested);
        details.findChild<QToolButton*>(QStringLiteral("detailsPlayButton"))->click();
        QCOMPARE(play.count(), 1);
        QCOMPARE(play.first().at(0).toInt(), 3);
        // "More like this" asks for the tracks like it in the representation shown.
        QSignalSpy similar(&details, &TrackDetails::similarRequested);
        details.findChild<QToolButton*>(QStringLiteral("detailsSimilarButton"))->click();
        QCOMPARE(similar.count(), 1);
        QCOMPARE(similar.first().at(0).toInt(), 3);
        QCOMPARE(similar.first().at(1).value<Representation>(), Representation::Pca);

        // A new run clears it.
        model.reset(m_run->config);
        QCOMPARE(details.track(), -1);
    }
};

QTEST_MAIN(TestLibraryViews)
#include "test_library_views.moc"
