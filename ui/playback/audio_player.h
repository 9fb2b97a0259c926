// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QAudio>
#include <QAudioDevice>
#include <QAudioFormat>
#include <QElapsedTimer>
#include <QObject>
#include <QString>
#include <QThread>
#include <QTimer>

class QAudioSink;

namespace atlas::ui {

class DecodeWorker;
class PcmBuffer;

/// Plays a window of one audio file through Qt Multimedia's QAudioSink on the default output.
///
/// Decoding goes through the engine (PlaybackReader: every format the product reads) on a
/// worker thread, piece by piece: the first 0.5 s is decoded and playing starts, then 2-s
/// pieces keep about 4 s queued ahead, so a long file starts at once and memory stays small.
/// The output format is the file's rate and channels in Float (or Int16) when the device takes
/// them, otherwise the device's preferred rate/channels, converted by the engine (see
/// chooseOutputFormat()).
///
/// Times are seconds from the start of the window being played: position() runs from 0 to
/// duration(), the window's length (the rest of the file when the window runs past its end).
/// position() is what the output has actually played (QAudioSink::processedUSecs), not what
/// was decoded.
///
/// Failures never throw and never crash: error() carries the message, the state returns to
/// Stopped. lastErrorKind() tells an unusable output ("No audio output available: ...") from a
/// bad file ("<file>: <reason>").
///
/// Lives on the GUI thread; all methods are called there. The destructor stops playback and
/// joins the worker thread.
class AudioPlayer : public QObject {
    Q_OBJECT
public:
    enum class State {
        Stopped, ///< nothing playing (also after an error and after finished())
        Loading, ///< decoding the first piece (or re-decoding after a seek)
        Playing, ///< audio flowing (or waiting for the decoder, briefly)
        Paused,  ///< suspended; resume() continues where it stopped
    };
    Q_ENUM(State)

    enum class ErrorKind { None, Output, File };
    Q_ENUM(ErrorKind)

    explicit AudioPlayer(QObject* parent = nullptr);
    ~AudioPlayer() override;

    /// Plays `path` from `startSeconds` (>= 0) for `durationSeconds` (<= 0: to the end),
    /// replacing whatever plays. `title` is shown as "now playing". Returns at once; the file is
    /// opened on the worker thread (Loading), then Playing, or error() and Stopped.
    void play(const QString& path, const QString& title = {}, double startSeconds = 0.0,
              double durationSeconds = 0.0);
    void pause();
    void resume();
    /// Pause when playing, resume when paused; nothing when stopped.
    void togglePause();
    /// Stops and forgets the file. Emits no finished().
    void stop();
    /// Moves to `seconds` from the start of the window (clipped to [0, duration()]); keeps
    /// the paused state.
    void seek(double seconds);
    /// Linear volume in [0, 1] (values outside are clipped); kept across files.
    void setVolume(double volume);
    double volume() const { return m_volume; }

    State state() const { return m_state; }
    /// Seconds played from the start of the window.
    double position() const;
    /// Length of the window in seconds; 0 before the file is open.
    double duration() const { return m_duration; }
    QString path() const { return m_path; }
    QString title() const { return m_title; }
    ErrorKind lastErrorKind() const { return m_lastErrorKind; }
    QString lastError() const { return m_lastError; }

    /// The format the output runs in (invalid when nothing plays).
    QAudioFormat outputFormat() const { return m_format; }
    /// Diagnostics of the current output: the sink's state, the microseconds it has
    /// played (QAudioSink::processedUSecs) and the bytes it has pulled from the decoded queue.
    QAudio::State sinkState() const;
    qint64 processedUSecs() const;
    qint64 bytesPulled() const;

signals:
    void stateChanged(atlas::ui::AudioPlayer::State state);
    /// About 20 times a second while playing, and on seek/stop.
    void positionChanged(double seconds);
    void durationChanged(double seconds);
    void volumeChanged(double volume);
    /// The title of what plays now (empty when stopped).
    void nowPlayingChanged(const QString& title);
    /// The end of the window was reached and played out.
    void finished();
    void error(const QString& message);

    // To the worker thread.
    void openRequested(quint64 request, const QString& path, double start, double duration,
                       const QAudioDevice& device, double seekSeconds, double pieceSeconds);
    void moreRequested(quint64 request, double pieceSeconds);

private:
    void setState(State state);
    void startRequest(double seekSeconds);
    void onOpened(quint64 request, const QAudioFormat& format, double windowSeconds,
                  const QByteArray& pcm, bool last);
    void onPiece(quint64 request, const QByteArray& pcm, bool last);
    void onFailed(quint64 request, const QString& message, bool outputProblem);
    void onSinkStateChanged(QAudio::State state);
    void tick();
    void requestMoreIfNeeded();
    void releaseSink();
    void fail(ErrorKind kind, const QString& message);
    double secondsFor(qint64 bytes) const;

    QThread m_thread;
    DecodeWorker* m_worker = nullptr;
    PcmBuffer* m_buffer = nullptr;
    QAudioSink* m_sink = nullptr;
    QAudioDevice m_device;
    QAudioFormat m_format;
    QTimer m_tick;
    QElapsedTimer m_drainClock; // runs once every byte was pulled by the sink

    quint64 m_request = 0;
    bool m_moreOutstanding = false;
    QString m_path;
    QString m_title;
    double m_start = 0.0;
    double m_windowSeconds = 0.0; // as asked for (<= 0: to the end)
    double m_duration = 0.0;
    double m_base = 0.0;          // window seconds where the current sink started
    double m_volume = 1.0;
    bool m_pauseWanted = false;
    State m_state = State::Stopped;
    ErrorKind m_lastErrorKind = ErrorKind::None;
    QString m_lastError;
};

} // namespace atlas::ui
