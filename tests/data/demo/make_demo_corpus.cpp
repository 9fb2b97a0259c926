// SPDX-License-Identifier: GPL-3.0-or-later
// Writes a demo corpus for analysis (analyse_demo.py) and reports the generation time.
// Built by build_tools.sh against a build tree; not part of the product.
//   make_demo_corpus <root> [tracksPerGenre=100] [seconds=12] [seed=2024] [threads=0] [lyrics]
// With "lyrics" as the last argument only lyrics.csv and manifest.csv are written (fast
// tuning of the lyrics vocabularies; analyse_demo.py --lyrics-only).
#include "engine/core/parallel.h"
#include "engine/data/demo_corpus.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <string>

int main(int argc, char** argv)
{
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s root [tracksPerGenre] [seconds] [seed] [threads]\n", argv[0]);
        return 2;
    }
    atlas::DemoCorpusConfig cfg;
    if (argc > 2)
        cfg.tracksPerGenre = std::atoi(argv[2]);
    if (argc > 3)
        cfg.durationSeconds = std::atof(argv[3]);
    if (argc > 4)
        cfg.seed = std::strtoull(argv[4], nullptr, 10);
    atlas::ThreadScope threads(argc > 5 ? std::atoi(argv[5]) : 0);
    if (argc > 6 && std::string(argv[6]) == "lyrics") {
        const std::filesystem::path root(argv[1]);
        std::filesystem::create_directories(root);
        std::ofstream lyrics(root / "lyrics.csv"), manifest(root / "manifest.csv");
        lyrics << "track_id,genre,lyrics\n";
        manifest << "path,label,lyrics_id\n";
        for (int g = 0; g < 10; ++g)
            for (int t = 0; t < cfg.tracksPerGenre; ++t) {
                std::string text = atlas::demoLyrics(g, t, cfg), quoted = "\"";
                for (char c : text)
                    quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
                const std::string id = atlas::demoTrackId(g, t), genre = atlas::demoGenres()[std::size_t(g)];
                lyrics << id << "," << genre << "," << quoted << "\"\n";
                manifest << "genres_original/" << genre << "/" << id << ".wav," << genre << "," << id << "\n";
            }
        return 0;
    }
    try {
        const auto t0 = std::chrono::steady_clock::now();
        const auto corpus = atlas::ensureDemoCorpus(cfg, argv[1]);
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        std::printf("%d tracks written, %zu in corpus, %.2f s with %d threads\n",
                    corpus.tracksWritten, corpus.files.size(), s, atlas::maxThreads());
    } catch (const std::exception& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 1;
    }
    return 0;
}
