// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/views/metrics_view.h"

#include "engine/io/results_io.h"
#include "engine/pipeline/extend.h"
#include "ui/figures/palette.h"
#include "ui/model/run_model.h"
#include "ui/views/view_support.h"

#include <QComboBox>
#include <QEvent>
#include <QFont>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPixmap>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStackedWidget>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace atlas::ui {

namespace {

constexpr double Nan = std::numeric_limits<double>::quiet_NaN();

// Keeps the header's titles and the cells whole: while the table has room for them, each
// score column takes its width and an equal share of the rest; when it does not, the
// columns take their contents' width (with a horizontal scroll bar).
class HeaderFitter : public QObject {
public:
    HeaderFitter(QTableView* view, int firstStretched)
        : QObject(view), m_view(view), m_first(firstStretched)
    {
        view->viewport()->installEventFilter(this);
        // New rows change the widths the contents need.
        connect(view->model(), &QAbstractItemModel::modelReset, this, &HeaderFitter::fitLater);
        connect(view->model(), &QAbstractItemModel::layoutChanged, this, &HeaderFitter::fitLater);
    }
    void fitLater()
    {
        QTimer::singleShot(0, this, &HeaderFitter::fit);
    }
    bool eventFilter(QObject*, QEvent* event) override
    {
        if (event->type() == QEvent::Resize)
            fit();
        return false;
    }
    void fit()
    {
        QHeaderView* header = m_view->horizontalHeader();
        // A title needs its text, the sort arrow and some padding; a cell its text.
        const int arrow = header->fontMetrics().height() + 8;
        const QAbstractItemView* cells = m_view;   // sizeHintForColumn() is public there
        int needed = 0;
        std::vector<int> want(std::size_t(header->count()), 0);
        for (int i = 0; i < header->count(); ++i) {
            want[std::size_t(i)] = i < m_first ? header->sectionSize(i)
                                               : std::max(header->sectionSizeHint(i) + arrow,
                                                          cells->sizeHintForColumn(i));
            needed += want[std::size_t(i)];
        }
        const int room = m_view->viewport()->width();
        if (room < needed) {
            for (int i = m_first; i < header->count(); ++i)
                if (header->sectionResizeMode(i) != QHeaderView::ResizeToContents)
                    header->setSectionResizeMode(i, QHeaderView::ResizeToContents);
            return;
        }
        // Each score column gets what it needs (a score with its noise share is wider than
        // the others) and an equal share of the rest, so none is elided.
        const int columns = header->count() - m_first;
        const int extra = columns > 0 ? (room - needed) / columns : 0;
        int last = room;
        for (int i = 0; i < m_first; ++i)
            last -= header->sectionSize(i);
        for (int i = m_first; i < header->count(); ++i) {
            if (header->sectionResizeMode(i) != QHeaderView::Interactive)
                header->setSectionResizeMode(i, QHeaderView::Interactive);
            const int width = i + 1 < header->count() ? want[std::size_t(i)] + extra : last;
            header->resizeSection(i, width);
            last -= width;
        }
    }

private:
    QTableView* m_view;
    int m_first;
};

// Numbers compare as numbers; undefined values (NaN) go last in either order.
class NumericSortProxy : public QSortFilterProxyModel {
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;

protected:
    bool lessThan(const QModelIndex& left, const QModelIndex& right) const override
    {
        const double a = left.data(sortRole()).toDouble();
        const double b = right.data(sortRole()).toDouble();
        const bool aNan = std::isnan(a), bNan = std::isnan(b);
        if (aNan || bNan) {
            if (aNan && bNan)
                return left.row() < right.row();
            // Qt reverses lessThan for descending order; undefined must stay at the end.
            const bool descending = sortOrder() == Qt::DescendingOrder;
            return aNan ? descending : !descending;
        }
        if (a != b)
            return a < b;
        return left.row() < right.row();
    }
};

// Column titles: the two long names abbreviated as in the literature (the tooltip and the
// chart selector give them in full), an arrow for the better direction.
QString headerText(Metric m)
{
    const QString name = m == Metric::CalinskiHarabasz ? QStringLiteral("CH")
                         : m == Metric::DaviesBouldin  ? QStringLiteral("DB")
                                                       : QString::fromUtf8(metricName(m));
    return name + (higherIsBetter(m) ? QStringLiteral(" ↑") : QStringLiteral(" ↓"));
}

QIcon swatch(const QColor& color)
{
    QPixmap pixmap(12, 12);
    pixmap.fill(color);
    return QIcon(pixmap);
}

// "Scores are of the 450 tracks the models were fitted on; 50 tracks were added later
// without retraining and are placed, not scored."; empty when every track was fitted.
QString addedTracksNote(const RunResult* run)
{
    if (!run || !run->reference)
        return {};
    const int added = run->addedCount();
    const int present = run->dataset.size() - added;          // fitted tracks still there
    const int fitted = std::max(run->reference->fittedTracks, present);
    QString text = QStringLiteral("Scores are of the %1 tracks the models were fitted on").arg(fitted);
    if (fitted > present)
        text += QStringLiteral(" (%1 of them since removed)").arg(fitted - present);
    if (added == 1)
        text += QStringLiteral("; 1 track was added later without retraining and is placed, not "
                               "scored.");
    else if (added > 1)
        text += QStringLiteral("; %1 tracks were added later without retraining and are placed, "
                               "not scored.")
                    .arg(added);
    else
        text += QStringLiteral(".");
    return text;
}

} // namespace

