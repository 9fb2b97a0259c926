// SPDX-License-Identifier: GPL-3.0-or-later
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include "engine/core/error.h"
#include "engine/core/random.h"
#include "engine/io/model_io.h"
#include "tests/support/fixtures.h"

#include <QtTest>

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <fstream>
#include <iterator>

using atlas::Labels;
using atlas::Matrix;

namespace {

Matrix randomData(int n, int d, atlas::Seed seed)
{
    atlas::Rng rng(seed);
    Matrix X(n, d);
    for (Eigen::Index i = 0; i < X.size(); ++i)
        X.data()[i] = rng.normal();
    return X;
}

// Asserts that loading `file` throws InputError whose message contains `expected`.
void expectLoadError(const std::filesystem::path& file, const QString& expected)
{
    try {
        atlas::loadModel(file);
        QFAIL("no exception");
    } catch (const atlas::InputError& e) {
        const QString msg = e.what();
        QVERIFY2(msg.contains(expected) && msg.contains(QString::fromStdString(file.filename().string())),
                 e.what());
    }
}

atlas::VaeConfig smallVae()
{
    atlas::VaeConfig cfg;
    cfg.hidden = {24, 12};
    cfg.latent = 3;
    cfg.epochs = 3;
    cfg.batchSize = 16;
    return cfg;
}

} // namespace

