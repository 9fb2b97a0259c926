#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Python reference for bench_pipeline.sh: the research pipeline that `musicatlas-cli run`
reproduces, on the same corpus, timed stage by stage with the same stage names as the
"timings_s" object of the CLI's run.json.

Stack (Debian 12 packages): numpy, scipy, soundfile, scikit-learn 1.2.1, torch 1.13,
umap-learn 0.5.3. librosa is not packaged, so MFCCs come from the numpy re-implementation of
librosa 0.10's defaults in tests/data/demo/analyse_demo.py (n_fft 2048, hop 512, periodic Hann,
centred zero-padded frames, power spectrum, 128 Slaney mel bands, power_to_db(ref=1,
amin=1e-10, top_db=80), DCT-II ortho, 20 coefficients -> mean+std = 40).

Stages:
  import            numpy/scipy/soundfile/sklearn (+ the MFCC helper)
  import_torch      torch
  features          decode first 10 s mono @ 22,050 Hz + MFCC, TF-IDF(max_features=500),
                    StandardScaler per modality, concatenation -> 540 columns
  pca.train         PCA(16)
  ae.train          Autoencoder 540-256-128-16 ReLU, mirrored decoder, MSE, Adam(1e-3),
                    50 epochs, batch 64
  vae.train         VAE, reconstruction (sum of squares) + 1 * KL
  betavae.train     same with beta 4
  cvae.train        one-hot genre appended to the encoder input and to the latent code
  <rep>.kmeans      KMeans(10, n_init=10) + metrics
  <rep>.agglomerative  AgglomerativeClustering(10, ward) + metrics
  <rep>.dbscan      DBSCAN() defaults (eps 0.5, min_samples 5) + metrics
                    metrics: silhouette/CH/DB on non-noise points, ARI/NMI/purity on all
  <rep>.tsne        TSNE(2, init='pca', learning_rate='auto'), otherwise sklearn defaults
  umap.import       import umap (pulls numba, pynndescent)
  umap.jit          numba compilation, paid once per process: a UMAP fit on a small
                    random matrix before the first real one
  <rep>.umap        umap.UMAP() defaults (compiled code already warm)

usage: /usr/bin/python3 bench_pipeline.py CORPUS [--torch-threads N] [--also-torch-threads M]
                                         [--json OUT.json] [--epochs N] [--quiet]
