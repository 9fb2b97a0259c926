// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/pipeline/dataset.h"
#include "engine/pipeline/dataset_internal.h"

#include "engine/core/error.h"
#include "engine/core/parallel.h"
#include "engine/core/user_file.h"
#include "engine/data/csv.h"
#include "engine/data/feature_cache.h"
#include "engine/data/feature_table.h"
#include "engine/data/paths.h"
#include "engine/data/standardize.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <sstream>
#include <unordered_map>

namespace fs = std::filesystem;

namespace atlas {

std::vector<std::string> DatasetConfig::validate() const
{
    std::vector<std::string> problems;
    const int sources = int(demo) + int(!dataDir.empty()) + int(!manifest.empty()) +
                        int(!featuresFile.empty());
    if (sources > 1)
        problems.push_back("DatasetConfig.source: choose one of the demo corpus, a data folder, "
                           "a manifest or a feature table (got " + std::to_string(sources) + ")");
    if (!featuresFile.empty() && !lyricsCsv.empty())
        problems.push_back("DatasetConfig.lyricsCsv: a feature table brings its lyrics features "
                           "(tfidf:* columns); a lyrics CSV cannot be added to it");
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
    check(problems, std::isfinite(audioWeight) && audioWeight >= 0.0 && audioWeight <= 1.0,
          "DatasetConfig", "audioWeight", "must be in [0, 1]", audioWeight);
    for (std::string& p : audio.validate())
        problems.push_back(std::move(p));
    for (std::string& p : tfidf.validate())
        problems.push_back(std::move(p));
    return problems;
}

const char* fusionKey(Fusion fusion)
{
    return fusion == Fusion::Balanced ? "balanced" : "concat";
}

std::optional<Fusion> parseFusion(const std::string& word)
{
    if (word == "concat")
        return Fusion::Concat;
    if (word == "balanced")
        return Fusion::Balanced;
    return std::nullopt;
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
    // The excerpt's position; the start of the track keeps the keys of earlier versions.
    if (cfg.decode.excerpt != ExcerptPosition::Start)
        key << ";excerpt=" << excerptPositionKey(cfg.decode.excerpt)
            << ";middle-above=" << cfg.decode.autoMiddleAbove;
    return key.str();
}

namespace {

// MFCC statistics of real audio stay within a few thousand (log-mel decibels through an
// orthonormal DCT); a cached value beyond this, or a negative standard deviation, did not come
// from an analysis.
constexpr double MaxPlausibleMfccStatistic = 1e6;

// Why cached MFCC statistics (nMfcc means, then nMfcc standard deviations) cannot be
// analysis results, or "" when they can.
std::string implausibleCachedValues(const std::vector<double>& values, int nMfcc)
{
    for (std::size_t j = 0; j < values.size(); ++j) {
        const double v = values[j];
        const char* column = j < std::size_t(nMfcc) ? "mean" : "standard deviation";
        if (!std::isfinite(v))
            return std::string("a ") + (std::isnan(v) ? "NaN" : "infinite") + " MFCC " + column;
        if (std::abs(v) > MaxPlausibleMfccStatistic)
            return "an MFCC " + std::string(column) + " of " + csvNumber(v);
        if (j >= std::size_t(nMfcc) && v < 0.0)
            return "a negative MFCC standard deviation (" + csvNumber(v) + ")";
    }
    return {};
}

} // namespace

namespace detail {

FeatureCache featureCacheOf(const DatasetConfig& cfg)
{
    fs::path cacheDir;
    if (cfg.useCache)
        cacheDir = cfg.cacheDir.empty() ? userCacheDir() / "features" : cfg.cacheDir;
    return FeatureCache(cacheDir, audioCacheKey(cfg.audio));
}

Matrix analyseAudioOf(const std::vector<Track>& tracks, const DatasetConfig& cfg,
                      FeatureCache& cache, Diagnostics& diagnostics, CacheStats& stats,
                      const Progress& progress)
{
    const int n = int(tracks.size());
    const int d = 2 * cfg.audio.mfcc.nMfcc;
    Matrix values = Matrix::Constant(n, d, std::numeric_limits<double>::quiet_NaN());
    stats.file = cache.file();

    std::vector<fs::path> missing;
    std::vector<int> missingRow;
    for (int i = 0; i < n; ++i) {
        auto hit = cache.lookup(tracks[std::size_t(i)].path);
        if (hit && hit->values.size() == std::size_t(d)) {
            // The checksum proves the bytes are as written, not that the values are results:
            // anything an analysis cannot produce is reported and analysed again.
            if (const std::string bad = implausibleCachedValues(hit->values, cfg.audio.mfcc.nMfcc);
                !bad.empty()) {
                diagnostics.add(tracks[std::size_t(i)].path,
                                "the feature cache (" + cache.file().string() + ") held " + bad +
                                    " for this file, which no analysis gives; analysed again");
                hit.reset();
            }
        }
        if (hit && (hit->values.size() == std::size_t(d) || !hit->failure.empty())) {
            ++stats.hits;
            // Values with a reason: analysed with a warning (a truncated file whose remaining
            // audio was used); the warning is reported again, as on the first run.
            if (hit->values.size() == std::size_t(d))
                values.row(i) = Eigen::Map<const RowVector>(hit->values.data(), d);
            if (!hit->failure.empty())
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
                const auto warning = failure.find(missing[k].string());
                cache.store(missing[k],
                            CachedFeatures{{r.data(), r.data() + d},
                                           warning != failure.end() ? warning->second : ""});
            } else if (auto it = failure.find(missing[k].string()); it != failure.end()) {
                cache.store(missing[k], CachedFeatures{{}, it->second});
            }
        }
    }
    progress.report(1.0);
    return values;
}

void saveFeatureCache(FeatureCache& cache, Diagnostics& diagnostics)
{
    std::string error;
    if (!cache.save(&error))
        diagnostics.add(cache.file(), error + "; features will be recomputed next time");
}

} // namespace detail

