// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/audio/writer.h"
#include "engine/core/error.h"
#include "engine/core/random.h"
#include "engine/data/collection.h"
#include "engine/pipeline/dataset.h"
#include "engine/demo/demo_corpus.h"
#include "engine/data/feature_cache.h"
#include "engine/data/pairing.h"
#include "engine/data/standardize.h"
#include "tests/support/fixtures.h"
#include "tests/support/signals.h"

#include <QtTest>

#include <cmath>
#include <fstream>
#include <limits>

#include <sys/stat.h>

namespace fs = std::filesystem;

namespace {

// A short tone with a little noise: enough for real MFCC statistics.
void writeTone(const fs::path& file, double hz, int rate = 22050, int channels = 1,
               double seconds = 1.0)
{
    auto s = atlas::test::sines(rate, seconds,
                                std::vector<std::vector<atlas::test::Partial>>(
                                    std::size_t(channels), {{hz, 0.3}}));
    atlas::test::addNoise(s, 0.01, std::uint64_t(hz * 1000));
    atlas::test::writeSignal(file, s, channels, rate);
}

void writeText(const fs::path& file, const std::string& text)
{
    atlas::test::writeBytes(file, text);
}

std::size_t countReasons(const atlas::Diagnostics& d, const std::string& part)
{
    std::size_t n = 0;
    for (const atlas::Issue& issue : d.issues())
        n += issue.reason.find(part) != std::string::npos;
    return n;
}

std::vector<std::string> ids(const atlas::Collection& c)
{
    std::vector<std::string> out;
    for (const auto& t : c.tracks)
        out.push_back(t.id);
    return out;
}

} // namespace

