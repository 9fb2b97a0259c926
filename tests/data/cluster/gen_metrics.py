#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Reference values of scikit-learn's clustering metrics on random and degenerate cases.

Run from this directory with /usr/bin/python3 (Debian's python3-sklearn). Writes
  metric_case_<name>.csv  columns x0..x{d-1},truth,pred (17 significant digits)
  metric_values.csv       case,metric,value ("nan" where sklearn raises ValueError)
and adds AMI, homogeneity, completeness and V-measure for the ../sklearn/ 300-point fixture.
"""
import csv
import numpy as np
import sklearn
from sklearn import metrics

rng = np.random.default_rng(20240611)
cases = {}


def blobs(n, d, k, spread, scale=10.0):
    centres = rng.normal(0.0, scale, size=(k, d))
    truth = rng.integers(0, k, size=n)
    return centres[truth] + rng.normal(0.0, spread, size=(n, d)), truth


# Random sizes and label counts; predictions are noisy copies of the truth.
X, t = blobs(50, 3, 3, 4.0)
cases["n50_d3"] = (X, t, rng.integers(0, 4, size=50))
X, t = blobs(500, 8, 6, 3.0)
p = t.copy()
flip = rng.random(500) < 0.2
p[flip] = rng.integers(0, 7, size=flip.sum())
ids = np.array([-5, -1, 0, 3, 10, 42, 7])  # gaps, negative ids, unsorted
cases["n500_d8_gaps"] = (X, t * 3 - 2, ids[p])
X, t = blobs(1000, 16, 2, 6.0)
cases["n1000_d16_k2"] = (X, t, (X[:, 0] > np.median(X[:, 0])).astype(int))
X, t = blobs(2000, 5, 12, 5.0, scale=4.0)
cases["n2000_d5_k12"] = (X, t, rng.integers(0, 15, size=2000))
# Offset data (large mean, small spread) to exercise the precision of the distance trick.
X, t = blobs(300, 4, 3, 1.0)
cases["n300_offset"] = (X + 50.0, t, t)
# Degenerate cases.
n = 40
X = rng.normal(size=(n, 2))
cases["pred_one_cluster"] = (X, rng.integers(0, 3, size=n), np.zeros(n, dtype=int))
cases["both_one_cluster"] = (X, np.full(n, 7), np.zeros(n, dtype=int))
cases["pred_singletons"] = (X, rng.integers(0, 3, size=n), np.arange(n) * 2 - 11)
cases["truth_singletons"] = (X, np.arange(n), rng.integers(0, 5, size=n))
cases["pred_n_minus_1"] = (X, rng.integers(0, 3, size=n), np.minimum(np.arange(n), n - 2))
cases["identical_relabelled"] = (X, np.arange(n) % 4, (np.arange(n) % 4) * -3 + 100)
cases["singleton_in_pred"] = (X, rng.integers(0, 2, size=n),
                              np.r_[np.zeros(n // 2), np.ones(n // 2 - 1), [2]].astype(int))
# Integer points repeated: distances and dispersions are exact, within-cluster ones are 0.
base = np.array([[0, 0], [3, 4], [6, 8]], dtype=float)
lab = np.repeat(np.arange(3), 5)
cases["zero_within"] = (base[lab], lab, lab)
cases["with_noise_label"] = (X, rng.integers(0, 3, size=n),
                             np.where(rng.random(n) < 0.3, -1, rng.integers(0, 3, size=n)))
# Many clusters against many classes (a sparse contingency table), and ids spread over a
# range far wider than the number of points.
X = rng.normal(size=(3000, 2))
cases["many_cells"] = (X, rng.integers(0, 40, size=3000), rng.integers(0, 1500, size=3000))
cases["wide_ids"] = (X, rng.integers(0, 5, size=3000) * 1_000_003 - 2_000_000,
                     rng.integers(-1, 30, size=3000) * 70_001)


def safe(f, *a):
    try:
        return float(f(*a))
    except ValueError:
        return float("nan")


def scores(X, t, p):
    h, c, v = metrics.homogeneity_completeness_v_measure(t, p)
    cm = metrics.cluster.contingency_matrix(t, p)
    return {
        "silhouette": safe(metrics.silhouette_score, X, p),
        "ch": safe(metrics.calinski_harabasz_score, X, p),
        "db": safe(metrics.davies_bouldin_score, X, p),
        "ari": metrics.adjusted_rand_score(t, p),
        "nmi": metrics.normalized_mutual_info_score(t, p),
        "ami": metrics.adjusted_mutual_info_score(t, p),
        "mi": metrics.mutual_info_score(t, p),
        "homogeneity": h,
        "completeness": c,
        "v_measure": v,
        "purity": cm.max(axis=0).sum() / cm.sum(),
    }


rows = []
for name, (X, t, p) in cases.items():
    with open(f"metric_case_{name}.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow([f"x{j}" for j in range(X.shape[1])] + ["truth", "pred"])
        for i in range(X.shape[0]):
            w.writerow([f"{v:.17g}" for v in X[i]] + [int(t[i]), int(p[i])])
    for m, v in scores(X, t, p).items():
        rows.append((name, m, v))

lab300 = np.genfromtxt("../sklearn/labels_300.csv", delimiter=",", names=True, dtype=int)
for pred in ("pred_kmeans", "pred_ward", "pred_dbscan"):
    t, p = lab300["label_true"], lab300[pred]
    h, c, v = metrics.homogeneity_completeness_v_measure(t, p)
    rows += [(f"fixture300_{pred}", "ami", metrics.adjusted_mutual_info_score(t, p)),
             (f"fixture300_{pred}", "homogeneity", h),
             (f"fixture300_{pred}", "completeness", c),
             (f"fixture300_{pred}", "v_measure", v)]

with open("metric_values.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["case", "metric", "value"])
    for name, m, v in rows:
        w.writerow([name, m, f"{v:.17g}"])
print("sklearn", sklearn.__version__, "numpy", np.__version__)
