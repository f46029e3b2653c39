"""Subscriptions and the alerts outbox: messages written once (their dedupe key is unique), listed per user, and
sent by SMTP where a server is given."""

import smtplib
from collections.abc import Iterable
from datetime import UTC, datetime
from email.message import EmailMessage
from urllib.parse import unquote, urlparse

from sqlalchemy import Connection, Engine, delete, insert, select, update

from primarycare.measures.alerts import Message, Subscription
from primarycare.store import tables as t


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def subscribe(engine: Engine, user_id: int, kind: str, code: str, email: str | None) -> int:
    Subscription(0, user_id, kind, code, email)  # checks the kind
    values = {"user_id": user_id, "kind": kind, "code": code, "email": email or None, "created_at": _now()}
    with engine.begin() as conn:
        return conn.execute(insert(t.alert_subscription).values(values)).inserted_primary_key[0]


def unsubscribe(engine: Engine, user_id: int, subscription_id: int) -> bool:
    s = t.alert_subscription.c
    with engine.begin() as conn:
        return (
            conn.execute(delete(t.alert_subscription).where(s.id == subscription_id, s.user_id == user_id)).rowcount
            == 1
        )


def subscriptions(conn: Connection, user_id: int | None = None) -> list[Subscription]:
    s = t.alert_subscription.c
    query = select(s.id, s.user_id, s.kind, s.code, s.email).order_by(s.id)
    if user_id is not None:
        query = query.where(s.user_id == user_id)
    return [Subscription(*row) for row in conn.execute(query)]


def write_messages(conn: Connection, messages: Iterable[Message]) -> int:
    """Adds the messages not already in the outbox (by dedupe key); returns how many were added."""
    messages = list(messages)
    if not messages:
        return 0
    keys = [m.dedupe_key for m in messages]
    present = set(conn.execute(select(t.outbox.c.dedupe_key).where(t.outbox.c.dedupe_key.in_(keys))).scalars())
    rows = [
        {**m.__dict__, "created_at": _now()}
        for m in {m.dedupe_key: m for m in messages}.values()
        if m.dedupe_key not in present
    ]
    if rows:
        conn.execute(insert(t.outbox), rows)
    return len(rows)


def outbox(conn: Connection, user_id: int | None = None, limit: int = 200) -> list[dict]:
    o = t.outbox.c
    query = select(t.outbox).order_by(o.created_at.desc(), o.id.desc()).limit(limit)
    if user_id is not None:
        query = query.where(o.user_id == user_id)
    return [dict(r._mapping) for r in conn.execute(query)]


def send(engine: Engine, smtp_url: str, sender: str) -> tuple[int, int]:
    """Sends every unsent message that has an address, marking each as sent as it goes; (sent, left without an
    address). smtp_url: smtp://[user:password@]host[:port] or smtps://…"""
    parsed = urlparse(smtp_url)
    if parsed.scheme not in ("smtp", "smtps") or not parsed.hostname:
        raise ValueError(f"{smtp_url!r}: give the server as smtp://host:port (or smtps://)")
    o = t.outbox.c
    with engine.connect() as conn:
        pending = conn.execute(select(t.outbox).where(o.sent_at.is_(None)).order_by(o.id)).all()
    ready = [row for row in pending if row.address]
    if not ready:
        return 0, len(pending)
    kind = smtplib.SMTP_SSL if parsed.scheme == "smtps" else smtplib.SMTP
    port = parsed.port or (465 if parsed.scheme == "smtps" else 25)
    with kind(parsed.hostname, port, timeout=30) as server:
        if parsed.username:
            server.login(unquote(parsed.username), unquote(parsed.password or ""))
        for row in ready:
            email = EmailMessage()
            email["From"], email["To"], email["Subject"] = sender, row.address, row.subject
            email.set_content(row.body)
            server.send_message(email)
            with engine.begin() as conn:
                conn.execute(update(t.outbox).where(o.id == row.id).values(sent_at=_now()))
    return len(ready), len(pending) - len(ready)
