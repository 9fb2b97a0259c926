// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target: parseModelFile() on arbitrary bytes, as given and sealed (signature,
// payload size and CRC-32 made consistent, see fuzz_support.h) so that mutations reach the
// payload. Contract under test: InputError naming the file for anything that is not a valid
// model; never a crash, another exception, a huge allocation or a hang.
#include "engine/core/error.h"
#include "engine/io/model_io.h"
#include "tests/fuzz/fuzz_support.h"

#include <type_traits>
#include <variant>

namespace {

void parse(const unsigned char* data, std::size_t size)
{
    atlas::LoadedModel loaded;
    try {
        loaded = atlas::parseModelFile(data, size, "fuzz.model");
    } catch (const atlas::InputError&) {
        return;
    }
    // A model that loads is usable: its sizes agree, so using it cannot read out of bounds.
    std::visit(
        [](const auto& model) {
            using Model = std::decay_t<decltype(model)>;
            if constexpr (std::is_same_v<Model, atlas::Pca>) {
                if (model.components().cols() <= 4096) {
                    const atlas::Matrix X = atlas::Matrix::Ones(2, model.components().cols());
                    (void)model.inverseTransform(model.transform(X));
                }
            } else {
                (void)model.activeDimensions();
            }
        },
        loaded.model);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    // Model file: magic[8], u32 version, u32 kind, u64 payload size, payload, u32 CRC-32.
    parse(data, size);
    const auto sealed = atlas::fuzz::sealCrcImage(data, size, "MATLMODL", 16, 24);
    if (!sealed.empty())
        parse(sealed.data(), sealed.size());
    return 0;
}
