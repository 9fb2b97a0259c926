// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/terminal_progress.h"

#include <algorithm>
#include <cstdio>
#include <unistd.h>

namespace atlas::cli {

TerminalProgress::TerminalProgress(bool enabled)
    : m_enabled(enabled && isatty(STDERR_FILENO)), m_start(std::chrono::steady_clock::now())
{
}

Progress TerminalProgress::progress(const std::atomic<bool>* cancel)
{
    return Progress(
        [this](std::string_view stage, double overall, std::string_view) { draw(stage, overall); },
        cancel);
}

void TerminalProgress::draw(std::string_view stage, double overall)
{
    if (!m_enabled)
        return;
    const auto now = std::chrono::steady_clock::now();
    if (m_drawn && overall < 1.0 && now - m_last < std::chrono::milliseconds(100))
        return;
    m_last = now;
    m_drawn = true;
    overall = std::clamp(overall, 0.0, 1.0);
    constexpr int Width = 30;
    const int filled = int(overall * Width + 0.5);
    char bar[Width + 1];
    for (int i = 0; i < Width; ++i)
        bar[i] = i < filled ? '#' : '.';
    bar[Width] = 0;
    const double elapsed = std::chrono::duration<double>(now - m_start).count();
    char eta[32] = "";
    if (overall > 0.02 && overall < 1.0)
        std::snprintf(eta, sizeof eta, "  %.0f s left", elapsed * (1.0 - overall) / overall);
    std::fprintf(stderr, "\r[%s] %3d%%  %-24.*s%-14s", bar, int(overall * 100 + 0.5),
                 int(std::min<std::size_t>(stage.size(), 24)), stage.data(), eta);
    std::fflush(stderr);
}

void TerminalProgress::finish()
{
    if (m_enabled && m_drawn)
        std::fprintf(stderr, "\r%*s\r", 80, "");
    m_drawn = false;
}

} // namespace atlas::cli
