// SPDX-License-Identifier: GPL-3.0-or-later
// musicatlas-cli as a user runs it: exit codes, the files of `run`, saved sessions and models
// that load again, and bad input that is reported instead of crashing.

#include "engine/data/csv.h"
#include "engine/io/model_io.h"
#include "engine/io/session_io.h"
#include "engine/pipeline/dataset.h"
#include "engine/similarity/neighbours.h"
#include "engine/similarity/playlists.h"
#include "engine/similarity/track_lookup.h"
#include "tests/support/fixtures.h"
#include "tests/support/signals.h"

#include <QProcess>
#include <QtTest>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace fs = std::filesystem;

namespace {

struct Outcome {
    int exitCode = -1;
    QString out, err;
};

Outcome cli(const QStringList& args, const fs::path& home)
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    // The demo corpus and the feature cache go to a folder of this test.
    env.insert(QStringLiteral("XDG_DATA_HOME"), QString::fromStdString((home / "data").string()));
    env.insert(QStringLiteral("XDG_CACHE_HOME"), QString::fromStdString((home / "cache").string()));
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(ATLAS_CLI), args);
    if (!p.waitForFinished(540'000))
        return {};
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
            QString::fromUtf8(p.readAllStandardOutput()), QString::fromUtf8(p.readAllStandardError())};
}

QString str(const fs::path& p)
{
    return QString::fromStdString(p.string());
}

} // namespace

class TestCli : public QObject {
    Q_OBJECT
    fs::path m_home;

private slots:
    void initTestCase() { m_home = atlas::test::makeTempDir("cli-home"); }

    void usageErrorsExitWithTwo()
    {
        Outcome o = cli({QStringLiteral("run"), QStringLiteral("--epochs"), QStringLiteral("many")}, m_home);
        QCOMPARE(o.exitCode, 2);
        QVERIFY2(o.err.contains(QStringLiteral("--epochs")), qPrintable(o.err));
        o = cli({QStringLiteral("frobnicate")}, m_home);
        QCOMPARE(o.exitCode, 2);
        o = cli({QStringLiteral("run"), QStringLiteral("--demo"), QStringLiteral("--save-session=")}, m_home);
        QCOMPARE(o.exitCode, 2);
        o = cli({QStringLiteral("--help")}, m_home);
        QCOMPARE(o.exitCode, 0);
        QVERIFY(o.out.contains(QStringLiteral("--save-session")) || o.err.contains(QStringLiteral("--save-session")));
    }

    void unusableInputExitsWithOne()
    {
        const fs::path empty = atlas::test::makeTempDir("cli-empty-folder");
        atlas::test::writeBytes(empty / "notes.txt", "no audio here");
        atlas::test::writeBytes(empty / "broken.wav", "RIFF\x04\0\0\0WAVE");
        const Outcome o = cli({QStringLiteral("run"), QStringLiteral("--data-dir"), str(empty),
                               QStringLiteral("--out"), str(m_home / "out-empty"), QStringLiteral("--quiet")},
                              m_home);
        QCOMPARE(o.exitCode, 1);
        QVERIFY2(!o.err.isEmpty(), "a reason is printed");
    }

