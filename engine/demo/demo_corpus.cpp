// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/demo/demo_corpus.h"

#include "engine/audio/writer.h"
#include "engine/core/atomic_file.h"
#include "engine/core/error.h"
#include "engine/core/parallel.h"
#include "engine/core/random.h"
#include "engine/core/hash.h"
#include "engine/data/paths.h"
#include "engine/demo/synth_genres.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string_view>
#include <system_error>

namespace atlas {

namespace {

constexpr int MaxTracksPerGenre = 1000;
constexpr std::uint64_t AudioStream = 0xa0d10;
constexpr std::uint64_t LyricsStream = 0x1e71c5;

// Independent stream per (seed, genre, track, purpose): each field is folded in through a
// SplitMix64 step, so neighbouring indices give unrelated streams.
Seed trackSeed(Seed seed, int genre, int track, std::uint64_t stream)
{
    std::uint64_t s = seed;
    std::uint64_t h = splitMix64(s);
    s = h ^ (std::uint64_t(genre) + 1) * SplitMix64Gamma;
    h = splitMix64(s);
    s = h ^ (std::uint64_t(track) + 1) * 0xc2b2ae3d27d4eb4fULL;
    h = splitMix64(s);
    s = h ^ stream;
    return splitMix64(s);
}

void checkIndices(int genreIndex, int trackIndex)
{
    std::vector<std::string> problems;
    check(problems, genreIndex >= 0 && genreIndex < detail::DemoGenreCount, "DemoCorpus",
          "genreIndex", "must be in [0, 9]", genreIndex);
    check(problems, trackIndex >= 0 && trackIndex < 100000, "DemoCorpus", "trackIndex",
          "must be in [0, 99999]", trackIndex);
    requireValid(problems);
}

// ---- lyrics ----------------------------------------------------------------------------

// Frequent words of English song lyrics (function words, pronouns, common verbs and nouns).
constexpr std::string_view CommonWords =
    "the a an and but or so if when then now just still all some every no not never always "
    "i you we they he she it me my your our their his her them us this that these those "
    "is are was were be been am do did does don't can't won't ain't i'm you're we're it's "
    "can could will would should gonna wanna gotta got get give take make keep let come go "
    "know think feel want need see look say tell hear hold call find lose leave stay turn "
    "run walk fall rise try wait stand live die love like miss remember forget believe "
    "heart soul mind eyes face hand hands arms head body name voice words time day days "
    "night nights morning tonight tomorrow yesterday forever moment life world place home "
    "road way door window room light dark sun moon star stars sky rain fire water wind "
    "cold warm sweet little big long last first new old young true real only alone together "
    "baby girl boy man woman friend people everybody nobody somebody something nothing "
    "everything anything again away back down up out over around through into with without "
    "for from to of in on at by about like here there where why how what who yeah oh ooh "
    "hey whoa na la one two three more much many too very good bad right wrong better best "
    "free lost found broken open close inside outside high low deep slow fast hard easy "
    "dream dreams story song sing sang dance dancing smile tears cry crying touch kiss "
    "goodbye hello mine yours same own well gone going coming feeling waiting looking";

// Genre vocabularies; related genres share words (blues/jazz/country/rock, disco/pop,
// hip-hop/reggae, metal/rock).
constexpr std::array<std::string_view, detail::DemoGenreCount> GenreWords{
    // blues
    "blues lord mercy trouble crossroads whiskey train station mississippi delta levee "
    "cotton muddy rollin' ramblin' woke lowdown hellhound worried misery mojo hoochie "
    "juke shack porch preacher devil hard-luck lonesome weary moan sorrow penny dime "
    "broke jailhouse chain gang boss rider mama daddy drinkin' gamblin' bottle cryin' "
    "midnight highway guitar harmonica bluesman grave sinner shoes",
    // classical
    "aria eternal heavens angels glory divine grace sacred serenade requiem hymn choir "
    "cathedral psalm majesty noble sorrowful lament twilight nocturne symphony heavenly "
    "beloved thee thou thine thy doth hath o'er ere amor anima spirito gloria ave maria "
    "dolce mio cor bella luna notte cielo pace lux aeterna domine sanctus "
    "virtue fair maiden swan mourning ode garden roses",
    // country
    "truck pickup dirt gravel county fair tractor barn farm field cowboy boots hat rodeo "
    "honky-tonk jukebox beer whiskey tennessee texas kentucky carolina hometown mama "
    "daddy church sunday porch fishing creek river hollow holler y'all fiddle guitar "
    "two-step saturday dusty highway freight heartache cheatin' darlin' southern "
    "grandpa pines moonshine tailgate sweetheart wagon prairie",
    // disco
    "boogie groove funky dancefloor disco night fever lights mirror ball glitter shine "
    "shake body move get down party rhythm beat spin floor boogie-woogie satin "
    "strobe saturday gettin' stayin' alive hustle celebrate celebration soul train "
    "freak le chic funk lovin' sugar honey baby bump hot stuff midnight electric "
    "sparkle diva roller-skate sequins club moves",
    // hiphop
    "yo mic flow rhymes beats block hood streets cash money hustle grind homie crew "
    "squad fam rap rapper spit bars verse cypher gangsta real talk dope fresh fly "
    "chain bling ice whip benz paper stacks dollars rollin' deal cops sirens corner "
    "game shots haters flex swag lit trap boom bap turntable vinyl scratch sample "
    "brooklyn compton represent legacy throne bro",
    // jazz
    "swing bebop cool jazz blue note saxophone trumpet horn bass piano trio quartet "
    "club smoky martini cocktail velvet moonlight harlem avenue manhattan broadway "
    "cabaret starlight lullaby romance darling sweetheart dreamy stardust sophisticated "
    "tenderly autumn april paris serenade improvise scat bop ballad lovely "
    "cigarette champagne gardenia lady blue midnight stroll rhythm misty",
    // metal
    "darkness death blood steel iron fire flames hell demon demons doom chaos storm "
    "thunder war warrior battle sword blade skull grave grim reaper abyss inferno rage "
    "fury wrath scream screaming burning destroy destruction apocalypse serpent throne "
    "kingdom beast evil black shadow shadows crypt plague tyrant annihilation dead "
    "eternal torment souls vengeance metal legions hammer forge",
    // pop
    "baby girl boy crush heartbeat forever tonight party dance kiss lips phone text "
    "selfie summer sunshine sweet sugar candy crazy perfect beautiful shine glow star "
    "superstar radio hit replay chorus club weekend love-struck butterflies fireworks "
    "diamond sparkle heartbreak bff bestie dreamin' ooh-ooh la-la yeah-yeah "
    "teenage romance highlight spotlight blush sugar-rush popstar",
    // reggae
    "jah rastafari babylon zion irie mon natty dread dreadlocks ganja herb sensimilla "
    "roots rock reggae riddim one love unity righteous liberation redemption exodus "
    "trenchtown kingston jamaica island yard sufferer oppressor rebel rasta ites "
    "selassie lion judah dub sound system skank bless blessed inna di mi yuh "
    "iration freedom bredren sistren higher meditation",
    // rock
    "rock roll highway guitar amp loud wild rebel street fighting thunder lightning "
    "electric riot youth engine speed motor gasoline freedom rebellion revolution "
    "outlaw rider leather jacket stage crowd scream anthem arena runaway midnight "
    "shout stone rolling heavy shake rattle hurricane burn burning crazy train "
    "jukebox whiskey tonight alive born restless",
};

std::vector<std::string_view> splitWords(std::string_view text)
{
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && text[i] == ' ')
            ++i;
        std::size_t j = i;
        while (j < text.size() && text[j] != ' ')
            ++j;
        if (j > i)
            out.push_back(text.substr(i, j - i));
        i = j;
    }
    return out;
}

