#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""scikit-learn reference fixtures for the clustering and metric tests (test_kmeans,
test_agglomerative, test_dbscan, test_internal_metrics, test_external_metrics, test_scores).

Writes, next to this script (or into --out DIR):
  X_300x16.csv     300 x 16 float64, %.17g, no header: blobs(300, d=16, k=10, sigma=5.0,
                   seed=2718), defined below;
  labels_300.csv   label_true (i % 10), pred_kmeans, pred_ward, pred_dbscan;
  metrics_300.csv  prediction,metric,value (Python repr: shortest exact round trip);
  summary.json     the parameters, DBSCAN's distance margin to eps, the TF-IDF max_features
                   cut-off check for the two corpora of ../tfidf/, and library versions.

The data: a SplitMix64 generator (engine/core/random.h, splitMix64; tests/data/core/
gen_random.py) started from state 2718 gives uniforms u = (next() >> 11) * 2^-53.
The first k*d of them make the centres, row by row, c = -10 + 20 u; then for each point i
and coordinate j in that order, x[i, j] = c[i % k, j] + sigma * z with one Box-Muller
normal per pair of uniforms, z = sqrt(-2 ln(1 - u1)) cos(2 pi u2). ln and cos are numpy's
(float64 ufuncs), which reproduce the committed CSV bit for bit; Python's math.log/cos
differ in the last bit for about a third of the values. X is written with %.17g, so the CSV
holds the doubles exactly and stays the authority for the C++ tests.

Run: /usr/bin/python3 tests/data/sklearn/gen_sklearn_fixtures.py [--out DIR] [--check]
  --check  regenerate into a temporary folder and compare with the committed files: the
           CSVs must be identical text, summary.json equal in every computed field (the
           "versions" block is reported, not compared: it describes the machine). Metric
           values that differ only by float64 rounding (at most 4 ulps) are reported as such
           and do not fail the check; anything else does.
Debian 12 packages (apt-get install python3-sklearn python3-scipy python3-numpy): Python
3.11.2, scikit-learn 1.2.1, numpy 1.24.2, scipy 1.10.1, as for the committed files.

The BLAS decides the last bits of the metrics: silhouette and Davies-Bouldin use sklearn's
euclidean distances, a matrix product. The committed files were made with OpenBLAS 0.3.21
(libopenblas0-pthread) and OPENBLAS_CORETYPE=Haswell; with those every output is identical.
With Debian's reference BLAS (libblas3, what python3-sklearn pulls in alone) five metric
values differ by 1-2 ulps (at most 4.4e-16), and with OpenBLAS's own choice of kernel on an
AVX-512 machine one differs by 6.9e-18. X, the labels and summary.json do not depend on it.
"""
import argparse
import csv
import json
import os
import platform
import sys
import tempfile
from pathlib import Path

import numpy as np
import scipy
import sklearn
from scipy.spatial.distance import pdist
from sklearn import metrics
from sklearn.cluster import DBSCAN, AgglomerativeClustering, KMeans
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

HERE = Path(__file__).resolve().parent
TFIDF = HERE.parent / "tfidf"
M64 = (1 << 64) - 1

N, D, K, SIGMA, SEED = 300, 16, 10, 5.0, 2718
KMEANS = "KMeans(10, n_init=10, random_state=0)"
WARD = "AgglomerativeClustering(10, linkage='ward')"
EPS, MIN_SAMPLES = 21.0, 5
DBSCAN_TEXT = "DBSCAN(eps=21.0, min_samples=5)"


def splitmix64_uniforms(seed, count):
    """count uniforms in [0, 1) from SplitMix64 started at state `seed`."""
    state = seed & M64
    out = np.empty(count)
    for i in range(count):
        state = (state + 0x9E3779B97F4A7C15) & M64
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
        out[i] = float((z ^ (z >> 31)) >> 11) * 2.0**-53
    return out


def blobs(n, d, k, sigma, seed):
    u = splitmix64_uniforms(seed, k * d + 2 * n * d)
    centres = -10.0 + 20.0 * u[: k * d].reshape(k, d)
    u1 = u[k * d :: 2].reshape(n, d)
    u2 = u[k * d + 1 :: 2].reshape(n, d)
    z = np.sqrt(-2.0 * np.log(1.0 - u1)) * np.cos(2.0 * np.pi * u2)
    return centres[np.arange(n) % k] + sigma * z


def purity(truth, pred):
    cm = metrics.cluster.contingency_matrix(truth, pred)
    return float(cm.max(axis=0).sum() / cm.sum())


def internal(X, p):
    return {
        "silhouette": float(metrics.silhouette_score(X, p, metric="euclidean")),
        "ch": float(metrics.calinski_harabasz_score(X, p)),
        "db": float(metrics.davies_bouldin_score(X, p)),
    }


def metric_rows(X, truth, name, pred):
    rows = []
    everything = internal(X, pred)
    keep = pred != -1
    non_noise = internal(X[keep], pred[keep])
    for key in ("silhouette", "ch", "db"):
        rows.append((name, key + "_all", everything[key]))
    for key in ("silhouette", "ch", "db"):
        rows.append((name, key + "_nonnoise", non_noise[key]))
    rows.append((name, "ari", float(metrics.adjusted_rand_score(truth, pred))))
    rows.append((name, "nmi", float(metrics.normalized_mutual_info_score(truth, pred))))
    rows.append((name, "purity", purity(truth, pred)))
    rows.append((name, "n_noise", int((pred == -1).sum())))
    return rows


def read_column(path, column):
    with open(path, newline="", encoding="utf-8") as f:
        return [row[column] for row in csv.DictReader(f)]


def cutoff_check(texts, max_features):
    """Does sklearn's max_features choice equal 'count descending, then term ascending'?"""
    cv = CountVectorizer().fit(texts)
    counts = np.asarray(cv.transform(texts).sum(axis=0)).ravel()
    terms = cv.get_feature_names_out()
    order = sorted(range(len(terms)), key=lambda i: (-counts[i], terms[i]))
    rule = {terms[i] for i in order[:max_features]}
    kept = set(TfidfVectorizer(max_features=max_features).fit(texts).vocabulary_)
    at, after = int(counts[order[max_features - 1]]), int(counts[order[max_features]])
    return {
        "vocabulary_size_before_cut": len(terms),
        "max_features": max_features,
        "count_at_cutoff": at,
        "count_after_cutoff": after,
        "tie_straddles_cutoff": at == after,
        "sklearn_equals_count_desc_term_asc": kept == rule,
        "terms_differing": sorted(kept ^ rule),
    }


