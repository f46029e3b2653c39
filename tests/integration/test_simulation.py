"""The model end to end on small synthetic economies: reproducible, common random numbers, policies that move the
KPIs the way their mechanism says, runners that agree, and the CLI's files."""

import json
import re
from pathlib import Path

import numpy as np
import polars as pl
import pytest
import yaml
from typer.testing import CliRunner

from primarycare.cli import app
from primarycare.simulation.api import Model
from primarycare.simulation.calendar import in_hours_at, year_calendar
from primarycare.simulation.deprivation import multipliers, practice_multipliers
from primarycare.simulation.hourly_needs import daytime_times, daytime_weights
from primarycare.simulation.kpis import AE_ROUTES, KPIS
from primarycare.simulation.model import rate_scale, simulate
from primarycare.simulation.parameters import load_defaults, scenario_from
from primarycare.simulation.population import band_matrix, synthetic_population
from primarycare.simulation.stats import difference_ci

SCENARIOS = Path(__file__).parents[2] / "examples" / "scenarios"
OTHERS = {"failed_access_calls_111": 0.25, "failed_access_goes_to_ae": 0.15}  # with waits and tries again: 1
AGAIN = {"failed_access_tries_again": 0.15}


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


def test_common_random_numbers_survive_changes_in_routing(population):
    base = run(population).replications
    # More patients who fail to get an appointment go to A&E: the number of 111 calls (and so the station's queue)
    # changes, yet every need that is not routed differently meets the same fate.
    rerouted = run(
        population,
        {
            "failed_access_goes_to_ae": 0.30,
            "failed_access_waits": 0.30,
            "failed_access_calls_111": 0.25,
            "failed_access_tries_again": 0.15,
        },
    ).replications
    for untouched in ("ae_from_background", "ae_from_straight_to_ae", "ae_from_ambulance", "ae_from_111_ae"):
        assert rerouted[untouched].equals(base[untouched]), untouched
    assert (rerouted["ae_from_failed_access"] > base["ae_from_failed_access"]).all()
    # A no-op change (a price that only the cost uses): every other KPI is identical, and the paired difference is
    # exactly zero with an interval of width zero.
    priced = run(population, {"cost_ambulance": 300.0}).replications
    for kpi in KPIS:
        if kpi != "cost_gbp":
            assert priced[kpi].equals(base[kpi]), kpi
            assert difference_ci(base[kpi].to_numpy(), priced[kpi].to_numpy(), paired=True) == (0.0, 0.0)
    assert (priced["cost_gbp"] > base["cost_gbp"]).all()


def test_every_count_starts_at_the_end_of_the_warm_up(population):
    """One warm-up rule: needs arising in the warm-up are simulated (queues are warm) but nothing that follows from
    them is counted, whatever the KPI. The same 56 weeks with and without 4 weeks' warm-up: every count drops by
    about 4/56, and each practice's counts add up to the totals."""
    model = Model(population, scenario_from("test"))
    defaults, year = model.defaults, year_calendar("2023-24", 56)
    scale = rate_scale(band_matrix(population)[1], defaults, model.scenario.values)
    cold, warm = (
        simulate(
            model.scenario,
            defaults,
            year,
            model.parts[0][0],
            scale,
            seed=7,
            replication=0,
            chunk=0,
            warmup_weeks=w,
            keeps_ooh=model.parts[0][1],
            rotas=model.parts[0][2],
            network=model.parts[0][3],
        )
        for w in (0, 4)
    )
    # the routine book's waiting and its turned-away requests follow the queue: started empty it fills over the
    # first weeks, which is what a warm-up is for, so the cold run understates them
    queue = ("routine_waiting_days", "routine_unbooked")
    skip = {"events", "ooh_duty_hours", *queue}
    for name, value in cold["counts"].items():
        if name not in skip and value >= 200:  # within 0.04, or 4 binomial standard deviations of a small count
            spread = max(0.04, 4 * np.sqrt(4 / 56 * 52 / 56 / value))
            assert warm["counts"][name] / value == pytest.approx(52 / 56, abs=spread), name
    for name in queue:
        assert warm["counts"][name] > cold["counts"][name] * 52 / 56, name
    for name, per_practice in warm["practices"].items():
        total = "unmet_in_hours" if name == "failed_access" else name
        if total in warm["counts"]:
            assert per_practice.sum() == warm["counts"][total], name
    assert warm["weeks"] == 52


def test_policies_move_kpis_the_way_their_mechanism_says(population):
    base = run(population).summary()
    more = run(population, {"practice_capacity_per_1000_per_week": 130.0}).summary()
    older = run(population, {"population_65_plus_multiplier": 1.3}).summary()
    staffed = run(population, {"staffing_ratio": 50.0, "rota_planning": "plan_to_demand"}).summary()
    assert more["ae_after_failed_practice_access_share"]["mean"] < base["ae_after_failed_practice_access_share"]["mean"]
    assert more["practice_utilisation"]["mean"] < base["practice_utilisation"]["mean"]
    assert older["ae_attendances"]["mean"] > base["ae_attendances"]["mean"]
    # Planned to demand with staff to spare, an assessment starts as soon as the case is passed on, so the clock (from
    # the 111 call being answered) is missed only by calls whose own handling (exponential) outlasts the target:
    # P = e^(-T/h).
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
    assert hours.columns == ["hour_of_week", "arrivals", "minor_unit_arrivals"] and hours.height == 168
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
    scenario = str(SCENARIOS / "baseline.yaml")
    bad = runner.invoke(
        app, ["simulate", "--scenario", scenario, "--economy", "synth:abc", "--out", str(tmp_path / "x")]
    )
    assert bad.exit_code == 2 and "synth:N, N a number of practices" in bad.output
    singles = []
    for n in (1, 2):  # one replication each: no intervals, said so (they showed as "nan")
        singles.append(tmp_path / f"one{n}")
        args = ["simulate", "--scenario", scenario, "--economy", "synth:2", "--replications", "1", "--out"]
        assert runner.invoke(app, [*args, str(singles[-1])]).exit_code == 0

    def strict(constant):
        raise ValueError(f"not JSON: {constant}")

    one = json.loads((singles[0] / "summary.json").read_text(), parse_constant=strict)  # no NaN: null
    assert one["ae_attendances"]["ci_low"] is None and one["ae_attendances"]["mean"] > 0
    assert not re.search(r"\bnan\b", (singles[0] / "report.html").read_text())
    compared = runner.invoke(app, ["simulate", "compare", *map(str, singles)])
    assert compared.exit_code == 0 and not re.search(r"\bnan\b", compared.output)
    assert "a run of one replication gives no intervals" in compared.output
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


