// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/pipeline/dataset.h"

#include <QColor>
#include <QList>
#include <QString>
#include <QStringList>

#include <vector>

namespace atlas::ui {

/// A field of a track to colour the map by.
enum class TrackField {
    Label,   ///< the run's labels (Dataset::labels): genre tag, folder, GTZAN genre, ...
    Genre,   ///< the first genre tag
    Artist,  ///< the artist tag, else the album artist
    Album,
    Decade,  ///< from the year tag: "1990s"
    Format,  ///< container and codec ("M4A (ALAC)"), else the file's extension
    Folder,  ///< the first-level sub-folder of the collection
    Lyrics,  ///< where the lyrics came from; tracks without lyrics are "no lyrics"
};

/// Every field, in menu order.
inline constexpr TrackField AllTrackFields[] = {
    TrackField::Label,  TrackField::Genre,  TrackField::Artist, TrackField::Album,
    TrackField::Decade, TrackField::Format, TrackField::Folder, TrackField::Lyrics};

/// "Genre tag", "Artist", ..., for menus and legend titles.
QString trackFieldName(TrackField field);

/// The tracks of a dataset grouped by one field, ready for MapView::setClasses().
///
/// Fields with more values than `maxClasses` keep the `maxClasses` most frequent ones (ties
/// by name) and put the rest in one grey "Other" class, so that a legend of 300 artists
/// stays readable and no two classes share a colour. The run's labels keep their own order
/// and colours (the figures' and the Clusters tab's) while they fit in the palette's 20
/// distinct colours; the "unknown" label (tracks without the field the labels come from) is
/// grey. Tracks without a value get class -1 (drawn in the noise grey) and are named by
/// `missingName`.
struct TrackClasses {
    std::vector<int> classOf;   ///< per track: 0 ... names.size()-1, or -1 = no value
    QStringList names;          ///< class names, "Other (…)" last when there is one
    QList<QColor> colours;      ///< one per class
    std::vector<int> counts;    ///< tracks per class
    int otherClass = -1;        ///< index of the "Other" class in names, -1 = none
    QStringList otherValues;    ///< the values merged into "Other", most frequent first
    int distinctValues = 0;     ///< values before merging
    int missing = 0;            ///< tracks without a value (class -1)
    QString missingName;        ///< what class -1 means here: "No genre tag", "Unlabelled", ...
};

/// Colour of the "Other" class: a mid grey, darker than the noise grey of class -1.
QColor otherClassColour();

/// Groups `data`'s tracks by `field`. One pass over the tracks plus a sort of the distinct
/// values: call it once per field choice, not per paint.
TrackClasses classifyTracks(const Dataset& data, TrackField field, int maxClasses = 12);

} // namespace atlas::ui
