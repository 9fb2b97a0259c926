// SPDX-License-Identifier: GPL-3.0-or-later
// Feature extraction in shards under the schedulers people run (packaging/cluster/): four
// shards under GNU parallel, and a Slurm job array on a one-node cluster this test starts
// itself (munged, slurmctld and slurmd as root, with a generated slurm.conf under a temporary
// folder and free ports on localhost), each merged by `musicatlas-cli merge` into the same
// bytes as one `features` process writes. Also: a killed shard resumes. Where parallel or
// Slurm is not installed, or not as root, the test is skipped unless
// MUSICATLAS_REQUIRE_CLUSTER_TESTS is set (CI sets it: there they must run).

#include "engine/data/collection.h"
#include "tests/support/fixtures.h"

#include <QProcess>
#include <QStandardPaths>
#include <QtTest>

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace fs = std::filesystem;

namespace {

QString str(const fs::path& p)
{
    return QString::fromStdString(p.string());
}

struct Outcome {
    int exitCode = -1;
    QString out, err;
};

Outcome runProgram(const QString& program, const QStringList& args,
                   const QProcessEnvironment& env, int timeoutMs = 300'000)
{
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(program, args);
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        return {-1, {}, QStringLiteral("timed out: ") + program};
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
            QString::fromUtf8(p.readAllStandardOutput()), QString::fromUtf8(p.readAllStandardError())};
}

// A TCP port nobody listens on now.
int freePort()
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    socklen_t len = sizeof a;
    int port = -1;
    if (fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0)
        port = ntohs(a.sin_port);
    if (fd >= 0)
        ::close(fd);
    return port;
}

bool required()
{
    return qEnvironmentVariableIsSet("MUSICATLAS_REQUIRE_CLUSTER_TESTS");
}

// A one-node Slurm cluster under `dir`, stopped (and its daemons killed) on destruction.
class SlurmCluster {
public:
    explicit SlurmCluster(const fs::path& dir) : m_dir(dir) {}
    ~SlurmCluster() { stop(); }

