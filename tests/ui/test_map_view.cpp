// SPDX-License-Identifier: GPL-3.0-or-later
// The Map tab: MapView's picking, lasso, zoom and pan driven by real mouse, wheel and key
// events, and MapPanel on a small finished run (combos, legend, search, selection, live
// frames, empty and failed states).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include "tests/ui/ui_fixtures.h"
#include "ui/map/map_panel.h"
#include "ui/map/map_view.h"
#include "ui/map/point_renderer.h"
#include "ui/model/run_model.h"

#include <QComboBox>
#include <QFile>
#include <QTemporaryDir>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPainter>
#include <QPushButton>
#include <QSignalSpy>
#include <QtTest>

#include <random>

using atlas::Matrix;
using atlas::ui::MapPanel;
using atlas::ui::MapView;

namespace {

// A jittered grid: points at least ~0.6 units apart, so each has a clear pick area.
std::shared_ptr<const Matrix> jitteredGrid(int side, unsigned seed)
{
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> jitter(-0.2, 0.2);
    auto xy = std::make_shared<Matrix>(side * side, 2);
    for (int i = 0; i < side * side; ++i) {
        (*xy)(i, 0) = (i % side) + jitter(rng);
        (*xy)(i, 1) = (i / side) * 0.8 + jitter(rng);
    }
    return xy;
}

void sendMove(QWidget* w, QPointF pos, Qt::MouseButtons buttons = Qt::NoButton,
              Qt::KeyboardModifiers mods = Qt::NoModifier)
{
    QMouseEvent e(QEvent::MouseMove, pos, w->mapToGlobal(pos), Qt::NoButton, buttons, mods);
    QApplication::sendEvent(w, &e);
}

void sendWheel(QWidget* w, QPointF pos, int delta)
{
    QWheelEvent e(pos, w->mapToGlobal(pos), QPoint(), QPoint(0, delta), Qt::NoButton,
                  Qt::NoModifier, Qt::NoScrollPhase, false);
    QApplication::sendEvent(w, &e);
}

// Drags with the left button through `path` (widget coordinates).
void drag(QWidget* w, const QList<QPoint>& path, Qt::KeyboardModifiers mods)
{
    QTest::mousePress(w, Qt::LeftButton, mods, path.front());
    for (int k = 1; k < path.size(); ++k) {
        // Intermediate steps, as a real mouse reports them.
        const QPointF a = path[k - 1], b = path[k];
        for (int s = 1; s <= 8; ++s)
            sendMove(w, a + (b - a) * (s / 8.0), Qt::LeftButton, mods);
    }
    QTest::mouseRelease(w, Qt::LeftButton, mods, path.back());
}

// The point drawn nearest to `pos`, by brute force over the view's own positions.
int nearestOnScreen(const MapView& view, QPointF pos)
{
    int best = -1;
    double bestD = 1e300;
    for (int i = 0; i < view.pointCount(); ++i) {
        const double d = QLineF(view.pointPosition(i), pos).length();
        if (d < bestD) {
            bestD = d;
            best = i;
        }
    }
    return best;
}

bool imageHasColour(const QImage& image)
{
    for (int y = 0; y < image.height(); y += 2)
        for (int x = 0; x < image.width(); x += 2) {
            const QColor c = image.pixelColor(x, y);
            if (c.hsvSaturation() > 120 && c.value() > 60)
                return true;
        }
    return false;
}

void snapshot(QWidget& w, const QString& name)
{
    const QString dir = qEnvironmentVariable("ATLAS_SNAPSHOT_DIR");
    if (dir.isEmpty())
        return;
    QTest::qWait(50);   // item views lay out their rows from a timer
    w.grab().save(dir + QLatin1Char('/') + name);
}

} // namespace

class TestMapView : public QObject {
    Q_OBJECT
private slots:
    void compositorBlendsAsQPainter()
    {
        // The point compositor's row blend against QPainter's source-over on the same
        // premultiplied pixels: every alpha from transparent to opaque (random channels no
        // larger than it), random destinations, every start and end around the groups of
        // four the blend takes at a time.
        std::mt19937 rng(11);
        std::uniform_int_distribution<int> byte(0, 255);
        constexpr int Width = 300;
        QImage src(Width, 1, QImage::Format_ARGB32_Premultiplied);
        auto* s = reinterpret_cast<quint32*>(src.scanLine(0));
        for (int x = 0; x < Width; ++x) {
            const int a = x < 256 ? x : (x % 2 ? 255 : 0);
            const auto ch = [&] { return a == 0 ? 0 : byte(rng) % (a + 1); };
            s[x] = qRgba(ch(), ch(), ch(), a);
        }
        for (int trial = 0; trial < 40; ++trial) {
            QImage dst(Width, 1, QImage::Format_ARGB32_Premultiplied);
            auto* d = reinterpret_cast<quint32*>(dst.scanLine(0));
            for (int x = 0; x < Width; ++x) {
                const int a = trial % 4 == 0 ? 255 : byte(rng);
                const auto ch = [&] { return a == 0 ? 0 : byte(rng) % (a + 1); };
                d[x] = qRgba(ch(), ch(), ch(), a);
            }
            const int begin = trial % 7, end = Width - (trial % 5);
            QImage want = dst;
            {
                QPainter p(&want);
                p.setCompositionMode(QPainter::CompositionMode_SourceOver);
                p.drawImage(QPoint(begin, 0), src, QRect(begin, 0, end - begin, 1));
            }
            QImage got = dst;
            atlas::ui::detail::blendRow(s, reinterpret_cast<quint32*>(got.scanLine(0)), begin, end);
            const auto* w = reinterpret_cast<const quint32*>(want.constScanLine(0));
            const auto* g = reinterpret_cast<const quint32*>(got.constScanLine(0));
            for (int x = 0; x < Width; ++x)
                if (w[x] != g[x])
                    QFAIL(qPrintable(QStringLiteral("trial %1, pixel %2 (source %3 over %4): "
                                                    "%5, QPainter %6")
                                         .arg(trial)
                                         .arg(x)
                                         .arg(s[x], 8, 16, QLatin1Char('0'))
                                         .arg(d[x], 8, 16, QLatin1Char('0'))
                                         .arg(g[x], 8, 16, QLatin1Char('0'))
                                         .arg(w[x], 8, 16, QLatin1Char('0'))));
        }
    }

