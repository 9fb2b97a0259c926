// SPDX-License-Identifier: GPL-3.0-or-later
#include "tests/support/fixtures.h"

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <mutex>
#include <sstream>
#include <stdexcept>

namespace atlas::test {

std::filesystem::path fixture(const std::string& relative)
{
    if (const char* dir = std::getenv("ATLAS_FIXTURES"))
        return std::filesystem::path(dir) / relative;
    return std::filesystem::path(__FILE__).parent_path().parent_path() / "data" / relative;
}

Matrix readNumericCsv(const std::filesystem::path& path, bool skipHeader)
{
    std::ifstream in(path);
    if (!in)
        throw std::runtime_error("cannot open fixture " + path.string());
    std::vector<std::vector<double>> rows;
    std::string line;
    bool first = true;
    while (std::getline(in, line)) {
        if (first && skipHeader) {
            first = false;
            continue;
        }
        first = false;
        if (line.empty() || line == "\r")
            continue;
        std::vector<double> row;
        std::stringstream ss(line);
        std::string cell;
        while (std::getline(ss, cell, ','))
            row.push_back(std::stod(cell));
        if (!rows.empty() && row.size() != rows.front().size())
            throw std::runtime_error("ragged fixture " + path.string());
        rows.push_back(std::move(row));
    }
    Matrix m(rows.size(), rows.empty() ? 0 : rows.front().size());
    for (std::size_t i = 0; i < rows.size(); ++i)
        for (std::size_t j = 0; j < rows[i].size(); ++j)
            m(Eigen::Index(i), Eigen::Index(j)) = rows[i][j];
    return m;
}

std::vector<std::vector<std::string>> readSimpleCsv(const std::filesystem::path& path)
{
    std::ifstream in(path);
    if (!in)
        throw std::runtime_error("cannot open fixture " + path.string());
    std::vector<std::vector<std::string>> rows;
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        std::vector<std::string> row;
        std::stringstream ss(line);
        std::string cell;
        while (std::getline(ss, cell, ','))
            row.push_back(cell);
        rows.push_back(std::move(row));
    }
    return rows;
}

std::string readFile(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

namespace {

// The folders makeTempDir() made, removed when the test program ends (kept with
// MUSICATLAS_KEEP_TEST_FILES set, to look at what a failing test wrote).
struct TempDirs {
    std::mutex mutex;
    std::vector<std::filesystem::path> dirs;
    ~TempDirs()
    {
        if (std::getenv("MUSICATLAS_KEEP_TEST_FILES"))
            return;
        for (const auto& dir : dirs) {
            std::error_code ec;
            std::filesystem::remove_all(dir, ec);
        }
    }
};

TempDirs& tempDirs()
{
    static TempDirs made;
    return made;
}

} // namespace

std::filesystem::path makeTempDir(const std::string& tag)
{
    TempDirs& made = tempDirs();
    static std::atomic<int> counter{0};
    const auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
    std::filesystem::path dir = std::filesystem::temp_directory_path() /
        ("musicatlas-test-" + tag + "-" + std::to_string(stamp) + "-" +
         std::to_string(counter++));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    const std::lock_guard<std::mutex> lock(made.mutex);
    made.dirs.push_back(dir);
    return dir;
}

std::vector<std::string> temporaryFiles(const std::filesystem::path& dir)
{
    std::vector<std::string> found;
    std::error_code ec;
    for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
        const std::string name = it->path().filename().string();
        const bool hiddenTmp = name.size() > 4 && name.front() == '.' &&
                               name.compare(name.size() - 4, 4, ".tmp") == 0;
        const bool partial = name.size() > 8 && name.compare(name.size() - 8, 8, ".partial") == 0;
        if (hiddenTmp || partial)
            found.push_back(it->path().string());
    }
    return found;
}

void writeBytes(const std::filesystem::path& path, const std::string& bytes)
{
    std::filesystem::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary);
    out.write(bytes.data(), std::streamsize(bytes.size()));
}

double worstExcess(const Matrix& a, const Matrix& b, double atol, double rtol)
{
    if (a.rows() != b.rows() || a.cols() != b.cols())
        return std::numeric_limits<double>::infinity();
    return ((a - b).cwiseAbs() - (atol + rtol * b.cwiseAbs().array()).matrix()).maxCoeff();
}

} // namespace atlas::test
