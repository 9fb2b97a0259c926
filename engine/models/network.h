// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Internal building blocks of the autoencoder family (engine/models/autoencoder.h, vae.h):
// dense layers with hand-written backpropagation, the losses, Adam, and the encoder/decoder
// network that the models train. Templated on the scalar so that training runs in float
// (as Keras and PyTorch do) while the gradient checks run the very same code in double.
//
// Orientation: every activation matrix is row-major, batch x features (one sample per row),
// and a layer's kernel is inputs x outputs (Keras's Dense kernel layout), so a forward pass is
// Y = X W + b and every minibatch step is a handful of GEMMs.
//
// Thread rules: the GEMMs split their output into column chunks whose layout depends only on
// the matrix shapes, and each chunk is one single-threaded Eigen product; the threads (OpenMP,
// atlas::maxThreads()) only decide which thread computes which chunk. Results are therefore
// bit-identical for any thread count. Do not call these from inside an OpenMP parallel region.

#include "engine/core/random.h"

#include <Eigen/Core>

#include <cstdint>
#include <vector>

namespace atlas::detail {

/// Row-major dynamic matrix: batch x features for activations, inputs x outputs for kernels.
template <class T>
using MatR = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
/// Row vector (a bias, one value per output unit).
template <class T>
using RowVecT = Eigen::Matrix<T, 1, Eigen::Dynamic>;

/// C = A * B.
template <class T>
void gemmNN(const MatR<T>& A, const MatR<T>& B, MatR<T>& C);
/// C = A^T * B (weight gradient: X^T dY).
template <class T>
void gemmTN(const MatR<T>& A, const MatR<T>& B, MatR<T>& C);
/// C = A * B^T (input gradient: dY W^T).
template <class T>
void gemmNT(const MatR<T>& A, const MatR<T>& B, MatR<T>& C);

/// The rows of a data matrix as one common row plus a few deviations: row i equals `base`
/// with value[e] added at column[e] for e in [start[i], start[i + 1]). Standardised TF-IDF
/// columns, where every absent term takes its column's one value, are mostly `base`, so the
/// first layer's products need only the deviations.
template <class T>
struct SparseRows {
    RowVecT<T> base;
    std::vector<std::int64_t> start;   ///< rows + 1 offsets into column and value
    std::vector<int> column;
    std::vector<T> value;
};

/// X as SparseRows when at most `maxDensity` of its values differ from their column's base
/// (per column the more common of its minimum and 0); otherwise start is left empty.
template <class T>
SparseRows<T> sparseRows(const MatR<T>& X, double maxDensity = 0.25);

/// A mini-batch of SparseRows: batch row r is rows->row ids[r].
template <class T>
struct SparseBatch {
    const SparseRows<T>* rows = nullptr;
    const int* ids = nullptr;
};

/// A fully connected layer y = x W + b (Keras Dense). W is inputs x outputs.
template <class T>
struct Dense {
    MatR<T> W;
    RowVecT<T> b;