struct Vocabulary {
    std::vector<std::string_view> common;
    std::array<std::vector<std::string_view>, detail::DemoGenreCount> genre;
};

const Vocabulary& vocabulary()
{
    static const Vocabulary v = [] {
        Vocabulary out;
        out.common = splitWords(CommonWords);
        for (std::size_t g = 0; g < GenreWords.size(); ++g)
            out.genre[g] = splitWords(GenreWords[g]);
        return out;
    }();
    return v;
}

// Lyric neighbours: words a genre's songs borrow most (same pairs as the audio borrowing).
constexpr std::array<std::array<int, 2>, detail::DemoGenreCount> LyricNeighbours{{
    {5, 2}, {5, 7}, {0, 9}, {7, 4}, {8, 7}, {0, 1}, {9, 9}, {3, 2}, {4, 7}, {6, 0},
}};

std::string capitalise(std::string s)
{
    if (!s.empty())
        s[0] = char(std::toupper(static_cast<unsigned char>(s[0])));
    return s;
}

std::string makeLine(Rng& rng, int genre, double genreShare, int words)
{
    const Vocabulary& v = vocabulary();
    std::string line;
    for (int w = 0; w < words; ++w) {
        std::string_view word;
        const double r = rng.uniform();
        if (r < genreShare) {
            const auto& g = v.genre[std::size_t(genre)];
            word = g[std::size_t(rng.below(g.size()))];
        } else if (r < genreShare + 0.08) {
            const int ng = LyricNeighbours[std::size_t(genre)][std::size_t(rng.below(2))];
            const auto& g = v.genre[std::size_t(ng)];
            word = g[std::size_t(rng.below(g.size()))];
        } else {
            word = v.common[std::size_t(rng.below(v.common.size()))];
        }
        std::string token(word);
        if (token == "i" || token.rfind("i'", 0) == 0)
            token[0] = 'I';
        if (!line.empty()) {
            line += (rng.uniform() < 0.05) ? ", " : " ";
        }
        line += token;
    }
    line = capitalise(line);
    const double p = rng.uniform();
    if (p < 0.12)
        line += ",";
    else if (p < 0.2)
        line += "!";
    else if (p < 0.27)
        line += "?";
    else if (p < 0.31)
        line += "...";
    return line;
}

