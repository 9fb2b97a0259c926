// SPDX-License-Identifier: GPL-3.0-or-later
// Training speed of the Autoencoder and the VAE (540 -> 256 -> 128 -> 16, 50 epochs, batch 64,
// 1000 rows) against PyTorch on the same matrix, and against the GEMM floor: the time Eigen
// needs for just the matrix products of the same training run, measured here.
//
// Usage: bench_models [--no-torch]
// Writes the matrix as raw float32 to a temporary file that bench_models.py (next to this
// file, run with /usr/bin/python3) reads.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include "engine/core/parallel.h"
#include "engine/core/random.h"
#include "engine/models/autoencoder.h"
#include "engine/models/vae.h"

#include <Eigen/Core>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
using MatF = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

constexpr int Rows = 1000, Cols = 540, Epochs = 50, Batch = 64;

double seconds(Clock::time_point a, Clock::time_point b)
{
    return std::chrono::duration<double>(b - a).count();
}

// Product-like data: 10 clusters with rank-3 structure plus noise, standardised.
atlas::Matrix makeData()
{
    atlas::Rng rng(2024);
    atlas::Matrix X(Rows, Cols);
    atlas::Matrix centres(10, Cols), basis(30, Cols);
    for (Eigen::Index i = 0; i < centres.size(); ++i)
        centres.data()[i] = 0.3 * rng.normal();
    for (Eigen::Index i = 0; i < basis.size(); ++i)
        basis.data()[i] = rng.normal();
    for (int i = 0; i < Rows; ++i) {
        const int c = i % 10;
        for (int j = 0; j < Cols; ++j)
            X(i, j) = centres(c, j) + rng.normal();
        for (int a = 0; a < 3; ++a)
            X.row(i) += rng.normal() * basis.row(3 * c + a);
    }
    X.rowwise() -= X.colwise().mean();
    const atlas::RowVector sd = (X.array().square().colwise().sum() / Rows).sqrt();
    return X.array().rowwise() / sd.array();
}

struct Layer {
    int in, out;
    bool needsInputGradient;
};

std::vector<Layer> layers(bool variational)
{
    return {{Cols, 256, false}, {256, 128, true}, {128, variational ? 32 : 16, true},
            {16, 128, true},    {128, 256, true}, {256, Cols, true}};
}

// Multiply-adds x 2 of one epoch: forward Y = XW, backward dW = X^T dY and dX = dY W^T.
double flopsPerEpoch(bool variational)
{
    double f = 0.0;
    for (const Layer& l : layers(variational))
        f += 2.0 * Rows * l.in * l.out * (l.needsInputGradient ? 3.0 : 2.0);
    return f;
}

// The GEMM floor: the same products, single-threaded plain Eigen, with the same batch sizes
// (15 batches of 64 and one of 40). Best of `repeats` epochs.
double gemmFloorPerEpoch(bool variational, int repeats)
{
    atlas::ThreadScope one(1);
    atlas::Rng rng(1);
    auto random = [&](Eigen::Index r, Eigen::Index c) {
        MatF m(r, c);
        for (Eigen::Index i = 0; i < m.size(); ++i)
            m.data()[i] = float(rng.normal());
        return m;
    };
    struct Work {
        MatF X, W, dY, Y, dW, dX;
        bool dx;
    };
    std::vector<Work> work;
    for (int b : {Batch, Rows - (Rows / Batch) * Batch})
        for (const Layer& l : layers(variational))
            work.push_back({random(b, l.in), random(l.in, l.out), random(b, l.out), MatF(b, l.out),
                            MatF(l.in, l.out), MatF(b, l.in), l.needsInputGradient});
    const int full = Rows / Batch;
    const std::size_t perBatch = layers(variational).size();
    double best = 1e30;
    for (int r = 0; r < repeats; ++r) {
        const auto t0 = Clock::now();
        for (int step = 0; step <= full; ++step) {
            const std::size_t base = step < full ? 0 : perBatch;
            for (std::size_t i = 0; i < perBatch; ++i) {
                Work& w = work[base + i];
                w.Y.noalias() = w.X * w.W;
                w.dW.noalias() = w.X.transpose() * w.dY;
                if (w.dx)
                    w.dX.noalias() = w.dY * w.W.transpose();
            }
        }
        best = std::min(best, seconds(t0, Clock::now()));
    }
    return best;
}

