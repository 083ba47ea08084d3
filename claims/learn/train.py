"""Fitting the English cue model on PolNeAR train and writing it into the language pack.

    claims train en --brat ../shared/data/polnear/train

The model is a logistic regression over candidate cue words (words annotators marked inside a cue
at least ``MIN_COUNT`` times in the training data), with the features of :mod:`claims.learn.features`.
It is fitted by liblinear with a fixed seed on the articles in name order, and its weights are
rounded and written as sorted JSON, so that the same data and command give the same bytes (the
checksum in ``meta.json``).
"""

from __future__ import annotations

import bisect
import hashlib
import json
import math
import shlex
import sys
import time
from collections import Counter
from pathlib import Path

from claims.lang import load
from claims.learn.brat import Labelled, read_dir
from claims.learn.features import context, names
from claims.pipeline.text import quotes, sentences, tokens

MODEL_DIR = Path(__file__).resolve().parent.parent / "lang" / "en" / "model"
MODEL_FILE = "cues.json"
META_FILE = "meta.json"
VERSION = 1
MIN_COUNT = 3  # a word must be inside a gold cue this often to become a candidate
C = 0.5  # inverse regularisation strength (chosen on PolNeAR dev)
THRESHOLD = 0.35  # probability above which a candidate becomes a cue (chosen on PolNeAR dev)
RARE = 0.01  # words the model makes a cue in fewer of their training occurrences than this are not scored
PRUNE = 0.05  # smaller weights are dropped: half the file and memory, the same dev figures
DIGITS = 3  # weights are rounded: smaller files, and bytes that do not depend on float noise

# function words inside cue spans ("has said", "did not respond", "called for") are never cues
# by themselves: the rule frames read them around the verb
_FUNCTION_WORDS = (
    "a an the to of for on in at by with from into about as and or but not no is was were are be been being "
    "has have had do does did will would can could should may might must that this it its he she they we i "
    "you his her their our my your him them us me also just still even only so than then there here what "
    "which who"
)
# "according" is read by the "according to" frame, with its speaker after it
FUNCTION_WORDS = frozenset([*_FUNCTION_WORDS.split(), "according"])


def _units(article: Labelled):
    """Per sentence: its span, and per word of the article inside it, the word's index, whether
    it is inside a gold cue and whether it is inside a quotation."""
    pack = load("en")
    text = article.text
    qs = quotes(text, pack)
    q_starts = [q.inner_start for q in qs]
    cue_starts = [a for a, _ in article.cues]
    words = tokens(text, 0, len(text))
    word_starts = [t.start for t in words]
    for s in sentences(text, pack):
        rows = []
        for i in range(bisect.bisect_left(word_starts, s.start), bisect.bisect_left(word_starts, s.end)):
            t = words[i]
            k = bisect.bisect_right(cue_starts, t.start) - 1
            label = k >= 0 and article.cues[k][0] <= t.start < article.cues[k][1]
            j = bisect.bisect_right(q_starts, t.start) - 1
            rows.append((i, label, j >= 0 and t.start < qs[j].inner_end))
        yield s, words, rows


def candidate_vocab(articles: list[Labelled]) -> list[str]:
    counts: Counter[str] = Counter()
    for art in articles:
        for _, words, rows in _units(art):
            for i, y, _ in rows:
                w = words[i].text.lower()
                # adverbs inside a cue ("has repeatedly said") are not cues themselves
                if y and w.isalpha() and len(w) > 2 and w not in FUNCTION_WORDS and not w.endswith("ly"):
                    counts[w] += 1
    return sorted(w for w, n in counts.items() if n >= MIN_COUNT)


def examples(articles: list[Labelled], vocab: set[str]) -> tuple[list[list[str]], list[int]]:
    xs: list[list[str]] = []
    ys: list[int] = []
    for art in articles:
        for s, words, rows in _units(art):
            for i, y, inq in rows:
                if words[i].text.lower() in vocab:
                    xs.append(names(context(art.text, words, i, s.start, s.end, inq)))
                    ys.append(int(y))
    return xs, ys


