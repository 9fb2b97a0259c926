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

/// Model files are MusicAtlas binary containers (engine/core/binary_container.h: signature
/// "MATLMODL", format version, one header word: the ModelKind, u64 payload size, payload,
/// CRC-32 of the payload). The payload: the config, the trained state (weights as float32
/// exactly as trained, PCA in float64), the training history, then an optional latent-code
/// matrix (engine/io/model_io.cpp and stored_fields.h describe the fields; encodings in
/// engine/core/archive.h).

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
/// for a missing/unreadable file, anything but a regular file (a FIFO or device is refused
/// without reading or waiting), a foreign file (wrong signature), another format version, an
/// unknown model kind, a payload size over 4 GiB or not the file's (checked before anything
/// is allocated), a checksum mismatch and inconsistent contents. Never crashes on arbitrary
/// bytes. encode() of the loaded model is
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