def versions():
    import joblib
    import threadpoolctl

    v = {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "sklearn": sklearn.__version__,
        "threadpoolctl": threadpoolctl.__version__,
        "joblib": joblib.__version__,
    }
    for lib in threadpoolctl.threadpool_info():
        if lib["user_api"] == "blas":
            v["blas"] = f"{lib['internal_api']} {lib['version']} ({lib.get('architecture')})"
    for name in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OMP_NUM_THREADS"):
        v["env:" + name] = os.environ.get(name, "")
    return v


def generate(out):
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    X = blobs(N, D, K, SIGMA, SEED)
    truth = np.arange(N) % K
    preds = {
        "pred_kmeans": KMeans(10, n_init=10, random_state=0).fit_predict(X),
        "pred_ward": AgglomerativeClustering(10, linkage="ward").fit_predict(X),
        "pred_dbscan": DBSCAN(eps=EPS, min_samples=MIN_SAMPLES).fit_predict(X),
    }
    np.savetxt(out / "X_300x16.csv", X, delimiter=",", fmt="%.17g")
    with open(out / "labels_300.csv", "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["label_true", *preds])
        for i in range(N):
            w.writerow([int(truth[i]), *(int(p[i]) for p in preds.values())])
    with open(out / "metrics_300.csv", "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["prediction", "metric", "value"])
        for name, pred in preds.items():
            w.writerows(metric_rows(X, truth, name, pred))

    # How close the nearest pairwise distance comes to eps: a margin far above rounding
    # means no pair is a borderline neighbour for a reimplementation.
    # Distances from coordinate differences (scipy's pdist), not sklearn's dot-product form.
    margin = float(np.abs(pdist(X) - EPS).min())
    summary = {
        "tfidf_cutoff": {
            "texts20_mf50": cutoff_check(read_column(TFIDF / "tfidf_texts20.csv", "text"), 50),
            "lyrics1000_mf500": cutoff_check(
                read_column(TFIDF / "lyrics_synthetic_1000.csv", "lyrics"), 500),
        },
        "metric_fixture": {
            "X": f"blobs({N}, d={D}, k={K}, sigma={SIGMA}, seed={SEED})",
            "kmeans": KMEANS,
            "ward": WARD,
            "dbscan": DBSCAN_TEXT,
            "min_abs_pairwise_distance_minus_eps": margin,
        },
        "versions": versions(),
    }
    with open(out / "summary.json", "w") as f:
        json.dump(summary, f, indent=1)
    return summary


def numbers(text, name):
    """The float values of a written CSV: the whole matrix, or metrics_300's value column."""
    if name == "metrics_300.csv":
        return np.array([row[2] for row in csv.reader(text.splitlines()[1:])], dtype=float)
    return np.loadtxt(text.splitlines(), delimiter=",")


def check():
    """Regenerate into a temporary folder and compare with the committed files."""
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        generate(tmp)
        for name in ("X_300x16.csv", "labels_300.csv", "metrics_300.csv"):
            ours = (Path(tmp) / name).read_text()
            theirs = (HERE / name).read_text()
            if ours == theirs:
                print(f"{name}: identical")
                continue
            if name != "metrics_300.csv":
                ok = False
                print(f"{name}: DIFFERS")
                continue
            a, b = numbers(ours, name), numbers(theirs, name)
            ulps = np.abs(a - b) / np.spacing(np.abs(b))
            rounding = a.shape == b.shape and ulps.max() <= 4
            ok &= bool(rounding)
            print(f"{name}: {'differs by rounding only' if rounding else 'DIFFERS'}: "
                  f"{int((a != b).sum())} values, max abs difference {np.abs(a - b).max():.3g}, "
                  f"max {ulps.max():.0f} ulps (the BLAS: see this script's docstring)")
        ours = json.loads((Path(tmp) / "summary.json").read_text())
        theirs = json.loads((HERE / "summary.json").read_text())
        for key in ("tfidf_cutoff", "metric_fixture"):
            same = ours[key] == theirs[key]
            ok &= same
            print(f"summary.json {key}: {'identical' if same else 'DIFFERS'}")
            if not same:
                print("  ours:     ", json.dumps(ours[key]))
                print("  committed:", json.dumps(theirs[key]))
        for name, value in ours["versions"].items():
            if theirs["versions"].get(name) != value:
                print(f"summary.json versions: {name} is {value!r} here, "
                      f"{theirs['versions'].get(name)!r} in the committed file")
    print("the computed outputs match the committed files" if ok else "MISMATCH")
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(HERE), help="folder to write into (default: here)")
    ap.add_argument("--check", action="store_true",
                    help="compare a fresh regeneration with the committed files")
    args = ap.parse_args()
    if args.check:
        sys.exit(0 if check() else 1)
    generate(args.out)
    print(f"wrote X_300x16.csv, labels_300.csv, metrics_300.csv, summary.json to {args.out}")


if __name__ == "__main__":
    main()
