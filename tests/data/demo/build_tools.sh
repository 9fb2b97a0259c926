#!/bin/sh
# Builds make_demo_corpus against an existing build tree (default: build-demo), which is
# configured with ATLAS_NATIVE=ON (the default; Eigen objects need matching -march flags).
# usage: tests/data/demo/build_tools.sh [build-dir]
set -e
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
build=${1:-$repo/build-demo}
out=$build/make_demo_corpus
g++ -std=c++20 -O3 -DNDEBUG -march=native -fopenmp -I"$repo" -I/usr/include/eigen3 "$here/make_demo_corpus.cpp" \
    "$build/engine/libatlas_data.a" "$build/engine/libatlas_audio.a" \
    "$build/engine/libatlas_core.a" -lsndfile -lsoxr -o "$out"
echo "$out"
