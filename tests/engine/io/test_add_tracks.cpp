// SPDX-License-Identifier: GPL-3.0-or-later
// Adding tracks to a finished run without retraining (engine/pipeline/extend.h): the fitted
// tracks' features come out of the kept fit exactly, added tracks do not depend on which
// others are added with them, they land where a refit on the same model would put them, and
// sessions keep which tracks were fitted and which added.
#include "engine/cluster/kmeans.h"
#include "engine/core/error.h"
#include "engine/demo/demo_corpus.h"
#include "engine/io/session_io.h"
#include "engine/metrics/external.h"
#include "engine/metrics/trustworthiness.h"
#include "engine/pipeline/extend.h"
#include "tests/support/fixtures.h"

#include <QtTest>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>

namespace fs = std::filesystem;

namespace {

using atlas::Clustering;
using atlas::MapKind;
using atlas::Representation;

// The demo corpus at 50 tracks per genre (500 tracks, 3 s each), and manifests that split it:
// every tenth track (50) is left out of the fit, to be added.
struct Split {
    atlas::DemoCorpus corpus;
    fs::path fitManifest, addManifest, cache;
    std::vector<fs::path> addFiles;
};

const Split& split()
{
    static const Split s = [] {
        Split s;
        const fs::path root = atlas::test::makeTempDir("add-tracks");
        atlas::DemoCorpusConfig demo;
        demo.tracksPerGenre = 50;
        demo.durationSeconds = 3.0;
        s.corpus = atlas::ensureDemoCorpus(demo, root / "corpus");
        s.cache = root / "cache";
        s.fitManifest = root / "fit.csv";
        s.addManifest = root / "add.csv";
        std::ofstream fit(s.fitManifest), add(s.addManifest);
        fit << "path,label,lyrics_id\n";
        add << "path,label,lyrics_id\n";
        for (std::size_t i = 0; i < s.corpus.files.size(); ++i) {
            const std::string row = s.corpus.files[i].string() + "," +
                                    s.corpus.genres[std::size_t(s.corpus.labels(Eigen::Index(i)))] +
                                    "," + s.corpus.trackIds[i] + "\n";
            if (i % 10 == 3) {
                add << row;
                s.addFiles.push_back(s.corpus.files[i]);
            } else {
                fit << row;
            }
        }
        return s;
    }();
    return s;
}

atlas::PipelineConfig fitConfig()
{
    atlas::PipelineConfig cfg;
    cfg.data.manifest = split().fitManifest;
    cfg.data.lyricsCsv = split().corpus.lyricsCsv;
    cfg.data.audio.decode.duration = 2.0;
    cfg.data.cacheDir = split().cache;
    cfg.representations = {Representation::Pca, Representation::Vae, Representation::Cvae};
    cfg.epochs = 15;
    cfg.threads = 2;
    return cfg;
}

const atlas::RunResult& fittedRun()
{
    static const atlas::RunResult run = [] {
        atlas::Diagnostics diagnostics;
        return atlas::runPipeline(fitConfig(), diagnostics);
    }();
    return run;
}

atlas::DatasetConfig manifestSource(const fs::path& manifest)
{
    atlas::DatasetConfig source;
    source.manifest = manifest;
    source.lyricsCsv = split().corpus.lyricsCsv;
    source.cacheDir = split().cache;
    return source;
}

fs::path oneRowManifest(const fs::path& file, const std::string& tag)
{
    const fs::path m = atlas::test::makeTempDir(tag) / "one.csv";
    std::ofstream out(m);
    out << "path,label,lyrics_id\n";
    const auto& c = split().corpus;
    const auto it = std::find(c.files.begin(), c.files.end(), file);
    const std::size_t i = std::size_t(it - c.files.begin());
    out << file.string() << "," << c.genres[std::size_t(c.labels(Eigen::Index(i)))] << ","
        << c.trackIds[i] << "\n";
    return m;
}

// Row of each track id.
std::map<std::string, int> rowsById(const atlas::RunResult& run)
{
    std::map<std::string, int> rows;
    for (int i = 0; i < run.dataset.size(); ++i)
        rows[run.dataset.tracks[std::size_t(i)].id] = i;
    return rows;
}

// Mean share of each listed row's k nearest rows of A that are also among its k nearest of B
// (both among all rows, the row itself excluded).
double neighbourOverlap(const atlas::Matrix& A, const atlas::Matrix& B, const std::vector<int>& rows, int k)
{
    const auto nearest = [&](const atlas::Matrix& X, int i) {
        std::vector<std::pair<double, int>> d;
        for (int j = 0; j < X.rows(); ++j)
            if (j != i)
                d.emplace_back((X.row(j) - X.row(i)).squaredNorm(), j);
        std::partial_sort(d.begin(), d.begin() + k, d.end());
        std::set<int> out;
        for (int t = 0; t < k; ++t)
            out.insert(d[std::size_t(t)].second);
        return out;
    };
    double sum = 0.0;
    for (int i : rows) {
        const std::set<int> a = nearest(A, i), b = nearest(B, i);
        int both = 0;
        for (int j : a)
            both += b.count(j) ? 1 : 0;
        sum += double(both) / k;
    }
    return sum / double(rows.size());
}

} // namespace

