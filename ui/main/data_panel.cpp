// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/main/data_panel.h"

#include "ui/views/view_support.h"

#include "engine/core/error.h"
#include "engine/data/csv.h"
#include "engine/data/feature_table.h"
#include "engine/demo/demo_corpus.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QDoubleSpinBox>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSettings>
#include <QSlider>
#include <QSpinBox>
#include <QThread>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

#include <cmath>
#include <limits>
#include <optional>

namespace fs = std::filesystem;

namespace atlas::ui {

namespace {

enum Modality { Hybrid = 0, AudioOnly = 1, LyricsOnlyModality = 2 };

QString displayPath(const fs::path& p)
{
    return QString::fromStdString(p.filename().string());
}

QString fullPath(const fs::path& p)
{
    return QString::fromStdString(p.string());
}

fs::path toFsPath(const QString& s)
{
    return fs::path(s.toStdString());
}

// "Labels from" choices, in menu order.
constexpr LabelSource LabelChoices[] = {
    LabelSource::Auto,   LabelSource::Genre,  LabelSource::Folder,
    LabelSource::Artist, LabelSource::Album,  LabelSource::Year,
    LabelSource::Decade, LabelSource::Layout, LabelSource::None};

// Selects the item whose data is `key` (no change when there is none).
void selectKey(QComboBox* box, const char* key)
{
    const int i = box->findData(QString::fromLatin1(key));
    if (i >= 0)
        box->setCurrentIndex(i);
}

QString currentKey(const QComboBox* box)
{
    return box->currentData().toString();
}

template <class Spin>
Spin* spin(QWidget* parent, double lo, double hi, double value, const QString& tip)
{
    auto* s = new Spin(parent);
    s->setRange(lo, hi);
    s->setValue(value);
    s->setToolTip(tip);
    s->setAccelerated(true);
    return s;
}

} // namespace

DataPanel::DataPanel(QWidget* parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("dataPanel"));
    const PipelineConfig defaults;

    auto* inner = new QWidget;
    auto* column = new QVBoxLayout(inner);
    column->setContentsMargins(8, 8, 8, 8);
    column->setSpacing(10);

    // Source.
    auto* sourceBox = new QGroupBox(tr("Collection"), inner);
    auto* sourceForm = new QFormLayout(sourceBox);
    m_sourceLabel = new QLabel(sourceBox);
    m_sourceLabel->setObjectName(QStringLiteral("sourceLabel"));
    m_sourceLabel->setWordWrap(true);
    m_sourceLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    sourceForm->addRow(tr("Tracks:"), m_sourceLabel);
    auto* sourceButtons = new QHBoxLayout;
    auto* demoButton = new QPushButton(tr("Demo"), sourceBox);
    demoButton->setToolTip(tr("Use the built-in demo corpus: 1000 synthetic tracks in ten genres"));
    auto* folderButton = new QPushButton(tr("Folder…"), sourceBox);
    folderButton->setToolTip(tr("A music folder: Artist/Album/…, one sub-folder per genre, "
                                "GTZAN, or flat"));
    auto* manifestButton = new QPushButton(tr("Manifest…"), sourceBox);
    manifestButton->setToolTip(tr("A CSV listing path,label[,lyrics|lyrics_id]"));
    auto* featuresButton = new QPushButton(tr("Features…"), sourceBox);
    featuresButton->setObjectName(QStringLiteral("featuresButton"));
    featuresButton->setToolTip(tr("A feature table instead of audio: what musicatlas-cli "
                                  "features wrote (CSV or .npy), or embeddings of your own"));
    for (QPushButton* b : {demoButton, folderButton, manifestButton, featuresButton}) {
        b->setAutoDefault(false);
        sourceButtons->addWidget(b);
        m_editors.append(b);
    }
    sourceForm->addRow(sourceButtons);
    // What the folder or manifest holds, before any run.
    m_preview = makeInfoBox(QStringLiteral("previewLabel"), Qt::RichText, sourceBox);
    sourceForm->addRow(m_preview);
    auto* lyricsRow = new QHBoxLayout;
    m_lyricsLabel = new QLabel(sourceBox);
    m_lyricsLabel->setObjectName(QStringLiteral("lyricsLabel"));
    m_lyricsLabel->setMinimumWidth(40);
    m_lyricsButton = new QToolButton(sourceBox);
    auto* lyricsButton = m_lyricsButton;
    lyricsButton->setText(tr("…"));
    lyricsButton->setToolTip(tr("Choose a lyrics CSV"));
    m_clearLyrics = new QToolButton(sourceBox);
    m_clearLyrics->setText(QStringLiteral("×"));
    m_clearLyrics->setToolTip(tr("Do not use a lyrics CSV"));
    lyricsRow->addWidget(m_lyricsLabel, 1);
    lyricsRow->addWidget(lyricsButton);
    lyricsRow->addWidget(m_clearLyrics);
    m_editors << lyricsButton << m_clearLyrics;
    sourceForm->addRow(tr("Lyrics CSV:"), lyricsRow);
    m_lyricsNote = new QLabel(sourceBox);
    m_lyricsNote->setObjectName(QStringLiteral("lyricsNote"));
    m_lyricsNote->setWordWrap(true);
    m_lyricsNote->setStyleSheet(QStringLiteral("color: #8a5a00;"));
    m_lyricsNote->setVisible(false);
    sourceForm->addRow(m_lyricsNote);
    m_approximate = new QCheckBox(tr("Allow approximate pairing"), sourceBox);
    m_approximate->setObjectName(QStringLiteral("approximatePairingCheck"));
    m_approximate->setChecked(defaults.data.approximatePairing);
    m_approximate->setToolTip(
        tr("When no key of the lyrics CSV matches a track, attach rows at random as the "
           "research pipeline did, instead of stopping with an error. The tracks then get "
           "other tracks' lyrics: only for reproducing the research pipeline's numbers."));
    sourceForm->addRow(m_approximate);
    m_labelFrom = new QComboBox(sourceBox);
    m_labelFrom->setObjectName(QStringLiteral("labelFromCombo"));
    const QString labelNames[] = {
        tr("Auto (genre, else folder)"), tr("Genre tag"), tr("Folder"), tr("Artist"),
        tr("Album"), tr("Year"), tr("Decade"), tr("Layout"),
        tr("None (no labels)")};
    for (std::size_t i = 0; i < std::size(LabelChoices); ++i)
        m_labelFrom->addItem(labelNames[i], QString::fromLatin1(labelSourceKey(LabelChoices[i])));
    selectKey(m_labelFrom, labelSourceKey(defaults.data.labelFrom));
    m_labelFrom->setToolTip(
        tr("Where the labels come from: they colour the map and give ARI, NMI and purity. "
           "Auto takes the genre tags when at least half the tracks have one, else what the "
           "layout gives (GTZAN genres, sub-folders, the manifest's label column)."));
    sourceForm->addRow(tr("Labels from:"), m_labelFrom);
    m_demoTracks = spin<QSpinBox>(sourceBox, 1, 1000, defaults.data.demoCorpus.tracksPerGenre,
                                  tr("Demo corpus size: tracks per genre (ten genres)"));
    m_demoTracks->setObjectName(QStringLiteral("demoTracksSpin"));
    sourceForm->addRow(tr("Demo tracks/genre:"), m_demoTracks);
    column->addWidget(sourceBox);

