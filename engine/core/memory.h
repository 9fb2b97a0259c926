// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>

namespace atlas {

/// Asks the system to back the whole 2 MB pages inside [data, data + bytes) with transparent
/// huge pages (Linux madvise(MADV_HUGEPAGE), which Debian's default "madvise" mode waits for).
/// For large matrices about to be filled: a 4 GB table then costs two thousand page faults
/// instead of a million. Only a hint: nothing happens elsewhere, for small ranges, or when the
/// system declines.
void adviseHugePages(void* data, std::size_t bytes) noexcept;

} // namespace atlas
