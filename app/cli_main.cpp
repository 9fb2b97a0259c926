// SPDX-License-Identifier: GPL-3.0-or-later
// musicatlas-cli: the headless front end. Parses arguments, builds configs, runs the engine.
#include "app/cli_options.h"
#include "app/cli_similarity.h"
#include "app/figures.h"
#include "app/terminal_progress.h"

#include "engine/core/error.h"
#include "engine/core/issue.h"
#include "engine/data/csv.h"
#include "engine/data/feature_table.h"
#include "engine/data/feature_table.h"
#include "engine/demo/demo_corpus.h"
#include "engine/pipeline/dataset.h"
#include "engine/pipeline/extend.h"
#include "engine/io/export.h"
#include "engine/io/model_io.h"
#include "engine/pipeline/pipeline.h"
#include "engine/pipeline/shards.h"
#include "engine/io/results_io.h"
#include "engine/io/session_io.h"
#include "engine/metrics/metric_names.h"

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>
#include <string>

namespace fs = std::filesystem;

namespace {

std::atomic<bool> g_cancel{false};

extern "C" void onInterrupt(int)
{
    g_cancel.store(true);
}

constexpr const char* Usage =
    "usage: musicatlas-cli <command> [options]\n"
    "\n"
    "commands:\n"
    "  run        the whole experiment: features, PCA/AE/VAE/beta-VAE/CVAE, KMeans/Ward/\n"
    "             DBSCAN, metrics, t-SNE and UMAP maps, tables and figures\n"
    "  features   compute the feature table of a collection (40 MFCC statistics + TF-IDF)\n"
    "  scan       what a folder or manifest holds: tracks, formats, tags, lyrics, labels\n"
    "  export     a saved session's tables and figures, as run --out writes them\n"
    "             (--session FILE --out DIR [--no-figures])\n"
    "  similar    the tracks nearest to one track in a saved session, as CSV:\n"
    "             rank,track_id,path,artist,title,distance (the track itself not listed)\n"
    "  radio      a playlist from one track, each next track the nearest not yet played\n"
    "  path       a playlist from one track to another along the latent space's kNN graph\n"
    "  add        place new tracks on a saved session without retraining (--session FILE\n"
    "             (--data-dir DIR | --manifest CSV | FILES...) --out NEW.atlassession)\n"
    "  merge      join the shard tables of features --shard into one feature table\n"
    "             (SHARD.csv... --out features.csv [--format npy])\n"
    "\n"
    "sources (one of):\n"
    "  --demo                 the built-in demo corpus (generated on first use)\n"
    "  --data-dir DIR         a folder: a music library (Artist/Album/NN - Title.ext, any\n"
    "                         mix of MP3, M4A, FLAC, Ogg, Opus, WAV, ...), GTZAN, labelled\n"
    "                         sub-folders, or flat; tags and lyrics are read from the files\n"
    "  --manifest CSV         a CSV with path,label[,lyrics|lyrics_id]\n"
    "  --features FILE        a feature table instead of audio: what features writes (CSV,\n"
    "                         or .npy with its .rows.csv and .columns.txt), or any table\n"
    "                         of numbers (own embeddings): the audio block is its mfcc_*\n"
    "                         columns, else every numeric column not named tfidf:*\n"
    "  --lyrics-csv CSV       lyrics table, paired by key; it wins over the files' lyrics\n"
    "  --approximate-pairing  when no key of the lyrics CSV matches a track, attach rows at\n"
    "                         random as the research pipeline did (default: an error)\n"
    "\n"
    "features options:\n"
    "  --use-audio, --use-lyrics   modalities (default: both when available)\n"
    "  --label-from F              auto|genre|folder|artist|album|year|decade|layout|none\n"
    "                              (default auto: the genre tag when at least half the\n"
    "                              tracks have one, else the layout's labels); tracks\n"
    "                              without the field are labelled \"unknown\"\n"
    "  --excerpt P                 start|middle|auto (default auto: the start of tracks up\n"
    "                              to 60 s, the middle of longer ones)\n"
    "  --offset S, --duration S    audio excerpt (default 0 and 10 s; --offset implies\n"
    "                              --excerpt start)\n"
    "  --fusion F                  concat|balanced: how sound and lyrics are joined (default\n"
    "                              concat, the research pipeline's)\n"
    "  --audio-weight W            balanced fusion: the audio share of the variance (0.5)\n"
    "  --no-tags                   do not read tags or .lrc/.txt lyrics\n"
    "  --demo-tracks N             demo corpus tracks per genre (default 100)\n"
    "  --threads N                 worker threads (default: all cores)\n"
    "  --no-cache                  neither read nor write the feature cache\n"
    "  --out FILE.csv              output table; issues.csv is written beside it\n"
    "  --shard I/N                 only shard I of N (0 <= I < N; by a hash of the track's\n"
    "                              path, stable as the collection grows) into the shard\n"
    "                              table --out; run again, it skips the tracks it has (a\n"
    "                              killed job resumes); join the shards with merge\n"
    "  --format F                  csv (default) or npy: FILE.npy, the feature columns as a\n"
    "                              float64 matrix for numpy.load(), with FILE.rows.csv (the\n"
    "                              tracks) and FILE.columns.txt (the column names) beside it\n"
    "\n"
    "run options (and the features options above):\n"
    "  --out DIR                   output folder (default: results)\n"
    "  --epochs N (50)  --latent-dim N (16)  --clusters K (10)  --batch-size N (64)\n"
    "  --no-early-stop, --early-stop   train every epoch, or stop early at any size (default:\n"
    "                              above 10,000 tracks, stop when 5 % of them held out\n"
    "                              improve no more for 5 epochs; the best epoch is kept;\n"
    "                              an epoch is then at most 10,000 tracks' mini-batches)\n"
    "  --beta B (4.0, the beta-VAE's KL weight)  --seed N (42)\n"
    "  --dbscan-eps E (0 = automatic)  --dbscan-min-samples N (0 = 2 x the principal axes\n"
    "                              DBSCAN clusters on: 10 for 1000 tracks)\n"
    "  --save-session FILE         also save the whole run (configuration, features, codes,\n"
    "                              clusterings, maps, trained models) to FILE, e.g.\n"
    "                              run.atlassession, to show it again without recomputing\n"
    "  --save-models DIR           save every trained model with its codes to\n"
    "                              DIR/<key>.atlasmodel, key = pca, ae, vae, betavae, cvae\n"
    "  --no-figures                tables only\n"
    "  --quiet                     no progress bar\n"
    "\n"
    "similar options:\n"
    "  --session FILE              a session saved by run --save-session or the app\n"
    "  --track ID_OR_PATH          the track: its id (the tables' track_id), its file's\n"
    "                              path, or the end of it (\"Album/03 - Song.flac\")\n"
    "  --representation KEY        pca|ae|vae|betavae|cvae: whose latent space (default:\n"
    "                              the first the session trained)\n"
    "  --space S                   latent (default: the representation's codes), audio\n"
    "                              (the 40 standardised MFCC statistics) or lyrics (TF-IDF,\n"
    "                              cosine distance)\n"
    "  -k N                        how many tracks (default 20)\n"
    "\n"
    "radio and path options (and --session, --representation):\n"
    "  --track ID_OR_PATH          radio: the first track\n"
    "  -n N                        radio: tracks in the playlist (30); path: resample the\n"
    "                              path to N tracks (12; 0 = the graph's path as it is)\n"
    "  --no-repeat-artist M        radio: no artist twice within M tracks\n"
    "  --no-repeat-album           radio: no album twice\n"
    "  --from ID_OR_PATH, --to ID_OR_PATH   path: its ends\n"
    "  --m3u FILE                  also write the playlist as M3U (UTF-8, e.g. list.m3u8)\n"
    "  Both print CSV: position,track_id,path,artist,title,distance (from the track before).\n"
    "\n"
    "add options (and --no-cache, --quiet):\n"
    "  --session FILE              the session to add to (it is not changed)\n"
    "  --data-dir DIR, --manifest CSV, or FILES...   the tracks; ones already in the\n"
    "                              session are kept as they are unless their audio or\n"
    "                              lyrics changed, which are analysed and placed again\n"
    "  --update                    also remove the session's tracks the folder or manifest\n"
    "                              no longer has (update from a folder)\n"
    "  --out FILE                  the new session: the fitted tracks unchanged, the new\n"
    "                              ones placed with the session's scalers, vocabulary,\n"
    "                              encoders, clusters and maps\n"
    "  --lyrics-csv CSV            lyrics of the new tracks (default: the session's own\n"
    "                              lyrics table, when it is still there)\n";

void printCoverage(const atlas::LibraryCoverage& coverage, const std::string& labels)
{
    for (const std::string& line : atlas::describeCoverage(coverage))
        std::cout << "  " << line << "\n";
    std::cout << "  labels: " << labels << "\n";
}

void printCoverage(const atlas::Dataset& ds)
{
    printCoverage(ds.coverage, ds.labelDescription);
}

// A run stopped by its input still leaves its issues list, so that every file's reason can
// be read (the error message gives only the first few). Best effort: the original error is
// what the user must see, whatever happens here.
void writeIssuesAfterFailure(const atlas::Diagnostics& diagnostics, const fs::path& dir)
{
    if (diagnostics.empty())
        return;
    try {
        std::error_code ec;
        if (!dir.empty())
            fs::create_directories(dir, ec);
        const fs::path issues = dir / "issues.csv";
        atlas::writeIssuesCsv(diagnostics.issues(), issues);
        std::cerr << "musicatlas-cli: " << diagnostics.size() << " issues written to "
                  << issues.string() << "\n";
    } catch (const std::exception&) {
    }
}

void createFolder(const fs::path& dir);

// The feature table's format: --format, else the extension of --out. --format npy --out
// features.csv writes features.npy (beside its rows and column names): `out` is changed.
atlas::FeatureTableFormat tableFormat(const atlas::cli::Options& options, fs::path& out)
{
    if (!options.has("format"))
        return atlas::featureTableFormatOf(out);
    const auto asked = atlas::parseFeatureTableFormat(options.text("format"));
    if (!asked)
        throw atlas::cli::UsageError("--format must be csv or npy (got \"" +
                                     options.text("format") + "\")");
    if (*asked == atlas::FeatureTableFormat::Npy &&
        atlas::featureTableFormatOf(out) != atlas::FeatureTableFormat::Npy)
        out.replace_extension(".npy");
    return *asked;
}

// features --shard I/N: this shard's tracks into its shard table (appended, resumable).
int runShard(const atlas::cli::Options& options, const atlas::DatasetConfig& cfg,
             const fs::path& out)
{
    const auto shard = atlas::parseShard(options.text("shard"));
    if (!shard)
        throw atlas::cli::UsageError("--shard must be I/N with 0 <= I < N, e.g. 3/64 (got \"" +
                                     options.text("shard") + "\")");
    if (cfg.dataDir.empty() && cfg.manifest.empty() && !cfg.demo)
        throw atlas::cli::UsageError("features --shard reads audio: give --manifest CSV, "
                                     "--data-dir DIR or --demo");
    if (options.has("format") && options.text("format") != "csv")
        throw atlas::cli::UsageError("a shard table is CSV; merge writes the NumPy table");
    atlas::Diagnostics diagnostics;
    atlas::cli::TerminalProgress bar(!options.has("quiet"));
    if (out.has_parent_path()) {
        std::error_code ec;
        fs::create_directories(out.parent_path(), ec);
    }
    const atlas::ShardReport r =
        atlas::extractShard(cfg, *shard, out, diagnostics, bar.progress(&g_cancel));
    bar.finish();
    std::cout << "shard " << shard->index << "/" << shard->count << ": " << r.shardTracks
              << " of " << r.collectionTracks << " tracks; " << r.alreadyDone
              << " already in " << out.string() << ", " << r.analysed << " analysed now ("
              << r.failed << " failed)\n";
    for (const atlas::Issue& issue : diagnostics.issues())
        std::cerr << "  " << issue.file.string() << ": " << issue.reason << "\n";
    return 0;
}

// merge SHARD.csv... --out features.csv: the shard tables joined into the feature table.
int runMerge(const atlas::cli::Options& options)
{
    if (options.arguments.empty())
        throw atlas::cli::UsageError("merge needs the shard tables (e.g. shards/shard-*.csv)");
    fs::path out = options.path("out");
    if (out.empty())
        throw atlas::cli::UsageError("merge needs --out FILE.csv (or FILE.npy)");
    const atlas::FeatureTableFormat format = tableFormat(options, out);
    std::vector<fs::path> shards;
    for (const std::string& a : options.arguments)
        shards.push_back(fs::u8path(a));
    std::sort(shards.begin(), shards.end());
    atlas::Diagnostics diagnostics;
    atlas::MergeReport report;
    const atlas::Dataset ds = atlas::mergeShards(shards, diagnostics, &report);
    createFolder(out.parent_path());
    if (format == atlas::FeatureTableFormat::Npy)
        atlas::writeFeatureNpy(ds, out);
    else
        atlas::writeFeatureCsv(ds, out);
    const fs::path issues = out.parent_path() / "issues.csv";
    atlas::writeIssuesCsv(diagnostics.issues(), issues);
    std::cout << "merged " << report.shardFiles << " shard tables of " << report.shardCount
              << " into " << out.string() << ": " << ds.size() << " tracks ("
              << report.failed << " failed, " << report.duplicates << " repeated, "
              << report.missing << " missing), " << ds.audio.cols() << " audio + "
              << ds.lyricsColumns() << " lyrics columns\n";
    for (const std::string& note : report.notes)
        std::cout << "  " << note << "\n";
    std::cout << "issues: " << diagnostics.size() << " (" << issues.string() << ")\n";
    return 0;
}

int runFeatures(const atlas::cli::Options& options)
{
    atlas::DatasetConfig cfg = atlas::cli::datasetConfig(options);
    fs::path out = options.path("out");
    if (out.empty())
        throw atlas::cli::UsageError("features: --out FILE.csv (or FILE.npy) is required");
    if (options.has("shard"))
        return runShard(options, cfg, out);
    const atlas::FeatureTableFormat format = tableFormat(options, out);
    cfg.featureTableOnly = true;   // no hybrid matrix, the TF-IDF kept sparse
    atlas::requireValid(cfg.validate());

    atlas::Diagnostics diagnostics;
    atlas::cli::TerminalProgress bar(!options.has("quiet"));
    const atlas::Progress progress = bar.progress(&g_cancel);
    atlas::Dataset ds;
    try {
        ds = atlas::buildDataset(cfg, diagnostics, progress);
    } catch (const atlas::InputError&) {
        bar.finish();
        writeIssuesAfterFailure(diagnostics, out.parent_path());
        throw;
    }
    bar.finish();

    std::error_code ec;
    if (out.has_parent_path())
        fs::create_directories(out.parent_path(), ec);
    // Ctrl-C stops between the files; each file is whole.
    const atlas::Progress writing({}, &g_cancel);
    writing.throwIfCancelled();
    if (format == atlas::FeatureTableFormat::Npy)
        atlas::writeFeatureNpy(ds, out, writing);
    else
        atlas::writeFeatureCsv(ds, out);
    const fs::path issues = out.parent_path() / "issues.csv";
    writing.throwIfCancelled();
    atlas::writeIssuesCsv(diagnostics.issues(), issues);

    std::cout << "wrote " << out.string()
              << (format == atlas::FeatureTableFormat::Npy
                      ? " with " + atlas::npyRowsFile(out).filename().string() + " and " +
                            atlas::npyColumnsFile(out).filename().string()
                      : std::string())
              << " (" << ds.size() << " tracks, "
              << ds.audio.cols() << " audio + " << ds.lyricsColumns() << " lyrics columns)\n";
    if (ds.audioUsed)
        std::cout << "audio: " << ds.cache.decoded << " analysed, " << ds.cache.hits
                  << " from the cache\n";
    if (ds.lyricsUsed)
        std::cout << "lyrics: " << ds.pairing.description << "\n";
    printCoverage(ds);
    std::cout << "issues: " << diagnostics.size() << " (" << issues.string() << ")\n";
    return 0;
}

int runScan(const atlas::cli::Options& options)
{
    atlas::DatasetConfig cfg = atlas::cli::datasetConfig(options);
    if (cfg.dataDir.empty() && cfg.manifest.empty())
        throw atlas::cli::UsageError("scan: give --data-dir DIR or --manifest CSV");
    atlas::Diagnostics diagnostics;
    atlas::cli::TerminalProgress bar(!options.has("quiet"));
    const atlas::CollectionPreview preview =
        atlas::previewCollection(cfg, diagnostics, bar.progress(&g_cancel));
    bar.finish();
    std::cout << preview.collection.root.string() << " ("
              << atlas::layoutName(preview.collection.layout) << ")\n";
    printCoverage(preview.coverage, preview.labelDescription);
    std::map<std::string, int> labels;
    for (const atlas::Track& t : preview.collection.tracks)
        ++labels[t.label.empty() ? "(unlabelled)" : t.label];
    std::cout << "  " << labels.size() << " classes:";
    int shown = 0;
    for (const auto& [label, count] : labels)
        if (shown++ < 12)
            std::cout << (shown > 1 ? ", " : " ") << label << " " << count;
    std::cout << (labels.size() > 12 ? ", ..." : "") << "\n";
    const auto issues = diagnostics.issues();
    std::cout << "  issues: " << issues.size() << "\n";
    for (std::size_t i = 0; i < issues.size() && i < 20; ++i)
        std::cout << "    " << issues[i].file.string() << ": " << issues[i].reason << "\n";
    return 0;
}

void createFolder(const fs::path& dir)
{
    std::error_code ec;
    if (!dir.empty())
        fs::create_directories(dir, ec);
    if (ec)
        throw atlas::InputError(dir.string() + ": cannot create the folder (" + ec.message() +
                                ")");
}

void saveSessionFile(const atlas::RunResult& run, const fs::path& file,
                     const atlas::Progress& writing)
{
    writing.throwIfCancelled();
    createFolder(file.parent_path());
    atlas::saveSession(file, run);
    std::cout << "saved the session to " << file.string() << "\n";
}

// One model file per trained representation, with the codes the clusterings used.
void saveModelFiles(const atlas::RunResult& run, const fs::path& dir,
                    const atlas::Progress& writing)
{
    createFolder(dir);
    int saved = 0;
    for (const atlas::RepresentationResult& rep : run.representations) {
        if (!rep.model)
            continue;
        writing.throwIfCancelled();
        const fs::path file =
            dir / (std::string(atlas::representationKey(rep.kind)) + ".atlasmodel");
        atlas::saveModel(file, *rep.model, &rep.codes);
        ++saved;
    }
    std::cout << "saved " << saved << " models to " << dir.string() << "\n";
}

int runExperiment(const atlas::cli::Options& options)
{
    atlas::PipelineConfig cfg;
    cfg.data = atlas::cli::datasetConfig(options);
    cfg.epochs = options.integer("epochs", cfg.epochs);
    if (options.has("no-early-stop") && options.has("early-stop"))
        throw atlas::cli::UsageError("--early-stop and --no-early-stop exclude each other");
    if (options.has("no-early-stop"))
        cfg.earlyStop = atlas::EarlyStop::Off;
    if (options.has("early-stop"))
        cfg.earlyStop = atlas::EarlyStop::On;
    cfg.latentDim = options.integer("latent-dim", cfg.latentDim);
    cfg.clusters = options.integer("clusters", cfg.clusters);
    cfg.batchSize = options.integer("batch-size", cfg.batchSize);
    cfg.betaVaeBeta = options.real("beta", cfg.betaVaeBeta);
    cfg.dbscanEps = options.real("dbscan-eps", cfg.dbscanEps);
    cfg.dbscanMinSamples = options.integer("dbscan-min-samples", cfg.dbscanMinSamples);
    cfg.seed = cfg.data.seed;
    cfg.threads = cfg.data.threads;
    const fs::path out = options.has("out") ? options.path("out") : fs::path("results");
    const fs::path sessionFile = options.path("save-session");
    const fs::path modelsDir = options.path("save-models");
    if (options.has("save-session") && !sessionFile.has_filename())
        throw atlas::cli::UsageError("--save-session needs a file name");
    if (options.has("save-models") && modelsDir.empty())
        throw atlas::cli::UsageError("--save-models needs a folder");
    atlas::requireValid(cfg.validate());

    atlas::Diagnostics diagnostics;
    atlas::cli::TerminalProgress bar(!options.has("quiet"));
    atlas::PipelineObserver observer;
    const bool quiet = options.has("quiet");
    observer.datasetReady = [&](const atlas::Dataset& ds) {
        // What the run will work on, before the long stages start.
        if (quiet)
            return;
        bar.finish();
        std::cout << "collection: " << ds.source.string() << " (" << atlas::layoutName(ds.layout)
                  << ")\n";
        printCoverage(ds);
        std::cout.flush();
    };
    atlas::RunResult run;
    try {
        run = atlas::runPipeline(cfg, diagnostics, bar.progress(&g_cancel), observer);
    } catch (const atlas::InputError&) {
        bar.finish();
        writeIssuesAfterFailure(diagnostics, out);
        throw;
    }
    bar.finish();

    // Ctrl-C while the outputs are written stops between files (exit 130); every file
    // written until then is whole.
    const atlas::Progress writing({}, &g_cancel);
    const auto tables = atlas::writeRunTables(run, out, writing);
    // Before the figures, so that a figure problem cannot cost the saved run.
    if (!sessionFile.empty())
        saveSessionFile(run, sessionFile, writing);
    if (!modelsDir.empty())
        saveModelFiles(run, modelsDir, writing);
    std::size_t figures = 0;
    if (!options.has("no-figures"))
        figures = atlas::cli::writeFigures(run, out, writing);
    else
        atlas::removeStaleFigures(out, {}); // an earlier run's figures would describe it
    writing.throwIfCancelled();

    const atlas::Dataset& ds = run.dataset;
    std::cout << "tracks: " << ds.size() << " (" << ds.audio.cols() << " audio + "
              << ds.lyrics.cols() << " lyrics columns";
    if (ds.lyricsUsed)
        std::cout << "; lyrics " << ds.pairing.description;
    if (ds.audioUsed && ds.lyricsUsed)
        std::cout << "; fusion " << atlas::fusionKey(cfg.data.fusion);
    std::cout << ")\n";
    printCoverage(ds);
    for (const atlas::RepresentationResult& rep : run.representations) {
        if (!rep.ok) {
            std::cout << "  " << atlas::representationName(rep.kind) << ": " << rep.error << "\n";
            continue;
        }
        const atlas::ClusteringResult* km = rep.clustering(atlas::Clustering::KMeans);
        // Pad by characters, not bytes: names such as "β-VAE" are UTF-8.
        std::string name = atlas::representationName(rep.kind);
        std::size_t chars = 0;
        for (unsigned char c : name)
            chars += (c & 0xC0) != 0x80;
        name.append(chars < 12 ? 12 - chars : 0, ' ');
        std::printf("  %s active dims %2d/%d", name.c_str(), rep.activeDimensions,
                    int(rep.codes.cols()));
        if (!rep.validationLoss.empty())
            std::printf("  epochs %zu/%d (best %d)", rep.history.size(), run.config.epochs,
                        rep.bestEpoch);
        if (km && km->ok) {
            std::printf("  KMeans");
            for (atlas::Metric m : {atlas::Metric::Silhouette, atlas::Metric::Nmi})
                std::printf(" %s %.3f", atlas::metricName(m), atlas::metricValue(km->scores, m));
        }
        std::printf("\n");
    }
    std::printf("wrote %zu tables and %zu figures to %s in %.1f s; issues: %zu\n",
                tables.size(), figures, out.string().c_str(), run.totalSeconds,
                run.issues.size());
    return 0;
}

// `export --session FILE --out DIR`: a saved session's tables and figures, as `run --out`
// writes them.
int runExport(const atlas::cli::Options& options)
{
    if (!options.has("session"))
        throw atlas::cli::UsageError("export needs --session FILE (a session saved by run "
                                     "--save-session or the app)");
    if (!options.has("out"))
        throw atlas::cli::UsageError("export needs --out DIR");
    const fs::path out = options.path("out");
    const atlas::RunResult run = atlas::loadSession(options.path("session"));
    const atlas::Progress writing({}, &g_cancel);
    const auto tables = atlas::writeRunTables(run, out, writing);
    std::size_t figures = 0;
    if (!options.has("no-figures"))
        figures = atlas::cli::writeFigures(run, out, writing);
    else
        atlas::removeStaleFigures(out, {});
    writing.throwIfCancelled();
    std::printf("wrote %zu tables and %zu figures of %zu tracks to %s\n", tables.size(), figures,
                run.dataset.tracks.size(), out.string().c_str());
    return 0;
}

// A manifest of FILES (path column only) in a private temporary folder, removed with it.
class FileListManifest {
public:
    explicit FileListManifest(const std::vector<std::string>& files)
    {
        std::string dir = (fs::temp_directory_path() / "musicatlas-add-XXXXXX").string();
        if (!mkdtemp(dir.data()))
            throw atlas::InputError("cannot create a temporary folder for the list of files");
        m_dir = dir;
        m_file = m_dir / "files.csv";
        std::ofstream out(m_file, std::ios::binary);
        atlas::CsvWriter csv(out);
        csv.row({"path"});
        for (const std::string& f : files)
            csv.row({fs::absolute(fs::u8path(f)).lexically_normal().string()});
        if (!out.flush())
            throw atlas::InputError(m_file.string() + ": cannot write the list of files");
    }
    ~FileListManifest()
    {
        std::error_code ec;
        fs::remove_all(m_dir, ec);
    }
    FileListManifest(const FileListManifest&) = delete;
    FileListManifest& operator=(const FileListManifest&) = delete;
    const fs::path& file() const { return m_file; }

private:
    fs::path m_dir, m_file;
};

// `add --session FILE (--data-dir DIR | --manifest CSV | FILES...) --out NEW.atlassession`:
// new tracks placed on a saved session without retraining.
int runAdd(const atlas::cli::Options& options)
{
    if (!options.has("session"))
        throw atlas::cli::UsageError("add needs --session FILE (a session saved by run "
                                     "--save-session or the app)");
    if (!options.has("out") || !options.path("out").has_filename())
        throw atlas::cli::UsageError("add needs --out FILE, the new session");
    const int sources = int(options.has("data-dir")) + int(options.has("manifest")) +
                        int(!options.arguments.empty());
    if (sources != 1)
        throw atlas::cli::UsageError("add needs one of --data-dir DIR, --manifest CSV or a list "
                                     "of audio files");
    const atlas::RunResult run = atlas::loadSession(options.path("session"));
    std::optional<FileListManifest> list;
    atlas::DatasetConfig source;
    source.dataDir = options.path("data-dir");
    source.manifest = options.path("manifest");
    if (!options.arguments.empty()) {
        list.emplace(options.arguments);
        source.manifest = list->file();
    }
    source.lyricsCsv = options.path("lyrics-csv");
    if (!options.has("lyrics-csv") && run.dataset.lyricsUsed) {
        // The session's own lyrics table (the demo corpus's for a demo run), when it is
        // still there: new tracks listed in it get their lyrics from it, as the fitted did.
        fs::path own = run.config.data.lyricsCsv;
        if (own.empty() && run.config.data.demo)
            own = atlas::defaultDemoCorpusRoot(run.config.data.demoCorpus) / "lyrics.csv";
        std::error_code ec;
        if (!own.empty() && fs::is_regular_file(own, ec))
            source.lyricsCsv = own;
    }
    source.lyricsColumns = run.config.data.lyricsColumns;
    source.useCache = !options.has("no-cache");
    const atlas::ExtendMode mode =
        options.has("update") ? atlas::ExtendMode::Update : atlas::ExtendMode::Add;

    atlas::Diagnostics diagnostics;
    atlas::cli::TerminalProgress bar(!options.has("quiet"));
    atlas::ExtendReport report;
    const fs::path out = options.path("out");
    atlas::RunResult extended;
    try {
        extended = atlas::extendRun(run, source, mode, diagnostics, bar.progress(&g_cancel),
                                    &report);
    } catch (const atlas::InputError&) {
        bar.finish();
        writeIssuesAfterFailure(diagnostics, out.parent_path());
        throw;
    }
    bar.finish();
    saveSessionFile(extended, out, atlas::Progress({}, &g_cancel));
    const auto tracks = [](int n) { return std::to_string(n) + (n == 1 ? " track" : " tracks"); };
    std::printf("added %s, placed %d changed again", tracks(report.added).c_str(), report.changed);
    if (mode == atlas::ExtendMode::Update)
        std::printf(", removed %d", report.removed);
    std::printf("; %d already there unchanged\n", report.unchanged);
    std::printf("tracks: %d (%d fitted, %d added without retraining); issues: %zu\n",
                report.total, report.fitted, report.total - report.fitted,
                diagnostics.issues().size());
    for (const atlas::Issue& issue : diagnostics.issues())
        std::cerr << "  " << issue.file.string() << ": " << issue.reason << "\n";
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    std::signal(SIGINT, onInterrupt);
    std::signal(SIGTERM, onInterrupt);
    const atlas::cli::FigureScope figures;   // the figures' Qt application ends before main()
    try {
        const atlas::cli::Options options = atlas::cli::parse(argc, argv);
        if (options.command.empty() || options.command == "help" || options.has("help")) {
            std::cout << Usage;
            return options.command.empty() && !options.has("help") ? 2 : 0;
        }
        if (!options.arguments.empty() && options.command != "add" && options.command != "merge")
            throw atlas::cli::UsageError("unexpected argument \"" + options.arguments.front() +
                                         "\"");
        if (options.command == "features")
            return runFeatures(options);
        if (options.command == "run")
            return runExperiment(options);
        if (options.command == "scan")
            return runScan(options);
        if (options.command == "export")
            return runExport(options);
        if (options.command == "similar")
            return atlas::cli::runSimilar(options);
        if (options.command == "radio")
            return atlas::cli::runRadio(options);
        if (options.command == "path")
            return atlas::cli::runPath(options);
        if (options.command == "add")
            return runAdd(options);
        if (options.command == "merge")
            return runMerge(options);
        throw atlas::cli::UsageError("unknown command \"" + options.command + "\"");
    } catch (const atlas::cli::UsageError& e) {
        std::cerr << "musicatlas-cli: " << e.what() << " (try --help)\n";
        return 2;
    } catch (const atlas::ConfigError& e) {
        std::cerr << "musicatlas-cli: " << e.what() << "\n";
        return 2;
    } catch (const atlas::Cancelled&) {
        std::cerr << "\nmusicatlas-cli: interrupted\n";
        return 130;
    } catch (const std::exception& e) {
        std::cerr << "musicatlas-cli: " << e.what() << "\n";
        return 1;
    }
}
