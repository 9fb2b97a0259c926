// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/demo/synth_genres.h"

#include "engine/demo/synth.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <string_view>

namespace atlas::detail {

namespace {

enum G { Blues, Classical, Country, Disco, Hiphop, Jazz, Metal, Pop, Reggae, Rock };

enum class Timbre { Piano, EPiano, Organ, Strings, Sax, Square, Saw, Sine, Bass, Flute, Harmonica };

// Genres whose elements a track may borrow, so that genres overlap as real ones do
// (blues-rock, jazz-blues, country-pop, disco-pop, hip-hop with reggae bass, ...).
constexpr std::array<std::array<int, 3>, DemoGenreCount> Neighbours{{
    {Jazz, Rock, Country},     // blues
    {Jazz, Pop, Classical},    // classical
    {Blues, Pop, Rock},        // country
    {Pop, Hiphop, Reggae},     // disco
    {Reggae, Pop, Disco},      // hiphop
    {Blues, Classical, Blues}, // jazz
    {Rock, Rock, Rock},        // metal
    {Disco, Rock, Country},    // pop
    {Hiphop, Pop, Hiphop},     // reggae
    {Metal, Blues, Pop},       // rock
}};

const std::vector<int> Major{0, 2, 4, 5, 7, 9, 11};
const std::vector<int> Minor{0, 2, 3, 5, 7, 8, 10};
const std::vector<int> Dorian{0, 2, 3, 5, 7, 9, 10};
const std::vector<int> Mixolydian{0, 2, 4, 5, 7, 9, 10};
const std::vector<int> HarmonicMinor{0, 2, 3, 5, 7, 8, 11};
const std::vector<int> Phrygian{0, 1, 3, 5, 7, 8, 10};
const std::vector<int> BluesScale{0, 3, 5, 6, 7, 10};
const std::vector<int> MajorPenta{0, 2, 4, 7, 9};
const std::vector<int> MinorPenta{0, 3, 5, 7, 10};

const std::vector<int> Maj{0, 4, 7};
const std::vector<int> Min{0, 3, 7};
const std::vector<int> Dom7{0, 4, 7, 10};
const std::vector<int> Dom9{0, 4, 10, 14};
const std::vector<int> Maj7{0, 4, 7, 11};
const std::vector<int> Min7{0, 3, 7, 10};
const std::vector<int> Min9{0, 3, 10, 14};
const std::vector<int> Power{0, 7, 12};

struct Chord {
    int root = 0; // semitones above the key
    std::vector<int> iv;
};

struct Note {
    double start;
    double length;
    double midi;
    float vel;
};

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

template <class T>
const T& pick(Rng& rng, const std::vector<T>& v)
{
    return v[std::size_t(rng.below(v.size()))];
}

// Stem buffers, kept per thread between tracks: fresh megabyte-sized allocations per track
// cost more in page faults than the synthesis of some genres.
struct Stems {
    std::vector<float> drums, bass, comp, lead, dry;
};

class Renderer {
public:
    Renderer(int genre, Rng& rng, int sr, double seconds, double borrowing, Stems& stems)
        : m_rng(rng), m_noise(rng), m_g(genre), m_sr(sr), m_borrowing(borrowing),
          m_n(std::size_t(std::llround(seconds * sr))), m_drums(stems.drums),
          m_bass(stems.bass), m_comp(stems.comp), m_lead(stems.lead), m_dry(stems.dry)
    {
    }

    std::vector<float> render()
    {
        plan();
        m_drums.assign(m_n, 0.0f);
        m_bass.assign(m_n, 0.0f);
        m_comp.assign(m_n, 0.0f);
        m_lead.assign(m_n, 0.0f);
        if (m_drumStyle >= 0)
            drums(m_drumStyle);
        bass(m_bassStyle);
        comp(m_compStyle);
        if (m_leadStyle >= 0)
            lead(m_leadStyle);
        return mix();
    }

private:
    Rng& m_rng;
    Noise m_noise;
    int m_g;
    int m_sr;
    double m_borrowing;
    std::size_t m_n;

