"""The demo's governance: per commissioner, a primary care commissioning committee whose members have realistic
interests, a past meeting that decided a local scheme, and an upcoming meeting with conflicts to resolve."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine

from primarycare.access.roles import User
from primarycare.governance.conflicts import load_policy
from primarycare.governance.decisions import voting_members
from primarycare.governance.model import Gift, Interest, Person
from primarycare.governance.quorum import QuorumRule
from primarycare.governance.subjects import resolve_subject
from primarycare.store import governance as store
from primarycare.store.economy import read_economy

SCHEMES = Path(__file__).parents[2] / "examples" / "schemes"
MEMBERS = (
    ("Lay Chair", "lay_member"),
    ("Lay Member", "lay_member"),
    ("Chief Finance Officer", "executive"),
    ("Dr Partner", "gp_member"),
    ("Dr Director", "gp_member"),
    ("Independent GP", "independent_clinician"),
)
QUORUM = QuorumRule(3, ("lay_member", "executive"))  # "at least three, including a lay member and an executive"


def create_demo_governance(
    engine: Engine, lead: User, providers: list, now: datetime | None = None, member_user: int | None = None
) -> list[int]:
    """The upcoming meetings' ids, one per commissioner. ``member_user`` (the demo practice user) is linked to the
    first commissioner's GP partner, so it can declare its own interests."""
    now = now or datetime.now(UTC)
    today = now.date()
    economy = read_economy(engine)
    provider_of = {c: p.code for p in providers for c in p.commissioners}
    upcoming = []
    for commissioner in economy.commissioners:
        code = commissioner.code
        practices = sorted((p for p in economy.practices if p.commissioner_code == code), key=lambda p: p.code)
        if len(practices) < 2:
            continue
        first, second = practices[0], practices[1]
        ids = {}
        for name, role in MEMBERS:
            ids[name] = store.add_person(engine, lead, code, Person(0, f"{name} ({code})", role))
        observer = store.add_person(engine, lead, code, Person(0, f"Observer ({code})", "observer", False))
        if member_user is not None and not upcoming:
            store.link_user(engine, lead, ids["Dr Partner"], member_user)
        start = today - timedelta(days=900)
        interests = [
            Interest(
                ids["Dr Partner"],
                "financial",
                "practice",
                first.code,
                f"GP partner at {first.name}",
                start,
                start + timedelta(days=10),
            ),
            Interest(
                ids["Dr Director"],
                "financial",
                "network",
                first.network_code or first.code,
                "Director of the network's federation company",
                start,
                start + timedelta(days=40),
            ),
            Interest(
                ids["Independent GP"],
                "indirect",
                "practice",
                second.code,
                f"Spouse is a salaried GP at {second.name}",
                start,
                start + timedelta(days=5),
            ),
            Interest(observer, "financial", "outside", "Acme Health Ltd", "Consultancy", start, start),
        ]
        if code in provider_of:
            interests.append(
                Interest(
                    ids["Dr Director"],
                    "financial",
                    "ooh_provider",
                    provider_of[code],
                    "Shareholding over 5% in the out-of-hours provider",
                    start,
                    start,
                )
            )
        for interest in interests:
            store.add_interest(engine, lead, interest)
        store.add_gift(
            engine,
            lead,
            Gift(
                ids["Dr Partner"],
                "network",
                first.network_code or first.code,
                "hospitality",
                40.0,
                today - timedelta(days=60),
                "Federation dinner",
            ),
        )
        committee = store.add_committee(
            engine, lead, code, f"Primary care commissioning committee ({code})", QUORUM, [*ids.values(), observer]
        )
        past = store.add_meeting(engine, lead, committee, today - timedelta(days=30), "Local schemes")
        item = store.add_item(engine, lead, past, "Adopt the £5 a head local scheme", "scheme", "five-a-head")
        subject = resolve_subject("scheme", "five-a-head", economy, SCHEMES)
        policy = load_policy()
        with engine.connect() as conn:
            state = store.item_state(conn, item, subject, policy)
        for person in state["members"]:
            store.set_attendance(engine, lead, item, person.id, True, state["proposed"][person.id])
        votes = {p.id: "for" for p in voting_members(state["members"], state["proposed"])}
        store.record_decision(engine, lead, item, subject, policy, votes, "The £5 a head scheme is adopted from April.")
        meeting = store.add_meeting(engine, lead, committee, today + timedelta(days=7), "Contract monitoring")
        store.add_item(engine, lead, meeting, f"Remedial notice for {first.name}", "practice", first.code)
        upcoming.append(meeting)
    return upcoming
