// SPDX-License-Identifier: GPL-3.0-or-later
// CSV reader and writer: RFC 4180 cases, encodings, and a bad-input corpus in which every
// case must give no crash, an Issue or InputError naming the file (and line), and the good
// rows kept.

#include "engine/core/error.h"
#include "engine/core/user_file.h"
#include "engine/data/csv.h"
#include "tests/support/fixtures.h"

#include <QElapsedTimer>
#include <QtTest>

#include <charconv>
#include <cmath>
#include <limits>
#include <sstream>

#include <sys/stat.h>

namespace fs = std::filesystem;
using Rows = std::vector<std::vector<std::string>>;

namespace {

// Count of Issues whose file field ends with `where` (e.g. "bad.csv:4") and whose reason
// contains `reasonPart`.
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

} // namespace

class TestCsv : public QObject {
    Q_OBJECT

    fs::path m_dir;

    fs::path write(const std::string& name, const std::string& bytes)
    {
        const fs::path p = m_dir / name;
        atlas::test::writeBytes(p, bytes);
        return p;
    }

private slots:
    void initTestCase() { m_dir = atlas::test::makeTempDir("csv"); }
    void cleanupTestCase()
    {
        std::error_code ec;
        fs::remove_all(m_dir, ec);
    }

    void rfc4180Quoting()
    {
        const fs::path p = write("quoted.csv",
                                 "id,text,n\r\n"
                                 "1,\"hello, world\",3\r\n"
                                 "2,\"say \"\"hi\"\"\",4\r\n"
                                 "3,\"two\r\nlines\",5\r\n"
                                 "4,,6\r\n"
                                 "5,\"\",7\r\n");
        atlas::Diagnostics d;
        const atlas::CsvTable t = atlas::readCsv(p, d);
        QVERIFY2(d.empty(), describe(d).c_str());
        QCOMPARE(t.header, (std::vector<std::string>{"id", "text", "n"}));
        QCOMPARE(t.rows, (Rows{{"1", "hello, world", "3"},
                               {"2", "say \"hi\"", "4"},
                               {"3", "two\nlines", "5"},
                               {"4", "", "6"},
                               {"5", "", "7"}}));
        QCOMPARE(t.lineOfRow, (std::vector<std::size_t>{2, 3, 4, 6, 7}));
        QCOMPARE(t.column("TEXT"), 1);
        QCOMPARE(t.column(" n "), 2);
        QCOMPARE(t.column("missing"), -1);
        QCOMPARE(t.where(2), p.string() + ":4");
    }

    void lineEndingsAndBom()
    {
        atlas::Diagnostics d;
        const auto lf = atlas::readCsv(write("lf.csv", "a,b\n1,2\n3,4"), d);
        const auto cr = atlas::readCsv(write("cr.csv", "a,b\r1,2\r3,4\r"), d);
        const auto bom = atlas::readCsv(write("bom.csv", "\xEF\xBB\xBF" "a,b\r\n1,2\r\n3,4\r\n"), d);
        QVERIFY2(d.empty(), describe(d).c_str());
        for (const auto* t : {&lf, &cr, &bom}) {
            QCOMPARE(t->header, (std::vector<std::string>{"a", "b"}));
            QCOMPARE(t->rows, (Rows{{"1", "2"}, {"3", "4"}}));
            QCOMPARE(t->lineOfRow, (std::vector<std::size_t>{2, 3}));
        }
    }

    void blankLinesSkipped()
    {
        atlas::Diagnostics d;
        const auto t = atlas::readCsv(write("blank.csv", "\n\na,b\n\n1,2\n   \n3,4\n\n"), d);
        QVERIFY2(d.empty(), describe(d).c_str());
        QCOMPARE(t.rows, (Rows{{"1", "2"}, {"3", "4"}}));
        QCOMPARE(t.lineOfRow, (std::vector<std::size_t>{5, 7}));
    }

