// SPDX-License-Identifier: GPL-3.0-or-later
// Per-track plan: tempo, key, swing, scale, chord progression, and which genre each part
// follows.
#include "engine/demo/genre_renderer.h"

#include <cmath>

namespace atlas::detail::arrangement {

void GenreRenderer::plan()
{
    struct Range {
        double lo, hi;
    };
    static constexpr std::array<Range, DemoGenreCount> Tempo{{{70, 100},
                                                              {60, 110},
                                                              {100, 130},
                                                              {110, 130},
                                                              {80, 100},
                                                              {110, 200},
                                                              {140, 200},
                                                              {95, 125},
                                                              {65, 90},
                                                              {110, 150}}};
    const int tempoStyle = borrowOr(m_g, 0.12);
    m_bpm = u(Tempo[std::size_t(tempoStyle)].lo, Tempo[std::size_t(tempoStyle)].hi);
    m_beat = 60.0 / m_bpm;
    m_barLen = 4.0 * m_beat;
    m_t0 = -u(0.0, m_barLen); // an excerpt starts anywhere in a bar
    m_bars = int(std::ceil((double(m_n) / m_sr - m_t0) / m_barLen)) + 1;
    m_key = 40 + int(m_rng.below(12));
    m_bright = u(0.2, 0.9);
    m_detune = u(0.0, 12.0);
    m_humanize = u(0.002, 0.010);
    m_variant = int(m_rng.below(2));

    m_drumStyle = borrowOr(m_g, 0.18);
    m_bassStyle = borrowOr(m_g, 0.18);
    m_compStyle = borrowOr(m_g, 0.15);
    m_leadStyle = borrowOr(m_g, 0.2);
    if (m_drumStyle == Classical)
        m_drumStyle = -1;
    for (double& l : m_level)
        l = std::exp(m_rng.normal(0.0, 0.35));

    switch (m_g) {
    case Blues: {
        m_swing8 = u(0.7, 1.0);
        m_scale = BluesScale;
        static const std::vector<int> TwelveBar{0, 5, 0, 0, 5, 5, 0, 0, 7, 5, 0, 7};
        const int startBar = int(m_rng.below(12));
        for (int i = 0; i < 12; ++i)
            m_prog.push_back({TwelveBar[std::size_t((startBar + i) % 12)], Dom7});
        break;
    }
    case Classical: {
        const bool minor = chance(0.4);
        m_scale = minor ? HarmonicMinor : Major;
        static const std::vector<std::vector<int>> Progs{
            {0, 5, 7, 0}, {0, 9, 2, 7}, {0, 9, 5, 7}, {0, 2, 7, 0}, {0, 5, 2, 7}};
        for (int r : pick(m_rng, Progs)) {
            std::vector<int> q = Maj;
            if (minor)
                q = (r == 7) ? Dom7 : (r == 0 || r == 5) ? Min : Maj;
            else if (r == 9 || r == 2 || r == 4)
                q = Min;
            else if (r == 7 && chance(0.5))
                q = Dom7;
            if (minor && r == 9)
                r = 8;
            if (minor && r == 2)
                r = 3;
            m_prog.push_back({r, q});
        }
        break;
    }
    case Country: {
        m_swing8 = u(0.0, 0.25);
        m_scale = MajorPenta;
        static const std::vector<std::vector<int>> Progs{
            {0, 5, 7, 0}, {0, 0, 5, 7}, {0, 5, 0, 7}, {0, 7, 5, 0}};
        for (int r : pick(m_rng, Progs))
            m_prog.push_back({r, (r == 7 && chance(0.5)) ? Dom7 : Maj});
        break;
    }
    case Disco: {
        m_swing16 = u(0.0, 0.15);
        const bool minor = chance(0.6);
        m_scale = minor ? Dorian : Major;
        if (minor)
            m_prog = {{0, Min7}, {0, Min7}, {5, Min7}, {5, Dom7}};
        else
            m_prog = {{0, Maj7}, {9, Min7}, {2, Min7}, {7, Dom7}};
        break;
    }
    case Hiphop: {
        m_swing16 = u(0.3, 0.8);
        m_scale = chance(0.7) ? Minor : Dorian;
        static const std::vector<std::vector<Chord>> Progs{
            {{0, Min7}, {8, Maj7}}, {{0, Min7}, {5, Min7}}, {{0, Min9}, {3, Maj7}}};
        m_prog = pick(m_rng, Progs);
        break;
    }
    case Jazz: {
        m_swing8 = u(0.6, 1.0);
        m_scale = chance(0.5) ? Dorian : Major;
        static const std::vector<std::vector<Chord>> Progs{
            {{2, Min9}, {7, Dom9}, {0, Maj7}, {0, Maj7}},
            {{0, Maj7}, {9, Min7}, {2, Min9}, {7, Dom9}},
            {{2, Min7}, {7, Dom7}, {0, Maj7}, {9, Dom7}}};
        m_prog = pick(m_rng, Progs);
        break;
    }
    case Metal: {
        m_scale = chance(0.5) ? Phrygian : HarmonicMinor;
        static const std::vector<std::vector<int>> Progs{
            {0, 0, 1, 0}, {0, 8, 5, 7}, {0, 3, 5, 1}, {0, 0, 8, 7}};
        for (int r : pick(m_rng, Progs))
            m_prog.push_back({r, Power});
        break;
    }
    case Pop: {
        m_scale = Major;
        static const std::vector<std::vector<Chord>> Progs{
            {{0, Maj}, {7, Maj}, {9, Min}, {5, Maj}},
            {{9, Min}, {5, Maj}, {0, Maj}, {7, Maj}},
            {{0, Maj}, {9, Min}, {5, Maj}, {7, Maj}}};
        m_prog = pick(m_rng, Progs);
        break;
    }
    case Reggae: {
        m_swing8 = u(0.2, 0.6);
        const bool minor = chance(0.5);
        m_scale = minor ? Minor : Major;
        if (minor)
            m_prog = {{0, Min}, {0, Min}, {5, Min}, {7, Min}};
        else
            m_prog = {{0, Maj}, {5, Maj}, {7, Maj}, {5, Maj}};
        break;
    }
    default: { // rock
        m_swing8 = u(0.0, 0.15);
        m_scale = chance(0.5) ? Mixolydian : MinorPenta;
        static const std::vector<std::vector<int>> Progs{
            {0, 10, 5, 0}, {0, 5, 7, 5}, {0, 3, 5, 5}, {0, 7, 10, 5}};
        const bool power = chance(0.6);
        for (int r : pick(m_rng, Progs))
            m_prog.push_back({r, power ? Power : Maj});
        break;
    }
    }
}

} // namespace atlas::detail::arrangement
