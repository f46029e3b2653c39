"""Special notes, post-event messages and privacy alerts with the roles applied; shared by pages and API."""

from datetime import UTC, date, datetime

from fastapi import HTTPException
from sqlalchemy import Engine

from primarycare.access.roles import User
from primarycare.store import notes as store
from primarycare.store.audit import trail
from primarycare.urgentcare.case import EventRefused
from primarycare.urgentcare.intake import check_nhs_number
from primarycare.urgentcare.notes import (
    OVERDUE_ALERT,
    REVIEW_OUTCOMES,
    NoteDraft,
    NoteRefused,
    check_reason,
    decide_read,
)


def _nhs(value: str) -> str:
    try:
        number = check_nhs_number(value)
    except EventRefused as bad:
        raise HTTPException(422, f"{bad.field}: {bad}") from None
    if number is None:
        raise HTTPException(422, "nhs_number: required")
    return number


def read(engine: Engine, user: User, nhs_number: str, emergency_reason: str = "") -> dict:
    """The patient's notes if the user may read them now; every attempt is audited, refusals too."""
    number = _nhs(nhs_number)
    if emergency_reason:
        try:
            check_reason(emergency_reason)
        except NoteRefused as bad:
            raise HTTPException(422, f"{bad.field}: {bad}") from None
    result = store.read_notes(engine, user, number, datetime.now(UTC), emergency_reason)
    if result.patient is None:
        raise HTTPException(404, "no special notes are held for this patient")
    if not result.decision.granted:
        raise HTTPException(403, result.decision.basis)
    p = result.patient
    return {
        "patient": {"id": p.id, "nhs_number": p.nhs_number, "name": p.name, "birth_date": p.birth_date,
                    "practice_code": p.practice_code},
        "basis": result.decision.basis,
        "alert": result.alert_id,
        "audit_seq": result.audit_seq,  # the audit record of this read
        "notes": result.notes,
    }  # fmt: skip


def write(
    engine: Engine,
    user: User,
    nhs_number: str,
    *,
    kind: str,
    content: dict,
    review_date: date,
    objection_to_sharing: bool,
    name: str = "",
    birth_date: date | None = None,
    note_id: int | None = None,
) -> dict:
    if user.role != "practice_user":
        raise HTTPException(403, "only the patient's practice writes special notes")
    number = _nhs(nhs_number)
    try:
        draft = NoteDraft(kind, {k: str(v) for k, v in content.items()}, review_date, objection_to_sharing)
    except NoteRefused as bad:
        raise HTTPException(422, f"{bad.field}: {bad}") from None
    with engine.connect() as conn:
        patient = store.find_patient(conn, number)
        if note_id is not None:
            note, _ = store.note_versions(conn, note_id)
            if note is None or patient is None or note["patient_id"] != patient.id:
                raise HTTPException(404, f"no note {note_id} for this patient")
    if patient is not None and patient.practice_code != user.practice_code:
        store.log_note_access(engine, user, "note.write", "refused", patient.id, "not the patient's practice")
        raise HTTPException(403, "this patient is registered with another practice")
    if patient is None and not name.strip():
        raise HTTPException(422, "name: a new patient needs a name")
    new_patient = {"nhs_number": number, "name": name.strip(), "birth_date": birth_date,
                   "practice_code": user.practice_code}  # fmt: skip
    try:
        found_id, version = store.write_note(
            engine, user, draft, patient=patient, new_patient=new_patient, note_id=note_id
        )
    except ValueError as conflict:
        raise HTTPException(409, str(conflict)) from None
    return {"note_id": found_id, "version": version}


def practice_notes(engine: Engine, user: User) -> dict:
    if user.role != "practice_user":
        raise HTTPException(403, "special notes are the practice's")
    today = datetime.now(UTC).date()
    with engine.connect() as conn:
        notes = store.practice_notes(conn, user.practice_code)
    store.log_note_access(engine, user, "note.list", "granted", None, f"practice {user.practice_code} notes page")
    return {"notes": notes, "overdue": [n for n in notes if n["review_date"] < today], "today": today}


