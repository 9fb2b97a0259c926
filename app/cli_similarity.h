// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// musicatlas-cli's commands on a saved session: similar.

#include "app/cli_options.h"

namespace atlas::cli {

/// `similar --session FILE --track ID_OR_PATH [--representation KEY] [--space S] [-k N]`:
/// prints the track's nearest tracks as CSV (rank,track_id,path,artist,title,distance).
int runSimilar(const Options& options);

} // namespace atlas::cli
