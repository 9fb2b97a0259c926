// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/core/atomic_file.h"
#include "engine/core/error.h"
#include "engine/core/parallel.h"
#include "engine/core/progress.h"
#include "engine/demo/demo_corpus.h"
#include "engine/core/hash.h"
#include "engine/data/paths.h"
#include "engine/demo/synth_genres.h"
#include "tests/support/fixtures.h"

#include <QtTest>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <numeric>
#include <sstream>
#include <thread>

namespace fs = std::filesystem;

namespace {

// RFC 4180 reader (quoted fields may hold commas, quotes and newlines).
std::vector<std::vector<std::string>> parseCsv(const std::string& text)
{
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> row;
    std::string field;
    bool quoted = false, any = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
                field += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c == '"') {
            quoted = true;
            any = true;
        } else if (c == ',') {
            row.push_back(field);
            field.clear();
        } else if (c == '\n') {
            row.push_back(field);
            rows.push_back(row);
            row.clear();
            field.clear();
            any = false;
        } else {
            field += c;
            any = true;
        }
    }
    if (any || !row.empty()) {
        row.push_back(field);
        rows.push_back(row);
    }
    return rows;
}

// Samples of a canonical 44-byte-header PCM16 mono WAV as floats.
std::vector<float> readWavPcm16(const fs::path& p, int* rate = nullptr)
{
    const std::string b = atlas::test::readFile(p);
    if (b.size() < 44 || b.compare(0, 4, "RIFF") != 0 || b.compare(8, 4, "WAVE") != 0)
        return {};
    std::size_t pos = 12;
    std::vector<float> out;
    while (pos + 8 <= b.size()) {
        const std::string id = b.substr(pos, 4);
        std::uint32_t size = 0;
        for (int k = 3; k >= 0; --k)
            size = (size << 8) | static_cast<unsigned char>(b[pos + 4 + std::size_t(k)]);
        if (id == "fmt " && rate) {
            std::uint32_t r = 0;
            for (int k = 3; k >= 0; --k)
                r = (r << 8) | static_cast<unsigned char>(b[pos + 12 + std::size_t(k)]);
            *rate = int(r);
        }
        if (id == "data") {
            for (std::size_t i = 0; i + 1 < size && pos + 8 + i + 1 < b.size(); i += 2) {
                const auto lo = static_cast<unsigned char>(b[pos + 8 + i]);
                const auto hi = static_cast<unsigned char>(b[pos + 9 + i]);
                out.push_back(float(std::int16_t(std::uint16_t(lo | (hi << 8)))) / 32768.0f);
            }
            break;
        }
        pos += 8 + size + (size & 1);
    }
    return out;
}

std::uint64_t hashSamples(const std::vector<float>& x)
{
    std::string bytes(reinterpret_cast<const char*>(x.data()), x.size() * sizeof(float));
    return atlas::fnv1a64(bytes);
}

double rms(const std::vector<float>& x, std::size_t begin = 0, std::size_t end = SIZE_MAX)
{
    end = std::min(end, x.size());
    double e = 0.0;
    for (std::size_t i = begin; i < end; ++i)
        e += double(x[i]) * x[i];
    return std::sqrt(e / double(std::max<std::size_t>(1, end - begin)));
}

// Onset strength: mean positive change of frame energy in dB (hop 512, frames of 1024),
// after a first difference that emphasises attacks over sustained low notes.
double onsetStrength(const std::vector<float>& x)
{
    std::vector<double> db;
    for (std::size_t s = 1; s + 1024 < x.size(); s += 512) {
        double e = 1e-10;
        for (std::size_t i = s; i < s + 1024; ++i) {
            const double d = double(x[i]) - x[i - 1];
            e += d * d;
        }
        db.push_back(10.0 * std::log10(e / 1024.0));
    }
    double flux = 0.0;
    for (std::size_t i = 1; i < db.size(); ++i)
        flux += std::max(0.0, db[i] - db[i - 1]);
    return flux / double(db.size() - 1);
}