// ---------------------------------------------------------------------------------------
// MetricsTableModel

MetricsTableModel::MetricsTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void MetricsTableModel::setRows(std::vector<std::shared_ptr<const RepresentationResult>> reps,
                                const PipelineConfig& config, bool datasetHasLabels)
{
    beginResetModel();
    m_rows.clear();
    for (auto& rep : reps) {
        if (!rep)
            continue;
        for (int c = 0; c < int(AllClusterings.size()); ++c)
            m_rows.push_back({rep, c});
    }
    m_config = config;
    m_hasLabels = datasetHasLabels;
    findBest();
    endResetModel();
}

bool MetricsTableModel::metricOfColumn(int column, Metric* metric)
{
    const int k = column - FirstMetricColumn;
    if (k < 0 || k >= int(AllMetrics.size()))
        return false;
    if (metric)
        *metric = AllMetrics[std::size_t(k)];
    return true;
}

QString MetricsTableModel::methodKey(int row) const
{
    const Row& r = m_rows[std::size_t(row)];
    return QString::fromStdString(r.representation->method) + QLatin1Char('_') +
           QString::fromUtf8(clusteringKey(AllClusterings[std::size_t(r.clusteringIndex)]));
}

const RepresentationResult* MetricsTableModel::representationAt(int row) const
{
    return m_rows[std::size_t(row)].representation.get();
}

const ClusteringResult* MetricsTableModel::clusteringAt(int row) const
{
    const Row& r = m_rows[std::size_t(row)];
    const ClusteringResult* c =
        r.representation->clustering(AllClusterings[std::size_t(r.clusteringIndex)]);
    return c && c->ok ? c : nullptr;
}

int MetricsTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int MetricsTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

double MetricsTableModel::value(const Row& row, int column) const
{
    if (column == RepresentationColumn)
        return double(int(row.representation->kind));
    if (column == ClusteringColumn)
        return double(row.clusteringIndex);
    const ClusteringResult* c =
        row.representation->clustering(AllClusterings[std::size_t(row.clusteringIndex)]);
    if (!c || !c->ok)
        return Nan;
    Metric metric;
    if (metricOfColumn(column, &metric))
        return metricValue(c->scores, metric);
    if (column == ClustersColumn)
        return double(c->scores.nClusters);
    if (column == NoiseColumn)
        return c->scores.noiseFraction;
    return Nan;
}

bool MetricsTableModel::noiseMarked(const Row& row, int column) const
{
    // Shown with the noise share beside it and never marked best (leavesOutNoise()).
    Metric metric;
    if (!metricOfColumn(column, &metric))
        return false;
    const ClusteringResult* c =
        row.representation->clustering(AllClusterings[std::size_t(row.clusteringIndex)]);
    return c && c->ok && leavesOutNoise(c->scores, metric);
}

void MetricsTableModel::findBest()
{
    m_bestRow.assign(std::size_t(ColumnCount), -1);
    for (int column = 0; column < ColumnCount; ++column) {
        Metric metric;
        if (!metricOfColumn(column, &metric))
            continue;
        double best = Nan;
        for (int i = 0; i < int(m_rows.size()); ++i) {
            const double v = value(m_rows[std::size_t(i)], column);
            if (!std::isfinite(v) || noiseMarked(m_rows[std::size_t(i)], column))
                continue;
            if (std::isnan(best) || (higherIsBetter(metric) ? v > best : v < best)) {
                best = v;
                m_bestRow[std::size_t(column)] = i;
            }
        }
    }
}

