// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target: the feature cache's loader on arbitrary bytes, as given and sealed
// (signature, payload size and CRC-32 made consistent) so that mutations reach the entries. Contract under test: a damaged or foreign cache file is ignored (never fatal);
// never a crash, an exception, a huge allocation or a hang.
#include "engine/core/hash.h"
#include "engine/data/feature_cache.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

// The parameters the seed corpus was written with (a cache for other parameters is ignored).
constexpr const char* Parameters = "fuzz";

void load(const void* data, std::size_t size)
{
    const auto dir = atlas::fuzz::scratchDir() / "cache";
    std::filesystem::create_directories(dir);
    atlas::fuzz::writeInput("cache/features-" + atlas::hashHex(Parameters) + ".cache", data, size);
    atlas::FeatureCache cache(dir, Parameters);
    (void)cache.lookup(atlas::fuzz::scratchDir() / "cache");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    load(data, size);
    // The binary container: signature[8], u32 version, u64 payload size, payload, CRC-32.
    const auto sealed = atlas::fuzz::sealCrcImage(data, size, "MAFCACHE", 12, 20);
    if (!sealed.empty())
        load(sealed.data(), sealed.size());
    return 0;
}
