// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/data/metadata.h"

#include "engine/core/atomic_file.h"
#include "engine/core/archive.h"
#include "engine/core/binary_container.h"
#include "engine/core/parallel.h"
#include "engine/core/text.h"
#include "engine/data/feature_cache.h"
#include "engine/data/paths.h"
#include "engine/data/track_tags_io.h"
#include "engine/core/unicode.h"
#include "engine/core/user_file.h"

#include <taglib/apefile.h>
#include <taglib/asffile.h>
#include <taglib/fileref.h>
#include <taglib/flacfile.h>
#include <taglib/id3v1genres.h>
#include <taglib/id3v2tag.h>
#include <taglib/mp4file.h>
#include <taglib/mp4properties.h>
#include <taglib/mpegfile.h>
#include <taglib/oggflacfile.h>
#include <taglib/opusfile.h>
#include <taglib/rifffile.h>
#include <taglib/aifffile.h>
#include <taglib/taglib.h>
#include <taglib/tpropertymap.h>
#include <taglib/vorbisfile.h>
#include <taglib/wavfile.h>
#include <taglib/wavpackfile.h>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <fstream>
#include <set>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

namespace fs = std::filesystem;

namespace atlas {

namespace {

// Trims, collapses runs of spaces, removes control characters. Returns true when it had to
// remove control characters or replacement characters (a sign of a wrong encoding).
bool cleanField(std::string& s)
{
    const std::u32string cps = decodeUtf8(s);
    std::u32string out;
    bool damaged = false;
    bool space = false;
    for (char32_t c : cps) {
        if (c == ReplacementCharacter || (c < 0x20 && c != '\t' && c != '\n' && c != '\r') ||
            c == 0x7F) {
            damaged = true;
            continue;
        }
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            space = !out.empty();
            continue;
        }
        if (space)
            out.push_back(U' ');
        space = false;
        out.push_back(c);
    }
    s = encodeUtf8(out);
    return damaged;
}

// Lyrics keep their lines: CR LF and CR become LF, lines are trimmed at the end, invalid
// characters dropped, leading and trailing blank lines removed.
bool cleanLyrics(std::string& s)
{
    const std::u32string cps = decodeUtf8(s);
    std::u32string out;
    bool damaged = false;
    for (std::size_t i = 0; i < cps.size(); ++i) {
        char32_t c = cps[i];
        if (c == U'\r') {
            if (i + 1 < cps.size() && cps[i + 1] == U'\n')
                continue;
            c = U'\n';
        }
        if (c == ReplacementCharacter || (c < 0x20 && c != '\t' && c != '\n') || c == 0x7F) {
            damaged = damaged || c == ReplacementCharacter || c != 0;
            continue;
        }
        if (c == U'\n')
            while (!out.empty() && (out.back() == U' ' || out.back() == U'\t'))
                out.pop_back();
        out.push_back(c);
    }
    s = trimmed(encodeUtf8(out));
    return damaged;
}

std::string utf8(const TagLib::String& s) { return s.to8Bit(true); }

std::string fieldOf(const TagLib::PropertyMap& props, const char* key)
{
    const auto it = props.find(key);
    return it == props.end() || it->second.isEmpty() ? std::string() : utf8(it->second.front());
}

// "MP3" for "/a/b.mp3": the extension without its dot, in capitals.
std::string extensionName(const fs::path& path)
{
    std::string ext = path.extension().string();
    if (!ext.empty())
        ext.erase(0, 1);
    return upperAscii(ext);
}

std::string formatOf(TagLib::File* file, const fs::path& path)
{
    const std::string ext = extensionName(path);
    if (auto* mp4 = dynamic_cast<TagLib::MP4::File*>(file)) {
        const std::string container = ext == "MP4" ? "MP4" : "M4A";
        if (const auto* p = mp4->audioProperties())
            return container + (p->codec() == TagLib::MP4::Properties::ALAC ? " (ALAC)"
                                : p->codec() == TagLib::MP4::Properties::AAC ? " (AAC)"
                                                                              : "");
        return container;
    }
    if (dynamic_cast<TagLib::MPEG::File*>(file))
        return "MP3";
    if (dynamic_cast<TagLib::FLAC::File*>(file))
        return "FLAC";
    if (dynamic_cast<TagLib::Ogg::Vorbis::File*>(file))
        return "Ogg Vorbis";
    if (dynamic_cast<TagLib::Ogg::Opus::File*>(file))
        return "Ogg Opus";
    if (dynamic_cast<TagLib::Ogg::FLAC::File*>(file))
        return "Ogg FLAC";
    if (dynamic_cast<TagLib::RIFF::WAV::File*>(file))
        return "WAV";
    if (dynamic_cast<TagLib::RIFF::AIFF::File*>(file))
        return "AIFF";
    if (dynamic_cast<TagLib::APE::File*>(file))
        return "Monkey's Audio (APE)";
    if (dynamic_cast<TagLib::WavPack::File*>(file))
        return "WavPack";
    if (dynamic_cast<TagLib::ASF::File*>(file))
        return "WMA";
    return ext;
}

// The tag name that holds lyrics in this kind of file, for the details panel.
std::string lyricsTagName(TagLib::File* file, const std::string& key)
{
    if (dynamic_cast<TagLib::MPEG::File*>(file) || dynamic_cast<TagLib::RIFF::File*>(file))
        return "USLT";
    if (dynamic_cast<TagLib::MP4::File*>(file))
        return "\u00A9lyr";
    if (dynamic_cast<TagLib::APE::File*>(file) || dynamic_cast<TagLib::WavPack::File*>(file))
        return "APE Lyrics";
    if (dynamic_cast<TagLib::ASF::File*>(file))
        return "WM/Lyrics";
    return key;
}

// Lyrics longer than this are not lyrics (a mis-tagged document or binary data).
constexpr std::size_t MaxLyricsBytes = std::size_t(1) << 20;

int leadingInt(const std::string& s)
{
    int v = 0, digits = 0;
    for (char c : s) {
        if (c < '0' || c > '9' || digits >= 6)
            break;
        v = v * 10 + (c - '0');
        ++digits;
    }
    return v;
}

} // namespace

