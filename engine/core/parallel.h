// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <atomic>

namespace atlas {

/// Threads the engine uses for its parallel loops (OpenMP's max threads; 1 without OpenMP).
int maxThreads();
/// Index of the calling thread inside a parallel region (0 outside one or without OpenMP).
int threadIndex();
/// Number of cores the machine offers.
int hardwareThreads();

/// Sets the engine's thread count for the lifetime of the object and restores it afterwards.
/// threads <= 0 means all hardware threads. Create it on the thread that runs the stage.
class ThreadScope {
public:
    explicit ThreadScope(int threads);
    ~ThreadScope();
    ThreadScope(const ThreadScope&) = delete;
    ThreadScope& operator=(const ThreadScope&) = delete;

private:
    int m_previous;
};

/// While it lives, the engine's thread count on the creating thread follows `target` (read
/// as at least 1): it is set at once, and again whenever followThreadTarget() runs on this
/// thread, which every Progress::report() does. So a long stage widens as soon as threads
/// are freed elsewhere, at its next progress report. Every stage gives the same result for
/// any thread count, so this changes only its speed. Restores the previous count and target
/// afterwards.
class ThreadTarget {
public:
    explicit ThreadTarget(const std::atomic<int>& target);
    ~ThreadTarget();
    ThreadTarget(const ThreadTarget&) = delete;
    ThreadTarget& operator=(const ThreadTarget&) = delete;

private:
    const std::atomic<int>* m_previousTarget;
    int m_previousThreads;
};

/// Applies the calling thread's ThreadTarget, if it has one; does nothing inside a parallel
/// region (a team's size is fixed when it starts).
void followThreadTarget();

} // namespace atlas
