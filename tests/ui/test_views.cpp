// SPDX-License-Identifier: GPL-3.0-or-later
// The Metrics, Clusters, Training and Issues tabs on a real small run fed into a RunModel:
// the values they show against the result, sorting, exports, live updates and signals.
// Screenshots of each view (1200 x 800) go to $ATLAS_VIEW_SHOTS when it is set.

#include "ui/model/run_model.h"
#include "ui/views/clusters_view.h"
#include "ui/views/contingency_heatmap.h"
#include "ui/views/issues_view.h"
#include "ui/views/metrics_view.h"
#include "ui/views/training_view.h"

#include "engine/data/csv.h"
#include "engine/metrics/external.h"
#include "engine/io/results_io.h"
#include "tests/support/fixtures.h"
#include "tests/ui/ui_fixtures.h"

#include <QApplication>
#include <QChart>
#include <QDir>
#include <QHeaderView>
#include <QLabel>
#include <QClipboard>
#include <QLineSeries>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTabWidget>
#include <QTableView>
#include <QTreeWidget>
#include <QValueAxis>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>

using namespace atlas;
using namespace atlas::ui;

namespace {

void saveShot(QWidget& widget, const QString& name)
{
    const QString dir = qEnvironmentVariable("ATLAS_VIEW_SHOTS");
    if (dir.isEmpty())
        return;
    QDir().mkpath(dir);
    QVERIFY(widget.grab().save(dir + QLatin1Char('/') + name + QStringLiteral(".png")));
}

// Shows `widget` at a realistic size on the offscreen screen and lets it lay out.
void showAt(QWidget& widget, QSize size = {1200, 800})
{
    widget.resize(size);
    widget.show();
    QVERIFY(QTest::qWaitForWindowExposed(&widget));
    QCoreApplication::processEvents();
}

} // namespace

class TestViews : public QObject {
    Q_OBJECT

    std::shared_ptr<const RunResult> m_run;

private slots:
    void initTestCase()
    {
        m_run = test::smallDemoRun();
        QVERIFY(m_run);
        QVERIFY(m_run->dataset.hasLabels());
        QCOMPARE(int(m_run->representations.size()), int(AllRepresentations.size()));
    }

    // ---------------------------------------------------------------------------------
    // Metrics

    void metricsEmptyThenOneRowPerPair()
    {
        RunModel model;
        MetricsView view(&model);
        QCOMPARE(view.objectName(), QStringLiteral("metricsView"));
        auto* table = view.findChild<QTableView*>(QStringLiteral("metricsTable"));
        QVERIFY(table);
        QCOMPARE(table->model()->rowCount(), 0);
        QVERIFY(view.chartImage().isNull());
        QVERIFY(!view.exportPng(QDir::temp().filePath(QStringLiteral("none.png"))));

        model.setResult(m_run);
        const MetricsTableModel* rows = view.tableModel();
        QCOMPARE(rows->rowCount(), int(m_run->representations.size() * AllClusterings.size()));
        std::map<QString, int> rowOf;
        for (int i = 0; i < rows->rowCount(); ++i)
            rowOf[rows->methodKey(i)] = i;
        QCOMPARE(int(rowOf.size()), rows->rowCount());   // keys are unique
        for (const RepresentationResult& rep : m_run->representations)
            for (Clustering c : AllClusterings) {
                const QString key =
                    QString::fromStdString(rep.method + "_" + clusteringKey(c));
                QVERIFY2(rowOf.count(key), qPrintable(key));
                const int row = rowOf[key];
                const ClusteringResult* cl = rep.clustering(c);
                QVERIFY(cl && cl->ok);
                for (std::size_t m = 0; m < AllMetrics.size(); ++m) {
                    const QModelIndex index =
                        rows->index(row, MetricsTableModel::FirstMetricColumn + int(m));
                    const double want = metricValue(cl->scores, AllMetrics[m]);
                    const double got = index.data(MetricsTableModel::ValueRole).toDouble();
                    if (std::isnan(want)) {
                        QVERIFY(std::isnan(got));
                        QCOMPARE(index.data().toString(), QStringLiteral("–"));
                    } else {
                        QCOMPARE(got, want);
                        // Shown rounded, never as something else (an internal score of
                        // a mostly-noise clustering has the noise share after it).
                        QVERIFY(std::abs(index.data().toString().section(QLatin1Char(' '), 0, 0).toDouble() - want) <=
                                (std::abs(want) >= 100 ? 0.05 : 0.0005) + 1e-12);
                    }
                }
                QCOMPARE(rows->index(row, MetricsTableModel::ClustersColumn).data().toInt(),
                         cl->scores.nClusters);
                QCOMPARE(rows->index(row, MetricsTableModel::NoiseColumn)
                             .data(MetricsTableModel::ValueRole)
                             .toDouble(),
                         cl->scores.noiseFraction);
            }
        QVERIFY(!view.chartImage().isNull());
        QCOMPARE(view.chartImage().size(), FigureOptions{}.barSize);

        // A new run empties it again.
        model.reset(m_run->config);
        QCOMPARE(table->model()->rowCount(), 0);
    }

