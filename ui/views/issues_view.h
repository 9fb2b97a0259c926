// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/issue.h"

#include <QAbstractTableModel>
#include <QWidget>

#include <vector>

class QLabel;
class QLineEdit;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;

namespace atlas::ui {

class RunModel;

/// Every Issue of a run, for a QTableView. Columns: File (the file name, with ":line" for
/// a CSV row), Folder, Reason; PathRole gives the full path as the engine reported it.
class IssuesTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { FileColumn = 0, FolderColumn, ReasonColumn, ColumnCount };
    static constexpr int PathRole = Qt::UserRole + 1;

    explicit IssuesTableModel(QObject* parent = nullptr);
    void setIssues(std::vector<Issue> issues);
    void append(const Issue& issue);
    const Issue& issue(int row) const { return m_issues[std::size_t(row)]; }
    const std::vector<Issue>& issues() const { return m_issues; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    std::vector<Issue> m_issues;
};

/// The Issues tab: every file or row the run skipped or repaired, with the reason
/// ("issuesTable"), a filter box ("issuesFilter", matching file, folder and reason, case
/// insensitive), the count in a header line, Copy (the selected rows as "path<TAB>reason"
/// lines; also Ctrl+C) and Export CSV (the shown rows as path,reason, the format of
/// issues.csv). Issues appear as the run reports them. objectName "issuesView".
class IssuesView : public QWidget {
    Q_OBJECT
public:
    explicit IssuesView(RunModel* model, QWidget* parent = nullptr);

    /// Every issue of the run.
    int count() const;
    /// The issues that pass the filter.
    int shownCount() const;
    void setFilterText(const QString& text);
    /// The selected rows (or, with none selected, every shown row) as text lines
    /// "path<TAB>reason", in the table's order.
    QString selectedText() const;
    /// Puts selectedText() on the clipboard.
    void copySelection() const;
    /// Writes the shown rows, in the shown order, with the engine's issues.csv writer
    /// (path,reason). False (and *error set) when the file cannot be written.
    bool exportCsv(const QString& path, QString* error = nullptr) const;

signals:
    /// The number of issues changed (for the tab title).
    void countChanged(int count);

private:
    void reload();
    void updateHeader();
    void exportCsvInteractive();

    RunModel* m_model;
    IssuesTableModel* m_issues;
    QSortFilterProxyModel* m_filtered;
    QLabel* m_header;
    QLineEdit* m_filter;
    QTableView* m_view;
    QPushButton* m_copy;
    QPushButton* m_export;
    QLabel* m_empty;
};

} // namespace atlas::ui