template <class Model>
double timeFit(Model& model, const atlas::Matrix& X, int threads, double& finalLoss)
{
    atlas::ThreadScope scope(threads);
    const auto t0 = Clock::now();
    model.fit(X);
    const double s = seconds(t0, Clock::now());
    finalLoss = model.history().back().loss;
    return s;
}

} // namespace

int main(int argc, char** argv)
{
    const bool torch = !(argc > 1 && std::strcmp(argv[1], "--no-torch") == 0);
    const atlas::Matrix X = makeData();

    const auto dataFile = std::filesystem::temp_directory_path() / "atlas_bench_models_1000x540.f32";
    {
        const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> f =
            X.cast<float>();
        std::ofstream out(dataFile, std::ios::binary);
        // x86 and ARM hosts are little-endian, the format bench_models.py reads ("<f4").
        out.write(reinterpret_cast<const char*>(f.data()), std::streamsize(f.size() * sizeof(float)));
    }

    std::map<std::string, double> ours, loss;
    for (int threads : {1, 2}) {
        atlas::Autoencoder ae;
        const std::string t = std::to_string(threads);
        ours["ae " + t] = timeFit(ae, X, threads, loss["ae " + t]);
        atlas::Vae vae;
        ours["vae " + t] = timeFit(vae, X, threads, loss["vae " + t]);
    }
    const double floorAe = Epochs * gemmFloorPerEpoch(false, 5);
    const double floorVae = Epochs * gemmFloorPerEpoch(true, 5);

    std::map<std::string, double> ref, refLoss;
    if (torch) {
        const auto script = std::filesystem::path(__FILE__).parent_path() / "bench_models.py";
        const std::string cmd = "/usr/bin/python3 '" + script.string() + "' '" + dataFile.string() +
                                "' " + std::to_string(Rows) + " " + std::to_string(Cols) + " 1 2";
        if (FILE* p = popen(cmd.c_str(), "r")) {
            char line[256];
            while (std::fgets(line, sizeof line, p)) {
                std::istringstream in(line);
                std::string model;
                int threads = 0;
                double s = 0.0, l = 0.0;
                if (in >> model >> threads >> s >> l) {
                    ref[model + " " + std::to_string(threads)] = s;
                    refLoss[model + " " + std::to_string(threads)] = l;
                }
            }
            pclose(p);
        }
    }

    std::printf("MusicAtlas models benchmark: %d x %d, %d epochs, batch %d, 540-256-128-16\n",
                Rows, Cols, Epochs, Batch);
    std::printf("GEMM floor (1 thread, plain Eigen float): AE %.3f s (%.2f GFLOP/s), "
                "VAE %.3f s (%.2f GFLOP/s)\n",
                floorAe, Epochs * flopsPerEpoch(false) / floorAe * 1e-9, floorVae,
                Epochs * flopsPerEpoch(true) / floorVae * 1e-9);
    std::printf("%-6s %7s %10s %11s %10s %10s %12s %12s\n", "model", "threads", "ours [s]",
                "torch [s]", "torch/ours", "ours/floor", "ours loss", "torch loss");
    for (const char* model : {"ae", "vae"})
        for (int threads : {1, 2}) {
            const std::string key = std::string(model) + " " + std::to_string(threads);
            const double floorS = std::strcmp(model, "ae") == 0 ? floorAe : floorVae;
            const bool haveRef = ref.count(key) > 0;
            std::printf("%-6s %7d %10.3f %11s %10s %10.2f %12.5g %12s\n", model, threads, ours[key],
                        haveRef ? std::to_string(ref[key]).substr(0, 6).c_str() : "-",
                        haveRef ? std::to_string(ref[key] / ours[key]).substr(0, 5).c_str() : "-",
                        ours[key] / floorS, loss[key],
                        haveRef ? std::to_string(refLoss[key]).substr(0, 9).c_str() : "-");
        }
    std::filesystem::remove(dataFile);
    return 0;
}
