// SPDX-License-Identifier: GPL-3.0-or-later
// Playback conversion: channel remixing and PCM encoding by value, piecewise reading equal to
// one decode of the window (bit-exact at the file's rate, within the resampler's precision when
// resampled), windows, seeking, bad files, and how fast a long file starts.

#include "engine/audio/playback_reader.h"
#include "engine/audio/resampler.h"
#include "engine/audio/writer.h"
#include "engine/core/error.h"
#include "tests/support/fixtures.h"
#include "tests/support/signals.h"

#include <QElapsedTimer>
#include <QtTest>

#include <cmath>
#include <cstring>
#include <numbers>

namespace fs = std::filesystem;

namespace {

// Two different tones, one per channel, at a level that PCM16 represents closely.
std::vector<float> stereoTones(int rate, double seconds)
{
    return atlas::test::sines(rate, seconds, {{{440.0, 0.5}}, {{660.0, 0.3}}});
}

std::vector<float> asFloats(const std::vector<std::uint8_t>& bytes)
{
    std::vector<float> f(bytes.size() / sizeof(float));
    std::memcpy(f.data(), bytes.data(), f.size() * sizeof(float));
    return f;
}

// Reads the whole window in pieces of `pieceSeconds`.
std::vector<std::uint8_t> readAll(atlas::PlaybackReader& reader, double pieceSeconds,
                                  int* pieces = nullptr)
{
    std::vector<std::uint8_t> bytes;
    int n = 0;
    while (!reader.atEnd()) {
        const auto issue = reader.read(pieceSeconds, bytes);
        if (issue)
            throw std::runtime_error(issue->reason);
        ++n;
    }
    if (pieces)
        *pieces = n;
    return bytes;
}

} // namespace

class TestPlaybackReader : public QObject {
    Q_OBJECT

    fs::path m_dir;
    fs::path m_stereo; // 3 s, 44.1 kHz, stereo, float WAV

private slots:
    void initTestCase()
    {
        m_dir = atlas::test::makeTempDir("playback-reader");
        m_stereo = m_dir / "stereo.wav";
        atlas::writeAudioFile(m_stereo, stereoTones(44100, 3.0), 2, 44100,
                              atlas::SampleEncoding::Float32);
    }
    void cleanupTestCase()
    {
        std::error_code ec;
        fs::remove_all(m_dir, ec);
    }

