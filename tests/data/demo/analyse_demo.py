#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Measures how well the demo corpus separates its genres, as the product's pipeline sees it.

Audio: 40-dim MFCC mean+std per track (numpy re-implementation of librosa 0.10 defaults:
n_fft 2048, hop 512, periodic Hann, centred zero-padded frames, power spectrum, 128 Slaney mel
bands with Slaney normalisation, power_to_db(ref=1, amin=1e-10, top_db=80), DCT-II ortho,
20 coefficients), StandardScaler, KMeans(10, n_init=10), NMI with the genre labels.
Lyrics: TfidfVectorizer(max_features=500) + KMeans(10, n_init=10), NMI.
Also prints per-genre level statistics and, with --spectrograms DIR, writes one spectrogram
PNG per genre.

usage: /usr/bin/python3 analyse_demo.py <corpus root> [--spectrograms DIR] [--seeds N]
"""
import argparse
import csv
import os
import sys

import numpy as np
import soundfile as sf
from scipy.fft import dct
from sklearn.cluster import KMeans
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import normalized_mutual_info_score
from sklearn.preprocessing import StandardScaler


def hz_to_mel(f):
    # Slaney (librosa htk=False): linear below 1 kHz, logarithmic above.
    f = np.asanyarray(f, dtype=float)
    f_sp = 200.0 / 3
    mels = f / f_sp
    min_log_hz = 1000.0
    min_log_mel = min_log_hz / f_sp
    logstep = np.log(6.4) / 27.0
    return np.where(f >= min_log_hz, min_log_mel + np.log(np.maximum(f, 1e-10) / min_log_hz) / logstep, mels)


def mel_to_hz(m):
    m = np.asanyarray(m, dtype=float)
    f_sp = 200.0 / 3
    freqs = f_sp * m
    min_log_hz = 1000.0
    min_log_mel = min_log_hz / f_sp
    logstep = np.log(6.4) / 27.0
    return np.where(m >= min_log_mel, min_log_hz * np.exp(logstep * (m - min_log_mel)), freqs)


def mel_filterbank(sr, n_fft, n_mels=128):
    fmax = sr / 2.0
    fftfreqs = np.linspace(0, sr / 2.0, 1 + n_fft // 2)
    mel_f = mel_to_hz(np.linspace(hz_to_mel(0.0), hz_to_mel(fmax), n_mels + 2))
    fdiff = np.diff(mel_f)
    ramps = np.subtract.outer(mel_f, fftfreqs)
    weights = np.zeros((n_mels, 1 + n_fft // 2))
    for i in range(n_mels):
        lower = -ramps[i] / fdiff[i]
        upper = ramps[i + 2] / fdiff[i + 1]
        weights[i] = np.maximum(0, np.minimum(lower, upper))
    enorm = 2.0 / (mel_f[2:n_mels + 2] - mel_f[:n_mels])
    return weights * enorm[:, None]


_FB = {}


def mfcc(y, sr, n_mfcc=20, n_fft=2048, hop=512):
    if sr not in _FB:
        _FB[sr] = mel_filterbank(sr, n_fft)
    y = np.pad(y.astype(np.float64), n_fft // 2, mode="constant")
    n_frames = 1 + (len(y) - n_fft) // hop
    idx = np.arange(n_fft)[None, :] + hop * np.arange(n_frames)[:, None]
    window = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(n_fft) / n_fft)  # periodic Hann
    spec = np.abs(np.fft.rfft(y[idx] * window, axis=1)) ** 2
    mel = spec @ _FB[sr].T
    db = 10.0 * np.log10(np.maximum(1e-10, mel))
    db = np.maximum(db, db.max() - 80.0)
    return dct(db, type=2, axis=1, norm="ortho")[:, :n_mfcc].T  # (n_mfcc, frames)


def read_manifest(root):
    rows = []
    with open(os.path.join(root, "manifest.csv"), newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            rows.append(r)
    return rows


def onset_strength(y, sr, hop=512):
    n_fft = 2048
    y = np.pad(y.astype(np.float64), n_fft // 2)
    n_frames = 1 + (len(y) - n_fft) // hop
    idx = np.arange(n_fft)[None, :] + hop * np.arange(n_frames)[:, None]
    window = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(n_fft) / n_fft)
    spec = np.abs(np.fft.rfft(y[idx] * window, axis=1)) ** 2
    mel = spec @ _FB[sr].T
    db = 10 * np.log10(np.maximum(1e-10, mel))
    return np.maximum(0, np.diff(db, axis=0)).mean(axis=1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("root")
    ap.add_argument("--spectrograms", default=None)
    ap.add_argument("--seeds", type=int, default=3, help="KMeans random states to average")
    ap.add_argument("--lyrics-only", action="store_true", help="skip the audio (no WAVs needed)")
    args = ap.parse_args()

    rows = read_manifest(args.root)
    genres = sorted(set(r["label"] for r in rows), key=[r["label"] for r in rows].index)
    labels = np.array([genres.index(r["label"]) for r in rows])
    feats, stats = [], {g: [] for g in genres}
    first = {}
    for r in ([] if args.lyrics_only else rows):
        y, sr = sf.read(os.path.join(args.root, r["path"]), dtype="float32")
        m = mfcc(y, sr)
        feats.append(np.concatenate([m.mean(axis=1), m.std(axis=1)]))
        on = onset_strength(y, sr)
        stats[r["label"]].append((np.sqrt(np.mean(y.astype(np.float64) ** 2)), np.abs(y).max(),
                                  abs(float(np.mean(y))), on.mean(), len(y) / sr))
        first.setdefault(r["label"], (y, sr))
    if not args.lyrics_only:
        X = StandardScaler().fit_transform(np.array(feats))
        print("genre       rms    peak   |dc|     onset  seconds")
        for g in genres:
            s = np.array(stats[g])
            print(f"{g:10s} {s[:,0].mean():.3f}  {s[:,1].max():.3f}  {s[:,2].max():.1e}  {s[:,3].mean():6.2f}  {s[:,4].min():.1f}")
        nmis = []
        for rs in range(args.seeds):
            pred = KMeans(10, n_init=10, random_state=rs).fit_predict(X)
            nmis.append(normalized_mutual_info_score(labels, pred))
        print(f"audio  NMI (MFCC mean+std, KMeans 10): {np.mean(nmis):.3f}  (runs: {', '.join(f'{v:.3f}' for v in nmis)})")

    lyr = {}
    with open(os.path.join(args.root, "lyrics.csv"), newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            lyr[r["track_id"]] = r["lyrics"]
    texts = [lyr[r["lyrics_id"]] for r in rows]
    words = np.array([len(t.split()) for t in texts])
    T = TfidfVectorizer(max_features=500).fit_transform(texts)
    nmis = []
    for rs in range(args.seeds):
        pred = KMeans(10, n_init=10, random_state=rs).fit_predict(T)
        nmis.append(normalized_mutual_info_score(labels, pred))
    print(f"lyrics NMI (TF-IDF 500, KMeans 10):    {np.mean(nmis):.3f}  (runs: {', '.join(f'{v:.3f}' for v in nmis)})")
    print(f"lyrics words per track: min {words.min()} mean {words.mean():.0f} max {words.max()}")

    if args.spectrograms and not args.lyrics_only:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        os.makedirs(args.spectrograms, exist_ok=True)
        fig, axes = plt.subplots(5, 2, figsize=(14, 16))
        for ax, g in zip(axes.T.ravel(), genres):
            y, sr = first[g]
            ax.specgram(y, NFFT=1024, Fs=sr, noverlap=768, cmap="magma", vmin=-120, vmax=-20)
            ax.set_title(g)
            ax.set_ylim(0, 8000)
        fig.tight_layout()
        out = os.path.join(args.spectrograms, "demo_spectrograms.png")
        fig.savefig(out, dpi=60)
        print("wrote", out)


if __name__ == "__main__":
    sys.exit(main())