    int inputs() const { return int(W.rows()); }
    int outputs() const { return int(W.cols()); }
    /// Keras defaults: kernel glorot_uniform, U(-l, l) with l = sqrt(6 / (fan_in + fan_out))
    /// (Glorot & Bengio, 2010); bias zeros. Draws W row by row from `rng`.
    void init(int inputs, int outputs, Rng& rng);
    /// Y = X W + b (Y is resized to X.rows() x outputs).
    void forward(const MatR<T>& X, MatR<T>& Y) const;
    /// Given dL/dY: dW = X^T dY, db = column sums of dY, and dX = dY W^T when dX != nullptr.
    void backward(const MatR<T>& X, const MatR<T>& dY, MatR<T>* dX, MatR<T>& dW,
                  RowVecT<T>& db) const;
    /// forward() of the batch [x | onehot] with x given as SparseRows: Y = (base W_x + b) +
    /// deviations W_x + onehot W_onehot, where W_x is W's first base.size() rows. onehot has
    /// the batch's rows (and 0 columns when unconditional).
    void forward(const SparseBatch<T>& x, const MatR<T>& onehot, MatR<T>& Y) const;
    /// backward() of the same batch, without dX: dW_x = base^T db + deviations^T dY,
    /// dW_onehot = onehot^T dY.
    void backward(const SparseBatch<T>& x, const MatR<T>& onehot, const MatR<T>& dY,
                  MatR<T>& dW, RowVecT<T>& db) const;
};

/// In place y = max(x, 0).
template <class T>
void reluForward(MatR<T>& Y);
/// dY *= (Y > 0), given the ReLU's output Y (the derivative at 0 is taken as 0, as in TF).
template <class T>
void reluBackward(const MatR<T>& Y, MatR<T>& dY);

/// Squared-error reconstruction loss of a batch and its gradient dL/dPred.
/// sumOverFeatures = false: Keras "mse", mean over batch and features.
/// sumOverFeatures = true: sum over features, mean over the batch (the Gaussian-decoder ELBO
/// term up to a constant, used by the VAE family).
template <class T>
double reconstructionLoss(const MatR<T>& pred, const MatR<T>& target, bool sumOverFeatures,
                          MatR<T>& grad);

/// KL(N(mu, exp(logvar)) || N(0, I)) term of a batch: per latent dimension k the batch mean
/// KL_k = mean_i -0.5 (1 + logvar_ik - mu_ik^2 - exp(logvar_ik)); the objective is
/// weight * sum_k max(freeBits, KL_k) (free bits, Kingma et al. 2016; freeBits = 0 gives the
/// plain KL). Writes the objective's gradients into dMu / dLogvar (added to what is there).
/// Returns the objective contribution; `rawKl` receives sum_k KL_k.
template <class T>
double klTerm(const MatR<T>& mu, const MatR<T>& logvar, double weight, double freeBits,
              MatR<T>& dMu, MatR<T>& dLogvar, double& rawKl);

/// Adam as implemented by Keras (tf.keras.optimizers.Adam, TF >= 2.11): with t the step
/// number starting at 1, alpha = lr sqrt(1 - beta2^t) / (1 - beta1^t),
/// m += (g - m)(1 - beta1), v += (g^2 - v)(1 - beta2), p -= alpha m / (sqrt(v) + epsilon).
/// (Kingma & Ba, 2015, with epsilon added to the uncorrected sqrt(v), "epsilon hat").
struct AdamSettings {
    double learningRate = 1e-3; ///< Keras learning_rate
    double beta1 = 0.9;         ///< Keras beta_1
    double beta2 = 0.999;       ///< Keras beta_2
    double epsilon = 1e-7;      ///< Keras epsilon
};

/// One Adam state (first and second moments) per parameter tensor.
template <class T>
class Adam {
public:
    explicit Adam(AdamSettings settings = {}) : m_s(settings) {}
    /// Registers a parameter tensor of `size` values; call once per tensor in a fixed order.
    void addSlot(Eigen::Index size);
    /// Starts a step: increments the step counter and computes alpha.
    void beginStep();
    /// Updates parameter tensor `slot` (contiguous, `size` values) with its gradient.
    void update(int slot, T* param, const T* grad, Eigen::Index size);
    std::int64_t steps() const { return m_t; }

private:
    AdamSettings m_s;
    std::int64_t m_t = 0;
    T m_alpha = 0;
    std::vector<Eigen::Array<T, Eigen::Dynamic, 1>> m_m, m_v;
};

/// Shape of an encoder/decoder network:
/// encoder [inputs + classes] -> hidden[0] -> ... -> hidden[H-1] -> latent (AE) or
/// 2*latent (VAE: mu and logvar, two Keras Dense heads stored side by side);
/// decoder [latent + classes] -> hidden[H-1] -> ... -> hidden[0] -> inputs (linear).
/// Hidden layers use ReLU. `classes` > 0 makes it conditional (one-hot appended).
struct NetworkShape {
    int inputs = 0;
    int classes = 0;
    std::vector<int> hidden;
    int latent = 16;
    bool variational = false;
};

/// Options of one loss evaluation.
struct LossOptions {
    bool sumOverFeatures = false; ///< see reconstructionLoss()
    double klWeight = 1.0;        ///< current beta (after warm-up)
    double freeBits = 0.0;        ///< nats per latent dimension, see klTerm()
};

/// Per-batch loss parts (batch means).
struct LossParts {
    double total = 0.0;
    double reconstruction = 0.0;
    double kl = 0.0; ///< raw KL summed over latent dimensions (0 for the AE)
};

/// The encoder/decoder network with forward and backward passes. Layers are stored in the
/// order encoder hidden..., head, decoder hidden..., output; grads() mirrors layers().
template <class T>
class Network {
public:
    Network() = default;
    /// Builds the layers and draws the initial weights from `rng` (layer by layer).
    void init(const NetworkShape& shape, Rng& rng);

