// SPDX-License-Identifier: GPL-3.0-or-later
// Writes the engine-made seeds of the fuzz corpora: small model files (PCA, autoencoder, VAE,
// CVAE, with and without codes), a small session of a run on a tiny demo corpus (and of the same
// run with tracks added), and a feature cache. Run after a format change and commit the output:
//     build/tests/fuzz/fuzz_make_seeds tests/fuzz/corpus
// (the other seeds are made by tests/fuzz/make_corpus.py).
#include "engine/data/feature_cache.h"
#include "engine/io/model_io.h"
#include "engine/io/session_io.h"
#include "engine/pipeline/extend.h"
#include "engine/pipeline/pipeline.h"

#include <cmath>
#include <cstdio>
#include <fstream>

namespace fs = std::filesystem;

namespace {

atlas::Matrix data(int n, int d)
{
    atlas::Matrix X(n, d);
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < d; ++j)
            X(i, j) = std::sin(0.7 * i + 1.3 * j) + 0.1 * (i % 3);
    return X;
}

void models(const fs::path& out)
{
    fs::create_directories(out);
    const atlas::Matrix X = data(24, 6);
    atlas::Pca pca(atlas::PcaConfig{2});
    pca.fit(X);
    atlas::saveModel(out / "pca.model", pca);
    const atlas::Matrix pcaCodes = pca.transform(X);
    atlas::saveModel(out / "pca-codes.model", pca, &pcaCodes);

    atlas::AutoencoderConfig ae;
    ae.hidden = {4};
    ae.latent = 2;
    ae.epochs = 2;
    ae.batchSize = 8;
    atlas::Autoencoder autoencoder(ae);
    autoencoder.fit(X);
    const atlas::Matrix codes = autoencoder.encode(X);
    atlas::saveModel(out / "autoencoder.model", autoencoder, &codes);

    atlas::VaeConfig v;
    v.hidden = {4};
    v.latent = 2;
    v.epochs = 2;
    v.batchSize = 8;
    atlas::Vae vae(v);
    vae.fit(X);
    atlas::saveModel(out / "vae.model", vae);
    v.conditional = true;
    v.beta = 4.0;
    atlas::Labels labels(24);
    for (int i = 0; i < 24; ++i)
        labels(i) = i % 3;
    atlas::Vae cvae(v);
    cvae.fit(X, labels);
    atlas::saveModel(out / "cvae.model", cvae);
}

void session(const fs::path& out, const fs::path& scratch)
{
    fs::create_directories(out);
    atlas::PipelineConfig cfg;
    cfg.data.demo = true;
    cfg.data.demoCorpus.tracksPerGenre = 2;
    cfg.data.demoCorpus.durationSeconds = 1;
    cfg.data.demoCorpus.sampleRate = 8000;
    cfg.data.audio.decode.duration = 1.0;
    cfg.data.tfidf.maxFeatures = 20;
    cfg.data.cacheDir = scratch / "cache";
    cfg.latentDim = 2;
    cfg.hidden = {4};
    cfg.epochs = 2;
    cfg.batchSize = 8;
    cfg.clusters = 3;
    cfg.threads = 1;
    atlas::Diagnostics diagnostics;
    atlas::RunResult run = atlas::runPipeline(cfg, diagnostics);
    run.issues.push_back({"/music/Beyoncé/ünïcode.mp3", "not an audio file (text)"});
    atlas::saveSession(out / "demo.atlassession", run);
    // Tracks added after the fit (format 4): the added marks and the fit they were placed
    // against, with its scalers, vocabulary, centres, DBSCAN core points and maps.
    {
        atlas::DemoCorpusConfig more = cfg.data.demoCorpus;
        more.tracksPerGenre = 1;
        more.seed = cfg.data.demoCorpus.seed + 1;
        const atlas::DemoCorpus extra = atlas::ensureDemoCorpus(more, scratch / "more");
        atlas::DatasetConfig source;
        source.manifest = extra.manifestCsv;
        source.lyricsCsv = extra.lyricsCsv;
        source.cacheDir = scratch / "cache";
        const atlas::RunResult added =
            atlas::extendRun(run, source, atlas::ExtendMode::Add, diagnostics);
        atlas::saveSession(out / "added.atlassession", added);
    }
    // Without maps and models: a different layout of the same sections.
    cfg.maps = false;
    cfg.representations = {atlas::Representation::Pca};
    atlas::RunResult small = atlas::runPipeline(cfg, diagnostics);
    atlas::saveSession(out / "pca-only.atlassession", small);
}

void featureCache(const fs::path& out, const fs::path& scratch)
{
    fs::create_directories(out);
    fs::create_directories(scratch);
    const fs::path a = scratch / "a.wav", b = scratch / "b.flac";
    std::ofstream(a) << "a";
    std::ofstream(b) << "bb";
    {
        atlas::FeatureCache cache(scratch, "fuzz"); // the parameters fuzz_feature_cache expects
        cache.store(a, {{0.5, -1.25, 3.0}, ""});
        cache.store(b, {{}, "not an audio file (text)"});
        cache.save();
        fs::copy_file(cache.file(), out / "two-entries.cache", fs::copy_options::overwrite_existing);
    }
}

} // namespace

int main(int argc, char** argv)
{
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s <corpus folder>\n", argv[0]);
        return 2;
    }
    const fs::path corpus = argv[1];
    const fs::path scratch = fs::temp_directory_path() / "atlas-fuzz-seeds";
    fs::remove_all(scratch);
    models(corpus / "model");
    session(corpus / "session", scratch);
    featureCache(corpus / "feature_cache", scratch / "fc");
    fs::remove_all(scratch);
    return 0;
}
