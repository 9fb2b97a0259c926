// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/playback/pcm_buffer.h"

#include <algorithm>
#include <cstring>

namespace atlas::ui {

void PcmBuffer::restart()
{
    if (isOpen())
        close();
    m_pieces.clear();
    m_headOffset = 0;
    m_queued = 0;
    m_pulled = 0;
    m_appended = 0;
    m_finished = false;
    open(QIODevice::ReadOnly | QIODevice::Unbuffered);
}

void PcmBuffer::append(const QByteArray& pcm)
{
    if (pcm.isEmpty())
        return;
    m_pieces.push_back(pcm);
    m_queued += pcm.size();
    m_appended += pcm.size();
    emit readyRead();
}

qint64 PcmBuffer::readData(char* data, qint64 maxSize)
{
    qint64 done = 0;
    while (done < maxSize && !m_pieces.empty()) {
        const QByteArray& head = m_pieces.front();
        const qint64 n = std::min<qint64>(maxSize - done, head.size() - m_headOffset);
        std::memcpy(data + done, head.constData() + m_headOffset, std::size_t(n));
        done += n;
        m_headOffset += n;
        if (m_headOffset == head.size()) {
            m_pieces.pop_front();
            m_headOffset = 0;
        }
    }
    m_queued -= done;
    m_pulled += done;
    return done;
}

} // namespace atlas::ui
