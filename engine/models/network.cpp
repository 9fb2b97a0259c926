// SPDX-License-Identifier: GPL-3.0-or-later
// GCC 12 reports false -Wmaybe-uninitialized inside its AVX-512 intrinsics once Eigen's
// kernels are inlined (GCC PR 105593); it must be silenced before Eigen is included.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include "engine/models/network.h"

#include <algorithm>
#include <cmath>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace atlas::detail {

namespace {

using Index = Eigen::Index;

// Output columns per GEMM chunk. The chunk layout depends only on the shapes, so a product
// gives the same bits whichever thread computes which chunk.
constexpr Index GemmChunk = 64;

// Below this many multiply-adds per chunk a parallel region costs more than it saves; with
// this threshold only the products touching the 540-wide input/output layers are split,
// which keeps the number of thread synchronisations per mini-batch small.
constexpr double MinParallelWork = 1 << 21;

// Runs f(first, count) over fixed column chunks of [0, cols); `work` is the multiply-adds of
// one full-width chunk. Inside our own team of >= 2 threads Eigen never parallelises a
// product itself (it checks omp_get_num_threads() > 1), and on the serial path the calling
// thread's OpenMP thread count is set to 1 so that Eigen does not either. Every chunk is
// therefore computed by the same single-threaded kernel with the same blocking in every
// configuration.
template <class F>
void forChunks(Index cols, Index chunk, [[maybe_unused]] double work, F&& f)
{
    const Index chunks = (cols + chunk - 1) / chunk;
#ifdef _OPENMP
    const int threads = omp_get_max_threads();
    if (threads > 1 && chunks > 1 && work >= MinParallelWork && !omp_in_parallel()) {
#pragma omp parallel for schedule(static)
        for (Index c = 0; c < chunks; ++c)
            f(c * chunk, std::min(chunk, cols - c * chunk));
        return;
    }
    omp_set_num_threads(1);
#endif
    for (Index c = 0; c < chunks; ++c)
        f(c * chunk, std::min(chunk, cols - c * chunk));
#ifdef _OPENMP
    omp_set_num_threads(threads);
#endif
}

} // namespace

template <class T>
void gemmNN(const MatR<T>& A, const MatR<T>& B, MatR<T>& C)
{
    C.resize(A.rows(), B.cols());
    const double work = double(A.rows()) * double(A.cols()) * double(GemmChunk);
    forChunks(C.cols(), GemmChunk, work, [&](Index c0, Index w) {
        C.middleCols(c0, w).noalias() = A * B.middleCols(c0, w);
    });
}

template <class T>
void gemmTN(const MatR<T>& A, const MatR<T>& B, MatR<T>& C)
{
    C.resize(A.cols(), B.cols());
    const double work = double(A.rows()) * double(A.cols()) * double(GemmChunk);
    forChunks(C.cols(), GemmChunk, work, [&](Index c0, Index w) {
        C.middleCols(c0, w).noalias() = A.transpose() * B.middleCols(c0, w);
    });
}

template <class T>
void gemmNT(const MatR<T>& A, const MatR<T>& B, MatR<T>& C)
{
    C.resize(A.rows(), B.rows());
    const double work = double(A.rows()) * double(A.cols()) * double(GemmChunk);
    forChunks(C.cols(), GemmChunk, work, [&](Index c0, Index w) {
        C.middleCols(c0, w).noalias() = A * B.middleRows(c0, w).transpose();
    });
}

template <class T>
void Dense<T>::init(int inputs, int outputs, Rng& rng)
{
    const double limit = std::sqrt(6.0 / double(inputs + outputs));
    W.resize(inputs, outputs);
    for (Index i = 0; i < W.rows(); ++i)
        for (Index j = 0; j < W.cols(); ++j)
            W(i, j) = T(rng.uniform(-limit, limit));
    b = RowVecT<T>::Zero(outputs);
}

template <class T>
void Dense<T>::forward(const MatR<T>& X, MatR<T>& Y) const
{
    gemmNN<T>(X, W, Y);
    Y.rowwise() += b;
}

template <class T>
void Dense<T>::backward(const MatR<T>& X, const MatR<T>& dY, MatR<T>* dX, MatR<T>& dW,
                        RowVecT<T>& db) const
{
    gemmTN<T>(X, dY, dW);
    db = dY.colwise().sum();
    if (dX)
        gemmNT<T>(dY, W, *dX);
}

