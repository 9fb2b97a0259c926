// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/core/user_file.h"

#include "engine/core/error.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace atlas {

namespace {

std::string typeReason(mode_t mode)
{
    if (S_ISDIR(mode))
        return "is a folder, not a file";
    if (S_ISFIFO(mode))
        return "is not a regular file (a named pipe); give a file saved on disk";
    if (S_ISCHR(mode) || S_ISBLK(mode))
        return "is not a regular file (a device); give a file saved on disk";
    if (S_ISSOCK(mode))
        return "is not a regular file (a socket); give a file saved on disk";
    return "is not a regular file; give a file saved on disk";
}

std::string openReason(int err)
{
    if (err == ENOENT)
        return "file not found";
    if (err == EACCES || err == EPERM)
        return "permission denied (the file cannot be read)";
    return "cannot open the file (" + std::string(std::strerror(err)) + ")";
}

} // namespace

std::optional<std::string> notRegularFileReason(const std::filesystem::path& file)
{
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0)
        return openReason(errno);
    if (!S_ISREG(st.st_mode))
        return typeReason(st.st_mode);
    return std::nullopt;
}

std::optional<std::string> readUserFile(const std::filesystem::path& file,
                                        std::uintmax_t maxBytes, std::string& bytes)
{
    bytes.clear();
    if (auto reason = notRegularFileReason(file))
        return reason;
    const int fd = ::open(file.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return openReason(errno);
    struct Closer {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{fd};
    struct stat st {};
    if (::fstat(fd, &st) != 0)
        return "cannot read the file (" + std::string(std::strerror(errno)) + ")";
    if (!S_ISREG(st.st_mode))   // replaced between the check and the open
        return typeReason(st.st_mode);
    const auto size = std::uintmax_t(st.st_size);
    if (size > maxBytes)
        return "is too large (" + byteSizeText(size) + "; at most " + byteSizeText(maxBytes) +
               " is read)";
    bytes.resize(std::size_t(size));
    std::size_t got = 0;
    while (got < bytes.size()) {
        const ssize_t n = ::read(fd, bytes.data() + got, bytes.size() - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            const int err = errno;
            bytes.clear();
            return "read error (" + std::string(std::strerror(err)) + ")";
        }
        if (n == 0)
            break;   // the file shrank meanwhile: keep what is there
        got += std::size_t(n);
    }
    bytes.resize(got);
    return std::nullopt;
}

std::string readUserFileOrThrow(const std::filesystem::path& file, std::uintmax_t maxBytes)
{
    std::string bytes;
    if (auto reason = readUserFile(file, maxBytes, bytes))
        throw InputError(file.string() + ": " + *reason);
    return bytes;
}

std::string byteSizeText(std::uintmax_t bytes)
{
    if (bytes < 1000)
        return std::to_string(bytes) + (bytes == 1 ? " byte" : " bytes");
    const char* units[] = {"kB", "MB", "GB", "TB"};
    double value = double(bytes) / 1000.0;
    int unit = 0;
    while (value >= 1000.0 && unit < 3) {
        value /= 1000.0;
        ++unit;
    }
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, value < 10.0 ? "%.1f %s" : "%.0f %s", value,
                  units[unit]);
    return buffer;
}

std::string messageExcerpt(std::string_view text, std::size_t maxChars)
{
    std::size_t chars = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80)
            continue;   // a continuation byte: part of the previous character
        if (chars++ == maxChars)
            return std::string(text.substr(0, i)) + "\u2026";
    }
    return std::string(text);
}

} // namespace atlas
