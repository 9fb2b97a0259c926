// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/progress.h"
#include "engine/core/types.h"
#include "engine/models/latent_model.h"
#include "engine/models/training.h"

#include <string>
#include <vector>

namespace atlas {

/// Options of the variational autoencoder family: VAE (beta = 1; Kingma & Welling, 2014),
/// beta-VAE (beta > 1; Higgins et al., 2017; the application uses beta = 4) and conditional
/// VAE (conditional = true; Sohn et al., 2015). Architecture and optimiser defaults are the
/// research pipeline's Keras model (see AutoencoderConfig); the encoder ends in two Dense
/// heads, mu and log sigma^2, of `latent` units each.
///
/// Objective per mini-batch (means over the batch):
///   sum_j (x_j - x_hat_j)^2  +  w(t) * sum_k max(freeBits, KL_k)
/// where KL_k is dimension k's KL(q(z_k|x) || N(0, 1)) averaged over the batch, and
/// w(t) rises linearly from 0 to beta over the first klWarmupEpochs epochs (per mini-batch).
///
/// Reconstruction scale: the squared error is SUMMED over the features, as in the research
/// pipeline's Python VAE (Keras's "mse" would average it). This is the Gaussian decoder's
/// negative log-likelihood up to a constant, so beta keeps its meaning relative to the
/// likelihood; averaging would multiply the KL weight by the number of features (540) and
/// collapse the posterior.
///
/// Posterior collapse: with the sum, beta = 4 and no schedule, the reference Python model
/// collapsed completely (all codes equal, loss stuck at 540 = the data's total variance), as
/// did beta = 2 and 3. Two standard remedies are on by default:
///  - KL warm-up / annealing (Bowman et al., "Generating Sentences from a Continuous Space",
///    CoNLL 2016; Sønderby et al., "Ladder Variational Autoencoders", NeurIPS 2016): the
///    decoder first learns to use the codes while the KL pressure is small;
///  - free bits (Kingma et al., "Improved Variational Inference with Inverse Autoregressive
///    Flow", NeurIPS 2016): a dimension whose batch-mean KL is below freeBits nats is not
///    penalised, so the optimiser has no reason to switch it off completely.
/// (The capacity schedule of Burgess et al., 2018, is an alternative not implemented here.)
/// Set klWarmupEpochs = 0 and freeBits = 0 for the plain objective.
struct VaeConfig {
    /// Encoder hidden widths, input side first; the decoder mirrors them. Each in [1, 65536].
    std::vector<int> hidden = {256, 128};
    int latent = 16;             ///< latent dimensions, [1, 4096] (Keras latent_dim)
    int epochs = 50;             ///< passes over the data, >= 1 (EarlyStopping::epochRows)
    int batchSize = 64;          ///< rows per mini-batch, >= 1
    double learningRate = 1e-3;  ///< Adam step size, > 0 (Keras learning_rate)
    double beta1 = 0.9;          ///< Adam first-moment decay, [0, 1) (Keras beta_1)
    double beta2 = 0.999;        ///< Adam second-moment decay, [0, 1) (Keras beta_2)
    double epsilon = 1e-7;       ///< Adam denominator term, > 0 (Keras epsilon)
    Seed seed = 42;              ///< initial weights, shuffling and reparameterisation noise

    double beta = 1.0;           ///< final KL weight, >= 0, finite; 1 = VAE, > 1 = beta-VAE
    bool conditional = false;    ///< CVAE: one-hot labels appended to encoder and decoder inputs
    int klWarmupEpochs = 10;     ///< linear KL warm-up length in epochs, >= 0 (0 = none)
    double freeBits = 0.25;      ///< free-bits floor in nats per latent dimension, >= 0
    bool sumOverFeatures = true; ///< reconstruction summed (true) or averaged over features
    /// Stop when held-out rows stop improving (off by default; training.h). Not stored in model
    /// files: it shapes training only.
    EarlyStopping earlyStopping;

    /// Empty when valid; otherwise one "VaeConfig.<field>: ..." message per problem.
    std::vector<std::string> validate() const;

    bool operator==(const VaeConfig&) const = default;
};

/// Variational autoencoder (VAE, beta-VAE or CVAE by configuration). The representation used
/// downstream is mu, the mean of q(z|x): encode() is deterministic.
///
/// Training computes in float32 like Keras/PyTorch; inputs and outputs are double. A fixed
/// seed and thread count give bit-identical weights, and the result does not depend on the
/// thread count either. Not thread-safe for concurrent fit() on one object; const members
/// may be called concurrently.
class Vae {
public:
    explicit Vae(VaeConfig config = {});

    const VaeConfig& config() const { return m_cfg; }
    /// "VAE", "beta-VAE" or "CVAE" (used in messages).
    std::string name() const;

    /// Trains an unconditional model from scratch on the rows of X (finite, typically
    /// standardised). Progress once per epoch and 1.0 at the end; cancellation between
    /// mini-batches; `onEpoch` may stop early by returning true.
    /// Throws ConfigError (invalid config), InputError (empty/non-finite X, or
    /// config().conditional: a CVAE needs labels), NumericalError (non-finite loss, naming
    /// the model and epoch), Cancelled. On any exception the previous state is kept.
    void fit(const Matrix& X, const Progress& progress = {}, EpochCallback onEpoch = {});
    /// Trains a CVAE: `condition` gives each row's class in [0, C); C = max + 1. Throws
    /// InputError for a size mismatch or a negative label, and when !config().conditional.
    void fit(const Matrix& X, const Labels& condition, const Progress& progress = {},
             EpochCallback onEpoch = {});

    /// mu of every row, X.rows() x latent. The CVAE overloads need the labels (InputError
    /// otherwise, or for a class the model was not trained with).
    Matrix encode(const Matrix& X) const;
    Matrix encode(const Matrix& X, const Labels& condition) const;
    /// decoder(mu(X)) (no sampling), X.rows() x features.
    Matrix reconstruct(const Matrix& X) const;
    Matrix reconstruct(const Matrix& X, const Labels& condition) const;

    bool isFitted() const { return m_model.fitted(); }
    /// Number of condition classes of a trained CVAE (0 otherwise).
    int classes() const { return m_model.network().shape().classes; }
    /// Per-epoch losses of the last fit().
    const std::vector<EpochReport>& history() const { return m_model.history(); }
    /// Held-out score after each epoch of the last fit() with early stopping (else empty).
    const std::vector<double>& validationLoss() const { return m_model.validationLoss(); }
    /// The epoch whose weights were kept (1-based; 0 without early stopping).
    int bestEpoch() const { return m_model.bestEpoch(); }
    /// mu of the training rows, computed at the end of fit().
    const Matrix& trainingCodes() const { return m_model.trainingCodes(); }
    /// atlas::activeDimensions() of trainingCodes(): latent dimensions not collapsed.
    int activeDimensions(double threshold = 0.01) const;

private:
    friend struct detail::ModelAccess;
    void train(const Matrix& X, const Labels* condition, const Progress& progress,
               const EpochCallback& onEpoch);

    VaeConfig m_cfg;
    detail::LatentModel m_model;
};

} // namespace atlas
