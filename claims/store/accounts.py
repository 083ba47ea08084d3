"""Analyst accounts: roles, argon2 password hashes, login throttling, and the edit check.

Roles: ``admin`` (manage users and statuses), ``analyst`` (edit claims), ``viewer`` (read and
export only). Once any account exists, the store refuses changes from anyone who is not an
account with an editing role — in the store layer, whatever the UI shows or hides.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Connection, Engine, delete, func, insert, select, update

from claims.store.db import reading, writing
from claims.store.schema import users

ROLES = ("admin", "analyst", "viewer")
EDIT_ROLES = ("admin", "analyst")
MIN_PASSWORD = 10
FREE_ATTEMPTS = 5  # failed logins before the account is locked for a while
MAX_LOCK = timedelta(hours=1)

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
@cache
def _dummy_hash() -> str:
    """A hash to verify against for unknown users (the same work as for a known one); made on
    first use, not at import, so that commands that never sign anyone in do not pay for it."""
    return _hasher.hash("not a real password, for timing")


class AccountError(ValueError):
    """A user-management request that cannot be done as asked."""


class LoginError(Exception):
    """Wrong username or password, or the account is locked for now."""


class PermissionDenied(PermissionError):
    """The signed-in user's role does not allow this change."""


@dataclass(frozen=True)
class Account:
    username: str
    role: str

    @property
    def can_edit(self) -> bool:
        return self.role in EDIT_ROLES

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(ts: datetime | None) -> datetime | None:
    """SQLite gives naive datetimes back; they were stored as UTC."""
    return ts.replace(tzinfo=UTC) if ts is not None and ts.tzinfo is None else ts


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}; choose one of: {', '.join(ROLES)}")


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"a password needs at least {MIN_PASSWORD} characters")


def add_user(engine: Engine, username: str, password: str, role: str = "analyst") -> Account:
    username = username.strip()
    if not username:
        raise AccountError("a username is required")
    if any(not ch.isprintable() for ch in username) or len(username) > 200:
        raise AccountError("a username is at most 200 printable characters")
    _check_role(role)
    _check_password(password)
    hashed = _hasher.hash(password)  # before the write transaction: hashing is slow on purpose
    with writing(engine) as conn:
        if conn.execute(select(users.c.id).where(users.c.username == username)).first():
            raise AccountError(f"user {username!r} exists already")
        conn.execute(
            insert(users).values(
                username=username, password_hash=hashed, role=role, failed_logins=0, lockouts=0, created_at=_now()
            )
        )
    return Account(username, role)


def _admins_left(conn: Connection, without: str) -> int:
    return (
        conn.execute(
            select(func.count()).select_from(users).where(users.c.role == "admin", users.c.username != without)
        ).scalar()
        or 0
    )


def remove_user(engine: Engine, username: str) -> None:
    with writing(engine) as conn:
        row = conn.execute(select(users.c.role).where(users.c.username == username)).first()
        if row is None:
            raise AccountError(f"no user {username!r}")
        if row.role == "admin" and not _admins_left(conn, username):
            raise AccountError("cannot remove the last admin")
        conn.execute(delete(users).where(users.c.username == username))


def set_role(engine: Engine, username: str, role: str) -> None:
    _check_role(role)
    with writing(engine) as conn:
        row = conn.execute(select(users.c.role).where(users.c.username == username)).first()
        if row is None:
            raise AccountError(f"no user {username!r}")
        if row.role == "admin" and role != "admin" and not _admins_left(conn, username):
            raise AccountError("cannot demote the last admin")
        conn.execute(update(users).where(users.c.username == username).values(role=role))


def set_password(engine: Engine, username: str, password: str) -> None:
    _check_password(password)
    hashed = _hasher.hash(password)  # before the write transaction: hashing is slow on purpose
    with writing(engine) as conn:
        res = conn.execute(
            update(users)
            .where(users.c.username == username)
            .values(password_hash=hashed, failed_logins=0, lockouts=0, locked_until=None)
        )
        if res.rowcount != 1:
            raise AccountError(f"no user {username!r}")


