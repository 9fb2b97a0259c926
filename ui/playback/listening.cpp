// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/playback/listening.h"

#include "engine/io/playlist.h"
#include "ui/playback/audio_player.h"
#include "ui/playback/play_queue.h"
#include "ui/playback/transport_bar.h"

#include <QAction>
#include <QApplication>
#include <QKeySequence>
#include <QSettings>
#include <QStyle>

#include <exception>

namespace atlas::ui {

namespace {

QAction* makeAction(QObject* parent, const QString& text, QStyle::StandardPixmap icon,
                    const QList<QKeySequence>& keys, const QString& tip)
{
    auto* action = new QAction(text, parent);
    if (QApplication::style())
        action->setIcon(QApplication::style()->standardIcon(icon));
    action->setShortcuts(keys);
    action->setShortcutContext(Qt::WindowShortcut);
    action->setToolTip(tip);
    return action;
}

} // namespace

Listening::Listening(QObject* parent)
    : QObject(parent), m_player(new AudioPlayer(this)), m_queue(new PlayQueue(m_player, this))
{
    m_playPause = makeAction(this, tr("&Play/Pause"), QStyle::SP_MediaPlay,
                             {QKeySequence(Qt::Key_Space),
                              QKeySequence(Qt::Key_MediaTogglePlayPause),
                              QKeySequence(Qt::Key_MediaPlay)},
                             tr("Play or pause (Space)"));
    m_stop = makeAction(this, tr("&Stop"), QStyle::SP_MediaStop, {QKeySequence(Qt::Key_MediaStop)},
                        tr("Stop playback"));
    m_previous = makeAction(this, tr("Pre&vious Track"), QStyle::SP_MediaSkipBackward,
                            {QKeySequence(Qt::Key_MediaPrevious)}, tr("Previous track"));
    m_next = makeAction(this, tr("&Next Track"), QStyle::SP_MediaSkipForward,
                        {QKeySequence(Qt::Key_MediaNext)}, tr("Next track"));
    connect(m_playPause, &QAction::triggered, this, &Listening::togglePause);
    connect(m_stop, &QAction::triggered, this, &Listening::stop);
    connect(m_previous, &QAction::triggered, this, &Listening::previous);
    connect(m_next, &QAction::triggered, this, &Listening::next);

    connect(this, &Listening::message, this, [this](const QString& text) { m_lastMessage = text; });
    connect(m_queue, &PlayQueue::currentTrackChanged, this, &Listening::currentTrackChanged);
    connect(m_queue, &PlayQueue::trackFailed, this,
            [this](int, const QString& text) { emit message(tr("Skipped %1").arg(text)); });
    connect(m_player, &AudioPlayer::error, this, [this](const QString& text) {
        // File errors inside a queue arrive as PlayQueue::trackFailed ("Skipped ...").
        if (m_player->lastErrorKind() == AudioPlayer::ErrorKind::Output || !m_queue->isActive())
            emit message(text);
    });
}

Listening::~Listening()
{
    if (m_bar && !m_bar->parent())
        delete m_bar;
}

QList<QAction*> Listening::actions() const
{
    return {m_playPause, m_stop, m_previous, m_next};
}

TransportBar* Listening::transportBar()
{
    if (!m_bar)
        m_bar = new TransportBar(this);
    return m_bar;
}

void Listening::save(QSettings& settings) const
{
    settings.setValue(QStringLiteral("playback/volume"), m_player->volume());
    settings.setValue(QStringLiteral("playback/secondsPerTrack"), m_queue->secondsPerTrack());
}

void Listening::restore(const QSettings& settings)
{
    bool ok = false;
    const double volume = settings.value(QStringLiteral("playback/volume"), 1.0).toDouble(&ok);
    if (ok)
        m_player->setVolume(volume);
    const double seconds = settings.value(QStringLiteral("playback/secondsPerTrack"),
                                          PlayQueue::DefaultSecondsPerTrack)
                               .toDouble(&ok);
    if (ok)
        setSecondsPerTrack(seconds);
}

void Listening::setDataset(std::shared_ptr<const Dataset> dataset)
{
    m_queue->stop();
    m_player->stop();
    m_dataset = std::move(dataset);
    m_lastList.clear();
    m_queue->setTracks({}, m_dataset);
}

void Listening::playTrack(int track)
{
    if (!m_dataset || track < 0 || track >= m_dataset->size())
        return;
    const double seconds = m_queue->secondsPerTrack();
    m_queue->setTracks({track}, m_dataset);
    m_queue->setSecondsPerTrack(0.0); // read when the track starts: a single track plays whole
    m_queue->start();
    m_queue->setSecondsPerTrack(seconds);
    m_lastList = {track};
}

void Listening::playTracks(const QList<int>& tracks)
{
    if (!m_dataset || tracks.isEmpty())
        return;
    m_queue->setTracks(tracks, m_dataset);
    m_lastList = tracks;
    m_queue->start();
}

void Listening::setSecondsPerTrack(double seconds)
{
    const double before = m_queue->secondsPerTrack();
    m_queue->setSecondsPerTrack(seconds);
    if (m_queue->secondsPerTrack() != before)
        emit secondsPerTrackChanged(m_queue->secondsPerTrack());
}

double Listening::secondsPerTrack() const
{
    return m_queue->secondsPerTrack();
}

void Listening::togglePause()
{
    if (m_player->state() != AudioPlayer::State::Stopped) {
        m_player->togglePause();
        return;
    }
    if (m_lastList.size() == 1)
        playTrack(m_lastList.front());
    else if (!m_lastList.isEmpty())
        playTracks(m_lastList);
}

void Listening::stop()
{
    m_queue->stop();
    m_player->stop();
}

void Listening::next()
{
    m_queue->next();
}

void Listening::previous()
{
    m_queue->previous();
}

int Listening::currentTrack() const
{
    return m_queue->currentTrack();
}

bool Listening::exportPlaylist(const QList<int>& tracks, const QString& file,
                               QString* errorMessage) const
{
    std::vector<Track> chosen;
    if (m_dataset)
        for (const int track : tracks)
            if (track >= 0 && track < m_dataset->size())
                chosen.push_back(m_dataset->tracks[std::size_t(track)]);
    try {
        writePlaylist(std::filesystem::path(file.toStdString()), playlistEntries(chosen, true));
    } catch (const std::exception& e) {
        if (errorMessage)
            *errorMessage = QString::fromUtf8(e.what());
        return false;
    }
    return true;
}

} // namespace atlas::ui
