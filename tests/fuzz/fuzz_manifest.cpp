// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target: readManifest() (a collection listed in a CSV: path, label, lyrics columns)
// on arbitrary bytes. The input is the manifest file.
// Contract under test: InputError for an unreadable file or one without a path column, Issues
// for bad rows; never a crash, another exception or a hang.
#include "engine/core/error.h"
#include "engine/data/collection.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const auto file = atlas::fuzz::writeInput("manifest.csv", data, size);
    atlas::Diagnostics diagnostics;
    try {
        const atlas::Collection collection = atlas::readManifest(file, diagnostics);
        (void)collection.labelNames();
    } catch (const atlas::InputError&) {
    }
    return 0;
}
