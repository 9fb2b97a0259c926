// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/main/data_panel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QSettings>
#include <QSpinBox>
#include <QThread>
#include <QToolButton>
#include <QVBoxLayout>

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
    folderButton->setToolTip(tr("A music folder: GTZAN, one sub-folder per genre, or flat"));
    auto* manifestButton = new QPushButton(tr("Manifest…"), sourceBox);
    manifestButton->setToolTip(tr("A CSV listing path,label[,lyrics|lyrics_id]"));
    for (QPushButton* b : {demoButton, folderButton, manifestButton}) {
        b->setAutoDefault(false);
        sourceButtons->addWidget(b);
        m_editors.append(b);
    }
    sourceForm->addRow(sourceButtons);
    auto* lyricsRow = new QHBoxLayout;
    m_lyricsLabel = new QLabel(sourceBox);
    m_lyricsLabel->setObjectName(QStringLiteral("lyricsLabel"));
    m_lyricsLabel->setMinimumWidth(40);
    auto* lyricsButton = new QToolButton(sourceBox);
    lyricsButton->setText(tr("…"));
    lyricsButton->setToolTip(tr("Choose a lyrics CSV"));
    m_clearLyrics = new QToolButton(sourceBox);
    m_clearLyrics->setText(QStringLiteral("×"));
    m_clearLyrics->setToolTip(tr("Do not use a lyrics CSV"));
    lyricsRow->addWidget(m_lyricsLabel, 1);
    lyricsRow->addWidget(lyricsButton);
    lyricsRow->addWidget(m_clearLyrics);
    m_editors << lyricsButton << m_clearLyrics;
    sourceForm->addRow(tr("Lyrics:"), lyricsRow);
    m_modality = new QComboBox(sourceBox);
    m_modality->setObjectName(QStringLiteral("modalityCombo"));
    m_modality->addItems({tr("Hybrid (audio + lyrics)"), tr("Audio only"), tr("Lyrics only")});
    m_modality->setToolTip(tr("Which features make the 540-dimensional track vectors"));
    sourceForm->addRow(tr("Features:"), m_modality);
    m_offset = spin<QDoubleSpinBox>(sourceBox, 0, 3600, defaults.data.audio.decode.offset,
                                    tr("Start of the analysed excerpt in every track"));
    m_offset->setSuffix(tr(" s"));
    m_duration = spin<QDoubleSpinBox>(sourceBox, 1, 600, defaults.data.audio.decode.duration,
                                      tr("Length of the analysed excerpt (research pipeline: 10 s)"));
    m_duration->setSuffix(tr(" s"));
    auto* excerpt = new QHBoxLayout;
    excerpt->addWidget(m_offset);
    excerpt->addWidget(new QLabel(tr("for"), sourceBox));
    excerpt->addWidget(m_duration);
    sourceForm->addRow(tr("Excerpt from:"), excerpt);
    m_demoTracks = spin<QSpinBox>(sourceBox, 1, 1000, defaults.data.demoCorpus.tracksPerGenre,
                                  tr("Demo corpus size: tracks per genre (ten genres)"));
    m_demoTracks->setObjectName(QStringLiteral("demoTracksSpin"));
    sourceForm->addRow(tr("Demo tracks/genre:"), m_demoTracks);
    column->addWidget(sourceBox);

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
    m_epochs = spin<QSpinBox>(trainBox, 1, 10000, defaults.epochs, tr("Passes over the data"));
    m_epochs->setObjectName(QStringLiteral("epochsSpin"));
    m_batch = spin<QSpinBox>(trainBox, 1, 65536, defaults.batchSize, tr("Mini-batch rows"));
    m_latent = spin<QSpinBox>(trainBox, 1, 256, defaults.latentDim,
                              tr("Code size of every model and PCA components"));
    m_latent->setObjectName(QStringLiteral("latentSpin"));
    m_beta = spin<QDoubleSpinBox>(trainBox, 0.01, 1000, defaults.betaVaeBeta,
                                  tr("KL weight of the β-VAE (the VAE uses 1)"));
    m_beta->setSingleStep(0.5);
    trainForm->addRow(tr("Epochs:"), m_epochs);
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

    m_editors << m_modality << m_offset << m_duration << m_demoTracks << m_epochs << m_batch
              << m_latent << m_beta << m_clusters << m_epsAuto << m_eps << m_minSamplesAuto
              << m_minSamples << m_maps << m_seed << m_threads;

    auto* scroll = new QScrollArea(this);
    scroll->setWidget(inner);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);

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

    updateSourceLabel();
    revalidate();
}

void DataPanel::setSource(SourceKind kind, const fs::path& path)
{
    m_sourceKind = kind;
    m_sourcePath = kind == SourceKind::Demo ? fs::path() : path;
    if (kind == SourceKind::LyricsOnly) {
        m_lyricsCsv = path;
        m_modality->setCurrentIndex(LyricsOnlyModality);
    } else if (kind == SourceKind::Demo) {
        m_lyricsCsv.clear();   // the demo corpus brings its own lyrics
    }
    updateSourceLabel();
    revalidate();
}

