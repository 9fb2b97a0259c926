// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/error.h"
#include "engine/core/parallel.h"

#include <atomic>
#include <functional>
#include <string>
#include <string_view>

namespace atlas {

/// Progress reporting and cancellation for a long stage, free of any GUI dependency.
///
/// A Progress is a sink callback plus a pointer to an atomic cancel flag, and the slice
/// [begin, end] of the whole run that the current stage covers; sub() maps a child stage onto
/// a part of that slice, so the whole run reports a single 0 -> 1 figure.
///
/// Thread rules: report() is called only from the thread that entered the stage (inside an
/// OpenMP region: the thread that will continue after it). isCancelled() may be called from
/// any thread. throwIfCancelled() is called at safe points only, never inside an OpenMP region.
/// A default-constructed Progress reports nowhere and is never cancelled.
class Progress {
public:
    /// stage: name of the running stage; overall: 0..1 for the whole run; message: detail.
    using Sink = std::function<void(std::string_view stage, double overall,
                                    std::string_view message)>;

    /// As Sink, plus `stageFraction`: 0..1 within the named stage (the value given to report()),
    /// for front ends that show the stage's own progress next to the overall figure.
    using StageSink = std::function<void(std::string_view stage, double overall,
                                         double stageFraction, std::string_view message)>;

    Progress() = default;
    Progress(Sink sink, const std::atomic<bool>* cancelFlag)
        : m_sink(std::move(sink)), m_cancel(cancelFlag)
    {
    }
    /// A Progress whose sink also receives the fraction of the current stage.
    static Progress withStageSink(StageSink sink, const std::atomic<bool>* cancelFlag)
    {
        Progress p;
        p.m_stageSink = std::move(sink);
        p.m_cancel = cancelFlag;
        return p;
    }

    /// Reports that `fraction` (0..1) of this stage is done.
    /// Also a point where the stage's thread count may follow its ThreadTarget.
    void report(double fraction, std::string_view message = {}) const
    {
        followThreadTarget();
        if (m_sink)
            m_sink(m_stage, m_begin + fraction * (m_end - m_begin), message);
        else if (m_stageSink)
            m_stageSink(m_stage, m_begin + fraction * (m_end - m_begin), fraction, message);
    }
    bool isCancelled() const noexcept
    {
        return m_cancel && m_cancel->load(std::memory_order_relaxed);
    }
    void throwIfCancelled() const
    {
        if (isCancelled())
            throw Cancelled();
    }
    /// A child covering [begin, end] (fractions of this stage) under the name `stage`.
    Progress sub(double begin, double end, std::string stage) const
    {
        Progress child = *this;
        child.m_begin = m_begin + begin * (m_end - m_begin);
        child.m_end = m_begin + end * (m_end - m_begin);
        child.m_stage = std::move(stage);
        return child;
    }
    /// A child covering [begin, end] that keeps this stage's name.
    Progress sub(double begin, double end) const { return sub(begin, end, m_stage); }

    const std::string& stage() const noexcept { return m_stage; }

private:
    Sink m_sink;
    StageSink m_stageSink;
    const std::atomic<bool>* m_cancel = nullptr;
    std::string m_stage;
    double m_begin = 0.0;
    double m_end = 1.0;
};

} // namespace atlas
