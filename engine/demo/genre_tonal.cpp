// SPDX-License-Identifier: GPL-3.0-or-later
// The pitched parts of each genre (bass, chords, melody) and the instruments that play them:
// wavetable tones, plucked strings, strums and voicings.
#include "engine/demo/genre_renderer.h"

#include "engine/demo/synth.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <string_view>

namespace atlas::detail::arrangement {

// Band-limited tables, cached per timbre and note for this track.
const Wavetable& GenreRenderer::table(Timbre t, int midi)
{
    const int key = int(t) * 256 + std::clamp(midi, 0, 127);
    auto it = m_tables.find(key);
    if (it != m_tables.end())
        return it->second;
    const double f0 = midiToHz(midi);
    const double brightHz = 1500.0 + 6000.0 * m_bright;
    std::vector<float> a(40, 0.0f);
    for (int k = 1; k <= 40; ++k) {
        const double f = k * f0;
        const double roll = std::exp(-f / brightHz);
        double v = 0.0;
        switch (t) {
        case Timbre::Piano: v = std::pow(k, -1.4) * (k == 1 ? 1.0 : 0.8); break;
        case Timbre::EPiano: v = k == 1 ? 1.0 : k == 2 ? 0.2 : k == 3 ? 0.05 : k == 7 ? 0.04 : 0.0; break;
        case Timbre::Organ: {
            static constexpr std::array<double, 9> D{0, 1.0, 0.7, 0.45, 0.4, 0.0, 0.3, 0.0, 0.25};
            v = k < 9 ? D[std::size_t(k)] : 0.0;
            break;
        }
        case Timbre::Strings: v = 1.0 / k * (1.0 + 0.8 * std::exp(-std::pow((f - 2500.0) / 900.0, 2))); break;
        case Timbre::Sax: v = 1.0 / k * (1.0 + 3.0 * std::exp(-std::pow((f - 1200.0) / 500.0, 2))); break;
        case Timbre::Square: v = (k % 2) ? 1.0 / k : 0.0; break;
        case Timbre::Saw: v = 1.0 / k; break;
        case Timbre::Sine: v = k == 1 ? 1.0 : k == 2 ? 0.08 : 0.0; break;
        case Timbre::Bass: v = k == 1 ? 1.0 : k <= 6 ? 0.5 / k : 0.0; break;
        case Timbre::Flute: v = k == 1 ? 1.0 : k == 2 ? 0.25 : k == 3 ? 0.1 : k == 4 ? 0.04 : 0.0; break;
        case Timbre::Harmonica: v = (k % 2 ? 1.0 : 0.6) / std::sqrt(double(k)); break;
        }
        a[std::size_t(k - 1)] = float(v * (t == Timbre::Sine || t == Timbre::EPiano ? 1.0 : roll));
    }
    return m_tables.emplace(key, Wavetable(a, f0, m_sr)).first->second;
}

void GenreRenderer::tone(std::vector<float>& out, Timbre t, const Note& n, const Envelope& env,
                         double vibrato, double glide, int voices)
{
    for (int v = 0; v < voices; ++v) {
        Tone tn;
        tn.start = n.start;
        tn.length = n.length;
        const double m = n.midi + cents() + (voices > 1 ? (v - 0.5 * (voices - 1)) * 0.08 : 0.0);
        tn.freq = midiToHz(m);
        tn.gain = n.vel / float(std::sqrt(double(voices)));
        tn.env = env;
        tn.vibratoDepth = vibrato;
        tn.vibratoRate = 5.0 + 0.7 * v;
        tn.vibratoDelay = 0.15;
        tn.glide = glide;
        addTone(out, table(t, int(std::lround(n.midi))), tn, m_sr);
    }
}

void GenreRenderer::pluck(std::vector<float>& out, const Note& n, double brightness, double decay)
{
    Pluck p;
    p.start = n.start;
    p.length = n.length;
    p.freq = midiToHz(n.midi + cents());
    p.gain = n.vel;
    p.brightness = brightness;
    p.decay = decay;
    p.pickPosition = u(0.08, 0.3);
    addPluck(out, p, m_noise, m_sr);
}

void GenreRenderer::strum(std::vector<float>& out, const std::vector<int>& midis, double start,
                          double length, float vel, double brightness, double decay, bool up)
{
    const double gap = u(0.006, 0.014);
    for (std::size_t i = 0; i < midis.size(); ++i) {
        const std::size_t k = up ? midis.size() - 1 - i : i;
        pluck(out, {start + gap * double(i), length, double(midis[k]),
                    vel / float(std::sqrt(double(midis.size())))},
              brightness, decay);
    }
}

std::vector<int> GenreRenderer::voicing(const Chord& c, int centre) const
{
    std::vector<int> out;
    for (int iv : c.iv) {
        int m = m_key + c.root + iv;
        while (m < centre - 6)
            m += 12;
        while (m >= centre + 6)
            m -= 12;
        out.push_back(m);
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

int GenreRenderer::bassNote(const Chord& c, int offset) const
{
    int m = m_key + c.root + offset;
    while (m > 47)
        m -= 12;
    while (m < 31)
        m += 12;
    return m;
}

void GenreRenderer::bass(int style)
{
    const double e = m_beat / 2.0; // eighth
    const double q = m_beat;
    std::vector<Note> notes;
    enum class Kind { Pluck, Tone808, Deep, Synth, Cello } kind = Kind::Pluck;
    double bright = 0.25, decay = 1.2;
    for (int b = 0; b < m_bars; ++b) {
        const Chord& c = chordAt(b);
        const Chord& next = chordAt(b + 1);
        const int r = bassNote(c);
        switch (style) {
        case Blues: {
            static constexpr std::array<int, 8> Boogie{0, 4, 7, 9, 10, 9, 7, 4};
            for (int i = 0; i < 8; ++i)
                notes.push_back({at(b, 2 * i), e * 0.85, double(r + Boogie[std::size_t(i)]), 0.8f});
            break;
        }
        case Classical:
            kind = Kind::Cello;
            notes.push_back({at(b, 0), 2 * q * 0.95, double(r), 0.7f});
            notes.push_back({at(b, 8), 2 * q * 0.95, double(r + (m_variant ? 7 : 0)), 0.6f});
            break;
        case Country: {
            notes.push_back({at(b, 0), q * 0.8, double(r), 0.85f});
            notes.push_back({at(b, 8), q * 0.8, double(r - 5 < 28 ? r + 7 : r - 5), 0.75f});
            if (chance(0.4)) {
                const int target = bassNote(next);
                notes.push_back({at(b, 12), q * 0.8, double(target - (chance(0.5) ? 1 : 2)), 0.6f});
            }
            bright = 0.35;
            break;
        }
        case Disco:
            kind = chance(0.5) ? Kind::Synth : Kind::Pluck;
            for (int i = 0; i < 8; ++i)
                notes.push_back({at(b, 2 * i), e * 0.6, double(r + (i % 2 ? 12 : 0)), i % 2 ? 0.7f : 0.9f});
            bright = 0.5;
            break;
        case Hiphop: {
            kind = Kind::Tone808;
            static constexpr std::array<int, 3> Starts{0, 7, 10};
            for (int s : Starts)
                notes.push_back({at(b, s), q * 1.2, double(r - (r > 38 ? 12 : 0)), 0.9f});
            break;
        }
        case Jazz: {
            bright = 0.12;
            decay = 1.5;
            const int target = bassNote(next);
            int prev = r;
            notes.push_back({at(b, 0), q * 0.9, double(r), 0.85f});
            for (int beat = 1; beat < 4; ++beat) {
                int m;
                if (beat == 3) {
                    m = target + (chance(0.5) ? 1 : -1);
                } else {
                    const int iv = c.iv[std::size_t(m_rng.below(c.iv.size()))] % 12;
                    m = r + iv;
                    if (std::abs(m - prev) > 7)
                        m -= 12;
                }
                notes.push_back({at(b, 4 * beat), q * 0.9, double(m), 0.75f});
                prev = m;
            }
            break;
        }
        case Metal:
            bright = 0.3;
            decay = 0.6;
            for (int s = 0; s < 16; ++s)
                if (s % 2 == 0 || chance(0.5))
                    notes.push_back({at(b, s), q * 0.2, double(r - (r > 36 ? 12 : 0)), 0.8f});
            break;
        case Pop:
            kind = chance(0.4) ? Kind::Synth : Kind::Pluck;
            for (int i = 0; i < 8; ++i)
                notes.push_back({at(b, 2 * i), e * 0.8, double(r), i % 2 ? 0.65f : 0.85f});
            bright = 0.35;
            break;
        case Reggae: {
            kind = Kind::Deep;
            static constexpr std::array<int, 6> Slots{2, 3, 6, 8, 10, 13};
            static constexpr std::array<int, 6> Degrees{0, 0, 7, 12, 10, 7};
            for (std::size_t i = 0; i < Slots.size(); ++i)
                if (i < 2 || chance(0.75))
                    notes.push_back({at(b, Slots[i]), e * 0.9, double(r + Degrees[i] - 12 + (r < 40 ? 12 : 0)), 0.9f});
            break;
        }
        default: // rock
            for (int i = 0; i < 8; ++i)
                notes.push_back({at(b, 2 * i), e * 0.9, double(r), i % 2 ? 0.7f : 0.85f});
            bright = 0.4;
            decay = 0.9;
            break;
        }
    }
    for (const Note& n0 : notes) {
        Note n = n0;
        n.start += jitter();
        switch (kind) {
        case Kind::Pluck: pluck(m_bass, n, bright, decay); break;
        case Kind::Tone808:
            tone(m_bass, Timbre::Sine, n, {0.004, 0.5, 0.35, 0.08}, 0.0, chance(0.2) ? 2.0 : 0.0);
            break;
        case Kind::Deep: tone(m_bass, Timbre::Bass, n, {0.01, 0.4, 0.6, 0.05}); break;
        case Kind::Synth: tone(m_bass, Timbre::Saw, n, {0.003, 0.12, 0.4, 0.03}); break;
        case Kind::Cello: tone(m_bass, Timbre::Strings, n, {0.15, 1.0, 0.8, 0.3}, 0.12); break;
        }
    }
    if (kind == Kind::Deep)
        lowpass(m_bass, 300.0, m_sr);
    else if (kind == Kind::Synth)
        lowpass(m_bass, 600.0 + 1200.0 * m_bright, m_sr);
    else if (kind == Kind::Tone808)
        distort(m_bass, 1.5, 400.0, m_sr);
    if (style == Metal)
        distort(m_bass, 3.0, 1500.0, m_sr);
}

void GenreRenderer::comp(int style)
{
    const double e = m_beat / 2.0;
    const double q = m_beat;
    switch (style) {
    case Blues: {
        const bool organ = chance(0.4);
        for (int b = 0; b < m_bars; ++b) {
            const auto v = voicing(chordAt(b), 60);
            if (organ) {
                for (int m : v)
                    tone(m_comp, Timbre::Organ, {at(b, 0) + jitter(), m_barLen * 0.98, double(m), 0.3f},
                         {0.01, 1.0, 0.9, 0.05});
            } else {
                for (int s : {4, 10, 12})
                    strum(m_comp, v, at(b, s) + jitter(), e * 0.9, 0.7f, 0.5, 1.0);
            }
        }
        if (!organ)
            distort(m_comp, u(2.0, 4.0), 3500.0, m_sr);
        break;
    }
    case Classical: {
        for (int b = 0; b < m_bars; ++b) {
            const auto v = voicing(chordAt(b), 62);
            if (m_variant == 0) { // string ensemble, legato whole bars
                for (int m : v)
                    tone(m_comp, Timbre::Strings, {at(b, 0), m_barLen * 1.02, double(m), 0.28f},
                         {u(0.2, 0.4), 1.5, 0.85, 0.4}, 0.12, 0.0, 2);
            } else { // piano, Alberti figure
                static constexpr std::array<int, 4> Order{0, 2, 1, 2};
                for (int i = 0; i < 8; ++i) {
                    const int m = v[std::size_t(Order[std::size_t(i % 4)]) % v.size()] - 12;
                    tone(m_comp, Timbre::Piano, {at(b, 2 * i) + jitter(), e * 1.5, double(m), 0.35f},
                         {0.003, 0.5, 0.0, 0.2});
                }
            }
        }
        break;
    }
    case Country: {
        for (int b = 0; b < m_bars; ++b) {
            const auto v = voicing(chordAt(b), 60);
            for (int s : {4, 12})
                strum(m_comp, v, at(b, s) + jitter(), q * 0.6, 0.75f, 0.85, 1.0, false);
            if (chance(0.5))
                strum(m_comp, v, at(b, 14) + jitter(), e * 0.6, 0.5f, 0.85, 1.0, true);
        }
        break;
    }
    case Disco: {
        for (int b = 0; b < m_bars; ++b) {
            const auto v = voicing(chordAt(b), 64);
            for (int m : v)
                tone(m_comp, Timbre::Strings, {at(b, 0), m_barLen, double(m + 12), 0.16f},
                     {0.08, 1.0, 0.8, 0.2}, 0.1, 0.0, 2);
            for (int s = 0; s < 16; ++s)
                if (s % 4 != 0 && chance(0.6))
                    strum(m_comp, v, at(b, s) + jitter(), 0.05, 0.4f, 0.9, 0.5);
        }
        break;
    }
    case Hiphop: {
        // A two-bar "sampled" loop: identical hits every two bars.
        std::vector<std::pair<int, double>> hits{{0, 3.0}, {6, 1.5}, {10, 2.0}};
        if (chance(0.5))
            hits = {{0, 6.0}, {12, 1.0}};
        for (int b = 0; b < m_bars; ++b) {
            const auto v = voicing(chordAt(b), 62);
            for (auto [s, beats] : hits)
                for (int m : v)
                    tone(m_comp, Timbre::EPiano, {at(b, s), beats * q, double(m), 0.3f},
                         {0.004, 1.2, 0.2, 0.2}, 0.08);
        }
        lowpass(m_comp, 1500.0 + 1500.0 * m_bright, m_sr);
        break;
    }
    case Jazz: {
        for (int b = 0; b < m_bars; ++b) {
            const auto v = voicing(chordAt(b), 62);
            std::vector<int> hits = chance(0.5) ? std::vector<int>{0, 6} : std::vector<int>{2, 10, 14};
            for (int s : hits)
                for (int m : v)
                    tone(m_comp, Timbre::Piano, {at(b, s) + jitter(), q * u(0.4, 1.2), double(m), 0.25f},
                         {0.003, 0.6, 0.1, 0.15});
        }
        break;
    }
    case Metal: {
        const std::string_view riff = pick<std::string_view>(
            m_rng, {"XxxxXxxxXxxxXxxx", "Xx.xXx.xXx.xXx.x", "X.xxX.xxX.xxX.xx", "XxxxxxXxxxxxXxXx"});
        for (int b = 0; b < m_bars; ++b) {
            const auto v = voicing(chordAt(b), 45);
            for (int s = 0; s < 16; ++s) {
                const char c = riff[std::size_t(s)];
                if (c == '.')
                    continue;
                const bool open = c == 'X';
                strum(m_comp, v, at(b, s) + jitter(), open ? q * 0.9 : 0.07, open ? 0.9f : 0.6f,
                      open ? 0.6 : 0.3, open ? 1.2 : 0.3);
            }
        }
        distort(m_comp, u(10.0, 25.0), u(2500.0, 4000.0), m_sr);
        break;
    }
    case Pop: {
        const bool synth = chance(0.5);
        for (int b = 0; b < m_bars; ++b) {
            const auto v = voicing(chordAt(b), 64);
            for (int i = 0; i < 8; ++i)
                for (int m : v)
                    tone(m_comp, synth ? Timbre::Square : Timbre::Piano,
                         {at(b, 2 * i) + jitter(), e * 0.8, double(m), i % 2 ? 0.15f : 0.22f},
                         {0.004, 0.3, synth ? 0.5 : 0.1, 0.08});
        }
        break;
    }
    case Reggae: {
        for (int b = 0; b < m_bars; ++b) {
            const auto v = voicing(chordAt(b), 64);
            for (int s : {4, 12})
                strum(m_comp, v, at(b, s) + jitter(), 0.09, 0.8f, 0.8, 0.4, true);
            for (int s : {2, 3, 6, 7, 10, 11, 14, 15})
                if (s % 2 == 1 || chance(0.6))
                    for (int m : v)
                        tone(m_comp, Timbre::Organ, {at(b, s), e * 0.4, double(m), 0.1f},
                             {0.005, 0.1, 0.5, 0.03});
        }
        echo(m_comp, 0.75 * m_beat, 0.35, 0.3, m_sr);
        break;
    }
    default: { // rock
        for (int b = 0; b < m_bars; ++b) {
            const auto v = voicing(chordAt(b), 52);
            for (int i = 0; i < 8; ++i)
                strum(m_comp, v, at(b, 2 * i) + jitter(), e * 0.9, i % 2 ? 0.6f : 0.8f, 0.5, 1.0,
                      i % 2 == 1);
        }
        distort(m_comp, u(4.0, 8.0), 3500.0, m_sr);
        break;
    }
    }
}

std::vector<Note> GenreRenderer::melody(const std::vector<int>& scale, int centre, int grid,
                                        double density, double legato, int motifBars)
{
    std::vector<Note> out;
    const int n = int(scale.size());
    auto midiOf = [&](int deg) {
        const int oct = (deg >= 0) ? deg / n : -((-deg + n - 1) / n);
        return m_key + 12 * oct + scale[std::size_t(deg - oct * n)];
    };
    int deg = 0;
    while (midiOf(deg) < centre - 3)
        ++deg;
    std::vector<Note> motif;
    const int slots = 16 / grid;
    for (int b = 0; b < m_bars; ++b) {
        if (motifBars > 0 && b >= motifBars) {
            for (const Note& mn : motif) {
                const int srcBar = int(std::floor((mn.start - m_t0) / m_barLen + 1e-9));
                if (srcBar == b % motifBars)
                    out.push_back({mn.start + (b - srcBar) * m_barLen, mn.length, mn.midi, mn.vel});
            }
            continue;
        }
        for (int s = 0; s < slots; ++s) {
            if (!chance(density))
                continue;
            const int step = s * grid;
            int move = int(m_rng.below(5)) - 2;
            if (chance(0.15))
                move *= 2;
            deg += move;
            int m = midiOf(deg);
            if (m > centre + 10)
                deg -= n;
            if (m < centre - 10)
                deg += n;
            m = midiOf(deg);
            if (step % 8 == 0) { // strong beat: nearest chord tone
                const Chord& c = chordAt(b);
                int best = m, bestDist = 99;
                for (int iv : c.iv)
                    for (int o = -2; o <= 2; ++o) {
                        const int cand = m_key + c.root + iv + 12 * o;
                        if (std::abs(cand - m) < bestDist) {
                            bestDist = std::abs(cand - m);
                            best = cand;
                        }
                    }
                m = best + 12 * ((centre - best) / 12);
            }
            const double len = grid * m_beat / 4.0 * legato * (1.0 + double(m_rng.below(2)));
            Note note{at(b, step), len, double(m), float(u(0.6, 1.0))};
            out.push_back(note);
            if (motifBars > 0)
                motif.push_back(note);
        }
    }
    return out;
}

void GenreRenderer::lead(int style)
{
    switch (style) {
    case Blues: {
        const bool harp = chance(0.4);
        auto notes = melody(BluesScale, 67, 2, 0.45, 0.9, 0);
        for (int i = 0; i < int(notes.size()); ++i) {
            const Note& n = notes[std::size_t(i)];
            if (int(std::floor((n.start - m_t0) / m_barLen)) % 2 == 1 && !harp)
                continue; // call and response
            tone(m_lead, harp ? Timbre::Harmonica : Timbre::Saw, {n.start + jitter(), n.length, n.midi, 0.35f * n.vel},
                 {0.01, 0.4, 0.6, 0.08}, 0.25, chance(0.3) ? -1.5 : 0.0);
        }
        if (!harp)
            distort(m_lead, 4.0, 3000.0, m_sr);
        break;
    }
    case Classical: {
        auto notes = melody(m_scale, 74, 4, 0.8, 1.05, 0);
        for (const Note& n : notes)
            tone(m_lead, m_variant ? Timbre::Piano : Timbre::Strings, {n.start, n.length, n.midi, 0.3f * n.vel},
                 m_variant ? Envelope{0.003, 0.7, 0.0, 0.3} : Envelope{0.12, 1.0, 0.9, 0.25}, m_variant ? 0.0 : 0.2);
        break;
    }
    case Country: {
        const bool fiddle = chance(0.35);
        auto notes = melody(MajorPenta, 69, 2, 0.6, 0.8, 0);
        for (const Note& n : notes) {
            if (fiddle)
                tone(m_lead, Timbre::Strings, {n.start, n.length, n.midi, 0.25f * n.vel}, {0.03, 0.5, 0.8, 0.1},
                     0.25, chance(0.3) ? -1.0 : 0.0);
            else
                pluck(m_lead, {n.start + jitter(), n.length, n.midi, 0.45f * n.vel}, 0.95, 0.8);
        }
        break;
    }
    case Disco: {
        auto notes = melody(m_scale, 72, 2, 0.5, 0.9, 2);
        for (const Note& n : notes)
            tone(m_lead, Timbre::Strings, {n.start, n.length, n.midi, 0.25f * n.vel}, {0.02, 0.3, 0.8, 0.1}, 0.1,
                 0.0, 2);
        break;
    }
    case Hiphop: {
        if (chance(0.35))
            break; // just the loop
        auto notes = melody(MinorPenta, 76, 4, 0.4, 0.7, 1);
        for (const Note& n : notes)
            tone(m_lead, chance(0.5) ? Timbre::EPiano : Timbre::Flute, {n.start, n.length, n.midi, 0.2f * n.vel},
                 {0.005, 0.5, 0.2, 0.2});
        lowpass(m_lead, 2500.0, m_sr);
        break;
    }
    case Jazz: {
        auto notes = melody(m_scale, 67, 2, 0.7, 0.95, 0);
        for (const Note& n : notes)
            tone(m_lead, Timbre::Sax, {n.start + jitter(), n.length, n.midi + (chance(0.1) ? 1 : 0), 0.3f * n.vel},
                 {0.02, 0.4, 0.7, 0.06}, 0.18, chance(0.2) ? -0.7 : 0.0);
        break;
    }
    case Metal: {
        if (chance(0.5))
            break; // riff only
        auto notes = melody(HarmonicMinor, 64, 1, 0.8, 0.9, 0);
        for (const Note& n : notes)
            tone(m_lead, Timbre::Saw, {n.start, n.length, n.midi, 0.25f * n.vel}, {0.005, 0.3, 0.7, 0.04}, 0.3);
        distort(m_lead, 12.0, 3500.0, m_sr);
        break;
    }
    case Pop: {
        const bool square = chance(0.6);
        auto notes = melody(MajorPenta, 72, 2, 0.6, 0.85, 2);
        for (const Note& n : notes)
            tone(m_lead, square ? Timbre::Square : Timbre::Piano, {n.start, n.length, n.midi, 0.3f * n.vel},
                 square ? Envelope{0.01, 0.3, 0.7, 0.08} : Envelope{0.003, 0.6, 0.1, 0.2}, square ? 0.1 : 0.0);
        break;
    }
    case Reggae: {
        auto notes = melody(m_scale, 72, 4, 0.45, 0.8, 2);
        for (const Note& n : notes)
            tone(m_lead, Timbre::Harmonica, {n.start, n.length, n.midi, 0.22f * n.vel}, {0.02, 0.3, 0.6, 0.1}, 0.1);
        echo(m_lead, 0.75 * m_beat, 0.45, 0.4, m_sr);
        break;
    }
    default: { // rock
        if (chance(0.4))
            break;
        auto notes = melody(MinorPenta, 69, 2, 0.55, 0.9, 0);
        for (const Note& n : notes)
            tone(m_lead, Timbre::Saw, {n.start + jitter(), n.length, n.midi, 0.3f * n.vel}, {0.005, 0.3, 0.7, 0.05},
                 0.2, chance(0.25) ? -2.0 : 0.0);
        distort(m_lead, 6.0, 3200.0, m_sr);
        break;
    }
    }
}

} // namespace atlas::detail::arrangement