template <class T>
SparseRows<T> sparseRows(const MatR<T>& X, double maxDensity)
{
    const Index n = X.rows(), cols = X.cols();
    SparseRows<T> s;
    s.base = RowVecT<T>::Zero(cols);
    if (n == 0)
        return s;
    // Row by row (the matrix is row-major): each column's minimum, then how many rows hold
    // it and how many hold 0.
    RowVecT<T> least = X.row(0);
    for (Index i = 1; i < n; ++i)
        least = least.cwiseMin(X.row(i));
    using Counts = Eigen::Matrix<Index, 1, Eigen::Dynamic>;
    Counts atLeast = Counts::Zero(cols), atZero = Counts::Zero(cols);
    for (Index i = 0; i < n; ++i) {
        atLeast += (X.row(i).array() == least.array()).matrix().template cast<Index>();
        atZero += (X.row(i).array() == T(0)).matrix().template cast<Index>();
    }
    Index listed = 0;
    for (Index j = 0; j < cols; ++j) {
        s.base[j] = atLeast[j] > atZero[j] ? least[j] : T(0);
        listed += n - std::max(atLeast[j], atZero[j]);
    }
    if (double(listed) > maxDensity * double(n) * double(cols))
        return s;
    s.start.reserve(std::size_t(n) + 1);
    s.column.reserve(std::size_t(listed));
    s.value.reserve(std::size_t(listed));
    s.start.push_back(0);
    for (Index i = 0; i < n; ++i) {
        for (Index j = 0; j < cols; ++j)
            if (X(i, j) != s.base[j]) {
                s.column.push_back(int(j));
                s.value.push_back(X(i, j) - s.base[j]);
            }
        s.start.push_back(std::int64_t(s.column.size()));
    }
    return s;
}

template <class T>
void Dense<T>::forward(const SparseBatch<T>& x, const MatR<T>& onehot, MatR<T>& Y) const
{
    const SparseRows<T>& s = *x.rows;
    const Index in = s.base.size(), batch = onehot.rows();
    const RowVecT<T> common = b + s.base * W.topRows(in);
    Y.resize(batch, W.cols());
    for (Index r = 0; r < batch; ++r) {
        auto y = Y.row(r);
        y = common;
        const std::size_t row = std::size_t(x.ids[r]);
        for (std::int64_t e = s.start[row]; e < s.start[row + 1]; ++e)
            y.noalias() += s.value[std::size_t(e)] * W.row(s.column[std::size_t(e)]);
        for (Index c = 0; c < onehot.cols(); ++c)
            if (onehot(r, c) != T(0))
                y.noalias() += onehot(r, c) * W.row(in + c);
    }
}

template <class T>
void Dense<T>::backward(const SparseBatch<T>& x, const MatR<T>& onehot, const MatR<T>& dY,
                        MatR<T>& dW, RowVecT<T>& db) const
{
    const SparseRows<T>& s = *x.rows;
    const Index in = s.base.size(), batch = dY.rows();
    db = dY.colwise().sum();
    dW.resize(W.rows(), W.cols());
    dW.topRows(in).noalias() = s.base.transpose() * db;
    if (onehot.cols() > 0) {
        // Through the chunked product, so the bits do not depend on the thread count.
        MatR<T> dOnehot;
        gemmTN<T>(onehot, dY, dOnehot);
        dW.bottomRows(onehot.cols()) = dOnehot;
    }
    for (Index r = 0; r < batch; ++r) {
        const std::size_t row = std::size_t(x.ids[r]);
        for (std::int64_t e = s.start[row]; e < s.start[row + 1]; ++e)
            dW.row(s.column[std::size_t(e)]).noalias() += s.value[std::size_t(e)] * dY.row(r);
    }
}

template <class T>
void reluForward(MatR<T>& Y)
{
    Y = Y.cwiseMax(T(0));
}

template <class T>
void reluBackward(const MatR<T>& Y, MatR<T>& dY)
{
    dY = (Y.array() > T(0)).select(dY, T(0));
}

template <class T>
double reconstructionLoss(const MatR<T>& pred, const MatR<T>& target, bool sumOverFeatures,
                          MatR<T>& grad)
{
    const double batch = double(pred.rows());
    const double scale = sumOverFeatures ? batch : batch * double(pred.cols());
    grad = pred - target;
    // Accumulate the reported loss in double whatever T is.
    double sse = 0.0;
    for (Index i = 0; i < grad.rows(); ++i)
        sse += double(grad.row(i).squaredNorm());
    grad *= T(2.0 / scale);
    return sse / scale;
}