class TestDataset : public QObject {
    Q_OBJECT
private slots:
    void detectsGtzanLayout()
    {
        const fs::path root = atlas::test::makeTempDir("gtzan");
        writeTone(root / "genres/blues/blues.00000.au", 220);
        writeTone(root / "genres/rock/rock.00001.au", 330);
        writeText(root / "genres/rock/.hidden.wav", "x");
        writeText(root / "genres/readme.txt", "not audio");
        atlas::Diagnostics d;
        const atlas::Collection c = atlas::scanCollection(root, d);
        QCOMPARE(int(c.layout), int(atlas::CollectionLayout::Gtzan));
        QCOMPARE(ids(c), (std::vector<std::string>{"blues.00000", "rock.00001"}));
        QCOMPARE(c.tracks[1].label, std::string("rock"));
        QCOMPARE(c.labelNames(), (std::vector<std::string>{"blues", "rock"}));
        fs::remove_all(root);
    }
    void detectsKaggleLabelledAndFlatLayouts()
    {
        const fs::path k = atlas::test::makeTempDir("kaggle");
        writeTone(k / "Data/genres_original/jazz/jazz.00003.wav", 440);
        atlas::Diagnostics d;
        const atlas::Collection kc = atlas::scanCollection(k, d);
        QCOMPARE(int(kc.layout), int(atlas::CollectionLayout::GtzanKaggle));
        QCOMPARE(kc.tracks.at(0).label, std::string("jazz"));

        const fs::path l = atlas::test::makeTempDir("labelled");
        writeTone(l / "Ambient/a b.flac", 200);
        writeTone(l / "Ambient/sub/c.ogg", 300);
        writeTone(l / "Noise/c.wav", 400);
        const atlas::Collection lc = atlas::scanCollection(l, d);
        QCOMPARE(int(lc.layout), int(atlas::CollectionLayout::LabelledFolders));
        QCOMPARE(ids(lc), (std::vector<std::string>{"Ambient/a b", "Ambient/sub/c", "Noise/c"}));
        QCOMPARE(lc.tracks[1].label, std::string("Ambient"));

        const fs::path f = atlas::test::makeTempDir("flat");
        writeTone(f / "x.wav", 200);
        writeText(f / "y.m4a", "....ftypM4A ");
        const atlas::Collection fc = atlas::scanCollection(f, d);
        QCOMPARE(int(fc.layout), int(atlas::CollectionLayout::Flat));
        QCOMPARE(fc.tracks.size(), std::size_t(2));   // the .m4a is listed, to be reported
        QVERIFY(!fc.hasLabels());
        for (const fs::path& p : {k, l, f})
            fs::remove_all(p);
    }
    void missingOrEmptyFolderIsAnInputError()
    {
        atlas::Diagnostics d;
        QVERIFY_THROWS_EXCEPTION(atlas::InputError, atlas::scanCollection("/nonexistent/dir", d));
        const fs::path empty = atlas::test::makeTempDir("empty");
        writeText(empty / "notes.txt", "hello");
        try {
            atlas::scanCollection(empty, d);
            QFAIL("expected InputError");
        } catch (const atlas::InputError& e) {
            QVERIFY(std::string(e.what()).find("no audio files") != std::string::npos);
        }
        fs::remove_all(empty);
    }
    void manifestResolvesRelativePathsAndListsColumnsWhenPathIsMissing()
    {
        const fs::path root = atlas::test::makeTempDir("manifest");
        writeText(root / "m.csv", "path,genre,lyrics_id\nsongs/a.wav,rock,A\n,pop,B\n/abs/b.wav,,C\n");
        atlas::Diagnostics d;
        const atlas::Collection c = atlas::readManifest(root / "m.csv", d);
        QCOMPARE(c.tracks.size(), std::size_t(2));
        QCOMPARE(c.tracks[0].path, root / "songs/a.wav");
        QCOMPARE(c.tracks[0].label, std::string("rock"));
        QCOMPARE(c.tracks[0].lyricsKey, std::string("A"));
        QCOMPARE(c.tracks[1].path, fs::path("/abs/b.wav"));
        QCOMPARE(d.size(), std::size_t(1));   // the empty path row
        QVERIFY(d.issues()[0].file.string().find("m.csv:3") != std::string::npos);

        writeText(root / "bad.csv", "song,genre\nx,y\n");
        try {
            atlas::readManifest(root / "bad.csv", d);
            QFAIL("expected InputError");
        } catch (const atlas::InputError& e) {
            const std::string m = e.what();
            QVERIFY(m.find("bad.csv") != std::string::npos);
            QVERIFY(m.find("\"song\"") != std::string::npos);
            QVERIFY(m.find("\"genre\"") != std::string::npos);
        }
        fs::remove_all(root);
    }
    void pairsByKeyIgnoringCaseExtensionAndFolders()
    {
        atlas::Collection c;
        for (const char* p : {"/m/Blues/blues.00001.wav", "/m/Rock/rock.00002.au", "/m/x/none.wav"}) {
            atlas::Track t;
            t.path = p;
            t.id = t.path.stem().string();
            c.tracks.push_back(t);
        }
        atlas::LyricsTable lyrics;
        lyrics.hasKeys = true;
        lyrics.keyColumn = "filename";
        lyrics.keys = {"ROCK.00002.AU", "genres/blues/blues.00001.wav", "other"};
        lyrics.texts = {"rock text", "blues text", "other text"};
        atlas::Diagnostics d;
        const atlas::Pairing p = atlas::pairLyrics(c, lyrics, 1, d);
        QCOMPARE(int(p.mode), int(atlas::PairingMode::ByKey));
        QCOMPARE(p.lyricsRow, (std::vector<int>{1, 0, -1}));
        QCOMPARE(p.matched, 2);
        QCOMPARE(d.size(), std::size_t(1));   // one summary Issue for the unmatched track
        QVERIFY(d.issues()[0].reason.find("none") != std::string::npos);
    }
    void approximatePairingIsSeededAndMarked()
    {
        atlas::Collection c;
        for (int i = 0; i < 50; ++i) {
            atlas::Track t;
            t.id = "t" + std::to_string(i);
            t.path = "/a/t.wav";
            c.tracks.push_back(t);
        }
        atlas::LyricsTable lyrics;
        for (int i = 0; i < 80; ++i)
            lyrics.texts.push_back("text " + std::to_string(i));
        atlas::Diagnostics d;
        const atlas::Pairing a = atlas::pairLyrics(c, lyrics, 7, d);
        const atlas::Pairing b = atlas::pairLyrics(c, lyrics, 7, d);
        const atlas::Pairing other = atlas::pairLyrics(c, lyrics, 8, d);
        QVERIFY(a.approximate());
        QCOMPARE(a.lyricsRow, b.lyricsRow);
        QVERIFY(a.lyricsRow != other.lyricsRow);
        std::vector<int> sorted = a.lyricsRow;
        std::sort(sorted.begin(), sorted.end());
        QVERIFY(std::adjacent_find(sorted.begin(), sorted.end()) == sorted.end());   // no reuse
        QVERIFY(a.description.find("approximate") != std::string::npos);
        QVERIFY(d.empty());
    }
    void buildsTheHybridMatrixAndUsesTheCache()
    {
        const fs::path root = atlas::test::makeTempDir("dataset");
        // Three good tracks in two genres, one broken file; lyrics keyed by file stem.
        writeTone(root / "music/rock/r1.wav", 220, 44100, 2);
        writeTone(root / "music/rock/r2.flac", 330, 48000, 2);
        writeTone(root / "music/jazz/j1.ogg", 550, 44100, 2);
        writeText(root / "music/jazz/broken.mp3", "<html>not found</html>");
        writeText(root / "lyrics.csv",
                  "filename,lyrics\nr1.wav,\"Loud guitars, loud night\"\nr2,quiet rock song\n"
                  "j1,\"swing, swing, swing\nall night\"\n");
        atlas::DatasetConfig cfg;
        cfg.dataDir = root / "music";
        cfg.lyricsCsv = root / "lyrics.csv";
        cfg.cacheDir = root / "cache";
        atlas::Diagnostics d;
        const atlas::Dataset ds = atlas::buildDataset(cfg, d);
        QCOMPARE(ds.size(), 3);
        QCOMPARE(ds.audio.cols(), Eigen::Index(40));
        QVERIFY(ds.audio.allFinite());
        QCOMPARE(ds.vocabulary.size(), std::size_t(ds.lyrics.cols()));
        QCOMPARE(ds.hybrid.cols(), ds.audio.cols() + ds.lyrics.cols());
        // Standardised per modality: every column has mean 0 (population variance 1 or 0).
        QVERIFY(ds.hybrid.colwise().mean().cwiseAbs().maxCoeff() < 1e-12);
        // Each block is exactly its scaler's output (it is standardised in place).
        atlas::StandardScaler audioScaler, lyricsScaler;
        QCOMPARE(atlas::Matrix(ds.hybrid.leftCols(40)), audioScaler.fitTransform(ds.audio));
        QCOMPARE(atlas::Matrix(ds.hybrid.rightCols(ds.lyrics.cols())),
                 lyricsScaler.fitTransform(ds.lyrics));
        QCOMPARE(ds.labelNames, (std::vector<std::string>{"jazz", "rock"}));
        QCOMPARE(ds.cache.decoded, 4);
        QCOMPARE(ds.pairing.matched, 3);
        QCOMPARE(d.size(), std::size_t(1));
        QVERIFY(d.issues()[0].file.filename() == "broken.mp3");

        // Second run: nothing decoded, the broken file's reason comes from the cache.
        atlas::Diagnostics d2;
        const atlas::Dataset again = atlas::buildDataset(cfg, d2);
        QCOMPARE(again.cache.decoded, 0);
        QCOMPARE(again.cache.hits, 4);
        QCOMPARE(again.hybrid, ds.hybrid);
        QCOMPARE(d2.issues().at(0).reason, d.issues().at(0).reason);

        // A changed file is analysed again; other parameters miss entirely.
        writeTone(root / "music/rock/r1.wav", 250, 44100, 2);
        atlas::Diagnostics d3;
        QCOMPARE(atlas::buildDataset(cfg, d3).cache.decoded, 1);
        cfg.audio.decode.duration = 0.8;
        QCOMPARE(atlas::buildDataset(cfg, d3).cache.decoded, 4);
        fs::remove_all(root);
    }
    void lyricsOnlyAndAudioOnlyRuns()
    {
        const fs::path root = atlas::test::makeTempDir("modalities");
        writeText(root / "lyrics.csv", "id,genre,text\n1,a,hello there world\n2,b,goodbye world\n"
                                       "3,a,hello hello\n");
        atlas::DatasetConfig cfg;
        cfg.lyricsCsv = root / "lyrics.csv";
        cfg.useAudio = false;
        atlas::Diagnostics d;
        const atlas::Dataset ds = atlas::buildDataset(cfg, d);
        QCOMPARE(int(ds.layout), int(atlas::CollectionLayout::LyricsOnly));
        QCOMPARE(ds.size(), 3);
        QCOMPARE(ds.audio.cols(), Eigen::Index(0));
        QVERIFY(ds.lyrics.cols() >= 3);
        QCOMPARE(ds.labels(1), 1);
        // The table's rows become the tracks, texts and all.
        QCOMPARE(ds.tracks[1].id, std::string("2"));
        QCOMPARE(ds.tracks[1].lyrics, std::string("goodbye world"));
        QCOMPARE(ds.tracks[2].label, std::string("a"));
        atlas::StandardScaler scaler;
        QCOMPARE(ds.hybrid, scaler.fitTransform(ds.lyrics));

        QCOMPARE(ds.lyricsRows.rows(), Eigen::Index(0));
        QCOMPARE(ds.lyricsColumns(), int(ds.lyrics.cols()));

        // For the feature table alone: the same features as sparse rows, the same tracks,
        // no dense lyrics and no hybrid matrix.
        atlas::DatasetConfig tableOnly = cfg;
        tableOnly.featureTableOnly = true;
        const atlas::Dataset t = atlas::buildDataset(tableOnly, d);
        QCOMPARE(t.hybrid.size(), Eigen::Index(0));
        QCOMPARE(t.lyrics.rows(), Eigen::Index(3));
        QCOMPARE(t.lyrics.cols(), Eigen::Index(0));
        QVERIFY(t.lyricsUsed);
        QCOMPARE(t.lyricsRows.toDense(), ds.lyrics);
        QCOMPARE(t.lyricsColumns(), int(ds.lyrics.cols()));
        QCOMPARE(t.vocabulary, ds.vocabulary);
        QVERIFY(t.tracks == ds.tracks);

        writeTone(root / "flat/a.wav", 300);
        writeTone(root / "flat/b.wav", 600);
        atlas::DatasetConfig audioOnly;
        audioOnly.dataDir = root / "flat";
        audioOnly.useLyrics = false;
        audioOnly.useCache = false;
        const atlas::Dataset a = atlas::buildDataset(audioOnly, d);
        QCOMPARE(a.hybrid.cols(), Eigen::Index(40));
        QVERIFY(!a.hasLabels());
        QCOMPARE(a.labels(0), -1);
        fs::remove_all(root);
    }
    // A symbolic link to a folder inside the collection listed its files again, under the
    // link's folder and so with a wrong label; a hard link listed the same file twice.
    void linksListEachFileOnceUnderItsOwnFolder()
    {
        const fs::path root = atlas::test::makeTempDir("links");
        const fs::path outside = atlas::test::makeTempDir("links-outside");
        writeTone(root / "jazz/b.wav", 220);
        writeTone(root / "rock/a.wav", 330);
        writeTone(outside / "c.wav", 440);
        fs::create_directory_symlink("../rock", root / "jazz/loop");   // a folder inside
        fs::create_directory_symlink("..", root / "rock/up");          // a cycle to the root
        fs::create_directory_symlink(outside, root / "rock/ext");      // a folder outside
        fs::create_hard_link(root / "jazz/b.wav", root / "rock/hard.wav");
        atlas::Diagnostics d;
        const atlas::Collection c = atlas::scanCollection(root, d);
        QCOMPARE(ids(c), (std::vector<std::string>{"jazz/b", "rock/a", "rock/ext/c"}));
        QCOMPARE(c.tracks[0].label, std::string("jazz"));
        QCOMPARE(c.tracks[1].label, std::string("rock"));
        QCOMPARE(c.tracks[1].path, root / "rock/a.wav");
        QCOMPARE(d.size(), std::size_t(1));
        QCOMPARE(d.issues()[0].file, root / "rock/hard.wav");
        QVERIFY2(d.issues()[0].reason.find((root / "jazz/b.wav").string()) != std::string::npos,
                 d.issues()[0].reason.c_str());
        fs::remove_all(root);
        fs::remove_all(outside);
    }

