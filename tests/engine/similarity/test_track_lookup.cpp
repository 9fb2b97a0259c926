// SPDX-License-Identifier: GPL-3.0-or-later
// Naming a track as a user would: its id, its path, or the end of either.
#include "engine/core/error.h"
#include "engine/similarity/track_lookup.h"

#include <QtTest>

using namespace atlas;

namespace {

Dataset library()
{
    Dataset ds;
    const auto add = [&](const std::string& id, const std::string& path) {
        Track t;
        t.id = id;
        t.path = path;
        ds.tracks.push_back(t);
    };
    add("Artist/Album/01 - Song", "/music/Artist/Album/01 - Song.flac");
    add("Artist/Other Album/01 - Song", "/music/Artist/Other Album/01 - Song.flac");
    add("Band/Live/02 - Encore", "/music/Band/Live/02 - Encore.mp3");
    add("lyrics-only-7", "");   // a row of a lyrics table, no file
    const std::pair<const char*, const char*> tags[] = {{"Song", "Artist"}, {"Song", "Other Artist"}, {"Encore", "Band"}};
    for (std::size_t i = 0; i < 3; ++i) {
        ds.tracks[i].tags.title = tags[i].first;
        ds.tracks[i].tags.artist = tags[i].second;
    }
    return ds;
}

std::string reason(const Dataset& ds, const std::string& what)
{
    try {
        findTrack(ds, what);
    } catch (const InputError& e) {
        return e.what();
    }
    return {};
}

} // namespace

class TestTrackLookup : public QObject {
    Q_OBJECT
private slots:
    void findsByIdPathOrTheirEnd()
    {
        const Dataset ds = library();
        QCOMPARE(findTrack(ds, "Band/Live/02 - Encore"), 2);
        QCOMPARE(findTrack(ds, "/music/Artist/Other Album/01 - Song.flac"), 1);
        QCOMPARE(findTrack(ds, "/music/Artist/./Album/../Album/01 - Song.flac"), 0);
        QCOMPARE(findTrack(ds, "Live/02 - Encore.mp3"), 2);
        QCOMPARE(findTrack(ds, "02 - Encore"), 2);
        QCOMPARE(findTrack(ds, "Other Album/01 - Song"), 1);
        QCOMPARE(findTrack(ds, "lyrics-only-7"), 3);
        // Titles, and "Artist - Title", without regard to case.
        QCOMPARE(findTrack(ds, "encore"), 2);
        QCOMPARE(findTrack(ds, "other artist - SONG"), 1);
    }

    void saysWhyNoneOrSeveralMatch()
    {
        const Dataset ds = library();
        const std::string several = reason(ds, "01 - Song.flac");
        QVERIFY2(several.find("matches 2 tracks") != std::string::npos, several.c_str());
        QVERIFY(several.find("/music/Artist/Album/01 - Song.flac") != std::string::npos);
        // Only whole names match: "ncore" is not the end of a name.
        QVERIFY(reason(ds, "ncore").find("no track has the id, path or title \"ncore\"") != std::string::npos);
        QVERIFY(reason(ds, "").find("no track given") != std::string::npos);
        const std::string twoSongs = reason(ds, "song");
        QVERIFY2(twoSongs.find("matches 2 tracks") != std::string::npos, twoSongs.c_str());
        // The current folder is not the empty path of a lyrics-only track.
        QVERIFY(!reason(ds, ".").empty());
    }

    void representationKeys()
    {
        Representation r = Representation::Pca;
        QVERIFY(parseRepresentationKey("betavae", r) && r == Representation::BetaVae);
        QVERIFY(parseRepresentationKey("ae", r) && r == Representation::Autoencoder);
        QVERIFY(!parseRepresentationKey("VAE", r));
    }
};

QTEST_APPLESS_MAIN(TestTrackLookup)
#include "test_track_lookup.moc"
