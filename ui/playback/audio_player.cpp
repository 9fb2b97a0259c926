// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/playback/audio_player.h"

#include "ui/playback/decode_worker.h"
#include "ui/playback/pcm_buffer.h"

#include <QAudioSink>
#include <QMediaDevices>

#include <algorithm>
#include <cmath>

namespace atlas::ui {

namespace {

constexpr double FirstPieceSeconds = 0.5; // small, so that playing starts at once
constexpr double PieceSeconds = 2.0;
constexpr double AheadSeconds = 4.0;      // decoded audio kept queued ahead of the output
constexpr int TickMs = 50;

QString sinkErrorText(QAudio::Error error)
{
    switch (error) {
    case QAudio::OpenError:
        return QStringLiteral("the output could not be opened");
    case QAudio::IOError:
        return QStringLiteral("writing to the output failed");
    case QAudio::FatalError:
        return QStringLiteral("the sound server cannot be reached");
    case QAudio::UnderrunError:
    case QAudio::NoError:
        break;
    }
    return QStringLiteral("the output stopped");
}

} // namespace

AudioPlayer::AudioPlayer(QObject* parent) : QObject(parent)
{
    qRegisterMetaType<QAudioDevice>();
    qRegisterMetaType<QAudioFormat>();

    m_buffer = new PcmBuffer(this);
    m_worker = new DecodeWorker;
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(this, &AudioPlayer::openRequested, m_worker, &DecodeWorker::open);
    connect(this, &AudioPlayer::moreRequested, m_worker, &DecodeWorker::readMore);
    connect(m_worker, &DecodeWorker::opened, this, &AudioPlayer::onOpened);
    connect(m_worker, &DecodeWorker::pieceReady, this, &AudioPlayer::onPiece);
    connect(m_worker, &DecodeWorker::failed, this, &AudioPlayer::onFailed);
    m_thread.setObjectName(QStringLiteral("audio decoder"));
    m_thread.start();

    m_tick.setInterval(TickMs);
    connect(&m_tick, &QTimer::timeout, this, &AudioPlayer::tick);
}

AudioPlayer::~AudioPlayer()
{
    ++m_request;
    if (m_sink) {
        m_sink->disconnect(this);
        m_sink->stop();
        delete m_sink;
        m_sink = nullptr;
    }
    m_thread.quit();
    m_thread.wait();
}

void AudioPlayer::play(const QString& path, const QString& title, double startSeconds,
                       double durationSeconds)
{
    ++m_request;
    releaseSink();
    m_tick.stop();
    m_path = path;
    m_title = title.isEmpty() ? path : title;
    m_start = std::isfinite(startSeconds) ? std::max(0.0, startSeconds) : 0.0;
    m_windowSeconds = std::isfinite(durationSeconds) ? durationSeconds : 0.0;
    m_pauseWanted = false;
    m_lastErrorKind = ErrorKind::None;
    m_lastError.clear();
    m_base = 0.0;
    if (m_duration != 0.0) {
        m_duration = 0.0;
        emit durationChanged(0.0);
    }
    emit nowPlayingChanged(m_title);
    emit positionChanged(0.0);

    m_device = QMediaDevices::defaultAudioOutput();
    if (m_device.isNull()) {
        fail(ErrorKind::Output,
             QStringLiteral("No audio output available: no sound server or output device was "
                            "found"));
        return;
    }
    startRequest(0.0);
}

void AudioPlayer::startRequest(double seekSeconds)
{
    ++m_request;
    releaseSink();
    m_moreOutstanding = false;
    m_drainClock.invalidate();
    m_buffer->restart();
    m_base = seekSeconds;
    setState(m_pauseWanted ? State::Paused : State::Loading);
    emit openRequested(m_request, m_path, m_start, m_windowSeconds, m_device, seekSeconds,
                       FirstPieceSeconds);
}

void AudioPlayer::onOpened(quint64 request, const QAudioFormat& format, double windowSeconds,
                           const QByteArray& pcm, bool last)
{
    if (request != m_request)
        return;
    m_format = format;
    if (windowSeconds != m_duration) {
        m_duration = windowSeconds;
        emit durationChanged(m_duration);
    }
    m_buffer->append(pcm);
    if (last)
        m_buffer->setFinished();

    auto* sink = new QAudioSink(m_device, format, this);
    m_sink = sink;
    sink->setVolume(m_volume);
    // Queued: the sink emits from inside start()/stop(), and it must not be released there.
    connect(
        sink, &QAudioSink::stateChanged, this,
        [this, sink](QAudio::State state) {
            if (sink == m_sink)
                onSinkStateChanged(state);
        },
        Qt::QueuedConnection);
    sink->start(m_buffer);
    if (sink->error() != QAudio::NoError || sink->state() == QAudio::StoppedState) {
        fail(ErrorKind::Output,
             QStringLiteral("No audio output available: %1 (%2)")
                 .arg(sinkErrorText(sink->error()), m_device.description()));
        return;
    }
    if (m_pauseWanted) {
        sink->suspend();
        setState(State::Paused);
    } else {
        setState(State::Playing);
    }
    m_tick.start();
    requestMoreIfNeeded();
}

void AudioPlayer::onPiece(quint64 request, const QByteArray& pcm, bool last)
{
    if (request != m_request)
        return;
    m_moreOutstanding = false;
    m_buffer->append(pcm);
    if (last)
        m_buffer->setFinished();
    requestMoreIfNeeded();
}

void AudioPlayer::onFailed(quint64 request, const QString& message, bool outputProblem)
{
    if (request != m_request)
        return;
    if (outputProblem)
        fail(ErrorKind::Output, QStringLiteral("No audio output available: ") + message);
    else
        fail(ErrorKind::File, message);
}

void AudioPlayer::onSinkStateChanged(QAudio::State state)
{
    if (state == QAudio::StoppedState && m_sink && m_sink->error() != QAudio::NoError &&
        m_sink->error() != QAudio::UnderrunError)
        fail(ErrorKind::Output, QStringLiteral("No audio output available: %1 (%2)")
                                    .arg(sinkErrorText(m_sink->error()), m_device.description()));
}

void AudioPlayer::requestMoreIfNeeded()
{
    if (m_moreOutstanding || m_buffer->isFinished() || !m_sink)
        return;
    if (secondsFor(m_buffer->queuedBytes()) >= AheadSeconds)
        return;
    m_moreOutstanding = true;
    emit moreRequested(m_request, PieceSeconds);
}

void AudioPlayer::tick()
{
    if (!m_sink)
        return;
    emit positionChanged(position());
    requestMoreIfNeeded();
    if (m_state != State::Playing || !m_buffer->isFinished() || m_buffer->queuedBytes() > 0)
        return;
    // Everything was handed to the output; finished once it has been played out. The
    // sink's own clock decides; the deadline covers outputs whose clock stalls at the end.
    if (!m_drainClock.isValid())
        m_drainClock.start();
    const double written = secondsFor(m_buffer->pulledBytes());
    const double played = double(m_sink->processedUSecs()) / 1e6;
    const double deadline = secondsFor(m_sink->bufferSize()) + 1.0;
    if (played + 0.005 < written && m_drainClock.elapsed() < qint64(deadline * 1000.0))
        return;
    releaseSink();
    m_tick.stop();
    m_base = m_duration;
    setState(State::Stopped);
    emit positionChanged(m_duration);
    emit finished();
}

void AudioPlayer::pause()
{
    if (m_state == State::Playing) {
        m_pauseWanted = true;
        if (m_sink)
            m_sink->suspend();
        setState(State::Paused);
    } else if (m_state == State::Loading) {
        m_pauseWanted = true;
        setState(State::Paused);
    }
}

void AudioPlayer::resume()
{
    if (m_state != State::Paused)
        return;
    m_pauseWanted = false;
    if (m_sink) {
        m_sink->resume();
        m_drainClock.invalidate();
        setState(State::Playing);
    } else {
        setState(State::Loading);
    }
}

void AudioPlayer::togglePause()
{
    if (m_state == State::Playing || m_state == State::Loading)
        pause();
    else if (m_state == State::Paused)
        resume();
}

void AudioPlayer::stop()
{
    ++m_request;
    releaseSink();
    m_tick.stop();
    m_pauseWanted = false;
    m_base = 0.0;
    const bool hadFile = !m_path.isEmpty();
    m_path.clear();
    m_title.clear();
    setState(State::Stopped);
    emit positionChanged(0.0);
    if (hadFile)
        emit nowPlayingChanged(QString());
}

void AudioPlayer::seek(double seconds)
{
    if (m_state == State::Stopped || m_path.isEmpty())
        return;
    const double target =
        std::clamp(std::isfinite(seconds) ? seconds : 0.0, 0.0, std::max(0.0, m_duration));
    m_pauseWanted = m_state == State::Paused;
    startRequest(target);
    emit positionChanged(target);
}

void AudioPlayer::setVolume(double volume)
{
    const double clipped = std::clamp(std::isfinite(volume) ? volume : 1.0, 0.0, 1.0);
    if (clipped == m_volume)
        return;
    m_volume = clipped;
    if (m_sink)
        m_sink->setVolume(m_volume);
    emit volumeChanged(m_volume);
}

double AudioPlayer::position() const
{
    if (!m_sink)
        return m_base;
    return std::min(m_duration, m_base + double(m_sink->processedUSecs()) / 1e6);
}

QAudio::State AudioPlayer::sinkState() const
{
    return m_sink ? m_sink->state() : QAudio::StoppedState;
}

qint64 AudioPlayer::processedUSecs() const
{
    return m_sink ? m_sink->processedUSecs() : 0;
}

qint64 AudioPlayer::bytesPulled() const
{
    return m_buffer->pulledBytes();
}

void AudioPlayer::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    emit stateChanged(state);
}

void AudioPlayer::releaseSink()
{
    if (!m_sink)
        return;
    QAudioSink* sink = m_sink;
    m_sink = nullptr;
    sink->disconnect(this);
    sink->stop();
    sink->deleteLater();
}

void AudioPlayer::fail(ErrorKind kind, const QString& message)
{
    ++m_request;
    releaseSink();
    m_tick.stop();
    m_pauseWanted = false;
    m_lastErrorKind = kind;
    m_lastError = message;
    setState(State::Stopped);
    emit error(message);
}

double AudioPlayer::secondsFor(qint64 bytes) const
{
    if (!m_format.isValid() || m_format.bytesPerFrame() <= 0)
        return 0.0;
    return double(bytes) / (double(m_format.bytesPerFrame()) * m_format.sampleRate());
}

} // namespace atlas::ui
