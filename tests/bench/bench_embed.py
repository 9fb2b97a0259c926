#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Reference side of the embedding benchmark (run it before bench_embed).

    /usr/bin/python3 tests/bench/bench_embed.py [OUTDIR] [N ...]

For each N (default 1000 10000) writes OUTDIR/embed_<N>_X.csv: N points of 16-dim
latent-like data (12 Gaussian clusters of different spreads, rows in random order), then
times scikit-learn TSNE(random_state=0) and umap-learn UMAP(random_state=0) with their
defaults on it, warm: UMAP runs once on the same data before the timed run so that numba's
JIT compilation is not counted (TSNE has no JIT and is timed on its first run). Writes the timed
runs' embeddings (embed_<N>_tsne_Y.csv, embed_<N>_umap_Y.csv) and OUTDIR/reference_times.csv
(method, n, wall seconds, import seconds, process CPU seconds). bench_embed computes every trustworthiness itself so
that both sides are measured the same way.
"""
import os
import sys
import time

import numpy as np

t0 = time.perf_counter()
from sklearn.manifold import TSNE  # noqa: E402
t_sklearn = time.perf_counter() - t0
t0 = time.perf_counter()
import umap  # noqa: E402
t_umap = time.perf_counter() - t0


def latent_like(n, d=16, clusters=12, seed=0):
    rng = np.random.RandomState(seed)
    centres = rng.normal(scale=3.0, size=(clusters, d))
    spreads = rng.uniform(0.5, 1.5, size=clusters)
    labels = rng.randint(0, clusters, size=n)
    return centres[labels] + spreads[labels, None] * rng.normal(size=(n, d))


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "/tmp/atlas-bench-embed"
    sizes = [int(a) for a in sys.argv[2:]] or [1000, 10000]
    os.makedirs(out, exist_ok=True)
    rows = ["method,n,seconds,import_seconds,cpu_seconds"]
    for n in sizes:
        X = latent_like(n)
        np.savetxt(os.path.join(out, f"embed_{n}_X.csv"), X, fmt="%.17g", delimiter=",")
        for method in ("tsne", "umap"):
            make = (lambda: TSNE(random_state=0)) if method == "tsne" else \
                (lambda: umap.UMAP(random_state=0))
            if method == "umap":
                make().fit_transform(X)  # warm-up: numba JIT compilation
            t0, c0 = time.perf_counter(), time.process_time()
            Y = make().fit_transform(X)
            seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
            np.savetxt(os.path.join(out, f"embed_{n}_{method}_Y.csv"), np.asarray(Y, float),
                       fmt="%.9g", delimiter=",")
            imp = t_sklearn if method == "tsne" else t_umap
            rows.append(f"{method},{n},{seconds:.4f},{imp:.3f},{cpu:.4f}")
            print(rows[-1], flush=True)
    with open(os.path.join(out, "reference_times.csv"), "w") as f:
        f.write("\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
