// SPDX-License-Identifier: GPL-3.0-or-later
// Embedding benchmark: our t-SNE and UMAP against scikit-learn / umap-learn on the same data.
//
//     bench_embed DIR --python tests/bench/bench_embed.py [options]   # both sides, one run
//     /usr/bin/python3 tests/bench/bench_embed.py DIR; bench_embed DIR   # the same, by hand
//
// Options (defaults in brackets):
//     --python SCRIPT     run the reference script first, into DIR, with the same sizes,
//                         methods and repeats and --ref-threads threads [not run]
//     --ref-threads T     OMP/OpenBLAS/MKL/numba threads of the reference run [1]
//     --methods LIST      tsne,umap [both]
//     --sizes LIST        1000,10000 [both]
//     --threads LIST      our thread counts [1,2]
//     --repeat R          time each of ours R times and keep the fastest; the reference
//                         does the same [1]
//     --seeds K           also run both sides with K - 1 more seeds (untimed; ours at the
//                         first thread count) and print the trustworthiness over the K
//                         seeds: mean, standard deviation, min, max [1]
//     --tsne-repulsion LIST   our t-SNE with each of auto,bh,fft (Barnes-Hut, FFT
//                         interpolation, or chosen by size) [auto]
//
// Barnes-Hut against FFT interpolation at 20,000 points (the size above which t-SNE switches):
//     bench_embed DIR --python tests/bench/bench_embed.py --methods tsne --sizes 20000
//         --threads 2 --tsne-repulsion bh,fft --seeds 3   (one line)
//
// Reads every embed_<N>_X.csv the Python side wrote, with its timings and embeddings, runs
// ours with the same defaults, and prints one table: seconds, speed-up over the reference's
// warm time, and trustworthiness (k = 10) of every embedding, all computed here; then UMAP's
// time per stage on both sides. Trustworthiness costs O(n^2), so above 2,000 points it is
// evaluated on the first 2,000 rows (the data are in random order), the same rows for every
// method.
#include "engine/core/parallel.h"
#include "engine/metrics/trustworthiness.h"
#include "engine/embed/tsne.h"
#include "engine/embed/umap.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace {

atlas::Matrix readCsv(const std::filesystem::path& path)
{
    std::ifstream in(path);
    std::vector<std::vector<double>> rows;
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty())
            continue;
        std::vector<double> row;
        std::stringstream ss(line);
        std::string cell;
        while (std::getline(ss, cell, ','))
            row.push_back(std::stod(cell));
        rows.push_back(std::move(row));
    }
    atlas::Matrix m(Eigen::Index(rows.size()), rows.empty() ? 0 : Eigen::Index(rows[0].size()));
    for (std::size_t i = 0; i < rows.size(); ++i)
        for (std::size_t j = 0; j < rows[i].size(); ++j)
            m(Eigen::Index(i), Eigen::Index(j)) = rows[i][j];
    return m;
}

std::vector<std::string> splitList(const std::string& s)
{
    std::vector<std::string> out;
    std::stringstream ss(s);
    std::string item;
    while (std::getline(ss, item, ','))
        if (!item.empty())
            out.push_back(item);
    return out;
}

double trust(const atlas::Matrix& X, const atlas::Matrix& Y)
{
    const Eigen::Index rows = std::min<Eigen::Index>(X.rows(), 2000);
    return atlas::trustworthiness(X.topRows(rows), Y.topRows(rows), 10);
}

double cpuNow()
{
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

// Wall-clock and process CPU seconds of f(). On a busy machine the CPU time of a
// single-threaded run is the stable figure.
template <class F>
std::pair<double, double> seconds(F&& f)
{
    const auto t0 = std::chrono::steady_clock::now();
    const double c0 = cpuNow();
    f();
    return {std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(),
            cpuNow() - c0};
}

std::string joinList(const std::vector<std::string>& v, const char* sep)
{
    std::string s;
    for (const auto& x : v)
        s += (s.empty() ? "" : sep) + x;
    return s;
}

struct Stages {
    double neighbours = 0, graph = 0, layout = 0, optimise = 0, total = 0;
};

} // namespace

