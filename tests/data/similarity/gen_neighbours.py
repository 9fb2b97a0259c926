#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Reference nearest neighbours for engine/similarity (test_neighbours).

Writes, into this script's folder (or the folder given as the first argument):
- latent_X.csv: 2,000 x 16 float64, twelve Gaussian clusters of different spreads (numpy
  default_rng(20261205)), rows in random order: shaped like a run's latent codes.
- tfidf_X.csv: 600 x 60 non-negative rows, l2-normalised like TF-IDF, each with 3-12 non-zero
  terms of a Zipf-like vocabulary; rows 5, 50 and 500 are all zero (tracks without lyrics).
- neighbours.csv: space,query,rank,row,distance for the queries listed in QUERIES, k = 20,
  the query row itself left out, from scikit-learn's NearestNeighbors(algorithm='brute')
  with metric 'euclidean' (latent) and 'cosine' (tfidf).
Every float is written with 17 significant digits. scikit-learn 1.2.1 (Debian 12's
python3-sklearn), numpy 1.24.2.
"""
import os
import sys

import numpy as np
import sklearn
from sklearn.neighbors import NearestNeighbors

K = 20
QUERIES = [0, 1, 7, 123, 599]


def latent(rng):
    centres = rng.normal(0.0, 4.0, size=(12, 16))
    spreads = rng.uniform(0.3, 1.5, size=12)
    labels = rng.integers(0, 12, size=2000)
    X = centres[labels] + rng.normal(size=(2000, 16)) * spreads[labels, None]
    return X[rng.permutation(2000)]


def tfidf(rng):
    V = 60
    p = 1.0 / np.arange(1, V + 1)
    p /= p.sum()
    X = np.zeros((600, V))
    for i in range(600):
        if i in (5, 50, 500):
            continue
        terms = rng.choice(V, size=rng.integers(3, 13), replace=False, p=p)
        X[i, terms] = rng.uniform(0.5, 3.0, size=len(terms))
        X[i] /= np.linalg.norm(X[i])
    return X


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    rng = np.random.default_rng(20261205)
    spaces = {"latent": (latent(rng), "euclidean"), "tfidf": (tfidf(rng), "cosine")}
    rows = []
    for name, (X, metric) in spaces.items():
        np.savetxt(os.path.join(out, name + "_X.csv"), X, delimiter=",", fmt="%.17g")
        nn = NearestNeighbors(n_neighbors=K + 1, algorithm="brute", metric=metric).fit(X)
        dist, ind = nn.kneighbors(X[QUERIES])
        for q, d, i in zip(QUERIES, dist, ind):
            kept = [(r, v) for r, v in zip(i, d) if r != q][:K]
            assert len(kept) == K
            # No ties at the cut-off or within the list: the order is the distances' own.
            dd = [v for _, v in kept]
            assert all(a < b for a, b in zip(dd, dd[1:])), (name, q)
            for rank, (r, v) in enumerate(kept, 1):
                rows.append(f"{name},{q},{rank},{r},{v:.17g}")
    with open(os.path.join(out, "neighbours.csv"), "w") as f:
        f.write("space,query,rank,row,distance\n")
        f.write("\n".join(rows) + "\n")
    print(f"scikit-learn {sklearn.__version__}, numpy {np.__version__}: {len(rows)} rows")


if __name__ == "__main__":
    main()
