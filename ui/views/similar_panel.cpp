// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/views/similar_panel.h"

#include "ui/map/map_panel.h"
#include "ui/map/map_view.h"
#include "ui/model/run_model.h"
#include "ui/model/track_text.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QPointer>
#include <QPushButton>
#include <QSpinBox>
#include <QStackedWidget>
#include <QStandardItemModel>
#include <QThread>
#include <QToolButton>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <QWidgetAction>

namespace atlas::ui {

namespace {

enum Column { RankColumn, TrackColumn, DistanceColumn, ClusterColumn };

// A small form in a tool button's menu (the radio's and the path's options).
QMenu* optionsMenu(QToolButton* button, QWidget* form)
{
    auto* menu = new QMenu(button);
    auto* action = new QWidgetAction(menu);
    action->setDefaultWidget(form);
    menu->addAction(action);
    button->setMenu(menu);
    button->setPopupMode(QToolButton::MenuButtonPopup);
    return menu;
}

QString formatDistance(double d)
{
    return QString::number(d, 'f', 3);
}

} // namespace

SimilarPanel::SimilarPanel(RunModel* model, MapPanel* map, QWidget* parent)
    : QWidget(parent), m_model(model), m_map(map)
{
    setObjectName(QStringLiteral("similarPanel"));

    m_heading = new QLabel(this);
    m_heading->setObjectName(QStringLiteral("similarHeading"));
    m_heading->setTextFormat(Qt::PlainText);
    m_heading->setWordWrap(true);
    QFont bold = m_heading->font();
    bold.setBold(true);
    m_heading->setFont(bold);

    m_spaceCombo = new QComboBox(this);
    m_spaceCombo->setObjectName(QStringLiteral("similarSpaceCombo"));
    m_spaceCombo->addItem(tr("Latent space"), int(SimilaritySpace::Latent));
    m_spaceCombo->addItem(tr("Sound only"), int(SimilaritySpace::Audio));
    m_spaceCombo->addItem(tr("Lyrics only"), int(SimilaritySpace::Lyrics));
    m_spaceCombo->setToolTip(tr("Where tracks are compared: the latent space of the map's "
                                "representation, the sound features alone or the lyrics alone"));
    m_count = new QSpinBox(this);
    m_count->setObjectName(QStringLiteral("similarCountSpin"));
    m_count->setRange(1, 500);
    m_count->setValue(20);
    m_count->setPrefix(tr("k = "));
    m_count->setToolTip(tr("How many similar tracks to list"));

    m_hint = new QLabel(this);
    m_hint->setObjectName(QStringLiteral("similarHint"));
    m_hint->setWordWrap(true);
    m_hint->setAlignment(Qt::AlignCenter);
    m_hint->setTextFormat(Qt::PlainText);
    m_hint->setStyleSheet(QStringLiteral("color: #6b7078;"));
    m_hint->setMargin(12);

    m_list = new QTreeWidget(this);
    m_list->setObjectName(QStringLiteral("similarList"));
    m_list->setColumnCount(4);
    m_list->setHeaderLabels({tr("#"), tr("Track"), tr("Distance"), tr("Cluster")});
    m_list->setRootIsDecorated(false);
    m_list->setUniformRowHeights(true);
    m_list->setAlternatingRowColors(true);
    m_list->setSelectionMode(QAbstractItemView::SingleSelection);
    m_list->setTextElideMode(Qt::ElideRight);
    QHeaderView* header = m_list->header();
    header->setStretchLastSection(false);
    header->setSectionResizeMode(RankColumn, QHeaderView::ResizeToContents);
    header->setSectionResizeMode(TrackColumn, QHeaderView::Stretch);
    header->setSectionResizeMode(DistanceColumn, QHeaderView::ResizeToContents);
    header->setSectionResizeMode(ClusterColumn, QHeaderView::ResizeToContents);
    header->setMinimumSectionSize(24);

    m_pages = new QStackedWidget(this);
    m_pages->addWidget(m_hint);
    m_pages->addWidget(m_list);

    m_statusLabel = new QLabel(this);
    m_statusLabel->setObjectName(QStringLiteral("similarStatus"));
    m_statusLabel->setWordWrap(true);
    m_statusLabel->setTextFormat(Qt::PlainText);
    m_statusLabel->setStyleSheet(QStringLiteral("color: #50555c;"));

    m_play = new QPushButton(tr("Play All"), this);
    m_play->setObjectName(QStringLiteral("similarPlayButton"));
    m_play->setToolTip(tr("Play the listed tracks in turn"));
    m_save = new QPushButton(tr("Save as M3U…"), this);
    m_save->setObjectName(QStringLiteral("similarSaveButton"));
    m_save->setToolTip(tr("Save the listed tracks as a playlist"));

    m_radio = new QToolButton(this);
    m_radio->setObjectName(QStringLiteral("similarRadioButton"));
    m_radio->setText(tr("Radio"));
    m_radio->setToolTip(tr("From this track, always on to the nearest track not yet played "
                           "(the arrow holds the options)"));
    auto* radioForm = new QWidget;
    auto* radioLayout = new QFormLayout(radioForm);
    radioLayout->setContentsMargins(10, 6, 10, 6);
    m_radioLength = new QSpinBox(radioForm);
    m_radioLength->setObjectName(QStringLiteral("similarRadioLength"));
    m_radioLength->setRange(2, 200);   // one exact search per track, on this thread
    m_radioLength->setValue(30);
    m_radioArtist = new QSpinBox(radioForm);
    m_radioArtist->setObjectName(QStringLiteral("similarRadioArtist"));
    m_radioArtist->setRange(0, 100);
    m_radioArtist->setSpecialValueText(tr("off"));
    m_radioArtist->setSuffix(tr(" tracks"));
    m_radioArtist->setToolTip(tr("No track by an artist heard within this many tracks"));
    m_radioAlbum = new QCheckBox(tr("No second track of an album"), radioForm);
    m_radioAlbum->setObjectName(QStringLiteral("similarRadioAlbum"));
    radioLayout->addRow(tr("Tracks:"), m_radioLength);
    radioLayout->addRow(tr("No same artist within:"), m_radioArtist);
    radioLayout->addRow(m_radioAlbum);
    optionsMenu(m_radio, radioForm);

    m_path = new QToolButton(this);
    m_path->setObjectName(QStringLiteral("similarPathButton"));
    m_path->setText(tr("Path Between"));
    auto* pathForm = new QWidget;
    auto* pathLayout = new QFormLayout(pathForm);
    pathLayout->setContentsMargins(10, 6, 10, 6);
    m_pathStepsSpin = new QSpinBox(pathForm);
    m_pathStepsSpin->setObjectName(QStringLiteral("similarPathSteps"));
    m_pathStepsSpin->setRange(0, 500);
    m_pathStepsSpin->setValue(12);
    m_pathStepsSpin->setSpecialValueText(tr("as found"));
    m_pathStepsSpin->setToolTip(tr("Tracks in the playlist; \"as found\": every track of the "
                                   "shortest path"));
    m_pathNeighbours = new QSpinBox(pathForm);
    m_pathNeighbours->setObjectName(QStringLiteral("similarPathNeighbours"));
    m_pathNeighbours->setRange(2, 200);
    m_pathNeighbours->setValue(PathOptions{}.neighbours);
    m_pathNeighbours->setToolTip(tr("The path goes from track to track among each track's "
                                    "nearest: more neighbours join groups of tracks that "
                                    "fewer leave apart"));
    pathLayout->addRow(tr("Tracks:"), m_pathStepsSpin);
    pathLayout->addRow(tr("Neighbours per track:"), m_pathNeighbours);
    optionsMenu(m_path, pathForm);

    auto* spaceRow = new QHBoxLayout;
    spaceRow->addWidget(m_spaceCombo, 1);
    spaceRow->addWidget(m_count);
    auto* playRow = new QHBoxLayout;
    playRow->addWidget(m_play, 1);
    playRow->addWidget(m_save, 1);
    auto* walkRow = new QHBoxLayout;
    walkRow->addWidget(m_radio, 1);
    walkRow->addWidget(m_path, 1);
    m_radio->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    m_path->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    m_radio->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_path->setToolButtonStyle(Qt::ToolButtonTextOnly);

    auto* column = new QVBoxLayout(this);
    column->setContentsMargins(8, 8, 8, 8);
    column->addWidget(m_heading);
    column->addLayout(spaceRow);
    column->addWidget(m_pages, 1);
    column->addWidget(m_statusLabel);
    column->addLayout(playRow);
    column->addLayout(walkRow);

    // Another space or k lists the track's neighbours again; choosing the same space again
    // also goes back to them from a radio or a path.
    connect(m_spaceCombo, &QComboBox::currentIndexChanged, this, &SimilarPanel::listSimilar);
    connect(m_spaceCombo, &QComboBox::activated, this, [this] {
        if (m_mode != Mode::Similar)
            listSimilar();
    });
    connect(m_count, &QSpinBox::valueChanged, this, &SimilarPanel::listSimilar);
    connect(m_list, &QTreeWidget::itemClicked, this, [this](QTreeWidgetItem* item) {
        emit trackChosen(item->data(TrackColumn, Qt::UserRole).toInt());
    });
    connect(m_list, &QTreeWidget::itemActivated, this, [this](QTreeWidgetItem* item) {
        const int track = item->data(TrackColumn, Qt::UserRole).toInt();
        showSimilar(track);
        emit trackChosen(track);
    });
    connect(m_play, &QPushButton::clicked, this, [this] {
        if (!playlist().isEmpty())
            emit playRequested(playlist());
    });
    connect(m_save, &QPushButton::clicked, this, [this] {
        if (!playlist().isEmpty())
            emit playlistExportRequested(playlist());
    });
    connect(m_radio, &QToolButton::clicked, this, [this] { startRadio(m_track); });
    connect(m_path, &QToolButton::clicked, this, &SimilarPanel::pathBetweenSelected);

    MapView* view = m_map->view();
    connect(view, &MapView::selectionChanged, this, &SimilarPanel::onSelectionChanged);
    connect(view, &MapView::contextMenuRequested, this, [this](int track, QPoint globalPos) {
        if (QMenu* menu = trackMenu(track, this)) {
            menu->setAttribute(Qt::WA_DeleteOnClose);
            menu->popup(globalPos);
        }
    });
    connect(m_map, &MapPanel::representationChanged, this, &SimilarPanel::onRepresentationChanged);
    connect(m_map, &MapPanel::clusteringChanged, this, [this] { showList(); });
    connect(m_model, &RunModel::cleared, this, &SimilarPanel::reset);
    connect(m_model, &RunModel::datasetChanged, this, &SimilarPanel::reset);
    connect(m_model, &RunModel::representationChanged, this, [this] {
        updateSpaces();
        refresh();
    });
    connect(m_model, &RunModel::resultChanged, this, [this] {
        updateSpaces();
        refresh();
    });
    reset();
}

SimilarPanel::~SimilarPanel()
{
    // A path being found refers to the run only through its own shared pointers, but reports
    // to this panel: wait for it.
    for (QThread* t : std::as_const(m_threads)) {
        t->wait();
        delete t;
    }
}

QList<int> SimilarPanel::tracks() const
{
    return QList<int>(m_rows.begin(), m_rows.end());
}

QList<double> SimilarPanel::distances() const
{
    return QList<double>(m_distances.begin(), m_distances.end());
}

QList<int> SimilarPanel::playlist() const
{
    QList<int> out;
    if (m_mode == Mode::Similar && m_track >= 0 && m_listed)
        out << m_track;
    out << tracks();
    return out;
}

QString SimilarPanel::playlistFileName() const
{
    switch (m_mode) {
    case Mode::Radio: return QStringLiteral("musicatlas-radio.m3u8");
    case Mode::Path: return QStringLiteral("musicatlas-path.m3u8");
    default: return QStringLiteral("musicatlas-similar.m3u8");
    }
}

QString SimilarPanel::statusText() const
{
    return m_listed ? m_status : m_hint->text();
}

SimilaritySpace SimilarPanel::space() const
{
    return SimilaritySpace(m_spaceCombo->currentData().toInt());
}

void SimilarPanel::setSpace(SimilaritySpace space)
{
    m_spaceCombo->setCurrentIndex(m_spaceCombo->findData(int(space)));
}

int SimilarPanel::neighbourCount() const
{
    return m_count->value();
}

void SimilarPanel::setNeighbourCount(int k)
{
    m_count->setValue(k);
}

RadioOptions SimilarPanel::radioOptions() const
{
    RadioOptions o;
    o.length = m_radioLength->value();
    o.noRepeatArtist = m_radioArtist->value();
    o.noRepeatAlbum = m_radioAlbum->isChecked();
    return o;
}

void SimilarPanel::setRadioOptions(const RadioOptions& options)
{
    m_radioLength->setValue(options.length);
    m_radioArtist->setValue(options.noRepeatArtist);
    m_radioAlbum->setChecked(options.noRepeatAlbum);
}

int SimilarPanel::pathSteps() const
{
    return m_pathStepsSpin->value();
}

void SimilarPanel::setPathSteps(int steps)
{
    m_pathStepsSpin->setValue(steps);
}

int SimilarPanel::pathNeighbours() const
{
    return m_pathNeighbours->value();
}

void SimilarPanel::setPathNeighbours(int k)
{
    m_pathNeighbours->setValue(k);
}

SimilarPanel::Space SimilarPanel::spaceFor(SimilaritySpace s) const
{
    Space out;
    const std::shared_ptr<const RunResult> run = m_model->result();
    const Representation r = m_map->currentRepresentation();
    if (!run) {
        // While a run goes on, a trained representation's codes are already there; the
        // sound and lyrics spaces come with the finished run.
        const auto data = m_model->dataset();
        const auto rep = m_model->representation(r);
        if (s != SimilaritySpace::Latent || !data) {
            out.error = tr("Available once the run has finished");
            return out;
        }
        if (!rep) {
            out.error = tr("%1 is not trained yet").arg(QString::fromUtf8(representationName(r)));
            return out;
        }
        if (!rep->ok || rep->codes.rows() != Eigen::Index(data->size())) {
            out.error = tr("%1 is unavailable").arg(QString::fromUtf8(representationName(r)));
            return out;
        }
        out.points = std::shared_ptr<const Matrix>(rep, &rep->codes);
        out.description = tr("%1's latent space (%2 dimensions)")
                              .arg(QString::fromUtf8(representationName(r)))
                              .arg(rep->codes.cols());
        return out;
    }
    try {
        if (s == SimilaritySpace::Audio && m_audioRun == run.get() && m_audio) {
            out.points = m_audio;
            out.description = tr("the %1 standardised MFCC statistics").arg(m_audio->cols());
            return out;
        }
        const SearchSpace found = searchSpace(*run, s, r);
        out.distance = found.distance;
        out.description = QString::fromStdString(found.description);
        if (s == SimilaritySpace::Audio) {
            // Made for the space: keep it for the next query of this run.
            m_audioRun = run.get();
            m_audio = found.points;
            out.points = found.points;
        } else {
            // Borrowed from the run: keep the run alive with it.
            out.points = std::shared_ptr<const Matrix>(run, found.points.get());
        }
    } catch (const std::exception& e) {
        out.error = QString::fromUtf8(e.what());
        if (!out.error.isEmpty())
            out.error[0] = out.error[0].toUpper();
    }
    return out;
}

bool SimilarPanel::spaceAvailable(SimilaritySpace space, QString* why) const
{
    // A finished run: asked without making the space (the sound-only space of 100,000
    // tracks takes a noticeable moment to standardise).
    if (const std::shared_ptr<const RunResult> run = m_model->result()) {
        QString error = QString::fromStdString(
            searchSpaceUnavailable(*run, space, m_map->currentRepresentation()));
        if (!error.isEmpty())
            error[0] = error[0].toUpper();
        if (why)
            *why = error;
        return error.isEmpty();
    }
    const Space s = spaceFor(space);
    if (why)
        *why = s.error;
    return s.points != nullptr;
}

void SimilarPanel::updateSpaces()
{
    auto* items = qobject_cast<QStandardItemModel*>(m_spaceCombo->model());
    const QString rep = QString::fromUtf8(representationName(m_map->currentRepresentation()));
    m_spaceCombo->setItemText(0, tr("Latent space (%1)").arg(rep));
    for (int i = 0; i < m_spaceCombo->count(); ++i) {
        const auto s = SimilaritySpace(m_spaceCombo->itemData(i).toInt());
        QString why;
        const bool ok = m_model->dataset() == nullptr || spaceAvailable(s, &why);
        if (QStandardItem* item = items ? items->item(i) : nullptr) {
            item->setEnabled(ok);
            item->setToolTip(ok ? QString() : why);
        }
    }
}

QString SimilarPanel::trackName(int track) const
{
    const auto data = m_model->dataset();
    if (!data || track < 0 || track >= data->size())
        return {};
    return trackDisplayName(data->tracks[std::size_t(track)]);
}

void SimilarPanel::setEmpty(const QString& why)
{
    m_rows.clear();
    m_distances.clear();
    m_listed = false;
    m_hint->setText(why);
    m_status.clear();
}

void SimilarPanel::reset()
{
    m_mode = Mode::Similar;
    m_track = m_pathTo = -1;
    ++m_pathJob;
    m_pathDone = m_pathJob;
    m_audioRun = nullptr;
    m_audio.reset();
    m_keysData = nullptr;
    updateSpaces();
    setEmpty(m_model->dataset() ? tr("Click a track on the map to see what sounds like it.")
                                : tr("Run the experiment, then click a track on the map to "
                                     "see what sounds like it."));
    showList();
}

void SimilarPanel::listSimilar()
{
    if (m_track < 0)
        return;
    m_mode = Mode::Similar;
    computeSimilar();
    showList();
    applyToMap();
}

void SimilarPanel::computeSimilar()
{
    const auto data = m_model->dataset();
    if (!data || m_track < 0 || m_track >= data->size()) {
        setEmpty(tr("Click a track on the map to see what sounds like it."));
        return;
    }
    const Space s = spaceFor(space());
    if (!s.points || s.points->rows() != Eigen::Index(data->size())) {
        setEmpty(s.error.isEmpty() ? tr("This space is unavailable.") : s.error);
        return;
    }
    // Exact and quick (about a millisecond per 100,000 tracks of 16 values): on this thread.
    const auto nearest = nearestRows(*s.points, m_track, neighbourCount(), s.distance);
    m_rows.clear();
    m_distances.clear();
    for (const Neighbour& n : nearest) {
        m_rows.push_back(n.track);
        m_distances.push_back(n.distance);
    }
    m_listed = true;
    m_description = s.description;
    m_status = tr("%1 nearest in %2").arg(m_rows.size()).arg(s.description);
}

void SimilarPanel::computeRadio()
{
    const auto data = m_model->dataset();
    const Space s = spaceFor(SimilaritySpace::Latent);
    if (!data || m_track < 0 || m_track >= data->size() || !s.points) {
        setEmpty(s.error.isEmpty() ? tr("Click a track on the map to start a radio from it.")
                                   : s.error);
        return;
    }
    if (m_keysData != data.get()) {
        radioKeys(*data, m_artists, m_albums);
        m_keysData = data.get();
    }
    // Each step is one exact search: about 30 ms for 30 tracks of 100,000.
    const Radio r = radio(*s.points, m_track, radioOptions(), m_artists, m_albums);
    m_rows.clear();
    m_distances.clear();
    for (const PlaylistStep& step : r.tracks) {
        m_rows.push_back(step.track);
        m_distances.push_back(step.step);
    }
    m_listed = true;
    m_status = tr("Radio of %1 tracks in %2").arg(m_rows.size()).arg(s.description);
    if (!r.relaxed.empty())
        m_status += tr("; at %1 of the steps no track kept the artist and album rules, so the "
                       "nearest was taken").arg(r.relaxed.size());
}

void SimilarPanel::refresh()
{
    if (m_track < 0) {
        reset();
        return;
    }
    if (m_mode == Mode::Radio)
        computeRadio();
    else if (m_mode == Mode::Similar)
        computeSimilar();
    showList();
}

void SimilarPanel::showList()
{
    const auto data = m_model->dataset();
    switch (m_mode) {
    case Mode::Similar:
        m_heading->setText(m_track >= 0 ? tr("Tracks like %1").arg(trackName(m_track))
                                        : tr("Similar tracks"));
        break;
    case Mode::Radio:
        m_heading->setText(tr("Radio from %1").arg(trackName(m_track)));
        break;
    case Mode::Path:
        m_heading->setText(tr("Path from %1 to %2").arg(trackName(m_track), trackName(m_pathTo)));
        break;
    }

    // The clusters of the clustering the map is coloured by.
    const Labels* labels = nullptr;
    const Clustering clustering = m_map->currentClustering();
    if (const auto rep = m_model->representation(m_map->currentRepresentation()))
        if (const ClusteringResult* c = rep->clustering(clustering);
            c && c->ok && data && c->labels.size() == data->size())
            labels = &c->labels;
    m_list->headerItem()->setText(DistanceColumn,
                                  m_mode == Mode::Similar ? tr("Distance") : tr("Step"));
    m_list->headerItem()->setToolTip(
        DistanceColumn, m_mode == Mode::Similar ? tr("Distance from the first track")
                                                : tr("Distance from the track before"));
    m_list->headerItem()->setToolTip(
        ClusterColumn, labels ? tr("The track's cluster under %1 (the map's colouring)")
                                    .arg(QString::fromUtf8(clusteringName(clustering)))
                              : tr("No clustering of this representation"));

    m_list->clear();
    QList<QTreeWidgetItem*> items;
    for (std::size_t i = 0; i < m_rows.size(); ++i) {
        const int track = m_rows[i];
        auto* item = new QTreeWidgetItem;
        item->setText(RankColumn, QString::number(i + 1));
        item->setText(TrackColumn, trackName(track));
        item->setToolTip(TrackColumn, trackName(track));
        item->setData(TrackColumn, Qt::UserRole, track);
        const bool first = m_mode != Mode::Similar && i == 0;
        item->setText(DistanceColumn, first ? QString() : formatDistance(m_distances[i]));
        item->setTextAlignment(DistanceColumn, Qt::AlignRight | Qt::AlignVCenter);
        if (labels) {
            const int label = (*labels)(Eigen::Index(track));
            item->setText(ClusterColumn, label < 0 ? tr("noise") : QString::number(label));
            item->setTextAlignment(ClusterColumn, Qt::AlignRight | Qt::AlignVCenter);
        }
        items << item;
    }
    m_list->addTopLevelItems(items);
    m_list->setColumnHidden(ClusterColumn, labels == nullptr);
    m_pages->setCurrentIndex(m_listed && !m_rows.empty() ? 1 : 0);
    if (m_listed && m_rows.empty())
        m_hint->setText(tr("No other track to list."));
    m_statusLabel->setText(m_listed ? m_status : QString());
    m_statusLabel->setVisible(m_listed);
    updateButtons();
}

void SimilarPanel::updateButtons()
{
    const bool haveList = m_listed && !m_rows.empty();
    m_play->setEnabled(haveList);
    m_save->setEnabled(haveList);
    const bool latent = spaceFor(SimilaritySpace::Latent).points != nullptr;
    m_radio->setEnabled(latent && m_track >= 0);
    // Enabled without two selected tracks too: its arrow holds the options of the map's
    // "Path From … to Here".
    m_path->setEnabled(latent && !isBusy());
    m_path->setToolTip(tr("A playlist that morphs from one of the two tracks selected on the "
                          "map (Ctrl+click) into the other; the arrow holds the number of "
                          "tracks"));
}

void SimilarPanel::applyToMap()
{
    if (!m_listed)
        return;
    m_applying = true;
    m_map->view()->setSelection(playlist());
    m_map->view()->setPath(m_mode == Mode::Path ? tracks() : QList<int>());
    m_applying = false;
    updateButtons();
}

void SimilarPanel::followTrack(int track)
{
    if (track == m_track && m_mode == Mode::Similar && m_listed)
        return;
    m_track = track;
    m_mode = Mode::Similar;
    computeSimilar();
    showList();
    // On the map only while the panel is looked at: a click elsewhere keeps the selection.
    if (isVisible())
        applyToMap();
}

void SimilarPanel::showSimilar(int track)
{
    m_track = track;
    m_mode = Mode::Similar;
    computeSimilar();
    showList();
    applyToMap();
    emit raiseRequested();
    if (m_listed)
        emit message(tr("Selected %1 and the %2 tracks most like it in %3: play them or save "
                        "them as a playlist under Similar")
                         .arg(trackName(track))
                         .arg(m_rows.size())
                         .arg(m_description));
}

void SimilarPanel::startRadio(int seed)
{
    const auto data = m_model->dataset();
    if (!data || seed < 0 || seed >= data->size())
        return;
    m_track = seed;
    m_mode = Mode::Radio;
    computeRadio();
    showList();
    applyToMap();
    emit raiseRequested();
}

void SimilarPanel::startPath(int from, int to)
{
    const auto data = m_model->dataset();
    if (!data || from < 0 || to < 0 || from >= data->size() || to >= data->size() || from == to)
        return;
    const Space s = spaceFor(SimilaritySpace::Latent);
    if (!s.points) {
        emit message(s.error);
        emit pathFinished(false);
        return;
    }
    m_track = from;
    m_pathTo = to;
    m_mode = Mode::Path;
    setEmpty(tr("Finding the path…"));
    showList();
    emit raiseRequested();
    // The kNN graph costs seconds at tens of thousands of tracks: a worker thread. Only the
    // last path asked for is shown.
    const int job = ++m_pathJob;
    PathOptions options;
    options.steps = pathSteps();
    options.neighbours = pathNeighbours();
    QPointer<SimilarPanel> self(this);
    QThread* thread = QThread::create([self, job, from, to, options, points = s.points,
                                       description = s.description] {
        SongPath path;
        QString error;
        try {
            path = songPath(*points, from, to, options);
        } catch (const std::exception& e) {
            error = QString::fromUtf8(e.what());
        }
        QMetaObject::invokeMethod(
            self.data(),
            [self, job, path = std::move(path), error, description, options] {
                if (!self || job != self->m_pathJob)
                    return;
                SimilarPanel* p = self.data();
                p->m_pathDone = job;
                if (!error.isEmpty()) {
                    p->setEmpty(tr("No path: %1.\n\nMore neighbours per track (under the arrow "
                                   "of Path Between) may join them.").arg(error));
                    p->showList();
                    emit p->message(tr("No path: %1").arg(error));
                    emit p->pathFinished(false);
                    return;
                }
                p->m_rows.clear();
                p->m_distances.clear();
                for (const PlaylistStep& step : path.tracks) {
                    p->m_rows.push_back(step.track);
                    p->m_distances.push_back(step.step);
                }
                p->m_listed = true;
                // The graph's own path, or evenly spaced tracks along it.
                p->m_status =
                    options.steps > 1
                        ? tr("%1 tracks along the shortest path (%2 tracks) on the "
                             "%3-nearest-neighbour graph of %4")
                              .arg(p->m_rows.size())
                              .arg(path.graphPath.size())
                              .arg(options.neighbours)
                              .arg(description)
                        : tr("The shortest path (%1 tracks) on the %2-nearest-neighbour graph "
                             "of %3")
                              .arg(path.graphPath.size())
                              .arg(options.neighbours)
                              .arg(description);
                if (path.approximateGraph)
                    p->m_status += tr(" (graph found approximately)");
                p->showList();
                p->applyToMap();
                emit p->pathFinished(true);
            },
            Qt::QueuedConnection);
    });
    m_threads << thread;
    connect(thread, &QThread::finished, this, [this, thread] {
        m_threads.removeOne(thread);
        thread->deleteLater();
    });
    thread->start();
    updateButtons();
}

void SimilarPanel::pathBetweenSelected()
{
    const QList<int> selected = m_map->view()->selection();
    if (selected.size() != 2) {
        emit message(tr("Select two tracks on the map (Ctrl+click) for a path between them, or "
                        "right-click a track for a path from the listed track to it"));
        return;
    }
    int from = selected[0], to = selected[1];
    if (to == m_track)
        std::swap(from, to);
    startPath(from, to);
}

QMenu* SimilarPanel::trackMenu(int track, QWidget* parent)
{
    const auto data = m_model->dataset();
    if (!data)
        return nullptr;
    const bool latent = spaceFor(SimilaritySpace::Latent).points != nullptr;
    const QList<int> selected = m_map->view()->selection();
    auto* menu = new QMenu(parent);
    menu->setObjectName(QStringLiteral("mapTrackMenu"));
    if (track >= 0 && track < data->size()) {
        const QString name = trackName(track);
        QAction* title = menu->addAction(name);
        title->setEnabled(false);
        menu->addSeparator();
        QAction* like = menu->addAction(tr("More Like This"), this, [this, track] {
            showSimilar(track);
            emit trackChosen(track);
        });
        like->setObjectName(QStringLiteral("menuSimilarAction"));
        QAction* radio = menu->addAction(tr("Start Radio From Here"), this,
                                         [this, track] { startRadio(track); });
        radio->setObjectName(QStringLiteral("menuRadioAction"));
        radio->setEnabled(latent);
        if (m_track >= 0 && m_track != track) {
            const int from = m_track;
            QAction* to = menu->addAction(tr("Path From %1 to Here").arg(trackName(from)), this,
                                          [this, from, track] { startPath(from, track); });
            to->setObjectName(QStringLiteral("menuPathToAction"));
            to->setEnabled(latent);
        }
    }
    if (selected.size() == 2) {
        QAction* between = menu->addAction(tr("Path Between the Two Selected Tracks"), this,
                                           &SimilarPanel::pathBetweenSelected);
        between->setObjectName(QStringLiteral("menuPathBetweenAction"));
        between->setEnabled(latent);
    }
    if (menu->actions().isEmpty()) {
        delete menu;
        return nullptr;
    }
    return menu;
}

void SimilarPanel::onRepresentationChanged()
{
    // Another latent space: a radio or path of the old one no longer applies, nor does a
    // path still being found in it.
    m_map->view()->setPath({});
    if (isBusy())
        m_pathDone = ++m_pathJob;
    updateSpaces();
    if (m_mode != Mode::Similar && m_track >= 0)
        m_mode = Mode::Similar;
    refresh();
}

void SimilarPanel::onSelectionChanged(const QList<int>& tracks)
{
    if (m_applying)
        return;
    m_map->view()->setPath({});
    // A single track selected (Ctrl+click) is listed too, without touching the selection.
    if (tracks.size() == 1 && tracks.first() != m_track) {
        m_track = tracks.first();
        m_mode = Mode::Similar;
        computeSimilar();
        showList();
    }
    updateButtons();
}

} // namespace atlas::ui