namespace {

// Analyses the audio of `tracks` through the cache and saves it. Returns n x d values; rows
// of failed files are NaN. Failures (fresh or cached) are reported in `diagnostics`.
Matrix analyseAudio(const std::vector<Track>& tracks, const DatasetConfig& cfg,
                    Diagnostics& diagnostics, CacheStats& stats, const Progress& progress)
{
    FeatureCache cache = detail::featureCacheOf(cfg);
    Matrix values = detail::analyseAudioOf(tracks, cfg, cache, diagnostics, stats, progress);
    detail::saveFeatureCache(cache, diagnostics);
    return values;
}

// Why a run has no track left after the audio analysis: the first reasons the files gave and
// how many more there are, so that the message alone says what went wrong.
std::string noAudioAnalysed(const std::set<fs::path>& failed, const Diagnostics& diagnostics)
{
    const std::size_t files = failed.size();
    constexpr std::size_t Shown = 3;
    std::string text = "none of the " + std::to_string(files) + " audio file" +
                       (files == 1 ? "" : "s") + " could be analysed";
    std::size_t listed = 0, more = 0;
    for (const Issue& issue : diagnostics.issues()) {
        if (!failed.count(issue.file))
            continue;
        if (listed < Shown)
            text += (listed++ ? "; " : ": ") + issue.file.filename().string() + ": " +
                    messageExcerpt(issue.reason, 200);
        else
            ++more;
    }
    if (more > 0)
        text += "; and " + std::to_string(more) + " more";
    return text + (listed ? " (every file's reason is in the issues list)" : "");
}

// Why no lyrics features could be made, in words that point at the source: the vectoriser's
// reason, where the texts came from, how many tracks had any text, and what to change.
std::string lyricsFailure(const std::string& reason, std::span<const std::string_view> texts,
                          const fs::path& lyricsCsv, const std::string& textColumn,
                          const std::string& pairing)
{
    const auto withText = std::count_if(texts.begin(), texts.end(), [](std::string_view t) {
        return t.find_first_not_of(" \t\r\n") != std::string::npos;
    });
    std::string source;
    if (!lyricsCsv.empty() && !textColumn.empty())
        source = "the lyrics CSV " + lyricsCsv.string() + " (column \"" +
                 messageExcerpt(textColumn) + "\")";
    else if (!lyricsCsv.empty())
        source = "the lyrics CSV " + lyricsCsv.string();
    else
        source = "the collection's own lyrics (" + (pairing.empty() ? "tags, .lrc/.txt files or "
                                                                      "the manifest"
                                                                    : pairing) +
                 ")";
    std::string text = "no lyrics features (" + reason + "): the lyrics came from " + source +
                       ", and " + std::to_string(withText) + " of " +
                       std::to_string(texts.size()) + " tracks have any lyrics text";
    if (withText == 0)
        text += "; check that the lyrics column holds the words (name the text column when "
                "another one was taken) or run on audio alone";
    else
        text += "; the texts hold no word of two or more letters or digits (numbers only, "
                "or a script the tokenizer splits into single characters?)";
    return text;
}


} // namespace

