// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/core/error.h"

namespace atlas {

void requireValid(const std::vector<std::string>& problems)
{
    if (problems.empty())
        return;
    std::string message;
    for (const std::string& p : problems) {
        if (!message.empty())
            message += "; ";
        message += p;
    }
    throw ConfigError(message);
}

} // namespace atlas
