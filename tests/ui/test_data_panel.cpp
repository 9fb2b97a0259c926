// SPDX-License-Identifier: GPL-3.0-or-later
// The Data panel: a folder is previewed before any run (tracks, formats, tags, lyrics,
// labels) on a worker thread, replaced when the choice changes, with errors in place; the
// label source, excerpt position, fusion, audio weight and approximate pairing reach the
// run's DatasetConfig and persist; a lyrics CSV stays with the collection it was chosen for;
// a run stopped by a CSV that matches no track says so in a dialog that offers the way out.

#include "engine/audio/writer.h"
#include "tests/support/fixtures.h"
#include "tests/support/signals.h"
#include "ui/main/data_panel.h"
#include "ui/main/main_window.h"
#include "ui/model/run_model.h"

#include <QAbstractButton>
#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSettings>
#include <QSignalSpy>
#include <QSlider>
#include <QSpinBox>
#include <QStandardPaths>
#include <QWheelEvent>
#include <QtTest>

#include <cmath>
#include <filesystem>
#include <numbers>
#include <vector>

using namespace atlas;
using namespace atlas::ui;
namespace fs = std::filesystem;

namespace {

// A 1.5-s tone at `hz` as a 22,050-Hz mono WAV file.
void writeTone(const fs::path& file, double hz)
{
    test::writeSignal(file, test::sines(22050, 1.5, {{{hz, 0.3}, {3.1 * hz, 0.05}}}), 1, 22050);
}

QString comboKey(DataPanel& panel, const char* name)
{
    return panel.findChild<QComboBox*>(QLatin1String(name))->currentData().toString();
}

void selectKey(DataPanel& panel, const char* name, const char* key)
{
    auto* box = panel.findChild<QComboBox*>(QLatin1String(name));
    QVERIFY(box);
    const int i = box->findData(QLatin1String(key));
    QVERIFY2(i >= 0, key);
    box->setCurrentIndex(i);
}

QString qstr(const fs::path& p)
{
    return QString::fromStdString(p.string());
}

} // namespace

class TestDataPanel : public QObject {
    Q_OBJECT

