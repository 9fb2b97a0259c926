#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fixture for placing new points on a fitted UMAP map (engine/embed/transform.h,
umapTransform) against umap-learn 0.5.3 (Debian's umap-learn package).

UMAP.transform is run with its optimisation (optimize_layout_euclidean) replaced by the
identity, so it returns the initial places: the nearest fitted rows, their membership strengths (smooth_knn_dist with
local_connectivity - 1, compute_membership_strengths bipartite) and init_graph_transform's
weighted mean, or the fitted place of a row at strength 1. Those are deterministic, so they
are compared value by value; the optimisation epochs (random negative samples) are tested by
their properties in test_transform.

Writes: fitted.csv (120 x 4), embedding.csv (120 x 2, the map the new points are placed
on), added.csv (13 x 4; the last row equals fitted row 5) and expected_init.csv (13 x 2).
Run: /usr/bin/python3 gen_umap_transform.py [--check]
"""
import os
import sys

import numpy as np
import umap

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    rng = np.random.default_rng(7)
    centres = rng.normal(0.0, 6.0, (3, 4))
    fitted = np.vstack([c + rng.normal(0.0, 1.0, (40, 4)) for c in centres])
    added = np.vstack([c + rng.normal(0.0, 1.2, (4, 4)) for c in centres] + [fitted[5:6]])
    # The map: any layout will do; here each blob's own spot plus noise.
    spots = np.array([[-8.0, 0.0], [5.0, 6.0], [4.0, -7.0]])
    embedding = np.vstack([s + rng.normal(0.0, 1.0, (40, 2)) for s in spots])
    # Values as the C++ test reads them: shortest round-trip text of float64.
    fitted, added, embedding = (np.array([[float(repr(v)) for v in row] for row in m])
                                for m in (fitted, added, embedding))

    model = umap.UMAP(n_neighbors=15, n_epochs=3, init="random", random_state=1).fit(fitted)
    model.embedding_ = embedding.astype(np.float32)
    umap.umap_.optimize_layout_euclidean = lambda places, *args, **kwargs: places
    places = model.transform(added)

    out = {"fitted.csv": fitted, "embedding.csv": embedding, "added.csv": added,
           "expected_init.csv": places}
    check = "--check" in sys.argv
    for name, m in out.items():
        text = "".join(",".join(repr(float(v)) for v in row) + "\n" for row in m)
        path = os.path.join(HERE, name)
        if check:
            with open(path) as f:
                if f.read() != text:
                    sys.exit(f"{name} differs")
        else:
            with open(path, "w") as f:
                f.write(text)
    print("umap-learn", umap.__version__, "checked" if check else "written")


if __name__ == "__main__":
    main()
