// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/cli_similarity.h"

#include "engine/data/csv.h"
#include "engine/io/session_io.h"
#include "engine/io/playlist.h"
#include "engine/similarity/neighbours.h"
#include "engine/similarity/playlists.h"
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

const RunResult loadRequiredSession(const Options& options, const char* command)
{
    if (!options.has("session"))
        throw UsageError(std::string(command) + " needs --session FILE (a session saved by run "
                         "--save-session or the app)");
    return loadSession(options.path("session"));
}

// The latent space radio and path walk in: --representation's, or the first trained.
SearchSpace latentSpace(const Options& options, const RunResult& run)
{
    return searchSpace(run, SimilaritySpace::Latent, chosenRepresentation(options, run));
}

// Prints a playlist as CSV (position,track_id,path,artist,title,distance: the distance from
// the track before) and, with --m3u FILE, writes it as an M3U playlist.
int printPlaylist(const Options& options, const RunResult& run,
                  const std::vector<PlaylistStep>& steps)
{
    const auto& tracks = run.dataset.tracks;
    CsvWriter csv(std::cout);
    csv.row({"position", "track_id", "path", "artist", "title", "distance"});
    int position = 0;
    for (const PlaylistStep& s : steps) {
        const Track& t = tracks[std::size_t(s.track)];
        csv.row({std::to_string(++position), t.id, t.path.string(), t.tags.artist, t.tags.title,
                 csvNumber(s.step)});
    }
    std::cout.flush();
    if (options.has("m3u")) {
        std::vector<Track> chosen;
        for (const PlaylistStep& s : steps)
            if (!tracks[std::size_t(s.track)].path.empty())
                chosen.push_back(tracks[std::size_t(s.track)]);
        const auto entries = playlistEntries(chosen, true);
        writePlaylist(options.path("m3u"), entries);
        std::cerr << "musicatlas-cli: playlist of " << entries.size() << " tracks written to "
                  << options.path("m3u").string() << "\n";
    }
    return std::cout ? 0 : 1;
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

namespace atlas::cli {

int runRadio(const Options& options)
{
    if (!options.has("track"))
        throw UsageError("radio needs --track ID_OR_PATH (the first track)");
    RadioOptions radioOptions;
    radioOptions.length = options.integer("n", 30);
    radioOptions.noRepeatArtist = options.integer("no-repeat-artist", 0);
    radioOptions.noRepeatAlbum = options.has("no-repeat-album");
    if (radioOptions.length < 1)
        throw UsageError("-n must be at least 1");
    if (radioOptions.noRepeatArtist < 0)
        throw UsageError("--no-repeat-artist must be 0 or more");
    const RunResult run = loadRequiredSession(options, "radio");
    const int seed = findTrack(run.dataset, options.text("track"));
    const SearchSpace space = latentSpace(options, run);
    std::vector<std::string> artists, albums;
    radioKeys(run.dataset, artists, albums);
    const Radio r = radio(*space.points, seed, radioOptions, artists, albums);
    std::cerr << "musicatlas-cli: radio of " << r.tracks.size() << " tracks from "
              << run.dataset.tracks[std::size_t(seed)].displayName() << " in " << space.description
              << "\n";
    if (!r.relaxed.empty())
        std::cerr << "musicatlas-cli: at " << r.relaxed.size() << " of the steps no track kept "
                  << "the artist and album rules; the nearest track was taken\n";
    return printPlaylist(options, run, r.tracks);
}

int runPath(const Options& options)
{
    if (!options.has("from") || !options.has("to"))
        throw UsageError("path needs --from ID_OR_PATH and --to ID_OR_PATH");
    PathOptions pathOptions;
    pathOptions.steps = options.integer("n", 12);
    if (pathOptions.steps < 0)
        throw UsageError("-n must be 0 (the graph's path as it is) or more");
    const RunResult run = loadRequiredSession(options, "path");
    const int from = findTrack(run.dataset, options.text("from"));
    const int to = findTrack(run.dataset, options.text("to"));
    const SearchSpace space = latentSpace(options, run);
    const SongPath p = songPath(*space.points, from, to, pathOptions);
    std::cerr << "musicatlas-cli: path of " << p.tracks.size() << " tracks in " << space.description
              << "; the shortest path on its " << pathOptions.neighbours
              << "-nearest-neighbour graph crosses " << p.graphPath.size() << " tracks"
              << (p.approximateGraph ? " (graph found approximately)" : "") << "\n";
    return printPlaylist(options, run, p.tracks);
}

} // namespace atlas::cli
