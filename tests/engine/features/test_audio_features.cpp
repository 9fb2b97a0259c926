// SPDX-License-Identifier: GPL-3.0-or-later
// Batch audio features: a mixed batch of good and bad files, thread-count invariance,
// progress and cancellation, and the single-clip entry point against librosa's statistics.
#include "engine/audio/writer.h"
#include "engine/core/error.h"
#include "engine/core/parallel.h"
#include "engine/features/audio_features.h"
#include "tests/support/fixtures.h"

#include <QtTest>

#include <atomic>
#include <cmath>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <numbers>
#include <vector>

namespace fs = std::filesystem;

namespace {

std::vector<float> chord(double seconds, int rate, int channels, double base)
{
    const std::size_t frames = std::size_t(std::llround(seconds * rate));
    std::vector<float> x(frames * std::size_t(channels));
    for (std::size_t t = 0; t < frames; ++t)
        for (int c = 0; c < channels; ++c) {
            const double s = double(t) / rate;
            x[t * std::size_t(channels) + std::size_t(c)] =
                float(0.2 * std::sin(2.0 * std::numbers::pi * base * (c + 1) * s) +
                      0.1 * std::sin(2.0 * std::numbers::pi * base * 2.5 * s) * std::exp(-s));
        }
    return x;
}

// Bitwise equality including NaN rows.
bool identical(const atlas::Matrix& a, const atlas::Matrix& b)
{
    if (a.rows() != b.rows() || a.cols() != b.cols())
        return false;
    for (Eigen::Index i = 0; i < a.size(); ++i) {
        const double x = a.data()[i], y = b.data()[i];
        if (!(x == y || (std::isnan(x) && std::isnan(y))))
            return false;
    }
    return true;
}

} // namespace

class TestAudioFeatures : public QObject {
    Q_OBJECT

    fs::path m_dir;
    std::vector<fs::path> m_files;
    std::vector<bool> m_good;

private slots:
    void initTestCase()
    {
        m_dir = atlas::test::makeTempDir("audio-features");
        const auto add = [&](const fs::path& p, bool good) {
            m_files.push_back(p);
            m_good.push_back(good);
        };
        atlas::writeAudioFile(m_dir / "a.wav", chord(10.0, 44100, 2, 220.0), 2, 44100);
        add(m_dir / "a.wav", true);
        atlas::test::writeBytes(m_dir / "empty.mp3", "");
        add(m_dir / "empty.mp3", false);
        atlas::writeAudioFile(m_dir / "b ünï 🎵.flac", chord(6.0, 48000, 1, 330.0), 1, 48000);
        add(m_dir / "b ünï 🎵.flac", true);
        atlas::test::writeBytes(m_dir / "notes.ogg", "just some text, not audio at all\n");
        add(m_dir / "notes.ogg", false);
        atlas::writeAudioFile(m_dir / "c.ogg", chord(4.0, 44100, 2, 440.0), 2, 44100);
        add(m_dir / "c.ogg", true);
        add(m_dir / "missing.wav", false);
        atlas::writeAudioFile(m_dir / "blip.wav", chord(0.05, 22050, 1, 500.0), 1, 22050);
        add(m_dir / "blip.wav", false);
        atlas::test::writeBytes(m_dir / "song.m4a",
                                std::string("\0\0\0\x18" "ftypM4A \0\0\0\0M4A isom", 24) +
                                    std::string(1000, '\x01'));
        add(m_dir / "song.m4a", false);
        // Cut to 3 s of its announced 10 s: usable, with a warning.
        atlas::writeAudioFile(m_dir / "full.wav", chord(10.0, 22050, 1, 260.0), 1, 22050);
        {
            std::ifstream in(m_dir / "full.wav", std::ios::binary);
            std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
            atlas::test::writeBytes(m_dir / "cut.wav", bytes.substr(0, 44 + 2 * 22050 * 3));
        }
        add(m_dir / "cut.wav", true);
        fs::copy_file(fixture(), m_dir / "blues.wav");
        add(m_dir / "blues.wav", true);
    }
    void cleanupTestCase()
    {
        std::error_code ec;
        fs::remove_all(m_dir, ec);
    }

