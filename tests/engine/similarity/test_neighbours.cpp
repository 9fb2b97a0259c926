// SPDX-License-Identifier: GPL-3.0-or-later
// Similar tracks: the exact nearest rows against scikit-learn's brute-force NearestNeighbors
// (tests/data/similarity, made by gen_neighbours.py), ties, skipped rows, zero rows under the
// cosine distance, and the spaces of a run.
#include "engine/core/error.h"
#include "engine/core/random.h"
#include "engine/data/standardize.h"
#include "engine/similarity/neighbours.h"
#include "tests/support/fixtures.h"

#include <QtTest>

#include <cmath>
#include <map>

using namespace atlas;

namespace {

// Every row's distance to `query`, sorted by (distance, row): the definition, computed the
// slow way.
std::vector<Neighbour> bruteForce(const Matrix& X, const Vector& query, Distance distance)
{
    std::vector<Neighbour> all;
    for (Eigen::Index i = 0; i < X.rows(); ++i) {
        double d;
        if (distance == Distance::Euclidean) {
            d = (X.row(i).transpose() - query).norm();
        } else {
            const double den = X.row(i).norm() * query.norm();
            d = den > 0 ? 1.0 - X.row(i).dot(query) / den : 1.0;
        }
        all.push_back({int(i), d});
    }
    std::stable_sort(all.begin(), all.end(),
                     [](const Neighbour& a, const Neighbour& b) { return a.distance < b.distance; });
    return all;
}

} // namespace

class TestNeighbours : public QObject {
    Q_OBJECT
private slots:
    void matchesScikitLearn()
    {
        struct Expected {
            int row;
            double distance;
        };
        std::map<std::pair<std::string, int>, std::vector<Expected>> expected;
        const auto rows = test::readSimpleCsv(test::fixture("similarity/neighbours.csv"));
        for (std::size_t i = 1; i < rows.size(); ++i)
            expected[{rows[i][0], std::stoi(rows[i][1])}].push_back(
                {std::stoi(rows[i][3]), std::stod(rows[i][4])});
        QCOMPARE(int(expected.size()), 10);
        const std::map<std::string, std::pair<Matrix, Distance>> spaces = {
            {"latent", {test::readNumericCsv(test::fixture("similarity/latent_X.csv")), Distance::Euclidean}},
            {"tfidf", {test::readNumericCsv(test::fixture("similarity/tfidf_X.csv")), Distance::Cosine}},
        };
        QCOMPARE(spaces.at("latent").first.rows(), 2000);
        QCOMPARE(spaces.at("tfidf").first.cols(), 60);
        for (const auto& [key, want] : expected) {
            const auto& [X, distance] = spaces.at(key.first);
            const auto got = nearestRows(X, key.second, 20, distance);
            QCOMPARE(got.size(), want.size());
            for (std::size_t r = 0; r < got.size(); ++r) {
                const QByteArray where = QByteArray::fromStdString(
                    key.first + " query " + std::to_string(key.second) + " rank " + std::to_string(r + 1));
                QVERIFY2(got[r].track == want[r].row, where);
                QVERIFY2(std::abs(got[r].distance - want[r].distance) <=
                             1e-12 * std::max(1.0, want[r].distance), where);
            }
        }
    }

