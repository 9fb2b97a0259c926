// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/map/map_panel.h"

#include "ui/figures/palette.h"
#include "ui/map/map_view.h"
#include "ui/model/run_model.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QLocale>
#include <QPainter>
#include <QPushButton>
#include <QSplitter>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>

namespace atlas::ui {

namespace {

constexpr int ClassRole = Qt::UserRole + 1;
constexpr int TrackRole = Qt::UserRole + 2;
constexpr int NameRole = Qt::UserRole + 3;
// The selection list shows at most this many rows; play and export take the whole selection.
constexpr int MaxListedTracks = 2000;

QIcon swatch(const QColor& colour, bool visible)
{
    const qreal dpr = 2.0;
    QPixmap pixmap(int(14 * dpr), int(14 * dpr));
    pixmap.setDevicePixelRatio(dpr);
    pixmap.fill(Qt::transparent);
    QPainter p(&pixmap);
    p.setRenderHint(QPainter::Antialiasing);
    if (visible) {
        p.setPen(QPen(colour.darker(160), 1.0));
        p.setBrush(colour);
    } else {
        p.setPen(QPen(QColor(0xb0, 0xb4, 0xba), 1.2));
        p.setBrush(Qt::NoBrush);
    }
    p.drawEllipse(QPointF(7, 7), 5, 5);
    return QIcon(pixmap);
}

} // namespace

MapPanel::MapPanel(RunModel* model, QWidget* parent) : QWidget(parent), m_model(model)
{
    setObjectName(QStringLiteral("mapPanel"));

    m_representation = new QComboBox;
    m_representation->setObjectName(QStringLiteral("representationCombo"));
    m_representation->setToolTip(tr("Latent representation"));
    m_map = new QComboBox;
    m_map->setObjectName(QStringLiteral("mapCombo"));
    m_map->setToolTip(tr("2-D map of the representation"));
    for (MapKind m : AllMaps)
        m_map->addItem(QString::fromUtf8(mapName(m)), int(m));
    m_colour = new QComboBox;
    m_colour->setObjectName(QStringLiteral("colourCombo"));
    m_colour->setToolTip(tr("Colour the points by"));
    m_colour->addItem(tr("Genre"), int(Colouring::Genre));
    m_colour->addItem(tr("KMeans clusters"), int(Colouring::KMeans));
    m_colour->addItem(tr("Agglomerative (Ward) clusters"), int(Colouring::Agglomerative));
    m_colour->addItem(tr("DBSCAN clusters"), int(Colouring::Dbscan));
    m_colour->addItem(tr("No colour"), int(Colouring::None));
    m_search = new QLineEdit;
    m_search->setObjectName(QStringLiteral("mapSearch"));
    m_search->setPlaceholderText(tr("Search title, id or genre"));
    m_search->setClearButtonEnabled(true);
    m_search->setMinimumWidth(180);
    m_searchCount = new QLabel;
    m_searchCount->setObjectName(QStringLiteral("mapSearchCount"));
    m_searchCount->setMinimumWidth(70);
    m_lasso = new QToolButton;
    m_lasso->setObjectName(QStringLiteral("lassoTool"));
    m_lasso->setText(tr("Lasso"));
    m_lasso->setCheckable(true);
    m_lasso->setToolTip(tr("Drag to select tracks (or hold Shift while dragging)"));
    m_fit = new QToolButton;
    m_fit->setObjectName(QStringLiteral("fitButton"));
    m_fit->setText(tr("Fit"));
    m_fit->setToolTip(tr("Show every track (F)"));

    auto* bar = new QHBoxLayout;
    bar->setContentsMargins(0, 0, 0, 0);
    bar->setSpacing(6);
    const auto labelled = [&](const QString& text, QWidget* w) {
        auto* label = new QLabel(text);
        label->setBuddy(w);
        bar->addWidget(label);
        bar->addWidget(w);
        bar->addSpacing(6);
    };
    labelled(tr("&Representation"), m_representation);
    labelled(tr("&Map"), m_map);
    labelled(tr("&Colour"), m_colour);
    bar->addStretch(1);
    bar->addWidget(m_search);
    bar->addWidget(m_searchCount);
    bar->addWidget(m_lasso);
    bar->addWidget(m_fit);

    m_view = new MapView;
    m_view->setTooltipProvider([this](int track) { return tooltipFor(track); });

    m_legendTitle = new QLabel;
    m_legendTitle->setObjectName(QStringLiteral("mapLegendTitle"));
    QFont bold = m_legendTitle->font();
    bold.setBold(true);
    m_legendTitle->setFont(bold);
    m_legend = new QListWidget;
    m_legend->setObjectName(QStringLiteral("mapLegend"));
    m_legend->setToolTip(tr("Click to hide or show a class; double-click to show only it"));
    m_legend->setSelectionMode(QAbstractItemView::NoSelection);
    m_legend->setFocusPolicy(Qt::NoFocus);
    m_legend->setUniformItemSizes(true);
    m_legend->setFrameShape(QFrame::NoFrame);

    m_selectionTitle = new QLabel;
    m_selectionTitle->setFont(bold);
    m_selectionList = new QListWidget;
    m_selectionList->setObjectName(QStringLiteral("selectionList"));
    m_selectionList->setToolTip(tr("Double-click a track to play it"));
    m_selectionList->setUniformItemSizes(true);
    m_selectionList->setFrameShape(QFrame::NoFrame);
    m_play = new QPushButton(tr("Play selection"));
    m_play->setObjectName(QStringLiteral("playSelection"));
    m_export = new QPushButton(tr("Export playlist…"));
    m_export->setObjectName(QStringLiteral("exportSelection"));
    m_clear = new QPushButton(tr("Clear"));
    m_clear->setObjectName(QStringLiteral("clearSelection"));

    auto* side = new QWidget;
    side->setObjectName(QStringLiteral("mapSide"));
    auto* sideLayout = new QVBoxLayout(side);
    sideLayout->setContentsMargins(8, 0, 0, 0);
    sideLayout->addWidget(m_legendTitle);
    sideLayout->addWidget(m_legend, 3);
    sideLayout->addSpacing(8);
    sideLayout->addWidget(m_selectionTitle);
    sideLayout->addWidget(m_selectionList, 2);
    auto* buttons = new QHBoxLayout;
    buttons->setSpacing(4);
    buttons->addWidget(m_play);
    buttons->addWidget(m_export);
    buttons->addWidget(m_clear);
    sideLayout->addLayout(buttons);

    auto* splitter = new QSplitter(Qt::Horizontal);
    splitter->addWidget(m_view);
    splitter->addWidget(side);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 0);
    splitter->setCollapsible(0, false);
    splitter->setSizes({900, 260});

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 8, 8, 8);
    layout->setSpacing(8);
    layout->addLayout(bar);
    layout->addWidget(splitter, 1);

    connect(m_representation, &QComboBox::currentIndexChanged, this, [this] {
        m_fitPending = true;
        refreshMap();
    });
    connect(m_map, &QComboBox::currentIndexChanged, this, [this] {
        m_fitPending = true;
        refreshMap();
    });
    connect(m_colour, &QComboBox::currentIndexChanged, this, [this] { refreshClasses(); });
    connect(m_search, &QLineEdit::textChanged, this, [this] { refreshSearch(); });
    connect(m_lasso, &QToolButton::toggled, m_view, &MapView::setLassoMode);
    connect(m_fit, &QToolButton::clicked, m_view, &MapView::fitAll);
    connect(m_legend, &QListWidget::itemClicked, this, &MapPanel::toggleLegendItem);
    connect(m_legend, &QListWidget::itemDoubleClicked, this, &MapPanel::soloLegendItem);
    connect(m_view, &MapView::pointClicked, this, &MapPanel::trackActivated);
    connect(m_view, &MapView::selectionChanged, this, [this](const QList<int>& tracks) {
        m_selection = tracks;
        refreshSelectionList();
    });
    connect(m_selectionList, &QListWidget::itemDoubleClicked, this, [this](QListWidgetItem* item) {
        const QVariant track = item->data(TrackRole);
        if (track.isValid())
            emit trackActivated(track.toInt());
    });
    connect(m_play, &QPushButton::clicked, this, [this] {
        if (!m_selection.isEmpty())
            emit playRequested(m_selection);
    });
    connect(m_export, &QPushButton::clicked, this, [this] {
        if (!m_selection.isEmpty())
            emit playlistExportRequested(m_selection);
    });
    connect(m_clear, &QPushButton::clicked, m_view, &MapView::clearSelection);

    if (m_model) {
        connect(m_model, &RunModel::cleared, this, [this] {
            m_selection.clear();
            m_shown.reset();
            m_fitPending = true;
            rebuildRepresentationCombo();
            refreshMap();
        });
        connect(m_model, &RunModel::datasetChanged, this, [this] {
            if (m_colour->currentIndex() < 0 || colouring() == Colouring::Genre) {
                const auto data = m_model->dataset();
                if (data && !data->hasLabels())
                    m_colour->setCurrentIndex(m_colour->findData(int(Colouring::KMeans)));
            }
            rebuildRepresentationCombo();
            refreshMap();
        });
        connect(m_model, &RunModel::mapFrameChanged, this, &MapPanel::onFrame);
        connect(m_model, &RunModel::representationChanged, this, [this](Representation r) {
            if (r == currentRepresentation())
                refreshMap();
        });
        connect(m_model, &RunModel::resultChanged, this, [this] {
            rebuildRepresentationCombo();
            refreshMap();
        });
    }
    rebuildRepresentationCombo();
    refreshMap();
    refreshSelectionList();
}

