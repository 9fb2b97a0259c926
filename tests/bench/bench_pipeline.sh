#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# End-to-end benchmark: `musicatlas-cli run --demo` against the Python reference stack
# (bench_pipeline.py: numpy MFCC, scikit-learn, torch, umap-learn) on the same demo corpus,
# measured in the same invocation.
#
# usage: tests/bench/bench_pipeline.sh [CLI] [THREADS]
#   CLI      path to musicatlas-cli (default: build/app/musicatlas-cli)
#   THREADS  worker threads for both sides (default 2): --threads for ours; OMP/BLAS/numba
#            threads and torch.set_num_threads for Python. Python's neural models are also
#            retrained with 1 torch thread afterwards ("<rep>.train@1", not in its total).
# environment: BENCH_WORK (default /tmp/musicatlas-bench) holds the corpus, caches and outputs;
#              PYTHON (default /usr/bin/python3, the interpreter with the Debian packages);
#              BENCH_SUMMARY_ONLY=1 reprints the tables of the last runs in BENCH_WORK.
#
# Runs, in order:
#   0. demo corpus generation if missing (not timed)
#   a. ours, cold: XDG_CACHE_HOME is a fresh folder holding only a link to the demo corpus,
#      so every track is decoded and analysed
#   b. ours, warm: the same again, features now come from the feature cache
#   c. Python reference on the corpus folder (always computes its features)
# then prints wall-clock seconds, the ratio Python / ours, and the per-stage timings of
# ours (DIR/run.json "timings_s") beside Python's (same stage names).
# The wall time of ours also includes writing tables and the PNG figures; run.json total_s
# does not. Results are only meaningful on an otherwise idle machine: the load average is
# printed before and after each run.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
cli=$(realpath "${1:-$repo/build/app/musicatlas-cli}")
threads=${2:-2}
work=${BENCH_WORK:-/tmp/musicatlas-bench}
python=${PYTHON:-/usr/bin/python3}
[[ -x $cli ]] || { echo "no executable at $cli" >&2; exit 1; }

mkdir -p "$work"
corpus_cache=$work/corpus-cache
load() { cut -d' ' -f1-3 /proc/loadavg; }

# 0. Demo corpus (generated once, kept between invocations).
corpus=$(ls -d "$corpus_cache"/musicatlas/demo-* 2>/dev/null | head -1 || true)
if [[ ${BENCH_SUMMARY_ONLY:-0} == 1 ]]; then
    :
elif [[ -z $corpus || ! -f $corpus/.complete ]]; then
    echo "generating the demo corpus in $corpus_cache (not timed) ..."
    XDG_CACHE_HOME=$corpus_cache "$cli" features --demo --threads "$threads" --quiet \
        --out "$work/generate.csv" >/dev/null
    corpus=$(ls -d "$corpus_cache"/musicatlas/demo-* | head -1)
fi
echo "corpus: $corpus ($(tail -n +2 "$corpus/manifest.csv" | wc -l) tracks)"

# A fresh cache folder that holds the corpus but no cached features.
cache=$work/run-cache
if [[ ${BENCH_SUMMARY_ONLY:-0} != 1 ]]; then
    rm -rf "$cache" "$work/out-cold" "$work/out-warm"
    mkdir -p "$cache/musicatlas"
    ln -s "$corpus" "$cache/musicatlas/$(basename "$corpus")"
fi

timed() {  # timed NAME CMD... : wall seconds into $work/NAME.seconds, output into NAME.log
    local name=$1; shift
    echo "[$name] load before: $(load)"
    local start end
    start=$(date +%s.%N)
    "$@" >"$work/$name.log" 2>&1 || { echo "[$name] failed, see $work/$name.log" >&2; exit 1; }
    end=$(date +%s.%N)
    echo "$end - $start" | bc >"$work/$name.seconds"
    echo "[$name] $(cat "$work/$name.seconds") s, load after: $(load)"
}

export OMP_NUM_THREADS=$threads
if [[ ${BENCH_SUMMARY_ONLY:-0} != 1 ]]; then
timed ours-cold env XDG_CACHE_HOME="$cache" "$cli" run --demo --threads "$threads" --quiet \
    --out "$work/out-cold"
timed ours-warm env XDG_CACHE_HOME="$cache" "$cli" run --demo --threads "$threads" --quiet \
    --out "$work/out-warm"
timed python env OPENBLAS_NUM_THREADS="$threads" MKL_NUM_THREADS="$threads" \
    NUMBA_NUM_THREADS="$threads" "$python" "$here/bench_pipeline.py" "$corpus" \
    --torch-threads "$threads" --also-torch-threads 1 --json "$work/python.json" --quiet
fi

"$python" - "$work" "$threads" <<'EOF'
import json, math, sys
work, threads = sys.argv[1], sys.argv[2]
sec = {k: float(open(f"{work}/{k}.seconds").read()) for k in ("ours-cold", "ours-warm", "python")}
cold = json.load(open(f"{work}/out-cold/run.json"))
warm = json.load(open(f"{work}/out-warm/run.json"))
py = json.load(open(f"{work}/python.json"))

print()
print(f"threads: ours --threads {cold['config']['threads']} (OMP_NUM_THREADS={threads}); "
      f"python OMP/BLAS/numba {py['omp_num_threads']}, torch {py['torch_threads']} "
      f"(and 1, below)")
print(f"features: ours cold computed {cold['dataset']['features_computed']}, "
      f"warm from cache {warm['dataset']['features_from_cache']}; "
      f"python {py['tracks']} x {py['columns']}")
print()
# The Python process also retrains its models with 1 torch thread after the pipeline, so its
# wall time is longer than its pipeline: the ratio uses its in-process total_s (which counts
# the imports), ours uses the wall time of the whole command (figures and tables included).
pyt = py["total_s"]
print(f"{'end to end':40s} {'seconds':>9s} {'python/ours':>12s}")
for k in ("ours-cold", "ours-warm"):
    print(f"{k + ' (wall, figures included)':40s} {sec[k]:9.1f} {pyt / sec[k]:11.2f}x")
print(f"{'python total_s (imports to last UMAP)':40s} {pyt:9.1f}")
t1 = {k[:-2]: v for k, v in py["timings_s"].items() if k.endswith(".train@1")}
if t1:
    py1 = pyt - sum(py["timings_s"][k] for k in t1) + sum(t1.values())
    print(f"{'python, torch models timed at 1 thread':40s} {py1:9.1f}   python/ours: "
          f"cold {py1 / sec['ours-cold']:.2f}x, warm {py1 / sec['ours-warm']:.2f}x")
print(f"{'python wall (+ the 1-thread retraining)':40s} {sec['python']:9.1f}")
print(f"{'ours total_s cold / warm (run.json)':40s} {cold['total_s']:9.1f} {warm['total_s']:9.1f}"
      "   (no tables/figures)")

print()
pt, ct, wt = py["timings_s"], cold["timings_s"], warm["timings_s"]
keys = list(dict.fromkeys(list(pt) + list(ct)))
print(f"{'stage':24s} {'ours cold':>10s} {'ours warm':>10s} {'python':>9s} {'py/warm':>8s}")
def f(v):
    return f"{v:10.2f}" if v is not None else f"{'-':>10s}"
for k in keys:
    c, w, p = ct.get(k), wt.get(k), pt.get(k)
    ratio = f"{p / w:7.1f}x" if (p is not None and w) else f"{'':>8s}"
    print(f"{k:24s} {f(c)} {f(w)} {f(p)[1:]} {ratio}")
EOF
