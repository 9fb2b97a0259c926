// SPDX-License-Identifier: GPL-3.0-or-later
// Lyrics tables: column detection, overrides, bad rows, and the shared scikit-learn reference
// corpus read through loadLyrics() and TF-IDF end to end.

#include "engine/core/error.h"
#include "engine/data/lyrics.h"
#include "engine/features/tfidf.h"
#include "tests/support/fixtures.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <fstream>
#include <sstream>

namespace fs = std::filesystem;

namespace {

std::size_t countIssues(const atlas::Diagnostics& d, const std::string& where,
                        const std::string& reasonPart)
{
    std::size_t n = 0;
    for (const atlas::Issue& issue : d.issues()) {
        const std::string file = issue.file.string();
        const bool fileOk = file.size() >= where.size() &&
                            file.compare(file.size() - where.size(), where.size(), where) == 0;
        if (fileOk && issue.reason.find(reasonPart) != std::string::npos)
            ++n;
    }
    return n;
}

std::string describe(const atlas::Diagnostics& d)
{
    std::string s;
    for (const atlas::Issue& issue : d.issues())
        s += issue.file.string() + ": " + issue.reason + "\n";
    return s;
}

std::vector<std::string> jsonCorpus(const char* name)
{
    QFile f(QString::fromStdString(atlas::test::fixture("tfidf/corpora.json").string()));
    if (!f.open(QIODevice::ReadOnly))
        throw std::runtime_error("cannot open tfidf/corpora.json");
    std::vector<std::string> out;
    for (const auto& v : QJsonDocument::fromJson(f.readAll()).object().value(name).toArray())
        out.push_back(v.toString().toStdString());
    return out;
}

} // namespace

class TestLyrics : public QObject {
    Q_OBJECT

    fs::path m_dir;

    fs::path write(const std::string& name, const std::string& bytes)
    {
        const fs::path p = m_dir / name;
        atlas::test::writeBytes(p, bytes);
        return p;
    }

private slots:
    void initTestCase() { m_dir = atlas::test::makeTempDir("lyrics"); }
    void cleanupTestCase()
    {
        std::error_code ec;
        fs::remove_all(m_dir, ec);
    }

    void columnDetection_data()
    {
        QTest::addColumn<QString>("header");
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("label");
        QTest::addColumn<QString>("text");
        QTest::newRow("reference") << "track_id,genre,lyrics" << "track_id" << "genre" << "lyrics";
        QTest::newRow("case") << "ID,Tags,Song_Lyrics" << "ID" << "Tags" << "Song_Lyrics";
        QTest::newRow("suffix") << "filename,label,lyrics_text" << "filename" << "label" << "lyrics_text";
        QTest::newRow("title key") << "title,text" << "title" << "" << "text";
        QTest::newRow("text only") << "lyrics" << "" << "" << "lyrics";
        QTest::newRow("path, tag") << "year,path,tag,lyric" << "path" << "tag" << "lyric";
        QTest::newRow("exact beats contains") << "lyrics_id,text,genre" << "lyrics_id" << "genre" << "text";
        QTest::newRow("song_id") << "song_id,main_genre,full_text" << "song_id" << "main_genre" << "full_text";
    }

    void columnDetection()
    {
        QFETCH(QString, header);
        QFETCH(QString, key);
        QFETCH(QString, label);
        QFETCH(QString, text);
        const int columns = int(header.count(',')) + 1;
        std::string row;
        for (int c = 0; c < columns; ++c)
            row += (c ? ",v" : "v") + std::to_string(c);
        atlas::Diagnostics d;
        const auto t = atlas::loadLyrics(write("detect.csv", header.toStdString() + "\n" + row + "\n"), d);
        QVERIFY2(d.empty(), describe(d).c_str());
        QCOMPARE(QString::fromStdString(t.keyColumn), key);
        QCOMPARE(QString::fromStdString(t.labelColumn), label);
        QCOMPARE(QString::fromStdString(t.textColumn), text);
        QCOMPARE(t.hasKeys, !key.isEmpty());
        QCOMPARE(t.hasLabels, !label.isEmpty());
        QCOMPARE(t.size(), std::size_t(1));
        QCOMPARE(t.keys.size(), std::size_t(1));
        QCOMPARE(t.labels.size(), std::size_t(1));
    }

