#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Build a realistic personal music library for testing, from the game soundtracks that
Debian ships as ordinary packages.

    /usr/bin/python3 tests/bench/make_real_library.py --sources SRC --out LIBRARY
                     [--seed N] [--jobs N] [--max-lossless-seconds S] [--force] [--dry-run]

SRC holds the extracted package trees, one folder per package, named after it
(`dpkg-deb -x PKG_*.deb SRC/PKG`; a single tree with every package extracted into it works
too). The packages are fetched without installing them:

    mkdir -p debs src && cd debs
    apt-get download wesnoth-1.16-music warzone2100-music singularity-music \\
        colobot-common-sounds drascula-music hyperrogue-music pushover-data nexuiz-music \\
        fretsonfire-songs-muldjord fretsonfire-songs-sectoid
    for d in *.deb; do p=${d%%_*}; mkdir -p ../src/$p && dpkg-deb -x "$d" ../src/$p; done

Needs the ffmpeg command (Debian: ffmpeg, built with libmp3lame, libvorbis and libopus) and
mutagen (Debian: python3-mutagen); nothing else beyond the standard library. Packages that
are missing from SRC are skipped with a warning.

What it makes, under LIBRARY:

* `Artist/Album/NN - Title.ext` for every music track of at least 30 s (sound effects and
  jingles are left out). Artist is the composer when the package's metadata names a single
  one for the whole album, else the game; the track's own composer goes in the artist tag.
  Titles, composers and years come from the files' tags or the package's metadata (song.ini,
  album.json), else from the cleaned file name. Tracks are kept full length. Ogg files that
  ffmpeg refuses because their header packets are repeated (three in hyperrogue-music) are
  repaired on the fly; the stems of Frets on Fire songs (song.ogg + guitar.ogg) are mixed.
* One genre per game, written in deliberately different spellings so that a reader's
  normalisation is exercised: "Electronic; Ambient", "Electronic/Dance", " ambient ",
  "chiptune", ID3v1 numeric "(52)" / "(52)Electronic" in MP3s, multi-valued genres (several
  GENRE comments, several TCON values or ©gen entries), plus year and track number/total.
* Seven formats in about equal shares: MP3 (LAME VBR, ID3v2.4, ID3v2.3, ID3v2.3 + ID3v1),
  M4A AAC (ffmpeg's aac, 192k), M4A ALAC, FLAC, Ogg Vorbis, Opus and WAV (RIFF INFO, some
  with an ID3 chunk too); stereo at 44.1 or 48 kHz (Opus always 48 kHz). The lossless
  formats go to tracks of at most --max-lossless-seconds (default 300) so that the library
  stays under about 3 GB.
