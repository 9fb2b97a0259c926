// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/map/map_panel.h"

#include "ui/figures/palette.h"
#include "ui/map/map_view.h"
#include "ui/model/run_model.h"
#include "ui/model/track_text.h"
#include "ui/views/view_support.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QLocale>
#include <QPainter>
#include <QPushButton>
#include <QShortcut>
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
// Colour choices (colourCombo item data): a TrackField value, or one of these.
constexpr int KMeansChoice = 16;
constexpr int AgglomerativeChoice = 17;
constexpr int DbscanChoice = 18;
constexpr int NoColourChoice = 32;
// Fields with more values than this show the most common ones and "Other".
constexpr int MaxFieldClasses = 12;

QString labelSourceWords(const Dataset& data)
{
    switch (data.labelSource) {
    case LabelSource::Genre: return MapPanel::tr("genre tag");
    case LabelSource::Folder: return MapPanel::tr("folder");
    case LabelSource::Artist: return MapPanel::tr("artist");
    case LabelSource::Album: return MapPanel::tr("album");
    case LabelSource::Year: return MapPanel::tr("year");
    case LabelSource::Decade: return MapPanel::tr("decade");
    case LabelSource::None: return MapPanel::tr("none");
    case LabelSource::Auto:
    case LabelSource::Layout: break;
    }
    switch (data.layout) {
    case CollectionLayout::Gtzan:
    case CollectionLayout::GtzanKaggle: return MapPanel::tr("GTZAN genre");
    case CollectionLayout::LabelledFolders: return MapPanel::tr("folder");
    case CollectionLayout::Manifest: return MapPanel::tr("manifest");
    case CollectionLayout::LyricsOnly: return MapPanel::tr("lyrics CSV");
    case CollectionLayout::FeatureTable: return MapPanel::tr("feature table");
    case CollectionLayout::Flat: break;
    }
    return MapPanel::tr("layout");
}