    void delimiterDetection()
    {
        atlas::Diagnostics d;
        const auto semi = atlas::readCsv(write("semi.csv", "id;text\n1;\"a;b, c\"\n"), d);
        QCOMPARE(semi.delimiter, ';');
        QCOMPARE(semi.rows, (Rows{{"1", "a;b, c"}}));
        const auto tab = atlas::readCsv(write("tab.tsv", "id\ttext\n1\tx, y\n"), d);
        QCOMPARE(tab.delimiter, '\t');
        QCOMPARE(tab.rows, (Rows{{"1", "x, y"}}));
        // A comma header with a semicolon inside quotes stays comma-separated.
        const auto comma = atlas::readCsv(write("comma.csv", "\"a;b;c\",d\n1,2\n"), d);
        QCOMPARE(comma.delimiter, ',');
        QCOMPARE(comma.header, (std::vector<std::string>{"a;b;c", "d"}));
        // An explicit delimiter wins over detection.
        const auto forced = atlas::readCsv(write("forced.csv", "a;b,c\n1;2,3\n"), d,
                                           atlas::CsvOptions{.delimiter = ','});
        QCOMPARE(forced.header, (std::vector<std::string>{"a;b", "c"}));
        QVERIFY2(d.empty(), describe(d).c_str());
    }

    void duplicateAndEmptyHeaderNames()
    {
        atlas::Diagnostics d;
        const fs::path p = write("dupes.csv", " a ,,a,A\n1,2,3,4\n");
        const auto t = atlas::readCsv(p, d);
        QCOMPARE(t.header, (std::vector<std::string>{"a", "Unnamed: 1", "a.1", "A.2"}));
        QCOMPARE(countIssues(d, "dupes.csv:1", "more than once"), std::size_t(2));
        QCOMPARE(t.column("a.1"), 2);
    }

    void nulBytesRemoved()
    {
        atlas::Diagnostics d;
        const fs::path p = write("nul.csv", std::string("a,b\n1,x\0y\n2,z\n", 14));
        const auto t = atlas::readCsv(p, d);
        QCOMPARE(t.rows, (Rows{{"1", "xy"}, {"2", "z"}}));
        QCOMPARE(countIssues(d, "nul.csv:2", "NUL byte removed"), std::size_t(1));
        QCOMPARE(d.size(), std::size_t(1));
    }

    void invalidUtf8Repaired()
    {
        atlas::Diagnostics d;
        // Latin-1 "café" and "naïve" on lines 3 and 4; line 2 is fine.
        const fs::path p = write("latin1.csv", "id,text\n1,ok\n2,caf\xE9\n3,na\xEFve \xE0 la\n");
        const auto t = atlas::readCsv(p, d);
        QCOMPARE(t.rows, (Rows{{"1", "ok"}, {"2", "caf\xEF\xBF\xBD"}, {"3", "na\xEF\xBF\xBDve \xEF\xBF\xBD la"}}));
        QCOMPARE(countIssues(d, "latin1.csv:3", "invalid UTF-8"), std::size_t(1));
        QCOMPARE(countIssues(d, "latin1.csv:4", "2 invalid UTF-8 byte sequences"), std::size_t(1));
        QCOMPARE(countIssues(d, "latin1.csv:4", "0xEF"), std::size_t(1));
        QCOMPARE(d.size(), std::size_t(2));
    }

    void utf16WithBomConverted()
    {
        // "id\ttext\n1\tÜber\n" as UTF-16LE with BOM (Excel's "Unicode text").
        const std::u16string text = u"id\ttext\n1\t\u00DCber \U0001F3B8\n";
        std::string bytes = "\xFF\xFE";
        for (char16_t c : text) {
            bytes.push_back(char(c & 0xFF));
            bytes.push_back(char(c >> 8));
        }
        atlas::Diagnostics d;
        const auto t = atlas::readCsv(write("utf16.txt", bytes), d);
        QVERIFY2(d.empty(), describe(d).c_str());
        QCOMPARE(t.rows, (Rows{{"1", "\xC3\x9C" "ber \xF0\x9F\x8E\xB8"}}));
    }

