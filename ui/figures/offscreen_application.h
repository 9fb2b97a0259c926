// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

namespace atlas::ui {

/// Makes sure a QApplication exists, so that Qt Charts (QGraphicsWidgets, which need the
/// widget style and font machinery) can be drawn in a process without a window, such as
/// `musicatlas-cli run`.
///
/// - If a QApplication already exists (the desktop app, a QTEST_MAIN test), nothing happens.
/// - If no application object exists, one QApplication is created. While an
///   ApplicationScope exists it owns it and destroys it when it ends; otherwise a
///   function-local static object owns it until the process exits. It is never recreated. Before creating it, QT_QPA_PLATFORM is set to "offscreen"
///   when it is not set already and either `forceOffscreen` is true or neither DISPLAY nor
///   WAYLAND_DISPLAY is set, so no display server is ever needed then. Text is drawn with
///   the fonts fontconfig finds (DejaVu/Lato on Debian).
/// - If a QCoreApplication or QGuiApplication that is not a QApplication exists, a second
///   application cannot be made: throws std::logic_error.
///
/// Thread rules: call from the main thread, before any other Qt GUI object is created;
/// every figure function must then be called from that same thread.
void ensureApplication(bool forceOffscreen = false);

/// Owns the QApplication that ensureApplication() makes while it exists, and destroys it when
/// it ends. A program without its own application declares one at the top of main(), so that
/// the application is gone before main() returns: Qt cannot take a QApplication down during
/// static destruction (its own global objects are gone by then; the process crashed on exit).
/// At most one at a time; main thread only.
class ApplicationScope {
public:
    ApplicationScope();
    ~ApplicationScope();
    ApplicationScope(const ApplicationScope&) = delete;
    ApplicationScope& operator=(const ApplicationScope&) = delete;
};

} // namespace atlas::ui
