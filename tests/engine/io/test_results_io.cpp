// SPDX-License-Identifier: GPL-3.0-or-later
// The results folder: tables that are whole or absent, stopping between files on
// cancellation, and no figure of an earlier run left beside a new run's tables. The tables the
// app's Metrics and Issues tabs export: clustering_metrics.csv and issues.csv, exact content in
// the order given, undefined and failed scores as empty fields; the score vocabulary they use.
#include "engine/core/error.h"
#include "engine/io/results_io.h"
#include "engine/metrics/metric_names.h"
#include "tests/support/fixtures.h"

#include <QtTest>

#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>

namespace fs = std::filesystem;

namespace {

const std::vector<std::string> TableNames = {"clustering_metrics.csv", "latent.csv",
                                             "embeddings.csv", "training_history.csv",
                                             "issues.csv", "run.json"};

atlas::ClusteringResult scored()
{
    atlas::ClusteringResult c;
    c.ok = true;
    c.scores.silhouette = 0.25;
    c.scores.calinskiHarabasz = 1234.5;
    c.scores.daviesBouldin = std::numeric_limits<double>::quiet_NaN();
    c.scores.ari = -0.125;
    c.scores.nmi = 0.1;
    c.scores.purity = 0.75;
    c.scores.ami = 1.0 / 3.0;
    c.scores.vMeasure = 0.5;
    c.scores.nClusters = 3;
    c.scores.noiseFraction = 0.0625;
    return c;
}

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

    void metricVocabulary()
    {
        using atlas::Metric;
        std::string keys;
        for (Metric m : atlas::AllMetrics)
            keys += std::string(atlas::metricKey(m)) + ",";
        QCOMPARE(keys, std::string("silhouette,calinski_harabasz,davies_bouldin,ari,nmi,purity,"
                                   "ami,v_measure,"));
        QCOMPARE(std::string(atlas::metricName(Metric::CalinskiHarabasz)), "Calinski-Harabasz");
        QCOMPARE(std::string(atlas::metricName(Metric::VMeasure)), "V-measure");
        QCOMPARE(std::string(atlas::metricLongName(Metric::Ari)), "Adjusted Rand index (ARI)");
        QCOMPARE(std::string(atlas::metricLongName(Metric::Purity)), "Purity");
        int lowerIsBetter = 0, external = 0;
        for (Metric m : atlas::AllMetrics) {
            lowerIsBetter += atlas::higherIsBetter(m) ? 0 : 1;
            external += atlas::isExternalMetric(m) ? 1 : 0;
        }
        QCOMPARE(lowerIsBetter, 1);
        QVERIFY(!atlas::higherIsBetter(Metric::DaviesBouldin));
        QCOMPARE(external, 5);
        QVERIFY(!atlas::isExternalMetric(Metric::Silhouette));
        QVERIFY(atlas::isExternalMetric(Metric::Purity));
        const atlas::ClusteringResult c = scored();
        QCOMPARE(atlas::metricValue(c.scores, Metric::CalinskiHarabasz), 1234.5);
        QCOMPARE(atlas::metricValue(c.scores, Metric::Ari), -0.125);
        QCOMPARE(atlas::metricValue(c.scores, Metric::Ami), 1.0 / 3.0);
        QVERIFY(std::isnan(atlas::metricValue(c.scores, Metric::DaviesBouldin)));
    }

    void clusteringMetricsInTheGivenOrder()
    {
        const atlas::ClusteringResult good = scored();
        atlas::ClusteringResult failed = scored();
        failed.ok = false;
        const std::vector<atlas::ClusteringMetricsRow> rows = {
            {"vae_beta1.0_dbscan", &good}, {"pca_kmeans", &failed}, {"ae_agglomerative", nullptr}};
        const fs::path file = m_dir / "metrics.csv";
        QCOMPARE(atlas::writeClusteringMetrics(file, rows), file);
        QCOMPARE(atlas::test::readFile(file),
                 std::string("method,silhouette,calinski_harabasz,davies_bouldin,ari,nmi,purity,"
                             "ami,v_measure,n_clusters,noise_fraction\n"
                             "vae_beta1.0_dbscan,0.25,1234.5,,-0.125,0.1,0.75,"
                             "0.3333333333333333,0.5,3,0.0625\n"
                             "pca_kmeans,,,,,,,,,,\n"
                             "ae_agglomerative,,,,,,,,,,\n"));
        QVERIFY(fs::exists(file));
        QCOMPARE(std::distance(fs::directory_iterator(m_dir), fs::directory_iterator()), 1);
    }

    void clusteringMetricsRowsOfARun()
    {
        atlas::RunResult run;
        atlas::RepresentationResult rep;
        rep.kind = atlas::Representation::Pca;
        rep.method = "pca";
        atlas::ClusteringResult km = scored();
        km.kind = atlas::Clustering::KMeans;
        rep.clusterings.push_back(km);
        run.representations.push_back(rep);
        const auto rows = atlas::clusteringMetricsRows(run);
        QCOMPARE(rows.size(), atlas::AllClusterings.size());
        QCOMPARE(rows[0].method, std::string("pca_kmeans"));
        QCOMPARE(rows[0].clustering, &run.representations[0].clusterings[0]);
        QCOMPARE(rows[1].method, std::string("pca_agglomerative"));
        QVERIFY(rows[1].clustering == nullptr);
        QCOMPARE(rows[2].method, std::string("pca_dbscan"));
    }

    void issuesInTheGivenOrder()
    {
        const std::vector<atlas::Issue> issues = {
            {"/music/b, with comma.mp3", "cannot decode: \"bad header\""},
            {"/music/a.wav", "empty file"}};
        const fs::path file = m_dir / "issues.csv";
        atlas::writeIssues(file, issues);
        QCOMPARE(atlas::test::readFile(file), std::string("path,reason\n"
                                            "\"/music/b, with comma.mp3\","
                                            "\"cannot decode: \"\"bad header\"\"\"\n"
                                            "/music/a.wav,empty file\n"));
        atlas::writeIssues(file, {});
        QCOMPARE(atlas::test::readFile(file), std::string("path,reason\n"));
    }

    void unwritableFileIsNamed()
    {
        const fs::path file = m_dir / "missing-folder" / "issues.csv";
        try {
            atlas::writeIssues(file, {{"/a.wav", "empty file"}});
            QFAIL("no error");
        } catch (const atlas::InputError& e) {
            QVERIFY2(std::string(e.what()).find(file.string()) != std::string::npos, e.what());
        }
        QVERIFY_THROWS_EXCEPTION(atlas::InputError,
                                 atlas::writeClusteringMetrics(m_dir / "missing" / "m.csv", {}));
    }
};

QTEST_GUILESS_MAIN(TestResultsIo)
#include "test_results_io.moc"
