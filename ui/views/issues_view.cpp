// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/views/issues_view.h"

#include "engine/io/results_io.h"
#include "ui/model/run_model.h"
#include "ui/views/view_support.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QStackedWidget>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>

namespace atlas::ui {

namespace {

QString fromPath(const std::filesystem::path& p) { return QString::fromStdString(p.string()); }

} // namespace

// ---------------------------------------------------------------------------------------
// IssuesTableModel

IssuesTableModel::IssuesTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void IssuesTableModel::setIssues(std::vector<Issue> issues)
{
    beginResetModel();
    m_issues = std::move(issues);
    endResetModel();
}

void IssuesTableModel::append(const Issue& issue)
{
    const int row = int(m_issues.size());
    beginInsertRows({}, row, row);
    m_issues.push_back(issue);
    endInsertRows();
}

int IssuesTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_issues.size());
}

int IssuesTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant IssuesTableModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= int(m_issues.size()))
        return {};
    const Issue& issue = m_issues[std::size_t(index.row())];
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case FileColumn: {
            const QString name = fromPath(issue.file.filename());
            return name.isEmpty() ? fromPath(issue.file) : name;
        }
        case FolderColumn: return fromPath(issue.file.parent_path());
        case ReasonColumn: return QString::fromStdString(issue.reason);
        default: return {};
        }
    case Qt::ToolTipRole:
        return QStringLiteral("<p><b>%1</b></p><p>%2</p>")
            .arg(fromPath(issue.file).toHtmlEscaped(),
                 QString::fromStdString(issue.reason).toHtmlEscaped());
    case PathRole:
        return fromPath(issue.file);
    default:
        return {};
    }
}

QVariant IssuesTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case FileColumn: return QStringLiteral("File");
    case FolderColumn: return QStringLiteral("Folder");
    case ReasonColumn: return QStringLiteral("Reason");
    default: return {};
    }
}

// ---------------------------------------------------------------------------------------
// IssuesView

IssuesView::IssuesView(RunModel* model, QWidget* parent)
    : QWidget(parent), m_model(model), m_issues(new IssuesTableModel(this)),
      m_filtered(new QSortFilterProxyModel(this))
{
    setObjectName(QStringLiteral("issuesView"));
    m_filtered->setSourceModel(m_issues);
    m_filtered->setFilterKeyColumn(-1);
    m_filtered->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_filtered->setSortCaseSensitivity(Qt::CaseInsensitive);

    m_header = new QLabel(this);
    m_header->setObjectName(QStringLiteral("issuesHeader"));
    QFont headerFont = m_header->font();
    headerFont.setBold(true);
    m_header->setFont(headerFont);
    m_filter = new QLineEdit(this);
    m_filter->setObjectName(QStringLiteral("issuesFilter"));
    m_filter->setPlaceholderText(QStringLiteral("Filter by file, folder or reason"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setMinimumWidth(260);
    m_copy = new QPushButton(QStringLiteral("Copy"), this);
    m_copy->setObjectName(QStringLiteral("copyIssuesButton"));
    m_copy->setToolTip(QStringLiteral("Copy the selected rows (all shown rows when none is "
                                      "selected) as text (Ctrl+C)"));
    m_export = new QPushButton(QStringLiteral("Export CSV…"), this);
    m_export->setObjectName(QStringLiteral("exportIssuesButton"));
    m_export->setToolTip(QStringLiteral("Save the shown rows as CSV (path,reason)"));
    auto* bar = new QHBoxLayout;
    bar->addWidget(m_header);
    bar->addStretch(1);
    bar->addWidget(m_filter);
    bar->addWidget(m_copy);
    bar->addWidget(m_export);

    m_view = new QTableView(this);
    m_view->setObjectName(QStringLiteral("issuesTable"));
    m_view->setModel(m_filtered);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(-1, Qt::AscendingOrder);   // arrival order until the user sorts
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setAlternatingRowColors(true);
    m_view->setWordWrap(false);
    m_view->setTextElideMode(Qt::ElideMiddle);
    m_view->verticalHeader()->setVisible(false);
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 8);
    m_view->horizontalHeader()->setHighlightSections(false);
    m_view->horizontalHeader()->setSectionResizeMode(IssuesTableModel::FileColumn,
                                                     QHeaderView::Interactive);
    m_view->horizontalHeader()->setSectionResizeMode(IssuesTableModel::FolderColumn,
                                                     QHeaderView::Interactive);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->setColumnWidth(IssuesTableModel::FileColumn, 220);
    m_view->setColumnWidth(IssuesTableModel::FolderColumn, 300);
    auto* copyAction = new QAction(QStringLiteral("Copy"), m_view);
    copyAction->setShortcut(QKeySequence::Copy);
    copyAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_view->addAction(copyAction);
    connect(copyAction, &QAction::triggered, this, &IssuesView::copySelection);

    m_empty = makeEmptyState(QString(), this);
    auto* pages = new QStackedWidget(this);
    pages->setObjectName(QStringLiteral("issuesPages"));
    pages->addWidget(m_empty);
    pages->addWidget(m_view);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 8, 8, 8);
    layout->addLayout(bar);
    layout->addWidget(pages, 1);

    connect(m_filter, &QLineEdit::textChanged, this, &IssuesView::setFilterText);
    connect(m_copy, &QPushButton::clicked, this, &IssuesView::copySelection);
    connect(m_export, &QPushButton::clicked, this, &IssuesView::exportCsvInteractive);
    connect(m_model, &RunModel::cleared, this, &IssuesView::reload);
    connect(m_model, &RunModel::resultChanged, this, &IssuesView::reload);
    connect(m_model, &RunModel::datasetChanged, this, &IssuesView::updateHeader);
    connect(m_model, &RunModel::issueAdded, this, [this](const Issue& issue) {
        m_issues->append(issue);
        updateHeader();
        emit countChanged(count());
    });
    reload();
}