MapPanel::~MapPanel() = default;

Representation MapPanel::currentRepresentation() const
{
    const QVariant v = m_representation->currentData();
    return v.isValid() ? Representation(v.toInt()) : Representation::Pca;
}

MapKind MapPanel::currentMap() const
{
    const QVariant v = m_map->currentData();
    return v.isValid() ? MapKind(v.toInt()) : MapKind::Tsne;
}

MapPanel::Colouring MapPanel::colouring() const
{
    const QVariant v = m_colour->currentData();
    return v.isValid() ? Colouring(v.toInt()) : Colouring::Genre;
}

void MapPanel::showMap(Representation r, MapKind m)
{
    const int ri = m_representation->findData(int(r));
    if (ri >= 0)
        m_representation->setCurrentIndex(ri);
    m_map->setCurrentIndex(m_map->findData(int(m)));
}

void MapPanel::setPlayingTrack(int track)
{
    m_playing = track;
    m_view->setPlayingTrack(track);
}

void MapPanel::rebuildRepresentationCombo()
{
    std::vector<Representation> reps;
    if (m_model && m_model->result()) {
        for (const RepresentationResult& rep : m_model->result()->representations)
            reps.push_back(rep.kind);
    } else if (m_model) {
        reps = m_model->config().representations;
    }
    if (reps.empty())
        reps.assign(AllRepresentations.begin(), AllRepresentations.end());
    const QVariant current = m_representation->currentData();
    const QSignalBlocker block(m_representation);
    m_representation->clear();
    for (Representation r : reps)
        m_representation->addItem(QString::fromUtf8(representationName(r)), int(r));
    const int keep = current.isValid() ? m_representation->findData(current) : -1;
    m_representation->setCurrentIndex(keep >= 0 ? keep : 0);
}

