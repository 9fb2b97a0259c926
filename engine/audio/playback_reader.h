// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/audio/decoder.h"
#include "engine/core/issue.h"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace atlas {

/// Sample encoding of playback output.
enum class PcmEncoding {
    Float32, ///< native-endian IEEE float in [-1, 1]
    Int16,   ///< native-endian signed 16-bit, x * 32767 rounded, clipped to [-32767, 32767]
};

/// The format an audio output takes: rate, channels, encoding (interleaved frames).
struct PlaybackFormat {
    int sampleRate = 44100;                  ///< Hz, [1000, 384000]
    int channels = 2;                        ///< [1, 32]
    PcmEncoding encoding = PcmEncoding::Float32;

    /// Bytes of one frame (all channels).
    std::size_t bytesPerFrame() const
    {
        return std::size_t(channels) * (encoding == PcmEncoding::Int16 ? 2u : 4u);
    }
    /// Empty when valid; otherwise one message per problem, naming the field.
    std::vector<std::string> validate() const;
    bool operator==(const PlaybackFormat&) const = default;
};

/// Maps interleaved frames from `inChannels` to `outChannels` channels. Equal counts copy;
/// to one channel: the mean of all channels; from one channel: the same signal on every
/// output channel; otherwise output channel c is the mean of the input channels j with
/// j % outChannels == c (so 4.0 folds to stereo as L = (FL + RL) / 2, R = (FR + RR) / 2) when
/// reducing, and input channel c (silence beyond the last input channel) when extending.
/// Throws std::invalid_argument for channel counts < 1 or a size not a multiple of
/// inChannels.
std::vector<float> remixChannels(std::span<const float> interleaved, int inChannels,
                                 int outChannels);

/// Encodes interleaved float samples as `encoding` (see PcmEncoding), appending the bytes
/// to `out`. Non-finite samples become 0.
void encodePcm(std::span<const float> samples, PcmEncoding encoding,
               std::vector<std::uint8_t>& out);

/// Reads a window of an audio file piece by piece for playback and converts it to an
/// output format: channel remix (remixChannels()), resampling with soxr HQ when the rates
/// differ (see resampler.h), and PCM encoding. Only the part asked for is decoded, so the
/// first second of a long file is ready in milliseconds.
///
/// Resampled pieces are decoded with a 20 ms margin on either side and trimmed, so that the
/// concatenated pieces match one resampling of the whole window except for sub-sample
/// rounding of the piece boundaries (no filter edge clicks).
///
/// One reader per file at a time; not thread-safe (use it from one thread), but readers on
/// different threads are independent. Bad files never throw: open() and read() return an
/// Issue naming the file with the reason (decodeAudio()'s wording).
class PlaybackReader {
public:
    /// Opens `file` and selects the window [startSeconds, startSeconds + durationSeconds)
    /// (durationSeconds <= 0: to the end), clipped to the file's length. Reads the header
    /// only. Returns an Issue for an unreadable or non-audio file, a negative or non-finite
    /// start, or a start at or beyond the end. Resets the output format to the file's own
    /// rate and channels, Float32.
    std::optional<Issue> open(const std::filesystem::path& file, double startSeconds,
                              double durationSeconds);
    /// Whether open() succeeded.
    bool isOpen() const { return m_open; }
    /// The file's header information (format, rate, channels, length).
    const AudioInfo& info() const { return m_info; }
    const std::filesystem::path& file() const { return m_file; }
    /// Start of the window in seconds from the start of the file.
    double windowStart() const;
    /// Length of the window in seconds (an estimate for MP3 read to the end).
    double windowSeconds() const;

    /// Sets the output format. Throws ConfigError for an invalid format.
    void setOutput(const PlaybackFormat& format);
    const PlaybackFormat& output() const { return m_out; }

    /// Decodes and converts up to `maxSeconds` (> 0) of the window from the current position,
    /// appending the output bytes to `out` (whole frames), and advances. At the end of the
    /// window (or of the audio, for files shorter than announced) appends nothing and
    /// atEnd() becomes true. Returns the Issue when decoding fails (bad data, a file removed
    /// meanwhile); the reader is then at its end.
    std::optional<Issue> read(double maxSeconds, std::vector<std::uint8_t>& out);
    /// True when the whole window has been read.
    bool atEnd() const { return m_atEnd; }
    /// Moves to `seconds` from the start of the window (clipped to [0, windowSeconds()]).
    void seek(double seconds);
    /// Seconds from the start of the window of the next read.
    double position() const;

private:
    std::filesystem::path m_file;
    AudioInfo m_info;
    PlaybackFormat m_out;
    bool m_open = false;
    bool m_atEnd = true;
    bool m_estimatedLength = false;  // MP3: frames are an estimate
    std::int64_t m_windowBegin = 0;  // native frames
    std::int64_t m_windowEnd = 0;    // native frames, exclusive
    std::int64_t m_cursor = 0;       // native frames
    AudioClip m_clip;                // reused between reads
};

} // namespace atlas