void DataPanel::setLyricsCsv(const fs::path& csv)
{
    m_lyricsCsv = csv;
    if (m_sourceKind == SourceKind::LyricsOnly && csv.empty())
        m_sourceKind = SourceKind::Demo;
    updateSourceLabel();
    revalidate();
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
    }
    if (m_lyricsCsv.empty()) {
        m_lyricsLabel->setText(m_sourceKind == SourceKind::Demo ? tr("built in") : tr("none"));
        m_lyricsLabel->setToolTip(m_sourceKind == SourceKind::Demo
                                      ? tr("The demo corpus brings its own lyrics")
                                      : tr("No lyrics CSV: lyrics only from the manifest, if it has them"));
    } else {
        m_lyricsLabel->setText(displayPath(m_lyricsCsv));
        m_lyricsLabel->setToolTip(fullPath(m_lyricsCsv));
    }
    m_clearLyrics->setEnabled(!m_lyricsCsv.empty() && !m_running);
    m_demoTracks->setEnabled(m_sourceKind == SourceKind::Demo && !m_running);
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
    d.lyricsCsv = m_lyricsCsv;
    const int modality = m_modality->currentIndex();
    d.useAudio = modality != LyricsOnlyModality && m_sourceKind != SourceKind::LyricsOnly;
    d.useLyrics = modality != AudioOnly;
    d.audio.decode.offset = m_offset->value();
    d.audio.decode.duration = m_duration->value();
    cfg.representations.clear();
    for (std::size_t i = 0; i < AllRepresentations.size(); ++i)
        if (m_rep[i]->isChecked())
            cfg.representations.push_back(AllRepresentations[i]);
    cfg.epochs = m_epochs->value();
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
    else
        setSource(SourceKind::LyricsOnly, d.lyricsCsv);
    m_lyricsCsv = d.lyricsCsv;
    m_demoTracks->setValue(d.demoCorpus.tracksPerGenre);
    m_modality->setCurrentIndex(d.useAudio && d.useLyrics ? Hybrid : d.useAudio ? AudioOnly
                                                                               : LyricsOnlyModality);
    m_offset->setValue(d.audio.decode.offset);
    m_duration->setValue(d.audio.decode.duration);
    for (std::size_t i = 0; i < AllRepresentations.size(); ++i)
        m_rep[i]->setChecked(std::find(cfg.representations.begin(), cfg.representations.end(),
                                       AllRepresentations[i]) != cfg.representations.end());
    m_epochs->setValue(cfg.epochs);
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
    missing(m_lyricsCsv, false, tr("The lyrics CSV"));
    const PipelineConfig cfg = config();
    if (cfg.representations.empty())
        out << tr("Choose at least one representation.");
    if (m_sourceKind == SourceKind::LyricsOnly && m_modality->currentIndex() == AudioOnly)
        out << tr("Audio features need audio: choose a folder, a manifest or the demo corpus.");
    if (m_sourceKind != SourceKind::Demo && m_modality->currentIndex() == LyricsOnlyModality &&
        m_lyricsCsv.empty() && m_sourceKind != SourceKind::Manifest)
        out << tr("Lyrics-only features need a lyrics CSV.");
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

void DataPanel::setRunning(bool running)
{
    m_running = running;
    for (QWidget* w : m_editors)
        w->setEnabled(!running);
    m_eps->setEnabled(!running && !m_epsAuto->isChecked());
    m_minSamples->setEnabled(!running && !m_minSamplesAuto->isChecked());
    m_run->setText(running ? tr("Running…") : tr("Run experiment"));
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
    s.setValue(QStringLiteral("demoTracks"), m_demoTracks->value());
    for (std::size_t i = 0; i < AllRepresentations.size(); ++i)
        s.setValue(QStringLiteral("rep_") + QString::fromUtf8(representationKey(AllRepresentations[i])),
                   m_rep[i]->isChecked());
    s.setValue(QStringLiteral("epochs"), m_epochs->value());
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
    if (kind >= 0 && kind <= int(SourceKind::LyricsOnly)) {
        const auto k = SourceKind(kind);
        const fs::path p = k == SourceKind::LyricsOnly ? m_lyricsCsv : path("sourcePath");
        m_sourceKind = k;
        m_sourcePath = k == SourceKind::Demo || k == SourceKind::LyricsOnly ? fs::path() : p;
    }
    m_modality->setCurrentIndex(s.value(QStringLiteral("modality"), 0).toInt());
    m_offset->setValue(s.value(QStringLiteral("offset"), m_offset->value()).toDouble());
    m_duration->setValue(s.value(QStringLiteral("duration"), m_duration->value()).toDouble());
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
}

} // namespace atlas::ui
