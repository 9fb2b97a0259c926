// SPDX-License-Identifier: GPL-3.0-or-later
// Decoder: good files of every supported container, librosa.load semantics (offset, duration,
// mono mix, resampling) and a bad-input corpus in the manner of Sonic Visualiser's
// BogusAudioFileReaderTest: every case must give an Issue naming the file, never a crash.
#include "engine/audio/decoder.h"
#include "engine/audio/writer.h"
#include "engine/core/error.h"
#include "engine/core/random.h"
#include "tests/support/fixtures.h"
#include "tests/support/signals.h"

#include <QtTest>

#include <sndfile.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <numbers>
#include <vector>

namespace fs = std::filesystem;

namespace {

// Interleaved test tone: channel c is a sine at 220*(c+1) Hz, amplitude 0.25.
std::vector<float> tone(double seconds, int rate, int channels)
{
    std::vector<std::vector<atlas::test::Partial>> partials;
    for (int c = 0; c < channels; ++c)
        partials.push_back({{220.0 * (c + 1), 0.25}});
    return atlas::test::sines(rate, seconds, partials);
}

// Writes with libsndfile directly, for encodings writeAudioFile() does not offer (MP3, Opus,
// 32-bit float WAV with non-finite values). Returns false when this libsndfile cannot.
bool writeWithSndfile(const fs::path& file, const std::vector<float>& x, int channels, int rate,
                      int format)
{
    SF_INFO info{};
    info.samplerate = rate;
    info.channels = channels;
    info.format = format;
    if (!sf_format_check(&info))
        return false;
    SNDFILE* sf = sf_open(file.c_str(), SFM_WRITE, &info);
    if (!sf)
        return false;
    const sf_count_t frames = sf_count_t(x.size() / std::size_t(channels));
    const bool ok = sf_writef_float(sf, x.data(), frames) == frames;
    return sf_close(sf) == 0 && ok;
}

bool containsAll(const std::string& text, const QStringList& words)
{
    const QString lower = QString::fromStdString(text).toLower();
    for (const QString& w : words)
        if (!lower.contains(w.toLower()))
            return false;
    return true;
}

// Overwrites bytes of a file in place (to forge a header field).
void patchBytes(const fs::path& file, std::size_t at, const std::string& bytes)
{
    std::fstream f(file, std::ios::binary | std::ios::in | std::ios::out);
    f.seekp(std::streamoff(at));
    f.write(bytes.data(), std::streamsize(bytes.size()));
}

std::string le32(std::uint32_t v)
{
    return {char(v & 0xff), char((v >> 8) & 0xff), char((v >> 16) & 0xff), char(v >> 24)};
}

std::string be32(std::uint32_t v)
{
    return {char(v >> 24), char((v >> 16) & 0xff), char((v >> 8) & 0xff), char(v & 0xff)};
}

// AIFF's 80-bit IEEE extended sample rate (big-endian) of a positive integer.
std::string aiffRate(std::uint64_t rate)
{
    int exponent = 63;
    while (!(rate & (std::uint64_t(1) << 63))) {
        rate <<= 1;
        --exponent;
    }
    std::string out = {char((16383 + exponent) >> 8), char((16383 + exponent) & 0xff)};
    for (int i = 7; i >= 0; --i)
        out.push_back(char((rate >> (8 * i)) & 0xff));
    return out;
}

} // namespace

class TestDecoder : public QObject {
    Q_OBJECT

