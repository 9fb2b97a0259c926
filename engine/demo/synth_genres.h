// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Arrangement layer of the demo corpus: turns a genre and a random stream into a short piece
// of music (drums, bass, chords, melody, genre-typical effects). Internal to
// engine/demo/demo_corpus.cpp; the public entry points are in demo_corpus.h.

#include "engine/core/random.h"

#include <vector>

namespace atlas::detail {

/// Number of demo genres (GTZAN's ten, in GTZAN order).
constexpr int DemoGenreCount = 10;

/// Renders `seconds` of mono audio at `sampleRate` for genre index `genre` (0..9 in the order
/// blues, classical, country, disco, hiphop, jazz, metal, pop, reggae, rock). All randomness
/// (key, tempo, mix, arrangement, borrowed elements, noise) comes from `rng`, so the same
/// stream gives the same samples. Output is mastered: no DC, |x| <= 0.98, genre-typical RMS.
/// `borrowing` scales the chance that tempo, drums, bass, chords or melody come from a
/// neighbouring genre (1 = the corpus's mix, about one element in five; 0 = pure genre
/// archetypes, used by tests of genre character).
std::vector<float> renderDemoTrack(int genre, Rng& rng, int sampleRate, double seconds,
                                   double borrowing = 1.0);

} // namespace atlas::detail
