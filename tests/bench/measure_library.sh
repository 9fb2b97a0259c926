#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Measures how the excerpt position and the fusion of the two modalities change clustering
# against the labels: KMeans / Ward NMI and ARI per representation, for each setting.
#   tests/bench/measure_library.sh CLI LIBRARY [SEEDS]
# CLI: build/app/musicatlas-cli; LIBRARY: a folder of full-length tagged tracks (e.g. the one
# tests/bench/make_real_library.py makes), or "--demo" for the demo corpus. SEEDS: how many
# training seeds to average (default 3). Prints one CSV row per setting and representation.
set -euo pipefail
cli=${1:?usage: $0 CLI LIBRARY [SEEDS]}
library=${2:?usage: $0 CLI LIBRARY [SEEDS]}
seeds=${3:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ "$library" = "--demo" ]; then source=(--demo); else source=(--data-dir "$library"); fi

run() { # name, then extra flags
    local name=$1; shift
    for seed in $(seq 1 "$seeds"); do
        "$cli" run "${source[@]}" --quiet --no-figures --seed "$seed" --out "$work/$name-$seed" "$@" \
            > "$work/$name-$seed.log" 2>&1 || { echo "$name seed $seed failed" >&2; tail -3 "$work/$name-$seed.log" >&2; }
    done
    /usr/bin/python3 - "$name" "$work" "$seeds" <<'PY'
import csv, sys, statistics
name, work, seeds = sys.argv[1], sys.argv[2], int(sys.argv[3])
rows = {}
for s in range(1, seeds + 1):
    try:
        with open(f"{work}/{name}-{s}/clustering_metrics.csv") as f:
            for r in csv.DictReader(f):
                if r["nmi"]:
                    rows.setdefault(r["method"], []).append((float(r["nmi"]), float(r["ari"])))
    except FileNotFoundError:
        pass
for method, values in sorted(rows.items()):
    if method.endswith("_dbscan"):
        continue
    nmi = statistics.mean(v[0] for v in values)
    ari = statistics.mean(v[1] for v in values)
    print(f"{name},{method},{nmi:.3f},{ari:.3f},{len(values)}")
PY
}

echo "setting,method,nmi,ari,seeds"
run audio-start --use-audio --excerpt start
run audio-middle --use-audio --excerpt middle
run audio-auto --use-audio --excerpt auto
run lyrics --use-lyrics
run hybrid-concat --excerpt auto --fusion concat
run hybrid-balanced --excerpt auto --fusion balanced
