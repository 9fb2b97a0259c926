// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/similarity/neighbours.h"

#include "engine/core/error.h"
#include "engine/data/standardize.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace atlas {

namespace {

// Rows per block: 256 rows of up to 64 doubles stay in L1/L2 while their distances are
// summed column by column (the matrix is column-major, so each column of a block is
// contiguous and the sums vectorise).
constexpr Eigen::Index BlockRows = 256;

bool before(const Neighbour& a, const Neighbour& b)
{
    return a.distance < b.distance || (a.distance == b.distance && a.track < b.track);
}

// Keeps the k best candidates seen: a max-heap on (distance, row) of at most k entries.
class Best {
public:
    explicit Best(int k) : m_k(std::size_t(k)) { m_heap.reserve(m_k + 1); }
    double worst() const
    {
        return m_heap.size() < m_k ? std::numeric_limits<double>::infinity()
                                   : m_heap.front().distance;
    }
    void offer(int row, double distance)
    {
        const Neighbour n{row, distance};
        if (m_heap.size() < m_k) {
            m_heap.push_back(n);
            std::push_heap(m_heap.begin(), m_heap.end(), before);
        } else if (before(n, m_heap.front())) {
            std::pop_heap(m_heap.begin(), m_heap.end(), before);
            m_heap.back() = n;
            std::push_heap(m_heap.begin(), m_heap.end(), before);
        }
    }
    std::vector<Neighbour> sorted() &&
    {
        std::sort_heap(m_heap.begin(), m_heap.end(), before);
        return std::move(m_heap);
    }

private:
    std::size_t m_k;
    std::vector<Neighbour> m_heap;
};

} // namespace

std::vector<Neighbour> nearestRows(const Matrix& points, const Eigen::Ref<const Vector>& query,
                                   int k, Distance distance, const std::vector<char>& skip)
{
    if (query.size() != points.cols())
        throw std::invalid_argument("nearestRows: the query has " + std::to_string(query.size()) +
                                    " values, the points " + std::to_string(points.cols()));
    if (!skip.empty() && Eigen::Index(skip.size()) != points.rows())
        throw std::invalid_argument("nearestRows: skip needs one flag per row");
    if (k <= 0 || points.rows() == 0)
        return {};
    const Eigen::Index n = points.rows();
    Best best(k);
    const double queryNorm = distance == Distance::Cosine ? query.norm() : 0.0;
    // One block's distances, and for the cosine its dot products and squared row norms:
    // allocated once, reused by every block.
    Eigen::VectorXd d(BlockRows), dot(BlockRows), norm2(BlockRows);
    for (Eigen::Index from = 0; from < n; from += BlockRows) {
        const Eigen::Index m = std::min(BlockRows, n - from);
        const auto block = points.middleRows(from, m);
        auto dm = d.head(m);
        if (distance == Distance::Euclidean) {
            // Σ (x − q)², coordinate by coordinate: exact to rounding, never negative.
            dm.setZero();
            for (Eigen::Index c = 0; c < points.cols(); ++c)
                dm += (block.col(c).array() - query(c)).square().matrix();
        } else {
            // 1 − x·q / (|x| |q|); zero rows (or a zero query) are at distance 1, as
            // scikit-learn's cosine_distances gives for rows normalize() leaves at zero.
            auto dots = dot.head(m), norms2 = norm2.head(m);
            dots.setZero();
            norms2.setZero();
            for (Eigen::Index c = 0; c < points.cols(); ++c) {
                dots += block.col(c) * query(c);
                norms2 += block.col(c).cwiseAbs2();
            }
            for (Eigen::Index i = 0; i < m; ++i) {
                const double den = std::sqrt(norms2(i)) * queryNorm;
                dm(i) = den > 0.0 ? std::clamp(1.0 - dots(i) / den, 0.0, 2.0) : 1.0;
            }
        }
        double worst = best.worst();
        for (Eigen::Index i = 0; i < m; ++i) {
            const Eigen::Index row = from + i;
            if (dm(i) > worst || (!skip.empty() && skip[std::size_t(row)]) || std::isnan(dm(i)))
                continue;
            best.offer(int(row), dm(i));
            worst = best.worst();
        }
    }
    std::vector<Neighbour> out = std::move(best).sorted();
    if (distance == Distance::Euclidean)
        for (Neighbour& x : out)
            x.distance = std::sqrt(x.distance);
    return out;
}

