// SPDX-License-Identifier: GPL-3.0-or-later
// musicatlas-cli: the headless front end. Parses arguments, builds configs, runs the engine.
#include "app/cli_options.h"
#include "app/terminal_progress.h"

#include "engine/core/error.h"
#include "engine/core/issue.h"
#include "engine/data/dataset.h"
#include "engine/data/export.h"

#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>

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
    "  features   compute the feature table of a collection (40 MFCC statistics + TF-IDF)\n"
    "\n"
    "sources (one of):\n"
    "  --demo                 the built-in demo corpus (generated on first use)\n"
    "  --data-dir DIR         a folder: GTZAN, labelled sub-folders, or flat\n"
    "  --manifest CSV         a CSV with path,label[,lyrics|lyrics_id]\n"
    "  --lyrics-csv CSV       lyrics table (paired by key, else approximately)\n"
    "\n"
    "features options:\n"
    "  --use-audio, --use-lyrics   modalities (default: both when available)\n"
    "  --offset S, --duration S    audio excerpt (default 0 and 10 s)\n"
    "  --demo-tracks N             demo corpus tracks per genre (default 100)\n"
    "  --threads N                 worker threads (default: all cores)\n"
    "  --no-cache                  neither read nor write the feature cache\n"
    "  --out FILE.csv              output table; issues.csv is written beside it\n"
    "  --quiet                     no progress bar\n";

int runFeatures(const atlas::cli::Options& options)
{
    atlas::DatasetConfig cfg = atlas::cli::datasetConfig(options);
    const fs::path out = options.path("out");
    if (out.empty())
        throw atlas::cli::UsageError("features: --out FILE.csv is required");
    atlas::requireValid(cfg.validate());

    atlas::Diagnostics diagnostics;
    atlas::cli::TerminalProgress bar(!options.has("quiet"));
    const atlas::Progress progress = bar.progress(&g_cancel);
    const atlas::Dataset ds = atlas::buildDataset(cfg, diagnostics, progress);
    bar.finish();

    std::error_code ec;
    if (out.has_parent_path())
        fs::create_directories(out.parent_path(), ec);
    atlas::writeFeatureCsv(ds, out);
    const fs::path issues = out.parent_path() / "issues.csv";
    atlas::writeIssuesCsv(diagnostics.issues(), issues);

    std::cout << "wrote " << out.string() << " (" << ds.size() << " tracks, "
              << ds.audio.cols() << " audio + " << ds.lyrics.cols() << " lyrics columns)\n";
    if (ds.audioUsed)
        std::cout << "audio: " << ds.cache.decoded << " analysed, " << ds.cache.hits
                  << " from the cache\n";
    if (ds.lyricsUsed)
        std::cout << "lyrics: " << ds.pairing.description << "\n";
    std::cout << "issues: " << diagnostics.size() << " (" << issues.string() << ")\n";
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    std::signal(SIGINT, onInterrupt);
    std::signal(SIGTERM, onInterrupt);
    try {
        const atlas::cli::Options options = atlas::cli::parse(argc, argv);
        if (options.command.empty() || options.command == "help" || options.has("help")) {
            std::cout << Usage;
            return options.command.empty() && !options.has("help") ? 2 : 0;
        }
        if (options.command == "features")
            return runFeatures(options);
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