    void missingTextColumnListsColumns()
    {
        atlas::Diagnostics d;
        const fs::path p = write("no_text.csv", "track_id,genre,artist\n1,rock,x\n");
        try {
            atlas::loadLyrics(p, d);
            QFAIL("no InputError");
        } catch (const atlas::InputError& e) {
            const std::string what = e.what();
            QVERIFY2(what.find(p.string()) != std::string::npos, what.c_str());
            QVERIFY2(what.find("\"track_id\", \"genre\", \"artist\"") != std::string::npos, what.c_str());
        }
    }

    void explicitColumns()
    {
        atlas::Diagnostics d;
        const fs::path p = write("explicit.csv", "a,b,c,lyrics\n1,pop,hello,ignored\n");
        const auto t = atlas::loadLyrics(p, d, atlas::LyricsColumns{.key = "A", .label = "b", .text = "c"});
        QCOMPARE(t.texts, std::vector<std::string>{"hello"});
        QCOMPARE(t.keys, std::vector<std::string>{"1"});
        QCOMPARE(t.labels, std::vector<std::string>{"pop"});
        QVERIFY_THROWS_EXCEPTION(atlas::InputError,
                                 atlas::loadLyrics(p, d, atlas::LyricsColumns{.text = "words"}));
        QVERIFY_THROWS_EXCEPTION(atlas::InputError,
                                 atlas::loadLyrics(p, d, atlas::LyricsColumns{.label = "genre"}));
    }

    void emptyAndMissingText()
    {
        atlas::Diagnostics d;
        const fs::path p = write("missing.csv",
                                 "track_id,genre,lyrics\n"
                                 "a,rock,some words\n"
                                 "b,pop,\n"          // empty lyrics: kept
                                 "c,jazz\n"          // no lyrics field: reported, skipped
                                 "d\n"               // no genre, no lyrics: skipped
                                 "e,,more words\n"); // empty label: kept
        const auto t = atlas::loadLyrics(p, d);
        QCOMPARE(t.keys, (std::vector<std::string>{"a", "b", "e"}));
        QCOMPARE(t.texts, (std::vector<std::string>{"some words", "", "more words"}));
        QCOMPARE(t.labels, (std::vector<std::string>{"rock", "pop", ""}));
        QCOMPARE(t.lines, (std::vector<std::size_t>{2, 3, 6}));
        QCOMPARE(countIssues(d, "missing.csv:4", "no \"lyrics\" field; row skipped"), std::size_t(1));
        QCOMPARE(countIssues(d, "missing.csv:5", "no \"lyrics\" field; row skipped"), std::size_t(1));
        QCOMPARE(d.size(), std::size_t(2));
    }

    void latin1TextRepaired()
    {
        atlas::Diagnostics d;
        const fs::path p = write("latin1.csv", "id,lyrics\n1,caf\xE9 cr\xE8me\n2,fine\n");
        const auto t = atlas::loadLyrics(p, d);
        QCOMPARE(t.size(), std::size_t(2));
        QCOMPARE(t.texts[0], std::string("caf\xEF\xBF\xBD cr\xEF\xBF\xBDme"));
        QCOMPARE(countIssues(d, "latin1.csv:2", "invalid UTF-8"), std::size_t(1));
    }