int IssuesView::count() const { return m_issues->rowCount(); }

int IssuesView::shownCount() const { return m_filtered->rowCount(); }

void IssuesView::setFilterText(const QString& text)
{
    if (m_filter->text() != text)
        m_filter->setText(text);   // comes back here through textChanged
    m_filtered->setFilterFixedString(text.trimmed());
    updateHeader();
}

void IssuesView::reload()
{
    const int before = count();
    m_issues->setIssues(m_model->issues());
    updateHeader();
    if (count() != before || count() == 0)
        emit countChanged(count());
}

void IssuesView::updateHeader()
{
    const int total = count(), shown = shownCount();
    QString text = total == 1 ? QStringLiteral("1 issue") : QStringLiteral("%1 issues").arg(total);
    if (shown != total)
        text = QStringLiteral("%1 of %2 shown").arg(shown).arg(text);
    m_header->setText(text);
    m_copy->setEnabled(shown > 0);
    m_export->setEnabled(shown > 0);
    m_filter->setEnabled(total > 0);

    auto* pages = static_cast<QStackedWidget*>(m_view->parentWidget());
    const bool ran = m_model->dataset() || m_model->result();
    if (total > 0 && shown > 0) {
        pages->setCurrentIndex(1);
    } else {
        m_empty->setText(
            total > 0 ? QStringLiteral("No issue matches “%1”.").arg(m_filter->text())
            : ran     ? QStringLiteral("No issues: every file and row was used.")
                      : QStringLiteral("Run the experiment to see the files and rows it "
                                       "skipped or repaired."));
        pages->setCurrentIndex(0);
    }
}

QString IssuesView::selectedText() const
{
    std::vector<int> rows;
    if (const QItemSelectionModel* selection = m_view->selectionModel())
        for (const QModelIndex& index : selection->selectedRows())
            rows.push_back(index.row());
    if (rows.empty())
        for (int i = 0; i < m_filtered->rowCount(); ++i)
            rows.push_back(i);
    std::sort(rows.begin(), rows.end());
    QStringList lines;
    for (int row : rows) {
        const Issue& issue =
            m_issues->issue(m_filtered->mapToSource(m_filtered->index(row, 0)).row());
        lines << fromPath(issue.file) + QLatin1Char('\t') + QString::fromStdString(issue.reason);
    }
    return lines.join(QLatin1Char('\n'));
}

void IssuesView::copySelection() const
{
    const QString text = selectedText();
    if (!text.isEmpty())
        QApplication::clipboard()->setText(text + QLatin1Char('\n'));
}

bool IssuesView::exportCsv(const QString& path, QString* error) const
{
    std::vector<Issue> shown;
    for (int i = 0; i < m_filtered->rowCount(); ++i)
        shown.push_back(m_issues->issue(m_filtered->mapToSource(m_filtered->index(i, 0)).row()));
    try {
        writeIssues(toPath(path), shown);
    } catch (const std::exception& e) {
        if (error)
            *error = QString::fromUtf8(e.what());
        return false;
    }
    return true;
}

void IssuesView::exportCsvInteractive()
{
    saveWithDialog(this, QStringLiteral("Save issues"), QStringLiteral("issues.csv"),
                   QStringLiteral("CSV files (*.csv)"),
                   [this](const QString& path, QString* error) { return exportCsv(path, error); });
}

} // namespace atlas::ui
