// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/similarity/playlists.h"

#include "engine/core/error.h"
#include "engine/data/track_search.h"
#include "engine/embed/knn.h"
#include "engine/similarity/neighbours.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <limits>
#include <queue>
#include <stdexcept>

namespace atlas {

namespace {

void checkRow(const Matrix& points, int row, const char* what)
{
    if (row < 0 || row >= points.rows())
        throw std::out_of_range(std::string(what) + ": row " + std::to_string(row) + " of " +
                                std::to_string(points.rows()));
}

double distance(const Matrix& points, int a, int b)
{
    return (points.row(a) - points.row(b)).norm();
}

} // namespace

void radioKeys(const Dataset& dataset, std::vector<std::string>& artists,
               std::vector<std::string>& albums)
{
    artists.clear();
    albums.clear();
    for (const Track& t : dataset.tracks) {
        artists.push_back(t.tags.artist);
        const std::string& by = t.tags.albumArtist.empty() ? t.tags.artist : t.tags.albumArtist;
        albums.push_back(t.tags.album.empty() ? std::string() : by + "\x1f" + t.tags.album);
    }
}

Radio radio(const Matrix& points, int seed, const RadioOptions& options,
            const std::vector<std::string>& artists, const std::vector<std::string>& albums)
{
    checkRow(points, seed, "radio");
    const std::size_t n = std::size_t(points.rows());
    if ((!artists.empty() && artists.size() != n) || (!albums.empty() && albums.size() != n))
        throw std::invalid_argument("radio: one artist and album key per track");
    std::vector<std::string> artistKey(n), albumKey(n);
    for (std::size_t i = 0; i < n; ++i) {
        if (!artists.empty())
            artistKey[i] = foldForSearch(artists[i]);
        if (!albums.empty())
            albumKey[i] = foldForSearch(albums[i]);
    }
    const std::size_t length = std::min(n, std::size_t(std::max(1, options.length)));
    const std::size_t artistWindow = std::size_t(std::max(0, options.noRepeatArtist));

    Radio out;
    std::vector<char> played(n, 0);
    std::vector<std::string> playedAlbums;
    std::deque<std::string> recentArtists;   // the last artistWindow tracks' artists
    const auto play = [&](int track, double step) {
        played[std::size_t(track)] = 1;
        out.tracks.push_back({track, step});
        if (!albumKey[std::size_t(track)].empty())
            playedAlbums.push_back(albumKey[std::size_t(track)]);
        if (artistWindow > 0) {
            recentArtists.push_back(artistKey[std::size_t(track)]);
            if (recentArtists.size() > artistWindow)
                recentArtists.pop_front();
        }
    };
    const auto keepsRules = [&](int track) {
        const std::string& artist = artistKey[std::size_t(track)];
        if (!artist.empty() &&
            std::find(recentArtists.begin(), recentArtists.end(), artist) != recentArtists.end())
            return false;
        const std::string& album = albumKey[std::size_t(track)];
        return !(options.noRepeatAlbum && !album.empty() &&
                 std::find(playedAlbums.begin(), playedAlbums.end(), album) != playedAlbums.end());
    };

    play(seed, 0.0);
    while (out.tracks.size() < length) {
        const int current = out.tracks.back().track;
        const std::size_t left = n - out.tracks.size();
        // The nearest unplayed tracks, more of them while none keeps the rules.
        std::size_t want = std::min<std::size_t>(64, left);
        std::vector<Neighbour> near;
        const Neighbour* chosen = nullptr;
        for (;;) {
            near = nearestRows(points, points.row(current).transpose(), int(want),
                               Distance::Euclidean, played);
            for (const Neighbour& c : near)
                if (keepsRules(c.track)) {
                    chosen = &c;
                    break;
                }
            if (chosen || want >= left)
                break;
            want = std::min(left, want * 8);
        }
        if (!chosen) {
            out.relaxed.push_back(int(out.tracks.size()));
            chosen = &near.front();
        }
        play(chosen->track, chosen->distance);
    }
    return out;
}

SongPath songPath(const Matrix& points, int from, int to, const PathOptions& options)
{
    checkRow(points, from, "songPath");
    checkRow(points, to, "songPath");
    const int n = int(points.rows());
    SongPath out;
    if (from == to) {
        out.graphPath = out.tracks = {{from, 0.0}};
        return out;
    }
    // The kNN graph, symmetrised.
    const int k = std::min(std::max(1, options.neighbours), n - 1);
    const bool exact = n <= options.exactKnnMaxPoints;
    const detail::KnnGraph knn = exact ? detail::exactKnn(points, k) : detail::hnswKnn(points, k);
    out.approximateGraph = !exact;
    std::vector<std::vector<std::pair<int, double>>> edges(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < k; ++j) {
            const int other = knn.indices(i, j);
            const double d = knn.distances(i, j);
            edges[std::size_t(i)].push_back({other, d});
            edges[std::size_t(other)].push_back({i, d});
        }

    // Dijkstra from `from`, stopping when `to` is settled; ties settle the lower row first.
    std::vector<double> dist(std::size_t(n), std::numeric_limits<double>::infinity());
    std::vector<int> previous(std::size_t(n), -1);
    using Item = std::pair<double, int>;
    std::priority_queue<Item, std::vector<Item>, std::greater<>> queue;
    dist[std::size_t(from)] = 0.0;
    queue.push({0.0, from});
    while (!queue.empty()) {
        const auto [d, node] = queue.top();
        queue.pop();
        if (d > dist[std::size_t(node)])
            continue;
        if (node == to)
            break;
        for (const auto& [next, w] : edges[std::size_t(node)]) {
            const double candidate = d + w;
            if (candidate < dist[std::size_t(next)] ||
                (candidate == dist[std::size_t(next)] && node < previous[std::size_t(next)])) {
                dist[std::size_t(next)] = candidate;
                previous[std::size_t(next)] = node;
                queue.push({candidate, next});
            }
        }
    }
    if (!std::isfinite(dist[std::size_t(to)]))
        throw InputError("the two tracks are not connected on the " + std::to_string(k) +
                         "-nearest-neighbour graph of this space (they lie in separate groups "
                         "of tracks); a larger number of neighbours joins more groups");
    std::vector<int> rows;
    for (int at = to; at != -1; at = previous[std::size_t(at)])
        rows.push_back(at);
    std::reverse(rows.begin(), rows.end());
    for (std::size_t i = 0; i < rows.size(); ++i)
        out.graphPath.push_back({rows[i], i == 0 ? 0.0 : distance(points, rows[i - 1], rows[i])});
    out.length = dist[std::size_t(to)];

    const int steps = std::min(options.steps, n);
    if (steps < 2) {
        out.tracks = out.graphPath;
        return out;
    }
    // Resampled: evenly spaced points along the graph path's polyline, each the nearest track
    // not yet in the list.
    std::vector<double> along(rows.size(), 0.0);
    for (std::size_t i = 1; i < rows.size(); ++i)
        along[i] = along[i - 1] + out.graphPath[i].step;
    std::vector<char> used(std::size_t(n), 0);
    used[std::size_t(from)] = used[std::size_t(to)] = 1;
    std::vector<int> chosen = {from};
    std::size_t segment = 1;
    for (int s = 1; s + 1 < steps; ++s) {
        const double t = along.back() * double(s) / double(steps - 1);
        while (segment + 1 < along.size() && along[segment] < t)
            ++segment;
        const double span = along[segment] - along[segment - 1];
        const double f = span > 0.0 ? std::clamp((t - along[segment - 1]) / span, 0.0, 1.0) : 0.0;
        const Vector point = ((1.0 - f) * points.row(rows[segment - 1]) + f * points.row(rows[segment])).transpose();
        const auto nearest = nearestRows(points, point, 1, Distance::Euclidean, used);
        if (nearest.empty())
            break;
        used[std::size_t(nearest.front().track)] = 1;
        chosen.push_back(nearest.front().track);
    }
    chosen.push_back(to);
    for (std::size_t i = 0; i < chosen.size(); ++i)
        out.tracks.push_back({chosen[i], i == 0 ? 0.0 : distance(points, chosen[i - 1], chosen[i])});
    return out;
}

} // namespace atlas