    void hoverShowsTooltipOfPoint()
    {
        MapView view;
        view.resize(500, 420);
        view.setPoints(jitteredGrid(8, 1));
        view.setTooltipProvider([](int i) { return QStringLiteral("track %1").arg(i); });
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QSignalSpy hovered(&view, &MapView::hovered);
        for (int i : {0, 9, 27, 63}) {
            // A pixel off the centre still picks the point.
            sendMove(&view, view.pointPosition(i) + QPointF(1.5, -1.0));
            QCOMPARE(view.hoveredPoint(), i);
            QCOMPARE(view.hoverText(), QStringLiteral("track %1").arg(i));
        }
        QCOMPARE(hovered.count(), 4);
        QCOMPARE(hovered.last().at(0).toInt(), 63);
        // Empty space between points: nothing.
        sendMove(&view, QPointF(2, 2));
        QCOMPARE(view.hoveredPoint(), -1);
        QVERIFY(view.hoverText().isEmpty());
    }

    void clickEmitsPointClicked()
    {
        MapView view;
        view.resize(400, 400);
        view.setPoints(jitteredGrid(6, 2));
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QSignalSpy clicked(&view, &MapView::pointClicked);
        QTest::mouseClick(&view, Qt::LeftButton, {}, view.pointPosition(14).toPoint());
        QCOMPARE(clicked.count(), 1);
        QCOMPARE(clicked.first().at(0).toInt(), 14);
        QTest::mouseClick(&view, Qt::LeftButton, {}, QPoint(3, 3));   // empty space
        QCOMPARE(clicked.count(), 1);
        // Ctrl+click toggles the point in the selection instead of playing it.
        QSignalSpy selected(&view, &MapView::selectionChanged);
        QTest::mouseClick(&view, Qt::LeftButton, Qt::ControlModifier,
                          view.pointPosition(20).toPoint());
        QCOMPARE(view.selection(), QList<int>{20});
        QTest::mouseClick(&view, Qt::LeftButton, Qt::ControlModifier,
                          view.pointPosition(20).toPoint());
        QVERIFY(view.selection().isEmpty());
        QCOMPARE(selected.count(), 2);
        QCOMPARE(clicked.count(), 1);
    }

    void lassoSelectsExactlyThePointsInside()
    {
        MapView view;
        view.resize(520, 480);
        std::mt19937 rng(3);
        std::uniform_real_distribution<double> u(0.0, 10.0);
        auto xy = std::make_shared<Matrix>(400, 2);
        for (int i = 0; i < 400; ++i)
            xy->row(i) << u(rng), u(rng);
        view.setPoints(xy);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        // A concave lasso (an arrow head) traced with Shift held.
        const QList<QPoint> path = {{80, 80}, {420, 120}, {250, 220}, {400, 400}, {100, 360}};
        QSignalSpy changed(&view, &MapView::selectionChanged);
        drag(&view, path, Qt::ShiftModifier);
        QCOMPARE(changed.count(), 1);
        QPolygonF polygon;
        for (const QPoint& p : path)
            polygon << p;
        QList<int> expected;
        for (int i = 0; i < 400; ++i)
            if (polygon.containsPoint(view.pointPosition(i), Qt::OddEvenFill))
                expected.append(i);
        QVERIFY(expected.size() > 40 && expected.size() < 300);
        QCOMPARE(view.selection(), expected);
        QCOMPARE(changed.first().at(0).value<QList<int>>(), expected);

        // Ctrl+Shift adds a second lasso; the lasso tool needs no Shift.
        const QList<QPoint> corner = {{440, 20}, {510, 20}, {510, 70}, {440, 70}};
        drag(&view, corner, Qt::ShiftModifier | Qt::ControlModifier);
        QPolygonF second;
        for (const QPoint& p : corner)
            second << p;
        for (int i = 0; i < 400; ++i)
            if (second.containsPoint(view.pointPosition(i), Qt::OddEvenFill) &&
                !expected.contains(i))
                expected.append(i);
        std::sort(expected.begin(), expected.end());
        QCOMPARE(view.selection(), expected);
        view.setLassoMode(true);
        drag(&view, corner, Qt::NoModifier);
        QVERIFY(view.selection().size() < expected.size());
        // Esc clears.
        QTest::keyClick(&view, Qt::Key_Escape);
        QVERIFY(view.selection().isEmpty());
    }

