// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/pipeline/dataset.h"

#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace atlas::cli {

/// A command-line mistake: printed as one line, exit code 2.
class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Parsed command line: the command word and its --options (each at most once).
struct Options {
    std::string command;
    std::map<std::string, std::string> values;   ///< option -> value ("" for switches)
    std::vector<std::string> arguments;          ///< words that are not options (add's FILES)

    bool has(const std::string& name) const { return values.count(name) > 0; }
    std::string text(const std::string& name, const std::string& fallback = {}) const;
    std::filesystem::path path(const std::string& name) const;
    /// Integer/real value; throws UsageError naming the option when it is not a number.
    int integer(const std::string& name, int fallback) const;
    double real(const std::string& name, double fallback) const;
};

/// Parses `musicatlas-cli <command> [--name value | --switch]...`. Unknown options and
/// missing values throw UsageError.
Options parse(int argc, char** argv);

/// The dataset part of a command line (sources, modalities, audio excerpt, threads, cache).
DatasetConfig datasetConfig(const Options& options);

} // namespace atlas::cli
