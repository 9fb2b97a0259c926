// SPDX-License-Identifier: GPL-3.0-or-later
// Early stopping of the networks (engine/models/training.h, EarlyStopping): training stops
// `patience` epochs after the last epoch that improved the held-out score by more than the
// tolerance (never inside the KL warm-up), keeps that epoch's weights exactly, is
// deterministic, and leaves training without it as it was.
#include "engine/core/random.h"
#include "engine/models/autoencoder.h"
#include "engine/models/vae.h"

#include <QtTest>

#include <algorithm>
#include <cmath>

using atlas::Matrix;

namespace {

// Few rows, many features, weak structure: a network overfits it within a few dozen epochs,
// so the held-out score turns.
Matrix overfittable(int n, int d, atlas::Seed seed)
{
    atlas::Rng rng(seed);
    Matrix basis(4, d);
    for (int i = 0; i < basis.size(); ++i)
        basis.data()[i] = rng.normal();
    Matrix X(n, d);
    for (int i = 0; i < n; ++i) {
        for (int j = 0; j < d; ++j)
            X(i, j) = rng.normal();
        for (int a = 0; a < 4; ++a)
            X.row(i) += 0.8 * rng.normal() * basis.row(a);
    }
    return X;
}

template <class Config>
Config small(int epochs)
{
    Config c;
    c.hidden = {64};
    c.latent = 4;
    c.epochs = epochs;
    c.batchSize = 16;
    c.seed = 7;
    return c;
}

// small() with early stopping after `patience` epochs without improvement.
template <class Config>
Config stopping(int epochs, int patience)
{
    Config c = small<Config>(epochs);
    c.earlyStopping.enabled = true;
    c.earlyStopping.patience = patience;
    return c;
}

// The held-out scores say training stopped where the rules say.
void checkStop(const std::vector<double>& v, int bestEpoch, int trained,
               const atlas::EarlyStopping& stop, int warmupEpochs)
{
    QCOMPARE(int(v.size()), trained);
    QVERIFY(bestEpoch >= 1 && bestEpoch <= trained);
    // The best epoch: each kept best improved on the one before by more than the tolerance,
    // and nothing after it did.
    double best = v[0];
    int expected = 1;
    for (int e = 2; e <= trained; ++e)
        if (v[std::size_t(e - 1)] < best - stop.tolerance * std::abs(best)) {
            best = v[std::size_t(e - 1)];
            expected = e;
        }
    QCOMPARE(bestEpoch, expected);
    // Stopped `patience` epochs after it, or (the best inside the warm-up) patience epochs
    // after the warm-up.
    QCOMPARE(trained, std::max(bestEpoch, warmupEpochs) + stop.patience);
}

} // namespace

class TestEarlyStopping : public QObject {
    Q_OBJECT
private slots:
    void autoencoderStopsAndKeepsTheBestEpoch()
    {
        const Matrix X = overfittable(300, 60, 3);
        auto cfg = stopping<atlas::AutoencoderConfig>(400, 4);
        atlas::Autoencoder ae(cfg);
        ae.fit(X);
        const int trained = int(ae.history().size());
        QVERIFY2(trained < 400, qPrintable(QString::number(trained)));
        checkStop(ae.validationLoss(), ae.bestEpoch(), trained, cfg.earlyStopping, 0);
        QCOMPARE(ae.trainingCodes().rows(), X.rows());   // held-out rows coded too

        // The weights kept are those of the best epoch: the same training run to that epoch
        // (same held-out rows, same shuffles) ends with the same network, bit for bit.
        auto upTo = cfg;
        upTo.epochs = ae.bestEpoch();
        upTo.earlyStopping.patience = 10'000;
        atlas::Autoencoder again(upTo);
        again.fit(X);
        QCOMPARE(int(again.history().size()), ae.bestEpoch());
        QVERIFY(again.trainingCodes() == ae.trainingCodes());
        QVERIFY(again.reconstruct(X) == ae.reconstruct(X));

        // Deterministic.
        atlas::Autoencoder twice(cfg);
        twice.fit(X);
        QVERIFY(twice.trainingCodes() == ae.trainingCodes());
        QCOMPARE(twice.validationLoss(), ae.validationLoss());
    }

    void offTrainsEveryEpochAsBefore()
    {
        const Matrix X = overfittable(120, 20, 5);
        auto cfg = small<atlas::AutoencoderConfig>(12);
        atlas::Autoencoder plain(cfg);
        plain.fit(X);
        QCOMPARE(int(plain.history().size()), 12);
        QVERIFY(plain.validationLoss().empty());
        QCOMPARE(plain.bestEpoch(), 0);
        // Early stopping that never triggers trains on 95 % of the rows: other weights.
        cfg.earlyStopping.enabled = true;
        cfg.earlyStopping.patience = 1000;
        atlas::Autoencoder held(cfg);
        held.fit(X);
        QCOMPARE(int(held.history().size()), 12);
        QVERIFY(held.trainingCodes() != plain.trainingCodes());
        // Invalid settings are refused by name.
        cfg.earlyStopping.holdout = 0.9;
        const auto problems = cfg.validate();
        QVERIFY(std::any_of(problems.begin(), problems.end(), [](const std::string& p) {
            return p.find("earlyStopping.holdout") != std::string::npos;
        }));
    }

