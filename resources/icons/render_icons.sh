#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Renders the application icon's PNGs from the SVGs (rsvg-convert, Debian package librsvg2-bin).
# 16 and 32 px come from musicatlas-small.svg, drawn on a 16-pixel grid; 48 px and up from
# musicatlas.svg. The PNGs are committed; run this again after editing either SVG.
set -eu
cd "$(dirname "$0")"
for size in 16 32 48 64 128 256; do
  source=musicatlas.svg
  [ "$size" -le 32 ] && source=musicatlas-small.svg
  rsvg-convert --width "$size" --height "$size" --keep-aspect-ratio "$source" \
    --output "musicatlas-$size.png"
done
