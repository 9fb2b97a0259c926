// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Internal: the fields the session and model files store, each struct described once for
// writing and reading (engine/core/archive.h). Not part of the public API.
//
// a.version() is the session format version (SessionFormatVersion); model files use only
// the model configurations and EpochReport, which do not depend on it.
// The order of the a(...) calls is the file layout: append new fields at the end of a
// struct's description under `if (a.version() >= N)` with a new format version, and give
// older files a value in the `else` branch of reading. Enums are stored by value: a
// reordering changes the meaning of existing files (the static_asserts below guard it).

#include "engine/core/archive.h"
#include "engine/data/track_tags_io.h"
#include "engine/io/model_io.h"
#include "engine/pipeline/extend.h"
#include "engine/pipeline/pipeline.h"

#include <limits>
#include <memory>
#include <string>
#include <vector>

namespace atlas {

namespace detail {

#define ATLAS_STORED_ENUM(Type, Last, Name)                                                        \
    template <>                                                                                    \
    struct EnumInfo<Type> {                                                                        \
        static constexpr Type last = Type::Last;                                                   \
        static constexpr const char* name = Name;                                                  \
    }

ATLAS_STORED_ENUM(Representation, Cvae, "representation");
ATLAS_STORED_ENUM(Clustering, Dbscan, "clustering");
ATLAS_STORED_ENUM(MapKind, Umap, "map");
ATLAS_STORED_ENUM(TsneInit, Random, "t-SNE initialisation");
ATLAS_STORED_ENUM(TsneRepulsion, Fft, "t-SNE repulsion");
ATLAS_STORED_ENUM(UmapInit, Random, "UMAP initialisation");
ATLAS_STORED_ENUM(CollectionLayout, FeatureTable, "collection layout");
ATLAS_STORED_ENUM(PairingMode, Approximate, "lyrics pairing mode");
ATLAS_STORED_ENUM(LyricsSource, Manifest, "lyrics source");
ATLAS_STORED_ENUM(ExcerptPosition, Auto, "excerpt position");
ATLAS_STORED_ENUM(LabelSource, None, "label source");
ATLAS_STORED_ENUM(Fusion, Balanced, "fusion");
ATLAS_STORED_ENUM(EarlyStop, Off, "early stopping mode");

#undef ATLAS_STORED_ENUM

static_assert(int(Representation::Pca) == 0 && int(Representation::Cvae) == 4);
static_assert(int(Clustering::KMeans) == 0 && int(Clustering::Dbscan) == 2);
static_assert(int(MapKind::Tsne) == 0 && int(MapKind::Umap) == 1);
static_assert(int(TsneInit::Pca) == 0 && int(TsneInit::Random) == 1);
static_assert(int(TsneRepulsion::Auto) == 0 && int(TsneRepulsion::Fft) == 2);
static_assert(int(UmapInit::Spectral) == 0 && int(UmapInit::Random) == 1);
static_assert(int(CollectionLayout::Gtzan) == 0 && int(CollectionLayout::LyricsOnly) == 5 &&
              int(CollectionLayout::FeatureTable) == 6);
static_assert(int(PairingMode::Inline) == 0 && int(PairingMode::Approximate) == 2);
static_assert(int(LyricsSource::None) == 0 && int(LyricsSource::Manifest) == 4);
static_assert(int(ExcerptPosition::Start) == 0 && int(ExcerptPosition::Auto) == 2);
static_assert(int(LabelSource::Auto) == 0 && int(LabelSource::None) == 8);
static_assert(int(Fusion::Concat) == 0 && int(Fusion::Balanced) == 1);
static_assert(int(EarlyStop::Auto) == 0 && int(EarlyStop::Off) == 2);

} // namespace detail

// ---------------------------------------------------------------------------------------------
// Configurations

template <class A>
void describe(A& a, DatasetConfig& c)
{
    DecodeConfig& d = c.audio.decode;
    MfccConfig& m = c.audio.mfcc;
    TfidfConfig& t = c.tfidf;
    a(c.demo, c.demoCorpus.tracksPerGenre, c.demoCorpus.durationSeconds, c.demoCorpus.sampleRate,
      c.demoCorpus.seed);
    a(c.dataDir, c.manifest, c.lyricsCsv);
    a(c.lyricsColumns.key, c.lyricsColumns.label, c.lyricsColumns.text);
    a(c.useAudio, c.useLyrics);
    a(d.sampleRate, d.mono, d.offset, d.duration, d.minDuration);
    a(m.sampleRate, m.nMfcc, m.nFft, m.hopLength, m.nMels, m.fMin, m.fMax, m.amin, m.topDb);
    a(t.maxFeatures, t.lowercase, t.smoothIdf, t.sublinearTf, t.l2Normalise);
    a(c.seed, c.threads, c.cacheDir, c.useCache);
    if (a.version() >= 2) {
        a(d.excerpt, d.autoMiddleAbove, c.readTags, c.labelFrom, c.approximatePairing, c.fusion,
          c.audioWeight);
    } else if constexpr (A::Reading) {
        // What version 1 did: the start of the track, the layout's labels, no tags, and a
        // lyrics CSV paired at random when no key matched.
        d.excerpt = ExcerptPosition::Start;
        c.labelFrom = LabelSource::Layout;
        c.readTags = false;
        c.approximatePairing = true;
    }
    if (a.version() >= 5)
        a(c.featuresFile);
}

template <class A>
void describe(A& a, TsneConfig& t)
{
    a(t.components, t.perplexity, t.earlyExaggeration, t.exaggerationIterations, t.learningRate,
      t.iterations, t.iterationsWithoutProgress, t.minGradNorm, t.angle, t.initialMomentum,
      t.finalMomentum, t.minGain, t.init, t.seed);
    if (a.version() >= 6) {
        a(t.repulsion, t.fftAbovePoints, t.interpolationPoints, t.minIntervals,
          t.intervalsPerUnit, t.exactKnnMaxPoints, t.knnSearchBreadth);
    } else if constexpr (A::Reading) {
        // What those runs did: Barnes-Hut and exact neighbours at every size.
        t.repulsion = TsneRepulsion::BarnesHut;
        t.exactKnnMaxPoints = std::numeric_limits<int>::max();
    }
    if (a.version() >= 7)
        a(t.fftIterations);
    else if constexpr (A::Reading)
        t.fftIterations = t.iterations;   // those runs ran every iteration with FFT too
}

template <class A>
void describe(A& a, UmapConfig& u)
{
    a(u.components, u.neighbours, u.minDist, u.spread, u.setOpMixRatio, u.localConnectivity,
      u.repulsionStrength, u.negativeSampleRate, u.learningRate, u.epochs, u.init, u.a, u.b,
      u.exactKnnMaxPoints, u.seed);
}

template <class A>
void describe(A& a, PipelineConfig& c)
{
    a(c.data, c.representations, c.latentDim, c.epochs, c.batchSize, c.hidden, c.learningRate,
      c.vaeBeta, c.betaVaeBeta, c.klWarmupEpochs, c.freeBits, c.clusters, c.dbscanEps,
      c.dbscanMinSamples, c.maps, c.tsne, c.umap, c.seed, c.threads);
    if (a.version() >= 5) {
        a(c.earlyStop, c.earlyStopAbove);
    } else if constexpr (A::Reading) {
        c.earlyStop = EarlyStop::Off;   // what those runs did: every epoch
    }
    if (a.version() >= 8)
        a(c.earlyStopEpochTracks);
    else if constexpr (A::Reading)
        c.earlyStopEpochTracks = 0;     // those runs' epochs were whole passes
}

/// The training options of AutoencoderConfig and VaeConfig (model files: a u32 layer count).
template <class A, class Config>
void describeTraining(A& a, Config& c)
{
    a.template sequence<std::uint32_t>(c.hidden);
    a(c.latent, c.epochs, c.batchSize, c.learningRate, c.beta1, c.beta2, c.epsilon, c.seed);
}

template <class A>
void describe(A& a, PcaConfig& c)
{
    a(c.components);
}

template <class A>
void describe(A& a, AutoencoderConfig& c)
{
    describeTraining(a, c);
}

template <class A>
void describe(A& a, VaeConfig& c)
{
    describeTraining(a, c);
    a(c.beta, c.conditional, c.klWarmupEpochs, c.freeBits, c.sumOverFeatures);
}

// ---------------------------------------------------------------------------------------------
// Results

template <class A>
void describe(A& a, EpochReport& e)
{
    a(e.epoch, e.epochs, e.loss, e.reconstruction, e.kl, e.klWeight);
}

template <class A>
void describe(A& a, Track& t)
{
    a(t.id, t.path, t.label, t.lyricsKey, t.lyrics, t.hasInlineLyrics);
    if (a.version() >= 2) {
        a(t.layoutLabel, t.folder, t.lyricsFile, t.lyricsSource, t.tags);
    } else if constexpr (A::Reading) {
        t.layoutLabel = t.label;
        t.lyricsSource = LyricsSource::None; // set from the pairing (Dataset)
    }
}

template <class A>
void describe(A& a, Pairing& p)
{
    a(p.lyricsRow, p.mode, p.matched, p.description);
}

template <class A>
void describe(A& a, CacheStats& c)
{
    a(c.hits, c.decoded, c.file);
}

/// The dataset without `coverage` (recomputed from the tracks) and the tag cache's file; from
/// version 3, with the counts of tags read and taken from the cache (run.json reports them).
template <class A>
void describe(A& a, Dataset& ds)
{
    a(ds.tracks, ds.layout, ds.source, ds.audio, ds.audioNames, ds.lyrics, ds.vocabulary,
      ds.hybrid, ds.labels, ds.labelNames, ds.pairing, ds.lyricsUsed, ds.audioUsed, ds.cache);
    if (a.version() >= 2) {
        a(ds.labelDescription, ds.labelSource, ds.audioScale, ds.lyricsScale);
    } else if constexpr (A::Reading) {
        // Version 1 kept no lyrics source: a track with a CSV row or inline text had lyrics.
        if (ds.lyricsUsed)
            for (std::size_t i = 0; i < ds.tracks.size(); ++i) {
                if (i < ds.pairing.lyricsRow.size() && ds.pairing.lyricsRow[i] >= 0)
                    ds.tracks[i].lyricsSource = LyricsSource::Csv;
                else if (ds.tracks[i].hasInlineLyrics)
                    ds.tracks[i].lyricsSource = LyricsSource::Manifest;
            }
    }
    if (a.version() >= 3)
        a(ds.metadata.fromCache, ds.metadata.read);
    if constexpr (A::Reading)
        ds.coverage = libraryCoverage(ds.tracks);
}

template <class A>
void describe(A& a, ClusterScores& s)
{
    a(s.silhouette, s.calinskiHarabasz, s.daviesBouldin, s.ari, s.nmi, s.ami, s.vMeasure,
      s.purity, s.nClusters, s.noiseFraction);
}

template <class A>
void describe(A& a, ClusteringResult& c)
{
    a(c.kind, c.ok, c.error, c.labels, c.scores, c.dbscanEps, c.dbscanMinSamples, c.seconds);
}

template <class A>
void describe(A& a, MapResult& m)
{
    a(m.kind, m.ok, m.error, m.xy, m.notes, m.seconds);
}

/// The trained model as a complete embedded model file (model_io.h, with its own version
/// and checksum), so that model files and sessions share one serialisation: a flag, then the
/// file's u64 size and bytes.
template <class A>
void describeModel(A& a, std::shared_ptr<const TrainedModel>& model, Representation kind)
{
    bool present = model != nullptr;
    a(present);
    if (!present) {
        model.reset();
        return;
    }
    const std::string name = a.file() + " (" + representationName(kind) + " model)";
    if constexpr (A::Writing) {
        a(modelFileBytes(*model, nullptr, name));
    } else if constexpr (A::Reading) {
        detail::ByteReader& in = a.bytes();
        const std::size_t size = in.count(1);
        LoadedModel loaded = parseModelFile(in.raw(size), size, name);
        const ModelKind expected = kind == Representation::Pca           ? ModelKind::Pca
                                   : kind == Representation::Autoencoder ? ModelKind::Autoencoder
                                                                         : ModelKind::Vae;
        if (loaded.kind != expected)
            a.fail(std::string("the ") + representationName(kind) +
                   " holds another kind of model");
        model = std::make_shared<const TrainedModel>(std::move(loaded.model));
    }
}

template <class A>
void describe(A& a, RepresentationResult& r)
{
    a(r.kind, r.method, r.ok, r.error, r.codes, r.history, r.activeDimensions,
      r.explainedVarianceRatio, r.clusterings, r.maps, r.trainSeconds);
    describeModel(a, r.model, r.kind);
    if (a.version() >= 5)
        a(r.validationLoss, r.bestEpoch);
}

template <class A>
void describe(A& a, Issue& issue)
{
    a(issue.file, issue.reason);
}

// The fit that added tracks were placed against (version 4).

template <class A>
void describe(A& a, FittedFeatures& f)
{
    a(f.audio, f.lyrics, f.audioMean, f.audioScale, f.lyricsMean, f.lyricsScale, f.audioFactor,
      f.lyricsFactor, f.tfidf.maxFeatures, f.tfidf.lowercase, f.tfidf.smoothIdf,
      f.tfidf.sublinearTf, f.tfidf.l2Normalise, f.vocabulary, f.idf);
    if constexpr (A::Reading) {
        const bool sizes = f.audioMean.size() == f.audioScale.size() &&
                           f.lyricsMean.size() == f.lyricsScale.size() &&
                           f.lyricsMean.size() == Eigen::Index(f.vocabulary.size()) &&
                           f.idf.size() == Eigen::Index(f.vocabulary.size());
        if (!sizes || !(f.audioScale.array() > 0.0).all() || !(f.lyricsScale.array() > 0.0).all())
            a.fail("the fit's feature scaling is inconsistent");
    }
}

template <class A>
void describe(A& a, FittedClustering& c)
{
    a(c.kind, c.ok, c.centres, c.projection.mean, c.projection.axes, c.core, c.coreLabels, c.eps);
    if constexpr (A::Reading)
        if (c.core.rows() != c.coreLabels.size())
            a.fail("a fitted DBSCAN's core points and labels differ in number");
}

template <class A>
void describe(A& a, FittedMap& m)
{
    a(m.kind, m.xy);
}

template <class A>
void describe(A& a, FittedRepresentation& r)
{
    a(r.kind, r.codes, r.clusterings, r.maps);
    if constexpr (A::Reading)
        for (const FittedMap& m : r.maps)
            if (m.xy.size() > 0 && m.xy.rows() != r.codes.rows())
                a.fail("a fitted map has another number of tracks than its codes");
}

template <class A>
void describe(A& a, FitReference& r)
{
    a(r.fittedTracks, r.features, r.labelNames, r.representations);
}

/// From version 4, which tracks were added after the fit and the fit they were placed
/// against.
template <class A>
void describe(A& a, RunResult& run)
{
    a(run.config, run.dataset, run.representations, run.issues, run.stageSeconds,
      run.totalSeconds);
    if (a.version() >= 4) {
        a(run.added);
        bool hasReference = run.reference != nullptr;
        a(hasReference);
        if constexpr (A::Reading) {
            if (hasReference) {
                auto reference = std::make_shared<FitReference>();
                a(*reference);
                run.reference = std::move(reference);
            }
            if (!run.added.empty() && run.added.size() != run.dataset.tracks.size())
                a.fail("the added-track marks do not match the tracks");
        } else if (hasReference) {
            a(const_cast<FitReference&>(*run.reference));
        }
    }
}

} // namespace atlas
