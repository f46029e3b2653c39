"""Out-of-hours providers and cases in the store. Instants go in as naive UTC and come out aware; every write is
one transaction, and an event is written only if the case has not changed since it was read (optimistic check)."""

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields, replace
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, false, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from primarycare.store import tables as t
from primarycare.urgentcare.case import Case, Event, Patient, record
from primarycare.urgentcare.clocks import next_deadline
from primarycare.urgentcare.rules import Targets

CASE_FIELDS = [f.name for f in fields(Case) if f.name not in ("ref", "patient")]
INSTANTS = {
    "received_at",
    "passed_at",
    "answered_at",
    "transfer_999_at",
    "assessment_started_at",
    "priority_set_at",
    "face_to_face_booked_at",
    "face_to_face_started_at",
    "assigned_at",
    "closed_at",
    "message_delivered_at",
}


class CaseConflict(RuntimeError):
    """The case changed between reading it and writing the event (someone else recorded one): read it again."""


class UnknownProvider(LookupError):
    pass


@dataclass(frozen=True)
class Provider:
    code: str
    name: str
    commissioners: tuple[str, ...]
    bases: tuple[str, ...]


@dataclass(frozen=True)
class StoredCase:
    id: int
    version: int
    case: Case


def to_db(instant: datetime | None) -> datetime | None:
    return None if instant is None else instant.astimezone(UTC).replace(tzinfo=None)


def from_db(value: datetime | None) -> datetime | None:
    return None if value is None else value.replace(tzinfo=UTC)


def add_provider(
    engine: Engine, code: str, name: str, commissioners: Iterable[str], bases: Iterable[str] = ()
) -> Provider:
    commissioners, bases = tuple(dict.fromkeys(commissioners)), tuple(dict.fromkeys(bases))
    with engine.begin() as conn:
        known = set(conn.execute(select(t.commissioner.c.code).distinct()).scalars())
        for commissioner in commissioners:
            if commissioner not in known:
                raise ValueError(f"no commissioner {commissioner} in the loaded economy")
        if conn.execute(select(t.ooh_provider.c.code).where(t.ooh_provider.c.code == code)).first():
            raise ValueError(f"provider {code} exists already")
        conn.execute(insert(t.ooh_provider).values(code=code, name=name, created_at=to_db(datetime.now(UTC))))
        for commissioner in commissioners:
            conn.execute(insert(t.ooh_provider_commissioner).values(provider_code=code, commissioner_code=commissioner))
        for base in bases:
            conn.execute(insert(t.ooh_base).values(provider_code=code, name=base))
    return Provider(code, name, commissioners, bases)


def providers(conn: Connection) -> list[Provider]:
    links = conn.execute(select(t.ooh_provider_commissioner).order_by(t.ooh_provider_commissioner.c.commissioner_code))
    bases = conn.execute(select(t.ooh_base).order_by(t.ooh_base.c.name))
    served: dict[str, list[str]] = {}
    for row in links:
        served.setdefault(row.provider_code, []).append(row.commissioner_code)
    sites: dict[str, list[str]] = {}
    for row in bases:
        sites.setdefault(row.provider_code, []).append(row.name)
    rows = conn.execute(select(t.ooh_provider).order_by(t.ooh_provider.c.code))
    return [Provider(r.code, r.name, tuple(served.get(r.code, ())), tuple(sites.get(r.code, ()))) for r in rows]


def provider(conn: Connection, code: str) -> Provider:
    for found in providers(conn):
        if found.code == code:
            return found
    raise UnknownProvider(f"no OOH provider {code}")


def known_practices(conn: Connection, codes: Iterable[str]) -> set[str]:
    """Which of ``codes`` are practices of any loaded year."""
    wanted = list(set(codes))
    found: set[str] = set()
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        found |= set(conn.execute(select(t.practice.c.code).where(t.practice.c.code.in_(chunk)).distinct()).scalars())
    return found