def test_a_stored_run_gives_each_practice_its_failed_access_measure(tmp_path, db_url):
    """simulate --db URL --store keeps the run; measures compute turns each practice's simulated failed access
    into the failed_access_share measure, with percentiles like any other measure."""
    from sqlalchemy import select

    from primarycare.store import tables as t
    from primarycare.store.engine import make_engine

    runner = CliRunner()
    data = tmp_path / "data"
    assert runner.invoke(app, ["synth", "--practices", "12", "--out", str(data)]).exit_code == 0
    assert runner.invoke(app, ["load", str(data), "--db", db_url]).exit_code == 0
    synthetic = ["--scenario", str(SCENARIOS / "baseline.yaml"), "--economy", "synth:5", "--store"]
    refused = runner.invoke(app, ["simulate", *synthetic, "--out", str(tmp_path / "x")])
    assert refused.exit_code == 2 and "--store keeps a run of a loaded economy" in refused.output
    out = tmp_path / "run"
    stored = runner.invoke(
        app,
        ["simulate", "--scenario", str(SCENARIOS / "baseline.yaml"), "--db", db_url, "--replications", "2"]
        + ["--out", str(out), "--store"],
    )
    assert stored.exit_code == 0, stored.output
    assert "stored as simulation run 1" in stored.output
    practices = pl.read_csv(out / "practices.csv")
    assert practices.height == 12 and (practices["same_day_needs"] > 0).all()
    assert runner.invoke(app, ["measures", "compute", "--db", db_url]).exit_code == 0
    engine = make_engine(db_url)
    v = t.measure_value.c
    with engine.connect() as conn:
        rows = conn.execute(
            select(v.code, v.value, v.percentile).where(v.measure == "failed_access_share", v.kind == "practice")
        ).all()
        summary = conn.execute(select(t.simulation_run.c.summary)).scalar_one()
    assert len(rows) == 12
    expected = dict(zip(practices["practice_code"], practices["failed_access_share"] * 100, strict=True))
    for code, value, percentile in rows:
        assert value == pytest.approx(expected[code]) and 0 <= percentile <= 100
    assert json.loads(summary)["kpis"]["ae_attendances"]["mean"] > 0


def _one_chunk(population, overrides, keeps):
    model = Model(population, scenario_from("test", overrides), warmup_weeks=1)
    year = year_calendar("2023-24", 53)
    scale = rate_scale(band_matrix(population)[1], model.defaults, model.scenario.values)
    matrix, _, rotas, network, fifths, female, positions, palliative, care_home = model.parts[0]
    out = simulate(
        model.scenario, model.defaults, year, matrix, scale, seed=7, replication=0, chunk=0, warmup_weeks=1,
        keeps_ooh=keeps, rotas=rotas, network=network, deprivation=fifths, female_share=female, positions=positions,
        palliative_register=palliative, care_home=care_home,
    )  # fmt: skip
    return out["counts"], matrix * practice_multipliers(fifths, 2.0)[:, None]  # patients as OOH needs weigh them


def test_a_practice_that_kept_ooh_handles_its_own_patients(population):
    """Every out-of-hours need of a practice that kept responsibility goes to the practice instead of 111: with the
    rest rule off (so in-hours access is unchanged), the 111 calls drop by exactly the calls its on-call GP takes,
    which are about its share of the patients; the primary-care ones are its OOH cases, the others go where 111
    would have sent them."""
    # without 111's repeat callers: a practice's own on-call GP has no repeat-caller pathway to compare with
    rest_off = {"night_rest_sessions": 0.0, "repeat_call_share": 0.0}
    opted_out, matrix = _one_chunk(population, rest_off, None)
    keeps = np.zeros(matrix.shape[0], bool)
    keeps[0] = True
    one_kept, _ = _one_chunk(population, rest_off, keeps)
    assert one_kept["own_ooh_calls"] > 0 and opted_out["own_ooh_calls"] == 0
    assert opted_out["calls_111"] - one_kept["calls_111"] == one_kept["own_ooh_calls"]
    share = matrix[0].sum() / matrix.sum()
    ooh_calls = opted_out["calls_111"] - opted_out["unmet_in_hours"] * 0.25
    assert one_kept["own_ooh_calls"] / ooh_calls == pytest.approx(share, rel=0.35)
    assert 0 < one_kept["own_ooh_cases"] < one_kept["own_ooh_calls"]
    # the clinical need is the same whoever triages: A&E and ambulances from this practice's patients move from the
    # 111 routes to the practice's, none lost
    for route in ("ae_111_ae", "ae_ambulance", "ae_own_practice_ae"):
        assert route in one_kept
    moved = opted_out["ae_111_ae"] - one_kept["ae_111_ae"]
    assert one_kept["ae_own_practice_ae"] == moved > 0
    assert one_kept["sessions_lost_to_night_work"] == 0


