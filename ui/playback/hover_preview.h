// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QObject>
#include <QString>

class QAction;
class QSettings;
class QTimer;

namespace atlas::ui {

class Listening;

/// Hover preview: while on (an option, off by default), resting the mouse on a track of the
/// map for DelayMs plays PreviewSeconds of it through the Listening's player; moving off
/// the track stops the preview (not what the user started otherwise). The preview starts a
/// third of the way into a track longer than 20 s, past most intros, else at its start.
///
/// Wiring: connect the map's MapView::hovered() to hover(), add action() to a menu; save()
/// and restore() keep the option under "playback/hoverPreview". GUI thread only.
class HoverPreview : public QObject {
    Q_OBJECT
public:
    static constexpr int DelayMs = 400;
    static constexpr double PreviewSeconds = 5.0;

    explicit HoverPreview(Listening* listening, QObject* parent = nullptr);

    /// The checkable option ("hoverPreviewAction").
    QAction* action() const { return m_action; }
    bool isEnabled() const;
    void setEnabled(bool on);
    /// The track being previewed, -1 when none.
    int previewTrack() const { return m_previewing; }

    void save(QSettings& settings) const;
    void restore(const QSettings& settings);

public slots:
    /// The mouse is now over `track` (-1 = no track).
    void hover(int track);

signals:
    /// A preview of `track` started.
    void previewStarted(int track);

private:
    void start();
    void stopPreview();

    Listening* m_listening;
    QAction* m_action;
    QTimer* m_timer;
    int m_pending = -1;
    int m_previewing = -1;
    QString m_previewPath;
};

} // namespace atlas::ui
