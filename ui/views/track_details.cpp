// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/views/track_details.h"

#include "ui/figures/palette.h"
#include "ui/model/run_model.h"
#include "ui/model/track_text.h"
#include "ui/views/view_support.h"

#include <QApplication>
#include <QClipboard>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QScrollArea>
#include <QStackedWidget>
#include <QStyle>
#include <QToolButton>
#include <QVBoxLayout>

namespace atlas::ui {

namespace {

// The start of the lyrics shown: this many lines, at most MaxLyricsChars characters.
constexpr int MaxLyricsLines = 12;
constexpr int MaxLyricsChars = 700;

QString lyricsStart(const std::string& lyrics)
{
    const QStringList lines = QString::fromStdString(lyrics).trimmed().split(QLatin1Char('\n'));
    QStringList kept;
    int chars = 0;
    for (const QString& line : lines) {
        if (kept.size() >= MaxLyricsLines || chars + line.size() > MaxLyricsChars) {
            kept << QStringLiteral("…");
            break;
        }
        kept << line;
        chars += int(line.size()) + 1;
    }
    return kept.join(QLatin1Char('\n'));
}

// A path that may wrap after each '/' (a zero-width space there); copy uses the real path.
QString wrappablePath(const QString& path)
{
    QString out = path;
    out.replace(QLatin1Char('/'), QStringLiteral("/\u200B"));
    return out;
}

} // namespace

TrackDetails::TrackDetails(RunModel* model, QWidget* parent) : QWidget(parent), m_model(model)
{
    setObjectName(QStringLiteral("trackDetails"));

    auto* content = new QWidget;
    auto* column = new QVBoxLayout(content);
    column->setContentsMargins(10, 10, 10, 10);
    column->setSpacing(8);

    auto* headingRow = new QHBoxLayout;
    m_heading = new QLabel(content);
    m_heading->setObjectName(QStringLiteral("detailsHeading"));
    m_heading->setWordWrap(true);
    m_heading->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont headingFont = m_heading->font();
    headingFont.setBold(true);
    headingFont.setPointSizeF(headingFont.pointSizeF() * 1.15);
    m_heading->setFont(headingFont);
    m_play = new QToolButton(content);
    m_play->setObjectName(QStringLiteral("detailsPlayButton"));
    m_play->setIcon(style()->standardIcon(QStyle::SP_MediaPlay));
    m_play->setToolTip(tr("Play this track"));
    m_play->setAutoRaise(true);
    m_similar = new QToolButton(content);
    m_similar->setObjectName(QStringLiteral("detailsSimilarButton"));
    m_similar->setText(tr("More like this"));
    m_similar->setToolTip(tr("The 20 tracks nearest to this one in the latent space of the "
                             "map's representation, listed in the Similar panel and selected on "
                             "the map, to play or save as a playlist"));
    m_similar->setAutoRaise(true);
    headingRow->addWidget(m_heading, 1);
    headingRow->addWidget(m_play, 0, Qt::AlignTop);
    headingRow->addWidget(m_similar, 0, Qt::AlignTop);
    column->addLayout(headingRow);

    m_form = new QGridLayout;
    m_form->setContentsMargins(0, 0, 0, 0);
    m_form->setColumnStretch(1, 1);
    m_title = addRow(tr("Title"), QStringLiteral("detailsTitle"));
    m_artist = addRow(tr("Artist"), QStringLiteral("detailsArtist"));
    m_albumArtist = addRow(tr("Album artist"), QStringLiteral("detailsAlbumArtist"));
    m_album = addRow(tr("Album"), QStringLiteral("detailsAlbum"));
    m_year = addRow(tr("Year"), QStringLiteral("detailsYear"));
    m_genres = addRow(tr("Genre"), QStringLiteral("detailsGenres"));
    m_duration = addRow(tr("Duration"), QStringLiteral("detailsDuration"));
    m_format = addRow(tr("Format"), QStringLiteral("detailsFormat"));
    m_label = addRow(tr("Label"), QStringLiteral("detailsLabel"));
    m_added = addRow(tr("Fit"), QStringLiteral("detailsAdded"));

    // The path, with a button that copies it exactly.
    auto* pathRow = new QWidget(content);
    auto* pathLayout = new QHBoxLayout(pathRow);
    pathLayout->setContentsMargins(0, 0, 0, 0);
    pathLayout->setSpacing(4);
    m_path = new QLabel(pathRow);
    m_path->setObjectName(QStringLiteral("detailsPath"));
    m_path->setWordWrap(true);
    m_path->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_path->setTextFormat(Qt::PlainText);
    m_path->setMinimumWidth(60);
    m_copyPath = new QToolButton(pathRow);
    m_copyPath->setObjectName(QStringLiteral("copyPathButton"));
    m_copyPath->setText(tr("Copy"));
    m_copyPath->setToolTip(tr("Copy the path to the clipboard"));
    pathLayout->addWidget(m_path, 1);
    pathLayout->addWidget(m_copyPath, 0, Qt::AlignTop);
    addFormRow(tr("File"), pathRow);
    m_lyricsSource = addRow(tr("Lyrics"), QStringLiteral("detailsLyricsSource"));
    column->addLayout(m_form);

    m_lyrics = makeInfoBox(QStringLiteral("detailsLyrics"), Qt::PlainText, content);
    column->addWidget(m_lyrics);

    m_clustersCaption = new QLabel(content);
    m_clustersCaption->setObjectName(QStringLiteral("detailsClustersCaption"));
    QFont bold = m_clustersCaption->font();
    bold.setBold(true);
    m_clustersCaption->setFont(bold);
    m_clusters = new QLabel(content);
    m_clusters->setObjectName(QStringLiteral("detailsClusters"));
    m_clusters->setWordWrap(true);
    m_clusters->setTextFormat(Qt::RichText);
    column->addSpacing(4);
    column->addWidget(m_clustersCaption);
    column->addWidget(m_clusters);
    column->addStretch(1);

    auto* scroll = new QScrollArea;
    scroll->setWidget(content);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);

