// SPDX-License-Identifier: GPL-3.0-or-later
// Session files: the run's fields (stored_fields.h) in the binary container, and the checks
// that the parts of a loaded run agree.
#include "engine/io/session_io.h"

#include "engine/core/archive.h"
#include "engine/core/atomic_file.h"
#include "engine/core/binary_container.h"
#include "engine/core/error.h"
#include "engine/io/stored_fields.h"

#include <new>
#include <string>
#include <vector>

namespace atlas {

namespace fs = std::filesystem;

namespace {

// A session of a million tracks with every representation is about 10 GiB.
const detail::ContainerFormat SessionFile{detail::SessionSignature, "session file",
                                          SessionFormatVersion, OldestSessionFormatVersion,
                                          std::uint64_t(16) << 30};

std::vector<unsigned char> sessionImage(const RunResult& run, const std::string& file)
{
    detail::WriteArchive a(SessionFormatVersion, file, SessionFile.what);
    a(run);
    return detail::containerBytes(SessionFile, a.bytes());
}

// The views index these by track and by column; sizes that disagree are damage.
void checkConsistent(const detail::ReadArchive& a, const RunResult& run)
{
    const Dataset& ds = run.dataset;
    const Eigen::Index n = Eigen::Index(ds.tracks.size());
    if (ds.audio.rows() != n || ds.lyrics.rows() != n || ds.hybrid.rows() != n)
        a.fail("the feature matrices do not have one row per track");
    if (Eigen::Index(ds.audioNames.size()) != ds.audio.cols() ||
        Eigen::Index(ds.vocabulary.size()) != ds.lyrics.cols())
        a.fail("the feature names do not match the feature columns");
    if (ds.hybrid.cols() != ds.audio.cols() + ds.lyrics.cols())
        a.fail("the hybrid matrix does not have the audio and lyrics columns");
    if (ds.labels.size() != n)
        a.fail("the labels do not have one entry per track");
    for (Eigen::Index i = 0; i < n; ++i)
        if (ds.labels(i) < -1 || ds.labels(i) >= int(ds.labelNames.size()))
            a.fail("a label is out of range");
    if (!ds.pairing.lyricsRow.empty() && Eigen::Index(ds.pairing.lyricsRow.size()) != n)
        a.fail("the lyrics pairing does not have one entry per track");

    for (const RepresentationResult& rep : run.representations) {
        if (rep.ok && rep.codes.rows() != n)
            a.fail("the codes do not have one row per track");
        for (const ClusteringResult& c : rep.clusterings)
            if (c.ok && c.labels.size() != n)
                a.fail("a clustering does not have one label per track");
        for (const MapResult& m : rep.maps)
            if (m.ok && m.xy.rows() != n)
                a.fail("a map does not have one point per track");
    }
}

} // namespace

void saveSession(const fs::path& file, const RunResult& run)
{
    if (file.empty() || !file.has_filename())
        throw InputError("\"" + file.string() + "\": not a file name for a session file");
    writeFileAtomically(file, sessionImage(run, file.string()), "the session file");
}

RunResult loadSession(const fs::path& file)
{
    const std::string name = file.string();
    const detail::ContainerFile f = detail::readContainerFile(file, SessionFile);
    detail::ReadArchive a(f.container.payload, f.container.size, name, SessionFile.what,
                          f.container.version);
    try {
        RunResult run;
        a(run);
        if (!a.atEnd())
            a.fail("unexpected data after the run");
        checkConsistent(a, run);
        return run;
    } catch (const std::bad_alloc&) {
        throw InputError(name + ": not a valid session file (sizes too large)");
    } catch (const std::length_error&) {
        throw InputError(name + ": not a valid session file (sizes too large)");
    }
}

} // namespace atlas
