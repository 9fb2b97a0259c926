// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// musicatlas-cli's commands on a saved session: similar, radio, path.

#include "app/cli_options.h"

namespace atlas::cli {

/// `similar --session FILE --track ID_OR_PATH [--representation KEY] [--space S] [-k N]`:
/// prints the track's nearest tracks as CSV (rank,track_id,path,artist,title,distance).
int runSimilar(const Options& options);

/// `radio --session FILE --track ID [-n 30] [--no-repeat-artist M] [--no-repeat-album]`:
/// a playlist that walks from the track to the nearest track not yet played.
int runRadio(const Options& options);

/// `path --session FILE --from A --to B [-n 12]`: a playlist from one track to another along
/// the shortest path on the latent kNN graph.
int runPath(const Options& options);

} // namespace atlas::cli