// The legend's title when the clustering coloured by failed: what failed, and the engine's
// reason, which says what to change.
QString clusteringFailureText(const ClusteringResult& c)
{
    return MapPanel::tr("%1 failed: %2")
        .arg(QString::fromUtf8(clusteringName(c.kind)), QString::fromStdString(c.error));
}

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
    m_colour->setToolTip(tr("Colour the points by the run's label, a field of the tracks or a "
                            "clustering"));
    for (TrackField field : AllTrackFields)
        m_colour->addItem(trackFieldName(field), int(field));
    m_colour->insertSeparator(m_colour->count());
    m_colour->addItem(tr("KMeans clusters"), KMeansChoice);
    m_colour->addItem(tr("Agglomerative (Ward) clusters"), AgglomerativeChoice);
    m_colour->addItem(tr("DBSCAN clusters"), DbscanChoice);
    m_colour->insertSeparator(m_colour->count());
    m_colour->addItem(tr("No colour"), NoColourChoice);
    m_colour->setItemData(0, tr("The labels of the run (see Labels from in the Data panel)"),
                          Qt::ToolTipRole);
    m_search = new QLineEdit;
    m_search->setObjectName(QStringLiteral("mapSearch"));
    m_search->setPlaceholderText(tr("Search title, artist, album, genre"));
    m_search->setToolTip(tr("Highlights the tracks whose title, artist, album, genre, file name "
                            "or label contain the text (else every word of it); '_' and spaces "
                            "are alike, and so are capitals and accents"));
    m_search->setClearButtonEnabled(true);
    m_search->setMinimumWidth(120);
    m_search->setMaximumWidth(280);
    m_searchCount = new QLabel;
    m_searchCount->setObjectName(QStringLiteral("mapSearchCount"));
    m_searchCount->hide();   // shown while there is a search
    m_lasso = new QToolButton;
    m_lasso->setObjectName(QStringLiteral("lassoTool"));
    m_lasso->setText(tr("Lasso"));
    m_lasso->setCheckable(true);
    m_lasso->setToolTip(tr("Drag to select tracks (or hold Shift while dragging)"));
    m_fit = new QToolButton;
    m_fit->setObjectName(QStringLiteral("fitButton"));
    m_fit->setText(tr("Fit"));
    m_fit->setToolTip(tr("Show every track (F)"));

    // Long entries elide, so that the bar fits a small window.
    for (QComboBox* box : {m_representation, m_colour}) {
        box->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
        box->setMinimumContentsLength(box == m_colour ? 14 : 8);
    }

    // The choices on the left; search, lasso and fit on the right, or in a second row when
    // the window is too narrow for one (see updateBarLayout()).
    m_choices = new QWidget;
    auto* choices = new QHBoxLayout(m_choices);
    choices->setContentsMargins(0, 0, 0, 0);
    choices->setSpacing(6);
    const auto labelled = [&](const QString& text, QWidget* w) {
        auto* label = new QLabel(text);
        label->setBuddy(w);
        choices->addWidget(label);
        choices->addWidget(w);
        choices->addSpacing(6);
    };
    labelled(tr("&Representation"), m_representation);
    labelled(tr("&Map"), m_map);
    labelled(tr("&Colour"), m_colour);
    m_tools = new QWidget;
    auto* tools = new QHBoxLayout(m_tools);
    tools->setContentsMargins(0, 0, 0, 0);
    tools->setSpacing(6);
    tools->addWidget(m_search, 1);
    tools->addWidget(m_searchCount);
    tools->addWidget(m_lasso);
    tools->addWidget(m_fit);
    m_bar = new QHBoxLayout;
    m_bar->setContentsMargins(0, 0, 0, 0);
    m_bar->setSpacing(6);
    m_bar->addWidget(m_choices);
    m_bar->addStretch(1);
    m_secondRow = new QWidget;
    auto* second = new QHBoxLayout(m_secondRow);
    second->setContentsMargins(0, 0, 0, 0);
    second->addStretch(1);
    second->addWidget(m_tools);
    m_toolsInBar = false;

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
    // Long names end in "…" (the whole name is in the tooltip) rather than scrolling sideways.
    m_selectionList->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_selectionList->setTextElideMode(Qt::ElideRight);
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
    layout->addLayout(m_bar);
    layout->addWidget(m_secondRow);
    layout->addWidget(splitter, 1);
    m_splitter = splitter;
    updateBarLayout();

    connect(m_representation, &QComboBox::currentIndexChanged, this, [this] {
        m_fitPending = true;
        refreshMap();
        emit representationChanged(currentRepresentation());
        if (colouredByClustering())
            emit clusteringChanged(currentRepresentation(), currentClustering());
    });
    connect(m_map, &QComboBox::currentIndexChanged, this, [this] {
        m_fitPending = true;
        refreshMap();
    });
    connect(m_colour, &QComboBox::currentIndexChanged, this, [this] {
        refreshClasses();
        if (colouredByClustering())
            emit clusteringChanged(currentRepresentation(), currentClustering());
    });
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
    connect(m_selectionList, &QListWidget::itemClicked, this, [this](QListWidgetItem* item) {
        const QVariant track = item->data(TrackRole);
        if (!track.isValid())
            return;
        setMarkedTrack(track.toInt());
        emit trackChosen(track.toInt());
    });
    connect(m_search, &QLineEdit::returnPressed, this, &MapPanel::selectSearchHits);
    // Ctrl+Z anywhere in the Map tab undoes the last change of the selection (the search
    // box keeps its own undo while it has the focus).
    auto* undo = new QShortcut(QKeySequence::Undo, this);
    undo->setContext(Qt::WidgetWithChildrenShortcut);
    connect(undo, &QShortcut::activated, m_view, &MapView::undoSelection);
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
            // A new run or another collection: the old tracks' selection, marks and search
            // hits no longer apply.
            m_selection.clear();
            m_playing = -1;
            m_marked = -1;
            m_view->setPoints(nullptr);
            refreshSelectionList();
            m_shown.reset();
            m_fitPending = true;
            rebuildRepresentationCombo();
            refreshMap();
            // Nor do the old collection's label words.
            updateLabelItemText();
            m_legendTitle->clear();
        });
        connect(m_model, &RunModel::datasetChanged, this, [this] {
            updateLabelItemText();
            if (m_colour->currentIndex() < 0 ||
                (colouring() == Colouring::Field && colourField() == TrackField::Label)) {
                const auto data = m_model->dataset();
                if (data && !data->hasLabels())
                    m_colour->setCurrentIndex(m_colour->findData(KMeansChoice));
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
            updateLabelItemText();
            rebuildRepresentationCombo();
            refreshMap();
        });
    }
    rebuildRepresentationCombo();
    refreshMap();
    refreshSelectionList();
}

MapPanel::~MapPanel() = default;

void MapPanel::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    updateBarLayout();
}

