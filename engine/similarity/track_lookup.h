// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Finding a track of a run by what a user types: its id, its file's path or the end of it,
// its title.

#include "engine/pipeline/dataset.h"
#include "engine/pipeline/pipeline.h"

#include <string>

namespace atlas {

/// The row of the track `what` names in `dataset`: the track whose id is `what`; else whose
/// path is `what` (as written, or the same file once both are made absolute and normalised);
/// else the one track whose id or path ends with `what` at a folder boundary ("blues.00003",
/// "Album/03 - Song.flac"); else the one track whose title, or "Artist - Title", is `what`
/// folded as the track search folds text (foldForSearch: case and Latin accents ignored).
/// Throws InputError saying why when none matches, or when several paths end that way (the
/// first few named).
int findTrack(const Dataset& dataset, const std::string& what);

/// The representation whose key (pca, ae, vae, betavae, cvae) is `key`; false when none is.
bool parseRepresentationKey(const std::string& key, Representation& representation);

} // namespace atlas