template <class T>
double klTerm(const MatR<T>& mu, const MatR<T>& logvar, double weight, double freeBits,
              MatR<T>& dMu, MatR<T>& dLogvar, double& rawKl)
{
    const Index batch = mu.rows();
    const double invBatch = 1.0 / double(batch);
    double objective = 0.0;
    rawKl = 0.0;
    for (Index k = 0; k < mu.cols(); ++k) {
        double kl = 0.0;
        for (Index i = 0; i < batch; ++i) {
            const double m = double(mu(i, k)), lv = double(logvar(i, k));
            kl += -0.5 * (1.0 + lv - m * m - std::exp(lv));
        }
        kl *= invBatch;
        rawKl += kl;
        // Free bits: below the floor the dimension is not penalised (and gets no gradient).
        if (kl < freeBits) {
            objective += weight * freeBits;
            continue;
        }
        objective += weight * kl;
        const T w = T(weight * invBatch);
        for (Index i = 0; i < batch; ++i) {
            dMu(i, k) += w * mu(i, k);
            dLogvar(i, k) += w * T(0.5) * (std::exp(logvar(i, k)) - T(1));
        }
    }
    return objective;
}

template <class T>
void Adam<T>::addSlot(Index size)
{
    m_m.push_back(Eigen::Array<T, Eigen::Dynamic, 1>::Zero(size));
    m_v.push_back(Eigen::Array<T, Eigen::Dynamic, 1>::Zero(size));
}

template <class T>
void Adam<T>::beginStep()
{
    ++m_t;
    // Keras computes these powers in the variable's dtype.
    const T t = T(m_t);
    const T b1p = std::pow(T(m_s.beta1), t);
    const T b2p = std::pow(T(m_s.beta2), t);
    m_alpha = T(m_s.learningRate) * std::sqrt(T(1) - b2p) / (T(1) - b1p);
}

template <class T>
void Adam<T>::update(int slot, T* param, const T* grad, Index size)
{
    using Arr = Eigen::Array<T, Eigen::Dynamic, 1>;
    const T oneMinusB1 = T(1) - T(m_s.beta1);
    const T oneMinusB2 = T(1) - T(m_s.beta2);
    const T eps = T(m_s.epsilon);
    const T alpha = m_alpha;
    Arr& mAll = m_m[std::size_t(slot)];
    Arr& vAll = m_v[std::size_t(slot)];
    // Element-wise, so any split over threads gives the same bits.
    forChunks(size, 16384, 4.0 * 16384, [&](Index s, Index n) {
        Eigen::Map<Arr> p(param + s, n);
        Eigen::Map<const Arr> g(grad + s, n);
        auto m = mAll.segment(s, n);
        auto v = vAll.segment(s, n);
        m += (g - m) * oneMinusB1;
        v += (g.square() - v) * oneMinusB2;
        p -= (m * alpha) / (v.sqrt() + eps);
    });
}

template <class T>
void Network<T>::init(const NetworkShape& shape, Rng& rng)
{
    m_shape = shape;
    m_layers.clear();
    const int H = int(shape.hidden.size());
    int in = shape.inputs + shape.classes;
    for (int h = 0; h < H; ++h) {
        Dense<T> d;
        d.init(in, shape.hidden[std::size_t(h)], rng);
        m_layers.push_back(std::move(d));
        in = shape.hidden[std::size_t(h)];
    }
    Dense<T> head;
    head.init(in, shape.latent, rng);
    if (shape.variational) {
        // Two Keras Dense heads (z_mean, z_log_var), each initialised with its own fan-out.
        Dense<T> logvarHead;
        logvarHead.init(in, shape.latent, rng);
        MatR<T> W(in, 2 * shape.latent);
        W << head.W, logvarHead.W;
        head.W = std::move(W);
        head.b = RowVecT<T>::Zero(2 * shape.latent);
    }
    m_layers.push_back(std::move(head));
    in = shape.latent + shape.classes;
    for (int h = H - 1; h >= 0; --h) {
        Dense<T> d;
        d.init(in, shape.hidden[std::size_t(h)], rng);
        m_layers.push_back(std::move(d));
        in = shape.hidden[std::size_t(h)];
    }
    Dense<T> out;
    out.init(in, shape.inputs, rng);
    m_layers.push_back(std::move(out));
    m_grads = m_layers;
    m_act.assign(m_layers.size(), MatR<T>());
    m_dAct.assign(m_layers.size(), MatR<T>());
}