    void equalsBruteForceWithTiesAndSkips()
    {
        // Integer coordinates: many rows at exactly the same distance, and exact duplicates.
        Rng rng(5);
        Matrix X(1500, 3);
        for (Eigen::Index i = 0; i < X.rows(); ++i)
            for (Eigen::Index c = 0; c < X.cols(); ++c)
                X(i, c) = double(rng.below(5));
        const Vector q = X.row(17).transpose();
        std::vector<char> skip(1500, 0);
        for (int i = 0; i < 1500; i += 3)
            skip[std::size_t(i)] = 1;
        for (int k : {1, 7, 300, 1499, 5000}) {
            const auto all = bruteForce(X, q, Distance::Euclidean);
            std::vector<Neighbour> want;
            for (const Neighbour& n : all)
                if (!skip[std::size_t(n.track)] && int(want.size()) < k)
                    want.push_back(n);
            const auto got = nearestRows(X, q, k, Distance::Euclidean, skip);
            QCOMPARE(got.size(), want.size());
            for (std::size_t r = 0; r < got.size(); ++r) {
                QCOMPARE(got[r].track, want[r].track);   // ties: the lower row first
                QCOMPARE(got[r].distance, want[r].distance);
            }
        }
        // The row form leaves the query row out, even with duplicates of it at distance 0.
        const auto self = nearestRows(X, 17, 10);
        QCOMPARE(self.size(), std::size_t(10));
        for (const Neighbour& n : self)
            QVERIFY(n.track != 17);
        QCOMPARE(self.front().distance, 0.0);
        QVERIFY(nearestRows(X, q, 0).empty());
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, nearestRows(X, Vector::Zero(4), 3));
        QVERIFY_THROWS_EXCEPTION(std::out_of_range, nearestRows(X, 1500, 3));
    }

    void cosineTreatsZeroRowsAsUnrelated()
    {
        Matrix X = Matrix::Zero(6, 3);
        X.row(1) << 1, 0, 0;
        X.row(2) << 2, 0, 0;     // same direction as row 1: distance 0
        X.row(3) << 0, 1, 0;     // orthogonal: distance 1, as the zero rows
        X.row(4) << -1, 0, 0;    // opposite: distance 2
        const auto fromOne = nearestRows(X, 1, 5, Distance::Cosine);
        QCOMPARE(fromOne.size(), std::size_t(5));
        QCOMPARE(fromOne[0], (Neighbour{2, 0.0}));
        QCOMPARE(fromOne[1], (Neighbour{0, 1.0}));
        QCOMPARE(fromOne[2], (Neighbour{3, 1.0}));
        QCOMPARE(fromOne[3], (Neighbour{5, 1.0}));
        QCOMPARE(fromOne[4], (Neighbour{4, 2.0}));
        // A query without lyrics is equally far from everything: rows in order.
        const auto fromZero = nearestRows(X, 0, 3, Distance::Cosine);
        QCOMPARE(fromZero[0], (Neighbour{1, 1.0}));
        QCOMPARE(fromZero[2], (Neighbour{3, 1.0}));
    }

    void spacesOfARun()
    {
        RunResult run;
        Dataset& ds = run.dataset;
        ds.tracks.resize(4);
        ds.audio.resize(4, 2);
        ds.audio << 1, 10, 2, 10, 3, 10, 6, 10;   // the second column is constant
        ds.audioUsed = true;
        ds.lyrics = Matrix::Identity(4, 3);
        ds.lyricsUsed = true;
        RepresentationResult vae;
        vae.kind = Representation::Vae;
        vae.ok = true;
        vae.codes = Matrix::Random(4, 16);
        run.representations.push_back(vae);
        RepresentationResult ae;
        ae.kind = Representation::Autoencoder;
        ae.error = "training diverged";
        run.representations.push_back(ae);

        const SearchSpace latent = searchSpace(run, SimilaritySpace::Latent, Representation::Vae);
        QCOMPARE(latent.points.get(), &run.representations[0].codes);
        QCOMPARE(latent.distance, Distance::Euclidean);
        QVERIFY(latent.description.find("16 dimensions") != std::string::npos);

        const SearchSpace audio = searchSpace(run, SimilaritySpace::Audio, Representation::Vae);
        StandardScaler scaler;
        const Matrix z = scaler.fitTransform(ds.audio);
        QCOMPARE(*audio.points, z);
        QCOMPARE((*audio.points)(3, 1), 0.0);   // a constant column stays at zero
        QVERIFY(std::abs((*audio.points).col(0).squaredNorm() / 4 - 1.0) < 1e-12);

        const SearchSpace lyrics = searchSpace(run, SimilaritySpace::Lyrics, Representation::Pca);
        QCOMPARE(lyrics.points.get(), &ds.lyrics);
        QCOMPARE(lyrics.distance, Distance::Cosine);

        // What is missing is said.
        const auto reason = [&](SimilaritySpace s, Representation r) -> std::string {
            try {
                searchSpace(run, s, r);
            } catch (const InputError& e) {
                return e.what();
            }
            return {};
        };
        QVERIFY(reason(SimilaritySpace::Latent, Representation::Pca).find("did not train") != std::string::npos);
        QVERIFY(reason(SimilaritySpace::Latent, Representation::Autoencoder).find("training diverged") != std::string::npos);
        ds.lyricsUsed = false;
        QVERIFY(reason(SimilaritySpace::Lyrics, Representation::Pca).find("no lyrics") != std::string::npos);

        SimilaritySpace parsed = SimilaritySpace::Latent;
        QVERIFY(parseSpaceKey("lyrics", parsed) && parsed == SimilaritySpace::Lyrics);
        QVERIFY(parseSpaceKey("audio", parsed) && parsed == SimilaritySpace::Audio);
        QVERIFY(!parseSpaceKey("sound", parsed));
        QCOMPARE(spaceKey(SimilaritySpace::Latent), std::string("latent"));
    }
};

QTEST_APPLESS_MAIN(TestNeighbours)
#include "test_neighbours.moc"