std::vector<std::string> normaliseGenres(const std::vector<std::string>& values)
{
    // ID3v1's genre names by their lower-case spelling, built once (this runs per file).
    static const std::unordered_map<std::string, std::string> canonical = [] {
        std::unordered_map<std::string, std::string> names;
        for (const TagLib::String& name : TagLib::ID3v1::genreList())
            names.emplace(lowerAscii(utf8(name)), utf8(name));
        return names;
    }();
    std::vector<std::string> out;
    std::set<std::string> seen;
    auto add = [&](std::string g) {
        cleanField(g);
        if (g.empty())
            return;
        // ID3v1 numbers: "(17)", "17", "(17)Rock" (ID3v2.3 refinement: the text wins).
        if (g[0] == '(') {
            const auto close = g.find(')');
            if (close != std::string::npos && close > 1 &&
                std::all_of(g.begin() + 1, g.begin() + long(close),
                            [](char c) { return c >= '0' && c <= '9'; })) {
                const std::string rest = trimmed(g.substr(close + 1));
                g = rest.empty() ? utf8(TagLib::ID3v1::genre(leadingInt(g.substr(1)))) : rest;
            } else if (g == "(RX)" || g == "(CR)") {
                g = g == "(RX)" ? "Remix" : "Cover";
            }
        } else if (g.size() <= 3 && std::all_of(g.begin(), g.end(),
                                                [](char c) { return c >= '0' && c <= '9'; })) {
            g = utf8(TagLib::ID3v1::genre(leadingInt(g)));
        }
        if (g.empty())
            return;
        // A known ID3v1 genre in any case takes its canonical spelling.
        if (const auto known = canonical.find(lowerAscii(g)); known != canonical.end())
            g = known->second;
        if (seen.insert(lowerAscii(g)).second)
            out.push_back(std::move(g));
    };
    // Names that hold a slash themselves: ID3v1's ("Folk/Rock", "Rock & Roll"...) and the
    // music stores' common ones. Any other slash separates two genres.
    static const std::set<std::string> slashed = [] {
        std::set<std::string> names = {"singer/songwriter", "hip-hop/rap", "r&b/soul",
                                       "folk/rock", "rock/pop", "children's music/kids"};
        for (const auto& [lower, name] : canonical)
            if (lower.find('/') != std::string::npos)
                names.insert(lower);
        return names;
    }();
    for (const std::string& value : values) {
        std::size_t start = 0;
        for (std::size_t i = 0; i <= value.size(); ++i) {
            const bool slash = i < value.size() && value[i] == '/';
            if (slash) {
                // Keep "Folk/Rock" whole when the part up to the next separator is a name.
                std::size_t end = value.find_first_of(";|", start);
                end = end == std::string::npos ? value.size() : end;
                if (slashed.count(lowerAscii(trimmed(value.substr(start, end - start))))) {
                    i = end - 1;
                    continue;
                }
            }
            if (i == value.size() || value[i] == ';' || slash || value[i] == '|' ||
                value[i] == '\0') {
                add(value.substr(start, i - start));
                start = i + 1;
            }
        }
    }
    return out;
}

