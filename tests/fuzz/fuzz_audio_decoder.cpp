// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target: probeAudio() and decodeAudio() on arbitrary bytes, through libsndfile
// (WAV, AIFF, AU, FLAC, Ogg Vorbis/Opus, MP3) and FFmpeg (M4A, WMA, APE, WavPack, Matroska,
// AC-3, ...). Input: one control byte, then the file. The control byte picks the file's
// extension (FFmpeg's probing and the error messages look at it; libsndfile reads by content)
// and the decoding options; the excerpt is at most 2 s so that every input decodes quickly.
// Contract under test: never a crash, an exception or a hang; bad files give an Issue.
#include "engine/audio/decoder.h"
#include "tests/fuzz/fuzz_support.h"

#include <array>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size < 1)
        return 0;
    static constexpr std::array<const char*, 16> Extensions = {
        ".wav", ".aiff", ".au", ".flac", ".ogg", ".opus", ".mp3", ".m4a",
        ".wma", ".ape",  ".wv", ".mka",  ".ac3", ".webm", ".aac", ".rf64"};
    const std::uint8_t control = data[0];
    const auto file = atlas::fuzz::writeInput(std::string("input") + Extensions[control & 15],
                                              data + 1, size - 1);

    (void)atlas::probeAudio(file);

    atlas::DecodeConfig cfg;
    cfg.mono = (control & 16) == 0;
    cfg.sampleRate = (control & 32) ? 0 : 22050;
    cfg.excerpt = (control & 64) ? atlas::ExcerptPosition::Middle : atlas::ExcerptPosition::Start;
    cfg.offset = (control & 128) ? 0.25 : 0.0;
    cfg.duration = 2.0;
    cfg.minDuration = 0.0;
    (void)atlas::decodeAudio(file, cfg);
    return 0;
}
