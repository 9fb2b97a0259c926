// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QWidget>

class QLabel;
class QSlider;
class QSpinBox;
class QToolButton;

namespace atlas::ui {

class Listening;

/// The transport bar (objectName "transportBar"): what plays now ("Artist — Title", or the
/// last message such as "No audio output available: ..."), then previous / play-pause / stop /
/// next (standard media icons), a position slider to seek with (click or drag), the time
/// ("0:03 / 0:10"), volume, and the seconds played per track of a cluster or selection
/// (0 = whole tracks).
///
/// Child object names: "nowPlayingLabel", "previousButton", "playPauseButton", "stopButton",
/// "nextButton", "positionSlider" (milliseconds), "timeLabel", "volumeSlider" (0-100),
/// "secondsPerTrackSpin". The bar adds Listening::playPauseAction() to itself, so Space
/// plays/pauses while the bar is shown in the active window. GUI thread only; `listening` must
/// outlive the bar.
class TransportBar : public QWidget {
    Q_OBJECT
public:
    explicit TransportBar(Listening* listening, QWidget* parent = nullptr);

private:
    void updateState();
    void updatePosition(double seconds);
    void updateDuration(double seconds);
    void showMessage(const QString& message);
    void seekToSlider();

    Listening* m_listening;
    QLabel* m_nowPlaying;
    QToolButton* m_previous;
    QToolButton* m_playPause;
    QToolButton* m_stop;
    QToolButton* m_next;
    QSlider* m_position;
    QLabel* m_time;
    QSlider* m_volume;
    QSpinBox* m_secondsPerTrack;
    double m_duration = 0.0;
};

/// "m:ss" (or "h:mm:ss") for a time in seconds; negative and non-finite values give "0:00".
QString formatPlaybackTime(double seconds);

} // namespace atlas::ui
