// SPDX-License-Identifier: GPL-3.0-or-later
// Tags and lyrics from the files of a personal library (tests/data/library: MP3, M4A AAC and
// ALAC, FLAC, Ogg Vorbis, Opus, WAV, made by make_library.py with mutagen): titles, artists,
// genres in several spellings, embedded and sidecar lyrics, the tag cache, labels from any
// field, the coverage report, and a damaged ID3v2 tag.
#include "engine/data/metadata.h"
#include "tests/support/fixtures.h"

#include <QtTest>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>

namespace fs = std::filesystem;

namespace {

const char* const AudioExtensions[] = {".mp3", ".m4a", ".flac", ".ogg", ".opus", ".wav"};

// The library's tracks as a scan would list them (path and folder), sorted by path.
std::vector<atlas::Track> libraryTracks(const fs::path& root)
{
    std::vector<atlas::Track> tracks;
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
        const std::string ext = entry.path().extension().string();
        if (std::find(std::begin(AudioExtensions), std::end(AudioExtensions), ext) ==
            std::end(AudioExtensions))
            continue;
        atlas::Track t;
        t.path = entry.path();
        fs::path rel = entry.path().lexically_relative(root);
        t.folder = rel.begin()->string();
        t.layoutLabel = t.folder;
        rel.replace_extension();
        t.id = rel.generic_string();
        tracks.push_back(t);
    }
    std::sort(tracks.begin(), tracks.end(),
              [](const atlas::Track& a, const atlas::Track& b) { return a.path < b.path; });
    return tracks;
}

const atlas::Track* byId(const std::vector<atlas::Track>& tracks, const std::string& id)
{
    for (const atlas::Track& t : tracks)
        if (t.id == id)
            return &t;
    return nullptr;
}

} // namespace

class TestMetadata : public QObject {
    Q_OBJECT

    fs::path m_lib;
    fs::path m_cache;

private slots:
    void initTestCase()
    {
        m_lib = atlas::test::fixture("library/lib");
        QVERIFY(fs::is_directory(m_lib));
        m_cache = atlas::test::makeTempDir("metadata_cache");
    }
    void cleanupTestCase() { fs::remove_all(m_cache); }

    void genresAreNormalised_data()
    {
        QTest::addColumn<QStringList>("values");
        QTest::addColumn<QStringList>("expected");
        QTest::newRow("semicolon") << QStringList{"Rock; Indie"} << QStringList{"Rock", "Indie"};
        QTest::newRow("slash, case") << QStringList{"rock/indie"} << QStringList{"Rock", "Indie"};
        QTest::newRow("spaces") << QStringList{"  ambient  "} << QStringList{"Ambient"};
        QTest::newRow("inner spaces") << QStringList{"Synth   Wave"} << QStringList{"Synth Wave"};
        QTest::newRow("id3v1 number") << QStringList{"(17)"} << QStringList{"Rock"};
        QTest::newRow("bare number") << QStringList{"52"} << QStringList{"Electronic"};
        QTest::newRow("number and text") << QStringList{"(52)Electronica"}
                                         << QStringList{"Electronica"};
        QTest::newRow("several frames") << QStringList{"Electronic", "Dance", "electronic"}
                                        << QStringList{"Electronic", "Dance"};
        QTest::newRow("capitals") << QStringList{"HIP-HOP"} << QStringList{"Hip-Hop"};
        QTest::newRow("unknown name kept") << QStringList{"chiptune"} << QStringList{"chiptune"};
        QTest::newRow("pipe and empty") << QStringList{"Jazz||Blues", ""}
                                        << QStringList{"Jazz", "Blues"};
        QTest::newRow("remix code") << QStringList{"(RX)"} << QStringList{"Remix"};
        QTest::newRow("slashed names stay whole")
            << QStringList{"Folk/Rock", "Singer/Songwriter; hip-hop/rap"}
            << QStringList{"Folk/Rock", "Singer/Songwriter", "hip-hop/rap"};
        QTest::newRow("id3v1 folk-rock number") << QStringList{"(81)"} << QStringList{"Folk Rock"};
    }
    void genresAreNormalised()
    {
        QFETCH(QStringList, values);
        QFETCH(QStringList, expected);
        std::vector<std::string> in;
        for (const QString& v : values)
            in.push_back(v.toStdString());
        QStringList out;
        for (const std::string& g : atlas::normaliseGenres(in))
            out << QString::fromStdString(g);
        QCOMPARE(out, expected);
    }