    void remixByValue()
    {
        const std::vector<float> stereo = {1.0f, 0.0f, 0.5f, -0.5f};
        QCOMPARE(atlas::remixChannels(stereo, 2, 1), (std::vector<float>{0.5f, 0.0f}));
        QCOMPARE(atlas::remixChannels(stereo, 2, 2), stereo);
        const std::vector<float> mono = {0.25f, -1.0f};
        QCOMPARE(atlas::remixChannels(mono, 1, 3),
                 (std::vector<float>{0.25f, 0.25f, 0.25f, -1.0f, -1.0f, -1.0f}));
        // 4.0 (FL FR RL RR) to stereo: L = (FL + RL) / 2, R = (FR + RR) / 2.
        const std::vector<float> quad = {1.0f, 0.2f, 0.0f, 0.4f};
        const std::vector<float> folded = atlas::remixChannels(quad, 4, 2);
        QCOMPARE(folded.size(), std::size_t(2));
        QCOMPARE(folded[0], 0.5f);
        QCOMPARE(folded[1], 0.3f);
        // 3 channels to 2: channel 0 and 2 fold into the left.
        const std::vector<float> three = {0.2f, 0.6f, 0.4f};
        const std::vector<float> two = atlas::remixChannels(three, 3, 2);
        QVERIFY(std::abs(two[0] - 0.3f) < 1e-7f);
        QCOMPARE(two[1], 0.6f);
        // Stereo to 4 channels: rears silent.
        QCOMPARE(atlas::remixChannels(stereo, 2, 4),
                 (std::vector<float>{1.0f, 0.0f, 0.0f, 0.0f, 0.5f, -0.5f, 0.0f, 0.0f}));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, atlas::remixChannels(quad, 3, 1));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, atlas::remixChannels(quad, 0, 1));
    }

    void encodeByValue()
    {
        const std::vector<float> x = {0.0f, 0.5f, -1.0f, 1.5f, -2.0f, NAN, 1.0f / 32767.0f};
        std::vector<std::uint8_t> bytes;
        atlas::encodePcm(x, atlas::PcmEncoding::Int16, bytes);
        QCOMPARE(bytes.size(), x.size() * 2);
        std::vector<std::int16_t> v(x.size());
        std::memcpy(v.data(), bytes.data(), bytes.size());
        QCOMPARE(v, (std::vector<std::int16_t>{0, 16384, -32767, 32767, -32767, 0, 1}));

        std::vector<std::uint8_t> fbytes = {7}; // appends after existing bytes
        atlas::encodePcm(x, atlas::PcmEncoding::Float32, fbytes);
        QCOMPARE(fbytes.size(), 1 + x.size() * 4);
        float f[7];
        std::memcpy(f, fbytes.data() + 1, sizeof f);
        QCOMPARE(f[1], 0.5f);
        QCOMPARE(f[3], 1.5f);
        QCOMPARE(f[5], 0.0f); // NaN silenced
    }

    void formatValidation()
    {
        atlas::PlaybackReader reader;
        QVERIFY(!reader.open(m_stereo, 0.0, 0.0));
        QVERIFY_THROWS_EXCEPTION(atlas::ConfigError,
                                 reader.setOutput({500, 2, atlas::PcmEncoding::Float32}));
        QVERIFY_THROWS_EXCEPTION(atlas::ConfigError,
                                 reader.setOutput({48000, 0, atlas::PcmEncoding::Int16}));
        QCOMPARE(atlas::PlaybackFormat({48000, 2, atlas::PcmEncoding::Int16}).bytesPerFrame(),
                 std::size_t(4));
        QCOMPARE(atlas::PlaybackFormat({48000, 6, atlas::PcmEncoding::Float32}).bytesPerFrame(),
                 std::size_t(24));
    }

    // At the file's own rate, pieces concatenate to exactly one decode of the window.
    void piecesEqualOneDecode_data()
    {
        QTest::addColumn<double>("start");
        QTest::addColumn<double>("duration");
        QTest::addColumn<double>("piece");
        QTest::newRow("whole file, 0.37 s pieces") << 0.0 << 0.0 << 0.37;
        QTest::newRow("window 1.0 + 1.5 s") << 1.0 << 1.5 << 0.25;
        QTest::newRow("window past the end") << 2.5 << 10.0 << 1.0;
        QTest::newRow("one piece") << 0.5 << 1.0 << 5.0;
    }
    void piecesEqualOneDecode()
    {
        QFETCH(double, start);
        QFETCH(double, duration);
        QFETCH(double, piece);
        atlas::PlaybackReader reader;
        QVERIFY(!reader.open(m_stereo, start, duration));
        QCOMPARE(reader.output(), (atlas::PlaybackFormat{44100, 2, atlas::PcmEncoding::Float32}));
        const std::vector<float> got = asFloats(readAll(reader, piece));

        atlas::DecodeConfig cfg;
        cfg.sampleRate = 0;
        cfg.mono = false;
        cfg.offset = start;
        cfg.duration = duration;
        cfg.minDuration = 0.0;
        auto clip = atlas::decodeAudio(m_stereo, cfg);
        QVERIFY(clip);
        QCOMPARE(got.size(), clip->samples.size());
        QVERIFY(got == clip->samples);
        QCOMPARE(reader.windowSeconds(), double(clip->frames()) / 44100.0);
        QCOMPARE(reader.windowStart(), start);
    }

    // Resampled and remixed in pieces: the same as one resampling of the whole window, up to
    // the sub-sample rounding of piece boundaries.
    void resampledPiecesMatchOneResampling()
    {
        atlas::PlaybackReader reader;
        QVERIFY(!reader.open(m_stereo, 0.5, 2.0));
        reader.setOutput({48000, 1, atlas::PcmEncoding::Float32});
        int pieces = 0;
        const std::vector<float> got = asFloats(readAll(reader, 0.3, &pieces));
        QCOMPARE(pieces, 7);

        atlas::DecodeConfig cfg;
        cfg.sampleRate = 0;
        cfg.mono = false;
        cfg.offset = 0.5;
        cfg.duration = 2.0;
        auto clip = atlas::decodeAudio(m_stereo, cfg);
        QVERIFY(clip);
        const std::vector<float> mono = atlas::remixChannels(clip->samples, 2, 1);
        const std::vector<float> reference = atlas::resample(mono, 1, 44100, 48000);
        // 2 s at 48 kHz exactly (integer arithmetic); the one-shot reference's ceil() of a
        // floating-point product may add one frame.
        QCOMPARE(got.size(), std::size_t(96000));
        QVERIFY(reference.size() >= got.size() && reference.size() <= got.size() + 1);
        // The reference itself sees silence outside the window (filter edges); compare the
        // interior, where both see the true signal. Tones peak at 0.4 in the mix.
        double worst = 0.0;
        for (std::size_t i = 200; i + 200 < got.size(); ++i)
            worst = std::max(worst, double(std::abs(got[i] - reference[i])));
        QVERIFY2(worst < 2e-3, qPrintable(QString("max |diff| %1").arg(worst)));
        // And they are tones, not silence.
        double energy = 0.0;
        for (const float v : got)
            energy += double(v) * v;
        QVERIFY(energy / double(got.size()) > 0.03);
    }

    void int16Output()
    {
        atlas::PlaybackReader reader;
        QVERIFY(!reader.open(m_stereo, 0.0, 1.0));
        reader.setOutput({44100, 2, atlas::PcmEncoding::Int16});
        const std::vector<std::uint8_t> bytes = readAll(reader, 0.5);
        QCOMPARE(bytes.size(), std::size_t(44100 * 2 * 2));
        std::vector<std::int16_t> v(bytes.size() / 2);
        std::memcpy(v.data(), bytes.data(), bytes.size());
        const std::vector<float> tones = stereoTones(44100, 1.0);
        for (std::size_t i = 0; i < v.size(); i += 997)
            QCOMPARE(v[i], std::int16_t(std::lrint(tones[i] * 32767.0f)));
    }

    void seekMovesTheReadPosition()
    {
        atlas::PlaybackReader reader;
        QVERIFY(!reader.open(m_stereo, 1.0, 0.0));
        QCOMPARE(reader.windowSeconds(), 2.0);
        reader.seek(1.5);
        QCOMPARE(reader.position(), 1.5);
        const std::vector<float> rest = asFloats(readAll(reader, 10.0));
        QCOMPARE(rest.size(), std::size_t(44100 / 2 * 2));
        const std::vector<float> tones = stereoTones(44100, 3.0);
        QCOMPARE(rest.front(), tones[std::size_t(2.5 * 44100) * 2]);
        reader.seek(99.0);
        QVERIFY(reader.atEnd());
        reader.seek(-3.0);
        QCOMPARE(reader.position(), 0.0);
        QVERIFY(!reader.atEnd());
    }

    void badFilesGiveIssues()
    {
        const fs::path text = m_dir / "notes.wav";
        atlas::test::writeBytes(text, "<html>not audio</html>\n");
        atlas::PlaybackReader reader;
        auto issue = reader.open(text, 0.0, 10.0);
        QVERIFY(issue);
        QCOMPARE(issue->file, text);
        QVERIFY(!issue->reason.empty());
        QVERIFY(!reader.isOpen());
        std::vector<std::uint8_t> bytes;
        QVERIFY(!reader.read(1.0, bytes)); // nothing to read, no crash
        QVERIFY(bytes.empty());

        issue = reader.open(m_dir / "missing.flac", 0.0, 10.0);
        QVERIFY(issue);
        issue = reader.open(m_stereo, 3.5, 1.0);
        QVERIFY(issue);
        QVERIFY2(issue->reason.find("beyond the end") != std::string::npos, issue->reason.c_str());

        // The file disappears after it was opened: the next read reports it.
        const fs::path gone = m_dir / "gone.wav";
        fs::copy_file(m_stereo, gone);
        QVERIFY(!reader.open(gone, 0.0, 0.0));
        fs::remove(gone);
        issue = reader.read(0.5, bytes);
        QVERIFY(issue);
        QCOMPARE(issue->file, gone);
        QVERIFY(reader.atEnd());
    }

    // A 10-minute 48 kHz stereo file: the first second is ready quickly because only it is
    // decoded (the whole file would be 115 MB of samples).
    void longFileStartsFast()
    {
        const fs::path longFile = m_dir / "ten minutes.wav";
        atlas::writeAudioFile(longFile, stereoTones(48000, 600.0), 2, 48000);
        QElapsedTimer timer;
        timer.start();
        atlas::PlaybackReader reader;
        QVERIFY(!reader.open(longFile, 0.0, 0.0));
        std::vector<std::uint8_t> bytes;
        QVERIFY(!reader.read(1.0, bytes));
        const double firstMs = double(timer.nsecsElapsed()) / 1e6;
        QCOMPARE(bytes.size(), std::size_t(48000 * 2 * 4));
        QCOMPARE(reader.windowSeconds(), 600.0);
        qInfo("10-min 48 kHz stereo WAV: open + first 1 s decoded in %.2f ms", firstMs);
        QVERIFY2(firstMs < 250, qPrintable(QString("%1 ms").arg(firstMs)));
        // Seeking near the end is as quick.
        timer.restart();
        reader.seek(599.0);
        bytes.clear();
        QVERIFY(!reader.read(5.0, bytes));
        QVERIFY(reader.atEnd());
        QCOMPARE(bytes.size(), std::size_t(48000 * 2 * 4));
        QVERIFY(timer.elapsed() < 250);
        fs::remove(longFile);
    }
};

QTEST_GUILESS_MAIN(TestPlaybackReader)
#include "test_playback_reader.moc"
