// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/playback/decode_worker.h"

#include <exception>
#include <vector>

namespace atlas::ui {

namespace {

QString issueText(const Issue& issue)
{
    return QString::fromStdString(issue.file.string()) + QStringLiteral(": ") +
           QString::fromStdString(issue.reason);
}

} // namespace

QAudioFormat chooseOutputFormat(const QAudioDevice& device, int fileRate, int fileChannels)
{
    const QAudioFormat preferred = device.preferredFormat();
    QAudioFormat format;
    format.setSampleRate(fileRate);
    format.setChannelCount(fileChannels);
    const QAudioFormat::SampleFormat first =
        preferred.sampleFormat() == QAudioFormat::Int16 ? QAudioFormat::Int16 : QAudioFormat::Float;
    const QAudioFormat::SampleFormat second =
        first == QAudioFormat::Float ? QAudioFormat::Int16 : QAudioFormat::Float;
    format.setSampleFormat(first);
    if (!device.isFormatSupported(format)) {
        format.setSampleFormat(second);
        if (!device.isFormatSupported(format))
            format.setSampleFormat(first);
    }
    if (!device.isFormatSupported(format) && preferred.sampleRate() > 0)
        format.setSampleRate(preferred.sampleRate());
    if (!device.isFormatSupported(format) && preferred.channelCount() > 0)
        format.setChannelCount(preferred.channelCount());
    if (!device.isFormatSupported(format)) {
        format.setSampleFormat(second);
        if (!device.isFormatSupported(format))
            return {};
    }
    return format;
}

PlaybackFormat toPlaybackFormat(const QAudioFormat& format)
{
    return PlaybackFormat{format.sampleRate(), format.channelCount(),
                          format.sampleFormat() == QAudioFormat::Int16 ? PcmEncoding::Int16
                                                                       : PcmEncoding::Float32};
}

void DecodeWorker::open(quint64 request, const QString& path, double start, double duration,
                        const QAudioDevice& device, double seekSeconds, double pieceSeconds)
{
    m_request = request;
    const std::filesystem::path file(path.toStdString());
    if (std::optional<Issue> issue = m_reader.open(file, start, duration)) {
        emit failed(request, issueText(*issue), false);
        return;
    }
    const QAudioFormat format =
        chooseOutputFormat(device, m_reader.info().sampleRate, m_reader.info().channels);
    if (!format.isValid()) {
        emit failed(request,
                    QStringLiteral("the audio output \"%1\" takes neither 16-bit nor float samples")
                        .arg(device.description()),
                    true);
        return;
    }
    try {
        m_reader.setOutput(toPlaybackFormat(format));
    } catch (const std::exception& e) {
        emit failed(request,
                    QStringLiteral("the audio output \"%1\" wants an unusable format (%2)")
                        .arg(device.description(), QString::fromUtf8(e.what())),
                    true);
        return;
    }
    if (seekSeconds > 0.0)
        m_reader.seek(seekSeconds);
    deliver(request, pieceSeconds, true, format);
}

void DecodeWorker::readMore(quint64 request, double pieceSeconds)
{
    if (request != m_request || !m_reader.isOpen())
        return;
    deliver(request, pieceSeconds, false, {});
}

void DecodeWorker::deliver(quint64 request, double pieceSeconds, bool first,
                           const QAudioFormat& format)
{
    std::vector<std::uint8_t> bytes;
    std::optional<Issue> issue;
    try {
        issue = m_reader.read(pieceSeconds, bytes);
    } catch (const std::exception& e) { // allocation failure, resampler error
        issue = Issue{m_reader.file(), e.what()};
    }
    if (issue) {
        emit failed(request, issueText(*issue), false);
        return;
    }
    const QByteArray pcm(reinterpret_cast<const char*>(bytes.data()), qsizetype(bytes.size()));
    if (first)
        emit opened(request, format, m_reader.windowSeconds(), pcm, m_reader.atEnd());
    else
        emit pieceReady(request, pcm, m_reader.atEnd());
}

} // namespace atlas::ui
