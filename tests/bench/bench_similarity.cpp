// SPDX-License-Identifier: GPL-3.0-or-later
// Similar tracks: time per query of the exact nearest-neighbour search, on one core.
//
//     bench_similarity [--tracks N] [--queries Q] [--python tests/bench/bench_similarity.py]
//
// For N tracks (default 100,000): latent codes (16 dimensions, Euclidean), sound features
// (40, Euclidean) and lyrics (500 TF-IDF columns, about 30 non-zero per row, cosine), each
// queried Q times (default 200) for k = 20 from rows spread over the matrix. Prints the median
// and the slowest query. Target: < 50 ms per latent query at 100,000 tracks on one core.
// --python runs scikit-learn's NearestNeighbors(algorithm='brute') on the same matrices
// (written to a temporary folder as .npy) in the same invocation, with one thread, and prints
// its time per query and whether its neighbours equal ours.
#include "engine/core/random.h"
#include "engine/similarity/neighbours.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

using namespace atlas;

namespace {

Matrix clustered(int n, int d, Seed seed)
{
    Rng rng(seed);
    Matrix centres(24, d);
    for (Eigen::Index i = 0; i < centres.size(); ++i)
        centres.data()[i] = rng.normal(0.0, 4.0);
    Matrix X(n, d);
    for (int i = 0; i < n; ++i) {
        const auto c = Eigen::Index(rng.below(24));
        for (int j = 0; j < d; ++j)
            X(i, j) = centres(c, j) + rng.normal();
    }
    return X;
}

Matrix sparseRows(int n, int d, Seed seed)
{
    Rng rng(seed);
    Matrix X = Matrix::Zero(n, d);
    for (int i = 0; i < n; ++i) {
        for (int t = 0; t < 30; ++t) {
            // Zipf-like term choice: low columns are common.
            const auto col = Eigen::Index(std::min<double>(d - 1, std::floor(std::pow(rng.uniform(), 2.5) * d)));
            X(i, col) += rng.uniform(0.5, 2.0);
        }
        const double norm = X.row(i).norm();
        if (norm > 0)
            X.row(i) /= norm;
    }
    return X;
}

// numpy .npy, version 1.0, little-endian float64, C order.
void writeNpy(const std::filesystem::path& file, const Matrix& X)
{
    char header[128];
    int len = std::snprintf(header, sizeof header,
                            "{'descr': '<f8', 'fortran_order': False, 'shape': (%lld, %lld), }",
                            (long long)X.rows(), (long long)X.cols());
    std::string h(header, std::size_t(len));
    while ((10 + h.size() + 1) % 64 != 0)
        h += ' ';
    h += '\n';
    std::ofstream out(file, std::ios::binary);
    out.write("\x93NUMPY\x01\x00", 8);
    const unsigned short hl = (unsigned short)h.size();
    out.write(reinterpret_cast<const char*>(&hl), 2);
    out.write(h.data(), std::streamsize(h.size()));
    const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> rows = X;
    out.write(reinterpret_cast<const char*>(rows.data()), std::streamsize(rows.size() * 8));
}

} // namespace

int main(int argc, char** argv)
{
    int n = 100'000, queries = 200;
    std::string python;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--tracks") == 0 && i + 1 < argc)
            n = std::atoi(argv[++i]);
        else if (std::strcmp(argv[i], "--queries") == 0 && i + 1 < argc)
            queries = std::atoi(argv[++i]);
        else if (std::strcmp(argv[i], "--python") == 0 && i + 1 < argc)
            python = argv[++i];
        else {
            std::fprintf(stderr, "usage: bench_similarity [--tracks N] [--queries Q] [--python SCRIPT]\n");
            return 2;
        }
    }
    struct Space {
        const char* name;
        Matrix X;
        Distance distance;
    };
    std::vector<Space> spaces;
    spaces.push_back({"latent", clustered(n, 16, 1), Distance::Euclidean});
    spaces.push_back({"audio", clustered(n, 40, 2), Distance::Euclidean});
    spaces.push_back({"lyrics", sparseRows(n, 500, 3), Distance::Cosine});

    const auto dir = std::filesystem::temp_directory_path() / "musicatlas-bench-similarity";
    std::filesystem::create_directories(dir);
    std::vector<int> rows;
    for (int q = 0; q < queries; ++q)
        rows.push_back(int((long long)q * (n - 1) / std::max(1, queries - 1)));
    {
        std::ofstream out(dir / "queries.txt");
        for (int r : rows)
            out << r << "\n";
    }
    std::printf("%d tracks, %d queries, k = 20, one thread\n", n, queries);
    std::printf("%-8s %6s %12s %12s\n", "space", "dims", "median ms", "max ms");
    for (const Space& s : spaces) {
        std::vector<double> ms;
        std::ofstream out(dir / (std::string(s.name) + "_ours.txt"));
        for (int r : rows) {
            const auto t0 = std::chrono::steady_clock::now();
            const auto got = nearestRows(s.X, r, 20, s.distance);
            ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
            for (const Neighbour& nb : got)
                out << nb.track << ' ';
            out << '\n';
        }
        std::sort(ms.begin(), ms.end());
        std::printf("%-8s %6lld %12.2f %12.2f\n", s.name, (long long)s.X.cols(), ms[ms.size() / 2], ms.back());
        if (!python.empty())
            writeNpy(dir / (std::string(s.name) + ".npy"), s.X);
    }
    std::fflush(stdout);
    if (!python.empty()) {
        const std::string cmd = "OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 /usr/bin/python3 " +
                                python + " " + dir.string();
        return std::system(cmd.c_str()) == 0 ? 0 : 1;
    }
    return 0;
}
