// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/io/session_io.h"
#include "engine/io/model_io.h"

#include "engine/data/track_tags_io.h"

#include "engine/core/atomic_file.h"
#include "engine/core/binary_io.h"
#include "engine/core/error.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <new>
#include <string>
#include <system_error>
#include <vector>

namespace atlas {

namespace fs = std::filesystem;

namespace {

using detail::ByteReader;
using detail::ByteWriter;

constexpr std::array<char, 8> Magic = {'M', 'A', 'T', 'L', 'S', 'E', 'S', 'S'};
constexpr std::array<char, 8> ModelMagic = {'M', 'A', 'T', 'L', 'M', 'O', 'D', 'L'};
constexpr std::size_t HeaderSize = 8 + 4 + 8;
constexpr std::size_t TrailerSize = 4;

// Enums are stored by value; a reordering would silently change the meaning of old files.
static_assert(int(Representation::Pca) == 0 && int(Representation::Cvae) == 4);
static_assert(int(Clustering::KMeans) == 0 && int(Clustering::Dbscan) == 2);
static_assert(int(MapKind::Tsne) == 0 && int(MapKind::Umap) == 1);
static_assert(int(TsneInit::Pca) == 0 && int(TsneInit::Random) == 1);
static_assert(int(UmapInit::Spectral) == 0 && int(UmapInit::Random) == 1);
static_assert(int(CollectionLayout::Gtzan) == 0 && int(CollectionLayout::LyricsOnly) == 5);
static_assert(int(PairingMode::Inline) == 0 && int(PairingMode::Approximate) == 2);

// ---------------------------------------------------------------------------------------------
// Writing

template <class E>
void putEnum(ByteWriter& w, E e)
{
    w.u32(static_cast<std::uint32_t>(e));
}

void putPath(ByteWriter& w, const fs::path& p) { w.str(p.string()); }

void putStrings(ByteWriter& w, const std::vector<std::string>& v)
{
    w.u64(v.size());
    for (const std::string& s : v)
        w.str(s);
}

void putInts(ByteWriter& w, const std::vector<int>& v)
{
    w.u64(v.size());
    for (int x : v)
        w.i32(x);
}

void putLabels(ByteWriter& w, const Labels& labels)
{
    w.u64(std::uint64_t(labels.size()));
    for (Eigen::Index i = 0; i < labels.size(); ++i)
        w.i32(labels(i));
}

void putDatasetConfig(ByteWriter& w, const DatasetConfig& c)
{
    w.flag(c.demo);
    w.i32(c.demoCorpus.tracksPerGenre);
    w.f64(c.demoCorpus.durationSeconds);
    w.i32(c.demoCorpus.sampleRate);
    w.u64(c.demoCorpus.seed);
    putPath(w, c.dataDir);
    putPath(w, c.manifest);
    putPath(w, c.lyricsCsv);
    w.str(c.lyricsColumns.key);
    w.str(c.lyricsColumns.label);
    w.str(c.lyricsColumns.text);
    w.flag(c.useAudio);
    w.flag(c.useLyrics);
    const DecodeConfig& d = c.audio.decode;
    w.i32(d.sampleRate);
    w.flag(d.mono);
    w.f64(d.offset);
    w.f64(d.duration);
    w.f64(d.minDuration);
    const MfccConfig& m = c.audio.mfcc;
    w.i32(m.sampleRate);
    w.i32(m.nMfcc);
    w.i32(m.nFft);
    w.i32(m.hopLength);
    w.i32(m.nMels);
    w.f64(m.fMin);
    w.f64(m.fMax);
    w.f64(m.amin);
    w.f64(m.topDb);
    const TfidfConfig& t = c.tfidf;
    w.i32(t.maxFeatures);
    w.flag(t.lowercase);
    w.flag(t.smoothIdf);
    w.flag(t.sublinearTf);
    w.flag(t.l2Normalise);
    w.u64(c.seed);
    w.i32(c.threads);
    putPath(w, c.cacheDir);
    w.flag(c.useCache);
    // Version 2: the library settings.
    putEnum(w, d.excerpt);
    w.f64(d.autoMiddleAbove);
    w.flag(c.readTags);
    putEnum(w, c.labelFrom);
    w.flag(c.approximatePairing);
    putEnum(w, c.fusion);
    w.f64(c.audioWeight);
}

void putTsneConfig(ByteWriter& w, const TsneConfig& t)
{
    w.i32(t.components);
    w.f64(t.perplexity);
    w.f64(t.earlyExaggeration);
    w.i32(t.exaggerationIterations);
    w.f64(t.learningRate);
    w.i32(t.iterations);
    w.i32(t.iterationsWithoutProgress);
    w.f64(t.minGradNorm);
    w.f64(t.angle);
    w.f64(t.initialMomentum);
    w.f64(t.finalMomentum);
    w.f64(t.minGain);
    putEnum(w, t.init);
    w.u64(t.seed);
}

void putUmapConfig(ByteWriter& w, const UmapConfig& u)
{
    w.i32(u.components);
    w.i32(u.neighbours);
    w.f64(u.minDist);
    w.f64(u.spread);
    w.f64(u.setOpMixRatio);
    w.f64(u.localConnectivity);
    w.f64(u.repulsionStrength);
    w.i32(u.negativeSampleRate);
    w.f64(u.learningRate);
    w.i32(u.epochs);
    putEnum(w, u.init);
    w.f64(u.a);
    w.f64(u.b);
    w.i32(u.exactKnnMaxPoints);
    w.u64(u.seed);
}

void putConfig(ByteWriter& w, const PipelineConfig& c)
{
    putDatasetConfig(w, c.data);
    w.u64(c.representations.size());
    for (Representation r : c.representations)
        putEnum(w, r);
    w.i32(c.latentDim);
    w.i32(c.epochs);
    w.i32(c.batchSize);
    putInts(w, c.hidden);
    w.f64(c.learningRate);
    w.f64(c.vaeBeta);
    w.f64(c.betaVaeBeta);
    w.i32(c.klWarmupEpochs);
    w.f64(c.freeBits);
    w.i32(c.clusters);
    w.f64(c.dbscanEps);
    w.i32(c.dbscanMinSamples);
    w.flag(c.maps);
    putTsneConfig(w, c.tsne);
    putUmapConfig(w, c.umap);
    w.u64(c.seed);
    w.i32(c.threads);
}

void putDataset(ByteWriter& w, const Dataset& ds)
{
    w.u64(ds.tracks.size());
    for (const Track& t : ds.tracks) {
        w.str(t.id);
        putPath(w, t.path);
        w.str(t.label);
        w.str(t.lyricsKey);
        w.str(t.lyrics);
        w.flag(t.hasInlineLyrics);
        // Version 2: what the files say.
        w.str(t.layoutLabel);
        w.str(t.folder);
        putPath(w, t.lyricsFile);
        putEnum(w, t.lyricsSource);
        detail::putTrackTags(w, t.tags);
    }
    putEnum(w, ds.layout);
    putPath(w, ds.source);
    w.matrix(ds.audio, false);
    putStrings(w, ds.audioNames);
    w.matrix(ds.lyrics, false);
    putStrings(w, ds.vocabulary);
    w.matrix(ds.hybrid, false);
    putLabels(w, ds.labels);
    putStrings(w, ds.labelNames);
    putInts(w, ds.pairing.lyricsRow);
    putEnum(w, ds.pairing.mode);
    w.i32(ds.pairing.matched);
    w.str(ds.pairing.description);
    w.flag(ds.lyricsUsed);
    w.flag(ds.audioUsed);
    w.i32(ds.cache.hits);
    w.i32(ds.cache.decoded);
    putPath(w, ds.cache.file);
    // Version 2.
    w.str(ds.labelDescription);
    putEnum(w, ds.labelSource);
    w.f64(ds.audioScale);
    w.f64(ds.lyricsScale);
}

void putScores(ByteWriter& w, const ClusterScores& s)
{
    w.f64(s.silhouette);
    w.f64(s.calinskiHarabasz);
    w.f64(s.daviesBouldin);
    w.f64(s.ari);
    w.f64(s.nmi);
    w.f64(s.ami);
    w.f64(s.vMeasure);
    w.f64(s.purity);
    w.i32(s.nClusters);
    w.f64(s.noiseFraction);
}

void putRepresentation(ByteWriter& w, const RepresentationResult& rep, const std::string& file)
{
    putEnum(w, rep.kind);
    w.str(rep.method);
    w.flag(rep.ok);
    w.str(rep.error);
    w.matrix(rep.codes, false);
    w.u64(rep.history.size());
    for (const EpochReport& e : rep.history) {
        w.i32(e.epoch);
        w.i32(e.epochs);
        w.f64(e.loss);
        w.f64(e.reconstruction);
        w.f64(e.kl);
        w.f64(e.klWeight);
    }
    w.i32(rep.activeDimensions);
    w.matrix(rep.explainedVarianceRatio, false);
    w.u64(rep.clusterings.size());
    for (const ClusteringResult& c : rep.clusterings) {
        putEnum(w, c.kind);
        w.flag(c.ok);
        w.str(c.error);
        putLabels(w, c.labels);
        putScores(w, c.scores);
        w.f64(c.dbscanEps);
        w.i32(c.dbscanMinSamples);
        w.f64(c.seconds);
    }
    w.u64(rep.maps.size());
    for (const MapResult& m : rep.maps) {
        putEnum(w, m.kind);
        w.flag(m.ok);
        w.str(m.error);
        w.matrix(m.xy, false);
        putStrings(w, m.notes);
        w.f64(m.seconds);
    }
    w.f64(rep.trainSeconds);
    w.flag(rep.model != nullptr);
    if (rep.model) {
        // The model's own file image (with its own version and checksum), so that model
        // files and sessions share one serialisation.
        const std::vector<unsigned char> image = modelFileBytes(
            *rep.model, nullptr, file + " (" + representationName(rep.kind) + " model)");
        w.u64(image.size());
        w.raw(image.data(), image.size());
    }
}

std::vector<unsigned char> sessionImage(const RunResult& run, const std::string& file)
{
    ByteWriter payload;
    putConfig(payload, run.config);
    putDataset(payload, run.dataset);
    payload.u64(run.representations.size());
    for (const RepresentationResult& rep : run.representations)
        putRepresentation(payload, rep, file);
    payload.u64(run.issues.size());
    for (const Issue& issue : run.issues) {
        putPath(payload, issue.file);
        payload.str(issue.reason);
    }
    payload.u64(run.stageSeconds.size());
    for (const auto& [stage, seconds] : run.stageSeconds) {
        payload.str(stage);
        payload.f64(seconds);
    }
    payload.f64(run.totalSeconds);

    ByteWriter out;
    for (char c : Magic)
        out.u8(static_cast<unsigned char>(c));
    out.u32(SessionFormatVersion);
    out.u64(payload.bytes().size());
    out.raw(payload.bytes().data(), payload.bytes().size());
    out.u32(detail::crc32(payload.bytes().data(), payload.bytes().size()));
    return std::move(out.bytes());
}

// ---------------------------------------------------------------------------------------------
// Reading

class SessionReader {
public:
    SessionReader(const unsigned char* data, std::size_t size, std::string file,
                  std::uint32_t formatVersion)
        : r(data, size, file, "session file"), version(formatVersion), m_file(std::move(file))
    {
    }

