// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/io/export.h"

#include "engine/core/atomic_file.h"
#include "engine/core/error.h"
#include "engine/data/csv.h"
#include "engine/data/feature_table.h"
#include "engine/data/npy.h"

#include <algorithm>
#include <array>
#include <iterator>

namespace fs = std::filesystem;

namespace atlas {

namespace {

// The feature columns' names: the audio statistics, then "tfidf:<term>".
std::vector<std::string> featureColumns(const Dataset& ds)
{
    std::vector<std::string> names = ds.audioNames;
    for (const std::string& term : ds.vocabulary)
        names.push_back(std::string(TfidfColumnPrefix) + term);
    return names;
}

// Rows first .. first + count - 1 of the features, audio then TF-IDF (dense in ds.lyrics or
// sparse in ds.lyricsRows), into `out` row after row. The matrices are column-major: a block
// of rows is transposed at once so that each row is written from contiguous memory (element
// by element, a 300,000-row table missed the cache on every value).
void featureRows(const Dataset& ds, Eigen::Index first, Eigen::Index count, double* out)
{
    const bool sparse = ds.lyricsRows.rows() > 0;
    const Eigen::Index audio = ds.audio.cols();
    const Eigen::Index lyrics = sparse ? ds.lyricsRows.cols : ds.lyrics.cols();
    Eigen::Map<Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>> rows(
        out, count, audio + lyrics);
    rows.leftCols(audio) = ds.audio.middleRows(first, count);
    if (!sparse) {
        rows.rightCols(lyrics) = ds.lyrics.middleRows(first, count);
        return;
    }
    rows.rightCols(lyrics).setZero();
    const SparseRows& s = ds.lyricsRows;
    for (Eigen::Index r = 0; r < count; ++r)
        for (std::size_t e = s.rowStart[std::size_t(first + r)];
             e < s.rowStart[std::size_t(first + r) + 1]; ++e)
            rows(r, audio + s.columns[e]) = s.values[e];
}

// The cells of TrailingTableColumns: title, artist, album, year, genre, has_lyrics.
std::array<std::string, std::size(TrailingTableColumns)> trackCells(const Dataset& ds, int i)
{
    const Track& t = ds.tracks[std::size_t(i)];
    return {t.tags.title, t.tags.artist, t.tags.album,
            t.tags.year > 0 ? std::to_string(t.tags.year) : std::string(), t.tags.genre(),
            ds.hasLyrics(i) ? "1" : "0"};
}

} // namespace

void writeFeatureCsv(const Dataset& ds, const fs::path& file)
{
    writeFileAtomically(file, [&](std::ostream& out) {
        CsvWriter csv(out);
        const std::vector<std::string> columns = featureColumns(ds);
        std::vector<std::string> header = {"track_id", "path", "label"};
        header.insert(header.end(), columns.begin(), columns.end());
        // After the feature columns, so that readers of the earlier layout keep working.
        header.insert(header.end(), std::begin(TrailingTableColumns),
                      std::end(TrailingTableColumns));
        csv.row(header);
        const std::size_t width = columns.size();
        constexpr Eigen::Index Block = 256;
        std::vector<double> block, values(width);
        for (int i0 = 0; i0 < ds.size(); i0 += int(Block)) {
            const Eigen::Index n = std::min<Eigen::Index>(Block, ds.size() - i0);
            block.resize(std::size_t(n) * width);
            featureRows(ds, i0, n, block.data());
            for (Eigen::Index r = 0; r < n; ++r) {
                const int i = i0 + int(r);
                const Track& t = ds.tracks[std::size_t(i)];
                std::copy_n(block.begin() + std::ptrdiff_t(std::size_t(r) * width), width,
                            values.begin());
                const auto c = trackCells(ds, i);
                csv.numbers(values, {t.id, t.path.string(), t.label},
                            {c[0], c[1], c[2], c[3], c[4], c[5]});
            }
        }
    }, "the feature table");
}

void writeFeatureNpy(const Dataset& ds, const fs::path& file, const Progress& progress)
{
    const std::vector<std::string> columns = featureColumns(ds);
    writeFileAtomically(npyColumnsFile(file), [&](std::ostream& out) {
        for (const std::string& name : columns)
            out << name << '\n';
    }, "the feature table's column names");
    writeFileAtomically(npyRowsFile(file), [&](std::ostream& out) {
        CsvWriter csv(out);
        std::vector<std::string> header = {"track_id", "path", "label"};
        header.insert(header.end(), std::begin(TrailingTableColumns),
                      std::end(TrailingTableColumns));
        csv.row(header);
        for (int i = 0; i < ds.size(); ++i) {
            const Track& t = ds.tracks[std::size_t(i)];
            const auto c = trackCells(ds, i);
            csv.row({t.id, t.path.string(), t.label, c[0], c[1], c[2], c[3], c[4], c[5]});
        }
    }, "the feature table's rows");
    writeNpy(
        file, ds.size(), std::int64_t(columns.size()),
        [&](std::int64_t first, std::int64_t count, double* out) {
            featureRows(ds, Eigen::Index(first), Eigen::Index(count), out);
        },
        progress);
}

void writeIssuesCsv(const std::vector<Issue>& issues, const fs::path& file)
{
    writeFileAtomically(file, [&](std::ostream& out) {
        CsvWriter csv(out);
        csv.row({"path", "reason"});
        for (const Issue& issue : issues)
            csv.row({issue.file.string(), issue.reason});
    }, "the issues table");
}

} // namespace atlas
