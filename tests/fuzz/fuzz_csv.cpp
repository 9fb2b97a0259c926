// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target: the CSV reader (encoding repair, delimiter detection, quoting, ragged rows)
// and the lyrics table built on it, on arbitrary bytes. The input is the CSV file itself.
// Contract under test: InputError for a file with no usable header or text column, Issues for
// everything else; never a crash, another exception or a hang.
#include "engine/core/error.h"
#include "engine/data/csv.h"
#include "engine/data/lyrics.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    atlas::Diagnostics diagnostics;
    try {
        const atlas::CsvTable table = atlas::parseCsv(bytes, "fuzz.csv", diagnostics);
        for (std::size_t r = 0; r < table.size(); ++r)
            if (table.rows[r].size() != table.header.size())
                std::abort(); // the reader promises header.size() fields in every row
        (void)atlas::lyricsFromCsv(table, diagnostics);
    } catch (const atlas::InputError&) {
    }
    // The file path: reading, the size checks, the same parse.
    const auto file = atlas::fuzz::writeInput("lyrics.csv", data, size);
    try {
        (void)atlas::loadLyrics(file, diagnostics);
    } catch (const atlas::InputError&) {
    }
    return 0;
}
