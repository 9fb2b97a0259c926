// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/data/feature_cache.h"

#include "engine/core/atomic_file.h"
#include "engine/core/error.h"
#include "engine/core/hash.h"
#include "engine/core/user_file.h"
#include "engine/data/paths.h"

#include <bit>
#include <cstring>
#include <fstream>
#include <sstream>
#include <system_error>

namespace fs = std::filesystem;

namespace atlas {

namespace {

constexpr char Magic[8] = {'M', 'A', 'F', 'C', 'A', 'C', 'H', 'E'};
constexpr std::uint32_t FormatVersion = 1;
constexpr std::uintmax_t MaxCacheBytes = std::uintmax_t(2) << 30;

// Little-endian encoding whatever the host: the cache may sit on a shared home folder.
class Writer {
public:
    void u32(std::uint32_t v) { raw(v); }
    void u64(std::uint64_t v) { raw(v); }
    void i64(std::int64_t v) { raw(std::uint64_t(v)); }
    void f64(double v) { raw(std::bit_cast<std::uint64_t>(v)); }
    void str(const std::string& s)
    {
        u64(s.size());
        m_out.append(s);
    }
    std::string& bytes() { return m_out; }

private:
    template <class T>
    void raw(T v)
    {
        for (std::size_t i = 0; i < sizeof(T); ++i)
            m_out.push_back(char((v >> (8 * i)) & 0xff));
    }
    std::string m_out;
};

class Reader {
public:
    explicit Reader(std::string_view in) : m_in(in) {}
    bool u32(std::uint32_t& v) { return raw(v); }
    bool u64(std::uint64_t& v) { return raw(v); }
    bool i64(std::int64_t& v)
    {
        std::uint64_t u;
        if (!raw(u))
            return false;
        v = std::int64_t(u);
        return true;
    }
    bool f64(double& v)
    {
        std::uint64_t u;
        if (!raw(u))
            return false;
        v = std::bit_cast<double>(u);
        return true;
    }
    bool str(std::string& s)
    {
        std::uint64_t n;
        if (!u64(n) || n > m_in.size() - m_at)
            return false;
        s.assign(m_in.substr(m_at, n));
        m_at += n;
        return true;
    }
    bool atEnd() const { return m_at == m_in.size(); }

private:
    template <class T>
    bool raw(T& v)
    {
        if (m_in.size() - m_at < sizeof(T))
            return false;
        v = 0;
        for (std::size_t i = 0; i < sizeof(T); ++i)
            v |= T(static_cast<unsigned char>(m_in[m_at + i])) << (8 * i);
        m_at += sizeof(T);
        return true;
    }
    std::string_view m_in;
    std::size_t m_at = 0;
};

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

    // A missing, oversized or non-regular file (a FIFO or a link to /dev/zero would block or
    // never end) is no cache: the features are computed again.
    std::string data;
    if (readUserFile(m_file, MaxCacheBytes, data))
        return;
    // Layout: magic, version, payload length, payload checksum, payload.
    if (data.size() < 28 || std::memcmp(data.data(), Magic, 8) != 0)
        return;
    Reader header(std::string_view(data).substr(8, 20));
    std::uint32_t version;
    std::uint64_t length, checksum;
    if (!header.u32(version) || !header.u64(length) || !header.u64(checksum) ||
        version != FormatVersion || length != data.size() - 28)
        return;
    const std::string_view payload = std::string_view(data).substr(28);
    if (fnv1a64(payload) != checksum)
        return;

    Reader r(payload);
    std::string params;
    std::uint64_t count;
    if (!r.str(params) || params != m_parameters || !r.u64(count))
        return;
    std::unordered_map<std::string, Entry> entries;
    for (std::uint64_t i = 0; i < count; ++i) {
        std::string path;
        Entry e;
        std::uint64_t size, nValues;
        if (!r.str(path) || !r.u64(size) || !r.i64(e.identity.mtimeNs) || !r.str(e.features.failure) ||
            !r.u64(nValues) || nValues > 1'000'000)
            return;
        e.identity.size = size;
        e.features.values.resize(nValues);
        for (double& v : e.features.values)
            if (!r.f64(v))
                return;
        entries.emplace(std::move(path), std::move(e));
    }
    if (!r.atEnd())
        return;
    m_entries = std::move(entries);
    m_loaded = true;
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
    Writer payload;
    payload.str(m_parameters);
    payload.u64(m_entries.size());
    for (const auto& [path, e] : m_entries) {
        payload.str(path);
        payload.u64(e.identity.size);
        payload.i64(e.identity.mtimeNs);
        payload.str(e.features.failure);
        payload.u64(e.features.values.size());
        for (double v : e.features.values)
            payload.f64(v);
    }
    Writer header;
    header.u32(FormatVersion);
    header.u64(payload.bytes().size());
    header.u64(fnv1a64(payload.bytes()));

    try {
        AtomicFile out(m_file, "the feature cache");
        out.write(Magic, 8);
        out.write(header.bytes());
        out.write(payload.bytes());
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