    void lrcBecomesText()
    {
        const std::string lrc = "\xEF\xBB\xBF[ar:Someone]\n[ti:A Song]\n[al:Album]\n[by:me]\n"
                                "[offset:+250]\n[#]comment\n\n"
                                "[00:01.00]First line\r\n"
                                "[00:05.50][01:05.50] Chorus  line \n"
                                "\n\n\n"
                                "[00:09.00]<00:09.00>Word <00:09.40>times\n"
                                "[Chorus]\n"
                                "[00:12:34]Last line\n"
                                "[00:20.00]\n";
        QCOMPARE(atlas::lyricsFromLrc(lrc.substr(3)),
                 std::string("First line\nChorus  line\n\nWord times\n[Chorus]\nLast line"));
        QCOMPARE(atlas::lyricsFromLrc(""), std::string());
        QCOMPARE(atlas::lyricsFromLrc("[ar:x]\n[ti:y]\n"), std::string());
    }

    void sidecarsAsFoldersSpellThem()
    {
        const fs::path dir = atlas::test::makeTempDir("metadata_sidecars");
        // "Song.mp3" with "song.LRC" beside it; a Windows-1252 text with curly quotes.
        atlas::test::writeBytes(dir / "Song.mp3", "not read here");
        atlas::test::writeBytes(dir / "song.LRC", "[ti:Song]\n[00:01.00]don\x92t stop \x93now\x94\n");
        atlas::Diagnostics d;
        fs::path found;
        QCOMPARE(atlas::readSidecarLyrics(dir / "Song.mp3", d, &found),
                 std::optional<std::string>("don\u2019t stop \u201cnow\u201d"));
        QCOMPARE(found, dir / "song.LRC");
        QCOMPARE(d.size(), std::size_t(1));
        QVERIFY(d.issues()[0].reason.find("Windows-1252") != std::string::npos);

        // An unusable .lrc (only ID tags; or a folder) falls through to the .txt.
        atlas::test::writeBytes(dir / "Other.flac", "x");
        atlas::test::writeBytes(dir / "Other.lrc", "[ar:Someone]\n[ti:Other]\n");
        atlas::test::writeBytes(dir / "Other.txt", "plain words\r\nsecond line\r\n");
        atlas::Diagnostics d2;
        QCOMPARE(atlas::readSidecarLyrics(dir / "Other.flac", d2),
                 std::optional<std::string>("plain words\nsecond line"));
        fs::create_directories(dir / "Third.lrc");
        atlas::test::writeBytes(dir / "Third.txt", "third");
        atlas::Diagnostics d3;
        QCOMPARE(atlas::readSidecarLyrics(dir / "Third.ogg", d3),
                 std::optional<std::string>("third"));
        QCOMPARE(d3.size(), std::size_t(1));
        QVERIFY(d3.issues()[0].reason.find("not a regular file") != std::string::npos);
        // Too large to be lyrics.
        atlas::test::writeBytes(dir / "Huge.txt", std::string(2 << 20, 'a'));
        atlas::Diagnostics d4;
        QVERIFY(!atlas::readSidecarLyrics(dir / "Huge.wav", d4));
        QCOMPARE(d4.size(), std::size_t(1));
        fs::remove_all(dir);
    }

