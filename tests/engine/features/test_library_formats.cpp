// SPDX-License-Identifier: GPL-3.0-or-later
// The formats of a real library through the FFmpeg path: ALAC gives the same samples and MFCC
// statistics as FLAC of the same signal, AAC stays within a codec tolerance of the lossless
// original, the excerpt is sample-exact after a seek, and broken MP4/M4A files (no 'moov'
// index, video only, DRM, no stream) are Issues with plain reasons. The files are made from
// the real Ogg Vorbis fixture with Debian's ffmpeg command when the test starts.
#include "engine/audio/decoder.h"
#include "engine/features/audio_features.h"
#include "tests/support/fixtures.h"

#include <QProcess>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace fs = std::filesystem;

namespace {

bool ffmpeg(const QStringList& args)
{
    QProcess p;
    p.start("ffmpeg", QStringList{"-v", "error", "-y", "-nostdin"} + args);
    if (!p.waitForFinished(120000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
        qWarning() << "ffmpeg" << args << "failed:" << p.readAllStandardError();
        return false;
    }
    return true;
}

atlas::AudioClip decodeOrFail(const fs::path& file, const atlas::DecodeConfig& cfg = {})
{
    atlas::Outcome<atlas::AudioClip> clip = atlas::decodeAudio(file, cfg);
    if (!clip)
        qWarning() << QString::fromStdString(clip.issue().reason);
    return clip ? *clip : atlas::AudioClip{};
}

double maxAbsDiff(const std::vector<float>& a, const std::vector<float>& b)
{
    if (a.size() != b.size())
        return INFINITY;
    double worst = 0.0;
    for (std::size_t i = 0; i < a.size(); ++i)
        worst = std::max(worst, double(std::abs(a[i] - b[i])));
    return worst;
}

} // namespace

class TestLibraryFormats : public QObject {
    Q_OBJECT

    fs::path m_dir;

private slots:
    void initTestCase()
    {
        QVERIFY2(ffmpeg({"-version"}),
                 "the ffmpeg command is needed to make the test files (apt-get install ffmpeg)");
        m_dir = atlas::test::makeTempDir("library_formats");
        const QString source = QString::fromStdString(atlas::test::fixture("mfcc/wesnoth_frantic.ogg"));
        const QString wav = QString::fromStdString((m_dir / "w.wav").string());
        // 40 s of real 44.1 kHz stereo music as 16-bit PCM: the one signal every format holds.
        QVERIFY(ffmpeg({"-i", source, "-t", "40", "-c:a", "pcm_s16le", wav}));
        auto out = [&](const char* name) { return QString::fromStdString((m_dir / name).string()); };
        QVERIFY(ffmpeg({"-i", wav, "-c:a", "flac", out("w.flac")}));
        QVERIFY(ffmpeg({"-i", wav, "-c:a", "alac", out("w_alac.m4a")}));
        QVERIFY(ffmpeg({"-i", wav, "-c:a", "aac", "-b:a", "192k", out("w_aac.m4a")}));
        QVERIFY(ffmpeg({"-i", wav, "-c:a", "wmav2", "-b:a", "192k", out("w.wma")}));

        // Broken files. An M4A cut before its 'moov' index (ffmpeg writes it after the audio).
        const std::string whole = atlas::test::readFile(m_dir / "w_aac.m4a");
        const auto moov = whole.find("moov");
        QVERIFY(moov != std::string::npos && moov > whole.find("mdat"));
        atlas::test::writeBytes(m_dir / "no_moov.m4a", whole.substr(0, moov - 4));
        // A video without sound.
        QVERIFY(ffmpeg({"-f", "lavfi", "-i", "testsrc=duration=1:size=64x64:rate=10", "-c:v",
                        "mpeg4", out("video_only.mp4")}));
        // FairPlay-protected audio announces itself with a 'drms' sample entry.
        std::string drm = atlas::test::readFile(m_dir / "w_alac.m4a");
        const auto entry = drm.find("alac", drm.find("stsd"));
        QVERIFY(entry != std::string::npos);
        drm.replace(entry, 4, "drms");
        atlas::test::writeBytes(m_dir / "protected.m4p", drm);
        // Downloads cut short: a FLAC and an M4A with its index at the front (faststart) cut
        // at 25 %, so the middle their headers point to is missing.
        QVERIFY(ffmpeg({"-i", wav, "-c:a", "aac", "-movflags", "+faststart", out("w_fast.m4a")}));
        for (const char* name : {"w.flac", "w_fast.m4a"}) {
            const std::string bytes = atlas::test::readFile(m_dir / name);
            atlas::test::writeBytes(m_dir / ("cut_" + std::string(name)),
                                    bytes.substr(0, bytes.size() / 4));
        }
        // An MP4 with no stream at all (a zero-length export).
        QVERIFY(ffmpeg({"-f", "lavfi", "-i", "anullsrc=r=44100:cl=stereo", "-t", "0", "-c:a",
                        "aac", out("empty_stream.m4a")}));
    }