template <class T>
Eigen::Index Network<T>::parameterCount() const
{
    Index n = 0;
    for (const auto& l : m_layers)
        n += l.W.size() + l.b.size();
    return n;
}

template <class T>
void Network<T>::encoderForward(const MatR<T>& x, const MatR<T>& onehot,
                                const SparseBatch<T>* sparse)
{
    const int H = int(m_shape.hidden.size());
    const MatR<T>* in = &x;
    if (m_shape.classes > 0 && !sparse) {
        m_encIn.resize(x.rows(), x.cols() + onehot.cols());
        m_encIn.leftCols(x.cols()) = x;
        m_encIn.rightCols(onehot.cols()) = onehot;
        in = &m_encIn;
    }
    for (int l = 0; l < H; ++l) {
        if (l == 0 && sparse)
            m_layers[0].forward(*sparse, onehot, m_act[0]);
        else
            m_layers[std::size_t(l)].forward(*in, m_act[std::size_t(l)]);
        reluForward<T>(m_act[std::size_t(l)]);
        in = &m_act[std::size_t(l)];
    }
    m_layers[std::size_t(H)].forward(*in, m_act[std::size_t(H)]);
}

template <class T>
void Network<T>::decoderForward(const MatR<T>& z, const MatR<T>& onehot)
{
    const std::size_t H = m_shape.hidden.size();
    const MatR<T>* in = &z;
    if (m_shape.classes > 0) {
        m_decIn.resize(z.rows(), z.cols() + onehot.cols());
        m_decIn.leftCols(z.cols()) = z;
        m_decIn.rightCols(onehot.cols()) = onehot;
        in = &m_decIn;
    }
    for (std::size_t l = H + 1; l < m_layers.size(); ++l) {
        m_layers[l].forward(*in, m_act[l]);
        if (l + 1 < m_layers.size())
            reluForward<T>(m_act[l]);
        in = &m_act[l];
    }
}

template <class T>
const MatR<T>& Network<T>::forward(const MatR<T>& x, const MatR<T>& onehot, const MatR<T>& eps,
                                   const SparseBatch<T>* sparse)
{
    const std::size_t H = m_shape.hidden.size();
    const Index L = m_shape.latent;
    encoderForward(x, onehot, sparse);
    const MatR<T>& head = m_act[H];
    if (!m_shape.variational) {
        decoderForward(head, onehot);
        return head;
    }
    m_mu = head.leftCols(L);
    m_logvar = head.rightCols(L);
    // Reparameterisation trick (Kingma & Welling, 2014): z = mu + exp(logvar / 2) * eps.
    m_z = m_mu.array() + (T(0.5) * m_logvar.array()).exp() * eps.array();
    decoderForward(m_z, onehot);
    return m_z;
}

template <class T>
LossParts Network<T>::loss(const MatR<T>& x, const MatR<T>& onehot, const MatR<T>& eps,
                           const LossOptions& options)
{
    forward(x, onehot, eps);
    LossParts parts;
    parts.reconstruction =
        reconstructionLoss<T>(m_act.back(), x, options.sumOverFeatures, m_dAct.back());
    parts.total = parts.reconstruction;
    if (m_shape.variational) {
        MatR<T> dMu = MatR<T>::Zero(m_mu.rows(), m_mu.cols());
        MatR<T> dLogvar = dMu;
        double rawKl = 0.0;
        parts.total +=
            klTerm<T>(m_mu, m_logvar, options.klWeight, options.freeBits, dMu, dLogvar, rawKl);
        parts.kl = rawKl;
    }
    return parts;
}

