// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Internal: the stored fields of TrackTags (engine/core/archive.h), shared by the tag cache
// (engine/data/metadata.cpp) and the session files (engine/io/session_io.cpp), so that a
// field cannot be written by one and forgotten by the other. Not part of the public API.

#include "engine/core/archive.h"
#include "engine/data/collection.h"

namespace atlas {

template <class A>
void describe(A& a, TrackTags& t)
{
    a(t.title, t.artist, t.album, t.albumArtist, t.format, t.lyrics, t.lyricsTag);
    a(t.trackNumber, t.year, t.duration, t.sampleRate, t.channels, t.genres);
}

} // namespace atlas