    void metricsMarkScoresOfMostlyNoise()
    {
        // DBSCAN left half of the PCA codes out as noise, with the best silhouette of all:
        // that score is shown with the noise share and not crowned.
        auto run = std::make_shared<RunResult>(*m_run);
        ClusteringResult* noisy = nullptr;
        for (ClusteringResult& c : run->representations[0].clusterings)
            if (c.kind == Clustering::Dbscan)
                noisy = &c;
        QVERIFY(noisy && noisy->ok);
        noisy->scores.silhouette = 0.999;
        noisy->scores.noiseFraction = 0.486;
        // The best of the clusterings that left at most 10 % out.
        double bestOther = -1.0;
        for (const RepresentationResult& rep : run->representations)
            for (const ClusteringResult& c : rep.clusterings)
                if (c.ok && std::isfinite(c.scores.silhouette) && c.scores.noiseFraction <= 0.1)
                    bestOther = std::max(bestOther, c.scores.silhouette);
        QVERIFY(bestOther > -1.0);
        RunModel model;
        MetricsView view(&model);
        model.setResult(run);
        const MetricsTableModel* rows = view.tableModel();
        int noisyRow = -1;
        for (int i = 0; i < rows->rowCount(); ++i)
            if (rows->methodKey(i) ==
                QString::fromStdString(run->representations[0].method + "_dbscan"))
                noisyRow = i;
        QVERIFY(noisyRow >= 0);
        const int silhouetteColumn = MetricsTableModel::FirstMetricColumn + int(std::distance(
            AllMetrics.begin(), std::find(AllMetrics.begin(), AllMetrics.end(), Metric::Silhouette)));
        const QModelIndex cell = rows->index(noisyRow, silhouetteColumn);
        QVERIFY2(cell.data().toString().contains(QStringLiteral("(48.6 % noise)")),
                 qPrintable(cell.data().toString()));
        QVERIFY(!cell.data(Qt::FontRole).value<QFont>().bold());
        // The crown goes to the best score of a clustering that kept its tracks.
        int boldRows = 0;
        for (int i = 0; i < rows->rowCount(); ++i)
            if (rows->index(i, silhouetteColumn).data(Qt::FontRole).value<QFont>().bold()) {
                ++boldRows;
                QCOMPARE(rows->index(i, silhouetteColumn).data(MetricsTableModel::ValueRole).toDouble(),
                         bestOther);
            }
        QCOMPARE(boldRows, 1);
        // External scores count every track (noise as one group): not marked.
        const int nmiColumn = MetricsTableModel::FirstMetricColumn + int(std::distance(
            AllMetrics.begin(), std::find(AllMetrics.begin(), AllMetrics.end(), Metric::Nmi)));
        QVERIFY(!rows->index(noisyRow, nmiColumn).data().toString().contains(QStringLiteral("noise")));
    }

    void metricsHeadersReadWholeWhenNarrow()
    {
        RunModel model;
        model.setResult(m_run);
        MetricsView view(&model);
        showAt(view, {760, 600});
        auto* table = view.findChild<QTableView*>(QStringLiteral("metricsTable"));
        QHeaderView* header = table->horizontalHeader();
        for (int i = MetricsTableModel::FirstMetricColumn; i < header->count(); ++i)
            QVERIFY2(header->sectionSize(i) >= header->sectionSizeHint(i),
                     qPrintable(table->model()->headerData(i, Qt::Horizontal).toString()));
        // Wide enough: the columns fill the width without a scroll bar, each at least as
        // wide as its cells (a score with its noise share is not elided).
        view.resize(2400, 800);
        QCoreApplication::processEvents();
        int total = 0;
        const QAbstractItemView* cells = table;
        for (int i = 0; i < header->count(); ++i) {
            total += header->sectionSize(i);
            if (i >= MetricsTableModel::FirstMetricColumn)
                QVERIFY2(header->sectionSize(i) >= cells->sizeHintForColumn(i),
                         qPrintable(table->model()->headerData(i, Qt::Horizontal).toString()));
        }
        QCOMPARE(total, table->viewport()->width());

        // At every width, a score with its noise share ("0.999 (48.6 % noise)") is whole.
        auto noisy = std::make_shared<RunResult>(*m_run);
        for (ClusteringResult& c : noisy->representations[0].clusterings)
            if (c.kind == Clustering::Dbscan && c.ok) {
                c.scores.silhouette = 0.999;
                c.scores.calinskiHarabasz = 123.456;
                c.scores.noiseFraction = 0.486;
            }
        model.setResult(noisy);
        for (int width = 700; width <= 2000; width += 50) {
            view.resize(width, 600);
            QCoreApplication::processEvents();
            for (int i = MetricsTableModel::FirstMetricColumn; i < header->count(); ++i)
                QVERIFY2(header->sectionSize(i) >= cells->sizeHintForColumn(i),
                         qPrintable(QStringLiteral("%1 px: %2 is %3 px, its cells need %4")
                                        .arg(width)
                                        .arg(table->model()->headerData(i, Qt::Horizontal).toString())
                                        .arg(header->sectionSize(i))
                                        .arg(cells->sizeHintForColumn(i))));
        }
    }