* Generated lyrics for about 90 % of the tracks, drawn from a word list per genre so that
  lyrics correlate with genre, 80-200 words in verses and a chorus: about half embedded
  (ID3 USLT, Vorbis LYRICS or UNSYNCEDLYRICS, MP4 ©lyr, ID3 USLT in a WAV's ID3 chunk), the
  others in a sidecar beside the track with the same stem, `.lrc` with [ar:]/[ti:]/[al:]
  header lines and [mm:ss.xx] timestamps, or `.txt`; a few sidecars are UTF-8 with a BOM,
  UTF-16, Latin-1 or CRLF, and a few are named `.LRC`.
* Odd names: non-ASCII titles and album names (one file name in decomposed NFD form),
  spaces, apostrophes, and one file name of about 200 characters.
* `Broken Files/Bad Album/` with files a scanner must survive: an M4A cut before its moov
  atom, a video-only MP4, a zero-length FLAC, a text file named .mp3, a truncated FLAC, a
  fake DRM .m4p (sample entry renamed mp4a -> drms), MP3s with a garbage or an invalid ID3v2
  header in front of valid audio, and Ogg Vorbis audio named .mp3.
* `.make_real_library.json`: every file made and what it should contain (format, rate,
  tags, where its lyrics are), which the next run uses to skip unchanged files.

Everything is derived from --seed (default 1), so a run is deterministic and re-running it
on the same sources only redoes files whose plan changed, and deletes files that an earlier
run made and the current plan no longer has. A summary (counts per format, genre, sample
rate and lyrics placement; total duration and size) is printed at the end.
"""
import argparse
import concurrent.futures
import configparser
import dataclasses
import difflib
import hashlib
import json
import os
import random
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import unicodedata
import zipfile
from pathlib import Path

try:
    import mutagen
    from mutagen.flac import FLAC
    from mutagen.id3 import (ID3, TALB, TCOM, TCON, TDRC, TIT2, TPE1, TPE2, TPOS, TRCK,
                             USLT)
    from mutagen.mp4 import MP4
    from mutagen.oggopus import OggOpus
    from mutagen.oggvorbis import OggVorbis
    from mutagen.ogg import OggPage
    from mutagen.wave import WAVE
except ImportError:  # pragma: no cover - reported to the user
    sys.exit("mutagen is missing: apt-get install python3-mutagen "
             "(and run this script with /usr/bin/python3)")

PLAN_VERSION = 2
MIN_SECONDS = 30.0
MANIFEST_NAME = ".make_real_library.json"
BROKEN_ARTIST = "Broken Files"
BROKEN_ALBUM = "Bad Album"


# --------------------------------------------------------------------------------------
# Sources: which files of which package are music, and what to call them.
# --------------------------------------------------------------------------------------

@dataclasses.dataclass
class Source:
    package: str
    game: str
    root: str                       # folder inside the package tree
    patterns: tuple                 # globs below root
    genres: tuple                   # genre values written for this game
    lyrics_theme: str               # word list used for the generated lyrics
    year: str
    loader: str = "tags"            # tags | warzone | fof | pk3
    album: str = ""                 # fixed album name ("" = "<game> Soundtrack")
    album_from_tags: bool = False
    default_artist: str = ""        # when the tags name nobody ("" = the game)
    exclude: tuple = ()             # file stems to leave out (sound effects)
    mp3_genres: tuple = ()          # alternative genre spellings for this game's MP3s
    title_overrides: dict = dataclasses.field(default_factory=dict)
    artist_overrides: dict = dataclasses.field(default_factory=dict)
    artist_aliases: dict = dataclasses.field(default_factory=dict)
    nfd_stems: tuple = ()           # stems whose file name is written in NFD form


LONG_TITLE = ("Knalgan Theme (Extended Dwarvish Hall Version, Recorded Live Beneath the "
              "Mountains of Knalga with the Full Orchestra, Choir and Anvil Section, "
              "Remastered Anniversary Edition Bonus Track)")

SOURCES = [
    Source("wesnoth-1.16-music", "The Battle for Wesnoth",
           "usr/share/games/wesnoth/1.16/data/core/music", ("*.ogg",),
           genres=("Orchestral",), lyrics_theme="orchestral", year="2008",
           exclude=("silence",),
           title_overrides={"knalgan_theme": LONG_TITLE}),
    Source("warzone2100-music", "Warzone 2100",
           "usr/share/games/warzone2100/music", ("albums/*/*.opus", "menu.opus"),
           genres=("Electronic; Ambient",), lyrics_theme="electronic", year="1999",
           loader="warzone", default_artist="Martin Severn"),
    Source("singularity-music", "Endgame: Singularity",
           "usr/share/games/singularity/music", ("*.ogg", "*/*.ogg"),
           genres=(" ambient ",), lyrics_theme="ambient", year="2012",
           album_from_tags=True),
    Source("colobot-common-sounds", "Colobot",
           "usr/share/games/colobot/music", ("*.ogg",),
           genres=("Electronic/Dance",), lyrics_theme="electronic", year="2014",
           album_from_tags=True, album="Colobot: Gold Edition"),
    Source("drascula-music", "Drascula: The Vampire Strikes Back",
           "usr/share/scummvm/drascula/audio", ("*.ogg",),
           genres=("chiptune",), lyrics_theme="chiptune", year="1996",
           album="Drascula: The Vampire Strikes Back – Música Original"),
    Source("hyperrogue-music", "HyperRogue",
           "usr/share/hyperrogue/music", ("*.ogg",),
           genres=("Electronic",), mp3_genres=("(52)", "(52)Electronic"),
           lyrics_theme="electronic", year="2013",
           artist_overrides={"hr-domina-hunting": "Lincoln Domina",
                             "hr-domina-mountain": "Lincoln Domina"},
           title_overrides={"hr-domina-hunting": "Hunting Ground",
                            "hr-domina-mountain": "Lost Mountain",
                            "hr3-laboratory": "Alchemist's Lab",
                            "hr3-rlyeh": "R'Lyeh",
                            "hr3-motion": "Land of Eternal Motion",
                            "hr3-mirror": "Hall of Mirrors"}),
    Source("pushover-data", "Pushover",
           "usr/share/pushover/themes", ("*.ogg",),
           genres=("World", "Folk"), lyrics_theme="folk", year="2008",
           default_artist="Roberto Lorenz",
           title_overrides={"japanese": "Japanese Garden (日本庭園)",
                            "greek": "Greek Temple – Ελληνικός Ναός",
                            "toxcity": "Toxcity (Schmutzige Straße)",
                            "electro": "Électro Café",
                            "option": "Options Menu"},
           nfd_stems=("electro",)),
    Source("nexuiz-music", "Nexuiz",
           "usr/share/games/nexuiz/data", ("music.pk3",),
           genres=("Electronic", "Industrial"), lyrics_theme="industrial", year="2009",
           loader="pk3", exclude=("thunder",),
           artist_aliases={"www.elysis.de": "elysis"},
           title_overrides={"calling-bogus": "Calling Bogus", "subcities": "Subcities",
                            "breakdown-easy": "Breakdown (Easy)"}),
    Source("fretsonfire-songs-muldjord", "Frets on Fire",
           "usr/share/games/fretsonfire/data/songs/muldjord", ("*/song.ogg",),
           genres=("Death Metal",), lyrics_theme="metal", year="2008", loader="fof",
           album="Frets on Fire Song Pack",
           artist_aliases={"Muldjord - www.muldjord.com": "Muldjord"}),
    Source("fretsonfire-songs-sectoid", "Frets on Fire",
           "usr/share/games/fretsonfire/data/songs/sectoid", ("*/song.ogg",),
           genres=("rock/metal",), lyrics_theme="rock", year="2007", loader="fof",
           album="Frets on Fire Song Pack",
           artist_aliases={"Composed and performed by Sectoid": "Sectoid"}),
]


# --------------------------------------------------------------------------------------
# Formats
# --------------------------------------------------------------------------------------

FORMATS = ["mp3", "aac", "alac", "flac", "vorbis", "opus", "wav"]
LOSSLESS = {"alac", "flac", "wav"}
EXTENSIONS = {"mp3": ".mp3", "aac": ".m4a", "alac": ".m4a", "flac": ".flac",
              "vorbis": ".ogg", "opus": ".opus", "wav": ".wav"}
CODEC_NAMES = {"mp3": "mp3", "aac": "aac", "alac": "alac", "flac": "flac",
               "vorbis": "vorbis", "opus": "opus", "wav": "pcm_s16le"}


# --------------------------------------------------------------------------------------
# Lyrics
# --------------------------------------------------------------------------------------

THEME_WORDS = {
    "orchestral": """kingdom banner throne ancient valor river mountain crown sword herald
        dawn legend march honor forest shield oath horizon castle knight thunder glory elder
        realm storm hymn journey fallen battle triumph sorrow keep rider gate eternal ember
        north bard fields citadel""",
    "electronic": """neon circuit pulse signal voltage laser synth grid digital frequency
        bassline strobe data wire static chrome dancefloor machine loop beat rhythm current
        satellite glow binary sequence night city drive overload echo transmit spark velocity
        hyper motion code screen reactor flash""",
    "ambient": """drift haze tide silence breath horizon cloud stillness mist glacier orbit
        hollow slow light shimmer dusk distance whisper ocean calm float nebula dream fading
        vapor quiet aurora space weightless soft expanse glow waves deep lull stars hush
        time""",
    "metal": """blood iron chaos grave rage fire skull abyss torment steel war doom burn
        scream venom carnage decay wrath bone flesh serpent hammer ruin darkness inferno
        plague crush black curse riot madness shadow blade death strike hell fury mime
        mutilated""",
    "rock": """road highway guitar heart tonight fire wild freedom engine city rain rebel
        dream midnight loud radio lights run crowd voice sky alive chase heat restless
        streets drum young stone fever chance dust edge ride shout free escape""",
    "chiptune": """pixel level coin jump castle vampire bat door quest cartoon night button
        score power dungeon candle bolt garlic moon secret boss hero bonus portal ghost key
        map puzzle coffin lab tower laugh blink bounce tile combo sprite retro igor""",
    "folk": """village river harvest drum lantern temple garden wind valley song ancestor
        market bamboo desert sun pyramid festival dance bridge path stone olive mountain tea
        cherry fountain sea home story field feather flute shore circle seasons bread
        crossing""",
    "industrial": """factory gear smoke piston rust concrete furnace grind machine steel
        pressure sparks wire assembly exhaust pipeline noise reactor metal conveyor weld
        motor shift alarm warehouse fuel circuit valve relay crane bunker toxin drone
        protocol district sirens arena""",
}
FUNCTION_WORDS = """the and we you in of to our through into under over all beyond with
    my your is are will a from again never ever now this that where when""".split()


def make_lyrics(rng, theme):
    """Verses and a repeated chorus, 80-200 words, mostly from the theme's word list."""
    words = THEME_WORDS[theme].split()
    target = rng.randint(80, 200)

    def line():
        n = rng.randint(4, 8)
        out = [rng.choice(words) if rng.random() < 0.6 else rng.choice(FUNCTION_WORDS)
               for _ in range(n)]
        if out[-1] in FUNCTION_WORDS:
            out[-1] = rng.choice(words)
        text = " ".join(out)
        return text[0].upper() + text[1:]

    chorus = [line() for _ in range(rng.randint(2, 3))]
    stanzas, count = [], 0
    while count < target:
        verse = [line() for _ in range(4)]
        stanzas.append(verse)
        count += sum(len(x.split()) for x in verse)
        if count < target:
            stanzas.append(chorus)
            count += sum(len(x.split()) for x in chorus)
    return "\n\n".join("\n".join(s) for s in stanzas)


def lrc_text(lyrics, artist, title, album, duration):
    lines = [x for x in lyrics.split("\n") if x.strip()]
    start, end = min(10.0, duration * 0.05), duration * 0.95
    step = (end - start) / max(1, len(lines))
    out = [f"[ar:{artist}]", f"[ti:{title}]", f"[al:{album}]",
           f"[length:{int(duration) // 60:02d}:{int(duration) % 60:02d}]", ""]
    for i, text in enumerate(lines):
        cs = int(round((start + i * step) * 100))
        out.append(f"[{cs // 6000:02d}:{cs % 6000 // 100:02d}.{cs % 100:02d}]{text}")
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------

def run(cmd, **kw):
    return subprocess.run(cmd, check=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          **kw)


def probe_duration(path):
    """Seconds, or None when ffprobe cannot read the file."""
    r = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "format=duration",
                        "-of", "default=nw=1:nk=1", str(path)],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        return float(r.stdout.strip()) if r.returncode == 0 else None
    except ValueError:
        return None


