// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace atlas {

/// Identity of a file for caching: a changed size or modification time invalidates.
struct FileIdentity {
    std::uintmax_t size = 0;
    std::int64_t mtimeNs = 0;
    bool operator==(const FileIdentity&) const = default;
};

/// The stored fields of a FileIdentity (engine/core/archive.h).
template <class A>
void describe(A& a, FileIdentity& f)
{
    a(f.size, f.mtimeNs);
}

/// Size and mtime of `file`; std::nullopt when it cannot be stat'ed.
std::optional<FileIdentity> fileIdentity(const std::filesystem::path& file);

/// What a cached analysis of one file produced: its feature values, or the reason it failed
/// (so that a second run over a collection with a broken file does not decode it again).
struct CachedFeatures {
    std::vector<double> values;
    /// The Issue reason the analysis gave: why it failed (no values), or the warning of a file
    /// analysed anyway (with values); empty when there was nothing to say.
    std::string failure;
};

/// The stored fields of CachedFeatures (engine/core/archive.h).
template <class A>
void describe(A& a, CachedFeatures& c)
{
    a(c.values, c.failure);
}

/// A persistent per-file feature cache, keyed by absolute path + FileIdentity, for one set of
/// analysis parameters. The parameters are summarised by `parameters` (a canonical string of
/// every setting that changes the features, plus a format version); a cache file written with
/// other parameters is ignored. The file is one binary container (core/binary_container.h),
/// loaded whole and replaced as a whole (AtomicFile); a missing, damaged or foreign file, or
/// one made by another version, is ignored, never fatal.
///
/// Thread rules: not thread-safe; look up before a parallel batch and store after it.
/// Processes may share a cache: save() merges under a lock (<file>.lock), keeping what other
/// processes saved meanwhile as well as what this one stored.
class FeatureCache {
public:
    /// Opens (or prepares to create) the cache in `directory` for these parameters.
    /// An empty directory disables caching: lookups miss, save() does nothing.
    FeatureCache(std::filesystem::path directory, std::string parameters);

    /// The cached result for `file` if its size and mtime still match.
    std::optional<CachedFeatures> lookup(const std::filesystem::path& file) const;
    /// Records a result; a file whose identity cannot be read is not stored.
    void store(const std::filesystem::path& file, CachedFeatures features);
    /// Writes the cache if anything changed: the entries on disk now (saved by another process
    /// since this one loaded) with this one's stored entries over them. Returns false (and
    /// keeps running) when the cache cannot be written, e.g. a read-only cache folder; `error`
    /// then says why.
    bool save(std::string* error = nullptr);

    std::size_t size() const { return m_entries.size(); }
    const std::filesystem::path& file() const { return m_file; }
    /// True when the constructor found and loaded a valid cache file.
    bool loaded() const { return m_loaded; }

private:
    struct Entry {
        FileIdentity identity;
        CachedFeatures features;

        template <class A>
        friend void describe(A& a, Entry& e)
        {
            a(e.identity, e.features);
        }
    };
    std::filesystem::path m_file;
    std::string m_parameters;
    std::unordered_map<std::string, Entry> m_entries;
    std::unordered_set<std::string> m_stored; ///< keys stored since the last save
    bool m_dirty = false;
    bool m_loaded = false;
};

} // namespace atlas