TagReadResult readTags(const fs::path& file)
{
    TagReadResult result;
    try {
        TagLib::FileRef ref(file.c_str(), true, TagLib::AudioProperties::Fast);
        if (ref.isNull() || !ref.file() || !ref.file()->isValid())
            return result;   // not a format TagLib knows; the decoder reports bad audio
        TagLib::File* f = ref.file();
        TrackTags& t = result.tags;
        t.format = formatOf(f, file);
        if (const TagLib::AudioProperties* p = ref.audioProperties()) {
            t.duration = p->lengthInMilliseconds() / 1000.0;
            t.sampleRate = p->sampleRate();
            t.channels = p->channels();
        }
        if (auto* mpeg = dynamic_cast<TagLib::MPEG::File*>(f)) {
            // TagLib skips what it cannot parse without a word; say when the tag is damaged:
            // a size that is not synchsafe or runs past the end of the file, or a tag whose
            // first frame is not padding yet yields no frame.
            f->seek(0);
            const TagLib::ByteVector head = f->readBlock(10);
            if (head.size() == 10 && head.startsWith(TagLib::ByteVector("ID3", 3))) {
                bool synchsafe = true;
                long long size = 0;
                for (int i = 6; i < 10; ++i) {
                    const auto b = static_cast<unsigned char>(head[i]);
                    synchsafe = synchsafe && b < 0x80;
                    size = (size << 7) | (b & 0x7F);
                }
                if (!synchsafe || size + 10 > static_cast<long long>(f->length())) {
                    result.problems.push_back("the ID3v2 tag is damaged (its size is invalid); "
                                              "its fields were ignored");
                } else if (size > 0 && (!mpeg->hasID3v2Tag() ||
                                        mpeg->ID3v2Tag()->frameList().isEmpty())) {
                    f->seek(10);
                    const TagLib::ByteVector first = f->readBlock(1);
                    if (!first.isEmpty() && first[0] != 0)
                        result.problems.push_back("the ID3v2 tag is damaged (none of its frames "
                                                  "could be read); its fields were ignored");
                }
            }
        }
        const TagLib::PropertyMap props = f->properties();
        if (const TagLib::Tag* tag = ref.tag()) {
            t.title = utf8(tag->title());
            t.artist = utf8(tag->artist());
            t.album = utf8(tag->album());
            t.year = int(tag->year());
            t.trackNumber = int(tag->track());
        }
        t.albumArtist = fieldOf(props, "ALBUMARTIST");
        if (t.year == 0)
            t.year = leadingInt(fieldOf(props, "DATE"));
        if (t.year < 0 || t.year > 9999)
            t.year = 0;
        std::vector<std::string> genres;
        if (const auto it = props.find("GENRE"); it != props.end())
            for (const TagLib::String& g : it->second)
                genres.push_back(utf8(g));
        t.genres = normaliseGenres(genres);

        // Lyrics: LYRICS (ID3v2 USLT, MP4 ©lyr, Vorbis, APE, ASF), else a described USLT
        // ("LYRICS:eng"), else UNSYNCEDLYRICS.
        std::string lyricsKey;
        for (const auto& [key, values] : props) {
            const std::string k = utf8(key);
            const bool exact = k == "LYRICS";
            const bool described = k.rfind("LYRICS:", 0) == 0;
            const bool unsynced = k == "UNSYNCEDLYRICS" || k == "UNSYNCED LYRICS";
            if (!(exact || described || unsynced) || values.isEmpty())
                continue;
            const bool better = lyricsKey.empty() || (exact && lyricsKey != "LYRICS") ||
                                (described && lyricsKey != "LYRICS" &&
                                 lyricsKey.rfind("LYRICS:", 0) != 0);
            std::string text = utf8(values.front());
            if (better && !trimmed(text).empty()) {
                lyricsKey = k;
                t.lyrics = std::move(text);
            }
        }
        if (t.lyrics.size() > MaxLyricsBytes) {
            result.problems.push_back("the embedded lyrics are " +
                                      std::to_string(t.lyrics.size() / 1024) +
                                      " KB, more than lyrics can be (1 MB); ignored");
            t.lyrics.clear();
        }
        if (!t.lyrics.empty()) {
            const bool unsynced = lyricsKey.rfind("UNSYNCED", 0) == 0;
            t.lyricsTag = unsynced ? "UNSYNCEDLYRICS" : lyricsTagName(f, "LYRICS");
            if (cleanLyrics(t.lyrics))
                result.problems.push_back("the embedded lyrics (" + t.lyricsTag +
                                          ") hold invalid characters; they were removed");
        }
        std::vector<std::string> damaged;
        for (auto [name, field] : {std::pair<const char*, std::string*>{"title", &t.title},
                                   {"artist", &t.artist},
                                   {"album", &t.album},
                                   {"album artist", &t.albumArtist}})
            if (cleanField(*field))
                damaged.push_back(name);
        if (!damaged.empty()) {
            std::string names;
            for (std::size_t i = 0; i < damaged.size(); ++i)
                names += (i ? ", " : "") + damaged[i];
            result.problems.push_back("the " + names + " tag" + (damaged.size() > 1 ? "s" : "") +
                                      " held invalid text (a wrong encoding?); the bad "
                                      "characters were removed");
        }
    } catch (const std::exception& e) {
        result.problems.push_back(std::string("the tags cannot be read (") + e.what() + ")");
    }
    return result;
}