template <class T>
LossParts Network<T>::lossAndGradient(const MatR<T>& x, const MatR<T>& onehot,
                                      const MatR<T>& eps, const LossOptions& options,
                                      const SparseBatch<T>* sparse)
{
    const std::size_t H = m_shape.hidden.size();
    const Index L = m_shape.latent;
    const std::size_t last = m_layers.size() - 1;
    LossParts parts;
    // Sparse rows feed a hidden first layer only (a head takes the dense batch), forward
    // and backward; configured networks always have one.
    if (H == 0)
        sparse = nullptr;

    const MatR<T>& decoderInput = forward(x, onehot, eps, sparse);

    parts.reconstruction =
        reconstructionLoss<T>(m_act[last], x, options.sumOverFeatures, m_dAct[last]);
    parts.total = parts.reconstruction;

    // Decoder backward.
    for (std::size_t l = last; l >= H + 1; --l) {
        if (l != last)
            reluBackward<T>(m_act[l], m_dAct[l]);
        const bool first = (l == H + 1);
        const MatR<T>& input =
            first ? (m_shape.classes > 0 ? m_decIn : decoderInput) : m_act[l - 1];
        MatR<T>* dX = first ? &m_dHead : &m_dAct[l - 1];
        m_layers[l].backward(input, m_dAct[l], dX, m_grads[l].W, m_grads[l].b);
    }
    // m_dHead is dL/d(decoder input); its first L columns are dL/dz.
    MatR<T>& dHead = m_dAct[H];
    if (m_shape.variational) {
        dHead.resize(x.rows(), 2 * L);
        MatR<T> dMu = m_dHead.leftCols(L);
        MatR<T> dLogvar =
            (m_dHead.leftCols(L).array() * eps.array() * T(0.5) *
             (T(0.5) * m_logvar.array()).exp())
                .matrix();
        double rawKl = 0.0;
        parts.total +=
            klTerm<T>(m_mu, m_logvar, options.klWeight, options.freeBits, dMu, dLogvar, rawKl);
        parts.kl = rawKl;
        dHead.leftCols(L) = dMu;
        dHead.rightCols(L) = dLogvar;
    } else {
        dHead = m_dHead.leftCols(L);
    }

    // Encoder backward (no gradient for the data itself).
    for (std::size_t l = H + 1; l-- > 0;) {
        if (l != H)
            reluBackward<T>(m_act[l], m_dAct[l]);
        if (l == 0 && sparse) {
            m_layers[0].backward(*sparse, onehot, m_dAct[0], m_grads[0].W, m_grads[0].b);
            continue;
        }
        const MatR<T>& input = l == 0 ? (m_shape.classes > 0 ? m_encIn : x) : m_act[l - 1];
        MatR<T>* dX = l == 0 ? nullptr : &m_dAct[l - 1];
        m_layers[l].backward(input, m_dAct[l], dX, m_grads[l].W, m_grads[l].b);
    }
    return parts;
}

template <class T>
void Network<T>::encode(const MatR<T>& x, const MatR<T>& onehot, MatR<T>& code, MatR<T>* logvar)
{
    encoderForward(x, onehot);
    const MatR<T>& head = m_act[m_shape.hidden.size()];
    code = head.leftCols(m_shape.latent);
    if (logvar && m_shape.variational)
        *logvar = head.rightCols(m_shape.latent);
}

template <class T>
void Network<T>::decode(const MatR<T>& z, const MatR<T>& onehot, MatR<T>& out)
{
    decoderForward(z, onehot);
    out = m_act.back();
}

template <class T>
MatR<T> oneHot(const std::vector<int>& labels, int classes)
{
    MatR<T> m = MatR<T>::Zero(Index(labels.size()), classes);
    for (std::size_t i = 0; i < labels.size(); ++i)
        m(Index(i), labels[i]) = T(1);
    return m;
}

#define ATLAS_INSTANTIATE_NETWORK(T)                                                             \
    template void gemmNN<T>(const MatR<T>&, const MatR<T>&, MatR<T>&);                          \
    template void gemmTN<T>(const MatR<T>&, const MatR<T>&, MatR<T>&);                          \
    template void gemmNT<T>(const MatR<T>&, const MatR<T>&, MatR<T>&);                          \
    template struct Dense<T>;                                                                    \
    template SparseRows<T> sparseRows<T>(const MatR<T>&, double);                               \
    template void reluForward<T>(MatR<T>&);                                                      \
    template void reluBackward<T>(const MatR<T>&, MatR<T>&);                                     \
    template double reconstructionLoss<T>(const MatR<T>&, const MatR<T>&, bool, MatR<T>&);     \
    template double klTerm<T>(const MatR<T>&, const MatR<T>&, double, double, MatR<T>&,         \
                              MatR<T>&, double&);                                                \
    template class Adam<T>;                                                                      \
    template class Network<T>;                                                                   \
    template MatR<T> oneHot<T>(const std::vector<int>&, int);

ATLAS_INSTANTIATE_NETWORK(float)
ATLAS_INSTANTIATE_NETWORK(double)

#undef ATLAS_INSTANTIATE_NETWORK

} // namespace atlas::detail