    void metricsSortNumerically()
    {
        RunModel model;
        MetricsView view(&model);
        model.setResult(m_run);
        auto* table = view.findChild<QTableView*>(QStringLiteral("metricsTable"));
        QAbstractItemModel* shown = table->model();
        const int ch = MetricsTableModel::FirstMetricColumn + 1;   // Calinski-Harabasz: 2-4 digits
        QCOMPARE(AllMetrics[1], Metric::CalinskiHarabasz);
        // ARI has negative values here, whose text order is the reverse of their order.
        for (int column : {int(MetricsTableModel::FirstMetricColumn), ch,
                           MetricsTableModel::FirstMetricColumn + 2,
                           MetricsTableModel::FirstMetricColumn + 3,
                           int(MetricsTableModel::ClustersColumn),
                           int(MetricsTableModel::NoiseColumn)}) {
            for (Qt::SortOrder order : {Qt::AscendingOrder, Qt::DescendingOrder}) {
                table->sortByColumn(column, order);
                bool seenNan = false;
                double previous = order == Qt::AscendingOrder ? -INFINITY : INFINITY;
                for (int i = 0; i < shown->rowCount(); ++i) {
                    const double v =
                        shown->index(i, column).data(MetricsTableModel::ValueRole).toDouble();
                    if (std::isnan(v)) {
                        seenNan = true;   // undefined values last, in both orders
                        continue;
                    }
                    QVERIFY(!seenNan);
                    QVERIFY(order == Qt::AscendingOrder ? v >= previous : v <= previous);
                    previous = v;
                }
            }
        }
        // Clicking a score's header also charts that score.
        table->horizontalHeader()->sectionClicked(MetricsTableModel::FirstMetricColumn + 2);
        QCOMPARE(view.currentMetric(), Metric::DaviesBouldin);
    }

    void metricsCsvIsTheResultsTable()
    {
        RunModel model;
        MetricsView view(&model);
        model.setResult(m_run);
        const auto dir = test::makeTempDir("views-metrics");
        const QString path = QString::fromStdString((dir / "metrics.csv").string());
        QString error;

        // Sorted, the file holds the table's rows in the table's order, numbers exact, in
        // the columns of clustering_metrics.csv.
        auto* table = view.findChild<QTableView*>(QStringLiteral("metricsTable"));
        table->sortByColumn(MetricsTableModel::FirstMetricColumn + 3, Qt::DescendingOrder);   // ARI
        QVERIFY2(view.exportCsv(path, &error), qPrintable(error));
        Diagnostics diagnostics;
        const CsvTable csv = readCsv(dir / "metrics.csv", diagnostics);
        QVERIFY(diagnostics.empty());
        QCOMPARE(csv.header.size(), std::size_t(11));
        QCOMPARE(csv.header[0], std::string("method"));
        for (std::size_t m = 0; m < AllMetrics.size(); ++m)
            QCOMPARE(csv.header[1 + m], std::string(metricKey(AllMetrics[m])));
        QCOMPARE(int(csv.rows.size()), table->model()->rowCount());
        double previous = INFINITY;
        for (const auto& fields : csv.rows) {
            const RepresentationResult* rep = nullptr;
            const ClusteringResult* cl = nullptr;
            for (const auto& r : m_run->representations)
                for (Clustering c : AllClusterings)
                    if (r.method + "_" + clusteringKey(c) == fields[0]) {
                        rep = &r;
                        cl = r.clustering(c);
                    }
            QVERIFY2(rep && cl, fields[0].c_str());
            for (std::size_t m = 0; m < AllMetrics.size(); ++m) {
                const double want = metricValue(cl->scores, AllMetrics[m]);
                if (std::isnan(want))
                    QVERIFY(fields[1 + m].empty());
                else
                    QCOMPARE(std::stod(fields[1 + m]), want);
            }
            QCOMPARE(std::stoi(fields[9]), cl->scores.nClusters);
            const double ari = std::stod(fields[4]);
            QVERIFY(ari <= previous);
            previous = ari;
        }
        QVERIFY(!view.exportCsv(QStringLiteral("/nonexistent-folder/x.csv"), &error));
        QVERIFY(!error.isEmpty());
    }

    void metricsPngIsTheFigure()
    {
        RunModel model;
        MetricsView view(&model);
        model.setResult(m_run);
        view.setCurrentMetric(Metric::Ari);
        const auto dir = test::makeTempDir("views-png");
        const QString path = QString::fromStdString((dir / "ari.png").string());
        QVERIFY(view.exportPng(path));
        const QImage saved(path);
        const QImage figure = metricBarFigure(*m_run, Metric::Ari);
        QCOMPARE(saved.size(), figure.size());
        QCOMPARE(saved.convertToFormat(QImage::Format_RGB32), figure);
    }

    void metricsFollowALiveRun()
    {
        RunModel model;
        MetricsView view(&model);
        model.reset(m_run->config);
        model.setDataset(std::shared_ptr<const Dataset>(m_run, &m_run->dataset));
        QCOMPARE(view.tableModel()->rowCount(), 0);
        model.setRepresentation(std::shared_ptr<const RepresentationResult>(
            m_run, &m_run->representations[0]));
        QCOMPARE(view.tableModel()->rowCount(), int(AllClusterings.size()));
        QVERIFY(!view.chartImage().isNull());
    }

    // ---------------------------------------------------------------------------------
    // Clusters

    void clustersFollowALiveRun()
    {
        RunModel model;
        ClustersView view(&model);
        model.reset(m_run->config);
        QVERIFY(!view.hasSelection());
        model.setDataset(std::shared_ptr<const Dataset>(m_run, &m_run->dataset));
        QVERIFY(!view.hasSelection());
        const RepresentationResult& pca = *m_run->representation(Representation::Pca);
        model.setRepresentation(std::shared_ptr<const RepresentationResult>(m_run, &pca));
        QVERIFY(view.hasSelection());
        QCOMPARE(view.currentRepresentation(), Representation::Pca);
        QCOMPARE(view.summary()->tracks, m_run->dataset.size());
        QVERIFY(view.currentCluster() != ClustersView::NoCluster);
        // A representation that has not finished cannot be chosen.
        QVERIFY(!view.setSelection(Representation::Vae, Clustering::KMeans));
        QCOMPARE(view.currentRepresentation(), Representation::Pca);
        model.reset(m_run->config);
        QVERIFY(!view.hasSelection());
        QVERIFY(view.currentMembers().isEmpty());
    }