    // seed.wav and seed.flac both had the id "../../seeds/seed"; a file listed twice was
    // analysed twice.
    void idsAreUniqueAndAFileListedTwiceIsReadOnce()
    {
        const fs::path root = atlas::test::makeTempDir("stems");
        writeTone(root / "seeds/seed.wav", 220);
        writeTone(root / "seeds/seed.flac", 330);
        writeTone(root / "seeds/other.wav", 440);
        writeText(root / "sub/dir/m.csv", "path,label\n../../seeds/seed.wav,a\n"
                                          "../../seeds/seed.flac,b\n../../seeds/./seed.wav,a\n"
                                          "../../seeds/other.wav,c\n");
        atlas::Diagnostics d;
        const atlas::Collection c = atlas::readManifest(root / "sub/dir/m.csv", d);
        QCOMPARE(ids(c), (std::vector<std::string>{"../../seeds/seed.wav", "../../seeds/seed.flac",
                                                   "../../seeds/other"}));
        QCOMPARE(d.size(), std::size_t(1));
        QVERIFY(d.issues()[0].file.string().ends_with("m.csv:4"));
        QVERIFY2(d.issues()[0].reason.find("again (already on line 2)") != std::string::npos,
                 d.issues()[0].reason.c_str());

        atlas::Diagnostics flat;
        const atlas::Collection f = atlas::scanCollection(root / "seeds", flat);
        QCOMPARE(ids(f), (std::vector<std::string>{"other", "seed.flac", "seed.wav"}));
        fs::remove_all(root);
    }