// Lag (s) of the strongest periodicity of the low-band (< ~120 Hz) energy onsets within
// [minLag, maxLag]; biased autocorrelation so that the shortest true period wins.
double lowBandPeriod(const std::vector<float>& x, int sr, double minLag, double maxLag)
{
    const double a = 1.0 - std::exp(-2.0 * 3.14159265358979 * 120.0 / sr);
    double y1 = 0.0, y2 = 0.0;
    const int hop = 128;
    std::vector<double> env;
    double acc = 0.0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        y1 += a * (x[i] - y1);
        y2 += a * (y1 - y2);
        acc += y2 * y2;
        if ((i + 1) % hop == 0) {
            env.push_back(std::log10(acc / hop + 1e-9));
            acc = 0.0;
        }
    }
    std::vector<double> onset(env.size(), 0.0);
    for (std::size_t i = 1; i < env.size(); ++i)
        onset[i] = std::max(0.0, env[i] - env[i - 1]);
    const double mean = std::accumulate(onset.begin(), onset.end(), 0.0) / double(onset.size());
    for (double& v : onset)
        v -= mean;
    const double frame = double(hop) / sr;
    double best = -1e300, bestLag = 0.0;
    for (int lag = int(minLag / frame); lag <= int(maxLag / frame); ++lag) {
        double s = 0.0;
        for (std::size_t i = std::size_t(lag); i < onset.size(); ++i)
            s += onset[i] * onset[i - std::size_t(lag)];
        if (s > best) {
            best = s;
            bestLag = lag * frame;
        }
    }
    return bestLag;
}

// Share of the signal's energy below `cutoff` Hz (two one-pole low-passes, 12 dB/octave).
double lowBandShare(const std::vector<float>& x, int sr, double cutoff)
{
    const double a = 1.0 - std::exp(-2.0 * 3.14159265358979 * cutoff / sr);
    double y1 = 0.0, y2 = 0.0, low = 0.0, all = 1e-12;
    for (float v : x) {
        y1 += a * (v - y1);
        y2 += a * (y1 - y2);
        low += y2 * y2;
        all += double(v) * v;
    }
    return low / all;
}

atlas::DemoCorpusConfig smallConfig()
{
    atlas::DemoCorpusConfig cfg;
    cfg.tracksPerGenre = 3;
    cfg.durationSeconds = 10.0;
    return cfg;
}

} // namespace

class TestDemoCorpus : public QObject {
    Q_OBJECT
private slots:
    void invalidConfigThrows()
    {
        atlas::DemoCorpusConfig cfg;
        QVERIFY(cfg.validate().empty());
        QVERIFY(cfg.durationSeconds >= 10.0); // GTZAN-like default length
        cfg.tracksPerGenre = 0;
        QVERIFY_THROWS_EXCEPTION(atlas::ConfigError, atlas::synthesizeTrack(0, 0, cfg));
        QVERIFY_THROWS_EXCEPTION(atlas::ConfigError,
                                 atlas::ensureDemoCorpus(cfg, atlas::test::makeTempDir("demo-bad")));
        cfg = {};
        cfg.durationSeconds = 0.5;
        QVERIFY_THROWS_EXCEPTION(atlas::ConfigError, atlas::demoLyrics(0, 0, cfg));
        cfg = {};
        cfg.sampleRate = 100;
        QVERIFY(!cfg.validate().empty());
        cfg = {};
        QVERIFY_THROWS_EXCEPTION(atlas::ConfigError, atlas::synthesizeTrack(10, 0, cfg));
        QVERIFY_THROWS_EXCEPTION(atlas::ConfigError, atlas::synthesizeTrack(-1, 0, cfg));
        QVERIFY_THROWS_EXCEPTION(atlas::ConfigError, atlas::demoLyrics(0, -3, cfg));
    }

    void genresAndTrackIdsFollowGtzan()
    {
        const std::vector<std::string> expected{"blues", "classical", "country", "disco", "hiphop",
                                                "jazz",  "metal",     "pop",     "reggae", "rock"};
        QCOMPARE(atlas::demoGenres(), expected);
        QCOMPARE(atlas::demoTrackId(0, 0), std::string("blues.00000"));
        QCOMPARE(atlas::demoTrackId(3, 7), std::string("disco.00007"));
        QCOMPARE(atlas::demoTrackId(9, 99), std::string("rock.00099"));
    }