    void clusterListMatchesTheLabels()
    {
        RunModel model;
        ClustersView view(&model);
        QVERIFY(!view.hasSelection());
        model.setResult(m_run);
        auto* list = view.findChild<QTreeWidget*>(QStringLiteral("clusterList"));
        QVERIFY(list);
        const Dataset& ds = m_run->dataset;
        for (const RepresentationResult& rep : m_run->representations)
            for (Clustering c : AllClusterings) {
                QVERIFY(view.setSelection(rep.kind, c));
                const Labels& labels = rep.clustering(c)->labels;
                int sum = 0;
                for (int i = 0; i < list->topLevelItemCount(); ++i) {
                    const QTreeWidgetItem* item = list->topLevelItem(i);
                    const int id = item->data(0, ClustersView::IdRole).toInt();
                    const int size = item->text(1).toInt();
                    QCOMPARE(size, int((labels.array() == id).count()));
                    sum += size;
                    if (id < 0)
                        QCOMPARE(item->text(0), QStringLiteral("noise"));
                    // The first top label is the most frequent genre of the cluster.
                    std::vector<int> perLabel(ds.labelNames.size(), 0);
                    for (Eigen::Index t = 0; t < labels.size(); ++t)
                        if (labels[t] == id)
                            ++perLabel[std::size_t(ds.labels[t])];
                    const int best = int(std::max_element(perLabel.begin(), perLabel.end()) -
                                         perLabel.begin());
                    const std::size_t b = std::size_t(best);
                    const QString share = QStringLiteral("%1 %2%")
                                              .arg(QString::fromStdString(ds.labelNames[b]))
                                              .arg(std::lround(100.0 * perLabel[b] / size));
                    QVERIFY2(item->text(2).startsWith(share),
                             qPrintable(item->text(2) + " vs " + share));
                }
                QCOMPARE(sum, ds.size());
            }
    }

    void aHiddenTabSummarisesWhenShown()
    {
        // In a shown window, the Clusters view behind another tab only notes a new result;
        // it summarises when its tab is shown, or when asked what it shows.
        RunModel model;
        QTabWidget tabs;
        tabs.addTab(new QWidget, QStringLiteral("Map"));
        auto* view = new ClustersView(&model);
        tabs.addTab(view, QStringLiteral("Clusters"));
        tabs.resize(900, 600);
        tabs.show();
        QVERIFY(QTest::qWaitForWindowExposed(&tabs));
        auto* list = view->findChild<QTreeWidget*>(QStringLiteral("clusterList"));
        model.setResult(m_run);
        QCOMPARE(list->topLevelItemCount(), 0);
        tabs.setCurrentIndex(1);
        const int clusters = list->topLevelItemCount();
        QVERIFY(clusters > 1);
        tabs.setCurrentIndex(0);
        QVERIFY(view->setSelection(Representation::Pca, Clustering::Agglomerative));
        QCOMPARE(view->currentClustering(), Clustering::Agglomerative);
        QVERIFY(view->hasSelection());   // asked: brought up to date while hidden
        QVERIFY(list->topLevelItemCount() > 1);
        QVERIFY(!view->currentMembers().isEmpty());
    }

    void membersAreNearestFirst()
    {
        RunModel model;
        ClustersView view(&model);
        model.setResult(m_run);
        auto* list = view.findChild<QTreeWidget*>(QStringLiteral("clusterList"));
        auto* members = view.findChild<QTreeWidget*>(QStringLiteral("memberList"));
        QVERIFY(members);
        // Listed in batches of 7 rows per event-loop turn: the first batch at once, the rest
        // in order after.
        view.setMemberBatch(7);
        const RepresentationResult& rep = *m_run->representation(Representation::Vae);
        QVERIFY(view.setSelection(Representation::Vae, Clustering::KMeans));
        const Labels& labels = rep.clustering(Clustering::KMeans)->labels;
        for (int i = 0; i < list->topLevelItemCount(); ++i) {
            const int id = list->topLevelItem(i)->data(0, ClustersView::IdRole).toInt();
            QVERIFY(view.selectCluster(id));
            QCOMPARE(view.currentCluster(), id);
            // The centroid, computed here independently.
            RowVector centroid = RowVector::Zero(rep.codes.cols());
            int n = 0;
            for (Eigen::Index t = 0; t < labels.size(); ++t)
                if (labels[t] == id) {
                    centroid += rep.codes.row(t);
                    ++n;
                }
            centroid /= n;
            QCOMPARE(members->topLevelItemCount(), std::min(n, 7));
            QTRY_COMPARE(members->topLevelItemCount(), n);
            double previous = -1.0;
            QList<int> order;
            for (int k = 0; k < members->topLevelItemCount(); ++k) {
                const QTreeWidgetItem* item = members->topLevelItem(k);
                const int track = item->data(0, ClustersView::IdRole).toInt();
                const double d = item->data(3, ClustersView::DistanceRole).toDouble();
                QCOMPARE(labels[track], id);
                QVERIFY(std::abs(d - (rep.codes.row(track) - centroid).norm()) < 1e-9);
                QVERIFY(d >= previous);
                previous = d;
                const Track& t = m_run->dataset.tracks[std::size_t(track)];
                QCOMPARE(item->text(1), QString::fromStdString(t.path.filename().string()));
                order << track;
            }
            QCOMPARE(view.currentMembers(), order);
        }
    }

