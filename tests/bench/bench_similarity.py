#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The reference side of bench_similarity: scikit-learn's brute-force NearestNeighbors on the
matrices bench_similarity wrote (DIR/<space>.npy, DIR/queries.txt), one query at a time as a
"more like this" click is, k = 20 with the query row left out. Prints the median and slowest
time per query and whether the neighbours equal ours (DIR/<space>_ours.txt)."""
import os
import sys
import time

import numpy as np
from sklearn.neighbors import NearestNeighbors

d = sys.argv[1]
queries = [int(x) for x in open(os.path.join(d, "queries.txt"))]
print(f"{'space':<8} {'dims':>6} {'median ms':>12} {'max ms':>12}  scikit-learn brute, same neighbours")
for name, metric in (("latent", "euclidean"), ("audio", "euclidean"), ("lyrics", "cosine")):
    X = np.load(os.path.join(d, name + ".npy"))
    nn = NearestNeighbors(n_neighbors=21, algorithm="brute", metric=metric).fit(X)
    ours = [line.split() for line in open(os.path.join(d, name + "_ours.txt"))]
    times, same = [], 0
    for q, mine in zip(queries, ours):
        t0 = time.perf_counter()
        dist, ind = nn.kneighbors(X[q:q + 1])
        times.append((time.perf_counter() - t0) * 1000)
        theirs = [int(i) for i in ind[0] if i != q][:20]
        same += theirs == [int(x) for x in mine]
    times.sort()
    print(f"{name:<8} {X.shape[1]:>6} {times[len(times) // 2]:>12.2f} {times[-1]:>12.2f}  {same}/{len(queries)}")
