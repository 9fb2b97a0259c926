// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/data/pairing.h"

#include "engine/core/error.h"
#include "engine/core/random.h"
#include "engine/core/text.h"

#include <algorithm>
#include <filesystem>
#include <numeric>
#include <unordered_map>

namespace atlas {

namespace {

// "Music/Blues/blues.00001.wav" -> "blues.00001"; keys compare case-insensitively.
std::string normaliseKey(std::string key)
{
    key = trimmed(key);
    std::replace(key.begin(), key.end(), '\\', '/');
    if (const auto slash = key.rfind('/'); slash != std::string::npos)
        key = key.substr(slash + 1);
    static const char* audioExt[] = {".wav", ".au", ".flac", ".ogg", ".opus", ".mp3",
                                     ".aiff", ".aif", ".m4a", ".oga", ".wave", ".mp4",
                                     ".wma", ".ape", ".wv", ".aac"};
    std::string lowered = lowerAscii(key);
    for (const char* ext : audioExt) {
        const std::string e(ext);
        if (lowered.size() > e.size() && lowered.ends_with(e)) {
            lowered.resize(lowered.size() - e.size());
            break;
        }
    }
    return lowered;
}

} // namespace

Pairing pairLyrics(const Collection& collection, const LyricsTable& lyrics, Seed seed,
                   Diagnostics& diagnostics, bool allowApproximate)
{
    Pairing pairing;
    const std::size_t n = collection.tracks.size();
    pairing.lyricsRow.assign(n, -1);

    if (lyrics.hasKeys) {
        std::unordered_map<std::string, int> rowOfKey;
        for (std::size_t r = 0; r < lyrics.keys.size(); ++r)
            rowOfKey.emplace(normaliseKey(lyrics.keys[r]), int(r));   // first row wins
        std::vector<std::string> unmatched;
        for (std::size_t i = 0; i < n; ++i) {
            const Track& t = collection.tracks[i];
            for (const std::string& candidate :
                 {t.lyricsKey, t.id, t.path.stem().string(), t.path.filename().string()}) {
                if (candidate.empty())
                    continue;
                if (auto it = rowOfKey.find(normaliseKey(candidate)); it != rowOfKey.end()) {
                    pairing.lyricsRow[i] = it->second;
                    break;
                }
            }
            if (pairing.lyricsRow[i] < 0)
                unmatched.push_back(t.id);
        }
        pairing.matched = int(n - unmatched.size());
        if (pairing.matched > 0) {
            pairing.mode = PairingMode::ByKey;
            pairing.description = "by key: " + std::to_string(pairing.matched) + " of " +
                                  std::to_string(n) + " tracks matched on the \"" +
                                  lyrics.keyColumn + "\" column";
            if (!unmatched.empty()) {
                std::string examples;
                for (std::size_t k = 0; k < unmatched.size() && k < 5; ++k)
                    examples += (k ? ", " : "") + unmatched[k];
                diagnostics.add(lyrics.source,
                                std::to_string(unmatched.size()) + " of " + std::to_string(n) +
                                    " tracks have no lyrics row with a matching \"" +
                                    lyrics.keyColumn + "\" (e.g. " + examples +
                                    "); their lyrics features are zero");
            }
            return pairing;
        }
        std::string tableKeys, trackIds;
        for (std::size_t r = 0; r < lyrics.keys.size() && r < 3; ++r)
            tableKeys += (r ? ", " : "") + lyrics.keys[r];
        for (std::size_t i = 0; i < n && i < 3; ++i)
            trackIds += (i ? ", " : "") + collection.tracks[i].id;
        const std::string mismatch =
            "no track matched any value of the \"" + lyrics.keyColumn + "\" column (the CSV has " +
            tableKeys + ", ...; the tracks are " + trackIds +
            ", ...): the lyrics CSV does not seem to belong to this collection";
        if (!allowApproximate)
            throw InputError(lyrics.source.string() + ": " + mismatch +
                             ". Choose the right CSV, or allow approximate pairing to attach "
                             "rows at random as the research pipeline did");
        diagnostics.add(lyrics.source, mismatch + "; approximate pairing was allowed, so rows "
                                                  "are attached at random");
    }

    // The seed's approximate alignment: sample N rows with a fixed seed.
    pairing.mode = PairingMode::Approximate;
    const std::size_t rows = lyrics.texts.size();
    if (rows == 0 || n == 0) {
        pairing.description = "approximate: the lyrics table is empty";
        return pairing;
    }
    Rng rng(seed ^ 0x6c797269637350ULL);   // a stream of its own, independent of training
    if (rows >= n) {
        std::vector<int> order(rows);
        std::iota(order.begin(), order.end(), 0);
        // Partial Fisher-Yates: the first n positions are a uniform sample without replacement.
        for (std::size_t i = 0; i < n; ++i)
            std::swap(order[i], order[i + rng.below(rows - i)]);
        std::copy_n(order.begin(), n, pairing.lyricsRow.begin());
    } else {
        for (std::size_t i = 0; i < n; ++i)
            pairing.lyricsRow[i] = int(rng.below(rows));
        diagnostics.add(lyrics.source, "only " + std::to_string(rows) + " lyrics rows for " +
                                           std::to_string(n) +
                                           " tracks: approximate pairing reuses rows");
    }
    pairing.matched = int(n);
    pairing.description = "approximate: random sample of " + std::to_string(n) + " of " +
                          std::to_string(rows) + " lyrics rows (seed " + std::to_string(seed) +
                          "); audio and lyrics are not truly paired";
    return pairing;
}

} // namespace atlas
