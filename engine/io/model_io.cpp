// SPDX-License-Identifier: GPL-3.0-or-later
// GCC 12 reports false -Wmaybe-uninitialized inside its AVX-512 intrinsics once Eigen's
// kernels are inlined (GCC PR 105593); it must be silenced before Eigen is included.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include "engine/io/model_io.h"

#include "engine/core/atomic_file.h"
#include "engine/core/binary_io.h"
#include "engine/core/error.h"

#include <algorithm>
#include <array>
#include <fstream>
#include <iterator>
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

} // namespace detail

namespace {

constexpr std::array<char, 8> Magic = {'M', 'A', 'T', 'L', 'M', 'O', 'D', 'L'};
constexpr std::size_t HeaderSize = 8 + 4 + 4 + 8;
constexpr std::size_t TrailerSize = 4;
constexpr std::uint64_t MaxFileSize = std::uint64_t(1) << 32;

using detail::crc32;
using Writer = detail::ByteWriter;
using Reader = detail::ByteReader;

// Header, payload and checksum: the bytes of a model file.
std::vector<unsigned char> fileImage(ModelKind kind, const Writer& payload)
{
    Writer out;
    for (char c : Magic)
        out.u8(static_cast<unsigned char>(c));
    out.u32(ModelFormatVersion);
    out.u32(static_cast<std::uint32_t>(kind));
    out.u64(payload.bytes().size());
    out.raw(payload.bytes().data(), payload.bytes().size());
    out.u32(crc32(payload.bytes().data(), payload.bytes().size()));
    return std::move(out.bytes());
}

// Replaces the file as a whole: a failed or interrupted save keeps the previous model.
void writeFile(const std::filesystem::path& file, const std::vector<unsigned char>& image)
{
    writeFileAtomically(file, image, "the model file");
}

void writeCodes(Writer& w, const Matrix* codes)
{
    w.u32(codes ? 1 : 0);
    if (codes)
        w.matrix(*codes, false);
}

template <class Config>
void writeTrainingConfig(Writer& w, const Config& c)
{
    w.u32(std::uint32_t(c.hidden.size()));
    for (int h : c.hidden)
        w.i32(h);
    w.i32(c.latent);
    w.i32(c.epochs);
    w.i32(c.batchSize);
    w.f64(c.learningRate);
    w.f64(c.beta1);
    w.f64(c.beta2);
    w.f64(c.epsilon);
    w.u64(c.seed);
}

template <class Config>
void readTrainingConfig(Reader& r, Config& c)
{
    const std::uint32_t layers = r.u32();
    if (layers > 16)
        r.fail("too many hidden layers");
    c.hidden.resize(layers);
    for (auto& h : c.hidden)
        h = r.i32();
    c.latent = r.i32();
    c.epochs = r.i32();
    c.batchSize = r.i32();
    c.learningRate = r.f64();
    c.beta1 = r.f64();
    c.beta2 = r.f64();
    c.epsilon = r.f64();
    c.seed = r.u64();
}

void writeLatentModel(Writer& w, const detail::LatentModel& m)
{
    const auto& net = m.network();
    const auto& shape = net.shape();
    w.i32(shape.inputs);
    w.i32(shape.classes);
    w.i32(shape.latent);
    w.u32(shape.variational ? 1 : 0);
    w.u32(std::uint32_t(shape.hidden.size()));
    for (int h : shape.hidden)
        w.i32(h);
    for (const auto& layer : net.layers()) {
        w.matrix(layer.W, true);
        w.matrix(layer.b, true);
    }
    w.u32(std::uint32_t(m.history().size()));
    for (const auto& e : m.history()) {
        w.i32(e.epoch);
        w.i32(e.epochs);
        w.f64(e.loss);
        w.f64(e.reconstruction);
        w.f64(e.kl);
        w.f64(e.klWeight);
    }
    w.matrix(m.trainingCodes(), false);
}

void readLatentModel(Reader& r, detail::LatentModel& m, const std::string& name, bool variational)
{
    detail::NetworkShape shape;
    shape.inputs = r.i32();
    shape.classes = r.i32();
    shape.latent = r.i32();
    shape.variational = r.flag();
    const std::uint32_t layers = r.u32();
    if (layers < 1 || layers > 16)
        r.fail("the number of hidden layers is out of range");
    shape.hidden.resize(layers);
    for (auto& h : shape.hidden)
        h = r.i32();
    if (shape.variational != variational)
        r.fail("the network type does not match the model kind");
    if (shape.inputs < 1 || shape.classes < 0 || shape.latent < 1 || shape.latent > 4096 ||
        shape.inputs > (1 << 24) || shape.classes > (1 << 20))
        r.fail("the network shape is out of range");
    for (int h : shape.hidden)
        if (h < 1 || h > 65536)
            r.fail("a hidden width is out of range");

    // Read the layers first and compare with the shape, so that a bad file cannot make us
    // allocate a network it does not contain.
    std::vector<detail::Dense<float>> stored;
    const std::size_t count = 2 * shape.hidden.size() + 2;
    for (std::size_t l = 0; l < count; ++l) {
        detail::Dense<float> d;
        d.W = r.matrix<detail::MatR<float>>(true);
        const auto b = r.matrix<detail::MatR<float>>(true);
        if (b.rows() != 1 || b.cols() != d.W.cols())
            r.fail("a bias does not match its layer");
        d.b = b.row(0);
        stored.push_back(std::move(d));
    }
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
    for (std::size_t l = 0; l < count; ++l) {
        const std::size_t in = l <= shape.hidden.size() ? l : l + 1;
        if (stored[l].W.rows() != widths[in] || stored[l].W.cols() != widths[in + 1])
            r.fail("layer " + std::to_string(l + 1) + " does not match the network shape");
    }

    const std::uint32_t epochs = r.u32();
    r.need(std::uint64_t(epochs) * 40);
    std::vector<EpochReport> history(epochs);
    for (auto& e : history) {
        e.epoch = r.i32();
        e.epochs = r.i32();
        e.loss = r.f64();
        e.reconstruction = r.f64();
        e.kl = r.f64();
        e.klWeight = r.f64();
    }
    Matrix codes = r.matrix<Matrix>(false);

    Rng unused(0);
    detail::Network<float> net;
    net.init(shape, unused);
    for (std::size_t l = 0; l < count; ++l)
        net.layers()[l] = std::move(stored[l]);
    m.restore(name, std::move(net), std::move(history), std::move(codes));
}

std::vector<unsigned char> readAll(const std::filesystem::path& file)
{
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec))
        throw InputError(file.string() + ": no such model file");
    const auto size = std::filesystem::file_size(file, ec);
    if (ec)
        throw InputError(file.string() + ": cannot read the model file (" + ec.message() + ")");
    if (size > MaxFileSize)
        throw InputError(file.string() + ": not a model file (larger than 4 GiB)");
    std::ifstream in(file, std::ios::binary);
    if (!in)
        throw InputError(file.string() + ": cannot open the model file");
    std::vector<unsigned char> bytes(static_cast<std::size_t>(size));
    in.read(reinterpret_cast<char*>(bytes.data()), std::streamsize(bytes.size()));
    if (in.gcount() != std::streamsize(bytes.size()))
        throw InputError(file.string() + ": cannot read the model file");
    return bytes;
}

} // namespace

