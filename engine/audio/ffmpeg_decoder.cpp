// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/audio/ffmpeg_decoder.h"

#include "engine/audio/resampler.h"
#include "engine/core/text.h"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/avutil.h>
#include <libavutil/channel_layout.h>
#include <libavutil/samplefmt.h>
}

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <memory>
#include <mutex>
#include <sstream>

namespace atlas::detail {

namespace {

void quietLogs()
{
    // FFmpeg prints every oddity of every file to stderr; the caller reports problems itself.
    static std::once_flag once;
    std::call_once(once, [] { av_log_set_level(AV_LOG_QUIET); });
}

std::string avError(int code)
{
    char text[AV_ERROR_MAX_STRING_SIZE] = {};
    av_strerror(code, text, sizeof text);
    return text;
}

struct FormatCloser {
    void operator()(AVFormatContext* f) const { avformat_close_input(&f); }
};
struct CodecCloser {
    void operator()(AVCodecContext* c) const { avcodec_free_context(&c); }
};
struct PacketFree {
    void operator()(AVPacket* p) const { av_packet_free(&p); }
};
struct FrameFree {
    void operator()(AVFrame* f) const { av_frame_free(&f); }
};
using FormatPtr = std::unique_ptr<AVFormatContext, FormatCloser>;
using CodecPtr = std::unique_ptr<AVCodecContext, CodecCloser>;

bool hasMp4Signature(const std::filesystem::path& file)
{
    char head[12] = {};
    std::FILE* f = std::fopen(file.c_str(), "rb");
    if (!f)
        return false;
    const std::size_t n = std::fread(head, 1, sizeof head, f);
    std::fclose(f);
    if (n < 12 || std::memcmp(head + 4, "ftyp", 4) != 0)
        return false;
    // HEIF/AVIF images share the container; they are not audio files cut short.
    for (const char* image : {"heic", "heix", "mif1", "msf1", "avif", "avis"})
        if (std::memcmp(head + 8, image, 4) == 0)
            return false;
    return true;
}

std::string lowerExtension(const std::filesystem::path& file)
{
    return lowerAscii(file.extension().string());
}

std::string containerName(const AVFormatContext* fmt, const std::filesystem::path& file)
{
    const std::string name = fmt->iformat && fmt->iformat->name ? fmt->iformat->name : "";
    const std::string ext = lowerExtension(file);
    if (name.rfind("mov,mp4", 0) == 0)
        return ext == ".m4a" || ext == ".m4b" || ext == ".m4p" || ext == ".alac" ? "M4A" : "MP4";
    if (name == "asf")
        return "ASF";
    if (name.rfind("matroska", 0) == 0)
        return ext == ".webm" ? "WebM" : "Matroska";
    if (name == "ogg")
        return "Ogg";
    if (name == "mp3")
        return "MP3";
    if (name == "ape")
        return "APE";
    if (name == "wv")
        return "WavPack";
    if (name == "aac")
        return "AAC (ADTS)";
    if (name == "ac3" || name == "eac3")
        return "AC-3";
    return name.empty() ? "audio" : name;
}

std::string codecName(AVCodecID id)
{
    switch (id) {
    case AV_CODEC_ID_AAC: return "AAC";
    case AV_CODEC_ID_ALAC: return "ALAC";
    case AV_CODEC_ID_MP3: return "MP3";
    case AV_CODEC_ID_VORBIS: return "Vorbis";
    case AV_CODEC_ID_OPUS: return "Opus";
    case AV_CODEC_ID_FLAC: return "FLAC";
    case AV_CODEC_ID_WMAV1:
    case AV_CODEC_ID_WMAV2: return "WMA";
    case AV_CODEC_ID_WMAPRO: return "WMA Pro";
    case AV_CODEC_ID_WMALOSSLESS: return "WMA Lossless";
    case AV_CODEC_ID_APE: return "Monkey's Audio";
    case AV_CODEC_ID_WAVPACK: return "WavPack";
    case AV_CODEC_ID_AC3: return "AC-3";
    case AV_CODEC_ID_EAC3: return "E-AC-3";
    default: break;
    }
    const AVCodecDescriptor* d = avcodec_descriptor_get(id);
    return d && d->name ? d->name : "unknown codec";
}

std::string formatName(const AVFormatContext* fmt, const AVCodecParameters* par,
                       const std::filesystem::path& file)
{
    const std::string container = containerName(fmt, file);
    const std::string codec = codecName(par->codec_id);
    if (container == codec || (container == "AAC (ADTS)" && codec == "AAC") ||
        (container == "APE" && codec == "Monkey's Audio"))
        return container == "APE" ? "Monkey's Audio (APE)" : container;
    return container + " (" + codec + ")";
}

bool isProtected(const AVCodecParameters* par)
{
    // Apple FairPlay ('drms', 'p608') and ISO Common Encryption ('enca').
    const std::uint32_t tag = par->codec_tag;
    return tag == MKTAG('d', 'r', 'm', 's') || tag == MKTAG('p', '6', '0', '8') ||
           tag == MKTAG('e', 'n', 'c', 'a') || tag == MKTAG('d', 'r', 'm', 'i');
}

// An opened container with its audio stream and decoder, or the reason there is none.
struct Opened {
    FormatPtr fmt;
    CodecPtr codec;
    AVStream* stream = nullptr;
    int rate = 0;
    int channels = 0;
    std::int64_t totalFrames = -1; ///< at `rate`; -1 when the container does not say
    std::string format;
    std::string problem;
};

Opened openStream(const std::filesystem::path& file, bool withDecoder)
{
    quietLogs();
    Opened o;
    AVFormatContext* raw = nullptr;
    if (const int err = avformat_open_input(&raw, file.c_str(), nullptr, nullptr); err < 0) {
        if (err == AVERROR_INVALIDDATA && hasMp4Signature(file))
            o.problem = "incomplete MP4/M4A file: its index (the 'moov' atom) is missing or "
                        "damaged, as after an interrupted download or copy";
        else if (err == AVERROR_INVALIDDATA)
            o.problem = "unrecognised or corrupt audio data (no decoder recognised the content)";
        else
            o.problem = "cannot open the file (" + avError(err) + ")";
        return o;
    }
    o.fmt.reset(raw);
    // Reading a few packets fills in what the headers leave out; bounded so that a damaged
    // file cannot make this scan far.
    o.fmt->probesize = 5'000'000;
    o.fmt->max_analyze_duration = 5 * AV_TIME_BASE;
    if (const int err = avformat_find_stream_info(o.fmt.get(), nullptr); err < 0) {
        o.problem = "corrupt or truncated audio data (" + avError(err) + ")";
        return o;
    }
    const int index = av_find_best_stream(o.fmt.get(), AVMEDIA_TYPE_AUDIO, -1, -1, nullptr, 0);
    if (index < 0) {
        bool video = false;
        for (unsigned i = 0; i < o.fmt->nb_streams; ++i)
            video = video || o.fmt->streams[i]->codecpar->codec_type == AVMEDIA_TYPE_VIDEO;
        o.problem = video ? "no audio stream: the file holds only video"
                          : "no audio stream in the file";
        return o;
    }
    o.stream = o.fmt->streams[index];
    // Only the chosen stream's packets are wanted.
    for (unsigned i = 0; i < o.fmt->nb_streams; ++i)
        if (int(i) != index)
            o.fmt->streams[i]->discard = AVDISCARD_ALL;
    const AVCodecParameters* par = o.stream->codecpar;
    if (isProtected(par)) {
        o.problem = "protected by DRM (copy protection from an online store): the audio is "
                    "encrypted and cannot be decoded";
        return o;
    }
    o.rate = par->sample_rate;
    o.channels = par->ch_layout.nb_channels;
    o.format = formatName(o.fmt.get(), par, file);
    if (auto problem = implausibleHeader(o.rate, o.channels, -1, 0, true)) {
        o.problem = *problem;
        return o;
    }
    // Time stamps and lengths beyond 2^53 ticks are damage (and would overflow below).
    constexpr std::int64_t Sane = std::int64_t(1) << 53;
    const std::int64_t startTime = o.stream->start_time;
    if ((startTime != AV_NOPTS_VALUE && (startTime > Sane || startTime < -Sane)) ||
        (o.stream->duration != AV_NOPTS_VALUE && o.stream->duration > Sane)) {
        o.problem = "corrupt header (impossible time stamps)";
        return o;
    }
    const AVRational perSample{1, o.rate};
    if (o.stream->duration > 0 && o.stream->duration != AV_NOPTS_VALUE)
        o.totalFrames = av_rescale_q(o.stream->duration, o.stream->time_base, perSample);
    else if (o.fmt->duration > 0 && o.fmt->duration != AV_NOPTS_VALUE && o.fmt->duration < Sane)
        o.totalFrames = av_rescale_q(o.fmt->duration, AVRational{1, AV_TIME_BASE}, perSample);
    std::error_code sizeError;
    const std::uintmax_t bytes = std::filesystem::file_size(file, sizeError);
    if (auto problem = implausibleHeader(o.rate, o.channels, o.totalFrames,
                                         sizeError ? 0 : bytes, true)) {
        o.problem = *problem;
        return o;
    }
    if (!withDecoder)
        return o;

    const AVCodec* decoder = avcodec_find_decoder(par->codec_id);
    if (!decoder) {
        o.problem = "unsupported audio codec (" + codecName(par->codec_id) + ")";
        return o;
    }
    o.codec.reset(avcodec_alloc_context3(decoder));
    if (!o.codec || avcodec_parameters_to_context(o.codec.get(), par) < 0) {
        o.problem = "cannot set up the " + codecName(par->codec_id) + " decoder";
        return o;
    }
    o.codec->thread_count = 1;   // files are decoded in parallel, one per thread
    o.codec->pkt_timebase = o.stream->time_base;
    if (const int err = avcodec_open2(o.codec.get(), decoder, nullptr); err < 0)
        o.problem = "cannot open the " + codecName(par->codec_id) + " decoder (" +
                    avError(err) + ")";
    return o;
}

// Sample `t` of channel `ch` of a decoded frame as float32 in [-1, 1]: integers are scaled by
// 2^-(bits-1) as libsndfile does, so lossless formats give the same floats through either path.
inline float sampleAt(const AVFrame* f, int format, bool planar, int channels, int ch,
                      std::size_t t)
{
    const std::size_t at = planar ? t : t * std::size_t(channels) + std::size_t(ch);
    const std::uint8_t* base = f->extended_data[planar ? ch : 0];
    switch (format) {
    case AV_SAMPLE_FMT_U8:
        return (float(base[at]) - 128.0f) * (1.0f / 128.0f);
    case AV_SAMPLE_FMT_S16:
        return float(reinterpret_cast<const std::int16_t*>(base)[at]) * (1.0f / 32768.0f);
    case AV_SAMPLE_FMT_S32:
        return float(double(reinterpret_cast<const std::int32_t*>(base)[at]) *
                     (1.0 / 2147483648.0));
    case AV_SAMPLE_FMT_S64:
        return float(double(reinterpret_cast<const std::int64_t*>(base)[at]) *
                     (1.0 / 9223372036854775808.0));
    case AV_SAMPLE_FMT_FLT:
        return reinterpret_cast<const float*>(base)[at];
    case AV_SAMPLE_FMT_DBL:
        return float(reinterpret_cast<const double*>(base)[at]);
    default:
        return 0.0f;
    }
}

// Appends frames [from, from + count) of `f` to `out`, averaged to mono when `mix` (a
// sequential float32 sum, then one division, as numpy's mean and the libsndfile path).
// Returns false for a sample format this code does not know.
bool appendFrames(const AVFrame* f, int channels, bool mix, std::size_t from, std::size_t count,
                  std::vector<float>& out)
{
    const int format = av_get_packed_sample_fmt(AVSampleFormat(f->format));
    const bool planar = av_sample_fmt_is_planar(AVSampleFormat(f->format)) != 0;
    if (format != AV_SAMPLE_FMT_U8 && format != AV_SAMPLE_FMT_S16 &&
        format != AV_SAMPLE_FMT_S32 && format != AV_SAMPLE_FMT_S64 &&
        format != AV_SAMPLE_FMT_FLT && format != AV_SAMPLE_FMT_DBL)
        return false;
    const std::size_t at = out.size();
    if (mix) {
        out.resize(at + count);
        const float c = float(channels);
        for (std::size_t t = 0; t < count; ++t) {
            float sum = sampleAt(f, format, planar, channels, 0, from + t);
            for (int ch = 1; ch < channels; ++ch)
                sum += sampleAt(f, format, planar, channels, ch, from + t);
            out[at + t] = sum / c;
        }
    } else {
        out.resize(at + count * std::size_t(channels));
        for (std::size_t t = 0; t < count; ++t)
            for (int ch = 0; ch < channels; ++ch)
                out[at + t * std::size_t(channels) + std::size_t(ch)] =
                    sampleAt(f, format, planar, channels, ch, from + t);
    }
    return true;
}

} // namespace

std::int64_t excerptStartFrame(const DecodeConfig& cfg, double rate, std::int64_t totalFrames)
{
    ExcerptPosition position = cfg.excerpt;
    if (position == ExcerptPosition::Auto)
        position = totalFrames > 0 && double(totalFrames) / rate > cfg.autoMiddleAbove
                       ? ExcerptPosition::Middle
                       : ExcerptPosition::Start;
    if (position == ExcerptPosition::Start || cfg.duration <= 0.0 || totalFrames <= 0)
        return std::int64_t(cfg.offset * rate);
    const std::int64_t wanted = std::int64_t(cfg.duration * rate);
    return totalFrames > wanted ? (totalFrames - wanted) / 2 : 0;
}

std::string ffmpegVersion()
{
    return std::string("FFmpeg ") + av_version_info();
}

Outcome<AudioInfo> ffmpegProbe(const std::filesystem::path& file)
{
    Opened o = openStream(file, false);
    if (!o.problem.empty())
        return Issue{file, o.problem};
    AudioInfo info;
    info.format = o.format;
    info.sampleRate = o.rate;
    info.channels = o.channels;
    info.frames = std::max<std::int64_t>(o.totalFrames, 0);
    info.duration = double(info.frames) / o.rate;
    return info;
}

std::optional<Issue> ffmpegDecodeInto(const std::filesystem::path& file, const DecodeConfig& cfg,
                                      AudioClip& clip, DecodeStatus& status)
{
    Opened o = openStream(file, true);
    if (!o.problem.empty())
        return Issue{file, o.problem};
    const int channels = o.channels;
    const double rate = o.rate;
    const bool mix = cfg.mono && channels > 1;
    const int outChannels = mix ? 1 : channels;
    const bool resampling = cfg.sampleRate > 0 && cfg.sampleRate != o.rate;   // needs a buffer

    clip.format = o.format;
    clip.sourceSampleRate = o.rate;
    clip.sourceChannels = channels;
    clip.sourceDuration = o.totalFrames > 0 ? double(o.totalFrames) / rate : 0.0;
    clip.warnings.clear();

    const std::int64_t start = excerptStartFrame(cfg, rate, o.totalFrames);
    const std::int64_t wanted =
        cfg.duration > 0.0 ? std::int64_t(std::min(cfg.duration * rate, 0x1p62)) : -1;
    if (o.totalFrames > 0 && start >= o.totalFrames)
        return excerptBeyondEnd(file, double(start) / rate, clip.sourceDuration, "", status);

    thread_local std::vector<float> nativeBuffer;
    std::vector<float>& native = resampling ? nativeBuffer : clip.samples;
    std::unique_ptr<AVPacket, PacketFree> packet(av_packet_alloc());
    std::unique_ptr<AVFrame, FrameFree> frame(av_frame_alloc());
    std::int64_t got = 0;
    std::string damage;
    int badPackets = 0;
    bool reachedEnd = false;

    // Two attempts at most: the first seeks (when the excerpt does not start at 0); if the seek
    // fails, or lands after the excerpt's start, or the frames carry no time stamps to place
    // them, the file is opened again and read from its start, counting samples.
    for (int attempt = 0; attempt < 2; ++attempt) {
        if (attempt == 1) {
            o = openStream(file, true);
            if (!o.problem.empty())
                return Issue{file, o.problem};
        }
        AVStream* st = o.stream;
        const std::int64_t streamStart = st->start_time != AV_NOPTS_VALUE ? st->start_time : 0;
        native.clear();
        const std::int64_t known =
            o.totalFrames > 0 ? std::max<std::int64_t>(o.totalFrames - start, 0) : wanted;
        if (wanted > 0)   // never more than the file can hold, whatever the header claims
            native.reserve(std::min(std::size_t(std::min(wanted, known)) *
                                        std::size_t(outChannels),
                                    MaxReservedSamples));
        got = 0;
        damage.clear();
        badPackets = 0;
        reachedEnd = false;
        bool restart = false;

        // Seek half a second early: the frames before the excerpt prime the decoder (AAC and
        // MP3 frames overlap their neighbours) and are dropped by position, so the first kept
        // sample is the one a decode from the very start would give.
        bool seeked = false;
        if (attempt == 0 && start > 0) {
            const std::int64_t target = std::max<std::int64_t>(0, start - std::int64_t(rate / 2));
            if (target > 0) {
                const std::int64_t ts =
                    streamStart + av_rescale_q(target, AVRational{1, o.rate}, st->time_base);
                if (av_seek_frame(o.fmt.get(), st->index, ts, AVSEEK_FLAG_BACKWARD) < 0)
                    continue;   // the read position is unknown now: start over
                avcodec_flush_buffers(o.codec.get());
                seeked = true;
            }
        }
        std::int64_t position = seeked ? -1 : 0;   // frame index of the next decoded sample
        bool done = false;
        bool draining = false;

        auto consume = [&]() -> std::optional<Issue> {
            for (;;) {
                const int err = avcodec_receive_frame(o.codec.get(), frame.get());
                if (err == AVERROR(EAGAIN))
                    return std::nullopt;
                if (err == AVERROR_EOF) {
                    done = true;
                    return std::nullopt;
                }
                if (err < 0) {
                    damage = "decoding stopped with an error (" + avError(err) + ")";
                    done = true;
                    return std::nullopt;
                }
                const AVFrame* f = frame.get();
                if (f->ch_layout.nb_channels != channels || f->sample_rate != o.rate) {
                    damage = "the channel count or sample rate changes in the middle of the stream";
                    done = true;
                    return std::nullopt;
                }
                if (position < 0) {
                    const std::int64_t pts = f->best_effort_timestamp != AV_NOPTS_VALUE
                                                 ? f->best_effort_timestamp
                                                 : f->pts;
                    if (pts != AV_NOPTS_VALUE)
                        position = av_rescale_q(pts - streamStart, st->time_base,
                                                AVRational{1, o.rate});
                    if (pts == AV_NOPTS_VALUE || position > start) {
                        restart = done = true;   // cannot place the frames, or landed late
                        av_frame_unref(frame.get());
                        return std::nullopt;
                    }
                }
                const std::int64_t n = f->nb_samples;
                const std::int64_t from = std::max<std::int64_t>(0, start - position);
                std::int64_t take = std::max<std::int64_t>(0, n - from);
                if (wanted >= 0)
                    take = std::min(take, wanted - got);
                if (take > 0 &&
                    !appendFrames(f, channels, mix, std::size_t(from), std::size_t(take), native))
                    return Issue{file, "unsupported sample format in the " + o.format + " stream"};
                got += take;
                position += n;
                av_frame_unref(frame.get());
                if (wanted >= 0 && got >= wanted) {
                    done = true;
                    return std::nullopt;
                }
            }
        };

        try {
            while (!done) {
                if (!draining) {
                    const int err = av_read_frame(o.fmt.get(), packet.get());
                    if (err == AVERROR_EOF || err == AVERROR(EIO)) {
                        reachedEnd = err == AVERROR_EOF || (o.fmt->pb && avio_feof(o.fmt->pb));
                        draining = true;
                        avcodec_send_packet(o.codec.get(), nullptr);
                    } else if (err < 0) {
                        damage = "reading stopped with an error (" + avError(err) + ")";
                        draining = true;
                        avcodec_send_packet(o.codec.get(), nullptr);
                    } else {
                        if (packet->stream_index == st->index) {
                            const int sent = avcodec_send_packet(o.codec.get(), packet.get());
                            if (sent < 0 && sent != AVERROR(EAGAIN))
                                ++badPackets;
                        }
                        av_packet_unref(packet.get());
                    }
                }
                if (auto issue = consume())
                    return issue;
                if (draining && !done)
                    break;   // the decoder had nothing more after the flush
            }
        } catch (const std::bad_alloc&) {
            return Issue{file, "not enough memory to decode the file"};
        }
        if (!restart)
            break;
    }
    if (reachedEnd && (wanted < 0 || got < wanted) && o.totalFrames > 0) {
        // The container announced more than the stream holds (beyond a codec's padding).
        const std::int64_t end = start + got;
        if (double(o.totalFrames - end) / rate > 0.5)
            damage = "the audio stops at " + secondsText(double(end) / rate) + " of the " +
                     secondsText(clip.sourceDuration) + " its header announces";
    }
    if (reachedEnd && wanted < 0 && damage.empty())
        clip.sourceDuration = double(start + got) / rate;
    if (badPackets > 0 && damage.empty())
        damage = std::to_string(badPackets) + " damaged packet" + (badPackets > 1 ? "s" : "") +
                 " could not be decoded";

    if (got == 0) {
        if (start > 0 && reachedEnd)
            return excerptBeyondEnd(file, double(start) / rate, clip.sourceDuration, damage,
                                    status);
        if (!damage.empty())
            return Issue{file, "corrupt or truncated audio data: nothing could be decoded (" +
                                   damage + ")"};
        return Issue{file, "contains no audio (0 samples)"};
    }
    // Branch-free integer scan (vectorises): NaN and infinity have an all-ones exponent.
    std::int64_t firstInvalid = -1;
    std::uint32_t nonFinite = 0;
    for (float v : native)
        nonFinite |= std::uint32_t((std::bit_cast<std::uint32_t>(v) & 0x7F800000u) == 0x7F800000u);
    if (nonFinite) {
        const auto bad = std::find_if(native.begin(), native.end(),
                                      [](float v) { return !std::isfinite(v); });
        firstInvalid = std::int64_t(bad - native.begin()) / outChannels;
    }
    return finishClip(file, cfg, native, outChannels, rate, start, got, firstInvalid, damage,
                      clip);
}

} // namespace atlas::detail
