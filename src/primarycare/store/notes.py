"""Patients' special notes, emergency access, privacy alerts and post-event messages in the store. Every read
attempt and every write leaves exactly one audit record, written in the same transaction as what it records.
Write transactions start with a write (SQLite takes its lock at once); the reads that decide come just before."""

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import Connection, Engine, and_, func, insert, select, update

from primarycare.access.roles import User
from primarycare.store import tables as t
from primarycare.store.audit import Record, append
from primarycare.store.cases import from_db, to_db
from primarycare.urgentcare.notes import EMERGENCY_ACCESS, NoteDraft, ReadDecision, Relationship, decide_read


@dataclass(frozen=True)
class PatientRow:
    id: int
    nhs_number: str
    name: str
    birth_date: date | None
    practice_code: str


@dataclass(frozen=True)
class NotesRead:
    decision: ReadDecision
    patient: PatientRow | None
    notes: list[dict]
    audit_seq: int
    alert_id: int | None = None


def _who(user: User) -> dict:
    return {"user_id": user.id, "username": user.username, "role": user.role}


def find_patient(conn: Connection, nhs_number: str) -> PatientRow | None:
    row = conn.execute(select(t.patient).where(t.patient.c.nhs_number == nhs_number)).first()
    return PatientRow(row.id, row.nhs_number, row.name, row.birth_date, row.practice_code) if row else None


def patient_by_id(conn: Connection, patient_id: int) -> PatientRow | None:
    row = conn.execute(select(t.patient).where(t.patient.c.id == patient_id)).first()
    return PatientRow(row.id, row.nhs_number, row.name, row.birth_date, row.practice_code) if row else None


def _latest(conn: Connection, where) -> list[dict]:
    v, n = t.special_note_version.c, t.special_note.c
    query = (
        select(
            n.id,
            n.kind,
            n.patient_id,
            v.version,
            v.author_id,
            v.written_at,
            v.review_date,
            v.objection_to_sharing,
            v.content,
            t.app_user.c.username.label("author"),
        )
        .join(t.special_note_version, and_(v.note_id == n.id, v.version == n.current_version))
        .outerjoin(t.app_user, t.app_user.c.id == v.author_id)
        .where(where)
        .order_by(n.id)
    )
    return [
        {**dict(r._mapping), "content": json.loads(r.content), "written_at": from_db(r.written_at)}
        for r in conn.execute(query)
    ]


def note_exists(conn: Connection, nhs_numbers: list[str]) -> set[str]:
    """Which of these NHS numbers have special notes (a flag call handlers may see; no content)."""
    if not nhs_numbers:
        return set()
    query = (
        select(t.patient.c.nhs_number)
        .join(t.special_note, t.special_note.c.patient_id == t.patient.c.id)
        .where(t.patient.c.nhs_number.in_(nhs_numbers))
        .distinct()
    )
    return set(conn.execute(query).scalars())


def relationship(conn: Connection, user: User, nhs_number: str, now: datetime) -> Relationship:
    c = t.ooh_case.c
    assigned = False
    if user.role == "ooh_clinician":
        assigned = bool(
            conn.execute(
                select(c.id)
                .where(
                    c.nhs_number == nhs_number,
                    c.closed_at.is_(None),
                    c.assigned_to == user.id,
                    c.provider_code == user.provider_code,
                )
                .limit(1)
            ).first()
        )
    e = t.emergency_access.c
    until = conn.execute(
        select(func.max(e.expires_at))
        .join(t.patient, t.patient.c.id == e.patient_id)
        .where(e.user_id == user.id, t.patient.c.nhs_number == nhs_number)
    ).scalar()
    return Relationship(assigned, from_db(until))


