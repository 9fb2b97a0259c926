// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/data/npy.h"

#include "engine/core/atomic_file.h"
#include "engine/core/error.h"
#include "engine/core/memory.h"
#include "engine/core/parallel.h"
#include "engine/core/user_file.h"

#include <algorithm>
#include <atomic>
#include <bit>
#include <cctype>
#include <charconv>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string_view>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace atlas {

namespace {

constexpr std::string_view Magic = "\x93NUMPY";

[[noreturn]] void fail(const fs::path& file, const std::string& reason)
{
    throw InputError(file.string() + ": " + reason);
}

// The header's dict literal, as numpy writes it (and a little more leniently: any order of
// keys, either quote, spaces anywhere between tokens).
class HeaderParser {
public:
    HeaderParser(std::string_view text, const fs::path& file) : m_text(text), m_file(file) {}

    struct Value {
        std::string text;                       // a string
        std::optional<bool> flag;               // True / False
        std::optional<std::vector<std::int64_t>> tuple;
    };

    std::map<std::string, Value> dict()
    {
        std::map<std::string, Value> out;
        expect('{');
        for (;;) {
            skipSpace();
            if (peek() == '}') {
                ++m_at;
                break;
            }
            const std::string key = quoted();
            expect(':');
            skipSpace();
            Value v = value();
            if (!out.emplace(key, std::move(v)).second)
                bad("the key '" + key + "' appears twice");
            skipSpace();
            if (peek() == ',') {
                ++m_at;
                continue;
            }
            expect('}');
            break;
        }
        for (; m_at < m_text.size(); ++m_at)
            if (!std::isspace(static_cast<unsigned char>(m_text[m_at])))
                bad("text after the header's dict");
        return out;
    }

private:
    [[noreturn]] void bad(const std::string& why)
    {
        fail(m_file, "not a readable .npy file: its header " + why);
    }
    char peek() const { return m_at < m_text.size() ? m_text[m_at] : '\0'; }
    void skipSpace()
    {
        while (m_at < m_text.size() && std::isspace(static_cast<unsigned char>(m_text[m_at])))
            ++m_at;
    }
    void expect(char c)
    {
        skipSpace();
        if (peek() != c)
            bad(std::string("lacks '") + c + "' where it is expected");
        ++m_at;
    }
    std::string quoted()
    {
        skipSpace();
        const char q = peek();
        if (q != '\'' && q != '"')
            bad("has a key or value that is not a quoted string");
        const std::size_t end = m_text.find(q, m_at + 1);
        if (end == std::string_view::npos || end - m_at > 256)
            bad("has an unterminated string");
        std::string s(m_text.substr(m_at + 1, end - m_at - 1));
        m_at = end + 1;
        return s;
    }
    Value value()
    {
        Value v;
        const char c = peek();
        if (c == '\'' || c == '"') {
            v.text = quoted();
        } else if (m_text.substr(m_at, 4) == "True") {
            v.flag = true;
            m_at += 4;
        } else if (m_text.substr(m_at, 5) == "False") {
            v.flag = false;
            m_at += 5;
        } else if (c == '(') {
            ++m_at;
            std::vector<std::int64_t> dims;
            for (;;) {
                skipSpace();
                if (peek() == ')') {
                    ++m_at;
                    break;
                }
                std::int64_t d = 0;
                const auto [ptr, ec] = std::from_chars(m_text.data() + m_at,
                                                       m_text.data() + m_text.size(), d);
                if (ec != std::errc() || d < 0)
                    bad("has a shape that is not a tuple of non-negative integers");
                m_at = std::size_t(ptr - m_text.data());
                if (dims.size() > 32)
                    bad("has a shape of more than 32 dimensions");
                dims.push_back(d);
                skipSpace();
                if (peek() == ',')
                    ++m_at;
                else if (peek() != ')')
                    bad("has a shape that is not a tuple of non-negative integers");
            }
            v.tuple = std::move(dims);
        } else {
            bad("has a value that is not a string, True, False or a tuple");
        }
        return v;
    }

