// SPDX-License-Identifier: GPL-3.0-or-later
// MFCCs against librosa 0.11 fixtures (tests/data/mfcc, see its README for how they were made).
#include "engine/audio/decoder.h"
#include "engine/core/error.h"
#include "engine/features/mfcc.h"
#include "tests/support/fixtures.h"

#include <QtTest>

#include <cmath>
#include <numbers>
#include <vector>

#include <thread>

namespace {

// The fixtures' own README: a float64 re-statement agrees with librosa to 3e-5 on values up
// to 591 (float32 rounding of the dB matrix and DCT). Our float32 FFT adds rounding of the same
// order, so 1e-3 absolute plus 1e-5 relative leaves ample margin while still catching any
// real difference (a wrong window, mel edge or dB floor moves values by 1e-2 or more).
constexpr double MfccAtol = 1e-3;
constexpr double MfccRtol = 1e-5;

// Plain loops instead of Eigen's maxCoeff(): GCC 12 reports false "may be used uninitialized"
// warnings inside Eigen's AVX-512 max reductions.
double maxAbs(const atlas::Matrix& m)
{
    double worst = 0.0;
    for (Eigen::Index i = 0; i < m.size(); ++i)
        worst = std::max(worst, std::abs(m.data()[i]));
    return worst;
}

double maxValue(const atlas::Matrix& m)
{
    double best = -std::numeric_limits<double>::infinity();
    for (Eigen::Index i = 0; i < m.size(); ++i)
        best = std::max(best, m.data()[i]);
    return best;
}

std::vector<float> loadFixture(const std::string& name, int sampleRate = 22050)
{
    atlas::DecodeConfig cfg;
    cfg.sampleRate = sampleRate;
    cfg.duration = 10.0;
    auto clip = atlas::decodeAudio(atlas::test::fixture("mfcc/" + name), cfg);
    if (!clip)
        throw std::runtime_error("fixture did not decode: " + clip.issue().reason);
    return clip->samples;
}

// The value_float64 column of a *.stats40.csv (index,name,value_float32,value_float64).
atlas::RowVector readStats(const std::string& name)
{
    const auto rows = atlas::test::readSimpleCsv(atlas::test::fixture("mfcc/" + name));
    atlas::RowVector stats(Eigen::Index(rows.size()) - 1);
    for (std::size_t i = 1; i < rows.size(); ++i)
        stats(Eigen::Index(i) - 1) = std::stod(rows[i].at(3));
    return stats;
}

void compareToLibrosa(const std::vector<float>& y, const std::string& stem, int frames)
{
    const atlas::MfccExtractor extractor;
    const atlas::Matrix mfcc = extractor.mfcc(y);
    const atlas::Matrix ref = atlas::test::readNumericCsv(atlas::test::fixture("mfcc/" + stem +
                                                                               ".mfcc.csv"));
    QCOMPARE(ref.rows(), Eigen::Index(20));
    QCOMPARE(ref.cols(), Eigen::Index(frames));
    QCOMPARE(mfcc.rows(), ref.rows());
    QCOMPARE(mfcc.cols(), ref.cols());
    const double excess = atlas::test::worstExcess(mfcc, ref, MfccAtol, MfccRtol);
    qInfo("%s: max |MFCC diff| = %.3g (worst excess over tolerance %.3g)", stem.c_str(),
          maxAbs(mfcc - ref), excess);
    QVERIFY2(excess <= 0.0, qPrintable(QString::number(excess)));

    // Stats of the float32 matrix, compared with numpy's float64 statistics of the same
    // matrix; same tolerance and reason as above (means and stds average the matrix errors).
    const atlas::RowVector stats = extractor.summary(y);
    const atlas::RowVector refStats = readStats(stem + ".stats40.csv");
    QCOMPARE(stats.size(), Eigen::Index(40));
    const double statExcess = atlas::test::worstExcess(stats, refStats, MfccAtol, MfccRtol);
    QVERIFY2(statExcess <= 0.0, qPrintable(QString::number(statExcess)));
}

} // namespace