    void unbalancedQuoteAtEnd()
    {
        atlas::Diagnostics d;
        const fs::path p = write("open_end.csv",
                                 "id,text\n1,fine\n2,\"also fine\"\n3,\"never closed\nmore text\nend\n");
        const auto t = atlas::readCsv(p, d);
        QCOMPARE(t.rows.front(), (std::vector<std::string>{"1", "fine"}));
        QCOMPARE(t.rows.at(1), (std::vector<std::string>{"2", "also fine"}));
        QCOMPARE(countIssues(d, "open_end.csv:4", "never closed"), std::size_t(1));
        // The Issue says which lines the open quote would have swallowed.
        QCOMPARE(countIssues(d, "open_end.csv:4", "lines 4-7"), std::size_t(1));
        // Row 3 itself is not in the table.
        for (const auto& row : t.rows)
            QVERIFY(row.at(0) != "3");
    }

    void strayQuoteCostsOneRow()
    {
        atlas::Diagnostics d;
        std::string csv = "id,text\n";
        for (int i = 1; i <= 6; ++i)
            csv += std::to_string(i) + (i == 3 ? ",\"stray quote\n" : ",plain text\n");
        const auto t = atlas::readCsv(write("stray.csv", csv), d);
        QCOMPARE(t.rows.size(), std::size_t(5));
        QCOMPARE(t.rows.at(2).at(0), std::string("4"));
        QCOMPARE(t.lineOfRow.at(2), std::size_t(5));
        QCOMPARE(countIssues(d, "stray.csv:4", "resumes on line 5"), std::size_t(1));
    }

    void strayQuoteInTheMiddle()
    {
        // The stray quote on line 3 pairs with the opening quote on line 5: lines 3-5 become
        // one damaged row, which is skipped with an Issue giving the span.
        atlas::Diagnostics d;
        const fs::path p = write("middle.csv", "id,text\n1,ok\n2,\"stray\n3,plain\n4,\"quoted, field\"\n5,ok\n");
        const auto t = atlas::readCsv(p, d);
        QCOMPARE(t.rows, (Rows{{"1", "ok"}, {"5", "ok"}}));
        QCOMPARE(countIssues(d, "middle.csv:3", "row (lines 3-5) has 3 fields"), std::size_t(1));
    }

    void excelSeparatorHint()
    {
        atlas::Diagnostics d;
        const auto t = atlas::readCsv(write("sep.csv", "sep=;\r\nid;text\r\n1;a,b\r\n"), d);
        QVERIFY2(d.empty(), describe(d).c_str());
        QCOMPARE(t.delimiter, ';');
        QCOMPARE(t.header, (std::vector<std::string>{"id", "text"}));
        QCOMPARE(t.rows, (Rows{{"1", "a,b"}}));
        QCOMPARE(t.lineOfRow, std::vector<std::size_t>{3});
    }

    void textAfterClosingQuote()
    {
        atlas::Diagnostics d;
        const auto t = atlas::readCsv(write("after.csv", "a,b\n\"x\"y,2\n"), d);
        QCOMPARE(t.rows, (Rows{{"xy", "2"}}));
        QCOMPARE(countIssues(d, "after.csv:2", "after its closing quote"), std::size_t(1));
    }

    void raggedRows()
    {
        atlas::Diagnostics d;
        const fs::path p = write("ragged.csv",
                                 "a,b,c\n1,2,3\n4,5,6,7\n8,9\n10,11,12,\n13,14,15\n");
        const auto t = atlas::readCsv(p, d);
        // Long row skipped; short row padded (fieldCount 2); trailing empty field dropped.
        QCOMPARE(t.rows, (Rows{{"1", "2", "3"}, {"8", "9", ""}, {"10", "11", "12"}, {"13", "14", "15"}}));
        QCOMPARE(t.fieldCount, (std::vector<std::size_t>{3, 2, 3, 3}));
        QCOMPARE(countIssues(d, "ragged.csv:3", "4 fields but the header has 3"), std::size_t(1));
        QCOMPARE(countIssues(d, "ragged.csv:4", "2 of 3 fields"), std::size_t(1));
        QCOMPARE(d.size(), std::size_t(2));

        atlas::Diagnostics quiet;
        atlas::readCsv(p, quiet, atlas::CsvOptions{.reportShortRows = false});
        QCOMPARE(quiet.size(), std::size_t(1));   // only the long row
    }

