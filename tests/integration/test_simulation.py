"""The model end to end on small synthetic economies: reproducible, common random numbers, policies that move the
KPIs the way their mechanism says, runners that agree, and the CLI's files."""

import json
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from typer.testing import CliRunner

from primarycare.cli import app
from primarycare.simulation.api import Model
from primarycare.simulation.parameters import scenario_from
from primarycare.simulation.population import synthetic_population

SCENARIOS = Path(__file__).parents[2] / "examples" / "scenarios"


@pytest.fixture(scope="module")
def population():
    return synthetic_population(40, seed=3)


def run(population, overrides=None, replications=3, seed=7, **kwargs):
    return Model(population, scenario_from("test", overrides)).run(replications, seed, **kwargs)


def test_same_seed_same_results_and_another_seed_differs(population):
    first, again, other = run(population), run(population), run(population, seed=8)
    assert first.replications.equals(again.replications)
    assert not first.replications.equals(other.replications)
    assert first.replications["ae_attendances"].n_unique() == 3  # replications are independent


def test_common_random_numbers_across_scenarios(population):
    base = run(population)
    notes = run(population, {"notes_access": True})
    # the same demand and 111 calls in both: only what notes access changes differs
    assert base.replications["calls_111"].equals(notes.replications["calls_111"])
    assert (
        notes.replications["palliative_ae_referral_share"] < base.replications["palliative_ae_referral_share"]
    ).all()
    assert (notes.replications["ae_attendances"] <= base.replications["ae_attendances"]).all()


def test_policies_move_kpis_the_way_their_mechanism_says(population):
    base = run(population).summary()
    more = run(population, {"practice_capacity_per_1000_per_week": 130.0}).summary()
    older = run(population, {"population_65_plus_multiplier": 1.3}).summary()
    staffed = run(population, {"staffing_ratio": 50.0}).summary()
    assert more["ae_after_failed_practice_access_share"]["mean"] < base["ae_after_failed_practice_access_share"]["mean"]
    assert more["practice_utilisation"]["mean"] < base["practice_utilisation"]["mean"]
    assert older["ae_attendances"]["mean"] > base["ae_attendances"]["mean"]
    # With staff to spare an assessment starts as soon as the case is passed on, so the clock (from the 111 call
    # being answered) is missed only by calls whose own handling (exponential) outlasts the target: P = e^(-T/h).
    v = scenario_from("test", None).values
    h, urgent = v["call_handling_minutes"], v["urgent_share"]
    late = urgent * np.exp(-v["urgent_target_minutes"] / h) + (1 - urgent) * np.exp(-v["routine_target_minutes"] / h)
    assert staffed["ooh_clock_compliance"]["mean"] == pytest.approx(1 - late, abs=0.015)
    assert 0 < base["ooh_clock_compliance"]["mean"] < staffed["ooh_clock_compliance"]["mean"]


def test_outputs_have_their_documented_shape(population):
    results = run(population, replications=2)
    assert set(results.summary()) >= {
        "ae_attendances",
        "ae_after_failed_practice_access_share",
        "ooh_clock_compliance",
        "practice_utilisation",
    }
    hours = results.ae_mean_by_hour()
    assert hours["hour_of_week"].to_list() == list(range(168))
    total = results.replications["ae_attendances"].mean()
    assert hours["arrivals"].sum() * 52 == pytest.approx(total, rel=1e-9)  # a mean week of arrivals x 52 weeks
    monday_night, monday_noon = hours["arrivals"][3], hours["arrivals"][12]
    assert monday_noon > monday_night


def test_the_process_runner_gives_the_local_results(population):
    local = run(population, replications=2)
    pooled = run(population, replications=2, runner="processes", workers=2)
    assert local.replications.equals(pooled.replications)
    assert np.allclose(local.ae_by_hour["arrivals"].to_numpy(), pooled.ae_by_hour["arrivals"].to_numpy())


def test_the_ray_runner_gives_the_local_results(population):
    pytest.importorskip("ray", reason="the distributed extra is installed by make test")
    local = run(population, replications=2)
    distributed = run(population, replications=2, runner="ray", workers=2)
    assert local.replications.equals(distributed.replications)


def test_cli_runs_a_scenario_on_a_loaded_economy_and_compares(tmp_path, sqlite_url):
    runner = CliRunner()
    data = tmp_path / "data"
    assert runner.invoke(app, ["synth", "--practices", "20", "--out", str(data)]).exit_code == 0
    assert runner.invoke(app, ["load", str(data), "--db", sqlite_url]).exit_code == 0
    outs = []
    for name in ("baseline", "coops-with-notes"):
        out = tmp_path / name
        result = runner.invoke(
            app,
            [
                "simulate",
                "--scenario",
                str(SCENARIOS / f"{name}.yaml"),
                "--db",
                sqlite_url,
                "--replications",
                "3",
                "--seed",
                "1",
                "--out",
                str(out),
            ],
        )
        assert result.exit_code == 0, result.output
        outs.append(out)
    summary = json.loads((outs[0] / "summary.json").read_text())
    for kpi in (
        "ae_attendances",
        "ae_after_failed_practice_access_share",
        "ooh_clock_compliance",
        "practice_utilisation",
    ):
        assert summary[kpi]["ci_low"] <= summary[kpi]["mean"] <= summary[kpi]["ci_high"]
    hours = pl.read_csv(outs[0] / "ae_arrivals_by_hour_of_week.csv")
    assert hours.columns == ["hour_of_week", "arrivals"] and hours.height == 168
    assert pl.read_parquet(outs[0] / "replications.parquet").height == 3
    compared = runner.invoke(app, ["simulate", "compare", str(outs[0]), str(outs[1])])
    assert compared.exit_code == 0 and "palliative_ae_referral_share" in compared.output
    assert "differences paired replication by replication" in compared.output  # both runs: seed 1, 3 replications
    bad = runner.invoke(
        app,
        [
            "simulate",
            "--scenario",
            str(SCENARIOS / "baseline.yaml"),
            "--economy",
            "nonsense",
            "--out",
            str(tmp_path / "x"),
        ],
    )
    assert bad.exit_code == 2 and "synth:england" in bad.output
    synthetic = runner.invoke(
        app,
        [
            "simulate",
            "--scenario",
            str(SCENARIOS / "ageing-2030.yaml"),
            "--economy",
            "synth:15",
            "--replications",
            "2",
            "--out",
            str(tmp_path / "s"),
        ],
    )
    assert synthetic.exit_code == 0, synthetic.output


def test_several_scenarios_run_together_give_what_they_give_alone(population):
    from primarycare.simulation.api import run_scenarios

    models = [
        Model(population, scenario_from(name, overrides))
        for name, overrides in (("base", None), ("notes", {"notes_access": True}))
    ]
    together = run_scenarios(models, 2, 7, runner="processes", workers=2)
    for model, result in zip(models, together, strict=True):
        assert result.replications.equals(model.run(2, 7).replications)
    routes = [c for c in together[0].replications.columns if c.startswith("ae_from_")]
    assert (
        together[0]
        .replications.select(routes)
        .sum_horizontal()
        .equals(together[0].replications["ae_attendances"].alias("sum"))
    )
