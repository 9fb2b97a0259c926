// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

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

} // namespace atlas
