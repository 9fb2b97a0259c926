#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Makes the small tagged library under tests/data/library/lib used by the library tests.

A personal music library in miniature: Artist/Album/NN - Title.ext files in MP3, M4A (AAC and
ALAC), FLAC, Ogg Vorbis, Opus and WAV, 2 s each, with title/artist/album/year/track/genre tags
in each format's own tag system (ID3v2.4, ID3v2.3 with a numeric genre, MP4 atoms, Vorbis
comments), lyrics embedded (USLT, ©lyr, LYRICS, UNSYNCEDLYRICS) or beside the file (.lrc with
ID tags and time stamps, .txt, a Latin-1 .lrc), genres written in several spellings, an
untagged file, and a few broken files. expected.csv lists what the tests expect of each file.

Needs Debian's ffmpeg and python3-mutagen. Run from anywhere:
    /usr/bin/python3 tests/data/library/make_library.py
The output is deterministic apart from encoder versions; the tests read the committed files.
"""
import csv
import os
import shutil
import subprocess

from mutagen.flac import FLAC
from mutagen.id3 import ID3, TALB, TCON, TDRC, TIT2, TPE1, TPE2, TRCK, TYER, USLT
from mutagen.mp4 import MP4
from mutagen.oggopus import OggOpus
from mutagen.oggvorbis import OggVorbis

HERE = os.path.dirname(os.path.abspath(__file__))
LIB = os.path.join(HERE, "lib")

# One entry per file: path, signal, encoder arguments, tag writer, tags, lyrics placement.
# Signals differ by artist so that a run separates them: tonal (sine), noisy (pink noise),
# and buzzy (a square-ish sawtooth from aevalsrc).
SIGNALS = {
    "tone": "sine=frequency={f}:duration=2:sample_rate=44100",
    "noise": "anoisesrc=color=brown:duration=2:sample_rate=48000:seed={f}:amplitude=0.3",
    "buzz": "aevalsrc=0.3*(2*mod({f}*t\\,1)-1):duration=2:sample_rate=44100",
}

LYRICS = {
    "rock": "Turn it up loud tonight\nGuitars burning bright\nWe ride the highway of fire",
    "ambient": "Slow waves of light\nDrifting in the quiet sea\nBreathe and float away",
    "electro": "Pulse and beat machine\nNeon circuits dance\nBass drop in the city",
}

FILES = [
    # path, signal, f, codec args, tagger, tags, lyrics mode, expected genre label
    ("Stone Riders/Highway/01 - Fire Road.mp3", "buzz", 110, ["-c:a", "libmp3lame", "-q:a", "4"],
     "id3v24", dict(title="Fire Road", artist="Stone Riders", album="Highway", year="2001",
                    track="1", genre=["Rock; Indie"]), ("embedded", "rock"), "Rock"),
    ("Stone Riders/Highway/02 - Night Drive.m4a", "buzz", 130, ["-c:a", "aac", "-b:a", "128k"],
     "mp4", dict(title="Night Drive", artist="Stone Riders", album="Highway", year="2001",
                 track="2", genre=["rock/indie"]), ("embedded", "rock"), "Rock"),
    ("Stone Riders/Highway/03 - Last Exit.m4a", "buzz", 150, ["-c:a", "alac"],
     "mp4", dict(title="Last Exit", artist="Stone Riders", album="Highway", year="2002",
                 track="3", genre=["ROCK"]), ("lrc", "rock"), "Rock"),
    ("Stone Riders/Highway/04 - Numeric Genre.mp3", "buzz", 170,
     ["-c:a", "libmp3lame", "-q:a", "4"],
     "id3v23", dict(title="Numeric Genre", artist="Stone Riders", album="Highway", year="2003",
                    track="4", genre=["(17)"]), ("none", None), "Rock"),
    ("Quiet Waters/Tides/01 - Low Tide.flac", "tone", 220, ["-c:a", "flac"],
     "flac", dict(title="Low Tide", artist="Quiet Waters", album="Tides", year="1995",
                  track="1", genre=[" ambient ", "Electronic"]), ("embedded", "ambient"),
     "Ambient"),
    ("Quiet Waters/Tides/02 - Drift.ogg", "tone", 247, ["-c:a", "libvorbis", "-q:a", "4"],
     "vorbis", dict(title="Drift", artist="Quiet Waters", album="Tides", year="1996",
                    track="2", genre=["Ambient"]), ("unsynced", "ambient"), "Ambient"),
    ("Quiet Waters/Tides/03 - Float.opus", "tone", 262, ["-c:a", "libopus", "-b:a", "64k"],
     "opus", dict(title="Float", artist="Quiet Waters", album="Tides", year="1996",
                  track="3", genre=["ambient"]), ("txt", "ambient"), "Ambient"),
    ("Quiet Waters/Tides/04 - Sea Glass.wav", "tone", 294, ["-c:a", "pcm_s16le"],
     None, {}, ("lrc", "ambient"), "unknown"),
    ("Neon Grid/Circuits/01 - Pulse.flac", "noise", 1, ["-c:a", "flac"],
     "flac", dict(title="Pulse", artist="Neon Grid", album="Circuits", year="2015",
                  track="1", genre=["Electronic"]), ("latin1lrc", "electro"), "Electronic"),
    ("Neon Grid/Circuits/02 - Machine.m4a", "noise", 2, ["-c:a", "alac"],
     "mp4", dict(title="Machine", artist="Neon Grid", album="Circuits", year="2016",
                 track="2", genre=["electronic"]), ("embedded", "electro"), "Electronic"),
    ("Neon Grid/Circuits/03 - Untagged.ogg", "noise", 3, ["-c:a", "libvorbis", "-q:a", "4"],
     None, {}, ("none", None), "unknown"),
]


def ffmpeg(*args):
    subprocess.run(["ffmpeg", "-v", "error", "-y", *args], check=True)


def encode(path, signal, f, codec):
    source = SIGNALS[signal].format(f=f)
    stereo = ["-ac", "1"] if path.endswith(".wav") else ["-ac", "2"]
    container = ["-f", "ipod"] if path.endswith(".m4a") else []
    ffmpeg("-f", "lavfi", "-i", source, *stereo, *codec, "-map_metadata", "-1",
           "-fflags", "+bitexact", *container, path)


def tag(path, kind, t, lyrics):
    if kind in ("id3v24", "id3v23"):
        id3 = ID3()
        id3.add(TIT2(encoding=3, text=t["title"]))
        id3.add(TPE1(encoding=3, text=t["artist"]))
        id3.add(TALB(encoding=3, text=t["album"]))
        id3.add(TPE2(encoding=3, text=t["artist"]))
        id3.add(TRCK(encoding=3, text=t["track"]))
        id3.add(TCON(encoding=3 if kind == "id3v24" else 1, text=t["genre"]))
        if kind == "id3v24":
            id3.add(TDRC(encoding=3, text=t["year"]))
        else:
            id3.add(TYER(encoding=1, text=t["year"]))
        if lyrics:
            id3.add(USLT(encoding=3, lang="eng", desc="", text=lyrics))
        id3.save(path, v2_version=4 if kind == "id3v24" else 3)
    elif kind == "mp4":
        m = MP4(path)
        m["\xa9nam"] = t["title"]
        m["\xa9ART"] = t["artist"]
        m["\xa9alb"] = t["album"]
        m["aART"] = t["artist"]
        m["\xa9day"] = t["year"]
        m["trkn"] = [(int(t["track"]), 4)]
        m["\xa9gen"] = t["genre"]
        if lyrics:
            m["\xa9lyr"] = lyrics
        m.save()
    elif kind in ("flac", "vorbis", "opus"):
        m = {"flac": FLAC, "vorbis": OggVorbis, "opus": OggOpus}[kind](path)
        m["TITLE"] = t["title"]
        m["ARTIST"] = t["artist"]
        m["ALBUM"] = t["album"]
        m["DATE"] = t["year"]
        m["TRACKNUMBER"] = t["track"]
        m["GENRE"] = t["genre"]
        if lyrics:
            m["UNSYNCEDLYRICS" if kind == "vorbis" else "LYRICS"] = lyrics
        m.save()


def lrc(text, title, artist):
    lines = ["[ar:%s]" % artist, "[ti:%s]" % title, "[by:make_library]", "[offset:+0]"]
    for i, line in enumerate(text.split("\n")):
        lines.append("[00:%02d.%02d]%s" % (2 * i, 10 * i, line))
    return "\n".join(lines) + "\n"


def main():
    shutil.rmtree(LIB, ignore_errors=True)
    rows = []
    for path, signal, f, codec, kind, t, (mode, style), label in FILES:
        full = os.path.join(LIB, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        encode(full, signal, f, codec)
        text = LYRICS[style] if style else None
        if kind:
            tag(full, kind, t, text if mode in ("embedded", "unsynced") else None)
        stem = os.path.splitext(full)[0]
        if mode == "lrc":
            with open(stem + ".lrc", "w", encoding="utf-8") as out:
                out.write(lrc(text, t.get("title", "Sea Glass"), t.get("artist", "")))
        elif mode == "latin1lrc":
            with open(stem + ".lrc", "wb") as out:
                out.write(lrc(text + "\nCaf\u00e9 na\u00efve", t["title"], t["artist"])
                          .encode("latin-1"))
        elif mode == "txt":
            with open(stem + ".txt", "w", encoding="utf-8") as out:
                out.write("\ufeff" + text.replace("\n", "\r\n") + "\r\n")
        source = {"embedded": "embedded", "unsynced": "embedded", "lrc": "sidecar",
                  "latin1lrc": "sidecar", "txt": "sidecar", "none": "none"}[mode]
        first = text.split("\n")[0] if text else ""
        rows.append([os.path.splitext(path)[0], t.get("title", ""), t.get("artist", ""),
                     t.get("album", ""), t.get("year", ""), label, source, first])

    # Broken files: an M4A whose 'moov' index is missing, text saved as MP3, an empty FLAC.
    broken = os.path.join(LIB, "Broken", "Bad")
    os.makedirs(broken, exist_ok=True)
    whole = os.path.join(broken, "whole.m4a")
    ffmpeg("-f", "lavfi", "-i", SIGNALS["tone"].format(f=330), "-c:a", "aac", "-fflags",
           "+bitexact", "-f", "mp4", whole)
    data = open(whole, "rb").read()
    os.remove(whole)
    moov = data.find(b"moov")
    assert moov > data.find(b"mdat"), "ffmpeg wrote moov before mdat"
    open(os.path.join(broken, "01 - No Index.m4a"), "wb").write(data[:moov - 4])
    open(os.path.join(broken, "02 - Text.mp3"), "w").write("this is not audio\n" * 20)
    open(os.path.join(broken, "03 - Empty.flac"), "wb").close()

    with open(os.path.join(HERE, "expected.csv"), "w", newline="", encoding="utf-8") as out:
        w = csv.writer(out)
        w.writerow(["track_id", "title", "artist", "album", "year", "label", "lyrics_source",
                    "first_lyrics_line"])
        w.writerows(rows)


if __name__ == "__main__":
    main()