def read_notes(engine: Engine, user: User, nhs_number: str, now: datetime, emergency_reason: str = "") -> NotesRead:
    """Decide, then write the audit record (and any emergency grant and alert); the notes only if granted."""
    with engine.connect() as conn:
        patient = find_patient(conn, nhs_number)
        rel = relationship(conn, user, nhs_number, now)
    practice = patient.practice_code if patient else ""
    decision = decide_read(user, practice, rel, now)
    emergency = False
    # a clinician who gives a reason asks for emergency access: to read at all, or to see what the patient objected
    # to sharing (a relationship alone does not show that)
    if emergency_reason and not decision.include_objected and user.role == "ooh_clinician" and patient is not None:
        emergency = True
        decision = ReadDecision(True, "emergency", include_objected=True)
    notes: list[dict] = []
    if decision.granted and patient is not None:
        with engine.connect() as conn:
            notes = _latest(conn, t.special_note.c.patient_id == patient.id)
        if not decision.include_objected:
            notes = [note for note in notes if not note["objection_to_sharing"]]
    alert_id = None
    with engine.begin() as conn:
        seq = append(
            conn,
            Record(
                action="note.emergency_read" if emergency else "note.read",
                outcome=("granted" if decision.granted else "refused") if patient else "no_notes",
                patient_id=patient.id if patient else None,
                subject=f"patient:{patient.id}" if patient else "",
                reason=emergency_reason.strip() if emergency else decision.basis,
                detail={"notes": [n["id"] for n in notes]} if notes else None,
                **_who(user),
            ),
            now,
        )
        if emergency:
            access_id = conn.execute(
                insert(t.emergency_access).values(
                    user_id=user.id,
                    patient_id=patient.id,
                    reason=emergency_reason.strip(),
                    granted_at=to_db(now),
                    expires_at=to_db(now + EMERGENCY_ACCESS),
                )
            ).inserted_primary_key[0]
            alert_id = conn.execute(
                insert(t.privacy_alert).values(
                    emergency_access_id=access_id,
                    user_id=user.id,
                    patient_id=patient.id,
                    reason=emergency_reason.strip(),
                    raised_at=to_db(now),
                )
            ).inserted_primary_key[0]
    return NotesRead(decision, patient, notes if patient else [], seq, alert_id)


def write_note(
    engine: Engine,
    user: User,
    draft: NoteDraft,
    *,
    patient: PatientRow | None,
    new_patient: dict | None = None,
    note_id: int | None = None,
    now: datetime | None = None,
) -> tuple[int, int]:
    """A new note (and patient, if new) or a new version of one; returns (note id, version)."""
    now = now or datetime.now(UTC)
    with engine.connect() as conn:
        current = None
        if note_id is not None:
            current = conn.execute(select(t.special_note).where(t.special_note.c.id == note_id)).first()
    with engine.begin() as conn:
        if current is None:
            if patient is None:
                patient_id = conn.execute(
                    insert(t.patient).values(**new_patient, created_at=to_db(now))
                ).inserted_primary_key[0]
            else:
                patient_id = patient.id
            note_id = conn.execute(
                insert(t.special_note).values(
                    patient_id=patient_id, kind=draft.kind, current_version=1, created_at=to_db(now)
                )
            ).inserted_primary_key[0]
            version = 1
        else:
            version = current.current_version + 1
            done = conn.execute(
                update(t.special_note)
                .where(t.special_note.c.id == note_id, t.special_note.c.current_version == current.current_version)
                .values(current_version=version)
            )
            if done.rowcount != 1:
                raise ValueError("the note changed while this was saved: reload it and try again")
            patient_id = current.patient_id
        conn.execute(
            insert(t.special_note_version).values(
                note_id=note_id,
                version=version,
                author_id=user.id,
                written_at=to_db(now),
                review_date=draft.review_date,
                objection_to_sharing=draft.objection_to_sharing,
                content=json.dumps(draft.content, sort_keys=True),
            )
        )
        append(
            conn,
            Record(
                action="note.write",
                outcome="written",
                patient_id=patient_id,
                subject=f"note:{note_id}",
                detail={"version": version, "kind": draft.kind},
                **_who(user),
            ),
            now,
        )
    return note_id, version


def note_versions(conn: Connection, note_id: int) -> tuple[dict | None, list[dict]]:
    note = conn.execute(select(t.special_note).where(t.special_note.c.id == note_id)).first()
    if note is None:
        return None, []
    v = t.special_note_version.c
    rows = conn.execute(
        select(t.special_note_version, t.app_user.c.username.label("author"))
        .outerjoin(t.app_user, t.app_user.c.id == v.author_id)
        .where(v.note_id == note_id)
        .order_by(v.version.desc())
    )
    versions = [
        {**dict(r._mapping), "content": json.loads(r.content), "written_at": from_db(r.written_at)} for r in rows
    ]
    return dict(note._mapping), versions


