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
