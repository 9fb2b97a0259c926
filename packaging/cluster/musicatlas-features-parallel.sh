#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# MusicAtlas feature extraction in shards under GNU parallel, on this machine or several.
#
#   MANIFEST=tracks.csv OUT_DIR=shards packaging/cluster/musicatlas-features-parallel.sh 16
#   MANIFEST=tracks.csv OUT_DIR=shards packaging/cluster/musicatlas-features-parallel.sh 64 \
#       --sshlogin 8/node1,8/node2 --workdir .
#   musicatlas-cli merge shards/shard-*.csv --out features.csv
#
# The first argument is the shard count; the others go to parallel (by default one job per
# core of this machine: -j, --sshlogin and --workdir as parallel's manual says; with several
# machines, MANIFEST, OUT_DIR and the music must be at the same paths on each, e.g. on a
# shared file system). Each job runs `features --shard I/N` with one decoding thread and
# writes OUT_DIR/shard-I.csv; a shard run again skips the tracks its table holds, so the same
# command run again finishes what a stopped run left.
#
# Environment: MANIFEST, OUT_DIR, MUSICATLAS_CLI (default musicatlas-cli on PATH) and
# MUSICATLAS_ARGS, as for musicatlas-features.sbatch.
set -euo pipefail

shards=${1:?usage: $0 SHARDS [parallel options]}
shift
cli=${MUSICATLAS_CLI:-musicatlas-cli}
: "${MANIFEST:?set MANIFEST to the manifest CSV}"
: "${OUT_DIR:?set OUT_DIR to the folder of the shard tables}"
mkdir -p "$OUT_DIR"

seq 0 $((shards - 1)) | parallel --will-cite --halt now,fail=1 "$@" \
  "$cli" features --manifest "$MANIFEST" --shard "{}/$shards" --threads 1 \
  --out "$OUT_DIR/shard-{}.csv" --quiet ${MUSICATLAS_ARGS:-}