def natural_key(text):
    return [int(p) if p.isdigit() else p.lower() for p in re.split(r"(\d+)", text)]


def first(tags, key):
    for v in tags.get(key, []):
        if v and str(v).strip():
            return str(v).strip()
    return ""


def clean_stem(stem):
    text = re.sub(r"[_]+", " ", stem)
    text = re.sub(r"(?<=[A-Za-z])(?=\d)", " ", text)
    text = re.sub(r"(?<=[a-z])-(?=[a-z])", " ", text)
    text = re.sub(r"\s+", " ", text).strip()
    return text[:1].upper() + text[1:]


def clean_title(title):
    title = re.sub(r"\.(mp3|ogg|wav|flac)$", "", title.strip(), flags=re.I)
    return title.replace("_", " ").strip()


def pick_title(values, stem):
    """Several TITLE values happen (a tagger appending instead of replacing): keep the one
    closest to the file name."""
    values = [v for v in values if v and v.strip()]
    if not values:
        return ""
    if len(values) == 1:
        return values[0]
    key = re.sub(r"^hr\d*-", "", stem).lower()
    return max(values, key=lambda v: difflib.SequenceMatcher(None, v.lower(), key).ratio())


def year_of(text):
    m = re.match(r"\s*(\d{4})(-\d\d-\d\d)?", text or "")
    if not m or not 1950 <= int(m.group(1)) <= 2035:
        return ""
    return m.group(0).strip()


def safe_component(name, limit=240):
    """A file or folder name: no separators or characters that trouble other systems;
    the length capped in UTF-8 bytes."""
    name = re.sub(r"\s*:\s*", " - ", name)
    name = name.replace("/", "-").replace("\\", "-")
    name = re.sub(r'[<>"|?*\x00-\x1f]', "", name)
    name = re.sub(r"\s+", " ", name).strip().strip(".")
    data = name.encode("utf-8")
    if len(data) > limit:
        name = data[:limit].decode("utf-8", "ignore").rstrip()
    return name or "Unknown"


def read_tags(path):
    try:
        f = mutagen.File(path)
    except Exception:
        return {}
    if f is None or f.tags is None:
        return {}
    tags = {}
    for k, v in f.tags.items():
        tags.setdefault(k.lower(), []).extend(v if isinstance(v, list) else [v])
    return tags


def repair_ogg_headers(src, dst):
    """Some shipped Ogg Vorbis files repeat the three header packets after the first
    pages (a bad splice) which ffmpeg refuses; drop the repeats."""
    pages = []
    with open(src, "rb") as f:
        while True:
            try:
                pages.append(OggPage(f))
            except EOFError:
                break
    heads = (b"\x01vorbis", b"\x03vorbis", b"\x05vorbis")
    kept = []
    for i, page in enumerate(pages):
        if i >= 2:
            page.packets = [p for p in page.packets if p[:7] not in heads]
            if not page.packets:
                continue
        kept.append(page)
    with open(dst, "wb") as f:
        for i, page in enumerate(kept):
            page.sequence = i
            f.write(page.write())


# --------------------------------------------------------------------------------------
# Discovery
# --------------------------------------------------------------------------------------

@dataclasses.dataclass
class Track:
    key: str                 # package/relative path: stable identity for seeding
    source: Source
    inputs: list             # audio files mixed into the track (usually one)
    input_ids: list          # (name, size) of each input, for the manifest fingerprint
    duration: float
    title: str
    artist: str
    album: str
    year: str
    composer: str = ""
    order: tuple = ()
    album_artist: str = ""
    track_no: int = 0
    track_total: int = 0
    fmt: str = ""
    file_stem: str = ""


def package_root(sources_dir, src):
    for base in (sources_dir / src.package, sources_dir):
        if (base / src.root).is_dir():
            return base
    return None


