"""The warm-up chosen by MSER-5 and the routine books' warm start (api.Model.warm_books), end to end and through the
CLI."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from primarycare.cli import app
from primarycare.simulation.api import Model
from primarycare.simulation.parameters import scenario_from
from primarycare.simulation.population import synthetic_population

BASELINE = Path(__file__).parents[2] / "examples/scenarios/baseline.yaml"


@pytest.fixture(scope="module")
def population():
    return synthetic_population(40, seed=3)


def test_a_warm_start_fills_the_routine_books_and_changes_nothing_else(population):
    """Started from a 2-year pilot's books, a run with a week's warm-up waits about as long for a routine appointment
    as a cold start run through 2 years of warm-up, far longer than a cold start with a week; the rest of the model
    does not depend on the books, so every other KPI is exactly the cold start's."""
    kpis = lambda pilot, warmup: (  # noqa: E731
        Model(population, scenario_from("test"), warmup_weeks=warmup, pilot_weeks=pilot).run(2, 5).replications
    )
    cold, warm, long = kpis(0, 1), kpis(104, 1), kpis(0, 104)
    wait = "routine_wait_working_days"
    assert warm[wait].mean() == pytest.approx(long[wait].mean(), rel=0.1)
    assert warm[wait].mean() > 1.3 * cold[wait].mean()
    book = {wait, "routine_unbooked_share", "practice_utilisation", "practice_appointments_used", "cost_gbp"}
    book |= {"telephone_appointment_share", "home_visit_appointment_share"}  # of the appointments used
    others = [c for c in cold.columns if c not in book]
    assert warm.select(others).equals(cold.select(others))


def test_simulate_warmup_recommends_by_mser(tmp_path):
    out = tmp_path / "warmup"
    result = CliRunner().invoke(
        app,
        ["simulate", "warmup", "--scenario", str(BASELINE), "--economy", "synth:6", "--weeks", "52", "--out", str(out)],
    )
    assert result.exit_code == 0, result.output
    found = json.loads((out / "warmup.json").read_text())
    assert found["method"].startswith("MSER-5") and found["weeks_run"] == 104
    assert set(found["series"]) == {"routine_waiting", "same_day_requests", "failed"}
    assert found["series"]["failed"]["settled"] and found["warmup_weeks"] >= 1
    assert (out / "warmup.csv").read_text().startswith("date,routine_waiting,same_day_requests,failed")
    assert f"--warmup-weeks {found['warmup_weeks']} --pilot-weeks {found['pilot_weeks']}" in result.output


def test_simulate_records_its_warm_up_and_warm_start(tmp_path):
    base = ["simulate", "--scenario", str(BASELINE), "--economy", "synth:6", "--replications", "1"]
    result = CliRunner().invoke(app, [*base, "--out", str(tmp_path), "--warmup-weeks", "2", "--pilot-weeks", "10"])
    assert result.exit_code == 0, result.output
    run = json.loads((tmp_path / "summary.json").read_text())["run"]
    assert (run["warmup_weeks"], run["pilot_weeks"]) == (2, 10)


def test_the_command_line_starts_the_books_warm_by_default(tmp_path):
    from primarycare.simulation.warmup import PILOT_WEEKS

    base = ["simulate", "--scenario", str(BASELINE), "--economy", "synth:6", "--replications", "1"]
    result = CliRunner().invoke(app, [*base, "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "summary.json").read_text())["run"]["pilot_weeks"] == PILOT_WEEKS
    assert f"(default: {PILOT_WEEKS})" in " ".join(CliRunner().invoke(app, ["simulate", "--help"]).output.split())