    fs::path m_root;
    fs::path m_small;   // Rock/a.wav, Rock/b.wav, Jazz/c.wav + c.lrc
    fs::path m_other;   // two flat files

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("MusicAtlasTest"));
        QCoreApplication::setApplicationName(QStringLiteral("test_data_panel"));
        m_root = test::makeTempDir("data-panel");
        // Tag and feature caches in the test's folder.
        qputenv("XDG_CACHE_HOME", QByteArray::fromStdString((m_root / "cache").string()));
        m_small = m_root / "small";
        writeTone(m_small / "Rock" / "a.wav", 220);
        writeTone(m_small / "Rock" / "b.wav", 330);
        writeTone(m_small / "Jazz" / "c.wav", 440);
        test::writeBytes(m_small / "Jazz" / "c.lrc", "[ar:Quartet]\n[00:01.00]Blue in green\n");
        m_other = m_root / "other";
        writeTone(m_other / "x.wav", 550);
        writeTone(m_other / "y.wav", 660);
    }

    void cleanupTestCase()
    {
        std::error_code ec;
        fs::remove_all(m_root, ec);
    }

    void defaultsAndControlsReachTheConfig()
    {
        DataPanel panel;
        // Defaults: labels auto, excerpt auto (start of short tracks, middle of long ones),
        // concatenation, equal weight, no approximate pairing.
        DatasetConfig d = panel.config().data;
        QCOMPARE(int(d.labelFrom), int(LabelSource::Auto));
        QCOMPARE(int(d.audio.decode.excerpt), int(ExcerptPosition::Auto));
        QCOMPARE(int(d.fusion), int(Fusion::Concat));
        QCOMPARE(d.audioWeight, 0.5);
        QVERIFY(!d.approximatePairing);
        QCOMPARE(int(panel.config().earlyStop), int(EarlyStop::Auto));
        auto* weight = panel.findChild<QSlider*>(QStringLiteral("audioWeightSlider"));
        auto* approximate = panel.findChild<QCheckBox*>(QStringLiteral("approximatePairingCheck"));
        QVERIFY(weight && approximate);
        QVERIFY(!weight->isEnabled());   // concatenation has no weight
        QVERIFY(approximate->toolTip().contains(QStringLiteral("random")));
        auto* labelFrom = panel.findChild<QComboBox*>(QStringLiteral("labelFromCombo"));
        QCOMPARE(labelFrom->count(), 9);   // auto, genre, folder, artist, album, year, decade, layout, none

        selectKey(panel, "labelFromCombo", "decade");
        selectKey(panel, "excerptCombo", "middle");
        selectKey(panel, "fusionCombo", "balanced");
        selectKey(panel, "earlyStopCombo", "off");
        QCOMPARE(int(panel.config().earlyStop), int(EarlyStop::Off));
        QVERIFY(weight->isEnabled());
        weight->setValue(30);
        approximate->setChecked(true);
        d = panel.config().data;
        QCOMPARE(int(d.labelFrom), int(LabelSource::Decade));
        QCOMPARE(int(d.audio.decode.excerpt), int(ExcerptPosition::Middle));
        QCOMPARE(int(d.fusion), int(Fusion::Balanced));
        QCOMPARE(d.audioWeight, 0.3);
        QVERIFY(d.approximatePairing);
        QCOMPARE(panel.findChild<QLabel*>(QStringLiteral("audioWeightLabel"))->text(),
                 QStringLiteral("sound 30 %"));
        // Audio only: nothing to fuse.
        panel.findChild<QComboBox*>(QStringLiteral("modalityCombo"))->setCurrentIndex(1);
        QVERIFY(!weight->isEnabled());
        panel.findChild<QComboBox*>(QStringLiteral("modalityCombo"))->setCurrentIndex(0);
        QVERIFY(weight->isEnabled());

        // Persisted like every other setting.
        const QString ini = qstr(m_root / "panel.ini");
        {
            QSettings s(ini, QSettings::IniFormat);
            panel.save(s);
        }
        DataPanel restored;
        {
            QSettings s(ini, QSettings::IniFormat);
            restored.restore(s);
        }
        const DatasetConfig r = restored.config().data;
        QCOMPARE(int(r.labelFrom), int(LabelSource::Decade));
        QCOMPARE(int(r.audio.decode.excerpt), int(ExcerptPosition::Middle));
        QCOMPARE(int(r.fusion), int(Fusion::Balanced));
        QCOMPARE(r.audioWeight, 0.3);
        QVERIFY(r.approximatePairing);
        QCOMPARE(int(restored.config().earlyStop), int(EarlyStop::Off));

        // And shown again from a configuration (an opened session).
        PipelineConfig cfg = panel.config();
        cfg.data.labelFrom = LabelSource::Artist;
        cfg.data.audio.decode.excerpt = ExcerptPosition::Start;
        cfg.data.fusion = Fusion::Concat;
        cfg.data.audioWeight = 0.75;
        cfg.data.approximatePairing = false;
        cfg.earlyStop = EarlyStop::On;
        DataPanel shown;
        shown.setConfig(cfg);
        QCOMPARE(comboKey(shown, "labelFromCombo"), QStringLiteral("artist"));
        QCOMPARE(comboKey(shown, "excerptCombo"), QStringLiteral("start"));
        QCOMPARE(comboKey(shown, "fusionCombo"), QStringLiteral("concat"));
        QCOMPARE(comboKey(shown, "earlyStopCombo"), QStringLiteral("on"));
        QCOMPARE(shown.config().data.audioWeight, 0.75);
        QVERIFY(!shown.config().data.approximatePairing);

        // validate() still decides whether Run is available.
        auto* run = panel.findChild<QPushButton*>(QStringLiteral("runButton"));
        QVERIFY(run->isEnabled());
        for (const char* key : {"pca", "ae", "vae", "betavae", "cvae"})
            panel.findChild<QCheckBox*>(QStringLiteral("rep_") + QLatin1String(key))->setChecked(false);
        QVERIFY(!run->isEnabled());
        QVERIFY(!panel.problems().isEmpty());
    }

    void clustersAreCappedAtTheTracks()
    {
        DataPanel panel;
        auto* k = panel.findChild<QSpinBox*>(QStringLiteral("clustersSpin"));
        auto* tracks = panel.findChild<QSpinBox*>(QStringLiteral("demoTracksSpin"));
        QVERIFY(k && tracks);
        tracks->setValue(1);   // ten demo tracks
        k->setValue(10);
        QVERIFY(panel.canRun());
        QCOMPARE(panel.knownTracks(), 10);
        k->setValue(11);
        QVERIFY(!panel.canRun());
        QCOMPARE(panel.problems().size(), 1);
        QCOMPARE(panel.problems().first(),
                 QStringLiteral("Clusters (k): k = 11 clusters need at least 11 tracks, and "
                                "there are only 10; lower Clusters (k) to 10 or fewer."));
        // A folder: the preview's count until a run says how many tracks were usable.
        panel.setSource(SourceKind::Folder, m_small);
        panel.previewNow();
        QTRY_VERIFY(!panel.previewRunning());
        QCOMPARE(panel.knownTracks(), 3);
        k->setValue(3);
        QVERIFY(panel.canRun());
        panel.setUsableTracks(2);
        QCOMPARE(panel.knownTracks(), 2);
        QVERIFY(!panel.canRun());
        QVERIFY(panel.problems().first().contains(QStringLiteral("lower Clusters (k) to 2")));
        // Another folder is not bound by that count.
        panel.setSource(SourceKind::Folder, m_other);
        QVERIFY(panel.knownTracks() != 2);
        // The engine says the same for the demo corpus.
        PipelineConfig cfg;
        cfg.data.demo = true;
        cfg.data.demoCorpus.tracksPerGenre = 1;
        cfg.clusters = 11;
        QCOMPARE(int(cfg.validate().size()), 1);
        QVERIFY(QString::fromStdString(cfg.validate().front()).startsWith(QStringLiteral("PipelineConfig.clusters: k = 11")));
    }

    void wheelScrollsThePanelNotTheValues()
    {
        DataPanel panel;
        panel.resize(380, 400);   // short: the settings scroll
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        auto* k = panel.findChild<QSpinBox*>(QStringLiteral("clustersSpin"));
        auto* scroll = panel.findChild<QScrollArea*>();
        QVERIFY(k && scroll);
        QVERIFY(scroll->verticalScrollBar()->maximum() > 0);
        const int before = k->value();
        const int scrolled = scroll->verticalScrollBar()->value();
        const auto wheel = [&](int delta) {
            const QPointF pos(k->width() / 2.0, k->height() / 2.0);
            QWheelEvent e(pos, k->mapToGlobal(pos), QPoint(), QPoint(0, delta), Qt::NoButton,
                          Qt::NoModifier, Qt::NoScrollPhase, false);
            QApplication::sendEvent(k, &e);
        };
        wheel(-120);
        QCOMPARE(k->value(), before);
        QVERIFY(scroll->verticalScrollBar()->value() > scrolled);
        // With the keyboard focus, the wheel changes the value.
        panel.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&panel));
        k->setFocus();
        QTRY_VERIFY(k->hasFocus());
        wheel(120);
        QCOMPARE(k->value(), before + 1);
    }

    void previewShowsTheFolderBeforeARun()
    {
        DataPanel panel;
        QSignalSpy done(&panel, &DataPanel::previewFinished);
        panel.setSource(SourceKind::Folder, m_small);
        QVERIFY(panel.previewRunning());
        QVERIFY(done.wait(20000));
        QVERIFY(!panel.previewRunning());
        const QString text = panel.previewText();
        QVERIFY2(text.contains(QStringLiteral("3 tracks: 3 WAV")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("Lyrics: 1 of 3 (1 sidecar)")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("labelled folders")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("Labels: ")), qPrintable(text));

        // Another label source: previewed again, with the new source's words.
        done.clear();
        selectKey(panel, "labelFromCombo", "none");
        QVERIFY(done.wait(20000));
        QVERIFY2(panel.previewText() != text && panel.previewText().contains(QStringLiteral("Labels: ")),
                 qPrintable(panel.previewText()));

        // A new choice replaces a preview that is still running: only the last one shows.
        done.clear();
        panel.setSource(SourceKind::Folder, m_small);
        panel.previewNow();
        QVERIFY(panel.previewText().contains(QStringLiteral("Looking at small")));
        panel.setSource(SourceKind::Folder, m_other);
        panel.previewNow();
        QVERIFY(panel.previewText().contains(QStringLiteral("Looking at other")));
        QVERIFY(done.wait(20000));
        QTest::qWait(300);   // an older preview, had it not been dropped, would land now
        QVERIFY2(panel.previewText().contains(QStringLiteral("2 tracks: 2 WAV")),
                 qPrintable(panel.previewText()));
        QCOMPARE(done.count(), 1);

        // Errors show in place: a folder without audio.
        const fs::path empty = m_root / "no audio";
        fs::create_directories(empty);
        test::writeBytes(empty / "notes.txt", "nothing to hear");
        done.clear();
        panel.setSource(SourceKind::Folder, empty);
        QVERIFY(done.wait(20000));
        QVERIFY2(panel.previewText().contains(QStringLiteral("Cannot use this folder")),
                 qPrintable(panel.previewText()));
        QVERIFY2(panel.previewText().contains(QStringLiteral("no audio")), qPrintable(panel.previewText()));

        // The demo corpus needs no look.
        done.clear();
        panel.setSource(SourceKind::Demo);
        QVERIFY(done.count() == 1 || done.wait(5000));
        QVERIFY(panel.previewText().contains(QStringLiteral("synthetic tracks")));
    }

    void featureTableIsASource()
    {
        // Someone's embeddings: 12 tracks, 3 numbers, a label column, a comment.
        const fs::path table = m_root / "embeddings.csv";
        std::string text = "track_id,label,e0,e1,e2,comment\n";
        for (int i = 0; i < 12; ++i)
            text += "t" + std::to_string(i) + "," + (i % 2 ? "a" : "b") + "," +
                    std::to_string(i) + ",1.5,-2,note\n";
        test::writeBytes(table, text);
        DataPanel panel;
        const fs::path csv = m_root / "small lyrics.csv";
        test::writeBytes(csv, "id,lyrics\nRock/a.wav,hello\n");
        panel.setSource(SourceKind::Folder, m_small);
        panel.setLyricsCsv(csv);
        QSignalSpy done(&panel, &DataPanel::previewFinished);
        panel.setSource(SourceKind::Features, table);
        QVERIFY(done.wait(20000));
        const QString preview = panel.previewText();
        QVERIFY2(preview.contains(QStringLiteral("<b>12 tracks</b> in a CSV table")), qPrintable(preview));
        QVERIFY2(preview.contains(QStringLiteral("3 numeric columns")), qPrintable(preview));
        QVERIFY2(preview.contains(QStringLiteral("No lyrics columns")), qPrintable(preview));
        QVERIFY2(preview.contains(QStringLiteral("label column")), qPrintable(preview));
        QVERIFY2(preview.contains(QStringLiteral("comment")), qPrintable(preview));
        QCOMPARE(panel.knownTracks(), 12);
        // The table brings its own lyrics columns: the CSV is set aside, and the panel says so;
        // the excerpt does not apply.
        const PipelineConfig cfg = panel.config();
        QCOMPARE(cfg.data.featuresFile, table);
        QVERIFY(cfg.data.lyricsCsv.empty() && cfg.data.manifest.empty() && cfg.data.dataDir.empty());
        auto* note = panel.findChild<QLabel*>(QStringLiteral("lyricsNote"));
        QVERIFY2(note->text().contains(QStringLiteral("set aside")), qPrintable(note->text()));
        QVERIFY(!panel.findChild<QComboBox*>(QStringLiteral("excerptCombo"))->isEnabled());
        QCOMPARE(panel.findChild<QLabel*>(QStringLiteral("lyricsLabel"))->text(),
                 QStringLiteral("in the table"));
        // k above the table's 12 tracks is refused; within it the run can start.
        panel.findChild<QSpinBox*>(QStringLiteral("clustersSpin"))->setValue(20);
        QVERIFY(!panel.canRun());
        panel.findChild<QSpinBox*>(QStringLiteral("clustersSpin"))->setValue(3);
        QVERIFY2(panel.canRun(), qPrintable(panel.problems().join(QLatin1Char('\n'))));
        // It persists, and a session's configuration shows it again.
        const QString ini = qstr(m_root / "features.ini");
        {
            QSettings s(ini, QSettings::IniFormat);
            panel.save(s);
        }
        DataPanel restored;
        {
            QSettings s(ini, QSettings::IniFormat);
            restored.restore(s);
        }
        QCOMPARE(restored.sourceKind(), SourceKind::Features);
        QCOMPARE(restored.config().data.featuresFile, table);
        DataPanel shown;
        shown.setConfig(cfg);
        QCOMPARE(shown.sourceKind(), SourceKind::Features);
        // A file that is not a table: the reason in place.
        const fs::path bad = m_root / "bad.npy";
        test::writeBytes(bad, "not numpy");
        done.clear();
        panel.setSource(SourceKind::Features, bad);
        QVERIFY(done.wait(20000));
        QVERIFY2(panel.previewText().contains(QStringLiteral("Cannot use this feature table")) &&
                     panel.previewText().contains(QStringLiteral("not a .npy file")),
                 qPrintable(panel.previewText()));
    }

    void lyricsCsvStaysWithItsCollection()
    {
        DataPanel panel;
        const fs::path csvA = m_root / "small lyrics.csv";
        test::writeBytes(csvA, "id,lyrics\nRock/a.wav,hello\n");
        panel.setSource(SourceKind::Folder, m_small);
        panel.setLyricsCsv(csvA);
        QCOMPARE(panel.config().data.lyricsCsv, csvA);
        auto* note = panel.findChild<QLabel*>(QStringLiteral("lyricsNote"));
        QVERIFY(note && note->isHidden());

        // Another folder: the CSV is set aside, and the panel says so.
        panel.setSource(SourceKind::Folder, m_other);
        QVERIFY(panel.config().data.lyricsCsv.empty());
        QVERIFY(!note->isHidden());
        QVERIFY2(note->text().contains(QStringLiteral("small lyrics.csv")), qPrintable(note->text()));
        // Back to the first folder: its CSV comes back.
        panel.setSource(SourceKind::Folder, m_small);
        QCOMPARE(panel.config().data.lyricsCsv, csvA);
        QVERIFY(note->text().contains(QStringLiteral("chosen before")));
        // The association persists.
        const QString ini = qstr(m_root / "lyrics.ini");
        {
            QSettings s(ini, QSettings::IniFormat);
            panel.save(s);
        }
        DataPanel restored;
        {
            QSettings s(ini, QSettings::IniFormat);
            restored.restore(s);
        }
        restored.setSource(SourceKind::Folder, m_other);
        QVERIFY(restored.config().data.lyricsCsv.empty());
        restored.setSource(SourceKind::Folder, m_small);
        QCOMPARE(restored.config().data.lyricsCsv, csvA);
    }

    void foreignLyricsCsvStopsTheRunWithADialog()
    {
        // Twelve short tracks, and a CSV whose keys match none of them.
        const fs::path dir = m_root / "collection";
        for (int i = 0; i < 12; ++i)
            writeTone(dir / (i % 2 ? "Low" : "High") / ("t" + std::to_string(i) + ".wav"),
                      200.0 + 70.0 * i);
        const fs::path csv = m_root / "other collection lyrics.csv";
        test::writeBytes(csv, "id,lyrics\nblues.00000,a song about rain\n"
                              "blues.00001,a song about trains\n");

        MainWindow w;
        w.resize(1200, 800);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        DataPanel* panel = w.dataPanel();
        panel->setSource(SourceKind::Folder, dir);
        panel->setLyricsCsv(csv);
        for (const char* key : {"ae", "vae", "betavae", "cvae"})
            panel->findChild<QCheckBox*>(QStringLiteral("rep_") + QLatin1String(key))->setChecked(false);
        panel->findChild<QSpinBox*>(QStringLiteral("clustersSpin"))->setValue(2);
        QVERIFY(panel->canRun());

        QSignalSpy failed(w.runner(), &PipelineRunner::failed);
        QSignalSpy finished(w.runner(), &PipelineRunner::finished);
        w.run();
        QVERIFY(failed.wait(60000));
        const QString message = failed.first().at(0).toString();
        QVERIFY2(message.contains(QStringLiteral("does not seem to belong to this collection")),
                 qPrintable(message));

        // A dialog, not only the status bar: the message, and the way out.
        QMessageBox* box = nullptr;
        QTRY_VERIFY((box = w.findChild<QMessageBox*>(QStringLiteral("lyricsMismatchBox"))) &&
                    box->isVisible());
        QVERIFY(box->text().contains(QStringLiteral("other collection lyrics.csv")));
        QVERIFY(box->informativeText().contains(message));
        // The panel marks the CSV.
        auto* lyricsLabel = panel->findChild<QLabel*>(QStringLiteral("lyricsLabel"));
        QVERIFY(lyricsLabel->text().startsWith(QStringLiteral("⚠")));
        QCOMPARE(lyricsLabel->toolTip(), message);

        // "Run without the CSV": the CSV goes, the run starts again and finishes.
        auto* remove = box->findChild<QPushButton*>(QStringLiteral("removeLyricsButton"));
        QVERIFY(remove);
        remove->click();
        QVERIFY(panel->lyricsCsv().empty());
        QVERIFY(!lyricsLabel->text().startsWith(QStringLiteral("⚠")));
        QVERIFY(w.runner()->isBusy());
        QVERIFY(finished.wait(120000));
        QCOMPARE(w.model()->dataset()->size(), 12);
        // The sidecar-less collection ran on sound alone; its labels are the folders.
        QCOMPARE(int(w.model()->dataset()->labelNames.size()), 2);

        // Any other failure is a warning dialog too.
        panel->setSource(SourceKind::Manifest, m_root / "missing-later.csv");
        test::writeBytes(m_root / "missing-later.csv", "path,label\nnope.wav,x\n");
        panel->setSource(SourceKind::Manifest, m_root / "missing-later.csv");
        QVERIFY(panel->canRun());
        failed.clear();
        w.run();
        QVERIFY(failed.wait(60000));
        QTRY_VERIFY(w.findChild<QMessageBox*>(QStringLiteral("errorBox")) &&
                    w.findChild<QMessageBox*>(QStringLiteral("errorBox"))->isVisible());
    }
};

QTEST_MAIN(TestDataPanel)
#include "test_data_panel.moc"
