// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/pipeline/pipeline.h"

#include <QWidget>

#include <filesystem>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QPushButton;
class QSettings;
class QSpinBox;
class QToolButton;

namespace atlas::ui {

/// Where the tracks come from.
enum class SourceKind { Demo, Folder, Manifest, LyricsOnly };

/// The Data & Training panel: the run's source and every setting a user may change, with
/// validation as they edit. It builds the PipelineConfig; it never runs anything itself.
///
/// The Run button (objectName "runButton") is enabled only when the configuration is valid;
/// otherwise the panel says why ("validationLabel"). Settings persist through save()/restore().
class DataPanel : public QWidget {
    Q_OBJECT
public:
    explicit DataPanel(QWidget* parent = nullptr);

    /// The configuration the panel shows.
    PipelineConfig config() const;
    /// Shows `cfg` (e.g. from an opened session).
    void setConfig(const PipelineConfig& cfg);

    SourceKind sourceKind() const { return m_sourceKind; }
    /// The folder or manifest (empty for the demo corpus).
    std::filesystem::path sourcePath() const { return m_sourcePath; }
    void setSource(SourceKind kind, const std::filesystem::path& path = {});
    void setLyricsCsv(const std::filesystem::path& csv);

    /// Problems of the current configuration, one message each; empty when it can run.
    QStringList problems() const;
    /// Whether Run is available: no problems at the last check and no run going on.
    bool canRun() const { return m_problems.isEmpty() && !m_running; }
    /// While a run goes on, the settings are read-only and Run becomes unavailable.
    void setRunning(bool running);

    void save(QSettings& settings) const;
    void restore(QSettings& settings);

signals:
    /// The user pressed Run on a valid configuration.
    void runRequested();
    /// The source-change buttons: the window opens the right file dialog.
    void openFolderRequested();
    void openManifestRequested();
    void openLyricsRequested();
    /// Any setting changed (after validation).
    void configChanged();

private:
    void revalidate();
    void updateSourceLabel();

    SourceKind m_sourceKind = SourceKind::Demo;
    std::filesystem::path m_sourcePath;
    std::filesystem::path m_lyricsCsv;
    bool m_running = false;
    QStringList m_problems;   ///< problems() at the last edit

    QLabel* m_sourceLabel = nullptr;
    QLabel* m_lyricsLabel = nullptr;
    QToolButton* m_clearLyrics = nullptr;
    QComboBox* m_modality = nullptr;
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
