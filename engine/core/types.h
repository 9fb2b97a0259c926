// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <Eigen/Core>

#include <cstdint>

namespace atlas {

/// Dense matrix of doubles, rows = samples, columns = features (numpy/scikit-learn
/// orientation). All numerical stages take and return this type.
using Matrix = Eigen::MatrixXd;
/// Dense column vector of doubles.
using Vector = Eigen::VectorXd;
/// Row vector of doubles (one sample).
using RowVector = Eigen::RowVectorXd;
/// Cluster or class labels, one per row; -1 marks noise (scikit-learn's DBSCAN convention).
using Labels = Eigen::VectorXi;
/// Seed of a stochastic stage. A fixed seed and thread count give bit-identical results.
using Seed = std::uint64_t;

} // namespace atlas
