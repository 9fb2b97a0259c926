// SPDX-License-Identifier: GPL-3.0-or-later
// Shards (engine/pipeline/shards.h): "I/N" parsed strictly, and a track's shard the FNV-1a
// hash of its id modulo N (values computed independently in Python below), so that it never
// depends on the other tracks, the machine or where the library is mounted. Extraction,
// resuming and merging run end to end in tests/app/test_cluster.
//
//   def fnv(s):
//       h = 14695981039346656037
//       for b in s.encode(): h = ((h ^ b) * 1099511628211) % 2**64
//       return h
#include "engine/pipeline/shards.h"

#include <QtTest>

class TestShards : public QObject {
    Q_OBJECT
private slots:
    void parsesShards()
    {
        QCOMPARE(atlas::parseShard("3/64"), std::optional(atlas::ShardSpec{3, 64}));
        QCOMPARE(atlas::parseShard("0/1"), std::optional(atlas::ShardSpec{0, 1}));
        for (const char* bad : {"", "3", "64/64", "-1/4", "1/0", "1/-2", "a/4", "1/4x", " 1/4",
                                "1//4", "1/4/5", "99999999999/4"})
            QVERIFY2(!atlas::parseShard(bad), bad);
    }

    void shardIsTheHashOfTheTrackId()
    {
        const auto track = [](const char* id) {
            atlas::Track t;
            t.id = id;
            t.path = std::string("/mnt/elsewhere/") + id;
            return t;
        };
        // fnv("Neon Grid/Circuits/01 - Pulse.flac") = 2935719783889154376
        QCOMPARE(atlas::shardOf(track("Neon Grid/Circuits/01 - Pulse.flac"), 64), 8);
        QCOMPARE(atlas::shardOf(track("Neon Grid/Circuits/01 - Pulse.flac"), 4), 0);
        // fnv("blues.00003") = 6245537429314918621
        QCOMPARE(atlas::shardOf(track("blues.00003"), 64), 29);
        QCOMPARE(atlas::shardOf(track("blues.00003"), 4), 1);
        // UTF-8 bytes: fnv("Ängel/Å/01 – Ö.opus") = 7821010082234051104
        QCOMPARE(atlas::shardOf(track("Ängel/Å/01 – Ö.opus"), 64), 32);
        QCOMPARE(atlas::shardOf(track("blues.00003"), 1), 0);
    }
};

QTEST_GUILESS_MAIN(TestShards)
#include "test_shards.moc"