    // Features.
    auto* featureBox = new QGroupBox(tr("Features"), inner);
    auto* featureForm = new QFormLayout(featureBox);
    m_modality = new QComboBox(featureBox);
    m_modality->setObjectName(QStringLiteral("modalityCombo"));
    m_modality->addItems({tr("Hybrid (audio + lyrics)"), tr("Audio only"), tr("Lyrics only")});
    m_modality->setToolTip(tr("Which features make the track vectors: 40 MFCC statistics, up "
                              "to 500 TF-IDF terms, or both"));
    featureForm->addRow(tr("Features:"), m_modality);
    m_fusion = new QComboBox(featureBox);
    m_fusion->setObjectName(QStringLiteral("fusionCombo"));
    m_fusion->addItem(tr("Concatenate"), QString::fromLatin1(fusionKey(Fusion::Concat)));
    m_fusion->addItem(tr("Balanced"), QString::fromLatin1(fusionKey(Fusion::Balanced)));
    m_fusion->setItemData(0, tr("The research pipeline: standardised columns side by side, so "
                                "500 lyrics columns outweigh 40 audio columns"),
                          Qt::ToolTipRole);
    m_fusion->setItemData(1, tr("Each modality scaled to its share of the variance, set below"),
                          Qt::ToolTipRole);
    selectKey(m_fusion, fusionKey(defaults.data.fusion));
    m_fusion->setToolTip(tr("How sound and lyrics are joined in a hybrid run"));
    featureForm->addRow(tr("Fusion:"), m_fusion);
    m_audioWeight = new QSlider(Qt::Horizontal, featureBox);
    m_audioWeight->setObjectName(QStringLiteral("audioWeightSlider"));
    m_audioWeight->setRange(0, 100);
    m_audioWeight->setSingleStep(5);
    m_audioWeight->setPageStep(10);
    m_audioWeight->setValue(int(std::lround(defaults.data.audioWeight * 100)));
    m_audioWeight->setToolTip(tr("Balanced fusion: the share of the variance that the sound "
                                 "carries; the lyrics carry the rest (50 % = equal weight)"));
    m_audioWeightLabel = new QLabel(featureBox);
    m_audioWeightLabel->setObjectName(QStringLiteral("audioWeightLabel"));
    m_audioWeightLabel->setMinimumWidth(m_audioWeightLabel->fontMetrics().horizontalAdvance(
        tr("sound %1 %").arg(100)));
    auto* weightRow = new QHBoxLayout;
    weightRow->addWidget(m_audioWeight, 1);
    weightRow->addWidget(m_audioWeightLabel);
    featureForm->addRow(tr("Audio weight:"), weightRow);
    m_excerpt = new QComboBox(featureBox);
    m_excerpt->setObjectName(QStringLiteral("excerptCombo"));
    m_excerpt->addItem(tr("Auto (middle of long tracks)"),
                       QString::fromLatin1(excerptPositionKey(ExcerptPosition::Auto)));
    m_excerpt->addItem(tr("Start"), QString::fromLatin1(excerptPositionKey(ExcerptPosition::Start)));
    m_excerpt->addItem(tr("Middle"), QString::fromLatin1(excerptPositionKey(ExcerptPosition::Middle)));
    m_excerpt->setToolTip(
        tr("Where the analysed excerpt is taken: from the offset below (the research "
           "pipeline), centred in the track, or automatically (the start of tracks up to "
           "%1 s such as GTZAN's clips, the middle of longer ones, which often open quietly)")
            .arg(defaults.data.audio.decode.autoMiddleAbove));
    featureForm->addRow(tr("Excerpt:"), m_excerpt);
    m_offset = spin<QDoubleSpinBox>(featureBox, 0, 3600, defaults.data.audio.decode.offset,
                                    tr("Start of the analysed excerpt (Start, and Auto for "
                                       "short tracks)"));
    m_offset->setSuffix(tr(" s"));
    m_duration = spin<QDoubleSpinBox>(featureBox, 1, 600, defaults.data.audio.decode.duration,
                                      tr("Length of the analysed excerpt (research pipeline: 10 s)"));
    m_duration->setSuffix(tr(" s"));
    auto* excerpt = new QHBoxLayout;
    excerpt->addWidget(m_offset);
    excerpt->addWidget(new QLabel(tr("for"), featureBox));
    excerpt->addWidget(m_duration);
    featureForm->addRow(tr("Excerpt from:"), excerpt);
    column->addWidget(featureBox);

    // Representations.
    auto* repBox = new QGroupBox(tr("Representations"), inner);
    auto* repGrid = new QGridLayout(repBox);
    const QString repTips[] = {
        tr("Principal components: the linear baseline"),
        tr("Dense autoencoder 540-256-128-16"),
        tr("Variational autoencoder, β = 1"),
        tr("β-VAE: a stronger KL weight for more disentangled codes"),
        tr("Conditional VAE: the genre is given to encoder and decoder (needs labels)")};
    for (std::size_t i = 0; i < AllRepresentations.size(); ++i) {
        auto* c = new QCheckBox(QString::fromUtf8(representationName(AllRepresentations[i])), repBox);
        c->setObjectName(QStringLiteral("rep_") + QString::fromUtf8(representationKey(AllRepresentations[i])));
        c->setChecked(true);
        c->setToolTip(repTips[i]);
        repGrid->addWidget(c, int(i) / 3, int(i) % 3);
        m_rep[i] = c;
        m_editors.append(c);
    }
    column->addWidget(repBox);

