# SPDX-License-Identifier: GPL-3.0-or-later
"""DBCV (Moulavi et al. 2014) reference values for tests/engine/cluster/test_dbscan.cpp.

A direct numpy statement of the paper on the full distance matrix: all-points core distance,
mutual reachability, Prim's minimum spanning tree per cluster (started at the cluster's first
row; ties go to the lowest row, a key changes only when strictly smaller; the tie rule fixes
which nodes are internal), density sparseness over edges between internal nodes (all edges
when there are none), density separation over internal nodes (all nodes when there are
none), validity weighted by |C| / n with noise (-1) in n.
Writes dbcv_case_<name>.csv (x0..x{d-1},label) and dbcv_values.csv (case,dbcv).
Run: /usr/bin/python3 gen_dbcv.py (numpy 1.24.2)."""
import numpy as np


def dbcv(X, l):
    n, D = X.shape
    cl = sorted(c for c in set(l.tolist()) if c >= 0)
    Dm = np.sqrt(((X[:, None, :] - X[None, :, :]) ** 2).sum(-1))
    core = np.zeros(n)
    for c in cl:
        idx = np.where(l == c)[0]
        for i in idx:
            d = Dm[i, idx[idx != i]]
            d = d[d > 0]
            if len(d):
                core[i] = ((1.0 / d) ** D).sum() / (len(idx) - 1)
                core[i] **= -1.0 / D
    MR = np.maximum(Dm, np.maximum(core[:, None], core[None, :]))
    dsc, internal = {}, {}
    for c in cl:
        idx = np.where(l == c)[0]
        m = len(idx)
        if m == 1:
            dsc[c], internal[c] = 0.0, idx
            continue
        key = np.full(m, np.inf); key[0] = 0
        parent = -np.ones(m, int); intree = np.zeros(m, bool); deg = np.zeros(m, int)
        edges = []
        for _ in range(m):
            cand = np.where(~intree)[0]
            u = cand[np.argmin(key[cand])]  # argmin returns the first, i.e. lowest row
            intree[u] = True
            if parent[u] >= 0:
                edges.append((u, parent[u], key[u])); deg[u] += 1; deg[parent[u]] += 1
            w = MR[idx[u], idx]
            upd = (~intree) & (w < key)
            key[upd] = w[upd]; parent[upd] = u
        ie = [w for a, b, w in edges if deg[a] > 1 and deg[b] > 1]
        dsc[c] = max(ie) if ie else max(w for _, _, w in edges)
        internal[c] = idx[deg > 1] if (deg > 1).any() else idx
    v = 0.0
    for c in cl:
        sep = min(MR[np.ix_(internal[c], internal[o])].min() for o in cl if o != c)
        den = max(sep, dsc[c])
        v += (l == c).sum() / n * ((sep - dsc[c]) / den if den > 0 else 0.0)
    return v


rng = np.random.default_rng(2014)
cases = {}
# Three 2-D blobs, the true labels; the same with one blob cut in two; with 20 % noise.
C = np.array([[0, 0], [8, 0], [0, 8]], float)
y = np.repeat(np.arange(3), 50)
X = C[y] + rng.normal(size=(150, 2))
cases['blobs2d'] = (X, y)
cut = y.copy(); cut[(y == 0) & (X[:, 0] > 0)] = 3
cases['blobs2d_cut'] = (X, cut)
noisy = y.copy(); noisy[rng.random(150) < 0.2] = -1
cases['blobs2d_noise'] = (X, noisy)
# Overlapping clusters in 16-D with noise and gaps in the label ids.
C = rng.normal(size=(5, 16)) * 1.5
y = np.repeat(np.arange(5), 60)
X = C[y] + rng.normal(size=(300, 16))
lab = np.array([0, 2, 5, 6, 9])[y]; lab[rng.random(300) < 0.1] = -1
cases['overlap16d'] = (X, lab)
# Coinciding points and a two-point cluster.
X = np.vstack([np.zeros((5, 3)), rng.normal(size=(30, 3)) + 6, [[20, 0, 0], [21, 0, 0]]])
cases['duplicates'] = (X, np.array([0] * 5 + [1] * 30 + [2] * 2))

with open('dbcv_values.csv', 'w') as out:
    out.write('case,dbcv\n')
    for name, (X, l) in cases.items():
        with open(f'dbcv_case_{name}.csv', 'w') as f:
            f.write(','.join(f'x{j}' for j in range(X.shape[1])) + ',label\n')
            for row, lab in zip(X, l):
                f.write(','.join(repr(float(v)) for v in row) + f',{int(lab)}\n')
        out.write(f'{name},{dbcv(X, l)!r}\n')
