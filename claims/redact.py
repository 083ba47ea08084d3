"""Keeping database passwords out of what the CLI and the desk print.

A database URL (``postgresql://desk:secret@db/claims``) reaches messages in several ways: the
"stored in …" summary of ``claims ingest``, ``claims db`` output, and error texts of drivers and
of SQLAlchemy's URL parser. Everything shown goes through :func:`redact`.
"""

from __future__ import annotations

import re

# scheme://user:password@  — the password is whatever lies between the first ":" after the user
# name and the last "@" before the host (passwords may contain "@" and ":" when not encoded)
_USERINFO = re.compile(r"(?P<head>\b[A-Za-z][A-Za-z0-9+.-]*://[^:/@\s]*):[^\s/]*@(?=[^@\s]*(?:[/?\s]|$))")
# key=value connection strings and URL query parameters: password=…, sslpassword=…
_KEYWORD = re.compile(r"(?P<head>\b(?:ssl)?password\s*=\s*)(?:'[^']*'|\"[^\"]*\"|[^\s&;'\"]+)", re.IGNORECASE)
MASK = "***"


def redact(text: object) -> str:
    """``text`` with every password of a URL or connection string replaced by ``***``."""
    out = _USERINFO.sub(lambda m: f"{m['head']}:{MASK}@", str(text))
    return _KEYWORD.sub(lambda m: f"{m['head']}{MASK}", out)


def store_problem(error: BaseException, url: str = "") -> str:
    """A database error as one line for a person: what it means, the first line of the driver's
    text, never a password, never a traceback."""
    first = (str(getattr(error, "orig", None) or error).strip().splitlines() or [type(error).__name__])[0][:300]
    where = f" at {redact(url)}" if url else ""
    if "file is not a database" in first or "database disk image is malformed" in first:
        return (
            f"the store{where} is damaged or not a claims database ({first}); check --db / CLAIMS_DB_URL, "
            "or restore a backup (claims db restore)"
        )
    if type(error).__name__ == "ArgumentError" or "Could not parse" in first:
        # not echoed: a URL that does not parse may not be masked right either
        return f"the database URL (--db or CLAIMS_DB_URL) is not valid ({redact(first)})"
    return f"the store{where} is not reachable ({redact(first)})"
