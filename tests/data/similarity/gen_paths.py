#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Reference song paths for engine/similarity (test_playlists).

path_X.csv: 800 x 16 float64, a noisy helix (numpy default_rng(1205)): t uniform in [0, 6π],
coordinates (3 cos t, 3 sin t, t / 2) in the first three columns, Gaussian noise of 0.15 in
all sixteen, rows in random order; plus 60 points of a separate blob far away (rows 800-859),
so that the graph has two components. Paths between the helix's ends cross many tracks.

The graph is scikit-learn's kneighbors_graph(X, 10, mode='distance') (Euclidean edge lengths,
no self loops), used as undirected: i and j are joined when either is among the other's ten
nearest. Paths are scipy.sparse.csgraph.shortest_path(method='D', directed=False) with
predecessors. Pairs: the rows of the smallest and largest t, four more pairs of helix rows, and
one helix row with one blob row (length "inf", no rows: not connected). Writes paths.csv:
from,to,length,rows (the path's rows joined by spaces). Every float with 17 significant digits.
scikit-learn 1.2.1, scipy 1.10.1, numpy 1.24.2 (Debian 12).
"""
import os
import sys

import numpy as np
import scipy
import sklearn
from scipy.sparse.csgraph import shortest_path
from sklearn.neighbors import kneighbors_graph


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    rng = np.random.default_rng(1205)
    t = rng.uniform(0.0, 6.0 * np.pi, size=800)
    X = rng.normal(0.0, 0.15, size=(800, 16))
    X[:, 0] += 3 * np.cos(t)
    X[:, 1] += 3 * np.sin(t)
    X[:, 2] += t / 2
    order = rng.permutation(800)
    X, t = X[order], t[order]
    blob = rng.normal(0.0, 0.3, size=(60, 16)) + 40.0
    X = np.vstack([X, blob])
    np.savetxt(os.path.join(out, "path_X.csv"), X, delimiter=",", fmt="%.17g")

    G = kneighbors_graph(X, 10, mode="distance", include_self=False)
    pairs = [(int(np.argmin(t)), int(np.argmax(t)))]
    for _ in range(4):
        a, b = rng.choice(800, size=2, replace=False)
        pairs.append((int(a), int(b)))
    pairs.append((int(np.argmin(t)), 830))
    lines = ["from,to,length,rows"]
    for a, b in pairs:
        dist, pred = shortest_path(G, method="D", directed=False, indices=[a],
                                   return_predecessors=True)
        if not np.isfinite(dist[0, b]):
            lines.append(f"{a},{b},inf,")
            continue
        rows, at = [], b
        while at != -9999:
            rows.append(int(at))
            at = pred[0, at]
        rows.reverse()
        assert rows[0] == a
        lines.append(f"{a},{b},{dist[0, b]:.17g},{' '.join(map(str, rows))}")
    with open(os.path.join(out, "paths.csv"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"scikit-learn {sklearn.__version__}, scipy {scipy.__version__}, numpy {np.__version__}")


if __name__ == "__main__":
    main()
