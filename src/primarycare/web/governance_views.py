"""Governance pages' content with the roles applied: the governance lead runs meetings; anyone sees what is
published. Items' subjects are resolved against the loaded economy (a scheme's subject is every member practice)."""

from datetime import UTC, datetime
from pathlib import Path

from fastapi import HTTPException
from sqlalchemy import Engine, select

from primarycare.access.roles import User
from primarycare.governance.conflicts import load_policy
from primarycare.governance.decisions import Inquorate
from primarycare.governance.model import Gift, GovernanceError, Interest, Person, Subject
from primarycare.governance.registers import (
    gift_response,
    is_late,
    load_thresholds,
    overdue_declarations,
    published,
)
from primarycare.governance.subjects import resolve_subject
from primarycare.store import governance as store
from primarycare.store import tables as t
from primarycare.store.economy import read_economy

LEADS = ("governance_lead", "admin")
INTEREST_FIELDS = (
    "person_id",
    "type",
    "organisation_kind",
    "organisation_code",
    "description",
    "start",
    "declared_on",
    "end",
)
GIFT_FIELDS = (
    "person_id",
    "organisation_kind",
    "organisation_code",
    "kind",
    "value_gbp",
    "received_on",
    "description",
    "from_supplier",
)


def require_lead(user: User) -> None:
    if user.role not in LEADS:
        raise HTTPException(403, "meetings are run by the governance lead")


def resolve(engine: Engine, kind: str, code: str, schemes_dir: str) -> Subject:
    try:
        return resolve_subject(kind, code, read_economy(engine), Path(schemes_dir))
    except (GovernanceError, ValueError) as bad:
        raise HTTPException(422, str(bad)) from None


def overview(engine: Engine, user: User) -> dict:
    require_lead(user)
    with engine.connect() as conn:
        committees = conn.execute(select(t.gov_committee).order_by(t.gov_committee.c.id)).all()
        meetings = conn.execute(select(t.gov_meeting).order_by(t.gov_meeting.c.held_on.desc())).all()
    return {"committees": committees, "meetings": meetings}


def meeting(engine: Engine, user: User, meeting_id: int, schemes_dir: str) -> dict:
    require_lead(user)
    policy = load_policy()
    economy = read_economy(engine)  # once for every item's subject
    with engine.connect() as conn:
        found = conn.execute(select(t.gov_meeting).where(t.gov_meeting.c.id == meeting_id)).first()
        if found is None:
            raise HTTPException(404, f"no meeting {meeting_id}")
        items = conn.execute(select(t.gov_item).where(t.gov_item.c.meeting_id == meeting_id).order_by(t.gov_item.c.id))
        states = []
        for item in items.all():
            try:
                subject = resolve_subject(item.subject_kind, item.subject_code, economy, Path(schemes_dir))
            except (GovernanceError, ValueError) as bad:
                raise HTTPException(422, str(bad)) from None
            states.append(store.item_state(conn, item.id, subject, policy))
    return {"meeting": found, "items": states}


def _item_subject(engine: Engine, item_id: int, schemes_dir: str) -> Subject:
    with engine.connect() as conn:
        item = conn.execute(select(t.gov_item).where(t.gov_item.c.id == item_id)).first()
    if item is None:
        raise HTTPException(404, f"no agenda item {item_id}")
    return resolve(engine, item.subject_kind, item.subject_code, schemes_dir)


def attendance(engine: Engine, user: User, item_id: int, present: set[int], actions: dict[int, str]) -> None:
    require_lead(user)
    with engine.connect() as conn:
        members = conn.execute(
            select(t.gov_attendance.c.person_id).where(t.gov_attendance.c.item_id == item_id)
        ).scalars()
        member_ids = list(members)
    for person_id in member_ids:
        action = actions.get(person_id, "none")
        if action not in ("none", "discuss_not_vote", "leave_room"):
            raise HTTPException(422, f"action for member {person_id}: none, discuss_not_vote or leave_room")
        store.set_attendance(engine, user, item_id, person_id, person_id in present, action)


def decide(engine: Engine, user: User, item_id: int, votes: dict[int, str], text: str, schemes_dir: str) -> int:
    require_lead(user)
    if not text.strip():
        raise HTTPException(422, "decision: say what was decided")
    subject = _item_subject(engine, item_id, schemes_dir)
    try:
        return store.record_decision(engine, user, item_id, subject, load_policy(), votes, text.strip())
    except Inquorate as inquorate:
        raise HTTPException(409, str(inquorate)) from None
    except GovernanceError as refused:
        raise HTTPException(422, str(refused)) from None


def set_status(engine: Engine, user: User, item_id: int, status: str) -> None:
    require_lead(user)
    try:
        store.set_status(engine, user, item_id, status)
    except GovernanceError as refused:
        raise HTTPException(422, str(refused)) from None


def public_decisions(engine: Engine) -> list[dict]:
    with engine.connect() as conn:
        return store.published_decisions(conn)


def public_interests(engine: Engine) -> list[dict]:
    """The published register of interests: decision-makers only, expired ones for six months; names and roles,
    never anything private (no user accounts, no contact details)."""
    today = datetime.now(UTC).date()
    with engine.connect() as conn:
        everyone = store.people(conn)
        interests, _ = store.registers(conn, [p.id for p in everyone])
        commissioners = dict(conn.execute(select(t.gov_person.c.id, t.gov_person.c.commissioner_code)).all())
    names = {p.id: p for p in everyone}
    return [
        {
            "commissioner": commissioners[i.person_id],
            "name": names[i.person_id].name,
            "role": names[i.person_id].role,
            "type": i.type,
            "organisation": i.organisation_code,
            "description": i.description,
            "from": i.start,
            "to": i.end,
            "declared": i.declared_on,
        }
        for i in published(everyone, interests, today)
    ]


