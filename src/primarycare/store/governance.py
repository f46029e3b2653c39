"""Governance in the store: people, committees, registers, meetings, items, attendance with the chair's actions,
votes and published decisions. Every change goes into the audit chain in its own transaction, with what it was
before and after; a published decision is never changed: a correction is a new version that points at it."""

import json
from dataclasses import asdict
from datetime import UTC, date, datetime

from sqlalchemy import Connection, Engine, insert, select, update

from primarycare.access.roles import User
from primarycare.governance.conflicts import Policy, conflicts, proposed_actions
from primarycare.governance.decisions import decide, voting_members
from primarycare.governance.model import Gift, GovernanceError, Interest, Person, Subject
from primarycare.governance.quorum import QuorumRule, check_quorum
from primarycare.store import tables as t
from primarycare.store.audit import Record, append


def _audit(conn: Connection, user: User | None, action: str, subject: str, before=None, after=None) -> None:
    who = {"user_id": user.id, "username": user.username, "role": user.role} if user else {"username": "system"}
    detail = {"before": before, "after": after}
    append(conn, Record(action=action, outcome="written", subject=subject, detail=detail, **who))


def _insert(engine: Engine, user: User | None, table, values: dict, what: str) -> int:
    with engine.begin() as conn:
        new_id = conn.execute(insert(table).values(**values)).inserted_primary_key[0]
        _audit(conn, user, f"governance.{what}.add", f"{what}:{new_id}", after=values)
    return new_id


def add_person(engine: Engine, user: User | None, commissioner: str, person: Person, user_id: int | None = None):
    values = {
        "commissioner_code": commissioner,
        "name": person.name,
        "role": person.role,
        "decision_maker": person.decision_maker,
        "user_id": user_id,
    }
    return _insert(engine, user, t.gov_person, values, "person")


def add_committee(
    engine: Engine, user: User | None, commissioner: str, name: str, rule: QuorumRule, members: list[int]
) -> int:
    quorum = json.dumps(
        {
            "minimum": rule.minimum,
            "require_roles": list(rule.require_roles),
            "majority_roles": list(rule.majority_roles),
        }
    )
    committee_id = _insert(
        engine, user, t.gov_committee, {"commissioner_code": commissioner, "name": name, "quorum": quorum}, "committee"
    )
    with engine.begin() as conn:
        conn.execute(insert(t.gov_committee_member), [{"committee_id": committee_id, "person_id": p} for p in members])
        _audit(conn, user, "governance.committee.members", f"committee:{committee_id}", after=members)
    return committee_id


def add_interest(engine: Engine, user: User | None, interest: Interest) -> int:
    return _insert(engine, user, t.gov_interest, asdict(interest), "interest")


def add_gift(engine: Engine, user: User | None, gift: Gift) -> int:
    return _insert(engine, user, t.gov_gift, asdict(gift), "gift")


def add_meeting(engine: Engine, user: User | None, committee_id: int, held_on: date, title: str) -> int:
    return _insert(
        engine, user, t.gov_meeting, {"committee_id": committee_id, "held_on": held_on, "title": title}, "meeting"
    )


def add_item(engine: Engine, user: User | None, meeting_id: int, title: str, kind: str, code: str) -> int:
    Subject(kind, code)  # checks the kind
    values = {"meeting_id": meeting_id, "title": title, "subject_kind": kind, "subject_code": code, "status": "open"}
    item_id = _insert(engine, user, t.gov_item, values, "item")
    with engine.begin() as conn:
        members = committee_people(conn, meeting_committee(conn, meeting_id))
        rows = [{"item_id": item_id, "person_id": p.id, "present": False, "action": "none"} for p in members]
        conn.execute(insert(t.gov_attendance), rows)
        _audit(conn, user, "governance.item.attendance", f"item:{item_id}", after=[p.id for p in members])
    return item_id


def _person(row) -> Person:
    return Person(row.id, row.name, row.role, row.decision_maker)


def people(conn: Connection, commissioner: str | None = None) -> list[Person]:
    query = select(t.gov_person).order_by(t.gov_person.c.id)
    if commissioner:
        query = query.where(t.gov_person.c.commissioner_code == commissioner)
    return [_person(r) for r in conn.execute(query)]


def meeting_committee(conn: Connection, meeting_id: int) -> int:
    found = conn.execute(select(t.gov_meeting.c.committee_id).where(t.gov_meeting.c.id == meeting_id)).scalar()
    if found is None:
        raise LookupError(f"no meeting {meeting_id}")
    return found


def committee_people(conn: Connection, committee_id: int) -> list[Person]:
    query = (
        select(t.gov_person)
        .join(t.gov_committee_member, t.gov_committee_member.c.person_id == t.gov_person.c.id)
        .where(t.gov_committee_member.c.committee_id == committee_id)
        .order_by(t.gov_person.c.id)
    )
    return [_person(r) for r in conn.execute(query)]


