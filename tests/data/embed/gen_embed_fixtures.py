#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Reference fixtures for the t-SNE / UMAP / trustworthiness tests.

Run from this folder with Debian's interpreter:  /usr/bin/python3 gen_embed_fixtures.py
Writes, for each input <name>:
  <name>_X.csv             the input matrix (rows = samples, no header, %.17g)
  <name>_tsne_Y.csv        scikit-learn TSNE(random_state=0) embedding (defaults otherwise)
  <name>_umap_Y.csv        umap-learn UMAP(random_state=0) embedding (defaults otherwise)
ab_params.csv with umap-learn's find_ab_params(spread, min_dist) for a few pairs,
and reference.csv with the trustworthiness of each embedding (sklearn.manifold.trustworthiness)
at several n_neighbors; versions.txt records the library versions.
"""
import sys
import time

import numpy as np
import sklearn
from sklearn.datasets import make_blobs, make_swiss_roll
from sklearn.manifold import TSNE, trustworthiness
import umap


def structured(n=1000, d=40, seed=1):
    """Six Gaussian clusters in a 4-D latent space pushed through a random tanh layer to 40-D."""
    rng = np.random.RandomState(seed)
    centres = rng.normal(scale=3.0, size=(6, 4))
    labels = rng.randint(0, 6, size=n)
    z = centres[labels] + rng.normal(size=(n, 4))
    w1 = rng.normal(size=(4, 16)) / 2.0
    w2 = rng.normal(size=(16, d))
    return np.tanh(z @ w1) @ w2 + 0.1 * rng.normal(size=(n, d))


def inputs():
    blobs, _ = make_blobs(n_samples=500, n_features=16, centers=5, cluster_std=2.0,
                          random_state=0)
    swiss, _ = make_swiss_roll(n_samples=1000, noise=0.05, random_state=2)
    return {"blobs": blobs, "structured": structured(), "swiss": swiss}


def save(path, m):
    np.savetxt(path, m, fmt="%.17g", delimiter=",")


def write_ab_params():
    """umap-learn's curve fit for a few (spread, min_dist) pairs."""
    from umap.umap_ import find_ab_params
    rows = ["spread,min_dist,a,b"]
    for spread, min_dist in ((1.0, 0.1), (1.0, 0.0), (1.0, 0.5), (2.0, 0.25), (0.5, 0.05)):
        a, b = find_ab_params(spread, min_dist)
        rows.append(f"{spread!r},{min_dist!r},{a:.17g},{b:.17g}")
    with open("ab_params.csv", "w") as f:
        f.write("\n".join(rows) + "\n")


def main():
    write_ab_params()
    rows = ["input,method,k,trustworthiness,seconds"]
    for name, X in inputs().items():
        save(f"{name}_X.csv", X)
        for method in ("tsne", "umap"):
            t0 = time.perf_counter()
            if method == "tsne":
                Y = TSNE(random_state=0).fit_transform(X)
            else:
                Y = umap.UMAP(random_state=0).fit_transform(X)
            seconds = time.perf_counter() - t0
            Y = np.asarray(Y, dtype=np.float64)
            save(f"{name}_{method}_Y.csv", Y)
            for k in (5, 10, 20):
                t = trustworthiness(X, Y, n_neighbors=k)
                rows.append(f"{name},{method},{k},{t:.17g},{seconds:.3f}")
                print(rows[-1], flush=True)
    with open("reference.csv", "w") as f:
        f.write("\n".join(rows) + "\n")
    with open("versions.txt", "w") as f:
        f.write(f"python {sys.version.split()[0]}\nnumpy {np.__version__}\n"
                f"scikit-learn {sklearn.__version__}\numap-learn {umap.__version__}\n")


if __name__ == "__main__":
    main()