    void hashAndCacheFoldersAreStable()
    {
        // FNV-1a 64 test vectors from the reference implementation (Noll's fnv test suite).
        QCOMPARE(atlas::fnv1a64(""), std::uint64_t(0xcbf29ce484222325ULL));
        QCOMPARE(atlas::fnv1a64("a"), std::uint64_t(0xaf63dc4c8601ec8cULL));
        QCOMPARE(atlas::hashHex("foobar"), std::string("85944171f73967e8"));
        const fs::path dir = atlas::test::makeTempDir("demo-xdg");
        const std::string old = std::getenv("XDG_CACHE_HOME") ? std::getenv("XDG_CACHE_HOME") : "";
        qputenv("XDG_CACHE_HOME", QByteArray::fromStdString(dir.string()));
        const fs::path cache = atlas::userCacheDir();
        QCOMPARE(cache, dir / "musicatlas");
        QVERIFY(fs::is_directory(cache));
        atlas::DemoCorpusConfig a, b;
        b.seed = 7;
        QVERIFY(atlas::defaultDemoCorpusRoot(a) != atlas::defaultDemoCorpusRoot(b));
        QCOMPARE(atlas::defaultDemoCorpusRoot(a), atlas::defaultDemoCorpusRoot(atlas::DemoCorpusConfig{}));
        if (old.empty())
            qunsetenv("XDG_CACHE_HOME");
        else
            qputenv("XDG_CACHE_HOME", QByteArray::fromStdString(old));
    }

    void sameSeedSameAudioAndLyrics()
    {
        const auto cfg = smallConfig();
        auto other = cfg;
        other.seed = cfg.seed + 1;
        for (int g : {0, 4, 6}) {
            const auto a = atlas::synthesizeTrack(g, 1, cfg);
            QCOMPARE(a.size(), std::size_t(cfg.durationSeconds * cfg.sampleRate));
            QCOMPARE(hashSamples(atlas::synthesizeTrack(g, 1, cfg)), hashSamples(a));
            QVERIFY(hashSamples(atlas::synthesizeTrack(g, 1, other)) != hashSamples(a));
            QVERIFY(hashSamples(atlas::synthesizeTrack(g, 2, cfg)) != hashSamples(a));
            QCOMPARE(atlas::demoLyrics(g, 1, cfg), atlas::demoLyrics(g, 1, cfg));
            QVERIFY(atlas::demoLyrics(g, 1, other) != atlas::demoLyrics(g, 1, cfg));
        }
        // The track count does not change a track: track 1 is the same in a larger corpus.
        auto bigger = cfg;
        bigger.tracksPerGenre = 50;
        QCOMPARE(hashSamples(atlas::synthesizeTrack(2, 1, bigger)),
                 hashSamples(atlas::synthesizeTrack(2, 1, cfg)));
    }

    void levelsAreSensiblePerGenre()
    {
        const auto cfg = smallConfig();
        const int sr = cfg.sampleRate;
        for (int g = 0; g < 10; ++g) {
            for (int t = 0; t < 2; ++t) {
                const auto x = atlas::synthesizeTrack(g, t, cfg);
                const QByteArray where = QByteArray::fromStdString(atlas::demoTrackId(g, t));
                float peak = 0.0f;
                double mean = 0.0;
                for (float v : x) {
                    QVERIFY2(std::isfinite(v), where);
                    peak = std::max(peak, std::abs(v));
                    mean += v;
                }
                mean /= double(x.size());
                const double level = rms(x);
                // Mastering limits peaks to 0.98; PCM16 must never clip.
                QVERIFY2(peak < 0.99f, where);
                // -34 dBFS .. -8 dBFS covers quiet classical to loud metal.
                QVERIFY2(level > 0.02 && level < 0.4, where + " rms " + QByteArray::number(level));
                // DC removed by mastering and a 25 Hz high-pass: |mean| far below the RMS.
                QVERIFY2(std::abs(mean) < 1e-3, where);
                // No silent gaps: every half second carries at least 1/30 of the track's RMS.
                for (std::size_t s = 0; s + sr / 2 <= x.size(); s += std::size_t(sr / 2))
                    QVERIFY2(rms(x, s, s + std::size_t(sr / 2)) > level / 30.0,
                             where + " silent at " + QByteArray::number(double(s) / sr));
            }
        }
    }