def practice_name(conn: Connection, code: str) -> str:
    """The practice's name in the latest loaded year it appears in."""
    query = (
        select(t.practice.c.name)
        .join(t.period, t.period.c.id == t.practice.c.period_id)
        .where(t.practice.c.code == code)
        .order_by(t.period.c.year.desc())
        .limit(1)
    )
    return conn.execute(query).scalar() or code


def _values(case: Case, targets: Targets) -> dict:
    values = {name: getattr(case, name) for name in CASE_FIELDS}
    values["next_deadline"] = next_deadline(case, targets)
    values = {k: to_db(v) if k in INSTANTS else v for k, v in values.items()}
    p = case.patient
    values.update(
        case_ref=case.ref,
        nhs_number=p.nhs_number,
        patient_name=p.name,
        birth_date=p.birth_date,
        sex=p.sex,
        postcode=p.postcode,
        symptoms=case.symptoms,
    )
    return values


def _case(row) -> StoredCase:
    m = row._mapping
    patient = Patient(m["nhs_number"], m["patient_name"], m["birth_date"], m["sex"], m["postcode"])
    values = {name: from_db(m[name]) if name in INSTANTS else m[name] for name in CASE_FIELDS}
    return StoredCase(m["id"], m["version"], Case(ref=m["case_ref"], patient=patient, **values))


def insert_cases(engine: Engine, cases: list[Case], targets: Targets, *, user_id: int | None = None) -> list[int]:
    """Write new cases (and an 'opened' event each) in one transaction; a repeated reference writes nothing."""
    now = to_db(datetime.now(UTC))
    if not cases:
        return []
    rows = [{**_values(case, targets), "version": 1} for case in cases]
    try:
        with engine.begin() as conn:
            returning = insert(t.ooh_case).returning(t.ooh_case.c.id, sort_by_parameter_order=True)
            ids = list(conn.execute(returning, rows).scalars())
            opened = [
                {"case_id": i, "kind": "opened", "at": row["received_at"], "user_id": user_id, "recorded_at": now}
                for i, row in zip(ids, rows, strict=True)
            ]
            conn.execute(insert(t.ooh_case_event), opened)
    except IntegrityError:
        raise ValueError("a case with that reference exists already for this provider") from None
    return ids


def get_case(conn: Connection, case_id: int) -> StoredCase | None:
    row = conn.execute(select(t.ooh_case).where(t.ooh_case.c.id == case_id)).first()
    return _case(row) if row else None


def record_event(
    engine: Engine,
    case_id: int,
    event: Event,
    now: datetime,
    targets: Targets,
    *,
    message: Callable[[Case], dict] | None = None,
    attempts: int = 3,
) -> StoredCase:
    """Apply the event through the domain's rules and write it, unless the case changed meanwhile (then read it
    again and retry, a few times). The write transaction starts with its write, so SQLite takes its lock at once
    (waiting its turn) instead of failing to upgrade a read."""
    for _ in range(attempts):
        with engine.connect() as conn:
            stored = get_case(conn, case_id)
        if stored is None:
            raise LookupError(f"no case {case_id}")
        changed = record(stored.case, event, now)
        bundle = None
        if message is not None and event.kind == "closed":
            bundle = message(changed)  # built and validated before anything is written
            changed = replace(changed, message_delivered_at=now)
        before = _values(stored.case, targets)
        values = {k: v for k, v in _values(changed, targets).items() if v != before[k]}
        with engine.begin() as conn:
            result = conn.execute(
                update(t.ooh_case)
                .where(t.ooh_case.c.id == case_id, t.ooh_case.c.version == stored.version)
                .values(**values, version=stored.version + 1)
            )
            if result.rowcount != 1:
                continue
            conn.execute(
                insert(t.ooh_case_event).values(
                    case_id=case_id,
                    kind=event.kind,
                    at=to_db(event.at),
                    value=event.value,
                    user_id=event.user_id,
                    recorded_at=to_db(now),
                )
            )
            if bundle is not None:
                conn.execute(
                    insert(t.post_event_message).values(
                        case_id=case_id,
                        practice_code=changed.practice_code,
                        bundle=json.dumps(bundle),
                        delivered_at=to_db(now),
                    )
                )
        return StoredCase(case_id, stored.version + 1, changed)
    raise CaseConflict("the case changed while this was recorded: reload it and try again")