    void heatmapCountsAreTheContingency()
    {
        RunModel model;
        ClustersView view(&model);
        model.setResult(m_run);
        auto* heatmap = view.findChild<ContingencyHeatmap*>(QStringLiteral("contingencyHeatmap"));
        auto* list = view.findChild<QTreeWidget*>(QStringLiteral("clusterList"));
        QVERIFY(heatmap);
        for (Clustering c : AllClusterings) {
            QVERIFY(view.setSelection(Representation::Pca, c));
            const Labels& predicted =
                m_run->representation(Representation::Pca)->clustering(c)->labels;
            const Contingency ref = contingencyMatrix(m_run->dataset.labels, predicted);
            QCOMPARE(int(heatmap->counts().rows()), int(ref.clusters.size()));
            QCOMPARE(int(heatmap->counts().cols()), int(m_run->dataset.labelNames.size()));
            QCOMPARE(heatmap->counts().sum(), m_run->dataset.size());
            for (int i = 0; i < list->topLevelItemCount(); ++i) {
                const int id = list->topLevelItem(i)->data(0, ClustersView::IdRole).toInt();
                const auto column = std::find(ref.clusters.begin(), ref.clusters.end(), id) -
                                    ref.clusters.begin();
                for (std::size_t l = 0; l < ref.classes.size(); ++l)
                    QCOMPARE(std::int64_t(heatmap->counts()(i, ref.classes[l])),
                             ref.counts(Eigen::Index(l), Eigen::Index(column)));
            }
            for (int j = 0; j < heatmap->counts().cols(); ++j)
                QCOMPARE(heatmap->columnNames()[j],
                         QString::fromStdString(m_run->dataset.labelNames[std::size_t(j)]));
            // The selected cluster is the outlined row.
            QVERIFY(view.selectCluster(list->topLevelItem(list->topLevelItemCount() - 1)
                                           ->data(0, ClustersView::IdRole).toInt()));
            QCOMPARE(heatmap->selectedRow(), list->topLevelItemCount() - 1);
        }
        // The scale runs from near white to dark blue.
        QVERIFY(ContingencyHeatmap::scaleColor(0.0).lightness() > 240);
        QVERIFY(ContingencyHeatmap::scaleColor(1.0).lightness() < 80);
    }

    void heatmapScrollsInAShortPane()
    {
        // In a short window the table keeps every row at its least height and scrolls,
        // instead of cutting off the last rows and the scale; the selected cluster's row is
        // scrolled into view.
        RunModel model;
        ClustersView view(&model);
        model.setResult(m_run);
        showAt(view, {1000, 400});
        QVERIFY(view.setSelection(Representation::Pca, Clustering::KMeans));
        QCoreApplication::processEvents();
        auto* heatmap = view.findChild<ContingencyHeatmap*>(QStringLiteral("contingencyHeatmap"));
        auto* scroll = view.findChild<QScrollArea*>(QStringLiteral("contingencyScroll"));
        QVERIFY(heatmap && scroll);
        const int rows = int(heatmap->counts().rows());
        QVERIFY(rows >= 4);
        QVERIFY(heatmap->minimumHeight() >= rows * 20);
        QVERIFY(heatmap->height() >= heatmap->minimumHeight());
        QVERIFY(heatmap->cellRect(rows - 1, 0).bottom() <= heatmap->height());
        QVERIFY2(scroll->viewport()->height() < heatmap->height(),
                 qPrintable(QStringLiteral("pane %1, table %2")
                                .arg(scroll->viewport()->height())
                                .arg(heatmap->height())));
        QVERIFY(scroll->verticalScrollBar()->maximum() > 0);
        auto* list = view.findChild<QTreeWidget*>(QStringLiteral("clusterList"));
        const auto rowShown = [&](int row) {
            const QRect r = heatmap->cellRect(row, 0).toAlignedRect();
            const int top = heatmap->mapTo(scroll->viewport(), r.topLeft()).y();
            const int bottom = heatmap->mapTo(scroll->viewport(), r.bottomLeft()).y();
            return top >= 0 && bottom <= scroll->viewport()->height();
        };
        QVERIFY(!rowShown(rows - 1));
        QVERIFY(view.selectCluster(
            list->topLevelItem(rows - 1)->data(0, ClustersView::IdRole).toInt()));
        QTRY_VERIFY(rowShown(rows - 1));
        QVERIFY(view.selectCluster(list->topLevelItem(0)->data(0, ClustersView::IdRole).toInt()));
        QTRY_VERIFY(rowShown(0));
        // In a tall window the table's pane is the height that shows every row at its least
        // height, and nothing scrolls.
        showAt(view, {1000, 1400});
        QTRY_COMPARE(scroll->height(), heatmap->minimumHeight());
        QCOMPARE(scroll->verticalScrollBar()->maximum(), 0);
    }

