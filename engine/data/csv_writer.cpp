// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/data/csv.h"

#include "engine/core/atomic_file.h"

#include <charconv>
#include <cmath>
#include <stdexcept>

namespace atlas {
namespace fs = std::filesystem;

std::string csvEscape(std::string_view field, char delimiter)
{
    const bool needsQuotes =
        field.find_first_of(std::string{'"', '\r', '\n', delimiter}) != std::string_view::npos ||
        (!field.empty() && (field.front() == ' ' || field.back() == ' '));
    if (!needsQuotes)
        return std::string(field);
    std::string out;
    out.reserve(field.size() + 2);
    out.push_back('"');
    for (char c : field) {
        if (c == '"')
            out.push_back('"');
        out.push_back(c);
    }
    out.push_back('"');
    return out;
}

std::string csvNumber(double value)
{
    if (std::isnan(value))
        return "nan";
    if (std::isinf(value))
        return value > 0 ? "inf" : "-inf";
    char buf[64];
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
    return ec == std::errc{} ? std::string(buf, end) : std::string("nan");
}

void CsvWriter::row(const std::vector<std::string>& fields)
{
    for (std::size_t i = 0; i < fields.size(); ++i) {
        if (i)
            m_out.put(m_delimiter);
        m_out << csvEscape(fields[i], m_delimiter);
    }
    m_out.put('\n');
}

void CsvWriter::row(std::initializer_list<std::string_view> fields)
{
    bool first = true;
    for (std::string_view f : fields) {
        if (!first)
            m_out.put(m_delimiter);
        first = false;
        m_out << csvEscape(f, m_delimiter);
    }
    m_out.put('\n');
}

void CsvWriter::numbers(const std::vector<double>& values,
                        std::initializer_list<std::string_view> leading,
                        std::initializer_list<std::string_view> trailing)
{
    bool first = true;
    for (std::string_view f : leading) {
        if (!first)
            m_out.put(m_delimiter);
        first = false;
        m_out << csvEscape(f, m_delimiter);
    }
    for (double v : values) {
        if (!first)
            m_out.put(m_delimiter);
        first = false;
        m_out << csvNumber(v);
    }
    for (std::string_view f : trailing) {
        if (!first)
            m_out.put(m_delimiter);
        first = false;
        m_out << csvEscape(f, m_delimiter);
    }
    m_out.put('\n');
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
