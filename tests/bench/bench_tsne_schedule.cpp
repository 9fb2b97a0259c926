// SPDX-License-Identifier: GPL-3.0-or-later
// How t-SNE's layout changes along its iterations: one run of the codes of one representation
// (latent.csv, as run --out writes it), checked at several iteration counts. Shows whether the
// iterations past FIt-SNE's 750 (TsneConfig::fftIterations) still change the neighbourhoods.
//
//     bench_tsne_schedule LATENT.csv [--representation pca] [--checkpoints 500,750,1000]
//                         [--subset 2000] [--threads 2]
//
// e.g. on bench_scale's table: bench_scale ... --sizes 100000 --keep, then
//     bench_tsne_schedule /tmp/musicatlas-bench-scale/out_100000/latent.csv
//
// Prints, per checkpoint: iterations, seconds since the start (the neighbour search and P
// included), the KL divergence, and the trustworthiness (k = 10) of the first `subset` rows
// (the same rows at every checkpoint; O(subset^2)).
#include "engine/core/issue.h"
#include "engine/core/parallel.h"
#include "engine/data/csv.h"
#include "engine/embed/tsne.h"
#include "engine/metrics/trustworthiness.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

namespace {

std::vector<int> parseList(const std::string& text)
{
    std::vector<int> out;
    std::stringstream ss(text);
    std::string item;
    while (std::getline(ss, item, ','))
        out.push_back(std::stoi(item));
    return out;
}

} // namespace

int main(int argc, char** argv)
{
    if (argc < 2) {
        std::fprintf(stderr, "usage: bench_tsne_schedule LATENT.csv [--representation KEY] "
                             "[--checkpoints 500,750,1000] [--subset 2000] [--threads N]\n");
        return 2;
    }
    const std::string path = argv[1];
    std::string key = "pca";
    std::vector<int> checkpoints = {500, 750, 1000};
    int subset = 2000, threads = 2;
    for (int i = 2; i < argc; ++i) {
        const std::string a = argv[i];
        const bool hasValue = i + 1 < argc;
        if (a == "--representation" && hasValue)
            key = argv[++i];
        else if (a == "--checkpoints" && hasValue)
            checkpoints = parseList(argv[++i]);
        else if (a == "--subset" && hasValue)
            subset = std::max(10, std::atoi(argv[++i]));
        else if (a == "--threads" && hasValue)
            threads = std::max(1, std::atoi(argv[++i]));
        else {
            std::fprintf(stderr, "bench_tsne_schedule: unknown or incomplete option %s\n",
                         a.c_str());
            return 2;
        }
    }
    std::sort(checkpoints.begin(), checkpoints.end());
    if (checkpoints.empty() || checkpoints.front() < 1) {
        std::fprintf(stderr, "bench_tsne_schedule: checkpoints must be positive\n");
        return 2;
    }

    // latent.csv: track_id,representation,z_00,z_01,...
    atlas::Diagnostics diagnostics;
    const atlas::CsvTable table = atlas::readCsv(path, diagnostics);
    const int repColumn = table.column("representation");
    if (repColumn < 0) {
        std::fprintf(stderr, "bench_tsne_schedule: %s has no representation column\n",
                     path.c_str());
        return 1;
    }
    std::vector<std::vector<double>> rows;
    for (const std::vector<std::string>& r : table.rows) {
        if (r[std::size_t(repColumn)] != key)
            continue;
        std::vector<double> values;
        for (std::size_t c = std::size_t(repColumn) + 1; c < r.size(); ++c)
            values.push_back(std::stod(r[c]));
        rows.push_back(std::move(values));
    }
    if (rows.size() < 3) {
        std::fprintf(stderr, "bench_tsne_schedule: %s has fewer than 3 rows of %s\n",
                     path.c_str(), key.c_str());
        return 1;
    }
    atlas::Matrix X(Eigen::Index(rows.size()), Eigen::Index(rows[0].size()));
    for (Eigen::Index i = 0; i < X.rows(); ++i)
        for (Eigen::Index c = 0; c < X.cols(); ++c)
            X(i, c) = rows[std::size_t(i)][std::size_t(c)];

    atlas::ThreadScope scope(threads);
    atlas::TsneConfig cfg;
    cfg.iterations = std::max(cfg.iterations, checkpoints.back());
    cfg.fftIterations = cfg.iterations;
    atlas::Tsne t(cfg);
    const auto start = std::chrono::steady_clock::now();
    const auto seconds = [&] {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    };
    t.init(X);
    std::printf("%s: %lld x %lld, %d threads; neighbours and P in %.1f s\n", key.c_str(),
                static_cast<long long>(X.rows()), static_cast<long long>(X.cols()), threads,
                seconds());
    const Eigen::Index sub = std::min<Eigen::Index>(subset, X.rows());
    const atlas::Matrix Xs = X.topRows(sub);
    std::printf("%10s %9s %10s %24s\n", "iterations", "seconds", "KL", "trustworthiness(k=10)");
    for (int until : checkpoints) {
        t.run(until);
        const double at = seconds();
        const atlas::Matrix Ys = t.embedding().topRows(sub);
        std::printf("%10d %9.1f %10.5f %24.5f\n", t.iteration(), at, t.klDivergence(),
                    atlas::trustworthiness(Xs, Ys, 10));
        std::fflush(stdout);
    }
    return 0;
}
