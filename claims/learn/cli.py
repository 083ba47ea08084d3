"""``claims train``: build a learned model from annotated data the user names.

    claims train en --brat ../shared/data/polnear/train                  # the English cue model
    claims train checkworthy --claimbuster ../shared/data/claimbuster    # English check-worthiness
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def cmd_train(args: argparse.Namespace) -> int:
    if args.lang == "checkworthy":
        return _train_checkworthy(args)
    if args.brat is None:
        print("error: claims train en needs --brat FOLDER (text/ and attributions/)", file=sys.stderr)
        return 2
    from claims.learn.train import MODEL_DIR, train

    argv = ["en", "--brat", str(args.brat), "--seed", str(args.seed)]
    if args.limit is not None:
        argv += ["--limit", str(args.limit)]
    if args.out is not None:
        argv += ["--out", str(args.out)]
    meta = train(args.brat, args.out or MODEL_DIR, seed=args.seed, limit=args.limit, argv=argv)
    print(json.dumps(meta, indent=2, sort_keys=True))
    return 0


def _train_checkworthy(args: argparse.Namespace) -> int:
    if args.claimbuster is None:
        print("error: claims train checkworthy needs --claimbuster FOLDER (train.json, test.json)", file=sys.stderr)
        return 2
    from claims.learn.checkworthy_train import MODEL_DIR, train

    argv = ["checkworthy", "--claimbuster", str(args.claimbuster), "--seed", str(args.seed)]
    if args.out is not None:
        argv += ["--out", str(args.out)]
    try:
        meta = train(args.claimbuster, args.out or MODEL_DIR, seed=args.seed, argv=argv)
    except ValueError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(json.dumps(meta, indent=2, sort_keys=True))
    return 0


def register(sub) -> None:
    """Add ``train`` to the ``claims`` command's subcommands."""
    t = sub.add_parser(
        "train", help="train a learned model: the English cue model (en) or check-worthiness (checkworthy)"
    )
    t.add_argument("lang", choices=["en", "checkworthy"])
    t.add_argument("--brat", type=Path, default=None, help="en: folder with text/ and attributions/")
    t.add_argument("--claimbuster", type=Path, default=None, help="checkworthy: folder with train.json and test.json")
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--limit", type=int, default=None, help="en: only the first N articles (tests)")
    t.add_argument("--out", type=Path, default=None, help="where to write (default: into the package)")
    t.set_defaults(func=cmd_train)