    void genresHaveTheirCharacter()
    {
        // Pure genre archetypes (no borrowed elements), 10 s at 22,050 Hz.
        const int sr = 22050;
        auto track = [&](int g, int t) {
            atlas::Rng rng(1000 + 17 * std::uint64_t(t));
            return atlas::detail::renderDemoTrack(g, rng, sr, 10.0, 0.0);
        };
        auto meanOnset = [&](int g) {
            double s = 0.0;
            for (int t = 0; t < 3; ++t)
                s += onsetStrength(track(g, t));
            return s / 3.0;
        };
        const double classical = meanOnset(1), metal = meanOnset(6), disco = meanOnset(3);
        qInfo("onset strength: classical %.3f, disco %.3f, metal %.3f", classical, disco, metal);
        // Slow-attack legato strings/piano without drums against drums on every beat or
        // sixteenth: the design gives a factor of two to three; 0.6 leaves room for variation.
        QVERIFY(classical < 0.6 * metal);
        QVERIFY(classical < 0.6 * disco);

        // Disco's four-on-the-floor kick: the low band pulses once per beat at 110-130 bpm
        // (or, with the clap on 2 and 4 leaking into the band, every two beats).
        auto inRange = [](double lag, double lo, double hi) {
            return lag >= lo - 0.006 && lag <= hi + 0.006; // one 5.8 ms hop of slack
        };
        for (int t = 0; t < 5; ++t) {
            const double lag = lowBandPeriod(track(3, t), sr, 0.3, 1.2);
            qInfo("disco archetype %d: low-band period %.3f s", t, lag);
            QVERIFY(inRange(lag, 60.0 / 130.0, 60.0 / 110.0) || inRange(lag, 120.0 / 130.0, 120.0 / 110.0));
        }
        // Reggae's deep, low-passed bass carries most of its energy below ~150 Hz; rock and
        // metal put theirs into distorted guitars. The design gives a factor of four or more.
        auto meanLowShare = [&](int g) {
            double s = 0.0;
            for (int t = 0; t < 3; ++t)
                s += lowBandShare(track(g, t), sr, 150.0);
            return s / 3.0;
        };
        const double reggae = meanLowShare(8), rock = meanLowShare(9), metalLow = meanLowShare(6);
        qInfo("energy share below 150 Hz: reggae %.3f, rock %.3f, metal %.3f", reggae, rock, metalLow);
        QVERIFY(reggae > 2.0 * rock);
        QVERIFY(reggae > 2.0 * metalLow);
    }

    void lyricsLookLikeLyrics()
    {
        const auto cfg = smallConfig();
        for (int g = 0; g < 10; ++g) {
            for (int t = 0; t < 5; ++t) {
                const std::string text = atlas::demoLyrics(g, t, cfg);
                std::istringstream words(text);
                int n = 0;
                for (std::string w; words >> w;)
                    ++n;
                QVERIFY(n >= 40 && n <= 150);
                QVERIFY(std::isupper(static_cast<unsigned char>(text[0])));
                // Several lines, and the chorus repeats: some line occurs at least twice.
                std::map<std::string, int> lines;
                std::istringstream in(text);
                for (std::string l; std::getline(in, l);)
                    ++lines[l];
                QVERIFY(lines.size() >= 4);
                QVERIFY(std::any_of(lines.begin(), lines.end(), [](auto& p) { return p.second >= 2; }));
            }
        }
    }

