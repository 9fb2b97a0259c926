// SPDX-License-Identifier: GPL-3.0-or-later
// Mix-down and mastering: stem levels, reverb, genre dynamics, band-limiting of old
// recordings, surface noise, and the master level; and the entry point that runs the parts.
#include "engine/demo/genre_renderer.h"

#include "engine/demo/synth.h"
#include "engine/demo/synth_genres.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace atlas::detail::arrangement {

std::vector<float> GenreRenderer::render()
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

std::vector<float> GenreRenderer::mix()
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

} // namespace atlas::detail::arrangement

namespace atlas::detail {

std::vector<float> renderDemoTrack(int genre, Rng& rng, int sampleRate, double seconds,
                                   double borrowing)
{
    thread_local arrangement::Stems stems;
    arrangement::GenreRenderer r(genre, rng, sampleRate, seconds, borrowing, stems);
    return r.render();
}

} // namespace atlas::detail
