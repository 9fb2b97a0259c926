// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Engine types that travel in queued signals between the run's thread and the GUI.

#include "engine/pipeline/pipeline.h"

#include <QMetaType>

#include <memory>

Q_DECLARE_METATYPE(atlas::Representation)
Q_DECLARE_METATYPE(atlas::MapKind)
Q_DECLARE_METATYPE(atlas::Clustering)
Q_DECLARE_METATYPE(atlas::EpochReport)
Q_DECLARE_METATYPE(atlas::Issue)
Q_DECLARE_METATYPE(atlas::PipelineConfig)
Q_DECLARE_METATYPE(std::shared_ptr<const atlas::Dataset>)
Q_DECLARE_METATYPE(std::shared_ptr<const atlas::Matrix>)
Q_DECLARE_METATYPE(std::shared_ptr<const atlas::RepresentationResult>)
Q_DECLARE_METATYPE(std::shared_ptr<const atlas::RunResult>)

namespace atlas::ui {
/// Registers the types above with Qt's meta-type system (idempotent).
void registerMetaTypes();
} // namespace atlas::ui
