// SPDX-License-Identifier: GPL-3.0-or-later
// A personal library as a dataset (tests/data/library/lib: Artist/Album/NN - Title.ext in six
// formats, tags, embedded and sidecar lyrics, broken files, no CSV): every readable track
// kept, genre labels from the tags, the files' lyrics in the TF-IDF, a lyrics CSV that wins
// where it has a row, a CSV of another collection refused, balanced fusion, the feature table.
#include "engine/audio/writer.h"
#include "engine/core/error.h"
#include "engine/data/csv.h"
#include "engine/pipeline/dataset.h"
#include "engine/io/export.h"
#include "tests/support/fixtures.h"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;

namespace {

double blockVariance(const atlas::Matrix& z)
{
    return (z.rowwise() - z.colwise().mean()).squaredNorm() / double(z.rows());
}

int indexOf(const atlas::Dataset& ds, const std::string& id)
{
    for (int i = 0; i < ds.size(); ++i)
        if (ds.tracks[std::size_t(i)].id == id)
            return i;
    return -1;
}

} // namespace

class TestLibrary : public QObject {
    Q_OBJECT

    fs::path m_lib;
    fs::path m_dir;

    atlas::DatasetConfig config() const
    {
        atlas::DatasetConfig cfg;
        cfg.dataDir = m_lib;
        cfg.cacheDir = m_dir / "cache";
        cfg.audio.decode.excerpt = atlas::ExcerptPosition::Auto;
        cfg.tfidf.maxFeatures = 500;
        return cfg;
    }

private slots:
    void initTestCase()
    {
        m_lib = atlas::test::fixture("library/lib");
        m_dir = atlas::test::makeTempDir("library");
    }
    void cleanupTestCase() { fs::remove_all(m_dir); }