    // Training.
    auto* trainBox = new QGroupBox(tr("Training"), inner);
    auto* trainForm = new QFormLayout(trainBox);
    m_epochs = spin<QSpinBox>(
        trainBox, 1, 10000, defaults.epochs,
        tr("Passes over the data (while stopping early, epochs of at most %1 tracks)")
            .arg(QLocale().toString(defaults.earlyStopEpochTracks)));
    m_epochs->setObjectName(QStringLiteral("epochsSpin"));
    m_batch = spin<QSpinBox>(trainBox, 1, 65536, defaults.batchSize, tr("Mini-batch rows"));
    m_latent = spin<QSpinBox>(trainBox, 1, 256, defaults.latentDim,
                              tr("Code size of every model and PCA components"));
    m_latent->setObjectName(QStringLiteral("latentSpin"));
    m_beta = spin<QDoubleSpinBox>(trainBox, 0.01, 1000, defaults.betaVaeBeta,
                                  tr("KL weight of the β-VAE (the VAE uses 1)"));
    m_beta->setSingleStep(0.5);
    m_earlyStop = new QComboBox(trainBox);
    m_earlyStop->setObjectName(QStringLiteral("earlyStopCombo"));
    m_earlyStop->addItem(tr("Auto (above %1 tracks)").arg(QLocale().toString(defaults.earlyStopAbove)),
                         QString::fromLatin1(earlyStopKey(EarlyStop::Auto)));
    m_earlyStop->addItem(tr("On"), QString::fromLatin1(earlyStopKey(EarlyStop::On)));
    m_earlyStop->addItem(tr("Off: every epoch"), QString::fromLatin1(earlyStopKey(EarlyStop::Off)));
    m_earlyStop->setToolTip(
        tr("Hold 5 % of the tracks out of training and stop when they have not improved for "
           "5 epochs, keeping the best epoch. An epoch is then at most %1 tracks' mini-batches, "
           "so 50 epochs at 100,000 tracks are the 7,850 steps of 10,000, not 74,250")
            .arg(QLocale().toString(defaults.earlyStopEpochTracks)));
    trainForm->addRow(tr("Epochs:"), m_epochs);
    trainForm->addRow(tr("Stop early:"), m_earlyStop);
    trainForm->addRow(tr("Batch size:"), m_batch);
    trainForm->addRow(tr("Latent dimensions:"), m_latent);
    trainForm->addRow(tr("β of the β-VAE:"), m_beta);
    column->addWidget(trainBox);

    // Clustering and maps.
    auto* clusterBox = new QGroupBox(tr("Clustering and maps"), inner);
    auto* clusterForm = new QFormLayout(clusterBox);
    m_clusters = spin<QSpinBox>(clusterBox, 2, 500, defaults.clusters,
                                tr("k of KMeans and Agglomerative (Ward)"));
    m_clusters->setObjectName(QStringLiteral("clustersSpin"));
    clusterForm->addRow(tr("Clusters (k):"), m_clusters);
    m_epsAuto = new QCheckBox(tr("auto"), clusterBox);
    m_epsAuto->setChecked(true);
    m_epsAuto->setToolTip(tr("Choose ε among the k-distance knee and percentiles by density-based validity (DBCV)"));
    m_eps = spin<QDoubleSpinBox>(clusterBox, 0.001, 1e6, 1.0, tr("DBSCAN neighbourhood radius"));
    m_eps->setDecimals(3);
    m_eps->setSingleStep(0.1);
    auto* epsRow = new QHBoxLayout;
    epsRow->addWidget(m_epsAuto);
    epsRow->addWidget(m_eps, 1);
    clusterForm->addRow(tr("DBSCAN ε:"), epsRow);
    m_minSamplesAuto = new QCheckBox(tr("auto"), clusterBox);
    m_minSamplesAuto->setChecked(true);
    m_minSamplesAuto->setToolTip(tr("2 × the principal axes DBSCAN clusters on (10 for 1000 tracks)"));
    m_minSamples = spin<QSpinBox>(clusterBox, 1, 10000, 10, tr("DBSCAN min_samples"));
    auto* msRow = new QHBoxLayout;
    msRow->addWidget(m_minSamplesAuto);
    msRow->addWidget(m_minSamples, 1);
    clusterForm->addRow(tr("DBSCAN min samples:"), msRow);
    m_maps = new QCheckBox(tr("t-SNE and UMAP maps"), clusterBox);
    m_maps->setChecked(true);
    clusterForm->addRow(m_maps);
    column->addWidget(clusterBox);

    // Run.
    auto* runBox = new QGroupBox(tr("Run"), inner);
    auto* runForm = new QFormLayout(runBox);
    m_seed = spin<QSpinBox>(runBox, 0, 2147483647, int(defaults.seed),
                            tr("Every random choice derives from this; equal seeds give equal results"));
    m_threads = spin<QSpinBox>(runBox, 0, 1024, 0, tr("Worker threads; 0 = all cores"));
    m_threads->setSpecialValueText(tr("all cores (%1)").arg(QThread::idealThreadCount()));
    runForm->addRow(tr("Seed:"), m_seed);
    runForm->addRow(tr("Threads:"), m_threads);
    column->addWidget(runBox);
    column->addStretch(1);

    // Long item texts must not widen the panel: the combos elide instead.
    for (QComboBox* box : {m_labelFrom, m_modality, m_fusion, m_excerpt}) {
        box->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
        box->setMinimumContentsLength(10);
    }

    m_editors << m_modality << m_offset << m_duration << m_demoTracks << m_epochs << m_batch
              << m_latent << m_beta << m_clusters << m_epsAuto << m_eps << m_minSamplesAuto
              << m_minSamples << m_maps << m_seed << m_threads << m_approximate << m_labelFrom
              << m_fusion << m_excerpt << m_earlyStop;

    auto* scroll = m_scroll = new QScrollArea(this);
    scroll->setWidget(inner);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    // Never narrower than the settings: without a horizontal scroll bar they would be cut.
    scroll->setMinimumWidth(inner->minimumSizeHint().width() +
                            scroll->verticalScrollBar()->sizeHint().width());
    // The mouse wheel over a spin box, drop-down or slider scrolls the panel, as over the
    // rest of it; it changes a value only in the control that has the keyboard focus.
    const auto wheelSafe = [this](QWidget* w) {
        w->setFocusPolicy(Qt::StrongFocus);
        w->installEventFilter(this);
    };
    for (QAbstractSpinBox* w : inner->findChildren<QAbstractSpinBox*>())
        wheelSafe(w);
    for (QComboBox* w : inner->findChildren<QComboBox*>())
        wheelSafe(w);
    for (QSlider* w : inner->findChildren<QSlider*>())
        wheelSafe(w);

