// SPDX-License-Identifier: GPL-3.0-or-later
// The application icon as compiled into atlas_ui (resources/musicatlas.qrc): every file is
// reachable under :/icons/, the PNGs have their nominal sizes and transparent corners, the
// committed PNGs are renderings of the current SVGs (resources/icons/render_icons.sh), and
// QIcon(":/icons/musicatlas.svg"), what the desktop app sets as its window icon, renders.
#include <QtTest>

#include <QFile>
#include <QIcon>
#include <QImage>
#include <QImageReader>
#include <QRegularExpression>

#include <algorithm>
#include <cmath>
#include <iterator>

namespace {

constexpr int IconSizes[] = {16, 32, 48, 64, 128, 256};

QString pngPath(int size)
{
    return QStringLiteral(":/icons/musicatlas-%1.png").arg(size);
}

struct Difference {
    double mean = 0;    // mean |a - b| over the premultiplied ARGB channels, in 1/255
    double changed = 0; // fraction of pixels with some channel off by more than 64/255
};

Difference difference(const QImage& a, const QImage& b)
{
    const QImage x = a.convertToFormat(QImage::Format_ARGB32_Premultiplied);
    const QImage y = b.convertToFormat(QImage::Format_ARGB32_Premultiplied);
    double sum = 0;
    int changed = 0;
    for (int row = 0; row < x.height(); ++row) {
        const auto* p = reinterpret_cast<const QRgb*>(x.constScanLine(row));
        const auto* q = reinterpret_cast<const QRgb*>(y.constScanLine(row));
        for (int col = 0; col < x.width(); ++col) {
            const int d[] = {std::abs(qRed(p[col]) - qRed(q[col])),
                             std::abs(qGreen(p[col]) - qGreen(q[col])),
                             std::abs(qBlue(p[col]) - qBlue(q[col])),
                             std::abs(qAlpha(p[col]) - qAlpha(q[col]))};
            sum += d[0] + d[1] + d[2] + d[3];
            changed += *std::max_element(std::begin(d), std::end(d)) > 64;
        }
    }
    const double pixels = double(x.width()) * x.height();
    return {sum / (4 * pixels), changed / pixels};
}

} // namespace

class TestIconResource : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        // atlas_ui is a static library: its resources are linked in only when named.
        Q_INIT_RESOURCE(musicatlas);
        QVERIFY2(QImageReader::supportedImageFormats().contains("svg"),
                 "Qt has no SVG image plugin: install the Debian package libqt6svg6");
    }

    // Qt SVG renders what it cannot parse (an unsupported element or attribute) as nothing,
    // with a warning: the icon would look different from the PNGs.
    void init()
    {
        QTest::failOnWarning(
            QRegularExpression(QStringLiteral("svg"), QRegularExpression::CaseInsensitiveOption));
    }

    void resourcesExist()
    {
        QVERIFY(QFile::exists(QStringLiteral(":/icons/musicatlas.svg")));
        for (int size : IconSizes)
            QVERIFY2(QFile::exists(pngPath(size)), qPrintable(pngPath(size)));
    }

    void pngSizes_data()
    {
        QTest::addColumn<int>("size");
        for (int size : IconSizes)
            QTest::addRow("%d", size) << size;
    }

    void pngSizes()
    {
        QFETCH(int, size);
        const QImage png(pngPath(size));
        QVERIFY2(!png.isNull(), qPrintable(pngPath(size)));
        QCOMPARE(png.size(), QSize(size, size));
        QVERIFY(png.hasAlphaChannel());
        // A rounded tile: transparent corners, opaque centre.
        QCOMPARE(qAlpha(png.pixel(0, 0)), 0);
        QCOMPARE(qAlpha(png.pixel(size - 1, size - 1)), 0);
        QCOMPARE(qAlpha(png.pixel(size / 2, size / 2)), 255);
    }

    void pngMatchesSvg_data() { pngSizes_data(); }

    void pngMatchesSvg()
    {
        QFETCH(int, size);
        // render_icons.sh draws 16 and 32 px from the simplified SVG; that one is not in the
        // resource file, so it is read from the source tree.
        const QString svg = size <= 32 ? QStringLiteral(ATLAS_ICON_DIR "/musicatlas-small.svg")
                                       : QStringLiteral(":/icons/musicatlas.svg");
        QImageReader reader(svg);
        reader.setScaledSize(QSize(size, size));
        const QImage rendered = reader.read();
        QVERIFY2(!rendered.isNull(), qPrintable(svg + ": " + reader.errorString()));
        QCOMPARE(rendered.size(), QSize(size, size));
        // Qt SVG and librsvg antialias edges differently; a stale PNG differs by far more.
        const Difference d = difference(rendered, QImage(pngPath(size)));
        qInfo("%d px: mean |Qt SVG - PNG| = %.2f / 255, %.2f %% of pixels changed", size, d.mean,
              100 * d.changed);
        QVERIFY2(d.mean < MaxMeanDifference, qPrintable(QString::number(d.mean)));
        QVERIFY2(d.changed < MaxChangedFraction, qPrintable(QString::number(d.changed)));
    }

    void windowIcon()
    {
        const QIcon icon(QStringLiteral(":/icons/musicatlas.svg"));
        QVERIFY2(!icon.isNull(), "no SVG icon engine: install the Debian package libqt6svg6");
        for (int size : IconSizes) {
            const QImage image = icon.pixmap(QSize(size, size)).toImage();
            QCOMPARE(image.size(), QSize(size, size));
            QCOMPARE(qAlpha(image.pixel(0, 0)), 0);
            QCOMPARE(qAlpha(image.pixel(size / 2, size / 2)), 255);
        }
    }

private:
    static constexpr double MaxMeanDifference = 2.0;
    // The committed PNGs: 0.00-0.20 %; the 256 px PNG of a copy with one point shrunk from
    // r = 10 to r = 4: 0.60 %.
    static constexpr double MaxChangedFraction = 0.003;
};

QTEST_MAIN(TestIconResource)
#include "test_icon_resource.moc"