int main(int argc, char** argv)
{
    std::filesystem::path dir = "/tmp/atlas-bench-embed";
    std::string python;
    int refThreads = 1, repeat = 1, seeds = 1;
    std::vector<std::string> methods{"tsne", "umap"}, sizes{"1000", "10000"}, threadList{"1", "2"},
        repulsions{"auto"};
    bool haveDir = false;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        const bool hasValue = i + 1 < argc;
        if (a == "--python" && hasValue)
            python = argv[++i];
        else if (a == "--ref-threads" && hasValue)
            refThreads = std::stoi(argv[++i]);
        else if (a == "--methods" && hasValue)
            methods = splitList(argv[++i]);
        else if (a == "--sizes" && hasValue)
            sizes = splitList(argv[++i]);
        else if (a == "--threads" && hasValue)
            threadList = splitList(argv[++i]);
        else if (a == "--repeat" && hasValue)
            repeat = std::max(1, std::stoi(argv[++i]));
        else if (a == "--seeds" && hasValue)
            seeds = std::max(1, std::stoi(argv[++i]));
        else if (a == "--tsne-repulsion" && hasValue) {
            repulsions = splitList(argv[++i]);
            for (const std::string& r : repulsions)
                if (r != "auto" && r != "bh" && r != "fft") {
                    std::fprintf(stderr, "bench_embed: --tsne-repulsion takes auto, bh, fft\n");
                    return 2;
                }
        }
        else if (!a.empty() && a[0] != '-' && !haveDir) {
            dir = a;
            haveDir = true;
        } else {
            std::fprintf(stderr, "bench_embed: unknown or incomplete option %s\n", a.c_str());
            return 2;
        }
    }
    if (!python.empty()) {
        const std::string t = std::to_string(refThreads);
        const std::string cmd = "OMP_NUM_THREADS=" + t + " OPENBLAS_NUM_THREADS=" + t +
                                " MKL_NUM_THREADS=" + t + " NUMBA_NUM_THREADS=" + t +
                                " /usr/bin/python3 '" + python + "' '" + dir.string() + "' " +
                                joinList(sizes, " ") + " --methods " + joinList(methods, ",") +
                                " --repeat " + std::to_string(repeat) + " --seeds " +
                                std::to_string(seeds);
        std::printf("reference: %s\n", cmd.c_str());
        std::fflush(stdout);
        if (std::system(cmd.c_str()) != 0) {
            std::fprintf(stderr, "bench_embed: the reference run failed\n");
            return 1;
        }
    }

    std::map<std::pair<std::string, int>, double> refSeconds, refCpu;
    std::map<std::string, double> importSeconds;
    {
        std::ifstream in(dir / "reference_times.csv");
        std::string line;
        std::getline(in, line);
        while (std::getline(in, line)) {
            std::stringstream ss(line);
            std::string method, n, s, imp, cpu;
            std::getline(ss, method, ',');
            std::getline(ss, n, ',');
            std::getline(ss, s, ',');
            std::getline(ss, imp, ',');
            std::getline(ss, cpu, ',');
            refSeconds[{method, std::stoi(n)}] = std::stod(s);
            refCpu[{method, std::stoi(n)}] = cpu.empty() ? 0.0 : std::stod(cpu);
            importSeconds[method] = std::stod(imp);
        }
    }
    if (refSeconds.empty()) {
        std::fprintf(stderr, "no %s; run bench_embed.py first\n",
                     (dir / "reference_times.csv").c_str());
        return 1;
    }
    // umap-learn's stages (optional file).
    std::map<int, Stages> refStages;
    {
        std::ifstream in(dir / "reference_stages.csv");
        std::string line;
        std::getline(in, line);
        while (std::getline(in, line)) {
            std::stringstream ss(line);
            std::string method, n, stage, s;
            std::getline(ss, method, ',');
            std::getline(ss, n, ',');
            std::getline(ss, stage, ',');
            std::getline(ss, s, ',');
            if (method != "umap")
                continue;
            Stages& st = refStages[std::stoi(n)];
            const double v = std::stod(s);
            if (stage == "neighbours")
                st.neighbours = v;
            else if (stage == "graph")
                st.graph = v;
            else if (stage == "layout")
                st.layout = v;
            else if (stage == "optimise")
                st.optimise = v;
        }
        for (auto& [n, st] : refStages)
            st.total = refSeconds.count({"umap", n}) ? refSeconds[{"umap", n}] : 0.0;
    }

    std::vector<std::pair<std::string, Stages>> ourStages;
    struct Spread {
        std::string label;
        std::vector<double> values;
    };
    std::vector<Spread> spreads;
    std::printf("%-5s %6s  %-20s %7s %9s %8s %9s %8s  %s\n", "map", "n", "implementation",
                "threads", "wall s", "speed-up", "cpu s", "cpu-up", "trustworthiness(k=10)");
    for (const std::string& size : sizes) {
        const int n = std::stoi(size);
        const auto xPath = dir / ("embed_" + std::to_string(n) + "_X.csv");
        if (!std::filesystem::exists(xPath))
            continue;
        const atlas::Matrix X = readCsv(xPath);
        for (const std::string& method : methods) {
            const auto key = std::make_pair(method, n);
            const double ref = refSeconds.count(key) ? refSeconds[key] : 0.0;
            const double refC = refCpu.count(key) ? refCpu[key] : 0.0;
            const auto yPath =
                dir / ("embed_" + std::to_string(n) + "_" + method + "_Y.csv");
            const char* library = method == "tsne" ? "scikit-learn 1.2.1" : "umap-learn 0.5.3";
            if (ref > 0.0 && std::filesystem::exists(yPath)) {
                Spread refSpread{method + " " + std::to_string(n) + " " + library, {}};
                refSpread.values.push_back(trust(X, readCsv(yPath)));
                std::printf("%-5s %6d  %-20s %7s %9.3f %8s %9.3f %8s  %.4f\n", method.c_str(),
                            n, library, "lib", ref, "1.00", refC, "1.00", refSpread.values[0]);
                for (int seed = 1; seed < seeds; ++seed) {
                    const auto p = dir / ("embed_" + std::to_string(n) + "_" + method +
                                          "_Y_seed" + std::to_string(seed) + ".csv");
                    if (std::filesystem::exists(p))
                        refSpread.values.push_back(trust(X, readCsv(p)));
                }
                spreads.push_back(std::move(refSpread));
            }
            const std::vector<std::string> variants =
                method == "tsne" ? repulsions : std::vector<std::string>{"auto"};
            for (const std::string& variant : variants)
            for (const std::string& threadText : threadList) {
                atlas::TsneConfig tsneCfg;
                tsneCfg.repulsion = variant == "bh"    ? atlas::TsneRepulsion::BarnesHut
                                    : variant == "fft" ? atlas::TsneRepulsion::Fft
                                                       : atlas::TsneRepulsion::Auto;
                const std::string impl =
                    variant == "auto" ? "MusicAtlas" : "MusicAtlas " + variant;
                const int threads = std::stoi(threadText);
                atlas::ThreadScope scope(threads);
                atlas::Matrix Y;
                double wall = 0.0, cpu = 0.0;
                Stages st;
                for (int r = 0; r < repeat; ++r) {
                    atlas::UmapTimings timings;
                    const auto [w, c] = seconds([&] {
                        if (method == "tsne") {
                            Y = atlas::tsne(X, tsneCfg).embedding;
                        } else {
                            atlas::UmapResult u = atlas::umap(X);
                            Y = std::move(u.embedding);
                            timings = u.timings;
                        }
                    });
                    if (r == 0 || w < wall) {
                        wall = w;
                        cpu = c;
                        st = {timings.neighbours, timings.graph, timings.layout,
                              timings.optimise, w};
                    }
                }
                if (method == "umap")
                    ourStages.emplace_back(std::to_string(n) + " " + threadText, st);
                char speed[32] = "-", cpuSpeed[32] = "-";
                if (ref > 0.0)
                    std::snprintf(speed, sizeof speed, "%.2f", ref / wall);
                if (refC > 0.0)
                    std::snprintf(cpuSpeed, sizeof cpuSpeed, "%.2f", refC / cpu);
                const double t = trust(X, Y);
                std::printf("%-5s %6d  %-20s %7d %9.3f %8s %9.3f %8s  %.4f\n", method.c_str(),
                            n, impl.c_str(), threads, wall, speed, cpu, cpuSpeed, t);
                std::fflush(stdout);
                if (threadText == threadList.front()) {
                    Spread ours{method + " " + std::to_string(n) + " " + impl, {t}};
                    for (int seed = 1; seed < seeds; ++seed) {
                        if (method == "tsne") {
                            atlas::TsneConfig cfg = tsneCfg;
                            cfg.seed += atlas::Seed(seed);
                            ours.values.push_back(trust(X, atlas::tsne(X, cfg).embedding));
                        } else {
                            atlas::UmapConfig cfg;
                            cfg.seed += atlas::Seed(seed);
                            ours.values.push_back(trust(X, atlas::umap(X, cfg).embedding));
                        }
                    }
                    spreads.push_back(std::move(ours));
                }
            }
        }
    }
    if (!ourStages.empty()) {
        std::printf("\nUMAP wall seconds per stage (neighbours = kNN; graph = fuzzy simplicial "
                    "set and edge schedule; layout = spectral init; other = the rest)\n");
        std::printf("%6s  %-20s %7s %10s %8s %8s %9s %8s %8s\n", "n", "implementation",
                    "threads", "neighbours", "graph", "layout", "optimise", "other", "total");
        auto row = [](int n, const char* impl, const std::string& threads, const Stages& s) {
            std::printf("%6d  %-20s %7s %10.3f %8.3f %8.3f %9.3f %8.3f %8.3f\n", n, impl,
                        threads.c_str(), s.neighbours, s.graph, s.layout, s.optimise,
                        s.total - s.neighbours - s.graph - s.layout - s.optimise, s.total);
        };
        int shown = -1;
        for (const auto& [label, st] : ourStages) {
            const int n = std::stoi(label.substr(0, label.find(' ')));
            if (n != shown && refStages.count(n))
                row(n, "umap-learn 0.5.3", "lib", refStages[n]);
            shown = n;
            row(n, "MusicAtlas", label.substr(label.find(' ') + 1), st);
        }
    }
    if (seeds > 1) {
        std::printf("\ntrustworthiness (k = 10) over seeds (ours: the default seed + 0..K-1; "
                    "reference: random_state 0..K-1)\n");
        std::printf("%-34s %5s %8s %8s %8s %8s\n", "map n implementation", "seeds", "mean",
                    "sd", "min", "max");
        for (const auto& sp : spreads) {
            double mean = 0.0, var = 0.0;
            for (double v : sp.values)
                mean += v / double(sp.values.size());
            for (double v : sp.values)
                var += (v - mean) * (v - mean) / double(std::max<std::size_t>(sp.values.size() - 1, 1));
            std::printf("%-34s %5zu %8.4f %8.4f %8.4f %8.4f\n", sp.label.c_str(),
                        sp.values.size(), mean, std::sqrt(var),
                        *std::min_element(sp.values.begin(), sp.values.end()),
                        *std::max_element(sp.values.begin(), sp.values.end()));
        }
    }
    for (const auto& [method, s] : importSeconds)
        std::printf("import time of the %s reference module: %.2f s (not in the timings)\n",
                    method.c_str(), s);
    std::printf("reference threads: sklearn TSNE uses OMP_NUM_THREADS of the Python run (all "
                "cores if unset); umap-learn with a random_state is single-threaded\n");
    return 0;
}