    const NetworkShape& shape() const { return m_shape; }
    std::vector<Dense<T>>& layers() { return m_layers; }
    const std::vector<Dense<T>>& layers() const { return m_layers; }
    std::vector<Dense<T>>& grads() { return m_grads; }

    /// One forward and backward pass over a batch: x is batch x inputs, onehot batch x
    /// classes (0 columns when unconditional), eps batch x latent standard normal draws
    /// (ignored for the AE). Leaves dLoss/dParameter in grads(); returns the loss parts.
    /// With `sparse` (the same rows as x), the first layer reads them from it instead.
    LossParts lossAndGradient(const MatR<T>& x, const MatR<T>& onehot, const MatR<T>& eps,
                              const LossOptions& options,
                              const SparseBatch<T>* sparse = nullptr);

    /// The loss parts of a batch without the backward pass (the same values as
    /// lossAndGradient's).
    LossParts loss(const MatR<T>& x, const MatR<T>& onehot, const MatR<T>& eps,
                   const LossOptions& options);

    /// Encoder output: the latent code (AE) or mu (VAE); batch x latent. With logvar != nullptr
    /// the VAE's logvar is stored there too.
    void encode(const MatR<T>& x, const MatR<T>& onehot, MatR<T>& code,
                MatR<T>* logvar = nullptr);
    /// Decoder output for latent codes z (batch x latent).
    void decode(const MatR<T>& z, const MatR<T>& onehot, MatR<T>& out);

    /// Number of trainable values.
    Eigen::Index parameterCount() const;

private:
    void encoderForward(const MatR<T>& x, const MatR<T>& onehot,
                        const SparseBatch<T>* sparse = nullptr);
    void decoderForward(const MatR<T>& z, const MatR<T>& onehot);
    /// Both forward passes (with the reparameterised sample for the VAE); returns the
    /// decoder's input. `sparse` needs a hidden first layer (lossAndGradient sees to it).
    const MatR<T>& forward(const MatR<T>& x, const MatR<T>& onehot, const MatR<T>& eps,
                           const SparseBatch<T>* sparse = nullptr);

    NetworkShape m_shape;
    std::vector<Dense<T>> m_layers;
    std::vector<Dense<T>> m_grads;
    // Workspace: inputs with the one-hot appended, activations per layer, gradients.
    MatR<T> m_encIn, m_decIn, m_z, m_mu, m_logvar, m_dOut, m_dHead;
    std::vector<MatR<T>> m_act;  // output of every layer, same order as m_layers
    std::vector<MatR<T>> m_dAct; // scratch gradients
};

/// Builds the batch x classes one-hot matrix of `labels` (each in [0, classes)).
template <class T>
MatR<T> oneHot(const std::vector<int>& labels, int classes);

} // namespace atlas::detail