    m_validation = new QLabel(this);
    m_validation->setObjectName(QStringLiteral("validationLabel"));
    m_validation->setWordWrap(true);
    m_validation->setStyleSheet(QStringLiteral("color: #b3261e;"));
    m_validation->setVisible(false);
    m_run = new QPushButton(tr("Run experiment"), this);
    m_run->setObjectName(QStringLiteral("runButton"));
    m_run->setDefault(true);
    m_run->setMinimumHeight(34);
    m_run->setToolTip(tr("Train every chosen representation, cluster and map it (Ctrl+R)"));

    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 8);
    outer->addWidget(scroll, 1);
    auto* bottom = new QVBoxLayout;
    bottom->setContentsMargins(8, 0, 8, 0);
    bottom->addWidget(m_validation);
    bottom->addWidget(m_run);
    outer->addLayout(bottom);

    connect(demoButton, &QPushButton::clicked, this, [this] { setSource(SourceKind::Demo); });
    connect(folderButton, &QPushButton::clicked, this, &DataPanel::openFolderRequested);
    connect(manifestButton, &QPushButton::clicked, this, &DataPanel::openManifestRequested);
    connect(featuresButton, &QPushButton::clicked, this, &DataPanel::openFeaturesRequested);
    connect(lyricsButton, &QToolButton::clicked, this, &DataPanel::openLyricsRequested);
    connect(m_clearLyrics, &QToolButton::clicked, this, [this] { setLyricsCsv({}); });
    connect(m_run, &QPushButton::clicked, this, [this] {
        if (canRun())
            emit runRequested();
    });
    connect(m_epsAuto, &QCheckBox::toggled, m_eps, [this](bool a) { m_eps->setEnabled(!a && !m_running); });
    connect(m_minSamplesAuto, &QCheckBox::toggled, this, [this](bool a) {
        m_minSamples->setEnabled(!a && !m_running);
    });
    m_eps->setEnabled(false);
    m_minSamples->setEnabled(false);
    const auto changed = [this] { revalidate(); };
    for (QCheckBox* c : m_rep)
        connect(c, &QCheckBox::toggled, this, changed);
    for (QCheckBox* c : {m_epsAuto, m_minSamplesAuto, m_maps})
        connect(c, &QCheckBox::toggled, this, changed);
    connect(m_modality, &QComboBox::currentIndexChanged, this, changed);
    for (QSpinBox* s : {m_demoTracks, m_epochs, m_batch, m_latent, m_clusters, m_minSamples, m_seed, m_threads})
        connect(s, &QSpinBox::valueChanged, this, changed);
    for (QDoubleSpinBox* s : {m_offset, m_duration, m_beta, m_eps})
        connect(s, &QDoubleSpinBox::valueChanged, this, changed);
    connect(m_approximate, &QCheckBox::toggled, this, changed);
    connect(m_demoTracks, &QSpinBox::valueChanged, this, [this] {
        if (m_sourceKind == SourceKind::Demo)
            schedulePreview();
    });
    connect(m_labelFrom, &QComboBox::currentIndexChanged, this, [this] {
        revalidate();
        schedulePreview();
    });
    connect(m_excerpt, &QComboBox::currentIndexChanged, this, [this] {
        updateFusionControls();
        revalidate();
    });
    for (QComboBox* box : {m_fusion, m_modality})
        connect(box, &QComboBox::currentIndexChanged, this, [this] { updateFusionControls(); });
    connect(m_fusion, &QComboBox::currentIndexChanged, this, changed);
    connect(m_earlyStop, &QComboBox::currentIndexChanged, this, changed);
    connect(m_audioWeight, &QSlider::valueChanged, this, [this] {
        updateFusionControls();
        revalidate();
    });

    // Several changes in a row (a restore, a session) make one preview.
    m_previewTimer = new QTimer(this);
    m_previewTimer->setSingleShot(true);
    m_previewTimer->setInterval(0);
    connect(m_previewTimer, &QTimer::timeout, this, &DataPanel::startPreview);

    updateSourceLabel();
    revalidate();
    schedulePreview();
}

DataPanel::~DataPanel()
{
    stopPreviews();
}

