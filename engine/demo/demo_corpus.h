// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/progress.h"
#include "engine/core/types.h"

#include <filesystem>
#include <string>
#include <vector>

namespace atlas {

/// The built-in demo corpus: synthetic music in the shape of the GTZAN Genre Collection
/// (Tzanetakis & Cook, 2002: ten genres, equal counts, 22,050 Hz mono excerpts) with a
/// lyrics text per track, generated deterministically so that the whole application runs
/// without downloading anything.
///
/// Each genre has its own tempo range, drum pattern, bass line, harmony, instruments and
/// production (blues: 12-bar shuffle with dominant sevenths; classical: no drums, strings or
/// piano, wide dynamics, reverb; country: boom-chick bass and twangy plucks; disco:
/// four-on-the-floor with off-beat open hats and octave bass; hip-hop: swung 808 beats, a
/// low-passed sampled loop and vinyl noise; jazz: swing ride, walking bass, 7th/9th chords;
/// metal: distorted palm-muted power chords and double kick; pop: I-V-vi-IV with a bright lead;
/// reggae: one-drop drums, off-beat skank and deep bass; rock: distorted chords on a backbeat).
/// Every track varies key, tempo, mix, brightness, noise and production, and about one
/// element in five is borrowed from a neighbouring genre, so genres overlap as real ones do.
/// Measured with the default configuration (tests/data/demo/README.md): k-means (k = 10) on
/// standardised MFCC mean+std features reaches an NMI with the genres of 0.52, and on
/// TF-IDF (500 terms) lyrics features 0.54; real GTZAN audio features give less.
///
/// Lyrics mix about 270 common lyric words with 50-60 words per genre (related genres
/// share some), with repeated chorus lines, capitalised line starts and punctuation.

/// Options of the demo corpus. The defaults give GTZAN's shape (100 tracks x 10 genres,
/// 22,050 Hz) with 12 s excerpts (GTZAN's are 30 s; 12 s keeps generation to seconds).
struct DemoCorpusConfig {
    int tracksPerGenre = 100;      ///< tracks per genre, 1..1000 (file numbers 00000..00999)
    double durationSeconds = 12.0; ///< length of every track in s, 1..60
    int sampleRate = 22050;        ///< Hz, 8000..48000
    Seed seed = 2024;              ///< the only source of randomness

    /// Empty when valid; otherwise one message per problem, naming the field.
    std::vector<std::string> validate() const;
    /// Canonical one-line text of all fields; equal configs give equal strings. Used for the
    /// default folder name and the completion stamp.
    std::string canonical() const;

    bool operator==(const DemoCorpusConfig&) const = default;
};

/// A demo corpus on disk, in the GTZAN Kaggle layout:
///   <root>/genres_original/<genre>/<genre>.000NN.wav   PCM16 mono
///   <root>/lyrics.csv      header track_id,genre,lyrics (RFC 4180 quoting, UTF-8)
///   <root>/manifest.csv    header path,label,lyrics_id (path relative to <root>)
///   <root>/demo-config.txt DemoCorpusConfig::canonical(), written before the first track
///   <root>/.complete       completion stamp holding the same text, written last
struct DemoCorpus {
    std::filesystem::path root;
    std::filesystem::path audioDir;                 ///< <root>/genres_original
    std::filesystem::path lyricsCsv;                ///< <root>/lyrics.csv
    std::filesystem::path manifestCsv;              ///< <root>/manifest.csv
    std::vector<std::filesystem::path> files;       ///< absolute audio paths, genre-major order
    std::vector<std::string> trackIds;              ///< "<genre>.000NN", same order as files
    Labels labels;                                  ///< genre index 0..9 per track
    std::vector<std::string> genres;                ///< demoGenres()
    int tracksWritten = 0; ///< audio files this call wrote (0 when the corpus was complete)
};

/// The ten GTZAN genre names in GTZAN order: blues, classical, country, disco, hiphop, jazz,
/// metal, pop, reggae, rock.
const std::vector<std::string>& demoGenres();

/// "<genre>.000NN" (GTZAN's file stem) for a genre index 0..9 and track index >= 0.
/// Throws ConfigError for an out-of-range genre or a negative/too-large track index.
std::string demoTrackId(int genreIndex, int trackIndex);

/// The audio of one track: cfg.durationSeconds * cfg.sampleRate mono samples, |x| <= 0.98,
/// no DC offset. Depends only on (cfg.seed, genreIndex, trackIndex, duration, rate): the same
/// arguments give bit-identical samples on any thread. Thread-safe. Throws ConfigError for an
/// invalid cfg or out-of-range indices (trackIndex may exceed cfg.tracksPerGenre).
std::vector<float> synthesizeTrack(int genreIndex, int trackIndex, const DemoCorpusConfig& cfg);

/// The lyrics of one track (40-150 words over several lines separated by '\n', with a chorus
/// that repeats). Depends only on (cfg.seed, genreIndex, trackIndex). Thread-safe. Throws
/// ConfigError like synthesizeTrack().
std::string demoLyrics(int genreIndex, int trackIndex, const DemoCorpusConfig& cfg);

/// Default folder of a demo corpus: userCacheDir() / "demo-<hashHex(cfg.canonical())>".
/// Creates userCacheDir() if needed (InputError when it cannot).
std::filesystem::path defaultDemoCorpusRoot(const DemoCorpusConfig& cfg);

/// Makes sure the demo corpus for cfg exists under root and returns its description.
///
/// Idempotent: when root/.complete holds cfg.canonical() and all files are present, nothing
/// is written. Otherwise the corpus is completed: when root/demo-config.txt (or the stamp)
/// holds the same config, audio files already present are kept (each file appears
/// atomically, so a present file is whole); every other track is synthesised and written;
/// lyrics.csv and manifest.csv are rewritten; the stamp is written last. Audio of another
/// config in the same folder is deleted and replaced. Tracks are generated in parallel
/// (OpenMP, one track per iteration); the output is the same for any thread count.
/// Processes: generation holds a lock (root/.lock), so a second process asking for the same
/// corpus meanwhile waits for it and then uses it (cancellable while waiting).
///
/// Progress: reported per track from the calling thread, 1.0 at the end. Cancellation is
/// checked between tracks; Cancelled is thrown after the running tracks finish, leaving a
/// partial corpus that the next call completes.
/// Throws ConfigError for an invalid cfg, InputError when a file cannot be written.
DemoCorpus ensureDemoCorpus(const DemoCorpusConfig& cfg, const std::filesystem::path& root,
                            const Progress& progress = {});

/// ensureDemoCorpus(cfg, defaultDemoCorpusRoot(cfg), progress).
DemoCorpus ensureDemoCorpus(const DemoCorpusConfig& cfg, const Progress& progress = {});

} // namespace atlas
