// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/views/training_view.h"

#include "ui/figures/figure_renderer.h"
#include "ui/figures/palette.h"
#include "ui/model/run_model.h"
#include "ui/views/view_support.h"

#include <QChart>
#include <QChartView>
#include <QGridLayout>
#include <QLabel>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QStackedWidget>
#include <QTimer>
#include <QValueAxis>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <span>

namespace atlas::ui {

namespace {

const QColor TextColor(0x20, 0x20, 0x20);
const QColor MutedTextColor(0x60, 0x60, 0x60);
const QColor GridColor(0xec, 0xec, 0xec);
const QColor AxisColor(0x80, 0x80, 0x80);
const QColor WeightColor(0x70, 0x70, 0x70);

bool isAutoencoder(Representation r) { return r == Representation::Autoencoder; }


void styleAxis(QValueAxis* axis, const QString& title, const QColor& labels = MutedTextColor)
{
    axis->setTitleText(title);
    axis->setTitleBrush(TextColor);
    axis->setLabelsBrush(labels);
    axis->setLinePen(QPen(AxisColor, 1));
    axis->setGridLinePen(QPen(GridColor, 1));
    axis->setMinorGridLineVisible(false);
}

QString lossText(double v) { return QString::number(v, 'f', std::abs(v) >= 100 ? 1 : 3); }

// Sets a value axis's range and tick interval: Qt Charts makes a label item per tick at each
// change, so a wider range waits for its wider interval (a loss axis going from 0..1 to
// 0..500 with the old interval of 0.2 would first make 2,500 labels, about 100 ms).
void setTicks(QValueAxis* axis, double min, double max, double step)
{
    axis->setTickType(QValueAxis::TicksDynamic);
    axis->setTickAnchor(0);
    if (step > axis->tickInterval())
        axis->setTickInterval(step);
    axis->setRange(min, max);
    axis->setTickInterval(step);
}

// Zooms a value axis onto [lo, hi] with a little room and round ticks; losses change by a
// few percent over a run, which an axis from 0 would flatten.
void fitAxis(QValueAxis* axis, double lo, double hi, bool any)
{
    if (!any || !std::isfinite(lo) || !std::isfinite(hi)) {
        lo = 0.0;
        hi = 1.0;
    }
    const double span = hi - lo;
    const double pad = span > 0 ? 0.08 * span : std::max(0.05 * std::abs(hi), 0.5);
    lo -= pad;
    hi += pad;
    if (lo < 0.0 && lo + pad >= 0.0)
        lo = 0.0;   // losses are >= 0: no negative ticks below a positive curve
    const double step = niceStep((hi - lo) / 5.0);
    setTicks(axis, std::floor(lo / step) * step, std::ceil(hi / step) * step, step);
    int decimals = 0;
    while (decimals < 4 && step * std::pow(10.0, decimals) < 0.999)
        ++decimals;
    const double scaled = step * std::pow(10.0, decimals);
    if (std::abs(scaled - std::round(scaled)) > 1e-6)
        ++decimals;   // 2.5, 0.25
    axis->setLabelFormat(QStringLiteral("%.%1f").arg(decimals));
}

} // namespace

TrainingView::TrainingView(RunModel* model, QWidget* parent) : QWidget(parent), m_model(model)
{
    setObjectName(QStringLiteral("trainingView"));
    m_pages = new QStackedWidget(this);
    m_empty = makeEmptyState(
        QStringLiteral("Run the experiment to see the training curves of the Autoencoder and "
                       "the VAEs."),
        m_pages);
    m_pages->addWidget(m_empty);

    auto* content = new QWidget(m_pages);
    auto* grid = new QGridLayout(content);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->setSpacing(8);
    for (std::size_t i = 0; i < Models.size(); ++i) {
        Panel& p = m_panels[i];
        p.kind = Models[i];
        makePanel(p);
        p.box->setParent(content);
        grid->addWidget(p.box, int(i / 2), int(i % 2));
    }
    m_pages->addWidget(content);
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(8, 8, 8, 8);
    outer->addWidget(m_pages);

    // While the tab is hidden (behind the map of an opened session, say), whole histories
    // wait for it to be shown: laying out four charts is tens of milliseconds nobody sees.
    connect(m_model, &RunModel::cleared, this, [this] {
        if (!m_deferral.defer(*this))
            reset();
    });
    connect(m_model, &RunModel::epochAdded, this,
            [this](Representation r, const EpochReport& e) {
                if (m_deferral.pending())
                    return;   // in the model's history, drawn when the tab is shown
                if (Panel* p = panel(r)) {
                    append(*p, std::span(&e, 1));
                    updateStatus(*p);
                    m_pages->setCurrentIndex(1);
                }
            });
    connect(m_model, &RunModel::representationChanged, this, [this](Representation r) {
        if (m_deferral.defer(*this))
            return;
        sync(r);
        updateVisibility();
    });
    connect(m_model, &RunModel::resultChanged, this, [this] {
        if (m_deferral.defer(*this))
            return;
        for (Representation r : Models)
            sync(r);
        updateVisibility();
    });
    reset();
}

TrainingView::Panel* TrainingView::panel(Representation r)
{
    for (Panel& p : m_panels)
        if (p.kind == r)
            return &p;
    return nullptr;
}

const TrainingView::Panel* TrainingView::panel(Representation r) const
{
    for (const Panel& p : m_panels)
        if (p.kind == r)
            return &p;
    return nullptr;
}

void TrainingView::makePanel(Panel& p)
{
    p.box = new QWidget;
    p.box->setObjectName(QStringLiteral("trainingPanel_%1").arg(representationKey(p.kind)));
    p.chart = new QChart;
    p.chart->setBackgroundRoundness(0);
    p.chart->setDropShadowEnabled(false);
    p.chart->setAnimationOptions(QChart::NoAnimation);
    p.chart->setMargins(QMargins(4, 4, 4, 4));
    QFont titleFont = p.chart->titleFont();
    titleFont.setBold(true);
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.15);
    p.chart->setTitleFont(titleFont);
    p.chart->setTitleBrush(TextColor);

