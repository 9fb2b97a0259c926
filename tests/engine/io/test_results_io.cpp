// SPDX-License-Identifier: GPL-3.0-or-later
// The results folder: tables that are whole or absent, stopping between files on
// cancellation, and no figure of an earlier run left beside a new run's tables.
#include "engine/core/error.h"
#include "engine/io/results_io.h"
#include "tests/support/fixtures.h"

#include <QtTest>

#include <fstream>
#include <sstream>

namespace fs = std::filesystem;

namespace {

const std::vector<std::string> TableNames = {"clustering_metrics.csv", "latent.csv",
                                             "embeddings.csv", "training_history.csv",
                                             "issues.csv", "run.json"};

} // namespace

class TestResultsIo : public QObject {
    Q_OBJECT
private:
    fs::path m_dir;
    atlas::RunResult m_run;

private slots:
    void init()
    {
        m_dir = atlas::test::makeTempDir("results_io");
        m_run.issues = {{"/music/a.mp3", "not an audio file"}, {"/music/b.wav", "too short"}};
    }
    void cleanup() { fs::remove_all(m_dir); }

    void writesEveryTable()
    {
        const auto written = atlas::writeRunTables(m_run, m_dir / "out");
        QCOMPARE(written.size(), TableNames.size());
        for (std::size_t i = 0; i < TableNames.size(); ++i)
            QCOMPARE(written[i], m_dir / "out" / TableNames[i]);
        QCOMPARE(atlas::test::readFile(m_dir / "out" / "issues.csv"),
                 std::string("path,reason\n/music/a.mp3,not an audio file\n"
                             "/music/b.wav,too short\n"));
        QVERIFY(atlas::test::temporaryFiles(m_dir).empty());
    }

    void aFailedTableLeavesNoTemporaryFile()
    {
        // embeddings.csv cannot be written (a folder is in the way): the error names it, the
        // tables before it are whole, and nothing half-written is left.
        const fs::path out = m_dir / "out";
        fs::create_directories(out / "embeddings.csv" / "inside");
        try {
            atlas::writeRunTables(m_run, out);
            QFAIL("no exception");
        } catch (const atlas::InputError& e) {
            QVERIFY2(QString(e.what()).contains("embeddings.csv"), e.what());
        }
        QVERIFY(fs::is_regular_file(out / "clustering_metrics.csv"));
        QVERIFY(fs::is_regular_file(out / "latent.csv"));
        QVERIFY(!fs::exists(out / "training_history.csv"));
        QVERIFY(fs::is_directory(out / "embeddings.csv" / "inside"));
        QVERIFY(atlas::test::temporaryFiles(m_dir).empty());

        // A folder that cannot be created.
        atlas::test::writeBytes(m_dir / "file", "x");
        QVERIFY_THROWS_EXCEPTION(atlas::InputError, atlas::writeRunTables(m_run, m_dir / "file" / "out"));
    }

    void cancellationStopsBetweenFiles()
    {
        const fs::path out = m_dir / "out";
        atlas::writeRunTables(m_run, out);
        const std::string before = atlas::test::readFile(out / "issues.csv");
        atlas::RunResult other = m_run;
        other.issues.push_back({"/music/c.flac", "new"});
        std::atomic<bool> cancel{true};
        QVERIFY_THROWS_EXCEPTION(atlas::Cancelled,
                                 atlas::writeRunTables(other, out, atlas::Progress({}, &cancel)));
        QCOMPARE(atlas::test::readFile(out / "issues.csv"), before); // nothing replaced after Ctrl-C
        QVERIFY(atlas::test::temporaryFiles(m_dir).empty());
    }

    void staleFiguresOfAnEarlierRunAreRemoved()
    {
        const fs::path latent = m_dir / "latent_visualization";
        const fs::path plots = m_dir / "analysis_plots";
        fs::create_directories(latent);
        fs::create_directories(plots);
        for (const fs::path& f : {latent / "pca_kmeans_tsne.png", latent / "vae_kmeans_umap.png",
                                  latent / "notes.txt", plots / "silhouette.png"})
            atlas::test::writeBytes(f, "x");
        atlas::test::writeBytes(m_dir / "mine.png", "x"); // not in a figure folder

        // This run drew one of them.
        QCOMPARE(atlas::removeStaleFigures(m_dir, {latent / "pca_kmeans_tsne.png"}),
                 std::size_t(2));
        QVERIFY(fs::exists(latent / "pca_kmeans_tsne.png"));
        QVERIFY(!fs::exists(latent / "vae_kmeans_umap.png"));
        QVERIFY(fs::exists(latent / "notes.txt")); // not ours
        QVERIFY(!fs::exists(plots));               // emptied, so removed
        QVERIFY(fs::exists(m_dir / "mine.png"));

        // A run without figures.
        QCOMPARE(atlas::removeStaleFigures(m_dir, {}), std::size_t(1));
        QVERIFY(fs::exists(latent / "notes.txt"));
        QCOMPARE(atlas::removeStaleFigures(m_dir / "nothing-here", {}), std::size_t(0));
    }
};

QTEST_GUILESS_MAIN(TestResultsIo)
#include "test_results_io.moc"
