// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/pipeline/pipeline.h"

#include <QHash>
#include <QList>
#include <QWidget>

#include <atomic>
#include <filesystem>
#include <memory>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QPushButton;
class QSettings;
class QScrollArea;
class QSlider;
class QSpinBox;
class QThread;
class QTimer;
class QToolButton;

namespace atlas::ui {

/// Where the tracks come from.
enum class SourceKind { Demo, Folder, Manifest, LyricsOnly, Features };

/// The Data & Training panel: the run's source and every setting a user may change, with
/// validation as they edit. It builds the PipelineConfig; it never runs anything itself.
///
/// The Run button (objectName "runButton") is enabled only when the configuration is valid;
/// otherwise the panel says why ("validationLabel"). Settings persist through save()/restore().
///
/// A folder or manifest is previewed as soon as it is chosen ("previewLabel"): track count,
/// formats, tag and lyrics coverage and where the labels will come from, computed by
/// previewCollection() on a worker thread; a new choice cancels and replaces a preview that
/// is still running, and errors show in place. Controls: "labelFromCombo" (Labels from),
/// "excerptCombo" (auto/start/middle), "fusionCombo" (concat/balanced) with
/// "audioWeightSlider" (0-100 %, balanced fusion of a hybrid run only), and
/// "approximatePairingCheck".
///
/// A feature table (File ▸ Open Features…: what `musicatlas-cli features` writes, CSV or .npy)
/// is previewed from its header: tracks, audio and lyrics columns. It brings its own lyrics
/// columns, so a lyrics CSV is set aside, and the excerpt settings do not apply.
///
/// A lyrics CSV belongs to the collection it was chosen for: choosing another folder or
/// manifest sets the CSV aside (and says so in "lyricsNote"); going back to that collection
/// brings its CSV back.
class DataPanel : public QWidget {
    Q_OBJECT
public:
    explicit DataPanel(QWidget* parent = nullptr);
    ~DataPanel() override;

    /// The configuration the panel shows.
    PipelineConfig config() const;
    /// Shows `cfg` (e.g. from an opened session).
    void setConfig(const PipelineConfig& cfg);

    SourceKind sourceKind() const { return m_sourceKind; }
    /// The folder or manifest (empty for the demo corpus).
    std::filesystem::path sourcePath() const { return m_sourcePath; }
    void setSource(SourceKind kind, const std::filesystem::path& path = {});
    void setLyricsCsv(const std::filesystem::path& csv);
    std::filesystem::path lyricsCsv() const { return m_lyricsCsv; }
    /// Marks the lyrics CSV as not belonging to the collection (a failed run's message),
    /// until another CSV or source is chosen.
    void flagLyricsCsv(const QString& message);

    /// True while a preview of the source is due or being computed.
    bool previewRunning() const { return m_previewPending; }
    /// Starts the preview of the current source now instead of at the next turn of the event
    /// loop (changes are otherwise gathered into one preview).
    void previewNow();
    /// The preview's text as shown (rich text).
    QString previewText() const;

    /// Problems of the current configuration, one message each; empty when it can run.
    QStringList problems() const;
    /// Whether Run is available: no problems at the last check and no run going on.
    bool canRun() const { return m_problems.isEmpty() && !m_running; }
    /// While a run goes on, the settings are read-only and Run becomes unavailable; the Run
    /// button says `busyText` then (default "Running…").
    void setRunning(bool running, const QString& busyText = {});
    /// The number of tracks a run of the current source can cluster: the demo corpus's
    /// size, else the usable tracks of the last run of this source (setUsableTracks()), else
    /// the tracks its preview found; -1 when unknown. Clusters (k) above it is a problem.
    int knownTracks() const;
    /// A run of the current source kept `tracks` usable tracks (its dataset's rows).
    void setUsableTracks(int tracks);

    void save(QSettings& settings) const;
    void restore(QSettings& settings);

signals:
    /// The user pressed Run on a valid configuration.
    void runRequested();
    /// The source-change buttons: the window opens the right file dialog.
    void openFolderRequested();
    void openManifestRequested();
    void openFeaturesRequested();
    void openLyricsRequested();
    /// Any setting changed (after validation).
    void configChanged();
    /// A preview finished (shown, or failed with the error shown in place).
    void previewFinished();

private:
    struct PreviewOutcome;
    void revalidate();
    void updateSourceLabel();
    void updateFusionControls();
    void schedulePreview();
    void startPreview();
    void showPreview(const PreviewOutcome& outcome);
    /// The tracks the preview found, as the bound on k until a run of the source says more.
    void learnTrackCount(int tracks);
    void stopPreviews();
    QString sourceKey() const;
    bool eventFilter(QObject* watched, QEvent* event) override;

    SourceKind m_sourceKind = SourceKind::Demo;
    std::filesystem::path m_sourcePath;
    std::filesystem::path m_lyricsCsv;
    bool m_running = false;
    QStringList m_problems;   ///< problems() at the last edit
    /// The lyrics CSV chosen for each folder or manifest (by full path).
    QHash<QString, QString> m_lyricsForSource;
    QString m_lyricsProblem;  ///< why the CSV does not fit the collection (a failed run)
    int m_knownTracks = -1;   ///< tracks of the source m_knownTracksKey names
    QString m_knownTracksKey;
    QScrollArea* m_scroll = nullptr;

    // Preview: one worker thread per request; a newer request cancels the older ones.
    std::shared_ptr<std::atomic<bool>> m_previewCancel;
    QList<QThread*> m_previewThreads;
    quint64 m_previewGeneration = 0;
    QString m_previewKey;     ///< what the preview shown (or running) is for
    bool m_previewPending = false;   ///< a preview is scheduled or its thread runs
    bool m_previewInFlight = false;  ///< the thread of the current preview runs
    QTimer* m_previewTimer = nullptr;

    QLabel* m_sourceLabel = nullptr;
    QLabel* m_preview = nullptr;
    QLabel* m_lyricsLabel = nullptr;
    QLabel* m_lyricsNote = nullptr;
    QToolButton* m_clearLyrics = nullptr;
    QToolButton* m_lyricsButton = nullptr;
    QCheckBox* m_approximate = nullptr;
    QComboBox* m_labelFrom = nullptr;
    QComboBox* m_modality = nullptr;
    QComboBox* m_fusion = nullptr;
    QSlider* m_audioWeight = nullptr;
    QLabel* m_audioWeightLabel = nullptr;
    QComboBox* m_excerpt = nullptr;
    QComboBox* m_earlyStop = nullptr;
    QDoubleSpinBox* m_offset = nullptr;
    QDoubleSpinBox* m_duration = nullptr;
    QSpinBox* m_demoTracks = nullptr;
    QCheckBox* m_rep[AllRepresentations.size()] = {};
    QSpinBox* m_epochs = nullptr;
    QSpinBox* m_batch = nullptr;
    QSpinBox* m_latent = nullptr;
    QDoubleSpinBox* m_beta = nullptr;
    QSpinBox* m_clusters = nullptr;
    QCheckBox* m_epsAuto = nullptr;
    QDoubleSpinBox* m_eps = nullptr;
    QCheckBox* m_minSamplesAuto = nullptr;
    QSpinBox* m_minSamples = nullptr;
    QCheckBox* m_maps = nullptr;
    QSpinBox* m_seed = nullptr;
    QSpinBox* m_threads = nullptr;
    QLabel* m_validation = nullptr;
    QPushButton* m_run = nullptr;
    QList<QWidget*> m_editors;
};

} // namespace atlas::ui
