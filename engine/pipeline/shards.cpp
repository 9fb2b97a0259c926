// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/pipeline/shards.h"

#include "engine/core/atomic_file.h"
#include "engine/core/error.h"
#include "engine/core/hash.h"
#include "engine/core/parallel.h"
#include "engine/core/user_file.h"
#include "engine/data/csv.h"
#include "engine/data/lyrics.h"
#include "engine/data/metadata.h"
#include "engine/data/pairing.h"
#include "engine/features/mfcc.h"
#include "engine/features/tfidf.h"
#include "engine/pipeline/dataset_internal.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstring>
#include <map>
#include <set>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include <fcntl.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace atlas {

namespace {

// The columns of a shard table around the audio statistics.
const std::vector<std::string> LeadingColumns = {"track_id", "path", "position", "status",
                                                 "reason"};
const std::vector<std::string> TrailingColumns = {
    "label", "folder", "genre", "title", "artist", "album_artist", "album", "year",
    "lyrics_source", "lyrics", "shard", "shard_tracks", "collection_tracks", "label_from",
    "use_audio", "use_lyrics", "analysis"};

// The shard table's columns, in the order of LeadingColumns then TrailingColumns (the audio
// statistics sit between them in the file; their places are looked up by name).
enum ShardColumn {
    ColTrackId, ColPath, ColPosition, ColStatus, ColReason,   // LeadingColumns
    ColLabel, ColFolder, ColGenre, ColTitle, ColArtist, ColAlbumArtist, ColAlbum, ColYear,
    ColLyricsSource, ColLyrics, ColShard, ColShardTracks, ColCollectionTracks, ColLabelFrom,
    ColUseAudio, ColUseLyrics, ColAnalysis,                   // TrailingColumns
    ShardColumnCount
};

std::vector<std::string> shardHeader(const DatasetConfig& cfg)
{
    std::vector<std::string> header = LeadingColumns;
    if (cfg.useAudio)
        for (const std::string& name : mfccFeatureNames(cfg.audio.mfcc.nMfcc))
            header.push_back(name);
    header.insert(header.end(), TrailingColumns.begin(), TrailingColumns.end());
    return header;
}

// Every parameter that changes a row of the merged table, as a short key the merge compares.
std::string analysisKey(const DatasetConfig& cfg, const fs::path& lyricsCsv)
{
    const TfidfConfig& t = cfg.tfidf;
    std::ostringstream text;
    text << audioCacheKey(cfg.audio) << "|tags=" << cfg.readTags << "|audio=" << cfg.useAudio
         << "|lyrics=" << cfg.useLyrics << "|labels=" << labelSourceKey(cfg.labelFrom)
         << "|tfidf=" << t.maxFeatures << "," << t.lowercase << "," << t.smoothIdf << ","
         << t.sublinearTf << "," << t.l2Normalise
         << "|lyrics_csv=" << lyricsCsv.filename().string();
    return hashHex(text.str());
}

std::string shardText(ShardSpec s)
{
    return std::to_string(s.index) + "/" + std::to_string(s.count);
}

template <class T>
std::optional<T> integer(std::string_view s)
{
    T v{};
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc() || end != s.data() + s.size())
        return std::nullopt;
    return v;
}

std::optional<LyricsSource> parseLyricsSource(std::string_view key)
{
    for (LyricsSource s : {LyricsSource::None, LyricsSource::Embedded, LyricsSource::Sidecar,
                           LyricsSource::Csv, LyricsSource::Manifest})
        if (key == lyricsSourceKey(s))
            return s;
    return std::nullopt;
}

// Appends bytes to `file` with one write and flushes them to the disk.
void appendDurably(const fs::path& file, const std::string& bytes)
{
    const int fd = ::open(file.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
    if (fd < 0)
        throw InputError(file.string() + ": cannot append to the shard table (" +
                         std::strerror(errno) + ")");
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            const int e = errno;
            ::close(fd);
            throw InputError(file.string() + ": cannot append to the shard table (" +
                             std::strerror(e) + ")");
        }
        done += std::size_t(n);
    }
    const bool synced = ::fsync(fd) == 0;
    const int e = errno;
    ::close(fd);
    if (!synced)
        throw InputError(file.string() + ": cannot write the shard table to the disk (" +
                         std::strerror(e) + ")");
}

