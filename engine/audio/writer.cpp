// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/audio/writer.h"

#include "engine/core/atomic_file.h"
#include "engine/core/error.h"
#include "engine/core/text.h"

#include <sndfile.h>

#include <algorithm>
#include <string>

namespace atlas {

namespace {

int containerFor(const std::filesystem::path& file)
{
    const std::string ext = lowerAscii(file.extension().string());
    if (ext == ".wav")
        return SF_FORMAT_WAV;
    if (ext == ".flac")
        return SF_FORMAT_FLAC;
    if (ext == ".ogg")
        return SF_FORMAT_OGG;
    if (ext == ".au")
        return SF_FORMAT_AU;
    throw InputError(file.string() + ": cannot write audio with extension \"" + ext +
                     "\" (use .wav, .flac, .ogg or .au)");
}

} // namespace

void writeAudioFile(const std::filesystem::path& file, std::span<const float> interleaved,
                    int channels, int sampleRate, SampleEncoding encoding)
{
    const int container = containerFor(file);
    int subtype = encoding == SampleEncoding::Float32 ? SF_FORMAT_FLOAT : SF_FORMAT_PCM_16;
    if (container == SF_FORMAT_OGG)
        subtype = SF_FORMAT_VORBIS;
    else if (container == SF_FORMAT_FLAC)
        subtype = SF_FORMAT_PCM_16;

    SF_INFO info{};
    info.samplerate = sampleRate;
    info.channels = channels;
    info.format = container | subtype;
    if (channels < 1 || sampleRate < 1 || !sf_format_check(&info))
        throw InputError(file.string() + ": unsupported format for writing (" +
                         std::to_string(channels) + " channels at " +
                         std::to_string(sampleRate) + " Hz)");

    AtomicFile out(file, "the audio file");
    SNDFILE* sf = sf_open_fd(out.descriptor(), SFM_WRITE, &info, SF_FALSE);
    if (!sf)
        throw InputError(file.string() + ": cannot write the audio file (" +
                         sf_strerror(nullptr) + ")");
    // Clip rather than wrap when float samples exceed full scale.
    sf_command(sf, SFC_SET_CLIPPING, nullptr, SF_TRUE);
    const sf_count_t frames = sf_count_t(interleaved.size() / std::size_t(channels));
    const sf_count_t written = sf_writef_float(sf, interleaved.data(), frames);
    const std::string problem = written != frames ? sf_strerror(sf) : "";
    if (sf_close(sf) != 0 || written != frames)
        throw InputError(file.string() + ": cannot write the audio file (" +
                         (problem.empty() ? "closing failed" : problem) + ")");
    out.commit();
}

} // namespace atlas
