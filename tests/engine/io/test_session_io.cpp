// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/core/archive.h"
#include "engine/core/binary_container.h"
#include "engine/core/binary_io.h"
#include "engine/core/error.h"
#include "engine/core/random.h"
#include "engine/io/model_io.h"
#include "engine/pipeline/pipeline.h"
#include "engine/io/session_io.h"
#include "engine/io/stored_fields.h"
#include "tests/support/fixtures.h"

#include <sys/stat.h>

#include <QtTest>

#include <limits>

#include <cstring>
#include <fstream>
#include <memory>
#include <iterator>

namespace fs = std::filesystem;
using atlas::Matrix;

namespace {

// Same shape and the same bits (NaN-safe, and stricter than ==).
bool sameMatrix(const Matrix& a, const Matrix& b)
{
    return a.rows() == b.rows() && a.cols() == b.cols() &&
           (a.size() == 0 ||
            std::memcmp(a.data(), b.data(), std::size_t(a.size()) * sizeof(double)) == 0);
}

bool sameLabels(const atlas::Labels& a, const atlas::Labels& b)
{
    return a.size() == b.size() && (a.size() == 0 || a == b);
}

// Bit-identical doubles (NaN equals NaN).
bool same(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

// Asserts that loading `file` throws InputError whose message names the file and contains
// `expected`.
void expectLoadError(const fs::path& file, const QString& expected = {})
{
    try {
        atlas::loadSession(file);
        QFAIL(qPrintable("no exception for " + QString::fromStdString(file.string())));
    } catch (const atlas::InputError& e) {
        const QString msg = e.what();
        QVERIFY2(msg.contains(QString::fromStdString(file.filename().string())), e.what());
        QVERIFY2(expected.isEmpty() || msg.contains(expected), e.what());
    }
}

// Header fields of a session file, for hand-made variants.
constexpr std::size_t HeaderSize = 20;

std::string withPayload(const std::string& header, const std::string& payload)
{
    std::string out = header.substr(0, 12);
    const std::uint64_t size = payload.size();
    for (int i = 0; i < 8; ++i)
        out.push_back(char((size >> (8 * i)) & 0xFF));
    out += payload;
    const std::uint32_t crc = atlas::detail::crc32(
        reinterpret_cast<const unsigned char*>(payload.data()), payload.size());
    for (int i = 0; i < 4; ++i)
        out.push_back(char((crc >> (8 * i)) & 0xFF));
    return out;
}

// The model file of a trained model: every stored field of it, so equal bytes are equal models.
std::vector<unsigned char> modelBytes(const std::shared_ptr<const atlas::TrainedModel>& model)
{
    return model ? atlas::modelFileBytes(*model) : std::vector<unsigned char>{};
}

// Configs, tracks, pairing, issues and the result records without matrices compare whole
// (operator==); matrices compare bit for bit.
void compareRun(const atlas::RunResult& a, const atlas::RunResult& b)
{
    // The parts first, so that a failure says where.
    QVERIFY(a.config.data.audio == b.config.data.audio);
    QVERIFY(a.config.data == b.config.data);
    QVERIFY(a.config.tsne == b.config.tsne);
    QVERIFY(a.config.umap == b.config.umap);
    QVERIFY(a.config == b.config);

    const atlas::Dataset& x = a.dataset;
    const atlas::Dataset& y = b.dataset;
    QCOMPARE(x.tracks.size(), y.tracks.size());
    for (std::size_t i = 0; i < x.tracks.size(); ++i)
        QVERIFY2(x.tracks[i] == y.tracks[i], x.tracks[i].id.c_str());
    QCOMPARE(int(x.layout), int(y.layout));
    QCOMPARE(x.source, y.source);
    QVERIFY(sameMatrix(x.audio, y.audio));
    QVERIFY(x.audioNames == y.audioNames);
    QVERIFY(sameMatrix(x.lyrics, y.lyrics));
    QVERIFY(x.vocabulary == y.vocabulary);
    QVERIFY(sameMatrix(x.hybrid, y.hybrid));
    QVERIFY(sameLabels(x.labels, y.labels));
    QVERIFY(x.labelNames == y.labelNames);
    QVERIFY(x.pairing == y.pairing);
    QCOMPARE(x.labelDescription, y.labelDescription);
    QCOMPARE(int(x.labelSource), int(y.labelSource));
    QVERIFY(same(x.audioScale, y.audioScale));
    QVERIFY(same(x.lyricsScale, y.lyricsScale));
    QCOMPARE(x.lyricsUsed, y.lyricsUsed);
    QCOMPARE(x.audioUsed, y.audioUsed);
    QVERIFY(x.cache == y.cache);
    QCOMPARE(x.coverage.lyrics(), y.coverage.lyrics());
    QCOMPARE(x.coverage.genre, y.coverage.genre);

    QCOMPARE(a.representations.size(), b.representations.size());
    for (std::size_t r = 0; r < a.representations.size(); ++r) {
        const atlas::RepresentationResult& p = a.representations[r];
        const atlas::RepresentationResult& q = b.representations[r];
        QCOMPARE(int(p.kind), int(q.kind));
        QCOMPARE(p.method, q.method);
        QCOMPARE(p.ok, q.ok);
        QCOMPARE(p.error, q.error);
        QVERIFY(sameMatrix(p.codes, q.codes));
        QVERIFY(p.history == q.history);
        QVERIFY(p.validationLoss == q.validationLoss);
        QCOMPARE(p.bestEpoch, q.bestEpoch);
        QCOMPARE(p.activeDimensions, q.activeDimensions);
        QVERIFY(sameMatrix(p.explainedVarianceRatio, q.explainedVarianceRatio));
        QCOMPARE(p.clusterings.size(), q.clusterings.size());
        for (std::size_t c = 0; c < p.clusterings.size(); ++c) {
            const atlas::ClusteringResult& u = p.clusterings[c];
            const atlas::ClusteringResult& v = q.clusterings[c];
            QCOMPARE(int(u.kind), int(v.kind));
            QCOMPARE(u.ok, v.ok);
            QCOMPARE(u.error, v.error);
            QVERIFY(sameLabels(u.labels, v.labels));
            QVERIFY(u.scores == v.scores);
            QVERIFY(same(u.dbscanEps, v.dbscanEps));
            QCOMPARE(u.dbscanMinSamples, v.dbscanMinSamples);
            QVERIFY(same(u.seconds, v.seconds));
        }
        QCOMPARE(p.maps.size(), q.maps.size());
        for (std::size_t m = 0; m < p.maps.size(); ++m) {
            const atlas::MapResult& u = p.maps[m];
            const atlas::MapResult& v = q.maps[m];
            QCOMPARE(int(u.kind), int(v.kind));
            QCOMPARE(u.ok, v.ok);
            QCOMPARE(u.error, v.error);
            QVERIFY(sameMatrix(u.xy, v.xy));
            QVERIFY(u.notes == v.notes);
            QVERIFY(same(u.seconds, v.seconds));
        }
        QVERIFY(same(p.trainSeconds, q.trainSeconds));
        QCOMPARE(p.model != nullptr, q.model != nullptr);
        QVERIFY(modelBytes(p.model) == modelBytes(q.model));
    }
    QVERIFY(a.issues == b.issues);
    QVERIFY(a.stageSeconds == b.stageSeconds);
    QVERIFY(same(a.totalSeconds, b.totalSeconds));
}

// Codes of the dataset under a representation's model, as the pipeline computes them.
Matrix encodeWith(const atlas::TrainedModel& model, const atlas::Dataset& ds)
{
    if (const auto* pca = std::get_if<atlas::Pca>(&model))
        return pca->transform(ds.hybrid);
    if (const auto* ae = std::get_if<atlas::Autoencoder>(&model))
        return ae->encode(ds.hybrid);
    const auto& vae = std::get<atlas::Vae>(model);
    return vae.config().conditional ? vae.encode(ds.hybrid, atlas::conditionLabels(ds))
                                    : vae.encode(ds.hybrid);
}

// Every configuration field set away from its default, so that a field the file forgot
// comes back different.
void tweakConfig(atlas::PipelineConfig& c)
{
    atlas::DatasetConfig& d = c.data;
    d.demo = !d.demo;
    d.demoCorpus.tracksPerGenre = 3;
    d.demoCorpus.durationSeconds = 4.5;
    d.demoCorpus.sampleRate = 16000;
    d.demoCorpus.seed = 77;
    d.dataDir = "/music/Ünïcødé folder";
    d.manifest = "relative/manifest.csv";
    d.lyricsCsv = "/tmp/lyrics;semi.csv";
    d.lyricsColumns = {"track", "genre", "text"};
    d.useAudio = !d.useAudio;
    d.useLyrics = !d.useLyrics;
    d.audio.decode.sampleRate = 44100;
    d.audio.decode.mono = false;
    d.audio.decode.offset = 1.25;
    d.audio.decode.duration = 7.5;
    d.audio.decode.minDuration = 0.125;
    d.audio.decode.excerpt = atlas::ExcerptPosition::Middle;
    d.audio.decode.autoMiddleAbove = 90.0;
    d.audio.mfcc.sampleRate = 44100;
    d.audio.mfcc.nMfcc = 13;
    d.audio.mfcc.nFft = 1024;
    d.audio.mfcc.hopLength = 256;
    d.audio.mfcc.nMels = 64;
    d.audio.mfcc.fMin = 20.0;
    d.audio.mfcc.fMax = 8000.0;
    d.audio.mfcc.amin = 1e-8;
    d.audio.mfcc.topDb = -1.0;
    d.tfidf.maxFeatures = 123;
    d.tfidf.lowercase = false;
    d.tfidf.smoothIdf = false;
    d.tfidf.sublinearTf = true;
    d.tfidf.l2Normalise = false;
    d.seed = 9;
    d.threads = 3;
    d.cacheDir = "/var/cache/x";
    d.useCache = false;
    d.readTags = !d.readTags;
    d.labelFrom = atlas::LabelSource::Decade;
    d.approximatePairing = !d.approximatePairing;
    d.fusion = atlas::Fusion::Balanced;
    d.audioWeight = 0.7;
    c.representations = {atlas::Representation::Cvae, atlas::Representation::Pca};
    c.latentDim = 5;
    c.epochs = 17;
    c.batchSize = 31;
    c.hidden = {64, 32, 8};
    c.learningRate = 3e-4;
    c.vaeBeta = 0.5;
    c.betaVaeBeta = 6.0;
    c.klWarmupEpochs = 4;
    c.freeBits = 0.1;
    c.clusters = 7;
    c.dbscanEps = 0.75;
    c.dbscanMinSamples = 9;
    c.maps = false;
    c.tsne.components = 3;
    c.tsne.perplexity = 12.5;
    c.tsne.earlyExaggeration = 8.0;
    c.tsne.exaggerationIterations = 100;
    c.tsne.learningRate = 200.0;
    c.tsne.iterations = 600;
    c.tsne.iterationsWithoutProgress = 150;
    c.tsne.minGradNorm = 1e-6;
    c.tsne.angle = 0.3;
    c.tsne.initialMomentum = 0.4;
    c.tsne.finalMomentum = 0.7;
    c.tsne.minGain = 0.02;
    c.tsne.init = atlas::TsneInit::Random;
    c.tsne.seed = 5;
    c.umap.components = 3;
    c.umap.neighbours = 8;
    c.umap.minDist = 0.3;
    c.umap.spread = 2.0;
    c.umap.setOpMixRatio = 0.5;
    c.umap.localConnectivity = 2.0;
    c.umap.repulsionStrength = 1.5;
    c.umap.negativeSampleRate = 3;
    c.umap.learningRate = 0.5;
    c.umap.epochs = 99;
    c.umap.init = atlas::UmapInit::Random;
    c.umap.a = 1.5;
    c.umap.b = 0.8;
    c.umap.exactKnnMaxPoints = 100;
    c.umap.seed = 6;
    c.tsne.repulsion = atlas::TsneRepulsion::Fft;
    c.tsne.fftAbovePoints = 12345;
    c.tsne.interpolationPoints = 4;
    c.tsne.minIntervals = 60;
    c.tsne.intervalsPerUnit = 0.75;
    c.tsne.exactKnnMaxPoints = 777;
    c.tsne.knnSearchBreadth = 150;
    c.tsne.fftIterations = 640;
    c.seed = 1234;
    c.threads = 1;
}

} // namespace

class TestSessionIo : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        m_dir = atlas::test::makeTempDir("session_io");
        atlas::PipelineConfig cfg;
        cfg.data.demo = true;
        cfg.data.demoCorpus = atlas::DemoCorpusConfig{};
        cfg.data.demoCorpus.tracksPerGenre = 4;
        cfg.data.demoCorpus.durationSeconds = 3;
        cfg.data.audio.decode.duration = 2.0;
        cfg.data.cacheDir = m_dir / "cache";
        cfg.epochs = 3;
        cfg.earlyStop = atlas::EarlyStop::On;   // held-out scores and the best epoch kept
        cfg.earlyStopEpochTracks = 24;          // not the default: it is stored
        cfg.threads = 2;
        atlas::Diagnostics diagnostics;
        m_run = atlas::runPipeline(cfg, diagnostics);
        QVERIFY(!m_run.representation(atlas::Representation::Vae)->validationLoss.empty());
        QCOMPARE(m_run.dataset.size(), 40);
        QCOMPARE(m_run.representations.size(), atlas::AllRepresentations.size());
        // A failure text with a non-ASCII path, so that issues are not empty.
        m_run.issues.push_back({"/music/Beyoncé/ünïcode.mp3", "not an audio file (text)"});
        m_file = m_dir / "run.atlassession";
        QElapsedTimer timer;
        timer.start();
        atlas::saveSession(m_file, m_run);
        const qint64 saveMs = timer.restart();
        atlas::loadSession(m_file);
        qInfo("session of %d tracks: %llu bytes, saved in %lld ms, loaded in %lld ms",
              m_run.dataset.size(), static_cast<unsigned long long>(fs::file_size(m_file)),
              saveMs, timer.elapsed());
    }
    void cleanupTestCase() { fs::remove_all(m_dir); }

    void runKeepsTheTrainedModels()
    {
        for (const atlas::RepresentationResult& rep : m_run.representations) {
            QVERIFY2(rep.ok, rep.error.c_str());
            QVERIFY(rep.model != nullptr);
            const std::size_t expected = rep.kind == atlas::Representation::Pca           ? 0
                                         : rep.kind == atlas::Representation::Autoencoder ? 1
                                                                                          : 2;
            QCOMPARE(rep.model->index(), expected);
            // The model is the one that made the codes.
            const Matrix codes = encodeWith(*rep.model, m_run.dataset);
            QVERIFY(atlas::test::worstExcess(codes, rep.codes, 1e-9, 1e-9) <= 0.0);
        }
        const atlas::Vae& cvae =
            std::get<atlas::Vae>(*m_run.representation(atlas::Representation::Cvae)->model);
        QVERIFY(cvae.config().conditional);
        // Every demo track has a genre, so there is no extra "unlabelled" class.
        QCOMPARE(cvae.classes(), int(m_run.dataset.labelNames.size()));
    }

    void roundTripKeepsEveryField()
    {
        const atlas::RunResult loaded = atlas::loadSession(m_file);
        compareRun(m_run, loaded);
        QVERIFY(atlas::test::temporaryFiles(m_file.parent_path()).empty());

        // Every configuration field away from its default, and a result without models or
        // maps, in one more round trip.
        atlas::RunResult tweaked = m_run;
        tweakConfig(tweaked.config);
        tweaked.representations[1].ok = false;
        tweaked.representations[1].error = "Autoencoder: loss is nan at epoch 2";
        tweaked.representations[1].model.reset();
        tweaked.representations[2].maps.clear();
        tweaked.dataset.tracks[0].lyricsKey = "key-0";
        tweaked.dataset.tracks[0].lyrics = "inline «lyrics»\nline two";
        tweaked.dataset.tracks[0].hasInlineLyrics = true;
        tweaked.dataset.labels(0) = -1;
        tweaked.stageSeconds["extra stage"] = 1.5;
        tweaked.dataset.metadata.read = 7;
        tweaked.dataset.metadata.fromCache = 23;
        const fs::path file = m_dir / "tweaked.atlassession";
        atlas::saveSession(file, tweaked);
        const atlas::RunResult back = atlas::loadSession(file);
        compareRun(tweaked, back);
        QCOMPARE(back.dataset.metadata.read, 7);
        QCOMPARE(back.dataset.metadata.fromCache, 23);
        QVERIFY(back.representations[1].model == nullptr);
    }

    void loadedModelsEncodeToTheSameCodes()
    {
        const atlas::RunResult loaded = atlas::loadSession(m_file);
        for (std::size_t r = 0; r < loaded.representations.size(); ++r) {
            const atlas::RepresentationResult& rep = loaded.representations[r];
            QVERIFY(rep.model != nullptr);
            const Matrix fromLoaded = encodeWith(*rep.model, loaded.dataset);
            const Matrix fromOriginal =
                encodeWith(*m_run.representations[r].model, m_run.dataset);
            // The weights are stored exactly: the codes are bit-identical.
            QVERIFY(sameMatrix(fromLoaded, fromOriginal));
            QVERIFY(atlas::test::worstExcess(fromLoaded, rep.codes, 1e-9, 1e-9) <= 0.0);
        }
    }

    void foreignAndDamagedFilesThrowInputError()
    {
        const std::string bytes = atlas::test::readFile(m_file);
        QVERIFY(bytes.size() > 10000);

        atlas::test::writeBytes(m_dir / "empty.atlassession", "");
        expectLoadError(m_dir / "empty.atlassession", "empty");
        atlas::test::writeBytes(m_dir / "text.atlassession", "track,genre\n1,blues\n");
        expectLoadError(m_dir / "text.atlassession", "not a MusicAtlas session file");
        expectLoadError(m_dir / "missing.atlassession", "no such session file");
        fs::create_directories(m_dir / "folder.atlassession");
        expectLoadError(m_dir / "folder.atlassession", "not a regular file");
        const auto& pca = std::get<atlas::Pca>(*m_run.representations[0].model);
        atlas::saveModel(m_dir / "pca.atlassession", pca);
        expectLoadError(m_dir / "pca.atlassession", "model file, not a session file");

        std::string future = bytes;
        future[8] = char(atlas::SessionFormatVersion + 1);
        atlas::test::writeBytes(m_dir / "future.atlassession", future);
        expectLoadError(m_dir / "future.atlassession",
                        QString("version %1").arg(atlas::SessionFormatVersion + 1));

        std::string flipped = bytes;
        flipped[bytes.size() / 2] = char(flipped[bytes.size() / 2] ^ 0x01);
        atlas::test::writeBytes(m_dir / "flipped.atlassession", flipped);
        expectLoadError(m_dir / "flipped.atlassession", "checksum");

        // Truncated at many offsets: inside the header, at its edges, throughout the payload
        // and just before the end.
        std::vector<std::size_t> cuts = {1, 4, 7, 8, 11, 12, 19, 20, 23, 24, 25};
        for (int i = 1; i < 120; ++i)
            cuts.push_back(bytes.size() * std::size_t(i) / 120);
        cuts.push_back(bytes.size() - 4);
        cuts.push_back(bytes.size() - 1);
        const fs::path cut = m_dir / "cut.atlassession";
        for (std::size_t keep : cuts) {
            atlas::test::writeBytes(cut, bytes.substr(0, keep));
            expectLoadError(cut);
        }
        // Random single-byte changes anywhere: always detected (header checks or CRC).
        atlas::Rng rng(7);
        const fs::path bad = m_dir / "bad.atlassession";
        for (int i = 0; i < 150; ++i) {
            std::string b = bytes;
            const std::size_t at = rng.below(std::uint64_t(b.size()));
            b[at] = char(b[at] ^ char(1 + rng.below(255)));
            atlas::test::writeBytes(bad, b);
            expectLoadError(bad);
        }
        // The good file still loads.
        QCOMPARE(atlas::loadSession(m_file).dataset.size(), m_run.dataset.size());
    }

    // Payloads that pass the checksum but are damaged inside: the parser must reject them (or
    // read a consistent run), never crash or allocate without bound.
    void damagedPayloadsWithValidChecksumNeverCrash()
    {
        // Without the models (their embedded files carry their own checksum, and
        // test_model_io covers their parser) the file is small enough for many rounds.
        atlas::RunResult light = m_run;
        for (atlas::RepresentationResult& rep : light.representations)
            rep.model.reset();
        const fs::path lightFile = m_dir / "light.atlassession";
        atlas::saveSession(lightFile, light);
        const std::string bytes = atlas::test::readFile(lightFile);
        const std::string header = bytes.substr(0, HeaderSize);
        const std::string payload = bytes.substr(HeaderSize, bytes.size() - HeaderSize - 4);
        QCOMPARE(withPayload(header, payload), bytes);
        const fs::path file = m_dir / "resealed.atlassession";

        // Cut short at many points, with a matching size and checksum.
        int rejected = 0;
        for (int i = 0; i < 100; ++i) {
            const std::size_t keep = payload.size() * std::size_t(i) / 100;
            atlas::test::writeBytes(file, withPayload(header, payload.substr(0, keep)));
            expectLoadError(file, "not a valid session file");
            ++rejected;
        }
        QCOMPARE(rejected, 100);
        // Trailing bytes after a complete run.
        atlas::test::writeBytes(file, withPayload(header, payload + "x"));
        expectLoadError(file, "unexpected data");

        // Random bytes flipped, the first 4 KiB (counts, sizes, enums, strings) more often.
        atlas::Rng rng(11);
        int loaded = 0, failed = 0;
        for (int i = 0; i < 200; ++i) {
            std::string p = payload;
            const int flips = 1 + int(rng.below(4));
            for (int f = 0; f < flips; ++f) {
                const std::uint64_t span = i % 2 ? p.size() : std::min<std::size_t>(4096, p.size());
                const std::size_t at = std::size_t(rng.below(span));
                p[at] = char(rng.below(256));
            }
            atlas::test::writeBytes(file, withPayload(header, p));
            try {
                const atlas::RunResult run = atlas::loadSession(file);
                ++loaded; // e.g. a changed value inside a matrix
                QCOMPARE(run.dataset.hybrid.rows(), Eigen::Index(run.dataset.tracks.size()));
            } catch (const atlas::InputError& e) {
                ++failed;
                QVERIFY2(QString(e.what()).contains("resealed.atlassession"), e.what());
            }
        }
        QCOMPARE(loaded + failed, 200);
        QVERIFY(failed > 0);
        // A few rounds on the whole file, models included.
        const std::string full = atlas::test::readFile(m_file);
        const std::string fullPayload = full.substr(HeaderSize, full.size() - HeaderSize - 4);
        for (int i = 0; i < 12; ++i) {
            std::string p = fullPayload;
            const std::size_t at = std::size_t(rng.below(p.size()));
            p[at] = char(p[at] ^ char(1 + rng.below(255)));
            atlas::test::writeBytes(file, withPayload(header, p));
            try {
                atlas::loadSession(file);
            } catch (const atlas::InputError& e) {
                QVERIFY2(QString(e.what()).contains("resealed.atlassession"), e.what());
            }
        }
        // Pure noise after a valid header.
        for (int i = 0; i < 30; ++i) {
            std::string noise(std::size_t(1 + rng.below(5000)), '\0');
            for (char& c : noise)
                c = char(rng.below(256));
            atlas::test::writeBytes(file, withPayload(header, noise));
            expectLoadError(file);
        }
    }

    // Version 1 files (before tags, lyrics sources and the library settings) read with the
    // settings version 1 used and the lyrics sources it implied.
    void readsVersion1Sessions()
    {
        atlas::RunResult run = m_run;
        run.dataset.tracks[3].hasInlineLyrics = true; // an inline text without a CSV row
        run.dataset.pairing.lyricsRow[3] = -1;
        atlas::detail::WriteArchive v1(1, "v1", "session file");
        v1(run);
        atlas::detail::ContainerFormat format{atlas::detail::SessionSignature, "session file", 1, 1,
                                              std::uint64_t(1) << 34};
        const std::vector<unsigned char> image = atlas::detail::containerBytes(format, v1.bytes());
        const fs::path file = m_dir / "v1.atlassession";
        atlas::test::writeBytes(file, std::string(image.begin(), image.end()));
        // Smaller than version 2: the newer fields are not in it.
        QVERIFY(image.size() < fs::file_size(m_file));

        const atlas::RunResult back = atlas::loadSession(file);
        QCOMPARE(back.config.data.audio.decode.excerpt, atlas::ExcerptPosition::Start);
        QCOMPARE(back.config.data.labelFrom, atlas::LabelSource::Layout);
        QCOMPARE(back.config.data.readTags, false);
        QCOMPARE(back.config.data.approximatePairing, true);
        // Before version 6, t-SNE used Barnes-Hut and exact neighbours at every size.
        atlas::TsneConfig tsne = run.config.tsne;
        tsne.repulsion = atlas::TsneRepulsion::BarnesHut;
        tsne.exactKnnMaxPoints = std::numeric_limits<int>::max();
        // Before version 7, it ran every iteration with FFT interpolation too.
        tsne.fftIterations = tsne.iterations;
        QCOMPARE(back.config.tsne, tsne);
        // Before version 8, an epoch was a whole pass.
        QCOMPARE(back.config.earlyStopEpochTracks, 0);
        QCOMPARE(back.dataset.tracks.size(), run.dataset.tracks.size());
        for (std::size_t i = 0; i < back.dataset.tracks.size(); ++i) {
            const atlas::Track& t = back.dataset.tracks[i];
            QCOMPARE(t.layoutLabel, t.label);
            QVERIFY(t.tags == atlas::TrackTags{});
            const atlas::LyricsSource expected = run.dataset.pairing.lyricsRow[i] >= 0
                                                     ? atlas::LyricsSource::Csv
                                                 : t.hasInlineLyrics ? atlas::LyricsSource::Manifest
                                                                     : atlas::LyricsSource::None;
            QCOMPARE(t.lyricsSource, expected);
        }
        QCOMPARE(back.dataset.tracks[3].lyricsSource, atlas::LyricsSource::Manifest);
        QCOMPARE(back.dataset.tracks[0].lyricsSource, atlas::LyricsSource::Csv);
        QVERIFY(sameMatrix(back.dataset.hybrid, run.dataset.hybrid));
        QCOMPARE(back.representations.size(), run.representations.size());
        QVERIFY(modelBytes(back.representations[2].model) ==
                modelBytes(run.representations[2].model));
        // The tag counts are from version 3 on.
        QCOMPARE(back.dataset.metadata.read, 0);
        QCOMPARE(back.dataset.metadata.fromCache, 0);

        // Version 0 and a version after this one are refused, saying which.
        std::string bytes(image.begin(), image.end());
        bytes[8] = 0;
        atlas::test::writeBytes(file, bytes);
        expectLoadError(file, "version 0 is not supported: it was made by an older version");
        bytes[8] = char(atlas::SessionFormatVersion + 1);
        atlas::test::writeBytes(file, bytes);
        expectLoadError(file, QStringLiteral("made by a newer version of MusicAtlas (this version "
                                             "reads versions 1 to %1)")
                                  .arg(atlas::SessionFormatVersion));
    }

    // A header whose payload size is absurd: refused from the header alone, before anything
    // is allocated, naming the file.
    void absurdSizesAreRefusedBeforeAllocating()
    {
        std::string bytes = atlas::test::readFile(m_file);
        const fs::path file = m_dir / "absurd.atlassession";
        const auto setSize = [&](std::uint64_t size) {
            for (int i = 0; i < 8; ++i)
                bytes[std::size_t(12 + i)] = char((size >> (8 * i)) & 0xFF);
            atlas::test::writeBytes(file, bytes);
        };
        setSize(std::uint64_t(8) << 30); // 8 GiB, under the format's limit
        expectLoadError(file, "truncated or damaged (expected 8589934616 bytes");
        setSize(std::uint64_t(1) << 40); // 1 TiB
        expectLoadError(file, "claims a payload of 1.0 TiB");
        setSize(~std::uint64_t(0));
        expectLoadError(file, "more than the 16.0 GiB");
        setSize(0);
        expectLoadError(file, "truncated or damaged");

        // Inside a payload with a valid checksum: the first matrix (the audio features)
        // claiming 2^32 x 2^32 values, whose product overflows 64 bits to 0.
        atlas::RunResult light = m_run;
        for (atlas::RepresentationResult& rep : light.representations)
            rep.model.reset();
        atlas::detail::WriteArchive a(atlas::SessionFormatVersion, "x", "session file");
        a(light.config, light.dataset.tracks, light.dataset.layout, light.dataset.source);
        const std::size_t at = a.bytes().size(); // the audio matrix's rows and cols
        atlas::saveSession(file, light);
        std::string image = atlas::test::readFile(file);
        const std::string payload = image.substr(HeaderSize, image.size() - HeaderSize - 4);
        for (const auto& [rows, cols] : {std::pair<std::uint64_t, std::uint64_t>{1ull << 32, 1ull << 32},
                                         {1ull << 63, 2}, {40, 1ull << 40}, {0, ~0ull}}) {
            std::string p = payload;
            for (int i = 0; i < 8; ++i) {
                p[at + std::size_t(i)] = char((rows >> (8 * i)) & 0xFF);
                p[at + 8 + std::size_t(i)] = char((cols >> (8 * i)) & 0xFF);
            }
            atlas::test::writeBytes(file, withPayload(image.substr(0, HeaderSize), p));
            expectLoadError(file, "a matrix is larger than the file");
        }
    }

    // Not regular files: refused at once with what they are, never read or waited on.
    void specialFilesAreRefused()
    {
        const fs::path fifo = m_dir / "pipe.atlassession";
        QCOMPARE(::mkfifo(fifo.c_str(), 0600), 0);
        expectLoadError(fifo, "it is a named pipe (FIFO), not a regular file");
        expectLoadError("/dev/zero", "it is a character device, not a regular file");
        const fs::path link = m_dir / "zero.atlassession";
        fs::create_symlink("/dev/zero", link);
        expectLoadError(link, "character device");
        expectLoadError(m_dir, "it is a folder, not a regular file");
    }

    void failedSaveLeavesThePreviousSessionIntact()
    {
        const fs::path file = m_dir / "keep.atlassession";
        atlas::saveSession(file, m_run);
        const std::string before = atlas::test::readFile(file);

        atlas::RunResult other = m_run;
        other.totalSeconds = 99.0;
        other.issues.clear();

        // A model that cannot be written: nothing is touched.
        atlas::RunResult unfitted = m_run;
        unfitted.representations[0].model =
            std::make_shared<const atlas::TrainedModel>(atlas::Pca());
        QVERIFY_THROWS_EXCEPTION(atlas::InputError, atlas::saveSession(file, unfitted));
        QCOMPARE(atlas::test::readFile(file), before);
        QVERIFY(atlas::test::temporaryFiles(m_dir).empty());

        // The target is a folder: the rename fails and the temporary file is removed.
        const fs::path folder = m_dir / "a-folder.atlassession";
        fs::create_directories(folder / "content");
        try {
            atlas::saveSession(folder, other);
            QFAIL("no exception");
        } catch (const atlas::InputError& e) {
            QVERIFY2(QString(e.what()).contains("a-folder.atlassession"), e.what());
        }
        QVERIFY(fs::is_directory(folder / "content"));
        QVERIFY(atlas::test::temporaryFiles(m_dir).empty());

        // A missing folder.
        QVERIFY_THROWS_EXCEPTION(atlas::InputError,
                                 atlas::saveSession(m_dir / "no-such-folder" / "x.atlassession",
                                                    other));
        QVERIFY_THROWS_EXCEPTION(atlas::InputError, atlas::saveSession(fs::path(), other));

        // The previous session still loads, and a good save replaces it.
        QCOMPARE(atlas::loadSession(file).totalSeconds, m_run.totalSeconds);
        atlas::saveSession(file, other);
        const atlas::RunResult replaced = atlas::loadSession(file);
        QCOMPARE(replaced.totalSeconds, 99.0);
        QVERIFY(replaced.issues.empty());
        QVERIFY(atlas::test::temporaryFiles(m_dir).empty());
    }

private:
    fs::path m_dir;
    fs::path m_file;
    atlas::RunResult m_run;
};

QTEST_GUILESS_MAIN(TestSessionIo)
#include "test_session_io.moc"
