// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The one way the product writes a file: a reader, a crash or a second process writing the
// same file at the same time sees either the previous file or the complete new one, never
// part of one.

#include "engine/core/progress.h"

#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <ostream>
#include <span>
#include <string>
#include <string_view>

namespace atlas {

/// A file replaced as a whole. The content goes to a temporary file in the target's folder
/// (unnamed where the system allows it, so that even a killed process leaves nothing behind;
/// otherwise a hidden ".<name>.<pid>.<n>.tmp", unique per process and write); commit() flushes
/// it, fsyncs it, renames it over the target and fsyncs the folder. Destroyed without
/// commit() (an exception, a cancelled run), it removes the temporary file and leaves the
/// target untouched. A target that exists keeps its permissions; a symbolic link is followed,
/// so the file it points to is replaced, not the link.
///
/// Errors throw InputError "<target>: cannot write <what> (<step>: <reason>)", the reason
/// being the system's, e.g. "No space left on device"; or "(the folder <folder> does not
/// exist)", "(it is a folder)".
class AtomicFile {
public:
    /// Creates the temporary file. `what` names the kind of file in messages ("the session
    /// file"). Throws InputError when the folder is missing or not writable, or when the
    /// target is a folder.
    explicit AtomicFile(std::filesystem::path target, std::string what = "the file");
    ~AtomicFile();
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;

    /// A binary stream into the temporary file. A write error sets badbit; commit() then
    /// reports it with the system's reason.
    std::ostream& stream();
    /// Appends bytes (through the same buffer as stream()).
    void write(const void* data, std::size_t size);
    void write(std::string_view bytes) { write(bytes.data(), bytes.size()); }
    /// The temporary file's descriptor, for libraries that write to one (libsndfile); what
    /// stream() buffered is written first. Do not close it.
    int descriptor();

    /// Makes the new content the target's, durably. Throws InputError (the temporary file is
    /// then already removed and the target untouched). Once only.
    void commit();
    /// Removes the temporary file now; the target is untouched. Also done by the destructor.
    void discard() noexcept;

    const std::filesystem::path& target() const { return m_target; }

private:
    [[noreturn]] void fail(std::string_view step, int error);
    [[noreturn]] void failCreating(const std::filesystem::path& folder, std::string_view step,
                                   int error);

    class Buffer;
    std::filesystem::path m_target;
    std::string m_what;
    std::filesystem::path m_temporary; ///< empty while the temporary file has no name
    int m_fd = -1;
    std::unique_ptr<Buffer> m_buffer;
    std::unique_ptr<std::ostream> m_stream;
};

/// Writes `target` atomically with what `body` puts into the stream. An exception from `body`
/// leaves the target untouched, removes the temporary file and propagates unchanged.
void writeFileAtomically(const std::filesystem::path& target,
                         const std::function<void(std::ostream&)>& body,
                         std::string what = "the file");
/// Writes `bytes` to `target` atomically.
void writeFileAtomically(const std::filesystem::path& target, std::span<const unsigned char> bytes,
                         std::string what = "the file");
void writeFileAtomically(const std::filesystem::path& target, std::string_view bytes,
                         std::string what = "the file");

/// An exclusive advisory lock (flock) on `file`, created if missing and never removed, held
/// until destruction. Serialises read-modify-write cycles between processes, e.g. two runs
/// merging into one feature cache. Waits for the lock, throwing Cancelled meanwhile once
/// `progress` is cancelled; throws InputError when the lock file cannot be created. On file
/// systems without flock it holds nothing (writes stay atomic).
class FileLock {
public:
    explicit FileLock(const std::filesystem::path& file, const Progress& progress = {});
    ~FileLock();
    FileLock(const FileLock&) = delete;
    FileLock& operator=(const FileLock&) = delete;

private:
    int m_fd = -1;
};

} // namespace atlas
