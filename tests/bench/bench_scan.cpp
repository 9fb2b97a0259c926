// SPDX-License-Identifier: GPL-3.0-or-later
// Library scan speed: listing a folder of small tagged files in Artist/Album/NN - Title.ext
// layout, reading every file's tags and embedded lyrics (TagLib) and the .lrc/.txt sidecars,
// and choosing labels -- what happens before any audio is decoded. Cold: no tag cache (the
// files themselves are in the OS page cache, as right after copying a library); warm: the
// tag cache of the cold run is used. Targets on a 2-core machine for 20,000 files: cold
// < 20 s, warm < 2 s.
//
// Usage: bench_scan [--files N] [--threads T] [--keep DIR]
//   N  files to generate (default 20000), six formats in turn (MP3, M4A AAC, M4A ALAC, FLAC,
//      Ogg Vorbis, Opus), a quarter with an .lrc sidecar; made from 0.2-s templates encoded
//      and tagged by the ffmpeg command (Debian: ffmpeg).
//   T  threads (default: all cores)
//   DIR  generate into DIR and keep it (default: a temporary folder, removed at the end)
#include "engine/core/issue.h"
#include "engine/core/parallel.h"
#include "engine/pipeline/dataset.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

namespace fs = std::filesystem;

namespace {

double now()
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

struct Template {
    const char* ext;
    const char* codec;
};

const Template Templates[] = {{".mp3", "-c:a libmp3lame -b:a 64k"},
                              {".m4a", "-c:a aac -b:a 64k"},
                              {".m4a", "-c:a alac"},
                              {".flac", "-c:a flac"},
                              {".ogg", "-c:a libvorbis -q:a 2"},
                              {".opus", "-c:a libopus -b:a 32k"}};

const char* const Genres[] = {"Rock", "Electronic", "Jazz", "Classical", "Hip-Hop", "Folk"};

bool makeTemplates(const fs::path& dir)
{
    fs::create_directories(dir);
    int i = 0;
    for (const Template& t : Templates) {
        const fs::path out = dir / ("t" + std::to_string(i) + t.ext);
        const std::string command =
            "ffmpeg -v error -y -nostdin -f lavfi -i 'sine=frequency=" + std::to_string(200 + 50 * i) +
            ":duration=0.2:sample_rate=44100' -ac 2 " + t.codec +
            " -metadata title='Template Song' -metadata artist='Template Artist'"
            " -metadata album='Template Album' -metadata date=1999 -metadata track=3"
            " -metadata genre='" + Genres[i] + "'"
            " -metadata lyrics='first line of the words\nsecond line of the words' '" +
            out.string() + "'";
        if (std::system(command.c_str()) != 0)
            return false;
        ++i;
    }
    return true;
}

} // namespace

int main(int argc, char** argv)
{
    int files = 20000;
    int threads = 0;
    fs::path keep;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--files") && i + 1 < argc)
            files = std::atoi(argv[++i]);
        else if (!std::strcmp(argv[i], "--threads") && i + 1 < argc)
            threads = std::atoi(argv[++i]);
        else if (!std::strcmp(argv[i], "--keep") && i + 1 < argc)
            keep = argv[++i];
        else {
            std::fprintf(stderr, "usage: bench_scan [--files N] [--threads T] [--keep DIR]\n");
            return 2;
        }
    }
    const fs::path root = keep.empty() ? fs::temp_directory_path() /
                                             ("musicatlas-bench-scan-" + std::to_string(::getpid()))
                                       : keep;
    const fs::path library = root / "library";
    const fs::path templates = root / "templates";
    fs::remove_all(library);
    if (!makeTemplates(templates)) {
        std::fprintf(stderr, "bench_scan: the ffmpeg command failed (apt-get install ffmpeg)\n");
        return 1;
    }

    // Artist/Album/NN - Title.ext: 20 tracks an album, 5 albums an artist.
    const double t0 = now();
    std::uintmax_t bytes = 0;
    for (int i = 0; i < files; ++i) {
        const int kind = i % 6;
        char album[64], name[96];
        std::snprintf(album, sizeof album, "Artist %04d/Album %d", i / 100, (i / 20) % 5);
        std::snprintf(name, sizeof name, "%02d - Song number %d", i % 20 + 1, i);
        const fs::path dir = library / album;
        fs::create_directories(dir);
        const fs::path file = dir / (std::string(name) + Templates[kind].ext);
        fs::copy_file(templates / ("t" + std::to_string(kind) + Templates[kind].ext), file,
                      fs::copy_options::overwrite_existing);
        bytes += fs::file_size(file);
        if (i % 4 == 0) {
            std::ofstream lrc(dir / (std::string(name) + ".lrc"));
            lrc << "[ar:Template Artist]\n[ti:Song " << i << "]\n[00:01.00]a line of lyrics "
                << i << "\n[00:03.00]another line\n";
        }
    }
    std::printf("generated %d files (%.1f MB) in %.1f s\n", files, double(bytes) / 1e6,
                now() - t0);

    atlas::DatasetConfig cfg;
    cfg.dataDir = library;
    cfg.cacheDir = root / "cache";
    cfg.threads = threads;
    fs::remove_all(cfg.cacheDir);
    std::printf("threads: %d\n", threads > 0 ? threads : atlas::hardwareThreads());

    double cold = 0.0, warm = 0.0;
    for (const char* pass : {"cold", "warm"}) {
        atlas::Diagnostics diagnostics;
        const double start = now();
        const atlas::CollectionPreview preview = atlas::previewCollection(cfg, diagnostics);
        const double seconds = now() - start;
        (std::strcmp(pass, "cold") == 0 ? cold : warm) = seconds;
        std::printf("%s scan: %.2f s (%.3f ms per file); %s; %s; issues %zu\n", pass, seconds,
                    1e3 * seconds / files, atlas::describeCoverage(preview.coverage)[2].c_str(),
                    preview.labelDescription.c_str(), diagnostics.size());
    }
    std::printf("targets for 20,000 files: cold < 20 s, warm < 2 s; scaled to 20,000: cold %.1f "
                "s, warm %.2f s\n",
                cold * 20000.0 / files, warm * 20000.0 / files);
    if (keep.empty())
        fs::remove_all(root);
    return 0;
}
