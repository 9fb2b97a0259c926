// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/views/clusters_view.h"

#include "ui/figures/figure_renderer.h"
#include "ui/figures/palette.h"
#include "ui/model/run_model.h"
#include "ui/model/track_text.h"
#include "ui/views/contingency_heatmap.h"
#include "ui/views/view_support.h"

#include <QComboBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QFont>
#include <QFontMetrics>
#include <QHash>
#include <QHeaderView>
#include <QLabel>
#include <QPixmap>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QStackedWidget>
#include <QStandardItemModel>
#include <QStyle>
#include <QTimer>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace atlas::ui {

namespace {

// The member list's label column at most this wide; the track names take the rest.
constexpr int MaxLabelColumnWidth = 170;

QIcon swatch(const QColor& color)
{
    QPixmap pixmap(12, 12);
    pixmap.fill(color);
    return QIcon(pixmap);
}

QString clusterName(int id)
{
    return id < 0 ? QStringLiteral("Noise") : QStringLiteral("Cluster %1").arg(id);
}

QString labelName(const Dataset& ds, int label)
{
    return label >= 0 && label < int(ds.labelNames.size())
               ? QString::fromStdString(ds.labelNames[std::size_t(label)])
               : QStringLiteral("unlabelled");
}

// "rock 62% · metal 21%": the labels that hold at least a tenth of the cluster, at most
// three, and always the first.
QString topLabels(const ClusterInfo& info, const Dataset& ds)
{
    QStringList parts;
    for (const LabelShare& l : info.labels) {
        if (parts.size() == 3 || (!parts.isEmpty() && l.share < 0.1))
            break;
        parts << QStringLiteral("%1 %2%")
                     .arg(labelName(ds, l.label))
                     .arg(std::lround(100.0 * l.share));
    }
    return parts.join(QStringLiteral(" · "));
}

QTreeWidget* makeList(const QString& objectName, const QStringList& headers, QWidget* parent)
{
    auto* list = new QTreeWidget(parent);
    list->setObjectName(objectName);
    list->setHeaderLabels(headers);
    list->setRootIsDecorated(false);
    list->setUniformRowHeights(true);
    list->setAlternatingRowColors(true);
    list->setSelectionMode(QAbstractItemView::SingleSelection);
    list->header()->setStretchLastSection(true);
    list->header()->setSectionsMovable(false);
    return list;
}

} // namespace

