// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/figures/offscreen_application.h"

#include <QApplication>

#include <memory>
#include <stdexcept>

namespace atlas::ui {

namespace {

// QApplication keeps references to argc and argv for its whole life. The application is
// made inside this object's constructor so that every global object Qt creates while
// starting up is complete before this static is, and so is destroyed after it at exit.
struct OwnedApplication {
    int argc = 1;
    char name[16] = "musicatlas";
    char* argv[2] = {name, nullptr};
    std::unique_ptr<QApplication> app;

    OwnedApplication() : app(std::make_unique<QApplication>(argc, argv)) {}
};

// The application of the current ApplicationScope (null without one, or before the first
// ensureApplication() in it).
bool g_scoped = false;
std::unique_ptr<OwnedApplication> g_scopedApplication;

} // namespace

ApplicationScope::ApplicationScope()
{
    if (g_scoped)
        throw std::logic_error("only one ApplicationScope may exist at a time");
    g_scoped = true;
}

ApplicationScope::~ApplicationScope()
{
    g_scopedApplication.reset();
    g_scoped = false;
}

void ensureApplication(bool forceOffscreen)
{
    if (qobject_cast<QApplication*>(QCoreApplication::instance()))
        return;
    if (QCoreApplication::instance())
        throw std::logic_error("figures need a QApplication, but this process already has a "
                               "QCoreApplication or QGuiApplication");
    const bool noDisplay = qEnvironmentVariableIsEmpty("DISPLAY") &&
                           qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY");
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM") && (forceOffscreen || noDisplay))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    if (g_scoped) {
        g_scopedApplication = std::make_unique<OwnedApplication>();
        return;
    }
    static OwnedApplication owned;
}

} // namespace atlas::ui