    double m_bpm = 120, m_beat = 0.5, m_barLen = 2.0, m_t0 = 0.0;
    double m_swing8 = 0.0, m_swing16 = 0.0, m_humanize = 0.004;
    int m_bars = 8;
    int m_key = 48; // tonic in the bass octave (MIDI)
    std::vector<int> m_scale;
    std::vector<Chord> m_prog;
    double m_bright = 0.5; // per-track timbre brightness 0..1
    double m_detune = 0.0; // cents
    int m_drumStyle = 0, m_bassStyle = 0, m_compStyle = 0, m_leadStyle = 0;
    int m_variant = 0; // style sub-variant (e.g. string quartet vs piano for classical)
    std::array<double, 4> m_level{1, 1, 1, 1}; // drums, bass, comp, lead
    std::map<int, Wavetable> m_tables;
    std::vector<float>& m_drums;
    std::vector<float>& m_bass;
    std::vector<float>& m_comp;
    std::vector<float>& m_lead;
    std::vector<float>& m_dry;

    double u(double lo, double hi) { return m_rng.uniform(lo, hi); }
    bool chance(double p) { return m_rng.uniform() < p; }
    double jitter() { return m_humanize * m_rng.normal(); }
    double cents() { return m_detune * m_rng.uniform(-1.0, 1.0) / 100.0; }

    int borrowOr(int own, double p)
    {
        // Both draws happen whatever the outcome, so that the borrowing strength changes
        // only which elements are borrowed, not the rest of the track's random stream.
        const bool borrow = chance(p * m_borrowing);
        const int other = Neighbours[std::size_t(m_g)][std::size_t(m_rng.below(3))];
        return borrow ? other : own;
    }

    // Time of sixteenth `step` (0..15, may be fractional) in bar `bar`, with swing applied to
    // off-beat eighths (towards the triplet position) and off-beat sixteenths.
    double at(int bar, double step) const
    {
        const int k = int(std::floor(step));
        double t = m_t0 + bar * m_barLen + step * m_beat / 4.0;
        if (((k % 4) + 4) % 4 == 2)
            t += m_swing8 * m_beat / 6.0;
        if (((k % 2) + 2) % 2 == 1)
            t += m_swing16 * m_beat / 12.0;
        return t;
    }

    const Chord& chordAt(int bar) const { return m_prog[std::size_t(bar) % m_prog.size()]; }

    void plan()
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

    // Band-limited tables, cached per timbre and note for this track.
    const Wavetable& table(Timbre t, int midi)
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

    void tone(std::vector<float>& out, Timbre t, const Note& n, const Envelope& env,
              double vibrato = 0.0, double glide = 0.0, int voices = 1)
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

    void pluck(std::vector<float>& out, const Note& n, double brightness, double decay)
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

    // Strummed chord: strings a few ms apart, lowest first (or highest first on upstrokes).
    void strum(std::vector<float>& out, const std::vector<int>& midis, double start, double length,
               float vel, double brightness, double decay, bool up = false)
    {
        const double gap = u(0.006, 0.014);
        for (std::size_t i = 0; i < midis.size(); ++i) {
            const std::size_t k = up ? midis.size() - 1 - i : i;
            pluck(out, {start + gap * double(i), length, double(midis[k]),
                        vel / float(std::sqrt(double(midis.size())))},
                  brightness, decay);
        }
    }

    // Chord tones placed closest to `centre` (simple voice leading).
    std::vector<int> voicing(const Chord& c, int centre) const
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

    int bassNote(const Chord& c, int offset = 0) const
    {
        int m = m_key + c.root + offset;
        while (m > 47)
            m -= 12;
        while (m < 31)
            m += 12;
        return m;
    }

    // ---- drums -------------------------------------------------------------------------
    void drums(int style)
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

    // ---- bass --------------------------------------------------------------------------
    void bass(int style)
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

    // ---- chords ------------------------------------------------------------------------
    void comp(int style)
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

    // ---- melody ------------------------------------------------------------------------
    // Random walk on the scale, pulled to chord tones on strong beats; `grid` in sixteenths,
    // `density` the chance of a new note per grid slot, `motifBars` > 0 repeats a motif.
    std::vector<Note> melody(const std::vector<int>& scale, int centre, int grid, double density,
                             double legato, int motifBars)
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

    void lead(int style)
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

