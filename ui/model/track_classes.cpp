// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/model/track_classes.h"

#include "ui/figures/palette.h"

#include <QCoreApplication>

#include <algorithm>
#include <cctype>
#include <numeric>
#include <string>
#include <unordered_map>

namespace atlas::ui {

namespace {

QString tr(const char* text, int n = -1)
{
    return QCoreApplication::translate("atlas::ui::TrackClasses", text, nullptr, n);
}

// The run's labels fit the palette's distinct colours up to this many classes.
constexpr int PaletteSize = 20;

// The value of `field` for `track`, "" when it has none.
std::string fieldValue(const Track& track, TrackField field)
{
    const TrackTags& t = track.tags;
    switch (field) {
    case TrackField::Genre: return t.genre();
    case TrackField::Artist: return t.artist.empty() ? t.albumArtist : t.artist;
    case TrackField::Album: return t.album;
    case TrackField::Decade:
        return t.year > 0 ? std::to_string(t.year / 10 * 10) + "s" : std::string();
    case TrackField::Format:
        if (!t.format.empty())
            return t.format;
        if (track.path.has_extension()) {
            std::string ext = track.path.extension().string().substr(1);
            std::transform(ext.begin(), ext.end(), ext.begin(),
                           [](unsigned char c) { return char(std::toupper(c)); });
            return ext;
        }
        return {};
    case TrackField::Folder: return track.folder;
    case TrackField::Label:
    case TrackField::Lyrics: break;   // handled by classifyTracks()
    }
    return {};
}

QString missingName(TrackField field)
{
    switch (field) {
    case TrackField::Label: return tr("Unlabelled");
    case TrackField::Genre: return tr("No genre tag");
    case TrackField::Artist: return tr("No artist tag");
    case TrackField::Album: return tr("No album tag");
    case TrackField::Decade: return tr("No year tag");
    case TrackField::Format: return tr("Unknown format");
    case TrackField::Folder: return tr("Top folder");
    case TrackField::Lyrics: return tr("No lyrics");
    }
    return tr("None");
}

QString otherName(TrackField field, int values)
{
    switch (field) {
    case TrackField::Label: return tr("Other (%n labels)", values);
    case TrackField::Genre: return tr("Other (%n genres)", values);
    case TrackField::Artist: return tr("Other (%n artists)", values);
    case TrackField::Album: return tr("Other (%n albums)", values);
    case TrackField::Decade: return tr("Other (%n decades)", values);
    case TrackField::Format: return tr("Other (%n formats)", values);
    case TrackField::Folder: return tr("Other (%n folders)", values);
    case TrackField::Lyrics: break;
    }
    return tr("Other (%n values)", values);
}

} // namespace

QString trackFieldName(TrackField field)
{
    switch (field) {
    case TrackField::Label: return tr("Label");
    case TrackField::Genre: return tr("Genre tag");
    case TrackField::Artist: return tr("Artist");
    case TrackField::Album: return tr("Album");
    case TrackField::Decade: return tr("Decade");
    case TrackField::Format: return tr("Format");
    case TrackField::Folder: return tr("Folder");
    case TrackField::Lyrics: return tr("Has lyrics");
    }
    return QString();
}

QColor otherClassColour()
{
    return QColor::fromRgb(0x8c, 0x91, 0x98);
}

TrackClasses classifyTracks(const Dataset& data, TrackField field, int maxClasses)
{
    maxClasses = std::max(1, maxClasses);
    const int n = data.size();
    TrackClasses out;
    out.missingName = missingName(field);
    out.classOf.assign(std::size_t(n), -1);

    if (field == TrackField::Lyrics) {
        // Fixed classes and colours: the sources in the order of the collection reader.
        const std::pair<LyricsSource, QString> sources[] = {
            {LyricsSource::Embedded, tr("Embedded tag")},
            {LyricsSource::Sidecar, tr("Sidecar file")},
            {LyricsSource::Csv, tr("Lyrics CSV")},
            {LyricsSource::Manifest, tr("Manifest")},
        };
        for (int c = 0; c < int(std::size(sources)); ++c) {
            out.names << sources[c].second;
            out.colours << categoricalColor(c);
        }
        out.counts.assign(std::size(sources), 0);
        for (int i = 0; i < n; ++i) {
            const LyricsSource s = data.tracks[std::size_t(i)].lyricsSource;
            for (int c = 0; c < int(std::size(sources)); ++c)
                if (sources[c].first == s) {
                    out.classOf[std::size_t(i)] = c;
                    ++out.counts[std::size_t(c)];
                }
        }
        out.distinctValues = int(std::count_if(out.counts.begin(), out.counts.end(),
                                               [](int k) { return k > 0; }));
        out.missing = n - int(std::accumulate(out.counts.begin(), out.counts.end(), 0));
        return out;
    }

    // Value index per track, and the distinct values with their counts.
    std::vector<std::string> values;
    std::vector<int> valueCounts;
    std::vector<int> valueOf(std::size_t(n), -1);
    if (field == TrackField::Label) {
        values = data.labelNames;
        valueCounts.assign(values.size(), 0);
        for (int i = 0; i < n && i < data.labels.size(); ++i) {
            const int l = data.labels(i);
            if (l >= 0 && l < int(values.size())) {
                valueOf[std::size_t(i)] = l;
                ++valueCounts[std::size_t(l)];
            }
        }
    } else {
        std::unordered_map<std::string, int> index;
        for (int i = 0; i < n; ++i) {
            std::string v = fieldValue(data.tracks[std::size_t(i)], field);
            if (v.empty())
                continue;
            const auto [it, inserted] = index.try_emplace(std::move(v), int(values.size()));
            if (inserted) {
                values.push_back(it->first);
                valueCounts.push_back(0);
            }
            valueOf[std::size_t(i)] = it->second;
            ++valueCounts[std::size_t(it->second)];
        }
    }
    out.distinctValues = int(std::count_if(valueCounts.begin(), valueCounts.end(),
                                           [](int k) { return k > 0; }));

    // The classes: the label order while the labels fit the palette; else the most frequent
    // values (ties by name), and the decades in time order when they all fit.
    std::vector<int> order(values.size());
    std::iota(order.begin(), order.end(), 0);
    const bool keepLabelOrder = field == TrackField::Label && int(values.size()) <= PaletteSize;
    if (!keepLabelOrder) {
        order.erase(std::remove_if(order.begin(), order.end(),
                                   [&](int v) { return valueCounts[std::size_t(v)] == 0; }),
                    order.end());
        if (field == TrackField::Decade && int(order.size()) <= maxClasses)
            std::sort(order.begin(), order.end(),
                      [&](int a, int b) { return values[std::size_t(a)] < values[std::size_t(b)]; });
        else
            std::sort(order.begin(), order.end(), [&](int a, int b) {
                const int ca = valueCounts[std::size_t(a)], cb = valueCounts[std::size_t(b)];
                if (ca != cb)
                    return ca > cb;
                return QString::fromStdString(values[std::size_t(a)])
                           .localeAwareCompare(QString::fromStdString(values[std::size_t(b)])) < 0;
            });
    }
    const int kept = keepLabelOrder ? int(order.size()) : std::min<int>(int(order.size()), maxClasses);
    const bool other = int(order.size()) > kept;
    std::vector<int> classOfValue(values.size(), -1);
    for (int c = 0; c < kept; ++c) {
        const int v = order[std::size_t(c)];
        classOfValue[std::size_t(v)] = c;
        out.names << QString::fromStdString(values[std::size_t(v)]);
        // The label of tracks without the chosen field is grey, as missing values are.
        const bool unknown = field == TrackField::Label && values[std::size_t(v)] == UnknownLabel;
        out.colours << (unknown ? noiseColor() : categoricalColor(c));
    }
    if (other) {
        out.otherClass = kept;
        for (std::size_t k = std::size_t(kept); k < order.size(); ++k) {
            classOfValue[std::size_t(order[k])] = kept;
            out.otherValues << QString::fromStdString(values[std::size_t(order[k])]);
        }
        out.names << otherName(field, int(order.size()) - kept);
        out.colours << otherClassColour();
    }
    out.counts.assign(std::size_t(out.names.size()), 0);
    for (int i = 0; i < n; ++i) {
        const int v = valueOf[std::size_t(i)];
        const int c = v >= 0 ? classOfValue[std::size_t(v)] : -1;
        out.classOf[std::size_t(i)] = c;
        if (c >= 0)
            ++out.counts[std::size_t(c)];
        else
            ++out.missing;
    }
    return out;
}

} // namespace atlas::ui
