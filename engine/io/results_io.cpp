// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/io/results_io.h"

#include "engine/audio/ffmpeg_decoder.h"
#include "engine/core/atomic_file.h"
#include "engine/core/error.h"
#include "engine/data/csv.h"
#include "engine/data/metadata.h"
#include "engine/metrics/metric_names.h"

#include <Eigen/Core>
#include <fftw3.h>
#include <sndfile.h>
#include <soxr.h>

#include <cmath>
#include <cstdio>
#include <set>
#include <sstream>

namespace fs = std::filesystem;

namespace atlas {

namespace {

// Each file replaces its predecessor as a whole; a cancelled run stops between files, so
// the files already written are whole and the others are still the previous run's.
template <class Body>
fs::path writeFile(const Progress& progress, const fs::path& file, Body&& body)
{
    progress.throwIfCancelled();
    writeFileAtomically(file, std::forward<Body>(body));
    return file;
}

// Empty field for undefined values: NaN in a metrics table means "not defined".
std::string metric(double v) { return std::isfinite(v) ? csvNumber(v) : std::string(); }

std::string jsonString(std::string_view s)
{
    std::string out = "\"";
    for (unsigned char c : s) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (c < 0x20) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", c);
                out += buf;
            } else {
                out += char(c);
            }
        }
    }
    return out + "\"";
}

std::string jsonNumber(double v) { return std::isfinite(v) ? csvNumber(v) : "null"; }

} // namespace

std::vector<std::pair<std::string, std::string>> libraryVersions()
{
    char eigen[32];
    std::snprintf(eigen, sizeof eigen, "%d.%d.%d", EIGEN_WORLD_VERSION, EIGEN_MAJOR_VERSION,
                  EIGEN_MINOR_VERSION);
    return {{"musicatlas-engine", "0.1.0"},
            {"eigen", eigen},
            {"fftw", fftwf_version},
            {"libsndfile", sf_version_string()},
            {"soxr", soxr_version()},
            {"ffmpeg", detail::ffmpegVersion()},
            {"taglib", tagLibVersion()},
            {"compiler", __VERSION__}};
}

std::vector<ClusteringMetricsRow> clusteringMetricsRows(const RunResult& run)
{
    std::vector<ClusteringMetricsRow> rows;
    for (const RepresentationResult& rep : run.representations)
        for (Clustering kind : AllClusterings)
            rows.push_back({rep.method + "_" + clusteringKey(kind), rep.clustering(kind)});
    return rows;
}

fs::path writeClusteringMetrics(const fs::path& file, const std::vector<ClusteringMetricsRow>& rows)
{
    return writeFile({}, file, [&](std::ostream& out) {
        CsvWriter csv(out);
        std::vector<std::string> header = {"method"};
        for (Metric m : AllMetrics)
            header.push_back(metricKey(m));
        header.push_back("n_clusters");
        header.push_back("noise_fraction");
        csv.row(header);
        for (const ClusteringMetricsRow& row : rows) {
            std::vector<std::string> fields = {row.method};
            const ClusteringResult* c = row.clustering;
            const bool ok = c && c->ok;
            for (Metric m : AllMetrics)
                fields.push_back(ok ? metric(metricValue(c->scores, m)) : std::string());
            fields.push_back(ok ? std::to_string(c->scores.nClusters) : std::string());
            fields.push_back(ok ? metric(c->scores.noiseFraction) : std::string());
            csv.row(fields);
        }
    });
}

fs::path writeIssues(const fs::path& file, const std::vector<Issue>& issues)
{
    return writeFile({}, file, [&](std::ostream& out) {
        CsvWriter csv(out);
        csv.row({"path", "reason"});
        for (const Issue& issue : issues)
            csv.row({issue.file.string(), issue.reason});
    });
}

