#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""librosa 0.11.0 MFCC reference fixtures for test_mfcc, test_audio_features and
test_resampler, computed from the audio files committed in this folder.

For each input (synthetic_blues_00000.wav, speech_espeak.wav, wesnoth_frantic.ogg):

    y, sr = librosa.load(path, sr=22050, mono=True, duration=10.0)   # float32; offset 0
    M = librosa.feature.mfcc(y=y, sr=22050, n_mfcc=20)                # float32 (20, frames)
    stats = concatenate([M.mean(axis=1), M.std(axis=1)])             # ddof=0

and writes, next to this script (or into --out DIR):
  <name>.mfcc.csv                     M, 20 rows x frames, %.9g (exact float32), no header;
  <name>.stats40.csv                  index,name,value_float32,value_float64: the statistics
                                      on the float32 matrix in float32 (numpy's result, the
                                      pipeline's feature) and in float64;
  synthetic_blues_00000.melpower.csv  librosa.feature.melspectrogram(y=y, sr=22050), %.9g;
  wesnoth_frantic.loaded_22050_f32.wav  the y librosa.load returned for the OGG (decoded by
                                      libsndfile, averaged to mono, resampled by soxr HQ), a
                                      32-bit float WAV, so decoding/resampling and the MFCC
                                      can be checked separately;
  summary.json                        samples, frames, RMS, max |MFCC|, the largest difference
                                      between M and mfcc_numpy() below rounded to float32,
                                      and library versions.

Set-up (Debian 12). librosa is not packaged; it is imported from its source tree:
    apt-get install python3-numpy python3-scipy python3-soundfile python3-numba \\
        python3-joblib python3-decorator python3-audioread python3-pooch \\
        python3-lazy-loader python3-msgpack python3-typing-extensions python3-sklearn libsoxr0
    git clone https://github.com/librosa/librosa && git -C librosa checkout 0.11.0
    LIBROSA_SRC=$PWD/librosa /usr/bin/python3 tests/data/mfcc/gen_mfcc_fixtures.py [--check]
The one dependency Debian lacks, python-soxr, is replaced by install_soxr_shim() below: a
ctypes module named "soxr" whose resample() calls Debian's libsoxr0 (0.1.3) the way
python-soxr 0.5's resample() does for a 1-D float32 signal (soxr_create with
soxr_quality_spec(SOXR_HQ, 0), float32 I/O, default runtime spec; soxr_process in chunks of
48000 * in_rate / out_rate input samples, then a flush). librosa only resamples the OGG
(44.1 kHz -> 22.05 kHz; res_type 'soxr_hq'). Nothing else is stubbed: every other import of
librosa is a Debian package. Numba's cache goes to a temporary NUMBA_CACHE_DIR so that the
source tree is not written to.

Versions of the committed files: Python 3.11.2, numpy 1.24.2, scipy 1.10.1, numba 0.56.4,
soundfile 0.12.1 / libsndfile 1.2.0, libsoxr 0.1.3, librosa 0.11.0 (git tag, unmodified).
The BLAS decides the last bit of the float32 mel product (np.dot): with OpenBLAS 0.3.21
(libopenblas0-pthread) and OPENBLAS_CORETYPE=Haswell, as the files were made, a regeneration
gives byte-identical CSVs and the same WAV samples (its header's PEAK chunk holds a time
stamp); with Debian's reference BLAS (libblas3, what the packages above pull in) 50-66% of
the MFCC values differ by 1 float32 ulp (at most 3.05e-5) and the mel power by at most
6.1e-5 on values up to 626. (OpenBLAS without installing it system-wide: apt-get download
libopenblas0-pthread, dpkg -x it, and point LD_LIBRARY_PATH at its openblas-pthread folder.)

Modes:
  --check   regenerate into a temporary folder and compare with the committed files: the
            loaded OGG signal sample for sample, the MFCC matrices, statistics and mel power
            within float32 rounding (|diff| <= 1e-5 * max |ref| of the file), and report the
            largest differences.
  --numpy   no librosa: load the audio as librosa.load does (soundfile, mean of channels,
            the soxr shim; the OGG's signal must equal the committed WAV exactly) and compare
            mfcc_numpy() rounded to float32 and mel_power_numpy(), an independent float64
            re-statement of librosa's defaults, with the committed files (MFCC:
            |diff| <= 1e-3 + 1e-5 |ref|, the C++ test's tolerance; mel power:
            |diff| <= 1e-5 |ref| + 1e-7 max |ref|).
