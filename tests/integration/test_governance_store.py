"""Governance in the store on SQLite and PostgreSQL: the demo committees' past decisions are published, the public
registers hold only what the guidance says, corrections are new versions, refused votes write nothing, and every
change is in the audit chain."""

import csv
import io

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from primarycare.demo import create_demo_users, demo_lead
from primarycare.demo_governance import SCHEMES, create_demo_governance
from primarycare.governance.conflicts import load_policy
from primarycare.governance.decisions import Inquorate
from primarycare.governance.model import GovernanceError
from primarycare.governance.subjects import resolve_subject
from primarycare.ingest.folder import read_folder
from primarycare.store import governance as store
from primarycare.store import tables as t
from primarycare.store.audit import verify
from primarycare.store.engine import make_engine
from primarycare.store.load import save_economy
from primarycare.store.tokens import issue_token
from primarycare.store.users import create_user
from primarycare.web.app import create_app
from primarycare.web.settings import Settings


@pytest.fixture
def governed(db_url, synth_icb):
    engine = make_engine(db_url)
    economy = read_folder(synth_icb)
    save_economy(engine, economy)
    create_demo_users(engine)
    meetings = create_demo_governance(engine, demo_lead(engine), [])
    return engine, economy, meetings


def test_published_registers_and_corrections(governed):
    engine, economy, meetings = governed
    with engine.connect() as conn:
        decisions = store.published_decisions(conn)
    assert len(decisions) == len(meetings) >= 1  # each commissioner's past scheme decision
    record = decisions[0]["record"]
    assert record["outcome"] == "carried" and any(c["chair"] == "leave_room" for c in record["conflicts"])
    client = _client(engine)
    interests = list(csv.DictReader(io.StringIO(client.get("/public/interests.csv").text)))
    assert interests and all(r["ROLE"] != "observer" for r in interests)  # decision-makers only
    assert "Acme Health Ltd" not in client.get("/public/interests").text  # the observer's interest
    assert client.get("/public/decisions.csv").text.startswith("COMMISSIONER,COMMITTEE,MEETING,ITEM")
    assert client.get("/api/governance/decisions").status_code == 200
    lead = demo_lead(engine)
    corrected = store.correct_decision(engine, lead, decisions[0]["id"], "Adopted from 1 April, as minuted.")
    with engine.connect() as conn:
        versions = conn.execute(select(t.gov_decision).where(t.gov_decision.c.item_id == decisions[0]["item_id"]))
        rows = {r.id: r for r in versions}
    assert rows[corrected].supersedes_id == decisions[0]["id"] and rows[corrected].version == 2
    assert rows[decisions[0]["id"]].decision == decisions[0]["decision"]  # the published record is unchanged
    verdict = verify(engine)
    assert verdict.intact
    with engine.connect() as conn:
        actions = set(conn.execute(select(t.audit_event.c.action)).scalars())
    assert {"governance.person.add", "governance.interest.add", "governance.attendance",
            "governance.decision.publish", "governance.decision.correct"} <= actions  # fmt: skip


def test_excluded_votes_and_inquorate_items_write_nothing(governed):
    engine, economy, meetings = governed
    lead = demo_lead(engine)
    policy = load_policy()
    with engine.connect() as conn:
        item = conn.execute(select(t.gov_item).where(t.gov_item.c.meeting_id == meetings[0])).first()
    subject = resolve_subject(item.subject_kind, item.subject_code, economy, SCHEMES)
    with engine.connect() as conn:
        state = store.item_state(conn, item.id, subject, policy)
    partner = next(p for p in state["members"] if p.name.startswith("Dr Partner"))
    assert state["proposed"][partner.id] == "leave_room"
    for person in state["members"]:
        store.set_attendance(engine, lead, item.id, person.id, True, state["proposed"][person.id])
    before = verify(engine).records
    with pytest.raises(GovernanceError, match="may not vote"):
        store.record_decision(engine, lead, item.id, subject, policy, {partner.id: "for"}, "x")
    for person in state["members"]:
        if person.role == "lay_member":
            store.set_attendance(engine, lead, item.id, person.id, False, "none")
    with pytest.raises(Inquorate, match="no lay member can vote"):
        store.record_decision(engine, lead, item.id, subject, policy, {}, "x")
    assert verify(engine).records == before + 2  # the two attendance changes, nothing for the refusals
    with engine.connect() as conn:
        assert conn.execute(select(t.gov_item.c.status).where(t.gov_item.c.id == item.id)).scalar() == "open"