    m_pages = new QStackedWidget(this);
    m_pages->addWidget(makeEmptyState(
        tr("Click a track on the map, in the selection or in a cluster to see its details here."),
        this));
    m_pages->addWidget(scroll);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_pages);

    connect(m_copyPath, &QToolButton::clicked, this, [this] {
        QApplication::clipboard()->setText(m_path->toolTip());
    });
    connect(m_play, &QToolButton::clicked, this, [this] {
        if (m_track >= 0)
            emit playRequested(m_track);
    });
    connect(m_similar, &QToolButton::clicked, this, [this] {
        if (m_track >= 0)
            emit similarRequested(m_track, m_rep);
    });
    if (m_model) {
        connect(m_model, &RunModel::cleared, this, [this] { setTrack(-1); });
        connect(m_model, &RunModel::datasetChanged, this, [this] { setTrack(-1); });
        connect(m_model, &RunModel::representationChanged, this, [this](Representation r) {
            if (r == m_rep)
                refreshClusters();
        });
        connect(m_model, &RunModel::resultChanged, this, [this] { refresh(); });
    }
    refresh();
}

QLabel* TrackDetails::addRow(const QString& label, const QString& objectName)
{
    auto* value = new QLabel;
    value->setObjectName(objectName);
    value->setWordWrap(true);
    value->setTextFormat(Qt::PlainText);
    value->setTextInteractionFlags(Qt::TextSelectableByMouse);
    addFormRow(label, value);
    return value;
}

void TrackDetails::addFormRow(const QString& caption, QWidget* field)
{
    const int row = int(m_captions.size());
    auto* label = new QLabel(caption);
    label->setBuddy(field);
    m_form->addWidget(label, row, 0, Qt::AlignLeft | Qt::AlignTop);
    m_form->addWidget(field, row, 1);
    m_captions.insert(field, label);
}

void TrackDetails::setRow(QLabel* value, const QString& text)
{
    value->setText(text);
    setRowVisible(value, !text.isEmpty());
}

void TrackDetails::setRowVisible(QWidget* field, bool visible)
{
    field->setVisible(visible);
    if (QLabel* caption = m_captions.value(field))
        caption->setVisible(visible);
}

QString TrackDetails::value(const QString& objectName) const
{
    if (objectName == QLatin1String("detailsPath"))
        return m_path->toolTip();
    const auto* label = findChild<QLabel*>(objectName);
    return label && !label->isHidden() && (m_track >= 0) ? label->text() : QString();
}

void TrackDetails::setTrack(int track)
{
    const auto data = m_model ? m_model->dataset() : nullptr;
    m_track = data && track >= 0 && track < data->size() ? track : -1;
    refresh();
}

void TrackDetails::setRepresentation(Representation r)
{
    if (r == m_rep)
        return;
    m_rep = r;
    refreshClusters();
}

