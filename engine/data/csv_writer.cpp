// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/data/csv.h"

#include "engine/core/atomic_file.h"

#include <bit>
#include <charconv>
#include <cstdint>
#include <cmath>
#include <stdexcept>

namespace atlas {
namespace fs = std::filesystem;

namespace {

void appendEscaped(std::string& out, std::string_view field, char delimiter)
{
    const char special[] = {'"', '\r', '\n', delimiter};
    const bool needsQuotes =
        field.find_first_of(std::string_view(special, 4)) != std::string_view::npos ||
        (!field.empty() && (field.front() == ' ' || field.back() == ' '));
    if (!needsQuotes) {
        out.append(field);
        return;
    }
    out.push_back('"');
    for (char c : field) {
        if (c == '"')
            out.push_back('"');
        out.push_back(c);
    }
    out.push_back('"');
}

void appendNumber(std::string& out, double value)
{
    // Most of a TF-IDF table is exact zeros; to_chars would write the same "0".
    if (std::bit_cast<std::uint64_t>(value) == 0) {
        out.push_back('0');
        return;
    }
    if (std::isnan(value)) {
        out.append("nan");
        return;
    }
    if (std::isinf(value)) {
        out.append(value > 0 ? "inf" : "-inf");
        return;
    }
    char buf[64];
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
    out.append(ec == std::errc{} ? std::string_view(buf, std::size_t(end - buf))
                                 : std::string_view("nan"));
}

} // namespace

std::string csvEscape(std::string_view field, char delimiter)
{
    std::string out;
    out.reserve(field.size() + 2);
    appendEscaped(out, field, delimiter);
    return out;
}

std::string csvNumber(double value)
{
    std::string out;
    appendNumber(out, value);
    return out;
}

// Each row is assembled in one reused buffer and written with one call: a stream insertion
// per field made a 300,000 x 500 feature table take most of a minute.
void CsvWriter::flushLine()
{
    m_line.push_back('\n');
    m_out.write(m_line.data(), std::streamsize(m_line.size()));
    m_line.clear();
}

void CsvWriter::row(const std::vector<std::string>& fields)
{
    for (std::size_t i = 0; i < fields.size(); ++i) {
        if (i)
            m_line.push_back(m_delimiter);
        appendEscaped(m_line, fields[i], m_delimiter);
    }
    flushLine();
}

void CsvWriter::row(std::initializer_list<std::string_view> fields)
{
    bool first = true;
    for (std::string_view f : fields) {
        if (!first)
            m_line.push_back(m_delimiter);
        first = false;
        appendEscaped(m_line, f, m_delimiter);
    }
    flushLine();
}

void CsvWriter::numbers(const std::vector<double>& values,
                        std::initializer_list<std::string_view> leading,
                        std::initializer_list<std::string_view> trailing)
{
    bool first = true;
    for (std::string_view f : leading) {
        if (!first)
            m_line.push_back(m_delimiter);
        first = false;
        appendEscaped(m_line, f, m_delimiter);
    }
    for (double v : values) {
        if (!first)
            m_line.push_back(m_delimiter);
        first = false;
        appendNumber(m_line, v);
    }
    for (std::string_view f : trailing) {
        if (!first)
            m_line.push_back(m_delimiter);
        first = false;
        appendEscaped(m_line, f, m_delimiter);
    }
    flushLine();
}

void writeCsvFile(const fs::path& path, const std::vector<std::string>& header,
                  const std::vector<std::vector<std::string>>& rows)
{
    writeFileAtomically(path, [&](std::ostream& out) {
        CsvWriter writer(out);
        writer.row(header);
        for (const auto& r : rows)
            writer.row(r);
    });
}

} // namespace atlas
