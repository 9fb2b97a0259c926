// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/playback/play_queue.h"

#include "engine/io/playlist.h"
#include "ui/playback/audio_player.h"

#include <QMetaObject>

#include <cmath>

namespace atlas::ui {

PlayQueue::PlayQueue(AudioPlayer* player, QObject* parent) : QObject(parent), m_player(player)
{
    Q_ASSERT(player);
    connect(m_player, &AudioPlayer::finished, this, &PlayQueue::onPlayerFinished);
    connect(m_player, &AudioPlayer::error, this, &PlayQueue::onPlayerError);
    // Something else played or stopped on the player: the queue is over.
    connect(m_player, &AudioPlayer::nowPlayingChanged, this, [this] {
        if (!m_starting && m_index >= 0)
            setIndex(-1);
    });
}

void PlayQueue::setTracks(const QList<int>& trackIndices, std::shared_ptr<const Dataset> dataset)
{
    stop();
    m_dataset = std::move(dataset);
    m_tracks.clear();
    const int n = m_dataset ? m_dataset->size() : 0;
    for (const int track : trackIndices)
        if (track >= 0 && track < n)
            m_tracks.append(track);
}

void PlayQueue::setSecondsPerTrack(double seconds)
{
    m_secondsPerTrack = std::isfinite(seconds) && seconds > 0.0 ? seconds : 0.0;
}

void PlayQueue::start()
{
    m_failuresInRow = 0;
    playAt(0);
}

void PlayQueue::next()
{
    if (m_index < 0)
        return;
    m_failuresInRow = 0;
    playAt(m_index + 1);
}

void PlayQueue::previous()
{
    if (m_index < 0)
        return;
    m_failuresInRow = 0;
    playAt(std::max(0, m_index - 1));
}

void PlayQueue::stop()
{
    if (m_index < 0)
        return;
    setIndex(-1);
    m_starting = true;
    m_player->stop();
    m_starting = false;
}

void PlayQueue::playAt(int index)
{
    ++m_skipGeneration;
    if (index < 0 || index >= m_tracks.size()) {
        const bool wasActive = m_index >= 0;
        stop();
        if (wasActive)
            emit finished();
        return;
    }
    setIndex(index);
    const Track& track = m_dataset->tracks[std::size_t(m_tracks[index])];
    m_starting = true;
    if (track.path.empty()) {
        m_starting = false;
        onPlayerError(QString::fromStdString(track.id) +
                      QStringLiteral(": the track has no audio file (lyrics only)"));
        return;
    }
    m_player->play(QString::fromStdString(track.path.string()),
                   QString::fromStdString(track.displayName()), 0.0, m_secondsPerTrack);
    m_starting = false;
}

void PlayQueue::setIndex(int index)
{
    if (index == m_index)
        return;
    m_index = index;
    emit currentIndexChanged(m_index, int(m_tracks.size()));
    emit currentTrackChanged(currentTrack());
}

void PlayQueue::onPlayerFinished()
{
    if (m_index < 0)
        return;
    m_failuresInRow = 0;
    playAt(m_index + 1);
}

void PlayQueue::onPlayerError(const QString& message)
{
    if (m_index < 0)
        return;
    if (m_player->lastErrorKind() == AudioPlayer::ErrorKind::Output && !message.isEmpty() &&
        m_player->lastError() == message) {
        stop();
        return;
    }
    emit trackFailed(currentTrack(), message);
    ++m_failuresInRow;
    if (m_failuresInRow >= m_tracks.size()) {
        stop();
        return;
    }
    // Queued: never recurse through a run of bad files.
    const int nextIndex = m_index + 1;
    const quint64 generation = ++m_skipGeneration;
    QMetaObject::invokeMethod(
        this,
        [this, nextIndex, generation] {
            if (generation == m_skipGeneration && m_index >= 0)
                playAt(nextIndex);
        },
        Qt::QueuedConnection);
}

} // namespace atlas::ui
