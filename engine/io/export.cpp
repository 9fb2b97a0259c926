// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/io/export.h"

#include "engine/core/atomic_file.h"
#include "engine/core/error.h"
#include "engine/data/csv.h"
#include "engine/data/feature_table.h"
#include "engine/data/npy.h"

#include <algorithm>

namespace fs = std::filesystem;

namespace atlas {

void writeFeatureCsv(const Dataset& ds, const fs::path& file)
{
    writeFileAtomically(file, [&](std::ostream& out) {
        CsvWriter csv(out);
        std::vector<std::string> header = {"track_id", "path", "label"};
        header.insert(header.end(), ds.audioNames.begin(), ds.audioNames.end());
        for (const std::string& term : ds.vocabulary)
            header.push_back("tfidf:" + term);
        // After the feature columns, so that readers of the earlier layout keep working.
        for (const char* name : {"title", "artist", "album", "year", "genre", "has_lyrics"})
            header.push_back(name);
        csv.row(header);
        // The TF-IDF is dense in ds.lyrics or sparse in ds.lyricsRows.
        const bool sparse = ds.lyricsRows.rows() > 0;
        const Eigen::Index lyricsCols = sparse ? ds.lyricsRows.cols : ds.lyrics.cols();
        std::vector<double> values(std::size_t(ds.audio.cols() + lyricsCols));
        // The matrices are column-major: a block of rows is transposed at a time so that each
        // row is read from contiguous memory (element by element, a 300,000-row table missed
        // the cache on every value).
        constexpr Eigen::Index Block = 256;
        Matrix audioRows, lyricsRows;
        for (int i = 0; i < ds.size(); ++i) {
            const Eigen::Index inBlock = i % Block;
            if (inBlock == 0) {
                const Eigen::Index rows = std::min<Eigen::Index>(Block, ds.size() - i);
                audioRows = ds.audio.middleRows(i, rows).transpose();
                lyricsRows = ds.lyrics.middleRows(i, rows).transpose();
            }
            const Track& t = ds.tracks[std::size_t(i)];
            std::size_t k = 0;
            for (Eigen::Index j = 0; j < ds.audio.cols(); ++j)
                values[k++] = audioRows(j, inBlock);
            if (sparse) {
                std::fill(values.begin() + std::ptrdiff_t(k), values.end(), 0.0);
                const SparseRows& rows = ds.lyricsRows;
                for (std::size_t e = rows.rowStart[std::size_t(i)];
                     e < rows.rowStart[std::size_t(i) + 1]; ++e)
                    values[k + std::size_t(rows.columns[e])] = rows.values[e];
            } else {
                for (Eigen::Index j = 0; j < ds.lyrics.cols(); ++j)
                    values[k++] = lyricsRows(j, inBlock);
            }
            const std::string year = t.tags.year > 0 ? std::to_string(t.tags.year) : "";
            csv.numbers(values, {t.id, t.path.string(), t.label},
                        {t.tags.title, t.tags.artist, t.tags.album, year, t.tags.genre(),
                         ds.hasLyrics(i) ? "1" : "0"});
        }
    }, "the feature table");
}

void writeFeatureNpy(const Dataset& ds, const fs::path& file, const Progress& progress)
{
    const bool sparse = ds.lyricsRows.rows() > 0;
    const Eigen::Index audioCols = ds.audio.cols();
    const Eigen::Index lyricsCols = sparse ? ds.lyricsRows.cols : ds.lyrics.cols();
    const Eigen::Index cols = audioCols + lyricsCols;
    writeFileAtomically(npyColumnsFile(file), [&](std::ostream& out) {
        for (const std::string& name : ds.audioNames)
            out << name << '\n';
        for (const std::string& term : ds.vocabulary)
            out << TfidfColumnPrefix << term << '\n';
    }, "the feature table's column names");
    writeFileAtomically(npyRowsFile(file), [&](std::ostream& out) {
        CsvWriter csv(out);
        csv.row({"track_id", "path", "label", "title", "artist", "album", "year", "genre",
                 "has_lyrics"});
        for (int i = 0; i < ds.size(); ++i) {
            const Track& t = ds.tracks[std::size_t(i)];
            csv.row({t.id, t.path.string(), t.label, t.tags.title, t.tags.artist, t.tags.album,
                     t.tags.year > 0 ? std::to_string(t.tags.year) : "", t.tags.genre(),
                     ds.hasLyrics(i) ? "1" : "0"});
        }
    }, "the feature table's rows");
    writeNpy(
        file, ds.size(), cols,
        [&](std::int64_t r0, std::int64_t n, double* out) {
            for (std::int64_t r = 0; r < n; ++r) {
                const Eigen::Index i = Eigen::Index(r0 + r);
                double* row = out + r * cols;
                for (Eigen::Index j = 0; j < audioCols; ++j)
                    row[j] = ds.audio(i, j);
                if (sparse) {
                    const SparseRows& s = ds.lyricsRows;
                    for (std::size_t e = s.rowStart[std::size_t(i)];
                         e < s.rowStart[std::size_t(i) + 1]; ++e)
                        row[audioCols + s.columns[e]] = s.values[e];
                } else {
                    for (Eigen::Index j = 0; j < lyricsCols; ++j)
                        row[audioCols + j] = ds.lyrics(i, j);
                }
            }
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