    // ---- mix and master -----------------------------------------------------------------
    std::vector<float> mix()
    {
        struct Production {
            std::array<double, 4> level; // drums, bass, comp, lead
            double reverb;               // wet
            double rms;                  // target RMS of the master
        };
        static constexpr std::array<Production, DemoGenreCount> P{{
            {{0.8, 0.8, 0.8, 0.9}, 0.12, 0.11},  // blues
            {{0.0, 0.6, 1.0, 0.9}, 0.45, 0.06},  // classical
            {{0.7, 0.9, 0.9, 0.8}, 0.10, 0.12},  // country
            {{1.0, 0.9, 0.6, 0.6}, 0.10, 0.16},  // disco
            {{1.1, 1.0, 0.7, 0.5}, 0.06, 0.15},  // hiphop
            {{0.6, 0.9, 0.7, 0.9}, 0.18, 0.09},  // jazz
            {{0.9, 0.7, 1.1, 0.7}, 0.08, 0.22},  // metal
            {{0.9, 0.8, 0.7, 0.9}, 0.15, 0.15},  // pop
            {{0.8, 1.2, 0.8, 0.6}, 0.22, 0.12},  // reggae
            {{0.9, 0.8, 1.0, 0.8}, 0.10, 0.16},  // rock
        }};
        const Production& p = P[std::size_t(m_g)];
        std::vector<float> out(m_n, 0.0f);
        const std::array<const std::vector<float>*, 4> stems{&m_drums, &m_bass, &m_comp, &m_lead};
        for (std::size_t k = 0; k < 4; ++k) {
            const float g = float(std::max(p.level[k], 0.4) * m_level[k]);
            const auto& s = *stems[k];
            for (std::size_t i = 0; i < m_n; ++i)
                out[i] += g * s[i];
        }
        m_dry.assign(out.begin(), out.end());
        addReverb(m_dry, out, u(0.4, 0.9), u(0.2, 0.6), p.reverb * std::exp(m_rng.normal(0.0, 0.3)) * 6.0, m_sr);

        if (m_g == Classical) {
            // Wide dynamics: a slow swell and fade across the excerpt.
            const double rate = u(0.05, 0.15), ph = u(0.0, 6.28);
            for (std::size_t i = 0; i < m_n; ++i)
                out[i] *= float(0.55 + 0.45 * std::sin(6.283185307 * rate * double(i) / m_sr + ph));
        }
        if (m_g == Metal || m_g == Disco || m_g == Pop || m_g == Hiphop || m_g == Rock) {
            double peak = 1e-9;
            for (float v : out)
                peak = std::max(peak, double(std::abs(v)));
            compress(out, 0.3 * peak, m_g == Metal ? 8.0 : 3.0, 0.003, 0.1, 1.0, m_sr);
        }
        // Old or lo-fi recordings are band-limited; more common in some genres.
        static constexpr std::array<double, DemoGenreCount> OldRecording{0.35, 0.15, 0.2, 0.05, 0.3,
                                                                        0.3, 0.0, 0.0, 0.2, 0.1};
        if (chance(OldRecording[std::size_t(m_g)]))
            lowpass(out, u(2500.0, 5000.0), m_sr);
        double energy = 0.0;
        for (float v : out)
            energy += double(v) * v;
        const double rms = std::sqrt(energy / double(std::max<std::size_t>(m_n, 1)));
        // Surface noise and hiss relative to the music's level.
        const bool vinyl = m_g == Hiphop ? chance(0.85) : chance(0.08);
        Noise hissNoise(m_rng);
        addVinyl(out, rms * std::pow(10.0, u(-55.0, -30.0) / 20.0) * (vinyl ? 4.0 : 1.0),
                 vinyl ? u(5.0, 30.0) : 0.0, rms * u(1.0, 4.0), hissNoise, m_rng, m_sr);
        highpass(out, 25.0, m_sr);
        master(out, p.rms * std::exp(m_rng.normal(0.0, 0.25)));
        return out;
    }
};

} // namespace

std::vector<float> renderDemoTrack(int genre, Rng& rng, int sampleRate, double seconds,
                                   double borrowing)
{
    thread_local Stems stems;
    Renderer r(genre, rng, sampleRate, seconds, borrowing, stems);
    return r.render();
}

} // namespace atlas::detail
