// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QObject>
#include <QString>

class QMenu;
class QWidget;

namespace atlas::ui {

/// File ▸ Open Recent: the sessions, folders, manifests and lyrics CSVs last opened, newest
/// first, at most 8, kept in QSettings ("recent", entries "kind|path"). The menu lists them,
/// with a Clear entry; choosing one emits chosen() (the window opens it).
class RecentFiles : public QObject {
    Q_OBJECT
public:
    /// Fills `menu` (owned by the caller) from the settings.
    RecentFiles(QMenu* menu, QObject* parent);

    /// Puts `path` of the given kind ("session", "folder", "manifest", "lyrics") first.
    void add(const QString& kind, const QString& path);
    /// Lists the settings' entries in the menu again.
    void rebuild();

signals:
    /// An entry was chosen; the path may no longer exist.
    void chosen(const QString& kind, const QString& path);

private:
    QMenu* m_menu;
};

/// The folder a file dialog of this purpose ("source", "lyrics", "session", "export",
/// "playlist") last visited, or the home folder.
QString lastFolder(const QString& key);
/// Remembers the folder holding `pathInside` for dialogs of this purpose.
void rememberFolder(const QString& key, const QString& pathInside);
/// A save dialog starting in the purpose's last folder (a relative `suggested` name is placed
/// there); adds `suffix` when the name has none and remembers the folder. Empty when cancelled.
QString askSaveFile(QWidget* parent, const QString& title, const QString& filter,
                    const QString& suffix, const QString& key, const QString& suggested);

} // namespace atlas::ui