const ClusteringResult* MapPanel::shownClustering() const
{
    if (!m_model)
        return nullptr;
    const auto rep = m_model->representation(currentRepresentation());
    if (!rep)
        return nullptr;
    Clustering kind = Clustering::KMeans;
    switch (colouring()) {
    case Colouring::Agglomerative: kind = Clustering::Agglomerative; break;
    case Colouring::Dbscan: kind = Clustering::Dbscan; break;
    default: break;
    }
    const ClusteringResult* c = rep->clustering(kind);
    return c && c->ok ? c : nullptr;
}

void MapPanel::onFrame(Representation r, MapKind m)
{
    if (r == currentRepresentation() && m == currentMap())
        refreshMap();
}

void MapPanel::refreshMap()
{
    const Representation r = currentRepresentation();
    const MapKind m = currentMap();
    const int key = int(r) * 16 + int(m);
    std::shared_ptr<const Matrix> layout = m_model ? m_model->mapLayout(r, m) : nullptr;
    const auto rep = m_model ? m_model->representation(r) : nullptr;
    const MapResult* finished = rep ? rep->map(m) : nullptr;
    const bool isFinal = finished && finished->ok && layout && layout.get() == &finished->xy;
    const QString caption = QStringLiteral("%1 · %2").arg(QString::fromUtf8(representationName(r)),
                                                         QString::fromUtf8(mapName(m)));

    if (!layout || layout->rows() == 0) {
        QString message;
        if (!m_model || (!m_model->dataset() && !m_model->result()))
            message = tr("Run the experiment to see the map");
        else if (rep && !rep->ok)
            message = tr("This map failed: %1").arg(QString::fromStdString(rep->error));
        else if (finished && !finished->ok)
            message = tr("This map failed: %1").arg(QString::fromStdString(finished->error));
        else if (rep && rep->maps.empty())
            message = tr("Maps were not computed in this run");
        else if (m_model->result() && !rep)
            message = tr("%1 is not part of this run").arg(QString::fromUtf8(representationName(r)));
        else
            message = tr("The %1 map of %2 appears here as soon as it is being computed")
                          .arg(QString::fromUtf8(mapName(m)), QString::fromUtf8(representationName(r)));
        m_view->setEmptyMessage(message);
        m_view->setPoints(nullptr);
        m_shown.reset();
        m_shownKey = key;
        m_fitPending = true;
        refreshLegend();
        return;
    }

    const bool newMap = key != m_shownKey || !m_shown || m_shown->rows() != layout->rows();
    const bool wasFinal = m_shown && !newMap && rep && finished && m_shown.get() == &finished->xy;
    const int before = m_view->pointCount();
    m_view->setCaption(isFinal ? caption : caption + tr(" · optimising…"));
    m_view->setPoints(layout);
    m_shown = layout;
    m_shownKey = key;
    if (newMap || m_fitPending) {
        m_view->fitAll();
        m_fitPending = false;
    } else if (!m_view->userMovedView()) {
        if (isFinal && !wasFinal) {
            m_view->fitAll();   // the finished map, unless the user is looking around
        } else if (!isFinal) {
            // A growing layout (t-SNE's early exaggeration, UMAP's spread) that leaves the
            // view is re-fitted with room to grow, so the animation stays in sight without
            // a re-fit on every frame.
            const QRectF bounds = m_view->mapBounds();
            const QRectF shown(m_view->toMap(QPointF(0, 0)),
                               m_view->toMap(QPointF(m_view->width(), m_view->height())));
            if (!shown.normalized().contains(bounds))
                m_view->fitWithHeadroom(1.6);
        }
    }
    if (m_view->pointCount() != before || newMap || isFinal != wasFinal)
        refreshClasses();
    m_view->setSelection(m_selection);
    refreshSearch();
    m_view->setPlayingTrack(m_playing);
}