    void cleanupTestCase() { fs::remove_all(m_dir); }

    void alacEqualsFlac()
    {
        // Both lossless: the same samples, so the same MFCC statistics (the issue asks 1e-4).
        const atlas::AudioClip flac = decodeOrFail(m_dir / "w.flac");
        const atlas::AudioClip alac = decodeOrFail(m_dir / "w_alac.m4a");
        QCOMPARE(flac.format, std::string("FLAC"));
        QCOMPARE(alac.format, std::string("M4A (ALAC)"));
        QCOMPARE(alac.sampleRate, 22050);
        QCOMPARE(alac.sourceSampleRate, 44100);
        QCOMPARE(alac.sourceChannels, 2);
        QCOMPARE(alac.samples.size(), std::size_t(220500));
        QCOMPARE(maxAbsDiff(alac.samples, flac.samples), 0.0);
        const atlas::RowVector a = atlas::audioClipFeatures(flac.samples);
        const atlas::RowVector b = atlas::audioClipFeatures(alac.samples);
        QVERIFY((a - b).cwiseAbs().maxCoeff() <= 1e-4);
    }

    void aacWithinCodecTolerance()
    {
        // AAC at 192 kbit/s against the lossless original: the 40 statistics differ by the
        // codec's loss only. The stated tolerance, in MFCC units: 2.0 on each of the 20 means
        // (measured: 1.34 at most, on c2) and 0.5 on each of the 20 standard deviations
        // (measured: 0.30), and the whole codec difference under a fifth of the difference
        // between two excerpts of the same piece (measured: a twentieth). A wrong alignment
        // (priming samples kept) or channel mix fails the correlation check below.
        const atlas::AudioClip flac = decodeOrFail(m_dir / "w.flac");
        const atlas::AudioClip aac = decodeOrFail(m_dir / "w_aac.m4a");
        QCOMPARE(aac.format, std::string("M4A (AAC)"));
        QCOMPARE(aac.samples.size(), flac.samples.size());
        const atlas::RowVector a = atlas::audioClipFeatures(flac.samples);
        const atlas::RowVector b = atlas::audioClipFeatures(aac.samples);
        const double worst = (a - b).cwiseAbs().maxCoeff();
        QString table;
        for (Eigen::Index j = 0; j < a.size(); ++j)
            table += QString(" %1:%2").arg(j).arg(a(j) - b(j), 0, 'f', 3);
        qInfo("AAC vs FLAC: largest statistic difference %.4f (largest statistic %.1f);%s",
              worst, a.cwiseAbs().maxCoeff(), qPrintable(table));
        QVERIFY(worst <= 2.0);
        QVERIFY((a - b).tail(20).cwiseAbs().maxCoeff() <= 0.5);
        atlas::DecodeConfig later;
        later.offset = 20.0;
        const atlas::RowVector other =
            atlas::audioClipFeatures(decodeOrFail(m_dir / "w.flac", later).samples);
        qInfo("codec distance %.3f, distance to another excerpt %.3f", (a - b).norm(),
              (a - other).norm());
        QVERIFY((a - b).norm() <= 0.2 * (a - other).norm());
        // Sample alignment: the waveforms correlate at lag 0 better than at +-1 AAC frame.
        auto correlation = [&](long lag) {
            double s = 0.0;
            for (std::size_t i = 2048; i + 2048 < flac.samples.size(); ++i)
                s += double(flac.samples[i]) * double(aac.samples[std::size_t(long(i) + lag)]);
            return s;
        };
        QVERIFY(correlation(0) > correlation(512));
        QVERIFY(correlation(0) > correlation(-512));
    }