class TestAddTracks : public QObject {
    Q_OBJECT
private slots:
    void theFitIsReproducedFromItsTracks()
    {
        const atlas::RunResult& run = fittedRun();
        QCOMPARE(run.dataset.size(), 450);
        const atlas::FitReference ref = atlas::makeFitReference(run);
        QCOMPARE(ref.fittedTracks, 450);
        QCOMPARE(ref.features.vocabulary, run.dataset.vocabulary);
        QCOMPARE(ref.representations.size(), std::size_t(3));
        // The hybrid rows of the fitted tracks through the kept transform are the run's.
        std::vector<std::string> texts;
        for (const atlas::Track& t : run.dataset.tracks)
            texts.push_back(t.lyrics);
        atlas::Matrix words;
        const atlas::Matrix hybrid =
            atlas::fittedHybrid(ref.features, run.dataset.audio, texts, &words);
        QVERIFY(atlas::test::worstExcess(hybrid, run.dataset.hybrid, 1e-12, 1e-12) <= 0.0);
        QVERIFY(atlas::test::worstExcess(words, run.dataset.lyrics, 1e-15, 1e-12) <= 0.0);
        // The cluster centres are the clusters' means; DBSCAN's core points keep its labels.
        const atlas::FittedRepresentation* pca = ref.representation(Representation::Pca);
        QVERIFY(pca);
        const atlas::FittedClustering& km = pca->clusterings[0];
        QVERIFY(km.ok);
        QCOMPARE(km.centres.rows(), atlas::Matrix::Index(10));
        const atlas::Labels& labels = run.representation(Representation::Pca)->clusterings[0].labels;
        atlas::RowVector mean = atlas::RowVector::Zero(pca->codes.cols());
        int count = 0;
        for (int i = 0; i < labels.size(); ++i)
            if (labels(i) == 3) {
                mean += pca->codes.row(i);
                ++count;
            }
        QVERIFY(count > 0);
        QVERIFY((km.centres.row(3) - mean / count).cwiseAbs().maxCoeff() < 1e-12);
    }

