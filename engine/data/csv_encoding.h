// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Internals of the CSV reader shared by its two files: the per-kind Issue counter and the
// encoding step that turns a file's bytes into clean UTF-8 text (BOM, UTF-16, invalid UTF-8,
// NUL bytes). See csv.h for the rules.

#include "engine/core/issue.h"
#include "engine/data/csv.h"

#include <array>
#include <filesystem>
#include <string>
#include <string_view>

namespace atlas::detail {

// Counts Issues per kind so that a badly damaged file yields a readable list: the first
// MaxIssuesPerKind with their line, then one total.
class CsvReporter {
public:
    enum Kind { Utf8, Nul, AfterQuote, Unbalanced, LongRow, ShortRow, Header, Oversized, KindCount };

    CsvReporter(const std::filesystem::path& source, Diagnostics& diagnostics)
        : m_source(source), m_diagnostics(diagnostics) {}

    void add(Kind kind, std::size_t line, const std::string& reason);
    /// Adds one summary Issue per kind that had more than MaxIssuesPerKind.
    void finish();

private:
    const std::filesystem::path& m_source;
    Diagnostics& m_diagnostics;
    std::array<std::size_t, KindCount> m_count{};
};

/// The text of a CSV file as UTF-8 without BOM or NUL bytes: `bytes` itself when it is clean,
/// else converted (UTF-16 with BOM) or repaired (each repair reported) into `storage`.
/// Throws InputError naming `source` when the bytes are binary rather than text.
std::string_view csvText(std::string_view bytes, const std::filesystem::path& source,
                         CsvReporter& reporter, std::string& storage);

} // namespace atlas::detail
