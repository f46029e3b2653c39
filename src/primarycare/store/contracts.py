"""Contract registers and actions in the store. Every change goes into the audit chain with the change itself; a
notice for a commissioner with a governance committee becomes an item on a meeting of that committee, and takes
its status from the item's published decision."""

import json
from datetime import UTC, date, datetime

from sqlalchemy import Connection, Engine, func, insert, select, update

from primarycare.access.roles import User
from primarycare.economy.contracts import LIVE, NOTICES, Action, ContractError, after_decision, can_move, first_status
from primarycare.measures.alerts import Deadline
from primarycare.store import tables as t
from primarycare.store.governance import _audit, add_item


def add_contract(engine: Engine, user: User | None, practice: str, kind: str, reference: str, start: date) -> int:
    values = {"practice_code": practice, "contract_type": kind, "reference": reference, "start_date": start}
    with engine.begin() as conn:
        new_id = conn.execute(insert(t.practice_contract).values(values)).inserted_primary_key[0]
        _audit(conn, user, "contract.add", f"contract:{new_id}", after=values)
    return new_id


def committees_of(conn: Connection, commissioner: str) -> list[int]:
    c = t.gov_committee.c
    return list(conn.execute(select(c.id).where(c.commissioner_code == commissioner)).scalars())


def meetings_for(conn: Connection, commissioner: str, today: date) -> list[dict]:
    """Meetings from today on of the commissioner's committees, where a notice can be decided."""
    m, c = t.gov_meeting.c, t.gov_committee.c
    query = (
        select(m.id, m.title, m.held_on, c.name.label("committee"))
        .join(t.gov_committee, c.id == m.committee_id)
        .where(c.commissioner_code == commissioner, m.held_on >= today)
        .order_by(m.held_on)
    )
    return [dict(r._mapping) for r in conn.execute(query)]


def add_action(
    engine: Engine,
    user: User,
    action: Action,
    commissioner: str,
    meeting_id: int | None = None,
    notify_email: str | None = None,
) -> int:
    """Record the action; a notice goes to the chosen meeting when the commissioner has a committee."""
    with engine.connect() as conn:
        needs_committee = action.kind in NOTICES and bool(committees_of(conn, commissioner))
        if needs_committee:
            choices = {m["id"] for m in meetings_for(conn, commissioner, date(1900, 1, 1))}
            if meeting_id not in choices:
                raise ContractError("a notice is decided by the commissioner's committee: choose one of its meetings")
    item_id = None
    if needs_committee:
        title = f"{action.kind.replace('_', ' ').capitalize()} to {action.practice_code}: {action.term}"
        item_id = add_item(engine, user, meeting_id, title, "practice", action.practice_code)
    values = {
        **action.__dict__,
        "status": first_status(action, needs_committee),
        "gov_item_id": item_id,
        "created_by": user.id,
        "notify_email": notify_email or None,
        "created_at": datetime.now(UTC).replace(tzinfo=None),
    }
    with engine.begin() as conn:
        new_id = conn.execute(insert(t.contract_action).values(values)).inserted_primary_key[0]
        _audit(conn, user, "contract.action.add", f"contract_action:{new_id}", after=values)
    return new_id


def move(engine: Engine, user: User, practice_code: str, action_id: int, to: str, text: str, on: date) -> None:
    """Record the practice's response (to='responded') or the outcome (to='closed'). Raises LookupError when the
    practice has no such action (an id from another practice's register is not found through this one)."""
    if not text.strip():
        raise ContractError("write the response or the outcome")
    fields = {"responded": {"response": text, "responded_on": on}, "closed": {"outcome": text}}[to]
    a = t.contract_action.c
    with engine.begin() as conn:
        status = conn.execute(select(a.status).where(a.id == action_id, a.practice_code == practice_code)).scalar()
        if status is None:
            raise LookupError(f"{practice_code} has no contract action {action_id}")
        if not can_move(status, to):
            raise ContractError(f"a {status.replace('_', ' ')} action cannot be marked {to}")
        conn.execute(update(t.contract_action).where(a.id == action_id).values(status=to, **fields))
        _audit(conn, user, f"contract.action.{to}", f"contract_action:{action_id}", before=status, after=fields)


def sync_decisions(engine: Engine) -> int:
    """Notices awaiting a committee take the status of the item's published decision; returns how many moved."""
    a, i, d = t.contract_action.c, t.gov_item.c, t.gov_decision.c
    query = (
        select(a.id, d.record)
        .join(t.gov_item, i.id == a.gov_item_id)
        .join(t.gov_decision, d.item_id == i.id)
        .where(a.status == "awaiting_decision", i.status == "decided", d.version == 1)
    )
    moved = 0
    with engine.begin() as conn:
        for action_id, record in conn.execute(query).all():
            status = after_decision(json.loads(record)["outcome"] == "carried")
            conn.execute(update(t.contract_action).where(a.id == action_id).values(status=status))
            _audit(conn, None, "contract.action.decided", f"contract_action:{action_id}", after=status)
            moved += 1
    return moved


def register(conn: Connection, practice: str) -> dict:
    """The practice's contracts and actions, newest first."""
    c, a = t.practice_contract.c, t.contract_action.c
    contracts = conn.execute(select(t.practice_contract).where(c.practice_code == practice).order_by(c.start_date))
    actions = conn.execute(
        select(t.contract_action, t.gov_item.c.meeting_id)
        .outerjoin(t.gov_item, t.gov_item.c.id == a.gov_item_id)
        .where(a.practice_code == practice)
        .order_by(a.issued_on.desc(), a.id.desc())
    )
    return {"contracts": [dict(r._mapping) for r in contracts], "actions": [dict(r._mapping) for r in actions]}


def open_actions(conn: Connection, practices: list[str] | None = None) -> list[dict]:
    a = t.contract_action.c
    query = select(t.contract_action).where(a.status.in_(LIVE | {"awaiting_decision"}))
    if practices is not None:
        query = query.where(a.practice_code.in_(practices))
    return [dict(r._mapping) for r in conn.execute(query.order_by(func.coalesce(a.deadline, a.issued_on)))]


def deadlines(conn: Connection) -> list[Deadline]:
    a = t.contract_action.c
    query = select(a.id, a.practice_code, a.kind, a.term, a.deadline, a.created_by, a.notify_email).where(
        a.status.in_(LIVE), a.deadline.is_not(None)
    )
    return [Deadline(*row) for row in conn.execute(query)]
