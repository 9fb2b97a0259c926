// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/audio/decoder.h"

#include "engine/audio/ffmpeg_decoder.h"
#include "engine/audio/resampler.h"
#include "engine/core/error.h"
#include "engine/core/text.h"

#include <sndfile.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>
#include <sstream>
#include <system_error>

namespace atlas {

std::vector<std::string> DecodeConfig::validate() const
{
    std::vector<std::string> problems;
    check(problems, sampleRate == 0 || (sampleRate >= 1000 && sampleRate <= 384000),
          "DecodeConfig", "sampleRate", "must be 0 (native) or in [1000, 384000] Hz", sampleRate);
    check(problems, std::isfinite(offset) && offset >= 0.0, "DecodeConfig", "offset",
          "must be a finite number of seconds >= 0", offset);
    check(problems, std::isfinite(duration), "DecodeConfig", "duration",
          "must be finite (<= 0 reads to the end)", duration);
    check(problems, std::isfinite(minDuration) && minDuration >= 0.0, "DecodeConfig",
          "minDuration", "must be a finite number of seconds >= 0", minDuration);
    check(problems, std::isfinite(autoMiddleAbove) && autoMiddleAbove > 0.0, "DecodeConfig",
          "autoMiddleAbove", "must be a finite number of seconds > 0", autoMiddleAbove);
    return problems;
}

const char* excerptPositionKey(ExcerptPosition position)
{
    switch (position) {
    case ExcerptPosition::Start: return "start";
    case ExcerptPosition::Middle: return "middle";
    case ExcerptPosition::Auto: return "auto";
    }
    return "start";
}

std::optional<ExcerptPosition> parseExcerptPosition(const std::string& word)
{
    for (ExcerptPosition p : {ExcerptPosition::Start, ExcerptPosition::Middle, ExcerptPosition::Auto})
        if (word == excerptPositionKey(p))
            return p;
    return std::nullopt;
}

namespace {

using detail::secondsText;

struct SndfileCloser {
    void operator()(SNDFILE* sf) const { sf_close(sf); }
};
using SndfilePtr = std::unique_ptr<SNDFILE, SndfileCloser>;

struct FileCloser {
    void operator()(std::FILE* f) const { std::fclose(f); }
};

bool startsWith(const std::string& s, std::size_t at, const char* magic, std::size_t n)
{
    return s.size() >= at + n && std::memcmp(s.data() + at, magic, n) == 0;
}

// True when the bytes look like text (ASCII or UTF-8, no control bytes but whitespace).
bool looksLikeText(const std::string& head)
{
    if (head.empty())
        return false;
    std::size_t printable = 0;
    for (unsigned char c : head) {
        if (c == 0)
            return false;
        if (c >= 0x20 || c == '\n' || c == '\r' || c == '\t' || c == '\f')
            ++printable;
    }
    return printable >= head.size() - head.size() / 50;
}

// Containers and codecs libsndfile does not read but FFmpeg does: they go to the FFmpeg path.
bool ffmpegFormat(const std::string& head)
{
    const auto u = [&](std::size_t i) { return i < head.size() ? (unsigned char)head[i] : 0u; };
    static const char asf[] = "\x30\x26\xB2\x75\x8E\x66\xCF\x11";
    return startsWith(head, 4, "ftyp", 4) ||                     // MP4/M4A (AAC, ALAC)
           startsWith(head, 0, asf, 8) ||                        // WMA
           (u(0) == 0xFF && (u(1) & 0xF6) == 0xF0) ||            // raw AAC (ADTS)
           startsWith(head, 0, "\x1A\x45\xDF\xA3", 4) ||       // Matroska/WebM
           startsWith(head, 0, "wvpk", 4) ||                     // WavPack
           startsWith(head, 0, "MAC ", 4) ||                     // Monkey's Audio
           startsWith(head, 0, "#!AMR", 5) ||                    // AMR
           startsWith(head, 0, "\x0B\x77", 2) ||                 // AC-3
           startsWith(head, 0, ".RMF", 4) || startsWith(head, 0, ".ra\xFD", 4);   // RealAudio
}

// Inspects the first bytes of a file. Returns a fatal reason for content that is not audio
// (or that libsndfile would describe misleadingly); nullopt when the data may be audio.
std::optional<std::string> sniffProblem(const std::string& head)
{
    if (startsWith(head, 0, "MThd", 4))
        return std::string("not an audio recording: a MIDI file holds notes, not sound; "
                           "render it to FLAC, Ogg or MP3 first");
    if (startsWith(head, 0, "RIFF", 4) && startsWith(head, 8, "AVI ", 4))
        return std::string("not an audio file (it is an AVI video)");
    if (startsWith(head, 0, "%PDF", 4))
        return std::string("not an audio file (it is a PDF document)");
    if (startsWith(head, 0, "PK\x03\x04", 4))
        return std::string("not an audio file (it is a ZIP archive)");
    if (startsWith(head, 0, "\x89PNG", 4) || startsWith(head, 0, "\xFF\xD8\xFF", 3) ||
        startsWith(head, 0, "GIF8", 4))
        return std::string("not an audio file (it is an image)");

    std::string body = head;
    if (startsWith(body, 0, "\xEF\xBB\xBF", 3))
        body.erase(0, 3);
    if (looksLikeText(body)) {
        const std::string lower = lowerAscii(body);
        const auto first = lower.find_first_not_of(" \t\r\n\f");
        const std::string start = first == std::string::npos ? "" : lower.substr(first);
        if (start.rfind("<!doctype html", 0) == 0 || start.rfind("<html", 0) == 0 ||
            lower.find("<html") != std::string::npos || lower.find("<body") != std::string::npos)
            return std::string("not an audio file (it is an HTML web page, perhaps a saved "
                               "download or error page)");
        if (start.rfind("<?xml", 0) == 0)
            return std::string("not an audio file (it contains XML text)");
        if (start.rfind("#extm3u", 0) == 0 || start.rfind("[playlist]", 0) == 0)
            return std::string("not an audio file (it is a playlist; add the files it "
                               "lists instead)");
        return std::string("not an audio file (it contains text)");
    }
    return std::nullopt;
}

std::string subtypeName(int subtype)
{
    switch (subtype) {
    case SF_FORMAT_PCM_S8:
    case SF_FORMAT_PCM_U8: return "PCM 8-bit";
    case SF_FORMAT_PCM_16: return "PCM 16-bit";
    case SF_FORMAT_PCM_24: return "PCM 24-bit";
    case SF_FORMAT_PCM_32: return "PCM 32-bit";
    case SF_FORMAT_FLOAT: return "32-bit float";
    case SF_FORMAT_DOUBLE: return "64-bit float";
    case SF_FORMAT_ULAW: return "u-law";
    case SF_FORMAT_ALAW: return "A-law";
    case SF_FORMAT_IMA_ADPCM: return "IMA ADPCM";
    case SF_FORMAT_MS_ADPCM: return "MS ADPCM";
    case SF_FORMAT_GSM610: return "GSM 6.10";
    default: break;
    }
    SF_FORMAT_INFO info{};
    info.format = subtype;
    if (sf_command(nullptr, SFC_GET_FORMAT_INFO, &info, sizeof(info)) == 0 && info.name)
        return info.name;
    return "unknown encoding";
}

std::string formatName(int format)
{
    const int major = format & SF_FORMAT_TYPEMASK;
    const int sub = format & SF_FORMAT_SUBMASK;
    switch (major) {
    case SF_FORMAT_WAV: return "WAV (" + subtypeName(sub) + ")";
    case SF_FORMAT_WAVEX: return "WAV extensible (" + subtypeName(sub) + ")";
    case SF_FORMAT_RF64: return "RF64 WAV (" + subtypeName(sub) + ")";
    case SF_FORMAT_W64: return "Wave64 (" + subtypeName(sub) + ")";
    case SF_FORMAT_AIFF: return "AIFF (" + subtypeName(sub) + ")";
    case SF_FORMAT_AU: return "AU (" + subtypeName(sub) + ")";
    case SF_FORMAT_CAF: return "CAF (" + subtypeName(sub) + ")";
    case SF_FORMAT_FLAC: return "FLAC";
    case SF_FORMAT_OGG:
        if (sub == SF_FORMAT_OPUS)
            return "Ogg Opus";
        if (sub == SF_FORMAT_VORBIS)
            return "Ogg Vorbis";
        return "Ogg (" + subtypeName(sub) + ")";
    case SF_FORMAT_MPEG:
        if (sub == SF_FORMAT_MPEG_LAYER_I)
            return "MPEG Layer I";
        if (sub == SF_FORMAT_MPEG_LAYER_II)
            return "MP2";
        return "MP3";
    default: break;
    }
    SF_FORMAT_INFO info{};
    info.format = major;
    if (sf_command(nullptr, SFC_GET_FORMAT_MAJOR, &info, sizeof(info)) == 0 && info.name)
        return info.name;
    return "audio";
}

bool isMpeg(int format) { return (format & SF_FORMAT_TYPEMASK) == SF_FORMAT_MPEG; }

// An open file, or the reason it cannot be opened.
struct Opened {
    SndfilePtr sf;
    SF_INFO info{};
    std::uintmax_t bytes = 0;
    std::string problem;
    /// The content is a format for the FFmpeg path (MP4/M4A, WMA, ...), or libsndfile rejected
    /// data FFmpeg may still read (an MP3 or Ogg file with a damaged start, say).
    bool ffmpeg = false;
    bool ffmpegFirst = false; ///< ffmpeg's reason is the one to report when both fail
};

Opened openAudio(const std::filesystem::path& file)
{
    Opened result;
    std::error_code ec;
    const auto status = std::filesystem::status(file, ec);
    if (ec || !std::filesystem::exists(status)) {
        if (ec && ec != std::errc::no_such_file_or_directory)
            result.problem = "cannot access the file (" + ec.message() + ")";
        else
            result.problem = "file not found";
        return result;
    }
    if (std::filesystem::is_directory(status)) {
        result.problem = "is a folder, not an audio file";
        return result;
    }
    if (!std::filesystem::is_regular_file(status)) {
        result.problem = "is not a regular file (a device, pipe or socket)";
        return result;
    }
    result.bytes = std::filesystem::file_size(file, ec);
    if (!ec && result.bytes == 0) {
        result.problem = "empty file (0 bytes)";
        return result;
    }

    errno = 0;
    std::unique_ptr<std::FILE, FileCloser> f(std::fopen(file.c_str(), "rb"));
    if (!f) {
        const int err = errno;
        result.problem = err == EACCES || err == EPERM
                             ? "permission denied (the file cannot be read)"
                             : "cannot open the file (" + std::string(std::strerror(err)) + ")";
        return result;
    }
    std::string head(1024, '\0');
    head.resize(std::fread(head.data(), 1, head.size(), f.get()));
    f.reset();
    if (head.empty()) {
        result.problem = "empty file (0 bytes)";
        return result;
    }
    if (auto problem = sniffProblem(head)) {
        result.problem = *problem;
        return result;
    }
    if (ffmpegFormat(head)) {
        result.ffmpeg = result.ffmpegFirst = true;
        return result;
    }

    result.sf.reset(sf_open(file.c_str(), SFM_READ, &result.info));
    if (!result.sf) {
        // libsndfile says "File does not exist or is not a regular file" when no decoder
        // accepts the content; the file exists, so say what is really wrong.
        std::string detail = sf_strerror(nullptr);
        if (detail.find("does not exist") != std::string::npos ||
            detail.find("not a regular file") != std::string::npos)
            detail = "no decoder recognised the content";
        if (head.size() < 64 && result.bytes < 64) {
            result.problem = "not an audio file (only " + std::to_string(result.bytes) +
                             " bytes, too small to hold audio)";
        } else {
            result.problem = "unrecognised or corrupt audio data (" + detail + ")";
            result.ffmpeg = true;
        }
        return result;
    }
    // Uncompressed samples in a WAV/AIFF/AU-like container take at least a byte each; FLAC
    // and Ogg report their decoded sample format as the subtype.
    const int major = result.info.format & SF_FORMAT_TYPEMASK;
    const int sub = result.info.format & SF_FORMAT_SUBMASK;
    const bool pcm = major != SF_FORMAT_FLAC && major != SF_FORMAT_OGG && !isMpeg(major) &&
                     (sub == SF_FORMAT_PCM_S8 || sub == SF_FORMAT_PCM_U8 ||
                     sub == SF_FORMAT_PCM_16 || sub == SF_FORMAT_PCM_24 ||
                     sub == SF_FORMAT_PCM_32 || sub == SF_FORMAT_FLOAT ||
                     sub == SF_FORMAT_DOUBLE || sub == SF_FORMAT_ULAW || sub == SF_FORMAT_ALAW);
    // MP3's frame count is libsndfile's estimate from the bit rate: not a claim to check.
    const std::int64_t frames = isMpeg(result.info.format) ? -1 : std::int64_t(result.info.frames);
    if (auto problem = detail::implausibleHeader(result.info.samplerate, result.info.channels,
                                                 frames, result.bytes, !pcm)) {
        result.problem = *problem;
        result.sf.reset();
    }
    return result;
}

std::string logOf(SNDFILE* sf)
{
    std::string log(4096, '\0');
    sf_command(sf, SFC_GET_LOG_INFO, log.data(), int(log.size()));
    log.resize(std::strlen(log.c_str()));
    return log;
}

// libsndfile trims the frame count of a WAV/AIFF/AU whose data chunk runs past the end of
// the file and notes it in its log, e.g. "data : 441000 (should be 110217)"; this recovers the
// fact that the file was cut short. Only the audio chunk counts: a wrong RIFF size alone is a
// harmless writer bug.
bool headerSaysLonger(const std::string& log)
{
    std::istringstream lines(log);
    std::string line;
    while (std::getline(lines, line)) {
        const std::string lower = lowerAscii(line);
        // The log names the file ("File : /music/Truncated Dreams.wav"): not evidence.
        if (lower.rfind("file", 0) == 0)
            continue;
        if (lower.find("truncated") != std::string::npos)
            return true;
        const auto colon = lower.find(':');
        const auto should = lower.find("(should be ");
        if (colon == std::string::npos || should == std::string::npos || should < colon)
            continue;
        const std::string label = lower.substr(0, colon);
        if (label.find("data") == std::string::npos && label.find("ssnd") == std::string::npos)
            continue;
        const long long announced = std::atoll(lower.c_str() + colon + 1);
        const long long actual = std::atoll(lower.c_str() + should + 11);
        if (actual < announced)
            return true;
    }
    return false;
}

// Decodes an opened file into `clip`, reusing clip.samples' capacity. Returns the Issue that
// makes the file unusable, if any. status.decoderError is set when libsndfile stopped with an
// error (soundfile raises then, and librosa falls back to FFmpeg through audioread).
std::optional<Issue> decodeOpened(const std::filesystem::path& file, Opened& opened,
                                  const DecodeConfig& cfg, AudioClip& clip,
                                  detail::DecodeStatus& status)
{
    SNDFILE* sf = opened.sf.get();
    const SF_INFO& info = opened.info;
    const int channels = info.channels;
    const double rate = info.samplerate;
    const bool mpeg = isMpeg(info.format);
    const bool knownLength = !mpeg && info.frames > 0;
    const bool mix = cfg.mono && channels > 1;
    const int outChannels = mix ? 1 : channels;
    const bool resampling = cfg.sampleRate > 0 && cfg.sampleRate != info.samplerate;

    clip.format = formatName(info.format);
    clip.sourceSampleRate = info.samplerate;
    clip.sourceChannels = channels;
    clip.sourceDuration = info.frames > 0 ? double(info.frames) / rate : 0.0;
    clip.warnings.clear();

    // librosa/soundfile: seek(int(offset * sr)), read(int(duration * sr)) -- truncation.
    const sf_count_t start =
        sf_count_t(detail::excerptStartFrame(cfg, rate, std::int64_t(info.frames)));
    // Clamped so that an absurd duration cannot overflow; the file ends long before.
    const sf_count_t wanted = cfg.duration > 0.0
                                  ? sf_count_t(std::min(cfg.duration * rate, 0x1p62))
                                  : sf_count_t(-1);
    if (knownLength && start >= info.frames)
        return detail::excerptBeyondEnd(file, double(start) / rate, clip.sourceDuration, "",
                                        status);
    if (start > 0 && sf_seek(sf, start, SEEK_SET) < 0)
        return detail::excerptBeyondEnd(file, double(start) / rate, clip.sourceDuration,
                                        "it cannot be reached: " + std::string(sf_strerror(sf)),
                                        status);

    // Native-rate output (mixed to mono when asked) goes straight into clip.samples, or into a
    // per-thread buffer when it still has to be resampled; a multi-channel file to be mixed is
    // read chunk by chunk through a small per-thread buffer. Buffers are reused across calls.
    thread_local std::vector<float> nativeBuffer;
    thread_local std::vector<float> chunkBuffer;
    std::vector<float>& native = resampling ? nativeBuffer : clip.samples;
    native.clear();
    // Never more than the file can hold, nor more than MaxReservedSamples ahead of the data.
    std::int64_t expect = wanted;
    if (knownLength)
        expect = wanted > 0 ? std::min<std::int64_t>(wanted, info.frames - start)
                            : std::int64_t(info.frames - start);
    if (expect > 0)
        native.reserve(std::min(std::size_t(expect) * std::size_t(outChannels),
                                detail::MaxReservedSamples));

    const sf_count_t chunk = 32768;
    sf_count_t got = 0;
    bool reachedEnd = false;
    std::int64_t firstInvalid = -1;
    while (wanted < 0 || got < wanted) {
        const sf_count_t ask = wanted < 0 ? chunk : std::min(chunk, wanted - got);
        const std::size_t at = native.size();
        float* raw = nullptr;
        if (mix) {
            chunkBuffer.resize(std::size_t(ask) * std::size_t(channels));
            raw = chunkBuffer.data();
        } else {
            native.resize(at + std::size_t(ask) * std::size_t(channels));
            raw = native.data() + at;
        }
        const sf_count_t kept = std::max<sf_count_t>(sf_readf_float(sf, raw, ask), 0);
        const std::size_t values = std::size_t(kept) * std::size_t(channels);
        if (firstInvalid < 0) {
            // Branch-free integer scan (vectorises): NaN and infinity have an all-ones exponent.
            std::uint32_t nonFinite = 0;
            for (std::size_t i = 0; i < values; ++i)
                nonFinite |= std::uint32_t(
                    (std::bit_cast<std::uint32_t>(raw[i]) & 0x7F800000u) == 0x7F800000u);
            if (nonFinite)
                for (std::size_t i = 0; i < values && firstInvalid < 0; ++i)
                    if (!std::isfinite(raw[i]))
                        firstInvalid = got + std::int64_t(i / std::size_t(channels));
        }
        if (mix) {
            // numpy's mean over the channel axis in float32 (librosa.to_mono): a sequential
            // sum, then one division.
            native.resize(at + std::size_t(kept));
            const float c = float(channels);
            for (std::size_t t = 0; t < std::size_t(kept); ++t) {
                const float* frame = raw + t * std::size_t(channels);
                float sum = frame[0];
                for (int ch = 1; ch < channels; ++ch)
                    sum += frame[ch];
                native[at + t] = sum / c;
            }
        } else {
            native.resize(at + values);
        }
        got += kept;
        if (kept < ask) {
            reachedEnd = true;
            break;
        }
    }
    const int readError = sf_error(sf);
    status.decoderError = readError != SF_ERR_NO_ERROR;
    if (mpeg && reachedEnd && readError == SF_ERR_NO_ERROR)
        clip.sourceDuration = double(start + got) / rate;

    if (got == 0) {
        if (mpeg && start > 0)
            return detail::excerptBeyondEnd(file, double(start) / rate, clip.sourceDuration, "",
                                            status);
        if (readError != SF_ERR_NO_ERROR)
            return Issue{file, "corrupt or truncated audio data: nothing could be decoded (" +
                                   std::string(sf_strerror(sf)) + ")"};
        return Issue{file, "contains no audio (0 samples)"};
    }

    // A shortfall against the header's own length, a decoder error, or libsndfile's note that
    // the data chunk runs past the end of the file: the file was cut short or is damaged.
    std::string damage;
    if (readError != SF_ERR_NO_ERROR)
        damage = "decoding stopped with an error (" + std::string(sf_strerror(sf)) + ")";
    else if (knownLength && reachedEnd && start + got < info.frames)
        damage = "the audio stops at " + secondsText(double(start + got) / rate) + " of the " +
                 secondsText(clip.sourceDuration) + " its header announces";
    else if (headerSaysLonger(logOf(sf)))
        damage = "the file is shorter than its header announces";

    return detail::finishClip(file, cfg, native, outChannels, rate, start, got, firstInvalid,
                              damage, clip);
}

} // namespace

namespace detail {

std::optional<std::string> implausibleHeader(int rate, int channels, std::int64_t frames,
                                             std::uintmax_t bytes, bool compressed)
{
    if (rate < MinSourceSampleRate || rate > MaxSourceSampleRate)
        return "corrupt header: it claims a sample rate of " + std::to_string(rate) +
               " Hz; audio is read at " + std::to_string(MinSourceSampleRate / 1000) + " kHz to " +
               std::to_string(MaxSourceSampleRate / 1000) + " kHz";
    if (channels < 1 || channels > MaxSourceChannels)
        return "corrupt header: it claims " + std::to_string(channels) +
               " channels; audio is read with 1 to " + std::to_string(MaxSourceChannels);
    if (frames > 0 && bytes > 0) {
        const double perByte = compressed ? double(MaxSamplesPerCompressedByte) : 1.0;
        if (double(frames) * double(channels) > double(bytes) * perByte + 4096.0)
            return "corrupt header: it claims " + std::to_string(frames) + " frames (" +
                   secondsText(double(frames) / rate) + " of audio), more than a file of " +
                   std::to_string(bytes) + " bytes can hold";
    }
    return std::nullopt;
}

std::string secondsText(double s)
{
    std::ostringstream out;
    out.setf(std::ios::fixed);
    out.precision(s < 10.0 ? 2 : 1);
    out << s << " s";
    return out.str();
}

Issue excerptBeyondEnd(const std::filesystem::path& file, double startSeconds,
                       double fileSeconds, const std::string& detail, DecodeStatus& status)
{
    status.startUnreachable = true;
    return Issue{file, "offset " + secondsText(startSeconds) + " is beyond the end of the file (" +
                           secondsText(fileSeconds) + " long" +
                           (detail.empty() ? std::string() : "; " + detail) + ")"};
}

std::optional<Issue> finishClip(const std::filesystem::path& file, const DecodeConfig& cfg,
                                std::vector<float>& native, int outChannels, double rate,
                                std::int64_t start, std::int64_t got, std::int64_t firstInvalid,
                                const std::string& damage, AudioClip& clip)
{
    const double clipSeconds = double(got) / rate;
    if (clipSeconds < cfg.minDuration) {
        if (!damage.empty())
            return Issue{file, "truncated or corrupt file: " + damage + "; only " +
                                   secondsText(clipSeconds) + " of audio could be decoded, " +
                                   secondsText(cfg.minDuration) + " needed"};
        return Issue{file, "too short to analyse (" + secondsText(clipSeconds) + " of audio" +
                               (start > 0 ? " after the offset" : std::string()) +
                               "; at least " + secondsText(cfg.minDuration) + " needed)"};
    }
    if (firstInvalid >= 0)
        return Issue{file, "contains invalid samples (NaN or infinity, first at " +
                               secondsText(double(start + firstInvalid) / rate) + ")"};
    if (!damage.empty())
        clip.warnings.push_back("truncated or corrupt file: " + damage + "; used the " +
                                secondsText(clipSeconds) + " that could be decoded");

    if (cfg.sampleRate > 0 && double(cfg.sampleRate) != rate) {
        clip.samples = resample(native, outChannels, rate, double(cfg.sampleRate));
        clip.sampleRate = cfg.sampleRate;
        // Keep the per-thread buffer from pinning the memory of one very long file.
        if (native.capacity() > (std::size_t(1) << 24))
            std::vector<float>().swap(native);
    } else {
        clip.sampleRate = int(rate);
    }
    clip.channels = outChannels;
    return std::nullopt;
}

} // namespace detail

Outcome<AudioInfo> probeAudio(const std::filesystem::path& file)
{
    try {
        Opened opened = openAudio(file);
        if (!opened.sf && opened.ffmpeg) {
            Outcome<AudioInfo> viaFfmpeg = detail::ffmpegProbe(file);
            if (viaFfmpeg || opened.ffmpegFirst)
                return viaFfmpeg;
        }
        if (!opened.sf)
            return Issue{file, opened.problem};
        AudioInfo info;
        info.format = formatName(opened.info.format);
        info.sampleRate = opened.info.samplerate;
        info.channels = opened.info.channels;
        info.frames = std::int64_t(opened.info.frames);
        info.duration = double(opened.info.frames) / opened.info.samplerate;
        return info;
    } catch (const std::exception& e) {
        return Issue{file, std::string("cannot read the file (") + e.what() + ")"};
    }
}

namespace {

std::optional<Issue> decodeExcerpt(const std::filesystem::path& file, const DecodeConfig& cfg,
                                   AudioClip& clip, detail::DecodeStatus& status)
{
    try {
        Opened opened = openAudio(file);
        if (!opened.sf && opened.ffmpeg) {
            detail::DecodeStatus viaStatus;
            std::optional<Issue> viaFfmpeg = detail::ffmpegDecodeInto(file, cfg, clip, viaStatus);
            if (!viaFfmpeg || opened.ffmpegFirst) {
                status = viaStatus;
                return viaFfmpeg;
            }
        }
        if (!opened.sf)
            return Issue{file, opened.problem};
        std::optional<Issue> issue = decodeOpened(file, opened, cfg, clip, status);
        if (status.decoderError) {
            // libsndfile gave up part-way (its Opus and MP3 readers reject some valid
            // streams): as librosa does, let FFmpeg try, and keep its clip if it is whole.
            AudioClip other;
            detail::DecodeStatus otherStatus;
            if (!detail::ffmpegDecodeInto(file, cfg, other, otherStatus) &&
                other.warnings.empty()) {
                clip = std::move(other);
                return std::nullopt;
            }
        }
        return issue;
    } catch (const std::bad_alloc&) {
        return Issue{file, "not enough memory to decode the file"};
    } catch (const std::exception& e) {
        return Issue{file, std::string("decoding failed (") + e.what() + ")"};
    }
}

} // namespace

std::optional<Issue> decodeAudioInto(const std::filesystem::path& file,
                                     const DecodeConfig& cfg, AudioClip& clip)
{
    requireValid(cfg.validate());
    detail::DecodeStatus status;
    std::optional<Issue> issue = decodeExcerpt(file, cfg, clip, status);
    if (issue && cfg.excerpt != ExcerptPosition::Start && status.startUnreachable) {
        // The header announced a longer track than the file holds (a download cut short):
        // the middle it points to is missing, so take what is there from the start.
        DecodeConfig fromStart = cfg;
        fromStart.excerpt = ExcerptPosition::Start;
        fromStart.offset = 0.0;
        detail::DecodeStatus again;
        if (!decodeExcerpt(file, fromStart, clip, again)) {
            clip.warnings.insert(clip.warnings.begin(),
                                 "truncated file: the audio ends before the middle of the " +
                                     secondsText(clip.sourceDuration) +
                                     " its header announces; the excerpt was taken from the "
                                     "start");
            return std::nullopt;
        }
    }
    return issue;
}

Outcome<AudioClip> decodeAudio(const std::filesystem::path& file, const DecodeConfig& cfg)
{
    AudioClip clip;
    if (auto issue = decodeAudioInto(file, cfg, clip))
        return std::move(*issue);
    return clip;
}

} // namespace atlas