    // Every file bad: the message said "see the issues list" and gave no reason.
    void noUsableAudioSaysWhy()
    {
        const fs::path root = atlas::test::makeTempDir("allbad");
        writeText(root / "page.mp3", "<html>not found</html>");
        writeText(root / "notes.wav", std::string(200, 'x'));
        writeText(root / "m.csv", "path\npage.mp3\nnotes.wav\nmissing.flac\nmore.wav\n");
        atlas::DatasetConfig cfg;
        cfg.manifest = root / "m.csv";
        cfg.useCache = false;
        cfg.useLyrics = false;
        atlas::Diagnostics d;
        try {
            atlas::buildDataset(cfg, d);
            QFAIL("expected InputError");
        } catch (const atlas::InputError& e) {
            const std::string m = e.what();
            QVERIFY2(m.find("none of the 4 audio files could be analysed: ") != std::string::npos,
                     m.c_str());
            QVERIFY2(m.find("page.mp3: not an audio file (it is an HTML web page") !=
                         std::string::npos,
                     m.c_str());
            QVERIFY2(m.find("missing.flac: file not found") != std::string::npos, m.c_str());
            QVERIFY2(m.find("and 1 more") != std::string::npos, m.c_str());
        }
        QCOMPARE(d.size(), std::size_t(4));
        fs::remove_all(root);
    }

