// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/progress.h"
#include "engine/core/types.h"
#include "engine/models/latent_model.h"
#include "engine/models/training.h"

#include <string>
#include <vector>

namespace atlas {

/// Options of the deterministic autoencoder. Defaults reproduce the research pipeline's Keras
/// model: 540 -> 256 -> 128 -> 16 with ReLU, mirrored decoder with a linear output, Adam with
/// Keras defaults, 50 epochs of batch 64 shuffled every epoch.
struct AutoencoderConfig {
    /// Encoder hidden widths, input side first; the decoder mirrors them. Each in [1, 65536].
    std::vector<int> hidden = {256, 128};
    int latent = 16;             ///< code size, [1, 4096] (Keras latent_dim)
    int epochs = 50;             ///< passes over the data, >= 1 (Keras epochs; EarlyStopping::epochRows)
    int batchSize = 64;          ///< rows per mini-batch, >= 1 (Keras batch_size)
    double learningRate = 1e-3;  ///< Adam step size, > 0 (Keras learning_rate)
    double beta1 = 0.9;          ///< Adam first-moment decay, [0, 1) (Keras beta_1)
    double beta2 = 0.999;        ///< Adam second-moment decay, [0, 1) (Keras beta_2)
    double epsilon = 1e-7;       ///< Adam denominator term, > 0 (Keras epsilon)
    Seed seed = 42;              ///< initial weights and shuffling
    /// Stop when held-out rows stop improving (off by default; training.h). Not stored in model
    /// files: it shapes training only.
    EarlyStopping earlyStopping;

    /// Empty when valid; otherwise one "AutoencoderConfig.<field>: ..." message per problem.
    std::vector<std::string> validate() const;

    bool operator==(const AutoencoderConfig&) const = default;
};

/// Deterministic autoencoder trained on the mean squared reconstruction error.
///
/// Loss: Keras "mse", the mean over the batch and over the features of (x - x_hat)^2. (Its
/// scale does not move the minimiser, and Adam is invariant to it up to epsilon, so Keras's
/// convention is kept to make reported losses comparable with the reference.)
///
/// Training computes in float32 like Keras/PyTorch; inputs and outputs are double. A fixed
/// seed and thread count give bit-identical weights, and the result does not depend on the
/// thread count either (see engine/models/network.h). Not thread-safe for concurrent fit() on
/// one object; const members may be called concurrently.
class Autoencoder {
public:
    explicit Autoencoder(AutoencoderConfig config = {});

    const AutoencoderConfig& config() const { return m_cfg; }

    /// Trains from scratch on the rows of X (samples x features, finite, typically
    /// standardised). Reports progress once per epoch and 1.0 at the end; checks cancellation
    /// between mini-batches. `onEpoch` may stop training early by returning true.
    /// Throws ConfigError (invalid config), InputError (empty or non-finite X),
    /// NumericalError (non-finite loss, naming the epoch), Cancelled. On any exception the
    /// previous state of the model is kept.
    void fit(const Matrix& X, const Progress& progress = {}, EpochCallback onEpoch = {});

    /// Latent codes, X.rows() x latent. Throws InputError before fit() or for a wrong width.
    Matrix encode(const Matrix& X) const;
    /// decoder(encoder(X)), X.rows() x features.
    Matrix reconstruct(const Matrix& X) const;

    bool isFitted() const { return m_model.fitted(); }
    /// Per-epoch losses of the last fit() (kl and klWeight are 0).
    const std::vector<EpochReport>& history() const { return m_model.history(); }
    /// Held-out score after each epoch of the last fit() with early stopping (else empty).
    const std::vector<double>& validationLoss() const { return m_model.validationLoss(); }
    /// The epoch whose weights were kept (1-based; 0 without early stopping).
    int bestEpoch() const { return m_model.bestEpoch(); }
    /// Codes of the training rows, computed at the end of fit().
    const Matrix& trainingCodes() const { return m_model.trainingCodes(); }
    /// atlas::activeDimensions() of trainingCodes().
    int activeDimensions(double threshold = 0.01) const;

private:
    friend struct detail::ModelAccess;
    AutoencoderConfig m_cfg;
    detail::LatentModel m_model;
};

} // namespace atlas
