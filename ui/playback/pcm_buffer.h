// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QIODevice>

#include <deque>

namespace atlas::ui {

/// The QIODevice a QAudioSink pulls from in pull mode: a queue of decoded pieces that the
/// player appends to as the decoder delivers them. Sequential and read-only. atEnd() is true
/// only when the last piece has been appended (setFinished()) and everything was read, so the
/// sink tells an underrun (waiting for the decoder) from the end. Emits readyRead() on every
/// append, which restarts a sink that went idle. GUI thread only.
class PcmBuffer : public QIODevice {
    Q_OBJECT
public:
    using QIODevice::QIODevice;

    /// Forgets all data, reopens for reading and resets the counters.
    void restart();
    void append(const QByteArray& pcm);
    /// No more data will come.
    void setFinished() { m_finished = true; }
    bool isFinished() const { return m_finished; }

    /// Bytes appended but not read yet.
    qint64 queuedBytes() const { return m_queued; }
    /// Bytes read by the sink since restart().
    qint64 pulledBytes() const { return m_pulled; }
    /// Bytes appended since restart().
    qint64 appendedBytes() const { return m_appended; }

    bool isSequential() const override { return true; }
    qint64 bytesAvailable() const override { return m_queued + QIODevice::bytesAvailable(); }
    bool atEnd() const override { return m_finished && m_queued == 0 && QIODevice::atEnd(); }

protected:
    qint64 readData(char* data, qint64 maxSize) override;
    qint64 writeData(const char*, qint64) override { return -1; }

private:
    std::deque<QByteArray> m_pieces;
    qsizetype m_headOffset = 0; // bytes of m_pieces.front() already read
    qint64 m_queued = 0;
    qint64 m_pulled = 0;
    qint64 m_appended = 0;
    bool m_finished = false;
};

} // namespace atlas::ui