    // A cache entry of NaN dropped its track silently; 1e308 broke every representation.
    void impossibleCachedValuesAreAnalysedAgain()
    {
        const fs::path root = atlas::test::makeTempDir("cachevalues");
        writeTone(root / "music/a.wav", 220);
        writeTone(root / "music/b.wav", 330);
        writeTone(root / "music/c.wav", 440);
        atlas::DatasetConfig cfg;
        cfg.dataDir = root / "music";
        cfg.useLyrics = false;
        cfg.cacheDir = root / "cache";
        atlas::Diagnostics d;
        const atlas::Dataset first = atlas::buildDataset(cfg, d);
        QCOMPARE(first.cache.decoded, 3);
        {
            atlas::FeatureCache cache(cfg.cacheDir, atlas::audioCacheKey(cfg.audio));
            QVERIFY(cache.loaded());
            std::vector<double> nan(40, 1.0), huge(40, 1.0);
            nan[3] = std::numeric_limits<double>::quiet_NaN();
            huge[0] = 1e308;
            cache.store(root / "music/a.wav", {nan, ""});
            cache.store(root / "music/b.wav", {huge, ""});
            QVERIFY(cache.save());
        }
        atlas::Diagnostics d2;
        const atlas::Dataset again = atlas::buildDataset(cfg, d2);
        QCOMPARE(again.size(), 3);
        QCOMPARE(again.cache.decoded, 2);
        QCOMPARE(again.audio, first.audio);
        QCOMPARE(d2.size(), std::size_t(2));
        QCOMPARE(countReasons(d2, "held a NaN MFCC mean"), std::size_t(1));
        QCOMPARE(countReasons(d2, "held an MFCC mean of 1e+308"), std::size_t(1));
        // The values analysed again replaced the bad ones.
        atlas::Diagnostics d3;
        QCOMPARE(atlas::buildDataset(cfg, d3).cache.decoded, 0);
        QVERIFY(d3.empty());

        // A cache path that is a FIFO or a link to /dev/zero is no cache, not a hang, and is
        // left as it is (a save renaming over the link would replace the device itself).
        const fs::path file = atlas::FeatureCache(cfg.cacheDir, atlas::audioCacheKey(cfg.audio)).file();
        fs::remove(file);
        fs::create_symlink("/dev/zero", file);
        QVERIFY(!atlas::FeatureCache(cfg.cacheDir, atlas::audioCacheKey(cfg.audio)).loaded());
        {
            atlas::FeatureCache cache(cfg.cacheDir, atlas::audioCacheKey(cfg.audio));
            cache.store(root / "music/a.wav", {std::vector<double>(40, 1.0), ""});
            std::string error;
            QVERIFY(!cache.save(&error));
            QVERIFY2(error.find("not a regular file (a device)") != std::string::npos,
                     error.c_str());
        }
        QVERIFY(fs::is_symlink(fs::symlink_status(file)));
        QVERIFY(fs::is_character_file(fs::status(file)));
        fs::remove(file);
        QCOMPARE(::mkfifo(file.c_str(), 0600), 0);
        atlas::Diagnostics d4;
        const atlas::Dataset ds = atlas::buildDataset(cfg, d4);
        QCOMPARE(ds.cache.decoded, 3);
        QCOMPARE(ds.audio, first.audio);
        QCOMPARE(countReasons(d4, "not a regular file (a named pipe)"), std::size_t(1));
        QVERIFY(fs::is_fifo(fs::status(file)));
        fs::remove(file);
        fs::remove_all(root);
    }