def discover(sources_dir, work_dir, warn):
    tracks = []
    for src in SOURCES:
        base = package_root(sources_dir, src)
        if base is None:
            warn(f"{src.package}: not found under {sources_dir}; skipped")
            continue
        root = base / src.root
        files = sorted({p for pat in src.patterns for p in root.glob(pat)},
                       key=lambda p: natural_key(str(p.relative_to(root))))
        if src.loader == "pk3":
            files = extract_pk3(files, work_dir / src.package)
        meta = load_side_metadata(src, root)
        for path in files:
            stem = path.parent.name if src.loader == "fof" else path.stem
            if stem in src.exclude:
                continue
            rel = path.relative_to(root) if root in path.parents else Path(path.name)
            key = f"{src.package}/{rel.as_posix()}"
            inputs = [path]
            if src.loader == "fof":
                inputs += [p for p in (path.parent / "guitar.ogg", path.parent / "rhythm.ogg")
                           if p.exists()]
            ids = [(f"{src.package}/{p.relative_to(root).as_posix()}"
                    if root in p.parents else f"{src.package}/{p.name}", p.stat().st_size)
                   for p in inputs]
            duration = probe_duration(path)
            if duration is None and path.suffix == ".ogg":
                fixed = work_dir / "repaired" / src.package / path.name
                fixed.parent.mkdir(parents=True, exist_ok=True)
                try:
                    repair_ogg_headers(path, fixed)
                    duration = probe_duration(fixed)
                except Exception:
                    duration = None
                if duration is not None:
                    inputs[0] = fixed
            if duration is None:
                warn(f"{key}: ffmpeg cannot read it; skipped")
                continue
            if duration < MIN_SECONDS:
                continue
            t = describe(src, path, stem, key, meta)
            t.inputs, t.input_ids, t.duration = inputs, ids, duration
            tracks.append(t)
    return tracks


def extract_pk3(archives, dest):
    out = []
    for archive in archives:
        with zipfile.ZipFile(archive) as z:
            for info in sorted(z.infolist(), key=lambda i: i.filename):
                if info.is_dir() or not info.filename.lower().endswith(".ogg"):
                    continue
                target = dest / Path(info.filename).name
                if not target.exists() or target.stat().st_size != info.file_size:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    with z.open(info) as r, open(target, "wb") as w:
                        shutil.copyfileobj(r, w)
                out.append(target)
    return out


def load_side_metadata(src, root):
    """Per-file metadata that lives beside the audio: Warzone's album.json, Frets on
    Fire's song.ini."""
    meta = {}
    if src.loader == "warzone":
        for album_json in sorted(root.glob("albums/*/album.json")):
            data = json.loads(album_json.read_text(encoding="utf-8"))
            album = data.get("title", "")
            if not album.lower().startswith("warzone"):
                album = f"Warzone 2100 – {album}"
            for t in data.get("tracks", []):
                meta[str(album_json.parent / t["filename"])] = {
                    "title": t.get("title", ""), "artist": t.get("author", data.get("author")),
                    "album": album, "year": data.get("date", "")}
            if "original" in album_json.parent.name:
                meta[str(root / "menu.opus")] = {
                    "title": "Menu Theme", "artist": data.get("author", ""),
                    "album": album, "year": data.get("date", ""), "order": 0}
    elif src.loader == "fof":
        for ini in sorted(root.glob("*/song.ini")):
            cp = configparser.ConfigParser(interpolation=None)
            cp.read_string(ini.read_text(encoding="utf-8", errors="replace"))
            if cp.has_section("song"):
                meta[str(ini.parent / "song.ogg")] = {
                    "title": cp.get("song", "name", fallback=""),
                    "artist": cp.get("song", "artist", fallback="")}
    return meta


def describe(src, path, stem, key, meta):
    tags = read_tags(path)
    side = meta.get(str(path), {})
    title = (src.title_overrides.get(stem) or side.get("title")
             or clean_title(pick_title(tags.get("title", []), stem)) or clean_stem(stem))
    artist = (src.artist_overrides.get(stem) or side.get("artist") or first(tags, "artist")
              or src.default_artist or src.game)
    artist = src.artist_aliases.get(artist, artist)
    album = side.get("album") or ""
    if not album and src.album_from_tags:
        album = first(tags, "album")
    album = album or src.album or f"{src.game} Soundtrack"
    year = year_of(side.get("year", "")) or year_of(first(tags, "date")) \
        or year_of(first(tags, "year")) or src.year
    composer = first(tags, "composer")
    number = first(tags, "tracknumber").split("/")[0]
    order = (side.get("order", 1), int(number) if number.isdigit() and int(number) > 0
             else 999, natural_key(key))
    return Track(key=key, source=src, inputs=[], input_ids=[], duration=0.0, title=title,
                 artist=artist, album=album, year=year, composer=composer, order=order)


# --------------------------------------------------------------------------------------
# Planning: albums, numbering, formats and every per-file choice
# --------------------------------------------------------------------------------------

def number_albums(tracks):
    albums = {}
    for t in tracks:
        albums.setdefault((t.source.package, t.album), []).append(t)
    for members in albums.values():
        members.sort(key=lambda t: t.order)
        artists = {t.artist for t in members}
        album_artist = members[0].artist if len(artists) == 1 else members[0].source.game
        for i, t in enumerate(members, 1):
            t.track_no, t.track_total, t.album_artist = i, len(members), album_artist


def assign_formats(tracks, rng, max_lossless):
    """About equal counts per format; lossless ones only on tracks short enough."""
    order = sorted(tracks, key=lambda t: t.key)
    rng.shuffle(order)
    fmts = FORMATS[:]
    rng.shuffle(fmts)
    quota = {f: len(order) // len(fmts) + (1 if i < len(order) % len(fmts) else 0)
             for i, f in enumerate(fmts)}
    lossless = [f for f in fmts if f in LOSSLESS]
    lossy = [f for f in fmts if f not in LOSSLESS]

    def deal(pool, kinds):
        rest, i = [], 0
        for t in pool:
            open_kinds = [f for f in kinds if quota[f] > 0]
            if not open_kinds:
                rest.append(t)
                continue
            f = open_kinds[i % len(open_kinds)]
            i += 1
            quota[f] -= 1
            t.fmt = f
        return rest

    short = [t for t in order if t.duration <= max_lossless]
    long_ = [t for t in order if t.duration > max_lossless]
    left = deal(short, lossless)
    left = deal(sorted(long_ + left, key=order.index), lossy)
    deal(left, lossless)  # only when there were too few short tracks


