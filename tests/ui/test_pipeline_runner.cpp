// SPDX-License-Identifier: GPL-3.0-or-later
// The runner: the run happens on its own thread; progress is monotonic and ends at 1.0;
// results arrive as they are ready; cancel ends a run promptly and keeps what was computed.

#include "tests/support/fixtures.h"
#include "tests/ui/ui_fixtures.h"
#include "ui/model/run_model.h"
#include "ui/runner/pipeline_runner.h"

#include <QSignalSpy>
#include <QThread>
#include <QtTest>

using namespace atlas;
using namespace atlas::ui;

class TestPipelineRunner : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        // A demo corpus of this test's own, so that its generation can be cancelled too.
        qputenv("XDG_DATA_HOME", QByteArray::fromStdString(test::makeTempDir("runner-data").string()));
    }

    void cancelStopsInEveryStage_data()
    {
        QTest::addColumn<QString>("stage");
        for (const char* s : {"demo corpus", "audio features", "PCA nearest neighbours",
                              "PCA KMeans", "PCA Agglomerative (Ward)", "PCA DBSCAN",
                              "PCA t-SNE", "PCA UMAP", "Autoencoder training"})
            QTest::newRow(s) << QString::fromLatin1(s);
    }

    void cancelStopsInEveryStage()
    {
        QFETCH(QString, stage);
        PipelineRunner runner;
        PipelineConfig cfg = test::smallDemoConfig(25, "runner-stages");
        cfg.data.demoCorpus.seed = 7;   // generated once by this test, in the first row
        cfg.data.useCache = false;      // features are computed every time
        cfg.epochs = 20;
        bool cancelSent = false;
        QStringList seen;
        connect(&runner, &PipelineRunner::progressed, this, [&](const RunProgress& p) {
            if (seen.isEmpty() || seen.last() != p.stage)
                seen << p.stage;
            if (!cancelSent && p.stage.compare(stage, Qt::CaseInsensitive) == 0) {
                cancelSent = true;
                runner.cancel();
            }
        });
        QSignalSpy cancelled(&runner, &PipelineRunner::cancelled);
        QSignalSpy finished(&runner, &PipelineRunner::finished);
        runner.start(cfg);
        QTRY_VERIFY_WITH_TIMEOUT(!cancelled.isEmpty() || !finished.isEmpty(), 300'000);
        QVERIFY2(cancelSent, qPrintable(QStringLiteral("stage not seen; stages: ") + seen.join(QStringLiteral(", "))));
        // Cancelled, not finished (how soon after the cancel: bench_app).
        QCOMPARE(cancelled.count(), 1);
        QCOMPARE(finished.count(), 0);
    }

    void runReportsEverythingInOrder()
    {
        PipelineRunner runner;
        RunModel model;
        QList<double> overall;
        QList<QString> stages;
        bool offGuiThread = true;
        connect(&runner, &PipelineRunner::progressed, this, [&](const RunProgress& p) {
            overall.append(p.overall);
            stages.append(p.stage);
            QVERIFY(p.stage01 >= 0.0 && p.stage01 <= 1.0);
        });
        int datasets = 0, epochs = 0, frames = 0;
        QList<Representation> ready;
        connect(&runner, &PipelineRunner::datasetReady, this, [&](auto ds) {
            ++datasets;
            QVERIFY(ds && ds->size() == 40);
            QVERIFY(QThread::currentThread() == thread());   // delivered on the GUI thread
        });
        connect(&runner, &PipelineRunner::epochFinished, this, [&](Representation, const EpochReport& e) {
            ++epochs;
            QVERIFY(e.epoch >= 1 && e.epoch <= 3);
        });
        connect(&runner, &PipelineRunner::mapFrame, this, [&](Representation, MapKind, auto xy) {
            ++frames;
            QCOMPARE(xy->rows(), 40);
            QCOMPARE(xy->cols(), 2);
        });
        connect(&runner, &PipelineRunner::representationReady, this, [&](auto rep) {
            ready.append(rep->kind);
            offGuiThread = offGuiThread && QThread::currentThread() == thread();
        });
        connect(&runner, &PipelineRunner::representationReady, &model, &RunModel::setRepresentation);
        QSignalSpy finished(&runner, &PipelineRunner::finished);
        QSignalSpy idle(&runner, &PipelineRunner::idle);

        runner.start(test::smallDemoConfig(4, "runner"));
        QVERIFY(runner.isBusy());
        runner.start(test::smallDemoConfig(4, "runner"));   // ignored: one run at a time
        QVERIFY(finished.wait(240'000));
        QCOMPARE(idle.count(), 1);
        QVERIFY(!runner.isBusy());

        auto result = finished.takeFirst().at(0).value<std::shared_ptr<const RunResult>>();
        QVERIFY(result);
        QCOMPARE(result->dataset.size(), 40);
        QCOMPARE(int(result->representations.size()), 5);
        QCOMPARE(datasets, 1);
        // AE, VAE, beta-VAE and CVAE train 3 epochs each; PCA has none.
        QCOMPARE(epochs, 4 * 3);
        QVERIFY(frames >= 10);   // at least the final frame of each of the 10 maps
        QCOMPARE(ready, QList<Representation>({Representation::Pca, Representation::Autoencoder,
                                               Representation::Vae, Representation::BetaVae,
                                               Representation::Cvae}));
        QVERIFY(offGuiThread);
        QCOMPARE(model.representations().size(), 5);
        QVERIFY(!overall.isEmpty());
        for (int i = 1; i < overall.size(); ++i)
            QVERIFY2(overall[i] >= overall[i - 1],
                     qPrintable(QStringLiteral("progress went back at %1: %2 -> %3")
                                    .arg(i).arg(overall[i - 1]).arg(overall[i])));
        QCOMPARE(overall.last(), 1.0);
        QVERIFY(stages.contains(QStringLiteral("done")));
    }

    void invalidConfigFailsWithTheReason()
    {
        PipelineRunner runner;
        QSignalSpy failed(&runner, &PipelineRunner::failed);
        PipelineConfig cfg = test::smallDemoConfig(2, "runner-invalid");
        cfg.representations.clear();
        runner.start(cfg);
        QVERIFY(failed.wait(30'000));
        QVERIFY2(failed.first().at(0).toString().contains(QStringLiteral("representations")),
                 qPrintable(failed.first().at(0).toString()));
        QVERIFY(!runner.isBusy());
    }

    void cancelIsPromptAndKeepsWhatWasComputed()
    {
        PipelineRunner runner;
        RunModel model;
        connect(&runner, &PipelineRunner::datasetReady, &model, &RunModel::setDataset);
        connect(&runner, &PipelineRunner::representationReady, &model, &RunModel::setRepresentation);
        connect(&runner, &PipelineRunner::epochFinished, &model, &RunModel::addEpoch);
        PipelineConfig cfg = test::smallDemoConfig(10, "runner-cancel");
        cfg.epochs = 5000;   // long enough that the autoencoder is still training when cancelled
        QSignalSpy cancelled(&runner, &PipelineRunner::cancelled);
        QSignalSpy finished(&runner, &PipelineRunner::finished);
        runner.start(cfg);
        // Wait until PCA is finished and the autoencoder has trained for a few epochs.
        QTRY_VERIFY_WITH_TIMEOUT(model.history(Representation::Autoencoder).size() >= 5, 240'000);
        QVERIFY(model.representation(Representation::Pca));

        // Cancelled mid-training: the 5,000 epochs would take minutes (how soon the cancel
        // is honoured: bench_app).
        runner.cancel();
        QVERIFY(cancelled.wait(30'000));
        QCOMPARE(finished.count(), 0);
        QVERIFY(model.history(Representation::Autoencoder).size() < 5000);
        QVERIFY(!runner.isBusy());

        // What arrived before the cancel is intact.
        QVERIFY(model.dataset());
        QCOMPARE(model.dataset()->size(), 100);
        const auto pca = model.representation(Representation::Pca);
        QVERIFY(pca && pca->ok);
        QCOMPARE(pca->codes.rows(), 100);
        const auto snap = model.snapshot();
        QVERIFY(snap);
        QCOMPARE(int(snap->representations.size()), 1);

        // The runner can run again after a cancel.
        QSignalSpy again(&runner, &PipelineRunner::finished);
        PipelineConfig quick = test::smallDemoConfig(2, "runner-again");
        quick.representations = {Representation::Pca};
        quick.maps = false;
        runner.start(quick);
        QVERIFY(again.wait(120'000));
    }
};

QTEST_MAIN(TestPipelineRunner)
#include "test_pipeline_runner.moc"