namespace {

// The tracks of an audio source with their tags, sidecar lyrics and labels.
// The manifest to read: cfg's, or the demo corpus's (generated on first use), whose lyrics
// table then becomes `lyricsCsv` unless one was given.
fs::path manifestOf(const DatasetConfig& cfg, fs::path& lyricsCsv, const Progress& progress)
{
    if (!cfg.demo)
        return cfg.manifest;
    const DemoCorpus corpus = ensureDemoCorpus(cfg.demoCorpus, progress);
    if (lyricsCsv.empty())
        lyricsCsv = corpus.lyricsCsv;
    return corpus.manifestCsv;
}

Collection gatherTracks(const DatasetConfig& cfg, const fs::path& manifest, Diagnostics& diagnostics,
                        MetadataStats& stats, std::string& labelDescription,
                        LabelSource& labelSource, const Progress& progress)
{
    Collection collection = !manifest.empty() ? readManifest(manifest, diagnostics)
                                              : scanCollection(cfg.dataDir, diagnostics);
    progress.throwIfCancelled();
    MetadataConfig meta;
    meta.tags = cfg.readTags;
    meta.sidecars = cfg.readTags && cfg.useLyrics;
    meta.cacheDir = cfg.cacheDir;
    meta.useCache = cfg.useCache;
    meta.threads = cfg.threads;
    stats = readCollectionMetadata(collection.tracks, meta, diagnostics, progress);
    labelDescription = applyLabels(collection.tracks, cfg.labelFrom, &labelSource);
    return collection;
}

} // namespace

namespace detail {

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

Collection collectionOf(const DatasetConfig& cfg, Diagnostics& diagnostics,
                        std::filesystem::path& lyricsCsv, LabelSource& labelSource,
                        const Progress& progress)
{
    lyricsCsv = cfg.lyricsCsv;
    const fs::path manifest = manifestOf(cfg, lyricsCsv, progress.sub(0.0, 0.8, "demo corpus"));
    if (manifest.empty() && cfg.dataDir.empty())
        throw ConfigError("DatasetConfig.source: needs the demo corpus, a data folder or a "
                          "manifest");
    MetadataStats stats;
    std::string description;
    return gatherTracks(cfg, manifest, diagnostics, stats, description, labelSource,
                        progress.sub(cfg.demo ? 0.8 : 0.0, 1.0, "tags"));
}

} // namespace detail

CollectionPreview previewCollection(const DatasetConfig& cfg, Diagnostics& diagnostics,
                                    const Progress& progress)
{
    if (cfg.dataDir.empty() && cfg.manifest.empty())
        throw ConfigError("DatasetConfig.source: a preview needs a data folder or a manifest");
    ThreadScope threads(cfg.threads);
    CollectionPreview preview;
    MetadataStats stats;
    LabelSource used = LabelSource::Layout;
    preview.collection = gatherTracks(cfg, cfg.dataDir.empty() ? cfg.manifest : fs::path(),
                                      diagnostics, stats, preview.labelDescription, used,
                                      progress);
    preview.coverage = libraryCoverage(preview.collection.tracks);
    return preview;
}