    void runWritesEveryFileAndSavesSessionAndModels()
    {
        const fs::path out = m_home / "out";
        const fs::path session = m_home / "run.atlassession";
        const fs::path models = m_home / "models";
        // Figures of an earlier run into the same folder: this run draws none, so they go;
        // a file of the user's there stays.
        for (const fs::path& f : {out / "latent_visualization" / "pca_kmeans_tsne.png",
                                  out / "latent_visualization" / "notes.txt",
                                  out / "analysis_plots" / "silhouette.png"}) {
            fs::create_directories(f.parent_path());
            atlas::test::writeBytes(f, "an earlier run");
        }
        const Outcome o = cli({QStringLiteral("run"), QStringLiteral("--demo"), QStringLiteral("--demo-tracks"),
                               QStringLiteral("3"), QStringLiteral("--duration"), QStringLiteral("2"),
                               QStringLiteral("--epochs"), QStringLiteral("2"), QStringLiteral("--threads"),
                               QStringLiteral("2"), QStringLiteral("--no-figures"), QStringLiteral("--quiet"),
                               QStringLiteral("--out"), str(out), QStringLiteral("--save-session"), str(session),
                               QStringLiteral("--save-models"), str(models)},
                              m_home);
        QVERIFY2(o.exitCode == 0, qPrintable(o.err));
        for (const char* f : {"clustering_metrics.csv", "latent.csv", "embeddings.csv",
                              "training_history.csv", "issues.csv", "run.json"})
            QVERIFY2(fs::is_regular_file(out / f), f);
        QVERIFY(!fs::exists(out / "latent_visualization" / "pca_kmeans_tsne.png"));
        QVERIFY(!fs::exists(out / "analysis_plots"));
        QVERIFY(fs::is_regular_file(out / "latent_visualization" / "notes.txt"));
        QVERIFY(atlas::test::temporaryFiles(m_home).empty());
        // 5 representations x 3 clusterings + the header.
        std::ifstream metrics(out / "clustering_metrics.csv");
        int lines = 0;
        for (std::string line; std::getline(metrics, line);)
            ++lines;
        QCOMPARE(lines, 1 + 15);

        const atlas::RunResult run = atlas::loadSession(session);
        QCOMPARE(run.dataset.size(), 30);
        QCOMPARE(int(run.representations.size()), 5);
        QCOMPARE(run.config.epochs, 2);
        for (const char* key : {"pca", "ae", "vae", "betavae", "cvae"}) {
            const fs::path file = models / (std::string(key) + ".atlasmodel");
            QVERIFY2(fs::is_regular_file(file), key);
            const atlas::LoadedModel m = atlas::loadModel(file);
            QVERIFY(m.codes.has_value());
            QCOMPARE(m.codes->rows(), 30);
        }
    }

    void exportWritesWhatRunWrote()
    {
        // The session and tables of runWritesEveryFileAndSavesSessionAndModels.
        const fs::path session = m_home / "run.atlassession";
        const fs::path out = m_home / "exported";
        QVERIFY(fs::is_regular_file(session));
        const Outcome o = cli({"export", "--session", str(session), "--out", str(out), "--no-figures"}, m_home);
        QVERIFY2(o.exitCode == 0, qPrintable(o.err));
        QVERIFY2(o.out.contains("of 30 tracks"), qPrintable(o.out));
        for (const char* f : {"clustering_metrics.csv", "latent.csv", "embeddings.csv",
                              "training_history.csv", "issues.csv", "run.json"}) {
            const std::string exported = atlas::test::readFile(out / f);
            QVERIFY2(!exported.empty(), f);
            QVERIFY2(exported == atlas::test::readFile(m_home / "out" / f), f);
        }
        const Outcome missing = cli({"export", "--out", str(out)}, m_home);
        QCOMPARE(missing.exitCode, 2);
        QVERIFY(missing.err.contains("--session"));
        const Outcome broken = cli({"export", "--session", str(m_home / "no-such.atlassession"),
                                    "--out", str(out)}, m_home);
        QCOMPARE(broken.exitCode, 1);
        QVERIFY2(broken.err.contains("no-such.atlassession"), qPrintable(broken.err));
    }

    void figuresAreDrawnAndTheProgramEndsCleanly()
    {
        // The figures' Qt application used to be left to static destruction, which crashed
        // the process on exit (status 139) after every file was written.
        const fs::path session = m_home / "run.atlassession";
        const fs::path out = m_home / "with-figures";
        const Outcome o = cli({"export", "--session", str(session), "--out", str(out)}, m_home);
        QVERIFY2(o.exitCode == 0, qPrintable(o.err));
        QVERIFY(fs::is_regular_file(out / "latent_visualization" / "pca_kmeans_tsne.png"));
        QVERIFY(fs::is_regular_file(out / "analysis_plots" / "silhouette.png"));
    }