    void addedTracksDoNotDependOnEachOther()
    {
        const atlas::RunResult& run = fittedRun();
        atlas::Diagnostics d1;
        atlas::ExtendReport report;
        const atlas::RunResult all = atlas::extendRun(
            run, manifestSource(split().addManifest), atlas::ExtendMode::Add, d1, {}, &report);
        QCOMPARE(report.added, 50);
        QCOMPARE(report.total, 500);
        QCOMPARE(report.fitted, 450);
        QCOMPARE(all.addedCount(), 50);
        QVERIFY(all.reference);
        // The labels' description counts every track, not only the fitted ones.
        QVERIFY2(run.dataset.labelDescription.find("450") != std::string::npos,
                 run.dataset.labelDescription.c_str());
        QVERIFY2(all.dataset.labelDescription.find("500") != std::string::npos,
                 all.dataset.labelDescription.c_str());

        // One at a time, in reverse order, each on the result of the one before: every
        // added track's code, clusters and places are the same bit for bit.
        atlas::RunResult step = run;
        int n = 0;
        for (auto it = split().addFiles.rbegin(); it != split().addFiles.rend(); ++it, ++n) {
            atlas::Diagnostics d;
            step = atlas::extendRun(step,
                                    manifestSource(oneRowManifest(*it, "add-one-" + std::to_string(n))),
                                    atlas::ExtendMode::Add, d);
        }
        QCOMPARE(step.dataset.size(), 500);
        QCOMPARE(step.addedCount(), 50);
        const auto rowsAll = rowsById(all), rowsStep = rowsById(step);
        int compared = 0;
        for (const auto& [id, i] : rowsAll) {
            if (!all.isAdded(i))
                continue;
            QVERIFY2(rowsStep.count(id), id.c_str());
            const int j = rowsStep.at(id);
            QVERIFY(step.isAdded(j));
            for (std::size_t r = 0; r < all.representations.size(); ++r) {
                const atlas::RepresentationResult& a = all.representations[r];
                const atlas::RepresentationResult& b = step.representations[r];
                QVERIFY2(a.codes.row(i) == b.codes.row(j), id.c_str());
                for (std::size_t c = 0; c < a.clusterings.size(); ++c)
                    QCOMPARE(a.clusterings[c].labels(i), b.clusterings[c].labels(j));
                for (std::size_t m = 0; m < a.maps.size(); ++m)
                    QVERIFY2(a.maps[m].xy.row(i) == b.maps[m].xy.row(j), id.c_str());
            }
            ++compared;
        }
        QCOMPARE(compared, 50);
        // The fitted tracks did not move.
        for (int i = 0; i < 450; ++i)
            QVERIFY(all.representations[0].maps[1].xy.row(i) ==
                    run.representations[0].maps[1].xy.row(i));
    }

    void addedTracksLandWhereTheFitPutsTheirNeighbours()
    {
        const atlas::RunResult& run = fittedRun();
        atlas::Diagnostics diagnostics;
        const atlas::RunResult all = atlas::extendRun(
            run, manifestSource(split().addManifest), atlas::ExtendMode::Add, diagnostics);
        std::vector<int> added, fitted;
        for (int i = 0; i < all.dataset.size(); ++i)
            (all.isAdded(i) ? added : fitted).push_back(i);
        QCOMPARE(int(added.size()), 50);

        QByteArray failures;
        double meanAdded = 0.0, meanFitted = 0.0, networkAriAdded = 0.0, networkAriFitted = 0.0;
        int maps = 0, networks = 0;
        for (const atlas::RepresentationResult& rep : all.representations) {
            const QByteArray name = atlas::representationName(rep.kind);
            // KMeans refitted on every track's code with the same model and seed (the
            // pipeline's stageSeed(seed, r, 2)): the added tracks' labels agree with it. On
            // PCA's well separated codes they must agree all but perfectly; on the networks'
            // codes a refit also moves fitted tracks between clusters, so there the added
            // tracks must agree with it about as well as the fitted tracks do (on average over
            // the networks, within 0.1: 50 tracks make one ARI vary by several hundredths).
            atlas::KMeansConfig k;
            k.k = run.config.clusters;
            k.seed = run.config.seed * 500003ULL + atlas::Seed(int(rep.kind)) * 101ULL + 2;
            const atlas::Labels refit = atlas::kmeans(rep.codes, k).labels;
            const auto ari = [&](const std::vector<int>& rows) {
                atlas::Labels mine(Eigen::Index(rows.size())), theirs(Eigen::Index(rows.size()));
                for (std::size_t t = 0; t < rows.size(); ++t) {
                    mine(Eigen::Index(t)) = rep.clusterings[0].labels(rows[t]);
                    theirs(Eigen::Index(t)) = refit(rows[t]);
                }
                return atlas::adjustedRandScore(theirs, mine);
            };
            const double ariAdded = ari(added), ariFitted = ari(fitted);
            qInfo("%s: KMeans ARI against a refit: added tracks %.3f, fitted tracks %.3f",
                  name.constData(), ariAdded, ariFitted);
            if (rep.kind == Representation::Pca && ariAdded < 0.95)
                failures += name + " KMeans ARI; ";
            if (rep.kind != Representation::Pca) {
                networkAriAdded += ariAdded;
                networkAriFitted += ariFitted;
                ++networks;
            }

            for (const atlas::MapResult& map : rep.maps) {
                QVERIFY(map.ok);
                const double overlapAdded = neighbourOverlap(rep.codes, map.xy, added, 10);
                const double overlapFitted = neighbourOverlap(rep.codes, map.xy, fitted, 10);
                atlas::Matrix fitCodes(450, rep.codes.cols()), fitXy(450, 2);
                for (int i = 0; i < 450; ++i) {
                    fitCodes.row(i) = rep.codes.row(fitted[std::size_t(i)]);
                    fitXy.row(i) = map.xy.row(fitted[std::size_t(i)]);
                }
                const double twAll = atlas::trustworthiness(rep.codes, map.xy, 10);
                const double twFit = atlas::trustworthiness(fitCodes, fitXy, 10);
                qInfo("%s %s: neighbour overlap added %.3f fitted %.3f; trustworthiness %.4f "
                      "(fitted %.4f)",
                      name.constData(), atlas::mapName(map.kind), overlapAdded, overlapFitted,
                      twAll, twFit);
                // 50 added tracks: one map's mean overlap varies by about 0.03 with the
                // data, so the bound is on the mean over the maps, and each map has a
                // looser one.
                meanAdded += overlapAdded;
                meanFitted += overlapFitted;
                ++maps;
                if (overlapAdded < overlapFitted - 0.08)
                    failures += name + " " + atlas::mapName(map.kind) + " overlap; ";
                if (twAll < twFit - 0.02)
                    failures += name + " " + atlas::mapName(map.kind) + " trustworthiness; ";
            }
        }
        meanAdded /= maps;
        meanFitted /= maps;
        qInfo("mean over %d maps: neighbour overlap added %.3f, fitted %.3f", maps, meanAdded,
              meanFitted);
        if (meanAdded < meanFitted - 0.05)
            failures += "mean overlap; ";
        qInfo("mean over %d networks: KMeans ARI against a refit: added %.3f, fitted %.3f",
              networks, networkAriAdded / networks, networkAriFitted / networks);
        if (networkAriAdded / networks < networkAriFitted / networks - 0.1)
            failures += "networks' KMeans ARI; ";
        QVERIFY2(failures.isEmpty(), failures.constData());
    }