"""
import argparse
import atexit
import csv
import ctypes
import ctypes.util
import json
import math
import os
import platform
import shutil
import sys
import tempfile
import types
from pathlib import Path

import numpy as np
import scipy
import scipy.fft
import soundfile as sf

HERE = Path(__file__).resolve().parent
SR = 22050
N_MFCC = 20
DURATION = 10.0
INPUTS = [
    ("synthetic_blues_00000", "synthetic_blues_00000.wav"),
    ("speech_espeak", "speech_espeak.wav"),
    ("wesnoth_frantic", "wesnoth_frantic.ogg"),
]
MELPOWER = "synthetic_blues_00000"
LOADED = "wesnoth_frantic"
SOXR_SHIM_VERSION = "0.5.0-ctypes-shim(libsoxr0 {})"


# --- python-soxr replacement ---------------------------------------------------------------

class _IoSpec(ctypes.Structure):
    _fields_ = [("itype", ctypes.c_int), ("otype", ctypes.c_int), ("scale", ctypes.c_double),
                ("e", ctypes.c_void_p), ("flags", ctypes.c_ulong)]


class _QualitySpec(ctypes.Structure):
    _fields_ = [("precision", ctypes.c_double), ("phase_response", ctypes.c_double),
                ("passband_end", ctypes.c_double), ("stopband_begin", ctypes.c_double),
                ("e", ctypes.c_void_p), ("flags", ctypes.c_ulong)]


SOXR_FLOAT32_I, SOXR_FLOAT32_S = 0, 4          # soxr.h soxr_datatype_t
SOXR_QUALITY = {"qq": 0, "lq": 1, "mq": 2, "hq": 4, "vhq": 6}   # SOXR_HQ = SOXR_20_BITQ


def install_soxr_shim():
    """Registers a module "soxr" with python-soxr 0.5's resample() on Debian's libsoxr0."""
    lib = ctypes.CDLL(ctypes.util.find_library("soxr") or "libsoxr.so.0")
    lib.soxr_version.restype = ctypes.c_char_p
    lib.soxr_io_spec.restype = _IoSpec
    lib.soxr_io_spec.argtypes = [ctypes.c_int, ctypes.c_int]
    lib.soxr_quality_spec.restype = _QualitySpec
    lib.soxr_quality_spec.argtypes = [ctypes.c_ulong, ctypes.c_ulong]
    lib.soxr_create.restype = ctypes.c_void_p
    lib.soxr_create.argtypes = [ctypes.c_double, ctypes.c_double, ctypes.c_uint,
                                ctypes.POINTER(ctypes.c_char_p), ctypes.POINTER(_IoSpec),
                                ctypes.POINTER(_QualitySpec), ctypes.c_void_p]
    lib.soxr_process.restype = ctypes.c_char_p
    lib.soxr_process.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t,
                                 ctypes.POINTER(ctypes.c_size_t), ctypes.c_void_p,
                                 ctypes.c_size_t, ctypes.POINTER(ctypes.c_size_t)]
    lib.soxr_delete.argtypes = [ctypes.c_void_p]

    def resample(x, in_rate, out_rate, quality="HQ"):
        q = quality.lower()
        q = SOXR_QUALITY[q[5:] if q.startswith("soxr_") else q]
        x = np.ascontiguousarray(x, dtype=np.float32)
        if x.ndim != 1:
            raise ValueError("this soxr shim resamples 1-D float32 signals only")
        # Split-channel I/O: one pointer per channel (one channel here, so the same samples
        # as python-soxr's interleaved buffers).
        io = lib.soxr_io_spec(SOXR_FLOAT32_S, SOXR_FLOAT32_S)
        spec = lib.soxr_quality_spec(q, 0)
        err = ctypes.c_char_p()
        handle = lib.soxr_create(in_rate, out_rate, 1, ctypes.byref(err), ctypes.byref(io),
                                 ctypes.byref(spec), None)
        if err.value:
            raise RuntimeError(err.value.decode())
        ilen = len(x)
        olen = int(ilen * out_rate / in_rate + 1)
        chunk = int(48000 * in_rate / out_rate)
        y = np.zeros(olen, dtype=np.float32)
        pos, odone = 0, ctypes.c_size_t()
        try:
            for start in range(0, ilen, chunk):
                ibuf = (ctypes.c_void_p * 1)(x.ctypes.data + 4 * start)
                obuf = (ctypes.c_void_p * 1)(y.ctypes.data + 4 * pos)
                e = lib.soxr_process(handle, ibuf, min(chunk, ilen - start), None,
                                     obuf, olen - pos, ctypes.byref(odone))
                if e:
                    raise RuntimeError(e.decode())
                pos += odone.value
            obuf = (ctypes.c_void_p * 1)(y.ctypes.data + 4 * pos)
            e = lib.soxr_process(handle, None, 0, None, obuf, olen - pos, ctypes.byref(odone))
            if e:
                raise RuntimeError(e.decode())
            pos += odone.value
        finally:
            lib.soxr_delete(handle)
        return y[:pos].copy()

    module = types.ModuleType("soxr")
    module.resample = resample
    module.HQ, module.VHQ = SOXR_QUALITY["hq"], SOXR_QUALITY["vhq"]
    module.__libsoxr_version__ = lib.soxr_version().decode().removeprefix("libsoxr-")
    module.__version__ = SOXR_SHIM_VERSION.format(module.__libsoxr_version__)
    sys.modules["soxr"] = module
    return module


def import_librosa():
    src = os.environ.get("LIBROSA_SRC")
    if not src or not (Path(src) / "librosa" / "__init__.py").is_file():
        sys.exit("LIBROSA_SRC must name a librosa source tree at git tag 0.11.0 "
                 f"(got {src!r}); see this script's docstring, or use --numpy")
    if "NUMBA_CACHE_DIR" not in os.environ:
        cache = tempfile.mkdtemp(prefix="numba-cache-")
        atexit.register(shutil.rmtree, cache, ignore_errors=True)
        os.environ["NUMBA_CACHE_DIR"] = cache
    install_soxr_shim()
    sys.path.insert(0, str(Path(src).resolve()))
    import librosa

    if librosa.__version__ != "0.11.0":
        sys.exit(f"{src} is librosa {librosa.__version__}, not 0.11.0")
    return librosa


# --- independent float64 re-statement ------------------------------------------------------

def load_like_librosa(path, soxr):
    """librosa.load(path, sr=22050, mono=True, duration=10.0) for these inputs."""
    with sf.SoundFile(path) as f:
        native = f.samplerate
        y = f.read(frames=int(DURATION * native), dtype=np.float32, always_2d=False).T
    if y.ndim > 1:
        y = np.mean(y, axis=0)
    if native != SR:
        n = int(math.ceil(y.shape[-1] * SR / native))
        y = soxr.resample(y, native, SR, quality="soxr_hq")
        y = np.pad(y, (0, max(0, n - len(y))))[:n]
    return y.astype(np.float32)


def slaney_hz_to_mel(hz):
    """Slaney's mel scale (Auditory Toolbox): linear below 1 kHz, logarithmic above."""
    hz = np.asarray(hz, dtype=np.float64)
    log_step = np.log(6.4) / 27.0
    return np.where(hz >= 1000.0, 15.0 + np.log(np.maximum(hz, 1e-10) / 1000.0) / log_step,
                    hz / (200.0 / 3.0))


