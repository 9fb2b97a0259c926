// SPDX-License-Identifier: GPL-3.0-or-later
// The whole experiment at growing sizes: for each size, a feature table shaped like ours
// (10 genres; 40 audio columns at MFCC statistics' scales; 500 TF-IDF columns, about 25 terms
// per track drawn mostly from its genre's words, a fifth of the tracks without lyrics) is
// written as NumPy, and `musicatlas-cli run --features` runs on it (5 representations x 3
// clusterings, every metric, t-SNE and UMAP of each) in a child process. Prints each stage's
// wall time (from run.json), the child's peak memory, the log-log slope of the time between
// sizes, and KMeans's NMI per representation (the results must stay as faithful as they grow).
// With --threads 2 or more the networks train on a thread of their own beside the analysis
// (runPipeline()), so the stages' times add up to more than the wall time.
//
//   build/tests/bench/bench_scale --cli build/app/musicatlas-cli [--sizes 1000,10000,100000]
//       [--threads 2] [--dir /tmp/musicatlas-bench-scale] [--keep] [--session]
//
// --keep keeps each run's output folder DIR/out_N; --session (implies --keep) also saves
// each run as DIR/out_N/run.atlassession, for bench_app --only session (the write, a few
// seconds at 100,000 tracks, is then part of the wall time).
//
// Targets at 100,000 tracks on a 2-core machine: whole run <= 10 min, peak memory <= 4 GB.
#include "engine/core/random.h"
#include "engine/features/mfcc.h"
#include "engine/io/export.h"
#include "engine/pipeline/dataset.h"

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

constexpr int Genres = 10;

atlas::Dataset makeCorpus(int n, atlas::Seed seed)
{
    atlas::Rng rng(seed);
    atlas::Dataset ds;
    // Each genre: audio centres, and 40 favourite terms of the 500.
    std::vector<std::vector<double>> centre(Genres, std::vector<double>(40));
    std::vector<std::vector<int>> favourite(Genres);
    for (int g = 0; g < Genres; ++g) {
        for (int j = 0; j < 40; ++j)
            centre[std::size_t(g)][std::size_t(j)] =
                j == 0 ? -250.0 + 30.0 * rng.normal()
                : j < 20 ? 25.0 * rng.normal()
                         : 20.0 + 6.0 * std::abs(rng.normal());
        for (int t = 0; t < 40; ++t)
            favourite[std::size_t(g)].push_back(int(rng.uniform() * 500) % 500);
    }
    ds.audio.resize(n, 40);
    ds.lyricsRows.cols = 500;
    for (int i = 0; i < n; ++i) {
        const int g = i % Genres;
        atlas::Track t;
        t.id = "Artist " + std::to_string(i / 100) + "/Album " + std::to_string(i / 10) + "/" +
               std::to_string(i % 10 + 1) + " - Track " + std::to_string(i);
        t.path = "/music/" + t.id + ".flac";
        t.label = "genre" + std::to_string(g);
        t.tags.genres = {t.label};
        for (int j = 0; j < 40; ++j) {
            const double c = centre[std::size_t(g)][std::size_t(j)];
            const double spread = j < 20 ? 12.0 : 3.0;
            ds.audio(i, j) = j < 20 ? c + spread * rng.normal()
                                    : std::max(0.5, c + spread * rng.normal());
        }
        if (rng.uniform() < 0.8) {
            t.lyricsSource = atlas::LyricsSource::Embedded;
            std::map<int, double> terms;
            for (int k = 0; k < 25; ++k) {
                const int term = rng.uniform() < 0.7
                                     ? favourite[std::size_t(g)][std::size_t(rng.uniform() * 40) % 40]
                                     : int(rng.uniform() * 500) % 500;
                terms[term] += 1.0;
            }
            double norm = 0.0;
            for (const auto& [term, count] : terms)
                norm += count * count;
            for (const auto& [term, count] : terms) {
                ds.lyricsRows.columns.push_back(term);
                ds.lyricsRows.values.push_back(count / std::sqrt(norm));
            }
        }
        ds.lyricsRows.rowStart.push_back(ds.lyricsRows.columns.size());
        ds.tracks.push_back(std::move(t));
    }
    ds.audioNames = atlas::mfccFeatureNames(20);
    for (int j = 0; j < 500; ++j)
        ds.vocabulary.push_back("w" + std::to_string(j));
    ds.lyrics = atlas::Matrix(n, 0);
    return ds;
}

// "key": number pairs of the JSON object after `"name": {` in `text`.
std::map<std::string, double> jsonObject(const std::string& text, const std::string& name)
{
    std::map<std::string, double> out;
    std::size_t at = text.find("\"" + name + "\": {");
    if (at == std::string::npos)
        return out;
    const std::size_t end = text.find('}', at);
    at = text.find('{', at) + 1;
    while (at < end) {
        const std::size_t k0 = text.find('"', at);
        if (k0 == std::string::npos || k0 > end)
            break;
        const std::size_t k1 = text.find('"', k0 + 1);
        const std::size_t colon = text.find(':', k1);
        out[text.substr(k0 + 1, k1 - k0 - 1)] = std::atof(text.c_str() + colon + 1);
        at = text.find(',', colon);
        if (at == std::string::npos || at > end)
            break;
        ++at;
    }
    return out;
}

struct Outcome {
    double wall = 0.0;
    double peakGb = 0.0;
    int status = -1;
    std::map<std::string, double> stages;   // grouped
    std::map<std::string, double> nmi;      // KMeans NMI per representation
};

