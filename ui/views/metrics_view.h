// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ui/figures/figure_renderer.h"

#include <QAbstractTableModel>
#include <QWidget>

#include <memory>
#include <vector>

class QComboBox;
class QLabel;
class QPushButton;
class QSortFilterProxyModel;
class QStackedWidget;
class QTableView;

namespace atlas::ui {

class FigureWidget;
class RunModel;

/// The clustering scores of every representation x clustering row, one row per pair, for
/// a QTableView. Columns: Representation, Clustering, the eight scores of AllMetrics (in
/// that order), Clusters, Noise. Qt::DisplayRole gives formatted text ("–" for undefined),
/// ValueRole the number (double; NaN when undefined or the clustering failed) that sorting
/// uses; the representation and clustering columns sort in pipeline order. The best defined
/// value of each score column is bold. An internal score (silhouette, Calinski-Harabasz,
/// Davies-Bouldin) of a clustering that left more than 10 % of the tracks out as noise is
/// shown with that share ("0.612 (48.6 % noise)"), in amber, and never marked best: it
/// describes only the tracks DBSCAN kept. Lives on the GUI thread.
class MetricsTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        RepresentationColumn = 0,
        ClusteringColumn = 1,
        FirstMetricColumn = 2,   ///< + index in AllMetrics
        ClustersColumn = FirstMetricColumn + int(AllMetrics.size()),
        NoiseColumn,
        ColumnCount
    };
    /// The raw number of a cell (double), used for sorting and export.
    static constexpr int ValueRole = Qt::UserRole + 1;

    explicit MetricsTableModel(QObject* parent = nullptr);

    /// Shows `representations` (null entries skipped), each with one row per clustering of
    /// AllClusterings; `config` names the VAEs' β; `datasetHasLabels` words the tooltips.
    void setRows(std::vector<std::shared_ptr<const RepresentationResult>> representations,
                 const PipelineConfig& config, bool datasetHasLabels);

    /// The metric shown in `column`, if it is a score column.
    static bool metricOfColumn(int column, Metric* metric);
    /// The clustering_metrics.csv method key of a row: vae_beta1.0_kmeans.
    QString methodKey(int row) const;
    /// The row's representation result and clustering result (null when it failed or is
    /// missing).
    const RepresentationResult* representationAt(int row) const;
    const ClusteringResult* clusteringAt(int row) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    struct Row {
        std::shared_ptr<const RepresentationResult> representation;
        int clusteringIndex = 0;       // in AllClusterings
    };
    double value(const Row& row, int column) const;
    /// True for an internal score of a clustering with much noise (see the class comment).
    bool noiseMarked(const Row& row, int column) const;
    void findBest();

    std::vector<Row> m_rows;
    PipelineConfig m_config;
    bool m_hasLabels = false;
    std::vector<int> m_bestRow;        // per score column, -1 = none
};

/// The Metrics tab: a bar chart of one score across every representation x clustering
/// (the figure of analysis_plots/, drawn by the same code, so the app and the exported PNG
/// agree) above a sortable table of every score (objectName "metricsTable"). A selector
/// ("metricSelector") or a click on a score's column header picks the chart's metric.
/// Follows the RunModel: rows appear as representations finish and are replaced when the
/// final result arrives. When tracks were added to the run after the fit (extendRun), a line
/// above the chart ("addedTracksNote") says that the scores are of the fitted tracks only.
/// objectName "metricsView".
class MetricsView : public QWidget {
    Q_OBJECT
public:
    explicit MetricsView(RunModel* model, QWidget* parent = nullptr);

    Metric currentMetric() const { return m_metric; }
    void setCurrentMetric(Metric metric);

    /// The chart of the current metric at `options.barSize` (the size of analysis_plots/);
    /// null when no representation has finished.
    QImage chartImage(const FigureOptions& options = {}) const;
    /// Writes chartImage() as a PNG. False (and *error set) when there is nothing to draw
    /// or the file cannot be written.
    bool exportPng(const QString& path, QString* error = nullptr) const;
    /// Writes the table in its current order with the engine's clustering_metrics.csv writer
    /// (method,silhouette,...,n_clusters,noise_fraction; undefined values empty, numbers
    /// exact). False (and *error set) when it cannot be written.
    bool exportCsv(const QString& path, QString* error = nullptr) const;

    /// The table's model (rows in pipeline order; the view sorts through a proxy).
    MetricsTableModel* tableModel() const { return m_table; }

private:
    void rebuild();
    void exportPngInteractive();
    void exportCsvInteractive();
    std::vector<const RepresentationResult*> shownRepresentations() const;

    RunModel* m_model;
    MetricsTableModel* m_table;
    QSortFilterProxyModel* m_sorted;
    QStackedWidget* m_pages;
    QComboBox* m_selector;
    FigureWidget* m_chart;
    QTableView* m_view;
    QPushButton* m_pngButton;
    QPushButton* m_csvButton;
    QLabel* m_addedNote;
    Metric m_metric = Metric::Silhouette;
};

} // namespace atlas::ui
