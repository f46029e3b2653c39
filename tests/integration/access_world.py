"""A small economy with something behind every route: the demo's users (one per role, and a second practice user),
OOH cases, special notes, an emergency read and its privacy alert, post-event messages, governance meetings and
decisions, contracts and actions, measures, a grouping and a subscription. The access matrix and the fuzzer use it
to fill each route's path parameters with real ids, so a refusal means the role was refused, not the id unknown."""

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from primarycare.access.roles import User
from primarycare.demo import (
    DEMO_PASSWORD,
    create_demo_cases,
    create_demo_notes,
    create_demo_providers,
    create_demo_users,
    demo_lead,
)
from primarycare.demo_governance import create_demo_governance
from primarycare.demo_measures import create_demo_contracts
from primarycare.ingest.folder import read_folder
from primarycare.store import tables as t
from primarycare.store.engine import make_engine
from primarycare.store.groupings import save_grouping
from primarycare.store.load import save_economy
from primarycare.store.migrate import upgrade
from primarycare.store.notes import read_notes
from primarycare.store.users import user_id

ANONYMOUS = "anonymous"


@dataclass(frozen=True)
class World:
    url: str
    usernames: dict[str, str]  # role -> the user who plays it
    params: dict[str, str]  # path parameter -> a real value the first practice user's practice owns or may see
    other_practice: str  # a practice the practice user is not


def _first(conn, column, *where) -> str:
    value = conn.execute(select(column).where(*where).order_by(column).limit(1)).scalar()
    assert value is not None, f"the world has no {column}"
    return str(value)


def build_world(folder: Path, synth: Path, url: str | None = None) -> World:
    """The world in `url` (a new SQLite file under `folder` unless given)."""
    url = url or f"sqlite:///{folder / 'world.db'}"
    engine = make_engine(url)
    upgrade(engine)
    save_economy(engine, read_folder(synth))
    users = create_demo_users(engine)
    now = datetime.now(UTC)
    create_demo_cases(engine, seed=3, now=now)
    create_demo_notes(engine, users, seed=3, now=now)
    meetings = create_demo_governance(
        engine, demo_lead(engine), create_demo_providers(engine), member_user=user_id(engine, "practice")
    )
    create_demo_contracts(engine, meetings)
    own = next(practice for name, _, practice in users if name == "practice")
    other = next(practice for name, _, practice in users if name == "practice2")
    commissioner = User(user_id(engine, "commissioner"), "commissioner", "commissioner")
    save_grouping(engine, commissioner.id, "Access matrix group", [own, other])
    with engine.connect() as conn:
        nhs = _first(conn, t.patient.c.nhs_number, t.patient.c.practice_code == own)
    clinician = User(user_id(engine, "clinician"), "clinician", "ooh_clinician", provider_code="OOH01")
    read_notes(engine, clinician, nhs, now, emergency_reason="Unconscious, no relative present")
    with engine.connect() as conn:
        c = t.ooh_case.c
        patient = int(_first(conn, t.patient.c.id, t.patient.c.nhs_number == nhs))
        params = {
            "code": own,
            "ods": own,
            "nhs_number": nhs,
            "case_id": _first(conn, c.id, c.provider_code == "OOH01", c.closed_at.is_(None)),
            "note_id": _first(conn, t.special_note.c.id, t.special_note.c.patient_id == patient),
            "message_id": _first(conn, t.post_event_message.c.id, t.post_event_message.c.practice_code == own),
            "alert_id": _first(conn, t.privacy_alert.c.id),
            "patient_id": str(patient),
            "meeting_id": str(meetings[0]),
            "committee_id": _first(conn, t.gov_meeting.c.committee_id, t.gov_meeting.c.id == meetings[0]),
            "person_id": _first(conn, t.gov_person.c.id, t.gov_person.c.user_id == user_id(engine, "practice")),
            "commissioner_code": _first(conn, t.practice.c.commissioner_code, t.practice.c.code == own),
            "item_id": _first(conn, t.gov_item.c.id, t.gov_item.c.meeting_id == meetings[0]),
            "decision_id": _first(conn, t.gov_decision.c.id),
            "measure_id": _first(conn, t.measure_value.c.measure),
            "grouping_id": _first(conn, t.grouping.c.id),
            "subscription_id": _first(conn, t.alert_subscription.c.id),
            "action_id": _first(conn, t.contract_action.c.id),
            "job_id": "0" * 32,  # no simulation has run: every role that may look gets 404
            "kind": "practice",
            "table": "compare",
            "register": "interests",
        }
    engine.dispose()
    usernames = {role: name for name, role, _ in users if name not in ("clinician2", "practice2")}
    return World(url=url, usernames=usernames, params=params, other_practice=other)


PASSWORD = DEMO_PASSWORD


def fresh_case(url: str, practice_code: str, nhs_number: str) -> int:
    """A new 111 case for the first provider, not yet answered: the next event on it is the call answered."""
    from primarycare.store.cases import insert_cases
    from primarycare.urgentcare.case import Case, Patient
    from primarycare.urgentcare.intake import new_ref
    from primarycare.urgentcare.rules import load_rules

    rules = load_rules()
    now = datetime.now(UTC)
    case = Case(
        ref=new_ref(now),
        provider_code="OOH01",
        source="111",
        patient=Patient(nhs_number, "Matrix Patient", datetime(1950, 1, 1).date(), "female"),
        practice_code=practice_code,
        dx_code="Dx117",
        dx_priority=rules.disposition("Dx117").priority,
        received_at=now,
    )
    engine = make_engine(url)
    try:
        return insert_cases(engine, [case], rules.targets_for(("",)))[0]
    finally:
        engine.dispose()


def fresh_action(url: str, practice_code: str) -> int:
    """A new variation being agreed with the practice: it may be marked responded."""
    from datetime import date, timedelta

    from primarycare.economy.contracts import Action
    from primarycare.store.contracts import add_action

    engine = make_engine(url)
    try:
        commissioner = User(user_id(engine, "commissioner"), "commissioner", "commissioner")
        with engine.connect() as conn:
            code = _first(conn, t.practice.c.commissioner_code, t.practice.c.code == practice_code)
        today = date.today()
        action = Action(practice_code, "variation", "Hours", "Matrix", today, today + timedelta(days=10))
        return add_action(engine, commissioner, action, code)
    finally:
        engine.dispose()


def fresh_input(url: str, practice_code: str) -> dict:
    """Indices kept for the latest year: they may be read and removed. The kind is the path's."""
    from primarycare.store.economy import loaded_years
    from primarycare.store.payment_inputs import save_input

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            year = loaded_years(conn)[-1]
        admin = User(user_id(engine, "admin"), "admin", "admin")
        save_input(
            engine, year, "indices", "indices.csv", f"PRACTICE_CODE,NEEDS\n{practice_code},1.02\n".encode(), admin
        )
        return {"kind": "indices"}
    finally:
        engine.dispose()


def fresh_item(url: str, meeting_id: str, practice_code: str) -> int:
    """A new open agenda item about a practice at the meeting: it may be deferred, attended and decided."""
    from primarycare.store.governance import add_item

    engine = make_engine(url)
    try:
        return add_item(engine, None, int(meeting_id), "Matrix item", "practice", practice_code)
    finally:
        engine.dispose()