def plan_track(t, seed):
    """Everything about one output file, derived from the seed and the track alone."""
    rng = random.Random(f"{seed}/{t.key}")
    src = t.source
    p = {"key": t.key, "format": t.fmt, "codec": CODEC_NAMES[t.fmt],
         "sample_rate": 48000 if t.fmt == "opus" else rng.choice([44100, 48000]),
         "channels": 2, "duration": round(t.duration, 3),
         "title": t.title, "artist": t.artist, "album_artist": t.album_artist,
         "album": t.album, "year": t.year, "composer": t.composer,
         "track": t.track_no, "track_total": t.track_total,
         "game": src.game, "inputs": t.input_ids}

    genres = list(src.genres)
    if t.fmt == "mp3" and src.mp3_genres:
        genres = [src.mp3_genres[t.track_no % len(src.mp3_genres)]]
    p["genre"] = genres

    if t.fmt == "mp3":
        p["mp3_quality"] = rng.choice([0, 2, 2, 4])
        p["id3"] = rng.choice(["v2.4", "v2.3", "v2.3+v1"])
    elif t.fmt == "aac":
        p["bitrate"] = "192k"
    elif t.fmt == "vorbis":
        p["vorbis_quality"] = rng.choice([4, 5, 6])
    elif t.fmt == "opus":
        p["bitrate"] = rng.choice(["96k", "128k", "160k"])
    if t.fmt in ("aac", "alac"):
        p["faststart"] = rng.random() < 0.5
    if t.fmt == "wav":
        p["wav_tags"] = rng.choice(["riff-info", "riff-info+id3"])
    if t.fmt in ("flac", "vorbis", "opus"):
        p["tracktotal_style"] = "TRACKTOTAL" if rng.random() < 0.7 else "n/total"

    # Lyrics draw from their own stream, so that they do not change with the format.
    lrng = random.Random(f"{seed}/{t.key}/lyrics")
    r = lrng.random()
    mode = "none" if r < 0.10 else ("embedded" if r < 0.55 else "sidecar")
    if mode == "embedded" and t.fmt == "wav" and p["wav_tags"] == "riff-info":
        mode = "sidecar"  # RIFF INFO has no lyrics field
    lyrics = make_lyrics(lrng, src.lyrics_theme)
    unsynced = lrng.random() < 0.33
    kind = "lrc" if lrng.random() < 0.6 else "txt"
    enc = lrng.choices(["utf-8", "utf-8-sig", "utf-16", "latin-1", "crlf"],
                       weights=[70, 10, 6, 7, 7])[0]
    upper_ext = lrng.random() < 0.04
    p["lyrics_mode"] = mode
    if mode == "embedded":
        p["lyrics_field"] = {"mp3": "USLT", "aac": "©lyr", "alac": "©lyr", "wav": "USLT",
                             }.get(t.fmt) or ("UNSYNCEDLYRICS" if unsynced else "LYRICS")
    elif mode == "sidecar":
        p["sidecar"] = {"kind": kind, "encoding": enc}
    if mode != "none":
        p["lyrics"] = lyrics

    stem = f"{t.track_no:02d} - {safe_component(t.title, 230)}"
    p["nfd_name"] = t.key.rsplit("/", 1)[-1].rsplit(".", 1)[0] in src.nfd_stems
    if p["nfd_name"]:
        stem = unicodedata.normalize("NFD", stem)
    folder = Path(safe_component(t.album_artist)) / safe_component(t.album)
    p["path"] = (folder / (stem + EXTENSIONS[t.fmt])).as_posix()
    if mode == "sidecar":
        ext = ".lrc" if p["sidecar"]["kind"] == "lrc" else ".txt"
        if p["sidecar"]["kind"] == "lrc" and upper_ext:
            ext = ".LRC"
        p["sidecar"]["path"] = (folder / (stem + ext)).as_posix()
    return p


def fingerprint(p):
    data = json.dumps([PLAN_VERSION, p], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:20]


# --------------------------------------------------------------------------------------
# Encoding and tagging
# --------------------------------------------------------------------------------------

def ffmpeg_args(p, inputs, dest):
    cmd = ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y"]
    for i in inputs:
        cmd += ["-i", str(i)]
    if len(inputs) > 1:  # song stems (backing + guitar): mix them back into the song
        mix = "".join(f"[{i}:a]" for i in range(len(inputs)))
        cmd += ["-filter_complex",
                f"{mix}amix=inputs={len(inputs)}:duration=longest:normalize=0,"
                f"alimiter=limit=0.97:level=0[a]", "-map", "[a]"]
    else:
        cmd += ["-map", "0:a:0"]
    cmd += ["-vn", "-sn", "-dn", "-map_metadata", "-1", "-map_chapters", "-1",
            "-ac", "2", "-ar", str(p["sample_rate"]), "-fflags", "+bitexact",
            "-flags:a", "+bitexact"]
    f = p["format"]
    if f == "mp3":
        cmd += ["-c:a", "libmp3lame", "-q:a", str(p["mp3_quality"]),
                "-id3v2_version", "0", "-write_id3v1", "0", "-f", "mp3"]
    elif f == "aac":
        cmd += ["-c:a", "aac", "-b:a", p["bitrate"], "-f", "ipod"]
    elif f == "alac":
        cmd += ["-c:a", "alac", "-sample_fmt", "s16p", "-f", "ipod"]
    elif f == "flac":
        cmd += ["-c:a", "flac", "-sample_fmt", "s16", "-f", "flac"]
    elif f == "vorbis":
        cmd += ["-c:a", "libvorbis", "-q:a", str(p["vorbis_quality"]), "-f", "ogg"]
    elif f == "opus":
        cmd += ["-c:a", "libopus", "-b:a", p["bitrate"], "-f", "opus"]
    elif f == "wav":
        cmd += ["-c:a", "pcm_s16le", "-f", "wav"]
        info = {"title": p["title"], "artist": p["artist"], "album": p["album"],
                "genre": "; ".join(p["genre"]), "date": p["year"][:4],
                "track": str(p["track"])}
        for k, v in info.items():
            cmd += ["-metadata", f"{k}={v}"]
    if f in ("aac", "alac") and p["faststart"]:
        cmd += ["-movflags", "+faststart"]
    return cmd + [str(dest)]


