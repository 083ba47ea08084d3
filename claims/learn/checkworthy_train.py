"""Fitting the English check-worthiness model on ClaimBuster and writing it into the pack.

    claims train checkworthy --claimbuster ../shared/data/claimbuster

ClaimBuster (Arslan, Hassan, Li and Tremayne, "A Benchmark Dataset of Check-worthy Factual
Claims", ICWSM 2020): sentences from U.S. presidential debates, ``train.json`` and ``test.json``
as lists of ``{"sentence_id", "label", "text"}`` (label 1: a check-worthy factual claim). The
model is a logistic regression (liblinear, fixed seed, classes weighted by their frequency) over
:func:`claims.learn.checkworthy.text_features`, fitted on the train split only, weights rounded
and written as sorted JSON so that the same data and command give the same bytes. The test split
is scored once, after fitting, and its figures go into ``checkworthy.meta.json`` with the same
split scored by a linear SVM over tf-idf word unigrams, the word features of ClaimBuster's SVM, as
a reference on the same data.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shlex
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from claims.learn.checkworthy import META_FILE, MODEL_FILE, lexicon, text_features

MODEL_DIR = Path(__file__).resolve().parent.parent / "lang" / "en" / "model"
VERSION = 1
C = 0.5  # inverse regularisation (5-fold cross-validation on the train split: 0.25 / 0.5 / 1 / 2)
MIN_COUNT = 2  # a feature must occur in this many training sentences to be kept
THRESHOLD = 0.5
PRUNE = 0.02  # smaller weights are dropped
DIGITS = 3
# liblinear's sums go through OpenBLAS, which picks its kernels by the CPU: the same data gave 23
# weights 0.001 apart on an AMD EPYC and on the machine the model was shipped from. The fit runs
# with one kernel set every x86-64 CPU since 2011 has, so the command gives the shipped bytes on any
PINNED_BLAS = "Sandybridge"


def read_split(folder: Path, name: str) -> list[dict]:
    """One split (``train`` or ``test``) as a list of ``{"text", "label"}``; a clear error when
    the file is missing or malformed."""
    path = folder / f"{name}.json"
    if not path.exists():
        raise ValueError(f"{path} not found (expected the ClaimBuster folder with train.json and test.json)")
    rows = json.loads(path.read_text("utf-8"))
    if not isinstance(rows, list) or not all(isinstance(r, dict) and "text" in r and "label" in r for r in rows):
        raise ValueError(f"{path}: expected a JSON list of objects with 'text' and 'label'")
    return [{"text": str(r["text"]), "label": int(r["label"])} for r in rows]


def prf(gold: list[int], pred: list[int]) -> dict[str, float]:
    """Precision, recall and F1 of the positive class (check-worthy), and accuracy."""
    tp = sum(1 for g, p in zip(gold, pred, strict=True) if g and p)
    fp = sum(1 for g, p in zip(gold, pred, strict=True) if not g and p)
    fn = sum(1 for g, p in zip(gold, pred, strict=True) if g and not p)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    acc = sum(1 for g, q in zip(gold, pred, strict=True) if g == q) / len(gold) if gold else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "accuracy": round(acc, 4)}


def fit(xs: list[list[str]], ys: list[int], seed: int, c: float = C) -> dict[str, float]:
    """Weights per feature name (the intercept under ``bias``), rounded and pruned."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    counts = Counter(f for x in xs for f in x)
    keep = [[f for f in x if counts[f] >= MIN_COUNT] for x in xs]
    vec = DictVectorizer()
    x = vec.fit_transform([dict.fromkeys(f, 1) for f in keep]).tocsr()
    x.indices = x.indices.astype("int32")  # liblinear takes 32-bit indices only
    x.indptr = x.indptr.astype("int32")
    clf = LogisticRegression(solver="liblinear", C=c, class_weight="balanced", random_state=seed, max_iter=500)
    clf.fit(x, ys)
    weights = {}
    for name, w in zip(vec.get_feature_names_out(), clf.coef_[0], strict=True):
        w = round(float(w), DIGITS)
        if abs(w) >= PRUNE:
            weights[str(name)] = w
    weights["bias"] = round(float(clf.intercept_[0]), DIGITS)
    return weights


