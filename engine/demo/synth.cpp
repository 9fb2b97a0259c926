// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/demo/synth.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>

namespace atlas::detail {

namespace {

constexpr double TwoPi = 2.0 * std::numbers::pi;

struct Span {
    int begin;
    int end;
};

// Sample range [start, start + seconds) clipped to the buffer.
Span clipRange(std::size_t size, double start, double seconds, int sr)
{
    const long long b = std::llround(start * sr);
    const long long e = b + std::llround(seconds * sr);
    return {int(std::clamp<long long>(b, 0, (long long)size)),
            int(std::clamp<long long>(e, 0, (long long)size))};
}

// Pade-style tanh approximation, exact at 0 and saturating at +-1 beyond |x| = 3.
inline float softClip(float x)
{
    if (x > 3.0f)
        return 1.0f;
    if (x < -3.0f)
        return -1.0f;
    const float x2 = x * x;
    return x * (27.0f + x2) / (27.0f + 9.0f * x2);
}

// One sine period sampled at Wavetable::Size points (double, for building tables exactly) and
// a float copy with a guard point for fast interpolated oscillators.
struct SineTables {
    std::vector<double> exact;
    std::vector<float> fast;
    SineTables() : exact(Wavetable::Size), fast(Wavetable::Size + 1)
    {
        for (int i = 0; i < Wavetable::Size; ++i) {
            exact[std::size_t(i)] = std::sin(TwoPi * i / Wavetable::Size);
            fast[std::size_t(i)] = float(exact[std::size_t(i)]);
        }
        fast[Wavetable::Size] = fast[0];
    }
};

const SineTables& sines()
{
    static const SineTables tables;
    return tables;
}

// sin(2 pi phase) for phase in [0, 1), linearly interpolated from the table (error < 2e-6).
inline float fastSin(const float* table, double phase)
{
    const double x = phase * Wavetable::Size;
    const int i = int(x);
    const float f = float(x - i);
    return table[i] + f * (table[i + 1] - table[i]);
}

inline double wrap(double phase) { return phase - std::floor(phase); }

// Per-sample multiplier reaching 1/e after tau seconds.
inline double decayCoef(double tau, int sr) { return std::exp(-1.0 / (std::max(tau, 1e-4) * sr)); }

} // namespace

double midiToHz(double midi) { return 440.0 * std::exp2((midi - 69.0) / 12.0); }

Wavetable::Wavetable(std::span<const float> amplitudes, double f0, double sampleRate)
    : m_table(Size + 1, 0.0f)
{
    const std::vector<double>& sine = sines().exact;
    std::vector<double> acc(Size, 0.0);
    for (std::size_t k = 0; k < amplitudes.size(); ++k) {
        const std::size_t harmonic = k + 1;
        if (double(harmonic) * f0 >= 0.45 * sampleRate)
            break;
        const double a = amplitudes[k];
        if (a == 0.0)
            continue;
        // sin(2 pi h i / Size) is table entry (h * i) mod Size.
        for (std::size_t i = 0; i < std::size_t(Size); ++i)
            acc[i] += a * sine[(harmonic * i) & std::size_t(Size - 1)];
    }
    double peak = 1e-12;
    for (double v : acc)
        peak = std::max(peak, std::abs(v));
    for (int i = 0; i < Size; ++i)
        m_table[std::size_t(i)] = float(acc[std::size_t(i)] / peak);
    m_table[Size] = m_table[0];
}

void addTone(std::vector<float>& out, const Wavetable& table, const Tone& tone, int sr)
{
    if (table.empty())
        return;
    const double tail = 7.0 * tone.env.release;
    const Span r = clipRange(out.size(), tone.start, tone.length + tail, sr);
    const int gateEnd = int(std::llround((tone.start + tone.length) * sr));
    const int onset = int(std::llround(tone.start * sr));
    const double attackSamples = std::max(1.0, tone.env.attack * sr);
    const double dCoef = decayCoef(tone.env.decay, sr);
    const double rCoef = decayCoef(tone.env.release, sr);
    const double vibCycles = tone.vibratoRate / sr;
    const float* sineTable = sines().fast.data();
    const double vibDelay = tone.vibratoDelay * sr;
    const double baseInc = tone.freq / sr;
    const double glideCoef = decayCoef(tone.glideTime, sr);
    double glide = tone.glide;
    const bool vibrato = tone.vibratoDepth > 0.0;
    double phase = 0.0;
    double level = 0.0;
    double decayPart = 1.0 - tone.env.sustain; // level above sustain, decays exponentially
    // Samples before the buffer starts still advance the state so that clipping does not
    // change what is heard.
    for (int n = onset; n < r.end; ++n) {
        const int t = n - onset;
        double amp;
        if (n < gateEnd) {
            if (t < attackSamples) {
                amp = t / attackSamples;
            } else {
                decayPart *= dCoef;
                amp = tone.env.sustain + decayPart;
            }
            level = amp;
        } else {
            level *= rCoef;
            amp = level;
            if (amp < 1e-3)
                break;
        }
        double inc = baseInc;
        if (glide != 0.0 || (vibrato && t > vibDelay)) {
            double semis = glide;
            glide = std::abs(glide) > 1e-4 ? glide * glideCoef : 0.0;
            if (vibrato && t > vibDelay) {
                const double fade = std::min(1.0, (t - vibDelay) / (0.3 * sr));
                semis += fade * tone.vibratoDepth * fastSin(sineTable, wrap(vibCycles * t));
            }
            // 2^(s/12) ~ 1 + 0.05776 s for the small deviations used here.
            inc *= 1.0 + 0.057762265 * semis;
        }
        if (n >= r.begin)
            out[std::size_t(n)] += float(tone.gain * amp) * table.at(phase);
        phase += inc;
        if (phase >= 1.0)
            phase -= 1.0;
    }
}

void addPluck(std::vector<float>& out, const Pluck& p, Noise& noise, int sr)
{
    const double period = sr / std::max(20.0, p.freq);
    const int size = 1 << int(std::ceil(std::log2(period + 4.0)));
    const int mask = size - 1;
    std::vector<float> line(std::size_t(size), 0.0f);
    // Excitation: one period of noise, comb-filtered for the pick position and low-passed
    // for dull plucks.
    const int excitation = int(std::ceil(period));
    const int pickDelay = std::max(1, int(p.pickPosition * period));
    const float smooth = float(0.15 + 0.8 * (1.0 - p.brightness));
    float lp = 0.0f;
    std::vector<float> burst(static_cast<std::size_t>(excitation));
    for (int i = 0; i < excitation; ++i) {
        const float w = noise.next();
        lp += (1.0f - smooth) * (w - lp);
        burst[std::size_t(i)] = lp;
    }
    for (int i = 0; i < excitation; ++i)
        line[std::size_t(i)] =
            burst[std::size_t(i)] - (i >= pickDelay ? burst[std::size_t(i - pickDelay)] : 0.0f);
    const double perPass = std::pow(10.0, -3.0 * period / (std::max(0.05, p.decay) * sr));
    const float s = float(0.5 + 0.5 * std::clamp(p.brightness, 0.0, 1.0) * 0.9);
    const Span r = clipRange(out.size(), p.start, p.length + 0.06, sr);
    const int onset = int(std::llround(p.start * sr));
    const int gateEnd = int(std::llround((p.start + p.length) * sr));
    const float damp = float(decayCoef(0.02, sr));
    // Delay through the two-tap loop filter is (1 - s) samples; subtract it for tuning.
    const double delay = std::max(2.0, period - (1.0 - s));
    const int di = int(delay);
    const float frac = float(delay - di);
    int write = excitation;
    float prev = 0.0f;
    float env = 1.0f;
    float peak = 1e-6f;
    for (float v : line)
        peak = std::max(peak, std::abs(v));
    const float norm = p.gain / peak;
    for (int n = onset; n < r.end; ++n) {
        const int rd = write - di;
        const float a = line[std::size_t(rd & mask)];
        const float b = line[std::size_t((rd - 1) & mask)];
        const float y = a + frac * (b - a);
        const float v = float(perPass) * (s * y + (1.0f - s) * prev);
        prev = y;
        line[std::size_t(write & mask)] = v;
        ++write;
        if (n >= gateEnd) {
            env *= damp;
            if (env < 1e-3f)
                break;
        }
        if (n >= r.begin)
            out[std::size_t(n)] += norm * env * y;
    }
}

void addKick(std::vector<float>& out, double start, float gain, double fStart, double fEnd,
             double sweep, double decay, double click, Noise& noise, int sr)
{
    const Span r = clipRange(out.size(), start, 6.0 * decay + 0.01, sr);
    const int onset = int(std::llround(start * sr));
    const double sweepCoef = decayCoef(sweep, sr);
    const double ampCoef = decayCoef(decay, sr);
    const double clickCoef = decayCoef(0.003, sr);
    double f = fStart - fEnd;
    double amp = 1.0;
    double clickAmp = click;
    double phase = 0.0;
    const float* sineTable = sines().fast.data();
    for (int n = std::max(onset, 0); n < r.end; ++n) {
        const double v = fastSin(sineTable, phase) * amp + clickAmp * noise.next();
        if (n >= r.begin)
            out[std::size_t(n)] += gain * float(v);
        phase = wrap(phase + (fEnd + f) / sr);
        f *= sweepCoef;
        amp *= ampCoef;
        clickAmp *= clickCoef;
        if (amp < 1e-3)
            break;
    }
}

void addSnare(std::vector<float>& out, double start, float gain, double toneHz,
              double noiseDecay, double snappy, double bright, Noise& noise, int sr)
{
    const Span r = clipRange(out.size(), start, 7.0 * noiseDecay + 0.01, sr);
    const double toneCoef = decayCoef(0.05, sr);
    const double noiseCoef = decayCoef(noiseDecay, sr);
    const float lpA = float(1.0 - std::exp(-TwoPi * (2000.0 + 7000.0 * bright) / sr));
    const float hpA = float(std::exp(-TwoPi * 400.0 / sr));
    double tAmp = 1.0 - snappy;
    double nAmp = snappy * 1.6;
    double phase = 0.0, phase2 = 0.0;
    const float* sineTable = sines().fast.data();
    float lp = 0.0f, hpPrevIn = 0.0f, hp = 0.0f;
    for (int n = r.begin; n < r.end; ++n) {
        const float w = noise.next();
        lp += lpA * (w - lp);
        hp = hpA * (hp + lp - hpPrevIn);
        hpPrevIn = lp;
        const double v =
            tAmp * (fastSin(sineTable, phase) + 0.5 * fastSin(sineTable, phase2)) + nAmp * hp;
        out[std::size_t(n)] += gain * float(v);
        phase = wrap(phase + toneHz / sr);
        phase2 = wrap(phase2 + 1.6 * toneHz / sr);
        tAmp *= toneCoef;
        nAmp *= noiseCoef;
        if (nAmp < 1e-3 && tAmp < 1e-3)
            break;
    }
}

void addHat(std::vector<float>& out, double start, float gain, double decay, double cutoff,
            Noise& noise, int sr)
{
    const Span r = clipRange(out.size(), start, 7.0 * decay + 0.005, sr);
    const double coef = decayCoef(decay, sr);
    const float hpA = float(std::exp(-TwoPi * cutoff / sr));
    float prevIn = 0.0f, hp1 = 0.0f, prev1 = 0.0f, hp2 = 0.0f;
    double amp = 1.0;
    for (int n = r.begin; n < r.end; ++n) {
        const float w = noise.next();
        hp1 = hpA * (hp1 + w - prevIn);
        prevIn = w;
        hp2 = hpA * (hp2 + hp1 - prev1);
        prev1 = hp1;
        out[std::size_t(n)] += gain * float(amp) * hp2;
        amp *= coef;
        if (amp < 1e-3)
            break;
    }
}

void addCymbal(std::vector<float>& out, double start, float gain, double decay, double pitch,
               Noise& noise, int sr)
{
    static constexpr std::array<double, 6> Ratios{205.3, 304.4, 369.6, 522.7, 540.0, 800.0};
    const Span r = clipRange(out.size(), start, 7.0 * decay + 0.005, sr);
    const double coef = decayCoef(decay, sr);
    const double pingCoef = decayCoef(0.02, sr);
    const float hpA = float(std::exp(-TwoPi * 3500.0 / sr));
    // 32-bit fixed-point phases: the square wave is the top bit.
    std::array<std::uint32_t, 6> phase{};
    std::array<std::uint32_t, 6> inc{};
    for (std::size_t k = 0; k < Ratios.size(); ++k)
        inc[k] = std::uint32_t(Ratios[k] * pitch / sr * 4294967296.0);
    float prevIn = 0.0f, hp = 0.0f;
    double amp = 1.0, ping = 1.0;
    for (int n = r.begin; n < r.end; ++n) {
        int high = 0;
        for (std::size_t k = 0; k < Ratios.size(); ++k) {
            high += int(phase[k] >> 31);
            phase[k] += inc[k];
        }
        const float metal = float(6 - 2 * high);
        const float x = 0.12f * metal + 0.6f * noise.next();
        hp = hpA * (hp + x - prevIn);
        prevIn = x;
        out[std::size_t(n)] += gain * float(amp * (0.7 + 0.6 * ping)) * hp;
        amp *= coef;
        ping *= pingCoef;
        if (amp < 1e-2) // -40 dB: the rest is masked by the rest of the kit
            break;
    }
}

void addBrush(std::vector<float>& out, double start, float gain, double length, Noise& noise,
              int sr)
{
    const Span r = clipRange(out.size(), start, length, sr);
    const int len = std::max(1, r.end - r.begin);
    const float lpA = float(1.0 - std::exp(-TwoPi * 3500.0 / sr));
    const float* sineTable = sines().fast.data();
    float lp = 0.0f;
    for (int n = r.begin; n < r.end; ++n) {
        const double t = double(n - r.begin) / len;
        const double env = fastSin(sineTable, 0.5 * std::sqrt(t)) * (1.0 - 0.5 * t);
        lp += lpA * (noise.next() - lp);
        out[std::size_t(n)] += gain * float(env) * lp;
    }
}

void addClap(std::vector<float>& out, double start, float gain, Noise& noise, int sr)
{
    const Span r = clipRange(out.size(), start, 0.25, sr);
    const double f = 1200.0 / sr;
    // Chamberlin state-variable band-pass (Chamberlin, "Musical Applications of
    // Microprocessors", 1985).
    const float F = float(2.0 * std::sin(std::numbers::pi * f));
    const float Q = 0.6f;
    float low = 0.0f, band = 0.0f;
    for (int n = r.begin; n < r.end; ++n) {
        const double t = double(n - r.begin) / sr;
        double env;
        if (t < 0.03)
            env = std::exp(-std::fmod(t, 0.01) / 0.003);
        else
            env = std::exp(-(t - 0.03) / 0.06);
        const float x = noise.next();
        low += F * band;
        const float high = x - low - Q * band;
        band += F * high;
        out[std::size_t(n)] += gain * float(env) * band * 1.5f;
    }
}

void lowpass(std::span<float> x, double cutoff, int sr)
{
    const float a = float(1.0 - std::exp(-TwoPi * cutoff / sr));
    float y = 0.0f;
    for (float& v : x) {
        y += a * (v - y);
        v = y;
    }
}

void highpass(std::span<float> x, double cutoff, int sr)
{
    const float a = float(std::exp(-TwoPi * cutoff / sr));
    float y = 0.0f, prev = 0.0f;
    for (float& v : x) {
        y = a * (y + v - prev);
        prev = v;
        v = y;
    }
}

void distort(std::span<float> x, double drive, double toneHz, int sr)
{
    const float d = float(drive);
    const float norm = 1.0f / softClip(d);
    for (float& v : x)
        v = norm * softClip(d * v);
    lowpass(x, toneHz, sr);
}

void addReverb(std::span<const float> in, std::span<float> out, double size, double damp,
               double wet, int sr)
{
    static constexpr std::array<int, 4> Combs{1116, 1188, 1277, 1356};
    static constexpr std::array<int, 2> Allpasses{556, 441};
    const double scale = sr / 44100.0;
    std::array<std::vector<float>, 4> comb;
    std::array<int, 4> ci{};
    std::array<float, 4> store{};
    for (std::size_t k = 0; k < Combs.size(); ++k)
        comb[k].assign(std::size_t(std::max(1.0, Combs[k] * scale * (0.6 + 0.6 * size))), 0.0f);
    std::array<std::vector<float>, 2> ap;
    std::array<int, 2> ai{};
    for (std::size_t k = 0; k < Allpasses.size(); ++k)
        ap[k].assign(std::size_t(std::max(1.0, Allpasses[k] * scale)), 0.0f);
    const float feedback = float(0.7 + 0.28 * size);
    const float d = float(0.1 + 0.5 * damp);
    const float w = float(wet);
    const std::size_t n = std::min(in.size(), out.size());
    for (std::size_t i = 0; i < n; ++i) {
        const float x = in[i] * 0.05f;
        float acc = 0.0f;
        for (std::size_t k = 0; k < 4; ++k) {
            float& slot = comb[k][std::size_t(ci[k])];
            const float y = slot;
            store[k] = y * (1.0f - d) + store[k] * d;
            slot = x + store[k] * feedback;
            if (++ci[k] == int(comb[k].size()))
                ci[k] = 0;
            acc += y;
        }
        for (std::size_t k = 0; k < 2; ++k) {
            float& slot = ap[k][std::size_t(ai[k])];
            const float b = slot;
            slot = acc + b * 0.5f;
            acc = b - acc;
            if (++ai[k] == int(ap[k].size()))
                ai[k] = 0;
        }
        out[i] += w * acc;
    }
}

void echo(std::span<float> x, double delay, double feedback, double mix, int sr)
{
    const std::size_t d = std::size_t(std::max(1.0, delay * sr));
    std::vector<float> line(d, 0.0f);
    std::size_t idx = 0;
    const float fb = float(feedback), m = float(mix);
    float lp = 0.0f;
    for (float& v : x) {
        const float delayed = line[idx];
        lp += 0.5f * (delayed - lp); // echoes darken as they repeat, like tape
        line[idx] = v + fb * lp;
        v += m * delayed;
        if (++idx == d)
            idx = 0;
    }
}

void compress(std::span<float> x, double threshold, double ratio, double attack, double release,
              double makeup, int sr)
{
    const double a = 1.0 - decayCoef(attack, sr);
    const double r = 1.0 - decayCoef(release, sr);
    double env = 0.0;
    for (float& v : x) {
        const double level = std::abs(v);
        env += (level > env ? a : r) * (level - env);
        double g = 1.0;
        if (env > threshold)
            g = std::pow(env / threshold, 1.0 / ratio - 1.0);
        v = float(v * g * makeup);
    }
}

void addVinyl(std::span<float> x, double hiss, double cracklesPerSecond, double crackleLevel,
              Noise& noise, Rng& rng, int sr)
{
    const float lpA = float(1.0 - std::exp(-TwoPi * 4000.0 / sr));
    float lp = 0.0f;
    for (float& v : x) {
        lp += lpA * (noise.next() - lp);
        v += float(hiss) * lp;
    }
    const int clicks = int(cracklesPerSecond * double(x.size()) / sr);
    for (int c = 0; c < clicks; ++c) {
        const std::size_t at = std::size_t(rng.below(x.size()));
        const double amp = crackleLevel * (0.2 + 0.8 * rng.uniform()) * (rng.uniform() < 0.5 ? -1 : 1);
        const std::size_t len = std::size_t(2 + rng.below(12));
        for (std::size_t k = 0; k < len && at + k < x.size(); ++k)
            x[at + k] += float(amp * std::exp(-double(k) / 2.0) * (k % 2 ? -0.6 : 1.0));
    }
}

void master(std::span<float> x, double targetRms)
{
    if (x.empty())
        return;
    double mean = 0.0;
    for (float v : x)
        mean += v;
    mean /= double(x.size());
    double energy = 0.0;
    for (float& v : x) {
        v = float(v - mean);
        energy += double(v) * v;
    }
    const double rms = std::sqrt(energy / double(x.size()));
    if (rms < 1e-9)
        return;
    const float g = float(targetRms / rms);
    // Soft knee above 0.6: y = 0.6 + 0.38 * softClip((|x| - 0.6) / 0.38 ...), never above 0.98.
    for (float& v : x) {
        float y = v * g;
        const float a = std::abs(y);
        if (a > 0.6f) {
            const float over = (a - 0.6f) / 0.38f;
            y = std::copysign(0.6f + 0.38f * softClip(over), y);
        }
        v = std::clamp(y, -0.98f, 0.98f);
    }
}

} // namespace atlas::detail
