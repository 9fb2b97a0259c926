// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/data/dataset.h"

#include "engine/core/error.h"
#include "engine/core/parallel.h"
#include "engine/data/feature_cache.h"
#include "engine/data/paths.h"
#include "engine/data/standardize.h"

#include <cmath>
#include <limits>
#include <map>
#include <sstream>
#include <unordered_map>

namespace fs = std::filesystem;

namespace atlas {

std::vector<std::string> DatasetConfig::validate() const
{
    std::vector<std::string> problems;
    const int sources = int(demo) + int(!dataDir.empty()) + int(!manifest.empty());
    if (sources > 1)
        problems.push_back("DatasetConfig.source: choose one of the demo corpus, a data folder "
                           "or a manifest (got " + std::to_string(sources) + ")");
    if (sources == 0 && lyricsCsv.empty())
        problems.push_back("DatasetConfig.source: no tracks: give the demo corpus, a data "
                           "folder, a manifest or a lyrics CSV");
    if (!useAudio && !useLyrics)
        problems.push_back("DatasetConfig.useAudio/useLyrics: at least one modality is needed");
    if (useAudio && sources == 0)
        problems.push_back("DatasetConfig.useAudio: audio features need the demo corpus, a data "
                           "folder or a manifest (only a lyrics CSV was given)");
    check(problems, threads >= 0, "DatasetConfig", "threads", "must be >= 0 (0 = all cores)",
          threads);
    if (demo)
        for (std::string& p : demoCorpus.validate())
            problems.push_back(std::move(p));
    for (std::string& p : audio.validate())
        problems.push_back(std::move(p));
    for (std::string& p : tfidf.validate())
        problems.push_back(std::move(p));
    return problems;
}

std::string audioCacheKey(const AudioFeatureConfig& cfg)
{
    // Every field that changes the 40 numbers, plus a version of the analysis code: bump it
    // when the feature computation changes so that stale caches are ignored.
    std::ostringstream key;
    key.precision(17);
    key << "mfcc-stats v1;sr=" << cfg.decode.sampleRate << ";mono=" << cfg.decode.mono
        << ";offset=" << cfg.decode.offset << ";duration=" << cfg.decode.duration
        << ";min=" << cfg.decode.minDuration << ";nfft=" << cfg.mfcc.nFft
        << ";hop=" << cfg.mfcc.hopLength << ";mels=" << cfg.mfcc.nMels
        << ";mfcc=" << cfg.mfcc.nMfcc << ";fmin=" << cfg.mfcc.fMin << ";fmax=" << cfg.mfcc.fMax
        << ";topdb=" << cfg.mfcc.topDb << ";amin=" << cfg.mfcc.amin;
    return key.str();
}

namespace {

// Analyses the audio of `tracks` through the cache. Returns n x d values; rows of failed
// files are NaN. Failures (fresh or cached) are reported in `diagnostics`.
Matrix analyseAudio(const std::vector<Track>& tracks, const DatasetConfig& cfg,
                    Diagnostics& diagnostics, CacheStats& stats, const Progress& progress)
{
    const int n = int(tracks.size());
    const int d = 2 * cfg.audio.mfcc.nMfcc;
    Matrix values = Matrix::Constant(n, d, std::numeric_limits<double>::quiet_NaN());

    fs::path cacheDir;
    if (cfg.useCache)
        cacheDir = cfg.cacheDir.empty() ? userCacheDir() / "features" : cfg.cacheDir;
    FeatureCache cache(cacheDir, audioCacheKey(cfg.audio));
    stats.file = cache.file();

    std::vector<fs::path> missing;
    std::vector<int> missingRow;
    for (int i = 0; i < n; ++i) {
        if (auto hit = cache.lookup(tracks[std::size_t(i)].path);
            hit && (hit->values.size() == std::size_t(d) || !hit->failure.empty())) {
            ++stats.hits;
            if (hit->failure.empty())
                values.row(i) = Eigen::Map<const RowVector>(hit->values.data(), d);
            else
                diagnostics.add(tracks[std::size_t(i)].path, hit->failure);
            continue;
        }
        missing.push_back(tracks[std::size_t(i)].path);
        missingRow.push_back(i);
    }
    stats.decoded = int(missing.size());
    if (!missing.empty()) {
        // Collect this batch's issues locally first: the cache remembers them per file.
        Diagnostics local;
        AudioFeatures fresh;
        try {
            fresh = extractAudioFeatures(missing, cfg.audio, local, progress);
        } catch (const Cancelled&) {
            for (const Issue& issue : local.issues())
                diagnostics.add(issue);
            throw;
        }
        std::unordered_map<std::string, std::string> failure;
        for (const Issue& issue : local.issues()) {
            failure.emplace(issue.file.string(), issue.reason);
            diagnostics.add(issue);
        }
        for (std::size_t k = 0; k < missing.size(); ++k) {
            const int row = missingRow[k];
            if (fresh.ok[k]) {
                values.row(row) = fresh.values.row(Eigen::Index(k));
                const RowVector r = fresh.values.row(Eigen::Index(k));
                cache.store(missing[k], CachedFeatures{{r.data(), r.data() + d}, {}});
            } else if (auto it = failure.find(missing[k].string()); it != failure.end()) {
                cache.store(missing[k], CachedFeatures{{}, it->second});
            }
        }
        std::string error;
        if (!cache.save(&error))
            diagnostics.add(cache.file(), error + "; features will be recomputed next time");
    }
    progress.report(1.0);
    return values;
}

Labels labelIndices(const std::vector<Track>& tracks, std::vector<std::string>& names)
{
    std::map<std::string, int> index;
    for (const Track& t : tracks)
        if (!t.label.empty())
            index.emplace(t.label, 0);
    names.clear();
    for (auto& [name, i] : index) {
        i = int(names.size());
        names.push_back(name);
    }
    Labels labels(Eigen::Index(tracks.size()));
    for (std::size_t i = 0; i < tracks.size(); ++i)
        labels(Eigen::Index(i)) = tracks[i].label.empty() ? -1 : index[tracks[i].label];
    return labels;
}

} // namespace

Dataset buildDataset(const DatasetConfig& cfg, Diagnostics& diagnostics, const Progress& progress)
{
    requireValid(cfg.validate());
    ThreadScope threads(cfg.threads);
    Dataset ds;

    // 1. The tracks.
    Collection collection;
    fs::path lyricsCsv = cfg.lyricsCsv;
    const bool haveAudioSource = cfg.demo || !cfg.dataDir.empty() || !cfg.manifest.empty();
    if (cfg.demo) {
        const DemoCorpus corpus =
            ensureDemoCorpus(cfg.demoCorpus, progress.sub(0.0, 0.25, "demo corpus"));
        collection = readManifest(corpus.manifestCsv, diagnostics);
        if (lyricsCsv.empty())
            lyricsCsv = corpus.lyricsCsv;
    } else if (!cfg.dataDir.empty()) {
        collection = scanCollection(cfg.dataDir, diagnostics);
    } else if (!cfg.manifest.empty()) {
        collection = readManifest(cfg.manifest, diagnostics);
    }
    progress.throwIfCancelled();

    // 2. Lyrics table (also the track list of a lyrics-only run).
    std::optional<LyricsTable> lyricsTable;
    if (cfg.useLyrics && !lyricsCsv.empty())
        lyricsTable = loadLyrics(lyricsCsv, diagnostics, cfg.lyricsColumns);
    if (!haveAudioSource) {
        collection.root = lyricsCsv;
        collection.layout = CollectionLayout::LyricsOnly;
        for (std::size_t r = 0; r < lyricsTable->texts.size(); ++r) {
            Track t;
            t.id = lyricsTable->hasKeys && !lyricsTable->keys[r].empty()
                       ? lyricsTable->keys[r]
                       : "row" + std::to_string(r + 1);
            if (lyricsTable->hasLabels)
                t.label = lyricsTable->labels[r];
            t.lyrics = lyricsTable->texts[r];
            t.hasInlineLyrics = true;
            collection.tracks.push_back(std::move(t));
        }
    }
    ds.layout = collection.layout;
    ds.source = collection.root;

    // 3. Audio features; tracks whose audio failed are left out.
    std::vector<Track> tracks = std::move(collection.tracks);
    if (cfg.useAudio) {
        const Progress audioProgress = progress.sub(cfg.demo ? 0.25 : 0.0, 0.9, "audio features");
        Matrix audio = analyseAudio(tracks, cfg, diagnostics, ds.cache, audioProgress);
        std::vector<Track> kept;
        std::vector<Eigen::Index> rows;
        for (std::size_t i = 0; i < tracks.size(); ++i) {
            if (audio.row(Eigen::Index(i)).allFinite()) {
                kept.push_back(std::move(tracks[i]));
                rows.push_back(Eigen::Index(i));
            }
        }
        ds.audio = audio(rows, Eigen::all);
        tracks = std::move(kept);
        ds.audioNames = mfccFeatureNames(cfg.audio.mfcc.nMfcc);
        ds.audioUsed = true;
        if (tracks.empty())
            throw InputError(ds.source.string() + ": none of the audio files could be analysed "
                                                  "(see the issues list for each file's reason)");
    }
    progress.throwIfCancelled();

    // 4. Lyrics: pair, vectorise on the kept tracks.
    const Progress lyricsProgress = progress.sub(0.9, 1.0, "lyrics features");
    if (cfg.useLyrics) {
        std::vector<std::string> texts(tracks.size());
        bool anyInline = false;
        for (std::size_t i = 0; i < tracks.size(); ++i) {
            anyInline = anyInline || tracks[i].hasInlineLyrics;
            texts[i] = tracks[i].lyrics;
        }
        if (anyInline) {
            ds.pairing.mode = PairingMode::Inline;
            ds.pairing.lyricsRow.assign(tracks.size(), -1);
            ds.pairing.matched = int(tracks.size());
            ds.pairing.description = haveAudioSource ? "inline: lyrics given by the manifest"
                                                     : "lyrics only: one track per lyrics row";
        } else if (lyricsTable) {
            Collection kept;
            kept.tracks = tracks;
            ds.pairing = pairLyrics(kept, *lyricsTable, cfg.seed, diagnostics);
            for (std::size_t i = 0; i < tracks.size(); ++i)
                if (const int r = ds.pairing.lyricsRow[i]; r >= 0)
                    texts[i] = lyricsTable->texts[std::size_t(r)];
        } else {
            diagnostics.add(ds.source, "no lyrics CSV was given and the collection carries no "
                                       "lyrics; the run uses audio features only");
        }
        if (anyInline || lyricsTable) {
            try {
                TfidfVectorizer vectorizer(cfg.tfidf);
                ds.lyrics = vectorizer.fitTransform(texts);
                ds.vocabulary = vectorizer.vocabulary();
                ds.lyricsUsed = ds.lyrics.cols() > 0;
            } catch (const InputError& e) {
                if (!cfg.useAudio)
                    throw;
                diagnostics.add(lyricsCsv.empty() ? ds.source : lyricsCsv,
                                std::string(e.what()) + "; the run uses audio features only");
            }
        }
    }
    if (!ds.audioUsed && !ds.lyricsUsed)
        throw InputError(ds.source.string() + ": no usable features");
    if (!ds.lyricsUsed)
        ds.lyrics = Matrix(Eigen::Index(tracks.size()), 0);
    if (!ds.audioUsed)
        ds.audio = Matrix(Eigen::Index(tracks.size()), 0);

    // 5. Per-modality standardisation, then concatenation (seed section 4.2).
    StandardScaler audioScaler, lyricsScaler;
    const Matrix audioZ = ds.audioUsed ? audioScaler.fitTransform(ds.audio) : ds.audio;
    const Matrix lyricsZ = ds.lyricsUsed ? lyricsScaler.fitTransform(ds.lyrics) : ds.lyrics;
    ds.hybrid = concatColumns({&audioZ, &lyricsZ});

    ds.tracks = std::move(tracks);
    ds.labels = labelIndices(ds.tracks, ds.labelNames);
    lyricsProgress.report(1.0);
    return ds;
}

} // namespace atlas
