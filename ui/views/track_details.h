// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/pipeline/pipeline.h"

#include <QHash>
#include <QWidget>

#include <memory>

class QGridLayout;
class QLabel;
class QStackedWidget;
class QToolButton;

namespace atlas::ui {

class RunModel;

/// The details of one track (objectName "trackDetails"), for the dock beside the map: its
/// name ("detailsHeading": "Artist — Title"), then title, artist, album, year, genres,
/// duration, format with sample rate and channels, the run's label, the file (its path under
/// the collection's folder; the full path in its tooltip and copied by the Copy button
/// "copyPathButton"), where its lyrics came from and their first lines ("detailsLyrics"),
/// and its cluster under each clustering of the representation the map shows. Value labels
/// are named "details<Field>" (detailsTitle, detailsArtist, detailsAlbumArtist,
/// detailsAlbum, detailsYear, detailsGenres, detailsDuration, detailsFormat, detailsLabel,
/// detailsPath, detailsLyricsSource, detailsClusters); rows without a value are hidden. A
/// track added to the run after the fit says so ("detailsAdded": "Added after the fit
/// (placed without retraining)").
///
/// Follows the RunModel: a new run or dataset clears it, a finished representation fills in
/// its clusters. "Play" asks to play the track; "More like this" ("detailsSimilarButton",
/// enabled once the map's representation is trained) asks for the tracks nearest to it in
/// that representation's latent space. GUI thread only.
class TrackDetails : public QWidget {
    Q_OBJECT
public:
    explicit TrackDetails(RunModel* model, QWidget* parent = nullptr);

    /// The track shown (a dataset row), -1 = none.
    int track() const { return m_track; }
    /// The text of the value labelled `objectName` (e.g. "detailsArtist"; "detailsPath" gives
    /// the full path); empty when the row is hidden or there is no such label.
    QString value(const QString& objectName) const;

public slots:
    /// Shows track `track` (a row of the model's dataset); -1 or out of range: the hint.
    void setTrack(int track);
    /// The representation whose clusterings are listed (the map's).
    void setRepresentation(atlas::Representation r);

signals:
    /// "Play" was pressed.
    void playRequested(int track);
    /// "More like this" was pressed: the tracks like `track` in representation `r`.
    void similarRequested(int track, atlas::Representation r);

private:
    void refresh();
    void refreshClusters();
    QLabel* addRow(const QString& label, const QString& objectName);
    void addFormRow(const QString& caption, QWidget* field);
    void setRow(QLabel* value, const QString& text);
    void setRowVisible(QWidget* field, bool visible);

    RunModel* m_model;
    int m_track = -1;
    Representation m_rep = Representation::Pca;

    QStackedWidget* m_pages = nullptr;
    QLabel* m_heading = nullptr;
    // A grid of caption and value: rows without a value hide both widgets, which the grid
    // then skips (QFormLayout::setRowVisible with word-wrapped values writes out of bounds
    // in Qt 6.4's heightForWidth).
    QGridLayout* m_form = nullptr;
    QHash<QWidget*, QLabel*> m_captions;
    QLabel* m_title = nullptr;
    QLabel* m_artist = nullptr;
    QLabel* m_albumArtist = nullptr;
    QLabel* m_album = nullptr;
    QLabel* m_year = nullptr;
    QLabel* m_genres = nullptr;
    QLabel* m_duration = nullptr;
    QLabel* m_format = nullptr;
    QLabel* m_label = nullptr;
    QLabel* m_added = nullptr;
    QLabel* m_path = nullptr;
    QToolButton* m_copyPath = nullptr;
    QLabel* m_lyricsSource = nullptr;
    QLabel* m_lyrics = nullptr;
    QLabel* m_clustersCaption = nullptr;
    QLabel* m_clusters = nullptr;
    QToolButton* m_play = nullptr;
    QToolButton* m_similar = nullptr;
};

} // namespace atlas::ui
