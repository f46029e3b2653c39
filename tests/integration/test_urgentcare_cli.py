"""`primarycare urgentcare ...` end to end on SQLite and PostgreSQL: providers, import (all or nothing), clocks CSV,
and calibration into a scenario the simulation accepts."""

import csv
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from fhir.resources.R4B.bundle import Bundle
from sqlalchemy import update

from primarycare.demo import demo_case_window
from primarycare.economy.calendar import month_of, uk_local
from primarycare.ingest.cases import HEADER
from primarycare.ingest.synth.cases import registered, synthetic_cases
from primarycare.simulation.parameters import load_scenario
from primarycare.store import tables as t
from primarycare.store.cases import case_count
from primarycare.store.economy import read_economy
from primarycare.store.engine import make_engine
from primarycare.store.tokens import issue_token
from primarycare.store.users import create_user
from primarycare.urgentcare.rules import load_rules
from primarycare.web.app import create_app
from primarycare.web.settings import Settings
from tests.integration.ooh_site import VALID_NHS, case_body
from tests.integration.test_cli import run


def write_cases(path, cases):
    """Cases as the import file (the published contract), UK local time with offsets."""

    def when(instant):
        return uk_local(instant).isoformat() if instant else ""

    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for c in cases:
            writer.writerow(
                [
                    c.ref,
                    c.source,
                    c.patient.nhs_number,
                    c.practice_code,
                    c.dx_code or "",
                    c.priority,
                    when(c.received_at),
                    when(c.answered_at),
                    when(c.transfer_999_at),
                    when(c.assessment_started_at),
                    when(c.face_to_face_started_at),
                    c.face_to_face_type if c.face_to_face_started_at else "",
                    when(c.closed_at),
                    c.outcome or "",
                    when(c.message_delivered_at),
                ]
            )
    return path


def loaded(db_url, synth_icb):
    assert run("load", synth_icb, "--db", db_url).exit_code == 0
    economy = read_economy(make_engine(db_url))
    commissioner = economy.commissioners[0].code
    result = run("urgentcare", "providers", "add", "OOH1", "First OOH", "--commissioner", commissioner,
                 "--base", "Town base", "--db", db_url)  # fmt: skip
    assert result.exit_code == 0, result.output
    return economy, commissioner


def test_providers_import_clocks_and_calibrate(db_url, synth_icb, tmp_path):
    economy, commissioner = loaded(db_url, synth_icb)
    listed = run("urgentcare", "providers", "list", "--db", db_url).output.splitlines()
    assert listed[0] == "CODE,NAME,COMMISSIONERS,BASES" and listed[1] == f"OOH1,First OOH,{commissioner},Town base"
    assert run("urgentcare", "providers", "add", "OOH2", "X", "--commissioner", "NOPE", "--db", db_url).exit_code == 2
    now = datetime.now(UTC)
    cases = synthetic_cases(
        provider_code="OOH1",
        registered=registered(economy),
        start=now - timedelta(days=45),
        now=now,
        rules=load_rules(),
        seed=3,
    )
    source = write_cases(tmp_path / "cases.csv", cases)
    result = run("urgentcare", "import", source, "--provider", "OOH1", "--db", db_url)
    assert result.exit_code == 0, result.output
    assert f"imported {len(cases)} cases" in result.output
    out = tmp_path / "clocks.csv"
    assert run("urgentcare", "clocks", "--db", db_url, "--provider", "OOH1", "--out", out).exit_code == 0
    rows = list(csv.DictReader(out.open()))
    assert list(rows[0]) == ["CASE_REF", "CLOCK", "DEADLINE", "STATUS"]
    assert len(rows) == 5 * len(cases)
    assert {r["CLOCK"] for r in rows} == {
        "call_answered",
        "transfer_999",
        "assessment",
        "face_to_face",
        "post_event_message",
    }
    assert {r["STATUS"] for r in rows} <= {"met", "breached", "running", "not_applicable"}
    assert all(r["DEADLINE"][-6:] in ("+00:00", "+01:00") for r in rows if r["DEADLINE"])
    month = month_of(now)
    assert run("urgentcare", "clocks", "--db", db_url, "--month", month, "--out", out).exit_code == 0
    in_month = sum(1 for c in cases if month_of(c.received_at) == month)
    assert len(list(csv.DictReader(out.open()))) == 5 * in_month
    scenario = tmp_path / "scenario.yaml"
    first = month_of(now - timedelta(days=45))
    result = run("urgentcare", "calibrate", "--provider", "OOH1", "--from", first, "--to", month, "--out", scenario,
                 "--db", db_url)  # fmt: skip
    assert result.exit_code == 0, result.output
    loaded_scenario = load_scenario(scenario)  # the simulation's own checks
    assert loaded_scenario.ooh_profile is not None
    urgent = sum(c.priority in ("emergency", "urgent") for c in cases) / len(cases)
    assert abs(loaded_scenario["urgent_share"] - urgent) < 1e-3


