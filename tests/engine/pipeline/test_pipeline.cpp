// SPDX-License-Identifier: GPL-3.0-or-later
// The experiment's promises that hold whatever the data: one representation failing does
// not stop the others (engine/pipeline/pipeline.h, runPipeline()).
#include "engine/pipeline/pipeline.h"
#include "tests/support/fixtures.h"

#include <QtTest>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fs = std::filesystem;

namespace {

// A lyrics table of `rows` short texts from a small vocabulary, in `dir`; with `labels`, a
// genre column alternating "a" and "b".
fs::path writeLyrics(const fs::path& dir, int rows, bool labels)
{
    const fs::path file = dir / "lyrics.csv";
    std::ofstream out(file);
    out << (labels ? "id,genre,text\n" : "id,text\n");
    const char* words[] = {"love", "night", "road", "fire", "rain", "gold", "river",
                           "heart", "city", "dance", "blue", "train"};
    for (int i = 0; i < rows; ++i) {
        out << i << ",";
        if (labels)
            out << (i % 2 ? "a" : "b") << ",";
        out << words[i % 12] << " " << words[(i * 5 + 1) % 12] << " " << words[(i * 7 + 3) % 12]
            << " " << words[i % 5] << "\n";
    }
    return file;
}

// A small lyrics-only run (no audio, no cache) of `rows` tracks: latent 2, one hidden layer
// of 8, batches of 16, no maps; each test sets the rest.
atlas::PipelineConfig lyricsRun(const char* dir, int rows, bool labels)
{
    atlas::PipelineConfig cfg;
    cfg.data.lyricsCsv = writeLyrics(atlas::test::makeTempDir(dir), rows, labels);
    cfg.data.useAudio = false;
    cfg.data.useCache = false;
    cfg.latentDim = 2;
    cfg.hidden = {8};
    cfg.batchSize = 16;
    cfg.maps = false;
    return cfg;
}

} // namespace

class TestPipeline : public QObject {
    Q_OBJECT
private slots:
    void earlyStoppingFollowsTheCollectionSize()
    {
        atlas::PipelineConfig cfg = lyricsRun("pipeline-early-stop", 80, true);
        cfg.representations = {atlas::Representation::Autoencoder};
        cfg.epochs = 300;
        cfg.clusters = 2;
        cfg.threads = 1;
        const auto trained = [&](const atlas::PipelineConfig& c) {
            atlas::Diagnostics d;
            const atlas::RunResult run = atlas::runPipeline(c, d);
            return run.representations.front();
        };
        // 80 tracks: below the default size, every epoch.
        const atlas::RepresentationResult full = trained(cfg);
        QCOMPARE(int(full.history.size()), 300);
        QVERIFY(full.validationLoss.empty());
        QCOMPARE(full.bestEpoch, 0);
        // Above the size: stopped early, the epochs reported.
        cfg.earlyStopAbove = 50;
        const atlas::RepresentationResult early = trained(cfg);
        QVERIFY(int(early.history.size()) < 300);
        QCOMPARE(early.validationLoss.size(), early.history.size());
        QVERIFY(early.bestEpoch >= 1 && early.bestEpoch < int(early.history.size()));
        // While stopping early an epoch is at most earlyStopEpochTracks tracks: 76 trained
        // on in mini-batches of 19, epochs of 38 tracks are half passes, and the held-out
        // score after two of them is the one after a whole pass.
        cfg.batchSize = 19;
        cfg.earlyStopEpochTracks = 0;
        const atlas::RepresentationResult passes = trained(cfg);
        cfg.earlyStopEpochTracks = 38;
        const atlas::RepresentationResult halves = trained(cfg);
        QVERIFY(passes.validationLoss.size() >= 6 && halves.validationLoss.size() >= 6);
        QVERIFY(halves.validationLoss[1] == passes.validationLoss[0]);
        QVERIFY(halves.validationLoss[3] == passes.validationLoss[1]);
        QVERIFY(halves.validationLoss[0] != passes.validationLoss[0]);
        // --no-early-stop wins over the size, and its epochs are passes.
        cfg.earlyStop = atlas::EarlyStop::Off;
        QCOMPARE(int(trained(cfg).history.size()), 300);
    }