std::vector<Neighbour> nearestRows(const Matrix& points, int row, int k, Distance distance)
{
    if (row < 0 || row >= points.rows())
        throw std::out_of_range("nearestRows: row " + std::to_string(row) + " of " +
                                std::to_string(points.rows()));
    std::vector<char> skip(std::size_t(points.rows()), 0);
    skip[std::size_t(row)] = 1;
    return nearestRows(points, points.row(row).transpose(), k, distance, skip);
}

std::string spaceKey(SimilaritySpace space)
{
    switch (space) {
    case SimilaritySpace::Latent: return "latent";
    case SimilaritySpace::Audio: return "audio";
    case SimilaritySpace::Lyrics: return "lyrics";
    }
    return "latent";
}

bool parseSpaceKey(const std::string& key, SimilaritySpace& space)
{
    for (SimilaritySpace s : {SimilaritySpace::Latent, SimilaritySpace::Audio, SimilaritySpace::Lyrics})
        if (key == spaceKey(s)) {
            space = s;
            return true;
        }
    return false;
}

Matrix standardisedAudio(const RunResult& run)
{
    const Dataset& ds = run.dataset;
    if (!ds.audioUsed || ds.audio.cols() == 0)
        return {};
    StandardScaler scaler;
    return scaler.fitTransform(ds.audio);
}

std::string searchSpaceUnavailable(const RunResult& run, SimilaritySpace space,
                                   Representation representation)
{
    const Dataset& ds = run.dataset;
    switch (space) {
    case SimilaritySpace::Latent: {
        const RepresentationResult* r = run.representation(representation);
        if (!r)
            return std::string("the run did not train ") + representationName(representation);
        if (!r->ok || r->codes.rows() != Eigen::Index(ds.tracks.size()))
            return std::string(representationName(representation)) + " is unavailable" +
                   (r->error.empty() ? std::string() : ": " + r->error);
        return {};
    }
    case SimilaritySpace::Audio:
        if (!ds.audioUsed || ds.audio.cols() == 0)
            return "the run used no audio features, so there is no sound-only space";
        return {};
    case SimilaritySpace::Lyrics:
        if (!ds.lyricsUsed || ds.lyrics.cols() == 0)
            return "the run used no lyrics, so there is no lyrics-only space";
        return {};
    }
    return {};
}

SearchSpace searchSpace(const RunResult& run, SimilaritySpace space, Representation representation)
{
    if (std::string why = searchSpaceUnavailable(run, space, representation); !why.empty())
        throw InputError(why);
    SearchSpace out;
    const Dataset& ds = run.dataset;
    switch (space) {
    case SimilaritySpace::Latent: {
        const RepresentationResult* r = run.representation(representation);
        out.points = std::shared_ptr<const Matrix>(&r->codes, [](const Matrix*) {});
        out.description = std::string(representationName(representation)) + "'s latent space (" +
                          std::to_string(r->codes.cols()) + " dimensions)";
        return out;
    }
    case SimilaritySpace::Audio:
        out.points = std::make_shared<const Matrix>(standardisedAudio(run));
        out.description = "the " + std::to_string(ds.audio.cols()) +
                          " standardised MFCC statistics";
        return out;
    case SimilaritySpace::Lyrics:
        out.points = std::shared_ptr<const Matrix>(&ds.lyrics, [](const Matrix*) {});
        out.distance = Distance::Cosine;
        out.description = "the lyrics' TF-IDF (" + std::to_string(ds.lyrics.cols()) +
                          " terms, cosine distance)";
        return out;
    }
    return out;
}

} // namespace atlas
