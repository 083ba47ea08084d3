"""``claims train``: build a language's learned model from annotated data the user names."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def cmd_train(args: argparse.Namespace) -> int:
    if args.lang != "en":
        print(f"no learned model for {args.lang!r}: only 'en' has one", file=sys.stderr)
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


def register(sub) -> None:
    """Add ``train`` to the ``claims`` command's subcommands."""
    t = sub.add_parser("train", help="train a language's cue model from brat (PolNeAR) annotation")
    t.add_argument("lang", choices=["en"])
    t.add_argument("--brat", type=Path, required=True, help="folder with text/ and attributions/")
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--limit", type=int, default=None, help="only the first N articles (tests)")
    t.add_argument("--out", type=Path, default=None, help="where to write (default: into the package)")
    t.set_defaults(func=cmd_train)