    void zoomPanAndFitKeepPickingRight()
    {
        MapView view;
        view.resize(600, 450);
        view.setPoints(jitteredGrid(12, 4));
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        const double fitted = view.scale();

        // Wheel zoom keeps the map position under the cursor in place.
        const QPointF anchor(150, 120);
        const QPointF under = view.toMap(anchor);
        sendWheel(&view, anchor, 240);
        QVERIFY(view.scale() > fitted * 1.3);
        QVERIFY(QLineF(view.toMap(anchor), under).length() < 1e-9);
        QVERIFY(view.userMovedView());

        // Drag pans by exactly the mouse movement.
        const int probe = 30;
        const QPointF before = view.pointPosition(probe);
        drag(&view, {QPoint(300, 200), QPoint(340, 170)}, Qt::NoModifier);
        const QPointF moved = view.pointPosition(probe) - before;
        QVERIFY(QLineF(moved, QPointF(40, -30)).length() < 1e-6);

        // Picking agrees with what is drawn, wherever the view is.
        for (int round = 0; round < 3; ++round) {
            int checked = 0;
            for (int i = 0; i < view.pointCount(); ++i) {
                const QPointF p = view.pointPosition(i);
                if (!view.rect().contains(p.toPoint()))
                    continue;
                QCOMPARE(view.pointAt(p + QPointF(0.7, 0.4)), nearestOnScreen(view, p + QPointF(0.7, 0.4)));
                ++checked;
            }
            QVERIFY(checked > 5);
            sendWheel(&view, QPointF(400, 300), -120);
        }

        // F fits all again: every point visible, the original scale back.
        QTest::keyClick(&view, Qt::Key_F);
        QVERIFY(std::abs(view.scale() - fitted) < 1e-9 * fitted);
        QVERIFY(!view.userMovedView());
        for (int i = 0; i < view.pointCount(); ++i)
            QVERIFY(view.rect().contains(view.pointPosition(i).toPoint()));
        // Home does the same after a pan.
        view.panBy(QPointF(200, 0));
        QTest::keyClick(&view, Qt::Key_Home);
        QVERIFY(view.rect().contains(view.pointPosition(0).toPoint()));
    }

    void hiddenClassesAreNotPickedOrLassoed()
    {
        MapView view;
        view.resize(400, 400);
        view.setPoints(jitteredGrid(6, 5));
        std::vector<int> classes(36);
        for (int i = 0; i < 36; ++i)
            classes[std::size_t(i)] = i % 3 == 0 ? -1 : i % 2;
        view.setClasses(classes, {QStringLiteral("even"), QStringLiteral("odd")},
                        {QColor(Qt::red), QColor(Qt::blue)});
        QCOMPARE(view.pointsInClass(0) + view.pointsInClass(1) + view.pointsInClass(-1), 36);
        QCOMPARE(view.pointsInClass(-1), 12);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QCOMPARE(view.pointAt(view.pointPosition(1)), 1);   // class 1
        view.setClassVisible(1, false);
        QVERIFY(!view.isClassVisible(1));
        QVERIFY(view.pointAt(view.pointPosition(1)) != 1);
        QCOMPARE(view.pointAt(view.pointPosition(2)), 2);   // class 0 still there
        view.setClassVisible(-1, false);
        QVERIFY(view.pointAt(view.pointPosition(0)) != 0);  // noise hidden too
        // A lasso around everything selects the visible class only.
        drag(&view, {{1, 1}, {398, 1}, {398, 398}, {1, 398}}, Qt::ShiftModifier);
        QCOMPARE(view.selection().size(), qsizetype(view.pointsInClass(0)));
        for (int i : view.selection())
            QCOMPARE(classes[std::size_t(i)], 0);
        view.setClassVisible(1, true);
        QCOMPARE(view.pointAt(view.pointPosition(1)), 1);
    }

    void selectionAndHighlightSurviveANewLayout()
    {
        MapView view;
        view.resize(300, 300);
        view.setPoints(jitteredGrid(5, 6));
        view.setSelection({3, 1, 3, 99, -2});
        QCOMPARE(view.selection(), (QList<int>{1, 3}));
        view.setHighlighted({4, 7});
        view.setPlayingTrack(2);
        // Another map of the same tracks keeps them.
        view.setPoints(jitteredGrid(5, 7));
        QCOMPARE(view.selection(), (QList<int>{1, 3}));
        QCOMPARE(view.highlighted(), (QList<int>{4, 7}));
        QCOMPARE(view.playingTrack(), 2);
        // A different collection does not.
        view.setPoints(jitteredGrid(4, 8));
        QVERIFY(view.selection().isEmpty());
        QVERIFY(view.highlighted().isEmpty());
        QCOMPARE(view.playingTrack(), -1);
        // The highlight and the playing ring change what is drawn.
        const QImage plain = view.grab().toImage();
        view.setHighlighted({5});
        QVERIFY(view.grab().toImage() != plain);
        view.setHighlighted({});
        QCOMPARE(view.grab().toImage(), plain);
        view.setPlayingTrack(5);
        QVERIFY(view.grab().toImage() != plain);
    }

