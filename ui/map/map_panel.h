// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/data/track_search.h"
#include "engine/pipeline/pipeline.h"
#include "ui/model/track_classes.h"

#include <QList>
#include <QString>
#include <QStringList>
#include <QWidget>

#include <memory>
#include <vector>

class QComboBox;
class QHBoxLayout;
class QLabel;
class QLineEdit;
class QListWidget;
class QListWidgetItem;
class QPushButton;
class QToolButton;

namespace atlas::ui {

class MapView;
class RunModel;

/// The Map tab: the interactive map of one representation's t-SNE or UMAP layout with its
/// controls.
///
/// Above the map: the representation ("representationCombo"), the map ("mapCombo") and the
/// colouring ("colourCombo": the run's label, a field of the tracks — genre tag, artist,
/// album, decade, format, folder, has lyrics —, the clusters of KMeans, Agglomerative or
/// DBSCAN, or none), a search box ("mapSearch") that highlights tracks whose title, artist,
/// album, genre, file name, id or label contain the text typed (case-insensitive, '_' read
/// as a space; when no track has the text in one field, the tracks that have every word of
/// it somewhere), a lasso tool and a fit button. Beside the map: the legend ("mapLegend"; click
/// an entry to hide or show that class, double-click to show only it; fields with many
/// values show the 12 most common and a grey "Other"), and the selection ("selectionList",
/// tracks named "Artist — Title") with Play selection, Export playlist and Clear. Tooltips
/// name the track by artist and title, with album, genre, label and cluster.
///
/// It follows the RunModel: a map appears with its first live frame while it is optimised
/// and animates as frames arrive (the view is fitted on the first frame, and again only when
/// the layout outgrows the view before the user moved it), then switches to the finished map.
/// Selection and search hits are track indices and stay when the representation, map or
/// colouring changes. Empty and failed maps show a message instead. GUI thread only.
class MapPanel : public QWidget {
    Q_OBJECT
public:
    explicit MapPanel(RunModel* model, QWidget* parent = nullptr);
    ~MapPanel() override;

    MapView* view() const { return m_view; }
    /// The selected tracks (ascending).
    QList<int> selection() const { return m_selection; }
    Representation currentRepresentation() const;
    MapKind currentMap() const;
    /// Shows representation `r` and map `m` (when the representation is in the run).
    void showMap(Representation r, MapKind m);
    /// Colours the map by a field of the tracks.
    void setColourField(TrackField field);
    /// The classes the map is coloured with when it shows a field (else null).
    const TrackClasses* fieldClasses() const;
    /// The tooltip text of a track (rich text), as the map shows it on hover.
    QString tooltipFor(int track) const;
    /// The clustering the map is coloured by (KMeans when it is coloured by a field).
    Clustering currentClustering() const;
    /// True when the map is coloured by a clustering (not by a field of the tracks).
    bool colouredByClustering() const;
    /// The tracks the search finds now (empty when there is no search).
    QList<int> searchHits() const { return m_searchHits; }

public slots:
    /// Draws a ring around the track that is playing (-1 = none) and shows its row in the
    /// selection list in bold.
    void setPlayingTrack(int track);
    /// Marks the track shown in the track details (-1 = none): a dark ring on the map and
    /// its row in the selection list current.
    void setMarkedTrack(int track);
    /// Search: selects the tracks it finds and fits them in the view (Enter in the search
    /// box). Nothing happens without a hit.
    void selectSearchHits();

signals:
    /// A click on a point (or a double-click in the selection list): play this track.
    void trackActivated(int track);
    /// "Play selection": play these tracks in this order.
    void playRequested(const QList<int>& tracks);
    /// "Export playlist": write these tracks as a playlist.
    void playlistExportRequested(const QList<int>& tracks);
    /// A single click on a track in the selection list: show its details.
    void trackChosen(int track);
    /// The representation shown changed.
    void representationChanged(atlas::Representation r);
    /// The clustering the map is coloured by changed (or the representation did).
    void clusteringChanged(atlas::Representation r, atlas::Clustering c);

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    enum class Colouring { Field, KMeans, Agglomerative, Dbscan, None };
    void updateBarLayout();

    void rebuildRepresentationCombo();
    void refreshMap();
    void refreshClasses();
    void refreshLegend();
    void refreshSearch();
    void refreshSelectionList();
    void onFrame(Representation r, MapKind m);
    void updateLegendItems();
    void toggleLegendItem(QListWidgetItem* item);
    void soloLegendItem(QListWidgetItem* item);
    Colouring colouring() const;
    TrackField colourField() const;
    Clustering shownKind() const;
    /// The clustering of the colouring; failed ones only when `includeFailed`.
    const ClusteringResult* shownClustering(bool includeFailed = false) const;
    void updateListMarks();
    QString trackTitle(int track) const;
    void updateLabelItemText();

    RunModel* m_model = nullptr;
    MapView* m_view = nullptr;
    QComboBox* m_representation = nullptr;
    QComboBox* m_map = nullptr;
    QComboBox* m_colour = nullptr;
    QLineEdit* m_search = nullptr;
    QLabel* m_searchCount = nullptr;
    QToolButton* m_lasso = nullptr;
    QToolButton* m_fit = nullptr;
    QWidget* m_choices = nullptr;     // representation, map, colour
    QWidget* m_tools = nullptr;       // search, lasso, fit
    QWidget* m_secondRow = nullptr;
    QWidget* m_splitter = nullptr;
    QHBoxLayout* m_bar = nullptr;
    bool m_toolsInBar = true;
    QLabel* m_legendTitle = nullptr;
    QListWidget* m_legend = nullptr;
    QLabel* m_selectionTitle = nullptr;
    QListWidget* m_selectionList = nullptr;
    QPushButton* m_play = nullptr;
    QPushButton* m_export = nullptr;
    QPushButton* m_clear = nullptr;

    QList<int> m_selection;
    // Search: the index of m_searchData's tracks, and the hits of m_searchNeedle.
    std::shared_ptr<const Dataset> m_searchData;
    TrackSearch m_searchIndex;
    QString m_searchNeedle;
    QList<int> m_searchHits;
    int m_playing = -1;
    int m_marked = -1;
    // What the view shows, to tell a new map (fit it) from the next frame of the same one.
    std::shared_ptr<const Matrix> m_shown;
    int m_shownKey = -1;
    bool m_fitPending = true;
    int m_classesMode = -1;           // the colour choice the view's classes were made for
    // The classes of the field coloured by, computed once per dataset and field.
    std::shared_ptr<const Dataset> m_fieldData;
    int m_fieldKey = -1;
    TrackClasses m_fieldClasses;
    bool m_fieldShown = false;
};

} // namespace atlas::ui
