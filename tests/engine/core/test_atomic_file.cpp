// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/core/atomic_file.h"
#include "engine/core/error.h"

#include "tests/support/fixtures.h"

#include <QtTest>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <fstream>
#include <sstream>
#include <thread>

namespace fs = std::filesystem;

namespace {

// Every name in `dir`, hidden ones included, sorted.
QStringList namesIn(const fs::path& dir)
{
    QStringList names;
    for (const auto& e : fs::directory_iterator(dir))
        names << QString::fromStdString(e.path().filename().string());
    names.sort();
    return names;
}

// The content a writer identified by `c` writes: one byte repeated, so that a mix of two
// writers' files, or a short file, is visible.
std::string payload(char c, std::size_t size) { return std::string(size, c); }

} // namespace

class TestAtomicFile : public QObject {
    Q_OBJECT
private:
    fs::path m_dir;

private slots:
    void init() { m_dir = atlas::test::makeTempDir("atomic_file"); }
    void cleanup() { fs::remove_all(m_dir); }

    void writesAndReplacesWholeFiles()
    {
        const fs::path file = m_dir / "table.csv";
        atlas::writeFileAtomically(file, std::string_view("old\n"));
        QCOMPARE(atlas::test::readFile(file), std::string("old\n"));
        atlas::writeFileAtomically(file, [](std::ostream& out) { out << "new," << 42 << "\n"; });
        QCOMPARE(atlas::test::readFile(file), std::string("new,42\n"));
        const std::vector<unsigned char> bytes = {0, 1, 2, 255};
        atlas::writeFileAtomically(file, std::span<const unsigned char>(bytes));
        QCOMPARE(atlas::test::readFile(file), std::string("\0\1\2\xff", 4));

        // Larger than the stream's buffer, through both the stream and write().
        const std::string big = payload('x', 3 << 20);
        atlas::AtomicFile f(file, "the table");
        f.stream() << "head";
        f.write(big);
        f.stream() << "tail";
        f.commit();
        QCOMPARE(atlas::test::readFile(file), "head" + big + "tail");
        QCOMPARE(namesIn(m_dir), QStringList{"table.csv"});
    }

    void notCommittedLeavesTheTargetAndNoTemporaryFile()
    {
        const fs::path file = m_dir / "model.atlasmodel";
        atlas::writeFileAtomically(file, std::string_view("previous"));
        {
            atlas::AtomicFile f(file);
            f.write(payload('n', 100000));
        } // destroyed without commit()
        QCOMPARE(atlas::test::readFile(file), std::string("previous"));
        QCOMPARE(namesIn(m_dir), QStringList{"model.atlasmodel"});

        // The body throws: its exception comes through unchanged.
        try {
            atlas::writeFileAtomically(file, [](std::ostream& out) {
                out << payload('n', 200000);
                throw std::logic_error("the body failed");
            });
            QFAIL("no exception");
        } catch (const std::logic_error& e) {
            QCOMPARE(std::string(e.what()), std::string("the body failed"));
        }
        QCOMPARE(atlas::test::readFile(file), std::string("previous"));
        QCOMPARE(namesIn(m_dir), QStringList{"model.atlasmodel"});

        atlas::AtomicFile discarded(file);
        discarded.write(std::string_view("x"));
        discarded.discard();
        QVERIFY_THROWS_EXCEPTION(atlas::InputError, discarded.commit());
        QCOMPARE(atlas::test::readFile(file), std::string("previous"));
        QCOMPARE(namesIn(m_dir), QStringList{"model.atlasmodel"});
    }

