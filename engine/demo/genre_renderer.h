// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The arrangement of one demo track, shared by the files that render its parts: the plan
// (genre_plan.cpp), the drums (genre_drums.cpp), the pitched parts and their instruments
// (genre_tonal.cpp) and the mix-down (genre_mix.cpp). Internal to engine/demo; the entry
// point is renderDemoTrack() in synth_genres.h.

#include "engine/core/random.h"
#include "engine/demo/synth.h"
#include "engine/demo/synth_genres.h"

#include <array>
#include <cmath>
#include <cstddef>
#include <map>
#include <vector>

namespace atlas::detail::arrangement {

enum G { Blues, Classical, Country, Disco, Hiphop, Jazz, Metal, Pop, Reggae, Rock };

enum class Timbre { Piano, EPiano, Organ, Strings, Sax, Square, Saw, Sine, Bass, Flute, Harmonica };

// Genres whose elements a track may borrow, so that genres overlap as real ones do
// (blues-rock, jazz-blues, country-pop, disco-pop, hip-hop with reggae bass, ...).
inline constexpr std::array<std::array<int, 3>, DemoGenreCount> Neighbours{{
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

inline const std::vector<int> Major{0, 2, 4, 5, 7, 9, 11};
inline const std::vector<int> Minor{0, 2, 3, 5, 7, 8, 10};
inline const std::vector<int> Dorian{0, 2, 3, 5, 7, 9, 10};
inline const std::vector<int> Mixolydian{0, 2, 4, 5, 7, 9, 10};
inline const std::vector<int> HarmonicMinor{0, 2, 3, 5, 7, 8, 11};
inline const std::vector<int> Phrygian{0, 1, 3, 5, 7, 8, 10};
inline const std::vector<int> BluesScale{0, 3, 5, 6, 7, 10};
inline const std::vector<int> MajorPenta{0, 2, 4, 7, 9};
inline const std::vector<int> MinorPenta{0, 3, 5, 7, 10};

inline const std::vector<int> Maj{0, 4, 7};
inline const std::vector<int> Min{0, 3, 7};
inline const std::vector<int> Dom7{0, 4, 7, 10};
inline const std::vector<int> Dom9{0, 4, 10, 14};
inline const std::vector<int> Maj7{0, 4, 7, 11};
inline const std::vector<int> Min7{0, 3, 7, 10};
inline const std::vector<int> Min9{0, 3, 10, 14};
inline const std::vector<int> Power{0, 7, 12};

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

class GenreRenderer {
public:
    GenreRenderer(int genre, Rng& rng, int sr, double seconds, double borrowing, Stems& stems)
        : m_rng(rng), m_noise(rng), m_g(genre), m_sr(sr), m_borrowing(borrowing),
          m_n(std::size_t(std::llround(seconds * sr))), m_drums(stems.drums),
          m_bass(stems.bass), m_comp(stems.comp), m_lead(stems.lead), m_dry(stems.dry)
    {
    }

    /// Plans the track, renders its parts into the stems and returns the mastered mix.
    std::vector<float> render();

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

    // genre_plan.cpp
    void plan();

    // genre_tonal.cpp: instruments
    // Band-limited tables, cached per timbre and note for this track.
    const Wavetable& table(Timbre t, int midi);
    void tone(std::vector<float>& out, Timbre t, const Note& n, const Envelope& env,
              double vibrato = 0.0, double glide = 0.0, int voices = 1);
    void pluck(std::vector<float>& out, const Note& n, double brightness, double decay);
    // Strummed chord: strings a few ms apart, lowest first (or highest first on upstrokes).
    void strum(std::vector<float>& out, const std::vector<int>& midis, double start, double length,
               float vel, double brightness, double decay, bool up = false);
    // Chord tones placed closest to `centre` (simple voice leading).
    std::vector<int> voicing(const Chord& c, int centre) const;
    int bassNote(const Chord& c, int offset = 0) const;

    // genre_drums.cpp
    void drums(int style);

    // genre_tonal.cpp: parts
    void bass(int style);
    void comp(int style);
    // Random walk on the scale, pulled to chord tones on strong beats; `grid` in sixteenths,
    // `density` the chance of a new note per grid slot, `motifBars` > 0 repeats a motif.
    std::vector<Note> melody(const std::vector<int>& scale, int centre, int grid, double density,
                             double legato, int motifBars);
    void lead(int style);

    // genre_mix.cpp
    std::vector<float> mix();
};

} // namespace atlas::detail::arrangement
