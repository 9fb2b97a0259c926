#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Set up a fresh Debian 12 machine for MusicAtlas and build it.
#   packaging/bootstrap.sh run    install what is missing, build (Release), run the main job
#   packaging/bootstrap.sh test   install what is missing (with GNU parallel and Slurm for the
#                                 cluster tests), build (Release), run the test suite
#   packaging/bootstrap.sh sanitize   also install clang, then tests/fuzz/run.sh: the engine
#                                 tests and the fuzz targets under ASan + UBSan (build-sanitize/)
# Environment: BUILD_DIR (default build), JOBS (default: all cores), ATLAS_CMAKE_ARGS (extra).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${BUILD_DIR:-$here/build}
jobs=${JOBS:-$(nproc)}
mode=${1:-run}

packages=(
  build-essential cmake pkg-config
  qt6-base-dev qt6-charts-dev qt6-multimedia-dev qt6-svg-dev libqt6opengl6-dev
  libeigen3-dev libfftw3-dev libsndfile1-dev libsoxr-dev libhnswlib-dev
  libavformat-dev libavcodec-dev libavutil-dev libtag1-dev ffmpeg
  xvfb xauth libgl1-mesa-dri libglx-mesa0 libqt6svg6 fonts-dejavu-core
  gstreamer1.0-plugins-base gstreamer1.0-plugins-good pulseaudio pulseaudio-utils
  desktop-file-utils appstream dpkg-dev file
)
# The test suite's schedulers: sharded extraction runs under GNU parallel and under a
# one-node Slurm cluster that test_cluster starts (as root) and stops.
test_packages=(parallel slurm-wlm munge)
# The sanitizer job's compiler: clang with libFuzzer and the sanitizer runtimes, and its OpenMP.
sanitize_packages=(clang libclang-rt-14-dev libomp-14-dev)

install_missing() {
  local missing=()
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "Installing: ${missing[*]}"
  local sudo=()
  [ "$(id -u)" -ne 0 ] && sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

build_all() {
  local extra=()
  [ -n "${ATLAS_CMAKE_ARGS:-}" ] && read -r -a extra <<< "$ATLAS_CMAKE_ARGS"
  cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=Release "${extra[@]}"
  cmake --build "$build" -j "$jobs"
}

case "$mode" in
  run)
    install_missing
    build_all
    if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ -x "$build/app/musicatlas" ]; then
      exec "$build/app/musicatlas" --demo
    fi
    out="$here/results"
    "$build/app/musicatlas-cli" run --demo --out "$out"
    ;;
  test)
    packages+=("${test_packages[@]}")
    install_missing
    build_all
    cd "$build"
    ctest --output-on-failure -j "$jobs"
    ;;
  sanitize)
    packages+=("${sanitize_packages[@]}")
    install_missing
    JOBS=$jobs exec "$here/tests/fuzz/run.sh"
    ;;
  *)
    echo "usage: $0 run|test|sanitize" >&2
    exit 2
    ;;
esac
