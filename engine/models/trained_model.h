// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/models/autoencoder.h"
#include "engine/models/pca.h"
#include "engine/models/vae.h"

#include <cstdint>
#include <variant>

namespace atlas {

/// Which model a file holds.
enum class ModelKind : std::uint32_t { Pca = 1, Autoencoder = 2, Vae = 3 };

/// A trained representation model of any kind: PCA, autoencoder or a VAE-family model
/// (VAE, beta-VAE, CVAE). Value type; the pipeline shares it read-only.
using TrainedModel = std::variant<Pca, Autoencoder, Vae>;

} // namespace atlas
