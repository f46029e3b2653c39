"""Measures end to end on SQLite and PostgreSQL: three loaded years, `measures compute` and `check`, the alerts they
raise sent through a real local SMTP server, what each role sees through the API and pages, and a remedial notice
decided by a committee item with the conflicted member kept out."""

import json
import socket
from datetime import date, timedelta
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from primarycare.cli import app
from primarycare.demo import create_demo_users, demo_lead
from primarycare.demo_governance import SCHEMES, create_demo_governance
from primarycare.economy.contracts import Action, ContractError
from primarycare.governance.conflicts import load_policy
from primarycare.governance.decisions import voting_members
from primarycare.governance.subjects import resolve_subject
from primarycare.ingest.folder import read_folder
from primarycare.ingest.synth.files import write_synthetic
from primarycare.store import governance as gov
from primarycare.store import tables as t
from primarycare.store.alerts import subscribe
from primarycare.store.audit import verify
from primarycare.store.contracts import add_action, register, sync_decisions
from primarycare.store.engine import make_engine
from primarycare.store.load import save_economy
from primarycare.store.users import create_user
from primarycare.web.app import create_app
from primarycare.web.settings import Settings

from .test_web import PASSWORD, sign_in

runner = CliRunner()
YEARS = ("2021-22", "2022-23", "2023-24")


@pytest.fixture(scope="session")
def three_years(tmp_path_factory) -> list[Path]:
    folders = []
    for year in YEARS:
        folder = tmp_path_factory.mktemp(f"years-{year}")
        write_synthetic(folder, practices=24, seed=11, year=year, vary_by_year=True)
        folders.append(folder)
    return folders


@pytest.fixture
def loaded(db_url, three_years):
    engine = make_engine(db_url)
    for folder in three_years:
        save_economy(engine, read_folder(folder))
    economy = read_folder(three_years[-1])
    own, other = economy.practices[0], economy.practices[1]
    create_user(engine, "comm", PASSWORD, "commissioner")
    create_user(engine, "prac", PASSWORD, "practice_user", own.code)
    return db_url, engine, economy, own, other


def _compute(db_url):
    result = runner.invoke(app, ["measures", "compute", "--db", db_url])
    assert result.exit_code == 0, result.output
    return result.output


class Inbox(Message):
    def __init__(self):
        super().__init__()
        self.received = []

    def handle_message(self, message):
        self.received.append(message)


@pytest.fixture
def smtp_server():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield f"smtp://127.0.0.1:{port}", inbox
    controller.stop()


def test_compute_stores_every_kind_and_year_and_organisations_sum_their_practices(loaded):
    db_url, engine, economy, own, _ = loaded
    output = _compute(db_url)
    assert "computed 13 measures for 24 practices over 2021-22, 2022-23, 2023-24" in output
    with engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(select(t.measure_value))]
        deciles = conn.execute(select(t.measure_decile)).all()
    assert {r["kind"] for r in rows} == {"practice", "network", "commissioner"}
    assert {r["year"] for r in rows if r["measure"] == "qof_overall"} == set(YEARS)
    assert {r["year"] for r in rows if r["measure"] == "list_growth"} == {"2022-23", "2023-24"}
    assert all(0 <= r["percentile"] <= 100 for r in rows if r["percentile"] is not None)
    network = next(
        r for r in rows if r["kind"] == "network" and r["measure"] == "qof_overall" and r["year"] == "2023-24"
    )
    members = {p.code for p in economy.practices if p.network_code == network["code"]}
    parts = [r for r in rows if r["kind"] == "practice" and r["measure"] == "qof_overall" and r["year"] == "2023-24"
             and r["code"] in members]  # fmt: skip
    assert network["numerator"] == pytest.approx(sum(r["numerator"] for r in parts))
    assert network["value"] == pytest.approx(
        sum(r["numerator"] for r in parts) / sum(r["denominator"] for r in parts) * 100
    )
    assert len(deciles) > 0
    # computing again replaces, never adds
    _compute(db_url)
    with engine.connect() as conn:
        assert len(conn.execute(select(t.measure_value)).all()) == len(rows)


