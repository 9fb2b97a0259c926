#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Known-answer trajectory for the engine's Adam (engine/models/network.h, Adam<T>).

The update is Keras's (tf.keras.optimizers.Adam, TF >= 2.11, keras/optimizers/adam.py),
written here element-wise in plain Python floats (IEEE doubles, as numpy's float64; no
numpy needed): with t the step number starting at 1,
    alpha = lr * sqrt(1 - beta2^t) / (1 - beta1^t)
    m += (g - m) * (1 - beta1)
    v += (g^2 - v) * (1 - beta2)
    p -= alpha * m / (sqrt(v) + epsilon)
(Kingma & Ba 2015 with epsilon added to the uncorrected sqrt(v), "epsilon hat").

The problem: least squares f(p) = 0.5 |A p - b|^2 with gradient A^T (A p - b), so each
step's gradient depends on the previous steps and an error in any part of the update
shows in the trajectory. Two settings: Keras's defaults with lr = 0.05, and unusual
betas and epsilon (so that swapped or mistyped constants show).

Writes adam_kat.csv: kind,index,c0,c1,c2,c3 with
    settings,<s>,lr,beta1,beta2,epsilon    (s = 0, 1)
    A,<row>,...   b,0,...   start,0,...   (the problem and the starting point, shared)
    trajectory<s>,<step>,...               (parameters after each step, 1-based)
Numbers are written with repr() (17 significant digits, round-trip exact).

    /usr/bin/python3 tests/data/models/gen_adam.py
"""
import csv
import math
import os

A = [[2.0, -1.0, 0.5, 0.0],
     [0.3, 1.5, -0.7, 1.0],
     [-1.2, 0.4, 2.2, -0.3],
     [0.0, 0.9, -0.1, 1.7]]
b = [1.0, -2.0, 0.5, 3.0]
p0 = [0.5, -0.25, 1.0, 0.0]
N = 4
SETTINGS = [(0.05, 0.9, 0.999, 1e-7), (0.02, 0.8, 0.95, 1e-3)]
STEPS = 30


def gradient(p):
    """A^T (A p - b), sums in index order."""
    r = [sum(A[i][j] * p[j] for j in range(N)) - b[i] for i in range(N)]
    return [sum(A[i][j] * r[i] for i in range(N)) for j in range(N)]


def adam_trajectory(lr, beta1, beta2, eps):
    p = list(p0)
    m = [0.0] * N
    v = [0.0] * N
    out = []
    for t in range(1, STEPS + 1):
        g = gradient(p)
        alpha = lr * math.sqrt(1.0 - beta2 ** t) / (1.0 - beta1 ** t)
        for k in range(N):
            m[k] += (g[k] - m[k]) * (1.0 - beta1)
            v[k] += (g[k] * g[k] - v[k]) * (1.0 - beta2)
            p[k] -= alpha * m[k] / (math.sqrt(v[k]) + eps)
        out.append(list(p))
    return out


def main():
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "adam_kat.csv")
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["kind", "index", "c0", "c1", "c2", "c3"])
        for s, st in enumerate(SETTINGS):
            w.writerow(["settings", s] + [repr(float(x)) for x in st])
        for i, row in enumerate(A):
            w.writerow(["A", i] + [repr(float(x)) for x in row])
        w.writerow(["b", 0] + [repr(float(x)) for x in b])
        w.writerow(["start", 0] + [repr(float(x)) for x in p0])
        for s, st in enumerate(SETTINGS):
            for step, p in enumerate(adam_trajectory(*st), start=1):
                w.writerow([f"trajectory{s}", step] + [repr(float(x)) for x in p])
    print("wrote", path)


if __name__ == "__main__":
    main()