    void badFilesThrowNamingTheFile_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("reason");
        QTest::newRow("empty") << "empty.csv" << QByteArray() << "empty";
        QTest::newRow("header only") << "header.csv" << QByteArray("id,genre,lyrics\n") << "only a header";
        QTest::newRow("every row damaged") << "damaged.csv" << QByteArray("id,genre,lyrics\n1\n2\n")
                                           << "no usable lyrics rows";
        QTest::newRow("binary") << "track.wav" << QByteArray(2000, '\0') << "not a CSV";
    }

    void badFilesThrowNamingTheFile()
    {
        QFETCH(QString, name);
        QFETCH(QByteArray, bytes);
        QFETCH(QString, reason);
        const fs::path p = write(name.toStdString(), bytes.toStdString());
        atlas::Diagnostics d;
        try {
            atlas::loadLyrics(p, d);
            QFAIL("no InputError");
        } catch (const atlas::InputError& e) {
            const std::string what = e.what();
            QVERIFY2(what.find(p.string()) != std::string::npos, what.c_str());
            QVERIFY2(what.find(reason.toStdString()) != std::string::npos, what.c_str());
        }
    }

    void duplicateAndEmptyKeysReported()
    {
        atlas::Diagnostics d;
        const fs::path p = write("dupes.csv", "track_id,lyrics\nx,one\ny,two\n x ,three\n,four\n");
        const auto t = atlas::loadLyrics(p, d);
        QCOMPARE(t.size(), std::size_t(4));
        QCOMPARE(t.keys, (std::vector<std::string>{"x", "y", "x", ""}));
        QCOMPARE(countIssues(d, "dupes.csv:4", "already used on line 2"), std::size_t(1));
        QCOMPARE(countIssues(d, "dupes.csv", "1 row has an empty \"track_id\""), std::size_t(1));
    }

    void multilineQuotedLyricsMatchReference()
    {
        // The reference texts (quoted, with a tab, a line break and an empty row) read by our
        // CSV reader equal the texts as Python's csv module read them.
        atlas::Diagnostics d;
        const auto t = atlas::loadLyrics(atlas::test::fixture("tfidf/tfidf_texts20.csv"), d,
                                         atlas::LyricsColumns{.key = "doc"});
        QVERIFY2(d.empty(), describe(d).c_str());
        QCOMPARE(t.texts, jsonCorpus("texts20"));
        QCOMPARE(t.keys.front(), std::string("0"));
    }

    void referenceLyricsThroughTfidf()
    {
        atlas::Diagnostics d;
        const auto t = atlas::loadLyrics(atlas::test::fixture("tfidf/lyrics_synthetic_1000.csv"), d);
        QVERIFY2(d.empty(), describe(d).c_str());
        QCOMPARE(t.size(), std::size_t(1000));
        QCOMPARE(t.keyColumn, std::string("track_id"));
        QCOMPARE(t.labelColumn, std::string("genre"));
        QCOMPARE(t.keys.front(), std::string("blues.00000"));
        QCOMPARE(t.labels.front(), std::string("blues"));
        QCOMPARE(t.texts, jsonCorpus("lyrics1000"));

        atlas::TfidfVectorizer tfidf(atlas::TfidfConfig{.maxFeatures = 500});
        const atlas::Matrix X = tfidf.fitTransform(t.texts);
        atlas::Matrix ref = atlas::Matrix::Zero(1000, 500);
        std::ifstream in(atlas::test::fixture("tfidf/tfidf_lyrics1000_mf500_matrix_coo.csv"));
        std::string line;
        while (std::getline(in, line)) {
            if (line.empty() || line[0] == '#' || line[0] == 'r')
                continue;
            std::istringstream s(line);
            std::string r, c, v;
            std::getline(s, r, ',');
            std::getline(s, c, ',');
            std::getline(s, v);
            ref(std::stoi(r), std::stoi(c)) = std::stod(v);
        }
        // 1e-12: same formulas in double; only the summation order of the row norm differs.
        QVERIFY(atlas::test::worstExcess(X, ref, 1e-12, 0.0) <= 0.0);
    }
};

QTEST_GUILESS_MAIN(TestLyrics)
#include "test_lyrics.moc"
