// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/pipeline/pipeline.h"

#include "engine/core/error.h"
#include "engine/core/parallel.h"
#include "engine/metrics/internal.h"
#include "engine/demo/demo_corpus.h"
#include "engine/models/autoencoder.h"
#include "engine/models/pca.h"
#include "engine/models/vae.h"
#include "engine/pipeline/run_estimate.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <exception>
#include <limits>
#include <mutex>
#include <optional>
#include <thread>

namespace atlas {

const char* representationKey(Representation r)
{
    switch (r) {
    case Representation::Pca: return "pca";
    case Representation::Autoencoder: return "ae";
    case Representation::Vae: return "vae";
    case Representation::BetaVae: return "betavae";
    case Representation::Cvae: return "cvae";
    }
    return "?";
}

const char* representationName(Representation r)
{
    switch (r) {
    case Representation::Pca: return "PCA";
    case Representation::Autoencoder: return "Autoencoder";
    case Representation::Vae: return "VAE";
    case Representation::BetaVae: return "β-VAE";
    case Representation::Cvae: return "CVAE";
    }
    return "?";
}

const char* clusteringKey(Clustering c)
{
    switch (c) {
    case Clustering::KMeans: return "kmeans";
    case Clustering::Agglomerative: return "agglomerative";
    case Clustering::Dbscan: return "dbscan";
    }
    return "?";
}

const char* clusteringName(Clustering c)
{
    switch (c) {
    case Clustering::KMeans: return "KMeans";
    case Clustering::Agglomerative: return "Agglomerative (Ward)";
    case Clustering::Dbscan: return "DBSCAN";
    }
    return "?";
}

const char* mapKey(MapKind m) { return m == MapKind::Tsne ? "tsne" : "umap"; }
const char* mapName(MapKind m) { return m == MapKind::Tsne ? "t-SNE" : "UMAP"; }

const char* earlyStopKey(EarlyStop mode)
{
    switch (mode) {
    case EarlyStop::On: return "on";
    case EarlyStop::Off: return "off";
    case EarlyStop::Auto: break;
    }
    return "auto";
}

std::optional<EarlyStop> parseEarlyStop(const std::string& word)
{
    for (EarlyStop m : {EarlyStop::Auto, EarlyStop::On, EarlyStop::Off})
        if (word == earlyStopKey(m))
            return m;
    return std::nullopt;
}

const ClusteringResult* RepresentationResult::clustering(Clustering c) const
{
    for (const ClusteringResult& r : clusterings)
        if (r.kind == c)
            return &r;
    return nullptr;
}

const MapResult* RepresentationResult::map(MapKind m) const
{
    for (const MapResult& r : maps)
        if (r.kind == m)
            return &r;
    return nullptr;
}

int RunResult::addedCount() const
{
    return int(std::count(added.begin(), added.end(), static_cast<unsigned char>(1)));
}

const RepresentationResult* RunResult::representation(Representation r) const
{
    for (const RepresentationResult& x : representations)
        if (x.kind == r)
            return &x;
    return nullptr;
}

std::vector<std::string> PipelineConfig::validate() const
{
    std::vector<std::string> p = data.validate();
    check(p, !representations.empty(), "PipelineConfig", "representations",
          "choose at least one", representations.size());
    check(p, latentDim >= 1 && latentDim <= 1024, "PipelineConfig", "latentDim",
          "must be in [1, 1024]", latentDim);
    check(p, epochs >= 1 && epochs <= 100000, "PipelineConfig", "epochs",
          "must be in [1, 100000]", epochs);
    check(p, earlyStopAbove >= 0, "PipelineConfig", "earlyStopAbove", "must be >= 0",
          earlyStopAbove);
    check(p, batchSize >= 1, "PipelineConfig", "batchSize", "must be >= 1", batchSize);
    check(p, !hidden.empty(), "PipelineConfig", "hidden", "needs at least one layer",
          hidden.size());
    for (int w : hidden)
        check(p, w >= 1, "PipelineConfig", "hidden", "every width must be >= 1", w);
    check(p, learningRate > 0.0, "PipelineConfig", "learningRate", "must be > 0", learningRate);
    check(p, vaeBeta >= 0.0, "PipelineConfig", "vaeBeta", "must be >= 0", vaeBeta);
    check(p, betaVaeBeta > 0.0, "PipelineConfig", "betaVaeBeta", "must be > 0", betaVaeBeta);
    check(p, klWarmupEpochs >= 0, "PipelineConfig", "klWarmupEpochs", "must be >= 0",
          klWarmupEpochs);
    check(p, freeBits >= 0.0, "PipelineConfig", "freeBits", "must be >= 0", freeBits);
    check(p, clusters >= 2, "PipelineConfig", "clusters", "must be >= 2", clusters);
    if (data.demo && clusters >= 2) {
        const int demoTracks = int(demoGenres().size()) * data.demoCorpus.tracksPerGenre;
        if (std::string problem = clusterCountProblem(clusters, demoTracks); !problem.empty())
            p.push_back("PipelineConfig.clusters: " + problem);
    }
    check(p, dbscanEps >= 0.0, "PipelineConfig", "dbscanEps", "must be >= 0 (0 = automatic)",
          dbscanEps);
    check(p, dbscanMinSamples >= 0, "PipelineConfig", "dbscanMinSamples",
          "must be >= 0 (0 = automatic)", dbscanMinSamples);
    check(p, threads >= 0, "PipelineConfig", "threads", "must be >= 0 (0 = all cores)", threads);
    check(p, earlyStopEpochTracks >= 0, "PipelineConfig", "earlyStopEpochTracks",
          "must be >= 0 (0 = a whole pass)", earlyStopEpochTracks);
    if (maps) {
        for (std::string& s : tsne.validate())
            p.push_back(std::move(s));
        for (std::string& s : umap.validate())
            p.push_back(std::move(s));
    }
    return p;
}

std::string clusterCountProblem(int clusters, int tracks)
{
    if (tracks < 0 || clusters <= tracks)
        return {};
    const std::string k = std::to_string(clusters);
    if (tracks < 2)
        return "k = " + k + " clusters need at least 2 tracks, and there " +
               (tracks == 1 ? "is only 1" : "are none") + "; add tracks to the collection";
    return "k = " + k + " clusters need at least " + k + " tracks, and there are only " +
           std::to_string(tracks) + "; lower Clusters (k) to " + std::to_string(tracks) +
           " or fewer";
}

Labels conditionLabels(const Dataset& ds)
{
    Labels c = ds.labels;
    const int unlabelled = int(ds.labelNames.size());
    for (Eigen::Index i = 0; i < c.size(); ++i)
        if (c(i) < 0)
            c(i) = unlabelled;
    return c;
}

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start)
{
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// "1.0", "4.0", "2.5": the seed's method names print β with at least one decimal.
std::string betaText(double beta)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", beta);
    if (std::abs(std::strtod(buf, nullptr) - beta) > 1e-12)
        std::snprintf(buf, sizeof buf, "%g", beta);
    return buf;
}

