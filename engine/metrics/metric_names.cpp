// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/metrics/metric_names.h"

#include <limits>

namespace atlas {

const char* metricKey(Metric m)
{
    switch (m) {
    case Metric::Silhouette: return "silhouette";
    case Metric::CalinskiHarabasz: return "calinski_harabasz";
    case Metric::DaviesBouldin: return "davies_bouldin";
    case Metric::Ari: return "ari";
    case Metric::Nmi: return "nmi";
    case Metric::Purity: return "purity";
    case Metric::Ami: return "ami";
    case Metric::VMeasure: return "v_measure";
    }
    return "metric";
}

const char* metricName(Metric m)
{
    switch (m) {
    case Metric::Silhouette: return "Silhouette";
    case Metric::CalinskiHarabasz: return "Calinski-Harabasz";
    case Metric::DaviesBouldin: return "Davies-Bouldin";
    case Metric::Ari: return "ARI";
    case Metric::Nmi: return "NMI";
    case Metric::Purity: return "Purity";
    case Metric::Ami: return "AMI";
    case Metric::VMeasure: return "V-measure";
    }
    return "";
}

const char* metricLongName(Metric m)
{
    switch (m) {
    case Metric::Ari: return "Adjusted Rand index (ARI)";
    case Metric::Nmi: return "Normalised mutual information (NMI)";
    case Metric::Ami: return "Adjusted mutual information (AMI)";
    default: return metricName(m);
    }
}

bool higherIsBetter(Metric m)
{
    return m != Metric::DaviesBouldin;
}

bool isExternalMetric(Metric m)
{
    switch (m) {
    case Metric::Silhouette:
    case Metric::CalinskiHarabasz:
    case Metric::DaviesBouldin:
        return false;
    default:
        return true;
    }
}

double metricValue(const ClusterScores& s, Metric m)
{
    switch (m) {
    case Metric::Silhouette: return s.silhouette;
    case Metric::CalinskiHarabasz: return s.calinskiHarabasz;
    case Metric::DaviesBouldin: return s.daviesBouldin;
    case Metric::Ari: return s.ari;
    case Metric::Nmi: return s.nmi;
    case Metric::Purity: return s.purity;
    case Metric::Ami: return s.ami;
    case Metric::VMeasure: return s.vMeasure;
    }
    return std::numeric_limits<double>::quiet_NaN();
}

bool leavesOutNoise(const ClusterScores& s, Metric m)
{
    return !isExternalMetric(m) && s.noiseFraction > NoiseMarkFraction;
}

} // namespace atlas
