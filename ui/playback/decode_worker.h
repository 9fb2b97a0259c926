// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/audio/playback_reader.h"

#include <QAudioDevice>
#include <QAudioFormat>
#include <QByteArray>
#include <QObject>
#include <QString>

namespace atlas::ui {

/// The output format for a file on a device: the file's rate and channels when the device
/// takes them, else the device's preferred ones; Float when the device prefers or takes it,
/// else Int16. An invalid QAudioFormat when the device takes neither encoding.
QAudioFormat chooseOutputFormat(const QAudioDevice& device, int fileRate, int fileChannels);

/// The engine's PlaybackFormat for a QAudioFormat (Int16 or Float only).
PlaybackFormat toPlaybackFormat(const QAudioFormat& format);

/// Decodes for AudioPlayer on a worker thread (Qt's worker-object pattern: it lives in the
/// player's QThread and is driven by queued signals). Every request carries the player's
/// request number and every answer repeats it, so answers to a superseded request are
/// recognised and dropped by the player. One file at a time.
class DecodeWorker : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;

public slots:
    /// Opens `path` with the window [start, start + duration) (duration <= 0: to the end),
    /// picks the output format for `device`, moves to `seekSeconds` into the window and
    /// decodes the first `pieceSeconds`. Answers opened() or failed().
    void open(quint64 request, const QString& path, double start, double duration,
              const QAudioDevice& device, double seekSeconds, double pieceSeconds);
    /// Decodes the next `pieceSeconds` of the open request. Answers pieceReady() or failed().
    void readMore(quint64 request, double pieceSeconds);

signals:
    /// The file is open: output format, window length (s), the first piece, and whether it
    /// already holds the rest of the window.
    void opened(quint64 request, const QAudioFormat& format, double windowSeconds,
                const QByteArray& pcm, bool last);
    void pieceReady(quint64 request, const QByteArray& pcm, bool last);
    /// The file cannot be played: "<file>: <reason>". `outputProblem` when the cause is the
    /// audio output (no usable format), not the file.
    void failed(quint64 request, const QString& message, bool outputProblem);

private:
    void deliver(quint64 request, double pieceSeconds, bool first, const QAudioFormat& format);

    PlaybackReader m_reader;
    quint64 m_request = 0;
};

} // namespace atlas::ui
