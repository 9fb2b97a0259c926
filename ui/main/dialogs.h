// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

class QMessageBox;
class QPushButton;
class QWidget;

namespace atlas::ui {

/// A warning ("errorBox"), window-modal but not blocking: the run, playback and tests go on
/// while it is shown. Deletes itself when closed.
void showErrorBox(QWidget* parent, const QString& title, const QString& text);

/// The dialog for a lyrics CSV that matches no track ("lyricsMismatchBox"): names the CSV,
/// explains, and offers "Run without the CSV" (`*remove`, "removeLyricsButton", the default),
/// "Choose Another CSV…" (`*choose`) and Close. Not yet shown; deletes itself when closed.
QMessageBox* lyricsMismatchBox(QWidget* parent, const QString& csvName, const QString& message,
                               QPushButton** remove, QPushButton** choose);

/// Help ▸ Keyboard Shortcuts: a table of the keys, modal.
void showKeyboardShortcuts(QWidget* parent);

/// Help ▸ About MusicAtlas.
void showAbout(QWidget* parent);

} // namespace atlas::ui
