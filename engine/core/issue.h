// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace atlas {

/// A bad input item that was skipped or repaired: the file (or file:row) and the reason in
/// plain words, e.g. {"songs/a.mp3", "not an audio file (it contains text)"}.
struct Issue {
    std::filesystem::path file;
    std::string reason;
    bool operator==(const Issue&) const = default;
};

/// A value or the Issue explaining why there is none (std::expected-like; that is C++23).
template <class T>
class Outcome {
public:
    Outcome(T value) : m_v(std::move(value)) {}
    Outcome(Issue issue) : m_v(std::move(issue)) {}

    explicit operator bool() const noexcept { return std::holds_alternative<T>(m_v); }
    bool hasValue() const noexcept { return std::holds_alternative<T>(m_v); }
    T& operator*() { return std::get<T>(m_v); }
    const T& operator*() const { return std::get<T>(m_v); }
    T* operator->() { return &std::get<T>(m_v); }
    const T* operator->() const { return &std::get<T>(m_v); }
    const Issue& issue() const { return std::get<Issue>(m_v); }

private:
    std::variant<T, Issue> m_v;
};

/// Collects the Issues of a run. Thread-safe: add() may be called from any thread, and the
/// optional listener is called (under the collector's lock) for every Issue as it arrives.
class Diagnostics {
public:
    using Listener = std::function<void(const Issue&)>;

    Diagnostics() = default;
    explicit Diagnostics(Listener listener) : m_listener(std::move(listener)) {}
    Diagnostics(const Diagnostics&) = delete;
    Diagnostics& operator=(const Diagnostics&) = delete;

    void add(Issue issue);
    void add(std::filesystem::path file, std::string reason)
    {
        add(Issue{std::move(file), std::move(reason)});
    }
    /// A copy of every Issue so far, in arrival order.
    std::vector<Issue> issues() const;
    std::size_t size() const;
    bool empty() const { return size() == 0; }

private:
    mutable std::mutex m_mutex;
    std::vector<Issue> m_issues;
    Listener m_listener;
};

} // namespace atlas
