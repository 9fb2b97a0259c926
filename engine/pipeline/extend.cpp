// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/pipeline/extend.h"

#include "engine/core/error.h"
#include "engine/core/hash.h"
#include "engine/core/parallel.h"
#include "engine/data/standardize.h"
#include "engine/embed/transform.h"
#include "engine/models/trained_model.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <set>
#include <string_view>

namespace atlas {

namespace fs = std::filesystem;

const FittedRepresentation* FitReference::representation(Representation r) const
{
    for (const FittedRepresentation& x : representations)
        if (x.kind == r)
            return &x;
    return nullptr;
}

namespace {

using Clock = std::chrono::steady_clock;

// The mean code of each label's rows (labels in [0, k); k = max + 1).
Matrix clusterCentres(const Matrix& codes, const Labels& labels)
{
    const int k = labels.size() ? labels.maxCoeff() + 1 : 0;
    Matrix centres = Matrix::Zero(std::max(k, 0), codes.cols());
    std::vector<int> count(std::size_t(std::max(k, 0)), 0);
    for (Eigen::Index i = 0; i < labels.size(); ++i) {
        if (labels(i) < 0)
            continue;
        centres.row(labels(i)) += codes.row(i);
        ++count[std::size_t(labels(i))];
    }
    for (int c = 0; c < k; ++c)
        if (count[std::size_t(c)] > 0)
            centres.row(c) /= double(count[std::size_t(c)]);
    return centres;
}

double squaredDistance(const Eigen::Ref<const RowVector>& a, const Eigen::Ref<const RowVector>& b)
{
    double s = 0.0;
    for (Eigen::Index c = 0; c < a.size(); ++c) {
        const double t = a(c) - b(c);
        s += t * t;
    }
    return s;
}

int assign(const FittedClustering& f, const Eigen::Ref<const RowVector>& code)
{
    if (!f.ok)
        return -1;
    if (f.kind != Clustering::Dbscan) {
        int best = -1;
        double bestD = INFINITY;
        for (Eigen::Index c = 0; c < f.centres.rows(); ++c) {
            const double d = squaredDistance(code, f.centres.row(c));
            if (d < bestD) {
                bestD = d;
                best = int(c);
            }
        }
        return best;
    }
    const Matrix y = f.projection.apply(Matrix(code));
    int best = -1;
    double bestD = INFINITY;
    const double eps2 = f.eps * f.eps;
    for (Eigen::Index c = 0; c < f.core.rows(); ++c) {
        const double d = squaredDistance(y.row(0), f.core.row(c));
        if (d <= eps2 && d < bestD) {
            bestD = d;
            best = f.coreLabels(c);
        }
    }
    return best;
}

// The hybrid row of a fitted track must come out of the reference as the run computed it:
// otherwise the run's lyrics or scalers cannot be reproduced and new tracks would land in a
// different space.
void checkReproduces(const FittedFeatures& f, const Dataset& ds)
{
    std::vector<std::string> texts;
    texts.reserve(ds.tracks.size());
    for (const Track& t : ds.tracks)
        texts.push_back(t.lyrics);
    const Matrix hybrid = fittedHybrid(f, ds.audio, texts);
    if (hybrid.rows() != ds.hybrid.rows() || hybrid.cols() != ds.hybrid.cols() ||
        !((hybrid - ds.hybrid).cwiseAbs().array() <= 1e-9 * (1.0 + ds.hybrid.cwiseAbs().array()))
             .all())
        throw InputError("the session's features cannot be reproduced from its tracks (its "
                         "lyrics or feature scaling differ), so tracks cannot be added to it");
}

FittedFeatures fitFeatures(const RunResult& run)
{
    const Dataset& ds = run.dataset;
    FittedFeatures f;
    f.audio = ds.audioUsed && ds.audio.cols() > 0;
    f.lyrics = ds.lyricsUsed && ds.lyricsColumns() > 0;
    f.tfidf = run.config.data.tfidf;
    if (f.audio) {
        StandardScaler s;
        s.fit(ds.audio);
        f.audioMean = s.mean();
        f.audioScale = s.scale();
    }
    if (f.lyrics) {
        if (ds.lyrics.cols() != ds.lyricsColumns())
            throw InputError("the session keeps its lyrics features in a form tracks cannot "
                             "be added to");
        std::vector<std::string_view> texts;
        texts.reserve(ds.tracks.size());
        for (const Track& t : ds.tracks)
            texts.emplace_back(t.lyrics);   // as buildDataset() fitted it
        TfidfVectorizer v(f.tfidf);
        v.fit(std::vector<std::string>(texts.begin(), texts.end()));
        if (v.vocabulary() != ds.vocabulary)
            throw InputError("the session's lyrics vocabulary cannot be reproduced from its "
                             "tracks, so tracks cannot be added to it");
        f.vocabulary = v.vocabulary();
        f.idf = v.idf();
        StandardScaler s;
        s.fit(ds.lyrics);
        f.lyricsMean = s.mean();
        f.lyricsScale = s.scale();
    }
    if (f.audio && f.lyrics) {
        f.audioFactor = ds.audioScale;
        f.lyricsFactor = ds.lyricsScale;
    }
    checkReproduces(f, ds);
    return f;
}

// The CVAE condition classes of labels of the fit (-1 = none).
Matrix encodeRow(const TrainedModel& model, Representation kind, const Matrix& row, int label,
                 int fitLabelCount)
{
    if (const auto* pca = std::get_if<Pca>(&model))
        return pca->transform(row);
    if (const auto* ae = std::get_if<Autoencoder>(&model))
        return ae->encode(row);
    const Vae& vae = std::get<Vae>(model);
    if (kind != Representation::Cvae || !vae.config().conditional)
        return vae.encode(row);
    // The CVAE: a label of the fit is its class; others take the class of the unlabelled
    // tracks when the fit had some, else the mean of mu over every class (the condition is
    // unknown, so no class is preferred).
    const int classes = vae.classes();
    const int cls = label >= 0 && label < fitLabelCount ? label
                    : classes > fitLabelCount          ? fitLabelCount
                                                       : -1;
    if (cls >= 0) {
        Labels c(1);
        c(0) = cls;
        return vae.encode(row, c);
    }
    Matrix sum;
    for (int c = 0; c < classes; ++c) {
        Labels l(1);
        l(0) = c;
        const Matrix mu = vae.encode(row, l);
        sum = c == 0 ? mu : Matrix(sum + mu);
    }
    return sum / double(std::max(classes, 1));
}

} // namespace

Matrix fittedHybrid(const FittedFeatures& f, const Matrix& audio,
                    const std::vector<std::string>& lyrics, Matrix* tfidf)
{
    const Eigen::Index n = f.audio ? audio.rows() : Eigen::Index(lyrics.size());
    if (f.audio && f.lyrics && Eigen::Index(lyrics.size()) != n)
        throw InputError("added tracks: " + std::to_string(audio.rows()) + " audio rows and " +
                         std::to_string(lyrics.size()) + " lyrics");
    if (f.audio && audio.cols() != f.audioMean.size())
        throw InputError("added tracks: " + std::to_string(audio.cols()) +
                         " audio features, the fit had " + std::to_string(f.audioMean.size()));
    const Eigen::Index va = f.audio ? f.audioMean.size() : 0;
    const Eigen::Index vl = f.lyrics ? Eigen::Index(f.vocabulary.size()) : 0;
    Matrix hybrid(n, va + vl);
    if (f.audio) {
        StandardScaler s;
        s.restore(f.audioMean, f.audioScale);
        s.transform(audio, hybrid.leftCols(va));
        if (f.audioFactor != 1.0)
            hybrid.leftCols(va) *= f.audioFactor;
    }
    Matrix words(n, vl);
    if (f.lyrics) {
        // The fit's vocabulary and idf; each document is weighed on its own.
        TfidfVectorizer vectorizer(f.tfidf);
        vectorizer.restore(f.vocabulary, f.idf);
        std::vector<std::string_view> texts(lyrics.begin(), lyrics.end());
        words = vectorizer.transformSparse(texts).toDense();
        StandardScaler s;
        s.restore(f.lyricsMean, f.lyricsScale);
        s.transform(words, hybrid.rightCols(vl));
        if (f.lyricsFactor != 1.0)
            hybrid.rightCols(vl) *= f.lyricsFactor;
    }
    if (tfidf)
        *tfidf = std::move(words);
    return hybrid;
}

FitReference makeFitReference(const RunResult& run, const Progress& progress)
{
    if (run.reference)
        return *run.reference;
    FitReference ref;
    ref.fittedTracks = run.dataset.size();
    ref.labelNames = run.dataset.labelNames;
    ref.features = fitFeatures(run);
    progress.throwIfCancelled();
    for (const RepresentationResult& rep : run.representations) {
        if (!rep.ok || !rep.model)
            continue;
        FittedRepresentation f;
        f.kind = rep.kind;
        f.codes = rep.codes;
        for (const ClusteringResult& c : rep.clusterings) {
            FittedClustering fc;
            fc.kind = c.kind;
            fc.ok = c.ok && c.labels.size() == rep.codes.rows();
            if (fc.ok && c.kind != Clustering::Dbscan) {
                fc.centres = clusterCentres(rep.codes, c.labels);
            } else if (fc.ok) {
                // The core points of the run's DBSCAN: the same eps and min_samples in the
                // same space give the same clusters (checked).
                DbscanConfig d;
                d.eps = c.dbscanEps;
                d.minSamples = c.dbscanMinSamples;
                d.components = 0;
                if (d.eps > 0.0) {
                    const DbscanResult r = dbscan(rep.codes, d, progress);
                    fc.projection = dbscanProjection(rep.codes, 0);
                    const Matrix space = fc.projection.apply(rep.codes);
                    fc.core.resize(Eigen::Index(r.coreSampleIndices.size()), space.cols());
                    fc.coreLabels.resize(Eigen::Index(r.coreSampleIndices.size()));
                    for (std::size_t t = 0; t < r.coreSampleIndices.size(); ++t) {
                        const int i = r.coreSampleIndices[t];
                        fc.core.row(Eigen::Index(t)) = space.row(i);
                        fc.coreLabels(Eigen::Index(t)) = c.labels(i);
                    }
                    fc.eps = r.eps;
                    fc.ok = r.labels == c.labels;
                } else {
                    fc.ok = false;
                }
            }
            f.clusterings.push_back(std::move(fc));
        }
        for (const MapResult& m : rep.maps)
            f.maps.push_back({m.kind, m.ok ? m.xy : Matrix()});
        ref.representations.push_back(std::move(f));
    }
    if (ref.representations.empty())
        throw InputError("the session has no trained representation to place tracks with");
    return ref;
}

std::vector<RepresentationResult> placeRows(const FitReference& reference, const RunResult& run,
                                            const Matrix& hybrid, const Labels& fitLabels,
                                            std::span<const std::uint64_t> keys,
                                            const Progress& progress)
{
    std::vector<RepresentationResult> out;
    const Eigen::Index n = hybrid.rows();
    const int reps = int(reference.representations.size());
    for (int r = 0; r < reps; ++r) {
        const FittedRepresentation& f = reference.representations[std::size_t(r)];
        const RepresentationResult* fit = run.representation(f.kind);
        if (!fit || !fit->model)
            throw InputError(std::string("the session's ") + representationName(f.kind) +
                             " has no model to place tracks with");
        const Progress slice = progress.sub(double(r) / reps, double(r + 1) / reps,
                                            representationName(f.kind));
        RepresentationResult rep;
        rep.kind = f.kind;
        rep.codes.resize(n, f.codes.cols());
        // One row at a time: a row's code then cannot depend on the others.
        for (Eigen::Index i = 0; i < n; ++i)
            rep.codes.row(i) = encodeRow(*fit->model, f.kind, Matrix(hybrid.row(i)),
                                         fitLabels(i), int(reference.labelNames.size()));
        slice.throwIfCancelled();
        for (const FittedClustering& fc : f.clusterings) {
            ClusteringResult c;
            c.kind = fc.kind;
            c.ok = fc.ok;
            c.labels.resize(n);
            for (Eigen::Index i = 0; i < n; ++i)
                c.labels(i) = assign(fc, rep.codes.row(i));
            rep.clusterings.push_back(std::move(c));
        }
        const int maps = int(f.maps.size());
        for (int m = 0; m < maps; ++m) {
            const FittedMap& fm = f.maps[std::size_t(m)];
            MapResult mr;
            mr.kind = fm.kind;
            const Progress mp = slice.sub(0.1 + 0.9 * m / maps, 0.1 + 0.9 * (m + 1) / maps,
                                          mapName(fm.kind));
            if (fm.xy.rows() == f.codes.rows() && fm.xy.rows() > 0 && n > 0) {
                const Matrix placed =
                    fm.kind == MapKind::Umap
                        ? umapTransform(f.codes, fm.xy, rep.codes, run.config.umap, keys,
                                        mp.sub(0.0, 0.8))
                        : tsneTransform(f.codes, fm.xy, rep.codes, {}, mp.sub(0.0, 0.8));
                mr.xy = matchNeighbourhoods(f.codes, fm.xy, rep.codes, placed, 10, 21,
                                            mp.sub(0.8, 1.0));
                mr.ok = true;
            } else {
                mr.xy = Matrix::Constant(n, 2, std::numeric_limits<double>::quiet_NaN());
            }
            rep.maps.push_back(std::move(mr));
        }
        rep.ok = true;
        out.push_back(std::move(rep));
    }
    progress.report(1.0);
    return out;
}

namespace {

// A track's identity across scans: its absolute path (its id for tracks without a file).
std::string trackKey(const Track& t)
{
    return t.path.empty() ? "id:" + t.id : t.path.lexically_normal().string();
}

bool underFolder(const fs::path& file, const fs::path& folder)
{
    const fs::path rel = file.lexically_normal().lexically_relative(folder.lexically_normal());
    return !rel.empty() && *rel.begin() != "..";
}

template <class M>
M selectRows(const M& m, const std::vector<Eigen::Index>& rows)
{
    M out(Eigen::Index(rows.size()), m.cols());
    for (std::size_t t = 0; t < rows.size(); ++t)
        out.row(Eigen::Index(t)) = m.row(rows[t]);
    return out;
}

std::vector<Eigen::Index> keptRows(const std::vector<char>& keep)
{
    std::vector<Eigen::Index> rows;
    for (std::size_t i = 0; i < keep.size(); ++i)
        if (keep[i])
            rows.push_back(Eigen::Index(i));
    return rows;
}

Labels selectLabels(const Labels& l, const std::vector<Eigen::Index>& rows)
{
    Labels out(Eigen::Index(rows.size()));
    for (std::size_t t = 0; t < rows.size(); ++t)
        out(Eigen::Index(t)) = l(rows[t]);
    return out;
}

template <class M>
M stackRows(const M& top, const M& bottom)
{
    if (top.rows() == 0)
        return bottom;
    if (bottom.rows() == 0)
        return top;
    M out(top.rows() + bottom.rows(), top.cols());
    out << top, bottom;
    return out;
}

Labels stackLabels(const Labels& top, const Labels& bottom)
{
    Labels out(top.size() + bottom.size());
    out << top, bottom;
    return out;
}

} // namespace

RunResult extendRun(const RunResult& run, const DatasetConfig& source, ExtendMode mode,
                    Diagnostics& diagnostics, const Progress& progress, ExtendReport* report)
{
    const auto start = Clock::now();
    if (source.dataDir.empty() && source.manifest.empty())
        throw ConfigError("adding tracks needs a folder or a manifest");
    if (!run.dataset.audioUsed)
        throw InputError("this session was made from lyrics alone; tracks can be added only to "
                         "sessions made from audio");
    if (run.dataset.layout == CollectionLayout::FeatureTable)
        throw InputError("this session was made from the feature table " +
                         run.config.data.featuresFile.string() +
                         ", which holds no lyrics text to weigh new tracks' words against and "
                         "may hold features of its own kind; run again from a table that has "
                         "the new tracks");
    ThreadScope threads(run.config.threads);
    const auto reference = std::make_shared<const FitReference>(
        makeFitReference(run, progress.sub(0.0, 0.1, "the fit")));

    // 1. The source's tracks and raw features, with the run's feature parameters.
    DatasetConfig cfg = run.config.data;
    cfg.demo = false;
    cfg.dataDir = source.dataDir;
    cfg.manifest = source.dataDir.empty() ? source.manifest : fs::path();
    cfg.lyricsCsv = source.lyricsCsv;
    cfg.lyricsColumns = source.lyricsColumns;
    cfg.useLyrics = reference->features.lyrics;
    cfg.featureTableOnly = true;
    // The cache of this machine (the source's; empty: the user's), not the one the session
    // was made with, which may be another machine's folder.
    cfg.cacheDir = source.cacheDir;
    cfg.useCache = source.useCache;
    cfg.threads = run.config.threads;
    cfg.labelFrom = run.dataset.labelSource;   // as the fit resolved it
    Dataset found;
    {
        Diagnostics first;
        try {
            found = buildDataset(cfg, first, progress.sub(0.1, 0.6, "features"));
            for (const Issue& issue : first.issues())
                diagnostics.add(issue.file, issue.reason);
        } catch (const InputError& e) {
            // A lyrics table without a row for any of the new tracks (the session's own table
            // and other music): they take the lyrics of their tags or sidecar files, or none.
            if (cfg.lyricsCsv.empty() ||
                std::string_view(e.what()).find("does not seem to belong to this collection") ==
                    std::string_view::npos) {
                for (const Issue& issue : first.issues())   // why the files could not be used
                    diagnostics.add(issue.file, issue.reason);
                throw;
            }
            diagnostics.add(cfg.lyricsCsv, "has no lyrics for the added tracks: they take the "
                                           "lyrics of their tags or sidecar files, or none");
            cfg.lyricsCsv.clear();
            found = buildDataset(cfg, diagnostics, progress.sub(0.1, 0.6, "features"));
        }
    }

    // 2. Which tracks are new, changed, unchanged or gone.
    const Dataset& ds = run.dataset;
    std::map<std::string, int> inRun;
    for (int i = 0; i < ds.size(); ++i)
        inRun.emplace(trackKey(ds.tracks[std::size_t(i)]), i);
    ExtendReport rep;
    std::vector<char> keep(std::size_t(ds.size()), 1);
    std::vector<int> place;   // rows of `found` to place
    std::set<std::string> seen;
    std::map<int, int> retagged;   // Update: run row -> row of `found`, for fresh tags
    for (int i = 0; i < found.size(); ++i) {
        const Track& t = found.tracks[std::size_t(i)];
        const std::string key = trackKey(t);
        seen.insert(key);
        const auto it = inRun.find(key);
        if (it == inRun.end()) {
            place.push_back(i);
            ++rep.added;
            continue;
        }
        const Track& old = ds.tracks[std::size_t(it->second)];
        const bool sameAudio = ds.audio.row(it->second) == found.audio.row(i);
        const bool sameLyrics = !reference->features.lyrics || old.lyrics == t.lyrics;
        if (sameAudio && sameLyrics) {
            ++rep.unchanged;
            if (mode == ExtendMode::Update)
                retagged.emplace(it->second, i);
            continue;
        }
        keep[std::size_t(it->second)] = 0;
        place.push_back(i);
        ++rep.changed;
    }
    if (mode == ExtendMode::Update) {
        std::error_code ec;
        const fs::path folder =
            source.dataDir.empty() ? fs::path() : fs::absolute(source.dataDir, ec);
        for (int i = 0; i < ds.size(); ++i) {
            const Track& t = ds.tracks[std::size_t(i)];
            const bool inSource = folder.empty() || underFolder(t.path, folder);
            if (keep[std::size_t(i)] && inSource && !seen.count(trackKey(t))) {
                keep[std::size_t(i)] = 0;
                ++rep.removed;
            }
        }
    }
    progress.throwIfCancelled();

    // 3. The new rows: features through the fit, then codes, clusters and places.
    std::vector<Eigen::Index> newRows(place.begin(), place.end());
    std::vector<Track> newTracks;
    std::vector<std::string> texts;
    for (int i : place) {
        Track t = found.tracks[std::size_t(i)];
        if (!reference->features.lyrics)
            t.lyricsSource = LyricsSource::None;
        texts.push_back(reference->features.lyrics ? t.lyrics : std::string());
        newTracks.push_back(std::move(t));
    }
    const Matrix newAudio = selectRows(found.audio, newRows);
    Matrix newWords;
    const Matrix newHybrid = fittedHybrid(reference->features, newAudio, texts, &newWords);
    std::vector<std::string> labelNames = ds.labelNames;
    Labels fitLabels(Eigen::Index(newTracks.size())), newLabels(Eigen::Index(newTracks.size()));
    // Ids as the run's own source names its tracks (relative to its folder), unique.
    std::set<std::string> ids;
    for (Eigen::Index i : keptRows(keep))
        ids.insert(ds.tracks[std::size_t(i)].id);
    const fs::path base = fs::is_regular_file(ds.source) ? ds.source.parent_path() : ds.source;
    const bool byStem = ds.layout == CollectionLayout::Gtzan ||
                        ds.layout == CollectionLayout::GtzanKaggle ||
                        ds.layout == CollectionLayout::Flat;
    for (Track& t : newTracks) {
        if (!t.path.empty() && !base.empty() && underFolder(t.path, base)) {
            fs::path rel = t.path.lexically_normal().lexically_relative(base.lexically_normal());
            if (byStem)
                rel = rel.filename();
            rel.replace_extension();
            t.id = rel.generic_string();
        }
        std::string id = t.id;
        for (int n = 2; ids.count(id); ++n)
            id = t.id + " (" + std::to_string(n) + ")";
        t.id = id;
        ids.insert(id);
    }
    std::vector<std::uint64_t> keys;
    for (std::size_t t = 0; t < newTracks.size(); ++t) {
        const std::string& label = newTracks[t].label;
        const auto fitIt = std::find(reference->labelNames.begin(), reference->labelNames.end(),
                                     label);
        fitLabels(Eigen::Index(t)) = label.empty() || fitIt == reference->labelNames.end()
                                         ? -1
                                         : int(fitIt - reference->labelNames.begin());
        auto it = std::find(labelNames.begin(), labelNames.end(), label);
        if (!label.empty() && it == labelNames.end()) {
            labelNames.push_back(label);
            it = labelNames.end() - 1;
        }
        newLabels(Eigen::Index(t)) = label.empty() ? -1 : int(it - labelNames.begin());
        keys.push_back(fnv1a64(newTracks[t].id));
    }
    const std::vector<RepresentationResult> placed =
        placeRows(*reference, run, newHybrid, fitLabels, keys, progress.sub(0.6, 1.0, "placing"));

    // 4. The extended run: kept rows in their order, then the new ones.
    const std::vector<Eigen::Index> kept = keptRows(keep);
    RunResult out = run;
    Dataset& nd = out.dataset;
    nd.tracks.clear();
    for (Eigen::Index i : kept) {
        nd.tracks.push_back(ds.tracks[std::size_t(i)]);
        if (const auto it = retagged.find(int(i)); it != retagged.end())
            nd.tracks.back().tags = found.tracks[std::size_t(it->second)].tags;
    }
    for (Track& t : newTracks)
        nd.tracks.push_back(std::move(t));
    nd.audio = stackRows(selectRows(ds.audio, kept), newAudio);
    if (ds.lyrics.cols() > 0)
        nd.lyrics = stackRows(selectRows(ds.lyrics, kept), newWords);
    else
        nd.lyrics = Matrix(Eigen::Index(nd.tracks.size()), 0);
    nd.hybrid = stackRows(selectRows(ds.hybrid, kept), newHybrid);
    nd.labelNames = labelNames;
    nd.labels = stackLabels(selectLabels(ds.labels, kept), newLabels);
    std::vector<int> lyricsRow;
    for (Eigen::Index i : kept)
        lyricsRow.push_back(std::size_t(i) < ds.pairing.lyricsRow.size()
                                ? ds.pairing.lyricsRow[std::size_t(i)]
                                : -1);
    lyricsRow.resize(nd.tracks.size(), -1);
    nd.pairing.lyricsRow = std::move(lyricsRow);
    nd.coverage = libraryCoverage(nd.tracks);
    // Where the labels come from, counted over every track now (on a copy: the tracks keep
    // the labels they were given).
    if (!nd.tracks.empty()) {
        std::vector<Track> relabelled = nd.tracks;
        nd.labelDescription = applyLabels(relabelled, ds.labelSource);
    }

    out.added.clear();
    for (Eigen::Index i : kept)
        out.added.push_back(run.isAdded(int(i)) ? 1 : 0);
    out.added.resize(nd.tracks.size(), 1);

    for (RepresentationResult& r : out.representations) {
        const auto p = std::find_if(placed.begin(), placed.end(),
                                    [&](const RepresentationResult& x) { return x.kind == r.kind; });
        if (p == placed.end()) {
            // Not trained: nothing to place; its (empty) results stay.
            continue;
        }
        r.codes = stackRows(selectRows(r.codes, kept), p->codes);
        for (std::size_t c = 0; c < r.clusterings.size() && c < p->clusterings.size(); ++c) {
            ClusteringResult& cr = r.clusterings[c];
            if (cr.labels.size() == 0)
                continue;
            cr.labels = stackLabels(selectLabels(cr.labels, kept), p->clusterings[c].labels);
        }
        for (std::size_t m = 0; m < r.maps.size() && m < p->maps.size(); ++m) {
            MapResult& mr = r.maps[m];
            if (!mr.ok)
                continue;
            mr.xy = stackRows(selectRows(mr.xy, kept), p->maps[m].xy);
        }
    }
    out.reference = reference;
    for (const Issue& issue : diagnostics.issues())
        out.issues.push_back(issue);
    out.stageSeconds["add"] = std::chrono::duration<double>(Clock::now() - start).count();

    rep.total = nd.size();
    rep.fitted = rep.total - out.addedCount();
    if (report)
        *report = rep;
    progress.report(1.0, "done");
    return out;
}

} // namespace atlas