def test_members_declare_their_own_and_the_lead_anyones(governed):
    engine, economy, meetings = governed
    with engine.connect() as conn:
        partner = conn.execute(select(t.gov_person.c.id).where(t.gov_person.c.name.like("Dr Partner%"))).first()[0]
        chair = conn.execute(select(t.gov_person.c.id).where(t.gov_person.c.name.like("Lay Chair%"))).first()[0]
    member = create_user(engine, "drp", "long-enough-password", "commissioner")
    store.link_user(engine, None, partner, member.id)
    tokens = {name: {"Authorization": f"Bearer {issue_token(engine, name)}"} for name in ("drp", "governance")}
    client = _client(engine)
    interest = {"type": "non_financial_professional", "organisation_kind": "outside", "organisation_code": "RCGP",
                "description": "Faculty board member", "start": "2026-01-01"}  # fmt: skip
    assert client.post("/api/governance/interests", json=interest, headers=tokens["drp"]).status_code == 201
    other = client.post("/api/governance/interests", json={**interest, "person_id": chair}, headers=tokens["drp"])
    assert other.status_code == 403
    lead = client.post("/api/governance/interests", json={**interest, "person_id": chair}, headers=tokens["governance"])
    assert lead.status_code == 201
    bad = client.post("/api/governance/interests", json={**interest, "type": "romantic"}, headers=tokens["drp"])
    assert bad.status_code == 422
    gift = {"organisation_code": "Acme Health Ltd", "kind": "hospitality", "value_gbp": 90, "received_on": "2026-11-01"}
    answered = client.post("/api/governance/gifts", json=gift, headers=tokens["drp"])
    assert answered.status_code == 201 and answered.json()["response"] == "refuse_unless_approved"
    registers = client.get("/api/governance/registers", headers=tokens["governance"]).json()
    assert client.get("/api/governance/registers", headers=tokens["drp"]).status_code == 403
    assert (
        client.post("/api/governance/declarations", json={"nil_return": True}, headers=tokens["drp"]).status_code == 201
    )
    registers = client.get("/api/governance/registers", headers=tokens["governance"]).json()
    assert partner not in registers["overdue"] and chair in registers["overdue"]  # the demo's members never declared
    late = [i for i in registers["interests"] if i["description"] == "Faculty board member"]
    assert all(i["late"] for i in late)  # declared in November for an interest from January


def test_the_lead_runs_a_meeting_through_the_api(governed):
    engine, economy, meetings = governed
    lead = {"Authorization": f"Bearer {issue_token(engine, 'governance')}"}
    client = _client(engine)
    with engine.connect() as conn:
        committee = conn.execute(select(t.gov_committee.c.id).order_by(t.gov_committee.c.id)).first()[0]
        code = conn.execute(
            select(t.gov_committee.c.commissioner_code).where(t.gov_committee.c.id == committee)
        ).scalar()
    practice = sorted(p.code for p in economy.practices if p.commissioner_code == code)[0]
    made = client.post("/api/governance/meetings", json={"committee_id": committee, "held_on": "2026-12-01",
                                                         "title": "Extra"}, headers=lead)  # fmt: skip
    assert made.status_code == 201
    meeting = made.json()["id"]
    unknown = {"subject_kind": "practice", "subject_code": "Z99999"}
    assert client.post(f"/api/governance/meetings/{meeting}/items", json=unknown, headers=lead).status_code == 422
    item = client.post(f"/api/governance/meetings/{meeting}/items", json={"title": "Merger",
                       "subject_kind": "practice", "subject_code": practice}, headers=lead).json()["id"]  # fmt: skip
    state = client.get(f"/api/governance/meetings/{meeting}", headers=lead).json()["items"][0]
    conflicted = [int(p) for p, action in state["proposed"].items() if action != "none"]
    assert conflicted  # the demo's partner in the first practice and the network's director
    with engine.connect() as conn:
        members = [p.id for p in store.committee_people(conn, committee)]
    attendance = {"present": members, "actions": {str(p): state["proposed"][str(p)] for p in members}}
    assert client.put(f"/api/governance/items/{item}/attendance", json=attendance, headers=lead).status_code == 200
    excluded = {"decision": "Merger approved", "votes": {str(conflicted[0]): "for"}}
    assert client.post(f"/api/governance/items/{item}/decision", json=excluded, headers=lead).status_code == 422
    voting = [p for p in members if state["proposed"][str(p)] == "none"]
    few = {"present": voting[:1], "actions": attendance["actions"]}
    client.put(f"/api/governance/items/{item}/attendance", json=few, headers=lead)
    assert (
        client.post(f"/api/governance/items/{item}/decision", json={"decision": "x"}, headers=lead).status_code == 409
    )
    client.put(f"/api/governance/items/{item}/attendance", json=attendance, headers=lead)
    votes = {"decision": "Merger approved", "votes": {}}
    assert client.post(f"/api/governance/items/{item}/decision", json=votes, headers=lead).status_code == 201
    member = {"Authorization": f"Bearer {issue_token(engine, 'practice')}"}
    assert client.post("/api/governance/meetings", json={"committee_id": committee, "held_on": "2026-12-01",
                                                         "title": "No"}, headers=member).status_code == 403  # fmt: skip


def test_a_correction_through_the_api_is_a_new_version(governed):
    engine, economy, meetings = governed
    lead = {"Authorization": f"Bearer {issue_token(engine, 'governance')}"}
    client = _client(engine)
    first = client.get("/api/governance/decisions").json()[0]
    made = client.post(f"/api/governance/decisions/{first['id']}/corrections", json={"decision": "As minuted."},
                       headers=lead)  # fmt: skip
    assert made.status_code == 201
    versions = [d for d in client.get("/api/governance/decisions").json() if d["item_id"] == first["item_id"]]
    assert sorted((d["version"], d["decision"]) for d in versions) == [(1, first["decision"]), (2, "As minuted.")]
    assert client.post("/api/governance/decisions/999999/corrections", json={"decision": "x"},
                       headers=lead).status_code == 404  # fmt: skip


def _client(engine) -> TestClient:
    url = engine.url.render_as_string(hide_password=False)
    settings = Settings(database_url=url, secret_key="s" * 48, schemes_dir=str(SCHEMES))
    return TestClient(create_app(settings), base_url="https://testserver")