void TrackDetails::refresh()
{
    const auto data = m_model ? m_model->dataset() : nullptr;
    if (!data || m_track < 0 || m_track >= data->size()) {
        m_track = -1;
        m_pages->setCurrentIndex(0);
        return;
    }
    m_pages->setCurrentIndex(1);
    const Track& t = data->tracks[std::size_t(m_track)];
    const TrackTags& tags = t.tags;
    const auto str = [](const std::string& s) { return QString::fromStdString(s); };

    m_heading->setText(trackDisplayName(t));
    m_play->setEnabled(!t.path.empty());
    setRow(m_title, str(tags.title));
    setRow(m_artist, str(tags.artist));
    setRow(m_albumArtist, tags.albumArtist != tags.artist ? str(tags.albumArtist) : QString());
    QString album = str(tags.album);
    if (!album.isEmpty() && tags.trackNumber > 0)
        album += tr(", track %1").arg(tags.trackNumber);
    setRow(m_album, album);
    setRow(m_year, tags.year > 0 ? QString::number(tags.year) : QString());
    QStringList genres;
    for (const std::string& g : tags.genres)
        genres << str(g);
    setRow(m_genres, genres.join(QStringLiteral(", ")));
    setRow(m_duration, formatDuration(tags.duration));
    setRow(m_format, formatDescription(t));
    setRow(m_label, str(t.label));
    const auto run = m_model->result();
    setRow(m_added, run && run->isAdded(m_track)
                        ? tr("Added after the fit (placed without retraining)")
                        : QString());

    // Under the collection's folder the relative path says it all; elsewhere the full path.
    const QString path = str(t.path.empty() ? std::string() : t.path.string());
    std::filesystem::path root = data->source;
    if (data->layout == CollectionLayout::Manifest)
        root = root.parent_path();
    const std::filesystem::path relative = root.empty() ? std::filesystem::path()
                                                        : t.path.lexically_relative(root);
    const bool under = !relative.empty() && *relative.begin() != "..";
    m_path->setText(wrappablePath(under ? str(relative.generic_string()) : path));
    m_path->setToolTip(path);
    setRowVisible(m_path->parentWidget(), !path.isEmpty());

    const std::filesystem::path csv = m_model->config().data.lyricsCsv;
    QString source = lyricsSourceText(t, csv);
    QString text;
    if (t.lyricsSource == LyricsSource::Csv) {
        // The CSV's text is not kept with the track: say which row it is.
        const int row = m_track < int(data->pairing.lyricsRow.size())
                            ? data->pairing.lyricsRow[std::size_t(m_track)]
                            : -1;
        if (row >= 0)
            source += tr(", row %1").arg(row + 1);
        if (data->pairing.approximate())
            source += tr(" (approximate pairing: the row was drawn at random)");
    } else if (t.lyricsSource != LyricsSource::None) {
        text = lyricsStart(t.lyrics);
    }
    setRow(m_lyricsSource, source);
    m_lyrics->setText(text);
    m_lyrics->setVisible(!text.isEmpty());
    refreshClusters();
}

void TrackDetails::refreshClusters()
{
    if (m_track < 0)
        return;
    const QString repName = QString::fromUtf8(representationName(m_rep));
    m_clustersCaption->setText(tr("Clusters in %1").arg(repName));
    const auto rep = m_model ? m_model->representation(m_rep) : nullptr;
    m_similar->setEnabled(rep && rep->ok);
    if (!rep) {
        m_clusters->setText(tr("<i>They appear when %1 is finished.</i>").arg(repName.toHtmlEscaped()));
        return;
    }
    if (!rep->ok) {
        m_clusters->setText(tr("<i>%1 failed.</i>").arg(repName.toHtmlEscaped()));
        return;
    }
    QStringList lines;
    for (Clustering kind : AllClusterings) {
        const ClusteringResult* c = rep->clustering(kind);
        const QString name = QString::fromUtf8(clusteringName(kind)).toHtmlEscaped();
        if (!c || !c->ok || m_track >= c->labels.size()) {
            lines << tr("%1: <i>not available</i>").arg(name);
            continue;
        }
        const int label = c->labels(m_track);
        lines << QStringLiteral("<span style='color:%1'>\u25CF</span> %2: %3")
                     .arg(categoricalColor(label).name(), name,
                          label < 0 ? tr("noise") : tr("cluster %1").arg(label));
    }
    m_clusters->setText(lines.join(QStringLiteral("<br>")));
}

} // namespace atlas::ui
