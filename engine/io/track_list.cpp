// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/io/track_list.h"

#include "engine/core/atomic_file.h"
#include "engine/data/csv.h"

#include <stdexcept>
#include <string>
#include <vector>

namespace atlas {

void writeTrackListCsv(const Dataset& dataset, std::span<const int> rows,
                       const std::filesystem::path& file, const Labels* clusters)
{
    for (int row : rows)
        if (row < 0 || row >= dataset.size() || (clusters && row >= clusters->size()))
            throw std::out_of_range("track list: row " + std::to_string(row) +
                                    " is not a track of the collection");
    writeFileAtomically(
        file,
        [&](std::ostream& out) {
            CsvWriter csv(out);
            std::vector<std::string> header = {"track_id", "path",  "artist", "title",
                                               "album",    "year",  "genre",  "label"};
            if (clusters)
                header.push_back("cluster");
            csv.row(header);
            for (int row : rows) {
                const Track& t = dataset.tracks[std::size_t(row)];
                std::vector<std::string> fields = {
                    t.id,           t.path.string(),
                    t.tags.artist,  t.tags.title,
                    t.tags.album,   t.tags.year > 0 ? std::to_string(t.tags.year) : "",
                    t.tags.genre(), t.label};
                if (clusters)
                    fields.push_back(std::to_string((*clusters)(row)));
                csv.row(fields);
            }
        },
        "the track list");
}

} // namespace atlas