    void playAndExportSendTheMembers()
    {
        RunModel model;
        ClustersView view(&model);
        model.setResult(m_run);
        showAt(view);
        QSignalSpy play(&view, &ClustersView::playRequested);
        QSignalSpy exportSpy(&view, &ClustersView::playlistExportRequested);
        QSignalSpy activated(&view, &ClustersView::trackActivated);
        QVERIFY(view.setSelection(Representation::Cvae, Clustering::Agglomerative));
        QVERIFY(view.selectCluster(1));
        const QList<int> members = view.currentMembers();
        QVERIFY(!members.isEmpty());
        QTest::mouseClick(view.findChild<QPushButton*>(QStringLiteral("playClusterButton")),
                          Qt::LeftButton);
        QTest::mouseClick(view.findChild<QPushButton*>(QStringLiteral("exportPlaylistButton")),
                          Qt::LeftButton);
        QCOMPARE(play.count(), 1);
        QCOMPARE(play.first().first().value<QList<int>>(), members);
        QCOMPARE(exportSpy.count(), 1);
        QCOMPARE(exportSpy.first().first().value<QList<int>>(), members);

        auto* list = view.findChild<QTreeWidget*>(QStringLiteral("memberList"));
        QTreeWidgetItem* second = list->topLevelItem(1);
        const QRect rect = list->visualItemRect(second);
        // A double click is a press, a release, then a double-click event.
        QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, rect.center());
        QTest::mouseDClick(list->viewport(), Qt::LeftButton, {}, rect.center());
        QCOMPARE(activated.count(), 1);
        QCOMPARE(activated.first().first().toInt(), members[1]);