// Steps 5 and 6 of buildDataset(): the hybrid matrix, then the tracks and their labels.
void finishDataset(Dataset& ds, std::vector<Track> tracks, const DatasetConfig& cfg)
{
    if (!ds.audioUsed && !ds.lyricsUsed)
        throw InputError(ds.source.string() + ": no usable features");
    if (!ds.lyricsUsed || cfg.featureTableOnly)
        ds.lyrics = Matrix(Eigen::Index(tracks.size()), 0);
    if (!ds.audioUsed)
        ds.audio = Matrix(Eigen::Index(tracks.size()), 0);

    // 5. Per-modality standardisation, then concatenation (seed section 4.2).
    if (cfg.featureTableOnly) {
        // No hybrid matrix (DatasetConfig::featureTableOnly).
    } else if (cfg.fusion == Fusion::Balanced && ds.audioUsed && ds.lyricsUsed) {
        StandardScaler audioScaler, lyricsScaler;
        Matrix audioZ = audioScaler.fitTransform(ds.audio);
        Matrix lyricsZ = lyricsScaler.fitTransform(ds.lyrics);
        // Each block's total variance after standardisation is its count of non-constant
        // columns; scale both so that the audio block carries audioWeight of the total.
        auto totalVariance = [](const Matrix& z) {
            const Eigen::Index n = z.rows();
            return n > 0 ? (z.rowwise() - z.colwise().mean()).squaredNorm() / double(n) : 0.0;
        };
        const double va = totalVariance(audioZ), vl = totalVariance(lyricsZ);
        if (va > 0.0 && vl > 0.0) {
            const double total = va + vl;
            ds.audioScale = std::sqrt(cfg.audioWeight * total / va);
            ds.lyricsScale = std::sqrt((1.0 - cfg.audioWeight) * total / vl);
            audioZ *= ds.audioScale;
            lyricsZ *= ds.lyricsScale;
        }
        ds.hybrid = concatColumns({&audioZ, &lyricsZ});
    } else {
        // Each block standardised straight into its columns: a 300,000 x 500 lyrics block
        // is 1.2 GB, and a standardised copy to concatenate afterwards would be another.
        ds.hybrid.resize(ds.audio.rows(), ds.audio.cols() + ds.lyrics.cols());
        if (ds.audioUsed) {
            StandardScaler scaler;
            scaler.fit(ds.audio);
            scaler.transform(ds.audio, ds.hybrid.leftCols(ds.audio.cols()));
        }
        if (ds.lyricsUsed) {
            StandardScaler scaler;
            scaler.fit(ds.lyrics);
            scaler.transform(ds.lyrics, ds.hybrid.rightCols(ds.lyrics.cols()));
        }
    }

    ds.tracks = std::move(tracks);
    // The labels were chosen on every track found; describe them on the tracks kept.
    if (!ds.tracks.empty())
        ds.labelDescription =
            applyLabels(ds.tracks, ds.labelSource, nullptr,
                        ds.layout == CollectionLayout::FeatureTable ? "the table's label column"
                                                                    : "the layout");
    ds.labels = detail::labelIndices(ds.tracks, ds.labelNames);
    ds.coverage = libraryCoverage(ds.tracks);
}

