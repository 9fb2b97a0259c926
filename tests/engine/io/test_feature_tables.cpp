// SPDX-License-Identifier: GPL-3.0-or-later
// Feature tables (engine/data/feature_table.h, engine/data/npy.h, writeFeatureNpy): .npy files
// read as numpy wrote them (fixtures from tests/data/npy/gen_npy.py) and written byte for byte
// as numpy.save writes them; damaged headers refused with the file's name; tables of other
// people's embeddings read with their bad rows left out; and a run from the table that
// `features` writes, CSV or NumPy, equal to the run from the audio.
#include "engine/core/error.h"
#include "engine/data/feature_table.h"
#include "engine/data/npy.h"
#include "engine/demo/demo_corpus.h"
#include "engine/io/export.h"
#include "engine/io/session_io.h"
#include "engine/pipeline/extend.h"
#include "engine/pipeline/pipeline.h"
#include "tests/support/fixtures.h"

#include <QtTest>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>

namespace fs = std::filesystem;

namespace {

atlas::Matrix fixtureValues()
{
    return atlas::test::readNumericCsv(atlas::test::fixture("npy/values.csv"));
}

void writeBytes(const fs::path& file, const std::string& bytes)
{
    std::ofstream out(file, std::ios::binary);
    out << bytes;
}

// The error's message when `call` throws InputError, else "".
template <class F>
std::string inputError(F&& call)
{
    try {
        call();
    } catch (const atlas::InputError& e) {
        return e.what();
    }
    return {};
}

// A small demo corpus (6 tracks per genre, 3 s) with its manifest and lyrics.
struct Corpus {
    atlas::DemoCorpus corpus;
    fs::path root, cache;
};

const Corpus& corpus()
{
    static const Corpus c = [] {
        Corpus c;
        c.root = atlas::test::makeTempDir("feature-tables");
        atlas::DemoCorpusConfig demo;
        demo.tracksPerGenre = 6;
        demo.durationSeconds = 3.0;
        c.corpus = atlas::ensureDemoCorpus(demo, c.root / "corpus");
        c.cache = c.root / "cache";
        return c;
    }();
    return c;
}

atlas::PipelineConfig smallRun()
{
    atlas::PipelineConfig cfg;
    cfg.data.manifest = corpus().corpus.manifestCsv;
    cfg.data.lyricsCsv = corpus().corpus.lyricsCsv;
    cfg.data.audio.decode.duration = 2.0;
    cfg.data.cacheDir = corpus().cache;
    cfg.representations = {atlas::Representation::Pca, atlas::Representation::Autoencoder,
                           atlas::Representation::Cvae};
    cfg.latentDim = 4;
    cfg.hidden = {16};
    cfg.epochs = 4;
    cfg.batchSize = 16;
    cfg.clusters = 5;
    cfg.tsne.iterations = 250;
    cfg.umap.epochs = 50;
    cfg.threads = 2;
    return cfg;
}

void compareRuns(const atlas::RunResult& a, const atlas::RunResult& b)
{
    QCOMPARE(b.dataset.size(), a.dataset.size());
    for (int i = 0; i < a.dataset.size(); ++i) {
        QCOMPARE(b.dataset.tracks[std::size_t(i)].id, a.dataset.tracks[std::size_t(i)].id);
        QCOMPARE(b.dataset.tracks[std::size_t(i)].label, a.dataset.tracks[std::size_t(i)].label);
    }
    QVERIFY(b.dataset.hybrid == a.dataset.hybrid);
    QCOMPARE(b.dataset.labelNames, a.dataset.labelNames);
    QCOMPARE(b.representations.size(), a.representations.size());
    for (std::size_t r = 0; r < a.representations.size(); ++r) {
        const atlas::RepresentationResult& x = a.representations[r];
        const atlas::RepresentationResult& y = b.representations[r];
        QVERIFY2(x.ok && y.ok, (x.error + y.error).c_str());
        QVERIFY(y.codes == x.codes);
        QCOMPARE(y.clusterings.size(), x.clusterings.size());
        for (std::size_t c = 0; c < x.clusterings.size(); ++c) {
            QVERIFY(y.clusterings[c].labels == x.clusterings[c].labels);
            QCOMPARE(y.clusterings[c].scores.silhouette, x.clusterings[c].scores.silhouette);
            QCOMPARE(y.clusterings[c].scores.ari, x.clusterings[c].scores.ari);
            QCOMPARE(y.clusterings[c].scores.nmi, x.clusterings[c].scores.nmi);
        }
        QVERIFY(!x.maps.empty());
        QCOMPARE(y.maps.size(), x.maps.size());
        for (std::size_t m = 0; m < x.maps.size(); ++m)
            QVERIFY(y.maps[m].xy == x.maps[m].xy);
    }
}

} // namespace

