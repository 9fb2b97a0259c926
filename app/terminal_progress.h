// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/progress.h"

#include <atomic>
#include <chrono>
#include <string>

namespace atlas::cli {

/// A one-line progress bar on stderr, drawn only when stderr is a terminal, at most ten
/// times a second: "[#######.............]  35%  audio features  12 s left".
class TerminalProgress {
public:
    explicit TerminalProgress(bool enabled);
    /// A Progress that draws on this bar and reads `cancel`.
    Progress progress(const std::atomic<bool>* cancel);
    /// Clears the bar line.
    void finish();

private:
    void draw(std::string_view stage, double overall);
    bool m_enabled;
    std::chrono::steady_clock::time_point m_start, m_last;
    bool m_drawn = false;
};

} // namespace atlas::cli