Outcome runCli(const std::string& cli, const fs::path& table, const fs::path& out, int threads,
              bool session)
{
    Outcome o;
    const auto t0 = std::chrono::steady_clock::now();
    const std::string t = std::to_string(threads);
    const std::string file = (out / "run.atlassession").string();
    std::vector<const char*> args = {cli.c_str(), "run", "--features", table.c_str(), "--out",
                                     out.c_str(), "--no-figures", "--quiet", "--threads",
                                     t.c_str()};
    if (session) {
        args.push_back("--save-session");
        args.push_back(file.c_str());
    }
    args.push_back(nullptr);
    const pid_t pid = fork();
    if (pid == 0) {
        execv(cli.c_str(), const_cast<char* const*>(args.data()));
        _exit(127);
    }
    int status = 0;
    rusage usage{};
    wait4(pid, &status, 0, &usage);
    o.wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    o.peakGb = double(usage.ru_maxrss) / (1024.0 * 1024.0);
    o.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::ifstream in(out / "run.json");
    const std::string json((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    for (const auto& [stage, seconds] : jsonObject(json, "timings_s")) {
        const std::size_t dot = stage.find('.');
        const std::string group = dot == std::string::npos ? stage : stage.substr(dot + 1);
        o.stages[group] += seconds;
    }
    // clustering_metrics.csv: method,silhouette,calinski_harabasz,davies_bouldin,ari,nmi,...
    std::ifstream metrics(out / "clustering_metrics.csv");
    std::string line;
    std::getline(metrics, line);
    while (std::getline(metrics, line)) {
        std::vector<std::string> cells;
        std::stringstream ss(line);
        for (std::string c; std::getline(ss, c, ',');)
            cells.push_back(c);
        if (cells.size() > 5 && cells[0].size() > 7 &&
            cells[0].compare(cells[0].size() - 7, 7, "_kmeans") == 0)
            o.nmi[cells[0].substr(0, cells[0].size() - 7)] = std::atof(cells[5].c_str());
    }
    return o;
}

} // namespace

int main(int argc, char** argv)
{
    std::vector<int> sizes = {1000, 10000, 100000};
    std::string cli;
    int threads = 0;
    bool keep = false;
    bool session = false;
    fs::path dir = "/tmp/musicatlas-bench-scale";
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        const auto value = [&] { return i + 1 < argc ? std::string(argv[++i]) : std::string(); };
        if (a == "--sizes") {
            sizes.clear();
            std::stringstream ss(value());
            for (std::string s; std::getline(ss, s, ',');)
                sizes.push_back(std::atoi(s.c_str()));
        } else if (a == "--cli") {
            cli = value();
        } else if (a == "--threads") {
            threads = std::atoi(value().c_str());
        } else if (a == "--dir") {
            dir = value();
        } else if (a == "--keep") {
            keep = true;
        } else if (a == "--session") {
            keep = session = true;
        }
    }
    if (cli.empty()) {
        std::fprintf(stderr, "usage: bench_scale --cli PATH [--sizes 1000,10000,100000] "
                             "[--threads N] [--dir DIR] [--keep] [--session]\n");
        return 2;
    }
    fs::create_directories(dir);
    std::vector<Outcome> outcomes;
    for (int n : sizes) {
        const fs::path table = dir / ("table_" + std::to_string(n) + ".npy");
        if (!fs::exists(table)) {
            const atlas::Dataset ds = makeCorpus(n, 2026);
            atlas::writeFeatureNpy(ds, table);
        }
        std::printf("running %d tracks...\n", n);
        std::fflush(stdout);
        outcomes.push_back(runCli(cli, table, dir / ("out_" + std::to_string(n)), threads, session));
        if (outcomes.back().status != 0)
            std::printf("  the run failed (exit %d)\n", outcomes.back().status);
    }
    std::set<std::string> stages;
    for (const Outcome& o : outcomes)
        for (const auto& [s, t] : o.stages)
            stages.insert(s);
    const auto row = [&](const std::string& name, auto value) {
        std::printf("%-16s", name.c_str());
        for (std::size_t k = 0; k < outcomes.size(); ++k)
            std::printf(" %12.2f", value(outcomes[k]));
        for (std::size_t k = 1; k < outcomes.size(); ++k) {
            const double a = value(outcomes[k - 1]), b = value(outcomes[k]);
            const double slope = a > 0 && b > 0 ? std::log(b / a) /
                                                      std::log(double(sizes[k]) / sizes[k - 1])
                                                : NAN;
            std::printf(" %7.2f", slope);
        }
        std::printf("\n");
    };
    std::printf("\n%-16s", "stage (s)");
    for (int n : sizes)
        std::printf(" %12d", n);
    for (std::size_t k = 1; k < sizes.size(); ++k)
        std::printf("  slope%zu", k);
    std::printf("\n");
    for (const std::string& s : stages)
        row(s, [&](const Outcome& o) { return o.stages.count(s) ? o.stages.at(s) : 0.0; });
    row("wall", [](const Outcome& o) { return o.wall; });
    row("peak RSS (GB)", [](const Outcome& o) { return o.peakGb; });
    std::printf("\nKMeans NMI\n");
    std::set<std::string> reps;
    for (const Outcome& o : outcomes)
        for (const auto& [r, v] : o.nmi)
            reps.insert(r);
    for (const std::string& r : reps) {
        std::printf("%-16s", r.c_str());
        for (const Outcome& o : outcomes)
            std::printf(" %12.3f", o.nmi.count(r) ? o.nmi.at(r) : NAN);
        std::printf("\n");
    }
    if (!keep)
        for (int n : sizes)
            fs::remove_all(dir / ("out_" + std::to_string(n)));
    return 0;
}
