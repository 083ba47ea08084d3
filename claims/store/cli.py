"""Store commands of the ``claims`` CLI: ingest, reextract, status, export, db."""

from __future__ import annotations

import argparse
import os
import sys

from sqlalchemy import Engine, select
from tqdm import tqdm

from claims.cli_util import output as _output
from claims.inputs import InputError, iter_articles
from claims.lang import available
from claims.redact import redact
from claims.store.accounts import (
    ROLES,
    AccountError,
    PermissionDenied,
    add_user,
    list_users,
    remove_user,
    set_password,
    set_role,
    unlock_user,
)
from claims.store.db import current_revision, head_revision, make_engine, open_store, resolve_url, upgrade
from claims.store.export import (
    PublisherError,
    export_row,
    load_publisher,
    with_person_names,
    write_claimreview,
    write_rows,
)
from claims.store.ingest import ingest_text, reextract, rescore
from claims.store.query import ClaimFilter, iter_claims
from claims.store.schema import articles
from claims.store.schema import claims as claims_table
from claims.store.statuses import StatusError, Statuses, load_statuses
from claims.store.workflow import Conflict, EditError, approve, assign, claim_id_for_key, send_back, set_status


def _db(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", help="database URL (default: $CLAIMS_DB_URL or sqlite:///claims.db)")


def _os_user() -> str:
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers: then the user must be given
        return ""


def _as(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--analyst",
        default=os.environ.get("CLAIMS_ANALYST") or _os_user(),
        help="who does this, recorded and role-checked once the store has accounts "
        "(default: $CLAIMS_ANALYST, else your login name)",
    )


def cmd_ingest(args: argparse.Namespace) -> int:
    if args.claims and not args.bulk:
        print("error: --claims stores claims extracted before, in bulk: add --bulk", file=sys.stderr)
        return 2
    engine = open_store(args.db)
    statuses = load_statuses(args.statuses)
    if args.bulk:
        return _bulk_ingest(args, engine, statuses)
    counts = {"new": 0, "duplicate": 0, "failed": 0}
    claims_n = 0
    items = tqdm(
        iter_articles(args.paths), desc="ingest", unit=" art", file=sys.stderr, disable=None if args.progress else True
    )
    for item in items:
        if isinstance(item, InputError):
            counts["failed"] += 1
            tqdm.write(f"skipped {item}", file=sys.stderr)
            continue
        try:
            r = ingest_text(
                engine,
                item.text,
                article_key=item.article_id,
                title=item.meta.get("title", ""),
                url=item.meta.get("url", ""),
                outlet=item.meta.get("outlet", ""),
                published=item.meta.get("published", item.meta.get("date", "")),
                lang=None if args.lang == "auto" else args.lang,
                statuses=statuses,
                analyst=args.analyst,
            )
        except PermissionDenied as e:  # the same for every article: say it once
            print(f"error: {e} (pass --analyst NAME)", file=sys.stderr)
            return 1
        except Exception as e:  # one bad article never stops the batch; its transaction rolled back
            counts["failed"] += 1
            tqdm.write(f"skipped {item.origin}: {e}", file=sys.stderr)
            continue
        counts[r.outcome] += 1
        claims_n += r.claims_new
    print(
        f"{counts['new']} new, {counts['duplicate']} duplicate, {counts['failed']} failed; "
        f"{claims_n} claims stored in {redact(resolve_url(args.db))}",
        file=sys.stderr,
    )
    return 1 if counts["failed"] else 0


def _bulk_ingest(args: argparse.Namespace, engine: Engine, statuses: Statuses) -> int:
    from claims.parallel import default_jobs
    from claims.store.bulk import BATCH_ARTICLES, bulk_ingest
    from claims.store.extracted import ClaimsFileError, ExtractedClaims

    extracted = None
    if args.claims:
        try:
            extracted = ExtractedClaims(args.claims)
        except ClaimsFileError as e:
            print(f"error: {e}", file=sys.stderr)
            return 2
    bar = tqdm(desc="ingest", unit=" art", file=sys.stderr, disable=None if args.progress else True)
    try:
        c = bulk_ingest(
            engine,
            iter_articles(args.paths),
            lang=args.lang,
            jobs=args.jobs or default_jobs(),
            batch_size=args.batch_size or BATCH_ARTICLES,
            statuses=statuses,
            analyst=args.analyst,
            report=lambda msg: tqdm.write(f"skipped {msg}", file=sys.stderr),
            progress=bar.update,
            extracted=extracted,
        )
    except PermissionDenied as e:
        print(f"error: {e} (pass --analyst NAME)", file=sys.stderr)
        return 1
    finally:
        bar.close()
    print(
        f"{c.new} new, {c.duplicate} duplicate, {c.failed} failed; "
        f"{c.claims} claims stored in {redact(resolve_url(args.db))}",
        file=sys.stderr,
    )
    if c.unused_claims:
        shown = ", ".join(c.unused_claims[:5]) + (" …" if len(c.unused_claims) > 5 else "")
        print(f"{len(c.unused_claims)} articles of {args.claims} were not in the input: {shown}", file=sys.stderr)
    return 1 if c.failed or c.unused_claims else 0


def cmd_reextract(args: argparse.Namespace) -> int:
    engine = open_store(args.db)
    with engine.connect() as conn:
        stmt = select(articles.c.id, articles.c.article_key)
        if args.article:
            stmt = stmt.where(articles.c.article_key.in_(args.article))
        rows = conn.execute(stmt.order_by(articles.c.id)).all()
    if args.article and len(rows) != len(set(args.article)):
        found = {r.article_key for r in rows}
        print(f"no such article: {', '.join(sorted(set(args.article) - found))}", file=sys.stderr)
        return 1
    kept = new = stale = 0
    for r in tqdm(rows, desc="re-extract", file=sys.stderr, disable=None if args.progress else True):
        try:
            res = reextract(engine, r.id, analyst=args.analyst)
        except PermissionDenied as e:
            print(f"error: {e} (pass --analyst NAME)", file=sys.stderr)
            return 1
        kept, new, stale = kept + res.claims_kept, new + res.claims_new, stale + res.claims_stale
    print(f"{len(rows)} articles: {kept} claims kept, {new} new, {stale} marked stale", file=sys.stderr)
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    engine = open_store(args.db)
    try:
        statuses = load_statuses(args.statuses)
        cid = claim_id_for_key(engine, args.claim_id)
        v = set_status(engine, cid, args.status, analyst=args.analyst, note=args.note, statuses=statuses)
        waits = statuses.get(args.status).needs_approval
    except (EditError, StatusError, Conflict, PermissionDenied) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    note = "; waiting for another analyst's approval (claims approve)" if waits else ""
    print(f"claim {args.claim_id}: {args.status} (version {v}){note}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    engine = open_store(args.db)
    statuses = load_statuses(args.statuses)
    try:
        for s in args.status or []:
            statuses.get(s)  # an unknown status would silently export nothing
    except StatusError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    publisher = None
    if args.format == "claimreview":
        try:
            publisher = load_publisher(
                args.claimreview_config,
                name=args.publisher,
                url=args.publisher_url,
                review_url=args.review_url,
                in_language=args.in_language,
            )
        except PublisherError as e:
            print(f"error: {e}", file=sys.stderr)
            return 2
        if not publisher.review_url:
            print(
                "warning: no fact-check page URL (--review-url or review_url in the configuration): "
                "Google requires one per ClaimReview",
                file=sys.stderr,
            )
    f = ClaimFilter(statuses=args.status or [], speaker=args.speaker or "", include_stale=not args.no_stale)
    rows = iter_claims(engine, f)
    if args.status:  # a verdict waiting for approval is not yet the status asked for
        wanted = set(args.status)
        rows = (r for r in rows if export_row(r, statuses=statuses)["status"] in wanted)
    with _output(args.output) as out:
        if args.format == "claimreview":
            n = write_claimreview(with_person_names(engine, rows), out, statuses, publisher=publisher)
        else:
            n = write_rows(rows, out, args.format, statuses=statuses)
    print(f"{n} claims exported", file=sys.stderr)
    return 0


def cmd_approve(args: argparse.Namespace) -> int:
    engine = open_store(args.db)
    statuses = load_statuses(args.statuses)
    try:
        cid = claim_id_for_key(engine, args.claim_id)
        version = args.version
        if version is None:
            with engine.connect() as conn:
                version = conn.execute(select(claims_table.c.version).where(claims_table.c.id == cid)).scalar()
        act = send_back if args.send_back else approve
        v = act(engine, cid, base_version=version, analyst=args.analyst, statuses=statuses)
    except (EditError, StatusError, Conflict, PermissionDenied) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    done = "sent back to its proposer" if args.send_back else "approved"
    print(f"claim {args.claim_id}: {done} by {args.analyst} (version {v})")
    return 0


def cmd_assign(args: argparse.Namespace) -> int:
    engine = open_store(args.db)
    try:
        ids = [claim_id_for_key(engine, k) for k in args.claim_ids]
        with engine.connect() as conn:
            versions = dict(
                conn.execute(
                    select(claims_table.c.id, claims_table.c.version).where(claims_table.c.id.in_(ids))
                ).all()
            )
        done, conflicts = assign(engine, [(i, versions[i]) for i in ids], args.to, analyst=args.analyst)
    except (EditError, PermissionDenied) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    who = args.to or "nobody"
    print(f"{len(done)} claims assigned to {who}" + (f"; {len(conflicts)} conflicts" if conflicts else ""))
    return 1 if conflicts else 0


def cmd_rescore(args: argparse.Namespace) -> int:
    engine = open_store(args.db)
    try:
        seen, changed = rescore(engine, analyst=args.analyst)
    except PermissionDenied as e:
        print(f"error: {e} (pass --analyst NAME)", file=sys.stderr)
        return 1
    print(f"{seen} claims scored, {changed} changed", file=sys.stderr)
    return 0


def cmd_groups(args: argparse.Namespace) -> int:
    """Group the claims stored before grouping existed (an upgraded store): ingest groups new ones."""
    from claims.store.grouping import index_store

    engine = open_store(args.db)
    try:
        indexed, grouped = index_store(engine, analyst=args.analyst)
    except PermissionDenied as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    print(f"{indexed} claims indexed; {grouped} claims are in a group")
    return 0


def cmd_db(args: argparse.Namespace) -> int:
    if args.db_command == "upgrade":
        engine = make_engine(args.db)
        before = current_revision(engine) or "(empty)"
        after = upgrade(engine)
        print(f"{redact(resolve_url(args.db))}: {before} -> {after}")
        return 0
    from claims.store import backup

    if args.db_command == "status":
        path = backup.sqlite_path(resolve_url(args.db))
        if path is not None and path.exists() and (problem := backup.integrity_problem(path)):
            # checked first: on a damaged file even reading the revision can fail with a traceback
            shown = redact(resolve_url(args.db))
            print(f"{shown}: CORRUPT: {problem}; restore a backup (claims db restore)", file=sys.stderr)
            return 2
        engine = make_engine(args.db)
        cur, head = current_revision(engine), head_revision()
        shown = redact(resolve_url(args.db))  # never the password
        print(f"{shown}: revision {cur or '(empty)'}, head {head}" + (", integrity ok" if path else ""))
        return 0 if cur == head else 1

    return backup.run(args)


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin or not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    import getpass

    first = getpass.getpass("Password: ")
    if getpass.getpass("Again: ") != first:
        raise AccountError("the passwords differ")
    return first


def cmd_users(args: argparse.Namespace) -> int:
    engine = open_store(args.db)
    try:
        if args.users_command == "add":
            add_user(engine, args.username, _password(args), args.role)
            print(f"added {args.username} ({args.role})")
        elif args.users_command == "remove":
            remove_user(engine, args.username)
            print(f"removed {args.username}")
        elif args.users_command == "role":
            set_role(engine, args.username, args.role)
            print(f"{args.username} is now {args.role}")
        elif args.users_command == "passwd":
            set_password(engine, args.username, _password(args))
            print(f"password of {args.username} changed")
        elif args.users_command == "unlock":
            was = unlock_user(engine, args.username)
            print(f"{args.username} unlocked" if was else f"{args.username} was not locked (nothing to lift)")
        else:
            for u in list_users(engine):
                locked = f", locked until {u['locked_until']:%Y-%m-%d %H:%M}" if u["locked_until"] else ""
                print(f"{u['username']}\t{u['role']}{locked}")
    except AccountError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    i = sub.add_parser("ingest", help="extract and store articles")
    i.add_argument(
        "paths",
        nargs="+",
        help=".txt, folder, '-', or .csv/.jsonl/.parquet/.arrow with id,text (+title,url,outlet,published)",
    )
    i.add_argument("--lang", default="auto", choices=["auto", *available()])
    i.add_argument(
        "--bulk",
        action="store_true",
        help="archive load: extract on every core and store --batch-size articles per transaction "
        "(COPY into PostgreSQL); rerun after an interruption to store the rest",
    )
    i.add_argument(
        "--batch-size", type=int, help="articles per transaction with --bulk (default 2000: claims.store.bulk)"
    )
    i.add_argument(
        "--claims",
        help="with --bulk: store the claims of this file (`claims extract --format parquet` or claims.spark "
        "output) instead of extracting",
    )
    i.add_argument("-j", "--jobs", type=int, default=None, help="extraction processes with --bulk (default: cores)")
    i.add_argument("--statuses", help="status configuration file (TOML)")
    i.add_argument("--no-progress", dest="progress", action="store_false")
    _as(i)
    _db(i)
    i.set_defaults(func=cmd_ingest)

    r = sub.add_parser("reextract", help="run the current extractor over stored articles, keeping analyst work")
    r.add_argument("--article", action="append", help="article id (repeatable); default: all")
    r.add_argument("--no-progress", dest="progress", action="store_false")
    _as(r)
    _db(r)
    r.set_defaults(func=cmd_reextract)

    s = sub.add_parser("status", help="set a claim's verification status")
    s.add_argument("claim_id")
    s.add_argument("status")
    s.add_argument("--analyst", required=True)
    s.add_argument("--note")
    s.add_argument("--statuses", help="status configuration file (TOML)")
    _db(s)
    s.set_defaults(func=cmd_status)

    e = sub.add_parser("export", help="export claims as CSV, JSONL or ClaimReview JSON-LD")
    e.add_argument("--format", default="csv", choices=["csv", "jsonl", "claimreview"])
    e.add_argument("--status", action="append", help="only this status (repeatable)")
    e.add_argument("--speaker", help="only this speaker (any spelling or script)")
    e.add_argument("--no-stale", action="store_true", help="leave out claims gone from the latest extraction")
    e.add_argument(
        "--publisher", help="ClaimReview: the publishing organisation (default: the config, else 'claims desk')"
    )
    e.add_argument("--publisher-url", help="ClaimReview: the publisher's home page")
    e.add_argument(
        "--review-url",
        help="ClaimReview: each claim's fact-check page, e.g. https://example.org/fact-check/{claim_id}",
    )
    e.add_argument("--in-language", help="ClaimReview: language of the fact checks (default: each claim's)")
    e.add_argument(
        "--claimreview-config", help="TOML file with a [claimreview] table (default: $CLAIMS_CLAIMREVIEW)"
    )
    e.add_argument("--statuses", help="status configuration file (TOML)")
    e.add_argument("-o", "--output")
    _db(e)
    e.set_defaults(func=cmd_export)

    a = sub.add_parser("approve", help="approve a verdict another analyst proposed (statuses with needs_approval)")
    a.add_argument("claim_id")
    a.add_argument("--analyst", required=True, help="the approver (not the proposer)")
    a.add_argument("--version", type=int, help="the version you reviewed (default: the current one)")
    a.add_argument("--send-back", action="store_true", help="return the verdict to its proposer unapproved")
    a.add_argument("--statuses", help="status configuration file (TOML)")
    _db(a)
    a.set_defaults(func=cmd_approve)

    g = sub.add_parser("assign", help="assign claims to an analyst ('' unassigns)")
    g.add_argument("claim_ids", nargs="+")
    g.add_argument("--to", required=True, help="the analyst's account name")
    _as(g)
    _db(g)
    g.set_defaults(func=cmd_assign)

    rs_ = sub.add_parser("rescore", help="score every stored claim's check-worthiness again (after retraining)")
    _as(rs_)
    _db(rs_)
    rs_.set_defaults(func=cmd_rescore)

    u = sub.add_parser("users", help="analyst accounts (roles: admin, analyst, viewer)")
    usub = u.add_subparsers(dest="users_command", required=True)
    for name, help_ in (
        ("add", "add an account"),
        ("remove", "remove an account"),
        ("role", "change a role"),
        ("passwd", "set a password"),
        ("unlock", "lift a lock after failed sign-ins, keeping the password"),
        ("list", "list accounts"),
    ):
        x = usub.add_parser(name, help=help_)
        if name != "list":
            x.add_argument("username")
        if name in ("add", "role"):
            x.add_argument(
                "role" if name == "role" else "--role",
                choices=ROLES,
                **({} if name == "role" else {"default": "analyst"}),
            )
        if name in ("add", "passwd"):
            x.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
        _db(x)
    u.set_defaults(func=cmd_users)

    g = sub.add_parser("groups", help="group the claims stored before grouping (after upgrading a store)")
    _as(g)
    _db(g)
    g.set_defaults(func=cmd_groups)

    d = sub.add_parser("db", help="database maintenance")
    dsub = d.add_subparsers(dest="db_command", required=True)
    for name, help_ in (("upgrade", "run the schema migrations"), ("status", "show the schema revision")):
        x = dsub.add_parser(name, help=help_)
        _db(x)
    b = dsub.add_parser("backup", help="consistent copy of the store (SQLite) / pg_dump guidance")
    b.add_argument("target")
    _db(b)
    rs = dsub.add_parser("restore", help="restore a SQLite backup")
    rs.add_argument("source")
    rs.add_argument("--force", action="store_true", help="replace a non-empty store")
    _db(rs)
    d.set_defaults(func=cmd_db)
