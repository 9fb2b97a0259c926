// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/data/collection.h"

#include "engine/core/error.h"
#include "engine/core/text.h"
#include "engine/data/csv.h"

#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <set>
#include <system_error>

#include <sys/stat.h>

namespace fs = std::filesystem;

namespace atlas {

namespace {

bool isHidden(const fs::path& p)
{
    const std::string name = p.filename().string();
    return !name.empty() && name[0] == '.';
}

// Generic form with '/' separators, without the extension: a stable key on every platform.
std::string relativeKey(const fs::path& file, const fs::path& root)
{
    fs::path rel = file.lexically_relative(root);
    rel.replace_extension();
    return rel.generic_string();
}

struct Found {
    fs::path file;
    fs::path relative;
    bool viaLink = false;   // reached through a symbolic link to a folder
};

// A file's identity on disk (device and inode): the same file reached by two paths (a
// symbolic link, a hard link) has one.
struct FileId {
    std::uintmax_t device = 0;
    std::uintmax_t inode = 0;
    auto operator<=>(const FileId&) const = default;
};

std::optional<FileId> fileId(const fs::path& p)
{
    struct stat st {};
    if (::stat(p.c_str(), &st) != 0)
        return std::nullopt;
    return FileId{std::uintmax_t(st.st_dev), std::uintmax_t(st.st_ino)};
}

bool isInside(const fs::path& p, const fs::path& root)
{
    const fs::path rel = p.lexically_relative(root);
    return !rel.empty() && *rel.begin() != "..";
}

// Lists the audio files under `root`, each once. A symbolic link to a folder inside the root is
// not followed (the folder is listed under its own path, so that its files keep the label of
// the folder they are in); a link to a folder outside it is followed, once per folder; a file
// reached by two paths (links, hard links) is kept once, under the path without a link.
std::vector<Found> listAudio(const fs::path& root, Diagnostics& diagnostics)
{
    std::vector<Found> found;
    std::error_code ec;
    auto options = fs::directory_options::follow_directory_symlink |
                   fs::directory_options::skip_permission_denied;
    fs::recursive_directory_iterator it(root, options, ec), end;
    if (ec) {
        diagnostics.add(root, "cannot read the folder (" + ec.message() + ")");
        return found;
    }
    const fs::path canonicalRoot = fs::weakly_canonical(root, ec);
    std::set<FileId> visited;   // folders entered: guards against symlink cycles
    if (auto id = fileId(root))
        visited.insert(*id);
    std::map<FileId, std::size_t> seenFiles;
    std::vector<std::pair<fs::path, fs::path>> duplicates;
    std::size_t linkDepth = 0;   // > 0 while inside a folder reached through a link
    for (; it != end; it.increment(ec)) {
        if (ec) {
            diagnostics.add(it->path(), "cannot read this folder entry (" + ec.message() + ")");
            ec.clear();
            continue;
        }
        const fs::directory_entry& entry = *it;
        if (linkDepth > 0 && std::size_t(it.depth()) < linkDepth)
            linkDepth = 0;
        if (isHidden(entry.path())) {
            if (entry.is_directory(ec))
                it.disable_recursion_pending();
            continue;
        }
        if (entry.is_directory(ec)) {
            const bool link = entry.is_symlink(ec);
            const auto id = fileId(entry.path());
            const bool inside = link && isInside(fs::weakly_canonical(entry.path(), ec),
                                                 canonicalRoot);
            if (inside || !id || !visited.insert(*id).second || it.depth() > 16)
                it.disable_recursion_pending();
            else if (link && linkDepth == 0)
                linkDepth = std::size_t(it.depth()) + 1;
            continue;
        }
        if (!looksLikeAudioFile(entry.path()))
            continue;
        Found f{entry.path(), entry.path().lexically_relative(root),
                linkDepth > 0 || entry.is_symlink(ec)};
        const auto id = fileId(entry.path());
        if (!id) {   // a dangling link: listed, so that decoding reports it
            found.push_back(std::move(f));
            continue;
        }
        const auto [at, inserted] = seenFiles.try_emplace(*id, found.size());
        if (inserted) {
            found.push_back(std::move(f));
            continue;
        }
        // The same file again: keep the path without a link, else the first in sorted order.
        Found& kept = found[at->second];
        const bool replace = (kept.viaLink && !f.viaLink) ||
                             (kept.viaLink == f.viaLink && f.relative < kept.relative);
        if (replace)
            std::swap(kept, f);
        duplicates.emplace_back(kept.file, f.file);
    }
    std::sort(duplicates.begin(), duplicates.end());
    for (std::size_t i = 0; i < duplicates.size() && i < MaxIssuesPerKind; ++i)
        diagnostics.add(duplicates[i].second,
                        "the same file as " + duplicates[i].first.string() +
                            " (reached again through a link); listed once, under that path");
    if (duplicates.size() > MaxIssuesPerKind)
        diagnostics.add(root, std::to_string(duplicates.size() - MaxIssuesPerKind) +
                                  " more files reached twice through links; each listed once");
    std::sort(found.begin(), found.end(),
              [](const Found& a, const Found& b) { return a.relative < b.relative; });
    return found;
}

// Track ids must be unique: ids that collide become the path relative to the collection's
// folder without the extension, then with it (seed.wav and seed.flac), then numbered.
void makeIdsUnique(Collection& c)
{
    const fs::path base =
        c.root.has_filename() && fs::is_regular_file(c.root) ? c.root.parent_path() : c.root;
    const auto collisions = [&] {
        std::map<std::string, int> seen;
        for (const Track& t : c.tracks)
            ++seen[t.id];
        return seen;
    };
    auto seen = collisions();
    for (Track& t : c.tracks)
        if (seen[t.id] > 1 && !t.path.empty())
            t.id = relativeKey(t.path, base);
    seen = collisions();
    for (Track& t : c.tracks)
        if (seen[t.id] > 1 && !t.path.empty())
            t.id = t.path.lexically_relative(base).generic_string();
    seen = collisions();
    std::map<std::string, int> next;
    for (Track& t : c.tracks)
        if (seen[t.id] > 1)
            if (const int k = ++next[t.id]; k > 1)
                t.id += "#" + std::to_string(k);
}

} // namespace

const char* lyricsSourceKey(LyricsSource source)
{
    switch (source) {
    case LyricsSource::None: return "none";
    case LyricsSource::Embedded: return "embedded";
    case LyricsSource::Sidecar: return "sidecar";
    case LyricsSource::Csv: return "csv";
    case LyricsSource::Manifest: return "manifest";
    }
    return "none";
}

const std::string& TrackTags::genre() const
{
    static const std::string none;
    return genres.empty() ? none : genres.front();
}

bool TrackTags::tagged() const
{
    return !title.empty() || !artist.empty() || !album.empty() || !genres.empty();
}

std::string Track::displayName() const
{
    if (!tags.title.empty())
        return tags.artist.empty() ? tags.title : tags.artist + " \u2014 " + tags.title;
    if (!path.empty())
        return path.filename().string();
    return id;
}

const char* layoutName(CollectionLayout layout)
{
    switch (layout) {
    case CollectionLayout::Gtzan: return "GTZAN";
    case CollectionLayout::GtzanKaggle: return "GTZAN (Kaggle layout)";
    case CollectionLayout::LabelledFolders: return "labelled folders";
    case CollectionLayout::Flat: return "flat folder";
    case CollectionLayout::Manifest: return "manifest";
    case CollectionLayout::LyricsOnly: return "lyrics only";
    case CollectionLayout::FeatureTable: return "feature table";
    }
    return "unknown";
}

bool Collection::hasLabels() const
{
    return std::any_of(tracks.begin(), tracks.end(), [](const Track& t) { return !t.label.empty(); });
}

std::vector<std::string> Collection::labelNames() const
{
    std::set<std::string> names;
    for (const Track& t : tracks)
        if (!t.label.empty())
            names.insert(t.label);
    return {names.begin(), names.end()};
}

bool looksLikeAudioFile(const fs::path& file)
{
    static const std::array<const char*, 30> extensions = {
        // libsndfile
        ".wav", ".wave", ".au", ".snd", ".aif", ".aiff", ".aifc", ".flac", ".ogg", ".oga",
        ".opus", ".mp3", ".caf", ".w64",
        // FFmpeg (.m4p is DRM-protected: listed so that the user is told why it is skipped)
        ".m4a", ".m4b", ".m4p", ".mp4", ".aac", ".alac", ".wma", ".asf", ".ape", ".wv",
        ".mka", ".webm", ".ac3", ".mp2", ".mpc", ".spx"};
    const std::string ext = lowerAscii(file.extension().string());
    return std::find(extensions.begin(), extensions.end(), ext) != extensions.end();
}

Collection scanCollection(const fs::path& dir, Diagnostics& diagnostics)
{
    std::error_code ec;
    if (!fs::exists(dir, ec))
        throw InputError(dir.string() + ": folder not found");
    if (!fs::is_directory(dir, ec))
        throw InputError(dir.string() + ": not a folder");

    Collection c;
    c.root = fs::absolute(dir, ec);
    fs::path scanRoot = c.root;
    // GTZAN archives: the genre folders sit under genres/ (original) or genres_original/
    // (Kaggle), possibly one level down (Data/genres_original).
    for (const char* sub : {"genres_original", "genres", "Data/genres_original"}) {
        if (fs::is_directory(c.root / sub, ec)) {
            scanRoot = c.root / sub;
            c.layout = std::string(sub).find("original") != std::string::npos
                           ? CollectionLayout::GtzanKaggle
                           : CollectionLayout::Gtzan;
            break;
        }
    }
    const std::vector<Found> found = listAudio(scanRoot, diagnostics);
    if (found.empty())
        throw InputError(dir.string() + ": no audio files found (looked for .wav, .au, .flac, "
                                        ".ogg, .opus, .mp3 and more, in all sub-folders)");

    const bool anyNested = std::any_of(found.begin(), found.end(), [](const Found& f) {
        return f.relative.has_parent_path();
    });
    if (c.layout == CollectionLayout::Flat && anyNested)
        c.layout = CollectionLayout::LabelledFolders;

    for (const Found& f : found) {
        Track t;
        t.path = f.file;
        const bool labelled = c.layout != CollectionLayout::Flat;
        if (f.relative.has_parent_path())
            t.folder = f.relative.begin()->string();
        if (labelled)
            t.label = t.layoutLabel = t.folder;
        t.id = (c.layout == CollectionLayout::Gtzan || c.layout == CollectionLayout::GtzanKaggle ||
                c.layout == CollectionLayout::Flat)
                   ? f.file.stem().string()
                   : relativeKey(f.file, scanRoot);
        c.tracks.push_back(std::move(t));
    }
    makeIdsUnique(c);
    return c;
}

Collection readManifest(const fs::path& csv, Diagnostics& diagnostics)
{
    const CsvTable table = readCsv(csv, diagnostics);
    auto find = [&](std::initializer_list<const char*> names) {
        for (const char* n : names)
            if (int col = table.column(n); col >= 0)
                return col;
        return -1;
    };
    const int pathCol = find({"path", "file", "filename", "audio", "audio_path", "filepath"});
    const int labelCol = find({"label", "genre", "tag", "class"});
    const int lyricsCol = find({"lyrics", "text", "lyric"});
    const int lyricsIdCol = find({"lyrics_id", "lyricsid", "lyrics_key"});
    const int idCol = find({"track_id", "id"});
    if (pathCol < 0) {
        throw InputError(csv.string() + ": no path column (expected one named path, file or "
                                        "filename; columns found: " +
                         csvColumnList(table.header) + ")");
    }

    Collection c;
    std::error_code ec;
    c.root = fs::absolute(csv, ec);
    c.layout = CollectionLayout::Manifest;
    const fs::path base = c.root.parent_path();
    // A file listed twice (by the same path or another) is analysed once.
    std::map<FileId, std::size_t> lineOfFile;
    std::map<fs::path, std::size_t> lineOfPath;
    for (std::size_t r = 0; r < table.rows.size(); ++r) {
        const auto& row = table.rows[r];
        const std::string where = csv.string() + ":" + std::to_string(table.lineOfRow[r]);
        const std::string& rawPath = row[std::size_t(pathCol)];
        if (rawPath.empty()) {
            diagnostics.add(where, "empty path; row skipped");
            continue;
        }
        Track t;
        fs::path p = fs::u8path(rawPath);
        t.path = p.is_absolute() ? p.lexically_normal() : (base / p).lexically_normal();
        const std::size_t line = table.lineOfRow[r];
        std::size_t firstLine = 0;
        if (const auto id = fileId(t.path)) {
            if (auto [at, inserted] = lineOfFile.try_emplace(*id, line); !inserted)
                firstLine = at->second;
        } else if (auto [at, inserted] = lineOfPath.try_emplace(t.path, line); !inserted) {
            firstLine = at->second;
        }
        if (firstLine) {
            diagnostics.add(where, "lists " + t.path.string() + " again (already on line " +
                                       std::to_string(firstLine) +
                                       "); row skipped, the file is analysed once");
            continue;
        }
        t.id = idCol >= 0 && !row[std::size_t(idCol)].empty() ? row[std::size_t(idCol)]
                                                              : relativeKey(t.path, base);
        if (labelCol >= 0)
            t.label = t.layoutLabel = row[std::size_t(labelCol)];
        if (const fs::path rel = fs::u8path(rawPath).lexically_normal();
            !p.is_absolute() && rel.has_parent_path() && *rel.begin() != "..")
            t.folder = rel.begin()->string();
        if (lyricsIdCol >= 0)
            t.lyricsKey = row[std::size_t(lyricsIdCol)];
        // An empty cell gives no lyrics: the file's own (tags, sidecar) may still be found.
        if (lyricsCol >= 0 && row[std::size_t(lyricsCol)].find_first_not_of(" \t\r\n") !=
                                  std::string::npos) {
            t.lyrics = row[std::size_t(lyricsCol)];
            t.hasInlineLyrics = true;
        }
        c.tracks.push_back(std::move(t));
    }
    makeIdsUnique(c);
    return c;
}

} // namespace atlas
