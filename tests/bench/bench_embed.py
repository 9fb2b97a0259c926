#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Reference side of the embedding benchmark (bench_embed runs it with --python, or run it
first by hand).

    /usr/bin/python3 tests/bench/bench_embed.py [OUTDIR] [N ...] [--methods tsne,umap]
                                                [--repeat R] [--seeds K]

For each N (default 1000 10000) writes OUTDIR/embed_<N>_X.csv: N points of 16-dim
latent-like data (12 Gaussian clusters of different spreads, rows in random order), then
times scikit-learn TSNE(random_state=0) and umap-learn UMAP(random_state=0) with their
defaults on it, warm: UMAP runs once on the same data before the timed run so that numba's
JIT compilation is not counted (TSNE has no JIT and is timed on its first run). With
--repeat R each method is timed R times and the fastest run is kept (its embedding is the one
written). Writes the timed runs' embeddings (embed_<N>_tsne_Y.csv, embed_<N>_umap_Y.csv),
OUTDIR/reference_times.csv (method, n, wall seconds, import seconds, process CPU seconds) and
OUTDIR/reference_stages.csv (method, n, stage, wall seconds of the kept UMAP run: umap-learn's
nearest_neighbors, fuzzy_simplicial_set, spectral_layout and optimize_layout_euclidean, timed
by wrapping those module functions; "other" is the rest of fit_transform). With --seeds K,
also writes the embeddings of K - 1 more untimed runs with random_state 1 .. K - 1
(embed_<N>_<method>_Y_seed<s>.csv), for the spread of the trustworthiness over seeds.
bench_embed computes every trustworthiness itself so that both sides are measured the same
way.
Thread counts come from the environment (bench_embed sets OMP_NUM_THREADS,
OPENBLAS_NUM_THREADS, MKL_NUM_THREADS and NUMBA_NUM_THREADS to 1).
"""
import functools
import os
import sys
import time

import numpy as np

t0 = time.perf_counter()
from sklearn.manifold import TSNE  # noqa: E402
t_sklearn = time.perf_counter() - t0
t0 = time.perf_counter()
import umap  # noqa: E402
import umap.umap_  # noqa: E402
t_umap = time.perf_counter() - t0

# Stage timings of umap-learn: its fit path calls these functions through the module
# globals of umap.umap_, so wrapping them there times each stage without changing it.
STAGES = {"nearest_neighbors": "neighbours", "fuzzy_simplicial_set": "graph",
          "spectral_layout": "layout", "optimize_layout_euclidean": "optimise"}
stage_seconds = {}
# Seconds of wrapped calls nested in each wrapped call in progress: a stage called inside
# another (nearest_neighbors inside fuzzy_simplicial_set for small data) counts once.
_open = []


def _timed(name, fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        t = time.perf_counter()
        _open.append(0.0)
        try:
            return fn(*args, **kwargs)
        finally:
            inclusive = time.perf_counter() - t
            children = _open.pop()
            stage_seconds[name] = stage_seconds.get(name, 0.0) + inclusive - children
            if _open:
                _open[-1] += inclusive
    return wrapper


for _fn, _stage in STAGES.items():
    setattr(umap.umap_, _fn, _timed(_stage, getattr(umap.umap_, _fn)))


def latent_like(n, d=16, clusters=12, seed=0):
    rng = np.random.RandomState(seed)
    centres = rng.normal(scale=3.0, size=(clusters, d))
    spreads = rng.uniform(0.5, 1.5, size=clusters)
    labels = rng.randint(0, clusters, size=n)
    return centres[labels] + spreads[labels, None] * rng.normal(size=(n, d))


def main():
    args = sys.argv[1:]
    methods, repeat, seeds, rest = ["tsne", "umap"], 1, 1, []
    i = 0
    while i < len(args):
        if args[i] == "--methods":
            methods = [m for m in args[i + 1].split(",") if m]
            i += 2
        elif args[i] == "--repeat":
            repeat = max(1, int(args[i + 1]))
            i += 2
        elif args[i] == "--seeds":
            seeds = max(1, int(args[i + 1]))
            i += 2
        else:
            rest.append(args[i])
            i += 1
    out = rest[0] if rest else "/tmp/atlas-bench-embed"
    sizes = [int(a) for a in rest[1:]] or [1000, 10000]
    os.makedirs(out, exist_ok=True)
    rows = ["method,n,seconds,import_seconds,cpu_seconds"]
    stage_rows = ["method,n,stage,seconds"]
    for n in sizes:
        X = latent_like(n)
        np.savetxt(os.path.join(out, f"embed_{n}_X.csv"), X, fmt="%.17g", delimiter=",")
        for method in methods:
            make = (lambda: TSNE(random_state=0)) if method == "tsne" else \
                (lambda: umap.UMAP(random_state=0))
            if method == "umap":
                make().fit_transform(X)  # warm-up: numba JIT compilation
            best = None
            for _ in range(repeat):
                stage_seconds.clear()
                t0, c0 = time.perf_counter(), time.process_time()
                Y = make().fit_transform(X)
                seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
                if best is None or seconds < best[0]:
                    best = (seconds, cpu, Y, dict(stage_seconds))
            seconds, cpu, Y, stages = best
            np.savetxt(os.path.join(out, f"embed_{n}_{method}_Y.csv"), np.asarray(Y, float),
                       fmt="%.9g", delimiter=",")
            imp = t_sklearn if method == "tsne" else t_umap
            rows.append(f"{method},{n},{seconds:.4f},{imp:.3f},{cpu:.4f}")
            print(rows[-1], flush=True)
            for seed in range(1, seeds):
                model = TSNE(random_state=seed) if method == "tsne" else \
                    umap.UMAP(random_state=seed)
                np.savetxt(os.path.join(out, f"embed_{n}_{method}_Y_seed{seed}.csv"),
                           np.asarray(model.fit_transform(X), float), fmt="%.9g",
                           delimiter=",")
            if method == "umap":
                for stage in STAGES.values():
                    stage_rows.append(f"umap,{n},{stage},{stages.get(stage, 0.0):.4f}")
                stage_rows.append(f"umap,{n},other,{seconds - sum(stages.values()):.4f}")
    with open(os.path.join(out, "reference_times.csv"), "w") as f:
        f.write("\n".join(rows) + "\n")
    with open(os.path.join(out, "reference_stages.csv"), "w") as f:
        f.write("\n".join(stage_rows) + "\n")


if __name__ == "__main__":
    main()