def practice_notes(conn: Connection, practice_code: str) -> list[dict]:
    query_where = t.special_note.c.patient_id.in_(
        select(t.patient.c.id).where(t.patient.c.practice_code == practice_code)
    )
    notes = _latest(conn, query_where)
    patients = {r.id: r for r in conn.execute(select(t.patient).where(t.patient.c.practice_code == practice_code))}
    for note in notes:
        p = patients[note["patient_id"]]
        note.update(nhs_number=p.nhs_number, patient_name=p.name)
    return notes


def log_note_access(engine: Engine, user: User, action: str, outcome: str, patient_id: int | None, reason: str):
    """An audit record for a note page read or refused outside read_notes (e.g. the practice's own pages)."""
    with engine.begin() as conn:
        return append(
            conn,
            Record(
                action=action,
                outcome=outcome,
                patient_id=patient_id,
                subject=f"patient:{patient_id}" if patient_id else "",
                reason=reason,
                **_who(user),
            ),
        )


def alerts(conn: Connection) -> list[dict]:
    a = t.privacy_alert.c
    query = (
        select(t.privacy_alert, t.app_user.c.username, t.app_user.c.role)
        .outerjoin(t.app_user, t.app_user.c.id == a.user_id)
        .order_by(a.reviewed_at.is_not(None), a.raised_at)
    )
    return [
        {**dict(r._mapping), "raised_at": from_db(r.raised_at), "reviewed_at": from_db(r.reviewed_at)}
        for r in conn.execute(query)
    ]


def review_alert(engine: Engine, user: User, alert_id: int, outcome: str, comment: str, now: datetime) -> None:
    with engine.begin() as conn:
        done = conn.execute(
            update(t.privacy_alert)
            .where(t.privacy_alert.c.id == alert_id, t.privacy_alert.c.reviewed_at.is_(None))
            .values(reviewed_at=to_db(now), reviewed_by=user.id, outcome=outcome, comment=comment)
        )
        if done.rowcount != 1:
            raise LookupError(f"no open alert {alert_id}")
        patient_id = conn.execute(select(t.privacy_alert.c.patient_id).where(t.privacy_alert.c.id == alert_id)).scalar()
        append(
            conn,
            Record(
                action="alert.review",
                outcome=outcome,
                patient_id=patient_id,
                subject=f"alert:{alert_id}",
                reason=comment,
                **_who(user),
            ),
            now,
        )


# Post-event messages: stored with the case's close (store.cases.record_event), read by the practice.


def inbox(conn: Connection, practice_code: str, *, since: date | None = None, until: date | None = None) -> list[dict]:
    m = t.post_event_message.c
    query = (
        select(
            t.post_event_message,
            t.ooh_case.c.case_ref,
            t.ooh_case.c.patient_name,
            t.ooh_case.c.outcome,
            t.ooh_case.c.closed_at,
        )
        .join(t.ooh_case, t.ooh_case.c.id == m.case_id)
        .where(m.practice_code == practice_code)
        .order_by(m.read_at.is_not(None), m.delivered_at.desc())
    )
    if since:
        query = query.where(m.delivered_at >= datetime.combine(since, datetime.min.time()))
    if until:
        query = query.where(m.delivered_at < datetime.combine(until, datetime.max.time()))
    rows = []
    for r in conn.execute(query):
        row = dict(r._mapping)
        for key in ("delivered_at", "read_at", "acknowledged_at", "closed_at"):
            row[key] = from_db(row[key])
        row["bundle"] = json.loads(row["bundle"])
        rows.append(row)
    return rows


def mark_message(engine: Engine, practice_code: str, message_id: int, what: str, now: datetime) -> bool:
    m = t.post_event_message.c
    values = {"read_at": func.coalesce(m.read_at, to_db(now))}
    if what == "acknowledged":
        values["acknowledged_at"] = func.coalesce(m.acknowledged_at, to_db(now))
    with engine.begin() as conn:
        done = conn.execute(
            update(t.post_event_message).where(m.id == message_id, m.practice_code == practice_code).values(**values)
        )
    return done.rowcount == 1
