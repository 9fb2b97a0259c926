// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/pipeline/pipeline.h"

#include <cstdint>
#include <filesystem>

namespace atlas {

/// Version of the session file format written by this build.
inline constexpr std::uint32_t SessionFormatVersion = 8;
/// The oldest session format still read (version 1 sessions lack tags, lyrics sources and
/// the library settings, which read back as what version 1 did; versions 1 and 2 lack the
/// count of tags read and taken from the tag cache, which read back as 0; versions 1 to 3
/// have no added tracks; versions 1 to 4 no feature table as the source; versions 1 to 5
/// used Barnes-Hut t-SNE on exact neighbours at every size; versions 1 to 6 ran all of
/// t-SNE's iterations with FFT interpolation too; in versions 1 to 7 an epoch was a whole
/// pass at any size, early stopping or not).
inline constexpr std::uint32_t OldestSessionFormatVersion = 1;

/// Conventional extension of session files.
inline constexpr const char* SessionFileExtension = ".atlassession";

/// Session files are MusicAtlas binary containers (engine/core/binary_container.h: signature
/// "MATLSESS", format version, u64 payload size, payload, CRC-32 of the payload). The payload
/// is the run, each struct's fields in the order engine/io/stored_fields.h describes them:
/// the PipelineConfig (with the DatasetConfig), the Dataset (tracks with their tags, matrices,
/// names, labels, pairing, cache counts), every RepresentationResult (codes, history,
/// clusterings, maps, and the trained model as a complete embedded model file, model_io.h),
/// the issues, stage timings and total seconds. Encodings: engine/core/archive.h (integers and
/// floats little-endian, matrices row by row in float64, strings as u64 length + UTF-8 bytes,
/// paths as their native byte strings).

/// Writes everything needed to show a finished run again without recomputing it.
///
/// Atomic (AtomicFile): an interruption, even a killed process, leaves the previous file
/// intact and no temporary file. On failure InputError names the file and the reason
/// (folder missing or read-only, disk full, a folder in the way, ...). A model that cannot
/// be serialised (not fitted) throws InputError before anything is written.
/// Thread rules: reads `run` only; concurrent saves to the same file leave one whole file.
void saveSession(const std::filesystem::path& file, const RunResult& run);

/// Reads a session file back. Representations come back with their trained models (shared,
/// immutable), so loaded models encode the dataset to the stored codes.
///
/// Throws InputError, naming the file and the reason in plain words, for a missing or
/// unreadable file, anything but a regular file (a folder, a FIFO, a device: refused without
/// reading or waiting), an empty file, a foreign file (wrong signature; another MusicAtlas
/// file is named as such), a format version made by an older or newer MusicAtlas, a payload
/// size over the format's limit or not the file's (checked before anything is allocated), a
/// checksum mismatch and inconsistent contents (counts and matrix sizes larger than the file,
/// sizes that do not agree, values out of range). Never crashes on arbitrary bytes.
RunResult loadSession(const std::filesystem::path& file);

} // namespace atlas