int countWords(const std::vector<std::string>& lines)
{
    int n = 0;
    for (const auto& l : lines)
        n += int(splitWords(l).size());
    return n;
}

// ---- CSV and files ---------------------------------------------------------------------

std::string csvField(std::string_view s)
{
    if (s.find_first_of(",\"\n\r") == std::string_view::npos)
        return std::string(s);
    std::string out = "\"";
    for (char c : s) {
        if (c == '"')
            out += '"';
        out += c;
    }
    out += '"';
    return out;
}

void writeTextFile(const std::filesystem::path& file, const std::string& text)
{
    writeFileAtomically(file, text);
}

std::string readTextFile(const std::filesystem::path& file)
{
    std::ifstream in(file, std::ios::binary);
    if (!in)
        return {};
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

} // namespace

std::vector<std::string> DemoCorpusConfig::validate() const
{
    std::vector<std::string> p;
    check(p, tracksPerGenre >= 1 && tracksPerGenre <= MaxTracksPerGenre, "DemoCorpusConfig",
          "tracksPerGenre", "must be in [1, 1000]", tracksPerGenre);
    check(p, durationSeconds >= 1.0 && durationSeconds <= 60.0, "DemoCorpusConfig",
          "durationSeconds", "must be in [1, 60]", durationSeconds);
    check(p, sampleRate >= 8000 && sampleRate <= 48000, "DemoCorpusConfig", "sampleRate",
          "must be in [8000, 48000]", sampleRate);
    return p;
}

std::string DemoCorpusConfig::canonical() const
{
    char buf[160];
    std::snprintf(buf, sizeof buf, "demo-corpus v1 tracks=%d duration=%.17g rate=%d seed=%llu",
                  tracksPerGenre, durationSeconds, sampleRate, (unsigned long long)seed);
    return buf;
}

const std::vector<std::string>& demoGenres()
{
    static const std::vector<std::string> names{"blues", "classical", "country", "disco",
                                                "hiphop", "jazz", "metal", "pop",
                                                "reggae", "rock"};
    return names;
}

std::string demoTrackId(int genreIndex, int trackIndex)
{
    checkIndices(genreIndex, trackIndex);
    char buf[16];
    std::snprintf(buf, sizeof buf, "%05d", trackIndex);
    return demoGenres()[std::size_t(genreIndex)] + "." + buf;
}