    // "TF-IDF: empty vocabulary" named no file and no cause.
    void noLyricsWordsNamesTheSource()
    {
        const fs::path root = atlas::test::makeTempDir("novocab");
        writeText(root / "digits.csv", "id,text\n1,a 1 b\n2,c\n3,\n");
        atlas::DatasetConfig cfg;
        cfg.lyricsCsv = root / "digits.csv";
        cfg.useAudio = false;
        atlas::Diagnostics d;
        try {
            atlas::buildDataset(cfg, d);
            QFAIL("expected InputError");
        } catch (const atlas::InputError& e) {
            const std::string m = e.what();
            QVERIFY2(m.find(cfg.lyricsCsv.string() + ": no lyrics features") == 0, m.c_str());
            QVERIFY2(m.find("(column \"text\")") != std::string::npos, m.c_str());
            QVERIFY2(m.find("2 of 3 tracks have any lyrics text") != std::string::npos, m.c_str());
            QVERIFY2(m.find("empty vocabulary") != std::string::npos, m.c_str());
        }
        fs::remove_all(root);
    }

    void invalidConfigurationsAreRejected()
    {
        atlas::Diagnostics d;
        atlas::DatasetConfig none;
        QVERIFY_THROWS_EXCEPTION(atlas::ConfigError, atlas::buildDataset(none, d));
        atlas::DatasetConfig two;
        two.demo = true;
        two.dataDir = "/tmp";
        QVERIFY_THROWS_EXCEPTION(atlas::ConfigError, atlas::buildDataset(two, d));
        atlas::DatasetConfig nothing;
        nothing.dataDir = "/tmp";
        nothing.useAudio = nothing.useLyrics = false;
        QVERIFY(!nothing.validate().empty());
        atlas::DatasetConfig allBad;
        const fs::path root = atlas::test::makeTempDir("allbad");
        writeText(root / "a.wav", "");
        writeText(root / "b.ogg", "text");
        allBad.dataDir = root;
        allBad.useCache = false;
        QVERIFY_THROWS_EXCEPTION(atlas::InputError, atlas::buildDataset(allBad, d));
        QCOMPARE(d.size(), std::size_t(2));
        fs::remove_all(root);
    }
    void demoCorpusGivesTheSeedsShape()
    {
        const fs::path cache = atlas::test::makeTempDir("democache");
        qputenv("XDG_CACHE_HOME", QByteArray::fromStdString(cache.string()));
        atlas::DatasetConfig cfg;
        cfg.demo = true;
        cfg.demoCorpus.tracksPerGenre = 2;
        cfg.demoCorpus.durationSeconds = 10.0;
        std::vector<double> seen;
        atlas::Progress progress([&](std::string_view, double v, std::string_view) { seen.push_back(v); },
                                 nullptr);
        atlas::Diagnostics d;
        const atlas::Dataset ds = atlas::buildDataset(cfg, d, progress);
        QCOMPARE(ds.size(), 20);
        QCOMPARE(ds.labelNames.size(), std::size_t(10));
        QCOMPARE(ds.audio.cols(), Eigen::Index(40));
        QVERIFY(ds.lyrics.cols() > 50);
        QVERIFY(!ds.pairing.approximate());
        QVERIFY(d.empty());
        QVERIFY(!seen.empty());
        QVERIFY(std::is_sorted(seen.begin(), seen.end()));
        QCOMPARE(seen.back(), 1.0);
        fs::remove_all(cache);
    }
    void cancellationStopsTheBuild()
    {
        const fs::path root = atlas::test::makeTempDir("cancel");
        for (int i = 0; i < 8; ++i)
            writeTone(root / ("t" + std::to_string(i) + ".wav"), 200 + 50 * i);
        std::atomic<bool> cancel{true};
        atlas::DatasetConfig cfg;
        cfg.dataDir = root;
        cfg.useLyrics = false;
        cfg.useCache = false;
        atlas::Diagnostics d;
        QVERIFY_THROWS_EXCEPTION(atlas::Cancelled,
                                 atlas::buildDataset(cfg, d, atlas::Progress({}, &cancel)));
        fs::remove_all(root);
    }
};

QTEST_GUILESS_MAIN(TestDataset)
#include "test_dataset.moc"
