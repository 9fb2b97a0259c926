// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/playback/transport_bar.h"

#include "ui/playback/audio_player.h"
#include "ui/playback/listening.h"
#include "ui/playback/play_queue.h"

#include <QAction>
#include <QHBoxLayout>
#include <QLabel>
#include <QMouseEvent>
#include <QSignalBlocker>
#include <QSlider>
#include <QSpinBox>
#include <QStyle>
#include <QStyleOptionSlider>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace atlas::ui {

namespace {

QToolButton* mediaButton(QWidget* parent, const char* name, QStyle::StandardPixmap icon,
                         const QString& tip)
{
    auto* button = new QToolButton(parent);
    button->setObjectName(QString::fromLatin1(name));
    button->setIcon(parent->style()->standardIcon(icon));
    button->setToolTip(tip);
    button->setAutoRaise(true);
    button->setIconSize(QSize(20, 20));
    return button;
}

// A click on the groove moves the handle there and starts dragging it (instead of a page
// step), so a click seeks to the point clicked when the button is released.
class SeekSlider : public QSlider {
public:
    using QSlider::QSlider;

protected:
    void mousePressEvent(QMouseEvent* event) override
    {
        if (event->button() == Qt::LeftButton && maximum() > minimum()) {
            QStyleOptionSlider opt;
            initStyleOption(&opt);
            const QRect handle =
                style()->subControlRect(QStyle::CC_Slider, &opt, QStyle::SC_SliderHandle, this);
            const QPoint at = event->position().toPoint();
            if (!handle.contains(at)) {
                const QRect groove = style()->subControlRect(QStyle::CC_Slider, &opt,
                                                             QStyle::SC_SliderGroove, this);
                const int span = std::max(1, groove.width() - handle.width());
                setSliderPosition(QStyle::sliderValueFromPosition(
                    minimum(), maximum(), at.x() - groove.x() - handle.width() / 2, span,
                    opt.upsideDown));
            }
        }
        QSlider::mousePressEvent(event);
    }
};

} // namespace