std::string lyricsFromLrc(std::string_view lrc)
{
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start <= lrc.size()) {
        std::size_t end = lrc.find('\n', start);
        if (end == std::string_view::npos)
            end = lrc.size();
        std::string line(lrc.substr(start, end - start));
        start = end + 1;
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        line = trimmed(line);
        // Leading tags: time tags [mm:ss], [mm:ss.xx], [mm:ss:xx] are removed; an ID tag
        // ([ar:Artist], [offset:+100], [#comment]) makes the whole line metadata.
        bool metadata = false;
        while (!line.empty() && line[0] == '[') {
            const auto close = line.find(']');
            if (close == std::string::npos)
                break;
            const std::string tag = line.substr(1, close - 1);
            const auto colon = tag.find(':');
            const bool time = colon != std::string::npos && colon > 0 &&
                              std::all_of(tag.begin(), tag.begin() + long(colon),
                                          [](char c) { return c >= '0' && c <= '9'; }) &&
                              std::all_of(tag.begin() + long(colon) + 1, tag.end(), [](char c) {
                                  return (c >= '0' && c <= '9') || c == '.' || c == ':';
                              });
            if (!time) {
                const bool idTag = (colon != std::string::npos && colon > 0 &&
                                    std::all_of(tag.begin(), tag.begin() + long(colon),
                                                [](char c) {
                                                    return std::isalpha(
                                                               static_cast<unsigned char>(c)) ||
                                                           c == '#';
                                                })) ||
                                   (!tag.empty() && tag[0] == '#');
                metadata = idTag;
                break;
            }
            line = trimmed(line.substr(close + 1));
        }
        if (metadata)
            continue;
        // Enhanced LRC word times: <mm:ss.xx>.
        for (std::size_t lt = line.find('<'); lt != std::string::npos; lt = line.find('<', lt)) {
            const auto gt = line.find('>', lt);
            if (gt == std::string::npos)
                break;
            const std::string inner = line.substr(lt + 1, gt - lt - 1);
            if (!inner.empty() && std::all_of(inner.begin(), inner.end(), [](char c) {
                    return (c >= '0' && c <= '9') || c == '.' || c == ':';
                }))
                line.erase(lt, gt - lt + 1);
            else
                lt = gt;
        }
        lines.push_back(trimmed(line));
    }
    // Blank lines separate verses: a run of them becomes one, leading and trailing ones go.
    std::string out;
    bool pendingBlank = false;
    for (const std::string& line : lines) {
        if (line.empty()) {
            pendingBlank = !out.empty();
            continue;
        }
        if (!out.empty())
            out += pendingBlank ? "\n\n" : "\n";
        out += line;
        pendingBlank = false;
    }
    return trimmed(out);
}

