// SPDX-License-Identifier: GPL-3.0-or-later
// Writing and reading feature tables (engine/data/feature_table.h) at scale: a table shaped
// like ours (40 dense audio columns, 500 TF-IDF columns with about 25 terms per track, the
// track columns of a real library) of --rows tracks as NumPy (.npy + .rows.csv +
// .columns.txt) and of --csv-rows tracks as CSV, each written and read back as `features`
// and `run --features` do; then the same files through numpy.load + pandas.read_csv
// (--python tests/bench/bench_feature_table.py), in the same invocation.
//
//   build/tests/bench/bench_feature_table [--rows 1000000] [--csv-rows 100000]
//       [--dir /tmp/musicatlas-bench-table] [--python tests/bench/bench_feature_table.py]
//       [--reuse]   (read the tables an earlier invocation wrote instead of writing them)
//
// Prints one line per step: seconds, the file's size and the process's peak memory so far.
#include "engine/core/issue.h"
#include "engine/core/random.h"
#include "engine/data/feature_table.h"
#include "engine/features/mfcc.h"
#include "engine/io/export.h"
#include "engine/pipeline/dataset.h"

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <string>

namespace fs = std::filesystem;

namespace {

double peakGb()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return double(u.ru_maxrss) / (1024.0 * 1024.0);
}

template <class F>
double seconds(F&& f)
{
    const auto t0 = std::chrono::steady_clock::now();
    f();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

double sizeGb(const fs::path& p)
{
    std::error_code ec;
    const auto s = fs::file_size(p, ec);
    return ec ? 0.0 : double(s) / 1e9;
}

// A table of n tracks: audio statistics around librosa's ranges, sparse unit-norm TF-IDF rows.
atlas::Dataset makeTable(int n)
{
    atlas::Dataset ds;
    atlas::Rng rng(7);
    ds.tracks.resize(std::size_t(n));
    for (int i = 0; i < n; ++i) {
        atlas::Track& t = ds.tracks[std::size_t(i)];
        const std::string artist = "Artist " + std::to_string(i / 120);
        const std::string album = "Album " + std::to_string(i / 12);
        t.id = artist + "/" + album + "/" + std::to_string(i % 12 + 1) + " - Song " +
               std::to_string(i);
        t.path = "/music/" + t.id + ".flac";
        t.label = "genre" + std::to_string(i % 10);
        t.tags.title = "Song " + std::to_string(i);
        t.tags.artist = artist;
        t.tags.album = album;
        t.tags.year = 1970 + i % 50;
        t.tags.genres = {t.label};
        t.lyricsSource = i % 5 ? atlas::LyricsSource::Embedded : atlas::LyricsSource::None;
    }
    ds.audio.resize(n, 40);
    for (Eigen::Index j = 0; j < 40; ++j)
        for (Eigen::Index i = 0; i < n; ++i)
            ds.audio(i, j) = (j == 0 ? -200.0 : 0.0) + 30.0 * rng.normal();
    ds.audioNames = atlas::mfccFeatureNames(20);
    for (int j = 0; j < 500; ++j)
        ds.vocabulary.push_back("term" + std::to_string(j));
    atlas::SparseRows& rows = ds.lyricsRows;
    rows.cols = 500;
    for (int i = 0; i < n; ++i) {
        if (ds.tracks[std::size_t(i)].lyricsSource != atlas::LyricsSource::None) {
            std::map<int, double> terms;
            for (int k = 0; k < 25; ++k)
                terms[int(rng.uniform() * 500) % 500] = rng.uniform();
            double norm = 0.0;
            for (const auto& [j, v] : terms)
                norm += v * v;
            for (const auto& [j, v] : terms) {
                rows.columns.push_back(j);
                rows.values.push_back(v / std::sqrt(norm));
            }
        }
        rows.rowStart.push_back(rows.columns.size());
    }
    ds.lyrics = atlas::Matrix(n, 0);
    return ds;
}

} // namespace

int main(int argc, char** argv)
{
    int rows = 1'000'000, csvRows = 100'000;
    fs::path dir = "/tmp/musicatlas-bench-table";
    std::string python;
    bool reuse = false;   // --reuse: read the tables an earlier invocation wrote
    for (int i = 1; i < argc; ++i)
        if (std::string(argv[i]) == "--reuse")
            reuse = true;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string a = argv[i];
        if (a == "--rows")
            rows = std::atoi(argv[i + 1]);
        else if (a == "--csv-rows")
            csvRows = std::atoi(argv[i + 1]);
        else if (a == "--dir")
            dir = argv[i + 1];
        else if (a == "--python")
            python = argv[i + 1];
    }
    fs::create_directories(dir);
    std::printf("step,tracks,seconds,file_gb,peak_rss_gb\n");
    const auto line = [](const char* step, int n, double s, double gb) {
        std::printf("%s,%d,%.2f,%.2f,%.2f\n", step, n, s, gb, peakGb());
        std::fflush(stdout);
    };
    std::map<std::string, double> ours;
    if (!reuse || !fs::exists(dir / "table.npy")) {
        atlas::Dataset ds;
        line("generate", rows, seconds([&] { ds = makeTable(rows); }), 0.0);
        const fs::path npy = dir / "table.npy";
        ours["npy.write"] = seconds([&] { atlas::writeFeatureNpy(ds, npy); });
        line("npy.write", rows, ours["npy.write"], sizeGb(npy));
    }
    {
        atlas::Diagnostics d;
        atlas::FeatureTable t;
        ours["npy.read"] = seconds([&] { t = atlas::readFeatureTable(dir / "table.npy", d); });
        line("npy.read", int(t.tracks.size()), ours["npy.read"], sizeGb(dir / "table.npy"));
    }
    if (csvRows > 0) {
        if (!reuse || !fs::exists(dir / "table.csv")) {
            atlas::Dataset ds = makeTable(csvRows);
            ours["csv.write"] = seconds([&] { atlas::writeFeatureCsv(ds, dir / "table.csv"); });
            line("csv.write", csvRows, ours["csv.write"], sizeGb(dir / "table.csv"));
        }
        atlas::Diagnostics d;
        atlas::FeatureTable t;
        ours["csv.read"] = seconds([&] { t = atlas::readFeatureTable(dir / "table.csv", d); });
        line("csv.read", int(t.tracks.size()), ours["csv.read"], sizeGb(dir / "table.csv"));
    }
    if (!python.empty()) {
        // The reference reads the same files; it prints "step,seconds" lines.
        const std::string cmd = "/usr/bin/python3 " + python + " " + dir.string() +
                                (csvRows > 0 ? "" : " --no-csv");
        FILE* p = popen(cmd.c_str(), "r");
        char buffer[256];
        std::printf("\nreference (numpy/pandas),seconds,ours,ratio reference/ours\n");
        while (p && std::fgets(buffer, sizeof buffer, p)) {
            std::string l(buffer);
            const auto comma = l.find(',');
            if (comma == std::string::npos)
                continue;
            const std::string step = l.substr(0, comma);
            const double s = std::atof(l.c_str() + comma + 1);
            const double o = ours.count(step) ? ours[step] : 0.0;
            std::printf("%s,%.2f,%.2f,%.1f\n", step.c_str(), s, o, o > 0 ? s / o : 0.0);
        }
        if (p)
            pclose(p);
    }
    return 0;
}