def test_alerts_are_written_once_and_sent_through_smtp(loaded, smtp_server):
    db_url, engine, economy, own, _ = loaded
    url, inbox = smtp_server
    with engine.connect() as conn:
        comm = conn.execute(select(t.app_user.c.id).where(t.app_user.c.username == "comm")).scalar()
    subscribe(engine, comm, "commissioner", own.commissioner_code, "lead@example.nhs.uk")
    subscribe(engine, comm, "measure", "qof_overall", None)
    _compute(db_url)
    with engine.connect() as conn:
        written = conn.execute(select(t.outbox)).all()
    assert len(written) == 2 and all("need attention" in m.subject for m in written)
    assert "new alerts in the outbox" in _compute(db_url) and len(_outbox(engine)) == 2  # nothing new, nothing twice
    result = runner.invoke(app, ["alerts", "send", "--smtp", url, "--db", db_url])
    assert result.exit_code == 0, result.output
    assert "sent 1 alerts; 1 without an email address" in result.output
    assert [m["To"] for m in inbox.received] == ["lead@example.nhs.uk"]
    assert f"commissioner {own.commissioner_code}" in inbox.received[0]["Subject"]
    assert "worst decile" in inbox.received[0].get_payload() or "worsening" in inbox.received[0].get_payload()
    again = runner.invoke(app, ["alerts", "send", "--smtp", url, "--db", db_url])
    assert "sent 0 alerts" in again.output and len(inbox.received) == 1
    refused = runner.invoke(app, ["alerts", "send", "--smtp", "http://nowhere", "--db", db_url])
    assert refused.exit_code == 2 and "smtp://host:port" in refused.output


def _outbox(engine):
    with engine.connect() as conn:
        return conn.execute(select(t.outbox)).all()


def test_each_role_sees_what_it_may(loaded):
    db_url, engine, economy, own, other = loaded
    _compute(db_url)
    with TestClient(
        create_app(Settings(database_url=db_url, secret_key="s" * 48)), base_url="https://testserver"
    ) as client:
        assert client.get("/api/measures").status_code == 401
        sign_in(client, "prac")
        values = client.get("/api/measures/qof_overall/values").json()["values"]
        assert {v["code"] for v in values} == {own.code}
        assert client.get(f"/api/practices/{other.code}/measures").status_code == 403
        assert client.get(f"/api/attention/practice/{other.code}").status_code == 403
        assert client.get(f"/api/attention/network/{own.network_code}").status_code == 403
        measure = client.get("/api/measures/qof_overall").json()
        assert measure["own"]["code"] == own.code and len(measure["deciles"]) == 9
        page = client.get("/measures/qof_overall")
        assert page.status_code == 200 and other.code not in page.text.split('data-testid="measure-table"')[1]
        csv = client.get("/measures/qof_overall/values.csv?kind=network")
        assert own.network_code not in csv.text and other.code not in csv.text
        client.post("/logout", data={"csrf_token": ""})
    with TestClient(
        create_app(Settings(database_url=db_url, secret_key="s" * 48)), base_url="https://testserver"
    ) as client:
        sign_in(client, "comm")
        values = client.get("/api/measures/qof_overall/values?year=2023-24").json()["values"]
        assert len(values) == 24
        network = client.get(f"/api/measures/qof_overall?kind=network&code={own.network_code}").json()
        assert network["kind"] == "network" and network["own"]["name"]
        assert client.get("/api/measures/qof_overall?kind=wizard&code=X").status_code == 422
        assert client.get("/api/measures/nothing").status_code == 404
        attention = client.get(f"/api/attention/commissioner/{own.commissioner_code}").json()
        assert all(i["worst_decile"] or i["worsening"] for i in attention["items"])
        page = client.get("/measures/qof_overall")
        assert "account for half of the variation" in page.text
        summary = client.get(f"/practices/{own.code}/summary")
        assert summary.status_code == 200 and "Worst measures" in summary.text