class TestModelIo : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { m_dir = atlas::test::makeTempDir("model_io"); }
    void cleanupTestCase() { std::filesystem::remove_all(m_dir); }

    void autoencoderRoundTripIsBitIdentical()
    {
        const Matrix X = randomData(60, 20, 1);
        atlas::AutoencoderConfig cfg;
        cfg.hidden = {24, 12};
        cfg.latent = 3;
        cfg.epochs = 3;
        cfg.batchSize = 16;
        atlas::Autoencoder ae(cfg);
        ae.fit(X);
        const Matrix codes = ae.encode(X);
        const auto file = m_dir / "ae.model";
        atlas::saveModel(file, ae, &codes);
        atlas::LoadedModel loaded = atlas::loadModel(file);
        QCOMPARE(int(loaded.kind), int(atlas::ModelKind::Autoencoder));
        QVERIFY(loaded.codes.has_value());
        QCOMPARE(*loaded.codes, codes);
        const auto& back = std::get<atlas::Autoencoder>(loaded.model);
        QCOMPARE(back.encode(X), codes);
        QCOMPARE(back.reconstruct(X), ae.reconstruct(X));
        QVERIFY(back.history() == ae.history());
        QVERIFY(back.config() == ae.config());
        QCOMPARE(back.trainingCodes(), ae.trainingCodes());
        // Saved again, the file is the same bytes: nothing was lost on the way.
        QVERIFY(atlas::modelFileBytes(loaded.model, &codes) == atlas::modelFileBytes(ae, &codes));
        QVERIFY_THROWS_EXCEPTION(atlas::InputError, atlas::loadVae(file)); // other kind
    }

    void cvaeRoundTripIsBitIdentical()
    {
        const Matrix X = randomData(60, 20, 2);
        Labels labels(60);
        for (int i = 0; i < 60; ++i)
            labels(i) = i % 4;
        auto cfg = smallVae();
        cfg.conditional = true;
        cfg.beta = 4.0;
        // Every stored option away from its default.
        cfg.learningRate = 2e-3;
        cfg.beta1 = 0.8;
        cfg.beta2 = 0.99;
        cfg.epsilon = 1e-6;
        cfg.seed = 7;
        cfg.klWarmupEpochs = 2;
        cfg.freeBits = 0.1;
        cfg.sumOverFeatures = false;
        atlas::Vae vae(cfg);
        vae.fit(X, labels);
        const auto file = m_dir / "cvae.model";
        atlas::saveModel(file, vae);
        const atlas::Vae back = atlas::loadVae(file);
        QCOMPARE(back.classes(), 4);
        QVERIFY(back.config() == cfg);
        QVERIFY(back.history() == vae.history());
        QCOMPARE(back.encode(X, labels), vae.encode(X, labels));
        QVERIFY(!atlas::loadModel(file).codes.has_value());
    }

    void pcaRoundTrip()
    {
        const Matrix X = randomData(40, 12, 3);
        atlas::Pca pca(atlas::PcaConfig{5});
        pca.fit(X);
        const auto file = m_dir / "pca.model";
        atlas::saveModel(file, pca);
        const atlas::Pca back = atlas::loadPca(file);
        QVERIFY(back.config() == pca.config());
        QCOMPARE(back.transform(X), pca.transform(X));
        QCOMPARE(back.components(), pca.components());
        QCOMPARE(back.mean(), pca.mean());
        QCOMPARE(back.explainedVariance(), pca.explainedVariance());
        QCOMPARE(back.explainedVarianceRatio(), pca.explainedVarianceRatio());
        QCOMPARE(back.singularValues(), pca.singularValues());
    }

    void damagedFilesThrowInputError()
    {
        const Matrix X = randomData(40, 10, 4);
        atlas::Vae vae(smallVae());
        vae.fit(X);
        const auto good = m_dir / "good.model";
        atlas::saveModel(good, vae);
        const std::string bytes = atlas::test::readFile(good);
        QVERIFY(bytes.size() > 100);

        // Truncated at several points, including inside the header.
        for (std::size_t keep : {std::size_t(0), std::size_t(5), std::size_t(20), bytes.size() / 2,
                                 bytes.size() - 1}) {
            const auto file = m_dir / ("truncated_" + std::to_string(keep) + ".model");
            atlas::test::writeBytes(file, bytes.substr(0, keep));
            QVERIFY_THROWS_EXCEPTION(atlas::InputError, atlas::loadModel(file));
        }
        // One flipped bit in the weights: the checksum catches it.
        std::string flipped = bytes;
        flipped[bytes.size() / 2] = char(flipped[bytes.size() / 2] ^ 0x10);
        atlas::test::writeBytes(m_dir / "flipped.model", flipped);
        expectLoadError(m_dir / "flipped.model", "checksum");
        // Another format version.
        std::string future = bytes;
        future[8] = 2;
        atlas::test::writeBytes(m_dir / "future.model", future);
        expectLoadError(m_dir / "future.model", "version 2");
        // Unknown kind.
        std::string kind = bytes;
        kind[12] = 9;
        atlas::test::writeBytes(m_dir / "kind.model", kind);
        expectLoadError(m_dir / "kind.model", "kind");
        // Foreign files.
        atlas::test::writeBytes(m_dir / "text.model", "track,genre\n1,blues\n");
        expectLoadError(m_dir / "text.model", "not a MusicAtlas model file");
        atlas::test::writeBytes(m_dir / "empty.model", "");
        expectLoadError(m_dir / "empty.model", "not a MusicAtlas model file");
        expectLoadError(m_dir / "missing.model", "no such model file");
        // Garbage after a valid magic: rejected by the size check, never read.
        std::string garbage = bytes.substr(0, 8);
        atlas::Rng rng(1);
        for (int i = 0; i < 4000; ++i)
            garbage.push_back(char(rng.below(256)));
        atlas::test::writeBytes(m_dir / "garbage.model", garbage);
        QVERIFY_THROWS_EXCEPTION(atlas::InputError, atlas::loadModel(m_dir / "garbage.model"));
        // A header claiming gigabytes: refused from the header, naming the file.
        std::string huge = bytes;
        for (int i = 0; i < 8; ++i)
            huge[std::size_t(16 + i)] = char(((std::uint64_t(6) << 30) >> (8 * i)) & 0xFF);
        atlas::test::writeBytes(m_dir / "huge.model", huge);
        expectLoadError(m_dir / "huge.model", "claims a payload of 6.0 GiB");
        for (int i = 0; i < 8; ++i)
            huge[std::size_t(16 + i)] = char(((std::uint64_t(3) << 30) >> (8 * i)) & 0xFF);
        atlas::test::writeBytes(m_dir / "huge.model", huge);
        expectLoadError(m_dir / "huge.model", "truncated or damaged");
        // Not regular files, never read or waited on.
        QCOMPARE(::mkfifo((m_dir / "pipe.model").c_str(), 0600), 0);
        expectLoadError(m_dir / "pipe.model", "named pipe (FIFO), not a regular file");
        expectLoadError("/dev/zero", "character device, not a regular file");
        // A session file is named as one.
        atlas::test::writeBytes(m_dir / "session.model", "MATLSESS" + bytes.substr(8));
        expectLoadError(m_dir / "session.model", "this is a MusicAtlas session file, not a model file");
        // The good file still loads.
        QCOMPARE(atlas::loadVae(good).encode(X), vae.encode(X));
    }

    void savingOverAModelReplacesItAsAWhole()
    {
        // A save that fails half-way (here a file size limit, as a full disk would) keeps the
        // previous model loadable and leaves no temporary file.
        const Matrix X = randomData(40, 12, 4);
        atlas::Pca small(atlas::PcaConfig{3});
        small.fit(X);
        const std::filesystem::path dir = m_dir / "replace";
        std::filesystem::create_directories(dir);
        const auto file = dir / "pca.atlasmodel";
        atlas::saveModel(file, small);
        const std::string before = atlas::test::readFile(file);

        const Matrix codes = randomData(4000, 3, 5); // makes the new file ~100 KB
        const pid_t child = ::fork();
        QVERIFY(child >= 0);
        if (child == 0) {
            std::signal(SIGXFSZ, SIG_IGN);
            const rlimit limit{rlim_t(before.size() + 1024), rlim_t(before.size() + 1024)};
            ::setrlimit(RLIMIT_FSIZE, &limit);
            int code = 10;
            try {
                atlas::saveModel(file, small, &codes);
            } catch (const atlas::InputError& e) {
                const std::string msg = e.what();
                code = msg.find(file.string()) == 0 && msg.find("File too large") != std::string::npos
                           ? 0
                           : 11;
            }
            ::_exit(code);
        }
        int status = 0;
        QCOMPARE(::waitpid(child, &status, 0), child);
        QVERIFY(WIFEXITED(status));
        QCOMPARE(WEXITSTATUS(status), 0);
        QCOMPARE(atlas::test::readFile(file), before);
        QCOMPARE(atlas::loadPca(file).transform(X), small.transform(X));
        QVERIFY(atlas::test::temporaryFiles(dir).empty());
        QCOMPARE(std::distance(std::filesystem::directory_iterator(dir), {}), std::ptrdiff_t(1));

        // Without a limit the same save replaces it.
        atlas::saveModel(file, small, &codes);
        QCOMPARE(*atlas::loadModel(file).codes, codes);
    }

    void unfittedModelsCannotBeSaved()
    {
        QVERIFY_THROWS_EXCEPTION(atlas::InputError, atlas::saveModel(m_dir / "x.model", atlas::Pca()));
        QVERIFY_THROWS_EXCEPTION(atlas::InputError,
                                 atlas::saveModel(m_dir / "y.model", atlas::Autoencoder()));
    }

private:
    std::filesystem::path m_dir;
};

QTEST_GUILESS_MAIN(TestModelIo)
#include "test_model_io.moc"