namespace {

Writer payloadOf(const Pca& model, const std::string& name)
{
    if (!model.isFitted())
        throw InputError(name + ": cannot save a PCA that has not been fitted");
    Writer w;
    w.i32(model.config().components);
    w.matrix(model.components(), false);
    w.matrix(model.mean(), false);
    w.matrix(model.explainedVariance(), false);
    w.matrix(model.explainedVarianceRatio(), false);
    w.matrix(model.singularValues(), false);
    return w;
}

Writer payloadOf(const Autoencoder& model, const std::string& name)
{
    if (!model.isFitted())
        throw InputError(name + ": cannot save an autoencoder that has not been trained");
    Writer w;
    writeTrainingConfig(w, model.config());
    writeLatentModel(w, detail::ModelAccess::model(model));
    return w;
}

Writer payloadOf(const Vae& model, const std::string& name)
{
    if (!model.isFitted())
        throw InputError(name + ": cannot save a " + model.name() + " that has not been trained");
    const VaeConfig& c = model.config();
    Writer w;
    writeTrainingConfig(w, c);
    w.f64(c.beta);
    w.u32(c.conditional ? 1 : 0);
    w.i32(c.klWarmupEpochs);
    w.f64(c.freeBits);
    w.u32(c.sumOverFeatures ? 1 : 0);
    writeLatentModel(w, detail::ModelAccess::model(model));
    return w;
}

constexpr ModelKind kindOf(const Pca&) { return ModelKind::Pca; }
constexpr ModelKind kindOf(const Autoencoder&) { return ModelKind::Autoencoder; }
constexpr ModelKind kindOf(const Vae&) { return ModelKind::Vae; }

template <class M>
std::vector<unsigned char> imageOf(const M& model, const Matrix* codes, const std::string& name)
{
    Writer w = payloadOf(model, name);
    writeCodes(w, codes);
    return fileImage(kindOf(model), w);
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
    const std::vector<unsigned char> bytes = readAll(file);
    return parseModelFile(bytes.data(), bytes.size(), file.string());
}

LoadedModel parseModelFile(const unsigned char* data, std::size_t size, const std::string& name)
{
    Reader header = detail::checkFileHeader(data, std::min(size, HeaderSize), size, Magic,
                                            HeaderSize + TrailerSize, ModelFormatVersion, name,
                                            "model file");
    const std::uint32_t kind = header.u32();
    if (kind < 1 || kind > 3)
        throw InputError(name + ": unknown model kind " + std::to_string(kind));
    const std::uint64_t payloadSize = header.u64();
    detail::checkPayloadSize(payloadSize, size, HeaderSize + TrailerSize, name, "model file");
    const unsigned char* payload = data + HeaderSize;
    Reader trailer(payload + payloadSize, TrailerSize, name);
    if (trailer.u32() != crc32(payload, std::size_t(payloadSize)))
        throw InputError(name + ": the model file is damaged (checksum mismatch)");

    Reader r(payload, std::size_t(payloadSize), name);
    LoadedModel out;
    out.kind = static_cast<ModelKind>(kind);
    try {
        if (out.kind == ModelKind::Pca) {
            PcaConfig cfg;
            cfg.components = r.i32();
            Matrix components = r.matrix<Matrix>(false);
            Matrix mean = r.matrix<Matrix>(false);
            Matrix ev = r.matrix<Matrix>(false);
            Matrix evr = r.matrix<Matrix>(false);
            Matrix sv = r.matrix<Matrix>(false);
            if (mean.rows() != 1 || ev.cols() != 1 || evr.cols() != 1 || sv.cols() != 1 ||
                cfg.components != components.rows() || mean.cols() != components.cols() ||
                components.rows() < 1 || ev.rows() != components.rows() ||
                evr.rows() != components.rows() || sv.rows() != components.rows())
                r.fail("inconsistent PCA sizes");
            Pca pca(cfg);
            pca.restore(std::move(components), mean.row(0), ev.col(0), evr.col(0), sv.col(0));
            out.model = std::move(pca);
        } else if (out.kind == ModelKind::Autoencoder) {
            AutoencoderConfig cfg;
            readTrainingConfig(r, cfg);
            if (!cfg.validate().empty())
                r.fail("invalid stored configuration: " + cfg.validate().front());
            Autoencoder ae(cfg);
            readLatentModel(r, detail::ModelAccess::model(ae), "Autoencoder", false);
            out.model = std::move(ae);
        } else {
            VaeConfig cfg;
            readTrainingConfig(r, cfg);
            cfg.beta = r.f64();
            cfg.conditional = r.flag();
            cfg.klWarmupEpochs = r.i32();
            cfg.freeBits = r.f64();
            cfg.sumOverFeatures = r.flag();
            if (!cfg.validate().empty())
                r.fail("invalid stored configuration: " + cfg.validate().front());
            Vae vae(cfg);
            readLatentModel(r, detail::ModelAccess::model(vae), vae.name(), true);
            if (cfg.conditional != (vae.classes() > 0))
                r.fail("the condition classes do not match the configuration");
            out.model = std::move(vae);
        }
        if (r.flag())
            out.codes = r.matrix<Matrix>(false);
        if (!r.atEnd())
            r.fail("unexpected data after the model");
    } catch (const std::bad_alloc&) {
        throw InputError(name + ": not a valid model file (sizes too large)");
    } catch (const std::length_error&) {
        throw InputError(name + ": not a valid model file (sizes too large)");
    }
    return out;
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
