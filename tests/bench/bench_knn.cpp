// SPDX-License-Identifier: GPL-3.0-or-later
// Approximate nearest neighbours: recall and time of hnswKnn (HNSW, M = 16,
// ef_construction = 200, query ef = max(k + 1, efSearch)) against exactKnn, for UMAP's k = 15
// and t-SNE's k = 91 (3 x perplexity 30 + 1).
//
//     build/tests/bench/bench_knn [--sizes 20000,100000] [--k 15,91] [--ef 100,200,300]
//         [--queries 2000] [--repeat 1] [--no-exact]
//
// Data: n points in 16 dimensions shaped like a trained latent space: 10 Gaussian clusters of
// unequal sizes and spreads (each dimension of a cluster scaled separately), plus 5% of the
// points strewn between two clusters; rows in random order, fixed seed.
//
// Recall is measured on a fixed sample of `--queries` rows: their exact neighbours are found by
// brute force in double (those rows against all n), and recall = |approx ∩ exact| / k,
// averaged over the sample (the worst row and the share of rows below 0.9 are printed too).
// Each hnswKnn call is timed whole (wall clock and process CPU): it builds the index on one
// thread, inserting the rows in order, then queries every row in parallel. The build is
// estimated once per size as the time of hnswKnn with k = 1 and ef = 2 (an upper bound: it
// includes a cheap query pass), so query ~ total - build. exactKnn (O(n^2 d), parallel) is
// timed at each k for comparison (skip with --no-exact), and its rows on the sample are checked
// against the brute force. With --repeat R every timing is the fastest of R runs. Threads:
// OpenMP's maximum (OMP_NUM_THREADS). The load average is printed before and after: on a
// shared machine the times are inflated, so compare numbers only from an otherwise idle one.
#include "engine/core/parallel.h"
#include "engine/core/random.h"
#include "engine/embed/knn.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <iterator>
#include <numeric>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

using namespace atlas;

namespace {

constexpr int Dims = 16;
constexpr int Clusters = 10;

Matrix latentLike(int n, Seed seed)
{
    Rng rng(seed);
    Matrix centres(Clusters, Dims), scales(Clusters, Dims);
    std::vector<double> weight(Clusters);
    for (int c = 0; c < Clusters; ++c) {
        const double spread = rng.uniform(0.4, 1.5);
        for (int j = 0; j < Dims; ++j) {
            centres(c, j) = rng.normal(0.0, 3.0);
            scales(c, j) = spread * rng.uniform(0.5, 1.5);
        }
        weight[std::size_t(c)] = rng.uniform(0.3, 1.0);
    }
    std::vector<double> cumulative(Clusters);
    std::partial_sum(weight.begin(), weight.end(), cumulative.begin());
    const auto pick = [&] {
        const double u = rng.uniform() * cumulative.back();
        return int(std::upper_bound(cumulative.begin(), cumulative.end(), u) - cumulative.begin());
    };

    Matrix X(n, Dims);
    for (int i = 0; i < n; ++i) {
        const int a = std::min(pick(), Clusters - 1);
        if (rng.uniform() < 0.05) {
            // Between clusters a and b: on the segment between their centres, plus noise.
            int b = int(rng.below(Clusters - 1));
            b += b >= a ? 1 : 0;
            const double t = rng.uniform(0.2, 0.8);
            for (int j = 0; j < Dims; ++j)
                X(i, j) = centres(a, j) + t * (centres(b, j) - centres(a, j)) +
                          rng.normal(0.0, 0.5);
        } else {
            for (int j = 0; j < Dims; ++j)
                X(i, j) = centres(a, j) + scales(a, j) * rng.normal();
        }
    }
    return X;
}

// The k nearest other rows of each sample row, sorted by (distance, index), by brute force.
std::vector<std::vector<int>> bruteForce(const Matrix& X, const std::vector<int>& sample, int k)
{
    const Eigen::Index n = X.rows();
    std::vector<std::vector<int>> out(sample.size());
#pragma omp parallel for schedule(dynamic, 8)
    for (std::size_t s = 0; s < sample.size(); ++s) {
        const int i = sample[s];
        std::vector<std::pair<double, int>> d;
        d.reserve(std::size_t(n));
        for (Eigen::Index j = 0; j < n; ++j)
            if (j != i)
                d.emplace_back((X.row(i) - X.row(j)).squaredNorm(), int(j));
        std::partial_sort(d.begin(), d.begin() + k, d.end());
        for (int j = 0; j < k; ++j)
            out[s].push_back(d[std::size_t(j)].second);
    }
    return out;
}

struct Recall {
    double mean = 0, worst = 1, below90 = 0;
};

Recall recall(const detail::KnnGraph& g, const std::vector<int>& sample,
              const std::vector<std::vector<int>>& exact, int k)
{
    Recall r;
    for (std::size_t s = 0; s < sample.size(); ++s) {
        std::vector<int> a(static_cast<std::size_t>(k));
        std::vector<int> b(exact[s].begin(), exact[s].begin() + k);
        for (int j = 0; j < k; ++j)
            a[std::size_t(j)] = g.indices(sample[s], j);
        std::sort(a.begin(), a.end());
        std::sort(b.begin(), b.end());
        std::vector<int> both;
        std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(both));
        const double share = double(both.size()) / k;
        r.mean += share;
        r.worst = std::min(r.worst, share);
        r.below90 += share < 0.9 ? 1 : 0;
    }
    r.mean /= double(sample.size());
    r.below90 /= double(sample.size());
    return r;
}

