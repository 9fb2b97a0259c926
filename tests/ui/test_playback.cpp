// SPDX-License-Identifier: GPL-3.0-or-later
// Playback through Qt Multimedia against a real PulseAudio server that the test starts itself
// (a null sink: audio flows and is timed like on hardware, nothing is heard), and without any
// sound server (in a child process, because Qt connects to PulseAudio once per process).
//
// Needs the Debian packages pulseaudio (the server and module-null-sink) and libpulse0 (the
// client library Qt Multimedia links); set ATLAS_SKIP_PULSEAUDIO_TESTS=1 to skip the server
// tests on a machine without pulseaudio.

#include "engine/audio/writer.h"
#include "engine/io/playlist.h"
#include "tests/support/fixtures.h"
#include "tests/support/signals.h"
#include "tests/ui/ui_fixtures.h"
#include "ui/playback/audio_player.h"
#include "ui/playback/listening.h"
#include "ui/playback/play_queue.h"
#include "ui/playback/transport_bar.h"

#include <QAction>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QLabel>
#include <QProcess>
#include <QSettings>
#include <QSignalSpy>
#include <QSlider>
#include <QSpinBox>
#include <QStandardPaths>
#include <QToolButton>
#include <QVBoxLayout>
#include <QtTest>

#include <csignal>
#include <cmath>
#include <numbers>

#include <sys/prctl.h>

namespace fs = std::filesystem;
using atlas::ui::AudioPlayer;

namespace {

constexpr const char* ChildVariable = "ATLAS_PLAYBACK_TEST_NO_SERVER";

QString qstr(const fs::path& p)
{
    return QString::fromStdString(p.string());
}

// A stereo file of two tones, `seconds` long.
fs::path writeTones(const fs::path& file, int rate, double seconds, double frequency = 440.0)
{
    return atlas::test::writeSignal(
        file, atlas::test::sines(rate, seconds, {{{frequency, 0.3}}, {{1.5 * frequency, 0.3}}}),
        2, rate);
}

void writeText(const QString& file, const QByteArray& text)
{
    QFile f(file);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(text);
}

std::shared_ptr<const atlas::Dataset> datasetOf(const std::vector<fs::path>& files)
{
    auto ds = std::make_shared<atlas::Dataset>();
    for (const fs::path& f : files) {
        atlas::Track t;
        t.id = f.stem().string();
        t.label = "test";
        t.path = f;
        ds->tracks.push_back(t);
    }
    return ds;
}

QList<int> ints(const QSignalSpy& spy)
{
    QList<int> v;
    for (const QList<QVariant>& args : spy)
        v.append(args.at(0).toInt());
    return v;
}

} // namespace

class TestPlayback : public QObject {
    Q_OBJECT

    fs::path m_dir;
    QProcess* m_pulse = nullptr;
    QString m_socket;
    bool m_child = false;
    bool m_skipServer = false;

    fs::path m_short; // 1.2 s, 44.1 kHz stereo
    fs::path m_three; // 3 s, 48 kHz stereo

    bool waitForServer(const QString& pactl)
    {
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < 15000) {
            if (m_pulse->state() != QProcess::Running)
                return false;
            if (QFile::exists(m_socket)) {
                if (pactl.isEmpty())
                    return true;
                QProcess info;
                info.start(pactl,
                           {QStringLiteral("--server=unix:") + m_socket, QStringLiteral("info")});
                if (info.waitForFinished(5000) && info.exitStatus() == QProcess::NormalExit &&
                    info.exitCode() == 0)
                    return true;
            }
            QTest::qWait(100);
        }
        return false;
    }

    // Waits until the player is Playing with audio actually flowing through the sink.
    bool waitPlaying(AudioPlayer& player, int ms = 5000)
    {
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < ms) {
            if (player.state() == AudioPlayer::State::Playing && player.processedUSecs() > 0)
                return true;
            if (player.state() == AudioPlayer::State::Stopped && !player.lastError().isEmpty())
                return false;
            QTest::qWait(10);
        }
        return false;
    }