    std::string_view m_text;
    const fs::path& m_file;
    std::size_t m_at = 0;
};

// One value of the file's dtype as a double. little: the file's byte order.
double decode(const unsigned char* p, char kind, int size, bool little)
{
    std::uint64_t bits = 0;
    for (int i = 0; i < size; ++i)
        bits |= std::uint64_t(p[little ? i : size - 1 - i]) << (8 * i);
    if (kind == 'f')
        return size == 8 ? std::bit_cast<double>(bits)
                         : double(std::bit_cast<float>(std::uint32_t(bits)));
    return size == 8 ? double(std::bit_cast<std::int64_t>(bits))
                     : double(std::bit_cast<std::int32_t>(std::uint32_t(bits)));
}

// A double as little-endian bytes, in place (for big-endian machines).
void toLittleEndian(double& v)
{
    const std::uint64_t bits = std::bit_cast<std::uint64_t>(v);
    unsigned char b[8];
    for (int i = 0; i < 8; ++i)
        b[i] = static_cast<unsigned char>(bits >> (8 * i));
    std::memcpy(&v, b, 8);
}

} // namespace

NpyHeader readNpyHeader(const fs::path& file)
{
    if (const auto why = notRegularFileReason(file))
        fail(file, *why);
    std::ifstream in(file, std::ios::binary);
    if (!in)
        fail(file, "cannot be opened");
    std::error_code ec;
    const std::uintmax_t size = fs::file_size(file, ec);
    if (ec)
        fail(file, "its size cannot be read (" + ec.message() + ")");

    char prefix[12] = {};
    in.read(prefix, 10);
    if (in.gcount() < 10 || std::string_view(prefix, 6) != Magic)
        fail(file, "not a .npy file (it does not start with NumPy's \\x93NUMPY)");
    NpyHeader h;
    h.majorVersion = static_cast<unsigned char>(prefix[6]);
    std::uint64_t headerLength = 0;
    std::uint64_t prefixLength = 10;
    if (h.majorVersion == 1) {
        headerLength = std::uint64_t(static_cast<unsigned char>(prefix[8])) |
                       std::uint64_t(static_cast<unsigned char>(prefix[9])) << 8;
    } else if (h.majorVersion == 2 || h.majorVersion == 3) {
        in.read(prefix + 10, 2);
        if (in.gcount() < 2)
            fail(file, "a .npy file cut short in its header");
        prefixLength = 12;
        for (int i = 0; i < 4; ++i)
            headerLength |= std::uint64_t(static_cast<unsigned char>(prefix[8 + i])) << (8 * i);
    } else {
        fail(file, "a .npy file of format version " + std::to_string(h.majorVersion) +
                       ", which is not known (1, 2 and 3 are)");
    }
    if (headerLength > MaxNpyHeaderBytes)
        fail(file, "a .npy header of " + byteSizeText(headerLength) + " (at most " +
                       byteSizeText(MaxNpyHeaderBytes) + " is read)");
    if (prefixLength + headerLength > size)
        fail(file, "a .npy file cut short in its header");
    std::string text(std::size_t(headerLength), '\0');
    in.read(text.data(), std::streamsize(headerLength));
    if (std::uint64_t(in.gcount()) != headerLength)
        fail(file, "a .npy file cut short in its header");
    h.dataOffset = prefixLength + headerLength;

    const auto dict = HeaderParser(text, file).dict();
    const auto field = [&](const char* key) -> const HeaderParser::Value& {
        const auto it = dict.find(key);
        if (it == dict.end())
            fail(file, std::string("not a readable .npy file: its header has no '") + key +
                           "'");
        return it->second;
    };
    h.descr = field("descr").text;
    const auto& order = field("fortran_order");
    if (!order.flag)
        fail(file, "not a readable .npy file: 'fortran_order' is not True or False");
    h.fortranOrder = *order.flag;
    const auto& shape = field("shape");
    if (!shape.tuple || shape.tuple->empty() || shape.tuple->size() > 2)
        fail(file, "holds an array of " +
                       (shape.tuple ? std::to_string(shape.tuple->size()) : std::string("no")) +
                       " dimensions; a feature table is a matrix (2 dimensions: tracks x "
                       "columns) or a vector");
    h.rows = (*shape.tuple)[0];
    h.cols = shape.tuple->size() == 2 ? (*shape.tuple)[1] : 1;
    if (dict.size() != 3)
        fail(file, "not a readable .npy file: its header has keys other than 'descr', "
                   "'fortran_order' and 'shape'");

    const std::string& d = h.descr;
    const bool known = d.size() == 3 && (d[0] == '<' || d[0] == '>' || d[0] == '=') &&
                       ((d[1] == 'f' && (d[2] == '8' || d[2] == '4')) ||
                        (d[1] == 'i' && (d[2] == '8' || d[2] == '4')));
    if (!known)
        fail(file, "holds values of type '" + messageExcerpt(d, 40) +
                       "'; feature tables are numbers: float64 ('<f8'), float32, int64 or "
                       "int32");
    h.itemSize = d[2] - '0';

    // rows x cols x itemSize must be the file's size after the header, without overflow.
    const std::uint64_t values = std::uint64_t(h.rows) * std::uint64_t(h.cols);
    if ((h.cols != 0 && values / std::uint64_t(h.cols) != std::uint64_t(h.rows)) ||
        values > (std::uint64_t(1) << 60) / std::uint64_t(h.itemSize))
        fail(file, "a .npy shape too large to be real");
    const std::uint64_t expected = values * std::uint64_t(h.itemSize);
    const std::uint64_t present = size - h.dataOffset;
    if (present != expected)
        fail(file, "its header promises " + std::to_string(h.rows) + " x " +
                       std::to_string(h.cols) + " values (" + byteSizeText(expected) +
                       ") but the file holds " + byteSizeText(present) +
                       (present < expected ? " (cut short?)" : ""));
    return h;
}

