#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The sanitizer job: builds the engine, its tests and the fuzz targets with clang under
# AddressSanitizer + UndefinedBehaviorSanitizer (a second build folder), runs the engine tests,
# then each fuzz target over its committed corpus for a bounded number of runs. Any finding
# fails the job; the fuzzers' reproducers are kept in <build>/fuzz-artifacts/.
#   tests/fuzz/run.sh              build, engine tests, fuzzers
#   tests/fuzz/run.sh fuzz         build, fuzzers only
#   tests/fuzz/run.sh tests        build, engine tests only
# Environment: SANITIZE_BUILD_DIR (default build-sanitize), JOBS (default: all cores),
# FUZZ_RUNS (per target, default 20000), FUZZ_SECONDS (per target, default 15),
# FUZZ_TARGETS (default: all), SANITIZE_TESTS (default: the tests below; "all": every engine
# test), ATLAS_CMAKE_ARGS (extra).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${SANITIZE_BUILD_DIR:-$here/build-sanitize}
jobs=${JOBS:-$(nproc)}
mode=${1:-all}
runs=${FUZZ_RUNS:-20000}
seconds=${FUZZ_SECONDS:-15}
targets=${FUZZ_TARGETS:-"audio_decoder csv manifest tags lyrics_sidecar feature_cache feature_table model session"}

# Longest input each fuzzer tries: above its largest seed, small enough to keep runs fast.
declare -A max_len=([audio_decoder]=16384 [tags]=16384 [session]=131072 [model]=8192
                    [csv]=8192 [manifest]=4096 [lyrics_sidecar]=4096 [feature_cache]=4096
                    [feature_table]=8192)

# The engine tests run under the sanitizers in CI: those of the readers and file formats and the
# quick numerical ones. Left out (SANITIZE_TESTS=all runs them): the tests that train networks,
# synthesise the demo corpus or run whole pipelines (t-SNE, UMAP, DBSCAN, VAE, demo corpus,
# library formats, sessions of a 40-track run, playback): at -O1 under ASan each takes minutes,
# which the 30-minute CI budget cannot hold; they read no user files, and the session reader is
# covered by fuzz_session and its seeds written by a real run.
tests=${SANITIZE_TESTS:-"test_core test_binary_container test_decoder test_resampler test_csv test_lyrics test_metadata
  test_feature_cache test_standardize test_mfcc test_tfidf test_audio_features test_model_io
  test_playlist test_library test_pca test_network test_scores test_external_metrics
  test_cluster_summary test_point_index test_transform"}

# -O1 with line tables only: sanitizer stacks name files and lines, with less debug
# information to build than -g. Warnings are the GCC build's job (ATLAS_WERROR there);
# clang's differ in GCC-only pragmas. OpenMP stays on (the engine as shipped);
# ATLAS_CMAKE_ARGS=-DATLAS_WITH_OPENMP=OFF builds the serial engine instead.
extra=()
[ -n "${ATLAS_CMAKE_ARGS:-}" ] && read -r -a extra <<< "$ATLAS_CMAKE_ARGS"
CXX=${CXX:-clang++} cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" \
  -DATLAS_SANITIZE=address,undefined -DATLAS_FUZZ=ON \
  -DATLAS_BUILD_GUI=OFF -DATLAS_BUILD_FIGURES=OFF -DATLAS_BUILD_BENCH=OFF "${extra[@]}" \
  -DATLAS_WERROR=OFF

build_targets=()
if [ "$mode" != fuzz ]; then
  if [ "$tests" = all ]; then build_targets+=(atlas_engine_tests); else read -r -a t <<< "$(echo $tests)"; build_targets+=("${t[@]}"); fi
fi
[ "$mode" != tests ] && build_targets+=(atlas_fuzzers)
cmake --build "$build" -j "$jobs" --target "${build_targets[@]}"

# Findings abort with a stack; leaks are findings too.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:strict_string_checks=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$here/tests/fuzz/lsan.supp:print_suppressions=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

if [ "$mode" != fuzz ]; then
  if [ "$tests" = all ]; then
    (cd "$build" && ctest -L engine --output-on-failure -j "$jobs")
  else
    (cd "$build" && ctest -L engine -R "^($(echo $tests | tr ' ' '|'))\$" --output-on-failure -j "$jobs")
  fi
fi

if [ "$mode" != tests ]; then
  artifacts=$build/fuzz-artifacts
  mkdir -p "$artifacts"
  for t in $targets; do
    # New inputs go to a scratch folder; the committed corpus is only read.
    scratch=$(mktemp -d)
    echo "== fuzz_$t: up to $runs runs or $seconds s over tests/fuzz/corpus/$t"
    if ! "$build/tests/fuzz/fuzz_$t" -runs="$runs" -max_total_time="$seconds" \
        -max_len="${max_len[$t]}" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=1024 \
        -print_final_stats=1 -artifact_prefix="$artifacts/$t-" \
        "$scratch" "$here/tests/fuzz/corpus/$t" 2> "$artifacts/$t.log"; then
      tail -n 60 "$artifacts/$t.log"
      echo "fuzz_$t found a problem; reproducer in $artifacts (see the README's Fuzzing)" >&2
      rm -rf "$scratch"
      exit 1
    fi
    grep -E "^stat::(number_of_executed_units|peak_rss_mb)|^Done" "$artifacts/$t.log" || true
    rm -rf "$scratch"
  done
fi
