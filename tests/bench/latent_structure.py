#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""What a run's latent codes hold, seen by scikit-learn's KMeans: for each representation of
a `musicatlas-cli run` output folder (its latent.csv) on a bench_scale feature table (its
.rows.csv: label and has_lyrics per track), prints

- the inertia of the genre partition over that of KMeans with k = genres (n_init = 10): above
  1 means KMeans's best 10 clusters are not the genres, whatever the KMeans;
- KMeans's NMI against the genres;
- with k = genres x {lyrics, none}: NMI against that finer partition. bench_scale's tracks
  without lyrics share one point of the lyrics block, so a genre is two groups, and codes that
  keep them apart score high here and lower against the genres alone.

    /usr/bin/python3 tests/bench/latent_structure.py RUN_DIR TABLE.rows.csv [REPRESENTATION...]
"""
import csv
import sys

import numpy as np
from sklearn.cluster import KMeans
from sklearn.metrics import normalized_mutual_info_score as nmi


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    run_dir, rows_csv, wanted = sys.argv[1], sys.argv[2], set(sys.argv[3:])
    genre, lyrics = {}, {}
    with open(rows_csv, encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            genre[r["track_id"]] = r["label"]
            lyrics[r["track_id"]] = r["has_lyrics"]
    codes = {}
    with open(f"{run_dir}/latent.csv", encoding="utf-8", newline="") as f:
        rd = csv.reader(f)
        next(rd)
        for r in rd:
            if not wanted or r[1] in wanted:
                codes.setdefault(r[1], ([], []))
                # PCA's codes may be narrower than the latent size: its last cells are empty.
                codes[r[1]][0].append([float(v) for v in r[2:] if v != ""])
                codes[r[1]][1].append(r[0])
    print(f"{'representation':16} {'tracks':>7} {'genre/KMeans inertia':>21} "
          f"{'NMI (k=genres)':>15} {'NMI (k=genres x lyrics)':>24}")
    for rep, (rows, ids) in codes.items():
        Z = np.array(rows)
        y = np.array([genre[i] for i in ids])
        y2 = np.array([genre[i] + "/" + lyrics[i] for i in ids])
        k = len(set(y))
        km = KMeans(k, n_init=10, random_state=0).fit(Z)
        inertia = sum(((Z[y == g] - Z[y == g].mean(0)) ** 2).sum() for g in set(y))
        fine = KMeans(len(set(y2)), n_init=10, random_state=0).fit(Z)
        print(f"{rep:16} {len(ids):>7} {inertia / km.inertia_:>21.3f} "
              f"{nmi(y, km.labels_):>15.3f} {nmi(y2, fine.labels_):>24.3f}")


if __name__ == "__main__":
    main()
