"""Crashes: the server killed with SIGKILL in the middle of writes, and `primarycare load` killed with SIGKILL in
the middle of an ingest. Afterwards every write the server acknowledged is there, the database is consistent (the
audit chain verifies; SQLite's integrity check passes; a load is all or nothing) and the app serves again."""

import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select, text

from primarycare.access.roles import User
from primarycare.ingest.folder import read_folder
from primarycare.ingest.synth.files import write_synthetic
from primarycare.store import tables as t
from primarycare.store.audit import verify
from primarycare.store.cases import add_provider, insert_cases
from primarycare.store.engine import make_engine
from primarycare.store.load import save_economy
from primarycare.store.migrate import upgrade
from primarycare.store.notes import write_note
from primarycare.store.tokens import issue_token
from primarycare.store.users import create_user
from primarycare.urgentcare.case import Case, Patient
from primarycare.urgentcare.notes import NoteDraft
from primarycare.urgentcare.rules import load_rules

from .servers import free_port, kill, kill_load_mid_write, start_server

PASSWORD = "correct-horse-battery"
NHS = "9434765919"


def _prepare(url: str, synth) -> tuple[str, str]:
    engine = make_engine(url)
    economy = read_folder(synth)
    save_economy(engine, economy)
    practice = economy.practices[0].code
    add_provider(engine, "OOH01", "Crash-test OOH", [c.code for c in economy.commissioners], ["Base"])
    clinician = create_user(engine, "clinician", PASSWORD, "ooh_clinician", provider_code="OOH01")
    gp = create_user(engine, "gp", PASSWORD, "practice_user", practice)
    plan = NoteDraft("care_plan", {"plan": "Crash-test plan"}, (datetime.now(UTC) + timedelta(days=90)).date())
    patient = {"nhs_number": NHS, "name": "Crash Test", "birth_date": None, "practice_code": practice}
    write_note(engine, User(gp.id, "gp", "practice_user", practice), plan, patient=None, new_patient=patient)
    rules = load_rules()
    received = datetime.now(UTC) - timedelta(minutes=20)
    assigned = Case(  # the clinician's own open case for the patient: a relationship, so each read is granted
        ref="ASSIGNED-1", provider_code="OOH01", source="111", practice_code=practice,
        patient=Patient(NHS, "Crash Test", None, "unknown"), dx_code="Dx117",
        dx_priority=rules.disposition("Dx117").priority, received_at=received, answered_at=received,
        assigned_to=clinician.id, assigned_at=received + timedelta(minutes=5),
    )  # fmt: skip
    insert_cases(engine, [assigned], rules.national)
    token = issue_token(engine, clinician.username)
    engine.dispose()
    return token, practice


def _writer(base: str, token: str, practice: str, name: str, stop: threading.Event, acked: dict) -> None:
    """Open cases (acknowledged: the reference) and read the patient's notes (acknowledged: the audit record)."""
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base, headers=headers, timeout=10) as client:
        n = 0
        while not stop.is_set():
            ref = f"CRASH-{name}-{n}"
            body = {"source": "111", "practice_code": practice, "nhs_number": NHS, "dx_code": "Dx117",
                    "received_at": datetime.now(UTC).isoformat(), "case_ref": ref}  # fmt: skip
            try:
                opened = client.post("/api/cases", json=body)
                if opened.status_code == 201:
                    acked["cases"].append(ref)
                read = client.get(f"/api/patients/{NHS}/notes")
                if read.status_code == 200:
                    acked["reads"].append(read.json()["audit_seq"])
            except httpx.HTTPError:
                return  # the server is gone
            n += 1


def test_a_server_killed_mid_write_loses_no_acknowledged_write(db_url, synth_icb):
    token, practice = _prepare(db_url, synth_icb)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(db_url, port)
    stop, acked = threading.Event(), {"cases": [], "reads": []}
    writers = [threading.Thread(target=_writer, args=(base, token, practice, str(i), stop, acked)) for i in range(6)]
    try:
        for writer in writers:
            writer.start()
        deadline = time.monotonic() + 30
        while len(acked["cases"]) < 40 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        kill(server)  # mid-write: the writers are still sending
        stop.set()
        for writer in writers:
            writer.join()
    assert len(acked["cases"]) >= 40 and acked["reads"], "the writers did not get going before the deadline"

    engine = make_engine(db_url)
    with engine.connect() as conn:
        refs = set(conn.execute(select(t.ooh_case.c.case_ref).where(t.ooh_case.c.case_ref.like("CRASH-%"))).scalars())
        events = conn.execute(
            select(func.count()).select_from(t.ooh_case_event).where(t.ooh_case_event.c.kind == "opened")
        ).scalar_one()
        cases = conn.execute(select(func.count()).select_from(t.ooh_case)).scalar_one()
        if engine.dialect.name == "sqlite":
            assert conn.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
    assert set(acked["cases"]) <= refs  # every acknowledged case is there
    assert events == cases  # no case without its opening event: each case was written whole or not at all
    verdict = verify(engine)
    assert verdict.intact, verdict.message
    with engine.connect() as conn:
        seqs = set(conn.execute(select(t.audit_event.c.seq).where(t.audit_event.c.action == "note.read")).scalars())
    assert set(acked["reads"]) <= seqs  # every acknowledged read has its audit record
    engine.dispose()

    server = start_server(db_url, port)  # and it serves again
    try:
        again = httpx.get(f"{base}/api/cases", headers={"Authorization": f"Bearer {token}"}, timeout=10)
        assert again.status_code == 200
    finally:
        kill(server)


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_load_killed_mid_ingest_leaves_the_previous_economy(backend, request, tmp_path):
    url = request.getfixturevalue("postgres_url") if backend == "postgres" else f"sqlite:///{tmp_path / 'p.db'}"
    first, second = tmp_path / "first", tmp_path / "second"
    write_synthetic(first, practices=30, seed=1, year="2023-24")
    write_synthetic(second, practices=1500, seed=2, year="2023-24")  # the same year, loaded over the first
    engine = make_engine(url)
    upgrade(engine)
    create_user(engine, "auditor", PASSWORD, "admin")  # the audit chain has a record to keep
    engine.dispose()
    kill_load_mid_write(url, first, second)

    engine = make_engine(url)
    with engine.connect() as conn:
        after = conn.execute(select(func.count()).select_from(t.practice)).scalar_one()
        if backend == "sqlite":
            assert conn.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
    assert after == 30  # all or nothing: the killed load left the first economy as it was
    assert verify(engine).intact
    engine.dispose()
    command = [str(Path(sys.executable).with_name("primarycare")), "load", str(second), "--db", url]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)  # and a load afterwards works
    assert done.returncode == 0, done.stderr
    engine = make_engine(url)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(t.practice)).scalar_one() == 1500
    engine.dispose()
