// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/types.h"
#include "engine/models/trained_model.h"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace atlas {

/// Version of the model file format written by this build; only this version is read.
inline constexpr std::uint32_t ModelFormatVersion = 1;

/// Model file layout (all integers and floats little-endian, IEEE 754):
///   bytes 0-7    magic "MATLMODL"
///   u32          format version (ModelFormatVersion)
///   u32          ModelKind
///   u64          payload size in bytes
///   payload      the config, the trained state (weights as float32 exactly as trained, PCA
///                in float64), the training history, then an optional latent-code matrix
///   u32          CRC-32 (IEEE 802.3 / zlib polynomial) of the payload
/// Matrices are stored as u64 rows, u64 cols, then the values row by row.

/// Writes a trained model, optionally with latent codes (e.g. the collection's codes, so a
/// map can be redrawn without re-encoding). Throws InputError when the model is not fitted or
/// the file cannot be written (the message names the file). The file is replaced as a whole
/// (AtomicFile): a failed or interrupted save leaves the previous model intact.
void saveModel(const std::filesystem::path& file, const Pca& model, const Matrix* codes = nullptr);
void saveModel(const std::filesystem::path& file, const Autoencoder& model,
               const Matrix* codes = nullptr);
void saveModel(const std::filesystem::path& file, const Vae& model, const Matrix* codes = nullptr);
void saveModel(const std::filesystem::path& file, const TrainedModel& model,
               const Matrix* codes = nullptr);

/// The bytes saveModel() writes, built in memory (for containers such as session files).
/// `name` is used in the message of the InputError thrown for an unfitted model.
std::vector<unsigned char> modelFileBytes(const TrainedModel& model, const Matrix* codes = nullptr,
                                          const std::string& name = "model");

/// A model read back from a file.
struct LoadedModel {
    ModelKind kind = ModelKind::Pca;
    TrainedModel model;
    std::optional<Matrix> codes; ///< the latent codes stored with the model, if any
};

/// Reads a model file. Throws InputError, with the file name and the reason in plain words,
/// for a missing/unreadable file, a foreign file (wrong magic), another format version, an
/// unknown model kind, a truncated or damaged file (size or checksum mismatch) and
/// inconsistent contents. Never crashes on arbitrary bytes. encode() of the loaded model is
/// bit-identical to the saved one's.
LoadedModel loadModel(const std::filesystem::path& file);

/// loadModel() of bytes in memory (a whole model file image, e.g. one embedded in a session
/// file); `name` is the file named in messages. Same checks and errors as loadModel().
LoadedModel parseModelFile(const unsigned char* data, std::size_t size, const std::string& name);

/// loadModel() for one expected kind; InputError when the file holds another kind.
Pca loadPca(const std::filesystem::path& file);
Autoencoder loadAutoencoder(const std::filesystem::path& file);
Vae loadVae(const std::filesystem::path& file);

} // namespace atlas
