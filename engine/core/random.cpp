// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/core/random.h"

#include <cmath>

namespace atlas {

namespace {
__extension__ typedef unsigned __int128 U128;
std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
} // namespace

Rng::Rng(Seed seed)
{
    std::uint64_t state = seed;
    for (auto& s : m_s)
        s = splitMix64(state);
}

std::uint64_t Rng::next()
{
    const std::uint64_t result = rotl(m_s[1] * 5, 7) * 9;
    const std::uint64_t t = m_s[1] << 17;
    m_s[2] ^= m_s[0];
    m_s[3] ^= m_s[1];
    m_s[1] ^= m_s[2];
    m_s[0] ^= m_s[3];
    m_s[2] ^= t;
    m_s[3] = rotl(m_s[3], 45);
    return result;
}

double Rng::uniform() { return double(next() >> 11) * 0x1.0p-53; }

// This file is compiled with -ffp-contract=off (engine/CMakeLists.txt): a multiply followed by
// an add is rounded twice, as the specification says, and not fused into one multiply-add
// where the CPU has one (-march=native), so the numbers are the same on every machine.
double Rng::uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }

double Rng::normal(double mean, double sd) { return mean + sd * normal(); }

std::uint64_t Rng::below(std::uint64_t n)
{
    // Lemire, "Fast random integer generation in an interval" (2019).
    U128 m = U128(next()) * n;
    std::uint64_t low = std::uint64_t(m);
    if (low < n) {
        const std::uint64_t threshold = (0 - n) % n;
        while (low < threshold) {
            m = U128(next()) * n;
            low = std::uint64_t(m);
        }
    }
    return std::uint64_t(m >> 64);
}

double Rng::normal()
{
    if (m_hasSpare) {
        m_hasSpare = false;
        return m_spare;
    }
    double u, v, s;
    do {
        u = 2.0 * uniform() - 1.0;
        v = 2.0 * uniform() - 1.0;
        s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    const double f = std::sqrt(-2.0 * std::log(s) / s);
    m_spare = v * f;
    m_hasSpare = true;
    return u * f;
}

Rng Rng::split() { return Rng(next()); }

} // namespace atlas