namespace {

// Text of a sidecar file as UTF-8: BOMs honoured, UTF-16 converted, Latin-1 recognised.
std::string sidecarText(std::string bytes, std::string& note)
{
    auto fromUtf16 = [&](bool little) {
        std::u32string cps;
        for (std::size_t i = 2; i + 1 < bytes.size(); i += 2) {
            char32_t u = little ? char32_t((unsigned char)bytes[i]) |
                                      char32_t((unsigned char)bytes[i + 1]) << 8
                                : char32_t((unsigned char)bytes[i]) << 8 |
                                      char32_t((unsigned char)bytes[i + 1]);
            if (u >= 0xD800 && u < 0xDC00 && i + 3 < bytes.size()) {
                const char32_t lo = little ? char32_t((unsigned char)bytes[i + 2]) |
                                                 char32_t((unsigned char)bytes[i + 3]) << 8
                                           : char32_t((unsigned char)bytes[i + 2]) << 8 |
                                                 char32_t((unsigned char)bytes[i + 3]);
                if (lo >= 0xDC00 && lo < 0xE000) {
                    u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
                    i += 2;
                }
            }
            cps.push_back(u);
        }
        return encodeUtf8(cps);
    };
    if (bytes.size() >= 2 && (unsigned char)bytes[0] == 0xFF && (unsigned char)bytes[1] == 0xFE)
        return fromUtf16(true);
    if (bytes.size() >= 2 && (unsigned char)bytes[0] == 0xFE && (unsigned char)bytes[1] == 0xFF)
        return fromUtf16(false);
    if (bytes.rfind("\xEF\xBB\xBF", 0) == 0)
        bytes.erase(0, 3);
    std::size_t invalid = 0;
    const std::u32string cps = decodeUtf8(bytes, &invalid);
    if (invalid == 0)
        return bytes;
    // No valid multi-byte sequence at all: an 8-bit encoding, most likely Latin-1/CP1252.
    const bool anyMultibyte = std::any_of(cps.begin(), cps.end(), [](char32_t c) {
        return c >= 0x80 && c != ReplacementCharacter;
    });
    if (!anyMultibyte) {
        // Windows-1252, the superset of Latin-1 that Windows tools write: 0x80-0x9F are
        // punctuation (’ “ ” – …), not control characters.
        static const char32_t cp1252[32] = {
            0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
            0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD,
            0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
            0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178};
        note = "not UTF-8; read as Windows-1252 (Latin-1)";
        std::u32string latin;
        for (unsigned char c : bytes)
            latin.push_back(c >= 0x80 && c < 0xA0 ? cp1252[c - 0x80] : char32_t(c));
        return encodeUtf8(latin);
    }
    note = std::to_string(invalid) + " invalid UTF-8 sequence" + (invalid > 1 ? "s" : "") +
           " replaced";
    return encodeUtf8(cps);
}

constexpr std::uintmax_t MaxSidecarBytes = MaxLyricsBytes;

std::optional<std::string> readSidecarFile(const fs::path& sidecar, Diagnostics& diagnostics)
{
    std::error_code ec;
    const auto status = fs::status(sidecar, ec);
    if (ec || !fs::exists(status))
        return std::nullopt;
    if (!fs::is_regular_file(status)) {
        diagnostics.add(sidecar, "is not a regular file (a folder, pipe or device); not read "
                                 "as lyrics");
        return std::nullopt;
    }
    const auto size = fs::file_size(sidecar, ec);
    if (ec) {
        diagnostics.add(sidecar, "cannot read the lyrics file (" + ec.message() + ")");
        return std::nullopt;
    }
    if (size > MaxSidecarBytes) {
        diagnostics.add(sidecar, "the lyrics file is " + std::to_string(size / 1024) +
                                     " KB, more than lyrics can be (1 MB); ignored");
        return std::nullopt;
    }
    // Opened without blocking and checked again once open: a FIFO put in its place meanwhile
    // is refused instead of waited on.
    std::string bytes;
    if (auto reason = readUserFile(sidecar, MaxSidecarBytes, bytes)) {
        diagnostics.add(sidecar, "cannot read the lyrics file: " + *reason);
        return std::nullopt;
    }
    std::string note;
    std::string text = sidecarText(std::move(bytes), note);
    if (text.find('\0') != std::string::npos) {
        diagnostics.add(sidecar, "not a text file (it holds NUL bytes); ignored");
        return std::nullopt;
    }
    if (!note.empty())
        diagnostics.add(sidecar, "lyrics file " + note);
    const std::string ext = lowerAscii(sidecar.extension().string());
    text = ext == ".lrc" ? lyricsFromLrc(text) : text;
    cleanLyrics(text);
    if (text.empty())
        return std::nullopt;
    return text;
}

} // namespace

namespace {

// The files of each folder by lower-cased name, listed once, so that looking for sidecar
// lyrics costs no system call per track and finds "Song.LRC" for "Song.mp3".
class FolderListing {
public:
    /// The file's path as the folder spells it, if a name matches ignoring case.
    std::optional<fs::path> find(const fs::path& file)
    {
        const fs::path dir = file.parent_path();
        auto it = m_names.find(dir.string());
        if (it == m_names.end()) {
            std::unordered_map<std::string, fs::path> names;
            std::error_code ec;
            for (fs::directory_iterator d(dir, ec), end; !ec && d != end; d.increment(ec))
                names.emplace(lowerAscii(d->path().filename().string()), d->path());
            it = m_names.emplace(dir.string(), std::move(names)).first;
        }
        const auto found = it->second.find(lowerAscii(file.filename().string()));
        if (found == it->second.end())
            return std::nullopt;
        return found->second;
    }

private:
    std::unordered_map<std::string, std::unordered_map<std::string, fs::path>> m_names;
};

} // namespace

std::optional<std::string> readSidecarLyrics(const fs::path& audioFile, Diagnostics& diagnostics,
                                             fs::path* sidecar)
{
    // The folder's own spelling of the name, whatever its case ("Song.LRC", "song.txt").
    FolderListing listing;
    std::vector<fs::path> candidates;
    for (const char* ext : {".lrc", ".txt"}) {
        fs::path name = audioFile;
        name.replace_extension(ext);
        if (auto real = listing.find(name))
            candidates.push_back(std::move(*real));
    }
    // An unusable .lrc (empty once its tags are gone, a folder, too large) falls through to
    // the .txt.
    for (const fs::path& candidate : candidates)
        if (auto text = readSidecarFile(candidate, diagnostics)) {
            if (sidecar)
                *sidecar = candidate;
            return text;
        }
    return std::nullopt;
}

template <class A>
void describe(A& a, TagReadResult& r)
{
    a(r.tags, r.problems);
}

namespace {

// The persistent tag cache: path -> (size, mtime, tags, problems). One binary container
// (binary_container.h) replaced atomically; a damaged file is ignored.
class TagCache {
public:
    struct Entry {
        FileIdentity identity;
        TagReadResult result;

        template <class A>
        friend void describe(A& a, Entry& e)
        {
            a(e.identity, e.result);
        }
    };