    fs::path m_dir;

private slots:
    void initTestCase()
    {
        m_dir = atlas::test::makeTempDir("decoder");
        const std::string text = "This is not audio. It is a plain text file with some words.\n";
        std::string lines;
        for (int i = 0; i < 40; ++i)
            lines += text;
        for (const char* ext : {".wav", ".au", ".flac", ".ogg", ".opus", ".mp3"}) {
            atlas::test::writeBytes(m_dir / (std::string("empty") + ext), "");
            atlas::test::writeBytes(m_dir / (std::string("text") + ext), lines);
        }
        atlas::test::writeBytes(m_dir / "page.mp3",
                                "<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head>"
                                "<body><h1>Not Found</h1></body></html>\n");
        // Random bytes: no container magic, not text.
        atlas::Rng rng(7);
        std::string noise(20000, '\0');
        for (char& c : noise)
            c = char(rng.below(256));
        noise[0] = 'x'; // never an accidental MPEG sync word at the start
        atlas::test::writeBytes(m_dir / "noise.wav", noise);
        atlas::test::writeBytes(m_dir / "noise.flac", noise);
        atlas::test::writeBytes(m_dir / "noise.mp3", noise);
        atlas::test::writeBytes(m_dir / "noise.ogg", noise);
        // An MP4/M4A (AAC) header: size, 'ftyp', brand.
        atlas::test::writeBytes(m_dir / "song.m4a",
                                std::string("\0\0\0\x20" "ftypM4A \0\0\0\0M4A mp42isom\0\0\0\0", 32) +
                                    std::string(4000, '\x11'));
        atlas::test::writeBytes(m_dir / "song.wma",
                                std::string("\x30\x26\xB2\x75\x8E\x66\xCF\x11\xA6\xD9\x00\xAA", 12) +
                                    std::string(4000, '\x22'));

        // Truncated files: a 10-s WAV/FLAC cut to a fraction of its size.
        const auto mono10 = tone(10.0, 22050, 1);
        atlas::writeAudioFile(m_dir / "full.wav", mono10, 1, 22050);
        atlas::writeAudioFile(m_dir / "full.flac", mono10, 1, 22050);
        const std::string wav = atlas::test::readFile(m_dir / "full.wav");
        const std::string flac = atlas::test::readFile(m_dir / "full.flac");
        atlas::test::writeBytes(m_dir / "truncated_usable.wav", wav.substr(0, wav.size() / 4));
        atlas::test::writeBytes(m_dir / "truncated_short.wav", wav.substr(0, 44 + 2000));
        // Cut exactly after 3 s of 16-bit frames: only the header's data size tells.
        atlas::test::writeBytes(m_dir / "truncated_frames.wav", wav.substr(0, 44 + 2 * 22050 * 3));
        atlas::test::writeBytes(m_dir / "truncated_usable.flac", flac.substr(0, flac.size() / 2));
        atlas::test::writeBytes(m_dir / "truncated_short.flac", flac.substr(0, 300));

        std::vector<float> nan = tone(2.0, 22050, 1);
        for (std::size_t i = 1000; i < nan.size(); i += 7)
            nan[i] = std::numeric_limits<float>::quiet_NaN();
        atlas::writeAudioFile(m_dir / "nan.wav", nan, 1, 22050, atlas::SampleEncoding::Float32);
        std::vector<float> inf = tone(2.0, 22050, 1);
        inf[5000] = std::numeric_limits<float>::infinity();
        atlas::writeAudioFile(m_dir / "inf.wav", inf, 1, 22050, atlas::SampleEncoding::Float32);
        atlas::writeAudioFile(m_dir / "short.wav", tone(0.05, 22050, 1), 1, 22050);
        fs::create_directories(m_dir / "x.wav");

        // Good files, including ones with misleading extensions and awkward names.
        atlas::writeAudioFile(m_dir / "stereo44.wav", tone(10.0, 44100, 2), 2, 44100);
        atlas::writeAudioFile(m_dir / "stereo48.flac", tone(10.0, 48000, 2), 2, 48000);
        atlas::writeAudioFile(m_dir / "stereo44.ogg", tone(10.0, 44100, 2), 2, 44100);
        atlas::writeAudioFile(m_dir / "stereo44.au", tone(3.0, 44100, 2), 2, 44100);
        fs::copy_file(m_dir / "stereo48.flac", m_dir / "really_flac.wav");
        fs::copy_file(m_dir / "stereo44.ogg", m_dir / "really_ogg.mp3");
        atlas::writeAudioFile(m_dir / "Ünïcødé – ☃ 🎵 song.wav", tone(3.0, 44100, 2), 2, 44100);
        atlas::writeAudioFile(m_dir / "it's a \"quoted\" name & more.flac", tone(3.0, 48000, 1),
                              1, 48000);
        atlas::writeAudioFile(m_dir / "日本語の曲.ogg", tone(3.0, 48000, 2), 2, 48000);
        atlas::writeAudioFile(m_dir / " leading space.wav", tone(3.0, 22050, 1), 1, 22050);
        m_haveMp3 = writeWithSndfile(m_dir / "stereo44.mp3", tone(10.0, 44100, 2), 2, 44100,
                                     SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III);
        m_haveOpus = writeWithSndfile(m_dir / "stereo48.opus", tone(10.0, 48000, 2), 2, 48000,
                                      SF_FORMAT_OGG | SF_FORMAT_OPUS);
        writeWithSndfile(m_dir / "wavex.wav", tone(3.0, 44100, 2), 2, 44100,
                         SF_FORMAT_WAVEX | SF_FORMAT_PCM_24);
    }
    void cleanupTestCase()
    {
        std::error_code ec;
        fs::remove_all(m_dir, ec);
    }

