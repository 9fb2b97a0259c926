// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/views/view_support.h"

#include <QFile>
#include <QFileDialog>
#include <QMessageBox>
#include <QPainter>
#include <QResizeEvent>

#include <algorithm>
#include <cmath>

namespace atlas::ui {

QLabel* makeInfoBox(const QString& objectName, Qt::TextFormat format, QWidget* parent)
{
    auto* label = new QLabel(parent);
    label->setObjectName(objectName);
    label->setWordWrap(true);
    label->setTextFormat(format);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    label->setStyleSheet(QStringLiteral("QLabel#%1 { background: #f4f5f7; border: 1px solid "
                                        "#e2e4e8; border-radius: 4px; padding: 5px; "
                                        "color: #33373d; }")
                             .arg(objectName));
    return label;
}

QLabel* makeEmptyState(const QString& text, QWidget* parent)
{
    auto* label = new QLabel(text, parent);
    label->setObjectName(QStringLiteral("emptyState"));
    label->setAlignment(Qt::AlignCenter);
    label->setWordWrap(true);
    label->setMargin(24);
    QFont font = label->font();
    font.setPointSizeF(font.pointSizeF() * 1.25);
    label->setFont(font);
    QPalette palette = label->palette();
    palette.setColor(QPalette::WindowText, QColor(0x66, 0x66, 0x66));
    label->setPalette(palette);
    return label;
}

QString formatScore(double value)
{
    if (!std::isfinite(value))
        return QStringLiteral("–");
    return QString::number(value, 'f', std::abs(value) >= 100.0 ? 1 : 3);
}

QString formatPercent(double fraction)
{
    if (!std::isfinite(fraction))
        return QStringLiteral("–");
    return QString::number(100.0 * fraction, 'f', 1) + QStringLiteral(" %");
}

QString counted(qint64 n, const QString& one, const QString& many)
{
    return (n == 1 ? one : many).arg(QLocale().toString(n));
}

std::filesystem::path toPath(const QString& path)
{
    return std::filesystem::path(QFile::encodeName(path).toStdString());
}

void saveWithDialog(QWidget* parent, const QString& title, const QString& suggested,
                    const QString& filter,
                    const std::function<bool(const QString& path, QString* error)>& save)
{
    const QString path = QFileDialog::getSaveFileName(parent, title, suggested, filter);
    if (path.isEmpty())
        return;
    QString error;
    if (!save(path, &error))
        QMessageBox::warning(parent, title, error);
}

FigureWidget::FigureWidget(QWidget* parent) : QWidget(parent)
{
    setAttribute(Qt::WA_OpaquePaintEvent);
    setMinimumSize(320, 200);
}

void FigureWidget::setRenderer(Renderer renderer)
{
    m_renderer = std::move(renderer);
    invalidate();
}

void FigureWidget::invalidate()
{
    m_valid = false;
    m_image = QImage();
    // Draw outside the paint event: the renderer paints a chart of its own, which must not
    // nest inside this widget's paint cycle on the window's backing store.
    if (!m_scheduled) {
        m_scheduled = true;
        QMetaObject::invokeMethod(this, [this] {
            m_scheduled = false;
            if (isVisible())
                image();
            update();
        }, Qt::QueuedConnection);
    }
}

QImage FigureWidget::image()
{
    if (!m_valid && m_renderer && width() > 0 && height() > 0) {
        // Lay out at no less than the minimum size, then scale the pixels down to the
        // widget's (QPainter does not honour a device pixel ratio below 1).
        const qreal dpr = devicePixelRatioF();
        const qreal scale = std::max({1.0, qreal(m_minimumLogical.width()) / width(),
                                      qreal(m_minimumLogical.height()) / height()});
        const QSize logical(int(std::lround(width() * scale)), int(std::lround(height() * scale)));
        m_image = m_renderer(logical, dpr);
        if (!m_image.isNull() && scale > 1.0) {
            m_image = m_image.scaled(QSize(int(std::lround(width() * dpr)),
                                           int(std::lround(height() * dpr))),
                                     Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
            m_image.setDevicePixelRatio(dpr);
        }
        m_valid = true;
    }
    return m_image;
}

void FigureWidget::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    painter.fillRect(rect(), Qt::white);
    if (!m_valid && m_renderer && width() > 0 && height() > 0) {
        invalidate();   // shown before the queued drawing ran: draw it now, outside this event
        return;
    }
    const QImage& shown = m_image;
    if (!shown.isNull()) {
        painter.drawImage(QPointF(0, 0), shown);
        return;
    }
    painter.setPen(QColor(0x66, 0x66, 0x66));
    painter.drawText(rect().adjusted(16, 16, -16, -16), Qt::AlignCenter | Qt::TextWordWrap,
                     m_emptyText);
}

void FigureWidget::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    if (event->size() != event->oldSize())
        invalidate();
}

} // namespace atlas::ui
