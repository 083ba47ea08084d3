"""Grouping of the same claim across articles: sample pairs to label, and score labelled pairs.

    python bench/grouping.py sample ../shared/data/hindi-news-2020 --out /tmp/pairs.jsonl --n 80
    python bench/grouping.py score bench/grouping_pairs.jsonl

``sample`` ingests the corpus into a fresh SQLite store (as ``claims ingest --bulk`` does, so
claims are grouped as they are stored), then draws pairs for a person to label: pairs the store
put in one group, and hard negatives — pairs the index offers as candidates (sharing rare terms)
that were not grouped, the most alike first, including those the number and speaker rules kept
apart. Each line holds both claims (article, speaker, content), the similarity and ``label: null``.

``score`` reads labelled pairs (``label`` "same" or "different"; the corpus each came from is in
its ``source``), ingests each corpus into a fresh store in the same way, and prints precision and
recall of "in one group" against the labels, per corpus and overall. Recall is over the labelled
pairs, which come from the index's candidates and from the groups: a pair the index never offered
is not counted as missed.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from claims.inputs import iter_articles  # noqa: E402
from claims.store import open_store  # noqa: E402
from claims.store.bulk import bulk_ingest  # noqa: E402
from claims.store.grouping import (  # noqa: E402
    BLOCK_TERMS,
    MIN_SHARED,
    MIN_TERMS,
    STORED_COLUMNS,
    prepare,
    same_claim,
    similarity,
)
from claims.store.schema import articles, claims  # noqa: E402


def load_store(corpus: str, db: str | None = None):
    """A fresh store holding ``corpus``, ingested in bulk (grouped as stored)."""
    if db is None:
        db = "sqlite:///" + tempfile.mkstemp(suffix=".db", prefix="grouping-")[1]
    engine = open_store(db)
    t0 = time.process_time()
    counts = bulk_ingest(engine, iter_articles([corpus]), jobs=1)
    print(
        f"# {corpus}: {counts.new} articles, {counts.claims} claims ({time.process_time() - t0:.1f} s CPU)",
        file=sys.stderr,
    )
    return engine


def read_claims(engine) -> list[dict]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(*STORED_COLUMNS, articles.c.article_key).join(articles, articles.c.id == claims.c.article_id)
        ).all()
    return [dict(r._mapping) for r in rows]


def _text(r: dict):
    return prepare(
        r["id"], r["content"], r["lang"], person_id=r["person_id"], speaker=r["corrected_speaker"] or r["speaker"]
    )


def candidate_pairs(rows: list[dict]) -> list[tuple[dict, dict, float, float]]:
    """Pairs the index offers (sharing MIN_SHARED of either claim's BLOCK_TERMS rarest terms),
    with (similarity, same_claim score)."""
    texts = {r["id"]: _text(r) for r in rows}
    df = Counter(t for c in texts.values() for t in c.terms)
    postings: dict[str, list[int]] = {}
    for c in texts.values():
        for t in c.terms:
            postings.setdefault(t, []).append(c.id)
    seen, out = set(), []
    by_id = {r["id"]: r for r in rows}
    for c in texts.values():
        if len(c.terms) < MIN_TERMS:
            continue
        block = sorted(c.terms, key=lambda t: (df[t], t))[:BLOCK_TERMS]
        shared = Counter(o for t in block for o in postings[t] if o != c.id)
        for o, n in shared.items():
            if n < min(MIN_SHARED, len(block)):
                continue
            key = (min(c.id, o), max(c.id, o))
            if key in seen:
                continue
            seen.add(key)
            a, b = texts[key[0]], texts[key[1]]
            if (
                by_id[a.id]["content"] == by_id[b.id]["content"]
                and by_id[a.id]["article_id"] == by_id[b.id]["article_id"]
            ):
                continue  # the same sentence twice in one file says nothing about grouping
            out.append((by_id[key[0]], by_id[key[1]], similarity(a, b), same_claim(a, b)))
    return out


def _side(r: dict) -> dict:
    return {"article": r["article_key"], "speaker": r["corrected_speaker"] or r["speaker"], "content": r["content"]}


def sample(args) -> None:
    engine = load_store(args.corpus, args.db)
    rows = read_claims(engine)
    rng = random.Random(args.seed)
    pairs = candidate_pairs(rows)
    grouped = [p for p in pairs if p[0]["group_id"] is not None and p[0]["group_id"] == p[1]["group_id"]]
    near = [p for p in pairs if p not in grouped and p[2] >= 60]
    near.sort(key=lambda p: -p[2])
    n_same = args.n // 2
    picked = rng.sample(grouped, min(n_same, len(grouped)))
    # hard negatives: the most alike half from the top of the list, half drawn from the rest
    top = near[: (args.n - len(picked)) // 2]
    rest = [p for p in near if p not in top]
    picked += top + rng.sample(rest, min(args.n - len(picked) - len(top), len(rest)))
    rng.shuffle(picked)
    with open(args.out, "w", encoding="utf-8") as f:
        for a, b, sim, _ in picked:
            line = {"source": args.corpus, "a": _side(a), "b": _side(b), "similarity": round(sim, 1), "label": None}
            f.write(json.dumps(line, ensure_ascii=False) + "\n")
    print(f"{len(picked)} pairs ({len(grouped)} grouped, {len(near)} near misses offered) -> {args.out}")


def _find(rows_by_key: dict, side: dict) -> dict | None:
    return next((r for r in rows_by_key.get(side["article"], []) if r["content"] == side["content"]), None)


def score(args) -> None:
    with open(args.pairs, encoding="utf-8") as f:
        pairs = [json.loads(line) for line in f if line.strip()]
    pairs = [p for p in pairs if p.get("label") in ("same", "different")]
    total = Counter()
    for source in sorted({p["source"] for p in pairs}):
        corpus = str((ROOT / source).resolve()) if not Path(source).is_absolute() else source
        engine = load_store(corpus)
        by_key: dict[str, list[dict]] = {}
        for r in read_claims(engine):
            by_key.setdefault(r["article_key"], []).append(r)
        c = Counter()
        for p in (p for p in pairs if p["source"] == source):
            a, b = _find(by_key, p["a"]), _find(by_key, p["b"])
            if a is None or b is None:
                c["missing"] += 1
                continue
            predicted = a["group_id"] is not None and a["group_id"] == b["group_id"]
            gold = p["label"] == "same"
            outcome = ("tp" if gold else "fp") if predicted else ("fn" if gold else "tn")
            c[outcome] += 1
            if args.show and outcome in ("fp", "fn"):
                print(f"  {outcome}: {p['a']['content'][:90]!r} | {p['b']['content'][:90]!r}")
        total.update(c)
        _report(source, c)
    _report("all", total)


def _report(name: str, c: Counter) -> None:
    p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 0.0
    r = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 0.0
    n = c["tp"] + c["fp"] + c["tn"] + c["fn"]
    print(
        f"{name}: {n} pairs ({c['tp'] + c['fn']} same), precision {p:.3f}, recall {r:.3f} "
        f"(tp {c['tp']}, fp {c['fp']}, fn {c['fn']}, tn {c['tn']}"
        + (f", {c['missing']} pairs not found" if c["missing"] else "")
        + ")"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("sample")
    s.add_argument("corpus")
    s.add_argument("--out", required=True)
    s.add_argument("--n", type=int, default=80)
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("--db")
    s.set_defaults(fn=sample)
    t = sub.add_parser("score")
    t.add_argument("pairs")
    t.add_argument("--show", action="store_true", help="print the pairs judged wrongly")
    t.set_defaults(fn=score)
    args = ap.parse_args()
    args.fn(args)


if __name__ == "__main__":
    main()