    void corpusLayoutAndCsv()
    {
        const auto cfg = smallConfig();
        const fs::path root = atlas::test::makeTempDir("demo-layout");
        std::vector<double> seen;
        atlas::Progress progress([&](std::string_view, double f, std::string_view) { seen.push_back(f); },
                                 nullptr);
        const auto corpus = atlas::ensureDemoCorpus(cfg, root, progress);
        QCOMPARE(corpus.tracksWritten, 30);
        QCOMPARE(int(corpus.files.size()), 30);
        QCOMPARE(int(corpus.labels.size()), 30);
        QVERIFY(!seen.empty());
        QCOMPARE(seen.back(), 1.0);
        QVERIFY(std::is_sorted(seen.begin(), seen.end()));
        for (int i = 0; i < 30; ++i) {
            const int g = i / 3;
            const fs::path expected = root / "genres_original" / atlas::demoGenres()[std::size_t(g)] /
                                      (atlas::demoTrackId(g, i % 3) + ".wav");
            QCOMPARE(fs::weakly_canonical(corpus.files[std::size_t(i)]), fs::weakly_canonical(expected));
            QCOMPARE(corpus.labels[i], g);
            int rate = 0;
            const auto samples = readWavPcm16(expected, &rate);
            QCOMPARE(rate, 22050);
            QCOMPARE(samples.size(), std::size_t(10 * 22050));
            if (i == 4) { // PCM16 of the in-memory track: within half an LSB (rounding)
                const auto x = atlas::synthesizeTrack(g, i % 3, cfg);
                double worst = 0.0;
                for (std::size_t k = 0; k < x.size(); ++k)
                    worst = std::max(worst, double(std::abs(x[k] - samples[k])));
                QVERIFY(worst <= 1.0 / 32768.0);
            }
        }
        const auto lyrics = parseCsv(atlas::test::readFile(root / "lyrics.csv"));
        QCOMPARE(int(lyrics.size()), 31);
        QCOMPARE(lyrics[0], (std::vector<std::string>{"track_id", "genre", "lyrics"}));
        for (int i = 0; i < 30; ++i) {
            const auto& row = lyrics[std::size_t(i + 1)];
            QCOMPARE(int(row.size()), 3);
            QCOMPARE(row[0], corpus.trackIds[std::size_t(i)]);
            QCOMPARE(row[1], atlas::demoGenres()[std::size_t(i / 3)]);
            QCOMPARE(row[2], atlas::demoLyrics(i / 3, i % 3, cfg));
        }
        const auto manifest = parseCsv(atlas::test::readFile(root / "manifest.csv"));
        QCOMPARE(int(manifest.size()), 31);
        QCOMPARE(manifest[0], (std::vector<std::string>{"path", "label", "lyrics_id"}));
        for (int i = 0; i < 30; ++i) {
            const auto& row = manifest[std::size_t(i + 1)];
            QVERIFY(fs::is_regular_file(root / row[0]));
            QVERIFY(fs::path(row[0]).is_relative());
            QCOMPARE(row[1], atlas::demoGenres()[std::size_t(i / 3)]);
            QCOMPARE(row[2], corpus.trackIds[std::size_t(i)]);
        }
        QVERIFY(fs::is_regular_file(root / ".complete"));
        QCOMPARE(atlas::test::readFile(root / "demo-config.txt"), atlas::test::readFile(root / ".complete"));
        fs::remove_all(root);
    }

    void secondCallWritesNothing()
    {
        atlas::DemoCorpusConfig cfg = smallConfig();
        cfg.tracksPerGenre = 1;
        const fs::path root = atlas::test::makeTempDir("demo-idem");
        atlas::ensureDemoCorpus(cfg, root);
        std::map<fs::path, fs::file_time_type> times;
        for (const auto& e : fs::recursive_directory_iterator(root))
            times[e.path()] = fs::last_write_time(e.path());
        const auto again = atlas::ensureDemoCorpus(cfg, root);
        QCOMPARE(again.tracksWritten, 0);
        std::size_t count = 0;
        for (const auto& e : fs::recursive_directory_iterator(root)) {
            ++count;
            QVERIFY(times.count(e.path()));
            QVERIFY(fs::last_write_time(e.path()) == times[e.path()]);
        }
        QCOMPARE(count, times.size());
        fs::remove_all(root);
    }

    void interruptedCorpusIsCompleted()
    {
        atlas::DemoCorpusConfig cfg = smallConfig();
        cfg.tracksPerGenre = 1;
        const fs::path root = atlas::test::makeTempDir("demo-resume");
        const auto corpus = atlas::ensureDemoCorpus(cfg, root);
        const fs::path victim = corpus.files[5];
        const std::string before = atlas::test::readFile(victim);
        const std::string lyricsBefore = atlas::test::readFile(corpus.lyricsCsv);
        fs::remove(root / ".complete");
        fs::remove(victim);
        const auto completed = atlas::ensureDemoCorpus(cfg, root);
        QCOMPARE(completed.tracksWritten, 1);
        QCOMPARE(atlas::test::readFile(victim), before);
        QCOMPARE(atlas::test::readFile(corpus.lyricsCsv), lyricsBefore);
        QVERIFY(fs::is_regular_file(root / ".complete"));

        // A corpus of another config in the same folder is replaced, not mixed in.
        auto other = cfg;
        other.seed = 99;
        const auto replaced = atlas::ensureDemoCorpus(other, root);
        QCOMPARE(replaced.tracksWritten, 10);
        QVERIFY(atlas::test::readFile(victim) != before);
        fs::remove_all(root);
    }