def patch_id3_text_frame(path, frame_id, text):
    """Replace one text frame of a file's ID3v2.3/2.4 tag byte for byte (ISO-8859-1),
    taking the size difference from the tag's padding so that the audio does not move."""
    data = bytearray(Path(path).read_bytes())
    if data[:3] != b"ID3" or data[3] not in (3, 4) or data[5] & 0x40:
        raise ValueError(f"{path}: no plain ID3v2.3/2.4 tag")

    def syncsafe(b):
        return b[0] << 21 | b[1] << 14 | b[2] << 7 | b[3]

    def frame_size(n):
        if data[3] == 4:
            return bytes([n >> 21 & 0x7F, n >> 14 & 0x7F, n >> 7 & 0x7F, n & 0x7F])
        return struct.pack(">I", n)

    end = 10 + syncsafe(data[6:10])
    pos = 10
    while pos + 10 <= end and data[pos:pos + 4] != b"\x00\x00\x00\x00":
        size = (syncsafe(data[pos + 4:pos + 8]) if data[3] == 4
                else struct.unpack(">I", data[pos + 4:pos + 8])[0])
        if bytes(data[pos:pos + 4]) == frame_id:
            payload = b"\x00" + text.encode("latin-1")
            new = frame_id + frame_size(len(payload)) + data[pos + 8:pos + 10] + payload
            delta = len(new) - (10 + size)
            data[pos:pos + 10 + size] = new
            if delta > 0:
                if any(data[end:end + delta]):
                    raise ValueError(f"{path}: not enough ID3 padding")
                del data[end:end + delta]
            elif delta < 0:
                data[end + delta:end + delta] = bytes(-delta)
            Path(path).write_bytes(data)
            return
        pos += 10 + size
    raise ValueError(f"{path}: no {frame_id.decode()} frame")


def tag_file(p, path):
    f = p["format"]
    lyrics = p.get("lyrics") if p["lyrics_mode"] == "embedded" else None
    if f in ("mp3", "wav"):
        if f == "wav" and p["wav_tags"] == "riff-info":
            return
        if f == "wav":
            audio = WAVE(path)
            if audio.tags is None:
                audio.add_tags()
            tags = audio.tags
        else:
            tags = ID3()
        tags.add(TIT2(encoding=3, text=p["title"]))
        tags.add(TPE1(encoding=3, text=p["artist"]))
        tags.add(TPE2(encoding=3, text=p["album_artist"]))
        tags.add(TALB(encoding=3, text=p["album"]))
        tags.add(TCON(encoding=3, text=p["genre"]))
        tags.add(TDRC(encoding=3, text=p["year"]))
        tags.add(TRCK(encoding=3, text=f"{p['track']}/{p['track_total']}"))
        tags.add(TPOS(encoding=3, text="1/1"))
        if p["composer"]:
            tags.add(TCOM(encoding=3, text=p["composer"]))
        if lyrics:
            tags.add(USLT(encoding=3, lang="eng", desc="", text=lyrics))
        v2 = 3 if p.get("id3", "v2.4").startswith("v2.3") else 4
        if f == "mp3":
            tags.save(path, v2_version=v2, v1=2 if p["id3"].endswith("v1") else 0)
            if any(g.startswith("(") for g in p["genre"]):
                # mutagen rewrites "(52)" as "Electronic" on save: put the raw text back.
                patch_id3_text_frame(path, b"TCON", "\x00".join(p["genre"]))
        else:
            audio.save(v2_version=v2)
    elif f in ("aac", "alac"):
        audio = MP4(path)
        if audio.tags is None:
            audio.add_tags()
        t = audio.tags
        t["©nam"], t["©ART"], t["aART"] = [p["title"]], [p["artist"]], [p["album_artist"]]
        t["©alb"], t["©gen"], t["©day"] = [p["album"]], list(p["genre"]), [p["year"]]
        t["trkn"] = [(p["track"], p["track_total"])]
        t["disk"] = [(1, 1)]
        if p["composer"]:
            t["©wrt"] = [p["composer"]]
        if lyrics:
            t["©lyr"] = [lyrics]
        audio.save()
    else:
        audio = {"flac": FLAC, "vorbis": OggVorbis, "opus": OggOpus}[f](path)
        if audio.tags is None:
            audio.add_tags()
        t = audio.tags
        t["TITLE"], t["ARTIST"], t["ALBUMARTIST"] = p["title"], p["artist"], p["album_artist"]
        t["ALBUM"], t["GENRE"], t["DATE"] = p["album"], list(p["genre"]), p["year"]
        if p["tracktotal_style"] == "TRACKTOTAL":
            t["TRACKNUMBER"], t["TRACKTOTAL"] = str(p["track"]), str(p["track_total"])
        else:
            t["TRACKNUMBER"] = f"{p['track']}/{p['track_total']}"
        if p["composer"]:
            t["COMPOSER"] = p["composer"]
        if lyrics:
            t[p["lyrics_field"]] = lyrics
        audio.save()


def write_sidecar(p, out_dir):
    sc = p["sidecar"]
    text = p["lyrics"]
    if sc["kind"] == "lrc":
        text = lrc_text(text, p["artist"], p["title"], p["album"], p["duration"])
    else:
        text = text + "\n"
    enc = sc["encoding"]
    if enc == "crlf":
        data = text.replace("\n", "\r\n").encode("utf-8")
    elif enc == "latin-1":
        data = text.encode("latin-1", "replace")
    else:
        data = text.encode(enc)  # utf-8, utf-8-sig (BOM) or utf-16 (BOM, native order)
        if enc == "utf-16" and not data.startswith(b"\xff\xfe"):
            data = b"\xff\xfe" + text.encode("utf-16-le")
    dest = out_dir / sc["path"]
    if not dest.exists() or dest.read_bytes() != data:
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(data)


def build_track(p, inputs, out_dir):
    dest = out_dir / p["path"]
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name("." + dest.stem + ".partial" + dest.suffix)
    try:
        run(ffmpeg_args(p, inputs, tmp))
        tag_file(p, tmp)
        os.replace(tmp, dest)
    except subprocess.CalledProcessError as e:
        tmp.unlink(missing_ok=True)
        raise RuntimeError(f"ffmpeg failed on {p['key']}: {e.stderr.decode(errors='replace')}")
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return dest.stat().st_size


# --------------------------------------------------------------------------------------
# Broken files
# --------------------------------------------------------------------------------------

