// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/pipeline/pipeline.h"
#include "ui/views/view_support.h"

#include <QString>
#include <QWidget>

#include <array>
#include <span>

class QChart;
class QChartView;
class QLabel;
class QLineSeries;
class QStackedWidget;
class QValueAxis;

namespace atlas::ui {

class RunModel;

/// The Training tab: the loss curves of the neural models (Autoencoder, VAE, β-VAE, CVAE)
/// as small multiples, one Qt Charts panel per model, filled epoch by epoch while the run
/// goes on (points are appended; nothing is rebuilt). Each VAE panel shows the total loss
/// and its reconstruction part (left axis), the KL part (first right axis: it is two orders
/// of magnitude smaller) and the KL weight of the warm-up (dashed, second right axis); the
/// Autoencoder panel its loss. Value axes follow the data (zoomed to its range). Under each
/// panel two lines give the epochs done, the last losses and, once the model has finished,
/// its active latent dimensions.
/// Models the run does not train are hidden. objectName "trainingView".
class TrainingView : public QWidget {
    Q_OBJECT
public:
    enum class Curve { Loss, Reconstruction, Kl, KlWeight };
    /// The models with a panel, in display order.
    static constexpr std::array<Representation, 4> Models = {
        Representation::Autoencoder, Representation::Vae, Representation::BetaVae,
        Representation::Cvae};

    explicit TrainingView(RunModel* model, QWidget* parent = nullptr);

    /// The series of curve `c` of model `r` (x = epoch); null for PCA and for the parts the
    /// Autoencoder has not (reconstruction, KL, KL weight).
    QLineSeries* series(Representation r, Curve c) const;
    /// The chart of model `r`; null for PCA.
    QChart* chart(Representation r) const;
    /// The text line under model r's chart.
    QString statusText(Representation r) const;
    /// Whether model r's panel is shown (the run trains it).
    bool isPanelShown(Representation r) const;
    /// Whether some axes still wait to be fitted to a history that arrived whole (they are
    /// fitted one per event-loop turn).
    bool axesPending() const;

protected:
    void showEvent(QShowEvent* event) override;

private:
    /// Whole histories that arrive while the tab is hidden in a shown window wait in
    /// m_deferral, and are drawn from the model when the tab is shown or asked.
    void refreshIfStale() const;

    enum AxisStep { XStep, YStep, KlStep, WeightStep, AxisSteps };
    struct Panel {
        Representation kind = Representation::Autoencoder;
        QWidget* box = nullptr;
        QChartView* view = nullptr;
        QChart* chart = nullptr;
        std::array<QLineSeries*, 4> series{};
        QValueAxis* x = nullptr;
        QValueAxis* y = nullptr;
        QValueAxis* kl = nullptr;
        QValueAxis* weight = nullptr;
        QLabel* status = nullptr;
        // The value ranges of the drawn epochs' finite values: total and reconstruction, KL.
        double yMin = 0.0, yMax = 0.0;
        double klMin = 0.0, klMax = 0.0;
        bool yKnown = false, klKnown = false;
        int count = 0;        // epochs drawn
        int axesEpochs = 0;   // the x axis's extent
        int axisStep = AxisSteps;   // the next axis to fit (AxisSteps: none pending)
    };
    Panel* panel(Representation r);
    const Panel* panel(Representation r) const;
    void makePanel(Panel& p);
    /// Removes every point and forgets the value ranges.
    static void clear(Panel& p);
    void reset();
    /// Adds the points of some epochs: one while training (the axes follow at once), or a
    /// whole history when a model finishes or a session opens (the axes are fitted in the
    /// next event-loop turns).
    void append(Panel& p, std::span<const EpochReport> epochs);
    void sync(Representation r);
    /// Fits every axis of the panel now.
    void updateAxes(Panel& p, int epochs);
    /// Fits the panel's axes later, one per event-loop turn.
    void scheduleAxes(Panel& p, int epochs);
    void fitPendingAxis();
    void fitAxisStep(Panel& p, int step);
    void updateStatus(Panel& p);
    void updateVisibility();

    RunModel* m_model;
    QStackedWidget* m_pages;
    QLabel* m_empty;
    std::array<Panel, 4> m_panels;
    bool m_fitScheduled = false;
    HiddenViewDeferral m_deferral;
};

} // namespace atlas::ui
