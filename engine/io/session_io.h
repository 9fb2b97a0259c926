// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/pipeline/pipeline.h"

#include <cstdint>
#include <filesystem>

namespace atlas {

/// Version of the session file format written by this build; only this version is read.
inline constexpr std::uint32_t SessionFormatVersion = 2;
/// The oldest session format still read (version 1 sessions lack tags, lyrics sources and
/// the library settings, which read back as their defaults).
inline constexpr std::uint32_t OldestSessionFormatVersion = 1;

/// Conventional extension of session files.
inline constexpr const char* SessionFileExtension = ".atlassession";

/// Session file layout (all integers and floats little-endian, IEEE 754):
///   bytes 0-7    magic "MATLSESS"
///   u32          format version (SessionFormatVersion)
///   u64          payload size in bytes
///   payload      the run, in this order:
///                - PipelineConfig, every field (the DatasetConfig with its paths, demo corpus,
///                  lyrics columns, decoding, MFCC and TF-IDF parameters; the model, clustering,
///                  t-SNE and UMAP parameters);
///                - Dataset: tracks (id, path, label, lyrics key, inline lyrics and its flag),
///                  layout, source, the audio, lyrics and hybrid matrices, feature names,
///                  vocabulary, labels and label names, the pairing, the flags, cache counts;
///                - every RepresentationResult: kind, method, ok/error, codes, training history,
///                  active dimensions, explained variance, clusterings (labels, scores, DBSCAN
///                  ε and min_samples, seconds), maps (xy, notes, seconds), training seconds,
///                  and the trained model as a complete embedded model file (model_io.h);
///                - issues, stage timings, total seconds;
///   u32          CRC-32 (IEEE 802.3 / zlib polynomial) of the payload
/// Matrices are u64 rows, u64 cols, then the values row by row (float64, raw); strings are
/// u64 length then UTF-8 bytes; paths are stored as their native byte strings.

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
/// unreadable file, an empty file, a foreign file (wrong signature; a model file is
/// recognised as such), another format version, a truncated or damaged file (size or
/// checksum mismatch) and inconsistent contents (sizes that do not agree, values out of
/// range). Never crashes on arbitrary bytes.
RunResult loadSession(const std::filesystem::path& file);

} // namespace atlas
