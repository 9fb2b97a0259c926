// SPDX-License-Identifier: GPL-3.0-or-later
#include "tests/ui/ui_fixtures.h"

#include "tests/support/fixtures.h"

namespace atlas::test {

PipelineConfig smallDemoConfig(int tracksPerGenre, const std::string& tag)
{
    PipelineConfig cfg;
    cfg.data.demo = true;
    cfg.data.demoCorpus.tracksPerGenre = tracksPerGenre;
    cfg.data.demoCorpus.durationSeconds = 3.0;
    cfg.data.audio.decode.duration = 2.0;
    cfg.data.cacheDir = makeTempDir(tag + "-cache");
    cfg.epochs = 3;
    cfg.threads = 2;
    return cfg;
}

std::shared_ptr<const RunResult> smallDemoRun()
{
    static const std::shared_ptr<const RunResult> run = [] {
        Diagnostics diagnostics;
        return std::make_shared<const RunResult>(
            runPipeline(smallDemoConfig(6, "ui-run"), diagnostics));
    }();
    return run;
}

} // namespace atlas::test
