// SPDX-License-Identifier: GPL-3.0-or-later
// Extended M3U playlists: exact file content, relative and absolute locations, odd file names
// (spaces, non-ASCII, a leading '#', line breaks, bytes that are not UTF-8), atomic writing,
// durations from the files' headers, and reading back what was written.

#include "engine/audio/writer.h"
#include "engine/core/error.h"
#include "engine/io/playlist.h"
#include "tests/support/fixtures.h"

#include <QtTest>

#include <fstream>
#include <sstream>

#include <sys/stat.h>

namespace fs = std::filesystem;

namespace {

} // namespace

class TestPlaylist : public QObject {
    Q_OBJECT

    fs::path m_dir;

private slots:
    void init() { m_dir = atlas::test::makeTempDir("playlist"); }
    void cleanup()
    {
        std::error_code ec;
        fs::remove_all(m_dir, ec);
    }

    void titleIsArtistDashTitleElseFileName()
    {
        atlas::Track tagged;
        tagged.id = "Wesnoth/Soundtrack/01 - Main Theme.ogg";
        tagged.path = "/music/Wesnoth/Soundtrack/01 - Main Theme.ogg";
        tagged.label = "Soundtrack";
        tagged.tags.title = "Main Theme";
        tagged.tags.artist = "Battle for Wesnoth";
        QCOMPARE(atlas::playlistTitle(tagged), std::string("Battle for Wesnoth - Main Theme"));
        atlas::Track titleOnly = tagged;
        titleOnly.tags.artist.clear();
        QCOMPARE(atlas::playlistTitle(titleOnly), std::string("Main Theme"));
        atlas::Track artistOnly = tagged;   // an artist without a title names nothing
        artistOnly.tags.title.clear();
        QCOMPARE(atlas::playlistTitle(artistOnly), std::string("01 - Main Theme.ogg"));
        atlas::Track untagged;
        untagged.id = "blues.00003";
        untagged.label = "blues";
        untagged.path = "/gtzan/genres/blues/blues.00003.au";
        QCOMPARE(atlas::playlistTitle(untagged), std::string("blues.00003.au"));
        atlas::Track lyricsOnly;
        lyricsOnly.id = "row 12";
        QCOMPARE(atlas::playlistTitle(lyricsOnly), std::string("row 12"));
    }

    void locationsRelativeUnderTheFolderAbsoluteElsewhere()
    {
        const fs::path dir = m_dir / "lists";
        QCOMPARE(atlas::playlistLocation(dir / "a.wav", dir), std::string("a.wav"));
        QCOMPARE(atlas::playlistLocation(dir / "sub" / "b c.wav", dir), std::string("sub/b c.wav"));
        // Lexical normalisation: "x/../" does not leave the folder.
        QCOMPARE(atlas::playlistLocation(dir / "x" / ".." / "d.wav", dir), std::string("d.wav"));
        // Outside the folder (a sibling whose name starts with the folder's name, too).
        const fs::path outside = m_dir / "lists2" / "e.wav";
        QCOMPARE(atlas::playlistLocation(outside, dir), outside.generic_string());
        QCOMPARE(atlas::playlistLocation(m_dir / "f.wav", dir), (m_dir / "f.wav").generic_string());
        // A trailing separator on the folder changes nothing.
        QCOMPARE(atlas::playlistLocation(dir / "a.wav", dir.string() + "/"), std::string("a.wav"));
    }

    void oddNamesStayUnambiguous()
    {
        const fs::path dir = m_dir;
        // Non-ASCII UTF-8 is written as it is.
        QCOMPARE(atlas::playlistLocation(dir / "Café – Ωμέγα 東京.flac", dir),
                 std::string("Café – Ωμέγα 東京.flac"));
        // A leading '#' would read as a comment.
        QCOMPARE(atlas::playlistLocation(dir / "#1 hit.wav", dir), std::string("./#1 hit.wav"));
        QCOMPARE(atlas::playlistLocation(dir / "sub" / "#2.wav", dir), std::string("sub/#2.wav"));
        // A line break, a byte that is not UTF-8, a leading space: a percent-encoded URI.
        const std::string uriBase = "file://" + dir.generic_string();
        QCOMPARE(atlas::playlistLocation(dir / "two\nlines.wav", dir),
                 uriBase + "/two%0Alines.wav");
        QCOMPARE(atlas::playlistLocation(dir / "latin1-\xE9.wav", dir),
                 uriBase + "/latin1-%E9.wav");
        QCOMPARE(atlas::playlistLocation(dir / " lead.wav", dir), uriBase + "/%20lead.wav");
    }

