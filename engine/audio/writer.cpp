// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/audio/writer.h"

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

    std::filesystem::path temporary = file;
    temporary += ".partial";
    SNDFILE* sf = sf_open(temporary.c_str(), SFM_WRITE, &info);
    if (!sf)
        throw InputError(file.string() + ": cannot create file (" + sf_strerror(nullptr) + ")");
    // Clip rather than wrap when float samples exceed full scale.
    sf_command(sf, SFC_SET_CLIPPING, nullptr, SF_TRUE);
    const sf_count_t frames = sf_count_t(interleaved.size() / std::size_t(channels));
    const sf_count_t written = sf_writef_float(sf, interleaved.data(), frames);
    const int closed = sf_close(sf);
    std::error_code ec;
    if (written != frames || closed != 0) {
        std::filesystem::remove(temporary, ec);
        throw InputError(file.string() + ": writing failed (disk full or no permission?)");
    }
    std::filesystem::rename(temporary, file, ec);
    if (ec) {
        std::filesystem::remove(temporary, ec);
        throw InputError(file.string() + ": cannot move the finished file into place (" +
                         ec.message() + ")");
    }
}

} // namespace atlas
