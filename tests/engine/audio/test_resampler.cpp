// SPDX-License-Identifier: GPL-3.0-or-later
// soxr HQ resampling and the decode -> mono -> resample chain against librosa.load's output.
#include "engine/audio/decoder.h"
#include "engine/audio/resampler.h"
#include "engine/core/error.h"
#include "tests/support/fixtures.h"

#include <QtTest>

#include <cmath>
#include <numbers>
#include <stdexcept>
#include <vector>

class TestResampler : public QObject {
    Q_OBJECT
private slots:
    void oggDecodeAndResampleReproducesLibrosaLoad()
    {
        // wesnoth_frantic.loaded_22050_f32.wav holds exactly what
        // librosa.load('wesnoth_frantic.ogg', sr=22050, mono=True, duration=10.0) returned.
        atlas::DecodeConfig native;
        native.sampleRate = 0;
        auto ref = atlas::decodeAudio(
            atlas::test::fixture("mfcc/wesnoth_frantic.loaded_22050_f32.wav"), native);
        QVERIFY2(bool(ref), ref ? "" : ref.issue().reason.c_str());
        QCOMPARE(ref->sampleRate, 22050);
        QCOMPARE(ref->samples.size(), std::size_t(220500));

        auto ours = atlas::decodeAudio(atlas::test::fixture("mfcc/wesnoth_frantic.ogg"), {});
        QVERIFY2(bool(ours), ours ? "" : ours.issue().reason.c_str());
        QCOMPARE(ours->format, std::string("Ogg Vorbis"));
        QCOMPARE(ours->sourceSampleRate, 44100);
        QCOMPARE(ours->sourceChannels, 2);
        QCOMPARE(ours->sampleRate, 22050);
        QCOMPARE(ours->channels, 1);
        QCOMPARE(ours->samples.size(), std::size_t(220500));
        double worst = 0.0;
        for (std::size_t i = 0; i < ours->samples.size(); ++i)
            worst = std::max(worst, double(std::abs(ours->samples[i] - ref->samples[i])));
        qInfo("max |ours - librosa.load| = %.3g", worst);
        // Same decoder (libsndfile 1.2.0 + libvorbis 1.3.7), same float32 channel mean and the
        // same libsoxr 0.1.3 HQ call: the chain is deterministic, so anything above a few
        // float32 ulps of full scale (6e-8 each) would mean a different decode, seek, mix or
        // filter. 1e-6 allows for a different SIMD path inside libsoxr's FFT.
        QVERIFY2(worst <= 1e-6, qPrintable(QString::number(worst)));
    }
    void lengthFollowsLibrosaFixLength()
    {
        QCOMPARE(atlas::resampledLength(441000, 44100, 22050), std::size_t(220500));
        QCOMPARE(atlas::resampledLength(480000, 48000, 22050), std::size_t(220500));
        QCOMPARE(atlas::resampledLength(1001, 44100, 22050), std::size_t(501)); // ceil(500.5)
        std::vector<float> x(48001, 0.0f);
        QCOMPARE(atlas::resample(x, 1, 48000, 22050).size(), std::size_t(22051));
        std::vector<float> stereo(2 * 1001, 0.0f);
        QCOMPARE(atlas::resample(stereo, 2, 44100, 22050).size(), std::size_t(2 * 501));
    }
    void sineKeepsFrequencyAndAmplitude()
    {
        // A 1 kHz tone at 48 kHz resampled to 22,050 Hz: compare the middle of the output with
        // the analytic tone. HQ is a ~-100 dB filter, and the passband is flat to 1e-3 dB, so
        // 1e-3 absolute (-60 dB) is a loose but meaningful bound away from the edges.
        const double f = 1000.0, in = 48000.0, out = 22050.0;
        std::vector<float> x(48000);
        for (std::size_t i = 0; i < x.size(); ++i)
            x[i] = float(0.5 * std::sin(2.0 * std::numbers::pi * f * double(i) / in));
        const auto y = atlas::resample(x, 1, in, out);
        QCOMPARE(y.size(), std::size_t(22050));
        double worst = 0.0;
        for (std::size_t i = 2000; i < 20000; ++i) {
            const double expected = 0.5 * std::sin(2.0 * std::numbers::pi * f * double(i) / out);
            worst = std::max(worst, std::abs(double(y[i]) - expected));
        }
        QVERIFY2(worst < 1e-3, qPrintable(QString::number(worst)));
    }
    void degenerateInput()
    {
        QVERIFY(atlas::resample(std::vector<float>{}, 1, 44100, 22050).empty());
        const std::vector<float> zeros(44100, 0.0f);
        const auto y = atlas::resample(zeros, 1, 44100, 22050);
        QCOMPARE(y.size(), std::size_t(22050));
        for (float v : y)
            QCOMPARE(v, 0.0f);
        const std::vector<float> same{0.1f, 0.2f, 0.3f};
        QVERIFY(atlas::resample(same, 1, 22050, 22050) == same);
    }
    void invalidArgumentsThrow()
    {
        // A ratio no decoded file can ask for (1 Hz to 22050 Hz) is refused before any work.
        const std::vector<float> second(100, 0.0f);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, atlas::resample(second, 1, 1.0, 22050.0));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, atlas::resample(second, 1, 768000.0, 100.0));
        QCOMPARE(atlas::resample(second, 1, 1000.0, 384000.0).size(), std::size_t(38400));
        const std::vector<float> x(10, 0.0f);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, atlas::resample(x, 0, 44100, 22050));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, atlas::resample(x, 1, 0, 22050));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, atlas::resample(x, 1, 44100, -1));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, atlas::resample(x, 3, 44100, 22050));
    }
};

QTEST_GUILESS_MAIN(TestResampler)
#include "test_resampler.moc"
