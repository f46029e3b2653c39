"""Sign-in and API tokens behind the throttle (primarycare.access.throttle), with every failure, lock and refusal
written to the audit chain. An attempt on a key that must wait is refused without checking the password, so
guessing stops paying the moment the back-off starts."""

from dataclasses import dataclass

from sqlalchemy import Connection, Engine, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from primarycare.access.roles import User
from primarycare.access.throttle import ACCOUNT, ADDRESS, TOKEN_ADDRESS, Policy, Standing, after_failure, wait
from primarycare.store import tables as t
from primarycare.store.audit import Record, append
from primarycare.store.tokens import user_for_token
from primarycare.store.users import authenticate, digest


class Throttled(Exception):
    """Too many failures from this account or address: try again after `retry_after` seconds."""

    def __init__(self, retry_after: int):
        super().__init__(f"too many failed sign-ins: try again in {retry_after} seconds")
        self.retry_after = retry_after


@dataclass(frozen=True)
class SignIn:
    user: User | None
    retry_after: int = 0  # > 0: refused without checking the password; the key must wait this long


def sign_in(engine: Engine, username: str, password: str, address: str, now: int) -> SignIn:
    keys = [(f"account:{username.strip().lower()[:100]}", ACCOUNT), (f"address:{address}", ADDRESS)]
    who = {"username": username[:64], "subject": f"address:{address}"[:80]}
    held = _wait(engine, keys, now)
    if held:
        _audit_only(engine, Record(action="signin", outcome="throttled", detail={"retry_after": held}, **who))
        return SignIn(None, held)
    user = authenticate(engine, username, password)
    if user is None:
        _fail(engine, keys, now, Record(action="signin", outcome="refused", **who))
        return SignIn(None)  # checked and wrong: a plain refusal; the next attempt meets any back-off
    with engine.begin() as conn:
        append(conn, Record(action="signin", outcome="granted", user_id=user.id, role=user.role, **who))
        conn.execute(delete(t.signin_throttle).where(t.signin_throttle.c.key == keys[0][0]))
    return SignIn(user)


def token_user(engine: Engine, token: str, address: str, now: int) -> User | None:
    """The user of a live token, or None (a failure counted against the address). Raises Throttled."""
    keys = [(f"token:{address}", TOKEN_ADDRESS)]
    held = _wait(engine, keys, now)
    if held:
        record = Record(action="token", outcome="throttled", subject=f"address:{address}"[:80])
        _audit_only(engine, record)
        raise Throttled(held)
    user = user_for_token(engine, token, now)
    if user is None:
        detail = {"token_sha256_prefix": digest(token)[:12]}
        _fail(
            engine,
            keys,
            now,
            Record(action="token", outcome="refused", subject=f"address:{address}"[:80], detail=detail),
        )
    return user


def _wait(engine: Engine, keys: list[tuple[str, Policy]], now: int) -> int:
    with engine.connect() as conn:
        standings = _standings(conn, [key for key, _ in keys])
    return max(wait(policy, standings.get(key), now) for key, policy in keys)


def _standings(conn: Connection, keys: list[str], lock: bool = False) -> dict[str, Standing]:
    s = t.signin_throttle
    query = select(s).where(s.c.key.in_(keys))
    if lock:
        query = query.with_for_update()
    return {row.key: Standing(row.failures, row.last_failed_at, row.locked_until) for row in conn.execute(query)}


def _fail(engine: Engine, keys: list[tuple[str, Policy]], now: int, record: Record) -> None:
    for attempt in range(3):  # two first failures of one key at once: one insert loses, and counts again
        try:
            with engine.begin() as conn:
                _fail_in(conn, keys, now, record)
            return
        except IntegrityError:
            if attempt == 2:
                raise


def _fail_in(conn: Connection, keys: list[tuple[str, Policy]], now: int, record: Record) -> None:
    """The failure's audit record first (it takes the audit head's lock, which serialises these updates on
    SQLite and PostgreSQL alike), then each key's standing, and a record for each key this failure locks."""
    s = t.signin_throttle
    append(conn, record)
    before = _standings(conn, [key for key, _ in keys], lock=True)
    for key, policy in keys:
        after = after_failure(policy, before.get(key), now)
        values = {"failures": after.failures, "last_failed_at": now, "locked_until": after.locked_until}
        if key in before:
            conn.execute(update(s).where(s.c.key == key).values(**values))
        else:
            conn.execute(insert(s).values(key=key, **values))
        if after.locked_until is not None:
            detail = {"failures": after.failures, "locked_until": after.locked_until}
            append(
                conn,
                Record(action="signin", outcome="locked", username=record.username, subject=key[:80], detail=detail),
            )


def _audit_only(engine: Engine, record: Record) -> None:
    with engine.begin() as conn:
        append(conn, record)
