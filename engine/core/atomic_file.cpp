// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/core/atomic_file.h"

#include "engine/core/error.h"
#include "engine/core/user_file.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cerrno>
#include <streambuf>
#include <system_error>
#include <thread>
#include <vector>

namespace fs = std::filesystem;

namespace atlas {

namespace {

std::string reason(int error)
{
    return std::error_code(error, std::generic_category()).message();
}

// ".<name>.<pid>.<n>.tmp": hidden, and unique between the processes and the writes of one
// process; O_EXCL settles what is left (another host writing to a shared folder).
fs::path temporaryName(const fs::path& target)
{
    static std::atomic<unsigned> counter{0};
    fs::path name = target;
    name.replace_filename("." + target.filename().string() + "." + std::to_string(::getpid()) +
                          "." + std::to_string(counter.fetch_add(1)) + ".tmp");
    return name;
}

// An unnamed temporary file (O_TMPFILE) is given its name at commit time by linking
// /proc/self/fd/<fd>; without /proc that is impossible for an unprivileged process.
bool unnamedFilesUsable()
{
#ifdef O_TMPFILE
    static const bool usable = ::access("/proc/self/fd", X_OK) == 0;
    return usable;
#else
    return false;
#endif
}

} // namespace

// A buffered streambuf over the temporary file's descriptor that keeps the first write error.
class AtomicFile::Buffer : public std::streambuf {
public:
    explicit Buffer(int fd) : m_fd(fd), m_data(std::size_t(1) << 16)
    {
        setp(m_data.data(), m_data.data() + m_data.size());
    }

    /// The errno of the first failed write, 0 if none.
    int error() const { return m_error; }

    /// Writes what is buffered; false on an error.
    bool drain()
    {
        const bool ok = writeAll(pbase(), std::size_t(pptr() - pbase()));
        setp(m_data.data(), m_data.data() + m_data.size());
        return ok;
    }

    bool writeAll(const char* data, std::size_t size)
    {
        if (m_error)
            return false;
        while (size > 0) {
            const ssize_t k = ::write(m_fd, data, std::min<std::size_t>(size, std::size_t(1) << 30));
            if (k < 0) {
                if (errno == EINTR)
                    continue;
                m_error = errno;
                return false;
            }
            if (k == 0) {
                m_error = EIO;
                return false;
            }
            data += k;
            size -= std::size_t(k);
        }
        return true;
    }

protected:
    int_type overflow(int_type ch) override
    {
        if (!drain())
            return traits_type::eof();
        if (!traits_type::eq_int_type(ch, traits_type::eof())) {
            *pptr() = traits_type::to_char_type(ch);
            pbump(1);
        }
        return traits_type::not_eof(ch);
    }

    std::streamsize xsputn(const char* s, std::streamsize n) override
    {
        // Large blocks go straight to the file instead of through the buffer.
        if (std::size_t(n) >= m_data.size())
            return drain() && writeAll(s, std::size_t(n)) ? n : 0;
        return std::streambuf::xsputn(s, n);
    }

