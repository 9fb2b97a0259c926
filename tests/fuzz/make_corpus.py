#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Makes the seed corpora of the fuzz targets under tests/fuzz/corpus/<target>/.

Small files (a few KB) so that mutations stay fast: short audio clips in every container the
decoder reads, the same clips tagged in each tag system, CSV/manifest/lyrics text in the
shapes real exports take, and cut-down copies of the broken fixtures of tests/data/library.
The model, session and feature-cache seeds are written by the engine itself
(fuzz_make_seeds, see make_seeds.cpp). Seeds of fuzz_audio_decoder and fuzz_tags start with
one control byte (the extension and options, see the targets); the others are the file as is.
Regression inputs (crashes the fuzzers found, fixed since) are named regress-*; this script
keeps them.

Needs Debian's ffmpeg and python3-mutagen. Run from anywhere:
    /usr/bin/python3 tests/fuzz/make_corpus.py
"""
import os
import shutil
import subprocess
import tempfile

from mutagen.flac import FLAC
from mutagen.id3 import ID3, TALB, TCON, TDRC, TIT2, TPE1, TRCK, USLT, COMM
from mutagen.mp4 import MP4
from mutagen.oggvorbis import OggVorbis

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")
LIBRARY = os.path.join(HERE, "..", "data", "library", "lib")

# Index = the control byte's low four bits in fuzz_audio_decoder.cpp.
DECODER_EXT = [".wav", ".aiff", ".au", ".flac", ".ogg", ".opus", ".mp3", ".m4a",
               ".wma", ".ape", ".wv", ".mka", ".ac3", ".webm", ".aac", ".rf64"]
# Index = the control byte's low four bits in fuzz_tags.cpp.
TAGS_EXT = [".mp3", ".flac", ".ogg", ".opus", ".m4a", ".wav", ".aiff", ".wma",
            ".ape", ".wv", ".mpc", ".oga", ".aif", ".mp4", ".spx", ".tta"]

# name: (ffmpeg input/encoder arguments, output file extension, decoder extension)
CLIPS = {
    "pcm16": ("-ar 8000 -ac 1 -c:a pcm_s16le", ".wav", ".wav"),
    "float-stereo": ("-ar 8000 -ac 2 -c:a pcm_f32le", ".wav", ".wav"),
    "u8": ("-ar 8000 -ac 1 -c:a pcm_u8", ".wav", ".wav"),
    "pcm24": ("-ar 8000 -ac 1 -c:a pcm_s24le", ".wav", ".wav"),
    "rf64": ("-ar 8000 -ac 1 -c:a pcm_s16le -rf64 always", ".wav", ".rf64"),
    "aiff": ("-ar 8000 -ac 1 -c:a pcm_s16be", ".aiff", ".aiff"),
    "au-mulaw": ("-ar 8000 -ac 1 -c:a pcm_mulaw", ".au", ".au"),
    "flac": ("-ar 8000 -ac 1 -c:a flac", ".flac", ".flac"),
    "vorbis": ("-ar 8000 -ac 1 -c:a libvorbis -q:a 0", ".ogg", ".ogg"),
    "opus": ("-ar 8000 -ac 1 -c:a libopus -b:a 8k", ".opus", ".opus"),
    "mp3": ("-ar 8000 -ac 1 -c:a libmp3lame -b:a 8k", ".mp3", ".mp3"),
    "aac": ("-ar 8000 -ac 1 -c:a aac -b:a 8k", ".m4a", ".m4a"),
    "alac": ("-ar 8000 -ac 1 -c:a alac", ".m4a", ".m4a"),
    "wma": ("-ar 8000 -ac 1 -c:a wmav2 -b:a 24k", ".wma", ".wma"),
    "wavpack": ("-ar 8000 -ac 1 -c:a wavpack", ".wv", ".wv"),
    "mka": ("-ar 8000 -ac 1 -c:a flac", ".mka", ".mka"),
    "ac3": ("-ar 32000 -ac 1 -c:a ac3 -b:a 32k", ".ac3", ".ac3"),
    "webm": ("-ar 8000 -ac 1 -c:a libopus -b:a 8k", ".webm", ".webm"),
    "adts": ("-ar 8000 -ac 1 -c:a aac -b:a 8k", ".aac", ".aac"),
}

CSV = {
    "lyrics.csv": "track_id,genre,lyrics\nblues.00000,blues,\"I woke up this morning\nthe rain was falling down\"\n"
                  "rock.00001,rock,Turn it up loud tonight\npop.00002,pop,\n",
    "semicolon-bom.csv": "\ufeffid;tag;text\n1;jazz;\"a \"\"quoted\"\" word\"\n2;;x\n",
    "sep-tab.csv": "sep=\t\nfile\tlabel\tsong_lyrics\na.mp3\tfolk\tla la\r\nb.mp3\tfolk\t\"two\r\nlines\"\r\n",
    "ragged.csv": "title,lyrics,genre\nA,x\nB,y,z,extra\nC,\"open quote,rock\n\nD,w,pop,,\n",
    "latin1.csv": b"song,lyrics_text\nCaf\xe9,d\xe9j\xe0 vu\n,\x00nul\n",
    "utf16.csv": "\ufefftrack,lyrics,genres\nt1,\u00fcber alles,Rock; Indie\n".encode("utf-16-le"),
    "duplicate-header.csv": " lyrics , lyrics,,genre\nx,y,z,w\n",
    "header-only.csv": "lyrics\n",
}

MANIFEST = {
    "manifest.csv": "path,label,lyrics\nmusic/a.wav,rock,hello\nmusic/b.flac,jazz,\"x\ny\"\n/abs/c.mp3,,\n",
    "lyrics-id.csv": "file,genre,lyrics_id\n../x.ogg,pop,7\n\n,blues,3\nx.ogg,pop,7\n",
    "audio-column.csv": "audio;tag\nseed.wav;a\nseed.flac;b\nseed.wav;a\n",
    "filename-bom.csv": "\ufefffilename\tclass\r\nsub dir/ünïcode.opus\tfolk\r\n",
    "no-path.csv": "title,artist\nx,y\n",
}

LRC = {
    "song.lrc": "[ar:Quiet Waters]\n[ti:Sea Glass]\n[offset:+100]\n[00:01.00]Glass on the shore\n"
                "[00:03.50][00:10.00]Waves <00:04.00>turn <00:04.50>it\n\n\n[01:02.3]end\n",
    "latin1.lrc": b"[00:00.00]Caf\xe9 au lait\n[la:fr]\n",
    "bom16.lrc": "\ufeff[00:01.00]\u00fcber\n".encode("utf-16-le"),
    "plain.txt": "\ufeffFirst verse\r\nsecond line\r\n\r\nchorus\n",  # first byte 0xEF: odd -> .txt
    "brackets.lrc": "[[00:01]]x\n[99:99.99999]y\n[:]\n[12:]z\n<1:2>w\n[",
}


FEATURE_TABLES = {
    "features.csv": "track_id,path,label,mfcc_mean_00,mfcc_std_00,tfidf:love,tfidf:night,title,"
                    "artist,album,year,genre,has_lyrics\n"
                    "A/B/01 - X,/m/A/B/01 - X.flac,rock,-212.5,31.25,0.6,0.8,X,A,B,2001,Rock,1\n"
                    "A/B/02 - Y,/m/A/B/02 - Y.mp3,jazz,-198,28.0625,0,0,Y,A,B,,Jazz,0\n",
    "embeddings.csv": "filename,genre,e0,e1,e2,note\r\n\"a, b.flac\",pop,0.5,-1,2e-3,\"x \"\"y\"\"\"\r\n"
                      "c.ogg,rock,1,2,3,\r\nc.ogg,rock,4,5,6,again\r\nd.ogg,,nan,1,2,\r\n",
    "semicolon.csv": "id;x;y\n1;1,5;2\n2;3;inf\n",
    "no-features.csv": "path,title\na.mp3,Song\n",
}


def ffmpeg(args, out, seconds=0.2, source="sine=frequency=440:sample_rate=48000"):
    cmd = ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", f"{source}:duration={seconds}",
           *args.split(), "-map_metadata", "-1", "-fflags", "+bitexact", out]
    subprocess.run(cmd, check=True)


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode("utf-8"))


def clear(target):
    """Removes the generated seeds of a target, keeping regress-* inputs."""
    folder = os.path.join(CORPUS, target)
    os.makedirs(folder, exist_ok=True)
    for name in os.listdir(folder):
        if not name.startswith("regress-"):
            os.remove(os.path.join(folder, name))
    return folder


def tag(path, ext):
    """Tags a clip in its format's own tag system, lyrics included."""
    if ext == ".mp3":
        t = ID3()
        t.add(TIT2(encoding=3, text="Fire Road"))
        t.add(TPE1(encoding=1, text="Stone Riders"))
        t.add(TALB(encoding=3, text="Highway"))
        t.add(TCON(encoding=3, text="(17)Rock; Indie"))
        t.add(TDRC(encoding=3, text="1999"))
        t.add(TRCK(encoding=3, text="1/4"))
        t.add(USLT(encoding=3, lang="eng", desc="", text="Turn it up\nloud"))
        t.add(COMM(encoding=3, lang="eng", desc="UNSYNCEDLYRICS", text="more"))
        t.save(path, v2_version=3)
    elif ext == ".m4a":
        t = MP4(path)
        t["\xa9nam"] = ["Night Drive"]
        t["\xa9ART"] = ["Stone Riders"]
        t["\xa9gen"] = ["Rock/Indie"]
        t["\xa9day"] = ["2001-05-01"]
        t["trkn"] = [(2, 4)]
        t["\xa9lyr"] = ["Headlights\r\non"]
        t.save()
    elif ext == ".flac":
        t = FLAC(path)
        t["title"], t["artist"], t["genre"] = "Low Tide", "Quiet Waters", ["Ambient", "ambient"]
        t["lyrics"], t["date"], t["tracknumber"] = "Salt and\nfoam", "2010", "01"
        t.save()
    elif ext == ".ogg":
        t = OggVorbis(path)
        t["title"], t["genre"], t["unsyncedlyrics"] = "Drift", "Electronic|Ambient", "la"
        t.save()


