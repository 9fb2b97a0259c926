// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/types.h"

#include <filesystem>
#include <string>
#include <vector>

namespace atlas::test {

/// Path of a fixture under tests/data (from the ATLAS_FIXTURES environment variable that
/// CTest sets; falls back to the source tree's tests/data).
std::filesystem::path fixture(const std::string& relative);

/// Reads a numeric CSV into a matrix. skipHeader: drop the first line. Throws on a
/// malformed file so that a broken fixture fails the test loudly.
Matrix readNumericCsv(const std::filesystem::path& path, bool skipHeader = false);

/// Reads a CSV with a header into rows of string cells (simple: no quoted commas).
std::vector<std::vector<std::string>> readSimpleCsv(const std::filesystem::path& path);

/// A fresh, empty temporary directory for one test, removed when the test program ends
/// (kept when MUSICATLAS_KEEP_TEST_FILES is set).
std::filesystem::path makeTempDir(const std::string& tag);

/// Temporary files of a write left under `dir` (recursively): hidden "*.tmp" files (the
/// atomic-write temporaries) and "*.partial" files (the older naming). Empty when clean.
std::vector<std::string> temporaryFiles(const std::filesystem::path& dir);

/// The whole content of a file as bytes; empty when it cannot be opened (so a missing
/// output compares unequal to the expected text instead of throwing).
std::string readFile(const std::filesystem::path& path);

/// Writes raw bytes to a file (for bad-input corpora).
void writeBytes(const std::filesystem::path& path, const std::string& bytes);

/// Largest |a-b| - (atol + rtol*|b|) over all entries; <= 0 means "within tolerance".
double worstExcess(const Matrix& a, const Matrix& b, double atol, double rtol);

} // namespace atlas::test