class TestFeatureTables : public QObject {
    Q_OBJECT
private slots:
    void readsWhatNumpyWrote()
    {
        const atlas::Matrix m = fixtureValues();
        QCOMPARE(m.rows(), Eigen::Index(3));
        QCOMPARE(m.cols(), Eigen::Index(4));
        QVERIFY(atlas::readNpy(atlas::test::fixture("npy/c_f8.npy")) == m);
        // float32 in Fortran order: the float32 values, exactly.
        const atlas::Matrix f4 = atlas::readNpy(atlas::test::fixture("npy/fortran_f4.npy"));
        QVERIFY(f4 == m.cast<float>().cast<double>());
        QVERIFY(f4 != m);   // 1e-3 and 1/3 are not float32 numbers
        const atlas::Matrix ints = (m * 8.0).array().round().matrix();
        QVERIFY(atlas::readNpy(atlas::test::fixture("npy/big_i4.npy")) == ints);
        QVERIFY(atlas::readNpy(atlas::test::fixture("npy/i8.npy")) == ints);
        const atlas::Matrix v = atlas::readNpy(atlas::test::fixture("npy/vector_f8.npy"));
        QCOMPARE(v.rows(), Eigen::Index(3));
        QCOMPARE(v.cols(), Eigen::Index(1));
        QVERIFY(v.col(0) == m.col(1));
        const atlas::NpyHeader h = atlas::readNpyHeader(atlas::test::fixture("npy/big_i4.npy"));
        QCOMPARE(h.descr, std::string(">i4"));
        QCOMPARE(h.dataOffset, std::uint64_t(128));
    }

    void writesWhatNumpySaveWrites()
    {
        const fs::path dir = atlas::test::makeTempDir("npy-write");
        atlas::writeNpy(dir / "m.npy", fixtureValues());
        const std::string ours = atlas::test::readFile(dir / "m.npy");
        QVERIFY(!ours.empty());
        QVERIFY(ours == atlas::test::readFile(atlas::test::fixture("npy/c_f8.npy")));
        // A shape numpy pads differently: still 64-byte aligned and read back.
        const atlas::Matrix big = atlas::Matrix::Random(1234, 7);
        atlas::writeNpy(dir / "big.npy", big);
        QCOMPARE(atlas::readNpyHeader(dir / "big.npy").dataOffset % 64, std::uint64_t(0));
        QVERIFY(atlas::readNpy(dir / "big.npy") == big);
        QVERIFY(atlas::test::temporaryFiles(dir).empty());
    }

