// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Internal: the one byte layout of TrackTags, shared by the tag cache (engine/data/metadata.cpp)
// and the session files (engine/io/session_io.cpp), so that a field cannot be written
// by one and forgotten by the other. Not part of the public API.

#include "engine/core/binary_io.h"
#include "engine/data/collection.h"

namespace atlas::detail {

inline void putTrackTags(ByteWriter& w, const TrackTags& t)
{
    for (const std::string* s :
         {&t.title, &t.artist, &t.album, &t.albumArtist, &t.format, &t.lyrics, &t.lyricsTag})
        w.str(*s);
    w.i32(t.trackNumber);
    w.i32(t.year);
    w.f64(t.duration);
    w.i32(t.sampleRate);
    w.i32(t.channels);
    w.u64(t.genres.size());
    for (const std::string& g : t.genres)
        w.str(g);
}

inline TrackTags readTrackTags(ByteReader& r)
{
    TrackTags t;
    for (std::string* s :
         {&t.title, &t.artist, &t.album, &t.albumArtist, &t.format, &t.lyrics, &t.lyricsTag})
        *s = r.str();
    t.trackNumber = r.i32();
    t.year = r.i32();
    t.duration = r.f64();
    t.sampleRate = r.i32();
    t.channels = r.i32();
    t.genres.resize(r.count(8));
    for (std::string& g : t.genres)
        g = r.str();
    return t;
}

} // namespace atlas::detail
