// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/core/binary_container.h"

#include "engine/core/error.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <new>
#include <system_error>

namespace atlas::detail {

namespace {

struct KnownSignature {
    Signature signature;
    const char* what;
};

constexpr KnownSignature Known[] = {
    {SessionSignature, "session file"},
    {ModelSignature, "model file"},
    {FeatureCacheSignature, "feature cache"},
    {TagCacheSignature, "tag cache"},
};

std::string errnoText(int e) { return std::error_code(e, std::generic_category()).message(); }

// "1.5 GiB (1610612736 bytes)": readable, and exact for whoever compares with `ls -l`.
std::string sizeText(std::uint64_t bytes)
{
    if (bytes < 1024)
        return std::to_string(bytes) + " bytes";
    const char* units[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    double v = double(bytes) / 1024.0;
    int unit = 0;
    while (v >= 1024.0 && unit < 5) {
        v /= 1024.0;
        ++unit;
    }
    char text[32];
    std::snprintf(text, sizeof text, "%.1f %s", v, units[unit]);
    return std::string(text) + " (" + std::to_string(bytes) + " bytes)";
}

std::uint32_t u32At(const unsigned char* p)
{
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i)
        v |= std::uint32_t(p[i]) << (8 * i);
    return v;
}

std::uint64_t u64At(const unsigned char* p)
{
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i)
        v |= std::uint64_t(p[i]) << (8 * i);
    return v;
}

std::size_t headerSize(const ContainerFormat& f) { return f.framing() - 4; }

// Checks the header (the first min(fileSize, headerSize) bytes of a file of fileSize bytes):
// signature, version, the payload size against the limit and the file's size. Returns the
// version and header words, and the payload size in `size`.
Container checkHeader(const unsigned char* head, std::uint64_t fileSize, const ContainerFormat& f,
                      const std::string& file)
{
    const std::string what = f.what;
    if (fileSize < 8 || std::memcmp(head, f.signature.data(), 8) != 0) {
        for (const KnownSignature& k : Known)
            if (fileSize >= 8 && std::memcmp(head, k.signature.data(), 8) == 0)
                throw InputError(file + ": this is a MusicAtlas " + k.what + ", not a " + what);
        throw InputError(file + ": not a MusicAtlas " + what + " (unknown file signature)");
    }
    if (fileSize < f.framing())
        throw InputError(file + ": the " + what + " is truncated (" + std::to_string(fileSize) +
                         " bytes)");
    Container c;
    c.version = u32At(head + 8);
    if (c.version < f.oldestVersion || c.version > f.version) {
        const std::string reads =
            f.oldestVersion == f.version
                ? "version " + std::to_string(f.version)
                : "versions " + std::to_string(f.oldestVersion) + " to " + std::to_string(f.version);
        throw InputError(file + ": " + what + " format version " + std::to_string(c.version) +
                         " is not supported: it was made by " +
                         (c.version > f.version ? "a newer" : "an older") +
                         " version of MusicAtlas (this version reads " + reads + ")");
    }
    for (std::uint32_t w = 0; w < f.headerWords; ++w)
        c.words[w] = u32At(head + 12 + 4 * w);
    const std::uint64_t payload = u64At(head + 12 + 4 * f.headerWords);
    if (payload > f.maxPayload)
        throw InputError(file + ": not a valid " + what + " (the header claims a payload of " +
                         sizeText(payload) + ", more than the " + sizeText(f.maxPayload) +
                         " a " + what + " may hold)");
    if (payload != fileSize - f.framing())
        throw InputError(file + ": the " + what + " is truncated or damaged (expected " +
                         std::to_string(payload + f.framing()) + " bytes, found " +
                         std::to_string(fileSize) + ")");
    c.size = std::size_t(payload);
    return c;
}

void checkChecksum(const Container& c, const ContainerFormat& f, const std::string& file)
{
    if (u32At(c.payload + c.size) != crc32(c.payload, c.size))
        throw InputError(file + ": the " + std::string(f.what) + " is damaged (checksum mismatch)");
}

// Reads exactly `size` bytes at `offset`; false when the file ends first.
bool readAt(int fd, unsigned char* out, std::size_t size, std::uint64_t offset, int& error)
{
    std::size_t done = 0;
    while (done < size) {
        const ssize_t k = ::pread(fd, out + done, size - done, off_t(offset + done));
        if (k < 0) {
            if (errno == EINTR)
                continue;
            error = errno;
            return false;
        }
        if (k == 0)
            return false;
        done += std::size_t(k);
    }
    return true;
}

const char* fileKind(mode_t mode)
{
    if (S_ISDIR(mode))
        return "a folder";
    if (S_ISFIFO(mode))
        return "a named pipe (FIFO)";
    if (S_ISCHR(mode))
        return "a character device";
    if (S_ISBLK(mode))
        return "a block device";
    if (S_ISSOCK(mode))
        return "a socket";
    return "a special file";
}

class FileDescriptor {
public:
    explicit FileDescriptor(int fd) : m_fd(fd) {}
    ~FileDescriptor() { ::close(m_fd); }
    FileDescriptor(const FileDescriptor&) = delete;
    FileDescriptor& operator=(const FileDescriptor&) = delete;
    int get() const { return m_fd; }

private:
    int m_fd;
};

} // namespace