    p.x = new QValueAxis;
    styleAxis(p.x, QStringLiteral("Epoch"));
    p.x->setLabelFormat(QStringLiteral("%d"));
    p.y = new QValueAxis;
    styleAxis(p.y, QStringLiteral("Loss"));
    p.chart->addAxis(p.x, Qt::AlignBottom);
    p.chart->addAxis(p.y, Qt::AlignLeft);

    const auto add = [&](Curve c, const QString& name, const QColor& color, Qt::PenStyle style,
                         qreal width) {
        auto* s = new QLineSeries;
        s->setName(name);
        s->setObjectName(QStringLiteral("%1_%2").arg(representationKey(p.kind)).arg(int(c)));
        s->setPen(QPen(color, width, style, Qt::RoundCap, Qt::RoundJoin));
        p.chart->addSeries(s);
        s->attachAxis(p.x);
        p.series[std::size_t(c)] = s;
        return s;
    };
    if (isAutoencoder(p.kind)) {
        add(Curve::Loss, QStringLiteral("Loss (reconstruction)"), categoricalColor(0),
            Qt::SolidLine, 2.5)->attachAxis(p.y);
    } else {
        add(Curve::Loss, QStringLiteral("Total"), categoricalColor(0), Qt::SolidLine, 2.5)
            ->attachAxis(p.y);
        add(Curve::Reconstruction, QStringLiteral("Reconstruction"), categoricalColor(1),
            Qt::SolidLine, 2.0)->attachAxis(p.y);
        p.kl = new QValueAxis;
        styleAxis(p.kl, QStringLiteral("KL (nats)"), categoricalColor(2).darker(130));
        p.kl->setGridLineVisible(false);
        p.chart->addAxis(p.kl, Qt::AlignRight);
        add(Curve::Kl, QStringLiteral("KL"), categoricalColor(2), Qt::SolidLine, 2.0)
            ->attachAxis(p.kl);
        p.weight = new QValueAxis;
        styleAxis(p.weight, QStringLiteral("KL weight"), WeightColor);
        p.weight->setGridLineVisible(false);
        p.chart->addAxis(p.weight, Qt::AlignRight);
        add(Curve::KlWeight, QStringLiteral("KL weight (warm-up)"), WeightColor, Qt::DashLine, 1.5)
            ->attachAxis(p.weight);
    }
    QLegend* legend = p.chart->legend();
    legend->setAlignment(Qt::AlignTop);
    legend->setLabelColor(TextColor);
    legend->setMarkerShape(QLegend::MarkerShapeFromSeries);

    p.view = new QChartView(p.chart, p.box);
    p.view->setObjectName(QStringLiteral("trainingChart_%1").arg(representationKey(p.kind)));
    p.view->setRenderHint(QPainter::Antialiasing);
    p.view->setMinimumSize(260, 220);   // two side by side fit beside the Data panel at 1024 px
    p.status = new QLabel(p.box);
    p.status->setObjectName(QStringLiteral("trainingStatus_%1").arg(representationKey(p.kind)));
    // Wraps in a narrow window rather than widening it (the status runs to ~70 characters).
    p.status->setWordWrap(true);
    p.status->setMinimumHeight(2 * p.status->fontMetrics().lineSpacing() + 2);
    p.status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* layout = new QVBoxLayout(p.box);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addWidget(p.view, 1);
    layout->addWidget(p.status);
}