// buildDataset() from a feature table: its blocks instead of audio features and TF-IDF.
Dataset datasetFromTable(const DatasetConfig& cfg, Diagnostics& diagnostics,
                         const Progress& progress)
{
    FeatureTable table = readFeatureTable(cfg.featuresFile, diagnostics,
                                          progress.sub(0.0, 0.95, "feature table"));
    Dataset ds;
    std::error_code ec;
    ds.source = fs::absolute(cfg.featuresFile, ec).lexically_normal();
    ds.layout = CollectionLayout::FeatureTable;
    std::vector<Track> tracks = std::move(table.tracks);
    // Auto: the table's label column (finishDataset() labels the tracks).
    ds.labelSource = cfg.labelFrom == LabelSource::Auto ? LabelSource::Layout : cfg.labelFrom;
    if (!table.ignoredColumns.empty())
        diagnostics.add(cfg.featuresFile, "columns that are not numbers were not used as "
                                          "features: " + csvColumnList(table.ignoredColumns));
    if (cfg.useAudio && table.audio.cols() > 0) {
        ds.audio = std::move(table.audio);
        ds.audioNames = std::move(table.audioNames);
        ds.audioUsed = true;
    }
    if (cfg.useLyrics && table.lyrics.cols() > 0) {
        ds.lyrics = std::move(table.lyrics);
        ds.vocabulary = std::move(table.vocabulary);
        ds.lyricsUsed = true;
        ds.pairing.mode = PairingMode::Inline;
        ds.pairing.lyricsRow.assign(tracks.size(), -1);
        ds.pairing.matched = int(std::count_if(tracks.begin(), tracks.end(), [](const Track& t) {
            return t.lyricsSource != LyricsSource::None;
        }));
        ds.pairing.description = "from the feature table: " + std::to_string(ds.pairing.matched) +
                                 " of " + std::to_string(tracks.size()) + " tracks have lyrics";
    } else {
        for (Track& t : tracks)
            t.lyricsSource = LyricsSource::None;
    }
    if (!ds.audioUsed && !ds.lyricsUsed)
        throw InputError(cfg.featuresFile.string() + ": " +
                         (cfg.useAudio ? "no audio columns (mfcc_* or other numbers)"
                                       : "no lyrics columns (tfidf:*)") +
                         " for the chosen modality");
    if (cfg.featureTableOnly) {
        // The feature table again: the TF-IDF as sparse rows.
        SparseRows& rows = ds.lyricsRows;
        rows.cols = ds.lyrics.cols();
        const Matrix byRow = ds.lyrics.transpose();
        for (Eigen::Index i = 0; i < ds.lyrics.rows(); ++i) {
            for (Eigen::Index j = 0; j < rows.cols; ++j)
                if (const double v = byRow(j, i); v != 0.0) {
                    rows.columns.push_back(int(j));
                    rows.values.push_back(v);
                }
            rows.rowStart.push_back(rows.columns.size());
        }
    }
    finishDataset(ds, std::move(tracks), cfg);
    progress.report(1.0);
    return ds;
}