BROKEN = [
    ("01 - Missing moov (truncated download).m4a",
     "AAC M4A written with its moov atom at the end, cut just before moov: mdat only, no "
     "sample tables"),
    ("02 - Video only, no audio.mp4",
     "H.264 test-pattern video with no audio stream at all"),
    ("03 - Zero length.flac", "empty file (0 bytes)"),
    ("04 - Not really audio.mp3", "plain UTF-8 text with an .mp3 extension"),
    ("05 - Truncated mid-stream.flac",
     "valid FLAC header and STREAMINFO (30 s) but the file cut at 40 %, mid-frame"),
    ("06 - DRM protected (fake).m4p",
     "AAC M4A whose stsd sample entry is renamed from mp4a to drms, like iTunes FairPlay"),
    ("07 - Garbage ID3v2 tag.mp3",
     "ID3v2.3 header with a consistent size, but its frame claims 5000 bytes and is "
     "followed by garbage; valid MP3 audio starts right after the tag"),
    ("08 - Invalid ID3v2 size.mp3",
     "ID3v2.4 header whose size bytes are not sync-safe (0xFF), then garbage, then valid "
     "MP3 audio"),
    ("09 - Ogg Vorbis named mp3.mp3",
     "a valid, tagged Ogg Vorbis file with an .mp3 extension"),
]


def mp4_boxes(data, start, end):
    pos = start
    while pos + 8 <= end:
        size, kind = struct.unpack(">I4s", data[pos:pos + 8])
        header = 8
        if size == 1:
            size = struct.unpack(">Q", data[pos + 8:pos + 16])[0]
            header = 16
        elif size == 0:
            size = end - pos
        if size < header:
            return
        yield kind, pos, header, size
        pos += size


def find_box(data, path, start=0, end=None):
    end = len(data) if end is None else end
    for kind, pos, header, size in mp4_boxes(data, start, end):
        if kind == path[0]:
            if len(path) == 1:
                return pos, header, size
            return find_box(data, path[1:], pos + header, pos + size)
    return None


def make_broken(out_dir, excerpt_src, work_dir):
    folder = out_dir / BROKEN_ARTIST / BROKEN_ALBUM
    folder.mkdir(parents=True, exist_ok=True)
    base = ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y"]
    clip = ["-t", "30", "-i", str(excerpt_src), "-map", "0:a:0", "-map_metadata", "-1",
            "-ac", "2", "-ar", "44100", "-fflags", "+bitexact", "-flags:a", "+bitexact"]
    tmp = work_dir / "broken"
    tmp.mkdir(parents=True, exist_ok=True)
    made = {}

    def put(name, data):
        path = folder / name
        if not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)
        made[name] = path

    # 01: moov at the end, then cut before it.
    run(base + clip + ["-c:a", "aac", "-b:a", "192k", "-f", "ipod", str(tmp / "a.m4a")])
    data = (tmp / "a.m4a").read_bytes()
    moov = find_box(data, [b"moov"])
    mdat = find_box(data, [b"mdat"])
    if not moov or not mdat or moov[0] < mdat[0]:
        raise RuntimeError("expected the moov atom after mdat")
    put(BROKEN[0][0], data[:moov[0]])

    # 02: video only.
    vcodec = ["-c:v", "libx264", "-preset", "veryfast", "-x264-params", "threads=1",
              "-pix_fmt", "yuv420p"]
    if b"libx264" not in run(["ffmpeg", "-hide_banner", "-encoders"]).stdout:
        vcodec = ["-c:v", "mpeg4", "-q:v", "5"]
    run(base + ["-f", "lavfi", "-i", "testsrc=duration=5:size=320x240:rate=25"] + vcodec +
        ["-an", "-fflags", "+bitexact", "-flags:v", "+bitexact", "-f", "mp4",
         str(tmp / "v.mp4")])
    put(BROKEN[1][0], (tmp / "v.mp4").read_bytes())

    put(BROKEN[2][0], b"")
    put(BROKEN[3][0], ("This is not an MP3 file.\nIt is a plain text note that happens to "
                       "carry an .mp3 extension,\nthe kind left behind by a failed download "
                       "or a renamed playlist.\n").encode("utf-8"))

    # 05: truncated FLAC.
    run(base + clip + ["-c:a", "flac", "-sample_fmt", "s16", "-f", "flac",
                       str(tmp / "f.flac")])
    data = (tmp / "f.flac").read_bytes()
    put(BROKEN[4][0], data[:int(len(data) * 0.4)])

    # 06: fake DRM: rename the sample entry in stsd.
    run(base + clip + ["-c:a", "aac", "-b:a", "128k", "-movflags", "+faststart",
                       "-f", "ipod", str(tmp / "d.m4a")])
    data = bytearray((tmp / "d.m4a").read_bytes())
    stsd = find_box(data, [b"moov", b"trak", b"mdia", b"minf", b"stbl", b"stsd"])
    entry = stsd[0] + stsd[1] + 8  # version/flags + entry count
    if data[entry + 4:entry + 8] != b"mp4a":
        raise RuntimeError("expected an mp4a sample entry")
    data[entry + 4:entry + 8] = b"drms"
    put(BROKEN[5][0], bytes(data))

    # 07 and 08: MP3s with bad ID3v2 tags in front of valid audio.
    run(base + clip + ["-c:a", "libmp3lame", "-q:a", "4", "-id3v2_version", "0",
                       "-write_id3v1", "0", "-f", "mp3", str(tmp / "m.mp3")])
    audio = (tmp / "m.mp3").read_bytes()
    rng = random.Random("broken-id3")
    junk = bytes(rng.randrange(256) for _ in range(128))
    body = b"TIT2" + struct.pack(">I", 5000) + b"\x00\x00" + b"\x03Truncated ti"
    body = (body + junk)[:64]
    put(BROKEN[6][0], b"ID3\x03\x00\x00" + bytes([0, 0, 0, 64]) + body + audio)
    put(BROKEN[7][0], b"ID3\x04\x00\x00\xff\xff\xff\xff" + junk[:32] + audio)

    # 09: valid Ogg Vorbis under an .mp3 name.
    run(base + clip + ["-c:a", "libvorbis", "-q:a", "3", "-f", "ogg", str(tmp / "o.ogg")])
    ogg = OggVorbis(tmp / "o.ogg")
    ogg["TITLE"], ogg["ARTIST"], ogg["ALBUM"] = "Ogg Vorbis named mp3", BROKEN_ARTIST, \
        BROKEN_ALBUM
    ogg.save()
    put(BROKEN[8][0], (tmp / "o.ogg").read_bytes())
    return [{"path": (Path(BROKEN_ARTIST) / BROKEN_ALBUM / name).as_posix(),
             "purpose": purpose, "bytes": made[name].stat().st_size}
            for name, purpose in BROKEN]


# --------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------