def list_users(engine: Engine) -> list[dict]:
    with reading(engine) as conn:
        return [
            dict(r._mapping)
            for r in conn.execute(
                select(
                    users.c.username, users.c.role, users.c.last_login, users.c.failed_logins, users.c.locked_until
                ).order_by(users.c.username)
            )
        ]


def accounts_enabled(engine: Engine) -> bool:
    """Whether any account exists (then only accounts with an editing role may change claims)."""
    with reading(engine) as conn:
        return bool(conn.execute(select(func.count()).select_from(users)).scalar())


LOGIN_FAILED = "wrong username or password, or too many failed attempts (then wait and try again)"


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def authenticate(engine: Engine, username: str, password: str) -> Account:
    """The account for a correct username and password.

    After ``FREE_ATTEMPTS`` failures in a row the account locks for 30 s, doubling with each lock
    in a row up to an hour; a locked account refuses even the right password until then, and once
    the lock has expired the count starts again (one guess an hour cannot keep a user out).

    Every failure raises :class:`LoginError` with the same message and after the same argon2
    work, whether the user is unknown, locked or mistyped, so neither tells who has an account.
    The password is checked before the write transaction (hashing is slow on purpose and must not
    hold the SQLite write lock); the count is then updated under a row lock (``FOR UPDATE`` on
    PostgreSQL, the write lock on SQLite) that also re-reads the lock, so parallel guesses are
    each counted and none slips past a lock another one just set.
    """
    username = username.strip()
    with reading(engine) as conn:
        seen = conn.execute(select(users.c.id, users.c.password_hash).where(users.c.username == username)).first()
    ok = _verify(seen.password_hash if seen else _dummy_hash(), password)  # the same work for unknown users
    if seen is None:
        raise LoginError(LOGIN_FAILED)
    new_hash = _hasher.hash(password) if ok and _hasher.check_needs_rehash(seen.password_hash) else None
    with writing(engine) as conn:  # a failed attempt is counted and committed before we refuse
        row = conn.execute(select(users).where(users.c.id == seen.id).with_for_update()).first()
        if row is None or row.password_hash != seen.password_hash:
            ok = False  # removed or given a new password since we checked: refuse, count nothing
            row = None
        now = _now()
        locked = _aware(row.locked_until) if row is not None else None
        if row is None or (locked is not None and locked > now):
            ok, values = False, {}  # attempts during a lock are refused and not counted
        elif ok:
            values = {"failed_logins": 0, "lockouts": 0, "locked_until": None, "last_login": now}
            if new_hash:
                values["password_hash"] = new_hash
        else:
            failed = (0 if locked is not None else row.failed_logins) + 1  # an expired lock starts afresh
            values = {"failed_logins": failed, "locked_until": None}
            if failed >= FREE_ATTEMPTS:
                values["locked_until"] = now + min(MAX_LOCK, timedelta(seconds=30 * 2**row.lockouts))
                values["lockouts"] = row.lockouts + 1
        if values:
            conn.execute(update(users).where(users.c.id == seen.id).values(**values))
    if not ok or row is None:
        raise LoginError(LOGIN_FAILED)
    return Account(row.username, row.role)


def account(engine: Engine, username: str) -> Account | None:
    with reading(engine) as conn:
        row = conn.execute(select(users.c.username, users.c.role).where(users.c.username == username)).first()
    return Account(row.username, row.role) if row else None


def check_can_edit(conn: Connection, analyst: str) -> None:
    """Inside a write transaction: refuse the change unless accounts are off or ``analyst`` is an
    account that may edit. Raises :class:`PermissionDenied`."""
    if not conn.execute(select(func.count()).select_from(users)).scalar():
        return
    if not (analyst or "").strip():
        raise PermissionDenied("sign-in is on: changes need the signed-in user, and none was given")
    row = conn.execute(select(users.c.role).where(users.c.username == analyst)).first()
    if row is None:
        raise PermissionDenied(f"{analyst!r} has no account; only signed-in analysts can change claims")
    if row.role not in EDIT_ROLES:
        raise PermissionDenied(f"{analyst!r} is a {row.role}: read and export only")