    void tagsOfEveryFormat()
    {
        // expected.csv (written by make_library.py) says what each file holds.
        const auto rows = atlas::test::readSimpleCsv(atlas::test::fixture("library/expected.csv"));
        QCOMPARE(rows.size(), std::size_t(12));   // header + 11 tracks
        int checked = 0;
        for (std::size_t r = 1; r < rows.size(); ++r) {
            const auto& row = rows[r];
            fs::path file;
            for (const char* ext : AudioExtensions)
                if (fs::exists(m_lib / (row[0] + ext)))
                    file = m_lib / (row[0] + ext);
            QVERIFY2(!file.empty(), row[0].c_str());
            const atlas::TagReadResult tags = atlas::readTags(file);
            QVERIFY2(tags.problems.empty(), row[0].c_str());
            QCOMPARE(tags.tags.title, row[1]);
            QCOMPARE(tags.tags.artist, row[2]);
            QCOMPARE(tags.tags.album, row[3]);
            QCOMPARE(tags.tags.year, row[4].empty() ? 0 : std::stoi(row[4]));
            QCOMPARE(tags.tags.genre(), row[5] == "unknown" ? std::string() : row[5]);
            QVERIFY(std::abs(tags.tags.duration - 2.0) < 0.1);
            QVERIFY(tags.tags.sampleRate == 44100 || tags.tags.sampleRate == 48000);
            if (row[6] == "embedded") {
                QCOMPARE(tags.tags.lyrics.substr(0, row[7].size()), row[7]);
                QVERIFY(tags.tags.lyrics.find('\n') != std::string::npos);
            } else {
                QVERIFY(tags.tags.lyrics.empty());
            }
            ++checked;
        }
        QCOMPARE(checked, 11);

        // Format names, tag names of the lyrics, and the genres kept beside the label.
        auto tags = [&](const char* relative) { return atlas::readTags(m_lib / relative).tags; };
        const atlas::TrackTags mp3 = tags("Stone Riders/Highway/01 - Fire Road.mp3");
        QCOMPARE(mp3.format, std::string("MP3"));
        QCOMPARE(mp3.lyricsTag, std::string("USLT"));
        QCOMPARE(mp3.genres, (std::vector<std::string>{"Rock", "Indie"}));
        QCOMPARE(mp3.trackNumber, 1);
        QCOMPARE(mp3.albumArtist, std::string("Stone Riders"));
        QCOMPARE(mp3.channels, 2);
        const atlas::TrackTags aac = tags("Stone Riders/Highway/02 - Night Drive.m4a");
        QCOMPARE(aac.format, std::string("M4A (AAC)"));
        QCOMPARE(aac.lyricsTag, std::string("\u00A9lyr"));
        QCOMPARE(aac.trackNumber, 2);
        QCOMPARE(aac.albumArtist, std::string("Stone Riders"));
        QCOMPARE(tags("Stone Riders/Highway/03 - Last Exit.m4a").format, std::string("M4A (ALAC)"));
        QCOMPARE(tags("Stone Riders/Highway/04 - Numeric Genre.mp3").genres,
                 std::vector<std::string>{"Rock"});
        const atlas::TrackTags flac = tags("Quiet Waters/Tides/01 - Low Tide.flac");
        QCOMPARE(flac.lyricsTag, std::string("LYRICS"));
        QCOMPARE(flac.genres, (std::vector<std::string>{"Ambient", "Electronic"}));
        QCOMPARE(tags("Quiet Waters/Tides/02 - Drift.ogg").lyricsTag, std::string("UNSYNCEDLYRICS"));
        QCOMPARE(tags("Quiet Waters/Tides/03 - Float.opus").format, std::string("Ogg Opus"));
        QCOMPARE(tags("Quiet Waters/Tides/04 - Sea Glass.wav").format, std::string("WAV"));
        // Broken files: no tags, no problem from the tag reader (the decoder reports them).
        QVERIFY(atlas::readTags(m_lib / "Broken/Bad/02 - Text.mp3").problems.empty());
        QVERIFY(atlas::readTags(m_lib / "Broken/Bad/03 - Empty.flac").problems.empty());
        QVERIFY(atlas::readTags(m_lib / "missing.mp3").problems.empty());
    }