    void writesExactExtendedM3u()
    {
        const fs::path list = m_dir / "cluster 3.m3u8";
        const std::vector<atlas::PlaylistEntry> entries = {
            {m_dir / "blues" / "blues.00001.wav", "blues \xE2\x80\x94 blues.00001", 29.93},
            {m_dir / "#odd name é.wav", "two\nlines", -1.0},
            {"/elsewhere/x.ogg", "x", 0.4},
        };
        atlas::writePlaylist(list, entries);
        const std::string text = atlas::test::readFile(list);
        const std::string expected = "#EXTM3U\n"
                                     "#EXTINF:30,blues \xE2\x80\x94 blues.00001\n"
                                     "blues/blues.00001.wav\n"
                                     "#EXTINF:-1,two lines\n"
                                     "./#odd name é.wav\n"
                                     "#EXTINF:0,x\n"
                                     "/elsewhere/x.ogg\n";
        QCOMPARE(text, expected);
        QVERIFY(atlas::test::temporaryFiles(m_dir).empty());
    }

    void readsBackWhatItWrote()
    {
        const fs::path list = m_dir / "round.m3u8";
        const std::vector<atlas::PlaylistEntry> entries = {
            {m_dir / "sub" / "a b.wav", "rock \xE2\x80\x94 a", 12.0},
            {m_dir / "#hash.wav", "hash", -1.0},
            {m_dir / "new\nline \xFF.wav", "odd", 3.0},
            {"/abs/olute/Ü.flac", "abs", 100.4},
        };
        atlas::writePlaylist(list, entries);
        const std::vector<atlas::PlaylistEntry> back = atlas::readPlaylist(list);
        QCOMPARE(back.size(), entries.size());
        for (std::size_t i = 0; i < entries.size(); ++i) {
            QCOMPARE(back[i].path, entries[i].path.lexically_normal());
            QCOMPARE(back[i].title, entries[i].title);
        }
        QCOMPARE(back[0].durationSeconds, 12.0);
        QCOMPARE(back[1].durationSeconds, -1.0);
        QCOMPARE(back[3].durationSeconds, 100.0);
    }

    void readsForeignPlaylists()
    {
        const fs::path list = m_dir / "foreign.m3u";
        atlas::test::writeBytes(list, "\xEF\xBB\xBF#EXTM3U\r\n"
                                      "#EXTINF:5,Artist - Title, with comma\r\n"
                                      "music/one.mp3\r\n"
                                      "\r\n"
                                      "# a comment\r\n"
                                      "file:///srv/a%20b.wav\r\n"
                                      "two.wav\r\n");
        const std::vector<atlas::PlaylistEntry> back = atlas::readPlaylist(list);
        QCOMPARE(back.size(), std::size_t(3));
        QCOMPARE(back[0].path, m_dir / "music" / "one.mp3");
        QCOMPARE(back[0].title, std::string("Artist - Title, with comma"));
        QCOMPARE(back[0].durationSeconds, 5.0);
        QCOMPARE(back[1].path, fs::path("/srv/a b.wav"));
        QCOMPARE(back[1].title, std::string("a b.wav"));
        QCOMPARE(back[1].durationSeconds, -1.0);
        QCOMPARE(back[2].path, m_dir / "two.wav");
    }

