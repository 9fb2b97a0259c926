#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Known-answer vectors for atlas::Rng (engine/core/random.h), computed independently of
the C++ code from the published definitions:

- SplitMix64: Steele, Lea & Flood, "Fast splittable pseudorandom number generators" (2014);
  the C reference is Vigna's splitmix64.c (https://prng.di.unimi.it/splitmix64.c).
- xoshiro256**: Blackman & Vigna, "Scrambled linear pseudorandom number generators" (2018);
  the C reference is https://prng.di.unimi.it/xoshiro256starstar.c. Its state is seeded with
  four consecutive SplitMix64 outputs, as the authors recommend.
- uniform(): (next() >> 11) * 2^-53, the authors' recommended conversion to [0, 1).
- uniform(lo, hi) = lo + (hi - lo) * uniform(), in IEEE double arithmetic.
- below(n): Lemire, "Fast random integer generation in an interval" (2019), 128-bit
  multiply with rejection.
- split(): a new generator seeded with the parent's next() output.
- shuffle(v): Fisher-Yates from the back: for i = size .. 2, swap v[i-1] and v[below(i)].

normal() is left out: it calls log() and sqrt(), whose last bits the C library decides.

Writes random_kat.csv: kind,seed,arg,index,value with integers in hexadecimal and doubles
in Python's float.hex() notation, so that every bit is compared.

    /usr/bin/python3 tests/data/core/gen_random.py   # rewrites tests/data/core/random_kat.csv
"""
import csv
import os

M64 = (1 << 64) - 1


def splitmix64(state):
    """Returns (new_state, output)."""
    state = (state + 0x9E3779B97F4A7C15) & M64
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return state, z ^ (z >> 31)


def rotl(x, k):
    return ((x << k) | (x >> (64 - k))) & M64


class Xoshiro256ss:
    def __init__(self, seed):
        state = seed & M64
        self.s = []
        for _ in range(4):
            state, out = splitmix64(state)
            self.s.append(out)

    def next(self):
        s = self.s
        result = (rotl((s[1] * 5) & M64, 7) * 9) & M64
        t = (s[1] << 17) & M64
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl(s[3], 45)
        return result

    def uniform(self):
        return float(self.next() >> 11) * 2.0 ** -53

    def uniform_range(self, lo, hi):
        return lo + (hi - lo) * self.uniform()

    def below(self, n):
        m = self.next() * n
        low = m & M64
        if low < n:
            threshold = ((1 << 64) - n) % n
            while low < threshold:
                m = self.next() * n
                low = m & M64
        return m >> 64

    def split(self):
        return Xoshiro256ss(self.next())

    def shuffle(self, v):
        for i in range(len(v), 1, -1):
            j = self.below(i)
            v[i - 1], v[j] = v[j], v[i - 1]


def main():
    seeds = [0, 1, 42, 0x0123456789ABCDEF, M64]
    rows = []
    for seed in seeds:
        state = seed
        for i in range(8):
            state, out = splitmix64(state)
            rows.append(("splitmix64", seed, "", i, hex(out)))
        g = Xoshiro256ss(seed)
        for i in range(16):
            rows.append(("next", seed, "", i, hex(g.next())))
        g = Xoshiro256ss(seed)
        for i in range(16):
            rows.append(("uniform", seed, "", i, g.uniform().hex()))
        g = Xoshiro256ss(seed)
        for i in range(8):
            rows.append(("uniform_range", seed, "-2.5:7.25", i, g.uniform_range(-2.5, 7.25).hex()))
        # Bounds that exercise Lemire's rejection: small, odd, a power of two, just above
        # 2^63 (about half of all draws are rejected) and the largest.
        for n in [1, 3, 10, 1 << 32, (1 << 63) + 1, M64]:
            g = Xoshiro256ss(seed)
            for i in range(8):
                rows.append(("below", seed, hex(n), i, hex(g.below(n))))
        g = Xoshiro256ss(seed)
        child = g.split()
        for i in range(8):
            rows.append(("split_next", seed, "", i, hex(child.next())))
        rows.append(("split_parent_next", seed, "", 0, hex(g.next())))
        g = Xoshiro256ss(seed)
        v = list(range(20))
        g.shuffle(v)
        for i, x in enumerate(v):
            rows.append(("shuffle20", seed, "", i, hex(x)))
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "random_kat.csv")
    with open(out, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["kind", "seed", "arg", "index", "value"])
        for kind, seed, arg, i, value in rows:
            w.writerow([kind, hex(seed), arg, i, value])
    print(f"wrote {len(rows)} rows to {out}")


if __name__ == "__main__":
    main()