    void mixedBatchGivesFeaturesForExactlyTheGoodFiles()
    {
        atlas::Diagnostics diagnostics;
        const auto result = atlas::extractAudioFeatures(m_files, {}, diagnostics);
        QCOMPARE(result.values.rows(), Eigen::Index(m_files.size()));
        QCOMPARE(result.values.cols(), Eigen::Index(40));
        QCOMPARE(result.ok.size(), m_files.size());
        std::vector<fs::path> bad;
        for (std::size_t i = 0; i < m_files.size(); ++i) {
            QCOMPARE(bool(result.ok[i]), bool(m_good[i]));
            QCOMPARE(result.values.row(Eigen::Index(i)).allFinite(), bool(m_good[i]));
            if (!m_good[i]) {
                QVERIFY(result.values.row(Eigen::Index(i)).array().isNaN().all());
                bad.push_back(m_files[i]);
            }
        }
        QCOMPARE(result.okCount(), std::size_t(5));
        // One Issue per bad file and one for the truncated-but-used file, in file order, each
        // naming its file.
        std::vector<fs::path> expected;
        for (const auto& f : m_files)
            if (f.filename() == "cut.wav" || std::find(bad.begin(), bad.end(), f) != bad.end())
                expected.push_back(f);
        const auto issues = diagnostics.issues();
        QCOMPARE(issues.size(), expected.size());
        for (std::size_t i = 0; i < expected.size(); ++i) {
            QCOMPARE(issues[i].file, expected[i]);
            QVERIFY(!issues[i].reason.empty());
            if (expected[i].filename() == "cut.wav")
                QVERIFY(issues[i].reason.find("truncated") != std::string::npos);
        }

        // The blues fixture's row equals librosa's statistics (tolerance as in test_mfcc:
        // float32 rounding of the reference, 1e-3 absolute + 1e-5 relative).
        const auto rows = atlas::test::readSimpleCsv(
            atlas::test::fixture("mfcc/synthetic_blues_00000.stats40.csv"));
        atlas::RowVector ref(40);
        for (int j = 0; j < 40; ++j)
            ref(j) = std::stod(rows[std::size_t(j) + 1].at(3));
        const atlas::RowVector row = result.values.row(Eigen::Index(m_files.size()) - 1);
        QVERIFY(atlas::test::worstExcess(row, ref, 1e-3, 1e-5) <= 0.0);
        // And the single-clip entry point gives the same row.
        auto clip = atlas::decodeAudio(fixture(), {});
        QVERIFY(bool(clip));
        QVERIFY(atlas::audioClipFeatures(clip->samples) == row);
    }

    void oneThreadEqualsTwoThreads()
    {
        atlas::Matrix one, two;
        {
            atlas::ThreadScope threads(1);
            atlas::Diagnostics d;
            one = atlas::extractAudioFeatures(m_files, {}, d).values;
        }
        {
            atlas::ThreadScope threads(2);
            atlas::Diagnostics d;
            two = atlas::extractAudioFeatures(m_files, {}, d).values;
        }
        QVERIFY(identical(one, two));
    }

    void progressIsMonotonicAndEndsAtOne()
    {
        std::vector<double> seen;
        atlas::Progress progress(
            [&](std::string_view, double overall, std::string_view) { seen.push_back(overall); },
            nullptr);
        atlas::Diagnostics d;
        atlas::extractAudioFeatures(m_files, {}, d, progress);
        QVERIFY(seen.size() >= 2);
        for (std::size_t i = 1; i < seen.size(); ++i)
            QVERIFY(seen[i] >= seen[i - 1]);
        QCOMPARE(seen.back(), 1.0);
    }

    void cancellationThrowsAfterTheLoop()
    {
        std::atomic<bool> cancel{false};
        int reports = 0;
        atlas::Progress progress(
            [&](std::string_view, double overall, std::string_view) {
                if (overall > 0.0 && ++reports == 1)
                    cancel = true; // cancel after the first finished file
            },
            &cancel);
        atlas::Diagnostics d;
        QVERIFY_THROWS_EXCEPTION(atlas::Cancelled,
                                 atlas::extractAudioFeatures(m_files, {}, d, progress));
        QVERIFY(d.empty()); // nothing half-reported
        cancel = true;
        QVERIFY_THROWS_EXCEPTION(atlas::Cancelled,
                                 atlas::extractAudioFeatures(m_files, {}, d, progress));
    }

    void emptyBatchAndSilence()
    {
        atlas::Diagnostics d;
        const auto none = atlas::extractAudioFeatures({}, {}, d);
        QCOMPARE(none.values.rows(), Eigen::Index(0));
        QCOMPARE(none.values.cols(), Eigen::Index(40));
        const fs::path silent = m_dir / "silent.wav";
        atlas::writeAudioFile(silent, std::vector<float>(22050 * 3, 0.0f), 1, 22050);
        const auto result = atlas::extractAudioFeatures({silent}, {}, d);
        QVERIFY(result.ok[0]);
        QVERIFY(result.values.allFinite());
        QVERIFY(atlas::audioClipFeatures(std::vector<float>(22050, 0.0f)).allFinite());
    }

    void invalidConfigAndInput()
    {
        atlas::AudioFeatureConfig cfg;
        QVERIFY(cfg.validate().empty());
        cfg.decode.sampleRate = 44100; // MFCCs are configured for 22,050 Hz
        atlas::Diagnostics d;
        QVERIFY_THROWS_EXCEPTION(atlas::ConfigError, atlas::extractAudioFeatures(m_files, cfg, d));
        cfg = {};
        cfg.mfcc.hopLength = 0;
        QVERIFY_THROWS_EXCEPTION(atlas::ConfigError, atlas::extractAudioFeatures(m_files, cfg, d));
        QVERIFY_THROWS_EXCEPTION(atlas::InputError, atlas::audioClipFeatures(std::vector<float>{}));
        // Native-rate decoding of a 44.1 kHz file cannot feed 22,050-Hz MFCCs: an Issue.
        cfg = {};
        cfg.decode.sampleRate = 0;
        const auto r = atlas::extractAudioFeatures({m_dir / "a.wav"}, cfg, d);
        QVERIFY(!r.ok[0]);
        QCOMPARE(d.size(), std::size_t(1));
        QVERIFY(d.issues()[0].reason.find("44100 Hz") != std::string::npos);
    }

private:
    static fs::path fixture()
    {
        return atlas::test::fixture("mfcc/synthetic_blues_00000.wav");
    }
};

QTEST_GUILESS_MAIN(TestAudioFeatures)
#include "test_audio_features.moc"
