// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/pipeline/dataset.h"

#include <QList>
#include <QObject>
#include <QString>

#include <memory>

namespace atlas::ui {

class AudioPlayer;

/// Plays a list of tracks of a dataset in turn through an AudioPlayer: the first
/// secondsPerTrack() seconds of each (0 = whole tracks), then the next.
///
/// A track that cannot be played (missing, corrupt, not audio, no path) is reported with
/// trackFailed() and skipped; when every remaining track fails, the queue stops. An unusable
/// audio output stops the queue at once (skipping would not help). stop(), or a file played on
/// the player by someone else, ends the queue. GUI thread only; the player is not owned.
class PlayQueue : public QObject {
    Q_OBJECT
public:
    /// Seconds per track when nothing else is set.
    static constexpr double DefaultSecondsPerTrack = 10.0;

    explicit PlayQueue(AudioPlayer* player, QObject* parent = nullptr);

    /// The tracks to play, as rows of `dataset` (invalid rows are dropped). Stops a running
    /// queue.
    void setTracks(const QList<int>& trackIndices, std::shared_ptr<const Dataset> dataset);
    /// Seconds played from the start of each track; 0 = the whole track. Negative values
    /// are taken as 0. Applies from the next track on.
    void setSecondsPerTrack(double seconds);
    double secondsPerTrack() const { return m_secondsPerTrack; }

    /// Plays from the first track.
    void start();
    /// The next track (stops after the last).
    void next();
    /// The previous track (the first again when at the first).
    void previous();
    void stop();

    QList<int> tracks() const { return m_tracks; }
    /// Position in tracks() of the current track, -1 when not playing.
    int currentIndex() const { return m_index; }
    /// Dataset row of the current track, -1 when not playing.
    int currentTrack() const { return m_index >= 0 ? m_tracks.value(m_index, -1) : -1; }
    bool isActive() const { return m_index >= 0; }

signals:
    /// The dataset row now playing; -1 when the queue stopped.
    void currentTrackChanged(int track);
    /// Position in the list now playing (-1 when stopped) and the list's length.
    void currentIndexChanged(int index, int count);
    /// A track could not be played and was skipped: its row and the message naming the file.
    void trackFailed(int track, const QString& message);
    /// The queue reached its end (not emitted by stop()).
    void finished();

private:
    void playAt(int index);
    void setIndex(int index);
    void onPlayerFinished();
    void onPlayerError(const QString& message);

    AudioPlayer* m_player;
    std::shared_ptr<const Dataset> m_dataset;
    QList<int> m_tracks;
    double m_secondsPerTrack = DefaultSecondsPerTrack;
    int m_index = -1;
    int m_failuresInRow = 0;
    quint64 m_skipGeneration = 0; // a pending skip after a failure runs only if still current
    bool m_starting = false; // the queue itself is calling AudioPlayer::play()
};

} // namespace atlas::ui
