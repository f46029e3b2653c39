"""Server-side sessions: started at sign-in, checked on every request, ended at once by sign-out, a password
change or an administrator. A session also ends after `idle` seconds without a request and `absolute` seconds
after sign-in, whichever comes first."""

import secrets
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, insert, select, update

from primarycare.access.roles import User
from primarycare.store import tables as t
from primarycare.store.audit import Record, append
from primarycare.store.users import digest, password_hash, user_id, user_of

TOUCH_EVERY = 60  # seconds: how stale `seen_at` may get before a request writes it again


def start_session(engine: Engine, user: int, now: int) -> str:
    """A new session for the user; the token (for the cookie) is returned once and stored only as a hash."""
    token = secrets.token_urlsafe(32)
    with engine.begin() as conn:
        conn.execute(insert(t.user_session).values(token_hash=digest(token), user_id=user, started_at=now, seen_at=now))
    return token


def session_user(engine: Engine, token: str, now: int, idle: int, absolute: int) -> User | None:
    """The user of a live session, or None (ending a session that has just timed out, with the reason)."""
    s = t.user_session
    query = select(t.app_user, s.c.started_at, s.c.seen_at).join(s, s.c.user_id == t.app_user.c.id)
    with engine.connect() as conn:
        live = s.c.ended_at.is_(None) & t.app_user.c.disabled_at.is_(None)
        row = conn.execute(query.where(s.c.token_hash == digest(token), live)).first()
    if row is None:
        return None
    expired = "idle" if now - row.seen_at > idle else "absolute limit" if now - row.started_at > absolute else None
    if expired:
        end_session(engine, token, now, f"timed out ({expired})")
        return None
    if now - row.seen_at >= TOUCH_EVERY:
        with engine.begin() as conn:
            conn.execute(update(s).where(s.c.token_hash == digest(token)).values(seen_at=now))
    return user_of(row)


def end_session(engine: Engine, token: str, now: int, why: str = "signed out") -> None:
    s = t.user_session
    with engine.begin() as conn:
        conn.execute(
            update(s).where(s.c.token_hash == digest(token), s.c.ended_at.is_(None)).values(ended_at=now, ended_why=why)
        )


def end_all_sessions(engine: Engine, username: str, now: int, why: str) -> int:
    """End every live session of a user; how many were ended. Raises UnknownUser."""
    owner = user_id(engine, username)
    with engine.begin() as conn:
        account_record(conn, "user.end_sessions", username, now)
        return _end_all(conn, owner, now, why)


def change_password(engine: Engine, username: str, password: str, now: int) -> int:
    """Set a new password and, in the same transaction, end every session the old one opened; how many ended."""
    stored = password_hash(password, username)
    owner = user_id(engine, username)
    with engine.begin() as conn:
        account_record(conn, "user.password", username, now)
        conn.execute(update(t.app_user).where(t.app_user.c.id == owner).values(password_hash=stored))
        return _end_all(conn, owner, now, "password changed")


def set_disabled(engine: Engine, username: str, disabled: bool, now: int) -> int:
    """Disable a user (refused at sign-in, on every session and every token) or enable them again; disabling ends
    their sessions in the same transaction. Returns how many sessions ended."""
    owner = user_id(engine, username)
    with engine.begin() as conn:
        account_record(conn, "user.disable" if disabled else "user.enable", username, now)
        conn.execute(update(t.app_user).where(t.app_user.c.id == owner).values(disabled_at=now if disabled else None))
        return _end_all(conn, owner, now, "user disabled") if disabled else 0


def account_record(conn: Connection, action: str, username: str, now: int, detail: dict | None = None) -> None:
    """An administrator's change to an account, on the audit chain (first in the transaction: it takes the lock)."""
    record = Record(action, "written", username="administrator", subject=f"user:{username}"[:80], detail=detail)
    append(conn, record, datetime.fromtimestamp(now, UTC))


def _end_all(conn, owner: int, now: int, why: str) -> int:
    s = t.user_session
    ended = conn.execute(
        update(s).where(s.c.user_id == owner, s.c.ended_at.is_(None)).values(ended_at=now, ended_why=why)
    )
    return ended.rowcount


def live_sessions(engine: Engine, username: str) -> list[dict]:
    s = t.user_session
    query = select(s.c.started_at, s.c.seen_at).where(s.c.user_id == user_id(engine, username), s.c.ended_at.is_(None))
    with engine.connect() as conn:
        return [dict(row._mapping) for row in conn.execute(query.order_by(s.c.started_at))]
