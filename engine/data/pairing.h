// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/issue.h"
#include "engine/core/types.h"
#include "engine/data/collection.h"
#include "engine/data/lyrics.h"

#include <string>
#include <vector>

namespace atlas {

/// How the tracks of a collection were given their lyrics.
enum class PairingMode {
    Inline,      ///< the collection carried the lyrics: manifest column, tags, sidecar files
    ByKey,       ///< matched on a key (track id, lyrics_id, file stem or path column)
    Approximate, ///< no usable key: a seeded random sample of lyrics rows (the seed's method)
};

/// Result of pairLyrics(): for every track, the row of the lyrics table it was given, or -1.
struct Pairing {
    std::vector<int> lyricsRow;     ///< one per track; -1 = no lyrics for this track
    PairingMode mode = PairingMode::ByKey;
    int matched = 0;                ///< tracks that received a lyrics row
    /// Plain-words description for reports, e.g. "by key: 998 of 1000 tracks matched on
    /// track_id" or "approximate: random sample of 1000 of 1200 rows (seed 42)".
    std::string description;
    bool approximate() const { return mode == PairingMode::Approximate; }

    bool operator==(const Pairing&) const = default;
};

/// Pairs tracks with lyrics rows.
///
/// Order of preference: inline lyrics from a manifest; then keys: a track matches a row when
/// the row's key equals (case-insensitively, ignoring a file extension and folders) the
/// track's lyricsKey, id, file stem or relative path. Keyed pairing is used when at least
/// one track matches; unmatched tracks get -1 and one summary Issue lists how many (and the
/// first few ids). When the table has keys but none matches, that is an error (InputError:
/// the CSV most likely belongs to another collection) unless `allowApproximate`. Without a
/// key column (or when allowed), the seed's approximate pairing: a seeded sample of
/// tracks.size() rows without replacement (with replacement, and an Issue, when the table
/// has fewer rows than tracks). Labels of the lyrics table are never used for pairing.
Pairing pairLyrics(const Collection& collection, const LyricsTable& lyrics, Seed seed,
                   Diagnostics& diagnostics, bool allowApproximate = false);

} // namespace atlas
