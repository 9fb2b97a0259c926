// SPDX-License-Identifier: GPL-3.0-or-later
// The path of musicatlas-cli: no application object and no display. ensureApplication()
// must create a QApplication on the offscreen platform, and figures must render text.

#include "ui/figures/figure_renderer.h"
#include "ui/figures/offscreen_application.h"
#include "ui/figures/palette.h"

#include <QApplication>
#include <QGuiApplication>
#include <QtTest>

#include <cstdlib>

class TestFiguresHeadless : public QObject {
    Q_OBJECT

private slots:
    void createsOffscreenApplication()
    {
        QVERIFY(!QCoreApplication::instance());
        atlas::ui::ensureApplication();
        QVERIFY(qobject_cast<QApplication*>(QCoreApplication::instance()));
        QCOMPARE(QGuiApplication::platformName(), QStringLiteral("offscreen"));
        QCoreApplication* first = QCoreApplication::instance();
        atlas::ui::ensureApplication();   // a second call keeps the same application
        QCOMPARE(QCoreApplication::instance(), first);
    }

    void rendersWithText()
    {
        atlas::ui::ScatterSpec spec;
        spec.title = QStringLiteral("Headless · t-SNE");
        spec.xTitle = QStringLiteral("t-SNE 1");
        spec.yTitle = QStringLiteral("t-SNE 2");
        spec.legendTitle = QStringLiteral("Cluster (tracks)");
        spec.xy = atlas::Matrix::Random(200, 2);
        spec.classes = atlas::Labels::LinSpaced(200, 0, 3);
        atlas::ui::ScatterGeometry g;
        const QImage image = atlas::ui::scatterFigure(spec, QSize(800, 600), 1.0, &g);
        QCOMPARE(image.size(), QSize(800, 600));
        // Glyphs of the title: dark pixels in the top band, which holds nothing else.
        int dark = 0;
        for (int y = 0; y < 50; ++y)
            for (int x = 0; x < image.width(); ++x)
                dark += qGray(image.pixel(x, y)) < 100;
        QVERIFY2(dark > 100, qPrintable(QString::number(dark)));
    }
};

int main(int argc, char** argv)
{
    // As in a terminal without a display server.
    unsetenv("QT_QPA_PLATFORM");
    unsetenv("DISPLAY");
    unsetenv("WAYLAND_DISPLAY");
    TestFiguresHeadless test;
    return QTest::qExec(&test, argc, argv);
}

#include "test_figures_headless.moc"