    void wholeLibraryWithoutCsv()
    {
        atlas::Diagnostics d;
        const atlas::Dataset ds = atlas::buildDataset(config(), d);
        // 14 files, 3 broken: the 11 readable ones are kept, the broken ones reported.
        QCOMPARE(ds.size(), 11);
        QVERIFY(ds.audioUsed);
        QVERIFY(ds.lyricsUsed);
        QCOMPARE(ds.audio.cols(), 40);
        std::map<std::string, std::string> reasons;
        for (const atlas::Issue& issue : d.issues())
            reasons[issue.file.filename().string()] = issue.reason;
        QVERIFY(reasons["01 - No Index.m4a"].find("'moov'") != std::string::npos);
        QVERIFY(reasons["02 - Text.mp3"].find("not an audio file") != std::string::npos);
        QVERIFY(reasons["03 - Empty.flac"].find("empty file") != std::string::npos);
        QVERIFY(reasons["lib"].find("2 of 11 tracks have no lyrics") != std::string::npos);

        // Labels: the genre tags (9 of 11 tagged), "unknown" for the two untagged tracks.
        QCOMPARE(int(ds.labelSource), int(atlas::LabelSource::Genre));
        QCOMPARE(ds.labelNames,
                 (std::vector<std::string>{"Ambient", "Electronic", "Rock", "unknown"}));
        QCOMPARE(ds.labelDescription, std::string("genre tag: 9 of 11 tracks, 2 \"unknown\""));
        QCOMPARE(ds.pairing.description,
                 std::string("from the files: 9 of 11 tracks (5 in tags, 4 in .lrc/.txt files)"));

        // Lyrics from tags and sidecars reach the TF-IDF; tracks without have all-zero rows.
        const auto rows = atlas::test::readSimpleCsv(atlas::test::fixture("library/expected.csv"));
        for (std::size_t r = 1; r < rows.size(); ++r) {
            const int i = indexOf(ds, rows[r][0]);
            QVERIFY2(i >= 0, rows[r][0].c_str());
            QCOMPARE(ds.hasLyrics(i), rows[r][6] != "none");
            QCOMPARE(ds.lyrics.row(i).cwiseAbs().sum() > 0.0, rows[r][6] != "none");
            QCOMPARE(ds.tracks[std::size_t(i)].label, rows[r][5]);
            QCOMPARE(ds.tracks[std::size_t(i)].tags.title, rows[r][1]);
        }
        const auto& vocab = ds.vocabulary;
        for (const char* word : {"guitars", "waves", "neon", "café"})
            QVERIFY2(std::find(vocab.begin(), vocab.end(), word) != vocab.end(), word);
        QCOMPARE(ds.coverage.tracks, 11);
        QCOMPARE(ds.coverage.lyricsEmbedded, 5);
        QCOMPARE(ds.coverage.lyricsSidecar, 4);
        QCOMPARE(ds.coverage.formats.at("M4A"), 3);

        // The display name is Artist - Title, the file name when untagged.
        QCOMPARE(ds.tracks[std::size_t(indexOf(ds, "Stone Riders/Highway/01 - Fire Road"))]
                     .displayName(),
                 std::string("Stone Riders \u2014 Fire Road"));
        QCOMPARE(ds.tracks[std::size_t(indexOf(ds, "Neon Grid/Circuits/03 - Untagged"))]
                     .displayName(),
                 std::string("03 - Untagged.ogg"));

        // The feature table gains the tag columns after the feature columns.
        const fs::path table = m_dir / "features.csv";
        atlas::writeFeatureCsv(ds, table);
        atlas::Diagnostics csvIssues;
        const atlas::CsvTable csv = atlas::readCsv(table, csvIssues);
        const std::size_t width = csv.header.size();
        QCOMPARE(width, std::size_t(3 + 40 + ds.lyrics.cols() + 6));
        QCOMPARE(std::vector<std::string>(csv.header.end() - 6, csv.header.end()),
                 (std::vector<std::string>{"title", "artist", "album", "year", "genre",
                                           "has_lyrics"}));
        const int fire = indexOf(ds, "Stone Riders/Highway/01 - Fire Road");
        const auto& row = csv.rows[std::size_t(fire)];
        QCOMPARE(std::vector<std::string>(row.end() - 6, row.end()),
                 (std::vector<std::string>{"Fire Road", "Stone Riders", "Highway", "2001", "Rock",
                                           "1"}));

        // Built for the table alone (sparse TF-IDF, no hybrid matrix): the same bytes.
        atlas::DatasetConfig tableOnly = config();
        tableOnly.featureTableOnly = true;
        atlas::Diagnostics d2;
        const atlas::Dataset sparse = atlas::buildDataset(tableOnly, d2);
        QCOMPARE(sparse.lyrics.cols(), Eigen::Index(0));
        QVERIFY(sparse.lyricsRows.nonZeros() > 0);
        const fs::path sparseTable = m_dir / "features-sparse.csv";
        atlas::writeFeatureCsv(sparse, sparseTable);
        QCOMPARE(atlas::test::readFile(sparseTable), atlas::test::readFile(table));
    }

    void csvWinsWhereItHasARow()
    {
        const fs::path csv = m_dir / "lyrics.csv";
        std::ofstream(csv) << "track_id,lyrics\n"
                              "01 - Fire Road,zebra xylophone quartz\n"
                              "some other song,never used\n";
        atlas::DatasetConfig cfg = config();
        cfg.lyricsCsv = csv;
        atlas::Diagnostics d;
        const atlas::Dataset ds = atlas::buildDataset(cfg, d);
        const int fire = indexOf(ds, "Stone Riders/Highway/01 - Fire Road");
        QCOMPARE(ds.tracks[std::size_t(fire)].lyricsSource, atlas::LyricsSource::Csv);
        QCOMPARE(int(ds.pairing.mode), int(atlas::PairingMode::ByKey));
        const auto& vocab = ds.vocabulary;
        QVERIFY(std::find(vocab.begin(), vocab.end(), "zebra") != vocab.end());
        // Elsewhere the files' lyrics stay.
        const int drift = indexOf(ds, "Quiet Waters/Tides/02 - Drift");
        QCOMPARE(ds.tracks[std::size_t(drift)].lyricsSource, atlas::LyricsSource::Embedded);
        QVERIFY(ds.lyrics.row(drift).cwiseAbs().sum() > 0.0);
        QCOMPARE(ds.coverage.lyricsCsv, 1);
        QCOMPARE(ds.coverage.lyricsEmbedded, 4);
    }