std::vector<float> synthesizeTrack(int genreIndex, int trackIndex, const DemoCorpusConfig& cfg)
{
    requireValid(cfg.validate());
    checkIndices(genreIndex, trackIndex);
    Rng rng(trackSeed(cfg.seed, genreIndex, trackIndex, AudioStream));
    return detail::renderDemoTrack(genreIndex, rng, cfg.sampleRate, cfg.durationSeconds, 1.0);
}

std::string demoLyrics(int genreIndex, int trackIndex, const DemoCorpusConfig& cfg)
{
    requireValid(cfg.validate());
    checkIndices(genreIndex, trackIndex);
    Rng rng(trackSeed(cfg.seed, genreIndex, trackIndex, LyricsStream));
    // How strongly this song's words carry its genre varies from song to song.
    const double share = rng.uniform(0.08, 0.34);
    const int target = 40 + int(rng.below(111));
    const int linesInChorus = 2 + int(rng.below(2));
    std::vector<std::string> chorus;
    for (int i = 0; i < linesInChorus; ++i)
        chorus.push_back(makeLine(rng, genreIndex, share * 1.3, 3 + int(rng.below(5))));
    if (rng.uniform() < 0.4) {
        static constexpr std::array<std::string_view, 6> AdLibs{
            "Oh, oh, oh", "Yeah, yeah", "Na na na na", "Hey!", "Whoa-oh", "Ooh, baby"};
        chorus.emplace_back(AdLibs[std::size_t(rng.below(AdLibs.size()))]);
    }
    // Song form verse, chorus, verse, chorus, ... until the length is reached; always at
    // least two choruses.
    struct Section {
        std::vector<std::string> lines;
        bool chorus;
    };
    std::vector<Section> form;
    auto words = [&] {
        int n = 0;
        for (const auto& sec : form)
            n += countWords(sec.lines);
        return n;
    };
    while (form.size() < 4 || words() < target) {
        Section verse{{}, false};
        const int verseLines = 2 + int(rng.below(3));
        for (int i = 0; i < verseLines; ++i)
            verse.lines.push_back(makeLine(rng, genreIndex, share, 4 + int(rng.below(6))));
        form.push_back(std::move(verse));
        form.push_back({chorus, true});
    }
    // At most 150 words: shorten verses from the end, keeping the choruses.
    while (words() > 150) {
        auto it = std::find_if(form.rbegin(), form.rend(),
                               [](const Section& sec) { return !sec.chorus && sec.lines.size() > 1; });
        if (it != form.rend())
            it->lines.pop_back();
        else
            form.pop_back();
    }
    std::vector<std::string> lines;
    for (const auto& sec : form)
        lines.insert(lines.end(), sec.lines.begin(), sec.lines.end());
    std::string text;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (i)
            text += '\n';
        text += lines[i];
    }
    return text;
}

std::filesystem::path defaultDemoCorpusRoot(const DemoCorpusConfig& cfg)
{
    return userCacheDir() / ("demo-" + hashHex(cfg.canonical()));
}

DemoCorpus ensureDemoCorpus(const DemoCorpusConfig& cfg, const Progress& progress)
{
    requireValid(cfg.validate());
    return ensureDemoCorpus(cfg, defaultDemoCorpusRoot(cfg), progress);
}