def slaney_mel_to_hz(mel):
    mel = np.asarray(mel, dtype=np.float64)
    log_step = np.log(6.4) / 27.0
    return np.where(mel >= 15.0, 1000.0 * np.exp(log_step * (mel - 15.0)), mel * 200.0 / 3.0)


def mel_filters(sr=SR, n_fft=2048, n_mels=128):
    """Triangles between n_mels + 2 points equally spaced in Slaney mel from 0 to sr/2, each
    scaled by 2 / (its width in Hz) (norm='slaney', area normalisation)."""
    bins_hz = np.arange(n_fft // 2 + 1) * sr / n_fft
    edges = slaney_mel_to_hz(np.linspace(slaney_hz_to_mel(0.0), slaney_hz_to_mel(sr / 2.0),
                                         n_mels + 2))
    rising = (bins_hz[None, :] - edges[:-2, None]) / (edges[1:-1] - edges[:-2])[:, None]
    falling = (edges[2:, None] - bins_hz[None, :]) / (edges[2:] - edges[1:-1])[:, None]
    return np.maximum(0.0, np.minimum(rising, falling)) * (2.0 / (edges[2:] - edges[:-2]))[:, None]


def mel_power_numpy(y, sr=SR, n_fft=2048, hop=512):
    """Mel power spectrogram: centred frames (n_fft / 2 zeros each side), periodic Hann
    window, |rfft|^2, mel filters; float64 throughout."""
    y = np.pad(np.asarray(y, dtype=np.float64), n_fft // 2)
    frames = 1 + (len(y) - n_fft) // hop
    index = np.arange(n_fft)[None, :] + hop * np.arange(frames)[:, None]
    window = 0.5 - 0.5 * np.cos(2.0 * np.pi * np.arange(n_fft) / n_fft)
    power = np.abs(np.fft.rfft(y[index] * window, axis=1)) ** 2
    return mel_filters(sr, n_fft) @ power.T


def mfcc_numpy(y, sr=SR, n_mfcc=N_MFCC):
    """power_to_db(ref=1, amin=1e-10, top_db=80), then the orthonormal DCT-II over mels."""
    db = 10.0 * np.log10(np.maximum(1e-10, mel_power_numpy(y, sr)))
    db = np.maximum(db, db.max() - 80.0)
    return scipy.fft.dct(db, type=2, norm="ortho", axis=0)[:n_mfcc]


# --- fixtures ------------------------------------------------------------------------------

def save_matrix(path, a):
    np.savetxt(path, a, delimiter=",", fmt="%.9g")


def save_stats(path, M):
    s32 = np.concatenate([M.mean(axis=1), M.std(axis=1)])
    M64 = M.astype(np.float64)
    s64 = np.concatenate([M64.mean(axis=1), M64.std(axis=1)])
    names = [f"mfcc{i}_mean" for i in range(N_MFCC)] + [f"mfcc{i}_std" for i in range(N_MFCC)]
    with open(path, "w", newline="") as f:
        w = csv.writer(f)  # the csv module's default \r\n line ends, as committed
        w.writerow(["index", "name", "value_float32", "value_float64"])
        for i, name in enumerate(names):
            w.writerow([i, name, "%.9g" % s32[i], "%.17g" % s64[i]])


def versions(librosa, soxr):
    import llvmlite
    import numba
    import threadpoolctl

    v = {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "numba": numba.__version__,
        "llvmlite": llvmlite.__version__,
        "soundfile": sf.__version__,
        "libsndfile": sf.__libsndfile_version__,
        "librosa": librosa.__version__,
        "soxr": soxr.__version__,
    }
    for lib in threadpoolctl.threadpool_info():
        if lib["user_api"] == "blas":
            v["blas"] = f"{lib['internal_api']} {lib['version']} ({lib.get('architecture')})"
    return v


def generate(out):
    librosa = import_librosa()
    soxr = sys.modules["soxr"]
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    inputs = []
    for name, audio in INPUTS:
        y, sr = librosa.load(HERE / audio, sr=SR, mono=True, duration=DURATION)
        M = librosa.feature.mfcc(y=y, sr=SR, n_mfcc=N_MFCC)
        save_matrix(out / f"{name}.mfcc.csv", M)
        save_stats(out / f"{name}.stats40.csv", M)
        if name == MELPOWER:
            save_matrix(out / f"{name}.melpower.csv", librosa.feature.melspectrogram(y=y, sr=SR))
        if name == LOADED:
            sf.write(out / f"{name}.loaded_22050_f32.wav", y, SR, subtype="FLOAT")
        inputs.append({
            "name": name,
            "samples": int(len(y)),
            "frames": int(M.shape[1]),
            "rms": float(np.sqrt(np.mean(y.astype(np.float64) ** 2))),
            # The re-statement rounded to float32, as the pipeline's features are.
            "max_abs_diff_numpy_reimpl": float(np.abs(mfcc_numpy(y).astype(np.float32) - M).max()),
            "max_abs_mfcc": float(np.abs(M).max()),
        })
        print(f"{name}: {len(y)} samples, {M.shape[1]} frames")
    with open(out / "summary.json", "w") as f:
        json.dump({"inputs": inputs, "versions": versions(librosa, soxr)}, f, indent=1)


def read_matrix(path):
    """A %.9g float32 matrix, as the float32 values it stands for (held in float64)."""
    return np.loadtxt(path, delimiter=",", ndmin=2).astype(np.float32).astype(np.float64)


def read_stats(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    return (np.array([float(r["value_float32"]) for r in rows], dtype=np.float32).astype(float),
            np.array([float(r["value_float64"]) for r in rows]))


def compare(label, ours, ref, tolerance):
    """Prints the largest differences; True if every |diff| <= tolerance(ref)."""
    if ours.shape != ref.shape:
        print(f"{label}: shape {ours.shape}, committed {ref.shape}: DIFFERS")
        return False
    diff = np.abs(ours - ref)
    ok = bool(np.all(diff <= tolerance(ref)))
    rel = (diff / np.maximum(np.abs(ref), 1e-30)).max()
    print(f"{label}: max abs diff {diff.max():.3g} (max |ref| {np.abs(ref).max():.4g}), "
          f"{int((diff > 0).sum())} of {diff.size} values differ, max rel diff {rel:.3g}"
          f"{'' if ok else '  OUT OF TOLERANCE'}")
    return ok


def check(numpy_only):
    ok = True
    float32_scale = lambda ref: 1e-5 * np.abs(ref).max()   # about 2 float32 ulps of the maximum
    port = lambda ref: 1e-3 + 1e-5 * np.abs(ref)          # test_mfcc.cpp's tolerance
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if numpy_only:
            soxr = install_soxr_shim()
            for name, audio in INPUTS:
                y = load_like_librosa(HERE / audio, soxr)
                if name == LOADED:
                    ref, _ = sf.read(HERE / f"{name}.loaded_22050_f32.wav", dtype=np.float32)
                    ok &= compare(f"{name} loaded signal", y, ref, lambda r: 0.0 * r)
                ok &= compare(f"{name} mfcc (numpy, rounded to float32)",
                              mfcc_numpy(y).astype(np.float32),
                              read_matrix(HERE / f"{name}.mfcc.csv"), port)
                if name == MELPOWER:
                    ref = read_matrix(HERE / f"{name}.melpower.csv")
                    ok &= compare(f"{name} melpower (numpy)", mel_power_numpy(y), ref,
                                  lambda r: 1e-5 * np.abs(r) + 1e-7 * np.abs(r).max())
        else:
            generate(tmp)
            for name, _ in INPUTS:
                ok &= compare(f"{name}.mfcc.csv", read_matrix(tmp / f"{name}.mfcc.csv"),
                              read_matrix(HERE / f"{name}.mfcc.csv"), float32_scale)
                s32, s64 = read_stats(tmp / f"{name}.stats40.csv")
                r32, r64 = read_stats(HERE / f"{name}.stats40.csv")
                ok &= compare(f"{name}.stats40.csv float32", s32, r32, float32_scale)
                ok &= compare(f"{name}.stats40.csv float64", s64, r64, float32_scale)
            ok &= compare(f"{MELPOWER}.melpower.csv", read_matrix(tmp / f"{MELPOWER}.melpower.csv"),
                          read_matrix(HERE / f"{MELPOWER}.melpower.csv"),
                          lambda r: 1e-5 * np.abs(r) + 1e-7 * np.abs(r).max())
            wav = f"{LOADED}.loaded_22050_f32.wav"
            ok &= compare(wav, sf.read(tmp / wav, dtype=np.float32)[0],
                          sf.read(HERE / wav, dtype=np.float32)[0], lambda r: 0.0 * r)
            same = [p.name for p in sorted(tmp.glob("*.csv"))
                    if p.read_bytes() == (HERE / p.name).read_bytes()]
            print(f"byte-identical: {len(same)} of {len(list(tmp.glob('*.csv')))} CSV files"
                  f"{' (' + ', '.join(same) + ')' if same else ''}")
            ours = json.loads((tmp / "summary.json").read_text())
            theirs = json.loads((HERE / "summary.json").read_text())
            for a, b in zip(ours["inputs"], theirs["inputs"]):
                for key in ("samples", "frames"):
                    if a[key] != b[key]:
                        ok = False
                        print(f"summary.json {a['name']} {key}: {a[key]}, committed {b[key]}")
                print(f"summary.json {a['name']}: rms {a['rms']!r} (committed {b['rms']!r}), "
                      f"max |mfcc| {a['max_abs_mfcc']!r} (committed {b['max_abs_mfcc']!r}), "
                      f"numpy re-statement max diff {a['max_abs_diff_numpy_reimpl']:.3g} "
                      f"(committed {b['max_abs_diff_numpy_reimpl']:.3g})")
            for key, value in ours["versions"].items():
                if theirs["versions"].get(key) != value:
                    print(f"summary.json versions: {key} is {value!r} here, "
                          f"{theirs['versions'].get(key)!r} in the committed file")
    print("the outputs match the committed files" if ok else "MISMATCH")
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(HERE), help="folder to write into (default: here)")
    ap.add_argument("--check", action="store_true",
                    help="regenerate with librosa into a temporary folder and compare")
    ap.add_argument("--numpy", action="store_true",
                    help="compare the numpy re-statement (no librosa) with the committed files")
    args = ap.parse_args()
    if args.check or args.numpy:
        sys.exit(0 if check(args.numpy) else 1)
    generate(args.out)
    print(f"wrote the MFCC fixtures to {args.out}")


if __name__ == "__main__":
    main()
