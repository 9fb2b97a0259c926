#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Reference partitions and merge heights from scikit-learn / scipy for the clustering tests.

Run from this directory with /usr/bin/python3 (Debian's python3-sklearn, python3-scipy).
Writes (17 significant digits):
  mix_1000x8.csv            1000 x 8 overlapping Gaussian mixture (no header)
  cluster_labels_300.csv    sklearn labels on ../sklearn/X_300x16.csv, one column per method
  cluster_labels_mix.csv    sklearn labels on mix_1000x8.csv, one column per method
  linkage_heights_300.csv   scipy merge heights (sorted) per linkage on X_300x16
  linkage_heights_mix.csv   scipy merge heights (sorted) per linkage on mix_1000x8
"""
import numpy as np
import scipy
import sklearn
from scipy.cluster import hierarchy
from sklearn.cluster import DBSCAN, AgglomerativeClustering, KMeans

rng = np.random.default_rng(7)
centres = rng.normal(0.0, 2.0, size=(8, 8))  # overlapping on purpose
truth = rng.integers(0, 8, size=1000)
mix = centres[truth] + rng.normal(0.0, 1.0, size=(1000, 8))
np.savetxt("mix_1000x8.csv", mix, delimiter=",", fmt="%.17g")
X300 = np.loadtxt("../sklearn/X_300x16.csv", delimiter=",")


def labels_for(X, specs):
    cols = {}
    for name, model in specs:
        cols[name] = model.fit_predict(X)
    return cols


def write_labels(path, cols):
    names = list(cols)
    with open(path, "w") as f:
        f.write(",".join(names) + "\n")
        for i in range(len(cols[names[0]])):
            f.write(",".join(str(int(cols[c][i])) for c in names) + "\n")


def write_heights(path, X):
    with open(path, "w") as f:
        f.write("ward,average,complete,single\n")
        h = [hierarchy.linkage(X, method=m)[:, 2] for m in ("ward", "average", "complete", "single")]
        for row in zip(*h):
            f.write(",".join(f"{v:.17g}" for v in row) + "\n")


specs300 = [(f"{l}_k{k}", AgglomerativeClustering(n_clusters=k, linkage=l))
            for l in ("ward", "average", "complete", "single") for k in (3, 10)]
specs300 += [("dbscan_eps21_ms5", DBSCAN(eps=21.0, min_samples=5)),
             ("dbscan_eps18_ms3", DBSCAN(eps=18.0, min_samples=3))]
write_labels("cluster_labels_300.csv", labels_for(X300, specs300))
write_heights("linkage_heights_300.csv", X300)

specsMix = [(f"{l}_k{k}", AgglomerativeClustering(n_clusters=k, linkage=l))
            for l in ("ward", "average", "complete") for k in (8, 20)]
specsMix += [("dbscan_eps2.6_ms8", DBSCAN(eps=2.6, min_samples=8)),
             ("single_k8", AgglomerativeClustering(n_clusters=8, linkage="single")),
             ("dbscan_eps2.0_ms5", DBSCAN(eps=2.0, min_samples=5)),
             ("dbscan_eps2.3_ms16", DBSCAN(eps=2.3, min_samples=16)),
             ("kmeans_k8", KMeans(8, n_init=10, random_state=0)),
             ("truth", None)]
cols = labels_for(mix, [s for s in specsMix if s[1] is not None])
cols["truth"] = truth
write_labels("cluster_labels_mix.csv", cols)
write_heights("linkage_heights_mix.csv", mix)
print("sklearn", sklearn.__version__, "scipy", scipy.__version__, "numpy", np.__version__)
