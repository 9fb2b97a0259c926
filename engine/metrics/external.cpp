// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/metrics/external.h"

#include "engine/core/error.h"
#include "engine/metrics/summation.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace atlas {

namespace {

__extension__ typedef __int128 I128;

/// Labels mapped to 0..m-1 in ascending order of value (np.unique(..., return_inverse=True)).
struct Encoded {
    std::vector<int> values;
    std::vector<int> index;
};

Encoded encode(const Labels& labels)
{
    Encoded e;
    const Eigen::Index n = labels.size();
    e.index.resize(std::size_t(n));
    if (n == 0)
        return e;
    // Labels are small integers (cluster ids, -1 for noise, class numbers): a table over
    // their range replaces the sort when that range is not much wider than the labels.
    const std::int64_t lo = labels.minCoeff(), hi = labels.maxCoeff();
    if (hi - lo < 4 * std::int64_t(n) + 64) {
        std::vector<int> slot(std::size_t(hi - lo + 1), -1);
        for (Eigen::Index i = 0; i < n; ++i)
            slot[std::size_t(labels[i] - lo)] = 0;
        int next = 0;
        for (std::size_t v = 0; v < slot.size(); ++v)
            if (slot[v] == 0) {
                slot[v] = next++;
                e.values.push_back(int(lo + std::int64_t(v)));
            }
        for (Eigen::Index i = 0; i < n; ++i)
            e.index[std::size_t(i)] = slot[std::size_t(labels[i] - lo)];
        return e;
    }
    e.values.assign(labels.data(), labels.data() + n);
    std::sort(e.values.begin(), e.values.end());
    e.values.erase(std::unique(e.values.begin(), e.values.end()), e.values.end());
    for (Eigen::Index i = 0; i < n; ++i)
        e.index[std::size_t(i)] = int(
            std::lower_bound(e.values.begin(), e.values.end(), labels[i]) - e.values.begin());
    return e;
}

/// The non-zero cells of the contingency table in row-major order (scipy's CSR order, which
/// fixes the summation order of the MI terms), with the marginals.
struct SparseTable {
    std::int64_t n = 0;
    std::vector<int> classes, clusters;   // the labels of the rows and of the columns
    std::vector<int> row, col;
    std::vector<std::int64_t> count;
    std::vector<std::int64_t> rowSum, colSum;
};

SparseTable sparseTable(const Labels& truth, const Labels& predicted)
{
    if (truth.size() != predicted.size())
        throw InputError("clustering metric: the two labellings have different lengths (" +
                         std::to_string(truth.size()) + " and " +
                         std::to_string(predicted.size()) + ")");
    const Encoded t = encode(truth);
    const Encoded p = encode(predicted);
    const std::int64_t nc = std::int64_t(p.values.size());
    SparseTable s;
    s.n = std::int64_t(t.index.size());
    s.rowSum.assign(t.values.size(), 0);
    s.colSum.assign(p.values.size(), 0);
    s.classes = t.values;
    s.clusters = p.values;
    const std::int64_t cells = std::int64_t(t.values.size()) * nc;
    if (cells <= 4 * s.n + 4096) {
        // A dense table when it is small (tens of clusters by tens of classes): counted in
        // one pass, read out in row-major order as the sorted keys below would give.
        std::vector<std::int64_t> dense(std::size_t(cells), 0);
        for (std::size_t i = 0; i < t.index.size(); ++i)
            ++dense[std::size_t(std::int64_t(t.index[i]) * nc + p.index[i])];
        for (std::int64_t key = 0; key < cells; ++key) {
            if (dense[std::size_t(key)] == 0)
                continue;
            const int r = int(key / nc), c = int(key % nc);
            s.row.push_back(r);
            s.col.push_back(c);
            s.count.push_back(dense[std::size_t(key)]);
            s.rowSum[std::size_t(r)] += dense[std::size_t(key)];
            s.colSum[std::size_t(c)] += dense[std::size_t(key)];
        }
        return s;
    }
    std::vector<std::int64_t> keys(t.index.size());
    for (std::size_t i = 0; i < keys.size(); ++i)
        keys[i] = std::int64_t(t.index[i]) * nc + p.index[i];
    std::sort(keys.begin(), keys.end());
    for (std::size_t i = 0; i < keys.size();) {
        std::size_t j = i;
        while (j < keys.size() && keys[j] == keys[i])
            ++j;
        const int r = int(keys[i] / nc);
        const int c = int(keys[i] % nc);
        s.row.push_back(r);
        s.col.push_back(c);
        s.count.push_back(std::int64_t(j - i));
        s.rowSum[std::size_t(r)] += std::int64_t(j - i);
        s.colSum[std::size_t(c)] += std::int64_t(j - i);
        i = j;
    }
    return s;
}

double entropyOfCounts(const std::vector<std::int64_t>& counts, std::int64_t n)
{
    if (n == 0)
        return 1.0;
    std::vector<double> pi;
    for (std::int64_t c : counts)
        if (c > 0)
            pi.push_back(double(c));
    if (pi.size() == 1)
        return 0.0;
    const double piSum = detail::pairwiseSum(pi.data(), pi.size());
    const double logSum = std::log(piSum);
    std::vector<double> terms(pi.size());
    for (std::size_t i = 0; i < pi.size(); ++i)
        terms[i] = (pi[i] / piSum) * (std::log(pi[i]) - logSum);
    return -detail::pairwiseSum(terms.data(), terms.size());
}

double mutualInfo(const SparseTable& s)
{
    if (s.rowSum.size() == 1 || s.colSum.size() == 1)
        return 0.0;
    // n is the table total and the sum of either marginal.
    const double total = double(s.n);
    const double logTotal = std::log(total);
    const double eps = std::numeric_limits<double>::epsilon();
    std::vector<double> terms(s.count.size());
    for (std::size_t k = 0; k < s.count.size(); ++k) {
        const double nij = double(s.count[k]);
        const double pij = nij / total;
        const double outer =
            double(s.rowSum[std::size_t(s.row[k])] * s.colSum[std::size_t(s.col[k])]);
        const double logOuter = -std::log(outer) + logTotal + logTotal;
        const double term = pij * (std::log(nij) - logTotal) + pij * logOuter;
        terms[k] = std::abs(term) < eps ? 0.0 : term;
    }
    return std::max(detail::pairwiseSum(terms.data(), terms.size()), 0.0);
}

/// E[MI] under the hypergeometric model, summed exactly as sklearn's
/// _expected_mutual_info_fast.expected_mutual_information.
double expectedMutualInfo(const SparseTable& s)
{
    const std::vector<std::int64_t>& a = s.rowSum;
    const std::vector<std::int64_t>& b = s.colSum;
    if (a.size() == 1 || b.size() == 1)
        return 0.0;
    const std::int64_t n = s.n;
    const std::int64_t maxN = std::max(*std::max_element(a.begin(), a.end()),
                                       *std::max_element(b.begin(), b.end()));
    std::vector<double> term1(std::size_t(maxN + 1)), logNnij(std::size_t(maxN + 1)),
        glnNnij(std::size_t(maxN + 1));
    const double logN = std::log(double(n));
    const double glnN1 = std::lgamma(double(n) + 1.0);
    for (std::int64_t v = 0; v <= maxN; ++v) {
        const double nij = v == 0 ? 1.0 : double(v);  // index 0 is never used
        term1[std::size_t(v)] = nij / double(n);
        logNnij[std::size_t(v)] = logN + std::log(nij);
        glnNnij[std::size_t(v)] = std::lgamma(nij + 1.0) + glnN1;
    }
    std::vector<double> logA(a.size()), logB(b.size()), glnA(a.size()), glnB(b.size()),
        glnNa(a.size()), glnNb(b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
        logA[i] = std::log(double(a[i]));
        glnA[i] = std::lgamma(double(a[i]) + 1.0);
        glnNa[i] = std::lgamma(double(n - a[i]) + 1.0);
    }
    for (std::size_t j = 0; j < b.size(); ++j) {
        logB[j] = std::log(double(b[j]));
        glnB[j] = std::lgamma(double(b[j]) + 1.0);
        glnNb[j] = std::lgamma(double(n - b[j]) + 1.0);
    }
    double emi = 0.0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        for (std::size_t j = 0; j < b.size(); ++j) {
            const std::int64_t start = std::max<std::int64_t>(a[i] - n + b[j], 1);
            const std::int64_t end = std::min(a[i], b[j]) + 1;
            for (std::int64_t nij = start; nij < end; ++nij) {
                const double term2 = logNnij[std::size_t(nij)] - logA[i] - logB[j];
                const double gln = glnA[i] + glnB[j] + glnNa[i] + glnNb[j] -
                                   glnNnij[std::size_t(nij)] - std::lgamma(double(a[i] - nij + 1)) -
                                   std::lgamma(double(b[j] - nij + 1)) -
                                   std::lgamma(double(n - a[i] - b[j] + nij + 1));
                emi += term1[std::size_t(nij)] * term2 * std::exp(gln);
            }
        }
    }
    return emi;
}

} // namespace

