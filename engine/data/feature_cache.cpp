// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/data/feature_cache.h"

#include "engine/core/archive.h"
#include "engine/core/atomic_file.h"
#include "engine/core/binary_container.h"
#include "engine/core/error.h"
#include "engine/core/hash.h"
#include "engine/core/user_file.h"
#include "engine/data/paths.h"

#include <system_error>

namespace fs = std::filesystem;

namespace atlas {

namespace {

// Version 1 had its own header with an FNV-1a checksum; its files are recomputed.
constexpr detail::ContainerFormat Format{detail::FeatureCacheSignature, "feature cache", 2, 2,
                                         std::uint64_t(1) << 32};

} // namespace

std::optional<FileIdentity> fileIdentity(const fs::path& file)
{
    std::error_code ec;
    const auto size = fs::file_size(file, ec);
    if (ec)
        return std::nullopt;
    const auto mtime = fs::last_write_time(file, ec);
    if (ec)
        return std::nullopt;
    const auto ns =
        std::chrono::duration_cast<std::chrono::nanoseconds>(mtime.time_since_epoch()).count();
    return FileIdentity{size, std::int64_t(ns)};
}

FeatureCache::FeatureCache(fs::path directory, std::string parameters)
    : m_parameters(std::move(parameters))
{
    if (directory.empty())
        return;
    m_file = directory / ("features-" + hashHex(m_parameters) + ".cache");

    // Payload: the parameters, then path -> entry.
    try {
        const detail::ContainerFile f = detail::readContainerFile(m_file, Format);
        detail::ReadArchive a(f.container.payload, f.container.size, m_file.string(), Format.what,
                              f.container.version);
        std::string parameters;
        a(parameters);
        if (parameters != m_parameters)
            return;
        std::unordered_map<std::string, Entry> entries;
        a(entries);
        if (!a.atEnd())
            return;
        m_entries = std::move(entries);
        m_loaded = true;
    } catch (const std::exception&) {
        // Recomputed, and replaced by the next save().
    }
}

std::optional<CachedFeatures> FeatureCache::lookup(const fs::path& file) const
{
    if (m_file.empty())
        return std::nullopt;
    const auto it = m_entries.find(fs::absolute(file).string());
    if (it == m_entries.end())
        return std::nullopt;
    const auto identity = fileIdentity(file);
    if (!identity || !(*identity == it->second.identity))
        return std::nullopt;
    return it->second.features;
}

void FeatureCache::store(const fs::path& file, CachedFeatures features)
{
    if (m_file.empty())
        return;
    const auto identity = fileIdentity(file);
    if (!identity)
        return;
    const std::string key = fs::absolute(file).string();
    m_entries[key] = Entry{*identity, std::move(features)};
    m_stored.insert(key);
    m_dirty = true;
}

bool FeatureCache::save(std::string* error)
{
    if (m_file.empty() || !m_dirty)
        return true;
    std::error_code ec;
    fs::create_directories(m_file.parent_path(), ec);
    // Another run may have saved since this one loaded (two runs sharing the cache): under
    // the lock, take the entries it added and keep the ones this run computed, so that
    // neither run's work is lost.
    std::optional<FileLock> lock;
    try {
        lock.emplace(m_file.string() + ".lock");
    } catch (const InputError& e) {
        if (error)
            *error = m_file.string() + ": cannot write the feature cache (" + e.what() + ")";
        return false;
    }
    FeatureCache onDisk(m_file.parent_path(), m_parameters);
    for (auto& [path, entry] : onDisk.m_entries)
        if (!m_stored.count(path))
            m_entries[path] = std::move(entry);
    detail::WriteArchive payload(Format.version, m_file.string(), Format.what);
    payload(m_parameters, m_entries);
    const std::vector<unsigned char> bytes = detail::containerBytes(Format, payload.bytes());

    try {
        AtomicFile out(m_file, "the feature cache");
        out.write(bytes.data(), bytes.size());
        out.commit();
    } catch (const InputError& e) {
        if (error)
            *error = e.what();
        return false;
    }
    m_stored.clear();
    m_dirty = false;
    return true;
}

} // namespace atlas