def registers(conn: Connection, person_ids: list[int]) -> tuple[list[Interest], list[Gift]]:
    interests = [
        Interest(
            r.person_id, r.type, r.organisation_kind, r.organisation_code, r.description, r.start, r.declared_on, r.end
        )
        for r in conn.execute(select(t.gov_interest).where(t.gov_interest.c.person_id.in_(person_ids)))
    ]
    gifts = [
        Gift(
            r.person_id,
            r.organisation_kind,
            r.organisation_code,
            r.kind,
            r.value_gbp,
            r.received_on,
            r.description,
            r.from_supplier,
        )
        for r in conn.execute(select(t.gov_gift).where(t.gov_gift.c.person_id.in_(person_ids)))
    ]
    return interests, gifts


def item_state(conn: Connection, item_id: int, subject: Subject, policy: Policy) -> dict:
    """An item with its members, their conflicts and proposed actions, the chair's actions, and quorum now."""
    item = conn.execute(select(t.gov_item).where(t.gov_item.c.id == item_id)).first()
    if item is None:
        raise LookupError(f"no agenda item {item_id}")
    meeting = conn.execute(select(t.gov_meeting).where(t.gov_meeting.c.id == item.meeting_id)).first()
    committee = conn.execute(select(t.gov_committee).where(t.gov_committee.c.id == meeting.committee_id)).first()
    members = committee_people(conn, committee.id)
    interests, gifts = registers(conn, [p.id for p in members])
    found = conflicts(subject, members, interests, gifts, meeting.held_on, policy)
    proposed = proposed_actions(members, found)
    attendance = {
        r.person_id: r for r in conn.execute(select(t.gov_attendance).where(t.gov_attendance.c.item_id == item_id))
    }
    present = [p for p in members if attendance[p.id].present]
    actions = {p.id: attendance[p.id].action for p in members}
    rule = QuorumRule.from_data(json.loads(committee.quorum))
    voting = voting_members(present, actions)
    decisions = conn.execute(
        select(t.gov_decision).where(t.gov_decision.c.item_id == item_id).order_by(t.gov_decision.c.version)
    ).all()
    return {
        "item": item,
        "meeting": meeting,
        "committee": committee,
        "members": members,
        "conflicts": found,
        "proposed": proposed,
        "attendance": attendance,
        "actions": actions,
        "present": present,
        "rule": rule,
        "quorum": check_quorum(rule, voting),
        "decisions": decisions,
    }


def set_attendance(engine: Engine, user: User, item_id: int, person_id: int, present: bool, action: str) -> None:
    key = (t.gov_attendance.c.item_id == item_id, t.gov_attendance.c.person_id == person_id)
    with engine.connect() as conn:
        was = conn.execute(select(t.gov_attendance.c.present, t.gov_attendance.c.action).where(*key)).first()
    if was is None:
        raise LookupError(f"member {person_id} is not on item {item_id}")
    with engine.begin() as conn:
        conn.execute(update(t.gov_attendance).where(*key).values(present=present, action=action))
        _audit(
            conn,
            user,
            "governance.attendance",
            f"item:{item_id}",
            after={"person": person_id, "present": present, "action": action},
        )


def set_status(engine: Engine, user: User, item_id: int, status: str) -> None:
    if status not in ("deferred", "referred"):
        raise GovernanceError("an item is deferred or referred, or decided by a vote")
    with engine.begin() as conn:
        done = conn.execute(
            update(t.gov_item).where(t.gov_item.c.id == item_id, t.gov_item.c.status == "open").values(status=status)
        )
        if done.rowcount != 1:
            raise GovernanceError(f"item {item_id} is not open")
        _audit(conn, user, "governance.item.status", f"item:{item_id}", before="open", after=status)


def record_decision(
    engine: Engine, user: User, item_id: int, subject: Subject, policy: Policy, votes: dict[int, str], text: str
) -> int:
    """Check quorum and votes through the domain's rules, then write votes, the item's status and the published
    decision record (what was decided, who took part, each conflict and how it was managed)."""
    with engine.connect() as conn:
        state = item_state(conn, item_id, subject, policy)
    if state["item"].status != "open":
        raise GovernanceError(f"item {item_id} is {state['item'].status}")
    outcome = decide(state["rule"], state["present"], state["actions"], votes)
    managed = [
        {
            "person": c.person_id,
            "conflict": c.reason,
            "proposed": c.action,
            "chair": state["actions"][c.person_id],
            "present": state["attendance"][c.person_id].present,
        }
        for c in state["conflicts"]
    ]
    names = {p.id: p.name for p in state["members"]}
    record = {
        "subject": {"kind": subject.kind, "code": subject.code},
        "outcome": "carried" if outcome.carried else "not carried",
        "tally": outcome.tally,
        "took_part": [names[p.id] for p in state["present"] if state["actions"][p.id] != "leave_room"],
        "voted": {names[i]: v for i, v in votes.items()},
        "conflicts": [{**m, "person": names[m["person"]]} for m in managed],
    }
    now = datetime.now(UTC).replace(tzinfo=None)
    with engine.begin() as conn:
        done = conn.execute(
            update(t.gov_item).where(t.gov_item.c.id == item_id, t.gov_item.c.status == "open").values(status="decided")
        )
        if done.rowcount != 1:
            raise GovernanceError(f"item {item_id} was decided meanwhile")
        for person_id, vote in votes.items():
            conn.execute(
                update(t.gov_attendance)
                .where(t.gov_attendance.c.item_id == item_id, t.gov_attendance.c.person_id == person_id)
                .values(vote=vote)
            )
        decision_id = conn.execute(
            insert(t.gov_decision).values(
                item_id=item_id, version=1, decision=text, record=json.dumps(record), published_at=now
            )
        ).inserted_primary_key[0]
        _audit(conn, user, "governance.decision.publish", f"decision:{decision_id}", after={"text": text, **record})
    return decision_id