void MapPanel::updateBarLayout()
{
    // The panel's minimum width is that of the two-row bar (or of the map and its side
    // column), so the window can shrink below the one-row bar: the tools move to the second
    // row before they would be squeezed.
    const QMargins margins = layout() ? layout()->contentsMargins() : QMargins();
    if (m_splitter) {
        const int narrowest = std::max({m_choices->minimumSizeHint().width(),
                                        m_tools->minimumSizeHint().width(),
                                        m_splitter->minimumSizeHint().width()}) +
                              margins.left() + margins.right();
        if (minimumWidth() != narrowest)
            setMinimumWidth(narrowest);
    }
    const int needed = m_choices->sizeHint().width() + m_tools->sizeHint().width() + 24 +
                       margins.left() + margins.right();
    const bool oneRow = width() >= needed;
    if (oneRow == m_toolsInBar)
        return;
    m_toolsInBar = oneRow;
    auto* second = static_cast<QHBoxLayout*>(m_secondRow->layout());
    if (oneRow) {
        second->removeWidget(m_tools);
        m_bar->addWidget(m_tools);
    } else {
        m_bar->removeWidget(m_tools);
        second->addWidget(m_tools);
    }
    m_secondRow->setVisible(!oneRow);
}

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
    switch (v.isValid() ? v.toInt() : 0) {
    case KMeansChoice: return Colouring::KMeans;
    case AgglomerativeChoice: return Colouring::Agglomerative;
    case DbscanChoice: return Colouring::Dbscan;
    case NoColourChoice: return Colouring::None;
    default: return Colouring::Field;
    }
}

TrackField MapPanel::colourField() const
{
    const QVariant v = m_colour->currentData();
    const int choice = v.isValid() ? v.toInt() : 0;
    return choice >= 0 && choice < int(std::size(AllTrackFields)) ? TrackField(choice)
                                                                  : TrackField::Label;
}

void MapPanel::setColourField(TrackField field)
{
    m_colour->setCurrentIndex(m_colour->findData(int(field)));
}

const TrackClasses* MapPanel::fieldClasses() const
{
    return m_fieldShown ? &m_fieldClasses : nullptr;
}

void MapPanel::updateLabelItemText()
{
    const auto data = m_model ? m_model->dataset() : nullptr;
    const int index = m_colour->findData(int(TrackField::Label));
    if (index < 0)
        return;
    // The demo corpus lists its tracks in a manifest, but its labels are its genres.
    const bool demo = m_model && m_model->config().data.demo;
    m_colour->setItemText(index, data && data->hasLabels()
                                     ? tr("Label (%1)").arg(demo ? tr("genre") : labelSourceWords(*data))
                                     : trackFieldName(TrackField::Label));
    if (data && !data->labelDescription.empty())
        m_colour->setItemData(index, tr("The labels of the run: %1")
                                         .arg(QString::fromStdString(data->labelDescription)),
                              Qt::ToolTipRole);
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
    updateListMarks();
}

void MapPanel::setMarkedTrack(int track)
{
    m_marked = track;
    m_view->setMarkedTrack(track);
    updateListMarks();
}

void MapPanel::updateListMarks()
{
    for (int k = 0; k < m_selectionList->count(); ++k) {
        QListWidgetItem* item = m_selectionList->item(k);
        const QVariant track = item->data(TrackRole);
        if (!track.isValid())
            continue;
        QFont font = m_selectionList->font();
        font.setBold(track.toInt() == m_playing);
        item->setFont(font);
        if (track.toInt() == m_marked && m_selectionList->currentItem() != item) {
            const QSignalBlocker block(m_selectionList);
            m_selectionList->setCurrentItem(item);
        }
    }
}

void MapPanel::selectSearchHits()
{
    refreshSearch();
    if (m_searchHits.isEmpty() || m_view->pointCount() != int(m_searchIndex.size()))
        return;
    m_view->setSelection(m_searchHits);
    m_view->fitPoints(m_searchHits);
}

bool MapPanel::colouredByClustering() const
{
    const Colouring mode = colouring();
    return mode != Colouring::Field && mode != Colouring::None;
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
    emit representationChanged(currentRepresentation());
}

Clustering MapPanel::shownKind() const
{
    switch (colouring()) {
    case Colouring::Agglomerative: return Clustering::Agglomerative;
    case Colouring::Dbscan: return Clustering::Dbscan;
    default: return Clustering::KMeans;
    }
}

