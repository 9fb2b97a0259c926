// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// "More like this": the exact nearest tracks to one track, in a representation's latent space,
// in the sound features alone or in the lyrics alone.

#include "engine/core/types.h"
#include "engine/pipeline/pipeline.h"

#include <memory>
#include <string>
#include <vector>

namespace atlas {

/// How two rows are compared.
enum class Distance {
    Euclidean,   ///< ‖a − b‖
    Cosine,      ///< 1 − a·b / (‖a‖ ‖b‖); a row of zeros is at distance 1 from everything
};

/// One neighbour: a row of the searched matrix and its distance to the query.
struct Neighbour {
    int track = -1;
    double distance = 0.0;
    friend bool operator==(const Neighbour&, const Neighbour&) = default;
};

/// The `k` rows of `points` nearest to `query` (a vector of points.cols() values), nearest
/// first, ties in distance broken by the lower row. Rows marked in `skip` (when not empty, one
/// flag per row) are left out. Exact: every row is compared, in blocks of rows that stay in the
/// cache, with distances summed coordinate by coordinate (no |a|² + |b|² − 2a·b cancellation),
/// so the result equals a brute-force search (scikit-learn's NearestNeighbors(algorithm=
/// 'brute')) to rounding. Fewer than k when fewer rows remain. Single-threaded: one query
/// takes about a millisecond per 100,000 × 16 values (tests/bench/bench_similarity).
std::vector<Neighbour> nearestRows(const Matrix& points, const Eigen::Ref<const Vector>& query,
                                   int k, Distance distance = Distance::Euclidean,
                                   const std::vector<char>& skip = {});

/// The `k` rows nearest to row `row` of `points`, the row itself left out.
std::vector<Neighbour> nearestRows(const Matrix& points, int row, int k,
                                   Distance distance = Distance::Euclidean);

/// The spaces similar tracks are searched in.
enum class SimilaritySpace {
    Latent,   ///< a representation's codes (μ for the VAEs), Euclidean
    Audio,    ///< the 40 standardised MFCC statistics, Euclidean
    Lyrics,   ///< the TF-IDF rows, cosine
};

/// "latent", "audio", "lyrics" (the CLI's --space values).
std::string spaceKey(SimilaritySpace space);
/// The space for a key; false when the key names none.
bool parseSpaceKey(const std::string& key, SimilaritySpace& space);

/// The matrix and distance a space is searched with, for a finished run.
struct SearchSpace {
    /// The rows searched, one per track: the run's own matrix (codes, TF-IDF), borrowed for as
    /// long as the run lives, or one made for the space (the standardised audio).
    std::shared_ptr<const Matrix> points;
    Distance distance = Distance::Euclidean;
    std::string description;   ///< e.g. "VAE's latent space (16 dimensions)"
};
/// Throws InputError with the reason when the run has no such data: the representation was
/// not trained or failed, the run used no audio, or no lyrics.
SearchSpace searchSpace(const RunResult& run, SimilaritySpace space,
                        Representation representation);
/// searchSpace()'s reason when it would throw, else empty; computes nothing (cheap enough
/// to ask whenever a view changes).
std::string searchSpaceUnavailable(const RunResult& run, SimilaritySpace space,
                                   Representation representation);

/// The run's MFCC statistics standardised per column (population standard deviation, a
/// constant column left at zero), as the hybrid features were before the fusion weight.
Matrix standardisedAudio(const RunResult& run);

} // namespace atlas