private slots:
    void initTestCase()
    {
        m_child = qEnvironmentVariableIsSet(ChildVariable);
        m_dir = atlas::test::makeTempDir("playback");
        m_short = writeTones(m_dir / "short tone.wav", 44100, 1.2);
        m_three = writeTones(m_dir / "three.wav", 48000, 3.0, 330.0);
        if (m_child)
            return; // the parent prepared an environment without any sound server

        if (qEnvironmentVariableIntValue("ATLAS_SKIP_PULSEAUDIO_TESTS") == 1) {
            m_skipServer = true;
            return;
        }
        const QString pulseaudio = QStandardPaths::findExecutable(QStringLiteral("pulseaudio"));
        QVERIFY2(!pulseaudio.isEmpty(),
                 "pulseaudio is not installed (Debian package pulseaudio); set "
                 "ATLAS_SKIP_PULSEAUDIO_TESTS=1 to skip these tests");
        const QString pactl = QStandardPaths::findExecutable(QStringLiteral("pactl"));

        // A private server: its own runtime folder, home and socket, a null sink, anonymous
        // access on the socket, no D-Bus, no realtime scheduling. Works as root (which
        // PulseAudio warns about but allows outside --system mode) and as a normal user.
        const fs::path runtime = m_dir / "runtime";
        const fs::path home = m_dir / "home";
        fs::create_directories(runtime);
        fs::create_directories(home);
        fs::permissions(runtime, fs::perms::owner_all, fs::perm_options::replace);
        m_socket = qstr(runtime / "native");
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("XDG_RUNTIME_DIR"), qstr(runtime));
        env.insert(QStringLiteral("HOME"), qstr(home));
        env.remove(QStringLiteral("PULSE_SERVER"));
        env.remove(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"));
        m_pulse = new QProcess(this);
        m_pulse->setProcessEnvironment(env);
        m_pulse->setProcessChannelMode(QProcess::MergedChannels);
        // The server ends with this process, even if the test crashes.
        m_pulse->setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGTERM); });
        m_pulse->start(pulseaudio,
                       {QStringLiteral("--daemonize=no"), QStringLiteral("--exit-idle-time=-1"),
                        QStringLiteral("-n"), QStringLiteral("--use-pid-file=no"),
                        QStringLiteral("--realtime=no"), QStringLiteral("--high-priority=no"),
                        QStringLiteral("--disallow-exit"), QStringLiteral("--log-target=stderr"),
                        // norewinds: 50-ms blocks instead of 2-s ones, so a stream starting
                        // on the idle sink is not held back for up to 2 s.
                        QStringLiteral("--load=module-null-sink sink_name=nullsink norewinds=1"),
                        QStringLiteral("--load=module-native-protocol-unix auth-anonymous=1 "
                                       "socket=") + m_socket});
        QVERIFY2(m_pulse->waitForStarted(10000), "pulseaudio did not start");
        if (!waitForServer(pactl)) {
            m_pulse->kill();
            m_pulse->waitForFinished(3000);
            QFAIL(qPrintable(QStringLiteral("pulseaudio did not come up:\n") +
                             QString::fromLocal8Bit(m_pulse->readAll())));
        }
        // The client side of this process: the test's server only, never an autospawned one.
        const QString clientConf = qstr(m_dir / "client.conf");
        writeText(clientConf, "autospawn = no\n");
        qputenv("PULSE_SERVER", ("unix:" + m_socket).toUtf8());
        qputenv("PULSE_CLIENTCONFIG", clientConf.toUtf8());
        qputenv("XDG_RUNTIME_DIR", qstr(runtime).toUtf8());
    }

    void cleanupTestCase()
    {
        if (m_pulse && m_pulse->state() != QProcess::NotRunning) {
            m_pulse->terminate();
            if (!m_pulse->waitForFinished(5000)) {
                m_pulse->kill();
                m_pulse->waitForFinished(3000);
            }
        }
        std::error_code ec;
        fs::remove_all(m_dir, ec);
    }

    void init()
    {
        if (m_child && !QByteArray(QTest::currentTestFunction()).startsWith("noSoundServer"))
            QSKIP("child process: only the no-server case runs here");
        if (!m_child && m_skipServer &&
            !QByteArray(QTest::currentTestFunction()).startsWith("noSoundServer"))
            QSKIP("ATLAS_SKIP_PULSEAUDIO_TESTS=1");
    }

    // (a) No sound server: a clear message, the state back to Stopped, no crash, a queue stops
    // instead of running through every track. Runs in a child process (Qt's PulseAudio client
    // is set up once per process) with no PULSE_SERVER, an empty runtime folder and no
    // autospawning.
    void noSoundServerReportsError()
    {
        if (!m_child) {
            const fs::path empty = m_dir / "empty-runtime";
            const fs::path home = m_dir / "empty-home";
            fs::create_directories(empty);
            fs::create_directories(home);
            fs::permissions(empty, fs::perms::owner_all, fs::perm_options::replace);
            const QString clientConf = qstr(m_dir / "no-autospawn.conf");
            writeText(clientConf, "autospawn = no\n");
            QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
            env.remove(QStringLiteral("PULSE_SERVER"));
            env.remove(QStringLiteral("PULSE_RUNTIME_PATH"));
            env.insert(QStringLiteral("XDG_RUNTIME_DIR"), qstr(empty));
            env.insert(QStringLiteral("HOME"), qstr(home));
            env.insert(QStringLiteral("PULSE_CLIENTCONFIG"), clientConf);
            env.insert(QString::fromLatin1(ChildVariable), QStringLiteral("1"));
            QProcess child;
            child.setProcessEnvironment(env);
            child.setProcessChannelMode(QProcess::MergedChannels);
            child.start(QCoreApplication::applicationFilePath(),
                        {QStringLiteral("noSoundServerReportsError")});
            QVERIFY(child.waitForFinished(60000));
            const QString out = QString::fromLocal8Bit(child.readAll());
            QVERIFY2(child.exitStatus() == QProcess::NormalExit && child.exitCode() == 0,
                     qPrintable(out));
            QVERIFY2(out.contains(
                         QStringLiteral("PASS   : TestPlayback::noSoundServerReportsError()")),
                     qPrintable(out));
            return;
        }

        AudioPlayer player;
        QSignalSpy errors(&player, &AudioPlayer::error);
        QElapsedTimer t;
        t.start();
        player.play(qstr(m_short), QStringLiteral("short"));
        QTRY_COMPARE_WITH_TIMEOUT(errors.size(), 1, 5000);
        qInfo("no server: error after %lld ms: %s", t.elapsed(),
              qPrintable(errors.first().first().toString()));
        QVERIFY2(errors.first().first().toString().startsWith(
                     QStringLiteral("No audio output available: ")),
                 qPrintable(errors.first().first().toString()));
        QCOMPARE(player.lastErrorKind(), AudioPlayer::ErrorKind::Output);
        QCOMPARE(player.state(), AudioPlayer::State::Stopped);
        // The player keeps working: other calls are harmless, a second play fails the same.
        player.togglePause();
        player.seek(1.0);
        player.setVolume(0.3);
        player.play(qstr(m_three));
        QTRY_COMPARE_WITH_TIMEOUT(errors.size(), 2, 5000);
        QCOMPARE(player.state(), AudioPlayer::State::Stopped);

        // A queue stops at once rather than failing every track, and says why.
        atlas::ui::Listening listening;
        listening.setDataset(datasetOf({m_short, m_three, m_short}));
        QSignalSpy current(&listening, &atlas::ui::Listening::currentTrackChanged);
        QSignalSpy messages(&listening, &atlas::ui::Listening::message);
        listening.playTracks({0, 1, 2});
        QTRY_VERIFY_WITH_TIMEOUT(!messages.isEmpty(), 5000);
        QTest::qWait(300);
        QCOMPARE(ints(current), (QList<int>{0, -1}));
        QVERIFY(messages.first().first().toString().startsWith(QStringLiteral("No audio output")));
        QCOMPARE(messages.size(), 1);
        auto* bar = listening.transportBar();
        bar->show();
        QTest::qWait(50);
        auto* label = bar->findChild<QLabel*>(QStringLiteral("nowPlayingLabel"));
        QVERIFY(label);
        QVERIFY(label->text().startsWith(QStringLiteral("No audio output available")));
    }

    // (b) Against the null sink: audio flows, the position advances, finished() fires.
    void audioFlowsAndFinishes()
    {
        AudioPlayer player;
        QSignalSpy finished(&player, &AudioPlayer::finished);
        QSignalSpy errors(&player, &AudioPlayer::error);
        QSignalSpy positions(&player, &AudioPlayer::positionChanged);
        QElapsedTimer t;
        t.start();
        player.play(qstr(m_short), QStringLiteral("test \xE2\x80\x94 short"));
        QCOMPARE(player.state(), AudioPlayer::State::Loading); // returns at once
        QVERIFY2(waitPlaying(player), qPrintable(player.lastError()));
        qInfo("1.2-s file: audio flowing %lld ms after play()", t.elapsed());
        QCOMPARE(player.outputFormat().sampleRate(), 44100);
        QCOMPARE(player.outputFormat().channelCount(), 2);
        QCOMPARE(player.duration(), 1.2);
        QCOMPARE(player.title(), QStringLiteral("test \xE2\x80\x94 short"));

        const qint64 u1 = player.processedUSecs();
        const qint64 b1 = player.bytesPulled();
        const double p1 = player.position();
        const QAudio::State sinkState = player.sinkState();
        QTest::qWait(300);
        const qint64 u2 = player.processedUSecs();
        const double p2 = player.position();
        QCOMPARE(sinkState, QAudio::ActiveState);
        QVERIFY(b1 > 0);
        QVERIFY2(u2 - u1 > 150000, qPrintable(QString("%1 -> %2 us").arg(u1).arg(u2)));
        QVERIFY2(p2 > p1 + 0.15, qPrintable(QString("%1 -> %2 s").arg(p1).arg(p2)));
        QVERIFY(player.bytesPulled() >= b1);

        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 5000);
        const qint64 total = t.elapsed();
        qInfo("1.2-s file: finished %lld ms after play()", total);
        // Played out in real time, not dumped: at least the file's length.
        QVERIFY2(total >= 1100, qPrintable(QString::number(total)));
        QCOMPARE(player.state(), AudioPlayer::State::Stopped);
        QCOMPARE(player.position(), 1.2);
        QVERIFY(errors.isEmpty());
        // Every frame of the file went to the output: 1.2 s * 44100.
        QCOMPARE(player.bytesPulled(), qint64(52920) * player.outputFormat().bytesPerFrame());
        QVERIFY(positions.size() > 10); // about 20 a second
        QTest::qWait(200);
        QCOMPARE(finished.size(), 1);
    }

    void shortWindowFinishesInTime()
    {
        AudioPlayer player;
        QSignalSpy finished(&player, &AudioPlayer::finished);
        QSignalSpy durations(&player, &AudioPlayer::durationChanged);
        player.play(qstr(m_three), QStringLiteral("window"), 1.0, 0.6);
        QVERIFY2(waitPlaying(player), qPrintable(player.lastError()));
        QElapsedTimer t;
        t.start();
        QCOMPARE(player.duration(), 0.6);
        QCOMPARE(durations.last().first().toDouble(), 0.6);
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 4000);
        qInfo("0.6-s window: finished %lld ms after audio started", t.elapsed());
        QVERIFY(t.elapsed() >= 450);
        QVERIFY(t.elapsed() < 2500);
        // 0.6 s at 48 kHz.
        QCOMPARE(player.bytesPulled(), qint64(28800) * player.outputFormat().bytesPerFrame());
    }

    void pauseResumeSeekVolume()
    {
        AudioPlayer player;
        QSignalSpy finished(&player, &AudioPlayer::finished);
        QSignalSpy states(&player, &AudioPlayer::stateChanged);
        player.play(qstr(m_three), QStringLiteral("three"));
        QVERIFY(waitPlaying(player));
        QTest::qWait(300);
        player.togglePause();
        QCOMPARE(player.state(), AudioPlayer::State::Paused);
        QTest::qWait(100);
        const double paused = player.position();
        QTest::qWait(400);
        QVERIFY2(std::abs(player.position() - paused) < 0.05,
                 qPrintable(QString("%1 -> %2").arg(paused).arg(player.position())));
        player.togglePause();
        QCOMPARE(player.state(), AudioPlayer::State::Playing);
        QTest::qWait(300);
        QVERIFY(player.position() > paused + 0.15);

        player.setVolume(0.25);
        QCOMPARE(player.volume(), 0.25);
        player.setVolume(7.0);
        QCOMPARE(player.volume(), 1.0);

        // Seek near the end: the rest plays and finishes quickly.
        QElapsedTimer t;
        t.start();
        player.seek(2.5);
        QVERIFY(player.position() >= 2.5);
        QVERIFY(waitPlaying(player));
        QVERIFY(player.position() >= 2.5);
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 3000);
        QVERIFY2(t.elapsed() < 2000, qPrintable(QString::number(t.elapsed())));
        // Seek while paused stays paused.
        player.play(qstr(m_three));
        QVERIFY(waitPlaying(player));
        player.pause();
        player.seek(1.0);
        QTest::qWait(300);
        QCOMPARE(player.state(), AudioPlayer::State::Paused);
        QVERIFY2(player.position() >= 1.0 && player.position() < 1.06,
                 qPrintable(QString::number(player.position())));
        player.resume();
        QVERIFY(waitPlaying(player));
        QTest::qWait(200);
        QVERIFY(player.position() > 1.1);
        player.stop();
        QCOMPARE(player.state(), AudioPlayer::State::Stopped);
        QCOMPARE(player.position(), 0.0);
        QTest::qWait(200);
        QCOMPARE(finished.size(), 1); // stop() is not the end of the file
    }

    void rapidPlaysKeepTheLast()
    {
        AudioPlayer player;
        QSignalSpy finished(&player, &AudioPlayer::finished);
        QSignalSpy errors(&player, &AudioPlayer::error);
        for (int i = 0; i < 5; ++i)
            player.play(qstr(i % 2 ? m_three : m_short), QString::number(i));
        player.play(qstr(m_short), QStringLiteral("last"), 0.0, 0.4);
        QVERIFY(waitPlaying(player));
        QCOMPARE(player.title(), QStringLiteral("last"));
        QCOMPARE(player.duration(), 0.4);
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 3000);
        QTest::qWait(300);
        QCOMPARE(finished.size(), 1);
        QVERIFY(errors.isEmpty());
    }

    void badFileIsReported()
    {
        const QString text = qstr(m_dir / "lyrics saved as.wav");
        writeText(text, "Verse 1\nthis is not audio\n");
        AudioPlayer player;
        QSignalSpy errors(&player, &AudioPlayer::error);
        player.play(text);
        QTRY_COMPARE_WITH_TIMEOUT(errors.size(), 1, 3000);
        const QString message = errors.first().first().toString();
        QVERIFY2(message.startsWith(text + QStringLiteral(": ")), qPrintable(message));
        QCOMPARE(player.lastErrorKind(), AudioPlayer::ErrorKind::File);
        QCOMPARE(player.state(), AudioPlayer::State::Stopped);
        player.play(qstr(m_dir / "missing.flac"));
        QTRY_COMPARE_WITH_TIMEOUT(errors.size(), 2, 3000);
        QVERIFY(errors.last().first().toString().contains(QStringLiteral("missing.flac")));
    }

    // The queue plays each track's first N seconds in turn, reports and skips a broken file.
    void queueAdvancesAndSkipsBrokenFile()
    {
        const fs::path broken = m_dir / "broken.wav";
        atlas::test::writeBytes(broken, std::string("RIFF\x24\x00\x00\x00WAVEjunk", 16));
        AudioPlayer player;
        atlas::ui::PlayQueue queue(&player);
        QCOMPARE(queue.secondsPerTrack(), 10.0);
        queue.setSecondsPerTrack(0.5);
        queue.setTracks({0, 1, 2, 7 /* dropped: no such row */},
                        datasetOf({m_short, broken, m_three}));
        QCOMPARE(queue.tracks(), (QList<int>{0, 1, 2}));
        QSignalSpy current(&queue, &atlas::ui::PlayQueue::currentTrackChanged);
        QSignalSpy failed(&queue, &atlas::ui::PlayQueue::trackFailed);
        QSignalSpy done(&queue, &atlas::ui::PlayQueue::finished);
        QSignalSpy played(&player, &AudioPlayer::finished);
        QElapsedTimer t;
        t.start();
        queue.start();
        QTRY_COMPARE_WITH_TIMEOUT(done.size(), 1, 10000);
        qInfo("queue of 2 x 0.5 s + a broken file: %lld ms", t.elapsed());
        QCOMPARE(ints(current), (QList<int>{0, 1, 2, -1}));
        QCOMPARE(failed.size(), 1);
        QCOMPARE(failed.first().at(0).toInt(), 1);
        QVERIFY2(failed.first().at(1).toString().startsWith(qstr(broken) + QStringLiteral(": ")),
                 qPrintable(failed.first().at(1).toString()));
        QCOMPARE(played.size(), 2);
        QVERIFY(t.elapsed() >= 900); // two half-second windows played out
        QCOMPARE(queue.currentTrack(), -1);
    }

    void queueNextPreviousStop()
    {
        AudioPlayer player;
        atlas::ui::PlayQueue queue(&player);
        queue.setSecondsPerTrack(0.0); // whole tracks
        queue.setTracks({2, 1, 0}, datasetOf({m_short, m_three, m_three}));
        QSignalSpy current(&queue, &atlas::ui::PlayQueue::currentTrackChanged);
        queue.start();
        QVERIFY(waitPlaying(player));
        QCOMPARE(player.duration(), 3.0);
        queue.next();
        QCOMPARE(queue.currentTrack(), 1);
        QVERIFY(waitPlaying(player));
        queue.previous();
        QCOMPARE(queue.currentTrack(), 2);
        queue.previous();
        QCOMPARE(queue.currentTrack(), 2); // stays at the first
        queue.next();
        queue.next();
        QCOMPARE(queue.currentTrack(), 0);
        QVERIFY(waitPlaying(player));
        QCOMPARE(player.duration(), 1.2);
        queue.stop();
        QCOMPARE(player.state(), AudioPlayer::State::Stopped);
        QCOMPARE(ints(current), (QList<int>{2, 1, 2, 1, 0, -1}));
        // Playing something else on the player ends the queue.
        queue.start();
        player.play(qstr(m_short));
        QCOMPARE(queue.currentTrack(), -1);
        player.stop();
    }

    // The demo corpus of a real run: its tracks are WAV files on disk.
    void demoCorpusPlaysThroughListening()
    {
        std::shared_ptr<const atlas::RunResult> run;
        try {
            run = atlas::test::smallDemoRun();
        } catch (const std::exception& e) {
            QFAIL(qPrintable(QStringLiteral("the demo run failed: ") +
                             QString::fromUtf8(e.what())));
        }
        const std::shared_ptr<const atlas::Dataset> dataset(run, &run->dataset);
        QVERIFY(dataset->size() >= 3);
        atlas::ui::Listening listening;
        listening.setDataset(dataset);
        listening.setSecondsPerTrack(0.4);
        QSignalSpy current(&listening, &atlas::ui::Listening::currentTrackChanged);
        QSignalSpy messages(&listening, &atlas::ui::Listening::message);
        listening.playTracks({2, 0});
        QVERIFY(waitPlaying(*listening.player()));
        // Untagged demo tracks are named by their file.
        const QString title = listening.player()->title();
        const atlas::Track& track = dataset->tracks[2];
        QCOMPARE(title, QString::fromStdString(track.path.filename().string()));
        QTRY_COMPARE_WITH_TIMEOUT(ints(current), (QList<int>{2, 0, -1}), 10000);
        QVERIFY2(messages.isEmpty(),
                 qPrintable(messages.isEmpty() ? QString() : messages.first().first().toString()));

        // One track plays whole (3-s demo tracks).
        listening.playTrack(1);
        QVERIFY(waitPlaying(*listening.player()));
        QVERIFY(std::abs(listening.player()->duration() - 3.0) < 0.01);
        QCOMPARE(listening.currentTrack(), 1);
        QCOMPARE(listening.secondsPerTrack(), 0.4);
        listening.stop();
        QCOMPARE(listening.currentTrack(), -1);

        // A tagged track is "Artist — Title" in the transport bar.
        auto tagged = std::make_shared<atlas::Dataset>(*dataset);
        tagged->tracks[0].tags.artist = "Synth Ensemble";
        tagged->tracks[0].tags.title = "Night Drive";
        listening.setDataset(tagged);
        listening.playTrack(0);
        QVERIFY(waitPlaying(*listening.player()));
        QCOMPARE(listening.player()->title(), QStringLiteral("Synth Ensemble \u2014 Night Drive"));
        auto* nowPlaying = listening.transportBar()->findChild<QLabel*>(QStringLiteral("nowPlayingLabel"));
        QVERIFY(nowPlaying);
        QTRY_VERIFY(nowPlaying->text().contains(QStringLiteral("Synth Ensemble \u2014 Night Drive")));
        listening.stop();

        // Export as a playlist: #EXTINF:<seconds>,<Artist> - <Title>, the file name when
        // untagged. Demo tracks are under the cache folder, not under the playlist's, so
        // their paths are absolute.
        const QString list = qstr(m_dir / "demo.m3u8");
        QString error;
        QVERIFY2(listening.exportPlaylist({0, 1}, list, &error), qPrintable(error));
        QFile f(list);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QStringList lines = QString::fromUtf8(f.readAll()).split(QLatin1Char('\n'));
        QCOMPARE(lines.at(0), QStringLiteral("#EXTM3U"));
        QCOMPARE(lines.at(1), QStringLiteral("#EXTINF:3,Synth Ensemble - Night Drive"));
        QCOMPARE(lines.at(2), QString::fromStdString(
                                  dataset->tracks[0].path.lexically_normal().generic_string()));
        QCOMPARE(lines.at(3), QStringLiteral("#EXTINF:3,") + QString::fromStdString(
                                  dataset->tracks[1].path.filename().string()));
        QVERIFY(!listening.exportPlaylist({0}, qstr(m_dir / "no such folder" / "x.m3u8"), &error));
        QVERIFY(error.contains(QStringLiteral("no such folder")));
    }

    // A 10-minute 48 kHz stereo track starts at once: only the first piece is decoded.
    void longTrackStartsFast()
    {
        const fs::path longFile = writeTones(m_dir / "ten minutes.wav", 48000, 600.0);
        AudioPlayer player;
        QElapsedTimer t;
        t.start();
        player.play(qstr(longFile));
        QVERIFY(waitPlaying(player));
        const qint64 ms = t.elapsed();
        qInfo("10-min 48 kHz stereo WAV: audio flowing %lld ms after play()", ms);
        QVERIFY2(ms < 1000, qPrintable(QString::number(ms))); // 50-60 ms when idle
        QCOMPARE(player.duration(), 600.0);
        player.seek(590.0);
        QVERIFY(waitPlaying(player));
        QVERIFY(player.position() >= 590.0);
        QTest::qWait(1500);
        // Decoding stays a few seconds ahead of the output, far from the whole file.
        QVERIFY(player.bytesPulled() < qint64(20 * 48000 * 8));
        player.stop();
        fs::remove(longFile);
    }

    void transportBarControls()
    {
        atlas::ui::Listening listening;
        listening.setDataset(datasetOf({m_three, m_short}));
        QWidget window;
        auto* bar = listening.transportBar();
        QCOMPARE(listening.transportBar(), bar);
        QCOMPARE(bar->objectName(), QStringLiteral("transportBar"));
        auto* layout = new QVBoxLayout(&window);
        layout->addWidget(bar);
        window.resize(900, 80);
        window.show();
        window.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&window));

        auto* playPause = bar->findChild<QToolButton*>(QStringLiteral("playPauseButton"));
        auto* stop = bar->findChild<QToolButton*>(QStringLiteral("stopButton"));
        auto* next = bar->findChild<QToolButton*>(QStringLiteral("nextButton"));
        auto* previous = bar->findChild<QToolButton*>(QStringLiteral("previousButton"));
        auto* position = bar->findChild<QSlider*>(QStringLiteral("positionSlider"));
        auto* volume = bar->findChild<QSlider*>(QStringLiteral("volumeSlider"));
        auto* nowPlaying = bar->findChild<QLabel*>(QStringLiteral("nowPlayingLabel"));
        auto* time = bar->findChild<QLabel*>(QStringLiteral("timeLabel"));
        auto* seconds = bar->findChild<QSpinBox*>(QStringLiteral("secondsPerTrackSpin"));
        QVERIFY(playPause && stop && next && previous && position && volume && nowPlaying &&
                time && seconds);
        QVERIFY(!playPause->icon().isNull());
        QCOMPARE(seconds->value(), 10);
        QVERIFY(!stop->isEnabled());

        seconds->setValue(2);
        QCOMPARE(listening.secondsPerTrack(), 2.0);
        volume->setValue(40);
        QCOMPARE(listening.player()->volume(), 0.4);

        listening.playTracks({0, 1});
        QVERIFY(waitPlaying(*listening.player()));
        QCOMPARE(position->maximum(), 2000);
        QVERIFY(nowPlaying->text().contains(QStringLiteral("three")));
        QVERIFY(stop->isEnabled());
        QVERIFY(next->isEnabled());
        QVERIFY(!previous->isEnabled());
        QTest::qWait(300);
        QVERIFY(position->value() > 100);
        QVERIFY(time->text().endsWith(QStringLiteral(" / 0:02")));

        // Play/pause button and the Space shortcut.
        QTest::mouseClick(playPause, Qt::LeftButton);
        QCOMPARE(listening.player()->state(), AudioPlayer::State::Paused);
        QTest::keyClick(&window, Qt::Key_Space);
        QCOMPARE(listening.player()->state(), AudioPlayer::State::Playing);
        QVERIFY(listening.playPauseAction()->shortcuts().contains(QKeySequence(Qt::Key_Space)));

        // A click on the groove seeks to that point (three quarters: about 1.5 s).
        const QPoint threeQuarters(position->width() * 3 / 4, position->height() / 2);
        QTest::mouseClick(position, Qt::LeftButton, {}, threeQuarters);
        QVERIFY(waitPlaying(*listening.player()));
        QVERIFY2(std::abs(listening.player()->position() - 1.5) < 0.2,
                 qPrintable(QString::number(listening.player()->position())));

        // Dragging the handle seeks on release.
        position->setSliderDown(true);
        position->setSliderPosition(500);
        position->setSliderDown(false); // emits sliderReleased
        QVERIFY(listening.player()->position() >= 0.5);
        QVERIFY(listening.player()->position() < 0.8);

        QTest::mouseClick(next, Qt::LeftButton);
        QCOMPARE(listening.currentTrack(), 1);
        QVERIFY(waitPlaying(*listening.player()));
        QVERIFY(nowPlaying->text().contains(QStringLiteral("short tone")));
        QTest::mouseClick(stop, Qt::LeftButton);
        QCOMPARE(listening.player()->state(), AudioPlayer::State::Stopped);
        QCOMPARE(listening.currentTrack(), -1);
        QCOMPARE(nowPlaying->text(), QStringLiteral("Nothing playing"));

        // Settings round trip.
        QSettings settings(qstr(m_dir / "settings.ini"), QSettings::IniFormat);
        listening.save(settings);
        atlas::ui::Listening other;
        other.restore(settings);
        QCOMPARE(other.secondsPerTrack(), 2.0);
        QCOMPARE(other.player()->volume(), 0.4);
        QCOMPARE(atlas::ui::formatPlaybackTime(0.0), QStringLiteral("0:00"));
        QCOMPARE(atlas::ui::formatPlaybackTime(65.9), QStringLiteral("1:05"));
        QCOMPARE(atlas::ui::formatPlaybackTime(3725.0), QStringLiteral("1:02:05"));
        QCOMPARE(atlas::ui::formatPlaybackTime(NAN), QStringLiteral("0:00"));
    }

    // Last, because it ends the server: the sound server goes away while a track plays.
    void serverGoneWhilePlaying()
    {
        QVERIFY(m_pulse && m_pulse->state() == QProcess::Running);
        atlas::ui::Listening listening;
        listening.setDataset(datasetOf({m_three, m_three}));
        QSignalSpy messages(&listening, &atlas::ui::Listening::message);
        QSignalSpy current(&listening, &atlas::ui::Listening::currentTrackChanged);
        listening.playTracks({0, 1});
        QVERIFY(waitPlaying(*listening.player()));
        m_pulse->kill();
        QVERIFY(m_pulse->waitForFinished(5000));
        QTRY_VERIFY_WITH_TIMEOUT(!messages.isEmpty(), 5000);
        const QString text = messages.first().first().toString();
        QVERIFY2(text.startsWith(QStringLiteral("No audio output available: ")), qPrintable(text));
        QCOMPARE(listening.player()->state(), AudioPlayer::State::Stopped);
        QCOMPARE(ints(current), (QList<int>{0, -1})); // the queue stopped, no skipping
        // Still usable: the next attempt reports the missing output again, no crash.
        listening.playTrack(1);
        QTRY_VERIFY_WITH_TIMEOUT(messages.size() >= 2, 5000);
        QCOMPARE(listening.player()->state(), AudioPlayer::State::Stopped);
        qInfo("server gone: \"%s\", then \"%s\"", qPrintable(text),
              qPrintable(messages.last().first().toString()));
        QVERIFY(messages.last().first().toString().startsWith(QStringLiteral("No audio output")));
    }
};

QTEST_MAIN(TestPlayback)
#include "test_playback.moc"