def test_taking_ooh_back_costs_in_hours_access_through_night_work(population):
    """The in-hours cost of practices covering their own nights follows from the rest rule: no rule, no cost; with
    it, sessions are lost only where a GP worked after midnight, and failed access rises with them."""
    rested = run(population, {"ooh_provider": "practices", "night_rest_sessions": 0.0}).replications
    tired = run(population, {"ooh_provider": "practices"}).replications
    base = run(population).replications  # the economy's own opt-outs: a few practices kept OOH
    no_rule = run(population, {"night_rest_sessions": 0.0}).replications
    assert (rested["sessions_lost_to_night_work"] == 0).all()
    assert (tired["sessions_lost_to_night_work"] > 0).all()
    assert (tired["ae_from_failed_access"] >= rested["ae_from_failed_access"]).all()
    assert (tired["ae_from_failed_access"] > rested["ae_from_failed_access"]).any()
    assert rested["ae_from_failed_access"].equals(no_rule["ae_from_failed_access"])  # no rule: in hours untouched
    assert (base["sessions_lost_to_night_work"] < tired["sessions_lost_to_night_work"]).all()
    assert (base["ooh_cases_by_own_practice"] > 0).all()
    assert (base["ooh_cases_by_own_practice"] < tired["ooh_cases_by_own_practice"]).all()
    # the practices' own GPs know their patients: palliative referrals to A&E at the with-notes rate
    assert (tired["palliative_ae_referral_share"] < base["palliative_ae_referral_share"]).all()


def test_fixed_rotas_make_waits_grow_with_demand(population):
    """With the default fixed rotas, 30% more out-of-hours demand meets the same staff: the clock is met less often,
    the clinicians are busier and the staff cost does not move; planned to demand, the rotas grow instead."""
    busier = {"ooh_needs_per_1000_per_year": load_defaults().values["ooh_needs_per_1000_per_year"] * 1.3}
    base, more = run(population).replications, run(population, busier).replications
    assert (more["ooh_clock_compliance"] < base["ooh_clock_compliance"] - 0.02).all()
    assert (more["ooh_clinician_utilisation"] > base["ooh_clinician_utilisation"]).all()
    # waits as shares within each standard: 111 answering (NQR 8) and face-to-face (NQR 12) fall too
    assert (more["calls_answered_within_60s_share"] < base["calls_answered_within_60s_share"]).all()
    assert (more["ooh_face_to_face_compliance"] <= base["ooh_face_to_face_compliance"]).all()
    assert ((base["calls_answered_within_60s_share"] > 0) & (base["ooh_face_to_face_compliance"] <= 1)).all()
    planned = {"rota_planning": "plan_to_demand"}
    planned_base, planned_more = run(population, planned).replications, run(population, busier | planned).replications
    assert (planned_more["ooh_clinician_utilisation"] - planned_base["ooh_clinician_utilisation"]).abs().max() < 0.05
    # staff cost: the fixed run's cost rises only by the attendances and ambulances the extra demand brings
    extra = (more["ae_attendances"] - base["ae_attendances"]) * 100.0
    ambulances = more["cost_gbp"] - base["cost_gbp"] - extra  # all that is left: more ambulances
    assert (ambulances >= 0).all() and (ambulances < 0.01 * base["cost_gbp"]).all()


def test_rota_plans_a_workforce_file_that_simulate_fixes(tmp_path):
    runner = CliRunner()
    workforce = tmp_path / "workforce.csv"
    planned = runner.invoke(
        app,
        ["simulate", "rota", "--scenario", str(SCENARIOS / "baseline.yaml"), "--economy", "synth:30"]
        + ["--out", str(workforce)],
    )
    assert planned.exit_code == 0, planned.output
    rows = pl.read_csv(workforce, schema_overrides={"COMMISSIONER_CODE": pl.String})
    assert rows.columns == ["COMMISSIONER_CODE", "STATION", "HOUR_OF_WEEK", "SERVERS"]
    assert set(rows["STATION"]) == {"calls_111", "assessment", "base_visits", "home_visits", "ae"}
    doubled = tmp_path / "doubled.csv"
    rows.with_columns(pl.col("SERVERS") * 2).write_csv(doubled)
    common = ["simulate", "--scenario", str(SCENARIOS / "baseline.yaml"), "--economy", "synth:30"]
    common += ["--replications", "2"]
    results = {}
    for name, extra in (("planned", ["--workforce", str(workforce)]), ("doubled", ["--workforce", str(doubled)])):
        done = runner.invoke(app, [*common, *extra, "--out", str(tmp_path / name)])
        assert done.exit_code == 0, done.output
        results[name] = json.loads((tmp_path / name / "summary.json").read_text())
    planned_clock = results["planned"]["ooh_clock_compliance"]["mean"]
    assert results["doubled"]["ooh_clock_compliance"]["mean"] > planned_clock
    assert results["doubled"]["cost_gbp"]["mean"] > results["planned"]["cost_gbp"]["mean"]
    rows.head(10).write_csv(tmp_path / "short.csv")
    refused = runner.invoke(app, [*common, "--workforce", str(tmp_path / "short.csv"), "--out", str(tmp_path / "x")])
    assert refused.exit_code == 2 and "short.csv" in refused.output and "no row for hour 10" in refused.output


def test_replications_chosen_by_a_target_precision(population, tmp_path):
    """--precision adds replications until every headline KPI's half-width is within the target share of its mean;
    the result is the fixed-count run of the same length (replications continue the numbering)."""
    from primarycare.simulation.precision import HEADLINE, relative_half_widths, run_to_precision

    model = Model(population, scenario_from("test"))
    loose = run_to_precision(model, 0.5, 7, minimum=3)
    assert loose.replications.height == 3  # already precise enough
    tight = run_to_precision(model, 0.01, 7, minimum=3, maximum=60)
    n = tight.replications.height
    assert 3 < n < 60 and max(relative_half_widths(tight).values()) <= 0.01
    assert tight.replications.equals(model.run(n, 7).replications)
    out = tmp_path / "precise"
    done = CliRunner().invoke(
        app,
        ["simulate", "--scenario", str(SCENARIOS / "baseline.yaml"), "--economy", "synth:20", "--replications", "3"]
        + ["--precision", "0.003", "--max-replications", "30", "--out", str(out)],
    )
    assert done.exit_code == 0, done.output
    summary = json.loads((out / "summary.json").read_text())
    assert summary["run"]["precision"] == 0.003
    count = summary["run"]["replications"]
    widths = [summary[k]["half_width"] / abs(summary[k]["mean"]) for k in HEADLINE]
    assert 3 < count <= 30 and (count == 30 or max(widths) <= 0.003)


