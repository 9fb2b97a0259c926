// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Internal to the audio stage: the FFmpeg path of decodeAudio() and probeAudio(), for the
// formats libsndfile does not read (AAC and ALAC in MP4/M4A, WMA, APE, WavPack, Matroska/WebM,
// AC-3, ...) and for MP3/Ogg files libsndfile rejects. librosa reaches FFmpeg the same way,
// through audioread, when soundfile cannot open a file.

#include "engine/audio/decoder.h"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace atlas::detail {

/// What a decoding path reports besides its Issue, for decodeAudioInto()'s fallbacks.
struct DecodeStatus {
    bool decoderError = false;     ///< the decoder stopped with an error part-way
    bool startUnreachable = false; ///< the excerpt's start lies beyond the audio in the file
};

/// "12.35 s" (two decimals below 10 s, one above): how messages give times.
std::string secondsText(double s);

/// The Issue for an excerpt that starts beyond the audio the file holds (`detail`: what
/// else is known, may be empty); sets status.startUnreachable.
Issue excerptBeyondEnd(const std::filesystem::path& file, double startSeconds,
                       double fileSeconds, const std::string& detail, DecodeStatus& status);

/// Decodes the excerpt `cfg` asks for with FFmpeg's libraries: seeks (with a pre-roll that is
/// decoded and dropped, so that the first kept sample is exact), decodes only the frames the
/// excerpt needs, converts to float32, averages the channels as the libsndfile path does and
/// resamples with the same soxr HQ path. Returns the Issue that makes the file unusable, in
/// plain words (DRM-protected, no audio stream, missing 'moov' index, no samples, ...).
std::optional<Issue> ffmpegDecodeInto(const std::filesystem::path& file, const DecodeConfig& cfg,
                                      AudioClip& clip, DecodeStatus& status);

/// Reads the container and stream headers with FFmpeg; decodes nothing.
Outcome<AudioInfo> ffmpegProbe(const std::filesystem::path& file);

/// The common end of both decoding paths, given `got` frames of native-rate audio in `native`
/// (mixed to `outChannels`) read from frame `start`: rejects a clip shorter than
/// cfg.minDuration or holding non-finite samples (firstInvalid: the first such frame of the
/// clip, -1 for none), records `damage` as a warning, resamples with soxr HQ when
/// cfg.sampleRate asks, and fills clip's samples, rate and channels.
std::optional<Issue> finishClip(const std::filesystem::path& file, const DecodeConfig& cfg,
                                std::vector<float>& native, int outChannels, double rate,
                                std::int64_t start, std::int64_t got, std::int64_t firstInvalid,
                                const std::string& damage, AudioClip& clip);

/// The reason a header's claims cannot be audio (see MinSourceSampleRate), naming the claimed
/// value, or nullopt. `frames` <= 0 means unknown; `bytes` is the file's size;
/// `compressed` allows the ratio of a lossless or lossy codec (at most
/// MaxSamplesPerCompressedByte samples per byte) instead of one sample per byte for PCM.
std::optional<std::string> implausibleHeader(int rate, int channels, std::int64_t frames,
                                             std::uintmax_t bytes, bool compressed);

/// Samples one byte of a compressed stream can plausibly hold: digital silence in FLAC or
/// AAC stays below 300; 1024 leaves room for any real file.
inline constexpr std::int64_t MaxSamplesPerCompressedByte = 1024;

/// At most this many samples are reserved ahead of decoding; the buffer grows past it as
/// samples really arrive, so a header's claim never decides how much memory is taken.
inline constexpr std::size_t MaxReservedSamples = std::size_t(1) << 24;

/// "FFmpeg 5.1.6" style version string of the linked libraries, for run reports.
std::string ffmpegVersion();

/// The first frame of the excerpt, in frames at the file's rate, for a file of `totalFrames`
/// frames (<= 0 when unknown) at `rate` Hz: int(offset * rate) for the start of the track
/// (librosa), or the window of cfg.duration seconds centred in the track (ExcerptPosition).
std::int64_t excerptStartFrame(const DecodeConfig& cfg, double rate, std::int64_t totalFrames);

} // namespace atlas::detail