QVariant MetricsTableModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= int(m_rows.size()))
        return {};
    const Row& row = m_rows[std::size_t(index.row())];
    const int column = index.column();
    const Clustering kind = AllClusterings[std::size_t(row.clusteringIndex)];
    const ClusteringResult* c = row.representation->clustering(kind);
    const bool failed = !row.representation->ok || !c || !c->ok;
    const double v = value(row, column);

    switch (role) {
    case ValueRole:
        return v;
    case Qt::DisplayRole:
        if (column == RepresentationColumn)
            return representationTitle(row.representation->kind, m_config);
        if (column == ClusteringColumn)
            return clusteringTitle(kind);
        if (failed)
            return QStringLiteral("–");
        if (column == ClustersColumn)
            return QString::number(c->scores.nClusters);
        if (column == NoiseColumn)
            return formatPercent(v);
        if (noiseMarked(row, column) && std::isfinite(v))
            return QStringLiteral("%1 (%2 noise)")
                .arg(formatScore(v), formatPercent(c->scores.noiseFraction));
        return formatScore(v);
    case Qt::DecorationRole:
        if (column == ClusteringColumn)
            return swatch(categoricalColor(row.clusteringIndex));
        return {};
    case Qt::TextAlignmentRole:
        if (column >= FirstMetricColumn)
            return QVariant::fromValue(Qt::Alignment(Qt::AlignRight | Qt::AlignVCenter));
        return QVariant::fromValue(Qt::Alignment(Qt::AlignLeft | Qt::AlignVCenter));
    case Qt::FontRole:
        if (column < int(m_bestRow.size()) && m_bestRow[std::size_t(column)] == index.row()) {
            QFont font;
            font.setBold(true);
            return font;
        }
        return {};
    case Qt::ForegroundRole:
        if (column >= FirstMetricColumn && !std::isfinite(v))
            return QColor(0x90, 0x90, 0x90);
        if (noiseMarked(row, column))
            return QColor(0x8a, 0x5a, 0x00);
        return {};
    case Qt::ToolTipRole: {
        if (column == RepresentationColumn)
            return row.representation->ok
                       ? methodKey(index.row())
                       : QStringLiteral("failed: %1")
                             .arg(QString::fromStdString(row.representation->error));
        if (failed) {
            const std::string why = !row.representation->ok ? row.representation->error
                                    : c                     ? c->error
                                                            : std::string("not computed");
            return QStringLiteral("%1 failed: %2")
                .arg(clusteringTitle(kind), QString::fromStdString(why));
        }
        Metric metric;
        if (metricOfColumn(column, &metric)) {
            if (std::isfinite(v) && noiseMarked(row, column))
                return QStringLiteral("%1 = %2, on the %3 of the tracks DBSCAN clustered: %4 "
                                      "were left out as noise, so this score is not compared "
                                      "with the others")
                    .arg(metricName(metric))
                    .arg(v, 0, 'g', 10)
                    .arg(formatPercent(1.0 - c->scores.noiseFraction),
                         formatPercent(c->scores.noiseFraction));
            if (std::isfinite(v))
                return QStringLiteral("%1 = %2").arg(QString::fromUtf8(metricName(metric))).arg(v, 0, 'g', 10);
            if (isExternalMetric(metric))
                return m_hasLabels ? QStringLiteral("not defined")
                                   : QStringLiteral("not defined: the dataset has no labels");
            return QStringLiteral("not defined: fewer than 2 clusters outside the noise");
        }
        if (column == NoiseColumn)
            return QStringLiteral("tracks that DBSCAN left out of every cluster");
        return {};
    }
    default:
        return {};
    }
}

QVariant MetricsTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    Metric metric;
    const bool isMetric = metricOfColumn(section, &metric);
    if (role == Qt::DisplayRole) {
        if (isMetric)
            return headerText(metric);
        switch (section) {
        case RepresentationColumn: return QStringLiteral("Representation");
        case ClusteringColumn: return QStringLiteral("Clustering");
        case ClustersColumn: return QStringLiteral("Clusters");
        case NoiseColumn: return QStringLiteral("Noise");
        default: return {};
        }
    }
    if (role == Qt::ToolTipRole && isMetric)
        return QStringLiteral("%1: %2 is better%3")
            .arg(QString::fromUtf8(metricName(metric)),
                 higherIsBetter(metric) ? QStringLiteral("higher") : QStringLiteral("lower"),
                 isExternalMetric(metric) ? QStringLiteral(" (against the genre labels)")
                                          : QStringLiteral(" (DBSCAN noise left out)"));
    if (role == Qt::TextAlignmentRole && section >= FirstMetricColumn)
        return QVariant::fromValue(Qt::Alignment(Qt::AlignRight | Qt::AlignVCenter));
    return {};
}

