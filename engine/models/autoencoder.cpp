// SPDX-License-Identifier: GPL-3.0-or-later
// GCC 12 reports false -Wmaybe-uninitialized inside its AVX-512 intrinsics once Eigen's
// kernels are inlined (GCC PR 105593); it must be silenced before Eigen is included.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include "engine/models/autoencoder.h"

#include "engine/core/error.h"

namespace atlas {

std::vector<std::string> AutoencoderConfig::validate() const
{
    std::vector<std::string> p;
    detail::validateTraining(p, *this, "AutoencoderConfig");
    return p;
}

Autoencoder::Autoencoder(AutoencoderConfig config) : m_cfg(std::move(config)) {}

void Autoencoder::fit(const Matrix& X, const Progress& progress, EpochCallback onEpoch)
{
    requireValid(m_cfg.validate());
    detail::TrainerSettings s = detail::trainerSettings(m_cfg, "Autoencoder");
    s.shape.variational = false;
    s.sumOverFeatures = false;
    detail::LatentModel model = m_model;
    model.fit(X, nullptr, s, progress, onEpoch);
    m_model = std::move(model);
}

Matrix Autoencoder::encode(const Matrix& X) const { return m_model.encode(X, nullptr); }

Matrix Autoencoder::reconstruct(const Matrix& X) const { return m_model.reconstruct(X, nullptr); }

int Autoencoder::activeDimensions(double threshold) const
{
    return atlas::activeDimensions(m_model.trainingCodes(), threshold);
}

} // namespace atlas