std::vector<unsigned char> containerBytes(const ContainerFormat& format,
                                          const std::vector<unsigned char>& payload,
                                          const std::array<std::uint32_t, MaxHeaderWords>& words)
{
    ByteWriter out;
    out.bytes().reserve(payload.size() + format.framing());
    out.raw(reinterpret_cast<const unsigned char*>(format.signature.data()), 8);
    out.u32(format.version);
    for (std::uint32_t w = 0; w < format.headerWords; ++w)
        out.u32(words[w]);
    out.u64(payload.size());
    out.raw(payload.data(), payload.size());
    out.u32(crc32(payload.data(), payload.size()));
    return std::move(out.bytes());
}

Container openContainer(const unsigned char* data, std::size_t size, const ContainerFormat& format,
                        const std::string& file)
{
    // The header is read from a copy so that a short buffer is never read past its end.
    std::array<unsigned char, 8 + 4 + 4 * MaxHeaderWords + 8> head{};
    if (size > 0)
        std::memcpy(head.data(), data, std::min(size, headerSize(format)));
    Container c = checkHeader(head.data(), size, format, file);
    c.payload = data + headerSize(format);
    checkChecksum(c, format, file);
    return c;
}

ContainerFile readContainerFile(const std::filesystem::path& file, const ContainerFormat& format)
{
    const std::string name = file.string();
    const std::string what = format.what;
    // O_NONBLOCK: opening a FIFO without a writer would otherwise wait forever.
    const int fd = ::open(file.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        const int e = errno;
        if (e == ENOENT)
            throw InputError(name + ": no such " + what);
        throw InputError(name + ": cannot read the " + what + " (" + errnoText(e) + ")");
    }
    FileDescriptor guard(fd);
    struct stat st {};
    if (::fstat(fd, &st) != 0)
        throw InputError(name + ": cannot read the " + what + " (" + errnoText(errno) + ")");
    if (!S_ISREG(st.st_mode))
        throw InputError(name + ": not a " + what + " (it is " + fileKind(st.st_mode) +
                         ", not a regular file)");
    const std::uint64_t size = std::uint64_t(st.st_size);
    if (size == 0)
        throw InputError(name + ": not a MusicAtlas " + what + " (the file is empty)");

    std::array<unsigned char, 8 + 4 + 4 * MaxHeaderWords + 8> head{};
    const std::size_t headBytes = std::size_t(std::min<std::uint64_t>(size, headerSize(format)));
    int error = 0;
    if (!readAt(fd, head.data(), headBytes, 0, error))
        throw InputError(name + ": cannot read the " + what + " (" +
                         (error ? errnoText(error) : std::string("it changed while reading")) +
                         ")");
    Container c = checkHeader(head.data(), size, format, name);

    ContainerFile out;
    try {
        // The header's size agrees with the file's and is within the format's limit.
        out.bytes.resize(std::size_t(size));
    } catch (const std::bad_alloc&) {
        throw InputError(name + ": not enough memory to read the " + what + " (" + sizeText(size) +
                         ")");
    }
    if (!readAt(fd, out.bytes.data(), out.bytes.size(), 0, error))
        throw InputError(name + ": cannot read the " + what + " (" +
                         (error ? errnoText(error) : std::string("it changed while reading")) +
                         ")");
    c.payload = out.bytes.data() + headerSize(format);
    checkChecksum(c, format, name);
    out.container = c;
    return out;
}

} // namespace atlas::detail
