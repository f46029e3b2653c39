"""Running a scenario from the web: a background job, then its KPIs and charts; roles and CSRF."""

import re
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from primarycare.ingest.folder import read_folder
from primarycare.store.cases import add_provider
from primarycare.store.engine import make_engine
from primarycare.store.load import save_economy
from primarycare.store.tokens import issue_token
from primarycare.store.users import create_user
from primarycare.web.app import create_app
from primarycare.web.settings import Settings

from .test_web import PASSWORD, sign_in

SCENARIOS = Path(__file__).parents[2] / "examples" / "scenarios"


@pytest.fixture
def client(sqlite_url, synth_icb):
    engine = make_engine(sqlite_url)
    economy = read_folder(synth_icb)
    save_economy(engine, economy)
    create_user(engine, "comm", PASSWORD, "commissioner")
    add_provider(engine, "OOH1", "An OOH provider", [economy.commissioners[0].code])
    create_user(engine, "clin", PASSWORD, "ooh_clinician", provider_code="OOH1")
    app = create_app(Settings(database_url=sqlite_url, secret_key="s" * 48, scenarios_dir=str(SCENARIOS)))
    with TestClient(app, base_url="https://testserver") as test_client:
        yield test_client, engine


def test_a_commissioner_runs_a_scenario_in_the_background(client):
    test_client, engine = client
    sign_in(test_client, "comm")
    page = test_client.get("/simulation")
    assert "coops-with-notes" in page.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    assert test_client.post("/simulation", data={"scenario": "baseline", "replications": 2}).status_code == 403
    started = test_client.post(
        "/simulation",
        data={"scenario": "baseline", "replications": 2, "seed": 3, "csrf_token": token},
        follow_redirects=False,
    )
    assert started.status_code == 303
    job = started.headers["location"].rsplit("/", 1)[-1]
    api = {"Authorization": f"Bearer {issue_token(engine, 'comm')}"}
    deadline = time.monotonic() + 120
    while (status := test_client.get(f"/api/simulation/jobs/{job}", headers=api).json())["status"] != "done":
        assert status["status"] in ("queued", "running"), status
        assert time.monotonic() < deadline
        time.sleep(0.2)
    assert status["summary"]["ae_attendances"]["mean"] > 0
    page = test_client.get(f"/simulation/jobs/{job}")
    assert 'id="ae-chart"' in page.text and "ooh_clock_compliance" in page.text
    csv = test_client.get(f"/simulation/jobs/{job}/ae_arrivals_by_hour_of_week.csv").text.splitlines()
    assert csv[0] == "hour_of_week,arrivals,minor_unit_arrivals" and len(csv) == 169
    assert test_client.post("/simulation", data={"scenario": "nope", "csrf_token": token}).status_code == 422


def test_other_roles_cannot_run_scenarios(client):
    test_client, _ = client
    sign_in(test_client, "clin")
    assert test_client.get("/simulation").status_code == 403
    assert test_client.get("/simulation/jobs/abc").status_code == 403


def test_a_run_of_one_replication_gives_null_intervals_in_the_api(client):
    test_client, engine = client
    sign_in(test_client, "comm")
    token = re.search(r'name="csrf_token" value="([^"]+)"', test_client.get("/simulation").text).group(1)
    started = test_client.post(
        "/simulation", data={"scenario": "baseline", "replications": 1, "csrf_token": token}, follow_redirects=False
    )
    job = started.headers["location"].rsplit("/", 1)[-1]
    api = {"Authorization": f"Bearer {issue_token(engine, 'comm')}"}
    deadline = time.monotonic() + 120
    while (response := test_client.get(f"/api/simulation/jobs/{job}", headers=api)).json()["status"] != "done":
        assert time.monotonic() < deadline
        time.sleep(0.2)
    assert response.status_code == 200
    kpi = response.json()["summary"]["ae_attendances"]
    assert kpi["mean"] > 0 and kpi["ci_low"] is None and kpi["half_width"] is None
    assert "one replication" in test_client.get(f"/simulation/jobs/{job}").text
