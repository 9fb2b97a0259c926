// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/io/playlist.h"

#include "engine/audio/decoder.h"
#include "engine/core/atomic_file.h"
#include "engine/core/error.h"
#include "engine/core/unicode.h"
#include "engine/core/user_file.h"

#include <cmath>
#include <fstream>
#include <sstream>
#include <system_error>

namespace atlas {

namespace fs = std::filesystem;

namespace {

// Well-formed UTF-8 (no overlongs, no surrogates, at most U+10FFFF), RFC 3629.
bool isUtf8(std::string_view s)
{
    std::size_t invalid = 0;
    decodeUtf8(s, &invalid);
    return invalid == 0;
}

bool needsUri(std::string_view s)
{
    if (s.empty() || !isUtf8(s))
        return true;
    for (const char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if (c < 0x20 || c == 0x7F)
            return true;
    }
    const auto blank = [](char c) { return c == ' ' || c == '\t'; };
    return blank(s.front()) || blank(s.back());
}

// RFC 3986: unreserved characters and '/' stay, every other byte becomes %XX.
std::string fileUri(const std::string& absolute)
{
    static const char* hex = "0123456789ABCDEF";
    std::string out = "file://";
    for (const char ch : absolute) {
        const auto c = static_cast<unsigned char>(ch);
        const bool keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                          (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
                          c == '~' || c == '/';
        if (keep) {
            out += ch;
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 0x0F];
        }
    }
    return out;
}

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

std::string percentDecode(std::string_view s)
{
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size()) {
            const int hi = hexValue(s[i + 1]);
            const int lo = hexValue(s[i + 2]);
            if (hi >= 0 && lo >= 0) {
                out += char(hi * 16 + lo);
                i += 2;
                continue;
            }
        }
        out += s[i];
    }
    return out;
}

std::string oneLine(std::string text)
{
    for (char& c : text)
        if (c == '\n' || c == '\r')
            c = ' ';
    return text;
}

fs::path normalisedAbsolute(const fs::path& p)
{
    std::error_code ec;
    fs::path absolute = fs::absolute(p, ec);
    if (ec)
        absolute = p;
    return absolute.lexically_normal();
}

} // namespace

std::string playlistTitle(const Track& track)
{
    if (!track.tags.title.empty())
        return track.tags.artist.empty() ? track.tags.title
                                         : track.tags.artist + " - " + track.tags.title;
    if (!track.path.empty())
        return track.path.filename().string();
    return track.id;
}

std::vector<PlaylistEntry> playlistEntries(std::span<const Track> tracks, bool probeDurations)
{
    std::vector<PlaylistEntry> entries;
    entries.reserve(tracks.size());
    for (const Track& track : tracks) {
        PlaylistEntry entry{track.path, playlistTitle(track), -1.0};
        if (probeDurations && !track.path.empty()) {
            const Outcome<AudioInfo> info = probeAudio(track.path);
            if (info && info->duration > 0.0 && std::isfinite(info->duration))
                entry.durationSeconds = info->duration;
        }
        entries.push_back(std::move(entry));
    }
    return entries;
}

std::string playlistLocation(const fs::path& track, const fs::path& playlistDir)
{
    const fs::path file = normalisedAbsolute(track);
    fs::path dir = normalisedAbsolute(playlistDir);
    if (!dir.has_filename() && dir.has_parent_path() && dir != dir.root_path())
        dir = dir.parent_path(); // "a/b/" -> "a/b"
    const fs::path relative = file.lexically_relative(dir);
    const bool under = !relative.empty() && *relative.begin() != ".." && relative != ".";

    if (under) {
        std::string location = relative.generic_string();
        if (!needsUri(location))
            return location.front() == '#' ? "./" + location : location;
    } else {
        const std::string location = file.generic_string();
        if (!needsUri(location))
            return location;
    }
    return fileUri(file.generic_string());
}

void writePlaylist(const fs::path& file, std::span<const PlaylistEntry> entries)
{
    const fs::path dir = normalisedAbsolute(file).parent_path();
    std::string text = "#EXTM3U\n";
    for (const PlaylistEntry& entry : entries) {
        const long seconds = entry.durationSeconds >= 0.0 && std::isfinite(entry.durationSeconds)
                                 ? std::lround(entry.durationSeconds)
                                 : -1L;
        text += "#EXTINF:" + std::to_string(seconds) + "," + oneLine(entry.title) + "\n";
        text += playlistLocation(entry.path, dir) + "\n";
    }

    writeFileAtomically(file, text, "the playlist");
}

constexpr std::uintmax_t MaxPlaylistBytes = 64'000'000;

std::vector<PlaylistEntry> readPlaylist(const fs::path& file)
{
    // A device or FIFO is refused before it is opened; a playlist is text of kilobytes.
    std::string text;
    if (auto reason = readUserFile(file, MaxPlaylistBytes, text))
        throw InputError(file.string() + ": cannot read the playlist (" + *reason + ")");
    if (text.rfind("\xEF\xBB\xBF", 0) == 0)
        text.erase(0, 3);

    const fs::path dir = normalisedAbsolute(file).parent_path();
    std::vector<PlaylistEntry> entries;
    double duration = -1.0;
    std::string title;
    bool haveInfo = false;
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        if (line.empty())
            continue;
        if (line.front() == '#') {
            if (line.rfind("#EXTINF:", 0) == 0) {
                const std::size_t comma = line.find(',', 8);
                const std::string number = line.substr(8, comma == std::string::npos
                                                              ? std::string::npos
                                                              : comma - 8);
                char* end = nullptr;
                const double value = std::strtod(number.c_str(), &end);
                duration = end != number.c_str() && value >= 0.0 ? value : -1.0;
                title = comma == std::string::npos ? std::string() : line.substr(comma + 1);
                haveInfo = true;
            }
            continue;
        }
        fs::path path;
        if (line.rfind("file://", 0) == 0) {
            std::string rest = line.substr(7);
            if (rest.rfind("localhost/", 0) == 0)
                rest.erase(0, 9);
            path = fs::path(percentDecode(rest));
        } else {
            path = fs::path(line);
            if (path.is_relative())
                path = dir / path;
        }
        PlaylistEntry entry;
        entry.path = path.lexically_normal();
        entry.durationSeconds = haveInfo ? duration : -1.0;
        entry.title = haveInfo && !title.empty() ? title : entry.path.filename().string();
        entries.push_back(std::move(entry));
        haveInfo = false;
        duration = -1.0;
        title.clear();
    }
    return entries;
}

} // namespace atlas