QLineSeries* TrainingView::series(Representation r, Curve c) const
{
    refreshIfStale();
    const Panel* p = panel(r);
    return p ? p->series[std::size_t(c)] : nullptr;
}

QChart* TrainingView::chart(Representation r) const
{
    refreshIfStale();
    const Panel* p = panel(r);
    return p ? p->chart : nullptr;
}

QString TrainingView::statusText(Representation r) const
{
    refreshIfStale();
    const Panel* p = panel(r);
    return p ? p->status->text() : QString();
}

bool TrainingView::isPanelShown(Representation r) const
{
    refreshIfStale();
    const Panel* p = panel(r);
    return p && !p->box->isHidden();
}

void TrainingView::clear(Panel& p)
{
    for (QLineSeries* s : p.series)
        if (s)
            s->clear();
    p.count = 0;
    p.yMin = p.yMax = p.klMin = p.klMax = 0.0;
    p.yKnown = p.klKnown = false;
}

void TrainingView::refreshIfStale() const
{
    // Asked for what it shows: brought up to date now, shown or not.
    auto* self = const_cast<TrainingView*>(this);
    self->m_deferral.catchUp([self] { self->reset(); });
}

void TrainingView::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    refreshIfStale();
}

void TrainingView::reset()
{
    for (Panel& p : m_panels) {
        clear(p);
        p.chart->setTitle(representationTitle(p.kind, m_model->config()));
        scheduleAxes(p, m_model->config().epochs);
        updateStatus(p);
    }
    for (Representation r : Models)
        sync(r);
    updateVisibility();
}

void TrainingView::append(Panel& p, std::span<const EpochReport> epochs)
{
    if (epochs.empty())
        return;
    // Each point appended to a series lays its chart out again; a whole history (a finished
    // model, an opened session) goes in as one list per series.
    std::array<QList<QPointF>, 4> points;
    for (const EpochReport& e : epochs) {
        const double x = e.epoch;
        points[std::size_t(Curve::Loss)].append({x, e.loss});
        double lo = e.loss, hi = e.loss;
        if (!isAutoencoder(p.kind)) {
            points[std::size_t(Curve::Reconstruction)].append({x, e.reconstruction});
            points[std::size_t(Curve::Kl)].append({x, e.kl});
            points[std::size_t(Curve::KlWeight)].append({x, e.klWeight});
            lo = std::min(lo, e.reconstruction);
            hi = std::max(hi, e.reconstruction);
            if (std::isfinite(e.kl)) {
                p.klMin = p.klKnown ? std::min(p.klMin, e.kl) : e.kl;
                p.klMax = p.klKnown ? std::max(p.klMax, e.kl) : e.kl;
                p.klKnown = true;
            }
        }
        if (std::isfinite(lo) && std::isfinite(hi)) {
            p.yMin = p.yKnown ? std::min(p.yMin, lo) : lo;
            p.yMax = p.yKnown ? std::max(p.yMax, hi) : hi;
            p.yKnown = true;
        }
        ++p.count;
    }
    for (std::size_t c = 0; c < points.size(); ++c) {
        QLineSeries* s = p.series[c];
        if (!s || points[c].isEmpty())
            continue;
        if (points[c].size() == 1)
            s->append(points[c].front());
        else
            s->replace(s->count() == 0 ? points[c] : s->points() + points[c]);
    }
    const EpochReport& last = epochs.back();
    if (epochs.size() == 1)
        updateAxes(p, std::max(last.epochs, last.epoch));   // live: follows each epoch
    else
        scheduleAxes(p, std::max(last.epochs, last.epoch));
}

void TrainingView::sync(Representation r)
{
    Panel* p = panel(r);
    if (!p)
        return;
    // The history can arrive whole (a finished result, an opened session) rather than
    // epoch by epoch; append what the chart does not show yet, or redraw if it differs.
    const std::vector<EpochReport>& history = m_model->history(r);
    if (int(history.size()) < p->count) {
        clear(*p);
        if (history.empty())
            scheduleAxes(*p, m_model->config().epochs);
    }
    if (std::size_t(p->count) < history.size())
        append(*p, std::span(history).subspan(std::size_t(p->count)));
    p->chart->setTitle(representationTitle(p->kind, m_model->config()));
    updateStatus(*p);
}

void TrainingView::updateAxes(Panel& p, int epochs)
{
    p.axesEpochs = epochs;
    for (int step = 0; step < AxisSteps; ++step)
        fitAxisStep(p, step);
    p.axisStep = AxisSteps;
}