    int sync() override { return drain() ? 0 : -1; }

private:
    int m_fd;
    std::vector<char> m_data;
    int m_error = 0;
};

AtomicFile::AtomicFile(fs::path target, std::string what)
    : m_target(std::move(target)), m_what(std::move(what))
{
    if (m_target.empty() || !m_target.has_filename())
        throw InputError("\"" + m_target.string() + "\": not a file name for " + m_what);
    // Renaming over a device, a named pipe or a socket, or a link to one, would replace it (as
    // root, /dev/null itself): only a regular file or a new name is ever replaced.
    struct stat existing {};
    const bool exists = ::stat(m_target.c_str(), &existing) == 0;
    if (exists && S_ISDIR(existing.st_mode))
        throw InputError(m_target.string() + ": cannot write " + m_what + " (it is a folder)");
    if (exists && !S_ISREG(existing.st_mode))
        throw InputError(m_target.string() + ": cannot write " + m_what + " (" +
                         notRegularFileReason(m_target).value_or("is not a regular file") + ")");
    std::error_code ec;
    if (fs::is_symlink(m_target, ec)) {
        const fs::path resolved = fs::weakly_canonical(m_target, ec);
        if (!ec)
            m_target = resolved;
    }
    const fs::path folder = m_target.has_parent_path() ? m_target.parent_path() : fs::path(".");

#ifdef O_TMPFILE
    if (unnamedFilesUsable()) {
        m_fd = ::open(folder.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0666);
        // File systems without O_TMPFILE say so in one of these ways; anything else (a
        // missing or read-only folder) is the real answer.
        const int e = errno;
        if (m_fd < 0 && e != EOPNOTSUPP && e != EISDIR && e != EINVAL && e != ENOSYS)
            failCreating(folder, "creating a temporary file in " + folder.string(), e);
    }
#endif
    for (int attempt = 0; m_fd < 0; ++attempt) {
        const fs::path name = temporaryName(m_target);
        m_fd = ::open(name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        const int e = errno;
        if (m_fd >= 0)
            m_temporary = name;
        else if (e != EEXIST || attempt == 100)
            failCreating(folder, "creating " + name.string(), e);
    }
    if (exists)
        (void)::fchmod(m_fd, existing.st_mode & 07777); // a private file stays private
    m_buffer = std::make_unique<Buffer>(m_fd);
    m_stream = std::make_unique<std::ostream>(m_buffer.get());
}

AtomicFile::~AtomicFile()
{
    discard();
}

std::ostream& AtomicFile::stream()
{
    return *m_stream;
}

void AtomicFile::write(const void* data, std::size_t size)
{
    m_stream->write(static_cast<const char*>(data), std::streamsize(size));
}

int AtomicFile::descriptor()
{
    if (m_buffer)
        m_buffer->drain();
    return m_fd;
}

void AtomicFile::commit()
{
    if (m_fd < 0)
        throw InputError(m_target.string() + ": cannot write " + m_what +
                         " (the temporary file is gone)");
    if (!m_buffer->drain() || !*m_stream)
        fail("writing", m_buffer->error() ? m_buffer->error() : EIO);
    if (::fsync(m_fd) != 0) {
        const int e = errno;
        fail("flushing to disk", e);
    }
    for (int attempt = 0; m_temporary.empty(); ++attempt) {
        const fs::path name = temporaryName(m_target);
        const std::string self = "/proc/self/fd/" + std::to_string(m_fd);
        const int linked =
            ::linkat(AT_FDCWD, self.c_str(), AT_FDCWD, name.c_str(), AT_SYMLINK_FOLLOW);
        const int e = errno;
        if (linked == 0)
            m_temporary = name;
        else if (e != EEXIST || attempt == 100)
            fail("naming the temporary file " + name.string(), e);
    }
    const int fd = m_fd;
    m_fd = -1;
    if (::close(fd) != 0) {
        const int e = errno;
        fail("closing " + m_temporary.string(), e);
    }
    if (::rename(m_temporary.c_str(), m_target.c_str()) != 0) {
        const int e = errno;
        fail("replacing it with " + m_temporary.filename().string(), e);
    }
    m_temporary.clear();
    // Make the rename itself durable. A failure here still leaves a complete file.
    const fs::path folder = m_target.has_parent_path() ? m_target.parent_path() : fs::path(".");
    const int dir = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir >= 0) {
        (void)::fsync(dir);
        ::close(dir);
    }
}

void AtomicFile::discard() noexcept
{
    if (m_fd >= 0) {
        ::close(m_fd);
        m_fd = -1;
    }
    if (!m_temporary.empty()) {
        ::unlink(m_temporary.c_str());
        m_temporary.clear();
    }
}

void AtomicFile::fail(std::string_view step, int error)
{
    // `error` was taken from errno before this call; the clean-up below may change errno.
    discard();
    throw InputError(m_target.string() + ": cannot write " + m_what + " (" + std::string(step) +
                     ": " + reason(error) + ")");
}

void AtomicFile::failCreating(const fs::path& folder, std::string_view step, int error)
{
    if (error == ENOENT)
        throw InputError(m_target.string() + ": cannot write " + m_what + " (the folder " +
                         folder.string() + " does not exist)");
    fail(step, error);
}

void writeFileAtomically(const fs::path& target, const std::function<void(std::ostream&)>& body,
                         std::string what)
{
    AtomicFile file(target, std::move(what));
    body(file.stream());
    file.commit();
}

void writeFileAtomically(const fs::path& target, std::span<const unsigned char> bytes,
                         std::string what)
{
    AtomicFile file(target, std::move(what));
    file.write(bytes.data(), bytes.size());
    file.commit();
}

void writeFileAtomically(const fs::path& target, std::string_view bytes, std::string what)
{
    AtomicFile file(target, std::move(what));
    file.write(bytes);
    file.commit();
}

FileLock::FileLock(const fs::path& file, const Progress& progress)
{
    m_fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (m_fd < 0) {
        const int e = errno;
        throw InputError(file.string() + ": cannot create the lock file (" + reason(e) + ")");
    }
    // Polled rather than blocking, so that a cancelled run does not wait for another one.
    while (::flock(m_fd, LOCK_EX | LOCK_NB) != 0) {
        const int e = errno;
        if (e == EINTR)
            continue;
        if (e != EWOULDBLOCK)
            break; // no locking on this file system (ENOLCK, EOPNOTSUPP): go on unlocked
        if (progress.isCancelled()) {
            ::close(m_fd);
            throw Cancelled();
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

FileLock::~FileLock()
{
    if (m_fd >= 0)
        ::close(m_fd); // releases the lock
}

} // namespace atlas
