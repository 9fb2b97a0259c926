// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/main/add_tracks.h"

#include "engine/core/error.h"
#include "engine/data/csv.h"
#include "engine/demo/demo_corpus.h"

#include <QDir>
#include <QElapsedTimer>
#include <QMetaObject>
#include <QTemporaryDir>
#include <QThread>

#include <algorithm>

namespace fs = std::filesystem;

namespace atlas::ui {

namespace {

QString qstr(std::string_view s)
{
    return QString::fromUtf8(s.data(), qsizetype(s.size()));
}

// The lyrics CSV the run's tracks were paired with, as configured (the demo corpus's own
// for a demo run); empty when the run used none.
fs::path runLyricsCsv(const RunResult& run)
{
    if (!run.dataset.lyricsUsed)
        return {};
    if (!run.config.data.lyricsCsv.empty() || !run.config.data.demo)
        return run.config.data.lyricsCsv;
    try {
        return defaultDemoCorpusRoot(run.config.data.demoCorpus) / "lyrics.csv";
    } catch (const std::exception&) {
        return {};
    }
}

bool isFile(const fs::path& p)
{
    std::error_code ec;
    return !p.empty() && fs::is_regular_file(p, ec);
}

// The engine's word for a collection without lyrics, which an addition reports about the
// added tracks alone.
constexpr std::string_view NoLyricsReason = "no lyrics CSV was given";

} // namespace

fs::path runSourceFolder(const RunResult& run)
{
    const Dataset& ds = run.dataset;
    if (ds.layout == CollectionLayout::Manifest || ds.layout == CollectionLayout::LyricsOnly ||
        ds.layout == CollectionLayout::FeatureTable ||
        run.config.data.demo || ds.source.empty())
        return {};
    std::error_code ec;
    return fs::is_directory(ds.source, ec) ? ds.source : fs::path();
}

bool canAddTracks(const RunResult* run, QString* why)
{
    const auto fail = [why](const QString& text) {
        if (why)
            *why = text;
        return false;
    };
    if (!run)
        return fail(QObject::tr("Run the experiment or open a session first."));
    if (!run->dataset.audioUsed)
        return fail(QObject::tr("Tracks can be added only to a map made from audio; this one "
                                "was made from lyrics alone."));
    if (run->dataset.layout == CollectionLayout::FeatureTable)
        return fail(QObject::tr("This map was made from a feature table; to add tracks, run "
                                "again from a table that has them."));
    const bool trained = std::any_of(run->representations.begin(), run->representations.end(),
                                     [](const RepresentationResult& r) { return r.ok && r.model; });
    if (!trained)
        return fail(QObject::tr("No representation of this run was trained, so there is no "
                                "model to place new tracks with."));
    if (why)
        why->clear();
    return true;
}

QString addSummary(const ExtendReport& report, ExtendMode mode)
{
    if (report.added == 0 && report.changed == 0 && report.removed == 0)
        return mode == ExtendMode::Update
                   ? QObject::tr("Nothing to update: no new, changed or deleted files; %1 fitted "
                                 "+ %2 added")
                         .arg(report.fitted)
                         .arg(report.total - report.fitted)
                   : QObject::tr("Nothing added: every track is already on the map; %1 fitted "
                                 "+ %2 added")
                         .arg(report.fitted)
                         .arg(report.total - report.fitted);
    QStringList also;
    if (report.changed > 0)
        also << QObject::tr("%1 changed").arg(report.changed);
    if (report.removed > 0)
        also << QObject::tr("%1 removed").arg(report.removed);
    QString text = report.added == 1
                       ? QObject::tr("Added 1 track without retraining")
                       : QObject::tr("Added %1 tracks without retraining").arg(report.added);
    if (!also.isEmpty())
        text += QStringLiteral(" (%1)").arg(also.join(QStringLiteral(", ")));
    return text + QObject::tr("; %1 fitted + %2 added")
                      .arg(report.fitted)
                      .arg(report.total - report.fitted);
}

TrackAdder::TrackAdder(std::shared_ptr<const RunResult> run, const QStringList& files,
                       const fs::path& sessionFile, QObject* parent)
    : QObject(parent), m_run(std::move(run)), m_mode(ExtendMode::Add)
{
    useRunLyrics(sessionFile);
    // The engine reads a list of files as a manifest with a path column.
    m_listDir = std::make_unique<QTemporaryDir>(QDir::tempPath() +
                                                QStringLiteral("/musicatlas-add-XXXXXX"));
    if (!m_listDir->isValid()) {
        m_setupError = tr("Cannot create a temporary folder for the list of files: %1")
                           .arg(m_listDir->errorString());
        return;
    }
    const fs::path manifest = fs::path(m_listDir->path().toStdString()) / "files.csv";
    std::vector<std::vector<std::string>> rows;
    for (const QString& f : files)
        rows.push_back({fs::absolute(fs::u8path(f.toStdString())).lexically_normal().string()});
    try {
        writeCsvFile(manifest, {"path"}, rows);
        m_source.manifest = manifest;
    } catch (const std::exception& e) {
        m_setupError = QString::fromUtf8(e.what());
    }
}

TrackAdder::TrackAdder(std::shared_ptr<const RunResult> run, fs::path folder, ExtendMode mode,
                       const fs::path& sessionFile, QObject* parent)
    : QObject(parent), m_run(std::move(run)), m_mode(mode)
{
    useRunLyrics(sessionFile);
    m_source.dataDir = std::move(folder);
}

void TrackAdder::useRunLyrics(const fs::path& sessionFile)
{
    const DatasetConfig& data = m_run->config.data;
    m_source.lyricsColumns = data.lyricsColumns;
    // The run's feature cache when it is on this machine, else the user's.
    std::error_code ec;
    if (fs::is_directory(data.cacheDir, ec))
        m_source.cacheDir = data.cacheDir;
    m_source.useCache = data.useCache;
    const fs::path csv = runLyricsCsv(*m_run);
    if (csv.empty())
        return;
    // A relative path (a session saved by the CLI) is relative to where that ran: most
    // likely beside the session or the collection.
    std::vector<fs::path> candidates{csv};
    if (csv.is_relative()) {
        if (!sessionFile.empty())
            candidates.push_back(sessionFile.parent_path() / csv);
        const fs::path& source = m_run->dataset.source;
        if (!source.empty())
            candidates.push_back(source.parent_path() / csv);
    }
    for (const fs::path& c : candidates)
        if (isFile(c)) {
            m_source.lyricsCsv = c;
            return;
        }
    // Without it the tracks already on the map would all look changed to an update.
    if (m_mode == ExtendMode::Update) {
        m_setupError = tr("%1: the lyrics CSV of this map cannot be found. Update from Folder "
                          "needs it to tell changed tracks from unchanged ones: put it back "
                          "where it was, or use Add Tracks… or Add Folder… for the new files.")
                           .arg(QString::fromStdString(csv.string()));
        return;
    }
    m_setupIssues.push_back({csv, "the lyrics CSV of this map cannot be found: the added "
                                  "tracks were placed with the lyrics of their tags or sidecar "
                                  "files, or without lyrics"});
}

void TrackAdder::tidy(std::vector<Issue>& issues, std::size_t from) const
{
    // The list of files is a manifest only for the engine: issues name the files, not it.
    for (std::size_t i = from; i < issues.size(); ++i)
        if (m_listDir && issues[i].file == m_source.manifest)
            issues[i].file.clear();
    if (!m_run->dataset.lyricsUsed)
        return;
    // The engine's "the run uses audio features only" is about the added tracks alone: the
    // run keeps its lyrics. Said once, and not at all when an issue names the lyrics CSV.
    const fs::path csv = runLyricsCsv(*m_run);
    bool said = std::any_of(issues.begin() + std::ptrdiff_t(from), issues.end(),
                            [&](const Issue& i) {
                                return !csv.empty() && i.file.filename() == csv.filename();
                            });
    for (std::size_t i = from; i < issues.size();) {
        if (!issues[i].reason.starts_with(NoLyricsReason)) {
            ++i;
            continue;
        }
        if (said) {
            issues.erase(issues.begin() + std::ptrdiff_t(i));
            continue;
        }
        issues[i].reason = "the added tracks carry no lyrics (no lyrics tags, .lrc or .txt "
                           "files): their lyrics features are zero";
        said = true;
        ++i;
    }
}

TrackAdder::~TrackAdder()
{
    if (m_thread) {
        m_cancel.store(true);
        m_thread->wait();
        delete m_thread;
    }
}

void TrackAdder::start()
{
    if (m_thread)
        return;
    if (!m_setupError.isEmpty()) {
        QMetaObject::invokeMethod(
            this,
            [this] {
                emit failed(m_setupError, m_setupIssues);
                deleteLater();
            },
            Qt::QueuedConnection);
        return;
    }
    m_thread = QThread::create([this] { work(); });
    m_thread->setObjectName(QStringLiteral("add tracks"));
    m_thread->start(QThread::LowPriority);
}

void TrackAdder::cancel()
{
    m_cancel.store(true);
}

void TrackAdder::work()
{
    // Progress as the run's status bar shows it, at most about 20 updates a second.
    QElapsedTimer clock;
    clock.start();
    QElapsedTimer sinceLast;
    double lastOverall = 0.0;
    QString lastStage;
    const auto sink = [&](std::string_view stage, double overall, double stageFraction,
                          std::string_view message) {
        overall = std::clamp(std::max(overall, lastOverall), 0.0, 1.0);
        lastOverall = overall;
        const QString name = qstr(stage);
        if (name == lastStage && sinceLast.isValid() && overall < 1.0 && sinceLast.elapsed() < 50)
            return;
        sinceLast.start();
        lastStage = name;
        RunProgress p;
        p.stage = name;
        p.message = qstr(message);
        p.overall = overall;
        p.stage01 = std::clamp(stageFraction, 0.0, 1.0);
        p.elapsed = double(clock.elapsed()) / 1000.0;
        if (p.elapsed > 2.0 && overall > 0.05)
            p.eta = p.elapsed * (1.0 - overall) / overall;
        QMetaObject::invokeMethod(this, [this, p] { emit progressed(p); }, Qt::QueuedConnection);
    };
    const Progress progress = Progress::withStageSink(sink, &m_cancel);

    // The list of files is a manifest only for the engine: messages name the files, not it.
    const std::string listPrefix = m_listDir ? m_source.manifest.string() + ": " : std::string();
    Diagnostics diagnostics;
    for (const Issue& issue : m_setupIssues)
        diagnostics.add(issue);
    ExtendReport report;
    std::shared_ptr<const RunResult> result;
    QString error;
    bool stopped = false;
    try {
        RunResult out = extendRun(*m_run, m_source, m_mode, diagnostics, progress, &report);
        tidy(out.issues, m_run->issues.size());
        result = std::make_shared<const RunResult>(std::move(out));
    } catch (const Cancelled&) {
        stopped = true;
    } catch (const std::exception& e) {
        std::string what = e.what();
        if (!listPrefix.empty() && what.starts_with(listPrefix))
            what.erase(0, listPrefix.size());
        error = QString::fromStdString(what);
    }
    std::vector<Issue> issues = diagnostics.issues();
    tidy(issues, 0);
    QMetaObject::invokeMethod(
        this,
        [this, result, report, error, stopped, issues] {
            if (stopped)
                emit cancelled();
            else if (!result)
                emit failed(error, issues);
            else
                emit finished(result, report);
            deleteLater();
        },
        Qt::QueuedConnection);
}

} // namespace atlas::ui