def test_ae_crowding_is_an_output_of_demand_meeting_a_fixed_department(population):
    """More attendances against the same A&E rota: longer waits, fewer within 4 hours, busier clinicians; an older
    population brings more background attendances through the age-specific rates."""
    base = run(population).replications
    crowded = run(population, {"background_ae_per_1000_per_year": 260.0}).replications
    older = run(population, {"population_65_plus_multiplier": 1.3}).replications
    assert (crowded["ae_mean_wait_minutes"] > base["ae_mean_wait_minutes"]).all()
    assert (crowded["ae_four_hour_share"] < base["ae_four_hour_share"]).all()
    assert (crowded["ae_clinician_utilisation"] > base["ae_clinician_utilisation"]).all()
    assert (older["ae_from_background"] > base["ae_from_background"]).all()
    assert ((base["ae_four_hour_share"] > 0.5) & (base["ae_four_hour_share"] < 1)).all()


def test_999_ambulances_bring_their_own_attendances_on_a_stream_of_their_own(population):
    """Ambulances sent by 999 arrive at A&E at their own rate (the A&E age profile): doubling it doubles them and
    leaves every other route's attendances exactly as they were; none, and only they are gone."""
    rate = load_defaults().values["ambulance_999_per_1000_per_year"]
    base, double, none = (
        run(population, {"ambulance_999_per_1000_per_year": r}, replications=2).replications
        for r in (rate, 2 * rate, 0.0)
    )
    assert double["ae_from_ambulance_999"].sum() / base["ae_from_ambulance_999"].sum() == pytest.approx(2, rel=0.03)
    assert (none["ae_from_ambulance_999"] == 0).all()
    others = [f"ae_from_{route}" for route in AE_ROUTES if route != "ambulance_999"]
    assert double.select(others).equals(base.select(others)) and none.select(others).equals(base.select(others))
    assert (double["ae_four_hour_share"] < base["ae_four_hour_share"]).all()  # the same department, more arrivals
    registered = population["patients"].sum()
    assert base["ae_from_ambulance_999"].mean() / registered * 1000 == pytest.approx(rate, rel=0.1)


def test_daytime_callers_bring_111_calls_in_hours_and_leave_every_out_of_hours_need_as_it_was(population):
    """Patients who call 111 while their practice is open: more of them, more 111 calls (all starting in hours)
    and more A&E by their own route, while every out-of-hours need meets the same fate (its id does not depend on
    them); none of them, and their route is empty."""
    base, double, none = (
        run(population, {"daytime_111_per_1000_per_year": r}, replications=2).replications for r in (60.0, 120.0, 0.0)
    )
    assert (double["calls_111"] > base["calls_111"]).all() and (base["calls_111"] > none["calls_111"]).all()
    assert (double["ae_from_daytime_111"] > base["ae_from_daytime_111"]).all()
    assert (none["ae_from_daytime_111"] == 0).all()
    unmoved = ["ae_from_straight_to_ae", "ae_from_failed_access", "ae_from_background", "practice_appointments_used"]
    assert double.select(unmoved).equals(base.select(unmoved)) and none.select(unmoved).equals(base.select(unmoved))
    year = year_calendar("2023-24", 52)
    weights = daytime_weights(year)
    times = daytime_times(year, 5.0 * weights, np.random.default_rng(1))
    assert in_hours_at(year, times).all() and times.size == pytest.approx(5.0 * weights.sum(), rel=0.05)


def test_a_minor_injury_units_opening_hours_move_attendances_between_the_types(population):
    """Minor needs go to the unit while it is open and to type 1 A&E when it is closed: open until midnight, fewer
    reach type 1 and as many more are seen at the unit (the same needs on the same draws); never open, every one
    reaches type 1; every other route of A&E is the same whatever the hours."""
    base, late, shut = (
        run(population, hours, replications=2).replications
        for hours in ({}, {"minor_unit_closes": 24.0}, {"minor_unit_opens": 8.0, "minor_unit_closes": 8.0})
    )
    minor = [pl.col("minor_unit_attendances") + pl.col("ae_from_minor_when_closed")]
    assert late.select(minor).equals(base.select(minor)) and shut.select(minor).equals(base.select(minor))
    assert (late["ae_from_minor_when_closed"] < base["ae_from_minor_when_closed"]).all()
    assert (shut["minor_unit_attendances"] == 0).all() and (base["minor_unit_attendances"] > 0).all()
    assert (late["ae_attendances"] < base["ae_attendances"]).all() and (
        shut["ae_attendances"] > base["ae_attendances"]
    ).all()
    others = [f"ae_from_{route}" for route in AE_ROUTES if route != "minor_when_closed"]
    assert late.select(others).equals(base.select(others)) and shut.select(others).equals(base.select(others))


def test_network_hubs_seven_day_access_and_pooling_act_through_their_mechanisms(population):
    base = run(population).replications
    empty = run(population, {"network_hub": True, "hub_minutes_per_1000_per_week": 0.0}).replications
    assert empty.equals(base)  # an empty hub changes nothing
    hub = run(population, {"network_hub": True}).replications
    seven = run(population, {"network_hub": True, "seven_day_access": True}).replications
    pooled = run(population, {"network_pooling": True}).replications
    assert (hub["hub_appointments"] > 0).all() and (base["hub_appointments"] == 0).all()
    assert (hub["ae_from_failed_access"] <= base["ae_from_failed_access"]).all()
    assert (hub["ae_from_failed_access"] < base["ae_from_failed_access"]).any()
    assert (hub["ooh_cases"] < base["ooh_cases"]).all()  # 111 books Saturday needs into the hub
    assert (hub["cost_gbp"] > base["cost_gbp"]).all()  # the hub's appointments are paid for, used or not
    assert (seven["hub_appointments"] > hub["hub_appointments"]).all()
    assert (seven["ooh_cases"] < hub["ooh_cases"]).all()
    assert (pooled["pooled_appointments"] > 0).all()
    assert (pooled["ae_from_failed_access"] <= base["ae_from_failed_access"]).all()


