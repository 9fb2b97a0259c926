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

// --session's file; a usage error naming `command` without it.
std::filesystem::path sessionPath(const Options& options, const char* command)
{
    if (!options.has("session"))
        throw UsageError(std::string(command) + " needs --session FILE (a session saved by run "
                         "--save-session or the app)");
    return options.path("session");
}

// The latent space radio and path walk in: --representation's, or the first trained.
SearchSpace latentSpace(const Options& options, const RunResult& run)
{
    return searchSpace(run, SimilaritySpace::Latent, chosenRepresentation(options, run));
}

// Prints tracks as CSV on standard output: `first` (rank or position), track_id, path,
// artist, title, distance.
int printTracks(const RunResult& run, const char* first,
                const std::vector<std::pair<int, double>>& rows)
{
    CsvWriter csv(std::cout);
    csv.row({first, "track_id", "path", "artist", "title", "distance"});
    int number = 0;
    for (const auto& [track, distance] : rows) {
        const Track& t = run.dataset.tracks[std::size_t(track)];
        csv.row({std::to_string(++number), t.id, t.path.string(), t.tags.artist, t.tags.title,
                 csvNumber(distance)});
    }
    std::cout.flush();
    return std::cout ? 0 : 1;
}

// Prints a playlist (position,...,distance from the track before) and, with --m3u FILE,
// writes it as an M3U playlist.
int printPlaylist(const Options& options, const RunResult& run,
                  const std::vector<PlaylistStep>& steps)
{
    std::vector<std::pair<int, double>> rows;
    std::vector<Track> files;
    for (const PlaylistStep& s : steps) {
        rows.emplace_back(s.track, s.step);
        if (!run.dataset.tracks[std::size_t(s.track)].path.empty())
            files.push_back(run.dataset.tracks[std::size_t(s.track)]);
    }
    const int status = printTracks(run, "position", rows);
    if (options.has("m3u")) {
        const auto entries = playlistEntries(files, true);
        writePlaylist(options.path("m3u"), entries);
        std::cerr << "musicatlas-cli: playlist of " << entries.size() << " tracks written to "
                  << options.path("m3u").string() << "\n";
    }
    return status;
}

} // namespace

int runSimilar(const Options& options)
{
    const std::filesystem::path session = sessionPath(options, "similar");
    if (!options.has("track"))
        throw UsageError("similar needs --track ID_OR_PATH");
    SimilaritySpace space = SimilaritySpace::Latent;
    if (options.has("space") && !parseSpaceKey(options.text("space"), space))
        throw UsageError("--space must be latent, audio or lyrics (got \"" + options.text("space") + "\")");
    const int k = options.integer("k", 20);
    if (k < 1)
        throw UsageError("-k must be at least 1");

    const RunResult run = loadSession(session);
    const Representation representation = chosenRepresentation(options, run);
    const int query = findTrack(run.dataset, options.text("track"));
    const SearchSpace searched = searchSpace(run, space, representation);
    const auto neighbours = nearestRows(*searched.points, query, k, searched.distance);

    std::cerr << "musicatlas-cli: " << neighbours.size() << " tracks nearest to "
              << run.dataset.tracks[std::size_t(query)].displayName() << " in " << searched.description << "\n";
    std::vector<std::pair<int, double>> rows;
    for (const Neighbour& n : neighbours)
        rows.emplace_back(n.track, n.distance);
    return printTracks(run, "rank", rows);
}

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
    const RunResult run = loadSession(sessionPath(options, "radio"));
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
    const RunResult run = loadSession(sessionPath(options, "path"));
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
