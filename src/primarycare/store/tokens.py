"""API tokens: named, expiring, revocable, kept only as SHA-256 hashes; the last use is recorded (to a minute)."""

import secrets
import time
from datetime import UTC, datetime

from sqlalchemy import Engine, insert, select, update

from primarycare.access.roles import User
from primarycare.store import tables as t
from primarycare.store.sessions import account_record
from primarycare.store.users import digest, user_id, user_of

DEFAULT_DAYS = 90
MAX_DAYS = 366
TOUCH_EVERY = 60  # seconds: how stale `last_used_at` may get before a request writes it again


def issue_token(engine: Engine, username: str, now: int | None = None, name: str = "", days: int = DEFAULT_DAYS) -> str:
    """A new token for the user, returned once; it stops working after `days` days or when revoked."""
    now = int(time.time()) if now is None else now
    if not 1 <= days <= MAX_DAYS:
        raise ValueError(f"a token lasts 1 to {MAX_DAYS} days, not {days}")
    owner = user_id(engine, username)
    token = secrets.token_urlsafe(32)
    values = {
        "user_id": owner,
        "token_hash": digest(token),
        "created_at": datetime.fromtimestamp(now, UTC),
        "name": name[:80],
        "expires_at": now + days * 86400,
    }
    with engine.begin() as conn:
        account_record(conn, "token.issue", username, now, {"name": values["name"], "expires_at": values["expires_at"]})
        conn.execute(insert(t.api_token).values(**values))
    return token


def user_for_token(engine: Engine, token: str, now: int) -> User | None:
    """The user of a live token (not expired, not revoked, user not disabled), or None."""
    k = t.api_token.c
    query = (
        select(t.app_user, k.id.label("token_id"), k.last_used_at)
        .join(t.api_token, k.user_id == t.app_user.c.id)
        .where(k.token_hash == digest(token), k.revoked_at.is_(None), k.expires_at > now)
        .where(t.app_user.c.disabled_at.is_(None))
    )
    with engine.connect() as conn:
        row = conn.execute(query).first()
    if row is None:
        return None
    if row.last_used_at is None or now - row.last_used_at >= TOUCH_EVERY:
        with engine.begin() as conn:
            conn.execute(update(t.api_token).where(k.id == row.token_id).values(last_used_at=now))
    return user_of(row)


def list_tokens(engine: Engine, username: str, now: int) -> list[dict]:
    """Every token of the user, newest first, with its state: live, expired or revoked."""
    k = t.api_token.c
    query = select(k.id, k.name, k.created_at, k.expires_at, k.last_used_at, k.revoked_at)
    query = query.where(k.user_id == user_id(engine, username)).order_by(k.id.desc())
    with engine.connect() as conn:
        rows = [dict(row._mapping) for row in conn.execute(query)]
    for row in rows:
        row["state"] = "revoked" if row["revoked_at"] else "expired" if row["expires_at"] <= now else "live"
    return rows


def revoke_token(engine: Engine, username: str, token_id: int, now: int) -> bool:
    """End one of the user's tokens at once; False when the user has no such live token."""
    k = t.api_token.c
    live = (k.id == token_id) & (k.user_id == user_id(engine, username)) & k.revoked_at.is_(None)
    with engine.connect() as conn:
        if conn.execute(select(k.id).where(live)).first() is None:
            return False
    with engine.begin() as conn:
        account_record(conn, "token.revoke", username, now, {"token_id": token_id})
        return conn.execute(update(t.api_token).where(live).values(revoked_at=now)).rowcount == 1
