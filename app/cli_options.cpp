// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/cli_options.h"

#include <charconv>
#include <set>

namespace atlas::cli {

namespace {

// Options that take a value; every other known option is a switch.
const std::set<std::string> WithValue = {
    "data-dir", "manifest", "lyrics-csv", "offset", "duration", "threads", "out",
    "demo-tracks", "epochs", "latent-dim", "clusters", "beta", "seed", "batch-size",
    "lyrics-column", "label-column", "key-column", "dbscan-eps", "dbscan-min-samples",
    "save-session", "save-models", "label-from", "excerpt", "fusion", "audio-weight",
    "session", "track", "representation", "space", "k", "n", "no-repeat-artist", "from", "to",
    "m3u", "features", "format", "shard"};
const std::set<std::string> Switches = {"demo", "use-audio", "use-lyrics", "no-cache", "quiet",
                                        "help", "no-figures", "approximate-pairing", "no-tags",
                                        "no-repeat-album", "update", "no-early-stop", "early-stop"};

} // namespace

std::string Options::text(const std::string& name, const std::string& fallback) const
{
    const auto it = values.find(name);
    return it == values.end() ? fallback : it->second;
}

std::filesystem::path Options::path(const std::string& name) const
{
    return std::filesystem::u8path(text(name));
}

int Options::integer(const std::string& name, int fallback) const
{
    if (!has(name))
        return fallback;
    const std::string& s = values.at(name);
    int v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size())
        throw UsageError("--" + name + " needs a whole number (got \"" + s + "\")");
    return v;
}

double Options::real(const std::string& name, double fallback) const
{
    if (!has(name))
        return fallback;
    const std::string& s = values.at(name);
    double v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size())
        throw UsageError("--" + name + " needs a number (got \"" + s + "\")");
    return v;
}

Options parse(int argc, char** argv)
{
    Options o;
    int i = 1;
    if (i < argc && argv[i][0] != '-')
        o.command = argv[i++];
    for (; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg == "-h")
            arg = "--help";
        else if (arg == "-k" || arg == "-n")
            arg = "--" + arg.substr(1);
        if (arg.rfind("--", 0) != 0) {
            o.arguments.push_back(arg);
            continue;
        }
        std::string name = arg.substr(2), value;
        if (const auto eq = name.find('='); eq != std::string::npos) {
            value = name.substr(eq + 1);
            name = name.substr(0, eq);
        } else if (WithValue.count(name)) {
            if (i + 1 >= argc)
                throw UsageError("--" + name + " needs a value");
            value = argv[++i];
        }
        if (!WithValue.count(name) && !Switches.count(name))
            throw UsageError("unknown option --" + name);
        if (o.values.count(name))
            throw UsageError("--" + name + " given twice");
        o.values[name] = value;
    }
    return o;
}

DatasetConfig datasetConfig(const Options& o)
{
    DatasetConfig cfg;
    cfg.demo = o.has("demo");
    // Absolute, so that a session saved from this run still finds its collection when it is
    // opened from another folder (the app's Update from Folder, the Data panel).
    const auto absolute = [&](const char* name) {
        const std::filesystem::path p = o.path(name);
        std::error_code ec;
        const std::filesystem::path a = p.empty() ? p : std::filesystem::absolute(p, ec);
        return ec ? p : a.lexically_normal();
    };
    cfg.dataDir = absolute("data-dir");
    cfg.manifest = absolute("manifest");
    cfg.featuresFile = absolute("features");
    cfg.lyricsCsv = absolute("lyrics-csv");
    cfg.lyricsColumns.text = o.text("lyrics-column");
    cfg.lyricsColumns.label = o.text("label-column");
    cfg.lyricsColumns.key = o.text("key-column");
    // The seed's flags: naming one modality selects only it; naming none selects both
    // where there is something to read (lyrics: a lyrics CSV, the demo corpus or a manifest,
    // which may carry lyrics inline).
    // A data folder may carry lyrics in its tags and .lrc/.txt files, so lyrics are on for
    // every source; without any, the run says so and goes on with audio alone.
    const bool audio = o.has("use-audio"), lyrics = o.has("use-lyrics");
    const bool haveAudio = cfg.demo || !cfg.dataDir.empty() || !cfg.manifest.empty() ||
                           !cfg.featuresFile.empty();
    if (audio || lyrics) {
        cfg.useAudio = audio;
        cfg.useLyrics = lyrics;
    } else {
        cfg.useAudio = haveAudio;
        cfg.useLyrics = true;
    }
    cfg.readTags = !o.has("no-tags");
    cfg.approximatePairing = o.has("approximate-pairing");
    if (o.has("label-from")) {
        const auto source = parseLabelSource(o.text("label-from"));
        if (!source)
            throw UsageError("--label-from must be auto, genre, folder, artist, album, year, "
                             "decade, layout or none (got \"" + o.text("label-from") + "\")");
        cfg.labelFrom = *source;
    }
    if (o.has("excerpt")) {
        const auto position = parseExcerptPosition(o.text("excerpt"));
        if (!position)
            throw UsageError("--excerpt must be start, middle or auto (got \"" +
                             o.text("excerpt") + "\")");
        cfg.audio.decode.excerpt = *position;
    }
    if (o.has("offset")) {
        if (o.has("excerpt") && cfg.audio.decode.excerpt != ExcerptPosition::Start)
            throw UsageError("--offset counts from the start of the track: it goes with "
                             "--excerpt start, not " + o.text("excerpt"));
        cfg.audio.decode.excerpt = ExcerptPosition::Start;   // an offset means the start
    }
    if (o.has("fusion")) {
        const auto fusion = parseFusion(o.text("fusion"));
        if (!fusion)
            throw UsageError("--fusion must be concat or balanced (got \"" + o.text("fusion") +
                             "\")");
        cfg.fusion = *fusion;
    }
    cfg.audioWeight = o.real("audio-weight", cfg.audioWeight);
    if (o.has("audio-weight")) {
        if (o.has("fusion") && cfg.fusion != Fusion::Balanced)
            throw UsageError("--audio-weight applies to --fusion balanced, not " +
                             o.text("fusion"));
        cfg.fusion = Fusion::Balanced;
    }
    cfg.audio.decode.offset = o.real("offset", cfg.audio.decode.offset);
    cfg.audio.decode.duration = o.real("duration", cfg.audio.decode.duration);
    cfg.demoCorpus.tracksPerGenre = o.integer("demo-tracks", cfg.demoCorpus.tracksPerGenre);
    cfg.threads = o.integer("threads", 0);
    cfg.useCache = !o.has("no-cache");
    cfg.seed = Seed(o.integer("seed", int(cfg.seed)));
    return cfg;
}

} // namespace atlas::cli