DemoCorpus ensureDemoCorpus(const DemoCorpusConfig& cfg, const std::filesystem::path& root,
                            const Progress& progress)
{
    requireValid(cfg.validate());
    namespace fs = std::filesystem;
    const auto& genres = demoGenres();
    const int perGenre = cfg.tracksPerGenre;
    const int total = perGenre * detail::DemoGenreCount;

    DemoCorpus corpus;
    corpus.root = fs::absolute(root);
    corpus.audioDir = corpus.root / "genres_original";
    corpus.lyricsCsv = corpus.root / "lyrics.csv";
    corpus.manifestCsv = corpus.root / "manifest.csv";
    corpus.genres = genres;
    corpus.labels.resize(total);
    for (int g = 0; g < detail::DemoGenreCount; ++g)
        for (int t = 0; t < perGenre; ++t) {
            const std::string id = demoTrackId(g, t);
            corpus.trackIds.push_back(id);
            corpus.files.push_back(corpus.audioDir / genres[std::size_t(g)] / (id + ".wav"));
            corpus.labels[g * perGenre + t] = g;
        }

    const fs::path stamp = corpus.root / ".complete";
    const fs::path configFile = corpus.root / "demo-config.txt";
    const std::string canonical = cfg.canonical() + "\n";
    std::error_code ec;
    bool stamped = false;
    const auto complete = [&] {
        stamped = readTextFile(stamp) == canonical;
        return stamped &&
               std::all_of(corpus.files.begin(), corpus.files.end(),
                           [&](const fs::path& f) { return fs::is_regular_file(f, ec); }) &&
               fs::is_regular_file(corpus.lyricsCsv, ec) &&
               fs::is_regular_file(corpus.manifestCsv, ec);
    };
    if (complete()) {
        progress.report(1.0, "demo corpus ready");
        return corpus;
    }

    fs::create_directories(corpus.audioDir, ec);
    if (ec || !fs::is_directory(corpus.audioDir))
        throw InputError(corpus.audioDir.string() + ": cannot create folder (" + ec.message() + ")");
    // One process generates; another one starting meanwhile (two first runs at once) waits
    // here and then finds the corpus complete.
    const FileLock generating(corpus.root / ".lock", progress);
    if (complete()) {
        progress.report(1.0, "demo corpus ready");
        return corpus;
    }
    fs::remove(stamp, ec);
    // Audio left by an interrupted or damaged run is reused only when that run had the same
    // config (demo-config.txt is written before the first track and kept).
    const bool resume = stamped || readTextFile(configFile) == canonical;
    if (!resume) {
        for (const auto& g : genres)
            fs::remove_all(corpus.audioDir / g, ec);
    }
    writeTextFile(configFile, canonical);
    for (const auto& g : genres) {
        fs::create_directories(corpus.audioDir / g, ec);
        if (ec)
            throw InputError((corpus.audioDir / g).string() + ": cannot create folder (" +
                             ec.message() + ")");
    }

    std::vector<int> todo;
    for (int i = 0; i < total; ++i) {
        const auto& f = corpus.files[std::size_t(i)];
        if (!(resume && fs::is_regular_file(f, ec) && fs::file_size(f, ec) > 44))
            todo.push_back(i);
    }

    std::vector<std::string> errors(todo.size());
    std::atomic<int> done{0};
    const int n = int(todo.size());
#pragma omp parallel for schedule(dynamic)
    for (int k = 0; k < n; ++k) {
        if (progress.isCancelled())
            continue;
        const int i = todo[std::size_t(k)];
        try {
            const std::vector<float> audio = synthesizeTrack(i / perGenre, i % perGenre, cfg);
            writeAudioFile(corpus.files[std::size_t(i)], audio, 1, cfg.sampleRate,
                           SampleEncoding::Pcm16);
        } catch (const std::exception& e) {
            errors[std::size_t(k)] = e.what();
        }
        const int finished = ++done;
        if (threadIndex() == 0)
            progress.report(0.95 * finished / std::max(1, n), "synthesising demo tracks");
    }
    progress.throwIfCancelled();
    for (const auto& e : errors)
        if (!e.empty())
            throw InputError(e);
    corpus.tracksWritten = n;

    std::string lyrics = "track_id,genre,lyrics\n";
    std::string manifest = "path,label,lyrics_id\n";
    for (int i = 0; i < total; ++i) {
        const int g = i / perGenre;
        const std::string& id = corpus.trackIds[std::size_t(i)];
        lyrics += id + "," + genres[std::size_t(g)] + "," +
                  csvField(demoLyrics(g, i % perGenre, cfg)) + "\n";
        manifest += csvField("genres_original/" + genres[std::size_t(g)] + "/" + id + ".wav") +
                    "," + genres[std::size_t(g)] + "," + id + "\n";
    }
    writeTextFile(corpus.lyricsCsv, lyrics);
    writeTextFile(corpus.manifestCsv, manifest);
    writeTextFile(stamp, canonical);
    progress.report(1.0, "demo corpus ready");
    return corpus;
}

} // namespace atlas