    void damagedId3TagIsReported()
    {
        const fs::path dir = atlas::test::makeTempDir("metadata_id3");
        std::ifstream in(m_lib / "Stone Riders/Highway/01 - Fire Road.mp3", std::ios::binary);
        std::string mp3((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        // Strip the real tag, keep the audio frames.
        const std::size_t tagSize = 10 + ((std::size_t(mp3[6]) & 0x7F) << 21 |
                                          (std::size_t(mp3[7]) & 0x7F) << 14 |
                                          (std::size_t(mp3[8]) & 0x7F) << 7 |
                                          (std::size_t(mp3[9]) & 0x7F));
        const std::string audio = mp3.substr(tagSize);
        // A size that is not synchsafe, and a frame that claims more than the tag holds.
        atlas::test::writeBytes(dir / "bad_size.mp3",
                                std::string("ID3\x04\x00\x00\xFF\xFF\xFF\xFF", 10) + audio);
        atlas::test::writeBytes(dir / "bad_frame.mp3",
                                std::string("ID3\x03\x00\x00\x00\x00\x00\x20" "TIT2\x00\x00\x13\x88"
                                            "\x00\x00\x03Truncated title text",
                                            34) +
                                    std::string(8, '\x55') + audio);
        for (const char* name : {"bad_size.mp3", "bad_frame.mp3"}) {
            const atlas::TagReadResult r = atlas::readTags(dir / name);
            QCOMPARE(r.problems.size(), std::size_t(1));
            QVERIFY2(r.problems[0].find("ID3v2 tag is damaged") != std::string::npos,
                     r.problems[0].c_str());
            QVERIFY(r.tags.title.empty());
            QCOMPARE(r.tags.format, std::string("MP3"));   // the track is still used
        }
        fs::remove_all(dir);
    }

    void collectionMetadataWithSidecarsAndCache()
    {
        std::vector<atlas::Track> tracks = libraryTracks(m_lib);
        QCOMPARE(tracks.size(), std::size_t(14));
        atlas::MetadataConfig cfg;
        cfg.cacheDir = m_cache;
        atlas::Diagnostics d;
        const atlas::MetadataStats first = atlas::readCollectionMetadata(tracks, cfg, d);
        QCOMPARE(first.read, 14);
        QCOMPARE(first.fromCache, 0);
        QVERIFY(fs::exists(first.cacheFile));

        const auto rows = atlas::test::readSimpleCsv(atlas::test::fixture("library/expected.csv"));
        for (std::size_t r = 1; r < rows.size(); ++r) {
            const atlas::Track* t = byId(tracks, rows[r][0]);
            QVERIFY2(t, rows[r][0].c_str());
            QCOMPARE(std::string(atlas::lyricsSourceKey(t->lyricsSource)), rows[r][6]);
            const std::string first = rows[r].size() > 7 ? rows[r][7] : std::string();
            QVERIFY2(t->lyrics.substr(0, first.size()) == first,
                     (rows[r][0] + ": " + t->lyrics).c_str());
            QCOMPARE(t->lyrics.empty(), first.empty());
        }
        // The .lrc lost its ID tags and time stamps; the Latin-1 one was read as Latin-1.
        const atlas::Track* lastExit = byId(tracks, "Stone Riders/Highway/03 - Last Exit");
        QCOMPARE(lastExit->lyrics, std::string("Turn it up loud tonight\nGuitars burning bright\n"
                                               "We ride the highway of fire"));
        const atlas::Track* pulse = byId(tracks, "Neon Grid/Circuits/01 - Pulse");
        QVERIFY(pulse->lyrics.ends_with("Caf\u00e9 na\u00efve"));
        // The .txt's byte-order mark and CR LF line ends are gone.
        const atlas::Track* floatTrack = byId(tracks, "Quiet Waters/Tides/03 - Float");
        QCOMPARE(floatTrack->lyrics, std::string("Slow waves of light\nDrifting in the quiet sea\n"
                                                 "Breathe and float away"));
        const auto issues = d.issues();
        QCOMPARE(issues.size(), std::size_t(1));
        QCOMPARE(issues[0].file, m_lib / "Neon Grid/Circuits/01 - Pulse.lrc");
        QVERIFY(issues[0].reason.find("Latin-1") != std::string::npos);

        // Second pass: every file's tags come from the cache, identical.
        std::vector<atlas::Track> again = libraryTracks(m_lib);
        atlas::Diagnostics d2;
        const atlas::MetadataStats second = atlas::readCollectionMetadata(again, cfg, d2);
        QCOMPARE(second.fromCache, 14);
        QCOMPARE(second.read, 0);
        for (std::size_t i = 0; i < tracks.size(); ++i) {
            QVERIFY(again[i].tags == tracks[i].tags);
            QCOMPARE(again[i].lyrics, tracks[i].lyrics);
        }
        QCOMPARE(d2.size(), std::size_t(1));   // the sidecar's encoding is reported again

        // A damaged cache file is ignored, never fatal.
        atlas::test::writeBytes(second.cacheFile, "MATAGCAC garbage");
        std::vector<atlas::Track> third = libraryTracks(m_lib);
        atlas::Diagnostics d3;
        QCOMPARE(atlas::readCollectionMetadata(third, cfg, d3).read, 14);
        QVERIFY(third[0].tags == tracks[0].tags);
    }

    void labelsFromAnyField()
    {
        std::vector<atlas::Track> tracks = libraryTracks(m_lib);
        atlas::MetadataConfig cfg;
        cfg.useCache = false;
        atlas::Diagnostics d;
        atlas::readCollectionMetadata(tracks, cfg, d);
        auto counts = [&] {
            std::map<std::string, int> c;
            for (const atlas::Track& t : tracks)
                ++c[t.label];
            return c;
        };
        atlas::LabelSource used = atlas::LabelSource::None;
        // 9 of 14 tracks have a genre tag: auto takes the genre; the rest are "unknown".
        QCOMPARE(atlas::applyLabels(tracks, atlas::LabelSource::Auto, &used),
                 std::string("genre tag: 9 of 14 tracks, 5 \"unknown\""));
        QCOMPARE(int(used), int(atlas::LabelSource::Genre));
        QCOMPARE(counts(), (std::map<std::string, int>{
                               {"Ambient", 3}, {"Electronic", 2}, {"Rock", 4}, {"unknown", 5}}));
        atlas::applyLabels(tracks, atlas::LabelSource::Folder);
        QCOMPARE(counts(), (std::map<std::string, int>{
                               {"Broken", 3}, {"Neon Grid", 3}, {"Quiet Waters", 4},
                               {"Stone Riders", 4}}));
        atlas::applyLabels(tracks, atlas::LabelSource::Decade);
        QCOMPARE(counts(), (std::map<std::string, int>{
                               {"1990s", 3}, {"2000s", 4}, {"2010s", 2}, {"unknown", 5}}));
        atlas::applyLabels(tracks, atlas::LabelSource::Year);
        QCOMPARE(counts()["1996"], 2);
        atlas::applyLabels(tracks, atlas::LabelSource::Artist);
        QCOMPARE(counts()["Stone Riders"], 4);
        atlas::applyLabels(tracks, atlas::LabelSource::Album);
        QCOMPARE(counts()["Tides"], 3);
        QCOMPARE(atlas::applyLabels(tracks, atlas::LabelSource::None),
                 std::string("none (unlabelled)"));
        QCOMPARE(counts(), (std::map<std::string, int>{{"", 14}}));

        // Fewer than half tagged: auto falls back to the layout's labels.
        for (std::size_t i = 0; i < 8; ++i)
            tracks[i].tags.genres.clear();
        atlas::applyLabels(tracks, atlas::LabelSource::Auto, &used);
        QCOMPARE(int(used), int(atlas::LabelSource::Layout));
        QCOMPARE(counts()["Stone Riders"], 4);
        // Genre spellings that differ in case are merged to the most frequent one.
        for (atlas::Track& t : tracks)
            t.tags.genres = {"Synthwave"};
        tracks[0].tags.genres = {"SYNTHWAVE"};
        atlas::applyLabels(tracks, atlas::LabelSource::Genre);
        QCOMPARE(counts(), (std::map<std::string, int>{{"Synthwave", 14}}));
        QCOMPARE(*atlas::parseLabelSource("decade"), atlas::LabelSource::Decade);
        QVERIFY(!atlas::parseLabelSource("genres"));
    }

    void coverageCounts()
    {
        std::vector<atlas::Track> tracks = libraryTracks(m_lib);
        atlas::MetadataConfig cfg;
        cfg.useCache = false;
        atlas::Diagnostics d;
        atlas::readCollectionMetadata(tracks, cfg, d);
        const atlas::LibraryCoverage c = atlas::libraryCoverage(tracks);
        QCOMPARE(c.tracks, 14);
        QCOMPARE(c.formats, (std::map<std::string, int>{{"FLAC", 3}, {"M4A", 4}, {"MP3", 3},
                                                        {"OGG", 2}, {"OPUS", 1}, {"WAV", 1}}));
        QCOMPARE(c.title, 9);
        QCOMPARE(c.genre, 9);
        QCOMPARE(c.year, 9);
        QCOMPARE(c.lyricsEmbedded, 5);
        QCOMPARE(c.lyricsSidecar, 4);
        QCOMPARE(c.lyricsNone, 5);
        const std::vector<std::string> lines = atlas::describeCoverage(c);
        QCOMPARE(lines[0], std::string("14 tracks: 4 M4A, 3 FLAC, 3 MP3, 2 OGG, 1 OPUS, 1 WAV"));
        QCOMPARE(lines[2], std::string("lyrics: 9 of 14 (5 embedded, 4 sidecar); 5 without"));
    }
};

QTEST_GUILESS_MAIN(TestMetadata)
#include "test_metadata.moc"