void MapPanel::refreshClasses()
{
    const int n = m_view->pointCount();
    const auto data = m_model ? m_model->dataset() : nullptr;
    // Keep hidden classes hidden (by name) across maps with the same colouring.
    QStringList hidden;
    for (int c = -1; c < m_view->classCount(); ++c)
        if (!m_view->isClassVisible(c))
            hidden.append(c < 0 ? QStringLiteral("\n") : m_view->className(c));

    std::vector<int> classes;
    QStringList names;
    QList<QColor> colours;
    const Colouring mode = colouring();
    if (mode == Colouring::Genre && data && data->size() == n && data->hasLabels()) {
        classes.assign(data->labels.data(), data->labels.data() + data->labels.size());
        for (std::size_t k = 0; k < data->labelNames.size(); ++k) {
            names.append(QString::fromStdString(data->labelNames[k]));
            colours.append(categoricalColor(int(k)));
        }
        m_legendTitle->setText(tr("Genre"));
    } else if (mode != Colouring::Genre && mode != Colouring::None) {
        const ClusteringResult* c = shownClustering();
        if (c && c->labels.size() == n && n > 0) {
            classes.assign(c->labels.data(), c->labels.data() + c->labels.size());
            for (int k = 0; k <= c->labels.maxCoeff(); ++k) {
                names.append(tr("Cluster %1").arg(k));
                colours.append(categoricalColor(k));
            }
            m_legendTitle->setText(QString::fromUtf8(clusteringName(c->kind)));
        } else {
            m_legendTitle->setText(tr("Clusters appear when the representation is finished"));
        }
    } else if (mode == Colouring::Genre) {
        m_legendTitle->setText(tr("No genre labels in this collection"));
    } else {
        m_legendTitle->setText(tr("Tracks"));
    }
    m_legendTitle->setWordWrap(true);
    m_view->setClasses(std::move(classes), names, colours);
    if (m_classesMode == int(mode)) {
        for (int c = -1; c < m_view->classCount(); ++c)
            if (hidden.contains(c < 0 ? QStringLiteral("\n") : m_view->className(c)))
                m_view->setClassVisible(c, false);
    }
    m_classesMode = int(mode);
    refreshLegend();
}