void readNpyColumns(const fs::path& file, const NpyHeader& h,
                    const std::vector<NpyColumnTarget>& targets, const Progress& progress)
{
    if (std::int64_t(targets.size()) != h.cols)
        throw std::logic_error("readNpyColumns: one target per column");
    // Each column's first value, or null to skip it.
    std::vector<double*> column(targets.size(), nullptr);
    std::set<Matrix*> matrices;
    for (std::size_t c = 0; c < targets.size(); ++c)
        if (Matrix* m = targets[c].matrix) {
            if (m->rows() != h.rows || targets[c].column < 0 || targets[c].column >= m->cols())
                throw std::logic_error("readNpyColumns: a target does not fit the file");
            column[c] = m->col(targets[c].column).data();
            matrices.insert(m);
        }
    // Gigabytes of fresh memory: in 2 MB pages, a 512th of the page faults (and of the TLB
    // misses of the transpose below, which writes to every column at once).
    for (Matrix* m : matrices)
        adviseHugePages(m->data(), std::size_t(m->size()) * sizeof(double));

    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        fail(file, std::string("cannot be opened (") + std::strerror(errno) + ")");
    const bool little = h.descr[0] == '<' ||
                        (h.descr[0] == '=' && std::endian::native == std::endian::little);
    const char kind = h.descr[1];
    const bool direct =
        kind == 'f' && h.itemSize == 8 && little == (std::endian::native == std::endian::little);
    const std::uint64_t total = std::uint64_t(h.rows) * std::uint64_t(h.cols);
    const std::uint64_t item = std::uint64_t(h.itemSize);
    // Whole lines (rows in C order, columns in Fortran order) of about 8 MB at a time, read
    // and stored by the engine's threads side by side (the page faults of fresh memory and the
    // transpose are most of the time; the reads come from the page cache).
    const std::uint64_t line = std::uint64_t(std::max<std::int64_t>(
        h.fortranOrder ? h.rows : h.cols, 1));
    const std::uint64_t lines = total / line;
    const std::uint64_t linesPerBlock = std::max<std::uint64_t>(1, (8u << 20) / (line * item));
    const std::int64_t blocks = std::int64_t((lines + linesPerBlock - 1) / linesPerBlock);
    const auto value = [&](const unsigned char* p) {
        if (direct) {
            double v;
            std::memcpy(&v, p, 8);
            return v;
        }
        return decode(p, kind, h.itemSize, little);
    };
    std::vector<std::vector<unsigned char>> buffers(static_cast<std::size_t>(maxThreads()));
    std::atomic<std::int64_t> done{0};
    std::atomic<int> error{0};   // an errno, or -1: the file ended early
    #pragma omp parallel for schedule(dynamic, 1)
    for (std::int64_t block = 0; block < blocks; ++block) {
        if (error.load() != 0 || progress.isCancelled())
            continue;
        std::vector<unsigned char>& buffer = buffers[std::size_t(threadIndex())];
        const std::uint64_t first = std::uint64_t(block) * linesPerBlock;
        const std::uint64_t count = std::min(lines - first, linesPerBlock);
        buffer.resize(std::size_t(count * line * item));
        std::size_t got = 0;
        while (got < buffer.size()) {
            const ssize_t n = ::pread(fd, buffer.data() + got, buffer.size() - got,
                                      off_t(h.dataOffset + first * line * item + got));
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0) {
                error.store(n < 0 ? errno : -1);
                break;
            }
            got += std::size_t(n);
        }
        if (got < buffer.size())
            continue;
        if (h.fortranOrder) {
            // Whole columns, as Eigen stores them.
            for (std::uint64_t l = 0; l < count; ++l) {
                double* to = column[std::size_t(first + l)];
                if (!to)
                    continue;
                const unsigned char* from = buffer.data() + l * line * item;
                if (direct)
                    std::memcpy(to, from, std::size_t(line * item));
                else
                    for (std::uint64_t r = 0; r < line; ++r)
                        to[r] = value(from + r * item);
            }
        } else {
            // Rows in the file, columns in memory: a transpose, in tiles of rows small enough
            // to stay in the cache while each column's part of them is stored contiguously.
            const std::uint64_t tile = std::max<std::uint64_t>(8, (2u << 20) / (line * item));
            for (std::uint64_t r0 = 0; r0 < count; r0 += tile) {
                const std::uint64_t r1 = std::min(count, r0 + tile);
                for (std::size_t c = 0; c < column.size(); ++c) {
                    double* to = column[c];
                    if (!to)
                        continue;
                    to += first;
                    const unsigned char* from = buffer.data() + c * item;
                    for (std::uint64_t r = r0; r < r1; ++r)
                        to[r] = value(from + r * line * item);
                }
            }
        }
        const std::int64_t finished = ++done;
        if (threadIndex() == 0)
            progress.report(double(finished) / double(blocks));
    }
    ::close(fd);
    if (error.load() > 0)
        fail(file, std::string("could not be read (") + std::strerror(error.load()) + ")");
    if (error.load() < 0)
        fail(file, "could not be read to the end (the file changed while it was read?)");
    progress.throwIfCancelled();
    progress.report(1.0);
}

