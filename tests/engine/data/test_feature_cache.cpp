// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/data/feature_cache.h"
#include "tests/support/fixtures.h"

#include <QtTest>

#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

namespace fs = std::filesystem;

class TestFeatureCache : public QObject {
    Q_OBJECT
private slots:
    void roundTripAndInvalidation()
    {
        const fs::path dir = atlas::test::makeTempDir("cache");
        const fs::path a = dir / "a track é.wav", b = dir / "b.wav";
        atlas::test::writeBytes(a, "aaaa");
        atlas::test::writeBytes(b, "bbbb");
        {
            atlas::FeatureCache cache(dir / "cache", "params-1");
            QVERIFY(!cache.loaded());
            QVERIFY(!cache.lookup(a));
            cache.store(a, {{1.5, -2.0, 3.25}, {}});
            cache.store(b, {{}, "not an audio file"});
            QVERIFY(cache.save());
        }
        {
            atlas::FeatureCache cache(dir / "cache", "params-1");
            QVERIFY(cache.loaded());
            QCOMPARE(cache.size(), std::size_t(2));
            const auto hitA = cache.lookup(a);
            QVERIFY(hitA);
            QCOMPARE(hitA->values, (std::vector<double>{1.5, -2.0, 3.25}));
            const auto hitB = cache.lookup(b);
            QVERIFY(hitB);
            QCOMPARE(hitB->failure, std::string("not an audio file"));
        }
        // Other parameters: a different cache, nothing found.
        QVERIFY(!atlas::FeatureCache(dir / "cache", "params-2").lookup(a));
        // A changed file (size) is a miss.
        atlas::test::writeBytes(a, "aaaaa");
        QVERIFY(!atlas::FeatureCache(dir / "cache", "params-1").lookup(a));
        // A changed mtime alone is a miss too.
        const auto t = fs::last_write_time(b);
        fs::last_write_time(b, t + std::chrono::seconds(5));
        QVERIFY(!atlas::FeatureCache(dir / "cache", "params-1").lookup(b));
        fs::remove_all(dir);
    }
    void damagedCacheIsIgnored()
    {
        const fs::path dir = atlas::test::makeTempDir("cache-damaged");
        const fs::path a = dir / "a.wav";
        atlas::test::writeBytes(a, "aaaa");
        fs::path file;
        {
            atlas::FeatureCache cache(dir, "p");
            cache.store(a, {{1.0}, {}});
            QVERIFY(cache.save());
            file = cache.file();
        }
        // Flip one byte of the payload: the checksum rejects it.
        std::string bytes;
        {
            std::ifstream in(file, std::ios::binary);
            bytes.assign(std::istreambuf_iterator<char>(in), {});
        }
        bytes[bytes.size() - 3] ^= 0x55;
        atlas::test::writeBytes(file, bytes);
        atlas::FeatureCache damaged(dir, "p");
        QVERIFY(!damaged.loaded());
        QVERIFY(!damaged.lookup(a));
        // Truncated and garbage files: ignored as well.
        atlas::test::writeBytes(file, bytes.substr(0, 20));
        QVERIFY(!atlas::FeatureCache(dir, "p").loaded());
        atlas::test::writeBytes(file, "hello");
        QVERIFY(!atlas::FeatureCache(dir, "p").loaded());
        fs::remove_all(dir);
    }
    void unwritableCacheReportsAndContinues()
    {
        const fs::path dir = atlas::test::makeTempDir("cache-ro");
        const fs::path a = dir / "a.wav";
        atlas::test::writeBytes(a, "aaaa");
        // A regular file where the cache folder should be: creating it must fail.
        atlas::test::writeBytes(dir / "blocker", "x");
        atlas::FeatureCache cache(dir / "blocker" / "cache", "p");
        cache.store(a, {{1.0}, {}});
        std::string error;
        QVERIFY(!cache.save(&error));
        QVERIFY(error.find("cannot write") != std::string::npos);
        fs::remove_all(dir);
    }
    void runsSharingACacheKeepEachOthersEntries()
    {
        // Two runs load the same (empty) cache, analyse different collections and save one
        // after the other: the second save keeps the first run's entries.
        const fs::path dir = atlas::test::makeTempDir("cache-shared");
        const fs::path a = dir / "a.wav", b = dir / "b.wav", c = dir / "c.wav";
        for (const fs::path& f : {a, b, c})
            atlas::test::writeBytes(f, f.filename().string());
        atlas::FeatureCache first(dir / "cache", "p"), second(dir / "cache", "p");
        first.store(a, {{1.0}, {}});
        first.store(c, {{3.0}, {}});
        second.store(b, {{2.0}, {}});
        second.store(c, {{30.0}, {}}); // computed again by the later run: its value wins
        QVERIFY(first.save());
        QVERIFY(second.save());
        atlas::FeatureCache merged(dir / "cache", "p");
        QVERIFY(merged.loaded());
        QCOMPARE(merged.size(), std::size_t(3));
        QCOMPARE(merged.lookup(a)->values, std::vector<double>{1.0});
        QCOMPARE(merged.lookup(b)->values, std::vector<double>{2.0});
        QCOMPARE(merged.lookup(c)->values, std::vector<double>{30.0});
        // The first run saves again (one more file): it keeps the second run's b and c.
        const fs::path d = dir / "d.wav";
        atlas::test::writeBytes(d, "d");
        first.store(d, {{4.0}, {}});
        QVERIFY(first.save());
        atlas::FeatureCache again(dir / "cache", "p");
        QCOMPARE(again.size(), std::size_t(4));
        QCOMPARE(again.lookup(b)->values, std::vector<double>{2.0});
        QCOMPARE(again.lookup(c)->values, std::vector<double>{30.0});
        QVERIFY(atlas::test::temporaryFiles(dir).empty());
        fs::remove_all(dir);
    }

