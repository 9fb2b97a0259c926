// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// NumPy's .npy format (numpy.lib.format, versions 1.0-3.0) for matrices of numbers: what
// numpy.load() and numpy.save() read and write without anything of ours. A file is the magic
// "\x93NUMPY", a version, a header length, a Python dict literal
// {'descr': '<f8', 'fortran_order': False, 'shape': (rows, cols), } padded with spaces to a
// multiple of 64 bytes and ended by '\n', then the values. Reading checks every part of the
// header and that the file holds exactly the values the shape promises before it allocates
// anything, so a damaged or hostile header can neither crash a run nor make it allocate what
// the file does not hold.

#include "engine/core/progress.h"
#include "engine/core/types.h"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace atlas {

/// What a .npy header says.
struct NpyHeader {
    int majorVersion = 1;
    std::string descr;            ///< e.g. "<f8"
    bool fortranOrder = false;
    std::int64_t rows = 0;        ///< shape[0]
    std::int64_t cols = 0;        ///< shape[1]; 1 for a 1-D array
    std::uint64_t dataOffset = 0; ///< where the values start
    int itemSize = 0;             ///< bytes per value
};

/// The largest header readNpy() accepts; numpy itself writes a few hundred bytes.
inline constexpr std::uint64_t MaxNpyHeaderBytes = 1 << 20;

/// Reads and checks the header of `file`: a regular file, the magic, a known version, a
/// dict with exactly 'descr', 'fortran_order' and 'shape', a 1-D or 2-D shape, a dtype of
/// little- or big-endian float64, float32, int64 or int32, and a file size equal to the
/// header's plus rows x cols values. Throws InputError "<file>: <reason>" otherwise.
NpyHeader readNpyHeader(const std::filesystem::path& file);

/// The whole matrix of `file` as doubles (float32 and integers are converted exactly).
/// Throws InputError as readNpyHeader(), or when reading fails; Cancelled between blocks.
Matrix readNpy(const std::filesystem::path& file, const Progress& progress = {});

/// Where column c of a .npy goes: column `column` of `matrix` (rows x ... already sized), or
/// nowhere when matrix is null.
struct NpyColumnTarget {
    Matrix* matrix = nullptr;
    Eigen::Index column = 0;
};

/// Reads `file` (header `h`, from readNpyHeader()) straight into the targets, one per column,
/// so that a table split into blocks is never held twice. Throws as readNpy().
void readNpyColumns(const std::filesystem::path& file, const NpyHeader& h,
                    const std::vector<NpyColumnTarget>& targets, const Progress& progress = {});

/// Writes a rows x cols matrix as a version 1.0 .npy of little-endian float64 in C order,
/// atomically, without holding it: fill(firstRow, count, out) puts rows firstRow ..
/// firstRow + count - 1 into out, row after row (count x cols values). Throws InputError when
/// the file cannot be written; Cancelled between blocks (the file is then untouched).
void writeNpy(const std::filesystem::path& file, std::int64_t rows, std::int64_t cols,
              const std::function<void(std::int64_t firstRow, std::int64_t count, double* out)>&
                  fill,
              const Progress& progress = {});

/// Writes `m` as a version 1.0 .npy of little-endian float64 in C order, atomically (what
/// numpy.save(file, m) writes). Throws InputError when the file cannot be written.
void writeNpy(const std::filesystem::path& file, const Matrix& m,
              const Progress& progress = {});

} // namespace atlas
