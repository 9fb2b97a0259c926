// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/model/metatypes.h"

namespace atlas::ui {

void registerMetaTypes()
{
    qRegisterMetaType<atlas::Representation>();
    qRegisterMetaType<atlas::MapKind>();
    qRegisterMetaType<atlas::Clustering>();
    qRegisterMetaType<atlas::EpochReport>();
    qRegisterMetaType<atlas::Issue>();
    qRegisterMetaType<atlas::PipelineConfig>();
    qRegisterMetaType<std::shared_ptr<const atlas::Dataset>>();
    qRegisterMetaType<std::shared_ptr<const atlas::Matrix>>();
    qRegisterMetaType<std::shared_ptr<const atlas::RepresentationResult>>();
    qRegisterMetaType<std::shared_ptr<const atlas::RunResult>>();
}

} // namespace atlas::ui