void TrainingView::scheduleAxes(Panel& p, int epochs)
{
    // Each change of an axis's range, ticks or label format makes Qt Charts rebuild that
    // axis's labels, a few milliseconds each: the four panels of a finished run (or an
    // opened session) are fitted one axis per event-loop turn, so that the window never
    // waits for all of them at once.
    p.axesEpochs = epochs;
    p.axisStep = 0;
    if (!m_fitScheduled) {
        m_fitScheduled = true;
        QTimer::singleShot(0, this, &TrainingView::fitPendingAxis);
    }
}

void TrainingView::fitPendingAxis()
{
    m_fitScheduled = false;
    for (Panel& p : m_panels)
        if (p.axisStep < AxisSteps) {
            fitAxisStep(p, p.axisStep++);
            break;
        }
    if (axesPending()) {
        m_fitScheduled = true;
        QTimer::singleShot(0, this, &TrainingView::fitPendingAxis);
    }
}

bool TrainingView::axesPending() const
{
    refreshIfStale();
    return std::any_of(m_panels.begin(), m_panels.end(),
                       [](const Panel& p) { return p.axisStep < AxisSteps; });
}

void TrainingView::fitAxisStep(Panel& p, int step)
{
    const int epochs = p.axesEpochs;
    switch (step) {
    case XStep: {
        const int span = std::max(1, epochs - 1);
        setTicks(p.x, 1, std::max(2, epochs), std::max(1.0, niceStep(span / 6.0)));
        break;
    }
    case YStep:
        fitAxis(p.y, p.yMin, p.yMax, p.yKnown);
        break;
    case KlStep:
        if (p.kl)
            fitAxis(p.kl, p.klMin, p.klMax, p.klKnown);
        break;
    case WeightStep:
        if (p.weight) {
            const PipelineConfig& cfg = m_model->config();
            const double beta = p.kind == Representation::BetaVae ? cfg.betaVaeBeta : cfg.vaeBeta;
            double wmax = std::max(beta, 1e-9);
            if (const QLineSeries* w = p.series[std::size_t(Curve::KlWeight)])
                for (const QPointF& pt : w->points())
                    wmax = std::max(wmax, pt.y());
            const double wstep = niceStep(wmax / 4.0);
            setTicks(p.weight, 0.0, std::ceil(wmax * 1.02 / wstep) * wstep, wstep);
            p.weight->setLabelFormat(wstep >= 1 ? QStringLiteral("%.0f") : QStringLiteral("%.2f"));
        }
        break;
    default: break;
    }
}

void TrainingView::updateStatus(Panel& p)
{
    const std::vector<EpochReport>& history = m_model->history(p.kind);
    const auto rep = m_model->representation(p.kind);
    // Two lines: where training is, then what came out of it.
    QString first, second;
    if (history.empty()) {
        first = QStringLiteral("No epoch yet.");
    } else {
        const EpochReport& e = history.back();
        first = QStringLiteral("Epoch %1 of %2 · loss %3")
                    .arg(e.epoch)
                    .arg(e.epochs)
                    .arg(lossText(e.loss));
        if (!isAutoencoder(p.kind))
            first += QStringLiteral(" · reconstruction %1 · KL %2 × weight %3")
                         .arg(lossText(e.reconstruction), lossText(e.kl),
                              QString::number(e.klWeight, 'f', 2));
    }
    if (rep && rep->ok)
        second = QStringLiteral("Finished: %1 of %2 latent dimensions active")
                     .arg(rep->activeDimensions)
                     .arg(rep->codes.cols());
    else if (rep)
        second = QStringLiteral("Failed: %1").arg(QString::fromStdString(rep->error));
    else if (!history.empty())
        second = QStringLiteral("Training…");
    p.status->setText(first + QLatin1Char('\n') + second);
}

void TrainingView::updateVisibility()
{
    const auto& wanted = m_model->config().representations;
    bool anyShown = false, anyData = false;
    for (Panel& p : m_panels) {
        const bool shown = std::find(wanted.begin(), wanted.end(), p.kind) != wanted.end() ||
                           !m_model->history(p.kind).empty();
        p.box->setVisible(shown);
        anyShown |= shown;
        anyData |= !m_model->history(p.kind).empty() || m_model->representation(p.kind);
    }
    if (!anyShown)
        m_empty->setText(QStringLiteral("This run trains no neural model (PCA only)."));
    else
        m_empty->setText(QStringLiteral(
            "Run the experiment to see the training curves of the Autoencoder and the VAEs."));
    m_pages->setCurrentIndex(anyShown && anyData ? 1 : 0);
}

} // namespace atlas::ui