ClustersView::ClustersView(RunModel* model, QWidget* parent) : QWidget(parent), m_model(model)
{
    setObjectName(QStringLiteral("clustersView"));
    m_pages = new QStackedWidget(this);
    m_pages->addWidget(makeEmptyState(
        QStringLiteral("Run the experiment to see the clusters and the tracks in them."), m_pages));

    auto* content = new QWidget(m_pages);
    auto* bar = new QHBoxLayout;
    auto* repLabel = new QLabel(QStringLiteral("&Representation:"), content);
    m_repBox = new QComboBox(content);
    m_repBox->setObjectName(QStringLiteral("representationSelector"));
    m_repBox->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    repLabel->setBuddy(m_repBox);
    auto* clusteringLabel = new QLabel(QStringLiteral("&Clustering:"), content);
    m_clusteringBox = new QComboBox(content);
    m_clusteringBox->setObjectName(QStringLiteral("clusteringSelector"));
    m_clusteringBox->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    clusteringLabel->setBuddy(m_clusteringBox);
    m_caption = new QLabel(content);
    m_caption->setObjectName(QStringLiteral("clustersCaption"));
    // A long caption (DBSCAN's noise, the scores) wraps instead of widening the window.
    m_caption->setWordWrap(true);
    bar->addWidget(repLabel);
    bar->addWidget(m_repBox);
    bar->addSpacing(12);
    bar->addWidget(clusteringLabel);
    bar->addWidget(m_clusteringBox);
    bar->addStretch(1);

    m_clusters = makeList(QStringLiteral("clusterList"),
                          {QStringLiteral("Cluster"), QStringLiteral("Tracks"),
                           QStringLiteral("Top labels")},
                          content);
    m_clusters->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_clusters->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);

    auto* memberPanel = new QWidget(content);
    m_memberCaption = new QLabel(memberPanel);
    m_memberCaption->setObjectName(QStringLiteral("memberCaption"));
    m_members = makeList(QStringLiteral("memberList"),
                         {QStringLiteral("#"), QStringLiteral("Track"), QStringLiteral("Label"),
                          QStringLiteral("Distance")},
                         memberPanel);
    // The rank and distance columns are sized from the cluster's widest values (fitColumns()),
    // not by the view, which would measure a thousand rows at every layout.
    m_members->header()->setSectionResizeMode(0, QHeaderView::Fixed);
    m_members->header()->setSectionResizeMode(1, QHeaderView::Stretch);
    m_members->header()->setSectionResizeMode(2, QHeaderView::Interactive);
    m_members->header()->setSectionResizeMode(3, QHeaderView::Fixed);
    m_members->header()->setStretchLastSection(false);
    m_members->viewport()->installEventFilter(this);
    m_members->headerItem()->setToolTip(
        3, QStringLiteral("Euclidean distance to the cluster's centroid in the latent space"));
    m_play = new QPushButton(QStringLiteral("Play cluster"), memberPanel);
    m_play->setObjectName(QStringLiteral("playClusterButton"));
    m_play->setToolTip(QStringLiteral("Play the cluster's tracks, the most typical first"));
    m_export = new QPushButton(QStringLiteral("Export playlist…"), memberPanel);
    m_export->setObjectName(QStringLiteral("exportPlaylistButton"));
    m_export->setToolTip(QStringLiteral("Save the cluster's tracks as a playlist"));
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_play);
    buttons->addWidget(m_export);
    buttons->addStretch(1);
    auto* memberLayout = new QVBoxLayout(memberPanel);
    memberLayout->setContentsMargins(0, 0, 0, 0);
    memberLayout->addWidget(m_memberCaption);
    memberLayout->addWidget(m_members, 1);
    memberLayout->addLayout(buttons);

    m_heatmap = new ContingencyHeatmap(content);
    // Every row has a least height: a pane too short for all of them (a small window, many
    // clusters) scrolls.
    m_heatmapScroll = new QScrollArea(content);
    m_heatmapScroll->setObjectName(QStringLiteral("contingencyScroll"));
    m_heatmapScroll->setFrameShape(QFrame::NoFrame);
    m_heatmapScroll->setWidgetResizable(true);
    m_heatmapScroll->setWidget(m_heatmap);

    // The clustering's caption heads the cluster list, as the cluster's heads its members.
    auto* clusterPanel = new QWidget(content);
    auto* clusterLayout = new QVBoxLayout(clusterPanel);
    clusterLayout->setContentsMargins(0, 0, 0, 0);
    clusterLayout->addWidget(m_caption);
    clusterLayout->addWidget(m_clusters, 1);
    m_clusters->setParent(clusterPanel);

    auto* top = new QSplitter(Qt::Horizontal, content);
    top->addWidget(clusterPanel);
    top->addWidget(memberPanel);
    top->setStretchFactor(0, 1);
    top->setStretchFactor(1, 1);
    top->setChildrenCollapsible(false);
    auto* split = new QSplitter(Qt::Vertical, content);
    split->addWidget(top);
    split->addWidget(m_heatmapScroll);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 1);
    split->setChildrenCollapsible(false);
    m_split = split;
    // The pane takes no more height than the table can use (its largest cells).
    connect(m_heatmap, &ContingencyHeatmap::heightLimitsChanged, this, [this] {
        m_heatmapScroll->setMaximumHeight(m_heatmap->maximumHeight());
        fitHeatmapPane();
    });
    connect(split, &QSplitter::splitterMoved, this, [this] { m_splitMoved = true; });
    // The panes are refitted whenever they change height: the window's size, and the page
    // switch from the placeholder to the content, which lays the splitter out anew.
    split->installEventFilter(this);

    auto* layout = new QVBoxLayout(content);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(bar);
    layout->addWidget(split, 1);
    m_pages->addWidget(content);
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(8, 8, 8, 8);
    outer->addWidget(m_pages);

    connect(m_repBox, &QComboBox::currentIndexChanged, this, [this](int i) {
        if (m_updating || i < 0)
            return;
        m_rep = Representation(m_repBox->itemData(i).toInt());
        refreshChoices();
    });
    connect(m_clusteringBox, &QComboBox::currentIndexChanged, this, [this](int i) {
        if (m_updating || i < 0)
            return;
        m_clustering = Clustering(m_clusteringBox->itemData(i).toInt());
        showSelection();
    });
    connect(m_clusters, &QTreeWidget::currentItemChanged, this, [this](QTreeWidgetItem* item) {
        if (m_updating)
            return;
        m_cluster = item ? item->data(0, IdRole).toInt() : NoCluster;
        showCluster();
    });
    connect(m_heatmap, &ContingencyHeatmap::rowClicked, this, [this](int row) {
        if (QTreeWidgetItem* item = m_clusters->topLevelItem(row))
            m_clusters->setCurrentItem(item);
    });
    connect(m_members, &QTreeWidget::itemActivated, this, [this](QTreeWidgetItem* item) {
        if (item)
            emit trackActivated(item->data(0, IdRole).toInt());
    });
    connect(m_members, &QTreeWidget::itemClicked, this, [this](QTreeWidgetItem* item) {
        if (item)
            emit trackChosen(item->data(0, IdRole).toInt());
    });
    connect(m_play, &QPushButton::clicked, this, [this] {
        if (const QList<int> tracks = currentMembers(); !tracks.isEmpty())
            emit playRequested(tracks);
    });
    connect(m_export, &QPushButton::clicked, this, [this] {
        if (const QList<int> tracks = currentMembers(); !tracks.isEmpty())
            emit playlistExportRequested(tracks);
    });

    connect(m_model, &RunModel::cleared, this, &ClustersView::refreshChoices);
    connect(m_model, &RunModel::datasetChanged, this, &ClustersView::refreshChoices);
    connect(m_model, &RunModel::representationChanged, this, &ClustersView::refreshChoices);
    connect(m_model, &RunModel::resultChanged, this, &ClustersView::refreshChoices);
    refreshChoices();
}

