// SPDX-License-Identifier: GPL-3.0-or-later
// The map's track search: folding (case, accents of Latin letters, decomposed marks, '_' and
// white space), the fields searched, the whole query within one field first and every word
// anywhere as the fallback, and ascending indices.

#include "engine/data/track_search.h"

#include <QtTest>

using atlas::Track;

namespace {

std::vector<Track> library()
{
    std::vector<Track> tracks(6);
    tracks[0].id = "untagged/0001";
    tracks[0].path = "/music/untagged/0001.wav";
    tracks[1].id = "Battle_for_Wesnoth_-_Main_Theme";
    tracks[1].path = "/music/Battle_for_Wesnoth_-_Main_Theme.ogg";
    tracks[2].id = "wesnoth/22";
    tracks[2].path = "/music/Wesnoth/22 - Northerners.m4a";
    tracks[2].tags.title = "Northerners";
    tracks[2].tags.artist = "Battle for Wesnoth";
    tracks[2].tags.albumArtist = "Various Artists";
    tracks[2].tags.album = "Soundtrack";
    tracks[2].tags.genres = {"Soundtrack", "Orchestral"};
    tracks[3].id = "beyonce/halo";
    tracks[3].path = "/music/Beyonc\xC3\xA9/Halo.flac";                     // composed é
    tracks[3].tags.artist = "Beyonc\xC3\xA9";
    tracks[3].tags.title = "Halo";
    tracks[3].label = "pop";
    tracks[4].id = "cafe";
    tracks[4].path = "/music/Cafe\xCC\x81 del Mar - \xC5\x81\xC3\xB3" "d\xC5\xBA.mp3";   // decomposed é, Łódź
    tracks[4].tags.album = "Stra\xC3\x9F" "e der Lieder";
    for (int i = 10; i < 22; i += 11) {
        Track t;
        t.id = "song" + std::to_string(i);
        t.tags.title = "Song " + std::to_string(i);
        t.tags.album = "Album 3";
        tracks.push_back(t);
    }
    tracks[5].tags.title = "Song 13";
    tracks[5].tags.album = "Album 1";
    return tracks;
}

} // namespace

class TestTrackSearch : public QObject {
    Q_OBJECT
private slots:
    void folding()
    {
        QCOMPARE(atlas::foldForSearch("  Main_THEME  of\tWesnoth "), std::string("main theme of wesnoth"));
        QCOMPARE(atlas::foldForSearch("Beyonc\xC3\xA9"), std::string("beyonce"));
        QCOMPARE(atlas::foldForSearch("BEYONC\xC3\x89"), std::string("beyonce"));           // É
        QCOMPARE(atlas::foldForSearch("Cafe\xCC\x81"), std::string("cafe"));                // e + U+0301
        QCOMPARE(atlas::foldForSearch("Stra\xC3\x9F" "e"), std::string("strasse"));          // ß
        QCOMPARE(atlas::foldForSearch("\xC5\x81\xC3\xB3" "d\xC5\xBA"), std::string("lodz")); // Łódź
        QCOMPARE(atlas::foldForSearch("\xC5\x92uvre \xC3\x86on"), std::string("oeuvre aeon"));
        QCOMPARE(atlas::foldForSearch("\xCE\xA3\xCE\x9F\xCE\xA6\xCE\x99\xCE\x91"),          // ΣΟΦΙΑ
                 std::string("\xCF\x83\xCE\xBF\xCF\x86\xCE\xB9\xCE\xB1"));                   // σοφια
        QCOMPARE(atlas::foldForSearch("a\xC2\xA0\xE3\x80\x80" "b\n"), std::string("a b"));   // NBSP, ideographic space
        QCOMPARE(atlas::foldForSearch("   _ "), std::string());
        QCOMPARE(atlas::searchWords(" Wesnoth_main  THEME "),
                 (std::vector<std::string>{"wesnoth", "main", "theme"}));
        QVERIFY(atlas::searchWords(" \t_ ").empty());
    }

    void searchText()
    {
        const atlas::TrackSearch search(library());
        QCOMPARE(search.size(), std::size_t(8));
        QCOMPARE(search.text(2), std::string("northerners\nbattle for wesnoth\nvarious artists\n"
                                             "soundtrack\nsoundtrack\norchestral\n"
                                             "22 - northerners.m4a\nwesnoth/22"));
        QCOMPARE(search.text(0), std::string("0001.wav\nuntagged/0001"));
    }

    void finding()
    {
        const atlas::TrackSearch search(library());
        using Hits = std::vector<int>;
        QCOMPARE(search.find("ORCHESTRAL"), Hits({2}));
        QCOMPARE(search.find("battle_for"), Hits({1, 2}));                 // file name and artist
        QCOMPARE(search.find("wesnoth main theme"), Hits({1}));            // underscored file name
        QCOMPARE(search.find("northerners soundtrack"), Hits({2}));        // every word, two fields
        QCOMPARE(search.find("northerners jazz"), Hits());
        QCOMPARE(search.find("song 1"), Hits({5, 6}));                     // Song 13 and 10, not 21
        QCOMPARE(search.find("album 3"), Hits({6, 7}));                    // one field, not "album 1" + "3"
        QCOMPARE(search.find("song 13"), Hits({5}));
        QCOMPARE(search.find("beyonce"), Hits({3}));
        QCOMPARE(search.find("Beyonc\xC3\xA9 halo"), Hits({3}));
        QCOMPARE(search.find("cafe del"), Hits({4}));                      // decomposed file name
        QCOMPARE(search.find("caf\xC3\xA9"), Hits({4}));                   // typed composed
        QCOMPARE(search.find("lodz"), Hits({4}));
        QCOMPARE(search.find("strasse"), Hits({4}));
        QCOMPARE(search.find("POP"), Hits({3}));                           // the label
        QCOMPARE(search.find("untagged/0001"), Hits({0}));                 // the id
        QCOMPARE(search.find("   "), Hits());
        QCOMPARE(search.find(""), Hits());
        QCOMPARE(atlas::TrackSearch().find("a"), Hits());
    }
};

QTEST_GUILESS_MAIN(TestTrackSearch)
#include "test_track_search.moc"