    void failuresNameTheFileAndTheReason()
    {
        // A missing folder.
        const fs::path missing = m_dir / "no-such-folder" / "metrics.csv";
        try {
            atlas::writeFileAtomically(missing, std::string_view("x"), "the metrics table");
            QFAIL("no exception");
        } catch (const atlas::InputError& e) {
            const QString msg = e.what();
            QVERIFY2(msg.startsWith(QString::fromStdString(missing.string())), e.what());
            QVERIFY2(msg.contains("cannot write the metrics table"), e.what());
            QVERIFY2(msg.contains("(the folder " +
                                  QString::fromStdString((m_dir / "no-such-folder").string()) +
                                  " does not exist)"),
                     e.what());
        }

        // The target is a folder: refused before anything is written.
        fs::create_directories(m_dir / "a-folder" / "content");
        try {
            atlas::writeFileAtomically(m_dir / "a-folder", std::string_view("x"));
            QFAIL("no exception");
        } catch (const atlas::InputError& e) {
            QVERIFY2(QString(e.what()).contains("a-folder: cannot write the file (it is a folder)"),
                     e.what());
        }
        QVERIFY(fs::is_directory(m_dir / "a-folder" / "content"));

        // A named pipe, or a link to one, is never replaced (nor would a device be: as root,
        // renaming over a link to /dev/null would replace the device itself).
        QCOMPARE(::mkfifo((m_dir / "pipe").c_str(), 0600), 0);
        fs::create_symlink(m_dir / "pipe", m_dir / "link-to-pipe");
        for (const char* name : {"pipe", "link-to-pipe"}) {
            try {
                atlas::writeFileAtomically(m_dir / name, std::string_view("x"));
                QFAIL("no exception");
            } catch (const atlas::InputError& e) {
                QVERIFY2(QString(e.what()).contains(QString::fromStdString(
                             name + std::string(": cannot write the file (is not a regular file "
                                                "(a named pipe)"))),
                         e.what());
            }
        }
        QVERIFY(fs::is_fifo(m_dir / "pipe"));
        QVERIFY(fs::is_symlink(m_dir / "link-to-pipe"));
        fs::remove(m_dir / "link-to-pipe");
        fs::remove(m_dir / "pipe");
        QVERIFY_THROWS_EXCEPTION(atlas::InputError,
                                 atlas::writeFileAtomically(fs::path(), std::string_view("x")));
        QCOMPARE(namesIn(m_dir), QStringList{"a-folder"});

        // A folder without write permission (root may write anyway).
        if (::geteuid() != 0) {
            const fs::path locked = m_dir / "locked";
            fs::create_directories(locked);
            fs::permissions(locked, fs::perms::owner_read | fs::perms::owner_exec);
            try {
                atlas::writeFileAtomically(locked / "x.csv", std::string_view("x"));
                QFAIL("no exception");
            } catch (const atlas::InputError& e) {
                QVERIFY2(QString(e.what()).contains("x.csv"), e.what());
                QVERIFY2(QString(e.what()).contains("Permission denied"), e.what());
            }
            fs::permissions(locked, fs::perms::owner_all);
            QVERIFY(fs::is_empty(locked));
        }
    }

    void aWriteErrorGivesTheSystemsReasonAndKeepsTheOldFile()
    {
        // A file size limit makes write() fail with EFBIG, for root too. In a child process,
        // so that the limit does not outlive the check.
        const fs::path file = m_dir / "session.atlassession";
        atlas::writeFileAtomically(file, std::string_view("previous"));
        const pid_t child = ::fork();
        QVERIFY(child >= 0);
        if (child == 0) {
            std::signal(SIGXFSZ, SIG_IGN);
            const rlimit limit{1 << 16, 1 << 16};
            ::setrlimit(RLIMIT_FSIZE, &limit);
            int code = 10;
            try {
                atlas::writeFileAtomically(file, payload('n', 1 << 20), "the session file");
            } catch (const atlas::InputError& e) {
                const std::string msg = e.what();
                code = msg.find(file.string() + ": cannot write the session file (writing: ") == 0 &&
                               msg.find("File too large") != std::string::npos
                           ? 0
                           : 11;
            }
            ::_exit(code);
        }
        int status = 0;
        QCOMPARE(::waitpid(child, &status, 0), child);
        QVERIFY(WIFEXITED(status));
        QCOMPARE(WEXITSTATUS(status), 0);
        QCOMPARE(atlas::test::readFile(file), std::string("previous"));
        QCOMPARE(namesIn(m_dir), QStringList{"session.atlassession"});
    }

