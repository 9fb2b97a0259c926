// SPDX-License-Identifier: GPL-3.0-or-later
// Export Results in the desktop app: returns at once and keeps the event loop turning (one
// figure per turn), writes the same tables and figures, byte for byte, as the CLI's writers,
// can be cancelled between figures, and reports a folder it cannot write.

#include "engine/io/results_io.h"
#include "tests/support/fixtures.h"
#include "tests/ui/ui_fixtures.h"
#include "ui/figures/figure_output.h"
#include "ui/main/results_export.h"

#include <QElapsedTimer>
#include <QMainWindow>
#include <QProgressDialog>
#include <QSignalSpy>
#include <QTimer>
#include <QtTest>

#include <fstream>
#include <sstream>

namespace fs = std::filesystem;
using namespace atlas;
using namespace atlas::ui;

namespace {

std::string readAll(const fs::path& file)
{
    std::ifstream in(file, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

std::vector<fs::path> pngsUnder(const fs::path& dir)
{
    std::vector<fs::path> files;
    for (const auto& e : fs::recursive_directory_iterator(dir))
        if (e.path().extension() == ".png")
            files.push_back(fs::relative(e.path(), dir));
    std::sort(files.begin(), files.end());
    return files;
}

} // namespace

class TestResultsExport : public QObject {
    Q_OBJECT
private slots:
    void writesWhatTheCliWrites()
    {
        const auto run = test::smallDemoRun();
        const fs::path dir = test::makeTempDir("results-export");
        QMainWindow window;
        auto* job = new ResultsExport(run, dir / "app", &window);
        QSignalSpy finished(job, &ResultsExport::finished);
        QSignalSpy progressed(job, &ResultsExport::progressed);
        const int total = job->figureCount();
        QVERIFY(total > 20);

        // The event loop turns while the export runs: a timer ticks between figures.
        int ticks = 0;
        QTimer ticker;
        connect(&ticker, &QTimer::timeout, [&] { ++ticks; });
        ticker.start(0);
        job->start();
        QCOMPARE(job->figuresWritten(), 0);   // start() returns before the first figure
        QVERIFY(finished.wait(120'000));
        ticker.stop();
        QCOMPARE(progressed.size(), total);
        QVERIFY2(ticks > total / 2, qPrintable(QStringLiteral("%1 ticks").arg(ticks)));
        QCOMPARE(finished.first().at(0).toInt(), 6);       // tables
        QCOMPARE(finished.first().at(1).toInt(), total);   // figures

        // The same files as the CLI's writers, byte for byte (run.json aside: it has the time).
        const std::vector<fs::path> tables = writeRunTables(*run, dir / "cli");
        const std::vector<fs::path> figures = renderFigures(*run, dir / "cli");
        QCOMPARE(int(figures.size()), total);
        for (const fs::path& table : tables)
            if (table.filename() != "run.json")
                QVERIFY2(readAll(table) == readAll(dir / "app" / table.filename()),
                         table.filename().c_str());
        const std::vector<fs::path> pngs = pngsUnder(dir / "app");
        QCOMPARE(pngs, pngsUnder(dir / "cli"));
        for (const fs::path& png : pngs)
            QVERIFY2(readAll(dir / "app" / png) == readAll(dir / "cli" / png), png.c_str());
        QTRY_VERIFY(window.findChild<ResultsExport*>() == nullptr);   // deleted itself
    }

    void cancelStopsBetweenFigures()
    {
        const auto run = test::smallDemoRun();
        const fs::path dir = test::makeTempDir("results-export-cancel");
        QMainWindow window;
        auto* job = new ResultsExport(run, dir, &window);
        QSignalSpy cancelled(job, &ResultsExport::cancelled);
        QSignalSpy finished(job, &ResultsExport::finished);
        connect(job, &ResultsExport::progressed, job, [job](int done) {
            if (done == 3)
                job->cancel();
        });
        job->start();
        QVERIFY(cancelled.wait(60'000));
        QCOMPARE(finished.size(), 0);
        QCOMPARE(int(pngsUnder(dir).size()), 3);
        QVERIFY(fs::is_regular_file(dir / "clustering_metrics.csv"));   // the tables finish
    }

    void unwritableFolderFails()
    {
        const auto run = test::smallDemoRun();
        const fs::path dir = test::makeTempDir("results-export-fail");
        test::writeBytes(dir / "file", "not a folder");
        QMainWindow window;
        auto* job = new ResultsExport(run, dir / "file" / "out", &window);
        QSignalSpy failed(job, &ResultsExport::failed);
        job->start();
        QVERIFY(failed.wait(60'000));
        QVERIFY2(failed.first().first().toString().contains(QStringLiteral("file/out")),
                 qPrintable(failed.first().first().toString()));
    }
};

QTEST_MAIN(TestResultsExport)
#include "test_results_export.moc"