def test_the_hubs_gps_refer_to_ae_like_the_practices_own(population):
    """At a referral share of 1 every consultation ends in A&E: the hub (evenings, and weekends booked by 111) adds
    one referral per appointment, less at most the practices' own consultations of the patients who no longer
    try again (fewer repeat requests); at 0, nobody."""
    refer = {"practice_ae_referral": 1.0}
    base = run(population, refer, replications=2).replications
    hub = run(population, {**refer, "network_hub": True, "seven_day_access": True}, replications=2).replications
    added = hub["ae_from_practice_referral"] - base["ae_from_practice_referral"]
    fewer_repeats = base["same_day_repeat_requests"] - hub["same_day_repeat_requests"]
    assert (added <= hub["hub_appointments"]).all() and (added >= hub["hub_appointments"] - fewer_repeats).all()
    nobody = run(population, {"practice_ae_referral": 0.0, "network_hub": True}, replications=1).replications
    assert (nobody["ae_from_practice_referral"] == 0).all()


def test_sensitivity_ranks_the_assumptions_by_their_influence(tmp_path):
    """Every assumption is varied; what it cannot touch does not move (common random numbers make that exact), and
    what it drives moves the most."""
    out = tmp_path / "sensitivity"
    done = CliRunner().invoke(
        app,
        ["simulate", "sensitivity", "--scenario", str(SCENARIOS / "baseline.yaml"), "--economy", "synth:12"]
        + ["--replications", "1", "--runner", "local", "--out", str(out)],
    )
    assert done.exit_code == 0, done.output
    tornado = pl.read_csv(out / "tornado.csv")
    influence = pl.read_csv(out / "influence.csv")
    assumptions = set(load_defaults().assumptions())
    assert set(tornado["parameter"]) == assumptions and "consultations_per_person_year" not in assumptions
    ae = tornado.filter(pl.col("kpi") == "ae_attendances")
    # the calibrated model's largest, and which way: a minor injury unit open later sends fewer to type 1 A&E
    drivers = {"minor_unit_closes": -1, "ooh_needs_per_1000_per_year": 1}
    assert set(ae["parameter"][:2]) == set(drivers)
    assert all((r["at_high"] - r["at_low"]) * drivers[r["parameter"]] > 0 for r in ae.head(2).iter_rows(named=True))
    assert ae.filter(pl.col("parameter").str.starts_with("cost_"))["swing"].max() == 0  # prices move no attendance
    cost = tornado.filter(pl.col("kpi") == "cost_gbp")
    assert cost.filter(pl.col("parameter") == "cost_ooh_clinician_hour")["swing"][0] > 0
    top = influence.filter(pl.col("kpi") == "ae_attendances").head(2)
    assert set(top["parameter"]) == set(drivers) and abs(top["src"][0]) > 0.5
    assert len(pl.read_csv(out / "samples.csv")) == 4 * len(assumptions)
    assert "<svg" in (out / "report.html").read_text()
    few = CliRunner().invoke(
        app,
        ["simulate", "sensitivity", "--scenario", str(SCENARIOS / "baseline.yaml"), "--economy", "synth:12"]
        + ["--samples", "5", "--out", str(tmp_path / "x")],
    )
    assert few.exit_code == 2 and "--samples: at least" in few.output


def test_peaks_in_demand_make_more_patients_fail_at_the_same_total(population):
    """The same year's demand, flat or with Monday and winter peaks, against the same appointments: the peaks meet
    full books, so more patients fail and more slots go unused on quiet days."""
    flat = run(population, {"monday_peak": 1.0, "winter_peak": 0.0}).replications
    peaked = run(population, {"monday_peak": 1.4, "winter_peak": 0.2}).replications
    assert (peaked["ae_from_failed_access"] > flat["ae_from_failed_access"] * 1.2).all()
    assert (peaked["practice_utilisation"] < flat["practice_utilisation"]).all()


def test_calibration_fits_only_the_fit_targets_and_reports_the_rest(tmp_path):
    from primarycare.simulation.calibrate import calibrate, load_calibration

    out = tmp_path / "calibration"
    start = yaml.safe_load((SCENARIOS / "baseline.yaml").read_text())
    start["overrides"]["background_ae_per_1000_per_year"] = 120.0  # the fit starts well away from the target
    (tmp_path / "baseline.yaml").write_text(yaml.safe_dump(start))
    done = CliRunner().invoke(
        app,
        ["simulate", "calibrate", "--scenario", str(tmp_path / "baseline.yaml"), "--economy", "synth:20"]
        + ["--replications", "1", "--out", str(out)],
    )
    assert done.exit_code == 0, done.output
    report = json.loads((out / "calibration.json").read_text())
    rows = {r["statistic"]: r for r in report["targets"]}
    assert {r["use"] for r in rows.values()} == {"fit", "compare"}
    ae = rows["ae_attendances_per_1000"]
    assert abs(ae["relative_error"]) < 0.02 < abs(ae["model_before"] - ae["published"]) / ae["published"]
    assert "compare" in (out / "calibration.md").read_text()
    calibrated = yaml.safe_load((out / "baseline-calibrated.yaml").read_text())
    assert (
        calibrated["overrides"]["background_ae_per_1000_per_year"]
        == report["fitted"]["background_ae_per_1000_per_year"]
    )
    # A comparison figure never moves a parameter: change every "compare" value and the fit is the same.
    population, scenario = synthetic_population(20, seed=1), scenario_from("baseline")
    text = (Path(__file__).parents[2] / "src/primarycare/simulation/data/calibration.toml").read_text()
    moved, compared = [], False
    for line in text.splitlines():  # every compared figure three times what it is
        compared = line == 'use = "compare"' if line.startswith("use = ") else compared
        moved.append(f"value = {float(line.split('=')[1]) * 3}" if compared and line.startswith("value = ") else line)
    moved = "\n".join(moved)
    first = calibrate(population, scenario, replications=1, calibration=load_calibration(text))
    second = calibrate(population, scenario, replications=1, calibration=load_calibration(moved))
    assert first.fitted == second.fitted and moved != text