    void concurrentProcessesSavingLoseNothing()
    {
        // Two processes each store 25 files and save after every one: every save races with
        // the other process's. Without the lock and the merge, entries are lost (and with one
        // fixed temporary name, saves fail).
        const fs::path dir = atlas::test::makeTempDir("cache-race");
        constexpr int PerProcess = 25;
        for (int i = 0; i < 2 * PerProcess; ++i)
            atlas::test::writeBytes(dir / (std::to_string(i) + ".wav"), std::to_string(i));
        pid_t children[2];
        for (int p = 0; p < 2; ++p) {
            children[p] = ::fork();
            QVERIFY(children[p] >= 0);
            if (children[p] == 0) {
                atlas::FeatureCache cache(dir / "cache", "p");
                int failures = 0;
                for (int i = p * PerProcess; i < (p + 1) * PerProcess; ++i) {
                    cache.store(dir / (std::to_string(i) + ".wav"), {{double(i)}, {}});
                    failures += !cache.save();
                }
                ::_exit(failures);
            }
        }
        for (pid_t child : children) {
            int status = 0;
            QCOMPARE(::waitpid(child, &status, 0), child);
            QVERIFY(WIFEXITED(status));
            QCOMPARE(WEXITSTATUS(status), 0);
        }
        atlas::FeatureCache merged(dir / "cache", "p");
        QCOMPARE(merged.size(), std::size_t(2 * PerProcess));
        for (int i = 0; i < 2 * PerProcess; ++i) {
            const auto hit = merged.lookup(dir / (std::to_string(i) + ".wav"));
            QVERIFY(hit);
            QCOMPARE(hit->values, std::vector<double>{double(i)});
        }
        QVERIFY(atlas::test::temporaryFiles(dir).empty());
        fs::remove_all(dir);
    }

    void disabledCacheNeverHits()
    {
        atlas::FeatureCache cache({}, "p");
        cache.store("/nonexistent", {{1.0}, {}});
        QVERIFY(!cache.lookup("/nonexistent"));
        QVERIFY(cache.save());
    }
};

QTEST_GUILESS_MAIN(TestFeatureCache)
#include "test_feature_cache.moc"
