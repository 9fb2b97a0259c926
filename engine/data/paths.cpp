// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/data/paths.h"

#include "engine/core/error.h"

#include <cstdlib>
#include <system_error>

namespace atlas {

namespace {

std::filesystem::path envPath(const char* name)
{
    const char* value = std::getenv(name);
    if (!value || !*value)
        return {};
    std::filesystem::path p(value);
    // The XDG specification says relative paths in these variables are invalid and ignored.
    return p.is_absolute() ? p : std::filesystem::path{};
}

std::filesystem::path ensureDir(const std::filesystem::path& dir)
{
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec || !std::filesystem::is_directory(dir))
        throw InputError(dir.string() + ": cannot create folder (" +
                         (ec ? ec.message() : std::string("not a folder")) + ")");
    return dir;
}

std::filesystem::path userDir(const char* xdgVar, const char* homeSuffix, const char* tempName)
{
    std::filesystem::path base = envPath(xdgVar);
    if (base.empty()) {
        const std::filesystem::path home = envPath("HOME");
        if (!home.empty())
            base = home / homeSuffix;
    }
    if (base.empty())
        return ensureDir(std::filesystem::temp_directory_path() / tempName);
    return ensureDir(base / "musicatlas");
}

} // namespace

std::filesystem::path userCacheDir()
{
    return userDir("XDG_CACHE_HOME", ".cache", "musicatlas-cache");
}

std::filesystem::path userDataDir()
{
    return userDir("XDG_DATA_HOME", ".local/share", "musicatlas-data");
}

} // namespace atlas