    void panelShowsTheDemoRun()
    {
        const auto run = atlas::test::smallDemoRun();
        atlas::ui::RunModel model;
        model.setResult(run);
        MapPanel panel(&model);
        panel.resize(1100, 700);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        auto* reps = panel.findChild<QComboBox*>(QStringLiteral("representationCombo"));
        auto* maps = panel.findChild<QComboBox*>(QStringLiteral("mapCombo"));
        auto* colours = panel.findChild<QComboBox*>(QStringLiteral("colourCombo"));
        auto* legend = panel.findChild<QListWidget*>(QStringLiteral("mapLegend"));
        QVERIFY(reps && maps && colours && legend);
        QVERIFY(panel.findChild<QLineEdit*>(QStringLiteral("mapSearch")));
        QVERIFY(panel.findChild<QListWidget*>(QStringLiteral("selectionList")));
        QCOMPARE(panel.findChild<MapView*>(QStringLiteral("mapView")), panel.view());
        QCOMPARE(reps->count(), int(run->representations.size()));
        QCOMPARE(reps->itemText(0), QStringLiteral("PCA"));
        QCOMPARE(maps->count(), 2);
        // The run's label, seven fields of the tracks, three clusterings, none (and two
        // separators).
        QCOMPARE(colours->count(), 14);
        for (const char* item : {"Genre tag", "Artist", "Album", "Decade", "Format", "Folder",
                                 "Has lyrics", "KMeans clusters", "No colour"})
            QVERIFY2(colours->findText(QLatin1String(item)) >= 0, item);
        QVERIFY(colours->currentText().startsWith(QStringLiteral("Label")));
        const int n = run->dataset.size();
        QCOMPARE(panel.view()->pointCount(), n);
        // Genre colouring: one legend entry per genre, counts summing to n.
        QCOMPARE(legend->count(), int(run->dataset.labelNames.size()));
        QVERIFY(legend->item(0)->text().startsWith(QString::fromStdString(run->dataset.labelNames[0])));
        QVERIFY(imageHasColour(panel.grab().toImage()));
        snapshot(panel, QStringLiteral("map_panel_genre.png"));

        // The tooltip names the file, the genre and the cluster.
        const QString tip = [&] {
            sendMove(panel.view(), panel.view()->pointPosition(7));
            return panel.view()->hoverText();
        }();
        QVERIFY2(tip.contains(QString::fromStdString(run->dataset.tracks[7].path.filename().string())),
                 qPrintable(tip));
        QVERIFY(tip.contains(QString::fromStdString(run->dataset.tracks[7].label)));
        QVERIFY(tip.contains(QStringLiteral("cluster ")) || tip.contains(QStringLiteral("noise")));

        // DBSCAN colouring on β-VAE / UMAP; every representation × map draws.
        colours->setCurrentIndex(colours->findText(QStringLiteral("DBSCAN clusters")));
        for (int r = 0; r < reps->count(); ++r)
            for (int m = 0; m < maps->count(); ++m) {
                reps->setCurrentIndex(r);
                maps->setCurrentIndex(m);
                const atlas::RepresentationResult& rep = run->representations[std::size_t(r)];
                if (rep.ok && rep.maps[std::size_t(m)].ok)
                    QCOMPARE(panel.view()->pointCount(), n);
                else
                    QVERIFY(panel.view()->emptyMessage().startsWith(QStringLiteral("This map failed")));
            }
        int total = 0;
        for (int k = 0; k < legend->count(); ++k)
            total += legend->item(k)->text().section(QLatin1Char('('), -1).chopped(1).toInt();
        QCOMPARE(total, n);
        snapshot(panel, QStringLiteral("map_panel_dbscan.png"));
        // Clicking a point asks to play it.
        QSignalSpy activated(&panel, &MapPanel::trackActivated);
        QTest::mouseClick(panel.view(), Qt::LeftButton, {}, panel.view()->pointPosition(11).toPoint());
        QCOMPARE(activated.count(), 1);
        QCOMPARE(activated.first().at(0).toInt(), panel.view()->pointAt(panel.view()->pointPosition(11)));
    }

