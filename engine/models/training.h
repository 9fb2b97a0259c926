// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Shared training vocabulary of the neural representation models (Autoencoder, Vae).

#include "engine/core/types.h"

#include <functional>

namespace atlas {

/// What one finished epoch reports. Losses are means over the epoch's samples (each
/// mini-batch's mean loss weighted by its size, as Keras reports them).
struct EpochReport {
    int epoch = 0;             ///< 1-based
    int epochs = 0;            ///< configured total
    double loss = 0.0;         ///< the optimised objective: reconstruction + klWeight * KL term
    double reconstruction = 0.0; ///< reconstruction part (see each model's loss scale)
    double kl = 0.0;           ///< KL(q(z|x) || N(0, I)) summed over latent dims, nats; 0 for AE
    double klWeight = 0.0;     ///< KL weight in effect at the end of the epoch (warm-up); 0 for AE

    bool operator==(const EpochReport&) const = default;
};

/// Early stopping on held-out rows (Keras's EarlyStopping(monitor="val_loss",
/// restore_best_weights=True) with validation_split): a random `holdout` share of the rows is
/// left out of training and scored after every epoch with the model's objective at its final
/// KL weight (the VAEs' sampling noise drawn once, so scores compare across epochs). Training
/// stops when `patience` epochs after the KL warm-up pass without the score falling by more
/// than `tolerance` times the best score so far; the weights of the best epoch are kept. The
/// codes are then computed for every row, held-out ones included.
///
/// With `epochRows` below the rows trained on, an epoch is that many rows (Keras's
/// steps_per_epoch): the next ones of an endless run of shuffled passes, so a pass spans
/// several epochs. The KL warm-up, the patience and the epoch budget are then the same number
/// of mini-batches at any size above it, and the held-out score is checked as often. An
/// epoch ends with a short mini-batch when epochRows is not a multiple of the batch size, as
/// a pass does (10,000 rows in batches of 64: 156 of 64 and one of 16).
struct EarlyStopping {
    bool enabled = false;
    double holdout = 0.05;     ///< share of the rows held out, (0, 0.5]
    int patience = 5;          ///< epochs without improvement before stopping, >= 1
    double tolerance = 1e-3;   ///< relative improvement that counts, >= 0
    int epochRows = 0;         ///< rows per epoch, >= 0; 0 (or more than trained on) = a pass

    bool operator==(const EarlyStopping&) const = default;
};

/// Called after every epoch on the thread that called fit(); return true to stop training
/// early (ensmallen's convention). The model keeps the weights of the last finished epoch.
using EpochCallback = std::function<bool(const EpochReport&)>;

/// Number of latent dimensions whose variance over the rows of `codes` (population variance,
/// numpy's var) exceeds `threshold`. Used to detect posterior collapse: a collapsed VAE
/// dimension encodes every input to the same mu. Returns 0 for fewer than 2 rows.
int activeDimensions(const Matrix& codes, double threshold = 0.01);

} // namespace atlas