// ---------------------------------------------------------------------------------------
// MetricsView

MetricsView::MetricsView(RunModel* model, QWidget* parent)
    : QWidget(parent), m_model(model), m_table(new MetricsTableModel(this)),
      m_sorted(new NumericSortProxy(this))
{
    setObjectName(QStringLiteral("metricsView"));
    m_sorted->setSourceModel(m_table);
    m_sorted->setSortRole(MetricsTableModel::ValueRole);

    m_pages = new QStackedWidget(this);
    m_pages->addWidget(makeEmptyState(
        QStringLiteral("Run the experiment to see the clustering metrics."), m_pages));

    auto* content = new QWidget(m_pages);
    auto* bar = new QHBoxLayout;
    auto* metricLabel = new QLabel(QStringLiteral("&Metric:"), content);
    m_selector = new QComboBox(content);
    m_selector->setObjectName(QStringLiteral("metricSelector"));
    for (Metric m : AllMetrics)
        m_selector->addItem(QStringLiteral("%1 (%2 is better)")
                                .arg(QString::fromUtf8(metricName(m)), higherIsBetter(m) ? QStringLiteral("higher")
                                                                      : QStringLiteral("lower")),
                            int(m));
    metricLabel->setBuddy(m_selector);
    m_pngButton = new QPushButton(QStringLiteral("Export chart…"), content);
    m_pngButton->setObjectName(QStringLiteral("exportPngButton"));
    m_pngButton->setToolTip(QStringLiteral("Save the chart as a PNG image"));
    m_csvButton = new QPushButton(QStringLiteral("Export table…"), content);
    m_csvButton->setObjectName(QStringLiteral("exportCsvButton"));
    m_csvButton->setToolTip(
        QStringLiteral("Save the table as CSV (the format of clustering_metrics.csv)"));
    bar->addWidget(metricLabel);
    bar->addWidget(m_selector);
    bar->addStretch(1);
    bar->addWidget(m_pngButton);
    bar->addWidget(m_csvButton);

    m_chart = new FigureWidget(content);
    m_chart->setObjectName(QStringLiteral("metricsChart"));
    m_chart->setMinimumLogicalSize(QSize(1000, 460));
    m_chart->setEmptyText(QStringLiteral("No representation has finished yet."));
    m_chart->setRenderer([this](QSize size, qreal dpr) {
        return metricBarFigure(shownRepresentations(), m_model->config(),
                               m_model->dataset() && m_model->dataset()->hasLabels(), m_metric,
                               size, dpr);
    });

    m_view = new QTableView(content);
    m_view->setObjectName(QStringLiteral("metricsTable"));
    m_view->setModel(m_sorted);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(-1, Qt::AscendingOrder);   // pipeline order until the user sorts
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setAlternatingRowColors(true);
    m_view->verticalHeader()->setVisible(false);
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 8);
    m_view->horizontalHeader()->setHighlightSections(false);
    // Names take what they need; the numbers share the rest.
    m_view->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_view->horizontalHeader()->setSectionResizeMode(MetricsTableModel::RepresentationColumn,
                                                     QHeaderView::ResizeToContents);
    m_view->horizontalHeader()->setSectionResizeMode(MetricsTableModel::ClusteringColumn,
                                                     QHeaderView::ResizeToContents);
    m_view->setWordWrap(false);
    new HeaderFitter(m_view, MetricsTableModel::FirstMetricColumn);

    auto* splitter = new QSplitter(Qt::Vertical, content);
    splitter->addWidget(m_chart);
    splitter->addWidget(m_view);
    splitter->setStretchFactor(0, 5);
    splitter->setStretchFactor(1, 4);
    splitter->setChildrenCollapsible(false);

    // Added tracks were placed with the fitted models, not scored: the table says so.
    m_addedNote = new QLabel(content);
    m_addedNote->setObjectName(QStringLiteral("addedTracksNote"));
    m_addedNote->setWordWrap(true);
    m_addedNote->setTextFormat(Qt::PlainText);
    m_addedNote->hide();

    auto* layout = new QVBoxLayout(content);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(bar);
    layout->addWidget(m_addedNote);
    layout->addWidget(splitter, 1);
    m_pages->addWidget(content);

    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(8, 8, 8, 8);
    outer->addWidget(m_pages);

    connect(m_selector, &QComboBox::currentIndexChanged, this, [this](int i) {
        if (i >= 0)
            setCurrentMetric(Metric(m_selector->itemData(i).toInt()));
    });
    // A click on a score's header also charts that score (the click sorts as well).
    connect(m_view->horizontalHeader(), &QHeaderView::sectionClicked, this, [this](int section) {
        Metric metric;
        if (MetricsTableModel::metricOfColumn(section, &metric))
            setCurrentMetric(metric);
    });
    connect(m_pngButton, &QPushButton::clicked, this, &MetricsView::exportPngInteractive);
    connect(m_csvButton, &QPushButton::clicked, this, &MetricsView::exportCsvInteractive);

    connect(m_model, &RunModel::cleared, this, &MetricsView::rebuild);
    connect(m_model, &RunModel::datasetChanged, this, &MetricsView::rebuild);
    connect(m_model, &RunModel::representationChanged, this, &MetricsView::rebuild);
    connect(m_model, &RunModel::resultChanged, this, &MetricsView::rebuild);
    rebuild();
}

