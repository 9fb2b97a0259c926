// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

namespace atlas::ui {

/// Makes sure a QApplication exists, so that Qt Charts (QGraphicsWidgets, which need the
/// widget style and font machinery) can be drawn in a process without a window, such as
/// `musicatlas-cli run`.
///
/// - If a QApplication already exists (the desktop app, a QTEST_MAIN test), nothing happens.
/// - If no application object exists, one QApplication is created and owned by a
///   function-local static object; it lives until the process exits (static destruction)
///   and is never recreated. Before creating it, QT_QPA_PLATFORM is set to "offscreen"
///   when it is not set already and either `forceOffscreen` is true or neither DISPLAY nor
///   WAYLAND_DISPLAY is set, so no display server is ever needed then. Text is drawn with
///   the fonts fontconfig finds (DejaVu/Lato on Debian).
/// - If a QCoreApplication or QGuiApplication that is not a QApplication exists, a second
///   application cannot be made: throws std::logic_error.
///
/// Thread rules: call from the main thread, before any other Qt GUI object is created;
/// every figure function must then be called from that same thread.
void ensureApplication(bool forceOffscreen = false);

} // namespace atlas::ui