    explicit TagCache(fs::path directory)
    {
        if (directory.empty())
            return;
        m_file = directory / ("tags-v" + std::to_string(Format.version) + ".cache");
        load();
    }

    const fs::path& file() const { return m_file; }

    const TagReadResult* lookup(const std::string& path, const FileIdentity& identity) const
    {
        const auto it = m_entries.find(path);
        return it != m_entries.end() && it->second.identity == identity ? &it->second.result
                                                                        : nullptr;
    }
    void store(const std::string& path, const FileIdentity& identity, TagReadResult result)
    {
        if (m_file.empty())
            return;
        m_entries[path] = Entry{identity, std::move(result)};
        m_stored.insert(path);
        m_dirty = true;
    }

    bool save(std::string& error)
    {
        if (m_file.empty() || !m_dirty)
            return true;
        std::error_code ec;
        fs::create_directories(m_file.parent_path(), ec);
        // Another process may have saved since this one loaded (two scans at once): under the
        // lock, take what it added and keep what this one read anew, so neither is lost.
        std::optional<FileLock> lock;
        try {
            lock.emplace(m_file.string() + ".lock");
        } catch (const InputError& e) {
            error = e.what();
            return false;
        }
        TagCache onDisk(m_file.parent_path());
        for (auto& [path, entry] : onDisk.m_entries)
            if (!m_stored.count(path))
                m_entries[path] = std::move(entry);
        detail::WriteArchive payload(Format.version, m_file.string(), Format.what);
        payload(m_entries);
        const std::vector<unsigned char> bytes = detail::containerBytes(Format, payload.bytes());

        try {
            AtomicFile out(m_file, "the tag cache");
            out.write(bytes.data(), bytes.size());
            out.commit();
        } catch (const InputError& e) {
            error = e.what();
            return false;
        }
        m_stored.clear();
        m_dirty = false;
        return true;
    }

private:
    // The fields of TrackTags (track_tags_io.h) and what readTags() reports; bump the version
    // when either changes so that tags read by older code are read again.
    static constexpr detail::ContainerFormat Format{detail::TagCacheSignature, "tag cache", 3, 3,
                                                    std::uint64_t(1) << 32};

    void load()
    {
        try {
            const detail::ContainerFile f = detail::readContainerFile(m_file, Format);
            detail::ReadArchive a(f.container.payload, f.container.size, m_file.string(),
                                  Format.what, f.container.version);
            std::unordered_map<std::string, Entry> entries;
            a(entries);
            if (a.atEnd())
                m_entries = std::move(entries);
        } catch (const std::exception&) {
            // A missing, damaged or foreign cache is rebuilt, never fatal.
        }
    }

    fs::path m_file;
    std::unordered_map<std::string, Entry> m_entries;
    std::unordered_set<std::string> m_stored; ///< paths read anew since the last save
    bool m_dirty = false;
};

} // namespace