def fit(xs: list[list[str]], ys: list[int], seed: int) -> dict[str, dict[str, float]]:
    """Weights per feature family and value (the intercept folded into the bias feature "b")."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vec = DictVectorizer()
    x = vec.fit_transform([dict.fromkeys(f, 1) for f in xs]).tocsr()
    # liblinear takes 32-bit indices only; some scipy builds hand back 64-bit ones
    x.indices = x.indices.astype("int32")
    x.indptr = x.indptr.astype("int32")
    clf = LogisticRegression(solver="liblinear", C=C, random_state=seed, max_iter=200)
    clf.fit(x, ys)
    weights: dict[str, dict[str, float]] = {}
    for name, w in zip(vec.get_feature_names_out(), clf.coef_[0], strict=True):
        w = round(float(w), DIGITS)
        if abs(w) >= PRUNE:
            family, _, value = str(name).partition("=")
            weights.setdefault(family, {})[value] = w
    bias = weights.setdefault("b", {})
    bias[""] = round(bias.get("", 0.0) + float(clf.intercept_[0]), DIGITS)
    return weights


def split_vocab(xs: list[list[str]], weights: dict[str, dict[str, float]]) -> tuple[list[str], list[str]]:
    """The candidate words worth scoring, and those the model made a cue in under ``RARE`` of
    their occurrences in the training data ("campaign", "state", "new"): extraction treats the
    latter as "no" without scoring them, which skips a third of the candidates for a handful of
    cues."""
    seen: Counter[str] = Counter()
    fired: Counter[str] = Counter()
    bar = math.log(THRESHOLD / (1 - THRESHOLD))
    for names_ in xs:
        total = 0.0
        for name in names_:
            family, _, value = name.partition("=")
            total += weights.get(family, {}).get(value, 0.0)
        word = names_[1].partition("=")[2]  # the "w=" feature
        seen[word] += 1
        fired[word] += total > bar
    rare = {w for w in seen if fired[w] < RARE * seen[w]}
    return sorted(set(seen) - rare), sorted(rare)


def train(
    brat: Path, out: Path = MODEL_DIR, seed: int = 0, limit: int | None = None, argv: list[str] | None = None
) -> dict:
    """Fit on the brat folder ``brat`` and write ``cues.json`` and ``meta.json`` under ``out``."""
    t0 = time.perf_counter()
    articles = list(read_dir(brat, limit))
    if not articles:
        raise ValueError(f"no annotated articles under {brat} (expected text/ and attributions/)")
    vocab = candidate_vocab(articles)
    xs, ys = examples(articles, set(vocab))
    weights = fit(xs, ys, seed)
    scored, never = split_vocab(xs, weights)
    model = {"version": VERSION, "threshold": THRESHOLD, "vocab": scored, "never": never, "weights": weights}
    blob = json.dumps(model, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    out.mkdir(parents=True, exist_ok=True)
    (out / MODEL_FILE).write_bytes(blob)
    data_hash = hashlib.sha256()
    for art in articles:
        data_hash.update(art.article_id.encode() + b"\0" + art.text.encode() + repr(art.cues).encode())
    import sklearn

    meta = {
        "model": MODEL_FILE,
        "version": VERSION,
        "sha256": hashlib.sha256(blob).hexdigest(),
        "command": "claims train " + shlex.join(argv if argv is not None else sys.argv[2:]),
        "data": {
            "corpus": "PolNeAR (Newell, Margolin and Ruths, LREC 2018), train split",
            "articles": len(articles),
            "sha256": data_hash.hexdigest(),
        },
        "seed": seed,
        "candidates": len(vocab),
        "scored": len(scored),
        "examples": len(ys),
        "positives": sum(ys),
        "features": sum(len(v) for v in weights.values()),
        "trainer": f"scikit-learn {sklearn.__version__} LogisticRegression(liblinear, C={C})",
    }
    (out / META_FILE).write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n", "utf-8")
    meta["seconds"] = round(time.perf_counter() - t0, 1)
    return meta