std::string methodName(Representation r, const PipelineConfig& cfg)
{
    switch (r) {
    case Representation::Vae: return "vae_beta" + betaText(cfg.vaeBeta);
    case Representation::BetaVae: return "betavae_beta" + betaText(cfg.betaVaeBeta);
    default: return representationKey(r);
    }
}

// Seeds of the stages, derived from the run's seed so that changing one model's settings
// does not change another's random stream.
Seed stageSeed(Seed seed, Representation r, int salt)
{
    return seed * 1000003ULL + Seed(int(r)) * 101ULL + Seed(salt);
}

template <class Config>
void fillTraining(Config& c, const PipelineConfig& cfg, Representation r, Eigen::Index tracks)
{
    c.earlyStopping.enabled = cfg.earlyStop == EarlyStop::On ||
                              (cfg.earlyStop == EarlyStop::Auto && tracks > cfg.earlyStopAbove);
    c.earlyStopping.epochRows = cfg.earlyStopEpochTracks;
    c.hidden = cfg.hidden;
    c.latent = cfg.latentDim;
    c.epochs = cfg.epochs;
    c.batchSize = cfg.batchSize;
    c.learningRate = cfg.learningRate;
    c.seed = stageSeed(cfg.seed, r, 1);
}

void train(RepresentationResult& rep, const RunResult& run, const PipelineConfig& cfg,
           const Progress& progress, const PipelineObserver& observer)
{
    const Matrix& X = run.dataset.hybrid;
    const auto onEpoch = [&](const EpochReport& e) {
        if (observer.epoch)
            observer.epoch(rep.kind, e);
        return false;
    };
    switch (rep.kind) {
    case Representation::Pca: {
        const int maxComponents = int(std::min(X.rows(), X.cols()));
        PcaConfig pc;
        pc.components = std::min(cfg.latentDim, maxComponents);
        Pca pca(pc);
        rep.codes = pca.fitTransform(X);
        rep.explainedVarianceRatio = pca.explainedVarianceRatio();
        rep.model = std::make_shared<const TrainedModel>(std::move(pca));
        break;
    }
    case Representation::Autoencoder: {
        AutoencoderConfig ac;
        fillTraining(ac, cfg, rep.kind, X.rows());
        Autoencoder ae(ac);
        ae.fit(X, progress, onEpoch);
        rep.codes = ae.trainingCodes();
        rep.history = ae.history();
        rep.validationLoss = ae.validationLoss();
        rep.bestEpoch = ae.bestEpoch();
        rep.model = std::make_shared<const TrainedModel>(std::move(ae));
        break;
    }
    case Representation::Vae:
    case Representation::BetaVae:
    case Representation::Cvae: {
        VaeConfig vc;
        fillTraining(vc, cfg, rep.kind, X.rows());
        vc.beta = rep.kind == Representation::BetaVae ? cfg.betaVaeBeta : cfg.vaeBeta;
        vc.klWarmupEpochs = cfg.klWarmupEpochs;
        vc.freeBits = cfg.freeBits;
        vc.conditional = rep.kind == Representation::Cvae;
        Vae vae(vc);
        if (vc.conditional) {
            if (!run.dataset.hasLabels())
                throw InputError("the conditional VAE needs labels (a genre or label for the "
                                 "tracks), and this collection has none");
            vae.fit(X, conditionLabels(run.dataset), progress, onEpoch);
        } else {
            vae.fit(X, progress, onEpoch);
        }
        rep.codes = vae.trainingCodes();
        rep.history = vae.history();
        rep.validationLoss = vae.validationLoss();
        rep.bestEpoch = vae.bestEpoch();
        rep.model = std::make_shared<const TrainedModel>(std::move(vae));
        break;
    }
    }
    rep.activeDimensions = activeDimensions(rep.codes);
}

