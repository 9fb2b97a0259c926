// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QColor>

namespace atlas::ui {

/// Colour of class `index` (cluster id or genre index, >= 0) in every figure, so that the
/// same index has the same colour in a cluster map, a genre map and a bar chart.
///
/// Indices 0-9 are Tableau 10 (matplotlib's "tab10") with its grey replaced by a dark
/// indigo, 10-19 the light variants of the same hues ("tab20"'s second members, light grey
/// replaced by light indigo): grey is kept for DBSCAN noise and unlabelled tracks only.
/// Indices >= 20 continue with hues on the golden-angle sequence (distinct, not optimal).
/// Negative indices give noiseColor(). Thread-safe (pure function).
QColor categoricalColor(int index);

/// Light grey (#c0c0c0) for DBSCAN noise (label -1) and unlabelled tracks.
QColor noiseColor();

} // namespace atlas::ui