        // A click on a heatmap row selects that cluster.
        auto* heatmap = view.findChild<ContingencyHeatmap*>(QStringLiteral("contingencyHeatmap"));
        const QRectF cell = heatmap->cellRect(0, 0);
        QTest::mouseClick(heatmap, Qt::LeftButton, {}, cell.center().toPoint());
        QCOMPARE(view.currentCluster(),
                 view.findChild<QTreeWidget*>(QStringLiteral("clusterList"))
                     ->topLevelItem(0)->data(0, ClustersView::IdRole).toInt());
    }

    // ---------------------------------------------------------------------------------
    // Training

    void trainingSeriesAreTheHistory()
    {
        RunModel model;
        TrainingView view(&model);
        model.setResult(m_run);
        QVERIFY(!view.series(Representation::Pca, TrainingView::Curve::Loss));
        QVERIFY(!view.series(Representation::Autoencoder, TrainingView::Curve::Kl));
        for (Representation r : TrainingView::Models) {
            QVERIFY(view.isPanelShown(r));
            const auto& history = m_run->representation(r)->history;
            QVERIFY(!history.empty());
            const auto check = [&](TrainingView::Curve c, auto field) {
                const QLineSeries* s = view.series(r, c);
                QVERIFY(s);
                QCOMPARE(s->count(), int(history.size()));
                for (std::size_t e = 0; e < history.size(); ++e) {
                    QCOMPARE(s->at(int(e)).x(), double(history[e].epoch));
                    QCOMPARE(s->at(int(e)).y(), field(history[e]));
                }
            };
            check(TrainingView::Curve::Loss, [](const EpochReport& e) { return e.loss; });
            if (r != Representation::Autoencoder) {
                check(TrainingView::Curve::Reconstruction,
                      [](const EpochReport& e) { return e.reconstruction; });
                check(TrainingView::Curve::Kl, [](const EpochReport& e) { return e.kl; });
                check(TrainingView::Curve::KlWeight,
                      [](const EpochReport& e) { return e.klWeight; });
            }
            // A whole history's axes are fitted over the next event-loop turns: then the
            // epoch axis spans the run and the loss axis every value, zoomed in.
            QTRY_VERIFY(!view.axesPending());
            double lo = history.front().loss, hi = lo;
            for (const EpochReport& e : history) {
                lo = std::min({lo, e.loss, r == Representation::Autoencoder ? e.loss
                                                                            : e.reconstruction});
                hi = std::max({hi, e.loss, r == Representation::Autoencoder ? e.loss
                                                                            : e.reconstruction});
            }
            QChart* chart = view.chart(r);
            auto* x = qobject_cast<QValueAxis*>(chart->axes(Qt::Horizontal).first());
            QVERIFY(x);
            QCOMPARE(x->max(), double(std::max(history.back().epochs, history.back().epoch)));
            QValueAxis* y = nullptr;
            for (QAbstractAxis* axis : chart->axes(Qt::Vertical))
                if (axis->alignment() == Qt::AlignLeft)
                    y = qobject_cast<QValueAxis*>(axis);
            QVERIFY(y);
            QVERIFY2(y->min() <= lo && y->max() >= hi && y->max() - y->min() < 3 * (hi - lo) + 1,
                     qPrintable(QStringLiteral("%1..%2 for %3..%4")
                                    .arg(y->min()).arg(y->max()).arg(lo).arg(hi)));
            // Round ticks, a handful of them (each is a label item in Qt Charts).
            for (QValueAxis* axis : {x, y}) {
                QCOMPARE(axis->tickType(), QValueAxis::TicksDynamic);
                const double ticks = (axis->max() - axis->min()) / axis->tickInterval();
                QVERIFY2(ticks >= 2 && ticks <= 12, qPrintable(QString::number(ticks)));
            }
            const auto& rep = *m_run->representation(r);
            QVERIFY2(view.statusText(r).contains(QStringLiteral("%1 of %2 latent dimensions active")
                                                     .arg(rep.activeDimensions)
                                                     .arg(rep.codes.cols())),
                     qPrintable(view.statusText(r)));
        }
    }

    void trainingWaitsForItsTabWhenHidden()
    {
        // Behind another tab of a shown window, a whole history is drawn when the tab is
        // shown, not when it arrives; epochs of a run that started there too; and asking the
        // view brings it up to date at once.
        RunModel model;
        QTabWidget tabs;
        auto* other = new QLabel(QStringLiteral("map"));
        tabs.addTab(other, QStringLiteral("Map"));
        auto* view = new TrainingView(&model);
        tabs.addTab(view, QStringLiteral("Training"));
        tabs.resize(900, 600);
        tabs.show();
        QVERIFY(QTest::qWaitForWindowExposed(&tabs));
        const Representation r = Representation::Vae;
        const auto& history = m_run->representation(r)->history;
        QVERIFY(history.size() > 2);
        // The series objects stay (reset clears them), so they can be watched unrefreshed.
        tabs.setCurrentIndex(1);
        QLineSeries* loss = view->series(r, TrainingView::Curve::Loss);
        tabs.setCurrentIndex(0);
        model.setResult(m_run);
        QCOMPARE(loss->count(), 0);
        tabs.setCurrentIndex(1);
        QCOMPARE(loss->count(), int(history.size()));
        QCOMPARE(loss->at(1), QPointF(history[1].epoch, history[1].loss));
        // A new run while hidden: its epochs wait as well, then come from the model.
        tabs.setCurrentIndex(0);
        PipelineConfig cfg = m_run->config;
        model.reset(cfg);
        model.addEpoch(r, EpochReport{1, cfg.epochs, 500.0, 480.0, 20.0, 0.1});
        model.addEpoch(r, EpochReport{2, cfg.epochs, 450.0, 440.0, 10.0, 0.2});
        QCOMPARE(loss->count(), int(history.size()));   // still the old run, unseen
        QCOMPARE(view->series(r, TrainingView::Curve::Loss), loss);   // asked: now current
        QCOMPARE(loss->count(), 2);
        QCOMPARE(loss->at(1), QPointF(2, 450.0));
        // Shown, live epochs are appended as they come.
        tabs.setCurrentIndex(1);
        model.addEpoch(r, EpochReport{3, cfg.epochs, 420.0, 410.0, 9.0, 0.3});
        QCOMPARE(loss->count(), 3);
    }

    void trainingAppendsLiveEpochs()
    {
        RunModel model;
        TrainingView view(&model);
        PipelineConfig cfg = m_run->config;
        cfg.epochs = 20;
        model.reset(cfg);
        QLineSeries* loss = view.series(Representation::BetaVae, TrainingView::Curve::Loss);
        QLineSeries* weight = view.series(Representation::BetaVae, TrainingView::Curve::KlWeight);
        QChart* chart = view.chart(Representation::BetaVae);
        QCOMPARE(loss->count(), 0);
        double hi = 0.0;
        for (int e = 1; e <= 12; ++e) {
            const EpochReport report{e, 20, 900.0 / e + 40, 880.0 / e + 20, 20.0 + e,
                                     std::min(1.0, e / 10.0) * 4.0};
            hi = std::max(hi, report.loss);
            model.addEpoch(Representation::BetaVae, report);
            QCOMPARE(loss->count(), e);
            QCOMPARE(loss->at(e - 1), QPointF(e, report.loss));
            QCOMPARE(weight->at(e - 1), QPointF(e, report.klWeight));
        }
        // Same objects: points were appended, nothing rebuilt.
        QCOMPARE(view.series(Representation::BetaVae, TrainingView::Curve::Loss), loss);
        QCOMPARE(view.chart(Representation::BetaVae), chart);
        QVERIFY(view.statusText(Representation::BetaVae)
                    .startsWith(QStringLiteral("Epoch 12 of 20")));
        // The axes cover the run and every value.
        auto* x = qobject_cast<QValueAxis*>(chart->axes(Qt::Horizontal).first());
        QVERIFY(x);
        QCOMPARE(x->max(), 20.0);
        double yMax = -1;
        for (QAbstractAxis* axis : chart->axes(Qt::Vertical))
            if (axis->alignment() == Qt::AlignLeft)
                yMax = qobject_cast<QValueAxis*>(axis)->max();
        QVERIFY(yMax >= hi);
        QVERIFY(yMax < 2 * hi);
        // Other models are untouched; a new run clears.
        QCOMPARE(view.series(Representation::Vae, TrainingView::Curve::Loss)->count(), 0);
        model.reset(cfg);
        QCOMPARE(loss->count(), 0);
        // A new run whose first epoch has no finite KL: the KL axis follows the new run's
        // values, not the range of the run before (KL 21..32 above).
        const double nan = std::numeric_limits<double>::quiet_NaN();
        model.addEpoch(Representation::BetaVae, EpochReport{1, 20, 500.0, 480.0, nan, 0.4});
        model.addEpoch(Representation::BetaVae, EpochReport{2, 20, 450.0, 440.0, 1.0, 0.8});
        model.addEpoch(Representation::BetaVae, EpochReport{3, 20, 430.0, 425.0, 1.5, 1.2});
        QValueAxis* kl = nullptr;
        for (QAbstractAxis* axis : chart->axes(Qt::Vertical))
            if (axis->titleText().startsWith(QStringLiteral("KL (")))
                kl = qobject_cast<QValueAxis*>(axis);
        QVERIFY(kl);
        QVERIFY2(kl->min() <= 1.0 && kl->max() >= 1.5 && kl->max() < 5.0,
                 qPrintable(QStringLiteral("%1..%2").arg(kl->min()).arg(kl->max())));
        QTRY_VERIFY(!view.axesPending());
        QVERIFY2(kl->max() < 5.0, qPrintable(QString::number(kl->max())));
    }

    // ---------------------------------------------------------------------------------
    // Issues

    void issuesShowFilterCopyExport()
    {
        RunModel model;
        IssuesView view(&model);
        QSignalSpy counts(&view, &IssuesView::countChanged);
        auto* table = view.findChild<QTableView*>(QStringLiteral("issuesTable"));
        QVERIFY(table);
        QCOMPARE(view.count(), 0);
        model.reset(m_run->config);
        model.addIssue({"/music/rock/broken.mp3", "not an audio file (it contains text)"});
        model.addIssue({"/music/jazz/empty.wav", "empty file"});
        model.addIssue({"/data/lyrics.csv:12", "invalid UTF-8 repaired, the row is kept"});
        QCOMPARE(view.count(), 3);
        QCOMPARE(counts.last().first().toInt(), 3);
        QCOMPARE(table->model()->rowCount(), 3);
        QCOMPARE(table->model()->index(0, IssuesTableModel::FileColumn).data().toString(),
                 QStringLiteral("broken.mp3"));
        QCOMPARE(table->model()->index(0, IssuesTableModel::FolderColumn).data().toString(),
                 QStringLiteral("/music/rock"));
        QCOMPARE(table->model()->index(2, IssuesTableModel::FileColumn).data().toString(),
                 QStringLiteral("lyrics.csv:12"));
        auto* header = view.findChild<QLabel*>(QStringLiteral("issuesHeader"));
        QCOMPARE(header->text(), QStringLiteral("3 issues"));

        // Filter: case-insensitive, over every column.
        view.setFilterText(QStringLiteral("JAZZ"));
        QCOMPARE(view.shownCount(), 1);
        QCOMPARE(header->text(), QStringLiteral("1 of 3 issues shown"));
        view.setFilterText(QStringLiteral("utf-8"));
        QCOMPARE(view.shownCount(), 1);
        QCOMPARE(view.selectedText(),
                 QStringLiteral("/data/lyrics.csv:12\tinvalid UTF-8 repaired, the row is kept"));
        view.setFilterText(QString());
        QCOMPARE(view.shownCount(), 3);

        // Copy the selected rows (Ctrl+C too).
        showAt(view);
        table->selectRow(1);
        QCOMPARE(view.selectedText(), QStringLiteral("/music/jazz/empty.wav\tempty file"));
        QApplication::clipboard()->clear();
        table->setFocus();
        QTest::keyClick(table, Qt::Key_C, Qt::ControlModifier);
        QCOMPARE(QApplication::clipboard()->text(),
                 QStringLiteral("/music/jazz/empty.wav\tempty file\n"));

        // Export: path,reason, read back with the engine's reader.
        const auto dir = test::makeTempDir("views-issues");
        QVERIFY(view.exportCsv(QString::fromStdString((dir / "issues.csv").string())));
        Diagnostics diagnostics;
        const CsvTable csv = readCsv(dir / "issues.csv", diagnostics);
        QCOMPARE(csv.header, (std::vector<std::string>{"path", "reason"}));
        QCOMPARE(csv.rows.size(), std::size_t(3));
        QCOMPARE(csv.rows[0][0], std::string("/music/rock/broken.mp3"));
        QCOMPARE(csv.rows[2][1], std::string("invalid UTF-8 repaired, the row is kept"));

        // A finished run brings its own issues; a new run clears them.
        model.setResult(m_run);
        QCOMPARE(view.count(), int(m_run->issues.size()));
        model.reset(m_run->config);
        QCOMPARE(view.count(), 0);
        QCOMPARE(counts.last().first().toInt(), 0);
    }

    // ---------------------------------------------------------------------------------
    // Looks (manual check of the PNGs)

    void screenshots()
    {
        RunModel model;
        MetricsView metrics(&model);
        ClustersView clusters(&model);
        TrainingView training(&model);
        IssuesView issues(&model);
        showAt(metrics);
        saveShot(metrics, QStringLiteral("metrics_empty"));
        showAt(training);
        saveShot(training, QStringLiteral("training_empty"));
        model.setResult(m_run);
        model.addIssue({"/music/rock/broken.mp3", "not an audio file (it contains text)"});
        model.addIssue({"/music/jazz/empty.wav", "empty file"});
        for (QWidget* w : std::initializer_list<QWidget*>{&metrics, &clusters, &training, &issues})
            showAt(*w);
        saveShot(metrics, QStringLiteral("metrics"));
        QVERIFY(clusters.setSelection(Representation::Vae, Clustering::Dbscan));
        QCoreApplication::processEvents();
        saveShot(clusters, QStringLiteral("clusters_dbscan"));
        QVERIFY(clusters.setSelection(Representation::Vae, Clustering::KMeans));
        QVERIFY(clusters.selectCluster(2));
        QCoreApplication::processEvents();
        saveShot(clusters, QStringLiteral("clusters"));
        saveShot(training, QStringLiteral("training"));
        saveShot(issues, QStringLiteral("issues"));
        metrics.resize(800, 600);
        QCoreApplication::processEvents();
        saveShot(metrics, QStringLiteral("metrics_small"));
    }
};

QTEST_MAIN(TestViews)
#include "test_views.moc"
