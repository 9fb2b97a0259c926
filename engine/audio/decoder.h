// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/issue.h"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace atlas {

/// Where the excerpt of a track is taken from.
enum class ExcerptPosition {
    Start,  ///< from DecodeConfig::offset (librosa `offset`; the research pipeline)
    Middle, ///< the window of DecodeConfig::duration seconds centred in the track
    /// Start for tracks up to DecodeConfig::autoMiddleAbove seconds (GTZAN's 30-s clips stay
    /// librosa-identical), Middle for longer ones (full-length tracks often open quietly).
    Auto,
};

/// "start", "middle", "auto".
const char* excerptPositionKey(ExcerptPosition position);
/// Parses excerptPositionKey()'s words; std::nullopt for anything else.
std::optional<ExcerptPosition> parseExcerptPosition(const std::string& word);

/// What a file's header may claim and still be read. A sample rate outside
/// [MinSourceSampleRate, MaxSourceSampleRate] Hz, more than MaxSourceChannels channels or more
/// frames than the file's size can hold is damage, not audio: such a file is reported with the
/// header's value (a header claiming 2 GHz would otherwise ask for gigabytes of memory, and
/// one claiming 1 Hz for minutes of resampling).
inline constexpr int MinSourceSampleRate = 1000;
inline constexpr int MaxSourceSampleRate = 768000;
inline constexpr int MaxSourceChannels = 64;

/// How decodeAudio() reads a file. The defaults reproduce the research pipeline's
/// `librosa.load(path, sr=22050, mono=True, offset=0.0, duration=10.0)` (librosa 0.11,
/// soundfile backend, res_type='soxr_hq').
struct DecodeConfig {
    /// Output sample rate in Hz, 0 = keep the file's own rate (librosa `sr`; sr=None is 0
    /// here). Range 0 or [1000, 384000]. When it differs from the file's rate the clip is
    /// resampled with soxr HQ after the mono mix-down, as librosa does.
    int sampleRate = 22050;
    /// true: average the channels to one (librosa `mono`); false: keep all channels
    /// interleaved (for playback).
    bool mono = true;
    /// Start of the clip in seconds from the start of the file (librosa `offset`), >= 0.
    /// The first frame read is int(offset * nativeRate), truncated as librosa does.
    double offset = 0.0;
    /// Length of the clip in seconds (librosa `duration`); <= 0 reads to the end of the file.
    /// The number of frames read is int(duration * nativeRate).
    double duration = 10.0;
    /// Clips shorter than this (seconds, after offset/duration) are rejected with an Issue
    /// "too short to analyse". >= 0. The default keeps 0.05-s blips out of the features.
    double minDuration = 0.5;
    /// Where the excerpt starts. Start keeps librosa's semantics exactly; Middle centres the
    /// window in the track (offset is then ignored; a track shorter than the window is read
    /// from its start); Auto chooses by the track's length.
    ExcerptPosition excerpt = ExcerptPosition::Start;
    /// Auto takes the middle of tracks longer than this many seconds, > 0.
    double autoMiddleAbove = 60.0;

    /// Empty when valid; otherwise one message per problem, naming the field.
    std::vector<std::string> validate() const;

    bool operator==(const DecodeConfig&) const = default;
};

/// A decoded clip.
struct AudioClip {
    /// Samples in [-1, 1] (nominally), float32 as librosa returns them; interleaved by frame
    /// when channels > 1.
    std::vector<float> samples;
    int sampleRate = 0;       ///< Hz of `samples`
    int channels = 0;         ///< 1 when DecodeConfig::mono
    int sourceSampleRate = 0; ///< Hz of the file
    int sourceChannels = 0;   ///< channels in the file
    /// Length of the whole file in seconds, best known: exact for PCM/FLAC/Vorbis/Opus, and
    /// for MP3 exact when the file was read to the end, otherwise libsndfile's estimate.
    double sourceDuration = 0.0;
    /// Container and codec in words, e.g. "WAV (PCM 16-bit)", "FLAC", "Ogg Vorbis", "MP3".
    std::string format;
    /// Problems that were repaired rather than fatal (e.g. a truncated file whose remaining
    /// audio was used). Batch callers report each as an Issue while keeping the clip.
    std::vector<std::string> warnings;

    /// Frames (samples per channel).
    std::size_t frames() const { return channels > 0 ? samples.size() / std::size_t(channels) : 0; }
    /// Length in seconds.
    double duration() const { return sampleRate > 0 ? double(frames()) / sampleRate : 0.0; }
};

/// What a file holds, read from its header without decoding the audio.
struct AudioInfo {
    std::string format;  ///< as AudioClip::format
    int sampleRate = 0;  ///< Hz
    int channels = 0;
    /// Seconds; libsndfile's figure (an estimate for MP3, which has no exact length header).
    double duration = 0.0;
    std::int64_t frames = 0; ///< frames as libsndfile reports them (estimate for MP3)
};

/// Reads the header of an audio file. Never throws for a bad file: an unreadable, empty,
/// non-audio or unsupported file gives an Issue naming it with the reason in plain words.
/// Thread-safe (independent files may be probed concurrently).
Outcome<AudioInfo> probeAudio(const std::filesystem::path& file);

/// Decodes (part of) an audio file with librosa.load semantics: seek to int(sr*offset),
/// read int(sr*duration) frames at the native rate (until the decoder stops, so MP3 length
/// estimates do not matter), average channels to mono in float32, then resample the clip
/// with soxr HQ (see resampler.h) to cfg.sampleRate, fixing the length to
/// ceil(frames * rate / nativeRate).
///
/// Supported: WAV (PCM, float, WAVEX, RF64), AIFF, AU, FLAC, Ogg Vorbis, Ogg Opus, MP3 —
/// whatever libsndfile 1.2 decodes, chosen by content, not by extension (librosa reads these
/// through soundfile, so the samples are identical). Everything else goes through FFmpeg's
/// libraries, as librosa falls back to ffmpeg through audioread: AAC and ALAC in MP4/M4A,
/// WMA, APE, WavPack, Matroska/WebM audio, AC-3, and MP3/Ogg files that libsndfile rejects.
/// Only the excerpt is decoded (the FFmpeg path seeks), then mixed down and resampled the
/// same way.
///
/// Bad input never throws and never crashes: it gives an Issue{file, reason}, for: a missing
/// path, a directory, no read permission, an empty file, text/HTML saved under an audio name,
/// formats neither libsndfile nor FFmpeg can read, corrupt or truncated data with too
/// little audio left, NaN/infinite samples, an offset beyond the end, a clip shorter than
/// cfg.minDuration, DRM-protected (.m4p) audio, an MP4 without an audio stream, an MP4/M4A
/// whose index ('moov' atom) is missing. A truncated file with enough audio decodes and
/// carries a warning.
/// Throws ConfigError only for an invalid cfg. Thread-safe for concurrent calls.
Outcome<AudioClip> decodeAudio(const std::filesystem::path& file, const DecodeConfig& cfg = {});

/// As decodeAudio(), but decodes into `clip`, reusing the capacity of clip.samples, for loops
/// that decode many files on one thread without reallocating. Returns the Issue when the file
/// cannot be used (clip's content is then unspecified), nothing on success.
/// Throws ConfigError only for an invalid cfg. Thread-safe for concurrent calls on different
/// clips. Each calling thread keeps a native-rate buffer (when resampling) for reuse.
std::optional<Issue> decodeAudioInto(const std::filesystem::path& file, const DecodeConfig& cfg,
                                     AudioClip& clip);

} // namespace atlas
