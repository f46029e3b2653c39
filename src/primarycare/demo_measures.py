"""The demo's contract management: a contract register for the first practices, a variation with a deadline close
enough for a reminder, a remedial notice for the practice furthest down on QOF put to its commissioner's next
committee meeting, subscriptions for the demo commissioner and practice, and the measures computed."""

from datetime import date, timedelta

from sqlalchemy import select

from primarycare.access.roles import User
from primarycare.economy.contracts import Action
from primarycare.measures.change import load_rule
from primarycare.measures.definition import load_measures
from primarycare.store import tables as t
from primarycare.store.alerts import subscribe
from primarycare.store.contracts import add_action, add_contract
from primarycare.store.economy import read_economy
from primarycare.store.measures_run import compute_all
from primarycare.store.users import user_id


def create_demo_contracts(engine, meetings: list[int], today: date | None = None) -> None:
    today = today or date.today()
    economy = read_economy(engine)
    commissioner = User(user_id(engine, "commissioner"), "commissioner", "commissioner")
    for practice in economy.practices[:12]:
        add_contract(
            engine,
            commissioner,
            practice.code,
            practice.contract_type or "GMS",
            f"{practice.code}-2004",
            date(2004, 4, 1),
        )
    first = economy.practices[0]
    variation = Action(
        first.code,
        "variation",
        "Schedule 2: opening hours",
        "Extended hours to 20:00 on Tuesdays and Thursdays, as agreed with the practice.",
        today,
        today + timedelta(days=10),
    )
    add_action(engine, commissioner, variation, first.commissioner_code, notify_email="contracts@example.nhs.uk")
    subscribe(engine, commissioner.id, "commissioner", first.commissioner_code, None)
    subscribe(engine, user_id(engine, "practice"), "practice", first.code, None)
    compute_demo_measures(engine, today)
    with engine.connect() as conn:
        v, m, c = t.measure_value.c, t.gov_meeting.c, t.gov_committee.c
        meeting, commissioner_code = conn.execute(
            select(m.id, c.commissioner_code).join(t.gov_committee, c.id == m.committee_id).where(m.id.in_(meetings))
            .order_by(m.id).limit(1)
        ).first() or (None, None)  # fmt: skip
        worst = conn.execute(
            select(v.code)
            .join(t.practice, t.practice.c.code == v.code)
            .where(
                v.measure == "qof_overall", v.kind == "practice", t.practice.c.commissioner_code == commissioner_code
            )
            .order_by(v.year.desc(), v.value)
            .limit(1)
        ).scalar()
    if worst and meeting:
        notice = Action(
            worst,
            "remedial_notice",
            "Clause 8.1: the practice's QOF-related care",
            "QOF achievement in the worst decile; a plan to restore chronic disease reviews.",
            today,
            today + timedelta(days=56),
        )
        add_action(engine, commissioner, notice, commissioner_code, meeting_id=meeting)


def compute_demo_measures(engine, today: date) -> None:
    compute_all(engine, load_measures(), load_rule(), today)