// Trains rep (kind and method set) and times it; a failure is kept in rep.error.
// `cancelled` is set instead of throwing Cancelled.
void trainOne(RepresentationResult& rep, const RunResult& run, const PipelineConfig& cfg,
              const Progress& progress, const PipelineObserver& observer, bool& cancelled)
{
    const auto start = Clock::now();
    try {
        train(rep, run, cfg, progress, observer);
        rep.ok = true;
    } catch (const Cancelled&) {
        cancelled = true;
    } catch (const std::exception& e) {
        rep.error = e.what();
    }
    rep.trainSeconds = secondsSince(start);
}

// The labels and every score but the silhouette, which runPipeline() computes for the
// three clusterings of a representation together (silhouetteScores()); NaN until then.
ClusteringResult cluster(Clustering kind, const Matrix& Z, const Labels* truth,
                         const PipelineConfig& cfg, Representation r, const Progress& progress,
                         const detail::KnnGraph* neighbours)
{
    ClusteringResult c;
    c.kind = kind;
    const auto start = Clock::now();
    try {
        if (kind != Clustering::Dbscan)
            if (std::string problem = clusterCountProblem(cfg.clusters, int(Z.rows()));
                !problem.empty())
                throw ConfigError(problem);
        switch (kind) {
        case Clustering::KMeans: {
            KMeansConfig k;
            k.k = cfg.clusters;
            k.seed = stageSeed(cfg.seed, r, 2);
            c.labels = kmeans(Z, k, progress).labels;
            break;
        }
        case Clustering::Agglomerative: {
            AgglomerativeConfig a;
            a.k = cfg.clusters;
            c.labels = agglomerative(Z, a, progress, neighbours).labels;
            break;
        }
        case Clustering::Dbscan: {
            DbscanConfig d;
            d.eps = cfg.dbscanEps;
            d.minSamples = cfg.dbscanMinSamples;
            d.components = 0;  // leading principal axes of the codes (DbscanConfig::components)
            const DbscanResult res = dbscan(Z, d, progress);
            c.labels = res.labels;
            c.dbscanEps = res.eps;
            c.dbscanMinSamples = res.minSamples;
            break;
        }
        }
        c.scores = scoreClusteringWithSilhouette(Z, c.labels, truth,
                                                 std::numeric_limits<double>::quiet_NaN());
        c.ok = true;
    } catch (const Cancelled&) {
        throw;
    } catch (const std::exception& e) {
        c.error = e.what();
    }
    c.seconds = secondsSince(start);
    return c;
}

