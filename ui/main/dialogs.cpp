// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/main/dialogs.h"

#include <QCoreApplication>
#include <QDialog>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QMessageBox>
#include <QPushButton>
#include <QScreen>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <iterator>
#include <utility>

namespace atlas::ui {

namespace {

// The window's dialogs keep the window's translation context.
QString tr(const char* text)
{
    return QCoreApplication::translate("atlas::ui::MainWindow", text);
}

} // namespace

void showErrorBox(QWidget* parent, const QString& title, const QString& text)
{
    auto* box = new QMessageBox(QMessageBox::Warning, title, text, QMessageBox::Ok, parent);
    box->setObjectName(QStringLiteral("errorBox"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

QMessageBox* lyricsMismatchBox(QWidget* parent, const QString& csvName, const QString& message,
                               QPushButton** remove, QPushButton** choose)
{
    auto* box = new QMessageBox(QMessageBox::Warning, tr("The lyrics CSV does not fit"),
                                tr("<b>The lyrics CSV %1 does not belong to this collection.</b>")
                                    .arg(csvName.toHtmlEscaped()),
                                QMessageBox::NoButton, parent);
    box->setObjectName(QStringLiteral("lyricsMismatchBox"));
    box->setInformativeText(
        tr("None of its keys matches a track, so the run stopped. Choose the CSV made for "
           "this collection, or run without one (the lyrics then come from the files' tags "
           "and .lrc/.txt files).\n\n%1")
            .arg(message));
    *remove = box->addButton(tr("Run without the CSV"), QMessageBox::AcceptRole);
    (*remove)->setObjectName(QStringLiteral("removeLyricsButton"));
    *choose = box->addButton(tr("Choose Another CSV…"), QMessageBox::ActionRole);
    box->addButton(QMessageBox::Close);
    box->setDefaultButton(*remove);
    box->setAttribute(Qt::WA_DeleteOnClose);
    return box;
}

void showKeyboardShortcuts(QWidget* parent)
{
    const std::pair<QString, QString> rows[] = {
        {tr("Ctrl+R"), tr("Run the experiment")},
        {tr("Esc"), tr("Cancel the run")},
        {tr("Space"), tr("Play / pause")},
        {tr("Ctrl+O"), tr("Open a music folder")},
        {tr("Ctrl+Shift+O"), tr("Open a session")},
        {tr("Ctrl+S"), tr("Save the session")},
        {tr("Ctrl+E"), tr("Export results (tables and figures)")},
        {tr("Ctrl+Shift+E"), tr("Export the map view as PNG or SVG")},
        {tr("Ctrl+1 … Ctrl+5"), tr("Map, Metrics, Training, Clusters, Issues")},
        {tr("Ctrl+D"), tr("Show or hide the Data & Training panel")},
        {tr("Ctrl+I"), tr("Show or hide the track details")},
        {tr("Map: wheel"), tr("Zoom around the cursor")},
        {tr("Map: drag"), tr("Pan")},
        {tr("Map: Shift+drag"), tr("Lasso-select tracks (replaces the selection)")},
        {tr("Map: Ctrl+Shift+drag"), tr("Lasso-select more tracks (adds to the selection)")},
        {tr("Map: click"), tr("Play the track")},
        {tr("Map: Ctrl+click"), tr("Add the track to the selection, or take it out")},
        {tr("Map: right-click"), tr("More like this, a radio from the track, a path to it")},
        {tr("Map: + / −"), tr("Zoom in / out")},
        {tr("Map: F or Home"), tr("Fit all points")},
        {tr("Map: Esc"), tr("Clear the selection (or stop drawing a lasso)")},
        {tr("Map: Ctrl+Z"), tr("Undo the last change of the selection")},
        {tr("Search: Enter"), tr("Select the tracks found and fit them in view")},
        {tr("Similar: double-click or Enter"), tr("Move on from that track: what is like it")},
        {tr("F1"), tr("This list")},
    };
    QDialog dialog(parent);
    dialog.setWindowTitle(tr("Keyboard Shortcuts"));
    auto* table = new QTableWidget(int(std::size(rows)), 2, &dialog);
    table->setHorizontalHeaderLabels({tr("Keys"), tr("Action")});
    table->verticalHeader()->hide();
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setSelectionMode(QAbstractItemView::NoSelection);
    table->horizontalHeader()->setStretchLastSection(true);
    for (int i = 0; i < int(std::size(rows)); ++i) {
        table->setItem(i, 0, new QTableWidgetItem(rows[i].first));
        table->setItem(i, 1, new QTableWidgetItem(rows[i].second));
    }
    table->resizeColumnToContents(0);
    table->setWordWrap(true);
    table->resizeRowsToContents();
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, &dialog);
    QObject::connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    auto* layout = new QVBoxLayout(&dialog);
    layout->addWidget(table);
    layout->addWidget(buttons);
    // Every row visible without scrolling, on a 1280x720 screen too.
    int rowsHeight = table->horizontalHeader()->height() + 2 * table->frameWidth();
    for (int i = 0; i < table->rowCount(); ++i)
        rowsHeight += table->rowHeight(i);
    const QRect screen = parent && parent->screen() ? parent->screen()->availableGeometry()
                                                    : QRect(0, 0, 1280, 720);
    dialog.resize(std::min(640, screen.width() - 40),
                  std::min(rowsHeight + buttons->sizeHint().height() + 40, screen.height() - 40));
    dialog.exec();
}

void showAbout(QWidget* parent)
{
    QMessageBox::about(
        parent, tr("About MusicAtlas"),
        tr("<h3>MusicAtlas %1</h3>"
           "<p>Maps a music collection by what it sounds like and what its lyrics say: MFCC "
           "statistics and TF-IDF, PCA, autoencoders and VAEs, KMeans, Ward and DBSCAN, t-SNE "
           "and UMAP.</p><p>Qt %2 · GPL-3.0-or-later</p>")
            .arg(QStringLiteral(ATLAS_VERSION), QString::fromLatin1(qVersion())));
}

} // namespace atlas::ui