    void sessionsKeepWhichTracksWereAdded()
    {
        atlas::Diagnostics diagnostics;
        const atlas::RunResult all = atlas::extendRun(
            fittedRun(), manifestSource(split().addManifest), atlas::ExtendMode::Add, diagnostics);
        const fs::path file = atlas::test::makeTempDir("add-session") / "s.atlassession";
        atlas::saveSession(file, all);
        const atlas::RunResult back = atlas::loadSession(file);
        QCOMPARE(back.added, all.added);
        QVERIFY(back.reference);
        QVERIFY(*back.reference == *all.reference);
        QCOMPARE(back.addedCount(), 50);

        // Adding to the loaded session uses the kept fit: the same tracks again are unchanged.
        atlas::ExtendReport report;
        const atlas::RunResult again = atlas::extendRun(
            back, manifestSource(split().addManifest), atlas::ExtendMode::Add, diagnostics, {},
            &report);
        QCOMPARE(report.added, 0);
        QCOMPARE(report.unchanged, 50);
        QCOMPARE(again.dataset.size(), 500);

        // Update from the fit's manifest: the added tracks are not in it, so they go.
        const atlas::RunResult updated = atlas::extendRun(
            back, manifestSource(split().fitManifest), atlas::ExtendMode::Update, diagnostics,
            {}, &report);
        QCOMPARE(report.removed, 50);
        QCOMPARE(report.unchanged, 450);
        QCOMPARE(updated.dataset.size(), 450);
        QCOMPARE(updated.addedCount(), 0);
    }

    void runsWithoutAudioCannotTakeTracks()
    {
        atlas::RunResult run;
        run.dataset.audioUsed = false;
        atlas::Diagnostics diagnostics;
        QVERIFY_THROWS_EXCEPTION(atlas::InputError,
                                 atlas::extendRun(run, manifestSource(split().addManifest),
                                                  atlas::ExtendMode::Add, diagnostics));
    }
};

QTEST_GUILESS_MAIN(TestAddTracks)
#include "test_add_tracks.moc"
