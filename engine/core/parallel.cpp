// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/core/parallel.h"

#include <algorithm>
#include <thread>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace atlas {

namespace {
thread_local const std::atomic<int>* t_target = nullptr;
} // namespace

int maxThreads()
{
#ifdef _OPENMP
    return omp_get_max_threads();
#else
    return 1;
#endif
}

int threadIndex()
{
#ifdef _OPENMP
    return omp_get_thread_num();
#else
    return 0;
#endif
}

int hardwareThreads()
{
    const unsigned n = std::thread::hardware_concurrency();
    return n == 0 ? 1 : int(n);
}

ThreadScope::ThreadScope(int threads) : m_previous(maxThreads())
{
#ifdef _OPENMP
    omp_set_num_threads(threads > 0 ? threads : hardwareThreads());
#else
    (void)threads;
#endif
}

ThreadScope::~ThreadScope()
{
#ifdef _OPENMP
    omp_set_num_threads(m_previous);
#endif
}

ThreadTarget::ThreadTarget(const std::atomic<int>& target)
    : m_previousTarget(t_target), m_previousThreads(maxThreads())
{
    t_target = &target;
    followThreadTarget();
}

ThreadTarget::~ThreadTarget()
{
    t_target = m_previousTarget;
#ifdef _OPENMP
    omp_set_num_threads(m_previousThreads);
#endif
}

void followThreadTarget()
{
#ifdef _OPENMP
    if (!t_target || omp_in_parallel())
        return;
    const int want = std::max(1, t_target->load(std::memory_order_relaxed));
    if (want != omp_get_max_threads())
        omp_set_num_threads(want);
#endif
}

} // namespace atlas