    void refusesDamagedNpy_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("reason");
        const std::string good = atlas::test::readFile(atlas::test::fixture("npy/c_f8.npy"));
        const auto header = [&](const std::string& dict, std::size_t dataBytes = 96) {
            std::string h = dict;
            h.append((64 - (10 + h.size() + 1) % 64) % 64, ' ');
            h.push_back('\n');
            std::string b = std::string("\x93NUMPY\x01\x00", 8);
            b.push_back(char(h.size() & 0xff));
            b.push_back(char(h.size() >> 8));
            return b + h + std::string(dataBytes, '\0');
        };
        const auto add = [](const char* name, const std::string& b, const char* reason) {
            QTest::newRow(name) << QByteArray(b.data(), qsizetype(b.size())) << QString(reason);
        };
        add("cut short", good.substr(0, good.size() - 5), "cut short");
        add("empty", "", "not a .npy file");
        add("not npy", "track_id,path\n1,a.wav\n", "not a .npy file");
        std::string v9 = good;
        v9[6] = 9;
        add("unknown version", v9, "version 9");
        std::string longHeader = good.substr(0, 10);
        longHeader[8] = char(0xff);
        longHeader[9] = char(0xff);
        add("header past the end", longHeader + "{'descr'", "cut short in its header");
        std::string v2 = std::string("\x93NUMPY\x02\x00", 8) + std::string("\xff\xff\xff\x7f", 4);
        add("absurd header length", v2 + "{}", "a .npy header of");
        add("text dtype", header("{'descr': '<U10', 'fortran_order': False, 'shape': (3, 4), }"),
            "values of type '<U10'");
        add("object dtype", header("{'descr': '|O', 'fortran_order': False, 'shape': (3, 4), }"),
            "values of type '|O'");
        add("three dimensions",
            header("{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2, 2), }"),
            "3 dimensions");
        add("huge shape",
            header("{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000000000, 540), }"),
            "too large to be real");
        add("shape beyond the data",
            header("{'descr': '<f8', 'fortran_order': False, 'shape': (1000000, 540), }"),
            "promises 1000000 x 540 values");
        add("negative shape",
            header("{'descr': '<f8', 'fortran_order': False, 'shape': (-3, 4), }"),
            "non-negative integers");
        add("missing key", header("{'descr': '<f8', 'shape': (3, 4), }"), "has no 'fortran_order'");
        add("extra key",
            header("{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), 'x': 'y', }"),
            "keys other than");
        add("not a dict", header("[1, 2, 3]"), "lacks '{'");
        add("unterminated", header("{'descr: <f8, }"), "unterminated string");
    }

    void refusesDamagedNpy()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, reason);
        const fs::path dir = atlas::test::makeTempDir("npy-bad");
        const fs::path file = dir / "features.npy";
        writeBytes(file, bytes.toStdString());
        writeBytes(dir / "features.rows.csv", "track_id\na\nb\nc\n");
        const std::string a = inputError([&] { atlas::readNpy(file); });
        QVERIFY2(a.rfind(file.string() + ": ", 0) == 0, a.c_str());
        QVERIFY2(a.find(reason.toStdString()) != std::string::npos, a.c_str());
        atlas::Diagnostics diagnostics;
        const std::string b = inputError([&] { atlas::readFeatureTable(file, diagnostics); });
        QCOMPARE(b, a);
    }

    void readsOtherEmbeddings()
    {
        // Someone's own embeddings: file names, a genre column, three numbers, a comment.
        const fs::path dir = atlas::test::makeTempDir("own-embeddings");
        const fs::path file = dir / "clap.csv";
        writeBytes(file,
                   "filename,genre,emb_0,emb_1,emb_2,comment\r\n"
                   "\"Artist, The/01 - Song.flac\",rock,0.5,-1,2.5e-3,\"said \"\"hi\"\"\"\r\n"
                   "b.mp3,jazz,1,2,3,\r\n"
                   "c.mp3,jazz,1,abc,3,bad number\r\n"
                   "d.mp3,pop,nan,2,3,not finite\r\n"
                   "\r\n"
                   "b.mp3,pop,7,8,9,repeated\r\n"
                   "e.ogg,pop,4,5\r\n"
                   "/music/f.opus,,-0.25,0,1e300,\r\n");
        atlas::Diagnostics diagnostics;
        const atlas::FeatureTable t = atlas::readFeatureTable(file, diagnostics);
        QCOMPARE(t.rowsRead, 7);
        QCOMPARE(int(t.tracks.size()), 3);
        QCOMPARE(t.audioNames, (std::vector<std::string>{"emb_0", "emb_1", "emb_2"}));
        QVERIFY(!t.mfccAudio);
        QCOMPARE(t.lyrics.cols(), Eigen::Index(0));
        QCOMPARE(t.ignoredColumns, std::vector<std::string>{"comment"});
        atlas::Matrix expected(3, 3);
        expected << 0.5, -1, 2.5e-3, 1, 2, 3, -0.25, 0, 1e300;
        QVERIFY(t.audio == expected);
        QCOMPARE(t.tracks[0].id, std::string("Artist, The/01 - Song.flac"));
        QCOMPARE(t.tracks[0].path, (dir / "Artist, The/01 - Song.flac").lexically_normal());
        QCOMPARE(t.tracks[2].path, fs::path("/music/f.opus"));
        // Without a label column the genre column labels the tracks.
        QCOMPARE(t.tracks[0].layoutLabel, std::string("rock"));
        QCOMPARE(t.tracks[1].tags.genre(), std::string("jazz"));
        QCOMPARE(t.tracks[2].layoutLabel, std::string());
        // Each left-out row named by its line and why.
        const auto issues = diagnostics.issues();
        const auto said = [&](const std::string& where, const std::string& what) {
            return std::any_of(issues.begin(), issues.end(), [&](const atlas::Issue& i) {
                return i.file == fs::path(file.string() + ":" + where) &&
                       i.reason.find(what) != std::string::npos;
            });
        };
        QVERIFY(said("4", "column \"emb_1\": \"abc\" is not a number"));
        QVERIFY(said("5", "column \"emb_0\": \"nan\" is not a finite number"));
        QVERIFY(said("7", "the track \"b.mp3\" is already in the table"));
        QVERIFY(said("8", "column \"emb_2\": empty"));
        QCOMPARE(int(issues.size()), 4);
    }

    // Lines ended by a bare carriage return (old Mac files): every row is read, and repeated
    // ids are still caught once the tracks outgrow the room reserved for them.
    void readsRowsEndedByCarriageReturns()
    {
        const fs::path dir = atlas::test::makeTempDir("cr-table");
        const fs::path file = dir / "cr.csv";
        std::string text = "filename,emb_0,emb_1\r";
        for (int i = 0; i < 300; ++i)
            text += "track number " + std::to_string(i) + ".flac," + std::to_string(i) + ",1\r";
        text += "track number 7.flac,7,1\rtrack number 299.flac,9,9\r";
        writeBytes(file, text);
        atlas::Diagnostics diagnostics;
        const atlas::FeatureTable t = atlas::readFeatureTable(file, diagnostics);
        QCOMPARE(int(t.tracks.size()), 300);
        QCOMPARE(t.tracks[299].id, std::string("track number 299.flac"));
        QCOMPARE(t.audio(299, 0), 299.0);
        int repeats = 0;
        for (const atlas::Issue& i : diagnostics.issues())
            repeats += i.reason.find("is already in the table") != std::string::npos ? 1 : 0;
        QCOMPARE(repeats, 2);
    }

    void readsNumpyTablesWithBadRows()
    {
        // A float32 Fortran-order matrix as numpy users save theirs, a NaN in row 2, and rows
        // and column names beside it.
        const fs::path dir = atlas::test::makeTempDir("npy-table");
        fs::copy_file(atlas::test::fixture("npy/fortran_f4.npy"), dir / "mine.npy");
        std::string bytes = atlas::test::readFile(dir / "mine.npy");
        const atlas::NpyHeader h = atlas::readNpyHeader(dir / "mine.npy");
        // Fortran order: row 1 (0-based) of column 2 is value 2 * 3 + 1.
        const float nan = std::numeric_limits<float>::quiet_NaN();
        std::memcpy(bytes.data() + h.dataOffset + (2 * 3 + 1) * 4, &nan, 4);
        writeBytes(dir / "mine.npy", bytes);
        writeBytes(dir / "mine.rows.csv", "path,genre\na.flac,rock\nb.flac,jazz\nc.flac,rock\n");
        writeBytes(dir / "mine.columns.txt", "mfcc_mean_00\ntfidf:love\nmfcc_std_00\ntfidf:night\n");
        atlas::Diagnostics d;
        const atlas::FeatureTable t = atlas::readFeatureTable(dir / "mine.npy", d);
        QCOMPARE(t.format, atlas::FeatureTableFormat::Npy);
        QCOMPARE(int(t.tracks.size()), 2);
        QCOMPARE(t.tracks[1].id, std::string("c.flac"));
        QCOMPARE(t.tracks[1].layoutLabel, std::string("rock"));
        QCOMPARE(t.audioNames, (std::vector<std::string>{"mfcc_mean_00", "mfcc_std_00"}));
        QCOMPARE(t.vocabulary, (std::vector<std::string>{"love", "night"}));
        QVERIFY(t.mfccAudio);
        const atlas::Matrix f = fixtureValues().cast<float>().cast<double>();
        QCOMPARE(t.audio(1, 0), f(2, 0));
        QCOMPARE(t.audio(1, 1), f(2, 2));
        QCOMPARE(t.lyrics(0, 1), f(0, 3));
        // Without has_lyrics, a row has lyrics when its lyrics columns are not all zero.
        QCOMPARE(t.tracks[0].lyricsSource, atlas::LyricsSource::Manifest);
        const auto issues = d.issues();
        QCOMPARE(int(issues.size()), 1);
        QCOMPARE(issues[0].file, dir / "mine.npy");
        QVERIFY2(issues[0].reason.find("row 2, column \"mfcc_std_00\": not a finite number") !=
                     std::string::npos,
                 issues[0].reason.c_str());
        // The summary the app shows before a run.
        const atlas::FeatureTableSummary s = atlas::summariseFeatureTable(dir / "mine.npy");
        QCOMPARE(s.rows, std::int64_t(3));
        QCOMPARE(s.audioColumns, 2);
        QCOMPARE(s.lyricsColumns, 2);
        QVERIFY(s.labelled && s.mfccAudio);
        // A column list that does not fit the matrix.
        writeBytes(dir / "mine.columns.txt", "a\nb\n");
        QVERIFY(inputError([&] { atlas::readFeatureTable(dir / "mine.npy", d); })
                    .find("names 2 columns, but mine.npy has 4") != std::string::npos);
    }

    void refusesUnusableTables()
    {
        const fs::path dir = atlas::test::makeTempDir("tables-bad");
        atlas::Diagnostics d;
        const auto failure = [&](const std::string& name, const std::string& text) {
            writeBytes(dir / name, text);
            return inputError([&] { atlas::readFeatureTable(dir / name, d); });
        };
        QVERIFY(failure("empty.csv", "").find("empty") != std::string::npos);
        QVERIFY(failure("text.csv", "path,title\na.mp3,Song\n").find("no feature columns") !=
                std::string::npos);
        QVERIFY(failure("header.csv", "path,x\n").find("no data rows") != std::string::npos);
        QVERIFY(failure("bad.csv", "path,x\na,1\nb,nan\n").empty());
        QVERIFY(failure("none.csv", "path,x,y\na,nan,1\nb,1,\n").find("none of its 2 rows") !=
                std::string::npos);
        QVERIFY(failure("twice.csv", "path,x,x\na,1,2\n").find("appears twice") !=
                std::string::npos);
        // A .npy without the rows that name its tracks.
        atlas::writeNpy(dir / "alone.npy", atlas::Matrix::Ones(2, 2));
        QVERIFY(inputError([&] { atlas::readFeatureTable(dir / "alone.npy", d); })
                    .find("alone.rows.csv") != std::string::npos);
        writeBytes(dir / "alone.rows.csv", "track_id\na\n");
        QVERIFY(inputError([&] { atlas::readFeatureTable(dir / "alone.npy", d); })
                    .find("has 1 rows, but alone.npy has 2") != std::string::npos);
        // A folder, not a file.
        QVERIFY(inputError([&] { atlas::readFeatureTable(dir, d); })
                    .rfind(dir.string() + ": ", 0) == 0);
    }

    void runFromTableEqualsRunFromAudio()
    {
        atlas::Diagnostics d;
        const atlas::PipelineConfig audioCfg = smallRun();
        const atlas::RunResult fromAudio = atlas::runPipeline(audioCfg, d);
        QCOMPARE(fromAudio.dataset.size(), 60);

        // What `features` writes: the dataset built for the table alone.
        atlas::DatasetConfig tableCfg = audioCfg.data;
        tableCfg.featureTableOnly = true;
        const atlas::Dataset ds = atlas::buildDataset(tableCfg, d);
        const fs::path dir = atlas::test::makeTempDir("features-run");
        atlas::writeFeatureCsv(ds, dir / "features.csv");
        atlas::writeFeatureNpy(ds, dir / "features.npy");

        for (const char* name : {"features.csv", "features.npy"}) {
            atlas::PipelineConfig cfg = audioCfg;
            cfg.data = atlas::DatasetConfig();
            cfg.data.featuresFile = dir / name;
            cfg.data.threads = 2;
            atlas::Diagnostics issues;
            const atlas::RunResult fromTable = atlas::runPipeline(cfg, issues);
            QCOMPARE(fromTable.dataset.layout, atlas::CollectionLayout::FeatureTable);
            QCOMPARE(fromTable.dataset.audioNames, fromAudio.dataset.audioNames);
            QCOMPARE(fromTable.dataset.vocabulary, fromAudio.dataset.vocabulary);
            compareRuns(fromAudio, fromTable);
            if (QTest::currentTestFailed())
                QFAIL(name);

            // The table as the source of a session.
            const fs::path session = dir / (std::string(name) + ".atlassession");
            atlas::saveSession(session, fromTable);
            const atlas::RunResult again = atlas::loadSession(session);
            QCOMPARE(again.config.data.featuresFile, dir / name);
            QCOMPARE(again.dataset.layout, atlas::CollectionLayout::FeatureTable);
            // Tracks cannot be added to it: there is no lyrics text to weigh new words by.
            atlas::DatasetConfig more;
            more.manifest = corpus().corpus.manifestCsv;
            QVERIFY(inputError([&] {
                        atlas::extendRun(again, more, atlas::ExtendMode::Add, issues);
                    }).find("feature table") != std::string::npos);
        }

        // Picking a block: --use-audio alone gives the audio run.
        atlas::PipelineConfig audioOnly = audioCfg;
        audioOnly.data.useLyrics = false;
        audioOnly.data.lyricsCsv.clear();
        const atlas::RunResult a = atlas::runPipeline(audioOnly, d);
        atlas::PipelineConfig tableAudio = audioOnly;
        tableAudio.data = atlas::DatasetConfig();
        tableAudio.data.featuresFile = dir / "features.npy";
        tableAudio.data.useLyrics = false;
        compareRuns(a, atlas::runPipeline(tableAudio, d));
    }
};

QTEST_GUILESS_MAIN(TestFeatureTables)
#include "test_feature_tables.moc"
