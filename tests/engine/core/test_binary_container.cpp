// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/core/archive.h"
#include "engine/core/binary_container.h"
#include "engine/core/error.h"
#include "tests/support/fixtures.h"

#include <QtTest>

#include <sys/stat.h>

#include <map>
#include <optional>

namespace fs = std::filesystem;

namespace demo {

enum class Colour { Red, Green, Blue };

struct Item {
    std::string name;
    Colour colour = Colour::Red;
    int count = 0;
    bool operator==(const Item&) const = default;
};

// One of every stored kind of field.
struct Record {
    bool flag = false;
    int number = 0;
    std::uint64_t big = 0;
    std::int64_t negative = 0;
    double real = 0.0;
    float single = 0.0f;
    std::string text;
    fs::path file;
    std::vector<Item> items;
    std::vector<int> small; ///< stored with a u32 count
    std::optional<Item> maybe;
    std::map<std::string, double> table;
    atlas::Matrix matrix;
    Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic> floats;
    atlas::RowVector row;
    atlas::Labels labels;
    int addedInVersion2 = 0;
};

template <class A>
void describe(A& a, Item& i)
{
    a(i.name, i.colour, i.count);
}

template <class A>
void describe(A& a, Record& r)
{
    a(r.flag, r.number, r.big, r.negative, r.real, r.single, r.text, r.file, r.items);
    a.template sequence<std::uint32_t>(r.small);
    a(r.maybe, r.table, r.matrix, r.floats, r.row, r.labels);
    if (a.version() >= 2)
        a(r.addedInVersion2);
    else if constexpr (A::Reading)
        r.addedInVersion2 = -1;
}

} // namespace demo

template <>
struct atlas::detail::EnumInfo<demo::Colour> {
    static constexpr demo::Colour last = demo::Colour::Blue;
    static constexpr const char* name = "colour";
};

namespace {

using atlas::detail::ReadArchive;
using atlas::detail::WriteArchive;

const atlas::detail::ContainerFormat Format{atlas::detail::SessionSignature, "test file", 2, 1,
                                            1 << 20};

demo::Record sample()
{
    demo::Record r;
    r.flag = true;
    r.number = -7;
    r.big = ~std::uint64_t(0);
    r.negative = -123456789012345;
    r.real = 0.1;
    r.single = 1.5f;
    r.text = "Beyoncé";
    r.file = "/music/ünïcode.flac";
    r.items = {{"a", demo::Colour::Blue, 3}, {"", demo::Colour::Green, -1}};
    r.small = {1, 2, 3};
    r.maybe = demo::Item{"m", demo::Colour::Red, 9};
    r.table = {{"decode", 1.25}, {"train", 2.5}};
    r.matrix = atlas::Matrix{{1, 2, 3}, {4, 5, 6}};
    r.floats = Eigen::MatrixXf{{0.5f}, {0.25f}};
    r.row = atlas::RowVector{{7, 8}};
    r.labels = atlas::Labels{{-1, 0, 2}};
    r.addedInVersion2 = 42;
    return r;
}

void expectSame(const demo::Record& a, const demo::Record& b)
{
    QCOMPARE(a.flag, b.flag);
    QCOMPARE(a.number, b.number);
    QCOMPARE(a.big, b.big);
    QCOMPARE(a.negative, b.negative);
    QCOMPARE(a.real, b.real);
    QCOMPARE(a.single, b.single);
    QCOMPARE(a.text, b.text);
    QCOMPARE(a.file, b.file);
    QVERIFY(a.items == b.items);
    QVERIFY(a.small == b.small);
    QVERIFY(a.maybe == b.maybe);
    QVERIFY(a.table == b.table);
    QCOMPARE(a.matrix, b.matrix);
    QCOMPARE(a.floats, b.floats);
    QCOMPARE(a.row, b.row);
    QCOMPARE(a.labels, b.labels);
}

std::vector<unsigned char> encode(const demo::Record& r, std::uint32_t version = 2)
{
    WriteArchive a(version, "t", "test file");
    a(r);
    return std::move(a.bytes());
}

// Decodes `bytes` as a Record; the InputError's message, or "" when it decoded.
QString decodeError(const std::vector<unsigned char>& bytes)
{
    try {
        ReadArchive a(bytes.data(), bytes.size(), "record.bin", "test file", 2);
        demo::Record r;
        a(r);
        return {};
    } catch (const atlas::InputError& e) {
        return e.what();
    }
}

void put64(std::vector<unsigned char>& b, std::size_t at, std::uint64_t v)
{
    for (int i = 0; i < 8; ++i)
        b[at + std::size_t(i)] = static_cast<unsigned char>(v >> (8 * i));
}

QString openError(const std::vector<unsigned char>& bytes)
{
    try {
        atlas::detail::openContainer(bytes.data(), bytes.size(), Format, "box.bin");
        return {};
    } catch (const atlas::InputError& e) {
        return e.what();
    }
}

QString readError(const fs::path& file)
{
    try {
        atlas::detail::readContainerFile(file, Format);
        return {};
    } catch (const atlas::InputError& e) {
        return e.what();
    }
}

} // namespace