// Fills in the silhouette of every clustering that succeeded, all in one pass over the
// pairwise distances of Z (silhouetteScores()); returns the seconds it took.
double scoreSilhouettes(const Matrix& Z, std::vector<ClusteringResult>& clusterings,
                        const Progress& progress)
{
    const auto start = Clock::now();
    std::vector<Labels> labellings;
    std::vector<ClusteringResult*> scored;
    for (ClusteringResult& c : clusterings)
        if (c.ok) {
            labellings.push_back(c.labels);
            scored.push_back(&c);
        }
    if (scored.empty())
        return 0.0;
    const std::vector<double> silhouettes = silhouetteScores(Z, labellings, progress);
    for (std::size_t c = 0; c < scored.size(); ++c)
        scored[c]->scores.silhouette = silhouettes[c];
    return secondsSince(start);
}

// `neighbours`: the exact kNN graph of Z that runPipeline() found (empty when it did not);
// t-SNE and UMAP take its leading columns instead of searching themselves.
MapResult embed(MapKind kind, const Matrix& Z, const PipelineConfig& cfg, Representation r,
                const Progress& progress, const PipelineObserver& observer,
                const detail::KnnGraph& neighbours)
{
    MapResult m;
    m.kind = kind;
    const auto start = Clock::now();
    try {
        if (kind == MapKind::Tsne) {
            TsneConfig t = cfg.tsne;
            t.seed = stageSeed(cfg.seed, r, 3);
            TsneCallback frame;
            if (observer.mapFrame)
                frame = [&](const TsneIteration& it) {
                    observer.mapFrame(r, kind, *it.embedding,
                                      double(it.iteration) / it.totalIterations);
                    return false;
                };
            Tsne fit(t);
            fit.init(Z, progress.sub(0.0, 0.05), &neighbours);
            fit.run(-1, frame, std::max(1, observer.mapFrameEvery), progress.sub(0.05, 1.0));
            progress.report(1.0);
            TsneResult res = fit.result();
            m.xy = std::move(res.embedding);
            m.notes = std::move(res.notes);
        } else {
            UmapConfig u = cfg.umap;
            u.seed = stageSeed(cfg.seed, r, 4);
            UmapCallback frame;
            if (observer.mapFrame)
                frame = [&](const UmapEpoch& e) {
                    observer.mapFrame(r, kind, *e.embedding, double(e.epoch) / e.totalEpochs);
                    return false;
                };
            UmapResult res = umap(Z, u, progress, frame, std::max(1, observer.mapFrameEvery),
                                  &neighbours);
            m.xy = std::move(res.embedding);
            m.notes = std::move(res.notes);
            if (res.initFallback)
                m.notes.push_back(res.initMessage);
        }
        m.ok = true;
    } catch (const Cancelled&) {
        throw;
    } catch (const std::exception& e) {
        m.error = e.what();
    }
    m.seconds = secondsSince(start);
    return m;
}

// Trains the representations, in order, on a thread of its own with one OpenMP thread,
// while the calling thread clusters and maps the ones already trained. A mini-batch step of
// these small networks gains nothing from a second thread (the products are too small to
// split), so the second core is better spent on the analysis: at 100,000 tracks the
// training then costs almost no wall time. Results do not change: every stage gives the
// same bits for any thread count.
//
// The calling thread still reports every stage in the order of pipelinePlan(): wait() reports
// a model's training (its progress and, through the observer, its epochs, on the calling
// thread) until it is trained; for a model trained ahead that is at once.
class TrainingAhead {
public:
    TrainingAhead(const RunResult& run, const PipelineConfig& cfg, int threads)
        : m_run(run), m_cfg(cfg), m_slots(cfg.representations.size()),
          m_analysisThreads(threads - 1), m_threads(threads)
    {
        m_thread = std::thread([this] { work(); });
    }
    ~TrainingAhead()
    {
        m_stop = true;
        m_thread.join();
    }
    TrainingAhead(const TrainingAhead&) = delete;
    TrainingAhead& operator=(const TrainingAhead&) = delete;

    /// The analysis's threads: all but the trainer's while it trains, then all.
    const std::atomic<int>& analysisThreads() const { return m_analysisThreads; }