    void replacesAtomically()
    {
        const fs::path list = m_dir / "list.m3u8";
        atlas::test::writeBytes(list, "old content\n");
        atlas::writePlaylist(list, std::vector<atlas::PlaylistEntry>{{m_dir / "a.wav", "a", 1.0}});
        QCOMPARE(atlas::test::readFile(list), std::string("#EXTM3U\n#EXTINF:1,a\na.wav\n"));
        // An empty list is still a valid playlist.
        atlas::writePlaylist(list, std::vector<atlas::PlaylistEntry>{});
        QCOMPARE(atlas::test::readFile(list), std::string("#EXTM3U\n"));
        QVERIFY(atlas::test::temporaryFiles(m_dir).empty());
    }

    void unwritablePlaceNamesTheFile()
    {
        const fs::path list = m_dir / "missing-folder" / "list.m3u8";
        try {
            atlas::writePlaylist(list, std::vector<atlas::PlaylistEntry>{{m_dir / "a.wav", "a"}});
            QFAIL("expected InputError");
        } catch (const atlas::InputError& e) {
            const std::string message = e.what();
            QVERIFY2(message.find(list.string()) != std::string::npos, e.what());
            QVERIFY2(message.find("does not exist") != std::string::npos, e.what());
        }
        QVERIFY(atlas::test::temporaryFiles(m_dir).empty());
        QVERIFY_THROWS_EXCEPTION(atlas::InputError, atlas::readPlaylist(m_dir / "nope.m3u8"));
    }

    // A FIFO given as a playlist blocked in open(); /dev/zero was read without end.
    void nonRegularFilesAreRefused()
    {
        const std::filesystem::path fifo = m_dir / "pipe.m3u";
        QCOMPARE(::mkfifo(fifo.c_str(), 0600), 0);
        for (const auto& [file, kind] : {std::pair{fifo, "named pipe"},
                                         std::pair{std::filesystem::path("/dev/zero"), "device"}}) {
            try {
                atlas::readPlaylist(file);
                QFAIL("no InputError");
            } catch (const atlas::InputError& e) {
                const std::string what = e.what();
                QVERIFY2(what.find(file.string()) != std::string::npos, what.c_str());
                QVERIFY2(what.find(kind) != std::string::npos, what.c_str());
            }
        }
    }

    void entriesProbeDurations()
    {
        const fs::path good = m_dir / "one second.wav";
        std::vector<float> samples(2 * 8000, 0.25f); // 2 s at 8 kHz mono
        atlas::writeAudioFile(good, samples, 1, 8000);
        const fs::path bad = m_dir / "text.wav";
        atlas::test::writeBytes(bad, "this is not audio\n");

        std::vector<atlas::Track> tracks(3);
        tracks[0].id = "one";
        tracks[0].label = "jazz";
        tracks[0].path = good;
        tracks[0].tags.artist = "Quartet";
        tracks[0].tags.title = "Blue, \"Green\"";
        tracks[1].id = "text";
        tracks[1].path = bad;
        tracks[2].id = "lyrics only";

        const auto probed = atlas::playlistEntries(tracks, true);
        QCOMPARE(probed.size(), std::size_t(3));
        QCOMPARE(probed[0].title, std::string("Quartet - Blue, \"Green\""));
        QCOMPARE(probed[0].durationSeconds, 2.0);
        QCOMPARE(probed[1].title, std::string("text.wav"));
        QCOMPARE(probed[1].durationSeconds, -1.0);
        QCOMPARE(probed[2].title, std::string("lyrics only"));
        QCOMPARE(probed[2].durationSeconds, -1.0);
        // Written: #EXTINF:<seconds>,<Artist> - <Title>, the file name when untagged.
        const fs::path list = m_dir / "tagged.m3u8";
        atlas::writePlaylist(list, std::span(probed).first(2));
        QCOMPARE(atlas::test::readFile(list), std::string("#EXTM3U\n"
                                            "#EXTINF:2,Quartet - Blue, \"Green\"\n"
                                            "one second.wav\n"
                                            "#EXTINF:-1,text.wav\n"
                                            "text.wav\n"));
        const auto plain = atlas::playlistEntries(tracks, false);
        QCOMPARE(plain[0].durationSeconds, -1.0);
        QCOMPARE(plain[1].path, bad);
    }
};

QTEST_GUILESS_MAIN(TestPlaylist)
#include "test_playlist.moc"