class TestMfcc : public QObject {
    Q_OBJECT
private slots:
    void syntheticBluesMatchesLibrosa()
    {
        const auto y = loadFixture("synthetic_blues_00000.wav");
        QCOMPARE(y.size(), std::size_t(220500));
        compareToLibrosa(y, "synthetic_blues_00000", 431);
    }
    void speechWithSilenceMatchesLibrosa()
    {
        // Exercises the amin floor and the 80 dB clip (espeak writes digital silence).
        const auto y = loadFixture("speech_espeak.wav");
        QCOMPARE(y.size(), std::size_t(97907));
        compareToLibrosa(y, "speech_espeak", 192);
    }
    void wesnothLoadedSignalMatchesLibrosa()
    {
        const auto y = loadFixture("wesnoth_frantic.loaded_22050_f32.wav", 0);
        QCOMPARE(y.size(), std::size_t(220500));
        compareToLibrosa(y, "wesnoth_frantic", 431);
    }
    void wesnothOggThroughOurDecoderMatchesLibrosa()
    {
        // Decoder (libsndfile/libvorbis) + mono mix + soxr HQ resampling + MFCC end to end.
        const auto y = loadFixture("wesnoth_frantic.ogg");
        QCOMPARE(y.size(), std::size_t(220500));
        compareToLibrosa(y, "wesnoth_frantic", 431);
    }
    void melPowerMatchesLibrosa()
    {
        const auto y = loadFixture("synthetic_blues_00000.wav");
        const atlas::Matrix mel = atlas::MfccExtractor().melPower(y);
        const atlas::Matrix ref = atlas::test::readNumericCsv(
            atlas::test::fixture("mfcc/synthetic_blues_00000.melpower.csv"));
        QCOMPARE(mel.rows(), Eigen::Index(128));
        QCOMPARE(mel.cols(), ref.cols());
        // Power spans ~15 decades; compare relative to each value, with an absolute floor of
        // 1e-6 of the loudest bin (float32 FFT rounding of quiet bins next to loud ones).
        // 1e-4 relative is 4e-4 dB, well inside the MFCC tolerance.
        const double floor = 1e-6 * maxValue(ref);
        const double excess = atlas::test::worstExcess(mel, ref, floor, 1e-4);
        QVERIFY2(excess <= 0.0, qPrintable(QString::number(excess)));
    }
    void silenceGivesFiniteFloorValues()
    {
        const std::vector<float> zeros(22050, 0.0f);
        const atlas::Matrix m = atlas::MfccExtractor().mfcc(zeros);
        QVERIFY(m.allFinite());
        // All mel bands at 10*log10(amin) = -100 dB: only c0 = -100*sqrt(128) is non-zero.
        // Tolerance: the DCT sums 128 float32 terms of -8.84 (as librosa's float32 DCT does),
        // so c0 carries up to ~128 half-ulps of 1131 (about 8e-3) of rounding.
        QVERIFY2(std::abs(m(0, 0) + 100.0 * std::sqrt(128.0)) < 1e-2,
                 qPrintable(QString::number(m(0, 0), 'g', 10)));
        QVERIFY(maxAbs(m.bottomRows(19)) < 1e-2);
        const atlas::RowVector stats = atlas::mfccStatistics(m);
        QVERIFY(stats.allFinite());
        QCOMPARE(stats(20), 0.0);
    }
    void shortAndEmptyInput()
    {
        const atlas::MfccExtractor extractor;
        const std::vector<float> blip(100, 0.1f);
        const atlas::Matrix m = extractor.mfcc(blip);
        QCOMPARE(m.cols(), Eigen::Index(1)); // 1 + 100 / 512
        QVERIFY(m.allFinite());
        QCOMPARE(extractor.frameCount(220500), 431);
        QVERIFY_THROWS_EXCEPTION(atlas::InputError, extractor.mfcc(std::vector<float>{}));
        std::vector<float> bad(4096, 0.0f);
        bad[100] = std::numeric_limits<float>::quiet_NaN();
        QVERIFY_THROWS_EXCEPTION(atlas::InputError, extractor.mfcc(bad));
    }
    void invalidConfigThrows()
    {
        atlas::MfccConfig cfg;
        QVERIFY(cfg.validate().empty());
        cfg.nMfcc = 0;
        QVERIFY(!cfg.validate().empty());
        QVERIFY_THROWS_EXCEPTION(atlas::ConfigError, atlas::MfccExtractor{cfg});
        cfg = {};
        cfg.nFft = 2047;
        QVERIFY_THROWS_EXCEPTION(atlas::ConfigError, atlas::MfccExtractor{cfg});
        cfg = {};
        cfg.nMels = 200;
        cfg.nMfcc = 201;
        QVERIFY_THROWS_EXCEPTION(atlas::ConfigError, atlas::mfccSummary(std::vector<float>(10), cfg));
        cfg = {};
        cfg.fMin = 20000.0;
        QVERIFY_THROWS_EXCEPTION(atlas::ConfigError, atlas::MfccExtractor{cfg});
    }
    void featureNamesAreStable()
    {
        const auto names = atlas::mfccFeatureNames();
        QCOMPARE(names.size(), std::size_t(40));
        QCOMPARE(names[0], std::string("mfcc_mean_00"));
        QCOMPARE(names[19], std::string("mfcc_mean_19"));
        QCOMPARE(names[20], std::string("mfcc_std_00"));
        QCOMPARE(names[39], std::string("mfcc_std_19"));
    }
    void statisticsAreMeanAndPopulationStd()
    {
        atlas::Matrix m(2, 4);
        m << 1, 2, 3, 4, -1, -1, -1, -1;
        const atlas::RowVector s = atlas::mfccStatistics(m);
        QCOMPARE(s(0), 2.5);
        QCOMPARE(s(1), -1.0);
        QCOMPARE(s(2), std::sqrt(1.25)); // ddof = 0
        QCOMPARE(s(3), 0.0);
        QVERIFY_THROWS_EXCEPTION(atlas::InputError, atlas::mfccStatistics(atlas::Matrix(20, 0)));
    }
    void summaryIsTheStatisticsOfTheMatrix()
    {
        const auto y = loadFixture("speech_espeak.wav");
        const atlas::MfccExtractor extractor;
        QVERIFY(extractor.summary(y) == atlas::mfccStatistics(extractor.mfcc(y)));
        QVERIFY(atlas::mfccSummary(y) == extractor.summary(y));
    }
    void extractorsWithDifferentSizesShareAThread()
    {
        // Per-thread buffers are resized between extractors of different nFft/nMels; results
        // must not depend on what ran before on the same thread.
        const auto y = loadFixture("synthetic_blues_00000.wav");
        atlas::MfccConfig small;
        small.nFft = 512;
        small.hopLength = 128;
        small.nMels = 40;
        small.nMfcc = 13;
        const atlas::MfccExtractor a, b(small);
        const atlas::RowVector first = a.summary(y);
        const atlas::RowVector other = b.summary(y);
        QCOMPARE(other.size(), Eigen::Index(26));
        QVERIFY(other.allFinite());
        QCOMPARE(b.mfcc(y).cols(), Eigen::Index(1 + 220500 / 128));
        QVERIFY(a.summary(y) == first);
        QVERIFY(atlas::MfccExtractor(small).summary(y) == other);
    }
    void concurrentCallsMatchSerial()
    {
        // One extractor shared by all threads (the batch's pattern) gives bit-identical output.
        const atlas::MfccExtractor extractor;
        std::vector<std::vector<float>> clips;
        for (int c = 0; c < 6; ++c) {
            std::vector<float> y(30000);
            for (std::size_t i = 0; i < y.size(); ++i)
                y[i] = float(0.3 * std::sin(2.0 * std::numbers::pi * (110.0 * (c + 1)) *
                                            double(i) / 22050.0));
            clips.push_back(std::move(y));
        }
        std::vector<atlas::RowVector> serial, parallel(clips.size());
        for (const auto& y : clips)
            serial.push_back(extractor.summary(y));
        std::vector<std::thread> threads;
        for (std::size_t t = 0; t < 3; ++t)
            threads.emplace_back([&, t] {
                for (std::size_t c = t; c < clips.size(); c += 3)
                    parallel[c] = extractor.summary(clips[c]);
            });
        for (auto& thread : threads)
            thread.join();
        for (std::size_t c = 0; c < clips.size(); ++c)
            QVERIFY(serial[c] == parallel[c]);
        QVERIFY(!(serial[0] == serial[1]));
    }
};

QTEST_GUILESS_MAIN(TestMfcc)
#include "test_mfcc.moc"