    // Empty when it runs; else what went wrong.
    QString start()
    {
        fs::create_directories(m_dir / "state");
        fs::create_directories(m_dir / "spool");
        char host[256] = {};
        ::gethostname(host, sizeof host - 1);
        std::string shortHost(host);
        shortHost = shortHost.substr(0, shortHost.find('.'));
        const int ctldPort = freePort(), slurmdPort = freePort();
        const std::string d = m_dir.string();
        {
            std::ofstream conf(m_dir / "slurm.conf");
            conf << "ClusterName=musicatlastest\n"
                 << "SlurmctldHost=" << shortHost << "(127.0.0.1)\n"
                 << "SlurmUser=root\nSlurmdUser=root\n"
                 << "SlurmctldPort=" << ctldPort << "\nSlurmdPort=" << slurmdPort << "\n"
                 << "StateSaveLocation=" << d << "/state\nSlurmdSpoolDir=" << d << "/spool\n"
                 << "SlurmctldPidFile=" << d << "/slurmctld.pid\n"
                 << "SlurmdPidFile=" << d << "/slurmd.pid\n"
                 << "SlurmctldLogFile=" << d << "/slurmctld.log\n"
                 << "SlurmdLogFile=" << d << "/slurmd.log\n"
                 << "ProctrackType=proctrack/pgid\nTaskPlugin=task/none\n"
                 << "JobAcctGatherType=jobacct_gather/none\n"
                 << "AccountingStorageType=accounting_storage/none\nJobCompType=jobcomp/none\n"
                 << "SchedulerType=sched/builtin\nSelectType=select/cons_tres\n"
                 << "SelectTypeParameters=CR_CPU\n"
                 << "AuthType=auth/munge\nAuthInfo=socket=" << d << "/munge.socket\n"
                 << "CredType=cred/munge\nMpiDefault=none\nReturnToService=2\n"
                 << "NodeName=musicatlasnode NodeAddr=127.0.0.1 CPUs=2 State=UNKNOWN\n"
                 << "PartitionName=musicatlas Nodes=musicatlasnode Default=YES "
                    "MaxTime=INFINITE State=UP\n";
        }
        // A key of this cluster's own, readable by root only.
        {
            std::ofstream key(m_dir / "munge.key", std::ios::binary);
            for (int i = 0; i < 1024; ++i)
                key.put(char((i * 7919 + 13) % 251));
        }
        fs::permissions(m_dir / "munge.key", fs::perms::owner_read | fs::perms::owner_write);
        m_env = QProcessEnvironment::systemEnvironment();
        m_env.insert(QStringLiteral("SLURM_CONF"), str(m_dir / "slurm.conf"));
        const QStringList munge = {"--force", "--socket=" + str(m_dir / "munge.socket"),
                                   "--pid-file=" + str(m_dir / "munged.pid"),
                                   "--log-file=" + str(m_dir / "munged.log"),
                                   "--seed-file=" + str(m_dir / "munge.seed"),
                                   "--key-file=" + str(m_dir / "munge.key")};
        const Outcome m = runProgram(QStringLiteral("munged"), munge, m_env, 30'000);
        if (m.exitCode != 0)
            return QStringLiteral("munged: ") + m.err;
        m_started = true;
        const Outcome c = runProgram(QStringLiteral("slurmctld"),
                                     {"-f", str(m_dir / "slurm.conf"), "-i"}, m_env, 30'000);
        if (c.exitCode != 0)
            return QStringLiteral("slurmctld: ") + c.err;
        const Outcome s = runProgram(QStringLiteral("slurmd"),
                                     {"-f", str(m_dir / "slurm.conf"), "-N", "musicatlasnode"},
                                     m_env, 30'000);
        if (s.exitCode != 0)
            return QStringLiteral("slurmd: ") + s.err;
        // Up when the node is idle.
        for (int i = 0; i < 60; ++i) {
            const Outcome info = runProgram(QStringLiteral("sinfo"),
                                            {"-h", "-N", "-o", "%t"}, m_env, 10'000);
            if (info.exitCode == 0 && info.out.trimmed() == QStringLiteral("idle"))
                return {};
            QTest::qWait(500);
        }
        return QStringLiteral("the node did not come up:\n") +
               QString::fromStdString(atlas::test::readFile(m_dir / "slurmctld.log")) +
               QString::fromStdString(atlas::test::readFile(m_dir / "slurmd.log"));
    }

    void stop()
    {
        if (!m_started)
            return;
        m_started = false;
        runProgram(QStringLiteral("scontrol"), {"shutdown"}, m_env, 30'000);
        // Whatever is still running after the shutdown, by its pid file.
        for (const char* pid : {"slurmd.pid", "slurmctld.pid", "munged.pid"}) {
            const std::string text = atlas::test::readFile(m_dir / pid);
            if (const int p = std::atoi(text.c_str()); p > 1) {
                for (int i = 0; i < 50 && ::kill(p, 0) == 0; ++i) {
                    ::kill(p, i < 20 ? SIGTERM : SIGKILL);
                    QTest::qWait(100);
                }
            }
        }
    }

    const QProcessEnvironment& environment() const { return m_env; }

private:
    fs::path m_dir;
    QProcessEnvironment m_env;
    bool m_started = false;
};

} // namespace

class TestCluster : public QObject {
    Q_OBJECT
    fs::path m_dir, m_manifest;
    std::string m_single;   // the feature table of one process
    QProcessEnvironment m_env;

    Outcome cli(const QStringList& args) { return runProgram(QStringLiteral(ATLAS_CLI), args, m_env); }

    // The shard tables in `shards` merged, compared with one process's table.
    void mergeEqualsSingle(const fs::path& shards, int count)
    {
        QStringList args = {"merge"};
        for (int i = 0; i < count; ++i)
            args << str(shards / ("shard-" + std::to_string(i) + ".csv"));
        args << "--out" << str(shards / "features.csv");
        const Outcome m = cli(args);
        QVERIFY2(m.exitCode == 0, qPrintable(m.err));
        QVERIFY2(m.out.contains(QStringLiteral("0 missing")), qPrintable(m.out));
        const std::string merged = atlas::test::readFile(shards / "features.csv");
        QVERIFY(merged.size() > 1000);
        QVERIFY2(merged == m_single, "the merged table differs from the single process's");
    }

private slots:
    void initTestCase()
    {
        m_dir = atlas::test::makeTempDir("cluster");
        m_env = QProcessEnvironment::systemEnvironment();
        m_env.insert(QStringLiteral("XDG_CACHE_HOME"), str(m_dir / "cache"));
        m_env.insert(QStringLiteral("MUSICATLAS_CLI"), QStringLiteral(ATLAS_CLI));
        // The test library (six formats, tags, lyrics in tags and files, broken files), by a
        // manifest as the cluster scripts take it.
        atlas::Diagnostics d;
        const atlas::Collection c = atlas::scanCollection(atlas::test::fixture("library/lib"), d);
        m_manifest = m_dir / "tracks.csv";
        {
            std::ofstream out(m_manifest);
            out << "path\n";
            for (const atlas::Track& t : c.tracks)
                out << '"' << t.path.string() << "\"\n";
        }
        QVERIFY(c.tracks.size() >= 12);
        m_env.insert(QStringLiteral("MANIFEST"), str(m_manifest));
        const Outcome o = cli({"features", "--manifest", str(m_manifest), "--quiet", "--out",
                               str(m_dir / "single" / "features.csv")});
        QVERIFY2(o.exitCode == 0, qPrintable(o.err));
        m_single = atlas::test::readFile(m_dir / "single" / "features.csv");
        QVERIFY(m_single.size() > 1000);
    }

    void killedShardResumes()
    {
        const fs::path shards = m_dir / "resumed";
        for (int i = 0; i < 2; ++i) {
            const Outcome o = cli({"features", "--manifest", str(m_manifest), "--shard",
                                   QString::number(i) + "/2", "--quiet", "--out",
                                   str(shards / ("shard-" + std::to_string(i) + ".csv"))});
            QVERIFY2(o.exitCode == 0, qPrintable(o.err));
        }
        // A job killed in the middle of writing its last row, then run again.
        const fs::path one = shards / "shard-1.csv";
        const std::string whole = atlas::test::readFile(one);
        atlas::test::writeBytes(one, whole.substr(0, whole.size() - 40));
        const Outcome again = cli({"features", "--manifest", str(m_manifest), "--shard", "1/2",
                                   "--quiet", "--out", str(one)});
        QVERIFY2(again.exitCode == 0, qPrintable(again.err));
        QVERIFY2(again.out.contains(QStringLiteral("1 analysed now")), qPrintable(again.out));
        QVERIFY2(again.err.contains(QStringLiteral("cut short")), qPrintable(again.err));
        // Once more: nothing left to do.
        const Outcome done = cli({"features", "--manifest", str(m_manifest), "--shard", "1/2",
                                  "--quiet", "--out", str(one)});
        QVERIFY2(done.out.contains(QStringLiteral("0 analysed now")), qPrintable(done.out));
        mergeEqualsSingle(shards, 2);

        // A shard table missing: merged all the same, and said.
        const Outcome partial = cli({"merge", str(shards / "shard-0.csv"), "--out",
                                     str(shards / "partial.csv")});
        QVERIFY2(partial.exitCode == 0, qPrintable(partial.err));
        QVERIFY2(partial.out.contains(QStringLiteral("shard 1/2: no table given")),
                 qPrintable(partial.out));
        // Shards of other parameters are refused.
        const fs::path other = shards / "other-0.csv";
        const Outcome o = cli({"features", "--manifest", str(m_manifest), "--shard", "0/2",
                               "--excerpt", "start", "--quiet", "--out", str(other)});
        QVERIFY2(o.exitCode == 0, qPrintable(o.err));
        const Outcome mixed = cli({"merge", str(other), str(one), "--out",
                                   str(shards / "mixed.csv")});
        QCOMPARE(mixed.exitCode, 1);
        QVERIFY2(mixed.err.contains(QStringLiteral("other analysis parameters")),
                 qPrintable(mixed.err));
        // And a shard table is not appended to with other parameters.
        const Outcome wrong = cli({"features", "--manifest", str(m_manifest), "--shard", "0/2",
                                   "--quiet", "--out", str(other)});
        QCOMPARE(wrong.exitCode, 1);
    }

    void gnuParallelShardsMergeToTheSingleTable()
    {
        if (QStandardPaths::findExecutable(QStringLiteral("parallel")).isEmpty()) {
            if (required())
                QFAIL("GNU parallel is not installed");
            QSKIP("GNU parallel is not installed (Debian package parallel)");
        }
        const fs::path shards = m_dir / "parallel";
        QProcessEnvironment env = m_env;
        env.insert(QStringLiteral("OUT_DIR"), str(shards));
        const Outcome o = runProgram(
            QStringLiteral("bash"),
            {QStringLiteral(ATLAS_SOURCE_DIR "/packaging/cluster/musicatlas-features-parallel.sh"),
             "4", "-j", "2"},
            env);
        QVERIFY2(o.exitCode == 0, qPrintable(o.out + o.err));
        mergeEqualsSingle(shards, 4);
    }

    void slurmJobArrayMergesToTheSingleTable()
    {
        const QStringList programs = {"munged", "slurmctld", "slurmd", "sbatch", "sinfo",
                                      "scontrol"};
        for (const QString& p : programs)
            if (QStandardPaths::findExecutable(p).isEmpty() &&
                QStandardPaths::findExecutable(p, {"/usr/sbin", "/sbin"}).isEmpty()) {
                if (required())
                    QFAIL(qPrintable(p + " is not installed"));
                QSKIP(qPrintable(p + " is not installed (Debian packages slurm-wlm, munge)"));
            }
        if (::geteuid() != 0) {
            if (required())
                QFAIL("the Slurm test starts slurmctld and slurmd, which needs root");
            QSKIP("the Slurm test starts slurmctld and slurmd, which needs root");
        }
        // Slurm's daemons are in /usr/sbin.
        QProcessEnvironment env = m_env;
        env.insert(QStringLiteral("PATH"), env.value(QStringLiteral("PATH")) +
                                               QStringLiteral(":/usr/sbin:/sbin"));
        qputenv("PATH", env.value(QStringLiteral("PATH")).toUtf8());
        SlurmCluster cluster(m_dir / "slurm");
        const QString problem = cluster.start();
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        const fs::path shards = m_dir / "slurm-shards";
        QProcessEnvironment job = cluster.environment();
        job.insert(QStringLiteral("XDG_CACHE_HOME"), str(m_dir / "cache"));
        job.insert(QStringLiteral("MUSICATLAS_CLI"), QStringLiteral(ATLAS_CLI));
        job.insert(QStringLiteral("MANIFEST"), str(m_manifest));
        job.insert(QStringLiteral("OUT_DIR"), str(shards));
        const Outcome o = runProgram(
            QStringLiteral("sbatch"),
            {"--wait", "--array=0-3", "--export=ALL",
             "--output=" + str(m_dir / "slurm" / "job-%A_%a.log"),
             QStringLiteral(ATLAS_SOURCE_DIR "/packaging/cluster/musicatlas-features.sbatch")},
            job, 300'000);
        QVERIFY2(o.exitCode == 0, qPrintable(o.out + o.err));
        cluster.stop();
        mergeEqualsSingle(shards, 4);
    }
};

QTEST_GUILESS_MAIN(TestCluster)
#include "test_cluster.moc"