bool ClustersView::setSelection(Representation r, Clustering c)
{
    const auto rep = m_model->representation(r);
    const ClusteringResult* cl = rep && rep->ok ? rep->clustering(c) : nullptr;
    if (!cl || !cl->ok)
        return false;
    m_rep = r;
    m_clustering = c;
    refreshChoices();
    if (m_deferral.pending())
        return true;   // chosen; listed when the view is shown
    return hasSelection() && m_rep == r && m_clustering == c;
}

void ClustersView::refreshIfStale() const
{
    // Asked for what it shows: brought up to date now, shown or not.
    auto* self = const_cast<ClustersView*>(this);
    self->m_deferral.catchUp([self] { self->refreshChoices(); });
}

void ClustersView::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    refreshIfStale();
    fitHeatmapPane();
}

void ClustersView::fitHeatmapPane()
{
    // Until the divider is dragged, the table gets the height that shows all its rows at
    // their least height, up to 55 % of the panes; the lists above take the rest.
    if (m_splitMoved || !isVisible())
        return;
    const int total = m_split->height() - m_split->handleWidth();
    if (total <= 0)
        return;
    const int table = std::min(m_heatmap->minimumHeight(), total * 55 / 100);
    if (table <= 0)
        return;
    m_split->setSizes({total - table, table});
}

bool ClustersView::selectCluster(int id)
{
    refreshIfStale();
    for (int i = 0; i < m_clusters->topLevelItemCount(); ++i)
        if (m_clusters->topLevelItem(i)->data(0, IdRole).toInt() == id) {
            m_clusters->setCurrentItem(m_clusters->topLevelItem(i));
            return true;
        }
    return false;
}

QList<int> ClustersView::currentMembers() const
{
    refreshIfStale();
    QList<int> tracks;
    const int e = shownIndex();
    if (e < 0)
        return tracks;
    for (const ClusterMember& m : m_summary->clusters[std::size_t(e)].members)
        tracks.append(m.track);
    return tracks;
}

