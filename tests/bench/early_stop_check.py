#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Early stopping at scale against full training on a subsample.

Runs `musicatlas-cli run --features` on a feature table (what bench_scale writes, e.g.
/tmp/musicatlas-bench-scale/table_100000.npy) with the defaults (early stopping on above
10,000 tracks), and on a random subsample of its rows (10,000 by default) with
--no-early-stop (the seed's 50 full epochs), then prints the clustering metrics of every
representation x clustering side by side: the full table's should be no worse.

    /usr/bin/python3 tests/bench/early_stop_check.py --cli build/app/musicatlas-cli \
        --table /tmp/musicatlas-bench-scale/table_100000.npy [--full-run DIR]

--full-run DIR reuses the output folder of an earlier run of the whole table (bench_scale
--keep leaves it in /tmp/musicatlas-bench-scale/out_<N>) instead of running it again.
--samples K draws K subsamples (seeds --seed, --seed + 1, ...; each run with that seed too)
and compares the whole table with their mean, standard deviation and range: one subsample's
KMeans score swings with the draw by more than the differences looked for.
--full-seeds K runs the whole table K times, with seeds 42 (the default, the run --full-run
gives), 43, ...: one draw of the networks' initialisation can swing a score as much as one
subsample does, so both sides are then compared as mean, standard deviation and range.
--reuse-samples keeps the subsample runs already in --dir (a run folder with its
clustering_metrics.csv), for comparing a new whole-table run with the same subsamples: their
training, every epoch a whole pass, is what an earlier build did when its results match.
"""
import argparse
import csv
import json
import os
import shutil
import subprocess
import statistics
import sys

import numpy as np


def subsample(table, rows, seed, out_dir):
    base = table[: -len(".npy")]
    X = np.load(table, mmap_mode="r")
    idx = np.sort(np.random.default_rng(seed).choice(X.shape[0], rows, replace=False))
    stem = os.path.join(out_dir, f"sample_{rows}")
    np.save(stem + ".npy", np.ascontiguousarray(X[idx]))
    with open(base + ".rows.csv", encoding="utf-8", newline="") as f:
        lines = f.read().splitlines()
    header, body = lines[0], lines[1:]
    if len(body) != X.shape[0]:
        sys.exit(f"{base}.rows.csv: {len(body)} rows for {X.shape[0]} in the matrix")
    with open(stem + ".rows.csv", "w", encoding="utf-8", newline="") as f:
        f.write(header + "\n" + "\n".join(body[i] for i in idx) + "\n")
    shutil.copy(base + ".columns.txt", stem + ".columns.txt")
    return stem + ".npy"


def run(cli, table, out, threads, extra):
    cmd = [cli, "run", "--features", table, "--out", out, "--no-figures", "--quiet",
           "--threads", str(threads)] + extra
    print("$", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True)


def metrics(out):
    with open(os.path.join(out, "clustering_metrics.csv"), encoding="utf-8") as f:
        return {r["method"]: r for r in csv.DictReader(f)}


def epochs(out):
    with open(os.path.join(out, "run.json"), encoding="utf-8") as f:
        run_json = json.load(f)
    reps = run_json.get("representations", [])
    return {r.get("method", "?"): r.get("epochs_trained") for r in reps}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("--cli", required=True)
    ap.add_argument("--table", required=True, help="feature table (.npy with .rows.csv)")
    ap.add_argument("--sample", type=int, default=10000)
    ap.add_argument("--samples", type=int, default=1, help="how many subsamples to draw")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--dir", default="/tmp/musicatlas-early-stop-check")
    ap.add_argument("--full-run", help="output folder of an earlier run of the whole table")
    ap.add_argument("--reuse-samples", action="store_true",
                    help="keep subsample (and whole-table seed) runs already in --dir")
    ap.add_argument("--full-seeds", type=int, default=1,
                    help="runs of the whole table, seeds 42, 43, ...")
    a = ap.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    full = a.full_run or os.path.join(a.dir, "full")
    if not a.full_run:
        run(a.cli, a.table, full, a.threads, [])
    fulls = [full]
    for seed in range(43, 42 + a.full_seeds):
        out = os.path.join(a.dir, f"full_seed{seed}")
        fulls.append(out)
        if a.reuse_samples and os.path.exists(os.path.join(out, "clustering_metrics.csv")):
            print(f"reusing {out}", flush=True)
            continue
        run(a.cli, a.table, out, a.threads, ["--seed", str(seed)])
    parts = []
    for i in range(a.samples):
        seed = a.seed + i
        part = os.path.join(a.dir, f"sample_seed{seed}")
        parts.append(part)
        if a.reuse_samples and os.path.exists(os.path.join(part, "clustering_metrics.csv")):
            print(f"reusing {part}", flush=True)
            continue
        sample = subsample(a.table, a.sample, seed, a.dir)
        extra = ["--no-early-stop"] + (["--seed", str(seed)] if a.samples > 1 else [])
        run(a.cli, sample, part, a.threads, extra)

    mfs = [metrics(f) for f in fulls]
    ms = [metrics(p) for p in parts]
    print(f"\nepochs trained: whole table {[epochs(f) for f in fulls]}; "
          f"subsamples {[epochs(p) for p in parts]}\n")

    def cell(vals):
        mean = statistics.fmean(vals)
        if len(vals) == 1:
            return f"{mean:.3f}"
        return (f"{mean:.3f} +- {statistics.stdev(vals):.3f} "
                f"[{min(vals):.3f}, {max(vals):.3f}]")

    cols = ["silhouette", "ari", "nmi", "purity"]   # all higher-is-better
    print(f"whole table ({len(fulls)} run(s)) / {len(parts)} subsample(s): "
          "mean +- sd [min, max]")
    width = 16 + (30 if len(fulls) > 1 else 0) + (30 if len(parts) > 1 else 0)
    print(f"{'method':32}" + "".join(f"{c:>{width}}" for c in cols))
    worse = []
    for method in mfs[0]:
        if any(method not in m for m in ms + mfs):
            continue
        cells = []
        for c in cols:
            whole = [m[method][c] for m in mfs]
            vals = [m[method][c] for m in ms]
            if "" in whole or "" in vals:
                cells.append(f"{'-':>{width}}")
                continue
            whole, vals = [float(v) for v in whole], [float(v) for v in vals]
            cells.append(f"{cell(whole) + ' / ' + cell(vals):>{width}}")
            # ARI, NMI and purity: against the labels; a shortfall of the whole table's
            # mean over 0.01 below the subsamples' mean is reported.
            f, mean = statistics.fmean(whole), statistics.fmean(vals)
            if c != "silhouette" and f - mean < -0.01:
                worse.append(f"{method} {c}: {f:.3f} < {mean:.3f}")
        print(f"{method:32}" + "".join(cells))
    print("\nworse on the whole table by more than 0.01:", "; ".join(worse) if worse else "none")

if __name__ == "__main__":
    main()