std::vector<const RepresentationResult*> MetricsView::shownRepresentations() const
{
    std::vector<const RepresentationResult*> reps;
    for (Representation r : m_model->representations())
        reps.push_back(m_model->representation(r).get());
    return reps;
}

void MetricsView::rebuild()
{
    std::vector<std::shared_ptr<const RepresentationResult>> reps;
    for (Representation r : m_model->representations())
        reps.push_back(m_model->representation(r));
    const bool any = !reps.empty();
    m_table->setRows(std::move(reps), m_model->config(),
                     m_model->dataset() && m_model->dataset()->hasLabels());
    m_pages->setCurrentIndex(any ? 1 : 0);
    m_pngButton->setEnabled(any);
    m_csvButton->setEnabled(any);
    m_chart->invalidate();
    m_addedNote->setText(addedTracksNote(m_model->result().get()));
    m_addedNote->setVisible(!m_addedNote->text().isEmpty());
}

void MetricsView::setCurrentMetric(Metric metric)
{
    const int i = m_selector->findData(int(metric));
    if (i >= 0 && i != m_selector->currentIndex())
        m_selector->setCurrentIndex(i);   // comes back here through the signal
    if (metric == m_metric)
        return;
    m_metric = metric;
    m_chart->invalidate();
}

QImage MetricsView::chartImage(const FigureOptions& options) const
{
    return metricBarFigure(shownRepresentations(), m_model->config(),
                           m_model->dataset() && m_model->dataset()->hasLabels(), m_metric,
                           options.barSize, options.devicePixelRatio);
}

bool MetricsView::exportPng(const QString& path, QString* error) const
{
    const QImage image = chartImage();
    if (image.isNull()) {
        if (error)
            *error = QStringLiteral("There is no chart to save yet.");
        return false;
    }
    try {
        writePng(image, toPath(path));
    } catch (const std::exception& e) {
        if (error)
            *error = QString::fromUtf8(e.what());
        return false;
    }
    return true;
}

bool MetricsView::exportCsv(const QString& path, QString* error) const
{
    std::vector<ClusteringMetricsRow> rows;
    for (int i = 0; i < m_sorted->rowCount(); ++i) {
        const int row = m_sorted->mapToSource(m_sorted->index(i, 0)).row();
        rows.push_back({m_table->methodKey(row).toStdString(), m_table->clusteringAt(row)});
    }
    try {
        writeClusteringMetrics(toPath(path), rows);
    } catch (const std::exception& e) {
        if (error)
            *error = QString::fromUtf8(e.what());
        return false;
    }
    return true;
}

void MetricsView::exportPngInteractive()
{
    saveWithDialog(this, QStringLiteral("Save chart"),
                   QString::fromUtf8(metricKey(m_metric)) + ".png",
                   QStringLiteral("PNG images (*.png)"),
                   [this](const QString& path, QString* error) { return exportPng(path, error); });
}

void MetricsView::exportCsvInteractive()
{
    saveWithDialog(this, QStringLiteral("Save table"), QStringLiteral("clustering_metrics.csv"),
                   QStringLiteral("CSV files (*.csv)"),
                   [this](const QString& path, QString* error) { return exportCsv(path, error); });
}

} // namespace atlas::ui