    /// Representation i, trained: its progress reported through `progress`, its epochs
    /// through `observer`, as they come. Rethrows Cancelled.
    void wait(int i, RepresentationResult& rep, const Progress& progress,
              const PipelineObserver& observer)
    {
        Slot& slot = m_slots[std::size_t(i)];
        std::unique_lock lock(m_mutex);
        std::size_t delivered = 0;
        for (;;) {
            std::vector<EpochReport> fresh(slot.epochs.begin() + std::ptrdiff_t(delivered),
                                           slot.epochs.end());
            delivered = slot.epochs.size();
            const double fraction = slot.fraction;
            const std::string message = slot.message;
            const bool done = slot.done;
            lock.unlock();
            if (observer.epoch)
                for (const EpochReport& e : fresh)
                    observer.epoch(rep.kind, e);
            if (!message.empty() || done)
                progress.report(done ? 1.0 : fraction, message);
            if (progress.isCancelled())
                m_stop = true;
            lock.lock();
            if (slot.done && delivered == slot.epochs.size())
                break;
            if (m_finished && !slot.done)
                break;   // stopped before reaching this model (cancelled)
            m_changed.wait_for(lock, std::chrono::milliseconds(100));
        }
        if (!slot.done || slot.error)
            throw Cancelled();
        rep = std::move(slot.rep);
    }

private:
    struct Slot {
        RepresentationResult rep;
        std::vector<EpochReport> epochs;
        double fraction = 0.0;
        std::string message;
        bool done = false;
        bool error = false;   // cancelled
    };

    void work()
    {
        ThreadScope one(1);
        for (std::size_t i = 0; i < m_slots.size() && !m_stop; ++i) {
            RepresentationResult rep;
            rep.kind = m_cfg.representations[i];
            rep.method = methodName(rep.kind, m_cfg);
            Slot& slot = m_slots[i];
            const Progress progress(
                [this, &slot](std::string_view, double overall, std::string_view message) {
                    const std::lock_guard lock(m_mutex);
                    slot.fraction = overall;
                    slot.message = std::string(message);
                    m_changed.notify_all();
                },
                &m_stop);
            PipelineObserver observer;
            observer.epoch = [this, &slot](Representation, const EpochReport& e) {
                const std::lock_guard lock(m_mutex);
                slot.epochs.push_back(e);
                m_changed.notify_all();
            };
            bool cancelled = false;
            trainOne(rep, m_run, m_cfg, progress, observer, cancelled);
            const std::lock_guard lock(m_mutex);
            slot.rep = std::move(rep);
            slot.error = cancelled;
            slot.done = true;
            m_changed.notify_all();
            if (cancelled)
                break;
        }
        m_analysisThreads = m_threads;
        const std::lock_guard lock(m_mutex);
        m_finished = true;
        m_changed.notify_all();
    }

    const RunResult& m_run;
    const PipelineConfig& m_cfg;
    std::vector<Slot> m_slots;
    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::atomic<bool> m_stop{false};
    std::atomic<bool> m_finished{false};
    std::atomic<int> m_analysisThreads;
    const int m_threads;
    std::thread m_thread;
};

} // namespace