bool DataPanel::eventFilter(QObject* watched, QEvent* event)
{
    if (event->type() == QEvent::Wheel) {
        auto* w = qobject_cast<QWidget*>(watched);
        if (w && !w->hasFocus()) {
            QCoreApplication::sendEvent(m_scroll->verticalScrollBar(), event);
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

int DataPanel::knownTracks() const
{
    if (m_sourceKind == SourceKind::Demo)
        return int(demoGenres().size()) * m_demoTracks->value();
    return m_knownTracksKey == sourceKey() && !m_knownTracksKey.isEmpty() ? m_knownTracks : -1;
}

void DataPanel::setUsableTracks(int tracks)
{
    if (m_sourceKind == SourceKind::Demo || tracks < 0)
        return;
    m_knownTracks = tracks;
    m_knownTracksKey = sourceKey();
    revalidate();
}

QString DataPanel::sourceKey() const
{
    return m_sourceKind == SourceKind::Folder || m_sourceKind == SourceKind::Manifest ||
                   m_sourceKind == SourceKind::Features
               ? fullPath(m_sourcePath)
               : QString();
}

void DataPanel::setSource(SourceKind kind, const fs::path& path)
{
    const fs::path newPath = kind == SourceKind::Demo ? fs::path() : path;
    const bool changed = kind != m_sourceKind || newPath != m_sourcePath;
    m_sourceKind = kind;
    m_sourcePath = newPath;
    if (kind == SourceKind::LyricsOnly) {
        m_lyricsCsv = path;
        m_modality->setCurrentIndex(LyricsOnlyModality);
        m_lyricsNote->clear();
    } else if (kind == SourceKind::Demo) {
        m_lyricsCsv.clear();   // the demo corpus brings its own lyrics
        m_lyricsNote->clear();
    } else if (kind == SourceKind::Features) {
        // A feature table brings its lyrics as tfidf:* columns.
        if (!m_lyricsCsv.empty())
            m_lyricsNote->setText(tr("The lyrics CSV %1 is set aside: a feature table brings "
                                     "its own lyrics columns.")
                                      .arg(displayPath(m_lyricsCsv)));
        else
            m_lyricsNote->clear();
        m_lyricsCsv.clear();
    } else if (changed) {
        // A lyrics CSV belongs to the collection it was chosen for: a CSV whose keys match
        // no track of the new collection would stop the run. The new collection gets the CSV
        // chosen for it before, if any.
        const fs::path before = m_lyricsCsv;
        const QString remembered = m_lyricsForSource.value(sourceKey());
        m_lyricsCsv = !remembered.isEmpty() && QFileInfo(remembered).isFile() ? toFsPath(remembered)
                                                                             : fs::path();
        if (!m_lyricsCsv.empty() && m_lyricsCsv != before)
            m_lyricsNote->setText(tr("Using %1, the lyrics CSV chosen before for this collection.")
                                      .arg(displayPath(m_lyricsCsv)));
        else if (!before.empty() && m_lyricsCsv != before)
            m_lyricsNote->setText(tr("The lyrics CSV %1 was chosen for another collection: it is "
                                     "set aside. Choose a CSV for this one if it has one.")
                                      .arg(displayPath(before)));
        else
            m_lyricsNote->clear();
    }
    if (changed)
        m_lyricsProblem.clear();
    m_lyricsNote->setVisible(!m_lyricsNote->text().isEmpty());
    updateSourceLabel();
    revalidate();
    m_previewKey.clear();   // choosing a source again looks at it again
    schedulePreview();
}

void DataPanel::setLyricsCsv(const fs::path& csv)
{
    m_lyricsCsv = csv;
    m_lyricsProblem.clear();
    m_lyricsNote->clear();
    m_lyricsNote->setVisible(false);
    if (m_sourceKind == SourceKind::LyricsOnly && csv.empty())
        m_sourceKind = SourceKind::Demo;
    if (const QString key = sourceKey(); !key.isEmpty()) {
        if (csv.empty())
            m_lyricsForSource.remove(key);
        else
            m_lyricsForSource.insert(key, fullPath(csv));
    }
    updateSourceLabel();
    revalidate();
}

void DataPanel::flagLyricsCsv(const QString& message)
{
    m_lyricsProblem = message;
    updateSourceLabel();
}

void DataPanel::updateSourceLabel()
{
    switch (m_sourceKind) {
    case SourceKind::Demo:
        m_sourceLabel->setText(tr("<b>Demo corpus</b> — synthetic tracks in ten genres"));
        m_sourceLabel->setToolTip(QString());
        break;
    case SourceKind::Folder:
        m_sourceLabel->setText(tr("<b>Folder</b> %1").arg(displayPath(m_sourcePath).toHtmlEscaped()));
        m_sourceLabel->setToolTip(fullPath(m_sourcePath));
        break;
    case SourceKind::Manifest:
        m_sourceLabel->setText(tr("<b>Manifest</b> %1").arg(displayPath(m_sourcePath).toHtmlEscaped()));
        m_sourceLabel->setToolTip(fullPath(m_sourcePath));
        break;
    case SourceKind::LyricsOnly:
        m_sourceLabel->setText(tr("<b>Lyrics only</b> (no audio)"));
        m_sourceLabel->setToolTip(QString());
        break;
    case SourceKind::Features:
        m_sourceLabel->setText(
            tr("<b>Feature table</b> %1").arg(displayPath(m_sourcePath).toHtmlEscaped()));
        m_sourceLabel->setToolTip(fullPath(m_sourcePath));
        break;
    }
    const bool table = m_sourceKind == SourceKind::Features;
    m_lyricsLabel->setStyleSheet(QString());
    if (m_lyricsCsv.empty()) {
        const bool demo = m_sourceKind == SourceKind::Demo;
        m_lyricsLabel->setText(demo ? tr("built in") : table ? tr("in the table") : tr("none"));
        m_lyricsLabel->setToolTip(
            demo    ? tr("The demo corpus brings its own lyrics")
            : table ? tr("The feature table's tfidf:* columns are the lyrics features")
                    : tr("No lyrics CSV: the lyrics come from the files (tags, .lrc and .txt "
                         "files beside them) or the manifest"));
    } else if (!m_lyricsProblem.isEmpty()) {
        m_lyricsLabel->setText(tr("⚠ %1").arg(displayPath(m_lyricsCsv)));
        m_lyricsLabel->setStyleSheet(QStringLiteral("color: #b3261e; font-weight: bold;"));
        m_lyricsLabel->setToolTip(m_lyricsProblem);
    } else {
        m_lyricsLabel->setText(displayPath(m_lyricsCsv));
        m_lyricsLabel->setToolTip(fullPath(m_lyricsCsv));
    }
    m_clearLyrics->setEnabled(!m_lyricsCsv.empty() && !m_running);
    m_demoTracks->setEnabled(m_sourceKind == SourceKind::Demo && !m_running);
    m_approximate->setEnabled(!m_running && m_sourceKind != SourceKind::Demo && !table);
    m_lyricsButton->setEnabled(!m_running && !table);
    updateFusionControls();   // the excerpt controls follow the source
}

void DataPanel::updateFusionControls()
{
    const bool hybrid = m_modality->currentIndex() == Hybrid;
    const bool balanced = currentKey(m_fusion) == QLatin1String(fusionKey(Fusion::Balanced));
    m_fusion->setEnabled(!m_running && hybrid);
    m_audioWeight->setEnabled(!m_running && hybrid && balanced);
    m_audioWeightLabel->setEnabled(m_audioWeight->isEnabled());
    m_audioWeightLabel->setText(tr("sound %1 %").arg(m_audioWeight->value()));
    // A table's audio features are computed already: no excerpt to choose. Middle ignores
    // the offset.
    const bool audio = !m_running && m_sourceKind != SourceKind::Features;
    m_excerpt->setEnabled(audio);
    m_duration->setEnabled(audio);
    m_offset->setEnabled(audio && currentKey(m_excerpt) !=
                                      QLatin1String(excerptPositionKey(ExcerptPosition::Middle)));
}

// ---------------------------------------------------------------------------------------
// Preview

struct DataPanel::PreviewOutcome {
    std::optional<CollectionPreview> preview;
    std::optional<FeatureTableSummary> table;
    QString error;
    int problems = 0;
    bool cancelled = false;
};

QString DataPanel::previewText() const
{
    return m_preview->text();
}

void DataPanel::schedulePreview()
{
    if (!m_previewTimer)
        return;
    m_previewPending = true;
    m_previewTimer->start();
}

void DataPanel::previewNow()
{
    m_previewTimer->stop();
    startPreview();
}

void DataPanel::stopPreviews()
{
    if (m_previewCancel)
        m_previewCancel->store(true);
    for (QThread* thread : std::as_const(m_previewThreads)) {
        thread->wait();
        delete thread;
    }
    m_previewThreads.clear();
}

void DataPanel::startPreview()
{
    QString key = sourceKey();
    if (!key.isEmpty())
        key += QLatin1Char('\n') + currentKey(m_labelFrom);
    if (!key.isEmpty() && key == m_previewKey) {
        m_previewPending = m_previewInFlight;   // shown, or being computed, already
        return;
    }
    m_previewKey = key;
    m_previewInFlight = false;
    ++m_previewGeneration;
    if (m_previewCancel)
        m_previewCancel->store(true);   // the older preview stops at its next file

    switch (m_sourceKind) {
    case SourceKind::Demo:
        m_preview->setText(tr("%1 synthetic tracks in ten genres, with lyrics; labels: the "
                              "genres. Generated into the cache on first use.")
                               .arg(10 * m_demoTracks->value()));
        m_previewPending = false;
        emit previewFinished();
        return;
    case SourceKind::LyricsOnly:
        m_preview->setText(tr("One track per row of the lyrics CSV; no audio."));
        m_previewPending = false;
        emit previewFinished();
        return;
    case SourceKind::Folder:
    case SourceKind::Manifest:
    case SourceKind::Features: break;
    }
    std::error_code ec;
    const bool exists = m_sourceKind == SourceKind::Folder ? fs::is_directory(m_sourcePath, ec)
                                                           : fs::is_regular_file(m_sourcePath, ec);
    const bool table = m_sourceKind == SourceKind::Features;
    if (!exists) {
        m_preview->setText(QString());   // validation says what is wrong
        m_previewPending = false;
        emit previewFinished();
        return;
    }

    DatasetConfig cfg = config().data;
    cfg.lyricsCsv.clear();   // the CSV is paired when the run starts
    auto cancel = std::make_shared<std::atomic<bool>>(false);
    m_previewCancel = cancel;
    auto outcome = std::make_shared<PreviewOutcome>();
    const quint64 generation = m_previewGeneration;
    const QString name = displayPath(m_sourcePath).toHtmlEscaped();
    m_previewPending = true;
    m_previewInFlight = true;
    m_preview->setText(tr("<span style='color:#6b7078'>Looking at %1…</span>").arg(name));

    QThread* thread = QThread::create([this, cfg, cancel, outcome, generation, name, table] {
        QElapsedTimer sinceLast;
        const Progress progress(
            [&](std::string_view, double overall, std::string_view) {
                if (sinceLast.isValid() && sinceLast.elapsed() < 100)
                    return;
                sinceLast.start();
                const int percent = int(std::lround(overall * 100));
                QMetaObject::invokeMethod(this, [this, generation, name, percent] {
                    if (generation == m_previewGeneration && m_previewPending)
                        m_preview->setText(
                            tr("<span style='color:#6b7078'>Looking at %1… %2 %</span>")
                                .arg(name)
                                .arg(percent));
                }, Qt::QueuedConnection);
            },
            cancel.get());
        Diagnostics diagnostics;
        try {
            if (table)
                outcome->table = summariseFeatureTable(cfg.featuresFile, progress);
            else
                outcome->preview = previewCollection(cfg, diagnostics, progress);
        } catch (const Cancelled&) {
            outcome->cancelled = true;
        } catch (const std::exception& e) {
            outcome->error = QString::fromUtf8(e.what());
        }
        outcome->problems = int(diagnostics.size());
    });
    thread->setObjectName(QStringLiteral("collection preview"));
    connect(thread, &QThread::finished, this, [this, thread, outcome, generation] {
        m_previewThreads.removeOne(thread);
        thread->deleteLater();
        if (generation != m_previewGeneration || outcome->cancelled)
            return;
        m_previewPending = false;
        m_previewInFlight = false;
        showPreview(*outcome);
        emit previewFinished();
    });
    m_previewThreads.append(thread);
    thread->start(QThread::LowPriority);
}

void DataPanel::learnTrackCount(int tracks)
{
    // Until a run says how many are usable, the tracks the preview found bound k.
    if (m_knownTracksKey == sourceKey())
        return;
    m_knownTracks = tracks;
    m_knownTracksKey = sourceKey();
    revalidate();
}

void DataPanel::showPreview(const PreviewOutcome& outcome)
{
    if (outcome.table) {
        const FeatureTableSummary& t = *outcome.table;
        learnTrackCount(int(std::min<std::int64_t>(t.rows, std::numeric_limits<int>::max())));
        QStringList lines;
        lines << QStringLiteral("<b>%1</b> %2")
                     .arg(counted(t.rows, tr("1 track"), tr("%1 tracks")),
                          t.format == FeatureTableFormat::Npy ? tr("in a NumPy table")
                                                              : tr("in a CSV table"));
        lines << (t.audioColumns == 0 ? tr("No audio columns")
                  : t.mfccAudio
                      ? tr("Audio: %1").arg(counted(t.audioColumns, tr("1 MFCC statistic"),
                                                    tr("%1 MFCC statistics")))
                      : tr("Audio: %1 (your own features)")
                            .arg(counted(t.audioColumns, tr("1 numeric column"),
                                         tr("%1 numeric columns"))));
        lines << (t.lyricsColumns == 0
                      ? tr("No lyrics columns")
                      : tr("Lyrics: %1").arg(counted(t.lyricsColumns, tr("1 TF-IDF term"),
                                                     tr("%1 TF-IDF terms"))));
        lines << (t.labelled ? tr("Labels: the table's label column")
                             : tr("Labels: none (no label or genre column)"));
        if (!t.ignoredColumns.empty())
            lines << tr("<span style='color:#8a5a00'>Not used (not numbers): %1</span>")
                         .arg(QString::fromStdString(csvColumnList(t.ignoredColumns)).toHtmlEscaped());
        m_preview->setText(lines.join(QStringLiteral("<br>")));
        return;
    }
    if (!outcome.preview) {
        m_preview->setText(tr("<span style='color:#b3261e'><b>Cannot use this %1:</b> %2</span>")
                               .arg(m_sourceKind == SourceKind::Manifest   ? tr("manifest")
                                    : m_sourceKind == SourceKind::Features ? tr("feature table")
                                                                           : tr("folder"),
                                    outcome.error.toHtmlEscaped()));
        return;
    }
    const CollectionPreview& p = *outcome.preview;
    learnTrackCount(int(p.collection.tracks.size()));
    QStringList lines;
    for (const std::string& line : describeCoverage(p.coverage)) {
        QString text = QString::fromStdString(line);
        if (!text.isEmpty())
            text[0] = text[0].toUpper();
        lines << text.toHtmlEscaped();
    }
    if (!lines.isEmpty())
        lines[0] = QStringLiteral("<b>%1</b>").arg(lines[0]);
    lines << tr("Layout: %1").arg(QString::fromUtf8(layoutName(p.collection.layout)).toHtmlEscaped());
    lines << tr("Labels: %1").arg(QString::fromStdString(p.labelDescription).toHtmlEscaped());
    if (outcome.problems > 0)
        lines << tr("<span style='color:#8a5a00'>%1 with problems in their tags or lyrics "
                    "files (listed in Issues after the run)</span>")
                     .arg(counted(outcome.problems, tr("1 file"), tr("%1 files")));
    m_preview->setText(lines.join(QStringLiteral("<br>")));
}

PipelineConfig DataPanel::config() const
{
    PipelineConfig cfg;
    DatasetConfig& d = cfg.data;
    d.demo = m_sourceKind == SourceKind::Demo;
    d.demoCorpus.tracksPerGenre = m_demoTracks->value();
    if (m_sourceKind == SourceKind::Folder)
        d.dataDir = m_sourcePath;
    if (m_sourceKind == SourceKind::Manifest)
        d.manifest = m_sourcePath;
    if (m_sourceKind == SourceKind::Features)
        d.featuresFile = m_sourcePath;
    d.lyricsCsv = m_lyricsCsv;
    const int modality = m_modality->currentIndex();
    d.useAudio = modality != LyricsOnlyModality && m_sourceKind != SourceKind::LyricsOnly;
    d.useLyrics = modality != AudioOnly;
    d.audio.decode.offset = m_offset->value();
    d.audio.decode.duration = m_duration->value();
    d.audio.decode.excerpt =
        parseExcerptPosition(currentKey(m_excerpt).toStdString()).value_or(ExcerptPosition::Auto);
    d.labelFrom = parseLabelSource(currentKey(m_labelFrom).toStdString()).value_or(LabelSource::Auto);
    d.fusion = parseFusion(currentKey(m_fusion).toStdString()).value_or(Fusion::Concat);
    d.audioWeight = m_audioWeight->value() / 100.0;
    d.approximatePairing = m_approximate->isChecked();
    cfg.representations.clear();
    for (std::size_t i = 0; i < AllRepresentations.size(); ++i)
        if (m_rep[i]->isChecked())
            cfg.representations.push_back(AllRepresentations[i]);
    cfg.epochs = m_epochs->value();
    cfg.earlyStop = parseEarlyStop(currentKey(m_earlyStop).toStdString()).value_or(EarlyStop::Auto);
    cfg.batchSize = m_batch->value();
    cfg.latentDim = m_latent->value();
    cfg.betaVaeBeta = m_beta->value();
    cfg.clusters = m_clusters->value();
    cfg.dbscanEps = m_epsAuto->isChecked() ? 0.0 : m_eps->value();
    cfg.dbscanMinSamples = m_minSamplesAuto->isChecked() ? 0 : m_minSamples->value();
    cfg.maps = m_maps->isChecked();
    cfg.seed = Seed(m_seed->value());
    d.seed = cfg.seed;
    cfg.threads = m_threads->value();
    d.threads = cfg.threads;
    return cfg;
}

void DataPanel::setConfig(const PipelineConfig& cfg)
{
    const DatasetConfig& d = cfg.data;
    if (d.demo)
        setSource(SourceKind::Demo);
    else if (!d.dataDir.empty())
        setSource(SourceKind::Folder, d.dataDir);
    else if (!d.manifest.empty())
        setSource(SourceKind::Manifest, d.manifest);
    else if (!d.featuresFile.empty())
        setSource(SourceKind::Features, d.featuresFile);
    else
        setSource(SourceKind::LyricsOnly, d.lyricsCsv);
    m_lyricsCsv = d.lyricsCsv;
    m_demoTracks->setValue(d.demoCorpus.tracksPerGenre);
    m_modality->setCurrentIndex(d.useAudio && d.useLyrics ? Hybrid : d.useAudio ? AudioOnly
                                                                               : LyricsOnlyModality);
    m_offset->setValue(d.audio.decode.offset);
    m_duration->setValue(d.audio.decode.duration);
    selectKey(m_excerpt, excerptPositionKey(d.audio.decode.excerpt));
    selectKey(m_labelFrom, labelSourceKey(d.labelFrom));
    selectKey(m_fusion, fusionKey(d.fusion));
    m_audioWeight->setValue(int(std::lround(std::clamp(d.audioWeight, 0.0, 1.0) * 100)));
    m_approximate->setChecked(d.approximatePairing);
    m_lyricsNote->clear();
    m_lyricsNote->setVisible(false);
    m_lyricsProblem.clear();
    if (const QString key = sourceKey(); !key.isEmpty() && !m_lyricsCsv.empty())
        m_lyricsForSource.insert(key, fullPath(m_lyricsCsv));
    for (std::size_t i = 0; i < AllRepresentations.size(); ++i)
        m_rep[i]->setChecked(std::find(cfg.representations.begin(), cfg.representations.end(),
                                       AllRepresentations[i]) != cfg.representations.end());
    m_epochs->setValue(cfg.epochs);
    selectKey(m_earlyStop, earlyStopKey(cfg.earlyStop));
    m_batch->setValue(cfg.batchSize);
    m_latent->setValue(cfg.latentDim);
    m_beta->setValue(cfg.betaVaeBeta);
    m_clusters->setValue(cfg.clusters);
    m_epsAuto->setChecked(cfg.dbscanEps <= 0.0);
    if (cfg.dbscanEps > 0.0)
        m_eps->setValue(cfg.dbscanEps);
    m_minSamplesAuto->setChecked(cfg.dbscanMinSamples <= 0);
    if (cfg.dbscanMinSamples > 0)
        m_minSamples->setValue(cfg.dbscanMinSamples);
    m_maps->setChecked(cfg.maps);
    m_seed->setValue(int(cfg.seed));
    m_threads->setValue(cfg.threads);
    updateSourceLabel();
    revalidate();
    schedulePreview();
}

QStringList DataPanel::problems() const
{
    QStringList out;
    const auto missing = [&](const fs::path& p, bool dir, const QString& what) {
        std::error_code ec;
        if (p.empty())
            return;
        if (dir ? !fs::is_directory(p, ec) : !fs::is_regular_file(p, ec))
            out << tr("%1 %2 does not exist or cannot be read.").arg(what, fullPath(p));
    };
    if (m_sourceKind == SourceKind::Folder)
        missing(m_sourcePath, true, tr("The folder"));
    if (m_sourceKind == SourceKind::Manifest)
        missing(m_sourcePath, false, tr("The manifest"));
    if (m_sourceKind == SourceKind::Features)
        missing(m_sourcePath, false, tr("The feature table"));
    missing(m_lyricsCsv, false, tr("The lyrics CSV"));
    const PipelineConfig cfg = config();
    if (cfg.representations.empty())
        out << tr("Choose at least one representation.");
    if (m_sourceKind == SourceKind::LyricsOnly && m_modality->currentIndex() == AudioOnly)
        out << tr("Audio features need audio: choose a folder, a manifest or the demo corpus.");
    if (m_sourceKind != SourceKind::Demo && m_modality->currentIndex() == LyricsOnlyModality &&
        m_lyricsCsv.empty() && m_sourceKind != SourceKind::Manifest &&
        m_sourceKind != SourceKind::Features)
        out << tr("Lyrics-only features need a lyrics CSV.");
    if (const std::string k = clusterCountProblem(m_clusters->value(), knownTracks()); !k.empty())
        out << tr("Clusters (k): %1.").arg(QString::fromStdString(k));
    if (out.isEmpty())
        for (const std::string& p : cfg.validate())
            out << QString::fromStdString(p);
    return out;
}

void DataPanel::revalidate()
{
    m_problems = problems();
    const QStringList& p = m_problems;
    m_validation->setText(p.join(QLatin1Char('\n')));
    m_validation->setVisible(!p.isEmpty());
    m_run->setEnabled(p.isEmpty() && !m_running);
    m_run->setToolTip(p.isEmpty() ? tr("Train every chosen representation, cluster and map it (Ctrl+R)")
                                  : p.join(QLatin1Char('\n')));
    emit configChanged();
}

void DataPanel::setRunning(bool running, const QString& busyText)
{
    m_running = running;
    for (QWidget* w : m_editors)
        w->setEnabled(!running);
    m_eps->setEnabled(!running && !m_epsAuto->isChecked());
    m_minSamples->setEnabled(!running && !m_minSamplesAuto->isChecked());
    m_run->setText(!running ? tr("Run experiment")
                   : busyText.isEmpty() ? tr("Running…")
                                        : busyText);
    updateSourceLabel();
    revalidate();
}

void DataPanel::save(QSettings& s) const
{
    s.beginGroup(QStringLiteral("config"));
    s.setValue(QStringLiteral("source"), int(m_sourceKind));
    s.setValue(QStringLiteral("sourcePath"), fullPath(m_sourcePath));
    s.setValue(QStringLiteral("lyricsCsv"), fullPath(m_lyricsCsv));
    s.setValue(QStringLiteral("modality"), m_modality->currentIndex());
    s.setValue(QStringLiteral("offset"), m_offset->value());
    s.setValue(QStringLiteral("duration"), m_duration->value());
    s.setValue(QStringLiteral("excerpt"), currentKey(m_excerpt));
    s.setValue(QStringLiteral("labelFrom"), currentKey(m_labelFrom));
    s.setValue(QStringLiteral("fusion"), currentKey(m_fusion));
    s.setValue(QStringLiteral("audioWeight"), m_audioWeight->value() / 100.0);
    s.setValue(QStringLiteral("approximatePairing"), m_approximate->isChecked());
    QStringList lyricsFor;   // "source\ncsv" pairs: paths may hold any character but a newline
    for (auto it = m_lyricsForSource.cbegin(); it != m_lyricsForSource.cend(); ++it)
        lyricsFor << it.key() + QLatin1Char('\n') + it.value();
    lyricsFor.sort();
    s.setValue(QStringLiteral("lyricsForSource"), lyricsFor);
    s.setValue(QStringLiteral("demoTracks"), m_demoTracks->value());
    for (std::size_t i = 0; i < AllRepresentations.size(); ++i)
        s.setValue(QStringLiteral("rep_") + QString::fromUtf8(representationKey(AllRepresentations[i])),
                   m_rep[i]->isChecked());
    s.setValue(QStringLiteral("epochs"), m_epochs->value());
    s.setValue(QStringLiteral("earlyStop"), currentKey(m_earlyStop));
    s.setValue(QStringLiteral("batch"), m_batch->value());
    s.setValue(QStringLiteral("latent"), m_latent->value());
    s.setValue(QStringLiteral("beta"), m_beta->value());
    s.setValue(QStringLiteral("clusters"), m_clusters->value());
    s.setValue(QStringLiteral("epsAuto"), m_epsAuto->isChecked());
    s.setValue(QStringLiteral("eps"), m_eps->value());
    s.setValue(QStringLiteral("minSamplesAuto"), m_minSamplesAuto->isChecked());
    s.setValue(QStringLiteral("minSamples"), m_minSamples->value());
    s.setValue(QStringLiteral("maps"), m_maps->isChecked());
    s.setValue(QStringLiteral("seed"), m_seed->value());
    s.setValue(QStringLiteral("threads"), m_threads->value());
    s.endGroup();
}

void DataPanel::restore(QSettings& s)
{
    s.beginGroup(QStringLiteral("config"));
    const auto path = [&](const char* key) {
        return fs::path(s.value(QLatin1String(key)).toString().toStdString());
    };
    const int kind = s.value(QStringLiteral("source"), 0).toInt();
    m_lyricsCsv = path("lyricsCsv");
    if (kind >= 0 && kind <= int(SourceKind::Features)) {
        const auto k = SourceKind(kind);
        const fs::path p = k == SourceKind::LyricsOnly ? m_lyricsCsv : path("sourcePath");
        m_sourceKind = k;
        m_sourcePath = k == SourceKind::Demo || k == SourceKind::LyricsOnly ? fs::path() : p;
    }
    m_modality->setCurrentIndex(s.value(QStringLiteral("modality"), 0).toInt());
    m_offset->setValue(s.value(QStringLiteral("offset"), m_offset->value()).toDouble());
    m_duration->setValue(s.value(QStringLiteral("duration"), m_duration->value()).toDouble());
    const auto restoreKey = [&](QComboBox* box, const char* key) {
        const int i = box->findData(s.value(QLatin1String(key)).toString());
        if (i >= 0)
            box->setCurrentIndex(i);
    };
    restoreKey(m_excerpt, "excerpt");
    restoreKey(m_labelFrom, "labelFrom");
    restoreKey(m_fusion, "fusion");
    restoreKey(m_earlyStop, "earlyStop");
    m_audioWeight->setValue(int(std::lround(
        std::clamp(s.value(QStringLiteral("audioWeight"), m_audioWeight->value() / 100.0).toDouble(),
                   0.0, 1.0) *
        100)));
    m_approximate->setChecked(
        s.value(QStringLiteral("approximatePairing"), m_approximate->isChecked()).toBool());
    m_lyricsForSource.clear();
    for (const QString& pair : s.value(QStringLiteral("lyricsForSource")).toStringList())
        if (const qsizetype cut = pair.indexOf(QLatin1Char('\n')); cut > 0)
            m_lyricsForSource.insert(pair.left(cut), pair.mid(cut + 1));
    m_demoTracks->setValue(s.value(QStringLiteral("demoTracks"), m_demoTracks->value()).toInt());
    for (std::size_t i = 0; i < AllRepresentations.size(); ++i)
        m_rep[i]->setChecked(
            s.value(QStringLiteral("rep_") + QString::fromUtf8(representationKey(AllRepresentations[i])), true)
                .toBool());
    m_epochs->setValue(s.value(QStringLiteral("epochs"), m_epochs->value()).toInt());
    m_batch->setValue(s.value(QStringLiteral("batch"), m_batch->value()).toInt());
    m_latent->setValue(s.value(QStringLiteral("latent"), m_latent->value()).toInt());
    m_beta->setValue(s.value(QStringLiteral("beta"), m_beta->value()).toDouble());
    m_clusters->setValue(s.value(QStringLiteral("clusters"), m_clusters->value()).toInt());
    m_epsAuto->setChecked(s.value(QStringLiteral("epsAuto"), true).toBool());
    m_eps->setValue(s.value(QStringLiteral("eps"), m_eps->value()).toDouble());
    m_minSamplesAuto->setChecked(s.value(QStringLiteral("minSamplesAuto"), true).toBool());
    m_minSamples->setValue(s.value(QStringLiteral("minSamples"), m_minSamples->value()).toInt());
    m_maps->setChecked(s.value(QStringLiteral("maps"), true).toBool());
    m_seed->setValue(s.value(QStringLiteral("seed"), m_seed->value()).toInt());
    m_threads->setValue(s.value(QStringLiteral("threads"), 0).toInt());
    s.endGroup();
    updateSourceLabel();
    revalidate();
    schedulePreview();
}

} // namespace atlas::ui
