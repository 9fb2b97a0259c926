// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target: loadSession() on arbitrary bytes, as given and sealed (signature, payload
// size and CRC-32 made consistent, see fuzz_support.h) so that mutations reach the payload.
// Contract under test: InputError naming the file for anything that is not a valid session;
// never a crash, another exception, a huge allocation or a hang.
#include "engine/core/error.h"
#include "engine/io/session_io.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

void load(const void* data, std::size_t size)
{
    const auto file = atlas::fuzz::writeInput("fuzz.session", data, size);
    try {
        (void)atlas::loadSession(file);
    } catch (const atlas::InputError&) {
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    // Session file: magic[8], u32 version, u64 payload size, payload, u32 CRC-32.
    load(data, size);
    const auto sealed = atlas::fuzz::sealCrcImage(data, size, "MATLSESS", 12, 20);
    if (!sealed.empty())
        load(sealed.data(), sealed.size());
    return 0;
}