void ClustersView::refreshChoices()
{
    if (m_deferral.defer(*this))
        return;
    m_updating = true;
    // Representations that finished well; keep the current one when it is still there.
    m_repBox->clear();
    for (Representation r : m_model->representations())
        if (const auto rep = m_model->representation(r); rep && rep->ok)
            m_repBox->addItem(representationTitle(r, m_model->config()), int(r));
    int repIndex = m_repBox->findData(int(m_rep));
    if (repIndex < 0 && m_repBox->count() > 0)
        repIndex = 0;
    m_repBox->setCurrentIndex(repIndex);
    if (repIndex >= 0)
        m_rep = Representation(m_repBox->itemData(repIndex).toInt());

    const auto rep = repIndex >= 0 ? m_model->representation(m_rep) : nullptr;
    m_clusteringBox->clear();
    auto* items = qobject_cast<QStandardItemModel*>(m_clusteringBox->model());
    int clusteringIndex = -1, firstOk = -1;
    for (Clustering c : AllClusterings) {
        const ClusteringResult* cl = rep ? rep->clustering(c) : nullptr;
        const bool ok = cl && cl->ok;
        m_clusteringBox->addItem(ok ? clusteringTitle(c)
                                    : clusteringTitle(c) + QStringLiteral(" (failed)"),
                                 int(c));
        const int i = m_clusteringBox->count() - 1;
        if (!ok && items) {
            items->item(i)->setEnabled(false);
            if (cl)
                items->item(i)->setToolTip(QString::fromStdString(cl->error));
        }
        if (ok && firstOk < 0)
            firstOk = i;
        if (ok && c == m_clustering)
            clusteringIndex = i;
    }
    if (clusteringIndex < 0)
        clusteringIndex = firstOk;
    m_clusteringBox->setCurrentIndex(clusteringIndex);
    if (clusteringIndex >= 0)
        m_clustering = Clustering(m_clusteringBox->itemData(clusteringIndex).toInt());
    m_updating = false;
    m_pages->setCurrentIndex(m_repBox->count() > 0 ? 1 : 0);
    showSelection();
}

void ClustersView::showSelection()
{
    m_updating = true;
    const int previousCluster = m_cluster;
    const auto rep = m_repBox->currentIndex() >= 0 ? m_model->representation(m_rep) : nullptr;
    const ClusteringResult* cl = rep && m_clusteringBox->currentIndex() >= 0
                                     ? rep->clustering(m_clustering)
                                     : nullptr;
    // The model announces every representation of a finished run in a row; the results are
    // immutable, so a summary of the same clustering of the same data is still valid.
    const bool unchanged = m_summary && cl && rep == m_shownRep &&
                           m_model->dataset() == m_dataset && m_summaryClustering == m_clustering;
    m_dataset = m_model->dataset();
    m_shownRep = rep;
    m_summaryClustering = m_clustering;
    if (!unchanged)
        m_summary.reset();
    m_clusters->clear();
    m_caption->clear();
    if (!unchanged && cl && cl->ok && m_dataset) {
        try {
            m_summary = std::make_unique<ClusterSummary>(
                summarizeClusters(rep->codes, cl->labels, m_dataset->labels,
                                  int(m_dataset->labelNames.size())));
        } catch (const std::exception& e) {
            m_caption->setText(QStringLiteral("Cannot summarise this clustering: %1")
                                   .arg(QString::fromUtf8(e.what())));
        }
    }
    if (m_summary) {
        const ClusterSummary& s = *m_summary;
        int clusters = 0, noise = 0;
        const bool labelled = m_dataset->hasLabels();
        for (const ClusterInfo& info : s.clusters) {
            auto* item = new QTreeWidgetItem(m_clusters);
            item->setText(0, info.isNoise() ? QStringLiteral("noise") : clusterName(info.id));
            item->setIcon(0, swatch(categoricalColor(info.id)));
            item->setData(0, IdRole, info.id);
            item->setText(1, QString::number(info.size));
            item->setTextAlignment(1, Qt::AlignRight | Qt::AlignVCenter);
            item->setText(2, labelled ? topLabels(info, *m_dataset) : QStringLiteral("–"));
            QStringList all;
            for (const LabelShare& l : info.labels)
                all << QStringLiteral("%1: %2 (%3%)")
                           .arg(labelName(*m_dataset, l.label))
                           .arg(l.count)
                           .arg(100.0 * l.share, 0, 'f', 1);
            item->setToolTip(2, all.join(QLatin1Char('\n')));
            if (info.isNoise()) {
                noise = info.size;
                item->setToolTip(0, QStringLiteral("Tracks DBSCAN left out of every cluster"));
            } else {
                ++clusters;
            }
        }
        QString caption = (clusters == 1 ? QStringLiteral("1 cluster") :
                                           QStringLiteral("%1 clusters").arg(clusters)) +
                          QStringLiteral(" of %1 tracks").arg(s.tracks);
        if (noise > 0)
            caption += QStringLiteral(", %1 as noise (%2)")
                           .arg(noise)
                           .arg(formatPercent(double(noise) / s.tracks));
        if (std::isfinite(cl->scores.purity))
            caption += QStringLiteral(" · purity %1 · ARI %2")
                           .arg(formatScore(cl->scores.purity), formatScore(cl->scores.ari));
        m_caption->setText(caption);

        // Heatmap: the labels, plus a column for unlabelled tracks when there are any.
        bool anyUnlabelled = false;
        for (int u : s.unlabelled)
            anyUnlabelled |= u > 0;
        const Eigen::Index cols = s.contingency.cols() + (anyUnlabelled ? 1 : 0);
        Eigen::MatrixXi counts(s.contingency.rows(), cols);
        counts.leftCols(s.contingency.cols()) = s.contingency;
        QStringList rowNames, columnNames;
        QList<QColor> colors;
        for (std::size_t i = 0; i < s.clusters.size(); ++i) {
            if (anyUnlabelled)
                counts(Eigen::Index(i), cols - 1) = s.unlabelled[i];
            rowNames << clusterName(s.clusters[i].id);
            colors << categoricalColor(s.clusters[i].id);
        }
        for (const std::string& name : m_dataset->labelNames)
            columnNames << QString::fromStdString(name);
        if (anyUnlabelled)
            columnNames << QStringLiteral("unlabelled");
        m_heatmap->setTable(counts, rowNames, columnNames, colors);
    } else {
        m_heatmap->clear();
    }

    // Keep the selected cluster across changes when it still exists, else take the first.
    QTreeWidgetItem* target = m_clusters->topLevelItemCount() > 0 ? m_clusters->topLevelItem(0)
                                                                   : nullptr;
    for (int i = 0; i < m_clusters->topLevelItemCount(); ++i)
        if (m_clusters->topLevelItem(i)->data(0, IdRole).toInt() == previousCluster)
            target = m_clusters->topLevelItem(i);
    m_clusters->setCurrentItem(target);
    m_updating = false;
    m_cluster = target ? target->data(0, IdRole).toInt() : NoCluster;
    showCluster();
}

