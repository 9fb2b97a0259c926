// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/similarity/track_lookup.h"

#include "engine/core/error.h"
#include "engine/data/track_search.h"

#include <filesystem>
#include <vector>

namespace atlas {

namespace fs = std::filesystem;

namespace {

std::string normalised(const std::string& path)
{
    std::error_code ec;
    const fs::path p = fs::absolute(fs::path(path), ec);
    return ec ? path : p.lexically_normal().string();
}

} // namespace

int findTrack(const Dataset& dataset, const std::string& what)
{
    const auto& tracks = dataset.tracks;
    if (what.empty())
        throw InputError("no track given");
    for (std::size_t i = 0; i < tracks.size(); ++i)
        if (tracks[i].id == what)
            return int(i);
    // Lyrics-only tracks have no file: only their id names them.
    for (std::size_t i = 0; i < tracks.size(); ++i)
        if (!tracks[i].path.empty() && tracks[i].path.string() == what)
            return int(i);
    const std::string wanted = normalised(what);
    for (std::size_t i = 0; i < tracks.size(); ++i)
        if (!tracks[i].path.empty() && normalised(tracks[i].path.string()) == wanted)
            return int(i);
    // The end of an id or of a path, at a folder boundary.
    const std::string tail = fs::path(what).lexically_normal().string();
    const auto endsWith = [&](const std::string& p) {
        return p.size() > tail.size() && p.compare(p.size() - tail.size(), tail.size(), tail) == 0 &&
               (p[p.size() - tail.size() - 1] == '/' || tail.front() == '/');
    };
    std::vector<int> ends;
    for (std::size_t i = 0; i < tracks.size(); ++i)
        if (endsWith(tracks[i].id) ||
            (!tracks[i].path.empty() && endsWith(tracks[i].path.lexically_normal().string())))
            ends.push_back(int(i));
    if (ends.size() == 1)
        return ends.front();
    if (ends.empty()) {
        // A title, or "Artist - Title", without regard to case.
        const std::string folded = foldForSearch(what);
        for (std::size_t i = 0; i < tracks.size(); ++i) {
            const TrackTags& tags = tracks[i].tags;
            if (!tags.title.empty() &&
                (foldForSearch(tags.title) == folded || foldForSearch(tags.artist + " - " + tags.title) == folded))
                ends.push_back(int(i));
        }
        if (ends.size() == 1)
            return ends.front();
    }
    if (ends.size() > 1) {
        std::string names;
        for (std::size_t j = 0; j < ends.size() && j < 3; ++j) {
            const Track& t = tracks[std::size_t(ends[j])];
            names += (j ? ", " : "") + (t.path.empty() ? t.id : t.path.string());
        }
        throw InputError("\"" + what + "\" matches " + std::to_string(ends.size()) +
                         " tracks (" + names + (ends.size() > 3 ? ", ..." : "") +
                         "); give more of the path or the track id");
    }
    throw InputError("no track has the id, path or title \"" + what + "\" (the session has " +
                     std::to_string(tracks.size()) + " tracks; give a track id from the run's "
                     "tables, a file's path or its end, a title or \"Artist - Title\")");
}

bool parseRepresentationKey(const std::string& key, Representation& representation)
{
    for (Representation r : AllRepresentations)
        if (key == representationKey(r)) {
            representation = r;
            return true;
        }
    return false;
}

} // namespace atlas
