#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""TF-IDF fixtures for tests/engine/features/test_tfidf.cpp, made with scikit-learn.

Writes, next to this script:
  corpora.json  - the documents of every corpus as JSON strings: "texts20" and "lyrics1000"
                  read (Python csv module) from the scikit-learn reference copies in this
                  folder, checked here to reproduce those references exactly, plus generated
                  corpora "scripts" (non-Latin scripts, combining marks, emoji, special
                  lowercase, digits, underscores), "long" (one very long document) and "mixed";
  expected.json - for each case: corpus, TfidfVectorizer parameters, vocabulary, idf,
                  document frequency and the matrix as non-zero triplets (row, col, value);
  tokens.json   - build_analyzer() tokens and str.lower() of hand-picked and random strings.

Run: /usr/bin/python3 tests/data/tfidf/gen_tfidf_fixtures.py
Debian 12: Python 3.11.2, scikit-learn 1.2.1, numpy 1.24.2, scipy 1.10.1 (Unicode 14.0.0).
"""
import csv
import json
import random
import sys
from pathlib import Path

import numpy as np
import sklearn
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

HERE = Path(__file__).resolve().parent


def read_column(name, column):
    with open(HERE / name, newline="", encoding="utf-8") as f:
        return [row[column] for row in csv.DictReader(f)]


SCRIPTS = [
    "Привет, мир! Москва — СТОЛИЦА России; москва большая. Ёлка и ЁЖИК.",
    "ΟΔΟΣ ΟΔΟΣ. Η ΟΔΟΣ είναι μακριά· ΣΟΦΟΣ Σ ΣΑ Α.Σ. ΣΑΣ-ΣΑΣ άΣ.",
    "東京は日本の首都です。東京タワー！ 北京 北京大学 中文字符 漢字かな交じり文",
    "서울은 한국의 수도입니다. 서울 부산 대한민국",
    "مرحبا بالعالم! العَرَبِيَّة لغة جميلة، العربية ١٢٣ ٤٥",
    "नमस्ते दुनिया! हिन्दी भाषा, हिंदी में लिखा गया। संस्कृत ०१२३",
    "שלום עולם, עברית יפה",
    "ภาษาไทย สวัสดีครับ",
    "I love 🎸 and 🎶🎶 music 😀😀 👍🏽 rock‍n‍roll zero\u200bwidth non\u200cjoiner",
    "İSTANBUL İstanbul ISTANBUL ıstanbul; STRASSE Straße GROẞE ß ẞẞ",
    "Kelvin \u212a \u212aELVIN Ohm \u2126 ǅemal ǄEMAL ǆ ﬁne ﬂow",
    "café cafe\u0301 CAFE\u0301 naïve nai\u0308ve Ångström A\u030angström",
    "x² ½ Ⅻ ⅻ 𝐀𝐁𝐂 𐐀𐐁𐐂 𐐨𐐩 Ꭰ Ꮳ ꭰ Ა Ბ ა",
    "snake_case __init__ _x_ x_ __ a_b 123 4_5 0x1F 3.14 1,000 007 2nd",
    "don't won't it's O'Neil l'amour rock'n'roll e-mail co-operate",
    "ＡＢＣ ｆｕｌｌｗｉｄｔｈ ＦＵＬＬ １２３ ｶﾀｶﾅ",
    "",
    "!!! ... ??? --- ***",
    "a b c d e f g h i j k l m n o p",
    "Ǉudi ǈudi ǉudi ΐ ΰ Ϋ́ ᾼ ᾳ ῼ",
]

MIXED_WORDS = ("love night heart dream city fire rain river stone light shadow ΝΥΧΤΑ νύχτα "
               "ночь НОЧЬ сердце 夜 心 رقص नृत्य İz iz Straße STRASSE 2024 99 x_y "
               "Dance DANCE dance ΣΟΦΟΣ σοφος").split()


def make_mixed(seed=7, docs=60):
    rng = random.Random(seed)
    out = []
    for d in range(docs):
        n = rng.randint(0, 25)
        words = [MIXED_WORDS[min(int(rng.expovariate(0.12)), len(MIXED_WORDS) - 1)]
                 for _ in range(n)]
        seps = [" ", ", ", ". ", "\n", " - ", "! "]
        out.append("".join(w + rng.choice(seps) for w in words).strip())
    return out


def make_ties(seed=5, docs=200):
    # Many terms with equal small counts: ties at any cut-off.
    rng = random.Random(seed)
    vocab = ["t%03d" % i for i in range(400)]
    return [" ".join(vocab[min(int(rng.expovariate(0.03)), 399)] for _ in range(rng.randint(0, 12)))
            for _ in range(docs)]


def make_long():
    rng = random.Random(11)
    vocab = ["w%03d" % i for i in range(300)] + ["Ωmega", "ΑΛΦΑ", "βήτα", "СЛОВО", "слово"]
    words = [vocab[min(int(rng.expovariate(0.02)), len(vocab) - 1)] for _ in range(60000)]
    return [" ".join(words), "short w001 w002", "w003 ΑΛΦΑ αλφα"]


def random_strings(seed=3, count=400):
    rng = random.Random(seed)
    pools = [
        (0x20, 0x7F), (0xA0, 0x24F), (0x300, 0x36F), (0x370, 0x3FF), (0x400, 0x52F),
        (0x590, 0x6FF), (0x900, 0x97F), (0xE00, 0xE7F), (0x1E00, 0x1FFF), (0x2000, 0x2BFF),
        (0x3000, 0x30FF), (0x4E00, 0x4E80), (0xAC00, 0xAC80), (0xFB00, 0xFB4F),
        (0xFF00, 0xFFEF), (0x10400, 0x1044F), (0x1D400, 0x1D7FF), (0x1F300, 0x1F64F),
        (0x0, 0x10FFFF),
    ]
    specials = "ΣΣσςİıßẞ_ '\u0301\u0307\u200d"
    out = []
    for _ in range(count):
        n = rng.randint(0, 40)
        chars = []
        for _ in range(n):
            if rng.random() < 0.15:
                chars.append(rng.choice(specials))
                continue
            lo, hi = rng.choice(pools)
            cp = rng.randint(lo, hi)
            if 0xD800 <= cp <= 0xDFFF or cp == 0:
                cp = 0x20
            chars.append(chr(cp))
        out.append("".join(chars))
    return out


def case(name, corpus_name, corpora, tie=False, **params):
    corpus = corpora[corpus_name]
    vec = TfidfVectorizer(**params)
    X = vec.fit_transform(corpus).tocoo()
    order = np.lexsort((X.col, X.row))
    vocab = vec.get_feature_names_out().tolist()
    # Document frequency and term counts over the kept vocabulary, from raw counts.
    cv = CountVectorizer(lowercase=params.get("lowercase", True), vocabulary=vocab)
    C = cv.transform(corpus)
    df = np.asarray((C > 0).sum(axis=0)).ravel().tolist()
    tc = np.asarray(C.sum(axis=0)).ravel().tolist()
    mf = params.get("max_features")
    rule_differs = False
    if mf is not None:
        # tie=True cases have several terms sharing the count at the cut-off, so sklearn's
        # choice among them is numpy's unstable argsort, not alphabetical.
        full = CountVectorizer(lowercase=params.get("lowercase", True)).fit(corpus)
        counts = np.asarray(full.transform(corpus).sum(axis=0)).ravel()
        totals = np.sort(counts)[::-1]
        assert len(totals) > mf
        assert (totals[mf - 1] == totals[mf]) == tie, f"{name}: tie at the cut-off is not {tie}"
        names = full.get_feature_names_out().tolist()
        rule = sorted(sorted(range(len(names)), key=lambda k: (-counts[k], names[k]))[:mf])
        rule_differs = [names[k] for k in rule] != vocab
    return {
        "name": name,
        "corpus": corpus_name,
        "params": dict(params),
        "tie_at_cutoff": tie,
        "alphabetical_rule_differs": bool(rule_differs),
        "shape": [X.shape[0], X.shape[1]],
        "vocabulary": vocab,
        "idf": vec.idf_.tolist(),
        "df": df,
        "term_count": tc,
        "coo": [[int(X.row[i]), int(X.col[i]), float(X.data[i])] for i in order],
    }


def transform_case(name, corpus_name, corpora, split, **params):
    corpus = corpora[corpus_name]
    vec = TfidfVectorizer(**params).fit(corpus[:split])
    X = vec.transform(corpus[split:]).tocoo()
    order = np.lexsort((X.col, X.row))
    return {
        "name": name, "corpus": corpus_name, "fit_rows": split, "params": params,
        "shape": [X.shape[0], X.shape[1]], "vocabulary": vec.get_feature_names_out().tolist(),
        "idf": vec.idf_.tolist(),
        "coo": [[int(X.row[i]), int(X.col[i]), float(X.data[i])] for i in order],
    }


UTF8_CASES = [
    b"plain", b"caf\xc3\xa9", b"caf\xe9", b"\xed\xa0\x80", b"\xc0\x80", b"\xe0\x80\x80",
    b"\xf0\x9f\x98", b"\xf0\x9f\x98\x80", b"\xf4\x90\x80\x80", b"\xf5\x80", b"\x80\xbf",
    b"\xe2\x82", b"\xe2\x82\xac", b"a\xffb\xfe", b"\xef\xbf\xbd", b"\xc2", b"\xe1\x80\xe1",
]


def check_reference(corpora):
    # The JSON copies of the reference corpora reproduce the reference fixtures exactly.
    vec = TfidfVectorizer(max_features=50)
    X = vec.fit_transform(corpora["texts20"]).toarray()
    ref = np.loadtxt(HERE / "tfidf_texts20_mf50_matrix.csv", delimiter=",")
    assert np.array_equal(X, ref)
    assert vec.get_feature_names_out().tolist() == read_column("tfidf_texts20_mf50_vocab.csv", "term")
    vec = TfidfVectorizer(max_features=500)
    vec.fit(corpora["lyrics1000"])
    assert vec.get_feature_names_out().tolist() == read_column("tfidf_lyrics1000_mf500_vocab.csv", "term")


def main():
    corpora = {
        "texts20": read_column("tfidf_texts20.csv", "text"),
        "lyrics1000": read_column("lyrics_synthetic_1000.csv", "lyrics"),
        "scripts": SCRIPTS,
        "mixed": make_mixed(),
        "long": make_long(),
        "ties": make_ties(),
    }
    check_reference(corpora)
    cases = [
        case("scripts_all", "scripts", corpora, max_features=None),
        case("scripts_nolower", "scripts", corpora, max_features=None, lowercase=False),
        case("scripts_variants", "scripts", corpora, max_features=None, sublinear_tf=True,
             smooth_idf=False, norm=None),
        case("mixed_all", "mixed", corpora, max_features=None),
        case("mixed_mf12", "mixed", corpora, max_features=12),
        case("mixed_sublinear", "mixed", corpora, max_features=None, sublinear_tf=True),
        case("long_all", "long", corpora, max_features=None),
        case("texts20_all", "texts20", corpora, max_features=None),
        case("texts20_mf30_tie", "texts20", corpora, tie=True, max_features=30),
        case("texts20_mf80_tie", "texts20", corpora, tie=True, max_features=80),
        case("lyrics1000_mf550_tie", "lyrics1000", corpora, tie=True, max_features=550),
        case("ties_mf50", "ties", corpora, tie=True, max_features=50),
        case("ties_mf100", "ties", corpora, tie=True, max_features=100),
        case("ties_mf90", "ties", corpora, tie=True, max_features=90),
    ]
    transforms = [
        transform_case("mixed_transform", "mixed", corpora, 40, max_features=None),
        transform_case("scripts_transform", "scripts", corpora, 12, max_features=None),
    ]
    rng = np.random.default_rng(17)
    argsorts = []
    for n in [0, 1, 2, 15, 16, 17, 40, 100, 333, 1000, 2500]:
        for high in [1, 3, 10, 1000]:
            values = -rng.integers(0, high, size=n, dtype=np.int64)
            argsorts.append({"values": values.tolist(), "order": np.argsort(values).tolist()})
    utf8 = [{"hex": b.hex(), "decoded": b.decode("utf-8", "replace")} for b in UTF8_CASES]
    hand = SCRIPTS + corpora["mixed"][:10] + [
        "ΣΑΣ.", "Σ", "aΣ", "aΣb", "a\u0345Σ", "a'Σ'", "ΑΣ\u0301", "ΑΣ\u0301Α", "İ", "İİ",
        "Iİi", "\u0130stanbul", "a\u0301b", "x\u00b2y", "\ufffd\ufffd", "ǅ", "ᾼᾼ",
    ]
    analyzer = TfidfVectorizer().build_analyzer()
    raw = TfidfVectorizer(lowercase=False).build_analyzer()
    tokens = [{"text": t, "lower": t.lower(), "tokens": analyzer(t), "tokens_nolower": raw(t)}
              for t in hand + random_strings()]

    (HERE / "corpora.json").write_text(json.dumps(corpora, ensure_ascii=False, indent=0),
                                       encoding="utf-8")
    (HERE / "expected.json").write_text(json.dumps({
        "versions": {"python": sys.version.split()[0], "sklearn": sklearn.__version__,
                     "numpy": np.__version__},
        "cases": cases, "transforms": transforms, "utf8": utf8,
        "argsort": argsorts}, ensure_ascii=False), encoding="utf-8")
    (HERE / "tokens.json").write_text(json.dumps(tokens, ensure_ascii=False, indent=0),
                                      encoding="utf-8")
    print("cases:", ", ".join(f"{c['name']} {c['shape']}" for c in cases))


if __name__ == "__main__":
    main()
