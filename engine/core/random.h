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
    /// Uniform double in [lo, hi): lo + (hi - lo) * uniform(), rounded after the multiply
    /// and after the add (never fused into one multiply-add, whatever the CPU).
    double uniform(double lo, double hi);
    /// Uniform integer in [0, n), n > 0, without modulo bias (Lemire's method).
    std::uint64_t below(std::uint64_t n);
    /// Standard normal (Marsaglia polar method; caches the second value).
    double normal();
    /// mean + sd * normal(), rounded as uniform(lo, hi) is.
    double normal(double mean, double sd);
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

/// SplitMix64 (Steele, Lea & Flood, 2014), the one copy the engine and the app use: the
/// seeding of Rng, per-track streams, and counter-based hashes.
/// Its state increment (the golden-ratio "gamma").
inline constexpr std::uint64_t SplitMix64Gamma = 0x9e3779b97f4a7c15ULL;

/// SplitMix64's output function (Stafford's "Mix13" variant of MurmurHash3's finaliser): a
/// bijective mix of 64 bits, usable as a hash of a counter.
constexpr std::uint64_t splitMix64Mix(std::uint64_t z) noexcept
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/// SplitMix64 step: advances `state` by the gamma and returns the next output.
constexpr std::uint64_t splitMix64(std::uint64_t& state) noexcept
{
    return splitMix64Mix(state += SplitMix64Gamma);
}

/// The output of a SplitMix64 generator whose state is `x` (x itself is not changed): a
/// well-spread hash of an index.
constexpr std::uint64_t splitMix64Hash(std::uint64_t x) noexcept { return splitMix64(x); }

} // namespace atlas
