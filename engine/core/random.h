// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/types.h"

#include <cstdint>
#include <vector>

namespace atlas {

/// Deterministic random numbers, identical on every platform and standard library
/// (std::*_distribution are implementation-defined, so they are not used).
/// Generator: xoshiro256** (Blackman & Vigna, 2018) seeded through SplitMix64.
class Rng {
public:
    explicit Rng(Seed seed = 0);

    /// Next raw 64-bit value.
    std::uint64_t next();
    /// Uniform double in [0, 1) with 53 random bits.
    double uniform();
    /// Uniform double in [lo, hi).
    double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
    /// Uniform integer in [0, n), n > 0, without modulo bias (Lemire's method).
    std::uint64_t below(std::uint64_t n);
    /// Standard normal (Marsaglia polar method; caches the second value).
    double normal();
    double normal(double mean, double sd) { return mean + sd * normal(); }
    /// A generator for an independent stream, e.g. one per restart or per track.
    Rng split();
    /// Fisher-Yates shuffle.
    template <class T>
    void shuffle(std::vector<T>& v)
    {
        for (std::size_t i = v.size(); i > 1; --i)
            std::swap(v[i - 1], v[below(i)]);
    }

private:
    std::uint64_t m_s[4];
    double m_spare = 0.0;
    bool m_hasSpare = false;
};

/// SplitMix64 step: advances `state` and returns the next output (Steele et al., 2014).
std::uint64_t splitMix64(std::uint64_t& state);

} // namespace atlas
