// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target: readFeatureTable() and summariseFeatureTable() (run --features) on arbitrary
// bytes. An input starting with NumPy's magic is a .npy file, given a rows table with as many
// rows as its header says (when that header reads and is small), so that mutations reach the
// matrix and the rows behind it; any other input is a CSV table.
// Contract under test: InputError for a file that is not a usable table, Issues for bad rows;
// never a crash, another exception, a hang or an allocation the file does not back.
#include "engine/core/error.h"
#include "engine/data/feature_table.h"
#include "engine/data/npy.h"
#include "tests/fuzz/fuzz_support.h"

#include <cstring>
#include <fstream>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const bool npy = size >= 6 && std::memcmp(data, "\x93NUMPY", 6) == 0;
    const auto file = atlas::fuzz::writeInput(npy ? "table.npy" : "table.csv", data, size);
    if (npy) {
        std::int64_t rows = 0;
        try {
            rows = atlas::readNpyHeader(file).rows;
        } catch (const atlas::InputError&) {
        }
        std::ofstream out(atlas::npyRowsFile(file), std::ios::trunc);
        out << "track_id,label\n";
        for (std::int64_t r = 0; r < rows && r < 4096; ++r)
            out << "t" << r << "," << (r % 3) << "\n";
    }
    atlas::Diagnostics diagnostics;
    try {
        const atlas::FeatureTable t = atlas::readFeatureTable(file, diagnostics);
        if (t.audio.rows() != std::int64_t(t.tracks.size()) ||
            t.lyrics.rows() != std::int64_t(t.tracks.size()) ||
            t.audio.cols() != std::int64_t(t.audioNames.size()) ||
            t.lyrics.cols() != std::int64_t(t.vocabulary.size()) || !t.audio.allFinite() ||
            !t.lyrics.allFinite())
            std::abort();   // the blocks must match their names and rows, and be finite
    } catch (const atlas::InputError&) {
    }
    try {
        (void)atlas::summariseFeatureTable(file);
    } catch (const atlas::InputError&) {
    }
    return 0;
}
