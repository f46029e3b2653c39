"""One append-only, hash-chained audit log for every module that audits (notes access, governance, sign-in).

Each record carries its sequence number, the previous record's hash and its own: sha256 over the previous hash and
the record's fields. A head row holds the last sequence number and hash, so a missing last record shows too.
``append`` must be the first write of its transaction (it takes the head row's lock, then reads it), so appends are
serialised on SQLite and PostgreSQL alike. ``verify`` walks the chain and names the first record that breaks it."""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, insert, select, update

from primarycare.store import tables as t

GENESIS = "0" * 64
FIELDS = ("seq", "at", "user_id", "username", "role", "action", "patient_id", "subject", "reason", "outcome", "detail")


@dataclass(frozen=True)
class Record:
    action: str  # e.g. note.read, note.write, emergency_access, alert.review
    outcome: str  # granted, refused, written, ...
    user_id: int | None = None
    username: str = ""
    role: str = ""
    patient_id: int | None = None
    subject: str = ""
    reason: str = ""
    detail: dict | None = None


def _digest(previous: str, values: dict) -> str:
    text = "\x1f".join("" if values[f] is None else str(values[f]) for f in FIELDS)
    return hashlib.sha256(f"{previous}\x1e{text}".encode()).hexdigest()


def append(conn: Connection, record: Record, at: datetime | None = None) -> int:
    """Write the record as the next link of the chain, in the caller's transaction; returns its sequence number."""
    return append_many(conn, [(record, at or datetime.now(UTC))])


def append_many(conn: Connection, records: list[tuple[Record, datetime]]) -> int:
    """Records as the next links of the chain, in the caller's transaction and one insert; returns the last
    sequence number. The first statement writes the head row: it takes the lock before the head is read."""
    head = update(t.audit_head).where(t.audit_head.c.id == 1).values(seq=t.audit_head.c.seq)
    seq, previous = conn.execute(head.returning(t.audit_head.c.seq, t.audit_head.c.hash)).one()
    rows = []
    for record, at in records:
        seq += 1
        at = at.astimezone(UTC).replace(tzinfo=None)
        values = {
            "seq": seq,
            "at": at.isoformat(),
            "user_id": record.user_id,
            "username": record.username,
            "role": record.role,
            "action": record.action,
            "patient_id": record.patient_id,
            "subject": record.subject,
            "reason": record.reason,
            "outcome": record.outcome,
            "detail": json.dumps(record.detail, sort_keys=True, default=str) if record.detail else "",
        }
        previous_hash, previous = previous, _digest(previous, values)
        rows.append({**values, "at": at, "prev_hash": previous_hash, "hash": previous})
    if rows:
        conn.execute(insert(t.audit_event), rows)
        conn.execute(update(t.audit_head).where(t.audit_head.c.id == 1).values(seq=seq, hash=previous))
    return seq


@dataclass(frozen=True)
class Verdict:
    intact: bool
    records: int
    first_broken: int | None = None
    message: str = ""


def verify(engine: Engine) -> Verdict:
    """Walk the chain in sequence order; the first record whose number, link or hash is wrong breaks it."""
    expected_seq, previous, count = 1, GENESIS, 0
    columns = [t.audit_event.c[f] for f in FIELDS] + [t.audit_event.c.prev_hash, t.audit_event.c.hash]
    sha256 = hashlib.sha256
    with engine.connect() as conn:
        head = conn.execute(select(t.audit_head.c.seq, t.audit_head.c.hash).where(t.audit_head.c.id == 1)).first()
        rows = conn.execution_options(yield_per=20_000).execute(select(*columns).order_by(t.audit_event.c.seq))
        for row in rows:
            seq = row[0]
            if seq != expected_seq:
                what = "missing" if seq > expected_seq else "repeated"
                return Verdict(False, count, expected_seq, f"record {expected_seq} is {what} (found {seq})")
            if row[11] != previous:
                return Verdict(False, count, seq, f"record {seq} does not follow the one before")
            values = ["" if v is None else str(v) for v in row[:11]]
            values[1] = row[1].isoformat()
            if sha256((previous + "\x1e" + "\x1f".join(values)).encode()).hexdigest() != row[12]:
                return Verdict(False, count, seq, f"record {seq} was changed after it was written")
            previous, expected_seq, count = row[12], expected_seq + 1, count + 1
    if head is None:
        return Verdict(False, count, 1, "the chain's head is missing")
    if head.seq != count or head.hash != previous:
        return Verdict(False, count, count + 1, f"the chain ends at record {count} but its head says {head.seq}")
    return Verdict(True, count)


def trail(conn: Connection, *, patient_id: int | None = None, limit: int = 500) -> list[dict]:
    query = select(t.audit_event).order_by(t.audit_event.c.seq.desc()).limit(limit)
    if patient_id is not None:
        query = query.where(t.audit_event.c.patient_id == patient_id)
    return [dict(row._mapping) for row in conn.execute(query)]
