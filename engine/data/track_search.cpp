// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/data/track_search.h"

#include "engine/core/unicode.h"

namespace atlas {

namespace {

// Base letters of U+0100..U+017F (Latin Extended-A), upper and lower case alike; '*' marks
// the ligatures spelled out in foldLetter().
constexpr std::u32string_view LatinExtendedA =
    U"aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiii**jjkkkllllllllllnnnnnnnnnoooooo**"
    U"rrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs";
static_assert(LatinExtendedA.size() == 0x80);

// Appends the accent-free form of the lowered letter `c`.
void foldLetter(std::u32string& out, char32_t c)
{
    if (c >= 0x300 && c <= 0x36F)
        return;   // combining diacritical marks
    if (c >= 0xDF && c <= 0xFF) {
        static constexpr std::u32string_view Latin1 = U"*aaaaaa*ceeeeiiiidnooooo\u00F7ouuuuy*y";
        const char32_t base = Latin1[c - 0xDF];
        if (base != U'*')
            out += base;
        else
            out += c == 0xDF ? U"ss" : c == 0xE6 ? U"ae" : U"th";
        return;
    }
    if (c >= 0x100 && c <= 0x17F) {
        const char32_t base = LatinExtendedA[c - 0x100];
        if (base != U'*')
            out += base;
        else
            out += c <= 0x133 ? U"ij" : U"oe";
        return;
    }
    out += c;
}

bool isSpace(char32_t c)
{
    return c == U' ' || (c >= U'\t' && c <= U'\r') || c == U'_' || c == 0x85 || c == 0xA0 ||
           c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 ||
           c == 0x202F || c == 0x205F || c == 0x3000;
}

bool containsEvery(const std::string& text, const std::vector<std::string>& words)
{
    for (const std::string& w : words)
        if (text.find(w) == std::string::npos)
            return false;
    return true;
}

} // namespace

std::string foldForSearch(std::string_view utf8)
{
    const std::u32string lowered = pythonLower(decodeUtf8(utf8));
    std::u32string folded;
    folded.reserve(lowered.size());
    bool pendingSpace = false;
    for (char32_t c : lowered) {
        if (isSpace(c)) {
            pendingSpace = !folded.empty();
            continue;
        }
        if (pendingSpace)
            folded += U' ';
        pendingSpace = false;
        foldLetter(folded, c);
    }
    return encodeUtf8(folded);
}

std::vector<std::string> searchWords(std::string_view query)
{
    std::vector<std::string> words;
    const std::string folded = foldForSearch(query);
    std::size_t start = 0;
    while (start < folded.size()) {
        std::size_t end = folded.find(' ', start);
        if (end == std::string::npos)
            end = folded.size();
        if (end > start)
            words.push_back(folded.substr(start, end - start));
        start = end + 1;
    }
    return words;
}

TrackSearch::TrackSearch(const std::vector<Track>& tracks)
{
    m_text.reserve(tracks.size());
    for (const Track& t : tracks) {
        std::string text;
        const auto add = [&](std::string_view field) {
            const std::string folded = foldForSearch(field);
            if (folded.empty())
                return;
            if (!text.empty())
                text += '\n';
            text += folded;
        };
        add(t.tags.title);
        add(t.tags.artist);
        add(t.tags.albumArtist);
        add(t.tags.album);
        for (const std::string& genre : t.tags.genres)
            add(genre);
        add(t.path.filename().string());
        add(t.id);
        add(t.label);
        m_text.push_back(std::move(text));
    }
}

std::vector<int> TrackSearch::find(std::string_view query) const
{
    const std::vector<std::string> words = searchWords(query);
    std::vector<int> hits;
    if (words.empty())
        return hits;
    // Folded text has no '\n', so a hit of the whole query lies within one field.
    const std::string needle = foldForSearch(query);
    for (std::size_t i = 0; i < m_text.size(); ++i)
        if (m_text[i].find(needle) != std::string::npos)
            hits.push_back(int(i));
    if (hits.empty() && words.size() > 1)
        for (std::size_t i = 0; i < m_text.size(); ++i)
            if (containsEvery(m_text[i], words))
                hits.push_back(int(i));
    return hits;
}

} // namespace atlas