Contingency contingencyMatrix(const Labels& truth, const Labels& predicted)
{
    const SparseTable s = sparseTable(truth, predicted);
    Contingency c;
    c.classes = s.classes;
    c.clusters = s.clusters;
    c.counts.setZero(Eigen::Index(c.classes.size()), Eigen::Index(c.clusters.size()));
    for (std::size_t k = 0; k < s.count.size(); ++k)
        c.counts(s.row[k], s.col[k]) = s.count[k];
    return c;
}

double adjustedRandScore(const Labels& truth, const Labels& predicted)
{
    const SparseTable s = sparseTable(truth, predicted);
    // Pair confusion matrix (sklearn pair_confusion_matrix), then the ARI formula evaluated
    // in exact integers as Python does; the two conversions to double round once each.
    I128 sumSquares = 0, rowDot = 0, colDot = 0;
    for (std::size_t k = 0; k < s.count.size(); ++k) {
        const I128 c = s.count[k];
        sumSquares += c * c;
        rowDot += c * s.colSum[std::size_t(s.col[k])];
        colDot += c * s.rowSum[std::size_t(s.row[k])];
    }
    const I128 n = s.n;
    const I128 tp = sumSquares - n;
    const I128 fp = rowDot - sumSquares;
    const I128 fn = colDot - sumSquares;
    const I128 tn = n * n - fp - fn - sumSquares;
    if (fn == 0 && fp == 0)
        return 1.0;
    const I128 num = tp * tn - fn * fp;
    const I128 den = (tp + fn) * (fn + tn) + (tp + fp) * (fp + tn);
    return 2.0 * double(num) / double(den);
}

