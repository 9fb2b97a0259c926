// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// How long the GUI thread was unable to process events: a 2-ms precise timer whose longest
// gap between ticks, minus the interval, is the longest stall. Used by test_main_window (which
// checks that the measurement works) and by bench_app (which compares it with the 50 ms target:
// a timing, which only an otherwise idle machine can promise).

#include <QElapsedTimer>
#include <QObject>
#include <QString>
#include <QTimer>

#include <functional>
#include <utility>

namespace atlas::test {

class StallMeter : public QObject {
public:
    StallMeter()
    {
        m_timer.setInterval(2);
        m_timer.setTimerType(Qt::PreciseTimer);
        connect(&m_timer, &QTimer::timeout, this, [this] {
            if (m_clock.isValid()) {
                const double stall = m_clock.nsecsElapsed() / 1e6 - 2.0;
                if (stall > m_worst) {
                    m_worst = stall;
                    m_where = m_context ? m_context() : QString();
                }
            }
            m_clock.start();
            ++m_ticks;
        });
    }
    void start() { m_timer.start(); }
    void stop() { m_timer.stop(); }
    /// Forgets the stalls seen so far (the next one is measured from now).
    void reset()
    {
        m_worst = 0.0;
        m_where.clear();
        m_clock.start();
    }
    /// The longest stall seen so far, in milliseconds.
    double worstMs() const { return m_worst; }
    /// What was going on when the longest stall ended (from the context function).
    QString where() const { return m_where; }
    /// Called when a new longest stall ends, to say what the window was doing.
    void setContext(std::function<QString()> context) { m_context = std::move(context); }
    /// Timer ticks seen: a few per stall-free 2 ms.
    int ticks() const { return m_ticks; }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    double m_worst = 0.0;
    int m_ticks = 0;
    QString m_where;
    std::function<QString()> m_context;
};

} // namespace atlas::test
