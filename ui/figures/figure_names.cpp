// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/figures/figure_names.h"

namespace atlas::ui {

namespace {

QString betaText(double beta)
{
    return QString::number(beta, 'g', 4);
}

} // namespace

QString representationTitle(Representation r, const PipelineConfig& cfg)
{
    switch (r) {
    case Representation::Pca: return QStringLiteral("PCA");
    case Representation::Autoencoder: return QStringLiteral("Autoencoder");
    case Representation::Vae: return QStringLiteral("VAE (β = %1)").arg(betaText(cfg.vaeBeta));
    case Representation::BetaVae:
        return QStringLiteral("β-VAE (β = %1)").arg(betaText(cfg.betaVaeBeta));
    case Representation::Cvae: return QStringLiteral("CVAE");
    }
    return {};
}

QString clusteringTitle(Clustering c) { return QString::fromUtf8(clusteringName(c)); }

QString mapTitle(MapKind m) { return QString::fromUtf8(mapName(m)); }

} // namespace atlas::ui
