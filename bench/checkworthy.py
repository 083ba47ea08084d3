"""Check-worthiness figures: the shipped English model on the ClaimBuster test split, beside a
linear SVM over tf-idf word unigrams fitted on the train split (the word features of ClaimBuster's
SVM, as a reference on the same data) and the pack-feature scorer Hindi uses (English word
classes, Hindi weights: how far features alone go); then the scoring cost per claim, and how the
stored scores spread over real claims of each language.

    python bench/checkworthy.py ../shared/data/claimbuster \\
        --claims ../shared/data/polnear/dev/text --claims ../shared/data/hindi-news-2020 \\
        --ingest ../shared/data/polnear/dev/text

``--ingest FOLDER`` stores the folder's articles into a fresh SQLite store with and without the
scorer, alternately (three rounds), and prints the CPU seconds of each: what scoring costs ingest.

The SVM reference needs scikit-learn (``pip install -e '.[train]'``); it is skipped without it.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from claims import extract_article  # noqa: E402
from claims.learn.checkworthy import assess_claim, lexicon, load_model, text_features, word_classes  # noqa: E402
from claims.learn.checkworthy_train import prf, read_split, svm_reference  # noqa: E402


def _pack_scorer(text: str) -> int:
    """The rule score Hindi uses (bias + one weight per word class present), on an English
    sentence: English word classes, the Hindi pack's weights."""
    w = lexicon("hi").weights
    found = word_classes(text, lexicon("en"))
    x = w.get("bias", 0.0) + sum(w.get(cls, 0.0) for cls in found)
    if len(text.split()) < 4:
        x += w.get("short", 0.0)
    return int(x > 0)


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("claimbuster", type=Path)
    p.add_argument("--claims", type=Path, action="append", default=[], help="a folder of .txt articles")
    p.add_argument("--limit", type=int, default=300, help="articles per --claims folder")
    p.add_argument("--ingest", type=Path, default=None, help="measure what scoring costs ingest on this folder")
    args = p.parse_args()
    train, test = read_split(args.claimbuster, "train"), read_split(args.claimbuster, "test")
    gold = [r["label"] for r in test]
    t0 = time.process_time()
    # the sentence alone, as ClaimBuster labels it (no speaker: no claim-level evidence either way)
    m, lex = load_model("en"), lexicon("en")
    model = [int(m.logit(text_features(r["text"], lex)) > 0) for r in test]
    cpu = time.process_time() - t0
    print(f"ClaimBuster test: {len(test)} sentences, {sum(gold)} check-worthy")
    print("{:<48} {:>9} {:>7} {:>6} {:>9}".format("scorer", "precision", "recall", "F1", "accuracy"))
    rows = [("shipped model (claims train checkworthy)", prf(gold, model))]
    try:
        rows.append(("linear SVM, tf-idf unigrams (train split)", svm_reference(train, test)))
    except ImportError:
        print("(no scikit-learn: SVM reference skipped)")
    rows.append(("pack features, Hindi weights (rules only)", prf(gold, [_pack_scorer(r["text"]) for r in test])))
    for name, s in rows:
        print(f"{name:<48} {s['precision']:>9.3f} {s['recall']:>7.3f} {s['f1']:>6.3f} {s['accuracy']:>9.3f}")
    print(f"scoring: {len(test) / cpu:,.0f} sentences per CPU second")
    for folder in args.claims:
        files = sorted(folder.rglob("*.txt"))[: args.limit]
        scores, t = [], 0.0
        for f in files:
            for c in extract_article(f.read_text("utf-8"), article_id=f.stem).claims:
                t0 = time.process_time()
                scores.append(assess_claim(c).score)
                t += time.process_time() - t0
        if not scores:
            continue
        q = statistics.quantiles(scores, n=4)
        high = sum(s >= 0.5 for s in scores) / len(scores)
        print(
            f"{folder}: {len(files)} articles, {len(scores)} claims; score quartiles {q[0]:.2f} / {q[1]:.2f} / "
            f"{q[2]:.2f}; {high:.0%} at 0.5 or more; {len(scores) / t:,.0f} claims per CPU second"
        )
    if args.ingest:
        ingest_cost(args.ingest)


def ingest_cost(folder: Path, rounds: int = 3) -> None:
    """CPU seconds to ingest ``folder`` into a fresh SQLite store with the scorer and with it
    replaced by a constant, alternately."""
    import tempfile

    import claims.store.ingest as ingest
    from claims.store import ingest_text, open_store

    texts = [(f.stem, f.read_text("utf-8")) for f in sorted(folder.rglob("*.txt"))]
    real = ingest.checkworthy_values
    times: dict[str, list[float]] = {"with scoring": [], "without": []}
    for _ in range(rounds):
        for label in times:
            ingest.checkworthy_values = real if label == "with scoring" else (lambda c: {})
            with tempfile.TemporaryDirectory() as tmp:
                engine = open_store(f"sqlite:///{tmp}/b.db")
                t0 = time.process_time()
                for key, text in texts:
                    ingest_text(engine, text, article_key=key)
                times[label].append(time.process_time() - t0)
                engine.dispose()
    ingest.checkworthy_values = real
    for label, ts in times.items():
        print(f"ingest {len(texts)} articles {label}: CPU s " + " / ".join(f"{t:.2f}" for t in ts))


if __name__ == "__main__":
    main()
