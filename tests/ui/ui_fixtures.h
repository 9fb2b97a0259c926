// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/pipeline/pipeline.h"

#include <filesystem>
#include <memory>

namespace atlas::test {

/// A configuration for a small, quick, real run: the demo corpus at `tracksPerGenre` tracks
/// per genre (10 genres, 3-s tracks) in a per-test cache folder, 3 epochs, maps on.
PipelineConfig smallDemoConfig(int tracksPerGenre = 6, const std::string& tag = "ui");

/// Runs smallDemoConfig() once per process and returns the shared result (every
/// representation, clustering and map, computed by the real engine).
std::shared_ptr<const RunResult> smallDemoRun();

} // namespace atlas::test