    void shortEpochsContinueThePass()
    {
        // 337 rows, 17 held out: 320 trained on, 20 mini-batches of 16 a pass. Epochs of 160
        // rows are the halves of a pass, so two of them take the very steps of one whole-pass
        // epoch, and four those of two passes (the second shuffled at the pass's end): the
        // held-out scores after them are the same, bit for bit (==, not a fuzzy compare).
        const Matrix X = overfittable(337, 20, 13);
        auto cfg = stopping<atlas::AutoencoderConfig>(2, 1000);
        atlas::Autoencoder passes(cfg);
        passes.fit(X);
        QCOMPARE(passes.validationLoss().size(), std::size_t(2));

        auto halves = cfg;
        halves.epochs = 4;
        halves.earlyStopping.epochRows = 160;
        atlas::Autoencoder short_(halves);
        short_.fit(X);
        const std::vector<double>& v = short_.validationLoss();
        QCOMPARE(v.size(), std::size_t(4));
        QVERIFY(v[1] == passes.validationLoss()[0]);
        QVERIFY(v[3] == passes.validationLoss()[1]);
        QVERIFY(v[0] != v[1]);
        // Each epoch reports the mean over its own rows: two halves average to the pass.
        const auto& h = short_.history();
        QVERIFY(std::abs((h[0].loss + h[1].loss) / 2 - passes.history()[0].loss) <
                1e-12 * passes.history()[0].loss);

        // An epoch longer than the rows trained on is a whole pass: the same run as without.
        auto longer = cfg;
        longer.earlyStopping.epochRows = 100'000;
        atlas::Autoencoder same(longer);
        same.fit(X);
        QCOMPARE(same.validationLoss(), passes.validationLoss());
        QVERIFY(same.trainingCodes() == passes.trainingCodes());

        // Without early stopping an epoch is always a pass.
        auto off = halves;
        off.earlyStopping.enabled = false;
        auto offPasses = cfg;
        offPasses.earlyStopping.enabled = false;
        offPasses.epochs = 4;
        atlas::Autoencoder a(off), b(offPasses);
        a.fit(X);
        b.fit(X);
        QVERIFY(a.trainingCodes() == b.trainingCodes());

        halves.earlyStopping.epochRows = -1;
        const auto problems = halves.validate();
        QVERIFY(std::any_of(problems.begin(), problems.end(), [](const std::string& p) {
            return p.find("earlyStopping.epochRows") != std::string::npos;
        }));
    }

    void shortEpochsCarryTheWarmUpNoiseAndConditions()
    {
        // The VAE family on half-pass epochs: the KL warm-up is counted in them (4 short
        // epochs of 10 mini-batches are the 40 steps of 2 passes of 20), the reparameterisation
        // noise and the CVAE's condition labels follow the rows; the held-out scores after
        // two and four short epochs are those after one and two passes, bit for bit.
        const Matrix X = overfittable(337, 20, 17);
        atlas::Labels genre(X.rows());
        for (Eigen::Index i = 0; i < genre.size(); ++i)
            genre(i) = int(i % 3);
        for (const bool conditional : {false, true}) {
            auto cfg = stopping<atlas::VaeConfig>(2, 1000);
            cfg.conditional = conditional;
            cfg.klWarmupEpochs = 2;
            atlas::Vae passes(cfg);
            auto halves = cfg;
            halves.epochs = 4;
            halves.klWarmupEpochs = 4;
            halves.earlyStopping.epochRows = 160;
            atlas::Vae short_(halves);
            if (conditional) {
                passes.fit(X, genre);
                short_.fit(X, genre);
            } else {
                passes.fit(X);
                short_.fit(X);
            }
            const std::vector<double>& v = short_.validationLoss();
            QCOMPARE(v.size(), std::size_t(4));
            QVERIFY(v[1] == passes.validationLoss()[0]);
            QVERIFY(v[3] == passes.validationLoss()[1]);
            QVERIFY(short_.history()[3].klWeight == passes.history()[1].klWeight);
        }
    }

    void warmUpAndPatienceCountShortEpochs()
    {
        // Epochs of 96 rows (6 mini-batches): the KL warm-up and the patience are counted in
        // them, and the stop follows the same rules.
        const Matrix X = overfittable(300, 60, 11);
        auto cfg = stopping<atlas::VaeConfig>(400, 3);
        cfg.klWarmupEpochs = 12;
        cfg.earlyStopping.epochRows = 96;
        atlas::Vae vae(cfg);
        vae.fit(X);
        const int trained = int(vae.history().size());
        QVERIFY2(trained < 400, qPrintable(QString::number(trained)));
        checkStop(vae.validationLoss(), vae.bestEpoch(), trained, cfg.earlyStopping,
                  cfg.klWarmupEpochs);
    }

    void vaeNeverStopsInsideTheWarmUp()
    {
        const Matrix X = overfittable(300, 60, 11);
        auto cfg = stopping<atlas::VaeConfig>(400, 3);
        cfg.klWarmupEpochs = 12;
        atlas::Vae vae(cfg);
        vae.fit(X);
        const int trained = int(vae.history().size());
        QVERIFY2(trained < 400, qPrintable(QString::number(trained)));
        QVERIFY(trained >= cfg.klWarmupEpochs + cfg.earlyStopping.patience);
        checkStop(vae.validationLoss(), vae.bestEpoch(), trained, cfg.earlyStopping,
                  cfg.klWarmupEpochs);
        // The VAE's held-out score is its objective at the final KL weight, with the noise
        // drawn once: the run is deterministic.
        atlas::Vae again(cfg);
        again.fit(X);
        QCOMPARE(again.validationLoss(), vae.validationLoss());
        QVERIFY(again.trainingCodes() == vae.trainingCodes());
    }
};

QTEST_GUILESS_MAIN(TestEarlyStopping)
#include "test_early_stopping.moc"