int ClustersView::shownIndex() const
{
    return m_summary && m_cluster != NoCluster ? m_summary->indexOf(m_cluster) : -1;
}

void ClustersView::showCluster()
{
    m_members->clear();
    const int e = shownIndex();
    m_heatmap->setSelectedRow(e);
    if (e >= 0) {
        // After the next layout: a new table's height, and with it its rows' places, is
        // settled there.
        QTimer::singleShot(0, this, [this, e] {
            if (e >= m_heatmap->counts().rows())
                return;
            const QRect row = m_heatmap->cellRect(e, 0).toAlignedRect();
            m_heatmapScroll->ensureVisible(row.center().x(), row.center().y(), 0, row.height());
        });
    }
    m_play->setEnabled(e >= 0);
    m_export->setEnabled(e >= 0);
    if (e < 0) {
        m_memberCaption->setText(QStringLiteral("Select a cluster to see its tracks."));
        return;
    }
    const ClusterInfo& info = m_summary->clusters[std::size_t(e)];
    m_memberCaption->setText(
        QStringLiteral("<b>%1</b> · %2, the nearest to the %3 first")
            .arg(info.isNoise() ? QStringLiteral("Noise") : clusterName(info.id))
            .arg(counted(info.size, QStringLiteral("1 track"), QStringLiteral("%1 tracks")))
            .arg(info.isNoise() ? QStringLiteral("mean of the noise points")
                                : QStringLiteral("centroid")));
    // A large cluster (thousands of tracks in a big collection) is listed in batches, one
    // per event-loop turn, so that the window never stalls: the nearest tracks come first.
    m_fillAt = 0;
    ++m_fillJob;
    m_labelWidth = -1;
    fillMembers(m_fillJob);
}

