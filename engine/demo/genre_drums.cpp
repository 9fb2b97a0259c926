// SPDX-License-Identifier: GPL-3.0-or-later
// The drum kit part of each genre: patterns, kit tuning, fills, ride and brushes.
#include "engine/demo/genre_renderer.h"

#include "engine/demo/synth.h"

#include <string_view>

namespace atlas::detail::arrangement {

namespace {

// Drum pattern over one 4/4 bar in sixteenths: X accent, x normal, o ghost, . rest.
float hitVelocity(char c)
{
    switch (c) {
    case 'X': return 1.0f;
    case 'x': return 0.75f;
    case 'o': return 0.3f;
    default: return 0.0f;
    }
}

} // namespace

void GenreRenderer::drums(int style)
{
    std::string_view kick, snare, hat, open;
    double kf0 = 150, kf1 = 50, ksw = 0.03, kdec = 0.18, kclick = 0.3;
    double stone = 185, sdec = 0.12, ssnap = 0.6, sbright = 0.6;
    double hdec = 0.035, hcut = 7000;
    float kg = 0.9f, sg = 0.6f, hg = 0.25f;
    bool ride = false, brush = false, clap = false, crash = false, fills = false;
    switch (style) {
    case Blues:
        kick = pick<std::string_view>(m_rng, {"x.......x.......", "x.....x.x......."});
        snare = "....x.......x...";
        hat = pick<std::string_view>(m_rng, {"x.x.x.x.x.x.x.x.", "x.xxx.xxx.xxx.xx"});
        ride = chance(0.4);
        kdec = 0.2;
        break;
    case Country:
        kick = "x.......x.......";
        snare = pick<std::string_view>(m_rng, {"....x.......x...", "o.o.X.o.o.o.X.o."});
        hat = "x.x.x.x.x.x.x.x.";
        brush = chance(0.4);
        sg = 0.45f;
        kg = 0.7f;
        hdec = 0.05;
        break;
    case Disco:
        kick = "x...x...x...x...";
        snare = "....x.......x...";
        hat = "oxo.oxo.oxo.oxo.";
        open = "..x...x...x...x.";
        clap = chance(0.6);
        crash = true;
        kf0 = 170;
        kdec = 0.16;
        hcut = 8000;
        break;
    case Hiphop:
        kick = pick<std::string_view>(m_rng, {"x......x..x.....", "x.....x...x....x",
                                               "x..x......x....."});
        snare = "....x.......x...";
        hat = pick<std::string_view>(m_rng, {"x.x.x.x.x.x.x.x.", "x.xxx.x.x.xxx.x."});
        kf0 = 110;
        kf1 = 42;
        ksw = 0.06;
        kdec = u(0.3, 0.55);
        kclick = 0.15;
        kg = 1.1f;
        sdec = 0.16;
        ssnap = 0.75;
        sbright = 0.4;
        hg = 0.18f;
        clap = chance(0.5);
        break;
    case Jazz:
        kick = "o...o...o...o...";
        snare = pick<std::string_view>(m_rng, {"..........o.....", "......o.......o.",
                                                "...o......o....."});
        hat = "....x.......x...";
        ride = true;
        brush = chance(0.6);
        kg = 0.5f;
        sg = 0.35f;
        hdec = 0.02;
        break;
    case Metal:
        kick = pick<std::string_view>(m_rng, {"xxxxxxxxxxxxxxxx", "x.xxx.xxx.xxx.xx",
                                               "xxxxxxxxx.x.x.x."});
        snare = pick<std::string_view>(m_rng, {"....X.......X...", "..X...X...X...X."});
        hat = "x.x.x.x.x.x.x.x.";
        kf0 = 200;
        kf1 = 60;
        ksw = 0.015;
        kdec = 0.07;
        kclick = 0.9;
        sdec = 0.1;
        ssnap = 0.7;
        sbright = 0.9;
        stone = 230;
        crash = true;
        fills = true;
        ride = chance(0.5);
        break;
    case Pop:
        kick = pick<std::string_view>(m_rng, {"x.......x.x.....", "x...x...x...x...",
                                               "x......xx......."});
        snare = "....x.......x...";
        hat = pick<std::string_view>(m_rng, {"x.x.x.x.x.x.x.x.", "xoxoxoxoxoxoxoxo"});
        clap = chance(0.5);
        crash = true;
        fills = chance(0.5);
        hcut = 8000;
        break;
    case Reggae:
        kick = pick<std::string_view>(m_rng, {"........x.......", "........x.......",
                                               "x...x...x...x..."});
        snare = "........x.......";
        hat = pick<std::string_view>(m_rng, {"x.x.x.x.x.x.x.x.", "..x...x...x...x."});
        stone = 420;
        ssnap = 0.25;
        sdec = 0.05;
        kdec = 0.25;
        kf0 = 120;
        break;
    default: // rock
        kick = pick<std::string_view>(m_rng, {"x.....x.x.......", "x.......x.x.....",
                                               "x.x.....x.x....."});
        snare = "....x.......x...";
        hat = "x.x.x.x.x.x.x.x.";
        crash = true;
        fills = true;
        ride = chance(0.25);
        sdec = 0.14;
        break;
    }
    kdec *= u(0.8, 1.2);
    stone *= u(0.9, 1.1);
    hcut *= u(0.8, 1.2);
    for (int b = 0; b < m_bars; ++b) {
        const bool fillBar = fills && (b % 4 == 3) && chance(0.6);
        for (int s = 0; s < 16; ++s) {
            const float vj = float(u(0.85, 1.1));
            const double t = at(b, s) + jitter();
            if (const float v = hitVelocity(kick[std::size_t(s)]); v > 0)
                addKick(m_drums, t, kg * v * vj, kf0, kf1, ksw, kdec, kclick, m_noise, m_sr);
            const bool fillHit = fillBar && s >= 12;
            if (const float v = fillHit ? 0.8f : hitVelocity(snare[std::size_t(s)]); v > 0) {
                if (brush && v < 0.9f)
                    addBrush(m_drums, t, sg * v * vj, m_beat * 0.7, m_noise, m_sr);
                else
                    addSnare(m_drums, t, sg * v * vj, stone, sdec, ssnap, sbright, m_noise, m_sr);
                if (clap && v >= 0.75f)
                    addClap(m_drums, t, sg * 0.8f * vj, m_noise, m_sr);
            }
            const float hv = hitVelocity(hat[std::size_t(s)]);
            if (ride) {
                // Jazz ride: 1, 2, 2-a(swung), 3, 4, 4-a.
                static constexpr std::string_view R = "x...x.x.x...x.x.";
                if (R[std::size_t(s)] != '.')
                    addCymbal(m_drums, t, hg * 0.8f * vj * (s % 4 == 0 ? 1.0f : 0.7f), 0.7,
                              1.6, m_noise, m_sr);
                if (style != Jazz && hv > 0 && s % 8 == 4)
                    addHat(m_drums, t, hg * hv * vj, 0.02, hcut, m_noise, m_sr);
                else if (style == Jazz && hv > 0)
                    addHat(m_drums, t, hg * hv * vj, hdec, hcut, m_noise, m_sr);
            } else if (hv > 0) {
                addHat(m_drums, t, hg * hv * vj, hdec, hcut, m_noise, m_sr);
            }
            if (!open.empty() && open[std::size_t(s)] != '.')
                addHat(m_drums, t, hg * 1.2f * vj, 0.13, hcut * 0.8, m_noise, m_sr);
            if (crash && s == 0 && b % 4 == 0)
                addCymbal(m_drums, t, hg * 1.6f, 1.2, 1.1, m_noise, m_sr);
        }
    }
    if (brush && style == Jazz)
        for (int b = 0; b < m_bars; ++b)
            for (int beat = 0; beat < 4; ++beat)
                addBrush(m_drums, at(b, beat * 4), sg * 0.35f, m_beat * 0.95, m_noise, m_sr);
}

} // namespace atlas::detail::arrangement