const ClusteringResult* MapPanel::shownClustering(bool includeFailed) const
{
    if (!m_model)
        return nullptr;
    const auto rep = m_model->representation(currentRepresentation());
    if (!rep)
        return nullptr;
    const ClusteringResult* c = rep->clustering(shownKind());
    return c && (c->ok || includeFailed) ? c : nullptr;
}

Clustering MapPanel::currentClustering() const
{
    return shownKind();
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
    const int choice = m_colour->currentData().toInt();
    m_fieldShown = false;
    if (mode == Colouring::Field) {
        const TrackField field = colourField();
        if (field == TrackField::Label && data && !data->hasLabels()) {
            m_legendTitle->setText(tr("No labels in this collection"));
        } else if (data && data->size() == n && n > 0) {
            // Computed once per dataset and field; a new map frame reuses it.
            if (m_fieldData != data || m_fieldKey != int(field)) {
                m_fieldClasses = classifyTracks(*data, field, MaxFieldClasses);
                m_fieldData = data;
                m_fieldKey = int(field);
            }
            m_fieldShown = true;
            classes = m_fieldClasses.classOf;
            names = m_fieldClasses.names;
            colours = m_fieldClasses.colours;
            QString title = field == TrackField::Label && m_model->config().data.demo
                                ? tr("Label: the demo corpus's genres")
                            : field == TrackField::Label && !data->labelDescription.empty()
                                ? tr("Label: %1").arg(QString::fromStdString(data->labelDescription))
                                : trackFieldName(field);
            if (m_fieldClasses.otherClass >= 0)
                title += tr(" — the %1 most common of %2")
                             .arg(m_fieldClasses.otherClass)
                             .arg(QLocale().toString(m_fieldClasses.distinctValues));
            m_legendTitle->setText(title);
        } else {
            m_legendTitle->setText(trackFieldName(field));
        }
    } else if (mode != Colouring::None) {
        const ClusteringResult* c = shownClustering();
        if (c && c->labels.size() == n && n > 0) {
            classes.assign(c->labels.data(), c->labels.data() + c->labels.size());
            for (int k = 0; k <= c->labels.maxCoeff(); ++k) {
                names.append(tr("Cluster %1").arg(k));
                colours.append(categoricalColor(k));
            }
            m_legendTitle->setText(QString::fromUtf8(clusteringName(c->kind)));
        } else if (const ClusteringResult* failed = shownClustering(true); failed && !failed->ok) {
            m_legendTitle->setText(clusteringFailureText(*failed));
        } else if (m_model && m_model->representation(currentRepresentation())) {
            m_legendTitle->setText(tr("This run has no %1 clustering")
                                       .arg(QString::fromUtf8(clusteringName(shownKind()))));
        } else {
            m_legendTitle->setText(tr("Clusters appear when the representation is finished"));
        }
    } else {
        m_legendTitle->setText(tr("Tracks"));
    }
    m_legendTitle->setWordWrap(true);
    m_view->setClasses(std::move(classes), names, colours);
    m_view->setUnclassifiedSmall(mode == Colouring::Dbscan);
    if (m_classesMode == choice) {
        for (int c = -1; c < m_view->classCount(); ++c)
            if (hidden.contains(c < 0 ? QStringLiteral("\n") : m_view->className(c)))
                m_view->setClassVisible(c, false);
    }
    m_classesMode = choice;
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
    const QString rest = !m_view->hasClasses()     ? tr("All tracks")
                         : m_fieldShown            ? m_fieldClasses.missingName
                         : mode == Colouring::Dbscan ? tr("Noise")
                                                     : tr("Unassigned");
    add(-1, rest);
    updateLegendItems();
}