def test_results_by_month_network_and_commissioner_add_up_to_the_year(population):
    results = run(population, replications=2)
    months = results.month_means()
    totals = results.replications.mean()
    for column, kpi in (("calls_111", "calls_111"), ("ooh_cases", "ooh_cases"), ("ae_attendances", "ae_attendances")):
        assert months[column].sum() == pytest.approx(totals[kpi][0]), column
    # the counted 52 weeks run from Monday 27 March 2023 (the warm-up week before it is not counted) to 24 March 2024
    assert months["month"].to_list()[:2] == ["2023-03", "2023-04"] and months["month"][-1] == "2024-03"
    assert months.height == 13
    compliance = months["clock_met"].sum() / months["ooh_cases"].sum()
    assert compliance == pytest.approx(totals["ooh_clock_compliance"][0], rel=0.01)
    practices = results.practice_means()
    for kind in ("network", "commissioner"):
        grouped = results.organisation_means(population, f"{kind}_code")
        assert grouped["failed_access"].sum() == pytest.approx(practices["failed_access"].sum())
        assert grouped["practices"].sum() == practices.height
    winter = months.filter(pl.col("month").is_in(["2023-12", "2024-01"]))["failed_access"].sum()
    summer = months.filter(pl.col("month").is_in(["2023-07", "2023-08"]))["failed_access"].sum()
    assert winter > 1.5 * summer  # the winter peak meets the same appointments


def test_queue_length_over_the_week_agrees_with_littles_law(population):
    """L = λW for 111: the mean number waiting (sampled at every hour) equals the call rate times the mean wait."""
    busier = load_defaults().values["ooh_needs_per_1000_per_year"] * 1.3  # 1.3 times the load the rotas were set for
    results = run(population, {"ooh_needs_per_1000_per_year": busier}, replications=2)
    queues = results.queue_means()
    assert set(queues["station"]) == {"calls_111", "assessment", "ae"}
    calls = queues.filter(pl.col("station") == "calls_111")
    assert calls.height == 168 and (calls["waiting"] >= 0).all()
    totals = results.replications.mean()
    rate = totals["calls_111"][0] / (52 * 168)  # calls an hour
    wait = totals["calls_mean_wait_minutes"][0] / 60
    assert calls["waiting"].mean() == pytest.approx(rate * wait, rel=0.05)
    night, evening = calls["waiting"][3], calls["waiting"][19]  # Monday 03:00 and 19:00
    assert evening > night


def test_a_sensitivity_run_stops_when_its_progress_says_so(population):
    """The web's background sensitivity jobs stop at the app's shutdown through the progress callback."""
    from primarycare.simulation.sensitivity import analyse

    ticks = []

    def stop(chunks: int) -> None:
        ticks.append(chunks)
        raise RuntimeError("shutting down")

    with pytest.raises(RuntimeError, match="shutting down"):
        analyse(population, scenario_from("test"), replications=1, progress=stop, runner="local")
    assert ticks == [1]  # stopped after the first chunk, not at the end


def test_deprivation_brings_more_ae_and_out_of_hours_needs_relative_to_england(population):
    """Patients carry their practice's deprivation fifth: the same practices all in the most deprived fifth bring
    the gradient's ratio of background A&E attendances and OOH needs to the same practices all in the least deprived;
    practices of unknown fifth are England's average, exactly as a run without the attribute."""
    fifth = lambda f: population.with_columns(pl.lit(f, pl.Int8).alias("deprivation_fifth"))  # noqa: E731
    deprived, affluent = run(fifth(1), replications=2), run(fifth(5), replications=2)
    m = multipliers(2.0)
    mean = lambda results, kpi: results.replications[kpi].mean()  # noqa: E731
    assert mean(deprived, "ae_from_background") / mean(affluent, "ae_from_background") == pytest.approx(
        m[0] / m[4], rel=0.02
    )
    needs = lambda results: results.practice_means()["ooh_needs"].sum()  # noqa: E731
    assert needs(deprived) / needs(affluent) == pytest.approx(m[0] / m[4], rel=0.05)
    unknown = run(fifth(0), replications=1)
    assert unknown.replications.equals(run(population.drop("deprivation_fifth"), replications=1).replications)
    by_fifth = deprived.organisation_means(fifth(1), "deprivation_fifth")
    assert by_fifth["deprivation_fifth"].to_list() == [1] and by_fifth["practices"].item() == 40


def _simulate_with(tmp_path, option: str, header: str, rows, bad_row: str) -> list[str]:
    """simulate on synth:6 with a practice file as ``option`` (a row per practice from ``rows(index, code)``): the
    codes; and the same with a file whose first row is ``bad_row``, refused at line 2, column 2, writing nothing."""
    codes = synthetic_population(6, seed=1)["practice_code"].unique().sort().to_list()
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_text(header + "".join(rows(i, c) for i, c in enumerate(codes)))
    bad.write_text(header + f"{codes[0]},{bad_row}\n")
    scenario = Path(__file__).parents[2] / "examples/scenarios/baseline.yaml"
    base = ["simulate", "--scenario", str(scenario), "--economy", "synth:6", "--replications", "1"]
    result = CliRunner().invoke(app, [*base, "--out", str(tmp_path / "out"), option, str(good)])
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(app, [*base, "--out", str(tmp_path / "bad"), option, str(bad)])
    assert result.exit_code != 0 and "bad.csv:2:2" in result.output and not (tmp_path / "bad").exists()
    return codes


def test_simulate_reads_a_deprivation_file_and_refuses_a_bad_one(tmp_path):
    header = "PRACTICE_CODE,DEPRIVATION_FIFTH\n"
    codes = _simulate_with(tmp_path, "--deprivation", header, lambda i, c: f"{c},{i % 5 + 1}\n", "9")
    written = pl.read_csv(tmp_path / "out" / "practices.csv")
    assert dict(zip(written["practice_code"], written["deprivation_fifth"], strict=True)) == {
        c: i % 5 + 1 for i, c in enumerate(codes)
    }
    assert pl.read_csv(tmp_path / "out" / "deprivation.csv")["deprivation_fifth"].to_list() == sorted(
        {i % 5 + 1 for i in range(len(codes))}
    )


