// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/data/collection.h"

#include <filesystem>
#include <span>
#include <string>
#include <vector>

namespace atlas {

/// One line pair of an extended M3U playlist: `#EXTINF:<seconds>,<title>` and the location.
struct PlaylistEntry {
    std::filesystem::path path;    ///< the audio file (absolute when read back)
    std::string title;             ///< UTF-8; line breaks are written as spaces
    double durationSeconds = -1.0; ///< length in seconds, < 0 = unknown (written as -1)
};

/// Title a playlist gives a track, as players show it: "Artist - Title" from the tags (an
/// ASCII hyphen, the common M3U convention), the title alone when there is no artist, else
/// the file name (the id for a track without a file).
std::string playlistTitle(const Track& track);

/// Playlist entries for `tracks`, in order, titled with playlistTitle(). With
/// `probeDurations` each file's header is read (probeAudio(), no decoding) for its length;
/// files that cannot be probed, and every file without it, get -1 (unknown). Thread rules as
/// probeAudio(): any thread.
std::vector<PlaylistEntry> playlistEntries(std::span<const Track> tracks,
                                           bool probeDurations = false);

/// How `track` is written in a playlist stored in `playlistDir`: the path relative to that
/// folder (with '/') when the track lies under it, else the absolute path (both made
/// absolute and lexically normalised first; symlinks are not resolved). A relative location
/// that would start with '#' gets a "./" prefix so it is not read as a comment. A path that
/// cannot be written as one plain UTF-8 line (a line break or other control character,
/// bytes that are not UTF-8, leading or trailing white space) is written as a `file://`
/// URI with RFC 3986 percent-encoding instead, which players accept.
std::string playlistLocation(const std::filesystem::path& track,
                             const std::filesystem::path& playlistDir);

/// Writes an extended M3U playlist (UTF-8 without BOM, '\n' line ends, meant for `.m3u8`):
/// `#EXTM3U`, then per entry `#EXTINF:<seconds>,<title>` (seconds rounded to an integer,
/// -1 when unknown) and playlistLocation(). Replaced as a whole (AtomicFile), so a reader
/// sees either the old playlist or the complete new one.
/// Throws InputError naming the file when it cannot be written (no temporary file is left).
/// Thread-safe.
void writePlaylist(const std::filesystem::path& file, std::span<const PlaylistEntry> entries);

/// Reads an M3U/M3U8 playlist (UTF-8, optional BOM, '\n' or "\r\n"): every non-empty line
/// not starting with '#' is a location (relative to the playlist's folder, absolute, or a
/// `file://` URI); the `#EXTINF` line before it gives duration and title (else -1 and the
/// file name). Other `#` lines are ignored. Throws InputError naming the file when it
/// cannot be read. Locations are not checked for existence.
std::vector<PlaylistEntry> readPlaylist(const std::filesystem::path& file);

} // namespace atlas
