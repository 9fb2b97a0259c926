// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/pipeline/dataset.h"

#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>

#include <memory>

class QAction;
class QSettings;

namespace atlas::ui {

class AudioPlayer;
class PlayQueue;
class TransportBar;

/// Everything about listening in one object for the main window to wire: it owns the
/// AudioPlayer and the PlayQueue, plays tracks of the current dataset, exports playlists,
/// and provides the Space play/pause action.
///
/// Wiring: call setDataset() when the run's dataset changes (RunModel::datasetChanged),
/// playTrack() from a click on a track, playTracks() for "Play cluster"/"Play selection",
/// highlight currentTrackChanged() in the views, show message() in the status bar, put
/// transportBar() in the window, and add actions() to a menu and to the window
/// (`window->addActions(listening->actions())`) so that their shortcuts work everywhere in it:
/// Space plays/pauses (the transport bar also binds it while shown), the media keys
/// play/pause, stop, and go to the next/previous track. The actions' context is
/// Qt::WindowShortcut, so text fields keep their Space. save()/restore() keep volume and
/// seconds per track in QSettings. GUI thread only.
class Listening : public QObject {
    Q_OBJECT
public:
    explicit Listening(QObject* parent = nullptr);
    ~Listening() override;

    AudioPlayer* player() const { return m_player; }
    PlayQueue* queue() const { return m_queue; }

    /// The tracks that track numbers refer to (rows of the dataset). Stops what plays.
    void setDataset(std::shared_ptr<const Dataset> dataset);
    std::shared_ptr<const Dataset> dataset() const { return m_dataset; }

    /// Plays one track (a dataset row) whole. Out-of-range rows are ignored.
    void playTrack(int track);
    /// Plays tracks (dataset rows) in turn, secondsPerTrack() each, from the first.
    void playTracks(const QList<int>& tracks);
    /// Seconds of each track in playTracks(); 0 = whole tracks. Default 10.
    void setSecondsPerTrack(double seconds);
    double secondsPerTrack() const;

    void togglePause();
    void stop();
    void next();
    void previous();

    /// Play/pause with the Space shortcut (Qt::WindowShortcut). When nothing plays it
    /// replays the last list. Owned by this object.
    QAction* playPauseAction() const { return m_playPause; }
    /// Play/pause, stop, previous, next (in menu order), owned by this object.
    QList<QAction*> actions() const;
    /// The transport bar for these controls, created on first use without a parent (the
    /// window's layout takes it over; deleted with this object if nothing did).
    TransportBar* transportBar();

    /// Volume and seconds per track under "playback/" in `settings`.
    void save(QSettings& settings) const;
    void restore(const QSettings& settings);

    /// Writes the tracks (dataset rows) as an extended M3U playlist (.m3u8, UTF-8) at `file`;
    /// durations are read from the files' headers. Returns false and sets `errorMessage`
    /// (naming the file) when it cannot be written.
    bool exportPlaylist(const QList<int>& tracks, const QString& file,
                        QString* errorMessage = nullptr) const;

    /// The dataset row playing now, -1 when none.
    int currentTrack() const;
    /// The last message() (empty before the first).
    QString lastMessage() const { return m_lastMessage; }

signals:
    /// The dataset row playing now, -1 when playback stopped: highlight it.
    void currentTrackChanged(int track);
    /// Something to tell the user: an unusable output, a skipped file.
    void message(const QString& text);
    void secondsPerTrackChanged(double seconds);

private:
    AudioPlayer* m_player;
    PlayQueue* m_queue;
    QAction* m_playPause;
    QAction* m_stop;
    QAction* m_previous;
    QAction* m_next;
    QPointer<TransportBar> m_bar;
    std::shared_ptr<const Dataset> m_dataset;
    QList<int> m_lastList;
    QString m_lastMessage;
};

} // namespace atlas::ui