def test_measures_check_names_the_file_and_field(tmp_path):
    builtin = Path(__file__).parents[2] / "src/primarycare/measures/data/measures"
    assert runner.invoke(app, ["measures", "check", str(builtin)]).exit_code == 0
    (tmp_path / "mine.yaml").write_text(
        "name: Mine\ndescription: d\nwhy_it_matters: w\nsource: s\nnumerator: ooh_cases\n"
        "denominator: list_patients\nlow_is_good: maybe\nyears: all\n"
    )
    (tmp_path / "mine.toml").write_text((builtin / "list_growth.toml").read_text())
    result = runner.invoke(app, ["measures", "check", str(tmp_path)])
    assert result.exit_code == 2
    assert "mine.yaml: field 'low_is_good': must be true or false" in result.output
    assert "1 good, 1 bad" in result.output


def test_a_remedial_notice_is_decided_by_its_committee_without_the_conflicted_member(db_url, synth_icb):
    engine = make_engine(db_url)
    economy = read_folder(synth_icb)
    save_economy(engine, economy)
    create_demo_users(engine)
    lead = demo_lead(engine)
    meetings = create_demo_governance(engine, lead, [])
    with engine.connect() as conn:
        meeting = conn.execute(
            select(t.gov_meeting.c.id, t.gov_committee.c.commissioner_code)
            .join(t.gov_committee, t.gov_committee.c.id == t.gov_meeting.c.committee_id)
            .where(t.gov_meeting.c.id == meetings[0])
        ).first()
        partner = conn.execute(
            select(t.gov_interest.c.organisation_code)
            .join(t.gov_person, t.gov_person.c.id == t.gov_interest.c.person_id)
            .where(t.gov_person.c.name.like("Dr Partner%"), t.gov_interest.c.organisation_kind == "practice")
        ).scalar()
    from primarycare.access.roles import User
    from primarycare.store.users import user_id

    commissioner = User(user_id(engine, "commissioner"), "commissioner", "commissioner")
    today = date.today()
    notice = Action(
        partner, "remedial_notice", "Clause 8.1", "Put the reviews right", today, today + timedelta(days=28)
    )
    with pytest.raises(ContractError, match="choose one of its meetings"):
        add_action(engine, commissioner, notice, meeting.commissioner_code)
    action_id = add_action(engine, commissioner, notice, meeting.commissioner_code, meeting_id=meeting.id)
    with engine.connect() as conn:
        action = register(conn, partner)["actions"][0]
        item = conn.execute(select(t.gov_item).where(t.gov_item.c.id == action["gov_item_id"])).first()
    assert action["id"] == action_id and action["status"] == "awaiting_decision"
    assert (item.subject_kind, item.subject_code) == ("practice", partner)
    subject = resolve_subject("practice", partner, economy, SCHEMES)
    policy = load_policy()
    with engine.connect() as conn:
        state = gov.item_state(conn, item.id, subject, policy)
    conflicted = [p for p in state["members"] if state["proposed"][p.id] == "leave_room"]
    assert conflicted, "the partner of the practice has to leave the room"
    for person in state["members"]:
        gov.set_attendance(engine, lead, item.id, person.id, True, state["proposed"][person.id])
    votes = {p.id: "for" for p in voting_members(state["members"], state["proposed"])}
    gov.record_decision(engine, lead, item.id, subject, policy, votes, "Issue the remedial notice")
    assert sync_decisions(engine) == 1
    with engine.connect() as conn:
        assert register(conn, partner)["actions"][0]["status"] == "issued"
        record = json.loads(conn.execute(select(t.gov_decision.c.record)).scalars().all()[-1])
    assert all(p.name not in record["took_part"] for p in conflicted)
    assert verify(engine).intact