def note_history(engine: Engine, user: User, note_id: int) -> dict:
    if user.role != "practice_user":
        raise HTTPException(403, "special notes are the practice's")
    with engine.connect() as conn:
        note, versions = store.note_versions(conn, note_id)
        patient = store.patient_by_id(conn, note["patient_id"]) if note else None
    if patient is None or patient.practice_code != user.practice_code:
        store.log_note_access(engine, user, "note.history", "refused", patient.id if patient else None, "")
        raise HTTPException(404, f"no note {note_id} at your practice")
    store.log_note_access(engine, user, "note.history", "granted", patient.id, f"note {note_id} versions")
    return {"note": note, "versions": versions, "patient": patient}


def messages(engine: Engine, user: User, practice_code: str, since: date | None, until: date | None) -> list[dict]:
    if user.role != "practice_user" or user.practice_code != practice_code:
        raise HTTPException(403, "a practice sees only its own inbox")
    with engine.connect() as conn:
        return store.inbox(conn, practice_code, since=since, until=until)


def mark(engine: Engine, user: User, message_id: int, what: str) -> None:
    if user.role != "practice_user":
        raise HTTPException(403, "a practice sees only its own inbox")
    if what not in ("read", "acknowledged") or not store.mark_message(
        engine, user.practice_code, message_id, what, datetime.now(UTC)
    ):
        raise HTTPException(404, f"no message {message_id} in your inbox")


def alerts(engine: Engine, user: User) -> dict:
    if user.role != "privacy_officer":
        raise HTTPException(403, "alerts are for the privacy officer")
    now = datetime.now(UTC)
    with engine.connect() as conn:
        found = store.alerts(conn)
    for alert in found:
        alert["overdue"] = alert["reviewed_at"] is None and now - alert["raised_at"] > OVERDUE_ALERT
    return {"alerts": found, "now": now}


def review(engine: Engine, user: User, alert_id: int, outcome: str, comment: str) -> None:
    if user.role != "privacy_officer":
        raise HTTPException(403, "alerts are for the privacy officer")
    if outcome not in REVIEW_OUTCOMES:
        raise HTTPException(422, f"outcome: one of {', '.join(REVIEW_OUTCOMES)}")
    if not comment.strip():
        raise HTTPException(422, "comment: say why")
    try:
        store.review_alert(engine, user, alert_id, outcome, comment.strip(), datetime.now(UTC))
    except LookupError as missing:
        raise HTTPException(404, str(missing)) from None


def patient_trail(engine: Engine, user: User, patient_id: int) -> dict:
    if user.role != "privacy_officer":
        raise HTTPException(403, "the audit trail is for the privacy officer")
    with engine.connect() as conn:
        patient = store.patient_by_id(conn, patient_id)
        if patient is None:
            raise HTTPException(404, f"no patient {patient_id}")
        records = trail(conn, patient_id=patient_id)
    return {"patient": patient, "records": records}


def for_case(engine: Engine, user: User, case: dict) -> dict:
    """What a case page shows of the patient's notes: a flag for call handlers; the notes (an audited read) for a
    clinician with a live relationship or emergency access; otherwise the flag and the emergency-access form."""
    nhs_number = (case.get("patient") or {}).get("nhs_number")
    if not nhs_number:
        return {"exist": False}
    now = datetime.now(UTC)
    with engine.connect() as conn:
        if not store.note_exists(conn, [nhs_number]):
            return {"exist": False}
        relationship = store.relationship(conn, user, nhs_number, now)
    if user.role == "ooh_clinician" and decide_read(user, "", relationship, now).granted:
        return {"exist": True, "shown": read(engine, user, nhs_number)}
    return {"exist": True, "shown": None, "can_emergency": user.role == "ooh_clinician"}