def correct_decision(engine: Engine, user: User, decision_id: int, text: str) -> int:
    """A correction: a new version pointing at the one it corrects, which stays as it was."""
    with engine.begin() as conn:
        old = conn.execute(select(t.gov_decision).where(t.gov_decision.c.id == decision_id)).first()
        if old is None:
            raise LookupError(f"no decision {decision_id}")
        new_id = conn.execute(
            insert(t.gov_decision).values(
                item_id=old.item_id,
                version=old.version + 1,
                supersedes_id=old.id,
                decision=text,
                record=old.record,
                published_at=datetime.now(UTC).replace(tzinfo=None),
            )
        ).inserted_primary_key[0]
        _audit(conn, user, "governance.decision.correct", f"decision:{new_id}", before=old.decision, after=text)
    return new_id


def published_decisions(conn: Connection) -> list[dict]:
    """The procurement decisions register: every published decision version, newest first."""
    query = (
        select(
            t.gov_decision,
            t.gov_item.c.title,
            t.gov_item.c.subject_kind,
            t.gov_item.c.subject_code,
            t.gov_meeting.c.held_on,
            t.gov_committee.c.name.label("committee"),
            t.gov_committee.c.commissioner_code,
        )
        .join(t.gov_item, t.gov_item.c.id == t.gov_decision.c.item_id)
        .join(t.gov_meeting, t.gov_meeting.c.id == t.gov_item.c.meeting_id)
        .join(t.gov_committee, t.gov_committee.c.id == t.gov_meeting.c.committee_id)
        .order_by(t.gov_meeting.c.held_on.desc(), t.gov_decision.c.id.desc())
    )
    return [{**dict(r._mapping), "record": json.loads(r.record)} for r in conn.execute(query)]


def add_declaration(engine: Engine, user: User | None, person_id: int, declared_on: date, nil_return: bool) -> int:
    values = {"person_id": person_id, "declared_on": declared_on, "nil_return": nil_return}
    return _insert(engine, user, t.gov_declaration, values, "declaration")


def add_breach(engine: Engine, user: User | None, commissioner: str, values: dict) -> int:
    return _insert(engine, user, t.gov_breach, {"commissioner_code": commissioner, **values}, "breach")


def person_for_user(conn: Connection, user_id: int) -> dict | None:
    row = conn.execute(select(t.gov_person).where(t.gov_person.c.user_id == user_id)).first()
    return dict(row._mapping) if row else None


def link_user(engine: Engine, user: User | None, person_id: int, user_id: int) -> None:
    with engine.begin() as conn:
        conn.execute(update(t.gov_person).where(t.gov_person.c.id == person_id).values(user_id=user_id))
        _audit(conn, user, "governance.person.link", f"person:{person_id}", after={"user_id": user_id})


def register_rows(conn: Connection, person_ids: list[int] | None = None) -> dict:
    """The registers as rows (with their ids) for the governance lead's and members' pages."""

    def rows(table, order):
        query = select(table).order_by(order)
        if person_ids is not None:
            query = query.where(table.c.person_id.in_(person_ids))
        return [dict(r._mapping) for r in conn.execute(query)]

    people_query = select(t.gov_person).order_by(t.gov_person.c.commissioner_code, t.gov_person.c.id)
    if person_ids is not None:
        people_query = people_query.where(t.gov_person.c.id.in_(person_ids))
    return {
        "people": [dict(r._mapping) for r in conn.execute(people_query)],
        "interests": rows(t.gov_interest, t.gov_interest.c.id),
        "gifts": rows(t.gov_gift, t.gov_gift.c.id),
        "declarations": rows(t.gov_declaration, t.gov_declaration.c.declared_on),
        "breaches": [dict(r._mapping) for r in conn.execute(select(t.gov_breach).order_by(t.gov_breach.c.id))]
        if person_ids is None
        else [],
    }