MetadataStats readCollectionMetadata(std::vector<Track>& tracks, const MetadataConfig& cfg,
                                     Diagnostics& diagnostics, const Progress& progress)
{
    MetadataStats stats;
    const int n = int(tracks.size());
    const std::size_t size = tracks.size();
    ThreadScope threads(cfg.threads);
    progress.report(0.0, "reading tags");

    fs::path cacheDir;
    if (cfg.useCache)
        cacheDir = cfg.cacheDir.empty() ? userCacheDir() / "features" : cfg.cacheDir;
    TagCache cache(cfg.tags ? cacheDir : fs::path());
    stats.cacheFile = cache.file();

    // Which files need reading, and which have sidecar candidates (listed per folder).
    std::vector<std::string> keys(size);
    std::vector<std::optional<FileIdentity>> identities(size);
    std::vector<const TagReadResult*> cached(size, nullptr);
    std::vector<std::vector<fs::path>> sidecars(size);
    FolderListing listing;
    for (int i = 0; i < n; ++i) {
        const Track& t = tracks[std::size_t(i)];
        if (t.path.empty())
            continue;
        std::error_code ec;
        keys[std::size_t(i)] = fs::absolute(t.path, ec).string();
        if (cfg.tags) {
            identities[std::size_t(i)] = fileIdentity(t.path);
            if (identities[std::size_t(i)])
                cached[std::size_t(i)] = cache.lookup(keys[std::size_t(i)],
                                                      *identities[std::size_t(i)]);
        }
        if (cfg.sidecars && !t.hasInlineLyrics) {
            for (const char* ext : {".lrc", ".txt"}) {
                fs::path candidate = t.path;
                candidate.replace_extension(ext);
                if (auto real = listing.find(candidate))
                    sidecars[std::size_t(i)].push_back(std::move(*real));
            }
        }
    }

    std::vector<TagReadResult> fresh(size);
    std::vector<char> isFresh(size, 0);
    std::vector<std::optional<std::string>> sidecarText(size);
    std::vector<std::vector<Issue>> sidecarIssues(size);
    std::atomic<int> done{0};
#pragma omp parallel for schedule(dynamic, 16)
    for (int i = 0; i < n; ++i) {
        if (progress.isCancelled())
            continue;
        const std::size_t k = std::size_t(i);
        const Track& t = tracks[k];
        if (!t.path.empty()) {
            try {
                if (cfg.tags && !cached[k] && identities[k]) {
                    fresh[k] = readTags(t.path);
                    isFresh[k] = 1;
                }
                if (!sidecars[k].empty()) {
                    Diagnostics local;
                    // Only the first usable one stays in the list: the file the lyrics came from.
                    for (std::size_t c = 0; c < sidecars[k].size(); ++c)
                        if ((sidecarText[k] = readSidecarFile(sidecars[k][c], local))) {
                            sidecars[k] = {sidecars[k][c]};
                            break;
                        }
                    sidecarIssues[k] = local.issues();
                }
            } catch (const std::exception& e) {
                sidecarIssues[k].push_back(
                    Issue{t.path, std::string("cannot read the tags (") + e.what() + ")"});
            }
        }
        const int finished = ++done;
        if (threadIndex() == 0 && (finished % 64 == 0 || finished == n))
            progress.report(double(finished) / std::max(1, n), "reading tags");
    }
    progress.throwIfCancelled();

    for (int i = 0; i < n; ++i) {
        const std::size_t k = std::size_t(i);
        Track& t = tracks[k];
        const TagReadResult* result = cached[k];
        if (isFresh[k]) {
            ++stats.read;
            cache.store(keys[k], *identities[k], fresh[k]);
            result = &fresh[k];
        } else if (result) {
            ++stats.fromCache;
        }
        if (result) {
            t.tags = result->tags;
            for (const std::string& p : result->problems)
                diagnostics.add(t.path, p);
        }
        for (Issue& issue : sidecarIssues[k])
            diagnostics.add(std::move(issue));
        if (t.hasInlineLyrics) {
            t.lyricsSource = LyricsSource::Manifest;
        } else if (!t.tags.lyrics.empty()) {
            t.lyrics = t.tags.lyrics;
            t.lyricsSource = LyricsSource::Embedded;
        } else if (sidecarText[k]) {
            t.lyrics = std::move(*sidecarText[k]);
            t.lyricsSource = LyricsSource::Sidecar;
            t.lyricsFile = sidecars[k].front();
        }
    }
    std::string error;
    if (!cache.save(error))
        diagnostics.add(cache.file(), error + "; tags will be read again next time");
    progress.report(1.0, "tags read");
    return stats;
}

const char* labelSourceKey(LabelSource source)
{
    switch (source) {
    case LabelSource::Auto: return "auto";
    case LabelSource::Genre: return "genre";
    case LabelSource::Folder: return "folder";
    case LabelSource::Artist: return "artist";
    case LabelSource::Album: return "album";
    case LabelSource::Year: return "year";
    case LabelSource::Decade: return "decade";
    case LabelSource::Layout: return "layout";
    case LabelSource::None: return "none";
    }
    return "auto";
}

std::optional<LabelSource> parseLabelSource(const std::string& word)
{
    for (LabelSource s : {LabelSource::Auto, LabelSource::Genre, LabelSource::Folder,
                          LabelSource::Artist, LabelSource::Album, LabelSource::Year,
                          LabelSource::Decade, LabelSource::Layout, LabelSource::None})
        if (word == labelSourceKey(s))
            return s;
    return std::nullopt;
}