    void csvOfAnotherCollectionIsRefused()
    {
        const fs::path csv = m_dir / "other.csv";
        std::ofstream(csv) << "track_id,lyrics\nblues.00000,a b c\nblues.00001,d e f\n";
        atlas::DatasetConfig cfg = config();
        cfg.lyricsCsv = csv;
        atlas::Diagnostics d;
        try {
            atlas::buildDataset(cfg, d);
            QFAIL("a CSV that matches no track must not be paired at random");
        } catch (const atlas::InputError& e) {
            const std::string what = e.what();
            QVERIFY2(what.find("does not seem to belong to this collection") != std::string::npos,
                     e.what());
            QVERIFY(what.find("blues.00000") != std::string::npos);
            QVERIFY(what.find("approximate pairing") != std::string::npos);
        }
        cfg.approximatePairing = true;
        atlas::Diagnostics d2;
        const atlas::Dataset ds = atlas::buildDataset(cfg, d2);
        QVERIFY(ds.pairing.approximate());
        // Random rows go only to the two tracks without lyrics of their own.
        QCOMPARE(ds.coverage.lyricsCsv, 2);
        QCOMPARE(ds.coverage.lyricsEmbedded, 5);
        QCOMPARE(ds.coverage.lyricsSidecar, 4);
    }

    void balancedFusion()
    {
        atlas::DatasetConfig cfg = config();
        atlas::Diagnostics d;
        const atlas::Dataset concat = atlas::buildDataset(cfg, d);
        const Eigen::Index a = concat.audio.cols();
        const double va = blockVariance(concat.hybrid.leftCols(a));
        const double vl = blockVariance(concat.hybrid.rightCols(concat.lyrics.cols()));
        // After standardisation each non-constant column carries variance 1.
        QVERIFY(std::abs(va - 40.0) < 1e-9);
        const atlas::Matrix& lyrics = concat.lyrics;
        int varying = 0;
        for (Eigen::Index j = 0; j < lyrics.cols(); ++j)
            varying += lyrics.col(j).maxCoeff() > lyrics.col(j).minCoeff();
        QVERIFY(varying > 0 && varying != 40);   // so that balancing has work to do
        QVERIFY(std::abs(vl - varying) < 1e-9);
        QCOMPARE(concat.audioScale, 1.0);

        cfg.fusion = atlas::Fusion::Balanced;
        const atlas::Dataset balanced = atlas::buildDataset(cfg, d);
        const double ba = blockVariance(balanced.hybrid.leftCols(a));
        const double bl = blockVariance(balanced.hybrid.rightCols(balanced.lyrics.cols()));
        QVERIFY(std::abs(ba - bl) <= 1e-9 * (ba + bl));
        QVERIFY(std::abs((ba + bl) - (va + vl)) <= 1e-9 * (va + vl));   // total kept
        QVERIFY(std::abs(balanced.audioScale - std::sqrt(0.5 * (va + vl) / va)) < 1e-12);

        cfg.audioWeight = 0.25;
        const atlas::Dataset quarter = atlas::buildDataset(cfg, d);
        const double qa = blockVariance(quarter.hybrid.leftCols(a));
        const double ql = blockVariance(quarter.hybrid.rightCols(quarter.lyrics.cols()));
        QVERIFY(std::abs(3.0 * qa - ql) <= 1e-9 * ql);
        // The raw features are untouched by the fusion.
        QCOMPARE(quarter.audio, concat.audio);
        QVERIFY(atlas::parseFusion("balanced") == atlas::Fusion::Balanced);
        QVERIFY(!atlas::parseFusion("sum"));
    }