    void panelLegendSearchAndSelection()
    {
        const auto run = atlas::test::smallDemoRun();
        atlas::ui::RunModel model;
        model.setResult(run);
        MapPanel panel(&model);
        panel.resize(1100, 700);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        auto* legend = panel.findChild<QListWidget*>(QStringLiteral("mapLegend"));
        auto* reps = panel.findChild<QComboBox*>(QStringLiteral("representationCombo"));
        auto* search = panel.findChild<QLineEdit*>(QStringLiteral("mapSearch"));
        auto* list = panel.findChild<QListWidget*>(QStringLiteral("selectionList"));
        MapView* view = panel.view();

        // Clicking the first genre's legend entry hides it from picking; clicking again shows it.
        int track = 0;
        while (run->dataset.labels(track) != 0)
            ++track;
        QCOMPARE(view->pointAt(view->pointPosition(track)), track);
        const QRect entry = legend->visualItemRect(legend->item(0));
        QTest::mouseClick(legend->viewport(), Qt::LeftButton, {}, entry.center());
        QVERIFY(!view->isClassVisible(0));
        QVERIFY(view->pointAt(view->pointPosition(track)) != track);
        // Hidden stays hidden when the map changes.
        reps->setCurrentIndex(1);
        QVERIFY(!view->isClassVisible(0));
        QTest::mouseClick(legend->viewport(), Qt::LeftButton, {},
                          legend->visualItemRect(legend->item(0)).center());
        QVERIFY(view->isClassVisible(0));

        // Double-click shows only that class; a double-click on it again shows all.
        const auto doubleClick = [&](int row) {
            const QPoint at = legend->visualItemRect(legend->item(row)).center();
            QTest::mouseClick(legend->viewport(), Qt::LeftButton, {}, at);
            QTest::mouseDClick(legend->viewport(), Qt::LeftButton, {}, at);
            QTest::mouseRelease(legend->viewport(), Qt::LeftButton, {}, at);
        };
        doubleClick(2);
        for (int c = 0; c < view->classCount(); ++c)
            QCOMPARE(view->isClassVisible(c), c == 2);
        snapshot(panel, QStringLiteral("map_panel_solo.png"));
        doubleClick(2);
        for (int c = 0; c < view->classCount(); ++c)
            QVERIFY(view->isClassVisible(c));
        // A single click after a double-click toggles as usual.
        QTest::mouseClick(legend->viewport(), Qt::LeftButton, {},
                          legend->visualItemRect(legend->item(4)).center());
        QVERIFY(!view->isClassVisible(4));
        QTest::mouseClick(legend->viewport(), Qt::LeftButton, {},
                          legend->visualItemRect(legend->item(4)).center());
        QVERIFY(view->isClassVisible(4));

        // Search: case-insensitive on id, file name and label.
        search->setText(QStringLiteral("JAZZ"));
        QList<int> expected;
        for (int i = 0; i < run->dataset.size(); ++i) {
            const auto& t = run->dataset.tracks[std::size_t(i)];
            if (QString::fromStdString(t.id + " " + t.label + " " + t.path.filename().string())
                    .contains(QStringLiteral("jazz"), Qt::CaseInsensitive))
                expected.append(i);
        }
        QVERIFY(!expected.isEmpty() && expected.size() < run->dataset.size());
        QCOMPARE(view->highlighted(), expected);
        snapshot(panel, QStringLiteral("map_panel_search.png"));
        search->setText(QString::fromStdString(run->dataset.tracks[3].id));
        QVERIFY(view->highlighted().contains(3));
        search->clear();
        QVERIFY(view->highlighted().isEmpty());

        // Selection goes to the list, stays across a representation and map switch, plays
        // and exports.
        view->setSelection({2, 5, 8});
        QCOMPARE(list->count(), 3);
        panel.setPlayingTrack(30);
        snapshot(panel, QStringLiteral("map_panel_selection.png"));
        QCOMPARE(list->item(1)->data(Qt::UserRole + 2).toInt(), 5);
        reps->setCurrentIndex(2);
        panel.findChild<QComboBox*>(QStringLiteral("mapCombo"))->setCurrentIndex(1);
        QCOMPARE(view->selection(), (QList<int>{2, 5, 8}));
        QCOMPARE(panel.selection(), (QList<int>{2, 5, 8}));
        QSignalSpy play(&panel, &MapPanel::playRequested);
        QSignalSpy exportList(&panel, &MapPanel::playlistExportRequested);
        panel.findChild<QPushButton*>(QStringLiteral("playSelection"))->click();
        panel.findChild<QPushButton*>(QStringLiteral("exportSelection"))->click();
        QCOMPARE(play.count(), 1);
        QCOMPARE(play.first().at(0).value<QList<int>>(), (QList<int>{2, 5, 8}));
        QCOMPARE(exportList.first().at(0).value<QList<int>>(), (QList<int>{2, 5, 8}));
        QSignalSpy activated(&panel, &MapPanel::trackActivated);
        // A double click as a mouse delivers it: click, double-click event, release.
        const QPoint third = list->visualItemRect(list->item(2)).center();
        QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, third);
        QTest::mouseDClick(list->viewport(), Qt::LeftButton, {}, third);
        QTest::mouseRelease(list->viewport(), Qt::LeftButton, {}, third);
        QCOMPARE(activated.count(), 1);
        QCOMPARE(activated.first().at(0).toInt(), 8);
        panel.findChild<QPushButton*>(QStringLiteral("clearSelection"))->click();
        QVERIFY(view->selection().isEmpty());
        QVERIFY(panel.selection().isEmpty());