Dataset buildDataset(const DatasetConfig& cfg, Diagnostics& diagnostics, const Progress& progress)
{
    requireValid(cfg.validate());
    ThreadScope threads(cfg.threads);
    if (!cfg.featuresFile.empty())
        return datasetFromTable(cfg, diagnostics, progress);
    Dataset ds;

    // 1. The tracks, their tags and lyrics files, their labels.
    Collection collection;
    fs::path lyricsCsv = cfg.lyricsCsv;
    const bool haveAudioSource = cfg.demo || !cfg.dataDir.empty() || !cfg.manifest.empty();
    const double audioFrom = cfg.demo ? 0.3 : 0.05;
    if (haveAudioSource) {
        const fs::path manifest =
            manifestOf(cfg, lyricsCsv, progress.sub(0.0, 0.25, "demo corpus"));
        collection = gatherTracks(cfg, manifest, diagnostics, ds.metadata, ds.labelDescription,
                                  ds.labelSource,
                                  progress.sub(audioFrom - 0.05, audioFrom, "tags"));
    }
    progress.throwIfCancelled();

    // 2. Lyrics table (also the track list of a lyrics-only run).
    std::optional<LyricsTable> lyricsTable;
    if (cfg.useLyrics && !lyricsCsv.empty())
        lyricsTable = loadLyrics(lyricsCsv, diagnostics, cfg.lyricsColumns);
    const std::string textColumn = lyricsTable ? lyricsTable->textColumn : std::string();
    if (!haveAudioSource) {
        collection.root = lyricsCsv;
        collection.layout = CollectionLayout::LyricsOnly;
        collection.tracks.reserve(lyricsTable->texts.size());
        for (std::size_t r = 0; r < lyricsTable->texts.size(); ++r) {
            Track t;
            t.id = lyricsTable->hasKeys && !lyricsTable->keys[r].empty()
                       ? std::move(lyricsTable->keys[r])
                       : "row" + std::to_string(r + 1);
            if (lyricsTable->hasLabels)
                t.layoutLabel = std::move(lyricsTable->labels[r]);
            // The table's rows become the tracks: the text moves rather than being copied.
            t.lyrics = std::move(lyricsTable->texts[r]);
            t.hasInlineLyrics = true;
            t.lyricsSource = LyricsSource::Manifest;
            t.label = t.layoutLabel;
            collection.tracks.push_back(std::move(t));
        }
        ds.labelDescription = applyLabels(collection.tracks,
                                          cfg.labelFrom == LabelSource::Auto ? LabelSource::Layout
                                                                             : cfg.labelFrom,
                                          &ds.labelSource);
    }
    ds.layout = collection.layout;
    ds.source = collection.root;

    // 3. Audio features; tracks whose audio failed are left out.
    std::vector<Track> tracks = std::move(collection.tracks);
    if (cfg.useAudio) {
        const Progress audioProgress = progress.sub(audioFrom, 0.9, "audio features");
        Matrix audio = analyseAudio(tracks, cfg, diagnostics, ds.cache, audioProgress);
        std::vector<Track> kept;
        std::vector<Eigen::Index> rows;
        std::set<fs::path> failed;
        for (std::size_t i = 0; i < tracks.size(); ++i) {
            if (audio.row(Eigen::Index(i)).allFinite()) {
                kept.push_back(std::move(tracks[i]));
                rows.push_back(Eigen::Index(i));
            } else {
                failed.insert(tracks[i].path);
            }
        }
        ds.audio = audio(rows, Eigen::all);
        tracks = std::move(kept);
        ds.audioNames = mfccFeatureNames(cfg.audio.mfcc.nMfcc);
        ds.audioUsed = true;
        if (tracks.empty())
            throw InputError(ds.source.string() + ": " +
                             noAudioAnalysed(failed, diagnostics));
    }
    progress.throwIfCancelled();

    // 4. Lyrics: pair, vectorise on the kept tracks.
    const Progress lyricsProgress = progress.sub(0.9, 1.0, "lyrics features");
    if (!cfg.useLyrics)
        for (Track& t : tracks)
            t.lyricsSource = LyricsSource::None;
    if (cfg.useLyrics) {
        // A lyrics CSV wins where it has a row for the track; elsewhere the collection's own
        // lyrics (manifest column, embedded tags, sidecar files) are used.
        bool anyInline = false;
        for (const Track& t : tracks)
            anyInline = anyInline || t.lyricsSource != LyricsSource::None;
        if (lyricsTable && haveAudioSource) {
            Collection kept;
            kept.tracks = tracks;
            ds.pairing = pairLyrics(kept, *lyricsTable, cfg.seed, diagnostics,
                                    cfg.approximatePairing);
            // Random rows never replace lyrics a track has of its own.
            int ownKept = 0;
            for (std::size_t i = 0; i < tracks.size(); ++i) {
                const int r = ds.pairing.lyricsRow[i];
                if (r < 0)
                    continue;
                if (ds.pairing.approximate() && tracks[i].lyricsSource != LyricsSource::None) {
                    ds.pairing.lyricsRow[i] = -1;
                    ++ownKept;
                    continue;
                }
                tracks[i].lyrics = lyricsTable->texts[std::size_t(r)];   // what the run used
                tracks[i].lyricsSource = LyricsSource::Csv;
            }
            if (ownKept > 0) {
                ds.pairing.matched -= ownKept;
                diagnostics.add(lyricsCsv, std::to_string(ownKept) +
                                               " tracks keep the lyrics of their own files; the "
                                               "CSV's rows are attached at random only to the "
                                               "others");
            }
        } else if (anyInline) {
            lyricsTable.reset();   // lyrics-only: the table's rows are the tracks
            ds.pairing.mode = PairingMode::Inline;
            ds.pairing.lyricsRow.assign(tracks.size(), -1);
            int embedded = 0, sidecar = 0, manifest = 0;
            for (const Track& t : tracks) {
                embedded += t.lyricsSource == LyricsSource::Embedded;
                sidecar += t.lyricsSource == LyricsSource::Sidecar;
                manifest += t.lyricsSource == LyricsSource::Manifest;
            }
            ds.pairing.matched = embedded + sidecar + manifest;
            if (!haveAudioSource) {
                ds.pairing.description = "lyrics only: one track per lyrics row";
            } else if (embedded + sidecar == 0) {
                ds.pairing.description = "inline: lyrics given by the manifest";
            } else {
                ds.pairing.description = "from the files: " + std::to_string(ds.pairing.matched) +
                                         " of " + std::to_string(tracks.size()) + " tracks (" +
                                         std::to_string(embedded) + " in tags, " +
                                         std::to_string(sidecar) + " in .lrc/.txt files" +
                                         (manifest ? ", " + std::to_string(manifest) +
                                                         " from the manifest"
                                                   : std::string()) +
                                         ")";
            }
        } else {
            diagnostics.add(ds.source,
                            cfg.readTags
                                ? "no lyrics CSV was given and the collection carries no lyrics "
                                  "(no lyrics tags, .lrc or .txt files); the run uses audio "
                                  "features only"
                                : "no lyrics CSV was given and the files' tags and .lrc/.txt "
                                  "files were not read; the run uses audio features only");
        }
        const int without = int(std::count_if(tracks.begin(), tracks.end(), [](const Track& t) {
            return t.lyricsSource == LyricsSource::None;
        }));
        if ((anyInline || lyricsTable) && without > 0 && cfg.useAudio) {
            std::string examples;
            int shown = 0;
            for (const Track& t : tracks)
                if (t.lyricsSource == LyricsSource::None && shown < 3)
                    examples += (shown++ ? ", " : "") + t.id;
            diagnostics.add(ds.source, std::to_string(without) + " of " +
                                           std::to_string(tracks.size()) +
                                           " tracks have no lyrics (e.g. " + examples +
                                           "); their lyrics features are all zero "
                                           "(has_lyrics = 0 in embeddings.csv)");
        }
        if (anyInline || lyricsTable) {
            // The texts are the tracks' own (the CSV's rows were copied into them above):
            // TF-IDF reads them in place.
            lyricsTable.reset();
            std::vector<std::string_view> texts;
            texts.reserve(tracks.size());
            for (const Track& t : tracks)
                texts.emplace_back(t.lyrics);
            try {
                TfidfVectorizer vectorizer(cfg.tfidf);
                SparseRows rows = vectorizer.fitTransformSparse(texts);
                if (cfg.featureTableOnly)
                    ds.lyricsRows = std::move(rows);
                else
                    ds.lyrics = rows.toDense();
                ds.vocabulary = vectorizer.vocabulary();
                ds.lyricsUsed = !ds.vocabulary.empty();
            } catch (const InputError& e) {
                const fs::path where = lyricsCsv.empty() ? ds.source : lyricsCsv;
                const std::string why =
                    lyricsFailure(e.what(), texts, lyricsCsv, textColumn, ds.pairing.description);
                if (!cfg.useAudio)
                    throw InputError(where.string() + ": " + why);
                diagnostics.add(where, why + "; the run uses audio features only");
            }
        }
    }
    finishDataset(ds, std::move(tracks), cfg);
    lyricsProgress.report(1.0);
    return ds;
}

} // namespace atlas