class TestBinaryContainer : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { m_dir = atlas::test::makeTempDir("binary_container"); }
    void cleanupTestCase() { fs::remove_all(m_dir); }

    void everyFieldKindRoundTrips()
    {
        const demo::Record r = sample();
        const std::vector<unsigned char> bytes = encode(r);
        ReadArchive a(bytes.data(), bytes.size(), "t", "test file", 2);
        demo::Record back;
        a(back);
        QVERIFY(a.atEnd());
        expectSame(r, back);
        QCOMPARE(back.addedInVersion2, 42);

        // Version 1 has no addedInVersion2: 4 bytes fewer, and the reader's default.
        const std::vector<unsigned char> v1 = encode(r, 1);
        QCOMPARE(v1.size() + 4, bytes.size());
        ReadArchive old(v1.data(), v1.size(), "t", "test file", 1);
        demo::Record oldBack;
        old(oldBack);
        QVERIFY(old.atEnd());
        QCOMPARE(oldBack.addedInVersion2, -1);

        // The smallest record: every field empty or absent. Items: 8 + 4 + 4 bytes.
        QCOMPARE(atlas::detail::minimumSize<demo::Item>(2), std::size_t(16));
        QCOMPARE(atlas::detail::minimumSize<demo::Record>(2), encode(demo::Record{}).size());
        QCOMPARE(atlas::detail::minimumSize<demo::Record>(1), encode(demo::Record{}, 1).size());
    }

    void damagedFieldsAreRefusedNamingTheFile()
    {
        const std::vector<unsigned char> good = encode(sample());
        // The flag is at 0, the text's length after the numbers, the items' count after the
        // two strings.
        const demo::Record r = sample();
        WriteArchive prefix(2, "t", "test file");
        prefix(r.flag, r.number, r.big, r.negative, r.real, r.single);
        const std::size_t text = prefix.bytes().size();
        prefix(r.text, r.file);
        const std::size_t items = prefix.bytes().size();
        std::vector<unsigned char> b = good;
        b[0] = 2;
        QVERIFY(decodeError(b).contains("record.bin: not a valid test file (a flag is neither 0 nor 1)"));

        b = good;
        // 1000 items in a record of ~250 bytes: each takes at least 16.
        put64(b, items, 1000);
        QVERIFY(decodeError(b).contains("a count is larger than the file"));
        b = good;
        put64(b, text, ~std::uint64_t(0));
        QVERIFY(decodeError(b).contains("a count is larger than the file"));
        // The first item's colour.
        b = good;
        b[items + 8 + 8 + 1] = 7;
        QVERIFY2(decodeError(b).contains("unknown colour 7"), qPrintable(decodeError(b)));
        // Cut anywhere: refused, never read past the end.
        for (std::size_t keep = 0; keep < good.size(); ++keep)
            QVERIFY(decodeError({good.begin(), good.begin() + std::ptrdiff_t(keep)})
                        .contains("record.bin"));
        QVERIFY(decodeError(good).isEmpty());
    }

    // Matrix sizes whose product overflows 64 bits, or that claim more than the bytes left.
    void matrixSizesAreCheckedWithoutOverflow()
    {
        for (const auto& [rows, cols] :
             {std::pair<std::uint64_t, std::uint64_t>{1ull << 32, 1ull << 32},
              {1ull << 63, 2}, {3, 1ull << 62}, {0, ~0ull}, {~0ull, 0}, {1000, 1000}}) {
            std::vector<unsigned char> b(16 + 64, 0);
            put64(b, 0, rows);
            put64(b, 8, cols);
            ReadArchive a(b.data(), b.size(), "m.bin", "test file", 1);
            atlas::Matrix m;
            QVERIFY_THROWS_EXCEPTION(atlas::InputError, a(m));
        }
        // A vector stored with two columns.
        std::vector<unsigned char> b(16 + 32, 0);
        put64(b, 0, 2);
        put64(b, 8, 2);
        ReadArchive a(b.data(), b.size(), "m.bin", "test file", 1);
        atlas::Vector v;
        try {
            a(v);
            QFAIL("no exception");
        } catch (const atlas::InputError& e) {
            QVERIFY2(QString(e.what()).contains("a vector has 2 columns"), e.what());
        }
    }

    void containerChecksSignatureVersionSizeAndChecksum()
    {
        const std::vector<unsigned char> payload = encode(sample());
        const std::vector<unsigned char> box = atlas::detail::containerBytes(Format, payload);
        QCOMPARE(box.size(), payload.size() + Format.framing());
        const atlas::detail::Container c =
            atlas::detail::openContainer(box.data(), box.size(), Format, "box.bin");
        QCOMPARE(c.version, 2u);
        QCOMPARE(c.size, payload.size());
        QVERIFY(std::equal(payload.begin(), payload.end(), c.payload));

        std::vector<unsigned char> b = box;
        b[box.size() / 2] ^= 1;
        QVERIFY(openError(b).contains("box.bin: the test file is damaged (checksum mismatch)"));
        b = box;
        b[box.size() - 1] ^= 1; // the checksum itself
        QVERIFY(openError(b).contains("checksum mismatch"));
        b = box;
        b[0] = 'X';
        QVERIFY(openError(b).contains("box.bin: not a MusicAtlas test file (unknown file signature)"));
        b = box;
        std::copy(atlas::detail::ModelSignature.begin(), atlas::detail::ModelSignature.end(),
                  b.begin());
        QVERIFY(openError(b).contains("box.bin: this is a MusicAtlas model file, not a test file"));
        b = box;
        b[8] = 3;
        QVERIFY(openError(b).contains("test file format version 3 is not supported: it was made by "
                                      "a newer version of MusicAtlas (this version reads versions "
                                      "1 to 2)"));
        b[8] = 0;
        QVERIFY(openError(b).contains("made by an older version"));
        b = box;
        put64(b, 12, std::uint64_t(1) << 21);
        QVERIFY2(openError(b).contains("box.bin: not a valid test file (the header claims a payload "
                                       "of 2.0 MiB (2097152 bytes), more than the 1.0 MiB"),
                 qPrintable(openError(b)));
        b = box;
        put64(b, 12, payload.size() + 1);
        QVERIFY(openError(b).contains("box.bin: the test file is truncated or damaged"));
        for (std::size_t keep : {std::size_t(0), std::size_t(7), std::size_t(8), std::size_t(23),
                                 box.size() - 1})
            QVERIFY(openError({box.begin(), box.begin() + std::ptrdiff_t(keep)}).contains("box.bin"));
        QVERIFY(openError(box).isEmpty());
    }

    void filesAreReadOnlyWhenRegular()
    {
        const std::vector<unsigned char> box =
            atlas::detail::containerBytes(Format, encode(sample()));
        const fs::path file = m_dir / "good.bin";
        atlas::test::writeBytes(file, std::string(box.begin(), box.end()));
        const atlas::detail::ContainerFile f = atlas::detail::readContainerFile(file, Format);
        QVERIFY(f.bytes == box);
        QCOMPARE(f.container.size, box.size() - Format.framing());

        QVERIFY(readError(m_dir / "missing.bin").contains("missing.bin: no such test file"));
        atlas::test::writeBytes(m_dir / "empty.bin", "");
        QVERIFY(readError(m_dir / "empty.bin").contains("(the file is empty)"));
        QVERIFY(readError(m_dir).contains("it is a folder, not a regular file"));
        const fs::path fifo = m_dir / "pipe.bin";
        QCOMPARE(::mkfifo(fifo.c_str(), 0600), 0);
        QVERIFY(readError(fifo).contains("pipe.bin: not a test file (it is a named pipe (FIFO), "
                                         "not a regular file)"));
        QVERIFY(readError("/dev/zero").contains("/dev/zero: not a test file (it is a character "
                                                "device, not a regular file)"));
        std::string cut(box.begin(), box.end() - 1);
        atlas::test::writeBytes(m_dir / "cut.bin", cut);
        QVERIFY(readError(m_dir / "cut.bin").contains("cut.bin: the test file is truncated"));
    }

private:
    fs::path m_dir;
};

QTEST_GUILESS_MAIN(TestBinaryContainer)
#include "test_binary_container.moc"
