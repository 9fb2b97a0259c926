// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Internal: the training loop shared by Autoencoder and Vae (mini-batch Adam over the
// encoder/decoder network of engine/models/network.h). Not part of the public API.

#include "engine/core/error.h"
#include "engine/core/progress.h"
#include "engine/core/types.h"
#include "engine/models/network.h"
#include "engine/models/training.h"

#include <cmath>
#include <string>
#include <vector>

namespace atlas::detail {

/// Everything the training loop needs, filled in from AutoencoderConfig / VaeConfig.
struct TrainerSettings {
    std::string name;       ///< model name used in error messages ("Autoencoder", "VAE", ...)
    NetworkShape shape;     ///< shape.classes is filled in from the labels by fit()
    int epochs = 50;
    int batchSize = 64;
    AdamSettings adam;
    Seed seed = 42;
    bool sumOverFeatures = false;
    double beta = 0.0;      ///< final KL weight (0 for the AE)
    int warmupEpochs = 0;   ///< linear KL warm-up length
    double freeBits = 0.0;  ///< nats per latent dimension
    EarlyStopping earlyStopping;
};

/// Trained state plus the training loop. Value type (copyable).
class LatentModel {
public:
    /// Trains from scratch. labels: nullptr for unconditional models; otherwise one class per
    /// row in [0, classes). On an exception (NumericalError, Cancelled) *this is unchanged.
    void fit(const Matrix& X, const Labels* labels, const TrainerSettings& settings,
             const Progress& progress, const EpochCallback& onEpoch);
    /// Latent code (AE) or mu (VAE) of every row.
    Matrix encode(const Matrix& X, const Labels* labels) const;
    /// Decoder output for the encoder's code (mu for the VAE family): deterministic.
    Matrix reconstruct(const Matrix& X, const Labels* labels) const;

    bool fitted() const { return m_fitted; }
    const std::vector<EpochReport>& history() const { return m_history; }
    const std::vector<double>& validationLoss() const { return m_validation; }
    int bestEpoch() const { return m_bestEpoch; }
    const Matrix& trainingCodes() const { return m_codes; }
    const Network<float>& network() const { return m_net; }
    const std::string& name() const { return m_name; }

    /// Restores a trained state (used by the model files).
    void restore(std::string name, Network<float> net, std::vector<EpochReport> history,
                 Matrix codes);

private:
    void checkInput(const Matrix& X, const Labels* labels, bool training) const;
    MatR<float> oneHotRows(const Labels* labels, Eigen::Index rows) const;

    std::string m_name = "model";
    Network<float> m_net;
    std::vector<EpochReport> m_history;
    std::vector<double> m_validation;
    int m_bestEpoch = 0;
    Matrix m_codes;
    bool m_fitted = false;
};

// Shared by AutoencoderConfig and VaeConfig, which have the same training fields.
template <class Config>
void validateTraining(std::vector<std::string>& p, const Config& c, const char* name)
{
    check(p, !c.hidden.empty() && c.hidden.size() <= 16, name, "hidden",
          "must list 1 to 16 layer widths", c.hidden.size());
    for (int w : c.hidden)
        check(p, w >= 1 && w <= 65536, name, "hidden", "every width must be in [1, 65536]", w);
    check(p, c.latent >= 1 && c.latent <= 4096, name, "latent", "must be in [1, 4096]", c.latent);
    check(p, c.epochs >= 1, name, "epochs", "must be >= 1", c.epochs);
    check(p, c.earlyStopping.holdout > 0.0 && c.earlyStopping.holdout <= 0.5, name,
          "earlyStopping.holdout", "must be in (0, 0.5]", c.earlyStopping.holdout);
    check(p, c.earlyStopping.patience >= 1, name, "earlyStopping.patience", "must be >= 1",
          c.earlyStopping.patience);
    check(p, c.earlyStopping.tolerance >= 0.0 && std::isfinite(c.earlyStopping.tolerance), name,
          "earlyStopping.tolerance", "must be >= 0", c.earlyStopping.tolerance);
    check(p, c.earlyStopping.epochRows >= 0, name, "earlyStopping.epochRows", "must be >= 0",
          c.earlyStopping.epochRows);
    check(p, c.batchSize >= 1, name, "batchSize", "must be >= 1", c.batchSize);
    check(p, c.learningRate > 0.0 && std::isfinite(c.learningRate), name, "learningRate",
          "must be > 0", c.learningRate);
    check(p, c.beta1 >= 0.0 && c.beta1 < 1.0, name, "beta1", "must be in [0, 1)", c.beta1);
    check(p, c.beta2 >= 0.0 && c.beta2 < 1.0, name, "beta2", "must be in [0, 1)", c.beta2);
    check(p, c.epsilon > 0.0 && std::isfinite(c.epsilon), name, "epsilon", "must be > 0",
          c.epsilon);
}

template <class Config>
TrainerSettings trainerSettings(const Config& c, std::string name)
{
    TrainerSettings s;
    s.name = std::move(name);
    s.shape.hidden = c.hidden;
    s.shape.latent = c.latent;
    s.epochs = c.epochs;
    s.batchSize = c.batchSize;
    s.adam = AdamSettings{c.learningRate, c.beta1, c.beta2, c.epsilon};
    s.seed = c.seed;
    s.earlyStopping = c.earlyStopping;
    return s;
}

/// Gives engine/io/model_io.cpp access to the models' internals.
struct ModelAccess;

} // namespace atlas::detail