    void trainingAheadGivesTheSequentialResults()
    {
        // With two threads the models train on a thread of their own while the analysis of
        // the earlier ones runs; the results, the order of the stages and of the epochs the
        // observer sees are those of the one-thread run.
        atlas::PipelineConfig cfg = lyricsRun("pipeline-ahead", 120, true);
        cfg.representations = {atlas::Representation::Pca, atlas::Representation::Autoencoder,
                               atlas::Representation::Vae};
        cfg.latentDim = 3;
        cfg.hidden = {16};
        cfg.epochs = 6;
        cfg.clusters = 2;
        cfg.maps = true;
        cfg.tsne.iterations = 260;
        struct Seen {
            std::vector<std::string> stages;
            std::vector<std::pair<int, int>> epochs;   // representation, epoch
            atlas::RunResult run;
        };
        const auto runWith = [&](int threads) {
            cfg.threads = threads;
            Seen seen;
            const atlas::Progress progress(
                [&](std::string_view stage, double, std::string_view) {
                    if (seen.stages.empty() || seen.stages.back() != stage)
                        seen.stages.emplace_back(stage);
                },
                nullptr);
            atlas::PipelineObserver observer;
            observer.epoch = [&](atlas::Representation r, const atlas::EpochReport& e) {
                seen.epochs.emplace_back(int(r), e.epoch);
            };
            atlas::Diagnostics d;
            seen.run = atlas::runPipeline(cfg, d, progress, observer);
            return seen;
        };
        const Seen one = runWith(1);
        const Seen two = runWith(2);
        QCOMPARE(two.stages, one.stages);
        QCOMPARE(two.epochs, one.epochs);
        QCOMPARE(int(one.epochs.size()), 2 * cfg.epochs);
        QCOMPARE(two.run.representations.size(), std::size_t(3));
        for (std::size_t i = 0; i < 3; ++i) {
            const atlas::RepresentationResult& a = one.run.representations[i];
            const atlas::RepresentationResult& b = two.run.representations[i];
            QVERIFY2(a.ok && b.ok, b.error.c_str());
            QCOMPARE(b.kind, a.kind);
            QVERIFY(b.codes == a.codes);
            QCOMPARE(b.history, a.history);
            QVERIFY(b.trainSeconds > 0.0);
            QCOMPARE(b.clusterings.size(), a.clusterings.size());
            for (std::size_t c = 0; c < a.clusterings.size(); ++c)
                QVERIFY(b.clusterings[c].labels == a.clusterings[c].labels);
            QCOMPARE(b.maps.size(), std::size_t(2));
            for (std::size_t m = 0; m < 2; ++m)
                QVERIFY(b.maps[m].ok && b.maps[m].xy == a.maps[m].xy);
        }
    }

    void cancellingWhileTrainingAheadStops()
    {
        atlas::PipelineConfig cfg = lyricsRun("pipeline-ahead-cancel", 60, true);
        cfg.representations = {atlas::Representation::Autoencoder, atlas::Representation::Vae};
        cfg.epochs = 100000;   // hours if the cancellation were not seen
        cfg.clusters = 2;
        cfg.threads = 2;
        std::atomic<bool> cancel{false};
        const atlas::Progress progress([](std::string_view, double, std::string_view) {}, &cancel);
        atlas::PipelineObserver observer;
        int epochs = 0;
        observer.epoch = [&](atlas::Representation, const atlas::EpochReport&) {
            if (++epochs == 3)
                cancel = true;
        };
        atlas::Diagnostics d;
        bool cancelled = false;
        try {
            atlas::runPipeline(cfg, d, progress, observer);
        } catch (const atlas::Cancelled&) {
            cancelled = true;
        }
        QVERIFY(cancelled);
        QVERIFY(epochs >= 3 && epochs < 1000);
    }

    void failingRepresentationDoesNotStopTheOthers_data()
    {
        QTest::addColumn<int>("threads");
        QTest::newRow("one thread") << 1;
        QTest::newRow("training ahead") << 2;
    }

    void failingRepresentationDoesNotStopTheOthers()
    {
        QFETCH(int, threads);
        // A lyrics table without labels: the conditional VAE legitimately cannot train
        // (it needs a label per track), while PCA and the autoencoder can. The CVAE comes
        // first, so the others run after its failure.
        atlas::PipelineConfig cfg = lyricsRun("pipeline-failing-rep", 40, false);
        cfg.representations = {atlas::Representation::Cvae, atlas::Representation::Pca,
                               atlas::Representation::Autoencoder};
        cfg.epochs = 3;
        cfg.clusters = 3;
        cfg.threads = threads;
        atlas::Diagnostics diagnostics;
        const atlas::RunResult run = atlas::runPipeline(cfg, diagnostics);

        QCOMPARE(run.dataset.size(), 40);
        QVERIFY(!run.dataset.hasLabels());
        QCOMPARE(run.representations.size(), std::size_t(3));

        const atlas::RepresentationResult* cvae = run.representation(atlas::Representation::Cvae);
        QVERIFY(cvae);
        QVERIFY(!cvae->ok);
        QVERIFY2(cvae->error.find("labels") != std::string::npos, cvae->error.c_str());
        QVERIFY(!cvae->model);
        QVERIFY(cvae->clusterings.empty());
        // ... and the failure is reported as an Issue naming the representation.
        const auto issues = diagnostics.issues();
        QVERIFY(std::any_of(issues.begin(), issues.end(), [](const atlas::Issue& i) {
            return i.file == "cvae" && i.reason.find("CVAE unavailable") != std::string::npos;
        }));

        for (auto kind : {atlas::Representation::Pca, atlas::Representation::Autoencoder}) {
            const atlas::RepresentationResult* rep = run.representation(kind);
            QVERIFY(rep);
            QVERIFY2(rep->ok, rep->error.c_str());
            QVERIFY(rep->model);
            QCOMPARE(rep->codes.rows(), Eigen::Index(40));
            QCOMPARE(rep->codes.cols(), Eigen::Index(2));
            QVERIFY(rep->codes.allFinite());
            QCOMPARE(rep->clusterings.size(), atlas::AllClusterings.size());
            const atlas::ClusteringResult* km = rep->clustering(atlas::Clustering::KMeans);
            QVERIFY(km);
            QVERIFY2(km->ok, km->error.c_str());
            QCOMPARE(km->labels.size(), Eigen::Index(40));
            QCOMPARE(km->labels.maxCoeff(), 2);
        }
    }
};

QTEST_GUILESS_MAIN(TestPipeline)
#include "test_pipeline.moc"
