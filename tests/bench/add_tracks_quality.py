#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""How well `musicatlas-cli add` placed tracks, measured with scikit-learn on the tables
`musicatlas-cli export` writes (README, "Adding tracks without retraining").

    musicatlas-cli run --manifest fit.csv --lyrics-csv lyrics.csv --save-session fit.atlassession --out fit
    musicatlas-cli add --session fit.atlassession --manifest add.csv --lyrics-csv lyrics.csv --out added.atlassession
    musicatlas-cli export --session added.atlassession --out added --no-figures
    /usr/bin/python3 tests/bench/add_tracks_quality.py added add.csv

For every representation and map: the 10-nearest-neighbour overlap between the codes and the
map of the added and of the fitted tracks (among all tracks, and among the fitted tracks
only), the trustworthiness (k = 10) of the whole map and of the fitted tracks' part, and the
agreement (ARI) of the KMeans labels with KMeans refitted on every track's code.
Last, how the model treats tracks it did not see: the share of an added track's 10 latent
neighbours that are other added tracks (one in ten if unseen tracks were coded like seen
ones) and the mean distance of added codes from the fitted codes' centre, relative to the
fitted codes' own (in units of the fitted codes' per-column spread); and how stable KMeans
itself is there: the ARI between two refits with different seeds.
"""
import csv
import os
import sys

import numpy as np
from sklearn.cluster import KMeans
from sklearn.manifold import trustworthiness
from sklearn.metrics import adjusted_rand_score
from sklearn.neighbors import NearestNeighbors


def neighbours(X, k=10):
    return NearestNeighbors(n_neighbors=k + 1).fit(X).kneighbors(X, return_distance=False)[:, 1:]


def overlap(a, b, rows):
    return float(np.mean([len(set(a[i]) & set(b[i])) / a.shape[1] for i in rows]))


def main(out, add_manifest):
    emb = list(csv.DictReader(open(os.path.join(out, "embeddings.csv"))))
    lat = list(csv.DictReader(open(os.path.join(out, "latent.csv"))))
    added_paths = {os.path.normpath(r["path"]) for r in csv.DictReader(open(add_manifest))}
    print("representation,map,overlap_added,overlap_fitted,overlap_added_among_fitted,"
          "overlap_fitted_among_fitted,trustworthiness_all,trustworthiness_fitted,"
          "kmeans_ari_added,kmeans_ari_fitted,added_share_of_latent_neighbours,"
          "added_code_spread,kmeans_ari_refit_seeds")
    for rep in dict.fromkeys(r["representation"] for r in lat):
        rows = [r for r in lat if r["representation"] == rep]
        ids = [r["track_id"] for r in rows]
        Z = np.array([[float(r[c]) for c in r if c.startswith("z_")] for r in rows])
        for kind in ("tsne", "umap"):
            place = {r["track_id"]: r for r in emb if r["representation"] == rep and r["map"] == kind}
            XY = np.array([(float(place[i]["x"]), float(place[i]["y"])) for i in ids])
            added = [j for j, i in enumerate(ids)
                     if os.path.normpath(place[i]["path"]) in added_paths]
            fitted = np.array([j for j in range(len(ids)) if j not in set(added)])
            nz, nm = neighbours(Z), neighbours(XY)
            # Among the fitted tracks only: the tracks an added track is placed against.
            fz = NearestNeighbors(n_neighbors=11).fit(Z[fitted])
            fm = NearestNeighbors(n_neighbors=11).fit(XY[fitted])
            az = fz.kneighbors(Z[added], 10, return_distance=False)
            am = fm.kneighbors(XY[added], 10, return_distance=False)
            ff = overlap(neighbours(Z[fitted]), neighbours(XY[fitted]), range(len(fitted)))
            km = np.array([int(place[i]["cluster_kmeans"]) for i in ids])
            refit = KMeans(int(km.max()) + 1, n_init=10, random_state=0).fit_predict(Z)
            # How stable KMeans itself is on these codes: two refits with other seeds.
            again = KMeans(int(km.max()) + 1, n_init=10, random_state=1).fit_predict(Z)
            is_added = np.zeros(len(ids), bool)
            is_added[added] = True
            share = float(is_added[nz[added]].mean())
            centre, spread = Z[fitted].mean(axis=0), Z[fitted].std(axis=0) + 1e-12
            radius = np.linalg.norm((Z - centre) / spread, axis=1)
            ratio = float(radius[added].mean() / radius[fitted].mean())
            print(",".join([rep, kind] + ["%.4f" % v for v in (
                overlap(nz, nm, added), overlap(nz, nm, fitted), overlap(az, am, range(len(added))),
                ff, trustworthiness(Z, XY, n_neighbors=10),
                trustworthiness(Z[fitted], XY[fitted], n_neighbors=10),
                adjusted_rand_score(refit[added], km[added]),
                adjusted_rand_score(refit[fitted], km[fitted]), share, ratio,
                adjusted_rand_score(refit, again))]))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