std::string csvRows(const std::vector<std::vector<std::string>>& rows)
{
    std::ostringstream out;
    CsvWriter csv(out);
    for (const auto& r : rows)
        csv.row(r);
    return out.str();
}

} // namespace

std::optional<ShardSpec> parseShard(std::string_view text)
{
    const std::size_t slash = text.find('/');
    if (slash == std::string_view::npos)
        return std::nullopt;
    const auto index = integer<int>(text.substr(0, slash));
    const auto count = integer<int>(text.substr(slash + 1));
    if (!index || !count || *count < 1 || *index < 0 || *index >= *count)
        return std::nullopt;
    return ShardSpec{*index, *count};
}

int shardOf(const Track& track, int count)
{
    return count <= 1 ? 0 : int(fnv1a64(track.id) % std::uint64_t(count));
}

ShardReport extractShard(const DatasetConfig& cfgIn, ShardSpec shard, const fs::path& out,
                         Diagnostics& diagnostics, const Progress& progress)
{
    DatasetConfig cfg = cfgIn;
    cfg.featureTableOnly = true;
    requireValid(cfg.validate());
    if (shard.count < 1 || shard.index < 0 || shard.index >= shard.count)
        throw ConfigError("shard " + shardText(shard) + ": the index must be 0 to N - 1");
    if (!cfg.featuresFile.empty())
        throw ConfigError("a feature table is not extracted again: shards read audio");
    if (cfg.approximatePairing)
        throw ConfigError("approximate lyrics pairing attaches rows at random over the whole "
                          "collection, so it cannot be split into shards; give the lyrics CSV "
                          "a key column");
    ThreadScope threads(cfg.threads);
    ShardReport report;

    // 1. The collection, read and labelled as a whole run reads it; this shard's tracks.
    fs::path lyricsCsv;
    LabelSource resolved = LabelSource::Layout;
    Collection collection = detail::collectionOf(cfg, diagnostics, lyricsCsv, resolved,
                                                 progress.sub(0.0, 0.1, "collection"));
    report.collectionTracks = int(collection.tracks.size());
    std::vector<std::size_t> mine;
    for (std::size_t i = 0; i < collection.tracks.size(); ++i)
        if (shardOf(collection.tracks[i], shard.count) == shard.index)
            mine.push_back(i);
    report.shardTracks = int(mine.size());

    // 2. Lyrics: the CSV's rows paired by key (per track, so a shard pairs as the whole
    // collection does), else the files' own.
    std::vector<Track>& tracks = collection.tracks;
    if (!cfg.useLyrics) {
        for (Track& t : tracks) {
            t.lyricsSource = LyricsSource::None;
            t.lyrics.clear();
        }
    } else if (!lyricsCsv.empty() && !mine.empty()) {
        const LyricsTable table = loadLyrics(lyricsCsv, diagnostics, cfg.lyricsColumns);
        Collection part;
        for (std::size_t i : mine)
            part.tracks.push_back(tracks[i]);
        Diagnostics pairing;   // counts of rows matching no track of this shard: not news
        try {
            const Pairing p = pairLyrics(part, table, cfg.seed, pairing, false);
            for (std::size_t k = 0; k < mine.size(); ++k)
                if (const int r = p.lyricsRow[k]; r >= 0) {
                    tracks[mine[k]].lyrics = table.texts[std::size_t(r)];
                    tracks[mine[k]].lyricsSource = LyricsSource::Csv;
                }
        } catch (const InputError& e) {
            diagnostics.add(lyricsCsv, std::string("no row pairs with a track of shard ") +
                                           shardText(shard) + " (" + e.what() + ")");
        }
    }

    // 3. What the shard table holds already.
    const std::vector<std::string> header = shardHeader(cfg);
    const std::string key = analysisKey(cfg, lyricsCsv);
    std::unordered_set<std::string> done;
    std::error_code ec;
    if (fs::exists(out, ec)) {
        std::string bytes = readUserFileOrThrow(out, MaxCsvBytes);
        // A last row a killed job cut short: every whole row ends with ",<analysis key>\n"
        // (16 hexadecimal digits), so the table is kept up to the last such end.
        const auto rowEnd = [&](std::size_t at) {   // bytes[at] is a row's '\n'
            if (at < 17 || bytes[at] != '\n' || bytes[at - 17] != ',')
                return false;
            for (std::size_t k = at - 16; k < at; ++k)
                if (!std::isxdigit(static_cast<unsigned char>(bytes[k])))
                    return false;
            return true;
        };
        const std::size_t headerEnd = bytes.find('\n');
        std::size_t whole = bytes.size();
        if (headerEnd != std::string::npos && whole > headerEnd + 1 && !rowEnd(whole - 1)) {
            whole = headerEnd + 1;
            for (std::size_t at = bytes.size() - 1; at > headerEnd; --at)
                if (rowEnd(at)) {
                    whole = at + 1;
                    break;
                }
        }
        const bool cut = whole < bytes.size();
        bytes.resize(whole);
        Diagnostics ignored;
        CsvTable table = parseCsv(bytes, out, ignored);
        if (table.header != header)
            throw InputError(out.string() + ": is not a shard table of this analysis (its "
                             "columns differ); give another --out, or remove it to start over");
        const int keyColumn = table.column("analysis"), shardColumn = table.column("shard");
        for (std::size_t r = 0; r < table.rows.size(); ++r) {
            const auto& row = table.rows[r];
            if (row[std::size_t(keyColumn)] != key)
                throw InputError(table.where(r) + ": a row of other analysis parameters "
                                 "(excerpt, tags, labels or lyrics); give another --out, or "
                                 "remove the table to start over");
            if (row[std::size_t(shardColumn)] != shardText(shard))
                throw InputError(table.where(r) + ": a row of shard " +
                                 row[std::size_t(shardColumn)] + ", not " + shardText(shard));
            done.insert(row[0]);
        }
        report.alreadyDone = int(done.size());
        if (cut) {
            writeFileAtomically(out, [&](std::ostream& s) { s << bytes; }, "the shard table");
            diagnostics.add(out, "its last row was cut short (a job stopped while writing); "
                                 "that track is analysed again");
        }
    } else {
        writeFileAtomically(out, [&](std::ostream& s) { s << csvRows({header}); },
                            "the shard table");
    }

    // 4. The rest, in batches appended as they finish: a killed job loses one batch.
    std::vector<std::size_t> todo;
    for (std::size_t i : mine)
        if (!done.count(tracks[i].id))
            todo.push_back(i);
    const std::size_t batch = std::size_t(std::max(32, 16 * maxThreads()));
    const std::string shardName = shardText(shard);
    // One feature cache for the whole shard, saved about once a minute and at the end (a
    // save merges with what other shards saved, so it reads and writes the whole file).
    FeatureCache cache = detail::featureCacheOf(cfg);
    CacheStats stats;
    auto lastSave = std::chrono::steady_clock::now();
    struct SaveAtExit {
        FeatureCache& cache;
        Diagnostics& diagnostics;
        ~SaveAtExit() { detail::saveFeatureCache(cache, diagnostics); }
    } saveAtExit{cache, diagnostics};
    for (std::size_t start = 0; start < todo.size(); start += batch) {
        progress.throwIfCancelled();
        if (std::chrono::steady_clock::now() - lastSave > std::chrono::minutes(1)) {
            detail::saveFeatureCache(cache, diagnostics);
            lastSave = std::chrono::steady_clock::now();
        }
        const std::size_t end = std::min(todo.size(), start + batch);
        std::vector<Track> part;
        for (std::size_t k = start; k < end; ++k)
            part.push_back(tracks[todo[k]]);
        Diagnostics local;
        const Matrix audio =
            cfg.useAudio
                ? detail::analyseAudioOf(part, cfg, cache, local, stats,
                                         progress.sub(0.1 + 0.9 * double(start) / todo.size(),
                                                      0.1 + 0.9 * double(end) / todo.size(),
                                                      "audio features"))
                : Matrix(Eigen::Index(part.size()), 0);
        std::unordered_map<std::string, std::string> reasons;
        for (const Issue& issue : local.issues()) {
            diagnostics.add(issue);
            reasons.emplace(issue.file.string(), issue.reason);
        }
        std::ostringstream bytes;
        CsvWriter csv(bytes);
        std::vector<double> values;
        for (std::size_t k = 0; k < part.size(); ++k) {
            const Track& t = part[k];
            const bool ok = audio.row(Eigen::Index(k)).allFinite();
            const auto why = reasons.find(t.path.string());
            std::string reason = why != reasons.end() ? why->second : std::string();
            if (!ok && reason.empty())
                reason = "the audio could not be analysed";
            report.failed += !ok;
            values.clear();
            for (Eigen::Index j = 0; j < audio.cols(); ++j)
                values.push_back(ok ? audio(Eigen::Index(k), j) : 0.0);
            std::vector<std::string> leading = {t.id, t.path.string(),
                                                std::to_string(todo[start + k]),
                                                ok ? "ok" : "failed", reason};
            std::vector<std::string> trailing = {
                t.layoutLabel, t.folder, t.tags.genre(), t.tags.title, t.tags.artist,
                t.tags.albumArtist, t.tags.album,
                t.tags.year > 0 ? std::to_string(t.tags.year) : std::string(),
                lyricsSourceKey(t.lyricsSource), t.lyrics, shardName,
                std::to_string(report.shardTracks), std::to_string(report.collectionTracks),
                labelSourceKey(cfg.labelFrom), cfg.useAudio ? "1" : "0",
                cfg.useLyrics ? "1" : "0", key};
            // The numbers as the feature table writes them; none for a failed file.
            std::vector<std::string> row = std::move(leading);
            for (double v : values)
                row.push_back(ok ? csvNumber(v) : std::string());
            row.insert(row.end(), trailing.begin(), trailing.end());
            csv.row(row);
        }
        appendDurably(out, bytes.str());
        report.analysed += int(part.size());
    }
    progress.report(1.0);
    return report;
}

