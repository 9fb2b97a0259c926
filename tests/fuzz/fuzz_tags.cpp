// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target: readTags() (TagLib: ID3v1/ID3v2, Vorbis comments, MP4 atoms, APE, ASF) on
// arbitrary bytes. Input: one control byte picking the extension (TagLib chooses its parser by
// extension), then the file. Contract under test: never a crash, an exception or a hang; a
// file TagLib cannot read gives empty tags and a problem.
#include "engine/data/metadata.h"
#include "tests/fuzz/fuzz_support.h"

#include <array>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size < 1)
        return 0;
    static constexpr std::array<const char*, 16> Extensions = {
        ".mp3", ".flac", ".ogg", ".opus", ".m4a", ".wav", ".aiff", ".wma",
        ".ape", ".wv",   ".mpc", ".oga",  ".aif", ".mp4", ".spx",  ".tta"};
    const auto file = atlas::fuzz::writeInput(std::string("input") + Extensions[data[0] & 15],
                                              data + 1, size - 1);
    const atlas::TagReadResult result = atlas::readTags(file);
    (void)atlas::normaliseGenres(result.tags.genres);
    return 0;
}
