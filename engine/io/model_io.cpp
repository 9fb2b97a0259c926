// SPDX-License-Identifier: GPL-3.0-or-later
// GCC 12 reports false -Wmaybe-uninitialized inside its AVX-512 intrinsics once Eigen's
// kernels are inlined (GCC PR 105593); it must be silenced before Eigen is included.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include "engine/io/model_io.h"

#include "engine/core/archive.h"
#include "engine/core/atomic_file.h"
#include "engine/core/binary_container.h"
#include "engine/core/error.h"
#include "engine/io/stored_fields.h"

#include <optional>
#include <string>
#include <vector>

namespace atlas {

namespace detail {

struct ModelAccess {
    static const LatentModel& model(const Autoencoder& m) { return m.m_model; }
    static const LatentModel& model(const Vae& m) { return m.m_model; }
    static LatentModel& model(Autoencoder& m) { return m.m_model; }
    static LatentModel& model(Vae& m) { return m.m_model; }
};

// The stored parts of a network: its shape, then the layers the shape implies (weights in
// float32 exactly as trained).
template <class A>
void describe(A& a, NetworkShape& s)
{
    a(s.inputs, s.classes, s.latent, s.variational);
    a.template sequence<std::uint32_t>(s.hidden);
}

template <class A>
void describe(A& a, Dense<float>& d)
{
    a(d.W, d.b);
}

} // namespace detail

namespace {

// Sizes beyond these are damage, not models.
constexpr std::uint32_t MaxHiddenLayers = 16;
constexpr int MaxHiddenWidth = 65536;

const detail::ContainerFormat ModelFile{detail::ModelSignature, "model file", ModelFormatVersion,
                                        ModelFormatVersion, std::uint64_t(1) << 32,
                                        /*headerWords: the ModelKind*/ 1};

// The trained state of a PCA (its config is stored before it).
struct PcaState {
    Matrix components;
    RowVector mean;
    Vector explainedVariance;
    Vector explainedVarianceRatio;
    Vector singularValues;
};

template <class A>
void describe(A& a, PcaState& s)
{
    a(s.components, s.mean, s.explainedVariance, s.explainedVarianceRatio, s.singularValues);
}

// The trained state of an autoencoder or VAE: the network, the training history and the
// training codes.
struct NetworkState {
    detail::NetworkShape shape;
    std::vector<detail::Dense<float>> layers; ///< 2 * hidden + 2, implied by the shape
    std::vector<EpochReport> history;
    Matrix codes;
};

std::size_t layerCount(const detail::NetworkShape& shape) { return 2 * shape.hidden.size() + 2; }

// Checked before the layers are allocated, so that a bad file cannot make us allocate a
// network it does not contain.
template <class A>
void checkShape(A& a, const detail::NetworkShape& shape)
{
    if (shape.hidden.empty() || shape.hidden.size() > MaxHiddenLayers)
        a.fail("the number of hidden layers is out of range");
    if (shape.inputs < 1 || shape.classes < 0 || shape.latent < 1 || shape.latent > 4096 ||
        shape.inputs > (1 << 24) || shape.classes > (1 << 20))
        a.fail("the network shape is out of range");
    for (int h : shape.hidden)
        if (h < 1 || h > MaxHiddenWidth)
            a.fail("a hidden width is out of range");
}

template <class A>
void describe(A& a, NetworkState& s)
{
    a(s.shape);
    if constexpr (A::Reading) {
        checkShape(a, s.shape);
        s.layers.resize(layerCount(s.shape));
    }
    for (detail::Dense<float>& layer : s.layers)
        a(layer);
    a.template sequence<std::uint32_t>(s.history);
    a(s.codes);
}

/// A model file's payload: the config, the trained state, then the optional latent codes.
template <class Config, class State>
struct ModelPayload {
    Config config;
    State state;
    std::optional<Matrix> codes;
};

template <class A, class Config, class State>
void describe(A& a, ModelPayload<Config, State>& p)
{
    a(p.config, p.state, p.codes);
}

NetworkState networkState(const detail::LatentModel& m)
{
    return {m.network().shape(), m.network().layers(), m.history(), m.trainingCodes()};
}

// Checks the layers against the shape and rebuilds the model.
void restoreNetwork(detail::ReadArchive& a, detail::LatentModel& m, NetworkState state,
                    const std::string& name, bool variational)
{
    const detail::NetworkShape& shape = state.shape;
    if (shape.variational != variational)
        a.fail("the network type does not match the model kind");
    std::vector<int> widths;
    widths.push_back(shape.inputs + shape.classes);
    for (int h : shape.hidden)
        widths.push_back(h);
    widths.push_back(variational ? 2 * shape.latent : shape.latent);
    widths.push_back(shape.latent + shape.classes);
    for (auto it = shape.hidden.rbegin(); it != shape.hidden.rend(); ++it)
        widths.push_back(*it);
    widths.push_back(shape.inputs);
    // Layer l maps widths[l] -> widths[l + 1], except that the decoder starts afresh.
    for (std::size_t l = 0; l < state.layers.size(); ++l) {
        const std::size_t in = l <= shape.hidden.size() ? l : l + 1;
        const detail::Dense<float>& d = state.layers[l];
        if (d.W.rows() != widths[in] || d.W.cols() != widths[in + 1])
            a.fail("layer " + std::to_string(l + 1) + " does not match the network shape");
        if (d.b.cols() != d.W.cols())
            a.fail("a bias does not match its layer");
    }
    Rng unused(0);
    detail::Network<float> net;
    net.init(shape, unused);
    for (std::size_t l = 0; l < state.layers.size(); ++l)
        net.layers()[l] = std::move(state.layers[l]);
    m.restore(name, std::move(net), std::move(state.history), std::move(state.codes));
}

// Replaces the file as a whole: a failed or interrupted save keeps the previous model.
void writeFile(const std::filesystem::path& file, const std::vector<unsigned char>& image)
{
    writeFileAtomically(file, image, "the model file");
}

template <class Config, class State>
std::vector<unsigned char> fileImage(ModelKind kind, const ModelPayload<Config, State>& payload,
                                     const std::string& name)
{
    detail::WriteArchive a(ModelFormatVersion, name, ModelFile.what);
    a(payload);
    return detail::containerBytes(ModelFile, a.bytes(), {std::uint32_t(kind)});
}

std::optional<Matrix> optionalCodes(const Matrix* codes)
{
    return codes ? std::optional<Matrix>(*codes) : std::nullopt;
}

std::vector<unsigned char> imageOf(const Pca& model, const Matrix* codes, const std::string& name)
{
    if (!model.isFitted())
        throw InputError(name + ": cannot save a PCA that has not been fitted");
    ModelPayload<PcaConfig, PcaState> p{
        model.config(),
        {model.components(), model.mean(), model.explainedVariance(),
         model.explainedVarianceRatio(), model.singularValues()},
        optionalCodes(codes)};
    return fileImage(ModelKind::Pca, p, name);
}

std::vector<unsigned char> imageOf(const Autoencoder& model, const Matrix* codes,
                                   const std::string& name)
{
    if (!model.isFitted())
        throw InputError(name + ": cannot save an autoencoder that has not been trained");
    ModelPayload<AutoencoderConfig, NetworkState> p{
        model.config(), networkState(detail::ModelAccess::model(model)), optionalCodes(codes)};
    return fileImage(ModelKind::Autoencoder, p, name);
}

std::vector<unsigned char> imageOf(const Vae& model, const Matrix* codes, const std::string& name)
{
    if (!model.isFitted())
        throw InputError(name + ": cannot save a " + model.name() + " that has not been trained");
    ModelPayload<VaeConfig, NetworkState> p{
        model.config(), networkState(detail::ModelAccess::model(model)), optionalCodes(codes)};
    return fileImage(ModelKind::Vae, p, name);
}

LoadedModel readPayload(detail::ReadArchive& a, ModelKind kind)
{
    LoadedModel out;
    out.kind = kind;
    if (kind == ModelKind::Pca) {
        ModelPayload<PcaConfig, PcaState> p;
        a(p);
        PcaState& s = p.state;
        const Eigen::Index k = s.components.rows();
        if (k < 1 || p.config.components != k || s.mean.cols() != s.components.cols() ||
            s.explainedVariance.rows() != k || s.explainedVarianceRatio.rows() != k ||
            s.singularValues.rows() != k)
            a.fail("inconsistent PCA sizes");
        Pca pca(p.config);
        pca.restore(std::move(s.components), std::move(s.mean), std::move(s.explainedVariance),
                    std::move(s.explainedVarianceRatio), std::move(s.singularValues));
        out.model = std::move(pca);
        out.codes = std::move(p.codes);
    } else if (kind == ModelKind::Autoencoder) {
        ModelPayload<AutoencoderConfig, NetworkState> p;
        a(p);
        if (const auto problems = p.config.validate(); !problems.empty())
            a.fail("invalid stored configuration: " + problems.front());
        Autoencoder ae(p.config);
        restoreNetwork(a, detail::ModelAccess::model(ae), std::move(p.state), "Autoencoder",
                       false);
        out.model = std::move(ae);
        out.codes = std::move(p.codes);
    } else {
        ModelPayload<VaeConfig, NetworkState> p;
        a(p);
        if (const auto problems = p.config.validate(); !problems.empty())
            a.fail("invalid stored configuration: " + problems.front());
        Vae vae(p.config);
        restoreNetwork(a, detail::ModelAccess::model(vae), std::move(p.state), vae.name(), true);
        if (p.config.conditional != (vae.classes() > 0))
            a.fail("the condition classes do not match the configuration");
        out.model = std::move(vae);
        out.codes = std::move(p.codes);
    }
    if (!a.atEnd())
        a.fail("unexpected data after the model");
    return out;
}

LoadedModel parseContainer(const detail::Container& c, const std::string& name)
{
    const std::uint32_t kind = c.words[0];
    if (kind < 1 || kind > 3)
        throw InputError(name + ": unknown model kind " + std::to_string(kind));
    detail::ReadArchive a(c.payload, c.size, name, ModelFile.what, c.version);
    try {
        return readPayload(a, static_cast<ModelKind>(kind));
    } catch (const std::bad_alloc&) {
        throw InputError(name + ": not a valid model file (sizes too large)");
    } catch (const std::length_error&) {
        throw InputError(name + ": not a valid model file (sizes too large)");
    }
}

} // namespace

void saveModel(const std::filesystem::path& file, const Pca& model, const Matrix* codes)
{
    writeFile(file, imageOf(model, codes, file.string()));
}

void saveModel(const std::filesystem::path& file, const Autoencoder& model, const Matrix* codes)
{
    writeFile(file, imageOf(model, codes, file.string()));
}

void saveModel(const std::filesystem::path& file, const Vae& model, const Matrix* codes)
{
    writeFile(file, imageOf(model, codes, file.string()));
}

void saveModel(const std::filesystem::path& file, const TrainedModel& model, const Matrix* codes)
{
    writeFile(file, modelFileBytes(model, codes, file.string()));
}

std::vector<unsigned char> modelFileBytes(const TrainedModel& model, const Matrix* codes,
                                          const std::string& name)
{
    return std::visit([&](const auto& m) { return imageOf(m, codes, name); }, model);
}

LoadedModel loadModel(const std::filesystem::path& file)
{
    const detail::ContainerFile f = detail::readContainerFile(file, ModelFile);
    return parseContainer(f.container, file.string());
}

LoadedModel parseModelFile(const unsigned char* data, std::size_t size, const std::string& name)
{
    return parseContainer(detail::openContainer(data, size, ModelFile, name), name);
}

namespace {

template <class M>
M loadKind(const std::filesystem::path& file, ModelKind kind, const char* what)
{
    LoadedModel loaded = loadModel(file);
    if (loaded.kind != kind)
        throw InputError(file.string() + ": the file holds another kind of model, not " +
                         std::string(what));
    return std::get<M>(std::move(loaded.model));
}

} // namespace

Pca loadPca(const std::filesystem::path& file)
{
    return loadKind<Pca>(file, ModelKind::Pca, "a PCA");
}

Autoencoder loadAutoencoder(const std::filesystem::path& file)
{
    return loadKind<Autoencoder>(file, ModelKind::Autoencoder, "an autoencoder");
}

Vae loadVae(const std::filesystem::path& file)
{
    return loadKind<Vae>(file, ModelKind::Vae, "a VAE");
}

} // namespace atlas
