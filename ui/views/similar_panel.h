// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/pipeline/pipeline.h"
#include "engine/similarity/neighbours.h"
#include "engine/similarity/playlists.h"

#include <QList>
#include <QString>
#include <QWidget>

#include <memory>
#include <string>
#include <vector>

class QCheckBox;
class QComboBox;
class QLabel;
class QMenu;
class QPushButton;
class QSpinBox;
class QStackedWidget;
class QThread;
class QToolButton;
class QTreeWidget;

namespace atlas::ui {

class MapPanel;
class RunModel;

/// The Similar panel (objectName "similarPanel"), for a dock beside the track details: the
/// tracks most like one track, a radio from it, or a path from one track to another, listed
/// ("similarList": #, "Artist — Title", distance, cluster under the clustering the map is
/// coloured by), played in turn and saved as a playlist.
///
/// - Similar: the k nearest tracks ("similarCountSpin", default 20) to the query track in the
///   space chosen in "similarSpaceCombo": the latent space of the map's representation, the
///   standardised sound features, or the lyrics' TF-IDF (engine/similarity searchSpace();
///   a space the run lacks is disabled, the engine's reason as its tooltip). The panel follows
///   the track clicked on the map (followTrack()); "More like this" calls showSimilar().
///   Activating a row (double-click, Enter) moves on from that track.
/// - Radio ("similarRadioButton", its menu holds the length, "no same artist within M
///   tracks" and "no second track of an album"): the engine's radio() in the latent space.
/// - Path between ("similarPathButton", its menu holds the number of steps, default 12, and
///   the graph's k, default 10): the
///   engine's songPath() between the two tracks selected on the map, found on a worker
///   thread; the map draws it as a line (MapView::setPath()).
///
/// While the panel is shown, what it lists is selected on the map (the query track with it);
/// the path's line goes when the selection or the representation changes. A right click on
/// the map offers More like this, Start radio from here, Path from the query track to here
/// and Path between the two selected tracks (trackMenu()). GUI thread only.
class SimilarPanel : public QWidget {
    Q_OBJECT
public:
    enum class Mode { Similar, Radio, Path };

    SimilarPanel(RunModel* model, MapPanel* map, QWidget* parent = nullptr);
    ~SimilarPanel() override;

    Mode mode() const { return m_mode; }
    /// The query track (Similar), the seed (Radio) or the first track (Path); -1 = none.
    int track() const { return m_track; }
    /// The tracks listed, in order, and their distances (to the query track, or for a radio
    /// or a path from the track before; 0 for the first).
    QList<int> tracks() const;
    QList<double> distances() const;
    /// What Play all plays and Save as M3U writes: the query track and its neighbours, or the
    /// radio or the path as listed.
    QList<int> playlist() const;
    /// The name Save as M3U suggests: "musicatlas-similar.m3u8", "-radio" or "-path".
    QString playlistFileName() const;
    /// A message when nothing is listed (no run, no track, an unavailable space, a failed
    /// path); else what the list is, e.g. "20 nearest in VAE's latent space (16 dimensions)".
    QString statusText() const;
    /// True while a path is being found.
    bool isBusy() const { return m_pathJob != m_pathDone; }

    SimilaritySpace space() const;
    void setSpace(SimilaritySpace space);
    /// False, with the engine's reason in `why`, when the run has no such space.
    bool spaceAvailable(SimilaritySpace space, QString* why = nullptr) const;
    int neighbourCount() const;
    void setNeighbourCount(int k);
    RadioOptions radioOptions() const;
    void setRadioOptions(const RadioOptions& options);
    /// Steps of a path playlist (0: the graph's path as it is).
    int pathSteps() const;
    void setPathSteps(int steps);
    /// k of the kNN graph a path is found on (default 10; a larger k joins groups of tracks
    /// that a path cannot cross).
    int pathNeighbours() const;
    void setPathNeighbours(int k);

    /// The map's context menu for `track` (-1: the map's background), or null when it would
    /// be empty. The caller owns it.
    QMenu* trackMenu(int track, QWidget* parent = nullptr);

public slots:
    /// The track clicked on the map: lists what is like it (selected on the map while the
    /// panel is shown).
    void followTrack(int track);
    /// "More like this": lists the tracks like `track`, selects them on the map and asks to
    /// be shown.
    void showSimilar(int track);
    /// A radio from `seed` with radioOptions().
    void startRadio(int seed);
    /// Starts finding the path from `from` to `to`; pathFinished() tells when it is listed.
    void startPath(int from, int to);
    /// The path between the two tracks selected on the map, from the query track when it is
    /// one of them (nothing unless exactly two are selected).
    void pathBetweenSelected();

signals:
    /// Play all.
    void playRequested(const QList<int>& tracks);
    /// Save as M3U.
    void playlistExportRequested(const QList<int>& tracks);
    /// A track was chosen: a row clicked, or the track moved on to: show its details.
    void trackChosen(int track);
    /// The panel should be brought to the front (More like this, a radio or path started
    /// from the map).
    void raiseRequested();
    /// Something to say in the status bar.
    void message(const QString& text);
    /// A path asked for with startPath() is listed (true) or could not be found (false).
    void pathFinished(bool ok);

private:
    struct Space {
        std::shared_ptr<const Matrix> points;   // null when unavailable
        Distance distance = Distance::Euclidean;
        QString description;
        QString error;
    };
    Space spaceFor(SimilaritySpace s) const;
    void refresh();                  // recompute the list for the mode, keeping the map
    /// The neighbours of the current track in the chosen space, listed and shown on the map.
    void listSimilar();
    void computeSimilar();
    void computeRadio();
    void showList();
    void applyToMap();
    void updateSpaces();
    void updateButtons();
    void setEmpty(const QString& why);
    QString trackName(int track) const;
    void onRepresentationChanged();
    void onSelectionChanged(const QList<int>& tracks);
    void reset();

    RunModel* m_model;
    MapPanel* m_map;
    Mode m_mode = Mode::Similar;
    int m_track = -1;
    int m_pathTo = -1;
    std::vector<int> m_rows;
    std::vector<double> m_distances;
    QString m_status;
    QString m_description;           // the space searched, e.g. "VAE's latent space (16 dimensions)"
    bool m_listed = false;           // m_rows is a result (possibly empty), not a hint

    // The standardised audio of the run last asked (made once per run).
    mutable const RunResult* m_audioRun = nullptr;
    mutable std::shared_ptr<const Matrix> m_audio;
    // radioKeys() of the dataset last used.
    const Dataset* m_keysData = nullptr;
    std::vector<std::string> m_artists, m_albums;

    // Paths are found on worker threads; only the last asked is listed.
    QList<QThread*> m_threads;
    int m_pathJob = 0;
    int m_pathDone = 0;
    bool m_applying = false;         // our own change of the map's selection

    QLabel* m_heading = nullptr;
    QComboBox* m_spaceCombo = nullptr;
    QSpinBox* m_count = nullptr;
    QStackedWidget* m_pages = nullptr;
    QLabel* m_hint = nullptr;
    QTreeWidget* m_list = nullptr;
    QLabel* m_statusLabel = nullptr;
    QPushButton* m_play = nullptr;
    QPushButton* m_save = nullptr;
    QToolButton* m_radio = nullptr;
    QToolButton* m_path = nullptr;
    QSpinBox* m_radioLength = nullptr;
    QSpinBox* m_radioArtist = nullptr;
    QCheckBox* m_radioAlbum = nullptr;
    QSpinBox* m_pathStepsSpin = nullptr;
    QSpinBox* m_pathNeighbours = nullptr;
};

} // namespace atlas::ui