    void addPlacesNewFilesOnASavedSession()
    {
        // Two files the session does not have, named on the command line.
        const fs::path session = m_home / "run.atlassession";
        const fs::path dir = m_home / "new music";
        std::vector<QString> files;
        for (int i = 0; i < 2; ++i) {
            std::vector<float> x = atlas::test::sines(22050, 3.0, {{{220.0 * (i + 1), 0.3}, {555.0, 0.1}}});
            atlas::test::addNoise(x, 0.02, atlas::Seed(i + 1));
            files.push_back(str(atlas::test::writeSignal(dir / ("song " + std::to_string(i) + ".wav"),
                                                          x, 1, 22050)));
        }
        const fs::path added = m_home / "added.atlassession";
        const Outcome o = cli({"add", "--session", str(session), files[0], files[1], "--out",
                               str(added), "--quiet"}, m_home);
        QVERIFY2(o.exitCode == 0, qPrintable(o.err));
        QVERIFY2(o.out.contains("added 2 tracks"), qPrintable(o.out));
        QVERIFY2(o.out.contains("tracks: 32 (30 fitted, 2 added without retraining)"),
                 qPrintable(o.out));
        const atlas::RunResult run = atlas::loadSession(added);
        QCOMPARE(run.dataset.size(), 32);
        QCOMPARE(run.addedCount(), 2);
        QVERIFY(run.isAdded(30) && run.isAdded(31) && !run.isAdded(0));
        for (const atlas::RepresentationResult& rep : run.representations) {
            QCOMPARE(rep.codes.rows(), 32);
            for (const atlas::MapResult& m : rep.maps)
                QVERIFY(m.xy.allFinite());
        }
        // The session it was made from is unchanged, and adding the same files to the new
        // one finds them there.
        QCOMPARE(atlas::loadSession(session).dataset.size(), 30);
        const Outcome again = cli({"add", "--session", str(added), files[0], "--out",
                                   str(m_home / "again.atlassession"), "--quiet"}, m_home);
        QVERIFY2(again.exitCode == 0, qPrintable(again.err));
        QVERIFY2(again.out.contains("1 already there unchanged"), qPrintable(again.out));
        // What the tables say: run.json counts the fitted and added tracks.
        const Outcome exported = cli({"export", "--session", str(added), "--out",
                                      str(m_home / "added-out"), "--no-figures"}, m_home);
        QVERIFY2(exported.exitCode == 0, qPrintable(exported.err));
        const std::string json = atlas::test::readFile(m_home / "added-out" / "run.json");
        QVERIFY(json.find("\"tracks_added\": 2") != std::string::npos);
        QVERIFY(json.find("\"tracks_fitted\": 30") != std::string::npos);

        // Usage: one source, an output, and FILES only for add.
        QCOMPARE(cli({"add", "--session", str(session), files[0]}, m_home).exitCode, 2);
        QCOMPARE(cli({"add", "--session", str(session), "--data-dir", str(dir), files[0],
                      "--out", str(added)}, m_home).exitCode, 2);
        QCOMPARE(cli({"similar", "--session", str(session), files[0]}, m_home).exitCode, 2);
        // A file that cannot be decoded is an issue naming it; the others are added.
        atlas::test::writeBytes(dir / "broken.wav", "RIFF....WAVEfmt nothing");
        const Outcome broken = cli({"add", "--session", str(session), files[1],
                                    str(dir / "broken.wav"), "--out",
                                    str(m_home / "broken.atlassession"), "--quiet"}, m_home);
        QVERIFY2(broken.exitCode == 0, qPrintable(broken.err));
        QVERIFY2(broken.out.contains("added 1 track,"), qPrintable(broken.out));
        QVERIFY2(broken.err.contains("broken.wav"), qPrintable(broken.err));
    }

