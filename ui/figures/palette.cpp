// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/figures/palette.h"

#include <array>
#include <cmath>

namespace atlas::ui {

namespace {

// Tableau 10 and the light members of Tableau 20 (Maureen Stone's palettes, as shipped by
// matplotlib), greys swapped for indigo from tab20b.
constexpr std::array<QRgb, 20> Tableau20 = {
    0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd,
    0x8c564b, 0xe377c2, 0x393b79, 0xbcbd22, 0x17becf,
    0xaec7e8, 0xffbb78, 0x98df8a, 0xff9896, 0xc5b0d5,
    0xc49c94, 0xf7b6d2, 0x9c9ede, 0xdbdb8d, 0x9edae5};

} // namespace

QColor categoricalColor(int index)
{
    if (index < 0)
        return noiseColor();
    if (index < int(Tableau20.size()))
        return QColor::fromRgb(Tableau20[std::size_t(index)]);
    // Golden-angle hue steps never repeat a hue; saturation and value alternate so that
    // neighbouring indices also differ in lightness.
    const double hue = std::fmod(0.11 + (index - 20) * 0.618033988749895, 1.0);
    const double saturation = (index % 2 == 0) ? 0.75 : 0.45;
    const double value = (index % 3 == 0) ? 0.65 : 0.88;
    return QColor::fromHsvF(float(hue), float(saturation), float(value));
}

QColor noiseColor()
{
    return QColor::fromRgb(0xc0c0c0);
}

} // namespace atlas::ui
