"""The payments inputs a commissioner gives for a year, kept as uploaded: England's national prevalence, the
practices' quarterly weighted lists, local PMS/APMS contracts, per-practice indices, and their own parameters, rates
and QOF income protection over the packaged ones (the files the payments commands take as options). One file of
each kind a year; every calculation the web app makes for that year uses them. Each upload and removal is a link
of the audit chain."""

import hashlib
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, delete, func, insert, select

from primarycare.access.roles import User
from primarycare.filenames import kept_name
from primarycare.store.audit import Record, append
from primarycare.store.payments_tables import payment_input

# kind -> what the file holds (its header); each kind is the payments.gather.Overrides field of the same name
KINDS = {
    "national_prevalence": "England's national prevalence by register: GROUP_CODE, PREVALENCE_PCT",
    "weighted_lists": "the practices' quarterly Carr-Hill weighted lists: PRACTICE_CODE, QUARTER_START, "
    "WEIGHTED_PATIENTS",
    "local_contracts": "PMS and APMS contract values: PRACTICE_CODE, CONTRACT_TYPE, BASIS, VALUE_GBP, "
    "OOH_DEDUCTION_PCT",
    "indices": "per-practice indices: PRACTICE_CODE and any of NEEDS, TURNOVER, CARE_HOMES, MARKET_FORCES, RURALITY",
    "parameters": "your own national parameters over the packaged ones: TOML, as payments/data/national.toml",
    "rates": "your own enhanced service rates: TOML, as payments/data/enhanced_services.toml",
    "protection": "QOF income protection: TOML, as payments/data/qof_protection.toml",
}


@dataclass(frozen=True)
class StoredInput:
    year: str
    kind: str
    file_name: str
    sha256: str
    uploaded_by: str
    uploaded_at: datetime
    size: int


def file_name(kind: str, given: str | None) -> str:
    """The name a file is kept under (filenames.kept_name), the kind's own name when it has none."""
    return kept_name(given, f"{kind}.{'toml' if kind in ('parameters', 'rates', 'protection') else 'csv'}")


def save_input(engine: Engine, year: str, kind: str, given_name: str, content: bytes, user: User) -> StoredInput:
    """Keep ``content`` as the year's file of this kind (replacing any before it), audited, in one transaction."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind of payments input {kind!r}; kinds: {', '.join(KINDS)}")
    name = file_name(kind, given_name)
    digest = hashlib.sha256(content).hexdigest()
    now = datetime.now(UTC).replace(tzinfo=None)
    with engine.begin() as conn:
        detail = {"file": name, "sha256": digest, "bytes": len(content)}
        append(conn, _record(user, "payments.input", "written", year, kind, detail))
        conn.execute(delete(payment_input).where(payment_input.c.year == year, payment_input.c.kind == kind))
        values = {"year": year, "kind": kind, "file_name": name, "content": content, "sha256": digest}
        conn.execute(insert(payment_input).values(**values, uploaded_by=user.username, uploaded_at=now))
    return StoredInput(year, kind, name, digest, user.username, now, len(content))


def remove_input(engine: Engine, year: str, kind: str, user: User) -> bool:
    """Forget the year's file of this kind (audited); False when there was none."""
    where = (payment_input.c.year == year, payment_input.c.kind == kind)
    with engine.begin() as conn:
        known = conn.execute(select(payment_input.c.file_name, payment_input.c.sha256).where(*where)).first()
        if known is None:
            return False
        detail = {"file": known.file_name, "sha256": known.sha256}
        append(conn, _record(user, "payments.input", "removed", year, kind, detail))
        conn.execute(delete(payment_input).where(*where))
    return True


def stored_inputs(engine: Engine, year: str) -> list[StoredInput]:
    """The year's files, in the order of KINDS (without their content)."""
    c = payment_input.c
    shown = (c.year, c.kind, c.file_name, c.sha256, c.uploaded_by, c.uploaded_at, func.length(c.content))
    with engine.connect() as conn:
        rows = conn.execute(select(*shown).where(c.year == year)).all()
    found = {row[1]: StoredInput(*row) for row in rows}
    return [found[kind] for kind in KINDS if kind in found]


def input_content(engine: Engine, year: str, kind: str) -> tuple[str, bytes] | None:
    """The year's file of this kind as kept: (file name, content), or None."""
    c = payment_input.c
    with engine.connect() as conn:
        row = conn.execute(select(c.file_name, c.content).where(c.year == year, c.kind == kind)).first()
    return None if row is None else (row.file_name, bytes(row.content))


@contextmanager
def input_files(
    engine: Engine, year: str | None, replacing: dict[str, tuple[str, bytes]] | None = None
) -> Iterator[dict]:
    """The year's files written to a folder under their own names (so a reader's error names the file): kind ->
    path, for as long as the block runs (no year: none). replacing: kind -> (file name, content) in place of the
    stored one."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(payment_input.c.kind, payment_input.c.file_name, payment_input.c.content).where(
                payment_input.c.year == year
            )
        ).all()
    files = {kind: (name, bytes(content)) for kind, name, content in rows} | (replacing or {})
    with tempfile.TemporaryDirectory(prefix="payment-inputs-") as folder:
        paths = {}
        for kind, (name, content) in files.items():
            path = Path(folder) / kind / file_name(kind, name)  # one folder per kind: two files may share a name
            path.parent.mkdir()
            path.write_bytes(content)
            paths[kind] = path
        yield paths


def _record(user: User, action: str, outcome: str, year: str, kind: str, detail: dict) -> Record:
    who = {"user_id": user.id, "username": user.username, "role": user.role}
    return Record(action=action, outcome=outcome, subject=f"{year} {kind}", detail=detail, **who)
