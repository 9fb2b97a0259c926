// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Placing new points on a finished map without moving it: umap-learn's UMAP.transform and
// openTSNE's TSNEEmbedding.transform, each new point on its own.
//
// Both references already optimise a new point against the fitted points only (the fitted
// layout is held fixed and new points do not attract or repel each other), but three
// choices in them depend on the batch: umap-learn's epoch count (100 for a batch of up to
// 10,000 points, else 30), the weight it prunes and schedules edges by (the largest in the
// whole batch) and the mean distance that bounds sigma from below (over the whole batch).
// Here each point is placed as if it were the only one in its batch, and its random
// numbers come from its own key. So a point's place does not depend on which other points
// are placed with it, in what order, or on the thread count: adding 30 tracks at once or
// one at a time gives the same map, bit for bit.

#include "engine/core/progress.h"
#include "engine/core/types.h"
#include "engine/embed/umap.h"

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace atlas {

/// UMAP.transform (umap-learn 0.5) of every row of `added` onto the map `embedding` of the
/// rows of `fitted`, with the fit's configuration `cfg`:
///   - the point's k nearest fitted rows (exact; k is the fit's n_neighbors, reduced for
///     small inputs as the fit does);
///   - membership strengths exp(-(d - rho) / sigma) from smooth_knn_dist with
///     local_connectivity - 1 (as umap-learn's transform), bipartite (no self edge);
///   - initial place: the fitted place of a neighbour at strength 1, else the strength-weighted
///     mean of the neighbours' places (init_graph_transform);
///   - cfg.epochs / 3 epochs, rounded down (100 when cfg.epochs is 0, umap-learn's count for a
///     batch up to 10,000 points; none for cfg.epochs < 3) of optimize_layout_euclidean with the fitted layout fixed, initial
///     learning rate cfg.learningRate / 4, edges weaker than the strongest / epochs pruned.
/// keys: one per added row, the seed of its negative samples (e.g. a hash of the track's
/// id), so that the result does not depend on the row's position among the added rows.
/// Throws InputError for mismatched sizes, fewer than 2 fitted rows or non-finite values;
/// Cancelled between points.
Matrix umapTransform(const Matrix& fitted, const Matrix& embedding, const Matrix& added,
                     const UmapConfig& cfg, std::span<const std::uint64_t> keys,
                     const Progress& progress = {});

/// Options of TSNEEmbedding.transform (openTSNE 1.0); the defaults are openTSNE's.
struct TsneTransformConfig {
    double perplexity = 5.0;     ///< affinities to the fitted points, over 3 x perplexity neighbours
    int initNeighbours = 25;     ///< the initial place is the median of this many nearest (k)
    double learningRate = 0.1;
    double exaggeration = 1.5;   ///< factor on the affinities
    int iterations = 250;        ///< n_iter (early_exaggeration_iter is 0)
    double momentum = 0.8;
    double maxGradNorm = 0.25;   ///< a point's gradient is scaled down to this norm
    double angle = 0.5;          ///< Barnes-Hut theta over the fitted map
    double minGain = 0.01;

    /// Empty when valid; otherwise one message per problem, naming the field.
    std::vector<std::string> validate() const;
    bool operator==(const TsneTransformConfig&) const = default;
};

/// TSNEEmbedding.transform (openTSNE) of every row of `added` onto the t-SNE map `embedding`
/// of the rows of `fitted`: point-wise normalised affinities P to the min(n, 3 perplexity)
/// nearest fitted rows (perplexity calibrated as the fit's, scikit-learn's binary search),
/// initial place the coordinate-wise median of the nearest min(initNeighbours, that many)
/// fitted places, then gradient descent with gains and momentum on KL(P || Q) where Q is
/// normalised over the fitted points for each new point (openTSNE's point-wise
/// normalisation) and the repulsion comes from a Barnes-Hut quadtree of the fixed map. The
/// fitted map is not re-centred: t-SNE is translation invariant, and the map must not move.
/// Deterministic; no randomness. Throws ConfigError for an invalid cfg, InputError as
/// umapTransform(); Cancelled between points.
Matrix tsneTransform(const Matrix& fitted, const Matrix& embedding, const Matrix& added,
                     const TsneTransformConfig& cfg = {}, const Progress& progress = {});

/// A refinement of places found by umapTransform() or tsneTransform(): each added row's place
/// moves, within a square around it as wide as four times the distance to its k-th nearest
/// fitted place (a grid of grid x grid candidates, the place itself among them), to where its k
/// nearest fitted places belong to as many as possible of its k nearest fitted rows in the
/// input space; among equally good candidates the one nearest the original place wins, so a
/// place that already agrees best stays. The transforms minimise their objective over the
/// whole neighbourhood of the fitted map, whose layout around a fitted point was shaped for
/// that point, so an added point often sits between the right neighbours without having
/// them as its nearest; this puts its nearest neighbours on the map in line with the ones it
/// has in the input space, as the fitted points' are. Each row on its own (batch
/// independent, deterministic). places: added.rows() x 2, the transform's result.
Matrix matchNeighbourhoods(const Matrix& fitted, const Matrix& embedding, const Matrix& added,
                           const Matrix& places, int k = 10, int grid = 21,
                           const Progress& progress = {});

} // namespace atlas