def fit_pinned(xs: list[list[str]], ys: list[int], seed: int) -> dict[str, float]:
    """:func:`fit` with OpenBLAS on :data:`PINNED_BLAS` kernels: in a child process when this one
    runs others (the kernels are chosen when OpenBLAS loads); in this one on other platforms."""
    if os.environ.get("OPENBLAS_CORETYPE") == PINNED_BLAS or platform.machine().lower() not in ("x86_64", "amd64"):
        return fit(xs, ys, seed)
    code = (
        "import json, sys\n"
        "from claims.learn.checkworthy_train import fit\n"
        "d = json.load(sys.stdin)\n"
        "json.dump(fit(d['xs'], d['ys'], d['seed']), sys.stdout)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        input=json.dumps({"xs": xs, "ys": ys, "seed": seed}),
        capture_output=True,
        text=True,
        env={**os.environ, "OPENBLAS_CORETYPE": PINNED_BLAS},
        check=False,
    )
    if done.returncode:
        raise RuntimeError(f"fitting the check-worthiness model failed: {done.stderr.strip()[-2000:]}")
    return json.loads(done.stdout)


def _predict(weights: dict[str, float], xs: list[list[str]]) -> list[int]:
    # the log-odds at THRESHOLD 0.5 is 0: a sentence is check-worthy when its score is positive
    return [int(weights.get("bias", 0.0) + sum(weights.get(f, 0.0) for f in x) > 0) for x in xs]


def svm_reference(train: list[dict], test: list[dict]) -> dict[str, float]:
    """A linear SVM over tf-idf word unigrams (the word features of ClaimBuster's SVM) fitted on
    the train split and scored on the test split: a reference on the same data."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.svm import LinearSVC

    vec = TfidfVectorizer(ngram_range=(1, 1))
    x = vec.fit_transform([r["text"] for r in train])
    clf = LinearSVC(C=1.0, class_weight="balanced", random_state=0).fit(x, [r["label"] for r in train])
    pred = clf.predict(vec.transform([r["text"] for r in test])).tolist()
    return prf([r["label"] for r in test], [int(p) for p in pred])


def train(folder: Path, out: Path = MODEL_DIR, seed: int = 0, argv: list[str] | None = None) -> dict:
    """Fit on ``folder/train.json``, score ``folder/test.json``, write ``checkworthy.json`` and
    ``checkworthy.meta.json`` under ``out``; returns the metadata (with the seconds it took)."""
    t0 = time.perf_counter()
    tr, te = read_split(folder, "train"), read_split(folder, "test")
    lex = lexicon("en")
    xs = [sorted(text_features(r["text"], lex)) for r in tr]  # in name order: the same bytes every run
    weights = fit_pinned(xs, [r["label"] for r in tr], seed)
    model = {"version": VERSION, "threshold": THRESHOLD, "weights": weights}
    blob = json.dumps(model, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    out.mkdir(parents=True, exist_ok=True)
    (out / MODEL_FILE).write_bytes(blob)
    test_scores = prf([r["label"] for r in te], _predict(weights, [sorted(text_features(r["text"], lex)) for r in te]))
    data_hash = hashlib.sha256()
    for name, rows in (("train", tr), ("test", te)):
        for r in rows:
            data_hash.update(f"{name}\0{r['label']}\0{r['text']}\n".encode())
    import sklearn

    meta = {
        "model": MODEL_FILE,
        "version": VERSION,
        "sha256": hashlib.sha256(blob).hexdigest(),
        "command": "claims train " + shlex.join(argv if argv is not None else sys.argv[2:]),
        "data": {
            "corpus": "ClaimBuster (Arslan, Hassan, Li and Tremayne, ICWSM 2020), two-class train/test splits",
            "train": len(tr),
            "train_positives": sum(r["label"] for r in tr),
            "test": len(te),
            "test_positives": sum(r["label"] for r in te),
            "sha256": data_hash.hexdigest(),
        },
        "seed": seed,
        "features": len(weights) - 1,
        "test": test_scores,
        "test_svm_reference": svm_reference(tr, te),
        "trainer": f"scikit-learn {sklearn.__version__} LogisticRegression(liblinear, C={C}, class_weight=balanced)",
    }
    (out / META_FILE).write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n", "utf-8")
    meta["seconds"] = round(time.perf_counter() - t0, 1)
    return meta


def cross_validate(folder: Path, cs: tuple[float, ...] = (0.25, 0.5, 1.0, 2.0), seed: int = 0) -> dict[float, float]:
    """Mean positive-class F1 of 5 folds of the train split per C (how :data:`C` was chosen;
    the test split is not read)."""
    tr = read_split(folder, "train")
    lex = lexicon("en")
    xs = [sorted(text_features(r["text"], lex)) for r in tr]
    ys = [r["label"] for r in tr]
    out = {}
    for c in cs:
        f1s = []
        for k in range(5):
            fit_idx = [i for i in range(len(xs)) if i % 5 != k]
            held = [i for i in range(len(xs)) if i % 5 == k]
            w = fit([xs[i] for i in fit_idx], [ys[i] for i in fit_idx], seed, c)
            f1s.append(prf([ys[i] for i in held], _predict(w, [xs[i] for i in held]))["f1"])
        out[c] = round(sum(f1s) / len(f1s), 4)
    return out
