// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/pipeline/run_estimate.h"
#include "tests/support/fixtures.h"

#include <QtTest>

#include <map>

using namespace atlas;

class TestRunEstimate : public QObject {
    Q_OBJECT
private slots:
    void planCoversTheRunInOrder()
    {
        PipelineConfig cfg;
        cfg.representations = {Representation::Pca, Representation::Autoencoder};
        cfg.maps = false;
        const std::vector<PlannedStage> plan = pipelinePlan(cfg);
        QCOMPARE(int(plan.size()), 1 + 2 * (1 + 3));
        QCOMPARE(plan.front().name, std::string("features"));
        QCOMPARE(plan[1].name, std::string("PCA training"));
        QVERIFY(plan[1].kind == StageKind::PcaFit);
        QVERIFY(plan[5].kind == StageKind::Training);
        for (std::size_t i = 1; i < plan.size(); ++i)
            QVERIFY(plan[i].begin >= plan[i - 1].end - 1e-12);
        // Without maps the last stage (the autoencoder's DBSCAN) ends before 1: the rest of
        // its slice is the maps' share.
        QCOMPARE(plan.back().end, 0.6 + 0.4 * 0.55);
        cfg.maps = true;
        QCOMPARE(pipelinePlan(cfg).back().end, 1.0);
        QVERIFY(pipelinePlan(cfg).back().kind == StageKind::Umap);
        // With maps, the nearest-neighbour search comes between training and clustering.
        const std::vector<PlannedStage> mapped = pipelinePlan(cfg);
        QCOMPARE(int(mapped.size()), 1 + 2 * (1 + 1 + 3 + 2));
        QCOMPARE(mapped[2].name, std::string("PCA nearest neighbours"));
        QVERIFY(mapped[2].kind == StageKind::Neighbours);
        QCOMPARE(mapped[2].begin, mapped[1].end);
        QCOMPARE(mapped[3].begin, mapped[2].end);
        QVERIFY(mapped[3].kind == StageKind::KMeans);
        for (std::size_t i = 1; i < mapped.size(); ++i)
            QVERIFY(mapped[i].begin >= mapped[i - 1].end - 1e-12);
    }

    void planMatchesWhatTheRunReports()
    {
        // Every figure a real run reports under a planned stage's name lies in that stage's
        // share, and the stages appear in the plan's order.
        PipelineConfig cfg;
        cfg.data.demo = true;
        cfg.data.demoCorpus.tracksPerGenre = 3;
        cfg.data.demoCorpus.durationSeconds = 2.0;
        cfg.data.audio.decode.duration = 1.0;
        cfg.data.cacheDir = test::makeTempDir("estimate-cache");
        cfg.representations = {Representation::Pca, Representation::Vae};
        cfg.clusters = 3;
        cfg.epochs = 2;
        cfg.threads = 1;
        cfg.tsne.iterations = 300;
        cfg.umap.epochs = 20;
        const std::vector<PlannedStage> plan = pipelinePlan(cfg);
        std::map<std::string, const PlannedStage*> byName;
        for (const PlannedStage& s : plan)
            byName[s.name] = &s;
        std::vector<std::string> order;
        int outside = 0;
        const Progress progress = Progress::withStageSink(
            [&](std::string_view stage, double overall, double, std::string_view) {
                const std::string name(stage);
                const auto it = byName.find(name);
                // The features' parts report under their own names; a representation's
                // slice (and the run) report their end under the slice's name.
                const bool featurePart = name == "demo corpus" || name == "tags" ||
                                         name == "audio features" || name == "lyrics features";
                if (it == byName.end() && !featurePart)
                    return;
                const double begin = it == byName.end() ? 0.0 : it->second->begin;
                const double end = it == byName.end() ? 0.2 : it->second->end;
                if (overall < begin - 1e-9 || overall > end + 1e-9) {
                    ++outside;
                    qWarning("%s at %g, planned [%g, %g]", name.c_str(), overall, begin, end);
                }
                if (it != byName.end() && (order.empty() || order.back() != name))
                    order.push_back(name);
            },
            nullptr);
        Diagnostics diagnostics;
        const RunResult run = runPipeline(cfg, diagnostics, progress);
        QCOMPARE(int(run.representations.size()), 2);
        QCOMPARE(outside, 0);
        // In the plan's order (a stage may report nothing: PCA's fit is instant).
        int last = -1;
        for (const std::string& name : order) {
            const int at = int(byName[name] - plan.data());
            QVERIFY2(at > last, name.c_str());
            last = at;
        }
        QVERIFY(order.size() >= plan.size() - 2);
        QCOMPARE(order.back(), plan.back().name);
    }

    void noEstimateUntilEveryKindIsTimed()
    {
        // Features [0, 0.5), two trainings [0.5, 0.75) and [0.75, 1).
        RunTimeEstimator e({{"features", StageKind::Features, 0.0, 0.5},
                            {"A training", StageKind::Training, 0.5, 0.75},
                            {"B training", StageKind::Training, 0.75, 1.0}});
        QVERIFY(e.secondsLeft() < 0);
        e.update(0.25, 30.0);
        QVERIFY(e.secondsLeft() < 0);   // no training timed yet
        e.update(0.5, 60.0);            // the first training starts
        e.update(0.51, 60.2);           // 4 % in: its rate is not trusted yet
        QVERIFY(e.secondsLeft() < 0);
    }

    void estimateFromStageRates()
    {
        RunTimeEstimator e({{"features", StageKind::Features, 0.0, 0.5},
                            {"A training", StageKind::Training, 0.5, 0.75},
                            {"B training", StageKind::Training, 0.75, 1.0}});
        e.update(0.0, 0.0);
        e.update(0.5, 60.0);
        // Half of the first training after 10 s: 10 s more for it, and the next training is
        // expected to take its projected 20 s. The share-based estimate of the old status bar
        // (elapsed × left / done = 70 × 0.375 / 0.625 = 42 s) would be off by 12 s.
        e.update(0.625, 70.0);
        QCOMPARE(e.secondsLeft(), 30.0);
        // The first training took 24 s in the end; the second is expected to take as long.
        e.update(0.75, 84.0);
        QCOMPARE(e.secondsLeft(), 24.0);
        e.update(0.75, 90.0);           // 6 s in, no progress shown yet
        QCOMPARE(e.secondsLeft(), 18.0);
        e.update(1.0, 100.0);
        QCOMPARE(e.secondsLeft(), 0.0);
    }

    void skippedStagesAreNotTimed()
    {
        // A representation that fails to train skips its clustering: the jump over it
        // times neither stage, and the clustering of the next one is still unknown.
        RunTimeEstimator e({{"features", StageKind::Features, 0.0, 0.2},
                            {"A training", StageKind::Training, 0.2, 0.5},
                            {"A KMeans", StageKind::KMeans, 0.5, 0.6},
                            {"B training", StageKind::Training, 0.6, 0.9},
                            {"B KMeans", StageKind::KMeans, 0.9, 1.0}});
        e.update(0.2, 5.0);
        e.update(0.6, 6.0);   // A failed at once
        e.update(0.75, 16.0);
        QVERIFY(e.secondsLeft() < 0);
    }
};

QTEST_GUILESS_MAIN(TestRunEstimate)
#include "test_run_estimate.moc"
