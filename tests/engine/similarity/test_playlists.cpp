// SPDX-License-Identifier: GPL-3.0-or-later
// Radio and song paths: the shortest path on the kNN graph against scipy's Dijkstra on
// scikit-learn's kneighbors_graph (tests/data/similarity/gen_paths.py), resampling, and the
// radio's walk and its artist and album rules.
#include "engine/core/error.h"
#include "engine/core/random.h"
#include "engine/similarity/neighbours.h"
#include "engine/similarity/playlists.h"
#include "tests/support/fixtures.h"

#include <QtTest>

#include <set>
#include <sstream>

using namespace atlas;

namespace {

std::vector<int> rowsOf(const std::vector<PlaylistStep>& list)
{
    std::vector<int> rows;
    for (const PlaylistStep& e : list)
        rows.push_back(e.track);
    return rows;
}

Matrix line(int n)
{
    Matrix X = Matrix::Zero(n, 2);
    for (int i = 0; i < n; ++i)
        X(i, 0) = i;
    return X;
}

} // namespace

class TestPlaylists : public QObject {
    Q_OBJECT
private slots:
    void pathsMatchScipyDijkstra()
    {
        const Matrix X = test::readNumericCsv(test::fixture("similarity/path_X.csv"));
        QCOMPARE(X.rows(), 860);
        const auto rows = test::readSimpleCsv(test::fixture("similarity/paths.csv"));
        QCOMPARE(int(rows.size()), 1 + 6);
        int checked = 0, disconnected = 0;
        for (std::size_t r = 1; r < rows.size(); ++r) {
            const int from = std::stoi(rows[r][0]), to = std::stoi(rows[r][1]);
            if (rows[r][2] == "inf") {
                try {
                    songPath(X, from, to);
                    QFAIL("a path between separate components");
                } catch (const InputError& e) {
                    QVERIFY(std::string(e.what()).find("not connected") != std::string::npos);
                }
                ++disconnected;
                continue;
            }
            std::vector<int> want;
            std::istringstream in(rows[r][3]);
            for (int v; in >> v;)
                want.push_back(v);
            const SongPath path = songPath(X, from, to);
            QCOMPARE(rowsOf(path.graphPath), want);
            QCOMPARE(rowsOf(path.tracks), want);
            QVERIFY(!path.approximateGraph);
            const double length = std::stod(rows[r][2]);
            QVERIFY(std::abs(path.length - length) <= 1e-9 * length);
            double sum = 0.0;
            for (const PlaylistStep& e : path.graphPath)
                sum += e.step;
            QVERIFY(std::abs(sum - length) <= 1e-9 * length);
            ++checked;
        }
        QCOMPARE(checked, 5);
        QCOMPARE(disconnected, 1);
        // The longest one crosses 99 tracks.
        QCOMPARE(songPath(X, 55, 125).graphPath.size(), std::size_t(99));
    }

    void resampledPathHasTheStepsAsked()
    {
        const Matrix X = test::readNumericCsv(test::fixture("similarity/path_X.csv"));
        PathOptions options;
        options.steps = 12;
        const SongPath path = songPath(X, 55, 125, options);
        QCOMPARE(int(path.tracks.size()), 12);
        QCOMPARE(path.tracks.front().track, 55);
        QCOMPARE(path.tracks.back().track, 125);
        const auto rows = rowsOf(path.tracks);
        QCOMPARE(std::set<int>(rows.begin(), rows.end()).size(), std::size_t(12));
        // Evenly along the helix: no step is more than twice the average of the path.
        double total = 0.0, longest = 0.0;
        for (const PlaylistStep& e : path.tracks) {
            total += e.step;
            longest = std::max(longest, e.step);
        }
        QVERIFY2(longest < 2.0 * total / 11, qPrintable(QString::number(longest)));
        // A short path resampled to more tracks than it crosses takes nearby tracks too.
        options.steps = 8;
        const SongPath shortPath = songPath(X, 259, 334, options);
        QCOMPARE(int(shortPath.tracks.size()), 8);
        QCOMPARE(shortPath.graphPath.size(), std::size_t(4));
        // From a track to itself: that track.
        QCOMPARE(rowsOf(songPath(X, 3, 3).tracks), std::vector<int>{3});
    }