void MapPanel::updateLegendItems()
{
    // In place (not rebuilt), so that a click's item survives for the double-click after it.
    const int other = m_fieldShown ? m_fieldClasses.otherClass : -2;
    for (int k = 0; k < m_legend->count(); ++k) {
        QListWidgetItem* item = m_legend->item(k);
        const int c = item->data(ClassRole).toInt();
        const bool visible = m_view->isClassVisible(c);
        const QString name = item->data(NameRole).toString();
        item->setIcon(swatch(m_view->classColour(c), visible));
        item->setForeground(visible ? palette().color(QPalette::Text) : QColor(0xa0, 0xa4, 0xaa));
        QString tip = visible ? tr("Click to hide %1; double-click to show only it").arg(name)
                              : tr("Click to show %1").arg(name);
        if (c == other && c >= 0) {
            // What "Other" holds, most common first.
            constexpr int MaxNamed = 25;
            const QStringList& values = m_fieldClasses.otherValues;
            QString list = values.mid(0, MaxNamed).join(QStringLiteral(", "));
            if (values.size() > MaxNamed)
                list += tr(" and %1 more").arg(values.size() - MaxNamed);
            tip += QStringLiteral("\n\n") + list;
        }
        item->setToolTip(tip);
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
    return trackDisplayName(data->tracks[std::size_t(track)]);
}

QString MapPanel::tooltipFor(int track) const
{
    const auto data = m_model ? m_model->dataset() : nullptr;
    const QString grey = QStringLiteral("<br><span style='color:#6b7078'>%1</span>");
    QString text = QStringLiteral("<b>%1</b>").arg(trackTitle(track).toHtmlEscaped());
    if (data && track >= 0 && track < data->size()) {
        const Track& t = data->tracks[std::size_t(track)];
        const TrackTags& tags = t.tags;
        if (!tags.album.empty()) {
            QString album = QString::fromStdString(tags.album);
            if (tags.year > 0)
                album += QStringLiteral(" (%1)").arg(tags.year);
            text += QStringLiteral("<br><i>%1</i>").arg(album.toHtmlEscaped());
        } else if (tags.year > 0) {
            text += QStringLiteral("<br>%1").arg(tags.year);
        }
        if (!tags.genres.empty()) {
            QStringList genres;
            for (const std::string& g : tags.genres)
                genres << QString::fromStdString(g);
            text += QStringLiteral("<br>%1: %2").arg(tr("Genre"),
                                                     genres.join(QStringLiteral(", ")).toHtmlEscaped());
        }
        // The run's label, unless the genre line already says it.
        const QString label = QString::fromStdString(t.label);
        if (!label.isEmpty() && (tags.genres.empty() || label != QString::fromStdString(tags.genre())))
            text += QStringLiteral("<br>%1: %2").arg(tr("Label"), label.toHtmlEscaped());
        else if (label.isEmpty() && tags.genres.empty())
            text += QStringLiteral("<br>%1").arg(tr("unlabelled"));
        // The file, when the title does not already name it.
        const QString file = QString::fromStdString(t.path.empty() ? t.id : t.path.filename().string());
        if (!file.isEmpty() && file != trackTitle(track))
            text += grey.arg(file.toHtmlEscaped());
        if (const auto run = m_model->result(); run && run->isAdded(track))
            text += grey.arg(tr("Added after the fit (placed without retraining)"));
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
    // Folded as the engine searches, so that "  _ " is no search at all.
    const std::string query = foldForSearch(m_search->text().toStdString());
    const QString needle = QString::fromStdString(query);
    const auto data = m_model ? m_model->dataset() : nullptr;
    if (data != m_searchData) {
        m_searchData = data;
        m_searchIndex = TrackSearch();
        m_searchNeedle.clear();
        m_searchHits.clear();
    }
    if (needle != m_searchNeedle) {
        m_searchNeedle = needle;
        // The engine's search index, built at the collection's first search (a moment at
        // 100,000 tracks) so that a keystroke or a new map frame costs only the matching.
        if (!query.empty() && data && m_searchIndex.size() != data->tracks.size())
            m_searchIndex = TrackSearch(data->tracks);
        const std::vector<int> hits = m_searchIndex.find(query);
        m_searchHits = QList<int>(hits.begin(), hits.end());
    }
    m_view->setHighlighted(m_view->pointCount() == int(m_searchIndex.size()) ? m_searchHits
                                                                              : QList<int>());
    if (needle.isEmpty())
        m_searchCount->clear();
    else if (m_searchHits.isEmpty())
        m_searchCount->setText(tr("no match"));
    else
        m_searchCount->setText(tr("%1 found").arg(QLocale().toString(m_searchHits.size())));
    if (m_searchCount->isHidden() != needle.isEmpty()) {
        m_searchCount->setVisible(!needle.isEmpty());
        updateBarLayout();
    }
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
        QString tip;
        if (data && track < data->size()) {
            const Track& t = data->tracks[std::size_t(track)];
            if (!t.label.empty())
                text += QStringLiteral("  ·  ") + QString::fromStdString(t.label);
            tip = text + QLatin1Char('\n') +
                  QString::fromStdString(t.path.empty() ? t.id : t.path.string());
        }
        auto* item = new QListWidgetItem(text);
        item->setData(TrackRole, track);
        item->setToolTip(tip);
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
    updateListMarks();
}

} // namespace atlas::ui
