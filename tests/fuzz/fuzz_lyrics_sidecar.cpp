// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target: the lyrics files beside audio files: lyricsFromLrc() on arbitrary text,
// and readSidecarLyrics() reading it as "<stem>.lrc" or "<stem>.txt" (byte-order marks,
// UTF-16, invalid UTF-8). Input: the sidecar file; its first byte's lowest bit picks .lrc or
// .txt. Contract under test: never a crash, an exception or a hang.
#include "engine/data/metadata.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    (void)atlas::lyricsFromLrc(bytes);

    const bool lrc = size == 0 || (data[0] & 1) == 0;
    const auto dir = atlas::fuzz::scratchDir() / "sidecar";
    std::filesystem::create_directories(dir);
    std::filesystem::remove(dir / "song.lrc");
    std::filesystem::remove(dir / "song.txt");
    atlas::fuzz::writeInput(lrc ? "sidecar/song.lrc" : "sidecar/song.txt", data, size);
    atlas::Diagnostics diagnostics;
    (void)atlas::readSidecarLyrics(dir / "song.mp3", diagnostics);
    return 0;
}
