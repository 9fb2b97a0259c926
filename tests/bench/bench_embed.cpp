// SPDX-License-Identifier: GPL-3.0-or-later
// Embedding benchmark: our t-SNE and UMAP against scikit-learn / umap-learn on the same data.
//
//     /usr/bin/python3 tests/bench/bench_embed.py /tmp/atlas-bench-embed   # reference side
//     bench_embed /tmp/atlas-bench-embed                                   # this side
//
// Reads every embed_<N>_X.csv the Python side wrote, with its timings and embeddings, runs
// ours with the same defaults at 1 and 2 threads, and prints one table: seconds, speed-up
// over the reference's warm time, and trustworthiness (k = 10) of every embedding, all
// computed here. Trustworthiness costs O(n^2), so above 2,000 points it is evaluated on the
// first 2,000 rows (the data are in random order), the same rows for every method.
#include "engine/core/parallel.h"
#include "engine/embed/trustworthiness.h"
#include "engine/embed/tsne.h"
#include "engine/embed/umap.h"

#include <chrono>
#include <ctime>
#include <cstdio>
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

} // namespace

int main(int argc, char** argv)
{
    const std::filesystem::path dir = argc > 1 ? argv[1] : "/tmp/atlas-bench-embed";
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
    std::printf("%-5s %6s  %-20s %7s %9s %8s %9s %8s  %s\n", "map", "n", "implementation",
                "threads", "wall s", "speed-up", "cpu s", "cpu-up", "trustworthiness(k=10)");
    for (int n : {1000, 10000}) {
        const auto xPath = dir / ("embed_" + std::to_string(n) + "_X.csv");
        if (!std::filesystem::exists(xPath))
            continue;
        const atlas::Matrix X = readCsv(xPath);
        for (const std::string method : {"tsne", "umap"}) {
            const auto key = std::make_pair(method, n);
            const double ref = refSeconds.count(key) ? refSeconds[key] : 0.0;
            const double refC = refCpu.count(key) ? refCpu[key] : 0.0;
            const auto yPath =
                dir / ("embed_" + std::to_string(n) + "_" + method + "_Y.csv");
            if (ref > 0.0 && std::filesystem::exists(yPath))
                std::printf("%-5s %6d  %-20s %7s %9.3f %8s %9.3f %8s  %.4f\n", method.c_str(),
                            n, method == "tsne" ? "scikit-learn 1.2.1" : "umap-learn 0.5.3",
                            "lib", ref, "1.00", refC, "1.00", trust(X, readCsv(yPath)));
            for (int threads : {1, 2}) {
                atlas::ThreadScope scope(threads);
                atlas::Matrix Y;
                const auto [wall, cpu] = seconds([&] {
                    Y = method == "tsne" ? atlas::tsne(X).embedding : atlas::umap(X).embedding;
                });
                char speed[32] = "-", cpuSpeed[32] = "-";
                if (ref > 0.0)
                    std::snprintf(speed, sizeof speed, "%.2f", ref / wall);
                if (refC > 0.0)
                    std::snprintf(cpuSpeed, sizeof cpuSpeed, "%.2f", refC / cpu);
                std::printf("%-5s %6d  %-20s %7d %9.3f %8s %9.3f %8s  %.4f\n", method.c_str(),
                            n, "MusicAtlas", threads, wall, speed, cpu, cpuSpeed, trust(X, Y));
                std::fflush(stdout);
            }
        }
    }
    for (const auto& [method, s] : importSeconds)
        std::printf("import time of the %s reference module: %.2f s (not in the timings)\n",
                    method.c_str(), s);
    std::printf("reference threads: sklearn TSNE uses OMP_NUM_THREADS of the Python run (all "
                "cores if unset); umap-learn with a random_state is single-threaded\n");
    return 0;
}
