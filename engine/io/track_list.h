// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/types.h"
#include "engine/pipeline/dataset.h"

#include <filesystem>
#include <span>

namespace atlas {

/// Writes tracks `rows` of `dataset` (row indices, in the order given) as a CSV table with
/// the header `track_id,path,artist,title,album,year,genre,label`, and a last column
/// `cluster` when `clusters` is given (its label per dataset row, -1 = DBSCAN noise). Tags
/// missing from a file are empty fields. Written atomically (AtomicFile). Throws InputError
/// naming the file when it cannot be written, std::out_of_range for a row outside the
/// dataset or beyond `clusters`.
void writeTrackListCsv(const Dataset& dataset, std::span<const int> rows,
                       const std::filesystem::path& file, const Labels* clusters = nullptr);

} // namespace atlas
