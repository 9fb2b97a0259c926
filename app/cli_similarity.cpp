// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/cli_similarity.h"

#include "engine/data/csv.h"
#include "engine/io/session_io.h"
#include "engine/similarity/neighbours.h"
#include "engine/similarity/track_lookup.h"

#include <iostream>

namespace atlas::cli {

namespace {

// The representation --representation names, or the first of the run's that trained.
Representation chosenRepresentation(const Options& options, const RunResult& run)
{
    if (options.has("representation")) {
        Representation r = Representation::Pca;
        if (!parseRepresentationKey(options.text("representation"), r))
            throw UsageError("--representation must be one of pca, ae, vae, betavae, cvae (got \"" +
                             options.text("representation") + "\")");
        return r;
    }
    for (const RepresentationResult& r : run.representations)
        if (r.ok)
            return r.kind;
    return run.representations.empty() ? Representation::Pca : run.representations.front().kind;
}

} // namespace

int runSimilar(const Options& options)
{
    if (!options.has("session"))
        throw UsageError("similar needs --session FILE (a session saved by run --save-session "
                         "or the app)");
    if (!options.has("track"))
        throw UsageError("similar needs --track ID_OR_PATH");
    SimilaritySpace space = SimilaritySpace::Latent;
    if (options.has("space") && !parseSpaceKey(options.text("space"), space))
        throw UsageError("--space must be latent, audio or lyrics (got \"" + options.text("space") + "\")");
    const int k = options.integer("k", 20);
    if (k < 1)
        throw UsageError("-k must be at least 1");

    const RunResult run = loadSession(options.path("session"));
    const Representation representation = chosenRepresentation(options, run);
    const int query = findTrack(run.dataset, options.text("track"));
    const SearchSpace searched = searchSpace(run, space, representation);
    const auto neighbours = nearestRows(*searched.points, query, k, searched.distance);

    const auto& tracks = run.dataset.tracks;
    std::cerr << "musicatlas-cli: " << neighbours.size() << " tracks nearest to "
              << tracks[std::size_t(query)].displayName() << " in " << searched.description << "\n";
    CsvWriter csv(std::cout);
    csv.row({"rank", "track_id", "path", "artist", "title", "distance"});
    int rank = 0;
    for (const Neighbour& n : neighbours) {
        const Track& t = tracks[std::size_t(n.track)];
        csv.row({std::to_string(++rank), t.id, t.path.string(), t.tags.artist, t.tags.title,
                 csvNumber(n.distance)});
    }
    std::cout.flush();
    return std::cout ? 0 : 1;
}

} // namespace atlas::cli