int repeat = 1;

double cpuNow()
{
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

struct Time {
    double wall = INFINITY, cpu = INFINITY;  ///< seconds; cpu summed over the threads
};

// The fastest wall-clock and process CPU times of `repeat` runs of f(). On a busy machine the
// CPU time is the steadier figure.
template <class F>
Time seconds(F&& f)
{
    Time best;
    for (int r = 0; r < repeat; ++r) {
        const auto t0 = std::chrono::steady_clock::now();
        const double c0 = cpuNow();
        f();
        const double c1 = cpuNow();
        const auto t1 = std::chrono::steady_clock::now();
        best.wall = std::min(best.wall, std::chrono::duration<double>(t1 - t0).count());
        best.cpu = std::min(best.cpu, c1 - c0);
    }
    return best;
}

void printLoad(const char* when)
{
    double load[3] = {0, 0, 0};
    if (getloadavg(load, 3) == 3)
        std::printf("load average %s: %.2f %.2f %.2f\n", when, load[0], load[1], load[2]);
}

// Nearly all of hnswKnn's time at k = 1, ef = 2 is its index build (the same for every k and
// ef): the query pass at ef 2 costs a few hundredths of that.
Time buildSeconds(const Matrix& X)
{
    return seconds([&] { detail::hnswKnn(X, 1, 1); });
}

std::vector<int> intList(const std::string& s)
{
    std::vector<int> out;
    std::stringstream ss(s);
    std::string item;
    while (std::getline(ss, item, ','))
        if (!item.empty())
            out.push_back(std::stoi(item));
    return out;
}

} // namespace

int main(int argc, char** argv)
{
    std::vector<int> sizes{20000, 100000}, ks{15, 91}, efs{100, 200, 300};
    int queries = 2000;
    bool exact = true;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        const bool hasValue = i + 1 < argc;
        if (a == "--sizes" && hasValue)
            sizes = intList(argv[++i]);
        else if (a == "--k" && hasValue)
            ks = intList(argv[++i]);
        else if (a == "--ef" && hasValue)
            efs = intList(argv[++i]);
        else if (a == "--queries" && hasValue)
            queries = std::max(1, std::stoi(argv[++i]));
        else if (a == "--repeat" && hasValue)
            repeat = std::max(1, std::stoi(argv[++i]));
        else if (a == "--no-exact")
            exact = false;
        else {
            std::fprintf(stderr, "bench_knn: unknown or incomplete option %s\n", a.c_str());
            return 2;
        }
    }
    const int kMax = *std::max_element(ks.begin(), ks.end());

    std::printf("threads %d, %d dimensions, recall over %d query rows; seconds: fastest of %d\n",
                maxThreads(), Dims, queries, repeat);
    printLoad("before");
    std::printf("\n");
    std::printf("%7s %3s %-8s %7s %7s | %7s %7s | %7s %7s | %7s %6s %6s\n", "n", "k", "method",
                "wall s", "cpu s", "build", "cpu", "query", "cpu", "recall", "worst", "<0.9");
    for (const int n : sizes) {
        if (n <= kMax) {
            std::fprintf(stderr, "bench_knn: size %d is not above k = %d\n", n, kMax);
            return 2;
        }
        const Matrix X = latentLike(n, 20240601);
        std::vector<int> rows(static_cast<std::size_t>(n));
        std::iota(rows.begin(), rows.end(), 0);
        Rng rng(7);
        rng.shuffle(rows);
        const std::vector<int> sample(rows.begin(), rows.begin() + std::min(queries, n));
        const auto truth = bruteForce(X, sample, kMax);
        const Time build = buildSeconds(X);

        for (const int k : ks) {
            if (exact) {
                detail::KnnGraph g;
                const Time t = seconds([&] { g = detail::exactKnn(X, k); });
                const Recall r = recall(g, sample, truth, k);
                std::printf("%7d %3d %-8s %7.2f %7.2f | %7s %7s | %7s %7s | %7.4f %6.3f %6.4f\n", n,
                            k, "exact", t.wall, t.cpu, "", "", "", "", r.mean, r.worst, r.below90);
                std::fflush(stdout);
            }
            for (const int ef : efs) {
                detail::KnnGraph g;
                const Time t = seconds([&] { g = detail::hnswKnn(X, k, ef); });
                const Recall r = recall(g, sample, truth, k);
                const std::string method = "hnsw " + std::to_string(std::max(k + 1, ef));
                std::printf("%7d %3d %-8s %7.2f %7.2f | %7.2f %7.2f | %7.2f %7.2f | %7.4f %6.3f "
                            "%6.4f\n",
                            n, k, method.c_str(), t.wall, t.cpu, build.wall, build.cpu,
                            std::max(0.0, t.wall - build.wall), std::max(0.0, t.cpu - build.cpu),
                            r.mean, r.worst, r.below90);
                std::fflush(stdout);
            }
        }
    }
    std::printf("\nwall s, cpu s: the whole call (cpu summed over the threads); hnsw E: query\n"
                "ef E = max(k + 1, efSearch); build: hnswKnn at k = 1, ef = 2, once per size (the\n"
                "single-threaded index build plus a cheap query pass); query = whole - build;\n"
                "recall: mean over the query rows; worst: the lowest row; <0.9: share of rows\n"
                "below 0.9.\n");
    printLoad("after");
    return 0;
}