std::string applyLabels(std::vector<Track>& tracks, LabelSource source, LabelSource* resolved,
                        const char* layoutWhat)
{
    const int n = int(tracks.size());
    const std::size_t size = tracks.size();
    int withGenre = 0;
    for (const Track& t : tracks)
        withGenre += !t.tags.genres.empty();
    if (source == LabelSource::Auto)
        source = withGenre > 0 && 2 * withGenre >= n ? LabelSource::Genre : LabelSource::Layout;
    if (resolved)
        *resolved = source;

    // Genre spellings that differ only in case count as one: the most frequent spelling wins.
    std::map<std::string, std::map<std::string, int>> spellings;
    if (source == LabelSource::Genre)
        for (const Track& t : tracks)
            if (!t.tags.genres.empty())
                ++spellings[lowerAscii(t.tags.genre())][t.tags.genre()];
    auto valueOf = [&](const Track& t) -> std::string {
        switch (source) {
        case LabelSource::Genre: {
            if (t.tags.genres.empty())
                return {};
            const auto& counts = spellings[lowerAscii(t.tags.genre())];
            return std::max_element(counts.begin(), counts.end(),
                                    [](const auto& a, const auto& b) {
                                        return a.second < b.second;   // ties: first by name
                                    })
                ->first;
        }
        case LabelSource::Folder: return t.folder;
        case LabelSource::Artist: return t.tags.artist.empty() ? t.tags.albumArtist : t.tags.artist;
        case LabelSource::Album: return t.tags.album;
        case LabelSource::Year: return t.tags.year > 0 ? std::to_string(t.tags.year) : "";
        case LabelSource::Decade:
            return t.tags.year > 0 ? std::to_string(t.tags.year / 10 * 10) + "s" : "";
        case LabelSource::Layout: return t.layoutLabel;
        case LabelSource::Auto:
        case LabelSource::None: return {};
        }
        return {};
    };
    std::vector<std::string> values(size);
    int have = 0;
    for (int i = 0; i < n; ++i) {
        values[std::size_t(i)] = valueOf(tracks[std::size_t(i)]);
        have += !values[std::size_t(i)].empty();
    }
    const bool unlabelled = source == LabelSource::None || have == 0;
    for (int i = 0; i < n; ++i) {
        std::string& v = values[std::size_t(i)];
        tracks[std::size_t(i)].label = unlabelled ? std::string() : v.empty() ? UnknownLabel : v;
    }

    const std::map<LabelSource, const char*> what = {
        {LabelSource::Genre, "genre tag"},     {LabelSource::Folder, "first sub-folder"},
        {LabelSource::Artist, "artist tag"},   {LabelSource::Album, "album tag"},
        {LabelSource::Year, "year tag"},       {LabelSource::Decade, "decade of the year tag"},
        {LabelSource::Layout, layoutWhat}};
    if (source == LabelSource::None)
        return "none (unlabelled)";
    if (have == 0)
        return std::string(what.at(source)) + ": no track has one (unlabelled)";
    std::string text = std::string(what.at(source)) + ": " + std::to_string(have) + " of " +
                       std::to_string(n) + " tracks";
    if (have < n)
        text += ", " + std::to_string(n - have) + " \"" + UnknownLabel + "\"";
    return text;
}

LibraryCoverage libraryCoverage(const std::vector<Track>& tracks)
{
    LibraryCoverage c;
    c.tracks = int(tracks.size());
    for (const Track& t : tracks) {
        if (!t.path.empty()) {
            const std::string ext = extensionName(t.path);
            ++c.formats[ext.empty() ? std::string("(none)") : ext];
        }
        c.title += !t.tags.title.empty();
        c.artist += !t.tags.artist.empty();
        c.album += !t.tags.album.empty();
        c.genre += !t.tags.genres.empty();
        c.year += t.tags.year > 0;
        c.trackNumber += t.tags.trackNumber > 0;
        switch (t.lyricsSource) {
        case LyricsSource::None: ++c.lyricsNone; break;
        case LyricsSource::Embedded: ++c.lyricsEmbedded; break;
        case LyricsSource::Sidecar: ++c.lyricsSidecar; break;
        case LyricsSource::Csv: ++c.lyricsCsv; break;
        case LyricsSource::Manifest: ++c.lyricsManifest; break;
        }
    }
    return c;
}

std::vector<std::string> describeCoverage(const LibraryCoverage& c)
{
    std::vector<std::string> lines;
    std::vector<std::pair<std::string, int>> formats(c.formats.begin(), c.formats.end());
    std::stable_sort(formats.begin(), formats.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    std::string first = std::to_string(c.tracks) + " track" + (c.tracks == 1 ? "" : "s");
    for (std::size_t i = 0; i < formats.size(); ++i)
        first += (i ? ", " : ": ") + std::to_string(formats[i].second) + " " + formats[i].first;
    lines.push_back(first);
    lines.push_back("tags: title " + std::to_string(c.title) + ", artist " +
                    std::to_string(c.artist) + ", album " + std::to_string(c.album) +
                    ", genre " + std::to_string(c.genre) + ", year " + std::to_string(c.year) +
                    ", track number " + std::to_string(c.trackNumber));
    std::string lyrics = "lyrics: " + std::to_string(c.lyrics()) + " of " +
                         std::to_string(c.tracks);
    std::vector<std::string> parts;
    if (c.lyricsEmbedded)
        parts.push_back(std::to_string(c.lyricsEmbedded) + " embedded");
    if (c.lyricsSidecar)
        parts.push_back(std::to_string(c.lyricsSidecar) + " sidecar");
    if (c.lyricsCsv)
        parts.push_back(std::to_string(c.lyricsCsv) + " CSV");
    if (c.lyricsManifest)
        parts.push_back(std::to_string(c.lyricsManifest) + " manifest");
    for (std::size_t i = 0; i < parts.size(); ++i)
        lyrics += (i ? ", " : " (") + parts[i] + (i + 1 == parts.size() ? ")" : "");
    lyrics += "; " + std::to_string(c.lyricsNone) + " without";
    lines.push_back(lyrics);
    return lines;
}

std::string tagLibVersion()
{
    return std::to_string(TAGLIB_MAJOR_VERSION) + "." + std::to_string(TAGLIB_MINOR_VERSION) +
           "." + std::to_string(TAGLIB_PATCH_VERSION);
}

} // namespace atlas