Dataset mergeShards(const std::vector<fs::path>& files, Diagnostics& diagnostics,
                    MergeReport* reportOut, const Progress& progress)
{
    if (files.empty())
        throw ConfigError("merge: no shard tables given");
    MergeReport report;
    struct Row {
        std::size_t position = 0;
        Track track;
        bool ok = false;
        std::string reason;
        std::vector<double> audio;
    };
    std::vector<Row> rows;
    std::unordered_set<std::string> seen;
    std::map<int, int> rowsOfShard, tracksOfShard;
    std::string key, labelFrom, useAudio, useLyrics;
    std::vector<std::string> audioNames;
    int collectionTracks = 0;
    fs::path first;
    for (std::size_t f = 0; f < files.size(); ++f) {
        progress.throwIfCancelled();
        const fs::path& file = files[f];
        const CsvTable table = readCsv(file, diagnostics);
        // Each column's place, looked up once.
        std::array<int, ShardColumnCount> col{};
        for (int c = 0; c < ShardColumnCount; ++c) {
            const std::string& name = c < int(LeadingColumns.size())
                                          ? LeadingColumns[std::size_t(c)]
                                          : TrailingColumns[std::size_t(c) - LeadingColumns.size()];
            col[std::size_t(c)] = table.column(name);
            if (col[std::size_t(c)] < 0)
                throw InputError(file.string() + ": not a shard table (no \"" + name +
                                 "\" column; shard tables are written by features --shard)");
        }
        std::vector<int> audioCols;
        std::vector<std::string> names;
        for (std::size_t j = 0; j < table.header.size(); ++j)
            if (table.header[j].rfind("mfcc_", 0) == 0) {
                audioCols.push_back(int(j));
                names.push_back(table.header[j]);
            }
        ++report.shardFiles;
        if (table.rows.empty()) {
            report.notes.push_back(file.filename().string() + ": no tracks yet");
            continue;
        }
        const auto cell = [&](std::size_t r, ShardColumn c) -> const std::string& {
            return table.rows[r][std::size_t(col[std::size_t(c)])];
        };
        if (first.empty()) {
            first = file;
            key = cell(0, ColAnalysis);
            labelFrom = cell(0, ColLabelFrom);
            useAudio = cell(0, ColUseAudio);
            useLyrics = cell(0, ColUseLyrics);
            audioNames = names;
            if (const auto s = parseShard(cell(0, ColShard)))
                report.shardCount = s->count;
        }
        if (names != audioNames)
            throw InputError(file.string() + ": its audio columns differ from those of " +
                             first.filename().string());
        for (std::size_t r = 0; r < table.rows.size(); ++r) {
            const auto spec = parseShard(cell(r, ColShard));
            if (cell(r, ColAnalysis) != key || cell(r, ColLabelFrom) != labelFrom ||
                cell(r, ColUseAudio) != useAudio || cell(r, ColUseLyrics) != useLyrics)
                throw InputError(table.where(r) + ": made with other analysis parameters than " +
                                 first.filename().string() +
                                 " (excerpt, tags, labels or lyrics): shards of one table "
                                 "must be extracted alike");
            if (!spec || spec->count != report.shardCount)
                throw InputError(table.where(r) + ": shard \"" + cell(r, ColShard) +
                                 "\" is not one of " + std::to_string(report.shardCount) +
                                 " like those of " + first.filename().string());
            const auto position = integer<std::size_t>(cell(r, ColPosition));
            const auto shardTracks = integer<int>(cell(r, ColShardTracks));
            const auto total = integer<int>(cell(r, ColCollectionTracks));
            const auto source = parseLyricsSource(cell(r, ColLyricsSource));
            const std::string& status = cell(r, ColStatus);
            if (!position || !shardTracks || !total || !source ||
                (status != "ok" && status != "failed")) {
                diagnostics.add(table.where(r), "a damaged shard row (position, counts, status "
                                                "or lyrics source unreadable); left out");
                continue;
            }
            tracksOfShard[spec->index] = *shardTracks;
            collectionTracks = std::max(collectionTracks, *total);
            const std::string& id = cell(r, ColTrackId);
            if (!seen.insert(id).second) {
                ++report.duplicates;
                continue;
            }
            Row row;
            row.position = *position;
            row.ok = status == "ok";
            row.reason = cell(r, ColReason);
            if (row.ok) {
                for (int j : audioCols) {
                    double v = 0.0;
                    const std::string& text = table.rows[r][std::size_t(j)];
                    const auto [end, ec] =
                        std::from_chars(text.data(), text.data() + text.size(), v);
                    if (ec != std::errc() || end != text.data() + text.size() ||
                        !std::isfinite(v)) {
                        row.ok = false;
                        row.reason = "its audio statistics in " + file.filename().string() +
                                     " are damaged (\"" + messageExcerpt(text, 30) + "\")";
                        break;
                    }
                    row.audio.push_back(v);
                }
            }
            Track& t = row.track;
            t.id = id;
            t.path = fs::u8path(cell(r, ColPath));
            t.layoutLabel = cell(r, ColLabel);
            t.folder = cell(r, ColFolder);
            if (!cell(r, ColGenre).empty())
                t.tags.genres.push_back(cell(r, ColGenre));
            t.tags.title = cell(r, ColTitle);
            t.tags.artist = cell(r, ColArtist);
            t.tags.albumArtist = cell(r, ColAlbumArtist);
            t.tags.album = cell(r, ColAlbum);
            t.tags.year = integer<int>(cell(r, ColYear)).value_or(0);
            t.lyricsSource = *source;
            t.lyrics = cell(r, ColLyrics);
            ++rowsOfShard[spec->index];
            rows.push_back(std::move(row));
        }
    }
    if (rows.empty())
        throw InputError(files.front().string() + (files.size() > 1 ? " and the others" : "") +
                         ": no tracks in the shard tables");

    // What is missing: shards without a table, shards not finished.
    int present = 0;
    for (int k = 0; k < report.shardCount; ++k) {
        const auto n = rowsOfShard.find(k);
        const auto of = tracksOfShard.find(k);
        if (n == rowsOfShard.end()) {
            report.notes.push_back("shard " + std::to_string(k) + "/" +
                                   std::to_string(report.shardCount) +
                                   ": no table given (its tracks are missing)");
            continue;
        }
        present += n->second;
        if (of != tracksOfShard.end() && n->second < of->second)
            report.notes.push_back("shard " + std::to_string(k) + "/" +
                                   std::to_string(report.shardCount) + ": " +
                                   std::to_string(n->second) + " of " +
                                   std::to_string(of->second) +
                                   " tracks (run it again to finish it)");
    }
    report.missing = std::max(0, collectionTracks - present);
    for (const std::string& note : report.notes)
        diagnostics.add(first, note);
    if (report.missing > 0)
        diagnostics.add(first, std::to_string(report.missing) + " of " +
                                   std::to_string(collectionTracks) +
                                   " tracks of the collection are in no shard table");

    // The collection's order; labels chosen over every track found, as one process does.
    std::stable_sort(rows.begin(), rows.end(),
                     [](const Row& a, const Row& b) { return a.position < b.position; });
    std::vector<Track> all;
    all.reserve(rows.size());
    for (const Row& r : rows)
        all.push_back(r.track);
    const auto labelSource = parseLabelSource(labelFrom);
    if (!labelSource)
        throw InputError(first.string() + ": unknown label source \"" + labelFrom + "\"");
    LabelSource resolved = LabelSource::Layout;
    applyLabels(all, *labelSource, &resolved);

    Dataset ds;
    ds.layout = CollectionLayout::Manifest;
    ds.source = first.parent_path();
    ds.labelSource = resolved;
    std::vector<const Row*> kept;
    for (const Row& r : rows) {
        if (!r.reason.empty())
            diagnostics.add(r.track.path, r.reason);
        if (r.ok)
            kept.push_back(&r);
        else
            ++report.failed;
    }
    report.tracks = int(rows.size());
    if (kept.empty())
        throw InputError(first.string() + ": every track in the shard tables failed");
    const Eigen::Index n = Eigen::Index(kept.size());
    ds.audio.resize(n, useAudio == "1" ? Eigen::Index(audioNames.size()) : 0);
    for (Eigen::Index i = 0; i < n; ++i) {
        ds.tracks.push_back(kept[std::size_t(i)]->track);
        for (Eigen::Index j = 0; j < ds.audio.cols(); ++j)
            ds.audio(i, j) = kept[std::size_t(i)]->audio[std::size_t(j)];
    }
    ds.audioUsed = ds.audio.cols() > 0;
    if (ds.audioUsed)
        ds.audioNames = audioNames;
    ds.labelDescription = applyLabels(ds.tracks, resolved);
    ds.labels = detail::labelIndices(ds.tracks, ds.labelNames);

    // TF-IDF on the merged tracks' lyrics, as one process fits it.
    const bool anyLyrics = std::any_of(ds.tracks.begin(), ds.tracks.end(), [](const Track& t) {
        return t.lyricsSource != LyricsSource::None;
    });
    if (useLyrics == "1" && anyLyrics) {
        std::vector<std::string_view> texts;
        for (const Track& t : ds.tracks)
            texts.emplace_back(t.lyrics);
        try {
            TfidfVectorizer vectorizer{TfidfConfig{}};
            ds.lyricsRows = vectorizer.fitTransformSparse(texts);
            ds.vocabulary = vectorizer.vocabulary();
            ds.lyricsUsed = !ds.vocabulary.empty();
        } catch (const InputError& e) {
            diagnostics.add(first, std::string("the lyrics give no TF-IDF terms (") + e.what() +
                                       "); the table has audio features only");
        }
    }
    if (!ds.lyricsUsed)
        ds.lyricsRows = SparseRows();
    ds.lyrics = Matrix(n, 0);
    progress.report(1.0);
    if (reportOut)
        *reportOut = report;
    return ds;
}

} // namespace atlas
