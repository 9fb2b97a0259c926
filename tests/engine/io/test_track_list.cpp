// SPDX-License-Identifier: GPL-3.0-or-later
// The selection's CSV table: exact content in the order given, quoting, the cluster column,
// and errors that name the file.

#include "engine/core/error.h"
#include "engine/io/track_list.h"
#include "tests/support/fixtures.h"

#include <QtTest>

#include <fstream>
#include <sstream>

namespace fs = std::filesystem;

namespace {

atlas::Dataset threeTracks()
{
    atlas::Dataset ds;
    atlas::Track a;
    a.id = "Rock/a";
    a.path = "/music/Rock/a.flac";
    a.label = "Rock";
    a.tags.artist = "Band, The";
    a.tags.title = "Say \"hi\"";
    a.tags.album = "First";
    a.tags.year = 1999;
    a.tags.genres = {"Rock", "Indie"};
    atlas::Track b;
    b.id = "blues.00003";
    b.path = "/g/blues.00003.wav";
    b.label = "blues";
    atlas::Track c;
    c.id = "c";
    ds.tracks = {a, b, c};
    return ds;
}

} // namespace

class TestTrackList : public QObject {
    Q_OBJECT

    fs::path m_dir;

private slots:
    void init() { m_dir = atlas::test::makeTempDir("track-list"); }
    void cleanup()
    {
        std::error_code ec;
        fs::remove_all(m_dir, ec);
    }

    void rowsInTheOrderGiven()
    {
        const atlas::Dataset ds = threeTracks();
        const std::vector<int> rows = {1, 0};
        atlas::writeTrackListCsv(ds, rows, m_dir / "sel.csv");
        QCOMPARE(atlas::test::readFile(m_dir / "sel.csv"),
                 std::string("track_id,path,artist,title,album,year,genre,label\n"
                             "blues.00003,/g/blues.00003.wav,,,,,,blues\n"
                             "Rock/a,/music/Rock/a.flac,\"Band, The\",\"Say \"\"hi\"\"\",First,"
                             "1999,Rock,Rock\n"));
    }

    void clusterColumnWhenGiven()
    {
        const atlas::Dataset ds = threeTracks();
        atlas::Labels clusters(3);
        clusters << 2, -1, 0;
        const std::vector<int> rows = {0, 1, 2};
        atlas::writeTrackListCsv(ds, rows, m_dir / "c.csv", &clusters);
        const std::string text = atlas::test::readFile(m_dir / "c.csv");
        QVERIFY(text.starts_with("track_id,path,artist,title,album,year,genre,label,cluster\n"));
        QVERIFY(text.find("\nblues.00003,/g/blues.00003.wav,,,,,,blues,-1\n") != std::string::npos);
        QVERIFY(text.ends_with("\nc,,,,,,,,0\n"));
    }

    void badRowsAndFoldersAreRefused()
    {
        const atlas::Dataset ds = threeTracks();
        const std::vector<int> outside = {0, 3};
        QVERIFY_THROWS_EXCEPTION(std::out_of_range,
                                 atlas::writeTrackListCsv(ds, outside, m_dir / "x.csv"));
        QVERIFY(!fs::exists(m_dir / "x.csv"));
        const std::vector<int> rows = {0};
        try {
            atlas::writeTrackListCsv(ds, rows, m_dir / "missing" / "x.csv");
            QFAIL("no error for a missing folder");
        } catch (const atlas::InputError& e) {
            QVERIFY2(std::string(e.what()).find("x.csv") != std::string::npos, e.what());
        }
    }
};

QTEST_GUILESS_MAIN(TestTrackList)
#include "test_track_list.moc"