    void aSaveKilledMidWayLeavesTheOldFileAndNoTemporaryFile()
    {
        const int probe = ::open(m_dir.c_str(), O_TMPFILE | O_WRONLY, 0600);
        if (probe < 0)
            QSKIP("this file system has no unnamed temporary files; a killed save leaves a "
                  "hidden .tmp file there");
        ::close(probe);

        const fs::path file = m_dir / "features.cache";
        const std::string previous = payload('o', 1 << 20);
        atlas::writeFileAtomically(file, previous);
        int ready[2];
        QCOMPARE(::pipe(ready), 0);
        const pid_t child = ::fork();
        QVERIFY(child >= 0);
        if (child == 0) {
            ::close(ready[0]);
            try {
                atlas::writeFileAtomically(file, [&](std::ostream& out) {
                    const std::string block = payload('n', 1 << 20);
                    for (int i = 0; i < 16; ++i)
                        out << block;
                    out.flush();
                    (void)!::write(ready[1], "w", 1); // 16 MB written; now wait to be killed
                    for (;;)
                        ::pause();
                });
            } catch (...) {
            }
            ::_exit(1);
        }
        ::close(ready[1]);
        char c = 0;
        QCOMPARE(::read(ready[0], &c, 1), ssize_t(1));
        ::close(ready[0]);
        QCOMPARE(::kill(child, SIGKILL), 0);
        int status = 0;
        QCOMPARE(::waitpid(child, &status, 0), child);
        QVERIFY(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
        QVERIFY(atlas::test::readFile(file) == previous);
        QCOMPARE(namesIn(m_dir), QStringList{"features.cache"});
    }

    void concurrentWritersLeaveOneWholeFile()
    {
        const fs::path file = m_dir / "corpus.csv";
        constexpr std::size_t Size = 200000;
        atlas::writeFileAtomically(file, payload('a', Size));
        std::atomic<bool> stop{false};
        std::atomic<int> failures{0};
        auto writer = [&](char c) {
            for (int i = 0; i < 40; ++i) {
                try {
                    atlas::writeFileAtomically(file, payload(c, Size));
                } catch (...) {
                    ++failures;
                }
            }
        };
        int reads = 0, torn = 0;
        std::thread reader([&] {
            while (!stop) {
                const std::string s = atlas::test::readFile(file);
                ++reads;
                if (s.size() != Size || s.find_first_not_of(s[0]) != std::string::npos)
                    ++torn;
            }
        });
        std::thread a(writer, 'a'), b(writer, 'b');
        a.join();
        b.join();
        stop = true;
        reader.join();
        QCOMPARE(failures.load(), 0);
        QCOMPARE(torn, 0);
        QVERIFY(reads > 0);
        const std::string last = atlas::test::readFile(file);
        QCOMPARE(last.size(), Size);
        QVERIFY(last == payload('a', Size) || last == payload('b', Size));
        QCOMPARE(namesIn(m_dir), QStringList{"corpus.csv"});
    }

    void keepsPermissionsAndFollowsLinks()
    {
        const fs::path file = m_dir / "private.atlassession";
        atlas::writeFileAtomically(file, std::string_view("one"));
        fs::permissions(file, fs::perms::owner_read | fs::perms::owner_write);
        atlas::writeFileAtomically(file, std::string_view("two"));
        QCOMPARE(fs::status(file).permissions() & fs::perms::all,
                 fs::perms::owner_read | fs::perms::owner_write);

        const fs::path link = m_dir / "link.atlassession";
        fs::create_symlink(file.filename(), link);
        atlas::writeFileAtomically(link, std::string_view("three"));
        QVERIFY(fs::is_symlink(link));
        QCOMPARE(atlas::test::readFile(file), std::string("three"));
    }

    void aFileLockSerialisesReadModifyWrite()
    {
        // Two writers each add 1 to a counter file 100 times; without the lock, increments
        // are lost.
        const fs::path counter = m_dir / "counter";
        atlas::writeFileAtomically(counter, std::string_view("0"));
        auto add = [&] {
            for (int i = 0; i < 100; ++i) {
                atlas::FileLock lock(m_dir / "counter.lock");
                const int value = std::stoi(atlas::test::readFile(counter));
                atlas::writeFileAtomically(counter, std::to_string(value + 1));
            }
        };
        std::thread a(add), b(add);
        a.join();
        b.join();
        QCOMPARE(atlas::test::readFile(counter), std::string("200"));
        QVERIFY_THROWS_EXCEPTION(atlas::InputError,
                                 atlas::FileLock(m_dir / "no-such-folder" / "x.lock"));
    }
};

QTEST_GUILESS_MAIN(TestAtomicFile)
#include "test_atomic_file.moc"
