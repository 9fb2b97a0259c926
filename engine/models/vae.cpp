// SPDX-License-Identifier: GPL-3.0-or-later
// GCC 12 reports false -Wmaybe-uninitialized inside its AVX-512 intrinsics once Eigen's
// kernels are inlined (GCC PR 105593); it must be silenced before Eigen is included.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include "engine/models/vae.h"

#include "engine/core/error.h"

namespace atlas {

std::vector<std::string> VaeConfig::validate() const
{
    std::vector<std::string> p;
    detail::validateTraining(p, *this, "VaeConfig");
    check(p, beta >= 0.0 && std::isfinite(beta), "VaeConfig", "beta", "must be >= 0 and finite",
          beta);
    check(p, klWarmupEpochs >= 0, "VaeConfig", "klWarmupEpochs", "must be >= 0", klWarmupEpochs);
    check(p, freeBits >= 0.0 && std::isfinite(freeBits), "VaeConfig", "freeBits",
          "must be >= 0 and finite", freeBits);
    return p;
}

Vae::Vae(VaeConfig config) : m_cfg(std::move(config)) {}

std::string Vae::name() const
{
    if (m_cfg.conditional)
        return "CVAE";
    return m_cfg.beta == 1.0 ? "VAE" : "beta-VAE";
}

void Vae::train(const Matrix& X, const Labels* condition, const Progress& progress,
                const EpochCallback& onEpoch)
{
    requireValid(m_cfg.validate());
    if (m_cfg.conditional && !condition)
        throw InputError(name() + ": a conditional VAE needs one condition label per row; call "
                                  "fit(X, labels) or set VaeConfig.conditional = false");
    if (!m_cfg.conditional && condition)
        throw InputError(name() + ": condition labels were given but VaeConfig.conditional is "
                                  "false");
    detail::TrainerSettings s = detail::trainerSettings(m_cfg, name());
    s.shape.variational = true;
    s.sumOverFeatures = m_cfg.sumOverFeatures;
    s.beta = m_cfg.beta;
    s.warmupEpochs = m_cfg.klWarmupEpochs;
    s.freeBits = m_cfg.freeBits;
    detail::LatentModel model = m_model;
    model.fit(X, condition, s, progress, onEpoch);
    m_model = std::move(model);
}

void Vae::fit(const Matrix& X, const Progress& progress, EpochCallback onEpoch)
{
    train(X, nullptr, progress, onEpoch);
}

void Vae::fit(const Matrix& X, const Labels& condition, const Progress& progress,
              EpochCallback onEpoch)
{
    train(X, &condition, progress, onEpoch);
}

Matrix Vae::encode(const Matrix& X) const { return m_model.encode(X, nullptr); }

Matrix Vae::encode(const Matrix& X, const Labels& condition) const
{
    return m_model.encode(X, &condition);
}

Matrix Vae::reconstruct(const Matrix& X) const { return m_model.reconstruct(X, nullptr); }

Matrix Vae::reconstruct(const Matrix& X, const Labels& condition) const
{
    return m_model.reconstruct(X, &condition);
}

int Vae::activeDimensions(double threshold) const
{
    return atlas::activeDimensions(m_model.trainingCodes(), threshold);
}

} // namespace atlas