    void radioWalksToTheNearestUnplayedTrack()
    {
        Rng rng(9);
        Matrix X(300, 5);
        for (Eigen::Index i = 0; i < X.size(); ++i)
            X.data()[i] = rng.normal();
        RadioOptions options;
        options.length = 40;
        const Radio r = radio(X, 17, options);
        QCOMPARE(int(r.tracks.size()), 40);
        QVERIFY(r.relaxed.empty());
        std::vector<char> played(300, 0);
        played[17] = 1;
        for (std::size_t i = 1; i < r.tracks.size(); ++i) {
            const auto want = nearestRows(X, X.row(r.tracks[i - 1].track).transpose(), 1,
                                          Distance::Euclidean, played);
            QCOMPARE(r.tracks[i].track, want.front().track);
            QCOMPARE(r.tracks[i].step, want.front().distance);
            played[std::size_t(r.tracks[i].track)] = 1;
        }
        // Longer than the collection: every track once.
        options.length = 1000;
        QCOMPARE(int(radio(X, 0, options).tracks.size()), 300);
    }

    void radioKeepsTheArtistAndAlbumRules()
    {
        const Matrix X = line(8);
        // Two tracks per artist along the line; case and spaces do not make another artist.
        const std::vector<std::string> artists = {"ABBA", "abba ", "Blur", "blur", "ABBA", "Abba", "Blur", "BLUR"};
        RadioOptions options;
        options.length = 5;
        options.noRepeatArtist = 1;
        Radio r = radio(X, 0, options, artists);
        QCOMPARE(rowsOf(r.tracks), (std::vector<int>{0, 2, 1, 3, 4}));
        QVERIFY(r.relaxed.empty());
        QCOMPARE(r.tracks[1].step, 2.0);

        // One artist only: the rule cannot be kept, and each step says so.
        const std::vector<std::string> same(8, "Solo");
        r = radio(X, 0, options, same);
        QCOMPARE(rowsOf(r.tracks), (std::vector<int>{0, 1, 2, 3, 4}));
        QCOMPARE(r.relaxed, (std::vector<int>{1, 2, 3, 4}));
        // Untagged tracks never block each other.
        r = radio(X, 0, options, std::vector<std::string>(8));
        QVERIFY(r.relaxed.empty());

        // No album twice: albums of three tracks in a row.
        const std::vector<std::string> albums = {"x", "x", "x", "y", "y", "y", "z", "z"};
        RadioOptions albumRule;
        albumRule.length = 3;
        albumRule.noRepeatAlbum = true;
        r = radio(X, 1, albumRule, {}, albums);
        QCOMPARE(rowsOf(r.tracks), (std::vector<int>{1, 3, 6}));
        QVERIFY(r.relaxed.empty());

        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, radio(X, 0, options, {"only one"}));
        QVERIFY_THROWS_EXCEPTION(std::out_of_range, radio(X, 8, options));
    }

    void radioKeysQualifyAlbumsByArtist()
    {
        Dataset ds;
        ds.tracks.resize(3);
        ds.tracks[0].tags.artist = "Queen";
        ds.tracks[0].tags.album = "Greatest Hits";
        ds.tracks[1].tags.artist = "ABBA";
        ds.tracks[1].tags.album = "Greatest Hits";
        ds.tracks[2].tags.artist = "Guest";
        ds.tracks[2].tags.albumArtist = "Queen";
        ds.tracks[2].tags.album = "Greatest Hits";
        std::vector<std::string> artists, albums;
        radioKeys(ds, artists, albums);
        QCOMPARE(artists, (std::vector<std::string>{"Queen", "ABBA", "Guest"}));
        QVERIFY(albums[0] != albums[1]);
        QCOMPARE(albums[0], albums[2]);
    }
};

QTEST_APPLESS_MAIN(TestPlaylists)
#include "test_playlists.moc"
