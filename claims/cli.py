"""The ``claims`` command: a thin layer over the library's functions."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tqdm import tqdm

from claims import extract_article
from claims.cli_util import output
from claims.evaluation import Score, read_gold, score_article
from claims.formats import ParquetRowWriter, RowWriter
from claims.inputs import InputError, iter_articles
from claims.lang import available
from claims.learn.checkworthy import SCORE_FIELDS
from claims.model import CLAIM_FIELDS

CLAIMS_FILE_FIELDS = (*CLAIM_FIELDS, *SCORE_FIELDS)  # Parquet output: the contract, then check-worthiness


def cmd_extract(args: argparse.Namespace) -> int:
    from claims.parallel import Extracted, default_jobs, extract_items

    jobs = args.jobs if args.jobs is not None else default_jobs()
    if jobs < 1:
        print("error: --jobs must be at least 1", file=sys.stderr)
        return 2
    failed = 0
    articles = claims_n = 0
    text_out = args.format in ("jsonl", "csv")
    with _sink(args) as writer:
        items = tqdm(
            extract_items(
                iter_articles(args.paths),
                args.lang,
                jobs=jobs,
                render=args.format if jobs > 1 and text_out else None,
                score=not text_out,  # a claims file carries check-worthiness for a bulk load
            ),
            desc="articles" if jobs == 1 else f"articles ({jobs} jobs)",
            unit=" art",
            file=sys.stderr,
            disable=None if args.progress else True,
        )
        # results arrive in input order whatever the number of workers, so the reports and the
        # output are those of one process, and the bar counts articles finished by all of them
        for item in items:
            if isinstance(item, InputError):
                failed += 1
                tqdm.write(f"skipped {item}", file=sys.stderr)
                continue
            assert isinstance(item, Extracted)
            if item.error is not None:
                failed += 1
                tqdm.write(f"skipped {item.article.origin}: {item.error}", file=sys.stderr)
                continue
            articles += 1
            if item.text is not None and isinstance(writer, RowWriter):  # lines the worker wrote
                writer.fh.write(item.text)
                claims_n += item.n_rows
            else:
                claims_n += writer.write_all(item.rows)
    print(f"{articles} articles, {claims_n} claims, {failed} skipped", file=sys.stderr)
    return 1 if failed else 0


@contextmanager
def _sink(args: argparse.Namespace) -> Iterator[RowWriter | ParquetRowWriter]:
    """The row writer for ``--format`` and ``-o``: text formats through :func:`output`, Parquet to
    a binary file (or to a standard output that is not a terminal)."""
    if args.format != "parquet":
        with output(args.output) as fh:
            yield RowWriter(fh, args.format, CLAIM_FIELDS)
        return
    if not args.output or args.output == "-":
        if sys.stdout.isatty():
            raise SystemExit("error: Parquet is binary; give -o FILE or redirect standard output")
        sys.stdout.flush()
        target: Any = sys.stdout.buffer
    else:
        target = args.output
    writer = ParquetRowWriter(target, CLAIMS_FILE_FIELDS)
    try:
        yield writer
    finally:
        writer.close()


def cmd_evaluate(args: argparse.Namespace) -> int:
    total = Score()
    per_article = []
    for gold in read_gold(Path(args.gold)):
        pred = extract_article(gold.text, lang=args.lang or gold.lang or None, article_id=gold.article_id).claims
        s = score_article(gold, pred, lenient=args.lenient)
        total.add(s)
        per_article.append((gold.article_id, s.as_dict()))
    result = total.as_dict()
    if args.json:
        print(
            json.dumps(
                {"total": result, "articles": dict(per_article) if args.verbose else {}}, ensure_ascii=False, indent=2
            )
        )
    else:
        if args.verbose:
            for aid, d in per_article:
                print(f"{aid}: P={d['precision']} R={d['recall']} F1={d['f1']} speaker={d['speaker_accuracy']}")
            lists = (("missed", total.missed), ("spurious", total.spurious), ("speaker", total.wrong_speaker))
            for label, items in lists:
                for item in items:
                    print(f"{label:<9}{item}")
        rule = "lenient (half the shorter span)" if args.lenient else "strict (hindi-dev README)"
        print(f"rule               {rule}")
        print(f"articles           {len(per_article)}")
        for k in (
            "gold",
            "predicted",
            "matched",
            "precision",
            "recall",
            "f1",
            "speaker_accuracy",
            "end_to_end_f1",
            "trap_hits",
        ):
            print(f"{k:<18} {result[k]}")
        for hit in total.trap_hits:
            print(f"trap: {hit}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import os
    from importlib import resources

    from claims.app import streamlit_command

    env = dict(os.environ)
    if args.db:
        env["CLAIMS_DB_URL"] = args.db
    script = str(resources.files("claims.app") / "streamlit_app.py")
    command = streamlit_command(script, args.port, address=args.address)
    # the server replaces this process: a stop signal (a service manager's, Ctrl-C) reaches it
    # directly, and no server is left running when the command that started it is stopped
    os.execvpe(command[0], command, env)
    return 0  # not reached


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="claims", description="Who said what, where: claim attribution for news.")
    sub = p.add_subparsers(dest="command", required=True)

    e = sub.add_parser("extract", help="extract claims from articles")
    e.add_argument(
        "paths", nargs="+", help=".txt file, folder, '-' for stdin, or .csv/.jsonl/.parquet/.arrow with id,text"
    )
    e.add_argument("--lang", default="auto", choices=["auto", *available()])
    e.add_argument("--format", default="jsonl", choices=["jsonl", "csv", "parquet"])
    e.add_argument(
        "-j",
        "--jobs",
        type=int,
        default=None,
        help="worker processes (default: every core this process may use); output is the same for any number",
    )
    e.add_argument("-o", "--output", help="output file (default: stdout)")
    e.add_argument("--no-progress", dest="progress", action="store_false", help="no progress bar")
    e.set_defaults(func=cmd_extract)

    v = sub.add_parser("evaluate", help="score extraction against gold annotation")
    v.add_argument("gold", help="a seed .gold.json file or folder, or a brat folder (text/, attributions/)")
    v.add_argument("--lang", default=None, choices=[*available()])
    v.add_argument("--json", action="store_true", help="print the scores as JSON")
    v.add_argument("-v", "--verbose", action="store_true", help="scores per article, misses and wrong speakers")
    v.add_argument("--lenient", action="store_true", help="the older rule: overlap of half the shorter span")
    v.set_defaults(func=cmd_evaluate)

    sv = sub.add_parser("serve", help="run the analysts' desk (Streamlit)")
    sv.add_argument("--port", type=int, default=8501)
    sv.add_argument(
        "--address",
        default="127.0.0.1",
        help="interface to listen on (default 127.0.0.1: this machine only; 0.0.0.0 for every interface, "
        "e.g. when a proxy on another host forwards to it)",
    )
    sv.add_argument("--db", help="database URL (default: $CLAIMS_DB_URL or sqlite:///claims.db)")
    sv.set_defaults(func=cmd_serve)
    from claims.learn.cli import register as register_train  # `claims train en --brat …` (claims.learn)

    register_train(sub)
    try:
        from claims.store.cli import register
    except ImportError:  # the store layer is optional for extraction-only installs
        register = None
    if register is not None:
        register(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from claims.redact import store_problem

    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        return 130
    except SQLAlchemyError as e:  # unreachable, damaged or mistyped store: a sentence, not a traceback
        print(f"error: {store_problem(e, _store_url(args))}", file=sys.stderr)
        return 2


def _store_url(args: argparse.Namespace) -> str:
    try:
        from claims.store.db import resolve_url

        return resolve_url(getattr(args, "db", None))
    except Exception:  # the URL itself may be what is wrong; the message says so without it
        return ""


if __name__ == "__main__":
    sys.exit(main())
