// SPDX-License-Identifier: GPL-3.0-or-later
// Map view benchmark: how fast the Map tab draws and picks at 1,000, 10,000 and 100,000
// points (a 1280 x 800 view of a t-SNE-like layout: ten Gaussian blobs of different spread,
// coloured by blob).
//
//     bench_map_view [--snapshot DIR]
//
// Columns (median of 20 unless noted):
//   first paint   setPoints() + setClasses() + fitAll() + the first full render (once)
//   full repaint  the point layer redrawn, as on every step of a pan or zoom: wall time
//                 (median and best of 20) and the CPU time of all threads (median; the
//                 layer is composited in up to four bands in parallel above 50,000 points),
//                 which a busy machine does not inflate
//   highlighted   the same with a search highlight on 10 % of the points (two-pass styles)
//   hover repaint a new hover point over the cached layer (what mouse motion costs)
//   pick mean/max MapView::pointAt() at 100,000 random positions, µs per call (the maximum
//                 includes any preemption of the process)
// Rendering goes through QWidget::render() into a QImage at the screen's device pixel
// ratio (1 on the offscreen platform; run with QT_SCALE_FACTOR=2 for a high-DPI screen).
// Targets: full repaint < 33 ms and pick < 1 ms at 100,000 points.
#include "ui/figures/palette.h"
#include "ui/map/map_view.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QImage>
#include <QMouseEvent>

#include <algorithm>
#include <ctime>
#include <cstdio>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace {

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0.0 : v[v.size() / 2];
}

struct Layout {
    std::shared_ptr<atlas::Matrix> xy;
    std::vector<int> classes;
};

Layout blobs(int n, unsigned seed)
{
    std::mt19937 rng(seed);
    std::normal_distribution<double> gauss(0.0, 1.0);
    std::uniform_real_distribution<double> u(-40.0, 40.0);
    std::uniform_real_distribution<double> spread(1.5, 9.0);
    double cx[10], cy[10], s[10];
    for (int k = 0; k < 10; ++k) {
        cx[k] = u(rng);
        cy[k] = u(rng);
        s[k] = spread(rng);
    }
    Layout out;
    out.xy = std::make_shared<atlas::Matrix>(n, 2);
    out.classes.resize(std::size_t(n));
    for (int i = 0; i < n; ++i) {
        const int k = int(rng() % 10u);
        out.classes[std::size_t(i)] = k;
        (*out.xy)(i, 0) = cx[k] + s[k] * gauss(rng);
        (*out.xy)(i, 1) = cy[k] + s[k] * gauss(rng);
    }
    return out;
}

double msSince(const QElapsedTimer& t)
{
    return double(t.nsecsElapsed()) / 1e6;
}

double processCpuMs()
{
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}


void hoverAt(QWidget* w, QPointF pos)
{
    QMouseEvent e(QEvent::MouseMove, pos, w->mapToGlobal(pos), Qt::NoButton, Qt::NoButton,
                  Qt::NoModifier);
    QApplication::sendEvent(w, &e);
}

} // namespace

int main(int argc, char** argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM") && qEnvironmentVariableIsEmpty("DISPLAY") &&
        qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QString snapshotDir;
    for (int a = 1; a + 1 < argc; ++a)
        if (std::strcmp(argv[a], "--snapshot") == 0)
            snapshotDir = QString::fromLocal8Bit(argv[a + 1]);

    QStringList names;
    QList<QColor> colours;
    for (int k = 0; k < 10; ++k) {
        names.append(QStringLiteral("class %1").arg(k));
        colours.append(atlas::ui::categoricalColor(k));
    }

    std::printf("%9s %5s %12s %13s %8s %10s %12s %14s %10s %10s\n", "points", "dpr",
                "first paint", "full repaint", "(best)", "(CPU)", "highlighted", "hover repaint",
                "pick mean", "pick max");
    std::printf("%9s %5s %12s %13s %8s %10s %12s %14s %10s %10s\n", "", "", "ms", "ms", "ms",
                "ms", "ms", "ms", "us", "us");
    for (int n : {1000, 10000, 100000}) {
        const Layout layout = blobs(n, unsigned(n));
        atlas::ui::MapView view;
        view.resize(1280, 800);
        const double dpr = view.devicePixelRatioF();
        QImage target(int(1280 * dpr), int(800 * dpr), QImage::Format_ARGB32_Premultiplied);
        target.setDevicePixelRatio(dpr);

        QElapsedTimer timer;
        timer.start();
        view.setPoints(layout.xy);
        view.setClasses(layout.classes, names, colours);
        view.fitAll();
        view.render(&target);
        const double first = msSince(timer);

        std::vector<double> full, fullCpu, highlighted, hover;
        for (int k = 0; k < 20; ++k) {
            view.panBy(QPointF(k % 2 ? 1.0 : -1.0, 0.0));
            timer.restart();
            const double cpu0 = processCpuMs();
            view.render(&target);
            fullCpu.push_back(processCpuMs() - cpu0);
            full.push_back(msSince(timer));
        }
        QList<int> hits;
        for (int i = 0; i < n; i += 10)
            hits.append(i);
        view.setHighlighted(hits);
        for (int k = 0; k < 20; ++k) {
            view.panBy(QPointF(k % 2 ? 1.0 : -1.0, 0.0));
            timer.restart();
            view.render(&target);
            highlighted.push_back(msSince(timer));
        }
        if (!snapshotDir.isEmpty())
            target.save(snapshotDir + QStringLiteral("/map_%1_highlighted.png").arg(n));
        view.setHighlighted({});
        std::mt19937 rng(7);
        for (int k = 0; k < 20; ++k) {
            hoverAt(&view, view.pointPosition(int(rng() % unsigned(n))));
            timer.restart();
            view.render(&target);
            hover.push_back(msSince(timer));
        }
        if (!snapshotDir.isEmpty())
            target.save(snapshotDir + QStringLiteral("/map_%1.png").arg(n));

        std::uniform_real_distribution<double> ux(0.0, 1280.0), uy(0.0, 800.0);
        constexpr int Picks = 100000;
        std::vector<QPointF> probes(Picks);
        for (QPointF& p : probes)
            p = QPointF(ux(rng), uy(rng));
        double pickMax = 0.0;
        long found = 0;
        QElapsedTimer total;
        total.start();
        for (const QPointF& p : probes) {
            timer.restart();
            found += view.pointAt(p) >= 0;
            pickMax = std::max(pickMax, double(timer.nsecsElapsed()) / 1e3);
        }
        const double pickMean = double(total.nsecsElapsed()) / 1e3 / Picks;

        std::printf("%9d %5.1f %12.2f %13.2f %8.2f %10.2f %12.2f %14.2f %10.2f %10.1f   (%.0f %% "
                    "of probes hit)\n",
                    n, dpr, first, median(full), *std::min_element(full.begin(), full.end()),
                    median(fullCpu), median(highlighted), median(hover), pickMean, pickMax,
                    100.0 * double(found) / Picks);
    }
    return 0;
}
