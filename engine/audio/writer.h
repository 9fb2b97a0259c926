// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <filesystem>
#include <span>

namespace atlas {

/// Sample encoding of a written file.
enum class SampleEncoding { Pcm16, Float32 };

/// Writes interleaved float samples (nominally in [-1, 1]) as an audio file whose container
/// follows the extension: .wav, .flac, .ogg (Vorbis), .au. PCM16 output is clipped to the
/// 16-bit range. Replaced as a whole (AtomicFile), so a reader never sees half a file.
/// Throws InputError naming the file when it cannot be written.
void writeAudioFile(const std::filesystem::path& file, std::span<const float> interleaved,
                    int channels, int sampleRate, SampleEncoding encoding = SampleEncoding::Pcm16);

} // namespace atlas