    void excerptAfterSeekIsExact()
    {
        // The middle of the track (seek with pre-roll on the FFmpeg path, exact seek in
        // libsndfile) and an offset give the same samples through both paths.
        atlas::DecodeConfig middle;
        middle.excerpt = atlas::ExcerptPosition::Middle;
        middle.sampleRate = 0;
        const atlas::AudioClip flac = decodeOrFail(m_dir / "w.flac", middle);
        const atlas::AudioClip alac = decodeOrFail(m_dir / "w_alac.m4a", middle);
        QCOMPARE(flac.samples.size(), std::size_t(441000));
        QCOMPARE(maxAbsDiff(alac.samples, flac.samples), 0.0);
        // ... and they are the middle: frames 661500 .. 1102500 of the whole file.
        atlas::DecodeConfig whole;
        whole.sampleRate = 0;
        whole.duration = 0;
        const atlas::AudioClip all = decodeOrFail(m_dir / "w_alac.m4a", whole);
        QCOMPARE(all.samples.size(), std::size_t(1764000));
        const std::vector<float> slice(all.samples.begin() + 661500, all.samples.begin() + 1102500);
        QCOMPARE(maxAbsDiff(alac.samples, slice), 0.0);

        atlas::DecodeConfig offset;
        offset.offset = 12.345;
        const atlas::AudioClip a = decodeOrFail(m_dir / "w.flac", offset);
        const atlas::AudioClip b = decodeOrFail(m_dir / "w_alac.m4a", offset);
        QCOMPARE(maxAbsDiff(a.samples, b.samples), 0.0);

        // Auto: a 40-s track is longer than 60 s? No: it is read from its start.
        atlas::DecodeConfig automatic;
        automatic.excerpt = atlas::ExcerptPosition::Auto;
        const atlas::AudioClip start = decodeOrFail(m_dir / "w_alac.m4a");
        QCOMPARE(maxAbsDiff(decodeOrFail(m_dir / "w_alac.m4a", automatic).samples, start.samples),
                 0.0);
        automatic.autoMiddleAbove = 30.0;   // now it counts as long: the middle
        middle.sampleRate = 22050;
        QCOMPARE(maxAbsDiff(decodeOrFail(m_dir / "w_alac.m4a", automatic).samples,
                            decodeOrFail(m_dir / "w_alac.m4a", middle).samples),
                 0.0);
    }

    void truncatedTrackFallsBackToItsStart()
    {
        // The headers announce 40 s; 10 s are there. The middle excerpt (15-25 s) cannot be
        // had, so the excerpt is taken from the start, with a warning, instead of losing the
        // track.
        atlas::DecodeConfig middle;
        middle.excerpt = atlas::ExcerptPosition::Middle;
        for (const char* name : {"cut_w.flac", "cut_w_fast.m4a"}) {
            const atlas::Outcome<atlas::AudioClip> clip = atlas::decodeAudio(m_dir / name, middle);
            QVERIFY2(clip, clip ? name : clip.issue().reason.c_str());
            QVERIFY(!clip->warnings.empty());
            QVERIFY2(clip->warnings[0].find("taken from the start") != std::string::npos,
                     clip->warnings[0].c_str());
            QVERIFY(clip->samples.size() > 22050 * 5);
        }
        // The same excerpt as a decode from the start (what remains of the file).
        atlas::DecodeConfig start;
        start.duration = 5.0;
        middle.duration = 5.0;
        const atlas::AudioClip a = decodeOrFail(m_dir / "cut_w.flac", start);
        const atlas::AudioClip b = decodeOrFail(m_dir / "cut_w.flac", middle);
        QCOMPARE(maxAbsDiff(a.samples, b.samples), 0.0);
    }

    void otherFfmpegFormats()
    {
        const atlas::AudioClip wma = decodeOrFail(m_dir / "w.wma");
        QCOMPARE(wma.format, std::string("ASF (WMA)"));
        QCOMPARE(wma.samples.size(), std::size_t(220500));
        const atlas::Outcome<atlas::AudioInfo> info = atlas::probeAudio(m_dir / "w_aac.m4a");
        QVERIFY(info);
        QCOMPARE(info->sampleRate, 44100);
        QCOMPARE(info->channels, 2);
        QVERIFY(std::abs(info->duration - 40.0) < 0.1);
    }

    void brokenFilesAreIssues_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("reason");
        QTest::newRow("no moov") << "no_moov.m4a" << "'moov'";
        QTest::newRow("video only") << "video_only.mp4" << "no audio stream: the file holds only video";
        QTest::newRow("drm") << "protected.m4p" << "protected by DRM";
        QTest::newRow("no stream") << "empty_stream.m4a" << "no audio stream";
    }
    void brokenFilesAreIssues()
    {
        QFETCH(QString, file);
        QFETCH(QString, reason);
        const fs::path path = m_dir / file.toStdString();
        const atlas::Outcome<atlas::AudioClip> clip = atlas::decodeAudio(path);
        QVERIFY(!clip);
        QCOMPARE(clip.issue().file, path);
        QVERIFY2(QString::fromStdString(clip.issue().reason).contains(reason),
                 clip.issue().reason.c_str());
        QVERIFY(!atlas::probeAudio(path));
        // In a batch, the good files go on.
        atlas::Diagnostics diagnostics;
        const atlas::AudioFeatures features =
            atlas::extractAudioFeatures({path, m_dir / "w.flac"}, {}, diagnostics);
        QCOMPARE(features.ok, (std::vector<bool>{false, true}));
        QCOMPARE(diagnostics.size(), std::size_t(1));
    }
};

QTEST_GUILESS_MAIN(TestLibraryFormats)
#include "test_library_formats.moc"