def test_a_bad_import_exits_2_and_writes_nothing(db_url, synth_icb, tmp_path):
    economy, _ = loaded(db_url, synth_icb)
    practice = economy.practices[0].code
    good = ["A1", "111", "9434765919", practice, "Dx12", "urgent", "2026-01-10 19:00", "2026-01-10 19:00:30",
            "", "2026-01-10 19:10", "", "", "2026-01-10 19:30", "advice", ""]  # fmt: skip
    bad = ["A2", *good[1:]]
    bad[2] = "1234567890"
    path = tmp_path / "cases.csv"
    path.write_text("\n".join([",".join(HEADER), ",".join(good), ",".join(bad)]) + "\n")
    result = run("urgentcare", "import", path, "--provider", "OOH1", "--db", db_url)
    assert result.exit_code == 2
    assert "cases.csv:3:3:" in result.output
    with make_engine(db_url).connect() as conn:
        assert case_count(conn) == 0
    assert run("urgentcare", "import", path, "--provider", "NOPE", "--db", db_url).exit_code == 2
    too_few = tmp_path / "few.csv"
    path.write_text("\n".join([",".join(HEADER), ",".join(good)]) + "\n")
    assert run("urgentcare", "import", path, "--provider", "OOH1", "--db", db_url).exit_code == 0
    result = run("urgentcare", "calibrate", "--provider", "OOH1", "--from", "2026-01", "--to", "2026-01",
                 "--out", too_few, "--db", db_url)  # fmt: skip
    assert result.exit_code == 2 and "at least 20" in result.output


def test_the_demo_window_holds_a_bank_holiday():
    start = demo_case_window(datetime(2026, 11, 25, 6, tzinfo=UTC))
    assert uk_local(start).isoformat() == "2026-08-01T00:00:00+01:00"  # the late summer bank holiday's month


def test_audit_verify_and_messages_export(db_url, synth_icb, tmp_path):
    economy, commissioner = loaded(db_url, synth_icb)
    engine = make_engine(db_url)
    practice = next(p.code for p in economy.practices if p.commissioner_code == commissioner)
    create_user(engine, "gp", "long-enough-password", "practice_user", practice)
    create_user(engine, "clin", "long-enough-password", "ooh_clinician", provider_code="OOH1")
    gp, clin = ({"Authorization": f"Bearer {issue_token(engine, name)}"} for name in ("gp", "clin"))
    note = {"kind": "care_plan", "name": "A Patient", "content": {"plan": "call the daughter first"},
            "review_date": "2030-01-01"}  # fmt: skip
    with TestClient(
        create_app(Settings(database_url=db_url, secret_key="s" * 48)), base_url="https://testserver"
    ) as client:
        assert client.post(f"/api/patients/{VALID_NHS}/notes", json=note, headers=gp).status_code == 201
        case_id = client.post("/api/cases", json=case_body(practice), headers=clin).json()["id"]
        for step in ({"kind": "assigned"}, {"kind": "assessment_started"}, {"kind": "closed", "value": "advice"}):
            assert client.post(f"/api/cases/{case_id}/events", json=step, headers=clin).status_code == 200
        assert client.get(f"/api/patients/{VALID_NHS}/notes", headers=clin).status_code == 403  # case closed
    intact = run("audit", "verify", "--db", db_url)
    # two tokens issued, a note written, a read refused
    assert intact.exit_code == 0 and "intact: 4 records" in intact.output
    out = tmp_path / "inbox"
    exported = run("urgentcare", "messages", "export", "--practice", practice, "--out", out, "--db", db_url)
    assert exported.exit_code == 0 and "wrote 1 messages" in exported.output
    (document,) = out.glob("*.json")
    assert Bundle.model_validate_json(document.read_text()).type == "document"
    with engine.begin() as conn:
        conn.execute(update(t.audit_event).where(t.audit_event.c.seq == 1).values(reason="nothing to see"))
    broken = run("audit", "verify", "--db", db_url)
    assert broken.exit_code == 1 and "record 1 was changed" in broken.output
