// SPDX-License-Identifier: GPL-3.0-or-later
// musicatlas: the desktop application. Parses arguments, builds the window, runs the event loop.
#include "engine/io/session_io.h"
#include "ui/main/data_panel.h"
#include "ui/main/main_window.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QFileInfo>
#include <QIcon>
#include <QTimer>

#include <cstdio>

int main(int argc, char** argv)
{
    // The icons are compiled into the static atlas_ui library; name them so they are linked.
    Q_INIT_RESOURCE(musicatlas);
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("MusicAtlas"));
    QApplication::setOrganizationName(QStringLiteral("MusicAtlas"));
    QApplication::setOrganizationDomain(QStringLiteral("musicatlas.example.org"));
    QApplication::setApplicationVersion(QStringLiteral(ATLAS_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("org.musicatlas.MusicAtlas"));
    QIcon icon(QStringLiteral(":/icons/musicatlas.svg"));
    for (int size : {16, 32, 48, 64, 128, 256})
        icon.addFile(QStringLiteral(":/icons/musicatlas-%1.png").arg(size), QSize(size, size));
    QApplication::setWindowIcon(icon);

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Maps a music collection by what it sounds like and what its lyrics say."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption runOption(QStringLiteral("run"),
                                       QStringLiteral("Start the experiment at once."));
    const QCommandLineOption demoOption(QStringLiteral("demo"),
                                        QStringLiteral("Use the built-in demo corpus."));
    parser.addOption(runOption);
    parser.addOption(demoOption);
    parser.addPositionalArgument(
        QStringLiteral("source"),
        QStringLiteral("A session file (.atlassession), a music folder or a manifest CSV to open."),
        QStringLiteral("[source]"));
    parser.process(app);

    atlas::ui::MainWindow window;
    const QStringList args = parser.positionalArguments();
    if (parser.isSet(demoOption))
        window.dataPanel()->setSource(atlas::ui::SourceKind::Demo);
    if (!args.isEmpty()) {
        const QFileInfo source(args.first());
        if (!source.exists()) {
            std::fprintf(stderr, "musicatlas: %s: no such file or folder\n",
                         qUtf8Printable(args.first()));
            return 2;
        }
        if (source.isDir())
            window.dataPanel()->setSource(atlas::ui::SourceKind::Folder,
                                          source.absoluteFilePath().toStdString());
        else if (source.fileName().endsWith(QLatin1String(atlas::SessionFileExtension),
                                            Qt::CaseInsensitive))
            window.openSession(source.absoluteFilePath());
        else
            window.dataPanel()->setSource(atlas::ui::SourceKind::Manifest,
                                          source.absoluteFilePath().toStdString());
    }
    window.show();
    if (parser.isSet(runOption))
        QTimer::singleShot(0, &window, &atlas::ui::MainWindow::run);
    return app.exec();
}