    void manyBadLinesAreSummarised()
    {
        std::string csv = "id,text\n";
        for (int i = 0; i < 100; ++i)
            csv += std::to_string(i) + ",d\xE9j\xE0 vu\n";
        atlas::Diagnostics d;
        const auto t = atlas::readCsv(write("many.csv", csv), d);
        QCOMPARE(t.rows.size(), std::size_t(100));
        QCOMPARE(countIssues(d, "many.csv:2", "invalid UTF-8"), std::size_t(1));
        QCOMPARE(countIssues(d, "many.csv", "80 more lines with invalid UTF-8"), std::size_t(1));
        QCOMPARE(d.size(), atlas::MaxIssuesPerKind + 1);
    }

    void unusableFilesThrowNamingTheFile_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("reason");
        QTest::newRow("empty") << "empty.csv" << QByteArray() << "empty";
        QTest::newRow("bom only") << "bom_only.csv" << QByteArray("\xEF\xBB\xBF") << "empty";
        QTest::newRow("blank lines") << "blank_only.csv" << QByteArray("\r\n \n\t\n") << "empty";
        QTest::newRow("binary") << "song.mp3" << QByteArray(4096, '\0').append("ID3") << "not a CSV";
    }

    void unusableFilesThrowNamingTheFile()
    {
        QFETCH(QString, name);
        QFETCH(QByteArray, bytes);
        QFETCH(QString, reason);
        const fs::path p = write(name.toStdString(), bytes.toStdString());
        atlas::Diagnostics d;
        try {
            atlas::readCsv(p, d);
            QFAIL("no InputError");
        } catch (const atlas::InputError& e) {
            const std::string what = e.what();
            QVERIFY2(what.find(p.string()) != std::string::npos, what.c_str());
            QVERIFY2(what.find(reason.toStdString()) != std::string::npos, what.c_str());
        }
    }

    void missingFileAndFolder()
    {
        atlas::Diagnostics d;
        QVERIFY_THROWS_EXCEPTION(atlas::InputError, atlas::readCsv(m_dir / "nope.csv", d));
        QVERIFY_THROWS_EXCEPTION(atlas::InputError, atlas::readCsv(m_dir, d));
    }

    void headerOnly()
    {
        atlas::Diagnostics d;
        const auto t = atlas::readCsv(write("header.csv", "id,genre,lyrics\r\n"), d);
        QCOMPARE(t.header.size(), std::size_t(3));
        QVERIFY(t.rows.empty());
        QVERIFY(d.empty());
    }

    void veryLongField()
    {
        std::string big;
        for (int i = 0; big.size() < 4'000'000; ++i)
            big += "line " + std::to_string(i) + ", with \"\"quotes\"\" and commas\n";
        std::string expected;
        for (std::size_t i = 0; i < big.size(); ++i) {
            expected.push_back(big[i]);
            if (big[i] == '"')
                ++i;   // "" -> "
        }
        atlas::Diagnostics d;
        const auto t = atlas::readCsv(write("long.csv", "id,text\n1,\"" + big + "\"\n2,short\n"), d);
        QVERIFY(d.empty());
        QCOMPARE(t.rows.size(), std::size_t(2));
        QVERIFY(t.rows[0][1] == expected);
        QCOMPARE(t.rows[1][1], std::string("short"));
        QCOMPARE(t.lineOfRow[1], std::size_t(3 + std::count(big.begin(), big.end(), '\n')));
    }

    // Found by fuzzing the CLI: /dev/zero as a manifest was read until memory ran out, and a
    // FIFO blocked in open() forever. Both are refused before they are opened.
    void nonRegularFilesAreRefused()
    {
        const fs::path fifo = m_dir / "pipe.csv";
        QCOMPARE(::mkfifo(fifo.c_str(), 0600), 0);
        fs::create_symlink("/dev/zero", m_dir / "zero.csv");
        QElapsedTimer timer;
        timer.start();
        for (const auto& [file, kind] : {std::pair{fifo, "named pipe"},
                                         std::pair{m_dir / "zero.csv", "device"},
                                         std::pair{fs::path("/dev/urandom"), "device"}}) {
            atlas::Diagnostics d;
            try {
                atlas::readCsv(file, d);
                QFAIL("no InputError");
            } catch (const atlas::InputError& e) {
                const std::string what = e.what();
                QVERIFY2(what.find(file.string()) != std::string::npos, what.c_str());
                QVERIFY2(what.find("not a regular file") != std::string::npos, what.c_str());
                QVERIFY2(what.find(kind) != std::string::npos, what.c_str());
            }
        }
        QVERIFY(timer.elapsed() < 10'000);   // a hang would never get here
        std::string bytes;
        QVERIFY(atlas::readUserFile(fifo, 100, bytes).has_value());
        QVERIFY(bytes.empty());
    }

    void oversizedFieldsSkipTheirRow()
    {
        atlas::CsvOptions options;
        options.maxFieldBytes = 100;
        options.maxFields = 5;
        const std::string longField(150, 'x');
        const std::string quotedLong = "\"" + std::string(60, 'y') + "\n" + std::string(60, 'y') + "\"";
        atlas::Diagnostics d;
        const auto t = atlas::readCsv(write("oversized.csv", "id,text\n1,ok\n2," + longField +
                                                                 "\n3," + quotedLong +
                                                                 "\n4,a,b,c,d,e,f\n5,fine\n"),
                                      d, options);
        QCOMPARE(t.rows.size(), std::size_t(2));
        QCOMPARE(t.rows[0][0], std::string("1"));
        QCOMPARE(t.rows[1][0], std::string("5"));
        QCOMPARE(t.lineOfRow[1], std::size_t(7));
        QCOMPARE(countIssues(d, "oversized.csv:3", "field 2) of 150 bytes"), std::size_t(1));
        QCOMPARE(countIssues(d, "oversized.csv:4", "field 2) of 121 bytes"), std::size_t(1));
        QCOMPARE(countIssues(d, "oversized.csv:6", "has 7 fields, more than the 5"), std::size_t(1));
        QCOMPARE(d.size(), std::size_t(3));
    }

    // A 50 MB header line was echoed whole into the error message.
    void oversizedHeaderIsRefusedBriefly()
    {
        atlas::CsvOptions options;
        options.maxFieldBytes = 1000;
        atlas::Diagnostics d;
        const fs::path p = write("huge_header.csv", std::string(5000, 'h') + ",label\na,b\n");
        try {
            atlas::readCsv(p, d, options);
            QFAIL("no InputError");
        } catch (const atlas::InputError& e) {
            const std::string what = e.what();
            QVERIFY2(what.find(p.string() + ":1") != std::string::npos, what.c_str());
            QVERIFY2(what.find("header row has a field (field 1) of 5.0 kB") != std::string::npos,
                     what.c_str());
            QVERIFY2(what.size() < 300, what.c_str());
        }
        // Long names that fit are quoted in messages cut to 40 characters, at most 12 of them.
        std::vector<std::string> header;
        for (int i = 0; i < 20; ++i)
            header.push_back(std::string(1000, char('a' + i)));
        const std::string list = atlas::csvColumnList(header);
        QCOMPARE(list.substr(0, 44), "\"" + std::string(40, 'a') + "\u2026");
        QVERIFY2(list.size() < 700, list.c_str());
        QVERIFY(list.find("and 8 more") != std::string::npos);
        QCOMPARE(atlas::csvColumnList({}), std::string("none"));
    }

    void messageExcerptKeepsWholeCharacters()
    {
        QCOMPARE(atlas::messageExcerpt("short"), std::string("short"));
        QCOMPARE(atlas::messageExcerpt("\u00e9\u00e9\u00e9\u00e9", 2), std::string("\u00e9\u00e9\u2026"));
        QCOMPARE(atlas::messageExcerpt(std::string(80, 'a')), std::string(80, 'a'));
        QCOMPARE(atlas::messageExcerpt(std::string(81, 'a')), std::string(80, 'a') + "\u2026");
        QCOMPARE(atlas::byteSizeText(999), std::string("999 bytes"));
        QCOMPARE(atlas::byteSizeText(50'000'000), std::string("50 MB"));
    }

    void writerRoundTrip()
    {
        const std::vector<std::string> header = {"key", "text", "x"};
        const Rows rows = {{"a,b", "say \"hi\"\nnext", " padded "},
                           {"", "plain", "caf\xC3\xA9"},
                           {"semi;colon", "tab\there", "\r\n"}};
        const fs::path p = m_dir / "written.csv";
        atlas::writeCsvFile(p, header, rows);
        atlas::Diagnostics d;
        const auto t = atlas::readCsv(p, d, atlas::CsvOptions{.delimiter = ','});
        QVERIFY2(d.empty(), describe(d).c_str());
        QCOMPARE(t.header, header);
        Rows expected = rows;
        expected[2][2] = "\n";   // CRLF inside quotes reads back as "\n" (documented)
        QCOMPARE(t.rows, expected);
        QCOMPARE(atlas::csvEscape("plain"), std::string("plain"));
        QCOMPARE(atlas::csvEscape("a\"b"), std::string("\"a\"\"b\""));
        QCOMPARE(atlas::csvEscape("a;b", ';'), std::string("\"a;b\""));
        QVERIFY_THROWS_EXCEPTION(std::runtime_error,
                                 atlas::writeCsvFile(m_dir / "no_such_dir" / "x.csv", header, rows));
    }

    void numbersRoundTrip()
    {
        for (double v : {0.0, -0.0, 1.0 / 3.0, 1e-300, 6.02214076e23, -2.5,
                         std::numeric_limits<double>::denorm_min()})
        {
            const std::string text = atlas::csvNumber(v);
            double back = 1.0;
            std::from_chars(text.data(), text.data() + text.size(), back);
            QCOMPARE(back, v);
            QCOMPARE(std::signbit(back), std::signbit(v));
        }
        QCOMPARE(atlas::csvNumber(std::nan("")), std::string("nan"));
        QCOMPARE(atlas::csvNumber(-HUGE_VAL), std::string("-inf"));
        std::ostringstream out;
        atlas::CsvWriter w(out);
        w.numbers({0.5, 2.0}, {"row 1"});
        w.row({"x", "y,z"});
        QCOMPARE(out.str(), std::string("row 1,0.5,2\nx,\"y,z\"\n"));
    }

    void speed()
    {
        // ~10 MB, a third of the rows with quoted multi-line fields.
        std::string csv = "track_id,genre,lyrics\n";
        std::size_t rows = 0;
        while (csv.size() < 10'000'000) {
            csv += 't';   // appended piecewise: GCC 12 warns falsely (-Wrestrict) on "t" + ...
            csv += std::to_string(rows);
            csv += ",rock,";
            csv += (rows % 3 == 0) ? "\"la la, la\nsecond line \"\"quoted\"\" words here\"\n"
                                   : "plain words of a song without any quoting at all\n";
            ++rows;
        }
        atlas::Diagnostics d;
        QElapsedTimer timer;
        timer.start();
        const auto t = atlas::parseCsv(csv, "speed.csv", d);
        const double ms = double(timer.nsecsElapsed()) / 1e6;
        qInfo("parsed %.1f MB (%zu rows) in %.1f ms = %.0f MB/s", double(csv.size()) / 1e6, rows,
              ms, double(csv.size()) / 1e3 / ms);
        QCOMPARE(t.rows.size(), rows);
        QVERIFY(d.empty());
        QVERIFY(ms < 20'000.0);   // generous for a loaded machine; measured ~100 MB/s or more
    }
};

QTEST_GUILESS_MAIN(TestCsv)
#include "test_csv.moc"
