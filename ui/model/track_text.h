// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/data/collection.h"

#include <QString>
#include <QStringList>

#include <filesystem>

namespace atlas::ui {

/// How every view names a track: "Artist — Title" from the tags, the title alone, else the
/// file name (the id for a track without a file). Track::displayName() as a QString.
QString trackDisplayName(const Track& track);

/// Where the lyrics of `track` came from, in words: "embedded tag (USLT)", "sidecar file
/// 01 - Intro.lrc", "lyrics CSV lyrics.csv", "manifest", or "none". `lyricsCsv` names the
/// run's CSV; the sidecar file is Track::lyricsFile, the one the collection reader took.
QString lyricsSourceText(const Track& track, const std::filesystem::path& lyricsCsv = {});

/// "3:25" for a duration in seconds ("1:02:03" above an hour); empty for 0 or less.
QString formatDuration(double seconds);

/// "M4A (ALAC) · 44.1 kHz · stereo" from the tags' stream fields; the file's extension when
/// nothing is known; empty for a track without a file.
QString formatDescription(const Track& track);

} // namespace atlas::ui