def test_what_patients_do_after_failing_follows_the_day_and_their_deprivation(population):
    """The choice model end to end: failing before days without the practice (a Friday, the eve of a bank holiday)
    sends a larger share of patients to 111 or A&E than failing on other days, and only through the weekend
    coefficient; patients in the most deprived fifth go to A&E more often than the same patients in the least."""

    def acted_shares(overrides):
        counts, _ = _one_chunk(population, overrides, None)
        before, acted_before = (
            counts["failed_access_before_closed_days"],
            counts["failed_access_before_closed_days_acted"],
        )
        others = counts["unmet_in_hours"] - before
        return acted_before / before, (counts["failed_access_acted"] - acted_before) / others

    friday, other_days = acted_shares({"choice_weekend_wait": 1.0})
    assert friday > other_days + 0.1
    friday, other_days = acted_shares({"choice_weekend_wait": 0.0})
    assert friday == pytest.approx(other_days, abs=0.05)

    def to_ae(fifth):
        frame = population.with_columns(pl.lit(fifth, pl.Int8).alias("deprivation_fifth"))
        return run(frame, {"choice_weekend_wait": 0.0}, replications=2).replications["ae_from_failed_access"].mean()

    assert to_ae(1) > to_ae(5) * 1.2


def test_women_consult_more_so_a_practice_with_more_women_has_more_same_day_needs(population):
    """Patients carry their sex: the same lists all female bring consultations_female_to_male times the same-day
    needs of the same lists all male; a population that does not give the sex counts as half female, exactly."""
    everyone = pl.col("patients")
    female, male = (
        run(population.with_columns(share.alias("female")), replications=2) for share in (everyone, everyone * 0)
    )
    needs = lambda results: results.practice_means()["same_day_needs"].sum()  # noqa: E731
    assert needs(female) / needs(male) == pytest.approx(1.3, rel=0.02)
    half = run(population.with_columns((pl.col("patients") / 2).alias("female")), replications=1)
    assert half.replications.equals(run(population.drop("female"), replications=1).replications)


def test_patients_who_try_again_are_requests_in_the_next_working_days_book(population):
    """Repeat contacts: a patient who found no appointment and tries again is a request in the practice's book on
    its next working day, so the same needs make more requests, use slots a quieter day left free, and leave fewer
    patients to wait, call 111 or go to A&E."""
    none, _ = _one_chunk(population, {"failed_access_tries_again": 0.0, "failed_access_waits": 0.60, **OTHERS}, None)
    many, _ = _one_chunk(population, {"failed_access_tries_again": 0.40, "failed_access_waits": 0.20, **OTHERS}, None)
    assert none["same_day_repeat_requests"] == 0 < many["same_day_repeat_requests"]
    assert many["practice_used"] > none["practice_used"]
    assert many["unmet_in_hours"] < none["unmet_in_hours"]


def test_repeat_callers_call_111_again_and_the_rule_sends_third_calls_to_a_clinician(population):
    """Callers left with another service or none call 111 again; the third call within 96 hours goes to a
    clinician, so repeat calling brings more calls and more OOH cases; nobody calling again changes nothing else."""
    quiet = run(population, {"repeat_call_share": 0.0}, replications=2).replications
    busy = run(population, {"repeat_call_share": 0.4, "repeat_call_hours": 6.0}, replications=2).replications
    assert (quiet["repeat_calls_111"] == 0).all() and (busy["repeat_calls_111"] > 0).all()
    assert (busy["repeat_caller_clinician_calls"] > 0).all()
    assert (busy["calls_111"] == quiet["calls_111"] + busy["repeat_calls_111"]).all()
    assert (busy["ooh_cases"] > quiet["ooh_cases"]).all()


def test_a_local_coop_staffs_its_nights_with_member_practices_gps(population):
    """A co-operative's night shifts are its members' GPs: each GP on duty between 00:00 and 07:00 before a working
    day costs a member night_rest_sessions that morning, so a co-op costs in-hours access a remote provider does
    not; with no rest rule the two are alike in hours."""
    remote, _ = _one_chunk(population, {"ooh_provider": "remote"}, None)
    coop, _ = _one_chunk(population, {"ooh_provider": "local_coop"}, None)
    assert remote["sessions_lost_to_night_work"] == 0 < coop["sessions_lost_to_night_work"]
    assert coop["unmet_in_hours"] > remote["unmet_in_hours"]
    rested = {"night_rest_sessions": 0.0}
    alike = [_one_chunk(population, rested | {"ooh_provider": p}, None)[0] for p in ("remote", "local_coop")]
    assert alike[0]["unmet_in_hours"] == alike[1]["unmet_in_hours"]
    assert alike[1]["sessions_lost_to_night_work"] == 0


def test_home_visits_travel_from_the_providers_nearest_base(population):
    """A home visit's time is the consultation plus the round trip from the provider's nearest base: a local
    co-operative (a base per network) travels less than a remote provider (here one base for all), worked by hand;
    on slower roads the remote provider keeps fewer face-to-face consultations within their time and its clinicians
    are busier: the trip follows the practices' positions, not a fixed figure."""
    from primarycare.simulation.travel import travel_hours

    positions = np.array([[0.0, 0.0], [10_000.0, 0.0], [20_000.0, 0.0], [30_000.0, 0.0]])
    lists, network = np.full(4, 10_000.0), np.array([0, 0, 1, 1])
    v = load_defaults().values | {"remote_patients_per_base": 1e9}
    remote, coop = (travel_hours(v, positions, lists, network, p) for p in ("remote", "local_coop"))
    # by hand: the remote base at 15 km, the co-op's at 5 and 25 km; one way = km x 1.3 + 2, both ways at 30 km/h
    assert remote.tolist() == pytest.approx([2 * (d * 1.3 + 2) / 30 for d in (15, 5, 5, 15)])
    assert coop.tolist() == pytest.approx([2 * (5 * 1.3 + 2) / 30] * 4)
    near = run(population, {"ooh_provider": "remote"}, replications=2).replications
    far = run(population, {"ooh_provider": "remote", "travel_speed_kmh": 10.0}, replications=2).replications
    assert far["ooh_face_to_face_compliance"].mean() < near["ooh_face_to_face_compliance"].mean()
    assert far["ooh_clinician_utilisation"].mean() > near["ooh_clinician_utilisation"].mean()