def case_events(conn: Connection, case_id: int) -> list[dict]:
    query = (
        select(t.ooh_case_event, t.app_user.c.username)
        .outerjoin(t.app_user, t.app_user.c.id == t.ooh_case_event.c.user_id)
        .where(t.ooh_case_event.c.case_id == case_id)
        .order_by(t.ooh_case_event.c.at, t.ooh_case_event.c.id)
    )
    return [
        {**dict(r._mapping), "at": from_db(r.at), "recorded_at": from_db(r.recorded_at)} for r in conn.execute(query)
    ]


def find_cases(
    conn: Connection,
    provider_codes: Iterable[str] | None,
    *,
    status: str | None = None,
    received_from: datetime | None = None,
    received_before: datetime | None = None,
    limit: int | None = None,
) -> list[StoredCase]:
    """Cases of the given providers (None: every provider), open or closed, received in a window."""
    c = t.ooh_case.c
    query = select(t.ooh_case)
    if provider_codes is not None:
        query = query.where(c.provider_code.in_(list(provider_codes)))
    if status == "open":
        query = query.where(c.closed_at.is_(None))
    elif status == "closed":
        query = query.where(c.closed_at.is_not(None))
    if received_from is not None:
        query = query.where(c.received_at >= to_db(received_from))
    if received_before is not None:
        query = query.where(c.received_at < to_db(received_before))
    query = query.order_by(c.received_at, c.id)
    if limit is not None:
        query = query.limit(limit)
    return [_case(row) for row in conn.execute(query)]


def insert_messages(engine: Engine, messages: list[tuple[int, str, dict, datetime]]) -> None:
    """Post-event messages (case id, practice, FHIR Bundle, delivered at) written outside a close, e.g. the demo's."""
    if not messages:
        return
    rows = [
        {"case_id": i, "practice_code": p, "bundle": json.dumps(b), "delivered_at": to_db(at)}
        for i, p, b, at in messages
    ]
    with engine.begin() as conn:
        conn.execute(insert(t.post_event_message), rows)


def queue_cases(
    conn: Connection, provider_code: str, *, base: str = "", priority: str = "", waiting: str = "", limit: int = 50
) -> tuple[list[StoredCase], int, int]:
    """(the open cases with the nearest deadlines, how many match the filters, how many are open)."""
    c = t.ooh_case.c
    open_cases = [c.provider_code == provider_code, c.closed_at.is_(None)]
    filters = list(open_cases)
    if base:
        filters.append(c.base == base)
    if priority:
        filters.append(func.coalesce(c.priority_set, c.dx_priority) == priority)
    if waiting == "assessment":
        filters += [c.assessment_started_at.is_(None), c.transfer_999_at.is_(None)]
    elif waiting == "face_to_face":
        filters += [c.face_to_face_booked_at.is_not(None), c.face_to_face_started_at.is_(None)]
    elif waiting:
        filters.append(false())
    query = select(t.ooh_case).where(*filters).order_by(c.next_deadline.is_(None), c.next_deadline, c.id)
    rows = [_case(row) for row in conn.execute(query.limit(limit))]
    matching = conn.execute(select(func.count()).select_from(t.ooh_case).where(*filters)).scalar_one()
    total = conn.execute(select(func.count()).select_from(t.ooh_case).where(*open_cases)).scalar_one()
    return rows, matching, total


def case_count(conn: Connection) -> int:
    return conn.execute(select(func.count()).select_from(t.ooh_case)).scalar_one()
