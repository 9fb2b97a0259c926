// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Small, fast, deterministic synthesis toolkit behind the built-in demo corpus
// (engine/demo/demo_corpus.h). Everything renders mono float audio by adding into a buffer;
// times are in seconds, frequencies in Hz, gains linear. Nothing here allocates per sample
// or uses global state, so one track per thread renders bit-identically whatever the thread
// count. Not a general-purpose synthesiser: only what the demo genres need.

#include "engine/core/random.h"

#include <cstdint>
#include <span>
#include <vector>

namespace atlas::detail {

/// White noise in [-1, 1) from a 32-bit xorshift (Marsaglia, 2003): far cheaper per sample
/// than Rng and plenty for audio. Seeded from an Rng so that it follows the track's stream.
class Noise {
public:
    explicit Noise(Rng& rng) : m_state(std::uint32_t(rng.next() >> 32) | 1u) {}
    float next()
    {
        m_state ^= m_state << 13;
        m_state ^= m_state >> 17;
        m_state ^= m_state << 5;
        return float(std::int32_t(m_state)) * (1.0f / 2147483648.0f);
    }

private:
    std::uint32_t m_state;
};

/// MIDI note number -> frequency in Hz (A4 = 69 = 440 Hz, equal temperament).
double midiToHz(double midi);

/// Amplitude envelope. Linear attack over `attack` s, exponential decay with time constant
/// `decay` s towards `sustain` (0..1) while the gate is open, then exponential release with
/// time constant `release` s. The voice stops once the release has fallen by about 60 dB.
struct Envelope {
    double attack = 0.005;
    double decay = 0.3;
    double sustain = 0.7;
    double release = 0.08;
};

/// One period of a band-limited periodic waveform (additive synthesis): only partials below
/// 0.45 x sample rate for the fundamental it was built for are included, so it does not alias.
class Wavetable {
public:
    static constexpr int Size = 2048;
    Wavetable() = default;
    /// amplitudes[k] is the amplitude of partial k + 1; phases are all sine (0).
    Wavetable(std::span<const float> amplitudes, double f0, double sampleRate);
    /// Linear interpolation at phase in [0, 1).
    float at(double phase) const
    {
        const double x = phase * Size;
        const int i = int(x);
        const float f = float(x - i);
        return m_table[std::size_t(i)] + f * (m_table[std::size_t(i) + 1] - m_table[std::size_t(i)]);
    }
    bool empty() const { return m_table.empty(); }

private:
    std::vector<float> m_table; // Size + 1 samples, last = first (guard for interpolation)
};

/// A sustained or decaying tone read from a wavetable.
struct Tone {
    double start = 0.0;        ///< onset, s
    double length = 0.5;       ///< gate length, s (release follows)
    double freq = 440.0;       ///< Hz
    float gain = 0.3f;         ///< peak linear amplitude
    Envelope env;
    double vibratoDepth = 0.0; ///< semitones (peak)
    double vibratoRate = 5.5;  ///< Hz
    double vibratoDelay = 0.0; ///< s before vibrato fades in
    double glide = 0.0;        ///< semitones the pitch starts away from freq (slides in)
    double glideTime = 0.05;   ///< s, time constant of the slide
};

/// Adds a wavetable tone to out (sample rate sr); samples outside out are skipped.
void addTone(std::vector<float>& out, const Wavetable& table, const Tone& tone, int sr);

/// Karplus-Strong plucked string (Karplus & Strong, 1983, with Jaffe & Smith's 1983
/// extensions: brightness = loop-filter weight, decay time). brightness in [0, 1]
/// (0 = dull, 1 = twangy), decay = s to -60 dB, length = gate before a 20 ms damp.
struct Pluck {
    double start = 0.0;
    double length = 0.5;
    double freq = 110.0;
    float gain = 0.3f;
    double brightness = 0.5;
    double decay = 1.5;
    double pickPosition = 0.15; ///< 0..0.5, comb-filters the excitation like a pick position
};
void addPluck(std::vector<float>& out, const Pluck& p, Noise& noise, int sr);

/// Kick drum: sine whose pitch sweeps exponentially from fStart to fEnd (time constant sweep
/// s) with an exponential amplitude decay (s), plus a short noise click.
void addKick(std::vector<float>& out, double start, float gain, double fStart, double fEnd,
             double sweep, double decay, double click, Noise& noise, int sr);

/// Snare: a decaying tone at toneHz plus band-limited noise (noiseDecay s); snappy in [0, 1]
/// is the noise share, bright in [0, 1] the noise's brightness.
void addSnare(std::vector<float>& out, double start, float gain, double toneHz,
              double noiseDecay, double snappy, double bright, Noise& noise, int sr);

/// Hi-hat: high-passed noise with an exponential decay (s); cutoff in Hz.
void addHat(std::vector<float>& out, double start, float gain, double decay, double cutoff,
            Noise& noise, int sr);

/// Ride / crash cymbal: six detuned square oscillators at inharmonic ratios (the TR-808
/// cymbal circuit) plus noise, high-passed, exponential decay (s).
void addCymbal(std::vector<float>& out, double start, float gain, double decay, double pitch,
               Noise& noise, int sr);

/// Brush sweep on a snare: low-passed noise with a rounded attack and the given length (s).
void addBrush(std::vector<float>& out, double start, float gain, double length, Noise& noise,
              int sr);

/// Hand clap: three quick noise bursts and a tail, band-passed around 1.2 kHz.
void addClap(std::vector<float>& out, double start, float gain, Noise& noise, int sr);

/// One-pole low-pass in place (cutoff Hz).
void lowpass(std::span<float> x, double cutoff, int sr);
/// One-pole high-pass in place (cutoff Hz).
void highpass(std::span<float> x, double cutoff, int sr);
/// Soft-clipping distortion in place: y = tanh-like(drive * x) / tanh-like(drive), then a
/// cabinet-like low-pass at toneHz.
void distort(std::span<float> x, double drive, double toneHz, int sr);
/// Mono Schroeder/Freeverb reverb (Schroeder, 1962; Jezar's Freeverb tuning): reads in, adds
/// wet x the reverb tail to out. size in [0, 1] scales the comb feedback, damp in [0, 1].
void addReverb(std::span<const float> in, std::span<float> out, double size, double damp,
               double wet, int sr);
/// Feedback echo in place: delay s, feedback in [0, 0.9), mix of the echoes.
void echo(std::span<float> x, double delay, double feedback, double mix, int sr);
/// Feed-forward compressor in place (threshold linear, ratio >= 1, attack/release s),
/// followed by make-up gain `makeup`.
void compress(std::span<float> x, double threshold, double ratio, double attack,
              double release, double makeup, int sr);
/// Vinyl surface noise added to x: hiss (linear level) and crackle clicks per second.
void addVinyl(std::span<float> x, double hiss, double cracklesPerSecond, double crackleLevel,
              Noise& noise, Rng& rng, int sr);

/// Scales x to the target RMS, then limits peaks softly so |x| <= 0.98 everywhere and removes
/// any DC offset first. Silence stays silence.
void master(std::span<float> x, double targetRms);

} // namespace atlas::detail
