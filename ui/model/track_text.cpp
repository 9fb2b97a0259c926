// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/model/track_text.h"

#include <QCoreApplication>
#include <QLocale>

#include <cmath>

namespace fs = std::filesystem;

namespace atlas::ui {

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("atlas::ui::TrackText", text);
}

QString str(const std::string& s)
{
    return QString::fromStdString(s);
}

} // namespace

QString trackDisplayName(const Track& track)
{
    return str(track.displayName());
}

QString lyricsSourceText(const Track& track, const fs::path& lyricsCsv)
{
    switch (track.lyricsSource) {
    case LyricsSource::None:
        return tr("none");
    case LyricsSource::Embedded:
        return track.tags.lyricsTag.empty()
                   ? tr("embedded tag")
                   : tr("embedded tag (%1)").arg(str(track.tags.lyricsTag));
    case LyricsSource::Sidecar:
        if (!track.lyricsFile.empty())
            return tr("sidecar file %1").arg(str(track.lyricsFile.filename().string()));
        return tr("sidecar file (.lrc or .txt beside the audio file)");
    case LyricsSource::Csv:
        return lyricsCsv.empty() ? tr("lyrics CSV")
                                 : tr("lyrics CSV %1").arg(str(lyricsCsv.filename().string()));
    case LyricsSource::Manifest:
        return tr("manifest");
    }
    return tr("none");
}

QString formatDuration(double seconds)
{
    if (!(seconds > 0.0) || !std::isfinite(seconds))
        return QString();
    const long total = std::lround(seconds);
    const long h = total / 3600, m = (total / 60) % 60, s = total % 60;
    if (h > 0)
        return QStringLiteral("%1:%2:%3").arg(h).arg(m, 2, 10, QLatin1Char('0')).arg(s, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1:%2").arg(m).arg(s, 2, 10, QLatin1Char('0'));
}

QString formatDescription(const Track& track)
{
    const TrackTags& t = track.tags;
    QStringList parts;
    if (!t.format.empty())
        parts << str(t.format);
    else if (track.path.has_extension())
        parts << str(track.path.extension().string()).mid(1).toUpper();
    if (t.sampleRate > 0)   // 44.1 kHz, 22.05 kHz, 48 kHz
        parts << tr("%1 kHz").arg(QLocale().toString(t.sampleRate / 1000.0, 'g', 6));
    if (t.channels == 1)
        parts << tr("mono");
    else if (t.channels == 2)
        parts << tr("stereo");
    else if (t.channels > 2)
        parts << tr("%1 channels").arg(t.channels);
    return parts.join(QStringLiteral(" · "));
}

} // namespace atlas::ui
