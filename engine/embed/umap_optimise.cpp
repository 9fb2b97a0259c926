// SPDX-License-Identifier: GPL-3.0-or-later
// UMAP's layout optimisation, as umap-learn 0.5.3 optimize_layout_euclidean
// (umap/layouts.py): the epochs, their vertex groups and threads, and the samples that
// umap_sgd.cpp runs.
#include "engine/embed/umap.h"

#include "engine/core/error.h"
#include "engine/core/parallel.h"
#include "engine/core/random.h"
#include "engine/embed/umap_graph.h"
#include "engine/embed/umap_sgd.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <stdexcept>
#include <string>

namespace atlas {

void Umap::runEpoch(int epochIndex)
{
    const int n = int(m_rowPtr.size()) - 1;
    const int dim = m_dim;
    constexpr int W = detail::UmapLanes;
    // umap-learn: alpha = initial * (1 - epoch / n_epochs), updated after each epoch.
    const double alpha =
        m_cfg.learningRate *
        (epochIndex == 0 ? 1.0 : 1.0 - double(epochIndex - 1) / double(m_totalEpochs));
    const double nEpoch = double(epochIndex);
    const bool negatives = m_cfg.negativeSampleRate > 0;
    // Vertices per group (see the class comment) and per task when a group is split between
    // threads; both depend on n only, so the result does not depend on the threads.
    constexpr int TaskSize = 32;
    const int groupSize =
        std::clamp((n / 16 + TaskSize - 1) / TaskSize * TaskSize, 64, 2048);
    const int groups = (n + groupSize - 1) / groupSize;
    // Threads meet at two barriers per group (32 per epoch), which costs more than a second
    // thread gains unless the groups are large: a preempted thread stalls the others at each
    // barrier, and with 10,000 points on a busy 2-core machine two threads took 7 times as
    // long as one. So groups below 1,024 vertices (n below about 16,000) run on one thread,
    // larger ones on up to one per 512 vertices. The result is the same for any number.
    const int threads =
        groupSize < 1024 ? 1 : std::clamp(groupSize / 512, 1, std::max(maxThreads(), 1));
    // Two of each buffer, for even and odd groups: one thread adds the tails' moves of a
    // group while the others lay out the next one.
    m_work.resize(2 * std::size_t(threads));
    m_vertexWork.resize(2 * std::size_t(groupSize));
    m_edgeCount.resize(m_col.size());
    m_snapshot = m_pos;

    const long* rowPtr = m_rowPtr.data();
    const std::int32_t* col = m_col.data();
    const double* epochsPerSample = m_epochsPerSample.data();
    const double* epochsPerNeg = m_epochsPerNeg.data();
    double* nextSample = m_nextSample.data();
    double* nextNeg = m_nextNeg.data();
    std::int32_t* edgeCount = m_edgeCount.data();
    float* pos = m_pos.data();
    float* snap = m_snapshot.data();
    constexpr std::int32_t NotDue = detail::UmapNotDue;

    detail::UmapLaneBlock common;
    common.dim = dim;
    common.n = n;
    common.a = float(m_a);
    common.b = float(m_b);
    common.gamma = float(m_cfg.repulsionStrength);
    common.alpha = float(alpha);
    common.snapshot = snap;
    common.position = pos;

#pragma omp parallel num_threads(threads)
    {
        const int thread = threadIndex();
        for (int group = 0; group < groups; ++group) {
            const int groupBegin = group * groupSize;
            const int groupEnd = std::min(n, groupBegin + groupSize);
            const auto parity = std::size_t(group & 1);
            GroupWork& work = m_work[2 * std::size_t(thread) + parity];
            VertexWork* vertexWork = m_vertexWork.data() + parity * std::size_t(groupSize);
            work.vertices.clear();
            work.samples.clear();
            work.dueBegin.clear();
            work.dueEnd.clear();
            std::size_t dueSize = 0;
#pragma omp for schedule(dynamic, 1) nowait
            for (int task = groupBegin; task < groupEnd; task += TaskSize) {
                const int taskEnd = std::min(groupEnd, task + TaskSize);
                detail::umapSchedule(rowPtr[taskEnd] - rowPtr[task], nEpoch, negatives,
                                     epochsPerSample + rowPtr[task],
                                     epochsPerNeg + rowPtr[task], nextSample + rowPtr[task],
                                     nextNeg + rowPtr[task], edgeCount + rowPtr[task]);
                // Each vertex's due edges, compacted branch-free: tail and rows taken (the
                // positive sample and its negatives).
                const std::size_t room = dueSize + std::size_t(rowPtr[taskEnd] - rowPtr[task]);
                if (work.dueTail.size() < room) {
                    work.dueTail.resize(2 * room);
                    work.dueRows.resize(2 * room);
                }
                std::int32_t* dueTail = work.dueTail.data();
                std::int32_t* dueRows = work.dueRows.data();
                for (int j = task; j < taskEnd; ++j) {
                    const std::size_t first = dueSize;
                    std::int32_t samples = 0;
                    for (long t = rowPtr[j]; t < rowPtr[j + 1]; ++t) {
                        const std::int32_t c = edgeCount[t];
                        const bool due = c != NotDue;
                        const std::int32_t taken = 1 + std::max(c, 0);
                        dueTail[dueSize] = col[t];
                        dueRows[dueSize] = taken;
                        dueSize += due;
                        samples += due ? taken : 0;
                    }
                    vertexWork[j - groupBegin] = {thread, 0, 0};
                    if (samples > 0) {
                        work.vertices.push_back(j);
                        work.samples.push_back(samples);
                        work.dueBegin.push_back(std::int32_t(first));
                        work.dueEnd.push_back(std::int32_t(dueSize));
                    }
                }
            }
            // Lanes: longest sample sequences first, dealt to the lanes back and forth
            // (0..W-1, W-1..0, ...), so that the lanes finish at about the same row. The
            // assignment does not change any vertex's result.
            const auto count = std::int32_t(work.vertices.size());
            work.order.resize(std::size_t(count));
            {
                std::int32_t longest = 0;
                for (const std::int32_t c : work.samples)
                    longest = std::max(longest, c);
                work.load.assign(std::size_t(longest) + 2, 0);   // counting sort, descending
                for (const std::int32_t c : work.samples)
                    ++work.load[std::size_t(longest - c) + 1];
                for (std::size_t c = 1; c < work.load.size(); ++c)
                    work.load[c] += work.load[c - 1];
                for (std::int32_t v = 0; v < count; ++v)
                    work.order[std::size_t(
                        work.load[std::size_t(longest - work.samples[std::size_t(v)])]++)] = v;
            }
            work.lane.resize(std::size_t(count));
            work.load.assign(W, 0);
            work.laneBegin.assign(W + 1, 0);
            for (std::int32_t i = 0; i < count; ++i) {
                const int v = work.order[std::size_t(i)];
                const int turn = i % (2 * W);
                const int l = turn < W ? turn : 2 * W - 1 - turn;
                work.lane[std::size_t(v)] = l;
                work.load[std::size_t(l)] += work.samples[std::size_t(v)];
                ++work.laneBegin[std::size_t(l) + 1];
            }
            for (int l = 0; l < W; ++l)
                work.laneBegin[std::size_t(l) + 1] += work.laneBegin[std::size_t(l)];
            const int rows = *std::max_element(work.load.begin(), work.load.end());
            work.cells.assign(std::size_t(rows) * W, detail::UmapNegative);
            work.starts.assign(std::size_t(rows), 0);
            if (work.tailMove.size() < std::size_t(rows) * std::size_t(dim) * W)
                work.tailMove.resize(std::size_t(rows) * std::size_t(dim) * W);
            work.laneVertices.resize(std::size_t(count));
            work.laneKeys.resize(std::size_t(count));
            // Each lane's vertices in the order assigned; their positive samples in the
            // cells, negative samples left as UmapNegative; lanes that end early are padded.
            work.load.assign(W, 0);
            std::vector<std::int32_t>& placed = work.samples;   // per lane: vertices placed
            placed.assign(W, 0);
            std::size_t positives = 0;
            for (const int v : work.order) {
                const int l = work.lane[std::size_t(v)];
                const int j = work.vertices[std::size_t(v)];
                const auto at =
                    std::size_t(work.laneBegin[std::size_t(l)] + placed[std::size_t(l)]++);
                work.laneVertices[at] = j;
                work.laneKeys[at] = std::uint32_t(
                    splitMix64Mix(m_streamBase ^ splitMix64Mix((std::uint64_t(epochIndex) << 32) +
                                                              std::uint64_t(j))));
                int row = work.load[std::size_t(l)];
                work.starts[std::size_t(row)] |= std::uint64_t(1) << l;
                VertexWork& vw = vertexWork[j - groupBegin];
                vw.positiveBegin = std::int32_t(positives);
                const std::int32_t dueBegin = work.dueBegin[std::size_t(v)];
                const std::int32_t dueEnd = work.dueEnd[std::size_t(v)];
                if (work.positives.size() < positives + std::size_t(dueEnd - dueBegin))
                    work.positives.resize(2 * (positives + std::size_t(dueEnd - dueBegin)));
                std::int32_t* cells = work.cells.data() + l;
                std::int32_t* positive = work.positives.data();
                for (std::int32_t i = dueBegin; i < dueEnd; ++i) {
                    cells[std::size_t(row) * W] = work.dueTail[std::size_t(i)];
                    positive[positives++] = std::int32_t(row * W + l);
                    row += work.dueRows[std::size_t(i)];
                }
                vw.positiveEnd = std::int32_t(positives);
                work.load[std::size_t(l)] = row;
            }
            for (int l = 0; l < W; ++l)
                for (int r = work.load[std::size_t(l)]; r < rows; ++r)
                    work.cells[std::size_t(r) * W + std::size_t(l)] = detail::UmapNothing;
            detail::UmapLaneBlock block = common;
            block.rows = rows;
            block.cells = work.cells.data();
            block.starts = work.starts.data();
            block.laneVertices = work.laneVertices.data();
            block.laneKeys = work.laneKeys.data();
            block.laneBegin = work.laneBegin.data();
            block.tailMove = work.tailMove.data();
            // The previous group's tails' moves must be in place before this group reads.
#pragma omp barrier
            detail::umapRunLanes(block);
#pragma omp barrier
#pragma omp single nowait
            {
                // The group's new positions, then the tails' moves in edge order (the
                // group's vertices in order, each one's edges in order), into both the
                // layout and the snapshot that the next group reads.
                std::copy(pos + std::size_t(groupBegin) * std::size_t(dim),
                          pos + std::size_t(groupEnd) * std::size_t(dim),
                          snap + std::size_t(groupBegin) * std::size_t(dim));
                for (int j = groupBegin; j < groupEnd; ++j) {
                    const VertexWork& vw = vertexWork[j - groupBegin];
                    const GroupWork& w = m_work[2 * std::size_t(vw.thread) + parity];
                    for (std::int32_t p = vw.positiveBegin; p < vw.positiveEnd; ++p) {
                        const auto cell = std::size_t(w.positives[std::size_t(p)]);
                        const auto k = std::size_t(w.cells[cell]);
                        const float* move =
                            w.tailMove.data() + (cell / W) * std::size_t(dim) * W + cell % W;
                        for (int d = 0; d < dim; ++d) {
                            const std::size_t at = k * std::size_t(dim) + std::size_t(d);
                            pos[at] += move[std::size_t(d) * W];
                            snap[at] = pos[at];
                        }
                    }
                }
            }
        }
    }
}

int Umap::run(int untilEpoch, const UmapCallback& onEpoch, int callbackEvery,
              const Progress& progress)
{
    if (!m_ready)
        throw std::logic_error("Umap::run() called before init()");
    const int until = untilEpoch < 0 ? m_totalEpochs : std::min(untilEpoch, m_totalEpochs);
    callbackEvery = std::max(callbackEvery, 1);
    while (m_epoch < until) {
        progress.throwIfCancelled();
        const auto clock = std::chrono::steady_clock::now();
        runEpoch(m_epoch);
        m_timings.optimise += detail::secondsSince(clock);
        ++m_epoch;
        m_viewStale = true;
        if (m_epoch % 10 == 0 || m_epoch == m_totalEpochs) {
            for (float v : m_pos)
                if (!std::isfinite(v))
                    throw NumericalError("UMAP: the layout became non-finite at epoch " +
                                         std::to_string(m_epoch));
            progress.report(double(m_epoch) / m_totalEpochs, "epoch " + std::to_string(m_epoch));
        }
        if (onEpoch && (m_epoch % callbackEvery == 0 || m_epoch == m_totalEpochs)) {
            UmapEpoch info;
            info.epoch = m_epoch;
            info.totalEpochs = m_totalEpochs;
            info.embedding = &embedding();
            if (onEpoch(info))
                break;
        }
    }
    if (m_epoch >= m_totalEpochs)
        progress.report(1.0);
    return m_epoch;
}

} // namespace atlas