def main():
    with tempfile.TemporaryDirectory() as tmp:
        audio = clear("audio_decoder")
        tags = clear("tags")
        for name, (args, ext, dext) in CLIPS.items():
            out = os.path.join(tmp, name + ext)
            source = "sine=frequency=440:sample_rate=48000"
            ffmpeg(args, out, 0.1 if name != "ac3" else 0.05, source)
            data = open(out, "rb").read()
            write(os.path.join(audio, name), bytes([DECODER_EXT.index(dext)]) + data)
            if ext in (".mp3", ".m4a", ".flac", ".ogg") and name not in ("alac", "mka"):
                tag(out, ext)
                data = open(out, "rb").read()
            if ext in TAGS_EXT:
                write(os.path.join(tags, name), bytes([TAGS_EXT.index(ext)]) + data)
        # Variants of the decoder's options on the same file: mono/stereo, native rate,
        # middle excerpt, offset.
        pcm = open(os.path.join(audio, "float-stereo"), "rb").read()
        for control in (0x10, 0x20, 0x40, 0x80):
            write(os.path.join(audio, f"float-stereo-{control:02x}"), bytes([control]) + pcm[1:])
        # The library's broken files: text under an audio name, an empty file, an MP4 without
        # its index (cut to its first 4 KB).
        broken = os.path.join(LIBRARY, "Broken", "Bad")
        write(os.path.join(audio, "text-as-mp3"),
              bytes([6]) + open(os.path.join(broken, "02 - Text.mp3"), "rb").read())
        write(os.path.join(audio, "empty-flac"), bytes([3]))
        write(os.path.join(audio, "m4a-no-index"),
              bytes([7]) + open(os.path.join(broken, "01 - No Index.m4a"), "rb").read()[:4096])
        write(os.path.join(tags, "text-as-mp3"),
              bytes([0]) + open(os.path.join(broken, "02 - Text.mp3"), "rb").read())

        folder = clear("csv")
        for name, text in CSV.items():
            write(os.path.join(folder, name), text)
        shutil.copy(os.path.join(HERE, "..", "data", "library", "expected.csv"),
                    os.path.join(folder, "library-expected.csv"))
        folder = clear("manifest")
        for name, text in MANIFEST.items():
            write(os.path.join(folder, name), text)
        folder = clear("lyrics_sidecar")
        for name, text in LRC.items():
            write(os.path.join(folder, name), text)
        for lyrics in ("Quiet Waters/Tides/04 - Sea Glass.lrc", "Quiet Waters/Tides/03 - Float.txt",
                       "Neon Grid/Circuits/01 - Pulse.lrc"):
            data = open(os.path.join(LIBRARY, lyrics), "rb").read()
            write(os.path.join(folder, "library-" + os.path.basename(lyrics).replace(" ", "_")), data)
        # Feature tables: the layout `features` writes (a few columns of each block), other
        # people's embeddings, bad cells; and .npy files as numpy writes them.
        folder = clear("feature_table")
        for name, text in FEATURE_TABLES.items():
            write(os.path.join(folder, name), text)
        for npy in ("c_f8.npy", "fortran_f4.npy", "big_i4.npy", "vector_f8.npy"):
            shutil.copy(os.path.join(HERE, "..", "data", "npy", npy), os.path.join(folder, npy))


if __name__ == "__main__":
    main()
