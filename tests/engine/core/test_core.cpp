// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/core/error.h"
#include "engine/core/issue.h"
#include "engine/core/parallel.h"
#include "engine/core/progress.h"
#include "engine/core/random.h"

#include <QtTest>

#include <cmath>

class TestCore : public QObject {
    Q_OBJECT
private slots:
    void rngIsDeterministicAndSeedDependent()
    {
        atlas::Rng a(42), b(42), c(43);
        for (int i = 0; i < 100; ++i) {
            const auto x = a.next();
            QCOMPARE(x, b.next());
            QVERIFY(x != c.next());
        }
    }
    void rngUniformAndNormalHaveTheRightMoments()
    {
        atlas::Rng rng(7);
        const int n = 200000;
        double su = 0, sn = 0, sn2 = 0;
        for (int i = 0; i < n; ++i) {
            const double u = rng.uniform();
            QVERIFY(u >= 0.0 && u < 1.0);
            su += u;
            const double z = rng.normal();
            sn += z;
            sn2 += z * z;
        }
        QVERIFY(std::abs(su / n - 0.5) < 0.005);
        QVERIFY(std::abs(sn / n) < 0.01);
        QVERIFY(std::abs(sn2 / n - 1.0) < 0.02);
    }
    void rngBelowStaysInRangeAndCoversIt()
    {
        atlas::Rng rng(1);
        int counts[7] = {};
        for (int i = 0; i < 70000; ++i) {
            const auto k = rng.below(7);
            QVERIFY(k < 7);
            ++counts[k];
        }
        for (int c : counts)
            QVERIFY(std::abs(c - 10000) < 500);
    }
    void progressSubMapsOntoTheParentSlice()
    {
        std::vector<double> seen;
        std::vector<std::string> stages;
        atlas::Progress root([&](std::string_view stage, double overall, std::string_view) {
            seen.push_back(overall);
            stages.emplace_back(stage);
        }, nullptr);
        auto child = root.sub(0.5, 1.0, "b").sub(0.0, 0.5, "c");
        child.report(0.0);
        child.report(1.0);
        QCOMPARE(seen.size(), std::size_t(2));
        QCOMPARE(seen[0], 0.5);
        QCOMPARE(seen[1], 0.75);
        QCOMPARE(stages[1], std::string("c"));
    }
    void progressCancellationThrowsOnlyWhenAsked()
    {
        std::atomic<bool> cancel{false};
        atlas::Progress p({}, &cancel);
        p.throwIfCancelled();
        cancel = true;
        QVERIFY(p.isCancelled());
        QVERIFY_THROWS_EXCEPTION(atlas::Cancelled, p.throwIfCancelled());
        QVERIFY(!atlas::Progress().isCancelled());
    }
    void diagnosticsCollectsAndNotifies()
    {
        int heard = 0;
        atlas::Diagnostics d([&](const atlas::Issue&) { ++heard; });
        d.add("a.wav", "empty file");
        d.add(atlas::Issue{"b.wav", "truncated"});
        QCOMPARE(d.size(), std::size_t(2));
        QCOMPARE(heard, 2);
        QCOMPARE(d.issues()[1].reason, std::string("truncated"));
    }
    void requireValidJoinsMessages()
    {
        std::vector<std::string> problems;
        atlas::check(problems, false, "KMeansConfig", "k", "must be >= 2", 1);
        atlas::check(problems, true, "KMeansConfig", "nInit", "must be >= 1", 5);
        QCOMPARE(problems.size(), std::size_t(1));
        QCOMPARE(problems[0], std::string("KMeansConfig.k: must be >= 2 (got 1)"));
        QVERIFY_THROWS_EXCEPTION(atlas::ConfigError, atlas::requireValid(problems));
        atlas::requireValid({});
    }
    void threadScopeRestores()
    {
        const int before = atlas::maxThreads();
        {
            atlas::ThreadScope scope(1);
            QCOMPARE(atlas::maxThreads(), 1);
        }
        QCOMPARE(atlas::maxThreads(), before);
    }
};

QTEST_GUILESS_MAIN(TestCore)
#include "test_core.moc"
