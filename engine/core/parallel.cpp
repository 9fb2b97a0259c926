// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/core/parallel.h"

#include <thread>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace atlas {

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

} // namespace atlas