    void twoFirstRunsAtOnceBothGetTheCorpus()
    {
        // Two callers asking for a corpus that does not exist yet, at the same time (two
        // processes in practice; threads here share nothing but the folder): one generates,
        // the other waits for it; both succeed and the corpus is whole.
        atlas::DemoCorpusConfig cfg = smallConfig();
        cfg.tracksPerGenre = 1;
        cfg.durationSeconds = 2.0;
        const fs::path root = atlas::test::makeTempDir("demo-race");
        std::string errors[2];
        int written[2] = {-1, -1};
        auto generate = [&](int k) {
            try {
                written[k] = atlas::ensureDemoCorpus(cfg, root).tracksWritten;
            } catch (const std::exception& e) {
                errors[k] = e.what();
            }
        };
        std::thread a(generate, 0), b(generate, 1);
        a.join();
        b.join();
        QVERIFY2(errors[0].empty(), errors[0].c_str());
        QVERIFY2(errors[1].empty(), errors[1].c_str());
        QCOMPARE(written[0] + written[1], 10); // generated once
        QCOMPARE(atlas::ensureDemoCorpus(cfg, root).tracksWritten, 0);
        QVERIFY(atlas::test::temporaryFiles(root).empty());

        // While another process generates, a cancelled caller stops waiting.
        fs::remove(root / ".complete");
        {
            const atlas::FileLock busy(root / ".lock");
            std::atomic<bool> cancel{true};
            QVERIFY_THROWS_EXCEPTION(atlas::Cancelled,
                                     atlas::ensureDemoCorpus(cfg, root, {{}, &cancel}));
        }
        QCOMPARE(atlas::ensureDemoCorpus(cfg, root).tracksWritten, 0); // whole audio kept
        fs::remove_all(root);
    }

    void cancelledCorpusCanBeResumed()
    {
        atlas::DemoCorpusConfig cfg = smallConfig();
        cfg.tracksPerGenre = 1;
        const fs::path root = atlas::test::makeTempDir("demo-cancel");
        std::atomic<bool> cancel{true};
        atlas::Progress progress({}, &cancel);
        QVERIFY_THROWS_EXCEPTION(atlas::Cancelled, atlas::ensureDemoCorpus(cfg, root, progress));
        QVERIFY(!fs::exists(root / ".complete"));
        const auto done = atlas::ensureDemoCorpus(cfg, root);
        QCOMPARE(done.tracksWritten, 10);
        QVERIFY(fs::is_regular_file(root / ".complete"));
        fs::remove_all(root);
    }

    void oneThreadEqualsTwoThreads()
    {
        atlas::DemoCorpusConfig cfg = smallConfig();
        cfg.tracksPerGenre = 1;
        const fs::path a = atlas::test::makeTempDir("demo-t1");
        const fs::path b = atlas::test::makeTempDir("demo-t2");
        {
            atlas::ThreadScope one(1);
            atlas::ensureDemoCorpus(cfg, a);
        }
        {
            atlas::ThreadScope two(2);
            atlas::ensureDemoCorpus(cfg, b);
        }
        int compared = 0;
        for (const auto& e : fs::recursive_directory_iterator(a)) {
            if (!e.is_regular_file())
                continue;
            const fs::path rel = fs::relative(e.path(), a);
            QVERIFY(fs::is_regular_file(b / rel));
            QCOMPARE(atlas::test::readFile(e.path()), atlas::test::readFile(b / rel));
            ++compared;
        }
        QCOMPARE(compared, 10 + 5); // audio, two CSVs, config, stamp, the generation lock
        fs::remove_all(a);
        fs::remove_all(b);
    }
};

QTEST_GUILESS_MAIN(TestDemoCorpus)
#include "test_demo_corpus.moc"