void MapPanel::refreshLegend()
{
    m_legend->clear();
    if (m_view->pointCount() == 0)
        return;
    const QLocale locale;
    const auto add = [&](int c, const QString& name) {
        const int count = m_view->pointsInClass(c);
        if (count == 0)
            return;
        auto* item = new QListWidgetItem(QStringLiteral("%1  (%2)").arg(name, locale.toString(count)));
        item->setData(ClassRole, c);
        item->setData(NameRole, name);
        m_legend->addItem(item);
    };
    for (int c = 0; c < m_view->classCount(); ++c)
        add(c, m_view->className(c));
    const Colouring mode = colouring();
    const QString rest = !m_view->hasClasses() ? tr("All tracks")
                         : mode == Colouring::Genre ? tr("Unlabelled")
                         : mode == Colouring::Dbscan ? tr("Noise")
                                                     : tr("Unassigned");
    add(-1, rest);
    updateLegendItems();
}

void MapPanel::updateLegendItems()
{
    // In place (not rebuilt), so that a click's item survives for the double-click after it.
    for (int k = 0; k < m_legend->count(); ++k) {
        QListWidgetItem* item = m_legend->item(k);
        const int c = item->data(ClassRole).toInt();
        const bool visible = m_view->isClassVisible(c);
        const QString name = item->data(NameRole).toString();
        item->setIcon(swatch(m_view->classColour(c), visible));
        item->setForeground(visible ? palette().color(QPalette::Text) : QColor(0xa0, 0xa4, 0xaa));
        item->setToolTip(visible ? tr("Click to hide %1; double-click to show only it").arg(name)
                                 : tr("Click to show %1").arg(name));
    }
}

void MapPanel::toggleLegendItem(QListWidgetItem* item)
{
    if (!item)
        return;
    const int c = item->data(ClassRole).toInt();
    m_view->setClassVisible(c, !m_view->isClassVisible(c));
    updateLegendItems();
}

void MapPanel::soloLegendItem(QListWidgetItem* item)
{
    if (!item)
        return;
    const int c = item->data(ClassRole).toInt();
    // Double-click: only this class; double-click the only visible class: all again. The
    // first click of the double-click already toggled c, so decide on the state before it.
    bool othersHidden = true;
    for (int k = -1; k < m_view->classCount(); ++k)
        if (k != c && m_view->pointsInClass(k) > 0 && m_view->isClassVisible(k))
            othersHidden = false;
    for (int k = -1; k < m_view->classCount(); ++k)
        m_view->setClassVisible(k, othersHidden || k == c);
    updateLegendItems();
}

QString MapPanel::trackTitle(int track) const
{
    const auto data = m_model ? m_model->dataset() : nullptr;
    if (!data || track < 0 || track >= data->size())
        return tr("Track %1").arg(track + 1);
    const Track& t = data->tracks[std::size_t(track)];
    if (!t.path.empty())
        return QString::fromStdString(t.path.filename().string());
    return QString::fromStdString(t.id);
}