def test_simulate_reads_practice_locations_and_refuses_a_bad_file(tmp_path):
    header = "PRACTICE_CODE,EASTING,NORTHING\n"
    _simulate_with(tmp_path, "--locations", header, lambda i, c: f"{c},{i * 1000},0\n", "east,0")


def test_routine_appointments_are_booked_ahead_and_the_wait_grows_when_same_day_access_fails(population):
    """The routine book is a queue per practice, served first come first served from the routine share of its
    appointments: less capacity means a longer wait, and so does sending more of the patients who failed same-day
    access to wait for a routine appointment."""

    def wait(overrides):
        return run(population, overrides, replications=2).replications["routine_wait_working_days"].mean()

    tight, roomy = (
        wait({"practice_capacity_per_1000_per_week": 90.0}),
        wait({"practice_capacity_per_1000_per_week": 110.0}),
    )
    assert tight > 2 * roomy > 0
    patient = {"failed_access_waits": 0.65, "failed_access_calls_111": 0.15, "failed_access_goes_to_ae": 0.05, **AGAIN}
    impatient = {
        "failed_access_waits": 0.05,
        "failed_access_calls_111": 0.50,
        "failed_access_goes_to_ae": 0.30,
        **AGAIN,
    }
    assert wait(patient) > wait(impatient)
    # patients offered a wait beyond their patience do not book: the shorter it is, the more are turned away
    short, long = (
        run(population, {"routine_patience_days": d}, replications=2).replications.mean() for d in (3.0, 20.0)
    )
    assert short["routine_unbooked_share"][0] > long["routine_unbooked_share"][0]
    assert short["routine_wait_working_days"][0] < long["routine_wait_working_days"][0] <= 20


def test_palliative_patients_come_from_the_practices_registers(population):
    """Each practice's palliative care register (QOF) makes its patients' out-of-hours needs palliative in proportion
    (register patients need OOH palliative_ooh_ratio times as often): doubling the registers nearly doubles the
    palliative cases; without registers the fixed palliative_share stands."""
    from primarycare.simulation.flags import palliative_chance

    v = load_defaults().values
    # by hand: a register of 50 in a list of 10,000 at ratio 10: 500 / (500 + 9,950)
    assert palliative_chance(v, np.array([10_000.0]), np.array([50.0]))[0] == pytest.approx(500 / 10_450)
    assert palliative_chance(v, np.array([10_000.0]), None)[0] == v["palliative_share"]
    doubled = population.with_columns(pl.col("palliative_register") * 2)
    counts = [_one_chunk(frame, {}, None)[0]["palliative_cases"] for frame in (population, doubled)]
    assert 1.7 < counts[1] / counts[0] < 2.1


def test_the_counted_year_is_the_same_whatever_the_warm_up(population):
    """Warm-up weeks run before the Monday on or before 1 April, so the counted 52 weeks are the same calendar weeks
    (and bank holidays) whatever the warm-up's length."""
    short, long = (Model(population, scenario_from("test"), warmup_weeks=w).run(1, 7) for w in (1, 6))
    assert short.month_means()["month"].to_list() == long.month_means()["month"].to_list()
    assert long.month_means()["month"][0] == "2023-03" and long.month_means().height == 13


def test_practices_sessions_by_weekday_meet_or_miss_the_monday_peak(population):
    """How practices spread the same week's appointments over Monday to Friday: more sessions on Mondays (when
    same-day demand peaks) means fewer patients fail to get one and more of the week's appointments used; more on
    Fridays, more fail. An even week of any weight is the default's run exactly."""
    from primarycare.simulation.calendar import year_calendar as calendar
    from primarycare.simulation.in_hours import session_factors

    year = calendar("2023-24", 2)  # starts on a Monday
    working = np.flatnonzero(year.working_day)[:5]
    assert session_factors(year, working, (1.2, 0.95, 0.95, 0.95, 0.95)).tolist() == pytest.approx(
        [1.2, 0.95, 0.95, 0.95, 0.95]
    )
    assert session_factors(year, working, (2, 1, 1, 1, 0)).tolist() == pytest.approx([2, 1, 1, 1, 0])

    def week(weights):
        results = Model(population, scenario_from("test", practice_week=weights)).run(2, 7)
        failed = results.practices.group_by("replication").agg(pl.col("failed_access").sum()).sort("replication")
        return results.replications, failed["failed_access"]

    (base, base_failed), (even, _) = week(None), week([3, 3, 3, 3, 3])
    (monday, monday_failed), (friday, friday_failed) = week([1.2, 0.95, 0.95, 0.95, 0.95]), week([0.95] * 4 + [1.2])
    assert even.equals(base)
    assert (monday_failed < base_failed).all() and (friday_failed > base_failed).all()
    used = "practice_utilisation"
    assert (monday[used] > base[used]).all() and (friday[used] < base[used]).all()


def test_gps_send_some_of_their_same_day_consultations_to_a_and_e(population):
    """The practice_referral route: none without the share; it follows the consultations given (more appointments,
    more referrals; in hours, on working days), and nothing else changes when it is switched off."""
    base, none = run(population, replications=2), run(population, {"practice_ae_referral": 0.0}, replications=2)
    more = run(population, {"practice_capacity_change": 0.2}, replications=2)
    referred = base.replications["ae_from_practice_referral"]
    assert (none.replications["ae_from_practice_referral"] == 0).all() and (referred > 0).all()
    seen = base.replications["practice_appointments_used"]
    share = float(referred.sum() / seen.sum())
    assert 0.3 * 0.0063 < share < 0.0063  # of every appointment used, same-day and routine (43% same-day)
    assert (more.replications["ae_from_practice_referral"] > referred).all()
    others = [c for c in base.replications.columns if c.startswith("ae_from_") and c != "ae_from_practice_referral"]
    assert base.replications.select(others).equals(none.replications.select(others))