    void labelSourcesAndPreview()
    {
        atlas::DatasetConfig cfg = config();
        cfg.labelFrom = atlas::LabelSource::Artist;
        cfg.useLyrics = false;
        atlas::Diagnostics d;
        const atlas::Dataset ds = atlas::buildDataset(cfg, d);
        QCOMPARE(ds.labelNames, (std::vector<std::string>{"Neon Grid", "Quiet Waters",
                                                          "Stone Riders", "unknown"}));
        QVERIFY(!ds.lyricsUsed);
        QCOMPARE(ds.coverage.lyricsNone, 11);
        cfg.labelFrom = atlas::LabelSource::None;
        QVERIFY(!atlas::buildDataset(cfg, d).hasLabels());

        // The preview of a folder: every file found, tags and sidecars read, labels chosen.
        cfg.labelFrom = atlas::LabelSource::Auto;
        cfg.useLyrics = true;
        atlas::Diagnostics pd;
        const atlas::CollectionPreview preview = atlas::previewCollection(cfg, pd);
        QCOMPARE(preview.coverage.tracks, 14);
        QCOMPARE(preview.coverage.lyricsEmbedded + preview.coverage.lyricsSidecar, 9);
        QCOMPARE(preview.labelDescription, std::string("genre tag: 9 of 14 tracks, 5 \"unknown\""));
    }

    void warningsSurviveTheCache()
    {
        // A WAV cut short after 1.8 of its announced 3 s is used, with a warning; the second
        // run takes its features from the cache and reports the same warning. The folder's
        // name, "truncated", is no evidence against the intact b.wav.
        const fs::path dir = m_dir / "truncated";
        fs::create_directories(dir);
        std::vector<float> tone(3 * 22050);
        for (std::size_t i = 0; i < tone.size(); ++i)
            tone[i] = float(0.3 * std::sin(0.05 * double(i)));
        atlas::writeAudioFile(dir / "a.wav", tone, 1, 22050);
        atlas::writeAudioFile(dir / "b.wav", tone, 1, 22050);
        fs::resize_file(dir / "a.wav", 44 + 2 * 22050 * 18 / 10);
        atlas::DatasetConfig cfg;
        cfg.dataDir = dir;
        cfg.cacheDir = m_dir / "cache-truncated";
        cfg.useLyrics = false;
        for (int run = 0; run < 2; ++run) {
            atlas::Diagnostics d;
            const atlas::Dataset ds = atlas::buildDataset(cfg, d);
            QCOMPARE(ds.size(), 2);
            QCOMPARE(ds.cache.hits, run == 0 ? 0 : 2);
            std::string all;
            for (const atlas::Issue& i : d.issues())
                all += i.file.string() + ": " + i.reason + "\n";
            QVERIFY2(d.size() == 1, all.c_str());
            QCOMPARE(d.issues()[0].file, dir / "a.wav");
            QVERIFY2(d.issues()[0].reason.find("truncated") != std::string::npos,
                     d.issues()[0].reason.c_str());
        }
    }

    void excerptPositionIsPartOfTheCacheKey()
    {
        atlas::AudioFeatureConfig a, b;
        b.decode.excerpt = atlas::ExcerptPosition::Auto;
        QVERIFY(atlas::audioCacheKey(a) != atlas::audioCacheKey(b));
        b.decode.autoMiddleAbove = 90.0;
        atlas::AudioFeatureConfig c = b;
        c.decode.autoMiddleAbove = 60.0;
        QVERIFY(atlas::audioCacheKey(b) != atlas::audioCacheKey(c));
    }
};

QTEST_GUILESS_MAIN(TestLibrary)
#include "test_library.moc"
