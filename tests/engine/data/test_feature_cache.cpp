// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/data/feature_cache.h"
#include "tests/support/fixtures.h"

#include <QtTest>

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
