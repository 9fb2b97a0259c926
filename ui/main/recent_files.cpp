// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/main/recent_files.h"

#include <QAction>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenu>
#include <QSettings>

namespace atlas::ui {

namespace {

constexpr int MaxRecent = 8;

} // namespace

RecentFiles::RecentFiles(QMenu* menu, QObject* parent) : QObject(parent), m_menu(menu)
{
    rebuild();
}

void RecentFiles::add(const QString& kind, const QString& path)
{
    QSettings s;
    QStringList recent = s.value(QStringLiteral("recent")).toStringList();
    const QString entry = kind + QLatin1Char('|') + path;
    recent.removeAll(entry);
    recent.prepend(entry);
    while (recent.size() > MaxRecent)
        recent.removeLast();
    s.setValue(QStringLiteral("recent"), recent);
    rebuild();
}

void RecentFiles::rebuild()
{
    m_menu->clear();
    QSettings s;
    const QStringList recent = s.value(QStringLiteral("recent")).toStringList();
    for (const QString& entry : recent) {
        const QString kind = entry.section(QLatin1Char('|'), 0, 0);
        const QString path = entry.section(QLatin1Char('|'), 1);
        const QString label = kind == QStringLiteral("session") ? tr("Session")
                              : kind == QStringLiteral("folder") ? tr("Folder")
                              : kind == QStringLiteral("manifest") ? tr("Manifest")
                              : kind == QStringLiteral("features") ? tr("Features")
                                                                   : tr("Lyrics");
        QAction* a = m_menu->addAction(tr("%1: %2").arg(label, QFileInfo(path).fileName()));
        a->setToolTip(path);
        a->setStatusTip(path);
        connect(a, &QAction::triggered, this, [this, kind, path] { emit chosen(kind, path); });
    }
    if (recent.isEmpty())
        m_menu->addAction(tr("(none)"))->setEnabled(false);
    else {
        m_menu->addSeparator();
        m_menu->addAction(tr("Clear"), this, [this] {
            QSettings().remove(QStringLiteral("recent"));
            rebuild();
        });
    }
}

QString lastFolder(const QString& key)
{
    QSettings s;
    const QString dir = s.value(QStringLiteral("folders/") + key).toString();
    return dir.isEmpty() || !QFileInfo(dir).isDir() ? QDir::homePath() : dir;
}

void rememberFolder(const QString& key, const QString& pathInside)
{
    QSettings s;
    s.setValue(QStringLiteral("folders/") + key, QFileInfo(pathInside).absolutePath());
}

QString askSaveFile(QWidget* parent, const QString& title, const QString& filter,
                    const QString& suffix, const QString& key, const QString& suggested)
{
    const QString start = QFileInfo(suggested).isAbsolute()
                              ? suggested
                              : QDir(lastFolder(key)).filePath(suggested);
    QString file = QFileDialog::getSaveFileName(parent, title, start, filter);
    if (!file.isEmpty() && QFileInfo(file).suffix().isEmpty())
        file += QLatin1Char('.') + suffix;
    if (!file.isEmpty())
        rememberFolder(key, file);
    return file;
}

} // namespace atlas::ui
