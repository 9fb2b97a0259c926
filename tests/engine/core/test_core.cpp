// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/core/error.h"
#include "engine/core/issue.h"
#include "engine/core/parallel.h"
#include "engine/core/progress.h"
#include "engine/core/random.h"
#include "tests/support/fixtures.h"

#include <QtTest>

#ifdef _OPENMP
#include <omp.h>
#endif

#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

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
    // The header promises the same numbers on every platform: compare every bit with vectors
    // computed from the published algorithms by tests/data/core/gen_random.py.
    void rngMatchesKnownAnswers()
    {
        const auto rows = atlas::test::readSimpleCsv(atlas::test::fixture("core/random_kat.csv"));
        QCOMPARE(rows.front(), (std::vector<std::string>{"kind", "seed", "arg", "index", "value"}));
        const auto u64 = [](const std::string& s) { return std::uint64_t(std::strtoull(s.c_str(), nullptr, 16)); };
        const auto dbl = [](const std::string& s) { return std::strtod(s.c_str(), nullptr); };
        int checked = 0, fusedDiffers = 0;
        for (std::size_t r = 1; r < rows.size(); ++r) {
            const auto& row = rows[r];
            QCOMPARE(row.size(), std::size_t(5));
            const std::string& kind = row[0];
            const atlas::Seed seed = u64(row[1]);
            const int index = std::stoi(row[3]);
            const std::string& value = row[4];
            const QByteArray where = QByteArray::fromStdString(kind + " seed " + row[1] + " arg " +
                                                               row[2] + " #" + row[3]);
            atlas::Rng g(seed);
            if (kind == "splitmix64") {
                std::uint64_t state = seed, out = 0;
                for (int i = 0; i <= index; ++i)
                    out = atlas::splitMix64(state);
                QVERIFY2(out == u64(value), where);
                // The hash form is one step from a copy of the state.
                std::uint64_t before = seed;
                for (int i = 0; i < index; ++i)
                    atlas::splitMix64(before);
                QVERIFY2(atlas::splitMix64Hash(before) == u64(value), where);
            } else if (kind == "next") {
                std::uint64_t out = 0;
                for (int i = 0; i <= index; ++i)
                    out = g.next();
                QVERIFY2(out == u64(value), where);
            } else if (kind == "uniform") {
                double out = 0;
                for (int i = 0; i <= index; ++i)
                    out = g.uniform();
                QVERIFY2(out == dbl(value), where);
            } else if (kind == "uniform_range") {
                QCOMPARE(row[2], std::string("-2.5:7.25"));
                atlas::Rng raw(seed);
                double out = 0, u = 0;
                for (int i = 0; i <= index; ++i) {
                    out = g.uniform(-2.5, 7.25);
                    u = raw.uniform();
                }
                // Exactly the specification's rounding, never the fused multiply-add a CPU
                // with FMA gives if allowed (the vectors include values where they differ).
                QVERIFY2(out == dbl(value), where);
                if (std::fma(7.25 - -2.5, u, -2.5) != out)
                    ++fusedDiffers;
            } else if (kind == "below") {
                std::uint64_t out = 0;
                for (int i = 0; i <= index; ++i)
                    out = g.below(u64(row[2]));
                QVERIFY2(out == u64(value), where);
            } else if (kind == "split_next") {
                atlas::Rng child = g.split();
                std::uint64_t out = 0;
                for (int i = 0; i <= index; ++i)
                    out = child.next();
                QVERIFY2(out == u64(value), where);
            } else if (kind == "split_parent_next") {
                g.split();
                QVERIFY2(g.next() == u64(value), where);
            } else if (kind == "shuffle20") {
                std::vector<int> v(20);
                for (int i = 0; i < 20; ++i)
                    v[std::size_t(i)] = i;
                g.shuffle(v);
                QVERIFY2(std::uint64_t(v[std::size_t(index)]) == u64(value), where);
            } else {
                QFAIL(where.constData());
            }
            ++checked;
        }
        QCOMPARE(checked, 625);
        QVERIFY(fusedDiffers > 0);
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

    // A ThreadTarget sets the count at once, follows its target at each progress report made
    // outside a parallel region (never inside one), and restores the count afterwards.
    void threadTargetFollowsAtProgressReports()
    {
#ifndef _OPENMP
        QSKIP("built without OpenMP: one thread");
#else
        const atlas::ThreadScope outer(3);
        std::atomic<int> target{1};
        {
            const atlas::ThreadTarget follow(target);
            QCOMPARE(atlas::maxThreads(), 1);
            target = 2;
            QCOMPARE(atlas::maxThreads(), 1);   // not before a report
            const atlas::Progress progress;
            progress.report(0.5);
            QCOMPARE(atlas::maxThreads(), 2);
            target = 0;   // read as 1
            atlas::followThreadTarget();
            QCOMPARE(atlas::maxThreads(), 1);
            target = 2;
            int teamSize = 0;
            int afterReport = 0;
#pragma omp parallel num_threads(2)
            {
#pragma omp master
                {
                    teamSize = omp_get_num_threads();
                    target = 3;
                    progress.report(0.6);
                    afterReport = omp_get_max_threads();
                }
            }
            if (teamSize == 2)
                QCOMPARE(afterReport, 1);   // a running team keeps its size
            QCOMPARE(atlas::maxThreads(), 1);
            progress.report(0.7);
            QCOMPARE(atlas::maxThreads(), 3);
        }
        QCOMPARE(atlas::maxThreads(), 3);
        // Without a target, reports leave the count alone.
        atlas::Progress().report(1.0);
        QCOMPARE(atlas::maxThreads(), 3);
#endif
    }
};

QTEST_GUILESS_MAIN(TestCore)
#include "test_core.moc"