void ClustersView::fillMembers(int job)
{
    // The first batch fills the visible rows and little more: it comes with the tab.
    const std::size_t batch = std::size_t(
        std::max(m_fillAt == 0 ? std::min(m_memberBatch, FirstMemberBatch) : m_memberBatch, 1));
    const int e = shownIndex();
    if (job != m_fillJob || e < 0)
        return;
    const ClusterInfo& info = m_summary->clusters[std::size_t(e)];
    const std::size_t end = std::min(info.members.size(), m_fillAt + batch);
    QHash<int, QIcon> swatches;   // one pixmap per label, not per row
    QList<QTreeWidgetItem*> items;
    items.reserve(qsizetype(end - m_fillAt));
    for (std::size_t k = m_fillAt; k < end; ++k) {
        const ClusterMember& m = info.members[k];
        const Track& track = m_dataset->tracks[std::size_t(m.track)];
        auto* item = new QTreeWidgetItem;
        item->setText(0, QString::number(k + 1));
        item->setTextAlignment(0, Qt::AlignRight | Qt::AlignVCenter);
        item->setData(0, IdRole, m.track);
        if (m.track == m_playing)
            markPlaying(item, true);
        // Artist — Title (the file name when untagged); the full path is one hover away.
        item->setText(1, trackDisplayName(track));
        item->setToolTip(1, QString::fromStdString(track.path.empty() ? track.id
                                                                      : track.path.string()));
        const int label = m_dataset->labels.size() > m.track ? m_dataset->labels[m.track] : -1;
        item->setText(2, labelName(*m_dataset, label));
        auto icon = swatches.find(label);
        if (icon == swatches.end())
            icon = swatches.insert(label, swatch(label >= 0 ? categoricalColor(label) : noiseColor()));
        item->setIcon(2, *icon);
        item->setText(3, QString::number(m.distance, 'f', 3));
        item->setData(3, DistanceRole, m.distance);
        item->setTextAlignment(3, Qt::AlignRight | Qt::AlignVCenter);
        items.append(item);
    }
    const bool first = m_fillAt == 0;
    m_fillAt = end;
    m_members->addTopLevelItems(items);
    if (first)
        fitColumns();
    if (end < info.members.size())
        QTimer::singleShot(0, this, [this, job] { fillMembers(job); });
}

void ClustersView::fitColumns()
{
    // Measured once per cluster from what its rows hold: the widest label (a few distinct
    // names), the last rank and the largest distance (the last row's).
    if (m_labelWidth < 0) {
        m_labelWidth = m_rankWidth = m_distanceWidth = 0;
        const int e = shownIndex();
        if (e >= 0) {
            const ClusterInfo& info = m_summary->clusters[std::size_t(e)];
            const QFontMetrics metrics(m_members->font());
            const int icon = m_members->iconSize().isValid() ? m_members->iconSize().width()
                                                              : 16;
            const int margin = 2 * (m_members->style()->pixelMetric(QStyle::PM_FocusFrameHMargin,
                                                                     nullptr, m_members) + 1);
            for (const LabelShare& l : info.labels)
                m_labelWidth = std::max(m_labelWidth,
                                        metrics.horizontalAdvance(labelName(*m_dataset, l.label)));
            m_labelWidth += icon + 2 * margin + 4;
            m_rankWidth = metrics.horizontalAdvance(QString::number(info.members.size())) + 2 * margin;
            if (!info.members.empty())
                m_distanceWidth =
                    metrics.horizontalAdvance(QString::number(info.members.back().distance, 'f', 3)) +
                    2 * margin;
        }
    }
    QHeaderView* header = m_members->header();
    m_members->setColumnWidth(0, std::max(m_rankWidth, header->sectionSizeHint(0)));
    m_members->setColumnWidth(3, std::max(m_distanceWidth, header->sectionSizeHint(3)));
    // Long labels (album names) are elided rather than squeezing the track names: the
    // label column takes at most a third of the list.
    const int wanted = std::max(m_labelWidth, header->sectionSizeHint(2));
    const int most = std::min(MaxLabelColumnWidth, m_members->viewport()->width() / 3);
    m_members->setColumnWidth(2, std::max(40, std::min(wanted, most)));
}

bool ClustersView::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_members->viewport() && event->type() == QEvent::Resize)
        fitColumns();
    if (watched == m_split && event->type() == QEvent::Resize)
        fitHeatmapPane();
    return QWidget::eventFilter(watched, event);
}

void ClustersView::setPlayingTrack(int track)
{
    m_playing = track;
    updatePlayingRow();
}

void ClustersView::updatePlayingRow()
{
    for (int i = 0; i < m_members->topLevelItemCount(); ++i) {
        QTreeWidgetItem* item = m_members->topLevelItem(i);
        const bool playing = item->data(0, IdRole).toInt() == m_playing;
        if (item->font(1).bold() != playing)
            markPlaying(item, playing);
    }
}

void ClustersView::markPlaying(QTreeWidgetItem* item, bool playing) const
{
    QFont font = m_members->font();
    font.setBold(playing);
    for (int column = 0; column < m_members->columnCount(); ++column)
        item->setFont(column, font);
}

} // namespace atlas::ui