    ByteReader r;
    std::uint32_t version; ///< the file's format version

    template <class E>
    E enumValue(int last, const char* what)
    {
        const std::uint32_t v = r.u32();
        if (v > std::uint32_t(last))
            r.fail(std::string("unknown ") + what + " " + std::to_string(v));
        return static_cast<E>(v);
    }
    fs::path path() { return fs::path(r.str()); }
    std::vector<std::string> strings()
    {
        std::vector<std::string> v(r.count(8));
        for (std::string& s : v)
            s = r.str();
        return v;
    }
    std::vector<int> ints()
    {
        std::vector<int> v(r.count(4));
        for (int& x : v)
            x = r.i32();
        return v;
    }
    Labels labels()
    {
        Labels l(Eigen::Index(r.count(4)));
        for (Eigen::Index i = 0; i < l.size(); ++i)
            l(i) = r.i32();
        return l;
    }
    Matrix matrix() { return r.matrix<Matrix>(false); }
    Vector vector()
    {
        const Matrix m = matrix();
        if (m.cols() != 1)
            r.fail("a vector has " + std::to_string(m.cols()) + " columns");
        return m.col(0);
    }
    const std::string& file() const { return m_file; }

private:
    std::string m_file;
};

DatasetConfig readDatasetConfig(SessionReader& s)
{
    ByteReader& r = s.r;
    DatasetConfig c;
    c.demo = r.flag();
    c.demoCorpus.tracksPerGenre = r.i32();
    c.demoCorpus.durationSeconds = r.f64();
    c.demoCorpus.sampleRate = r.i32();
    c.demoCorpus.seed = r.u64();
    c.dataDir = s.path();
    c.manifest = s.path();
    c.lyricsCsv = s.path();
    c.lyricsColumns.key = r.str();
    c.lyricsColumns.label = r.str();
    c.lyricsColumns.text = r.str();
    c.useAudio = r.flag();
    c.useLyrics = r.flag();
    DecodeConfig& d = c.audio.decode;
    d.sampleRate = r.i32();
    d.mono = r.flag();
    d.offset = r.f64();
    d.duration = r.f64();
    d.minDuration = r.f64();
    MfccConfig& m = c.audio.mfcc;
    m.sampleRate = r.i32();
    m.nMfcc = r.i32();
    m.nFft = r.i32();
    m.hopLength = r.i32();
    m.nMels = r.i32();
    m.fMin = r.f64();
    m.fMax = r.f64();
    m.amin = r.f64();
    m.topDb = r.f64();
    TfidfConfig& t = c.tfidf;
    t.maxFeatures = r.i32();
    t.lowercase = r.flag();
    t.smoothIdf = r.flag();
    t.sublinearTf = r.flag();
    t.l2Normalise = r.flag();
    c.seed = r.u64();
    c.threads = r.i32();
    c.cacheDir = s.path();
    c.useCache = r.flag();
    if (s.version >= 2) {
        d.excerpt = s.enumValue<ExcerptPosition>(2, "excerpt position");
        d.autoMiddleAbove = r.f64();
        c.readTags = r.flag();
        c.labelFrom = s.enumValue<LabelSource>(8, "label source");
        c.approximatePairing = r.flag();
        c.fusion = s.enumValue<Fusion>(1, "fusion");
        c.audioWeight = r.f64();
    } else {
        // What version 1 did: the start of the track, the layout's labels, no tags, and a
        // lyrics CSV paired at random when no key matched.
        d.excerpt = ExcerptPosition::Start;
        c.labelFrom = LabelSource::Layout;
        c.readTags = false;
        c.approximatePairing = true;
    }
    return c;
}

TsneConfig readTsneConfig(SessionReader& s)
{
    ByteReader& r = s.r;
    TsneConfig t;
    t.components = r.i32();
    t.perplexity = r.f64();
    t.earlyExaggeration = r.f64();
    t.exaggerationIterations = r.i32();
    t.learningRate = r.f64();
    t.iterations = r.i32();
    t.iterationsWithoutProgress = r.i32();
    t.minGradNorm = r.f64();
    t.angle = r.f64();
    t.initialMomentum = r.f64();
    t.finalMomentum = r.f64();
    t.minGain = r.f64();
    t.init = s.enumValue<TsneInit>(1, "t-SNE initialisation");
    t.seed = r.u64();
    return t;
}

UmapConfig readUmapConfig(SessionReader& s)
{
    ByteReader& r = s.r;
    UmapConfig u;
    u.components = r.i32();
    u.neighbours = r.i32();
    u.minDist = r.f64();
    u.spread = r.f64();
    u.setOpMixRatio = r.f64();
    u.localConnectivity = r.f64();
    u.repulsionStrength = r.f64();
    u.negativeSampleRate = r.i32();
    u.learningRate = r.f64();
    u.epochs = r.i32();
    u.init = s.enumValue<UmapInit>(1, "UMAP initialisation");
    u.a = r.f64();
    u.b = r.f64();
    u.exactKnnMaxPoints = r.i32();
    u.seed = r.u64();
    return u;
}

PipelineConfig readConfig(SessionReader& s)
{
    ByteReader& r = s.r;
    PipelineConfig c;
    c.data = readDatasetConfig(s);
    c.representations.resize(r.count(4));
    for (Representation& rep : c.representations)
        rep = s.enumValue<Representation>(4, "representation");
    c.latentDim = r.i32();
    c.epochs = r.i32();
    c.batchSize = r.i32();
    c.hidden = s.ints();
    c.learningRate = r.f64();
    c.vaeBeta = r.f64();
    c.betaVaeBeta = r.f64();
    c.klWarmupEpochs = r.i32();
    c.freeBits = r.f64();
    c.clusters = r.i32();
    c.dbscanEps = r.f64();
    c.dbscanMinSamples = r.i32();
    c.maps = r.flag();
    c.tsne = readTsneConfig(s);
    c.umap = readUmapConfig(s);
    c.seed = r.u64();
    c.threads = r.i32();
    return c;
}

Dataset readDataset(SessionReader& s)
{
    ByteReader& r = s.r;
    Dataset ds;
    ds.tracks.resize(r.count(5 * 8 + 4));
    for (Track& t : ds.tracks) {
        t.id = r.str();
        t.path = s.path();
        t.label = r.str();
        t.lyricsKey = r.str();
        t.lyrics = r.str();
        t.hasInlineLyrics = r.flag();
        if (s.version >= 2) {
            t.layoutLabel = r.str();
            t.folder = r.str();
            t.lyricsFile = s.path();
            t.lyricsSource = s.enumValue<LyricsSource>(4, "lyrics source");
            t.tags = detail::readTrackTags(r);
        } else {
            t.layoutLabel = t.label;
            t.lyricsSource = LyricsSource::None;   // set below from the pairing
        }
    }
    ds.layout = s.enumValue<CollectionLayout>(5, "collection layout");
    ds.source = s.path();
    ds.audio = s.matrix();
    ds.audioNames = s.strings();
    ds.lyrics = s.matrix();
    ds.vocabulary = s.strings();
    ds.hybrid = s.matrix();
    ds.labels = s.labels();
    ds.labelNames = s.strings();
    ds.pairing.lyricsRow = s.ints();
    ds.pairing.mode = s.enumValue<PairingMode>(2, "lyrics pairing mode");
    ds.pairing.matched = r.i32();
    ds.pairing.description = r.str();
    ds.lyricsUsed = r.flag();
    ds.audioUsed = r.flag();
    ds.cache.hits = r.i32();
    ds.cache.decoded = r.i32();
    ds.cache.file = s.path();
    if (s.version >= 2) {
        ds.labelDescription = r.str();
        ds.labelSource = s.enumValue<LabelSource>(8, "label source");
        ds.audioScale = r.f64();
        ds.lyricsScale = r.f64();
    } else if (ds.lyricsUsed) {
        // Version 1 kept no lyrics source: a track with a CSV row or inline text had lyrics.
        for (std::size_t i = 0; i < ds.tracks.size(); ++i) {
            if (i < ds.pairing.lyricsRow.size() && ds.pairing.lyricsRow[i] >= 0)
                ds.tracks[i].lyricsSource = LyricsSource::Csv;
            else if (ds.tracks[i].hasInlineLyrics)
                ds.tracks[i].lyricsSource = LyricsSource::Manifest;
        }
    }
    ds.coverage = libraryCoverage(ds.tracks);

    // The views index these by track and by column; sizes that disagree are damage.
    const Eigen::Index n = Eigen::Index(ds.tracks.size());
    if (ds.audio.rows() != n || ds.lyrics.rows() != n || ds.hybrid.rows() != n)
        r.fail("the feature matrices do not have one row per track");
    if (Eigen::Index(ds.audioNames.size()) != ds.audio.cols() ||
        Eigen::Index(ds.vocabulary.size()) != ds.lyrics.cols())
        r.fail("the feature names do not match the feature columns");
    if (ds.hybrid.cols() != ds.audio.cols() + ds.lyrics.cols())
        r.fail("the hybrid matrix does not have the audio and lyrics columns");
    if (ds.labels.size() != n)
        r.fail("the labels do not have one entry per track");
    for (Eigen::Index i = 0; i < n; ++i)
        if (ds.labels(i) < -1 || ds.labels(i) >= int(ds.labelNames.size()))
            r.fail("a label is out of range");
    if (!ds.pairing.lyricsRow.empty() && Eigen::Index(ds.pairing.lyricsRow.size()) != n)
        r.fail("the lyrics pairing does not have one entry per track");
    return ds;
}

ClusterScores readScores(ByteReader& r)
{
    ClusterScores s;
    s.silhouette = r.f64();
    s.calinskiHarabasz = r.f64();
    s.daviesBouldin = r.f64();
    s.ari = r.f64();
    s.nmi = r.f64();
    s.ami = r.f64();
    s.vMeasure = r.f64();
    s.purity = r.f64();
    s.nClusters = r.i32();
    s.noiseFraction = r.f64();
    return s;
}

std::shared_ptr<const TrainedModel> readModel(SessionReader& s, Representation kind)
{
    ByteReader& r = s.r;
    const std::size_t size = r.count(1);
    const unsigned char* image = r.raw(size);
    LoadedModel loaded = parseModelFile(
        image, size, s.file() + " (" + representationName(kind) + " model)");
    const ModelKind expected = kind == Representation::Pca           ? ModelKind::Pca
                               : kind == Representation::Autoencoder ? ModelKind::Autoencoder
                                                                     : ModelKind::Vae;
    if (loaded.kind != expected)
        r.fail(std::string("the ") + representationName(kind) + " holds another kind of model");
    return std::make_shared<const TrainedModel>(std::move(loaded.model));
}

RepresentationResult readRepresentation(SessionReader& s, Eigen::Index tracks)
{
    ByteReader& r = s.r;
    RepresentationResult rep;
    rep.kind = s.enumValue<Representation>(4, "representation");
    rep.method = r.str();
    rep.ok = r.flag();
    rep.error = r.str();
    rep.codes = s.matrix();
    rep.history.resize(r.count(2 * 4 + 4 * 8));
    for (EpochReport& e : rep.history) {
        e.epoch = r.i32();
        e.epochs = r.i32();
        e.loss = r.f64();
        e.reconstruction = r.f64();
        e.kl = r.f64();
        e.klWeight = r.f64();
    }
    rep.activeDimensions = r.i32();
    rep.explainedVarianceRatio = s.vector();
    // Minimum sizes of the entries bound what a damaged count can make us allocate.
    rep.clusterings.resize(r.count(4 + 4 + 8 + 8 + 9 * 8 + 4 + 8 + 4 + 8));
    for (ClusteringResult& c : rep.clusterings) {
        c.kind = s.enumValue<Clustering>(2, "clustering");
        c.ok = r.flag();
        c.error = r.str();
        c.labels = s.labels();
        c.scores = readScores(r);
        c.dbscanEps = r.f64();
        c.dbscanMinSamples = r.i32();
        c.seconds = r.f64();
        if (c.ok && c.labels.size() != tracks)
            r.fail("a clustering does not have one label per track");
    }
    rep.maps.resize(r.count(4 + 4 + 8 + 16 + 8 + 8));
    for (MapResult& m : rep.maps) {
        m.kind = s.enumValue<MapKind>(1, "map");
        m.ok = r.flag();
        m.error = r.str();
        m.xy = s.matrix();
        m.notes = s.strings();
        m.seconds = r.f64();
        if (m.ok && m.xy.rows() != tracks)
            r.fail("a map does not have one point per track");
    }
    rep.trainSeconds = r.f64();
    if (r.flag())
        rep.model = readModel(s, rep.kind);
    if (rep.ok && rep.codes.rows() != tracks)
        r.fail("the codes do not have one row per track");
    return rep;
}

RunResult readRun(SessionReader& s)
{
    ByteReader& r = s.r;
    RunResult run;
    run.config = readConfig(s);
    run.dataset = readDataset(s);
    const Eigen::Index n = Eigen::Index(run.dataset.tracks.size());
    run.representations.resize(r.count(4 + 8 + 4 + 8 + 16 + 8 + 4 + 16 + 8 + 8 + 8 + 4));
    for (RepresentationResult& rep : run.representations)
        rep = readRepresentation(s, n);
    run.issues.resize(r.count(16));
    for (Issue& issue : run.issues) {
        issue.file = s.path();
        issue.reason = r.str();
    }
    const std::size_t stages = r.count(16);
    for (std::size_t i = 0; i < stages; ++i) {
        std::string stage = r.str();
        run.stageSeconds[std::move(stage)] = r.f64();
    }
    run.totalSeconds = r.f64();
    if (!r.atEnd())
        r.fail("unexpected data after the run");
    return run;
}

} // namespace

void saveSession(const fs::path& file, const RunResult& run)
{
    if (file.empty() || !file.has_filename())
        throw InputError("\"" + file.string() + "\": not a file name for a session file");
    writeFileAtomically(file, sessionImage(run, file.string()), "the session file");
}

RunResult loadSession(const fs::path& file)
{
    const std::string name = file.string();
    std::error_code ec;
    const fs::file_status status = fs::status(file, ec);
    if (ec && ec != std::errc::no_such_file_or_directory)
        throw InputError(name + ": cannot read the session file (" + ec.message() + ")");
    if (!fs::exists(status))
        throw InputError(name + ": no such session file");
    if (!fs::is_regular_file(status))
        throw InputError(name + ": not a session file (not a regular file)");
    const std::uintmax_t size = fs::file_size(file, ec);
    if (ec)
        throw InputError(name + ": cannot read the session file (" + ec.message() + ")");
    if (size == 0)
        throw InputError(name + ": not a MusicAtlas session file (the file is empty)");

    std::ifstream in(file, std::ios::binary);
    if (!in)
        throw InputError(name + ": cannot open the session file");
    std::array<unsigned char, HeaderSize> header{};
    const std::size_t headerBytes = std::size_t(std::min<std::uintmax_t>(size, HeaderSize));
    in.read(reinterpret_cast<char*>(header.data()), std::streamsize(headerBytes));
    if (std::size_t(in.gcount()) != headerBytes)
        throw InputError(name + ": cannot read the session file");
    if (headerBytes >= ModelMagic.size() &&
        std::memcmp(header.data(), ModelMagic.data(), ModelMagic.size()) == 0)
        throw InputError(name + ": this is a MusicAtlas model file, not a session file");
    std::uint32_t version = 0;
    ByteReader head = detail::checkFileHeader(header.data(), headerBytes, size, Magic,
                                              HeaderSize + TrailerSize, SessionFormatVersion, name,
                                              "session file", OldestSessionFormatVersion, &version);
    const std::uint64_t payloadSize = head.u64();
    detail::checkPayloadSize(payloadSize, size, HeaderSize + TrailerSize, name, "session file");

    try {
        // The size was checked against the file's, so this allocation is what the file holds.
        std::vector<unsigned char> body(std::size_t(payloadSize) + TrailerSize);
        in.read(reinterpret_cast<char*>(body.data()), std::streamsize(body.size()));
        if (std::size_t(in.gcount()) != body.size())
            throw InputError(name + ": cannot read the session file (it changed while reading)");
        ByteReader trailer(body.data() + payloadSize, TrailerSize, name, "session file");
        if (trailer.u32() != detail::crc32(body.data(), std::size_t(payloadSize)))
            throw InputError(name + ": the session file is damaged (checksum mismatch)");
        SessionReader s(body.data(), std::size_t(payloadSize), name, version);
        return readRun(s);
    } catch (const std::bad_alloc&) {
        throw InputError(name + ": not a valid session file (sizes too large)");
    } catch (const std::length_error&) {
        throw InputError(name + ": not a valid session file (sizes too large)");
    }
}

} // namespace atlas
