// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/metrics/cluster_summary.h"
#include "engine/pipeline/pipeline.h"
#include "ui/views/view_support.h"

#include <QList>
#include <QWidget>

#include <memory>

class QComboBox;
class QLabel;
class QPushButton;
class QScrollArea;
class QSplitter;
class QStackedWidget;
class QTreeWidget;
class QTreeWidgetItem;

namespace atlas::ui {

class ContingencyHeatmap;
class RunModel;

/// The Clusters tab: pick a representation and a clustering; the cluster list
/// ("clusterList": cluster, tracks, top labels such as "rock 62 % · metal 21 %"; DBSCAN
/// noise as "noise") shows every cluster; the selected cluster's tracks ("memberList":
/// track as "Artist — Title", label, distance) are listed nearest the centroid (in the code
/// space) first; a
/// cluster x genre heatmap shows the whole contingency table with the selected cluster
/// outlined. The numbers come from summarizeClusters(). "Play cluster" and "Export
/// playlist…" hand the member list, in that order, to whoever plays or saves it.
/// objectName "clustersView".
class ClustersView : public QWidget {
    Q_OBJECT
public:
    /// The id of "no cluster selected" (cluster ids are >= 0, noise is -1).
    static constexpr int NoCluster = -2;
    /// Item data roles: the cluster id on clusterList items, the track index on memberList
    /// items (column 0); the distance (double) on memberList column 3.
    static constexpr int IdRole = Qt::UserRole + 1;
    static constexpr int DistanceRole = Qt::UserRole + 2;

    explicit ClustersView(RunModel* model, QWidget* parent = nullptr);

    /// Shows clustering `c` of representation `r` when both have finished; false otherwise.
    bool setSelection(Representation r, Clustering c);
    /// The representation and clustering shown (valid when hasSelection()).
    Representation currentRepresentation() const { return m_rep; }
    Clustering currentClustering() const { return m_clustering; }
    bool hasSelection() const
    {
        refreshIfStale();
        return m_summary != nullptr;
    }
    /// Selects cluster `id` (-1 = noise); false when the clustering has no such cluster.
    bool selectCluster(int id);
    /// The selected cluster's id, or NoCluster.
    int currentCluster() const
    {
        refreshIfStale();
        return m_cluster;
    }
    /// The selected cluster's tracks, nearest the centroid first (what Play sends).
    QList<int> currentMembers() const;
    /// The summary shown; null when nothing is shown.
    const ClusterSummary* summary() const { return m_summary.get(); }

public slots:
    /// The track that is playing (-1 = none): its row in the member list is bold.
    void setPlayingTrack(int track);
    /// Member rows listed per event-loop turn (default 1,500; the first turn at most 200): a
    /// larger cluster's list fills over several turns, the nearest tracks first, and the
    /// window stays responsive.
    void setMemberBatch(int rows) { m_memberBatch = rows; }

signals:
    /// "Play cluster": play these tracks in this order.
    void playRequested(const QList<int>& tracks);
    /// "Export playlist…": save these tracks, in this order, as a playlist.
    void playlistExportRequested(const QList<int>& tracks);
    /// A member was double-clicked (or Enter pressed on it).
    void trackActivated(int track);
    /// A member was clicked: show its details.
    void trackChosen(int track);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;
    void showEvent(QShowEvent* event) override;

private:
    void fitColumns();
    void refreshChoices();
    /// A change while the view is hidden in a shown window (another tab is current) is only
    /// noted (m_deferral), and shown when the view is: summarising 100,000 tracks' clusters
    /// takes time.
    void refreshIfStale() const;
    void showSelection();
    void showCluster();
    void fitHeatmapPane();
    /// Lists the next batch of the shown cluster's members (job: the listing it belongs to).
    void fillMembers(int job);
    void updatePlayingRow();
    /// The playing track's row is bold in every column.
    void markPlaying(QTreeWidgetItem* item, bool playing) const;
    /// The shown cluster's index in m_summary, or -1 when none is shown.
    int shownIndex() const;

    RunModel* m_model;
    QStackedWidget* m_pages;
    QComboBox* m_repBox;
    QComboBox* m_clusteringBox;
    QLabel* m_caption;
    QTreeWidget* m_clusters;
    QLabel* m_memberCaption;
    QTreeWidget* m_members;
    QPushButton* m_play;
    QPushButton* m_export;
    ContingencyHeatmap* m_heatmap;
    QScrollArea* m_heatmapScroll;
    QSplitter* m_split;
    bool m_splitMoved = false;   ///< the divider was dragged: its place is the user's

    Representation m_rep = Representation::Pca;
    Clustering m_clustering = Clustering::KMeans;
    std::shared_ptr<const RepresentationResult> m_shownRep;
    std::shared_ptr<const Dataset> m_dataset;
    Clustering m_summaryClustering = Clustering::KMeans;   // what m_summary summarises
    std::unique_ptr<ClusterSummary> m_summary;
    int m_cluster = NoCluster;
    int m_playing = -1;
    bool m_updating = false;
    HiddenViewDeferral m_deferral;
    std::size_t m_fillAt = 0;   // members listed so far
    int m_fillJob = 0;          // the listing under way; a new cluster starts another
    int m_labelWidth = -1;      // the label column's content width (-1: not measured yet)
    int m_rankWidth = 0;        // the rank and distance columns' content widths
    int m_distanceWidth = 0;
    int m_memberBatch = 1500;
    static constexpr int FirstMemberBatch = 200;
};

} // namespace atlas::ui