double mutualInfoScore(const Labels& truth, const Labels& predicted)
{
    return mutualInfo(sparseTable(truth, predicted));
}

double labelEntropy(const Labels& labels)
{
    const Encoded e = encode(labels);
    std::vector<std::int64_t> counts(e.values.size(), 0);
    for (int i : e.index)
        ++counts[std::size_t(i)];
    return entropyOfCounts(counts, labels.size());
}

double normalizedMutualInfoScore(const Labels& truth, const Labels& predicted)
{
    const SparseTable s = sparseTable(truth, predicted);
    const std::size_t classes = s.rowSum.size(), clusters = s.colSum.size();
    if ((classes == 1 && clusters == 1) || (classes == 0 && clusters == 0))
        return 1.0;
    const double mi = mutualInfo(s);
    if (mi == 0.0)
        return 0.0;
    const double hTrue = entropyOfCounts(s.rowSum, s.n);
    const double hPred = entropyOfCounts(s.colSum, s.n);
    return mi / ((hTrue + hPred) / 2.0);
}

double adjustedMutualInfoScore(const Labels& truth, const Labels& predicted)
{
    const SparseTable s = sparseTable(truth, predicted);
    const std::size_t classes = s.rowSum.size(), clusters = s.colSum.size();
    if ((classes == 1 && clusters == 1) || (classes == 0 && clusters == 0))
        return 1.0;
    const double mi = mutualInfo(s);
    const double emi = expectedMutualInfo(s);
    const double hTrue = entropyOfCounts(s.rowSum, s.n);
    const double hPred = entropyOfCounts(s.colSum, s.n);
    const double normalizer = (hTrue + hPred) / 2.0;
    const double eps = std::numeric_limits<double>::epsilon();
    double denominator = normalizer - emi;
    // sklearn keeps the sign and at least eps in magnitude (emi can exceed the normaliser
    // by rounding when the two labellings agree perfectly).
    denominator = denominator < 0.0 ? std::min(denominator, -eps) : std::max(denominator, eps);
    return (mi - emi) / denominator;
}

HomogeneityCompleteness homogeneityCompletenessVMeasure(const Labels& truth,
                                                        const Labels& predicted, double beta)
{
    const SparseTable s = sparseTable(truth, predicted);
    HomogeneityCompleteness r;
    if (s.n == 0) {
        r.homogeneity = r.completeness = r.vMeasure = 1.0;
        return r;
    }
    const double hC = entropyOfCounts(s.rowSum, s.n);
    const double hK = entropyOfCounts(s.colSum, s.n);
    const double mi = mutualInfo(s);
    r.homogeneity = hC != 0.0 ? mi / hC : 1.0;
    r.completeness = hK != 0.0 ? mi / hK : 1.0;
    if (r.homogeneity + r.completeness == 0.0)
        r.vMeasure = 0.0;
    else
        r.vMeasure = (1.0 + beta) * r.homogeneity * r.completeness /
                     (beta * r.homogeneity + r.completeness);
    return r;
}

double purityScore(const Labels& truth, const Labels& predicted)
{
    const SparseTable s = sparseTable(truth, predicted);
    if (s.n == 0)
        return std::numeric_limits<double>::quiet_NaN();
    std::vector<std::int64_t> best(s.colSum.size(), 0);
    for (std::size_t k = 0; k < s.count.size(); ++k)
        best[std::size_t(s.col[k])] = std::max(best[std::size_t(s.col[k])], s.count[k]);
    std::int64_t total = 0;
    for (std::int64_t b : best)
        total += b;
    return double(total) / double(s.n);
}

} // namespace atlas