CORPUS is a folder with manifest.csv (path,label,lyrics_id) and lyrics.csv
(track_id,genre,lyrics), as `musicatlas-cli features --demo` creates.
--also-torch-threads M retrains the four neural models with M torch threads after the timed
pipeline and reports those times as "<rep>.train@M" (not part of total_s).
"""
import time

_T0 = time.perf_counter()

import argparse  # noqa: E402
import csv  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402

import numpy as np  # noqa: E402
import soundfile as sf  # noqa: E402
from scipy.signal import resample_poly  # noqa: E402
from sklearn.cluster import DBSCAN, AgglomerativeClustering, KMeans  # noqa: E402
from sklearn.decomposition import PCA  # noqa: E402
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.manifold import TSNE  # noqa: E402
from sklearn.metrics import (adjusted_rand_score, calinski_harabasz_score,  # noqa: E402
                             davies_bouldin_score, normalized_mutual_info_score,
                             silhouette_score)
from sklearn.metrics.cluster import contingency_matrix  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "demo"))
from analyse_demo import mfcc  # noqa: E402

IMPORT_S = time.perf_counter() - _T0

SR = 22050
DURATION_S = 10.0
REPS = ["pca", "ae", "vae", "betavae", "cvae"]


def load_corpus(root):
    with open(os.path.join(root, "manifest.csv"), newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    lyrics = {}
    with open(os.path.join(root, "lyrics.csv"), newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            lyrics[r["track_id"]] = r["lyrics"]
    genres = sorted(set(r["label"] for r in rows))
    labels = np.array([genres.index(r["label"]) for r in rows])
    texts = [lyrics.get(r.get("lyrics_id", ""), "") for r in rows]
    return rows, texts, labels


def audio_features(root, rows):
    out = np.empty((len(rows), 40))
    for i, r in enumerate(rows):
        path = os.path.join(root, r["path"])
        info = sf.info(path)
        y, sr = sf.read(path, frames=int(DURATION_S * info.samplerate), dtype="float32",
                        always_2d=True)
        y = y.mean(axis=1)
        if sr != SR:  # librosa.load(sr=22050) resamples; the demo corpus is already 22,050 Hz
            g = np.gcd(sr, SR)
            y = resample_poly(y, SR // g, sr // g).astype(np.float32)
        m = mfcc(y, SR)
        out[i, :20] = m.mean(axis=1)
        out[i, 20:] = m.std(axis=1)
    return out


def make_net(torch, d_in, d_out_enc, d_dec_in, d_out):
    nn = torch.nn
    enc = nn.Sequential(nn.Linear(d_in, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(),
                        nn.Linear(128, d_out_enc))
    dec = nn.Sequential(nn.Linear(d_dec_in, 128), nn.ReLU(), nn.Linear(128, 256), nn.ReLU(),
                        nn.Linear(256, d_out))
    return enc, dec


def train(torch, kind, X, onehot, epochs, batch=64, latent=16, seed=0):
    """Returns the codes (the mean for the variational models) as a numpy array."""
    torch.manual_seed(seed)
    Xt = torch.tensor(X, dtype=torch.float32)
    Ct = torch.tensor(onehot, dtype=torch.float32)
    n, d = Xt.shape
    cond = Ct.shape[1] if kind == "cvae" else 0
    variational = kind != "ae"
    beta = 4.0 if kind == "betavae" else 1.0
    enc, dec = make_net(torch, d + cond, 2 * latent if variational else latent, latent + cond, d)
    opt = torch.optim.Adam(list(enc.parameters()) + list(dec.parameters()), lr=1e-3)
    for _ in range(epochs):
        perm = torch.randperm(n)
        for b in range(0, n, batch):
            idx = perm[b:b + batch]
            xb = Xt[idx]
            cb = Ct[idx]
            h = enc(torch.cat([xb, cb], 1) if cond else xb)
            if variational:
                mu, logvar = h[:, :latent], h[:, latent:]
                z = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)
                out = dec(torch.cat([z, cb], 1) if cond else z)
                rec = ((out - xb) ** 2).sum(dim=1).mean()
                kl = (-0.5 * (1 + logvar - mu ** 2 - logvar.exp()).sum(dim=1)).mean()
                loss = rec + beta * kl
            else:
                loss = ((dec(h) - xb) ** 2).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
    with torch.no_grad():
        h = enc(torch.cat([Xt, Ct], 1) if cond else Xt)
        return h[:, :latent].numpy().astype(np.float64)


def purity(y, pred):
    c = contingency_matrix(y, pred)
    return c.max(axis=0).sum() / c.sum()


def cluster_metrics(Z, y, pred):
    m = {"ari": adjusted_rand_score(y, pred), "nmi": normalized_mutual_info_score(y, pred),
         "purity": purity(y, pred)}
    keep = pred >= 0  # DBSCAN noise is left out of the internal indices, as in the seed
    k = len(set(pred[keep]))
    if k >= 2 and k < keep.sum():
        m["silhouette"] = silhouette_score(Z[keep], pred[keep])
        m["ch"] = calinski_harabasz_score(Z[keep], pred[keep])
        m["db"] = davies_bouldin_score(Z[keep], pred[keep])
    else:
        m["silhouette"] = m["ch"] = m["db"] = float("nan")
    m["clusters"] = k
    return m


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("corpus")
    ap.add_argument("--torch-threads", type=int, default=2)
    ap.add_argument("--also-torch-threads", type=int, default=0)
    ap.add_argument("--epochs", type=int, default=50)
    ap.add_argument("--json", default=None, help="write the timings here")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args()

    def log(msg):
        if not args.quiet:
            print(msg, file=sys.stderr, flush=True)

    t = {"import": IMPORT_S}
    metrics = {}
    run_start = time.perf_counter()

    s = time.perf_counter()
    import torch
    t["import_torch"] = time.perf_counter() - s
    torch.set_num_threads(args.torch_threads)

    s = time.perf_counter()
    rows, texts, labels = load_corpus(args.corpus)
    A = audio_features(args.corpus, rows)
    L = TfidfVectorizer(max_features=500).fit_transform(texts).toarray()
    X = np.hstack([StandardScaler().fit_transform(A), StandardScaler().fit_transform(L)])
    onehot = np.eye(labels.max() + 1)[labels]
    t["features"] = time.perf_counter() - s
    log(f"features: {X.shape[0]} x {X.shape[1]} in {t['features']:.1f} s")

    codes = {}
    s = time.perf_counter()
    codes["pca"] = PCA(16).fit_transform(X)
    t["pca.train"] = time.perf_counter() - s
    for rep in REPS[1:]:
        s = time.perf_counter()
        codes[rep] = train(torch, rep, X, onehot, args.epochs)
        t[rep + ".train"] = time.perf_counter() - s
        log(f"{rep}.train {t[rep + '.train']:.1f} s")

    for rep in REPS:
        Z = codes[rep]
        for name, algo in (("kmeans", lambda: KMeans(10, n_init=10, random_state=0)),
                           ("agglomerative", lambda: AgglomerativeClustering(10, linkage="ward")),
                           ("dbscan", lambda: DBSCAN())):
            s = time.perf_counter()
            pred = algo().fit_predict(Z)
            metrics[f"{rep}.{name}"] = cluster_metrics(Z, labels, pred)
            t[f"{rep}.{name}"] = time.perf_counter() - s
        s = time.perf_counter()
        TSNE(2, init="pca", learning_rate="auto", random_state=0).fit_transform(Z)
        t[rep + ".tsne"] = time.perf_counter() - s
        log(f"{rep} clustering+t-SNE done")

    s = time.perf_counter()
    import umap
    t["umap.import"] = time.perf_counter() - s
    s = time.perf_counter()
    umap.UMAP().fit_transform(np.random.default_rng(0).normal(size=(300, 16)))
    t["umap.jit"] = time.perf_counter() - s
    for rep in REPS:
        s = time.perf_counter()
        umap.UMAP().fit_transform(codes[rep])
        t[rep + ".umap"] = time.perf_counter() - s
        log(f"{rep}.umap {t[rep + '.umap']:.1f} s")

    total = IMPORT_S + (time.perf_counter() - run_start)

    if args.also_torch_threads:
        torch.set_num_threads(args.also_torch_threads)
        for rep in REPS[1:]:
            s = time.perf_counter()
            train(torch, rep, X, onehot, args.epochs)
            t[f"{rep}.train@{args.also_torch_threads}"] = time.perf_counter() - s
            log(f"{rep}.train@{args.also_torch_threads} {t[f'{rep}.train@{args.also_torch_threads}']:.1f} s")

    result = {"timings_s": t, "total_s": total, "torch_threads": args.torch_threads,
              "omp_num_threads": os.environ.get("OMP_NUM_THREADS", "unset"),
              "tracks": int(X.shape[0]), "columns": int(X.shape[1]), "metrics": metrics,
              "versions": {"numpy": np.__version__, "torch": torch.__version__,
                           "sklearn": __import__("sklearn").__version__,
                           "umap": getattr(umap, "__version__", "?")}}
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(result, f, indent=1)
    for k, v in t.items():
        print(f"{k:24s} {v:9.2f}")
    print(f"{'total':24s} {total:9.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