    void twoFirstRunsAtOnceBothSucceed()
    {
        // Two runs at once on a machine without the demo corpus yet, sharing the caches: one
        // generates the corpus while the other waits; both succeed, and the feature cache
        // holds the analysis once.
        const fs::path home = atlas::test::makeTempDir("cli-two-runs");
        QProcess runs[2];
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("XDG_DATA_HOME"), str(home / "data"));
        env.insert(QStringLiteral("XDG_CACHE_HOME"), str(home / "cache"));
        for (int k = 0; k < 2; ++k) {
            runs[k].setProcessEnvironment(env);
            runs[k].start(QStringLiteral(ATLAS_CLI),
                          {QStringLiteral("features"), QStringLiteral("--demo"),
                           QStringLiteral("--demo-tracks"), QStringLiteral("2"),
                           QStringLiteral("--duration"), QStringLiteral("2"),
                           QStringLiteral("--threads"), QStringLiteral("1"), QStringLiteral("--quiet"),
                           QStringLiteral("--out"),
                           str(home / ("out" + std::to_string(k)) / "features.csv")});
        }
        for (QProcess& p : runs) {
            QVERIFY(p.waitForFinished(300'000));
            QVERIFY2(p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0,
                     p.readAllStandardError().constData());
        }
        QCOMPARE(atlas::test::readFile(home / "out0" / "features.csv"), atlas::test::readFile(home / "out1" / "features.csv"));
        QVERIFY(atlas::test::temporaryFiles(home).empty());
        // A third run finds every track in the cache.
        const Outcome again = cli({QStringLiteral("features"), QStringLiteral("--demo"),
                                   QStringLiteral("--demo-tracks"), QStringLiteral("2"),
                                   QStringLiteral("--duration"), QStringLiteral("2"),
                                   QStringLiteral("--quiet"), QStringLiteral("--out"),
                                   str(home / "out2" / "features.csv")},
                                  home);
        QVERIFY2(again.exitCode == 0, qPrintable(again.err));
        QVERIFY2(again.out.contains(QStringLiteral("audio: 0 analysed, 20 from the cache")),
                 qPrintable(again.out));
        fs::remove_all(home);
    }

    void featuresTableAndIssuesList()
    {
        // `features` on a personal library: the table holds one row per usable track with the
        // same numbers the engine computes, and issues.csv beside it names every file left out
        // and why.
        const fs::path lib = atlas::test::fixture("library/lib");
        const fs::path out = m_home / "features-table";
        const Outcome o = cli({"features", "--data-dir", str(lib), "--no-cache", "--quiet",
                               "--out", str(out / "features.csv")},
                              m_home);
        QVERIFY2(o.exitCode == 0, qPrintable(o.err));

        atlas::DatasetConfig cfg;
        cfg.dataDir = lib;
        cfg.useCache = false;
        atlas::Diagnostics expectedIssues;
        const atlas::Dataset ds = atlas::buildDataset(cfg, expectedIssues);
        QCOMPARE(ds.size(), 11);

        atlas::Diagnostics d;
        const atlas::CsvTable table = atlas::readCsv(out / "features.csv", d);
        QVERIFY(d.empty());
        const std::size_t audio = std::size_t(ds.audio.cols()), lyrics = std::size_t(ds.lyrics.cols());
        QCOMPARE(audio, std::size_t(40));
        QVERIFY(lyrics > 0);
        QCOMPARE(table.header.size(), 3 + audio + lyrics + 6);
        QCOMPARE(std::vector<std::string>(table.header.begin(), table.header.begin() + 3),
                 (std::vector<std::string>{"track_id", "path", "label"}));
        QCOMPARE(table.header[3], std::string("mfcc_mean_00"));
        QCOMPARE(table.header[3 + audio - 1], std::string("mfcc_std_19"));
        QCOMPARE(table.header[3 + audio], "tfidf:" + ds.vocabulary.front());
        QCOMPARE(std::vector<std::string>(table.header.end() - 6, table.header.end()),
                 (std::vector<std::string>{"title", "artist", "album", "year", "genre",
                                           "has_lyrics"}));
        QCOMPARE(table.rows.size(), std::size_t(ds.size()));
        for (int i = 0; i < ds.size(); ++i) {
            const auto& row = table.rows[std::size_t(i)];
            const atlas::Track& t = ds.tracks[std::size_t(i)];
            QCOMPARE(row[0], t.id);
            QCOMPARE(row[2], t.label);
            // Numbers are written so that they read back to the same double.
            for (std::size_t j = 0; j < audio; ++j)
                QCOMPARE(std::stod(row[3 + j]), ds.audio(i, Eigen::Index(j)));
            for (std::size_t j = 0; j < lyrics; ++j)
                QCOMPARE(std::stod(row[3 + audio + j]), ds.lyrics(i, Eigen::Index(j)));
            QCOMPARE(row.back(), std::string(ds.hasLyrics(i) ? "1" : "0"));
        }

        // issues.csv: a header, then one row per Issue of the run, the same ones the engine
        // reports, each with a file and a reason.
        const atlas::CsvTable issues = atlas::readCsv(out / "issues.csv", d);
        QCOMPARE(issues.header, (std::vector<std::string>{"path", "reason"}));
        // (Files are decoded in parallel, so the order of arrival may differ.)
        std::vector<std::vector<std::string>> expected, written = issues.rows;
        for (const atlas::Issue& issue : expectedIssues.issues())
            expected.push_back({issue.file.string(), issue.reason});
        std::sort(expected.begin(), expected.end());
        std::sort(written.begin(), written.end());
        QVERIFY(expected.size() >= 3);
        QCOMPARE(written, expected);
        for (const auto& row : written)
            QVERIFY(!row.at(1).empty());
        const bool namesBroken = std::any_of(issues.rows.begin(), issues.rows.end(), [](const auto& r) {
            return r[0].find("01 - No Index.m4a") != std::string::npos &&
                   r[1].find("'moov'") != std::string::npos;
        });
        QVERIFY(namesBroken);
        QVERIFY2(o.out.contains(QStringLiteral("issues: %1").arg(expected.size())), qPrintable(o.out));
    }

    void runFromFeaturesEqualsRunFromAudio()
    {
        // `features` as CSV and as NumPy, then `run --features` on each: the same tables as
        // the run from the files, byte for byte (a real library: tags, lyrics, six formats).
        const QString lib = str(atlas::test::fixture("library/lib"));
        const fs::path dir = m_home / "from-features";
        for (const QStringList& args :
             {QStringList{"--out", str(dir / "f.csv")},
              QStringList{"--format", "npy", "--out", str(dir / "f.csv")}}) {
            const Outcome o = cli(QStringList{"features", "--data-dir", lib, "--quiet"} + args,
                                  m_home);
            QVERIFY2(o.exitCode == 0, qPrintable(o.err));
        }
        for (const char* f : {"f.csv", "f.npy", "f.rows.csv", "f.columns.txt"})
            QVERIFY2(fs::is_regular_file(dir / f), f);
        const QStringList run = {"run", "--epochs", "2", "--clusters", "3", "--threads", "2",
                                 "--no-figures", "--quiet"};
        const std::pair<const char*, QStringList> sources[] = {
            {"audio", {"--data-dir", lib}},
            {"csv", {"--features", str(dir / "f.csv")}},
            {"npy", {"--features", str(dir / "f.npy")}}};
        for (const auto& [name, source] : sources) {
            const Outcome o = cli(run + source + QStringList{"--out", str(dir / name)}, m_home);
            QVERIFY2(o.exitCode == 0, qPrintable(o.err));
        }
        for (const char* table : {"clustering_metrics.csv", "latent.csv", "embeddings.csv",
                                  "training_history.csv"}) {
            const std::string fromAudio = atlas::test::readFile(dir / "audio" / table);
            QVERIFY2(fromAudio.size() > 100, table);
            QVERIFY2(atlas::test::readFile(dir / "csv" / table) == fromAudio, table);
            QVERIFY2(atlas::test::readFile(dir / "npy" / table) == fromAudio, table);
        }
        // A table that is not one: exit 1, the file and the reason on stderr.
        atlas::test::writeBytes(dir / "bad.npy", "not numpy");
        const Outcome bad = cli(run + QStringList{"--features", str(dir / "bad.npy"), "--out",
                                                  str(dir / "bad")},
                                m_home);
        QCOMPARE(bad.exitCode, 1);
        QVERIFY2(bad.err.contains(str(dir / "bad.npy") + ": not a .npy file"), qPrintable(bad.err));
        const Outcome both = cli(run + QStringList{"--features", str(dir / "f.csv"), "--demo"},
                                 m_home);
        QCOMPARE(both.exitCode, 2);
    }

    void libraryRunUsesTagsAndFileLyrics()
    {
        // A personal library: Artist/Album/NN - Title in six formats, tags, embedded and .lrc
        // lyrics, broken files, no CSV.
        const fs::path lib = atlas::test::fixture("library/lib");
        const QString dir = str(lib);
        Outcome o = cli({"scan", "--data-dir", dir, "--quiet"}, m_home);
        QVERIFY2(o.exitCode == 0, qPrintable(o.err));
        QVERIFY2(o.out.contains("14 tracks: 4 M4A, 3 FLAC, 3 MP3, 2 OGG, 1 OPUS, 1 WAV"),
                 qPrintable(o.out));
        QVERIFY(o.out.contains("lyrics: 9 of 14 (5 embedded, 4 sidecar); 5 without"));
        QVERIFY(o.out.contains("labels: genre tag: 9 of 14 tracks, 5 \"unknown\""));

        const fs::path out = m_home / "out-library";
        const fs::path session = m_home / "library.atlassession";
        o = cli({"run", "--data-dir", dir, "--epochs", "2", "--clusters", "3", "--no-figures",
                 "--quiet", "--out", str(out), "--save-session", str(session)},
                m_home);
        QVERIFY2(o.exitCode == 0, qPrintable(o.err));
        QVERIFY2(o.out.contains("lyrics from the files: 9 of 11 tracks (5 in tags, 4 in "
                                ".lrc/.txt files)"),
                 qPrintable(o.out));
        QVERIFY(o.out.contains("labels: genre tag: 9 of 11 tracks, 2 \"unknown\""));

        // embeddings.csv: the new columns after today's, with the tags' values.
        atlas::Diagnostics d;
        const atlas::CsvTable table = atlas::readCsv(out / "embeddings.csv", d);
        QCOMPARE(table.header, (std::vector<std::string>{
                                   "track_id", "path", "label", "representation", "map", "x",
                                   "y", "cluster_kmeans", "cluster_agglomerative",
                                   "cluster_dbscan", "has_lyrics", "title", "artist", "album",
                                   "year", "genre"}));
        bool sawFireRoad = false, sawUntagged = false;
        for (const auto& row : table.rows) {
            if (row[0] == "Stone Riders/Highway/01 - Fire Road") {
                QCOMPARE(std::vector<std::string>(row.begin() + 10, row.end()),
                         (std::vector<std::string>{"1", "Fire Road", "Stone Riders", "Highway",
                                                   "2001", "Rock"}));
                QCOMPARE(row[2], std::string("Rock"));
                sawFireRoad = true;
            }
            if (row[0] == "Neon Grid/Circuits/03 - Untagged") {
                QCOMPARE(row[2], std::string("unknown"));
                QCOMPARE(row[10], std::string("0"));
                sawUntagged = true;
            }
        }
        QVERIFY(sawFireRoad && sawUntagged);
        // The broken files are in issues.csv with their reasons; the run went on.
        std::ifstream issues(out / "issues.csv");
        const std::string text((std::istreambuf_iterator<char>(issues)),
                               std::istreambuf_iterator<char>());
        QVERIFY(text.find("01 - No Index.m4a") != std::string::npos);
        QVERIFY(text.find("'moov'") != std::string::npos);
        std::ifstream json(out / "run.json");
        const std::string report((std::istreambuf_iterator<char>(json)),
                                 std::istreambuf_iterator<char>());
        QVERIFY(report.find("\"lyrics\": {\"embedded\": 5, \"sidecar\": 4, \"csv\": 0, "
                            "\"manifest\": 0, \"none\": 2}") != std::string::npos);
        QVERIFY(report.find("\"label_source\": \"genre\"") != std::string::npos);
        QVERIFY(report.find("\"excerpt\": \"auto\"") != std::string::npos);

        // The session keeps the tags.
        const atlas::RunResult run = atlas::loadSession(session);
        QCOMPARE(run.dataset.size(), 11);
        QCOMPARE(run.dataset.coverage.lyricsSidecar, 4);
        bool titled = false;
        for (const atlas::Track& t : run.dataset.tracks)
            titled = titled || t.displayName() == "Quiet Waters \u2014 Low Tide";
        QVERIFY(titled);

        // A lyrics CSV of another collection is an error, unless approximate pairing is asked.
        const fs::path csv = m_home / "gtzan_lyrics.csv";
        std::ofstream(csv) << "track_id,lyrics\nblues.00000,one two\nblues.00001,three four\n";
        o = cli({"features", "--data-dir", dir, "--lyrics-csv", str(csv), "--quiet", "--out",
                 str(m_home / "f.csv")},
                m_home);
        QCOMPARE(o.exitCode, 1);
        QVERIFY2(o.err.contains("does not seem to belong to this collection"), qPrintable(o.err));
        o = cli({"features", "--data-dir", dir, "--lyrics-csv", str(csv), "--approximate-pairing",
                 "--quiet", "--out", str(m_home / "f.csv")},
                m_home);
        QVERIFY2(o.exitCode == 0, qPrintable(o.err));
        QVERIFY(o.out.contains("approximate"));
        o = cli({"run", "--data-dir", dir, "--label-from", "genres"}, m_home);
        QCOMPARE(o.exitCode, 2);
        QVERIFY(o.err.contains("--label-from must be"));
        o = cli({"run", "--data-dir", dir, "--excerpt", "middle", "--offset", "30"}, m_home);
        QCOMPARE(o.exitCode, 2);
        QVERIFY(o.err.contains("--offset counts from the start"));
        o = cli({"run", "--data-dir", dir, "--fusion", "concat", "--audio-weight", "0.3"}, m_home);
        QCOMPARE(o.exitCode, 2);
    }

    void similarListsTheNearestTracksOfASavedSession()
    {
        // The session of libraryRunUsesTagsAndFileLyrics: 11 tagged tracks.
        const fs::path session = m_home / "library.atlassession";
        QVERIFY(fs::is_regular_file(session));
        const atlas::RunResult run = atlas::loadSession(session);
        const std::string id = "Stone Riders/Highway/01 - Fire Road";
        const int query = atlas::findTrack(run.dataset, id);
        const auto readRows = [](const QString& text) {
            std::vector<std::vector<std::string>> rows;
            for (const QString& line : text.split(QLatin1Char('\n'), Qt::SkipEmptyParts)) {
                std::vector<std::string> cells;
                for (const QString& cell : line.split(QLatin1Char(',')))
                    cells.push_back(cell.toStdString());
                rows.push_back(cells);
            }
            return rows;
        };

        // Default: the first representation's latent space, 5 tracks.
        Outcome o = cli({"similar", "--session", str(session), "--track", QString::fromStdString(id), "-k", "5"}, m_home);
        QVERIFY2(o.exitCode == 0, qPrintable(o.err));
        auto rows = readRows(o.out);
        QCOMPARE(rows.front(), (std::vector<std::string>{"rank", "track_id", "path", "artist", "title", "distance"}));
        QCOMPARE(int(rows.size()), 1 + 5);
        const auto want = atlas::nearestRows(run.representations.front().codes, query, 5);
        for (int r = 1; r <= 5; ++r) {
            const atlas::Track& t = run.dataset.tracks[std::size_t(want[std::size_t(r - 1)].track)];
            QCOMPARE(rows[std::size_t(r)][0], std::to_string(r));
            QCOMPARE(rows[std::size_t(r)][1], t.id);
            QVERIFY(rows[std::size_t(r)][1] != id);
            QCOMPARE(rows[std::size_t(r)][3], t.tags.artist);
            QCOMPARE(rows[std::size_t(r)][4], t.tags.title);
            QCOMPARE(std::stod(rows[std::size_t(r)][5]), want[std::size_t(r - 1)].distance);
        }

        // Lyrics only, by the end of the file's path; -k above the tracks there are.
        const fs::path file = run.dataset.tracks[std::size_t(query)].path;
        const QString tail = str(file.parent_path().filename() / file.filename());
        o = cli({"similar", "--session", str(session), "--track", tail, "--space", "lyrics",
                 "--representation", "vae", "-k", "100"}, m_home);
        QVERIFY2(o.exitCode == 0, qPrintable(o.err));
        rows = readRows(o.out);
        QCOMPARE(int(rows.size()), 1 + 10);
        QVERIFY(o.err.contains("TF-IDF"));
        const auto lyrics = atlas::nearestRows(run.dataset.lyrics, query, 100, atlas::Distance::Cosine);
        QCOMPARE(rows[1][1], run.dataset.tracks[std::size_t(lyrics.front().track)].id);

        // Mistakes: an unknown track (1), a wrong space or a missing session (2).
        o = cli({"similar", "--session", str(session), "--track", "No Such Song"}, m_home);
        QCOMPARE(o.exitCode, 1);
        QVERIFY2(o.err.contains("no track has the id, path or title \"No Such Song\""), qPrintable(o.err));
        o = cli({"similar", "--session", str(session), "--track", QString::fromStdString(id), "--space", "sound"}, m_home);
        QCOMPARE(o.exitCode, 2);
        QVERIFY(o.err.contains("--space must be latent, audio or lyrics"));
        o = cli({"similar", "--track", QString::fromStdString(id)}, m_home);
        QCOMPARE(o.exitCode, 2);
        QVERIFY(o.err.contains("--session"));

        // Radio: five tracks from the first, none twice, the same walk as the engine's, and
        // an M3U of them.
        const fs::path m3u = m_home / "radio.m3u8";
        o = cli({"radio", "--session", str(session), "--track", QString::fromStdString(id), "-n", "5",
                 "--no-repeat-artist", "1", "--m3u", str(m3u)}, m_home);
        QVERIFY2(o.exitCode == 0, qPrintable(o.err));
        rows = readRows(o.out);
        QCOMPARE(rows.front(), (std::vector<std::string>{"position", "track_id", "path", "artist", "title", "distance"}));
        QCOMPARE(int(rows.size()), 1 + 5);
        QCOMPARE(rows[1][1], id);
        std::vector<std::string> artists, albums;
        atlas::radioKeys(run.dataset, artists, albums);
        atlas::RadioOptions radioOptions;
        radioOptions.length = 5;
        radioOptions.noRepeatArtist = 1;
        const auto walk = atlas::radio(run.representations.front().codes, query, radioOptions, artists, albums);
        for (std::size_t r = 0; r < 5; ++r)
            QCOMPARE(rows[r + 1][1], run.dataset.tracks[std::size_t(walk.tracks[r].track)].id);
        const std::string playlist = atlas::test::readFile(m3u);
        QCOMPARE(std::count(playlist.begin(), playlist.end(), '\n') - 1, std::ptrdiff_t(2 * 5));
        QVERIFY(playlist.rfind("#EXTM3U\n", 0) == 0);

        // Path: from the first track to the farthest, resampled to four.
        const auto far = atlas::nearestRows(run.representations.front().codes, query, 100);
        const atlas::Track& last = run.dataset.tracks[std::size_t(far.back().track)];
        o = cli({"path", "--session", str(session), "--from", QString::fromStdString(id), "--to",
                 QString::fromStdString(last.id), "-n", "4"}, m_home);
        if (o.exitCode == 1) {
            QVERIFY2(o.err.contains("not connected"), qPrintable(o.err));
        } else {
            QVERIFY2(o.exitCode == 0, qPrintable(o.err));
            rows = readRows(o.out);
            QCOMPARE(int(rows.size()), 1 + 4);
            QCOMPARE(rows[1][1], id);
            QCOMPARE(rows[4][1], last.id);
        }
        o = cli({"path", "--session", str(session), "--from", QString::fromStdString(id)}, m_home);
        QCOMPARE(o.exitCode, 2);
        QVERIFY(o.err.contains("--to"));
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "test_cli.moc"
