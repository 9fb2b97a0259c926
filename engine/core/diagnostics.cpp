// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/core/issue.h"

namespace atlas {

void Diagnostics::add(Issue issue)
{
    std::lock_guard lock(m_mutex);
    m_issues.push_back(std::move(issue));
    if (m_listener)
        m_listener(m_issues.back());
}

std::vector<Issue> Diagnostics::issues() const
{
    std::lock_guard lock(m_mutex);
    return m_issues;
}

std::size_t Diagnostics::size() const
{
    std::lock_guard lock(m_mutex);
    return m_issues.size();
}

} // namespace atlas
