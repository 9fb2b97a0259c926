// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Playlists from the latent space: radio (from one track, always on to the nearest track not
// yet played) and song paths (from one track to another along the kNN graph).

#include "engine/core/types.h"
#include "engine/pipeline/dataset.h"

#include <string>
#include <vector>

namespace atlas {

struct RadioOptions {
    int length = 30;            ///< tracks in the playlist, the seed included
    int noRepeatArtist = 0;     ///< no track by an artist among the last M tracks (0: off)
    bool noRepeatAlbum = false; ///< no second track of an album already played
};

/// One track of a playlist and its distance from the track before it (0 for the first).
struct PlaylistStep {
    int track = -1;
    double step = 0.0;
    friend bool operator==(const PlaylistStep&, const PlaylistStep&) = default;
};

struct Radio {
    std::vector<PlaylistStep> tracks;   ///< the seed first
    /// Steps where no track kept the artist/album rules and the nearest unplayed track was
    /// taken instead (0-based positions in `tracks`).
    std::vector<int> relaxed;
};

/// Radio from `seed`: each next track is the nearest (Euclidean in `points`) not yet played
/// that keeps the rules; `artists` and `albums` give each row's keys (compared folded as the
/// track search folds them: case and Latin accents ignored; an empty key matches nothing, so untagged tracks never block each other). When no
/// unplayed track keeps the rules, the nearest unplayed one is taken and the step is listed in
/// Radio::relaxed. Stops early when every track is played. Deterministic: ties go to the
/// lower row.
Radio radio(const Matrix& points, int seed, const RadioOptions& options,
            const std::vector<std::string>& artists = {},
            const std::vector<std::string>& albums = {});

/// The artist and album keys of a dataset's tracks for radio(): the artist tag, and the album
/// tag qualified by the album artist (or artist), so that two albums called "Greatest Hits"
/// stay apart.
void radioKeys(const Dataset& dataset, std::vector<std::string>& artists,
               std::vector<std::string>& albums);

struct PathOptions {
    int neighbours = 10;   ///< k of the kNN graph
    int steps = 0;         ///< resample to this many tracks (0: the graph path as it is)
    /// Above this many tracks the kNN graph is found approximately (HNSW), as UMAP does.
    int exactKnnMaxPoints = 20'000;
};

struct SongPath {
    /// The shortest path on the graph, from `from` to `to` (both included).
    std::vector<PlaylistStep> graphPath;
    double length = 0.0;                 ///< its total Euclidean length
    /// The playlist: graphPath, or with PathOptions::steps > 1, that many tracks: `from`,
    /// then for each evenly spaced point along the graph path the nearest track not already
    /// in the list, then `to`.
    std::vector<PlaylistStep> tracks;
    bool approximateGraph = false;       ///< the kNN graph was found with HNSW
};

/// The shortest path from row `from` to row `to` of `points` on the symmetrised kNN graph
/// (an edge joins i and j when either is among the other's k nearest; its length is their
/// Euclidean distance), by Dijkstra's algorithm. Throws InputError when the two are in
/// different components of the graph (say so: a larger k joins them).
SongPath songPath(const Matrix& points, int from, int to, const PathOptions& options = {});

} // namespace atlas
