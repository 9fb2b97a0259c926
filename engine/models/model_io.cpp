// SPDX-License-Identifier: GPL-3.0-or-later
// GCC 12 reports false -Wmaybe-uninitialized inside its AVX-512 intrinsics once Eigen's
// kernels are inlined (GCC PR 105593); it must be silenced before Eigen is included.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include "engine/models/model_io.h"

#include "engine/core/error.h"

#include <array>
#include <bit>
#include <cstring>
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

std::uint32_t crc32(const unsigned char* data, std::size_t size)
{
    static const auto table = [] {
        std::array<std::uint32_t, 256> t{};
        for (std::uint32_t i = 0; i < 256; ++i) {
            std::uint32_t c = i;
            for (int k = 0; k < 8; ++k)
                c = (c & 1u) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            t[i] = c;
        }
        return t;
    }();
    std::uint32_t c = 0xFFFFFFFFu;
    for (std::size_t i = 0; i < size; ++i)
        c = table[(c ^ data[i]) & 0xFFu] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

// Byte order is spelled out with shifts, so the file is little-endian on every host.
class Writer {
public:
    void u32(std::uint32_t v)
    {
        for (int i = 0; i < 4; ++i)
            m_bytes.push_back(static_cast<unsigned char>(v >> (8 * i)));
    }
    void u64(std::uint64_t v)
    {
        for (int i = 0; i < 8; ++i)
            m_bytes.push_back(static_cast<unsigned char>(v >> (8 * i)));
    }
    void i32(int v) { u32(static_cast<std::uint32_t>(v)); }
    void f32(float v) { u32(std::bit_cast<std::uint32_t>(v)); }
    void f64(double v) { u64(std::bit_cast<std::uint64_t>(v)); }
    template <class Derived>
    void matrix(const Eigen::DenseBase<Derived>& m, bool asFloat)
    {
        u64(std::uint64_t(m.rows()));
        u64(std::uint64_t(m.cols()));
        for (Eigen::Index i = 0; i < m.rows(); ++i)
            for (Eigen::Index j = 0; j < m.cols(); ++j) {
                if (asFloat)
                    f32(float(m(i, j)));
                else
                    f64(double(m(i, j)));
            }
    }
    std::vector<unsigned char>& bytes() { return m_bytes; }

private:
    std::vector<unsigned char> m_bytes;
};

class Reader {
public:
    Reader(const unsigned char* data, std::size_t size, std::string file)
        : m_data(data), m_size(size), m_file(std::move(file))
    {
    }
    [[noreturn]] void fail(const std::string& why) const
    {
        throw InputError(m_file + ": not a valid model file (" + why + ")");
    }
    void need(std::uint64_t n) const
    {
        if (n > m_size - m_pos)
            fail("the data ends early");
    }
    std::uint32_t u32()
    {
        need(4);
        std::uint32_t v = 0;
        for (int i = 0; i < 4; ++i)
            v |= std::uint32_t(m_data[m_pos + std::size_t(i)]) << (8 * i);
        m_pos += 4;
        return v;
    }
    std::uint64_t u64()
    {
        need(8);
        std::uint64_t v = 0;
        for (int i = 0; i < 8; ++i)
            v |= std::uint64_t(m_data[m_pos + std::size_t(i)]) << (8 * i);
        m_pos += 8;
        return v;
    }
    int i32() { return static_cast<int>(u32()); }
    float f32() { return std::bit_cast<float>(u32()); }
    double f64() { return std::bit_cast<double>(u64()); }
    bool flag()
    {
        const std::uint32_t v = u32();
        if (v > 1)
            fail("a flag is neither 0 nor 1");
        return v == 1;
    }
    template <class M>
    M matrix(bool asFloat)
    {
        const std::uint64_t rows = u64(), cols = u64();
        const std::uint64_t width = asFloat ? 4 : 8;
        if (rows > m_size || cols > m_size || (rows && cols && rows * cols > m_size / width))
            fail("a matrix is larger than the file");
        need(rows * cols * width);
        M m(static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(cols));
        for (Eigen::Index i = 0; i < m.rows(); ++i)
            for (Eigen::Index j = 0; j < m.cols(); ++j)
                m(i, j) = asFloat ? typename M::Scalar(f32()) : typename M::Scalar(f64());
        return m;
    }
    bool atEnd() const { return m_pos == m_size; }

private:
    const unsigned char* m_data;
    std::size_t m_size;
    std::size_t m_pos = 0;
    std::string m_file;
};

void writeFile(const std::filesystem::path& file, ModelKind kind, Writer& payload)
{
    Writer head;
    for (char c : Magic)
        head.bytes().push_back(static_cast<unsigned char>(c));
    head.u32(ModelFormatVersion);
    head.u32(static_cast<std::uint32_t>(kind));
    head.u64(payload.bytes().size());
    Writer tail;
    tail.u32(crc32(payload.bytes().data(), payload.bytes().size()));

    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    if (!out)
        throw InputError(file.string() + ": cannot open the model file for writing");
    for (auto* w : {&head, &payload, &tail})
        out.write(reinterpret_cast<const char*>(w->bytes().data()),
                  std::streamsize(w->bytes().size()));
    out.close();
    if (!out)
        throw InputError(file.string() + ": writing the model file failed");
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

void saveModel(const std::filesystem::path& file, const Pca& model, const Matrix* codes)
{
    if (!model.isFitted())
        throw InputError(file.string() + ": cannot save a PCA that has not been fitted");
    Writer w;
    w.i32(model.config().components);
    w.matrix(model.components(), false);
    w.matrix(model.mean(), false);
    w.matrix(model.explainedVariance(), false);
    w.matrix(model.explainedVarianceRatio(), false);
    w.matrix(model.singularValues(), false);
    writeCodes(w, codes);
    writeFile(file, ModelKind::Pca, w);
}

void saveModel(const std::filesystem::path& file, const Autoencoder& model, const Matrix* codes)
{
    if (!model.isFitted())
        throw InputError(file.string() + ": cannot save an autoencoder that has not been trained");
    Writer w;
    writeTrainingConfig(w, model.config());
    writeLatentModel(w, detail::ModelAccess::model(model));
    writeCodes(w, codes);
    writeFile(file, ModelKind::Autoencoder, w);
}

void saveModel(const std::filesystem::path& file, const Vae& model, const Matrix* codes)
{
    if (!model.isFitted())
        throw InputError(file.string() + ": cannot save a " + model.name() +
                         " that has not been trained");
    const VaeConfig& c = model.config();
    Writer w;
    writeTrainingConfig(w, c);
    w.f64(c.beta);
    w.u32(c.conditional ? 1 : 0);
    w.i32(c.klWarmupEpochs);
    w.f64(c.freeBits);
    w.u32(c.sumOverFeatures ? 1 : 0);
    writeLatentModel(w, detail::ModelAccess::model(model));
    writeCodes(w, codes);
    writeFile(file, ModelKind::Vae, w);
}

LoadedModel loadModel(const std::filesystem::path& file)
{
    const std::string name = file.string();
    const std::vector<unsigned char> bytes = readAll(file);
    if (bytes.size() < Magic.size() ||
        std::memcmp(bytes.data(), Magic.data(), Magic.size()) != 0)
        throw InputError(name + ": not a MusicAtlas model file (unknown file signature)");
    if (bytes.size() < HeaderSize + TrailerSize)
        throw InputError(name + ": the model file is truncated (" + std::to_string(bytes.size()) +
                         " bytes)");
    Reader header(bytes.data(), HeaderSize, name);
    header.u64(); // magic, checked above
    const std::uint32_t version = header.u32();
    if (version != ModelFormatVersion)
        throw InputError(name + ": model file format version " + std::to_string(version) +
                         " is not supported (this version of MusicAtlas reads version " +
                         std::to_string(ModelFormatVersion) + ")");
    const std::uint32_t kind = header.u32();
    if (kind < 1 || kind > 3)
        throw InputError(name + ": unknown model kind " + std::to_string(kind));
    const std::uint64_t payloadSize = header.u64();
    if (payloadSize != bytes.size() - HeaderSize - TrailerSize)
        throw InputError(name + ": the model file is truncated or damaged (expected " +
                         std::to_string(payloadSize + HeaderSize + TrailerSize) +
                         " bytes, found " + std::to_string(bytes.size()) + ")");
    const unsigned char* payload = bytes.data() + HeaderSize;
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
                cfg.components != components.rows())
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
