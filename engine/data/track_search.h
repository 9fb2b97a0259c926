// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Finding tracks by what a person types: the map's search box. Case and the accents of
// Latin letters do not matter ("beyonce" finds "Beyoncé", "strasse" finds "Straße"), '_'
// is a space ("main theme" finds Main_Theme.ogg), runs of white space are one.

#include "engine/data/collection.h"

#include <string>
#include <string_view>
#include <vector>

namespace atlas {

/// `utf8` folded for searching: lowered as Python's str.lower() does, the accents of the
/// Latin-1 and Latin Extended-A letters removed (é -> e, ß -> ss, œ -> oe, ł -> l) and
/// combining marks dropped (so decomposed file names fold like composed ones), '_' read as
/// a space, white space runs made one space, trimmed. Invalid UTF-8 becomes U+FFFD.
std::string foldForSearch(std::string_view utf8);

/// The folded words of `query`, split on spaces; empty for a blank query.
std::vector<std::string> searchWords(std::string_view query);

/// The search index of a collection: the folded title, artist, album artist, album, genres,
/// file name, id and label of every track, built once so that a keystroke costs only the
/// matching. Thread-safe to use from several threads once built.
class TrackSearch {
public:
    TrackSearch() = default;
    explicit TrackSearch(const std::vector<Track>& tracks);

    /// Tracks indexed.
    std::size_t size() const { return m_text.size(); }

    /// The indices (ascending) of the tracks that match `query`: those with one field holding
    /// the folded query ("album 3" finds Album 3, not Song 13); when none does and the query
    /// has several words, those holding every word in some field ("wesnoth northerners":
    /// artist and title). Empty for a blank query.
    std::vector<int> find(std::string_view query) const;

    /// What find() looks through for track `i`: its folded fields, one per line.
    const std::string& text(std::size_t i) const { return m_text[i]; }

private:
    std::vector<std::string> m_text;
};

} // namespace atlas