def _acting_for(engine: Engine, user: User, person_id: int | None) -> int:
    """The person a declaration is for: the lead may declare for anyone; a member only for itself."""
    with engine.connect() as conn:
        own = store.person_for_user(conn, user.id)
    if person_id is None:
        if own is None:
            raise HTTPException(403, "your account is not linked to a committee member")
        return own["id"]
    if not (user.role in LEADS or (own is not None and own["id"] == person_id)):
        raise HTTPException(403, "members declare only their own interests; the governance lead edits others'")
    with engine.connect() as conn:
        known = conn.execute(select(t.gov_person.c.id).where(t.gov_person.c.id == person_id)).first()
    if known is None:
        raise HTTPException(404, f"person_id: no committee member {person_id}")
    return person_id


def registers(engine: Engine, user: User, only_own: bool = False) -> dict:
    """The registers with the guidance applied: late declarations, gift responses, overdue annual declarations."""
    today = datetime.now(UTC).date()
    with engine.connect() as conn:
        if only_own:
            own = store.person_for_user(conn, user.id)
            if own is None:
                raise HTTPException(403, "your account is not linked to a committee member")
            found = store.register_rows(conn, [own["id"]])
        else:
            require_lead(user)
            found = store.register_rows(conn)
    commissioner_of = {p["id"]: p["commissioner_code"] for p in found["people"]}
    for interest in found["interests"]:
        interest["late"] = is_late(Interest(**{k: interest[k] for k in INTEREST_FIELDS}))
    for gift in found["gifts"]:  # each commissioner's own thresholds
        thresholds = load_thresholds(commissioner_of.get(gift["person_id"]))
        gift["response"] = gift_response(Gift(**{k: gift[k] for k in GIFT_FIELDS}), thresholds)
    last = {}
    for d in found["declarations"]:
        last[d["person_id"]] = max(last.get(d["person_id"], d["declared_on"]), d["declared_on"])
    everyone = [Person(p["id"], p["name"], p["role"], p["decision_maker"]) for p in found["people"]]
    found["overdue"] = [p.id for p in overdue_declarations(everyone, last, today)]
    found["names"] = {p["id"]: p["name"] for p in found["people"]}
    return found


def declare_interest(engine: Engine, user: User, person_id: int | None, fields: dict) -> int:
    person = _acting_for(engine, user, person_id)
    try:
        interest = Interest(person_id=person, **fields)
    except (GovernanceError, TypeError) as bad:
        raise HTTPException(422, str(bad)) from None
    return store.add_interest(engine, user, interest)


def declare_gift(engine: Engine, user: User, person_id: int | None, fields: dict) -> dict:
    person = _acting_for(engine, user, person_id)
    if fields.get("kind") not in ("gift", "hospitality"):
        raise HTTPException(422, "kind: gift or hospitality")
    gift = Gift(person_id=person, **fields)
    gift_id = store.add_gift(engine, user, gift)
    with engine.connect() as conn:
        commissioner = conn.execute(
            select(t.gov_person.c.commissioner_code).where(t.gov_person.c.id == person)
        ).scalar()
    return {"id": gift_id, "response": gift_response(gift, load_thresholds(commissioner))}


def declare(engine: Engine, user: User, person_id: int | None, nil_return: bool) -> int:
    person = _acting_for(engine, user, person_id)
    return store.add_declaration(engine, user, person, datetime.now(UTC).date(), nil_return)


def record_breach(engine: Engine, user: User, commissioner: str, fields: dict) -> int:
    require_lead(user)
    if not str(fields.get("description", "")).strip():
        raise HTTPException(422, "description: say what happened")
    return store.add_breach(engine, user, commissioner, fields)


def new_meeting(engine: Engine, user: User, committee_id: int, held_on, title: str) -> int:
    require_lead(user)
    if not title.strip():
        raise HTTPException(422, "title: the meeting needs a title")
    with engine.connect() as conn:
        if conn.execute(select(t.gov_committee.c.id).where(t.gov_committee.c.id == committee_id)).first() is None:
            raise HTTPException(404, f"no committee {committee_id}")
    return store.add_meeting(engine, user, committee_id, held_on, title.strip())


def new_item(engine: Engine, user: User, meeting_id: int, title: str, kind: str, code: str, schemes_dir: str) -> int:
    require_lead(user)
    resolve(engine, kind, code, schemes_dir)  # the subject must exist in the economy (or the schemes folder)
    try:
        return store.add_item(engine, user, meeting_id, title.strip() or f"{kind} {code}", kind, code)
    except (GovernanceError, LookupError) as bad:
        raise HTTPException(422, str(bad)) from None


def correct(engine: Engine, user: User, decision_id: int, text: str) -> int:
    require_lead(user)
    if not text.strip():
        raise HTTPException(422, "decision: the corrected text")
    try:
        return store.correct_decision(engine, user, decision_id, text.strip())
    except LookupError as missing:
        raise HTTPException(404, str(missing)) from None