QString MapPanel::tooltipFor(int track) const
{
    const auto data = m_model ? m_model->dataset() : nullptr;
    QString text = QStringLiteral("<b>%1</b>").arg(trackTitle(track).toHtmlEscaped());
    if (data && track >= 0 && track < data->size()) {
        const Track& t = data->tracks[std::size_t(track)];
        const QString id = QString::fromStdString(t.id);
        if (!id.isEmpty() && !trackTitle(track).startsWith(id))
            text += QStringLiteral("<br><span style='color:#6b7078'>%1</span>").arg(id.toHtmlEscaped());
        text += QStringLiteral("<br>%1: %2").arg(
            tr("Genre"), t.label.empty() ? tr("unlabelled")
                                         : QString::fromStdString(t.label).toHtmlEscaped());
    }
    // The colouring's clustering, else KMeans.
    const ClusteringResult* c = shownClustering();
    if (!c && m_model) {
        if (const auto rep = m_model->representation(currentRepresentation()))
            if (const ClusteringResult* k = rep->clustering(Clustering::KMeans); k && k->ok)
                c = k;
    }
    if (c && track >= 0 && track < c->labels.size()) {
        const int label = c->labels(track);
        text += QStringLiteral("<br>%1: %2").arg(
            QString::fromUtf8(clusteringName(c->kind)).toHtmlEscaped(),
            label < 0 ? tr("noise") : tr("cluster %1").arg(label));
    }
    return text;
}

void MapPanel::refreshSearch()
{
    const QString needle = m_search->text().trimmed();
    const auto data = m_model ? m_model->dataset() : nullptr;
    if (data != m_searchData) {
        // One string per track (id, file name, label), built once per collection so that a
        // keystroke or a new map frame costs only the matching.
        m_searchData = data;
        m_searchText.clear();
        if (data) {
            m_searchText.reserve(data->size());
            for (const Track& t : data->tracks)
                m_searchText.append(QString::fromStdString(t.id + '\n' + t.path.filename().string() +
                                                           '\n' + t.label));
        }
        m_searchNeedle.clear();
        m_searchHits.clear();
    }
    if (needle != m_searchNeedle) {
        m_searchNeedle = needle;
        m_searchHits.clear();
        if (!needle.isEmpty())
            for (int i = 0; i < m_searchText.size(); ++i)
                if (m_searchText[i].contains(needle, Qt::CaseInsensitive))
                    m_searchHits.append(i);
    }
    m_view->setHighlighted(m_view->pointCount() == m_searchText.size() ? m_searchHits
                                                                       : QList<int>());
    if (needle.isEmpty())
        m_searchCount->clear();
    else if (m_searchHits.isEmpty())
        m_searchCount->setText(tr("no match"));
    else
        m_searchCount->setText(tr("%1 found").arg(QLocale().toString(m_searchHits.size())));
}

void MapPanel::refreshSelectionList()
{
    m_selectionList->clear();
    const QLocale locale;
    m_selectionTitle->setText(m_selection.isEmpty()
                                  ? tr("Selection")
                                  : tr("Selection (%1)").arg(locale.toString(m_selection.size())));
    if (m_selection.isEmpty()) {
        auto* hint = new QListWidgetItem(tr("Shift+drag on the map to select tracks"));
        hint->setFlags(Qt::NoItemFlags);
        m_selectionList->addItem(hint);
    }
    const auto data = m_model ? m_model->dataset() : nullptr;
    const int shown = std::min<int>(int(m_selection.size()), MaxListedTracks);
    for (int k = 0; k < shown; ++k) {
        const int track = m_selection[k];
        QString text = trackTitle(track);
        if (data && track < data->size() && !data->tracks[std::size_t(track)].label.empty())
            text += QStringLiteral("  —  ") +
                    QString::fromStdString(data->tracks[std::size_t(track)].label);
        auto* item = new QListWidgetItem(text);
        item->setData(TrackRole, track);
        m_selectionList->addItem(item);
    }
    if (m_selection.size() > shown) {
        auto* more = new QListWidgetItem(
            tr("… and %1 more").arg(locale.toString(m_selection.size() - shown)));
        more->setFlags(Qt::NoItemFlags);
        m_selectionList->addItem(more);
    }
    m_play->setEnabled(!m_selection.isEmpty());
    m_export->setEnabled(!m_selection.isEmpty());
    m_clear->setEnabled(!m_selection.isEmpty());
}

} // namespace atlas::ui