QString formatPlaybackTime(double seconds)
{
    const long total = std::isfinite(seconds) && seconds > 0.0 ? long(std::floor(seconds)) : 0L;
    const long h = total / 3600, m = (total / 60) % 60, s = total % 60;
    if (h > 0)
        return QStringLiteral("%1:%2:%3")
            .arg(h)
            .arg(m, 2, 10, QLatin1Char('0'))
            .arg(s, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1:%2").arg(m).arg(s, 2, 10, QLatin1Char('0'));
}

TransportBar::TransportBar(Listening* listening, QWidget* parent)
    : QWidget(parent), m_listening(listening)
{
    setObjectName(QStringLiteral("transportBar"));
    AudioPlayer* player = listening->player();

    m_nowPlaying = new QLabel(tr("Nothing playing"), this);
    m_nowPlaying->setObjectName(QStringLiteral("nowPlayingLabel"));
    m_nowPlaying->setTextFormat(Qt::PlainText);
    m_nowPlaying->setMinimumWidth(120);
    m_nowPlaying->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);

    m_previous = mediaButton(this, "previousButton", QStyle::SP_MediaSkipBackward,
                             tr("Previous track"));
    m_playPause = mediaButton(this, "playPauseButton", QStyle::SP_MediaPlay,
                              tr("Play or pause (Space)"));
    m_stop = mediaButton(this, "stopButton", QStyle::SP_MediaStop, tr("Stop"));
    m_next = mediaButton(this, "nextButton", QStyle::SP_MediaSkipForward, tr("Next track"));

    m_position = new SeekSlider(Qt::Horizontal, this);
    m_position->setObjectName(QStringLiteral("positionSlider"));
    m_position->setRange(0, 0);
    m_position->setSingleStep(1000);
    m_position->setPageStep(5000);
    m_position->setToolTip(tr("Position: drag or click to move"));

    m_time = new QLabel(QStringLiteral("0:00 / 0:00"), this);
    m_time->setObjectName(QStringLiteral("timeLabel"));
    m_time->setMinimumWidth(
        m_time->fontMetrics().horizontalAdvance(QStringLiteral("00:00 / 00:00")));
    m_time->setAlignment(Qt::AlignRight | Qt::AlignVCenter);

    auto* volumeIcon = new QLabel(this);
    volumeIcon->setPixmap(style()->standardIcon(QStyle::SP_MediaVolume).pixmap(16, 16));
    m_volume = new QSlider(Qt::Horizontal, this);
    m_volume->setObjectName(QStringLiteral("volumeSlider"));
    m_volume->setRange(0, 100);
    m_volume->setValue(int(std::lround(player->volume() * 100.0)));
    m_volume->setFixedWidth(90);
    m_volume->setToolTip(tr("Volume"));

    m_secondsPerTrack = new QSpinBox(this);
    m_secondsPerTrack->setObjectName(QStringLiteral("secondsPerTrackSpin"));
    m_secondsPerTrack->setRange(0, 3600);
    m_secondsPerTrack->setSuffix(tr(" s each"));
    m_secondsPerTrack->setSpecialValueText(tr("whole tracks"));
    m_secondsPerTrack->setValue(int(std::lround(listening->secondsPerTrack())));
    m_secondsPerTrack->setToolTip(
        tr("Seconds played from the start of each track of a cluster or selection "
           "(0 = whole tracks)"));

    auto* controls = new QHBoxLayout;
    controls->setSpacing(4);
    controls->addWidget(m_previous);
    controls->addWidget(m_playPause);
    controls->addWidget(m_stop);
    controls->addWidget(m_next);
    controls->addSpacing(6);
    controls->addWidget(m_position, 1);
    controls->addWidget(m_time);
    controls->addSpacing(10);
    controls->addWidget(volumeIcon);
    controls->addWidget(m_volume);
    controls->addSpacing(10);
    controls->addWidget(m_secondsPerTrack);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 4, 6, 4);
    layout->setSpacing(2);
    layout->addWidget(m_nowPlaying);
    layout->addLayout(controls);

    addAction(listening->playPauseAction());

    connect(m_playPause, &QToolButton::clicked, listening->playPauseAction(), &QAction::trigger);
    connect(m_stop, &QToolButton::clicked, listening, &Listening::stop);
    connect(m_previous, &QToolButton::clicked, listening, &Listening::previous);
    connect(m_next, &QToolButton::clicked, listening, &Listening::next);
    connect(m_volume, &QSlider::valueChanged, player,
            [player](int value) { player->setVolume(value / 100.0); });
    connect(m_secondsPerTrack, &QSpinBox::valueChanged, listening,
            [listening](int value) { listening->setSecondsPerTrack(value); });
    connect(m_position, &QSlider::sliderReleased, this, &TransportBar::seekToSlider);
    connect(m_position, &QSlider::actionTriggered, this, [this](int action) {
        if (action != QAbstractSlider::SliderMove && !m_position->isSliderDown())
            seekToSlider();
    });
    connect(m_position, &QSlider::sliderMoved, this, [this](int ms) {
        m_time->setText(formatPlaybackTime(ms / 1000.0) + QStringLiteral(" / ") +
                        formatPlaybackTime(m_duration));
    });

    connect(player, &AudioPlayer::stateChanged, this, &TransportBar::updateState);
    connect(player, &AudioPlayer::positionChanged, this, &TransportBar::updatePosition);
    connect(player, &AudioPlayer::durationChanged, this, &TransportBar::updateDuration);
    connect(player, &AudioPlayer::nowPlayingChanged, this, [this](const QString& title) {
        m_nowPlaying->setText(title.isEmpty() ? tr("Nothing playing") : title);
        m_nowPlaying->setToolTip(title);
    });
    connect(listening, &Listening::message, this, &TransportBar::showMessage);
    connect(listening, &Listening::secondsPerTrackChanged, this, [this](double seconds) {
        const QSignalBlocker block(m_secondsPerTrack);
        m_secondsPerTrack->setValue(int(std::lround(seconds)));
    });
    connect(player, &AudioPlayer::volumeChanged, this, [this](double volume) {
        const QSignalBlocker block(m_volume);
        m_volume->setValue(int(std::lround(volume * 100.0)));
    });
    connect(listening->queue(), &PlayQueue::currentIndexChanged, this, [this](int, int) {
        updateState();
    });
    if (player->state() == AudioPlayer::State::Stopped && !listening->lastMessage().isEmpty())
        showMessage(listening->lastMessage());
    else if (!player->title().isEmpty())
        m_nowPlaying->setText(player->title());
    updateState();
}

void TransportBar::updateState()
{
    const AudioPlayer::State state = m_listening->player()->state();
    const bool active = state != AudioPlayer::State::Stopped;
    const bool running =
        state == AudioPlayer::State::Playing || state == AudioPlayer::State::Loading;
    m_playPause->setIcon(style()->standardIcon(running ? QStyle::SP_MediaPause
                                                       : QStyle::SP_MediaPlay));
    m_stop->setEnabled(active);
    m_position->setEnabled(active);
    const PlayQueue* queue = m_listening->queue();
    m_previous->setEnabled(queue->isActive() && queue->currentIndex() > 0);
    m_next->setEnabled(queue->isActive() && queue->currentIndex() + 1 < queue->tracks().size());
}

void TransportBar::updatePosition(double seconds)
{
    if (!m_position->isSliderDown())
        m_position->setValue(int(std::lround(seconds * 1000.0)));
    m_time->setText(formatPlaybackTime(seconds) + QStringLiteral(" / ") +
                    formatPlaybackTime(m_duration));
}

void TransportBar::updateDuration(double seconds)
{
    m_duration = seconds;
    m_position->setRange(0, int(std::lround(seconds * 1000.0)));
    updatePosition(m_listening->player()->position());
}

void TransportBar::showMessage(const QString& message)
{
    m_nowPlaying->setText(message);
    m_nowPlaying->setToolTip(message);
}

void TransportBar::seekToSlider()
{
    m_listening->player()->seek(m_position->sliderPosition() / 1000.0);
}

} // namespace atlas::ui