        // The playing track gets its ring and keeps it across maps.
        panel.setPlayingTrack(4);
        reps->setCurrentIndex(0);
        QCOMPARE(view->playingTrack(), 4);
    }

    void newRunClearsTheSelection()
    {
        const auto run = atlas::test::smallDemoRun();
        atlas::ui::RunModel model;
        model.setResult(run);
        MapPanel panel(&model);
        panel.resize(1100, 700);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        auto* list = panel.findChild<QListWidget*>(QStringLiteral("selectionList"));
        auto* play = panel.findChild<QPushButton*>(QStringLiteral("playSelection"));
        auto* exportButton = panel.findChild<QPushButton*>(QStringLiteral("exportSelection"));
        panel.view()->setSelection({1, 2, 3});
        panel.setMarkedTrack(2);
        panel.setPlayingTrack(3);
        QCOMPARE(list->count(), 3);
        QVERIFY(play->isEnabled());
        // A new run (or another collection) starts: nothing of the old one is listed or
        // playable.
        model.reset(run->config);
        QVERIFY(panel.selection().isEmpty());
        QCOMPARE(list->count(), 1);   // the hint
        QCOMPARE(list->item(0)->flags(), Qt::NoItemFlags);
        QVERIFY(!play->isEnabled());
        QVERIFY(!exportButton->isEnabled());
        QCOMPARE(panel.view()->pointCount(), 0);
        // The new run's map arrives without the old selection or marks.
        model.setResult(run);
        QCOMPARE(panel.view()->pointCount(), run->dataset.size());
        QVERIFY(panel.view()->selection().isEmpty());
        QCOMPARE(panel.view()->markedTrack(), -1);
        QCOMPARE(panel.view()->playingTrack(), -1);
    }

    void failedClusteringSaysWhatToChange()
    {
        auto broken = std::make_shared<atlas::RunResult>(*atlas::test::smallDemoRun());
        const std::string why = atlas::clusterCountProblem(500, broken->dataset.size());
        QVERIFY(!why.empty());
        for (auto& c : broken->representations[0].clusterings)
            if (c.kind == atlas::Clustering::KMeans) {
                c.ok = false;
                c.error = why;
                c.labels.resize(0);
            }
        atlas::ui::RunModel model;
        model.setResult(broken);
        MapPanel panel(&model);
        panel.resize(1100, 700);
        auto* colours = panel.findChild<QComboBox*>(QStringLiteral("colourCombo"));
        auto* title = panel.findChild<QLabel*>(QStringLiteral("mapLegendTitle"));
        QSignalSpy followed(&panel, &MapPanel::clusteringChanged);
        colours->setCurrentIndex(colours->findText(QStringLiteral("KMeans clusters")));
        QCOMPARE(title->text(), QStringLiteral("KMeans failed: ") + QString::fromStdString(why));
        QVERIFY(title->text().contains(QStringLiteral("lower Clusters (k) to %1 or fewer")
                                           .arg(broken->dataset.size())));
        QVERIFY(!panel.view()->hasClasses());
        // The other clusterings still colour the map, and the choice is announced.
        colours->setCurrentIndex(colours->findText(QStringLiteral("DBSCAN clusters")));
        QCOMPARE(title->text(), QStringLiteral("DBSCAN"));
        QVERIFY(panel.view()->unclassifiedSmall());
        QCOMPARE(followed.count(), 2);
        QCOMPARE(followed.last().at(1).value<atlas::Clustering>(), atlas::Clustering::Dbscan);
    }

    void searchEnterSelectsAndFitsTheMatches()
    {
        const auto run = atlas::test::smallDemoRun();
        atlas::ui::RunModel model;
        model.setResult(run);
        MapPanel panel(&model);
        panel.resize(1100, 700);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        auto* search = panel.findChild<QLineEdit*>(QStringLiteral("mapSearch"));
        MapView* view = panel.view();
        const QString genre = QString::fromStdString(run->dataset.labelNames[2]);
        search->setText(genre);
        const QList<int> hits = panel.searchHits();
        QVERIFY(!hits.isEmpty() && hits.size() < run->dataset.size());
        QVERIFY(view->selection().isEmpty());
        const double before = view->scale();
        QTest::keyClick(search, Qt::Key_Return);
        QCOMPARE(view->selection(), hits);
        QCOMPARE(panel.selection(), hits);
        // Fitted: every match inside the view, closer than the whole map.
        QVERIFY(view->scale() > before);
        for (int i : hits)
            QVERIFY(view->rect().contains(view->pointPosition(i).toPoint()));
        // Ctrl+Z brings the empty selection back.
        QVERIFY(view->undoSelection());
        QVERIFY(view->selection().isEmpty());
        // No match: Enter changes nothing.
        search->setText(QStringLiteral("zzzz no such track"));
        QTest::keyClick(search, Qt::Key_Return);
        QVERIFY(view->selection().isEmpty());
    }

    void selectionStaysVisibleDuringASearch()
    {
        MapView view;
        view.resize(300, 300);
        view.setPoints(jitteredGrid(5, 3));
        view.setClasses(std::vector<int>(25, 0), {QStringLiteral("one")}, {QColor(0xd6, 0x27, 0x28)});
        view.setSelection({3});
        view.setHighlighted({7});
        const QImage image = view.renderImage(1.0);
        const auto saturation = [&](int i) {
            return image.pixelColor(view.pointPosition(i).toPoint()).hsvSaturation();
        };
        // The selected point keeps its colour; the others that the search did not find fade.
        QVERIFY2(saturation(3) > 150, qPrintable(QString::number(saturation(3))));
        QVERIFY2(saturation(7) > 150, qPrintable(QString::number(saturation(7))));
        QVERIFY2(saturation(12) < 100, qPrintable(QString::number(saturation(12))));

        // Styles, as the renderer decides them.
        const std::vector<int> classes = {-1, 0, 0};
        const std::vector<std::uint8_t> visible = {1, 1}, selected = {0, 1, 0}, found = {0, 0, 1};
        atlas::ui::PointScene scene;
        scene.classOf = &classes;
        scene.classVisible = &visible;
        scene.selected = &selected;
        scene.highlighted = &found;
        using R = atlas::ui::PointRenderer;
        QCOMPARE(R::styleOf(scene, 0), R::Normal);
        scene.smallUnclassified = true;
        QCOMPARE(R::styleOf(scene, 0), R::Small);
        QCOMPARE(R::styleOf(scene, 1), R::Selected);
        scene.anyHighlight = true;
        QCOMPARE(R::styleOf(scene, 0), R::Dimmed);
        QCOMPARE(R::styleOf(scene, 1), R::Selected);
        QCOMPARE(R::styleOf(scene, 2), R::Emphasised);
    }

    void noisePointsAreDrawnSmall()
    {
        MapView view;
        view.resize(300, 300);
        view.setPoints(jitteredGrid(5, 4));
        std::vector<int> classes(25, -1);
        classes[0] = 0;
        view.setClasses(classes, {QStringLiteral("Cluster 0")}, {});
        const auto inked = [&] {
            const QImage image = view.renderImage(1.0);
            const QColor background = image.pixelColor(1, image.height() / 2);
            int count = 0;
            for (int y = 0; y < image.height(); ++y)
                for (int x = 0; x < image.width(); ++x)
                    count += image.pixelColor(x, y) != background;
            return count;
        };
        const int normal = inked();
        view.setUnclassifiedSmall(true);
        const int small = inked();
        QVERIFY2(small < normal * 0.6, qPrintable(QStringLiteral("%1 vs %2").arg(small).arg(normal)));
        // The noise stays grey.
        const QImage image = view.renderImage(1.0);
        QVERIFY(image.pixelColor(view.pointPosition(5).toPoint()).hsvSaturation() < 40);
    }

    void undoRestoresEarlierSelections()
    {
        MapView view;
        view.resize(300, 300);
        view.setPoints(jitteredGrid(5, 5));
        QVERIFY(!view.canUndoSelection());
        view.setSelection({1});
        view.setSelection({1, 2});
        view.setSelection({1, 2});   // no change, nothing to undo
        QSignalSpy changed(&view, &MapView::selectionChanged);
        QTest::keyClick(&view, Qt::Key_Z, Qt::ControlModifier);
        QCOMPARE(view.selection(), QList<int>{1});
        QCOMPARE(changed.count(), 1);
        QVERIFY(view.undoSelection());
        QVERIFY(view.selection().isEmpty());
        QVERIFY(!view.undoSelection());
        // A different collection forgets the history.
        view.setSelection({4});
        view.setPoints(jitteredGrid(4, 5));
        QVERIFY(!view.canUndoSelection());
    }

    void savesTheViewAsPngAndSvg()
    {
        MapView view;
        view.resize(320, 240);
        view.setPoints(jitteredGrid(5, 9));
        view.setCaption(QStringLiteral("PCA · t-SNE"));
        view.setSelection({2});
        QTemporaryDir dir;
        QString error;
        const QString png = dir.filePath(QStringLiteral("map.png"));
        QVERIFY2(view.saveImage(png, &error), qPrintable(error));
        const QImage image(png);
        QCOMPARE(image.size(), QSize(640, 480));   // twice the view
        QVERIFY(imageHasColour(image));
        const QString svgFile = dir.filePath(QStringLiteral("map.svg"));
        QVERIFY2(view.saveImage(svgFile, &error), qPrintable(error));
        QFile svg(svgFile);
        QVERIFY(svg.open(QIODevice::ReadOnly));
        const QByteArray text = svg.readAll();
        QVERIFY(text.contains("<svg"));
        QVERIFY(text.contains("PCA · t-SNE"));
        // Vector circles: one per point, and two more for the selected point's ring.
        QCOMPARE(text.count("<circle"), 25 + 2);
        // A folder that does not exist: a message naming the file, no file.
        const QString bad = dir.filePath(QStringLiteral("missing/map.png"));
        QVERIFY(!view.saveImage(bad, &error));
        QVERIFY2(error.contains(QStringLiteral("map.png")), qPrintable(error));
        QVERIFY(!QFile::exists(bad));
        MapView empty;
        QVERIFY(!empty.saveImage(png, &error));
        QVERIFY(error.contains(QStringLiteral("no map")));
    }

    void listsMarkThePlayingAndTheChosenTrack()
    {
        const auto run = atlas::test::smallDemoRun();
        atlas::ui::RunModel model;
        model.setResult(run);
        MapPanel panel(&model);
        panel.resize(1100, 700);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        auto* list = panel.findChild<QListWidget*>(QStringLiteral("selectionList"));
        panel.view()->setSelection({4, 9, 13});
        panel.setPlayingTrack(9);
        QCOMPARE(list->count(), 3);
        QVERIFY(!list->item(0)->font().bold());
        QVERIFY(list->item(1)->font().bold());
        // A click on a row rings its point on the map and asks for its details.
        QSignalSpy chosen(&panel, &MapPanel::trackChosen);
        const QRect row = list->visualItemRect(list->item(2));
        QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, row.center());
        QCOMPARE(chosen.count(), 1);
        QCOMPARE(chosen.first().at(0).toInt(), 13);
        QCOMPARE(panel.view()->markedTrack(), 13);
        const QImage marked = panel.view()->renderImage(1.0);
        panel.setMarkedTrack(-1);
        QVERIFY(panel.view()->renderImage(1.0) != marked);
    }

    void panelEmptyFailedAndLiveStates()
    {
        atlas::ui::RunModel model;
        MapPanel panel(&model);
        panel.resize(900, 600);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QCOMPARE(panel.view()->pointCount(), 0);
        QCOMPARE(panel.view()->emptyMessage(), QStringLiteral("Run the experiment to see the map"));

        // A run whose VAE t-SNE failed.
        auto broken = std::make_shared<atlas::RunResult>(*atlas::test::smallDemoRun());
        for (auto& rep : broken->representations)
            if (rep.kind == atlas::Representation::Vae) {
                rep.maps[0].ok = false;
                rep.maps[0].error = "the layout diverged";
                rep.maps[0].xy.resize(0, 2);
            }
        model.setResult(broken);
        panel.showMap(atlas::Representation::Vae, atlas::MapKind::Tsne);
        QCOMPARE(panel.view()->pointCount(), 0);
        QCOMPARE(panel.view()->emptyMessage(), QStringLiteral("This map failed: the layout diverged"));
        panel.showMap(atlas::Representation::Vae, atlas::MapKind::Umap);
        QCOMPARE(panel.view()->pointCount(), broken->dataset.size());

        // Live frames: shown at once, fitted on the first frame only (not every frame).
        model.reset(broken->config);
        model.setDataset(std::make_shared<const atlas::Dataset>(broken->dataset));
        panel.showMap(atlas::Representation::Pca, atlas::MapKind::Tsne);
        QCOMPARE(panel.view()->pointCount(), 0);
        const Matrix first = broken->representations[0].maps[0].xy;
        model.setMapFrame(atlas::Representation::Pca, atlas::MapKind::Tsne,
                          std::make_shared<const Matrix>(first));
        QCOMPARE(panel.view()->pointCount(), broken->dataset.size());
        const double fitted = panel.view()->scale();
        const auto shrunk = std::make_shared<const Matrix>(first * 0.9);
        model.setMapFrame(atlas::Representation::Pca, atlas::MapKind::Tsne, shrunk);
        QCOMPARE(panel.view()->scale(), fitted);
        QCOMPARE(panel.view()->points(), shrunk);   // the frame itself, shared, not a copy
        // A frame that outgrows the view (before the user moved it) is re-fitted with room.
        model.setMapFrame(atlas::Representation::Pca, atlas::MapKind::Tsne,
                          std::make_shared<const Matrix>(first * 4.0));
        QVERIFY(panel.view()->scale() < fitted / 3.0);
        const double grown = panel.view()->scale();
        model.setMapFrame(atlas::Representation::Pca, atlas::MapKind::Tsne,
                          std::make_shared<const Matrix>(first * 4.2));
        QCOMPARE(panel.view()->scale(), grown);
        // After the user zooms, frames never move the view.
        panel.view()->zoomBy(2.0, QPointF(100, 100));
        const double zoomed = panel.view()->scale();
        const auto huge = std::make_shared<const Matrix>(first * 20.0);
        model.setMapFrame(atlas::Representation::Pca, atlas::MapKind::Tsne, huge);
        QCOMPARE(panel.view()->scale(), zoomed);
        // Other maps' frames do not touch the one shown.
        model.setMapFrame(atlas::Representation::Autoencoder, atlas::MapKind::Tsne,
                          std::make_shared<const Matrix>(first * 100.0));
        QCOMPARE(panel.view()->points(), huge);
    }
};

QTEST_MAIN(TestMapView)
#include "test_map_view.moc"
