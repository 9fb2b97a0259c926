// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/playback/hover_preview.h"

#include "ui/model/track_text.h"
#include "ui/playback/audio_player.h"
#include "ui/playback/listening.h"

#include <QAction>
#include <QSettings>
#include <QTimer>

namespace atlas::ui {

namespace {
const QString SettingKey = QStringLiteral("playback/hoverPreview");
}

HoverPreview::HoverPreview(Listening* listening, QObject* parent)
    : QObject(parent), m_listening(listening)
{
    m_action = new QAction(tr("Preview Tracks on &Hover"), this);
    m_action->setObjectName(QStringLiteral("hoverPreviewAction"));
    m_action->setCheckable(true);
    m_action->setChecked(false);
    m_action->setToolTip(tr("Resting the mouse on a track of the map plays a few seconds of it"));
    m_timer = new QTimer(this);
    m_timer->setObjectName(QStringLiteral("hoverPreviewTimer"));
    m_timer->setSingleShot(true);
    m_timer->setInterval(DelayMs);
    connect(m_timer, &QTimer::timeout, this, &HoverPreview::start);
    connect(m_action, &QAction::toggled, this, [this](bool on) {
        if (!on) {
            m_timer->stop();
            m_pending = -1;
            stopPreview();
        }
    });
    // A track the user plays (a click on the previewed point, Play) is no longer a preview:
    // moving off leaves it playing, and a preview still waiting does not replace it.
    connect(listening, &Listening::currentTrackChanged, this, [this](int track) {
        if (track >= 0) {
            m_timer->stop();
            m_previewing = -1;
            m_previewPath.clear();
        }
    });
}

bool HoverPreview::isEnabled() const
{
    return m_action->isChecked();
}

void HoverPreview::setEnabled(bool on)
{
    m_action->setChecked(on);
}

void HoverPreview::hover(int track)
{
    if (track == m_pending)
        return;
    m_pending = track;
    m_timer->stop();
    if (track != m_previewing)
        stopPreview();
    if (track >= 0 && isEnabled())
        m_timer->start();
}

void HoverPreview::start()
{
    const auto data = m_listening->dataset();
    const int track = m_pending;
    if (!isEnabled() || !data || track < 0 || track >= data->size())
        return;
    const Track& t = data->tracks[std::size_t(track)];
    if (t.path.empty())
        return;
    const double from = t.tags.duration > 20.0 ? t.tags.duration / 3.0 : 0.0;
    m_previewPath = QString::fromStdString(t.path.string());
    m_previewing = track;
    m_listening->player()->play(m_previewPath, trackDisplayName(t), from, PreviewSeconds);
    emit previewStarted(track);
}

void HoverPreview::stopPreview()
{
    if (m_previewing < 0)
        return;
    m_previewing = -1;
    // Only the preview's own sound: a track the user started since then plays on.
    AudioPlayer* player = m_listening->player();
    if (player->path() == m_previewPath && player->state() != AudioPlayer::State::Stopped)
        player->stop();
    m_previewPath.clear();
}

void HoverPreview::save(QSettings& settings) const
{
    settings.setValue(SettingKey, isEnabled());
}

void HoverPreview::restore(const QSettings& settings)
{
    setEnabled(settings.value(SettingKey, false).toBool());
}

} // namespace atlas::ui