std::vector<fs::path> writeRunTables(const RunResult& run, const fs::path& dir,
                                     const Progress& progress)
{
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec)
        throw InputError(dir.string() + ": cannot create the output folder (" + ec.message() + ")");
    const Dataset& ds = run.dataset;
    std::vector<fs::path> written;

    progress.throwIfCancelled();
    written.push_back(writeClusteringMetrics(dir / "clustering_metrics.csv",
                                             clusteringMetricsRows(run)));

    written.push_back(writeFile(progress, dir / "latent.csv", [&](std::ostream& out) {
        CsvWriter csv(out);
        Eigen::Index width = 0;
        for (const RepresentationResult& rep : run.representations)
            width = std::max(width, rep.codes.cols());
        std::vector<std::string> header = {"track_id", "representation"};
        for (Eigen::Index j = 0; j < width; ++j) {
            char name[16];
            std::snprintf(name, sizeof name, "z_%02d", int(j));
            header.push_back(name);
        }
        csv.row(header);
        for (const RepresentationResult& rep : run.representations) {
            if (!rep.ok)
                continue;
            for (Eigen::Index i = 0; i < rep.codes.rows(); ++i) {
                std::vector<std::string> row = {ds.tracks[std::size_t(i)].id,
                                                representationKey(rep.kind)};
                for (Eigen::Index j = 0; j < width; ++j)
                    row.push_back(j < rep.codes.cols() ? csvNumber(rep.codes(i, j)) : "");
                csv.row(row);
            }
        }
    }));

    written.push_back(writeFile(progress, dir / "embeddings.csv", [&](std::ostream& out) {
        CsvWriter csv(out);
        csv.row({"track_id", "path", "label", "representation", "map", "x", "y",
                 "cluster_kmeans", "cluster_agglomerative", "cluster_dbscan", "has_lyrics",
                 "title", "artist", "album", "year", "genre"});
        for (const RepresentationResult& rep : run.representations) {
            for (const MapResult& m : rep.maps) {
                if (!m.ok)
                    continue;
                for (Eigen::Index i = 0; i < m.xy.rows(); ++i) {
                    const Track& t = ds.tracks[std::size_t(i)];
                    std::vector<std::string> row = {t.id, t.path.string(), t.label,
                                                    representationKey(rep.kind), mapKey(m.kind),
                                                    csvNumber(m.xy(i, 0)), csvNumber(m.xy(i, 1))};
                    for (Clustering kind : AllClusterings) {
                        const ClusteringResult* c = rep.clustering(kind);
                        row.push_back(c && c->ok ? std::to_string(c->labels(i)) : "");
                    }
                    row.push_back(ds.hasLyrics(int(i)) ? "1" : "0");
                    row.push_back(t.tags.title);
                    row.push_back(t.tags.artist);
                    row.push_back(t.tags.album);
                    row.push_back(t.tags.year > 0 ? std::to_string(t.tags.year) : "");
                    row.push_back(t.tags.genre());
                    csv.row(row);
                }
            }
        }
    }));

    written.push_back(writeFile(progress, dir / "training_history.csv", [&](std::ostream& out) {
        CsvWriter csv(out);
        csv.row({"representation", "epoch", "loss", "reconstruction", "kl"});
        for (const RepresentationResult& rep : run.representations)
            for (const EpochReport& e : rep.history)
                csv.row({representationKey(rep.kind), std::to_string(e.epoch), csvNumber(e.loss),
                         csvNumber(e.reconstruction), csvNumber(e.kl)});
    }));

    progress.throwIfCancelled();
    written.push_back(writeIssues(dir / "issues.csv", run.issues));

    written.push_back(writeFile(progress, dir / "run.json", [&](std::ostream& out) {
        const PipelineConfig& c = run.config;
        out << "{\n  \"format\": \"musicatlas-run/1\",\n";
        out << "  \"config\": {\n";
        out << "    \"source\": " << jsonString(ds.source.string()) << ",\n";
        out << "    \"layout\": " << jsonString(layoutName(ds.layout)) << ",\n";
        out << "    \"demo\": " << (c.data.demo ? "true" : "false") << ",\n";
        out << "    \"lyrics_csv\": " << jsonString(c.data.lyricsCsv.string()) << ",\n";
        out << "    \"use_audio\": " << (c.data.useAudio ? "true" : "false") << ",\n";
        out << "    \"use_lyrics\": " << (c.data.useLyrics ? "true" : "false") << ",\n";
        out << "    \"offset_s\": " << jsonNumber(c.data.audio.decode.offset) << ",\n";
        out << "    \"excerpt\": " << jsonString(excerptPositionKey(c.data.audio.decode.excerpt))
            << ",\n";
        out << "    \"label_from\": " << jsonString(labelSourceKey(c.data.labelFrom)) << ",\n";
        out << "    \"fusion\": " << jsonString(fusionKey(c.data.fusion)) << ",\n";
        out << "    \"audio_weight\": " << jsonNumber(c.data.audioWeight) << ",\n";
        out << "    \"approximate_pairing\": " << (c.data.approximatePairing ? "true" : "false")
            << ",\n";
        out << "    \"duration_s\": " << jsonNumber(c.data.audio.decode.duration) << ",\n";
        out << "    \"tfidf_max_features\": " << c.data.tfidf.maxFeatures << ",\n";
        out << "    \"representations\": [";
        for (std::size_t i = 0; i < c.representations.size(); ++i)
            out << (i ? ", " : "") << jsonString(representationKey(c.representations[i]));
        out << "],\n";
        out << "    \"latent_dim\": " << c.latentDim << ",\n";
        out << "    \"epochs\": " << c.epochs << ",\n";
        out << "    \"early_stop\": " << jsonString(earlyStopKey(c.earlyStop)) << ",\n";
        out << "    \"early_stop_epoch_tracks\": " << c.earlyStopEpochTracks << ",\n";
        out << "    \"batch_size\": " << c.batchSize << ",\n";
        out << "    \"hidden\": [";
        for (std::size_t i = 0; i < c.hidden.size(); ++i)
            out << (i ? ", " : "") << c.hidden[i];
        out << "],\n";
        out << "    \"learning_rate\": " << jsonNumber(c.learningRate) << ",\n";
        out << "    \"vae_beta\": " << jsonNumber(c.vaeBeta) << ",\n";
        out << "    \"betavae_beta\": " << jsonNumber(c.betaVaeBeta) << ",\n";
        out << "    \"kl_warmup_epochs\": " << c.klWarmupEpochs << ",\n";
        out << "    \"free_bits\": " << jsonNumber(c.freeBits) << ",\n";
        out << "    \"clusters\": " << c.clusters << ",\n";
        out << "    \"dbscan_eps\": " << jsonNumber(c.dbscanEps) << ",\n";
        out << "    \"dbscan_min_samples\": " << c.dbscanMinSamples << ",\n";
        out << "    \"maps\": " << (c.maps ? "true" : "false") << ",\n";
        out << "    \"seed\": " << c.seed << ",\n";
        out << "    \"threads\": " << c.threads << "\n  },\n";
        out << "  \"dataset\": {\n";
        out << "    \"tracks\": " << ds.size() << ",\n";
        // Tracks placed after the fit by `add` (no retraining): the metrics are of the others.
        out << "    \"tracks_fitted\": " << ds.size() - run.addedCount() << ",\n";
        out << "    \"tracks_added\": " << run.addedCount() << ",\n";
        out << "    \"audio_columns\": " << ds.audio.cols() << ",\n";
        out << "    \"lyrics_columns\": " << ds.lyrics.cols() << ",\n";
        out << "    \"labels\": [";
        for (std::size_t i = 0; i < ds.labelNames.size(); ++i)
            out << (i ? ", " : "") << jsonString(ds.labelNames[i]);
        out << "],\n";
        out << "    \"pairing\": " << jsonString(ds.pairing.description) << ",\n";
        out << "    \"pairing_approximate\": " << (ds.pairing.approximate() ? "true" : "false")
            << ",\n";
        out << "    \"label_source\": " << jsonString(labelSourceKey(ds.labelSource)) << ",\n";
        out << "    \"labels_from\": " << jsonString(ds.labelDescription) << ",\n";
        const LibraryCoverage& cov = ds.coverage;
        out << "    \"coverage\": {\"tracks\": " << cov.tracks << ", \"formats\": {";
        bool firstFormat = true;
        for (const auto& [format, count] : cov.formats) {
            out << (firstFormat ? "" : ", ") << jsonString(format) << ": " << count;
            firstFormat = false;
        }
        out << "}, \"tags\": {\"title\": " << cov.title << ", \"artist\": " << cov.artist
            << ", \"album\": " << cov.album << ", \"genre\": " << cov.genre
            << ", \"year\": " << cov.year << ", \"track_number\": " << cov.trackNumber
            << "}, \"lyrics\": {\"embedded\": " << cov.lyricsEmbedded
            << ", \"sidecar\": " << cov.lyricsSidecar << ", \"csv\": " << cov.lyricsCsv
            << ", \"manifest\": " << cov.lyricsManifest << ", \"none\": " << cov.lyricsNone
            << "}},\n";
        out << "    \"audio_scale\": " << jsonNumber(ds.audioScale) << ",\n";
        out << "    \"lyrics_scale\": " << jsonNumber(ds.lyricsScale) << ",\n";
        out << "    \"tags_from_cache\": " << ds.metadata.fromCache << ",\n";
        out << "    \"tags_read\": " << ds.metadata.read << ",\n";
        out << "    \"features_from_cache\": " << ds.cache.hits << ",\n";
        out << "    \"features_computed\": " << ds.cache.decoded << "\n  },\n";
        out << "  \"representations\": [\n";
        for (std::size_t i = 0; i < run.representations.size(); ++i) {
            const RepresentationResult& r = run.representations[i];
            out << "    {\"key\": " << jsonString(representationKey(r.kind))
                << ", \"method\": " << jsonString(r.method) << ", \"ok\": "
                << (r.ok ? "true" : "false") << ", \"error\": " << jsonString(r.error)
                << ", \"active_dimensions\": " << r.activeDimensions
                << ", \"epochs_trained\": " << r.history.size()
                << ", \"best_epoch\": " << r.bestEpoch << ", \"dbscan_eps\": "
                << jsonNumber(r.clustering(Clustering::Dbscan)
                                  ? r.clustering(Clustering::Dbscan)->dbscanEps
                                  : NAN)
                << "}" << (i + 1 < run.representations.size() ? "," : "") << "\n";
        }
        out << "  ],\n  \"issues\": " << run.issues.size() << ",\n";
        out << "  \"libraries\": {";
        const auto versions = libraryVersions();
        for (std::size_t i = 0; i < versions.size(); ++i)
            out << (i ? ", " : "") << jsonString(versions[i].first) << ": "
                << jsonString(versions[i].second);
        out << "},\n  \"timings_s\": {";
        bool first = true;
        for (const auto& [stage, seconds] : run.stageSeconds) {
            out << (first ? "" : ", ") << jsonString(stage) << ": " << jsonNumber(seconds);
            first = false;
        }
        out << "},\n  \"total_s\": " << jsonNumber(run.totalSeconds) << "\n}\n";
    }));
    return written;
}

std::size_t removeStaleFigures(const fs::path& dir, const std::vector<fs::path>& written)
{
    std::set<fs::path> keep;
    for (const fs::path& f : written)
        keep.insert(f.lexically_normal());
    std::size_t removed = 0;
    for (const char* name : FigureFolders) {
        const fs::path folder = dir / name;
        std::error_code ec;
        if (!fs::is_directory(folder, ec))
            continue;
        std::vector<fs::path> stale;
        for (const auto& entry : fs::directory_iterator(folder, ec))
            if (entry.path().extension() == ".png" && entry.is_regular_file(ec) &&
                !keep.count(entry.path().lexically_normal()))
                stale.push_back(entry.path());
        for (const fs::path& f : stale) {
            if (!fs::remove(f, ec) && ec)
                throw InputError(f.string() + ": cannot remove this figure of an earlier run (" +
                                 ec.message() + ")");
            ++removed;
        }
        if (fs::is_empty(folder, ec) && !ec)
            fs::remove(folder, ec);
    }
    return removed;
}

} // namespace atlas
