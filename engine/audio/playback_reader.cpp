// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/audio/playback_reader.h"

#include "engine/audio/resampler.h"
#include "engine/core/error.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <stdexcept>

namespace atlas {

namespace {

constexpr std::int64_t Unbounded = std::numeric_limits<std::int64_t>::max();
// Decoded on either side of a resampled piece and dropped afterwards: longer than the
// soxr HQ filter's half-length at any rate, so piece boundaries see the true neighbours.
constexpr double ResampleMarginSeconds = 0.02;

std::string secondsText(double s)
{
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.2f s", s);
    return buffer;
}

} // namespace

std::vector<std::string> PlaybackFormat::validate() const
{
    std::vector<std::string> problems;
    check(problems, sampleRate >= 1000 && sampleRate <= 384000, "PlaybackFormat", "sampleRate",
          "must be in [1000, 384000] Hz", sampleRate);
    check(problems, channels >= 1 && channels <= 32, "PlaybackFormat", "channels",
          "must be in [1, 32]", channels);
    return problems;
}

std::vector<float> remixChannels(std::span<const float> in, int inChannels, int outChannels)
{
    if (inChannels < 1 || outChannels < 1)
        throw std::invalid_argument("remixChannels: channel counts must be >= 1");
    if (in.size() % std::size_t(inChannels) != 0)
        throw std::invalid_argument("remixChannels: sample count is not a multiple of the "
                                    "channel count");
    if (inChannels == outChannels)
        return {in.begin(), in.end()};
    const std::size_t frames = in.size() / std::size_t(inChannels);
    const auto ic = std::size_t(inChannels);
    const auto oc = std::size_t(outChannels);
    std::vector<float> out(frames * oc, 0.0f);
    if (outChannels == 1) {
        const float scale = 1.0f / float(inChannels);
        for (std::size_t t = 0; t < frames; ++t) {
            float sum = 0.0f;
            for (std::size_t c = 0; c < ic; ++c)
                sum += in[t * ic + c];
            out[t] = sum * scale;
        }
    } else if (inChannels == 1) {
        for (std::size_t t = 0; t < frames; ++t)
            std::fill_n(out.begin() + std::ptrdiff_t(t * oc), oc, in[t]);
    } else if (inChannels > outChannels) {
        std::vector<float> weight(oc, 0.0f);
        for (std::size_t j = 0; j < ic; ++j)
            weight[j % oc] += 1.0f;
        for (float& w : weight)
            w = 1.0f / w;
        for (std::size_t t = 0; t < frames; ++t) {
            float* frame = out.data() + t * oc;
            for (std::size_t j = 0; j < ic; ++j)
                frame[j % oc] += in[t * ic + j];
            for (std::size_t c = 0; c < oc; ++c)
                frame[c] *= weight[c];
        }
    } else {
        for (std::size_t t = 0; t < frames; ++t)
            std::copy_n(in.begin() + std::ptrdiff_t(t * ic), ic,
                        out.begin() + std::ptrdiff_t(t * oc));
    }
    return out;
}

void encodePcm(std::span<const float> samples, PcmEncoding encoding,
               std::vector<std::uint8_t>& out)
{
    const std::size_t at = out.size();
    if (encoding == PcmEncoding::Float32) {
        out.resize(at + samples.size() * sizeof(float));
        std::uint8_t* dst = out.data() + at;
        for (std::size_t i = 0; i < samples.size(); ++i) {
            const float v = std::isfinite(samples[i]) ? samples[i] : 0.0f;
            std::memcpy(dst + i * sizeof(float), &v, sizeof(float));
        }
        return;
    }
    out.resize(at + samples.size() * sizeof(std::int16_t));
    std::uint8_t* dst = out.data() + at;
    for (std::size_t i = 0; i < samples.size(); ++i) {
        const float x = std::isfinite(samples[i]) ? std::clamp(samples[i], -1.0f, 1.0f) : 0.0f;
        const auto v = static_cast<std::int16_t>(std::lrint(x * 32767.0f));
        std::memcpy(dst + i * sizeof(std::int16_t), &v, sizeof(std::int16_t));
    }
}

std::optional<Issue> PlaybackReader::open(const std::filesystem::path& file, double startSeconds,
                                          double durationSeconds)
{
    m_open = false;
    m_atEnd = true;
    m_file = file;
    Outcome<AudioInfo> probed = probeAudio(file);
    if (!probed)
        return probed.issue();
    m_info = *probed;
    if (m_info.sampleRate <= 0 || m_info.channels <= 0)
        return Issue{file, "the file announces no sample rate or channels"};
    if (!std::isfinite(startSeconds) || startSeconds < 0.0)
        return Issue{file, "start " + secondsText(startSeconds) + " is not a time in the file"};

    const double rate = m_info.sampleRate;
    m_estimatedLength = m_info.format.find("MP3") != std::string::npos || m_info.frames <= 0;
    const std::int64_t fileFrames = m_estimatedLength ? Unbounded : m_info.frames;
    m_windowBegin = std::int64_t(startSeconds * rate);
    if (m_windowBegin >= fileFrames)
        return Issue{file, "start " + secondsText(startSeconds) +
                               " is beyond the end of the file (" +
                               secondsText(m_info.duration) + " long)"};
    m_windowEnd = fileFrames;
    if (durationSeconds > 0.0 && std::isfinite(durationSeconds)) {
        const auto frames = std::max<std::int64_t>(1, std::int64_t(durationSeconds * rate));
        m_windowEnd = std::min(fileFrames, m_windowBegin + frames);
    }
    m_cursor = m_windowBegin;
    m_out = PlaybackFormat{m_info.sampleRate, m_info.channels, PcmEncoding::Float32};
    m_open = true;
    m_atEnd = false;
    return std::nullopt;
}

double PlaybackReader::windowStart() const
{
    return m_info.sampleRate > 0 ? double(m_windowBegin) / m_info.sampleRate : 0.0;
}

double PlaybackReader::windowSeconds() const
{
    if (!m_open || m_info.sampleRate <= 0)
        return 0.0;
    if (m_windowEnd == Unbounded)
        return std::max(0.0, m_info.duration - windowStart());
    return double(m_windowEnd - m_windowBegin) / m_info.sampleRate;
}

void PlaybackReader::setOutput(const PlaybackFormat& format)
{
    requireValid(format.validate());
    m_out = format;
}

double PlaybackReader::position() const
{
    return m_info.sampleRate > 0 ? double(m_cursor - m_windowBegin) / m_info.sampleRate : 0.0;
}

void PlaybackReader::seek(double seconds)
{
    if (!m_open)
        return;
    const double clipped = std::clamp(std::isfinite(seconds) ? seconds : 0.0, 0.0, windowSeconds());
    m_cursor = std::min(m_windowEnd, m_windowBegin + std::int64_t(clipped * m_info.sampleRate));
    m_atEnd = m_cursor >= m_windowEnd;
}

std::optional<Issue> PlaybackReader::read(double maxSeconds, std::vector<std::uint8_t>& out)
{
    if (!m_open || m_atEnd)
        return std::nullopt;
    const std::int64_t inRate = m_info.sampleRate;
    const std::int64_t outRate = m_out.sampleRate;
    const bool resampling = inRate != outRate;
    const std::int64_t want =
        std::max<std::int64_t>(1, std::int64_t(std::max(maxSeconds, 0.0) * double(inRate)));
    const std::int64_t c0 = m_cursor;
    std::int64_t c1 = m_windowEnd - c0 > want ? c0 + want : m_windowEnd;

    const std::int64_t margin =
        resampling ? std::int64_t(std::ceil(ResampleMarginSeconds * double(inRate))) : 0;
    const std::int64_t d0 = std::max<std::int64_t>(0, c0 - margin);
    std::int64_t d1 = c1 + margin;
    if (!m_estimatedLength)
        d1 = std::min(d1, m_info.frames);

    // Frame k is reached exactly: the decoder truncates offset * rate (librosa semantics).
    DecodeConfig cfg;
    cfg.sampleRate = 0;
    cfg.mono = false;
    cfg.minDuration = 0.0;
    cfg.offset = (double(d0) + 0.5) / double(inRate);
    cfg.duration = (double(d1 - d0) + 0.5) / double(inRate);
    if (std::optional<Issue> issue = decodeAudioInto(m_file, cfg, m_clip)) {
        m_atEnd = true;
        // A file shorter than its header or MP3 estimate simply ends here.
        if (c0 > m_windowBegin && issue->reason.find("beyond the end") != std::string::npos)
            return std::nullopt;
        return issue;
    }
    const std::int64_t got = std::int64_t(m_clip.frames());
    if (d0 + got < c1) { // the audio ends inside this piece
        c1 = std::max(c0, d0 + got);
        m_windowEnd = c1;
    }

    // Equal channel counts need no remix copy: read the decoded samples in place.
    std::vector<float> remixed;
    std::span<const float> mixed(m_clip.samples);
    if (m_clip.channels != m_out.channels) {
        remixed = remixChannels(m_clip.samples, m_clip.channels, m_out.channels);
        mixed = remixed;
    }
    if (!resampling) {
        const auto skip = std::size_t(c0 - d0) * std::size_t(m_out.channels);
        const auto count = std::size_t(c1 - c0) * std::size_t(m_out.channels);
        encodePcm(mixed.subspan(skip, count), m_out.encoding, out);
    } else {
        // Output frame j of the window (0 = window start) lies at native time
        // windowBegin + j / r, i.e. at (windowBegin - d0) * r + j in the resampled piece.
        const auto outFrame = [&](std::int64_t native) {
            return (native - m_windowBegin) * outRate / inRate;
        };
        const std::int64_t j0 = outFrame(c0);
        const std::int64_t count = outFrame(c1) - j0;
        const std::vector<float> resampled =
            resample(mixed, m_out.channels, double(inRate), double(outRate));
        const std::int64_t available = std::int64_t(resampled.size()) / m_out.channels;
        const std::int64_t lead = std::clamp<std::int64_t>(
            std::llround(double(m_windowBegin - d0) * double(outRate) / double(inRate)) + j0, 0,
            available);
        const std::int64_t take = std::min(count, available - lead);
        const auto ch = std::size_t(m_out.channels);
        std::vector<float> piece(std::size_t(std::max<std::int64_t>(count, 0)) * ch, 0.0f);
        if (take > 0)
            std::copy_n(resampled.begin() + std::ptrdiff_t(std::size_t(lead) * ch),
                        std::size_t(take) * ch, piece.begin());
        encodePcm(piece, m_out.encoding, out);
    }
    m_cursor = c1;
    m_atEnd = m_cursor >= m_windowEnd;
    return std::nullopt;
}

} // namespace atlas