Matrix readNpy(const fs::path& file, const Progress& progress)
{
    const NpyHeader h = readNpyHeader(file);
    if (h.rows > std::numeric_limits<Eigen::Index>::max() / std::max<std::int64_t>(h.cols, 1))
        fail(file, "a matrix too large for this machine");
    Matrix m(Eigen::Index(h.rows), Eigen::Index(h.cols));
    std::vector<NpyColumnTarget> targets(std::size_t(h.cols));
    for (std::size_t c = 0; c < targets.size(); ++c)
        targets[c] = {&m, Eigen::Index(c)};
    readNpyColumns(file, h, targets, progress);
    return m;
}

void writeNpy(const fs::path& file, std::int64_t rows, std::int64_t cols,
              const std::function<void(std::int64_t, std::int64_t, double*)>& fill,
              const Progress& progress)
{
    std::string header = "{'descr': '<f8', 'fortran_order': False, 'shape': (" +
                         std::to_string(rows) + ", " + std::to_string(cols) + "), }";
    // Magic (6) + version (2) + length (2) + header + '\n': a multiple of 64 bytes.
    const std::size_t unpadded = 10 + header.size() + 1;
    header.append((64 - unpadded % 64) % 64, ' ');
    header.push_back('\n');
    AtomicFile out(file, "the feature matrix");
    out.write(Magic);
    const unsigned char version[4] = {1, 0, static_cast<unsigned char>(header.size() & 0xff),
                                      static_cast<unsigned char>(header.size() >> 8)};
    out.write(version, 4);
    out.write(header);
    const std::int64_t block = std::max<std::int64_t>(1, (1 << 20) / std::max<std::int64_t>(cols, 1));
    std::vector<double> values;
    for (std::int64_t r0 = 0; r0 < rows; r0 += block) {
        progress.throwIfCancelled();
        const std::int64_t n = std::min(block, rows - r0);
        values.assign(std::size_t(n * cols), 0.0);
        fill(r0, n, values.data());
        if constexpr (std::endian::native != std::endian::little)
            for (double& v : values)
                toLittleEndian(v);
        out.write(values.data(), values.size() * sizeof(double));
        progress.report(double(r0 + n) / double(rows));
    }
    out.commit();
}

void writeNpy(const fs::path& file, const Matrix& m, const Progress& progress)
{
    writeNpy(
        file, m.rows(), m.cols(),
        [&](std::int64_t r0, std::int64_t n, double* out) {
            for (Eigen::Index c = 0; c < m.cols(); ++c)
                for (std::int64_t r = 0; r < n; ++r)
                    out[r * m.cols() + c] = m(Eigen::Index(r0 + r), c);
        },
        progress);
}

} // namespace atlas