def remove_stale(out_dir, old_files, keep):
    removed = 0
    for rel in sorted(set(old_files) - set(keep)):
        path = out_dir / rel
        if path.is_file():
            path.unlink()
            removed += 1
            parent = path.parent
            while parent != out_dir and parent.is_dir() and not any(parent.iterdir()):
                parent.rmdir()
                parent = parent.parent
    return removed


def fmt_duration(seconds):
    s = int(round(seconds))
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"


def summarise(plans, broken, out_dir, stats):
    def count(key_fn):
        c = {}
        for p in plans:
            k = key_fn(p)
            c[k] = c.get(k, 0) + 1
        return sorted(c.items(), key=lambda kv: (-kv[1], str(kv[0])))

    lines = [f"tracks: {len(plans)} from {len({p['game'] for p in plans})} games "
             f"({stats['encoded']} encoded, {stats['kept']} unchanged, "
             f"{stats['removed']} stale files removed)"]
    sections = [
        ("per format", lambda p: f"{p['format']} ({EXTENSIONS[p['format']]})"),
        ("per game", lambda p: p["game"]),
        ("per genre (as written)", lambda p: " | ".join(repr(g) for g in p["genre"])),
        ("per sample rate", lambda p: p["sample_rate"]),
        ("lyrics", lambda p: p["lyrics_mode"] + (
            f" ({p['lyrics_field']})" if p["lyrics_mode"] == "embedded" else
            f" (.{p['sidecar']['kind']}, {p['sidecar']['encoding']})"
            if p["lyrics_mode"] == "sidecar" else "")),
    ]
    for title, fn in sections:
        lines.append(f"{title}:")
        lines += [f"  {v:4d}  {k}" for k, v in count(fn)]
    modes = {m: sum(p["lyrics_mode"] == m for p in plans)
             for m in ("embedded", "sidecar", "none")}
    lines.append("lyrics totals: " + ", ".join(f"{k} {v}" for k, v in modes.items()))
    total = sum(p["duration"] for p in plans)
    size = sum(f.stat().st_size for f in out_dir.rglob("*") if f.is_file())
    lines.append(f"total duration: {fmt_duration(total)} ({total / 3600:.2f} h)")
    lines.append(f"library size: {size / 1e9:.2f} GB ({size} bytes) in {out_dir}")
    lines.append(f"broken files ({len(broken)}) in {BROKEN_ARTIST}/{BROKEN_ALBUM}/:")
    lines += [f"  {b['path'].rsplit('/', 1)[-1]}: {b['purpose']}" for b in broken]
    return "\n".join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sources", required=True, type=Path,
                    help="folder with the extracted package trees")
    ap.add_argument("--out", required=True, type=Path, help="library folder to write")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--max-lossless-seconds", type=float, default=300.0,
                    help="longest track that may get WAV, FLAC or ALAC (default 300)")
    ap.add_argument("--force", action="store_true", help="re-encode every track")
    ap.add_argument("--dry-run", action="store_true", help="print the plan, write nothing")
    args = ap.parse_args(argv)

    for tool in ("ffmpeg", "ffprobe"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is missing: apt-get install ffmpeg")
    if not args.sources.is_dir():
        sys.exit(f"no such folder: {args.sources}")

    def warn(msg):
        print(f"warning: {msg}", file=sys.stderr)

    out_dir = args.out.resolve()
    with tempfile.TemporaryDirectory(prefix="make_real_library.") as tmp:
        work_dir = Path(tmp)
        tracks = discover(args.sources.resolve(), work_dir, warn)
        if not tracks:
            sys.exit("no music found under --sources")
        number_albums(tracks)
        assign_formats(tracks, random.Random(f"{args.seed}/formats"),
                       args.max_lossless_seconds)
        plans = [plan_track(t, args.seed) for t in tracks]
        inputs = {p["key"]: t.inputs for p, t in zip(plans, tracks)}
        clash = {p["path"] for p in plans}
        if len(clash) != len(plans):
            sys.exit("two tracks map to the same file name")
        if args.dry_run:
            for p in plans:
                print(f"{p['format']:6s} {p['sample_rate']} {p['lyrics_mode']:8s} "
                      f"{p['duration']:7.1f}s  {p['path']}")
            return 0

        out_dir.mkdir(parents=True, exist_ok=True)
        for leftover in out_dir.rglob(".*.partial.*"):  # from an interrupted run
            leftover.unlink()
        manifest_path = out_dir / MANIFEST_NAME
        old = {}
        if manifest_path.exists():
            try:
                old = json.loads(manifest_path.read_text(encoding="utf-8"))
            except ValueError:
                old = {}
        old_prints = {t["path"]: (t.get("fingerprint"), t.get("bytes"))
                      for t in old.get("tracks", [])}
        for p in plans:
            p["fingerprint"] = fingerprint(p)

        todo = []
        for p in plans:
            dest = out_dir / p["path"]
            recorded = old_prints.get(p["path"])
            if (not args.force and recorded and recorded[0] == p["fingerprint"]
                    and dest.is_file() and dest.stat().st_size == recorded[1]):
                p["bytes"] = recorded[1]
            else:
                todo.append(p)
        stats = {"encoded": len(todo), "kept": len(plans) - len(todo), "removed": 0}

        with concurrent.futures.ThreadPoolExecutor(max(1, args.jobs)) as pool:
            futures = {pool.submit(build_track, p, inputs[p["key"]], out_dir): p
                       for p in todo}
            for n, fut in enumerate(concurrent.futures.as_completed(futures), 1):
                p = futures[fut]
                p["bytes"] = fut.result()
                print(f"[{n}/{len(todo)}] {p['format']:6s} {p['path']}", file=sys.stderr)
        for p in plans:
            if p["lyrics_mode"] == "sidecar":
                write_sidecar(p, out_dir)

        excerpt = inputs[min(plans, key=lambda p: p["key"])["key"]][0]
        broken = make_broken(out_dir, excerpt, work_dir)

    files = [p["path"] for p in plans]
    files += [p["sidecar"]["path"] for p in plans if p["lyrics_mode"] == "sidecar"]
    files += [b["path"] for b in broken]
    stats["removed"] = remove_stale(out_dir, old.get("files", []), files)
    manifest = {"plan_version": PLAN_VERSION, "seed": args.seed,
                "min_seconds": MIN_SECONDS, "tracks": plans, "broken": broken,
                "files": sorted(files)}
    manifest_path.write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n",
                             encoding="utf-8")
    print(summarise(plans, broken, out_dir, stats))
    return 0


if __name__ == "__main__":
    sys.exit(main())