    void badInputGivesIssue_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QStringList>("keywords");
        for (const char* ext : {".wav", ".au", ".flac", ".ogg", ".opus", ".mp3"}) {
            QTest::newRow((std::string("empty") + ext).c_str())
                << QString("empty") + ext << QStringList{"empty"};
            QTest::newRow((std::string("text") + ext).c_str())
                << QString("text") + ext << QStringList{"not an audio file", "text"};
        }
        QTest::newRow("html page") << "page.mp3" << QStringList{"not an audio file", "HTML"};
        QTest::newRow("noise wav") << "noise.wav" << QStringList{"unrecognised"};
        QTest::newRow("noise flac") << "noise.flac" << QStringList{"unrecognised"};
        QTest::newRow("noise mp3") << "noise.mp3" << QStringList{"unrecognised"};
        QTest::newRow("noise ogg") << "noise.ogg" << QStringList{"unrecognised"};
        // An MP4 header without its 'moov' index, and an ASF header over garbage: both go to
        // the FFmpeg path, which names what is wrong.
        QTest::newRow("m4a") << "song.m4a" << QStringList{"incomplete MP4/M4A", "'moov'"};
        QTest::newRow("wma") << "song.wma" << QStringList{"unrecognised or corrupt"};
        QTest::newRow("truncated wav") << "truncated_short.wav" << QStringList{"truncated"};
        QTest::newRow("truncated flac") << "truncated_short.flac" << QStringList{"corrupt"};
        QTest::newRow("nan") << "nan.wav" << QStringList{"NaN"};
        QTest::newRow("inf") << "inf.wav" << QStringList{"infinity"};
        QTest::newRow("short") << "short.wav" << QStringList{"too short", "0.05 s"};
        QTest::newRow("directory") << "x.wav" << QStringList{"folder"};
        QTest::newRow("missing") << "missing.wav" << QStringList{"not found"};
    }
    void badInputGivesIssue()
    {
        QFETCH(QString, name);
        QFETCH(QStringList, keywords);
        const fs::path file = m_dir / name.toStdString();
        const auto clip = atlas::decodeAudio(file, {});
        QVERIFY2(!clip, qPrintable(name + " decoded unexpectedly"));
        const atlas::Issue& issue = clip.issue();
        QCOMPARE(issue.file, file);
        qInfo("%s: %s", qPrintable(name), issue.reason.c_str());
        QVERIFY2(containsAll(issue.reason, keywords), issue.reason.c_str());
        // The probe agrees for header-level problems (it never decodes samples).
        const auto info = atlas::probeAudio(file);
        if (!info)
            QCOMPARE(info.issue().file, file);
    }

    void truncatedButUsableDecodesWithWarning_data()
    {
        QTest::addColumn<QString>("name");
        QTest::newRow("wav") << "truncated_usable.wav";
        QTest::newRow("wav at a frame boundary") << "truncated_frames.wav";
        QTest::newRow("flac") << "truncated_usable.flac";
    }
    void truncatedButUsableDecodesWithWarning()
    {
        QFETCH(QString, name);
        const auto clip = atlas::decodeAudio(m_dir / name.toStdString(), {});
        QVERIFY2(bool(clip), clip ? "" : clip.issue().reason.c_str());
        QVERIFY(clip->duration() > 0.5 && clip->duration() < 9.0);
        QCOMPARE(clip->warnings.size(), std::size_t(1));
        qInfo("%s: %s", qPrintable(name), clip->warnings[0].c_str());
        QVERIFY(containsAll(clip->warnings[0], {"truncated"}));
    }

    void unreadableFileGivesIssue()
    {
        const fs::path file = m_dir / "locked.wav";
        atlas::writeAudioFile(file, tone(1.0, 22050, 1), 1, 22050);
        fs::permissions(file, fs::perms::none);
        if (std::ifstream(file).good()) {
            fs::permissions(file, fs::perms::owner_all);
            QSKIP("running with privileges that ignore file permissions");
        }
        const auto clip = atlas::decodeAudio(file, {});
        fs::permissions(file, fs::perms::owner_all);
        QVERIFY(!clip);
        QVERIFY2(containsAll(clip.issue().reason, {"permission denied"}),
                 clip.issue().reason.c_str());
    }

    void goodFilesDecode_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("format");
        QTest::addColumn<int>("nativeRate");
        QTest::addColumn<int>("nativeChannels");
        QTest::addColumn<double>("seconds");
        QTest::newRow("wav 44.1k stereo") << "stereo44.wav" << "WAV (PCM 16-bit)" << 44100 << 2 << 10.0;
        QTest::newRow("flac 48k stereo") << "stereo48.flac" << "FLAC" << 48000 << 2 << 10.0;
        QTest::newRow("ogg 44.1k stereo") << "stereo44.ogg" << "Ogg Vorbis" << 44100 << 2 << 10.0;
        QTest::newRow("au") << "stereo44.au" << "AU (PCM 16-bit)" << 44100 << 2 << 3.0;
        QTest::newRow("wavex") << "wavex.wav" << "WAV extensible (PCM 24-bit)" << 44100 << 2 << 3.0;
        QTest::newRow("flac named .wav") << "really_flac.wav" << "FLAC" << 48000 << 2 << 10.0;
        QTest::newRow("ogg named .mp3") << "really_ogg.mp3" << "Ogg Vorbis" << 44100 << 2 << 10.0;
        QTest::newRow("unicode name") << "Ünïcødé – ☃ 🎵 song.wav" << "WAV (PCM 16-bit)" << 44100 << 2 << 3.0;
        QTest::newRow("quotes name") << "it's a \"quoted\" name & more.flac" << "FLAC" << 48000 << 1 << 3.0;
        QTest::newRow("cjk name") << "日本語の曲.ogg" << "Ogg Vorbis" << 48000 << 2 << 3.0;
        QTest::newRow("leading space") << " leading space.wav" << "WAV (PCM 16-bit)" << 22050 << 1 << 3.0;
        QTest::newRow("mp3") << "stereo44.mp3" << "MP3" << 44100 << 2 << 10.0;
        QTest::newRow("opus") << "stereo48.opus" << "Ogg Opus" << 48000 << 2 << 10.0;
    }
    void goodFilesDecode()
    {
        QFETCH(QString, name);
        QFETCH(QString, format);
        QFETCH(int, nativeRate);
        QFETCH(int, nativeChannels);
        QFETCH(double, seconds);
        if (name.endsWith(".mp3") && name.startsWith("stereo") && !m_haveMp3)
            QSKIP("this libsndfile cannot write MP3");
        if (name.endsWith(".opus") && !m_haveOpus)
            QSKIP("this libsndfile cannot write Opus");
        const fs::path file = m_dir / name.toStdString();
        const auto clip = atlas::decodeAudio(file, {});
        QVERIFY2(bool(clip), clip ? "" : clip.issue().reason.c_str());
        QCOMPARE(QString::fromStdString(clip->format), format);
        QCOMPARE(clip->sourceSampleRate, nativeRate);
        QCOMPARE(clip->sourceChannels, nativeChannels);
        QCOMPARE(clip->sampleRate, 22050);
        QCOMPARE(clip->channels, 1);
        QVERIFY(clip->warnings.empty());
        // 22,050 Hz x min(10 s, file length): exact for every container with an exact length.
        // MP3 encoders add priming/padding frames that libsndfile/mpg123 may or may not strip,
        // so its length may differ by up to two MP3 frames (2 x 1152 samples at 44.1 kHz).
        const std::size_t expected = std::size_t(std::llround(22050 * std::min(seconds, 10.0)));
        const double slack = name.endsWith(".mp3") && name.startsWith("stereo") ? 1152.0 : 0.0;
        QVERIFY2(std::abs(double(clip->samples.size()) - double(expected)) <= slack,
                 qPrintable(QString::number(clip->samples.size())));
        QVERIFY(std::abs(clip->sourceDuration - seconds) < 0.1);
        // The mix of 220 Hz and 440 Hz tones at 0.25 has RMS 0.25/sqrt(2)/... : check it is
        // audio of the right level rather than silence or garbage (lossy codecs included).
        double energy = 0.0;
        for (float v : clip->samples)
            energy += double(v) * v;
        const double rms = std::sqrt(energy / double(clip->samples.size()));
        const double expectedRms = nativeChannels == 1 ? 0.25 / std::sqrt(2.0) : 0.125;
        QVERIFY2(std::abs(rms - expectedRms) < 0.02, qPrintable(QString::number(rms)));

        const auto info = atlas::probeAudio(file);
        QVERIFY(bool(info));
        QCOMPARE(info->sampleRate, nativeRate);
        QCOMPARE(info->channels, nativeChannels);
        QCOMPARE(QString::fromStdString(info->format), format);
    }

    void stereo44kBecomes22kMonoOfExactLength()
    {
        const auto clip = atlas::decodeAudio(m_dir / "stereo44.wav", {});
        QVERIFY(bool(clip));
        QCOMPARE(clip->samples.size(), std::size_t(220500));
        QCOMPARE(clip->sampleRate, 22050);
        // Keep channels and native rate (playback path).
        atlas::DecodeConfig cfg;
        cfg.sampleRate = 0;
        cfg.mono = false;
        cfg.duration = 0.0;
        const auto raw = atlas::decodeAudio(m_dir / "stereo44.wav", cfg);
        QVERIFY(bool(raw));
        QCOMPARE(raw->channels, 2);
        QCOMPARE(raw->sampleRate, 44100);
        QCOMPARE(raw->samples.size(), std::size_t(2 * 441000));
        // The mono mix is the float32 mean of the channels, as numpy's mean in librosa.to_mono.
        cfg.mono = true;
        const auto mono = atlas::decodeAudio(m_dir / "stereo44.wav", cfg);
        QVERIFY(bool(mono));
        for (std::size_t t = 0; t < 1000; ++t)
            QCOMPARE(mono->samples[t], (raw->samples[2 * t] + raw->samples[2 * t + 1]) / 2.0f);
    }

    void offsetAndDurationAreHonoured()
    {
        atlas::DecodeConfig cfg;
        cfg.sampleRate = 0;
        cfg.mono = false;
        cfg.duration = 0.0;
        const auto whole = atlas::decodeAudio(m_dir / "stereo48.flac", cfg);
        QVERIFY(bool(whole));
        cfg.offset = 1.5;
        cfg.duration = 2.25;
        const auto part = atlas::decodeAudio(m_dir / "stereo48.flac", cfg);
        QVERIFY(bool(part));
        // librosa/soundfile: start int(1.5*48000) = 72000, length int(2.25*48000) = 108000.
        QCOMPARE(part->samples.size(), std::size_t(2 * 108000));
        for (std::size_t i = 0; i < part->samples.size(); i += 997)
            QCOMPARE(part->samples[i], whole->samples[2 * 72000 + i]);
        // Duration past the end: what is there.
        cfg.offset = 9.0;
        cfg.duration = 5.0;
        const auto tail = atlas::decodeAudio(m_dir / "stereo48.flac", cfg);
        QVERIFY(bool(tail));
        QCOMPARE(tail->samples.size(), std::size_t(2 * 48000));
        // Offset past the end, and too little left after the offset.
        cfg.offset = 12.0;
        const auto beyond = atlas::decodeAudio(m_dir / "stereo48.flac", cfg);
        QVERIFY(!beyond);
        QVERIFY2(containsAll(beyond.issue().reason, {"beyond the end"}),
                 beyond.issue().reason.c_str());
        cfg.offset = 9.9;
        const auto little = atlas::decodeAudio(m_dir / "stereo48.flac", cfg);
        QVERIFY(!little);
        QVERIFY2(containsAll(little.issue().reason, {"too short"}), little.issue().reason.c_str());
        // Resampled length follows ceil(frames * 22050 / 48000).
        atlas::DecodeConfig resampled;
        resampled.offset = 1.0;
        resampled.duration = 1.0;
        const auto r = atlas::decodeAudio(m_dir / "stereo48.flac", resampled);
        QVERIFY(bool(r));
        QCOMPARE(r->samples.size(), std::size_t(22050));
        if (m_haveMp3) {
            cfg = {};
            cfg.offset = 20.0;
            const auto mp3 = atlas::decodeAudio(m_dir / "stereo44.mp3", cfg);
            QVERIFY(!mp3);
            QVERIFY2(containsAll(mp3.issue().reason, {"beyond the end"}),
                     mp3.issue().reason.c_str());
        }
    }

    void invalidConfigThrows()
    {
        atlas::DecodeConfig cfg;
        QVERIFY(cfg.validate().empty());
        cfg.sampleRate = -1;
        QVERIFY_THROWS_EXCEPTION(atlas::ConfigError, atlas::decodeAudio(m_dir / "stereo44.wav", cfg));
        cfg = {};
        cfg.offset = -1.0;
        QVERIFY_THROWS_EXCEPTION(atlas::ConfigError, atlas::decodeAudio(m_dir / "stereo44.wav", cfg));
        cfg = {};
        cfg.duration = std::numeric_limits<double>::quiet_NaN();
        QVERIFY(!cfg.validate().empty());
        cfg = {};
        cfg.minDuration = -0.1;
        QVERIFY(!cfg.validate().empty());
    }

    // Headers claiming what no audio file holds (found by fuzzing the CLI): each is reported
    // with the header's value, without a huge allocation or minutes of resampling.
    void implausibleHeaderGivesIssue_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QStringList>("keywords");
        const auto mono = tone(2.0, 22050, 1);
        atlas::writeAudioFile(m_dir / "ghz.wav", mono, 1, 22050);
        patchBytes(m_dir / "ghz.wav", 24, le32(2'000'000'000u) + le32(4'000'000'000u));
        atlas::writeAudioFile(m_dir / "ghz.au", mono, 1, 22050);
        patchBytes(m_dir / "ghz.au", 16, be32(2'000'000'000u));
        QVERIFY(writeWithSndfile(m_dir / "ghz.aiff", mono, 1, 22050,
                                 SF_FORMAT_AIFF | SF_FORMAT_PCM_16));
        const std::string aiff = atlas::test::readFile(m_dir / "ghz.aiff");
        const std::size_t comm = aiff.find("COMM");
        QVERIFY(comm != std::string::npos);
        fs::copy_file(m_dir / "ghz.aiff", m_dir / "onehz.aiff");
        patchBytes(m_dir / "ghz.aiff", comm + 16, aiffRate(2'000'000));
        patchBytes(m_dir / "onehz.aiff", comm + 16, aiffRate(1));
        atlas::writeAudioFile(m_dir / "channels.wav", mono, 1, 22050);
        patchBytes(m_dir / "channels.wav", 22, std::string("\xC8\x00", 2));   // 200 channels
        // A FLAC whose STREAMINFO claims 2^36 - 1 frames in a file of a few kilobytes.
        atlas::writeAudioFile(m_dir / "frames.flac", mono, 1, 22050);
        std::string flac = atlas::test::readFile(m_dir / "frames.flac");
        QCOMPARE(flac.substr(0, 4), std::string("fLaC"));
        flac[8 + 13] = char((flac[8 + 13] & 0xF0) | 0x0F);
        for (int i = 14; i < 18; ++i)
            flac[std::size_t(8 + i)] = char(0xFF);
        atlas::test::writeBytes(m_dir / "frames.flac", flac);

        QTest::newRow("wav at 2 GHz") << "ghz.wav" << QStringList{"sample rate", "2000000000 Hz"};
        QTest::newRow("au at 2 GHz") << "ghz.au" << QStringList{"sample rate", "2000000000 Hz"};
        QTest::newRow("aiff at 2 MHz") << "ghz.aiff" << QStringList{"sample rate", "2000000 Hz"};
        QTest::newRow("aiff at 1 Hz") << "onehz.aiff" << QStringList{"sample rate", " 1 Hz"};
        QTest::newRow("200 channels") << "channels.wav" << QStringList{"200 channels"};
        QTest::newRow("flac frames") << "frames.flac" << QStringList{"68719476735 frames"};
    }
    void implausibleHeaderGivesIssue()
    {
        QFETCH(QString, name);
        QFETCH(QStringList, keywords);
        const fs::path file = m_dir / name.toStdString();
        atlas::DecodeConfig cfg;
        cfg.duration = 0.0;   // to the end: the header's length decides how much is read
        for (const atlas::DecodeConfig& c : {atlas::DecodeConfig{}, cfg}) {
            const auto clip = atlas::decodeAudio(file, c);
            QVERIFY2(!clip, qPrintable(name + " decoded unexpectedly"));
            QCOMPARE(clip.issue().file, file);
            qInfo("%s: %s", qPrintable(name), clip.issue().reason.c_str());
            QVERIFY2(containsAll(clip.issue().reason, keywords), clip.issue().reason.c_str());
        }
        const auto info = atlas::probeAudio(file);
        QVERIFY(!info);
        QVERIFY2(containsAll(info.issue().reason, keywords), info.issue().reason.c_str());
    }

    void silentFileDecodesToZeros()
    {
        const fs::path file = m_dir / "silence.wav";
        atlas::writeAudioFile(file, std::vector<float>(2 * 44100 * 2, 0.0f), 2, 44100);
        const auto clip = atlas::decodeAudio(file, {});
        QVERIFY(bool(clip));
        QCOMPARE(clip->samples.size(), std::size_t(44100));
        for (float v : clip->samples)
            QCOMPARE(v, 0.0f);
    }

private:
    bool m_haveMp3 = false;
    bool m_haveOpus = false;
};

QTEST_GUILESS_MAIN(TestDecoder)
#include "test_decoder.moc"