RunResult runPipeline(const PipelineConfig& cfg, Diagnostics& diagnostics,
                      const Progress& progress, const PipelineObserver& observer)
{
    requireValid(cfg.validate());
    ThreadScope threads(cfg.threads);
    const auto runStart = Clock::now();
    RunResult run;
    run.config = cfg;

    auto start = Clock::now();
    run.dataset = buildDataset(cfg.data, diagnostics, progress.sub(0.0, 0.2, "features"));
    run.stageSeconds["features"] = secondsSince(start);
    if (observer.datasetReady)
        observer.datasetReady(run.dataset);

    const Labels* truth = run.dataset.hasLabels() ? &run.dataset.labels : nullptr;
    const int reps = int(cfg.representations.size());
    const int threadCount = maxThreads();
    std::unique_ptr<TrainingAhead> ahead;
    std::optional<ThreadTarget> analysisThreads;
    if (threadCount >= 2 && reps >= 2) {
        ahead = std::make_unique<TrainingAhead>(run, cfg, threadCount);
        // While models train beside it, the analysis leaves them a core, and takes it back
        // (at its next progress report) once they are done.
        analysisThreads.emplace(ahead->analysisThreads());
    }
    for (int i = 0; i < reps; ++i) {
        progress.throwIfCancelled();
        RepresentationResult rep;
        rep.kind = cfg.representations[std::size_t(i)];
        rep.method = methodName(rep.kind, cfg);
        const std::string name = representationName(rep.kind);
        const Progress slice =
            progress.sub(0.2 + 0.8 * i / reps, 0.2 + 0.8 * (i + 1) / reps, name);

        const Progress training = slice.sub(0.0, 0.45, name + " training");
        if (ahead) {
            ahead->wait(i, rep, training, observer);
        } else {
            bool cancelled = false;
            trainOne(rep, run, cfg, training, observer, cancelled);
            if (cancelled)
                throw Cancelled();
            training.report(1.0);
        }
        if (!rep.ok)
            diagnostics.add(representationKey(rep.kind), name + " unavailable: " + rep.error);
        run.stageSeconds[std::string(representationKey(rep.kind)) + ".train"] = rep.trainSeconds;
        if (rep.ok) {
            // One exact nearest-neighbour search serves Ward (which skips most of its scans
            // with it), t-SNE's affinities and UMAP's graph.
            detail::KnnGraph neighbours;
            const Eigen::Index n = rep.codes.rows();
            // The stage is reported even when skipped, as pipelinePlan() has it. Codes that
            // are not finite, or a search that fails (memory), leave each stage to its own.
            const Progress search =
                slice.sub(0.45, clusteringsStart(cfg), name + " nearest neighbours");
            if (cfg.maps) {
                search.report(0.0);
                if (n >= 2 && n < cfg.tsne.exactKnnMaxPoints && rep.codes.allFinite()) {
                    followThreadTarget();
                    const auto searchStart = Clock::now();
                    try {
                        neighbours =
                            detail::exactKnn(rep.codes, Tsne::neighbourCount(cfg.tsne, n));
                    } catch (const std::exception&) {
                        neighbours = {};
                    }
                    run.stageSeconds[std::string(representationKey(rep.kind)) + ".neighbours"] =
                        secondsSince(searchStart);
                    search.throwIfCancelled();
                    search.report(1.0);
                }
            }
            const int nc = int(AllClusterings.size());
            const double clusterings = clusteringsStart(cfg);
            for (int c = 0; c < nc; ++c) {
                const Clustering kind = AllClusterings[std::size_t(c)];
                followThreadTarget();
                rep.clusterings.push_back(cluster(
                    kind, rep.codes, truth, cfg, rep.kind,
                    slice.sub(clusterings + (0.55 - clusterings) * c / nc,
                              clusterings + (0.55 - clusterings) * (c + 1) / nc,
                              name + " " + clusteringName(kind)),
                    &neighbours));
                const ClusteringResult& cr = rep.clusterings.back();
                if (!cr.ok)
                    diagnostics.add(rep.method + "_" + clusteringKey(kind),
                                    std::string(clusteringName(kind)) + " failed: " + cr.error);
                run.stageSeconds[std::string(representationKey(rep.kind)) + "." +
                                 clusteringKey(kind)] = cr.seconds;
            }
            // The silhouettes of all three in one pass over the pairwise distances (the
            // costly part), timed and reported with the last clustering.
            {
                followThreadTarget();
                ClusteringResult& last = rep.clusterings.back();
                last.seconds += scoreSilhouettes(
                    rep.codes, rep.clusterings,
                    slice.sub(clusterings + (0.55 - clusterings) * (nc - 1) / nc, 0.55,
                              name + " " + clusteringName(last.kind)));
                run.stageSeconds[std::string(representationKey(rep.kind)) + "." +
                                 clusteringKey(last.kind)] = last.seconds;
            }
            if (cfg.maps) {
                for (int m = 0; m < int(AllMaps.size()); ++m) {
                    const MapKind kind = AllMaps[std::size_t(m)];
                    followThreadTarget();
                    rep.maps.push_back(embed(kind, rep.codes, cfg, rep.kind,
                                             slice.sub(0.55 + 0.45 * m / 2.0,
                                                       0.55 + 0.45 * (m + 1) / 2.0,
                                                       name + " " + mapName(kind)),
                                             observer, neighbours));
                    const MapResult& mr = rep.maps.back();
                    if (!mr.ok)
                        diagnostics.add(std::string(representationKey(rep.kind)) + "_" +
                                            mapKey(kind),
                                        std::string(mapName(kind)) + " failed: " + mr.error);
                    run.stageSeconds[std::string(representationKey(rep.kind)) + "." +
                                     mapKey(kind)] = mr.seconds;
                }
            }
        }
        run.representations.push_back(std::move(rep));
        if (observer.representationReady)
            observer.representationReady(run.representations.back());
        slice.report(1.0);
    }
    run.issues = diagnostics.issues();
    run.totalSeconds = secondsSince(runStart);
    progress.report(1.0, "done");
    return run;
}

} // namespace atlas
