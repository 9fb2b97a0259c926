#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes a large lyrics CSV for timing and memory measurements of the lyrics path.

    make_lyrics_csv.py OUT.csv [--rows 300000] [--words 120] [--seed 1]

Columns id,genre,lyrics like a real lyrics export: a Zipf-distributed vocabulary of 20,000
made-up words, lines of 5-9 words, quoted fields with commas, quotes and line breaks, ten
genres. Deterministic for a seed. 300,000 rows of 120 words make about 250 MB.
"""
import argparse
import random
import string


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--rows", type=int, default=300_000)
    ap.add_argument("--words", type=int, default=120, help="mean words per row")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    vocabulary = []
    while len(vocabulary) < 20_000:
        w = "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(2, 9)))
        vocabulary.append(w)
    weights = [1.0 / (k + 1) for k in range(len(vocabulary))]
    genres = ["rock", "pop", "jazz", "blues", "metal", "folk", "soul", "punk", "rap", "country"]
    with open(a.out, "w", encoding="utf-8", newline="") as out:
        out.write("id,genre,lyrics\n")
        for r in range(a.rows):
            n = max(1, int(rng.gauss(a.words, a.words / 4)))
            words = rng.choices(vocabulary, weights, k=n)
            lines, i = [], 0
            while i < n:
                k = rng.randint(5, 9)
                lines.append(" ".join(words[i:i + k]).capitalize())
                i += k
            text = ",\n".join(lines).replace("aa", 'a "a"')
            out.write('track%06d,%s,"%s"\n' % (r, rng.choice(genres), text.replace('"', '""')))


if __name__ == "__main__":
    main()
