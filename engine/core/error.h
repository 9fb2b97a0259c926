// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace atlas {

/// An invalid configuration. The message has the form "<Config>.<field>: <rule> (got <value>)";
/// several problems are joined with "; ". The CLI exits with code 2 on it.
class ConfigError : public std::invalid_argument {
public:
    using std::invalid_argument::invalid_argument;
};

/// A numerical failure: a non-finite loss, a singular matrix, no convergence. The pipeline
/// marks the affected representation as failed and keeps every other one.
class NumericalError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// An input that cannot be used at all (for example a lyrics CSV without a text column).
/// Bad individual items are reported as Issue records instead and never throw.
class InputError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Thrown by Progress::throwIfCancelled() at a safe point once cancellation was requested.
class Cancelled : public std::exception {
public:
    const char* what() const noexcept override { return "cancelled"; }
};

/// Throws ConfigError with all messages joined when `problems` is not empty.
void requireValid(const std::vector<std::string>& problems);

/// Helper for validate(): appends "<config>.<field>: <rule> (got <value>)" when !ok.
template <class T>
void check(std::vector<std::string>& problems, bool ok, const char* config, const char* field,
           const char* rule, const T& value)
{
    if (ok)
        return;
    std::string got;
    if constexpr (std::is_convertible_v<T, std::string>)
        got = "\"" + std::string(value) + "\"";
    else
        got = std::to_string(value);
    problems.push_back(std::string(config) + "." + field + ": " + rule + " (got " + got + ")");
}

} // namespace atlas
