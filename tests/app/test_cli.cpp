// SPDX-License-Identifier: GPL-3.0-or-later
// musicatlas-cli as a user runs it: exit codes, the files of `run`, saved sessions and models
// that load again, and bad input that is reported instead of crashing.

#include "engine/models/model_io.h"
#include "engine/pipeline/session_io.h"
#include "tests/support/fixtures.h"

#include <QProcess>
#include <QtTest>

#include <filesystem>
#include <fstream>

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
};

QTEST_GUILESS_MAIN(TestCli)
#include "test_cli.moc"
