"""`primarycare simulate ...`: run a scenario and write its results; compare two runs."""

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from primarycare.cli_output import bad_input, err

app = typer.Typer(help="Policy simulation: practices, NHS 111, out-of-hours and A&E.", invoke_without_command=True)


def _population(economy: str | None, db: str | None, year: str | None):
    from primarycare.simulation.population import population_from_economy, synthetic_population

    if economy:
        if not economy.startswith("synth:"):
            raise ValueError("--economy takes synth:england or synth:N (N practices)")
        size = economy.split(":", 1)[1]
        if size != "england" and not size.isdigit():
            raise ValueError(f"--economy {economy}: give synth:england or synth:N, N a number of practices")
        practices = 6500 if size == "england" else int(size)
        return synthetic_population(practices, seed=1), economy, None
    if not db:
        raise ValueError("give --db URL (a loaded economy) or --economy synth:england / synth:N")
    from primarycare.store.economy import NoEconomyLoaded, read_economy
    from primarycare.store.engine import make_engine

    try:
        loaded = read_economy(make_engine(db), year, with_qof=True)  # the palliative care registers
    except NoEconomyLoaded as missing:
        raise ValueError(str(missing)) from None
    return population_from_economy(loaded), f"{db} ({loaded.year})", loaded.year


@app.callback()
def simulate(
    ctx: typer.Context,
    scenario: Annotated[
        Path | None, typer.Option(help="Scenario file (YAML), e.g. examples/scenarios/baseline.yaml")
    ] = None,
    db: Annotated[str | None, typer.Option("--db", help="A loaded economy")] = None,
    economy: Annotated[str | None, typer.Option(help="synth:england or synth:N instead of --db")] = None,
    year: Annotated[str | None, typer.Option(help="Which loaded year's lists (default: latest)")] = None,
    replications: Annotated[
        int, typer.Option(min=1, help="How many replications (with --precision: how many to start with)")
    ] = 20,
    seed: int = 1,
    out: Annotated[Path | None, typer.Option(help="Folder for summary.json, CSV/Parquet and report.html")] = None,
    precision: Annotated[
        float | None,
        typer.Option(help="Add replications until each headline KPI's 95% half-width is within this share of its mean"),
    ] = None,
    max_replications: Annotated[int, typer.Option(min=2, help="The most replications --precision may run")] = 200,
    runner: Annotated[str, typer.Option(help="local, processes or ray")] = "local",
    workers: Annotated[int | None, typer.Option(help="Processes or Ray workers")] = None,
    ray_address: Annotated[str | None, typer.Option(help="A Ray cluster's address (default: a local Ray)")] = None,
    warmup_weeks: Annotated[int, typer.Option(min=0, help="Weeks simulated before results are counted")] = 1,
    pilot_weeks: Annotated[
        int | None,
        typer.Option(
            min=0, help="Warm start: the routine books as a pilot of this many weeks leaves them (default: 104)"
        ),
    ] = None,
    workforce: Annotated[
        Path | None,
        typer.Option(help="Commissioners' own rotas: CSV COMMISSIONER_CODE,STATION,HOUR_OF_WEEK,SERVERS"),
    ] = None,
    store: Annotated[
        bool, typer.Option("--store", help="Keep the run in the --db database (measures use its failed access)")
    ] = False,
    deprivation: Annotated[
        Path | None,
        typer.Option(help="Practices' deprivation fifths: CSV PRACTICE_CODE,DEPRIVATION_FIFTH (1 most deprived)"),
    ] = None,
    locations: Annotated[
        Path | None,
        typer.Option(help="Practices' positions for home-visit travel: CSV PRACTICE_CODE,EASTING,NORTHING (metres)"),
    ] = None,
    care_homes: Annotated[
        Path | None,
        typer.Option(help="Practices' care-home residents: CSV PRACTICE_CODE,CARE_HOME_RESIDENTS (else estimated)"),
    ] = None,
) -> None:
    """Run a scenario with replications and write KPIs with 95% confidence intervals."""
    if ctx.invoked_subcommand:
        return
    from primarycare.ingest.errors import IngestError
    from primarycare.ingest.practice_files import read_care_homes, read_deprivation, read_locations
    from primarycare.simulation.api import Model
    from primarycare.simulation.outputs import interval_text, write_results
    from primarycare.simulation.parameters import ScenarioError, load_scenario
    from primarycare.simulation.population import with_practice_columns
    from primarycare.simulation.rotas import read_workforce
    from primarycare.simulation.warmup import PILOT_WEEKS

    if scenario is None or out is None:
        raise bad_input("give --scenario FILE and --out DIR (or a command: compare)")
    if store and (economy or not db):
        raise bad_input("--store keeps a run of a loaded economy: give --db URL (not --economy)")
    try:
        plan = load_scenario(scenario)
        population, label, loaded_year = _population(economy, db, year)
        given_files = ((deprivation, read_deprivation), (locations, read_locations), (care_homes, read_care_homes))
        for given, read in given_files:
            if given:
                population = with_practice_columns(population, read(given))
        rotas = read_workforce(workforce) if workforce else None
        pilot_weeks = PILOT_WEEKS if pilot_weeks is None else pilot_weeks
        model = Model(population, plan, warmup_weeks=warmup_weeks, workforce=rotas, pilot_weeks=pilot_weeks)
        jobs = replications * population["commissioner_code"].n_unique()
        with Progress(console=err, transient=True) as bar:
            task = bar.add_task(f"{plan.name}: {replications} replications", total=jobs)
            options = {"runner": runner, "workers": workers, "ray_address": ray_address}
            if precision is None:
                results = model.run(replications, seed, progress=lambda n: bar.advance(task, n), **options)
            else:
                from primarycare.simulation.precision import run_to_precision

                bar.update(task, total=None, description=f"{plan.name}: to a precision of ±{precision:.1%}")
                first = min(max(replications, 2), max_replications)
                results = run_to_precision(model, precision, seed, minimum=first, maximum=max_replications, **options)
    except (ScenarioError, ValueError, RuntimeError, IngestError) as error:
        raise bad_input(error) from None
    write_results(
        results,
        out,
        seed=seed,
        runner=runner,
        economy=label,
        precision=precision,
        population=model.population,
        start={"warmup_weeks": warmup_weeks, "pilot_weeks": pilot_weeks},
    )
    if store:
        from datetime import UTC, datetime

        from primarycare.store.engine import make_engine
        from primarycare.store.simulation import save_run

        at = datetime.now(UTC).replace(tzinfo=None)
        run_id = save_run(make_engine(db), results, year=loaded_year, seed=seed, warmup_weeks=warmup_weeks, at=at)
        print(f"stored as simulation run {run_id} for {loaded_year}: run primarycare measures compute to use it")
    table = Table(title=f"{plan.name}: {results.replications.height} replications, seed {seed}")
    for column in ("KPI", "mean", "95% CI"):
        table.add_column(column)
    for name, s in results.summary().items():
        table.add_row(name, f"{s['mean']:,.4g}", interval_text(s, number=",.4g"))
    Console(width=120).print(table)
    print(f"{results.events:,.0f} events in {results.seconds:.1f} s -> {out}")


def _yes(value) -> str:
    return "yes" if value else "no"


@app.command("sensitivity")
def sensitivity(
    scenario: Annotated[Path, typer.Option(help="Scenario file (YAML) to vary the assumptions around")],
    out: Annotated[Path, typer.Option(help="Folder for tornado.csv, influence.csv, samples.csv and report.html")],
    db: Annotated[str | None, typer.Option("--db", help="A loaded economy")] = None,
    economy: Annotated[str | None, typer.Option(help="synth:england or synth:N instead of --db")] = None,
    year: Annotated[str | None, typer.Option(help="Which loaded year's lists (default: latest)")] = None,
    replications: Annotated[int, typer.Option(min=1, help="Replications per variant")] = 3,
    samples: Annotated[
        int | None, typer.Option(min=2, help="Latin hypercube samples (default: 4 per assumption)")
    ] = None,
    seed: int = 1,
    runner: Annotated[str, typer.Option(help="auto (Ray when installed, else processes), local, processes or ray")] = (
        "auto"
    ),
    workers: Annotated[int | None, typer.Option(help="Processes or Ray workers")] = None,
) -> None:
    """One-at-a-time ranges and a global (Latin hypercube) analysis over every parameter marked as an assumption,
    with a tornado chart of each headline KPI."""
    import importlib.util

    from primarycare.simulation.kpis import KPIS
    from primarycare.simulation.parameters import ScenarioError, load_defaults, load_scenario
    from primarycare.simulation.sensitivity import analyse, samples_for
    from primarycare.simulation.tornado import report_html

    assumptions = len(load_defaults().assumptions())
    samples = samples or samples_for(assumptions)
    if samples < assumptions + 2:
        raise bad_input(f"--samples: at least {assumptions + 2} for {assumptions} assumptions (the global regression)")
    if runner == "auto":
        runner = "ray" if importlib.util.find_spec("ray") else "processes"
    try:
        population = _population(economy, db, year)[0]
        plan = load_scenario(scenario)
        with Progress(console=err, transient=True) as bar:
            bar.add_task(f"{plan.name}: {2 * assumptions + 1 + samples} variants x {replications}", total=None)
            result = analyse(
                population, plan, replications=replications, samples=samples, seed=seed, runner=runner, workers=workers
            )
    except (ScenarioError, ValueError, RuntimeError) as error:
        raise bad_input(error) from None
    out.mkdir(parents=True, exist_ok=True)
    result.tornado.write_csv(out / "tornado.csv")
    result.influence.write_csv(out / "influence.csv")
    result.samples.write_csv(out / "samples.csv")
    (out / "report.html").write_text(report_html(result, KPIS))
    table = Table(title=f"{plan.name}: the assumption that moves each KPI most ({runner} runner)")
    for column in ("KPI", "scenario", "assumption", "low -> high", "KPI at low -> high"):
        table.add_column(column)
    for kpi, base in result.base.items():
        top = result.tornado.filter(result.tornado["kpi"] == kpi).row(0, named=True)
        table.add_row(
            kpi,
            f"{base:,.4g}",
            top["parameter"],
            f"{top['low']:.4g} -> {top['high']:.4g}",
            f"{top['at_low']:,.4g} -> {top['at_high']:,.4g}",
        )
    Console(width=160).print(table)
    print(f"{assumptions} assumptions, {samples} samples -> {out}")


@app.command("calibrate")
def calibrate_command(
    out: Annotated[Path, typer.Option(help="Folder for calibration.md, calibration.json and the calibrated scenario")],
    scenario: Annotated[Path, typer.Option(help="Scenario to start from, e.g. examples/scenarios/baseline.yaml")],
    db: Annotated[str | None, typer.Option("--db", help="A loaded economy")] = None,
    economy: Annotated[str | None, typer.Option(help="synth:england or synth:N instead of --db")] = None,
    year: Annotated[str | None, typer.Option(help="Which loaded year's lists (default: latest)")] = None,
    replications: Annotated[int, typer.Option(min=1, help="Replications per model run")] = 2,
    seed: int = 1,
    max_runs: Annotated[int, typer.Option(min=5, help="The most model runs the fit may use")] = 60,
) -> None:
    """Fit the free parameters to the published figures marked "fit" in simulation/data/calibration.toml, and report
    every target (fitted, or only compared) beside the model's value before and after."""
    import json

    import yaml

    from primarycare.simulation.calibrate import calibrate, report_markdown
    from primarycare.simulation.parameters import ScenarioError, load_scenario

    try:
        fitted = calibrate(
            _population(economy, db, year)[0],
            load_scenario(scenario),
            replications=replications,
            seed=seed,
            max_evaluations=max_runs,
        )
    except (ScenarioError, ValueError) as error:
        raise bad_input(error) from None
    out.mkdir(parents=True, exist_ok=True)
    (out / "calibration.md").write_text(report_markdown(fitted))
    document = {"start": fitted.start, "fitted": fitted.fitted, "targets": fitted.rows, "runs": fitted.evaluations}
    (out / "calibration.json").write_text(json.dumps(document, indent=2))
    calibrated = fitted.scenario
    scenario_file = out / f"{calibrated.name}.yaml"
    scenario_file.write_text(
        yaml.safe_dump(
            {
                "name": calibrated.name,
                "description": calibrated.description,
                "source": "primarycare simulate calibrate (calibration.md beside this file)",
                "year": calibrated.year,
                "overrides": calibrated.overrides,
            },
            sort_keys=False,
        )
    )
    table = Table(title=f"calibration: {fitted.evaluations} model runs")
    for column in ("statistic", "use", "published", "model before", "model after", "error"):
        table.add_column(column)
    for r in fitted.rows:
        table.add_row(
            r["statistic"],
            r["use"],
            f"{r['published']:.4g}",
            f"{r['model_before']:.4g}",
            f"{r['model_after']:.4g}",
            f"{r['relative_error']:+.1%}",
        )
    Console(width=140).print(table)
    print(f"fitted {', '.join(f'{k} = {v:.4g}' for k, v in fitted.fitted.items())} -> {scenario_file}")


@app.command("rota")
def rota(
    scenario: Annotated[Path, typer.Option(help="Scenario file (YAML) whose demand the rotas are planned to")],
    out: Annotated[Path, typer.Option(help="Workforce file to write (CSV), for --workforce")],
    db: Annotated[str | None, typer.Option("--db", help="A loaded economy")] = None,
    economy: Annotated[str | None, typer.Option(help="synth:england or synth:N instead of --db")] = None,
    year: Annotated[str | None, typer.Option(help="Which loaded year's lists (default: latest)")] = None,
    replications: Annotated[int, typer.Option(min=1)] = 2,
    seed: int = 1,
) -> None:
    """Plan each commissioner's rotas to a scenario's simulated demand (staffing_ratio x offered load, per hour of
    week) and write them as a workforce file: edit it, then fix it with simulate --workforce."""
    import csv

    from primarycare.simulation.api import plan_rotas
    from primarycare.simulation.parameters import ScenarioError, load_scenario
    from primarycare.simulation.rotas import HEADER, workforce_rows

    try:
        plans = plan_rotas(_population(economy, db, year)[0], load_scenario(scenario), replications, seed)
    except (ScenarioError, ValueError) as error:
        raise bad_input(error) from None
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(workforce_rows(plans))
    print(f"{len(plans)} commissioners' rotas -> {out}")


@app.command("warmup")
def warmup_command(
    scenario: Annotated[Path, typer.Option(help="Scenario file (YAML)")],
    out: Annotated[Path, typer.Option(help="Folder for warmup.json and warmup.csv")],
    db: Annotated[str | None, typer.Option("--db", help="A loaded economy")] = None,
    economy: Annotated[str | None, typer.Option(help="synth:england or synth:N instead of --db")] = None,
    year: Annotated[str | None, typer.Option(help="Which loaded year's lists (default: latest)")] = None,
    weeks: Annotated[int, typer.Option(min=8, help="Weeks run from a cold start before the counted year")] = 104,
    replications: Annotated[int, typer.Option(min=1)] = 3,
    seed: int = 1,
) -> None:
    """Choose the warm-up by MSER-5: run the scenario from empty books and queues, and find for each daily series
    (the routine books' queue, same-day requests, failed requests) the truncation that minimises the standard
    error of what is left; writes each series' warm-up and the recommended --warmup-weeks and --pilot-weeks."""
    import json

    from primarycare.simulation.api import Model
    from primarycare.simulation.calendar import WEEKS
    from primarycare.simulation.parameters import ScenarioError, load_scenario
    from primarycare.simulation.warmup import daily_means, recommend

    try:
        model = Model(_population(economy, db, year)[0], load_scenario(scenario), warmup_weeks=weeks)
        results = model.run(replications, seed)
    except (ScenarioError, ValueError) as error:
        raise bad_input(error) from None
    found = recommend(results.days, weeks + WEEKS)
    out.mkdir(parents=True, exist_ok=True)
    (out / "warmup.json").write_text(json.dumps(found, indent=2))
    daily_means(results.days).write_csv(out / "warmup.csv")
    table = Table(title=f"MSER-5 over {weeks + WEEKS} weeks from a cold start, {replications} replications")
    for column in ("daily series", "warm-up (weeks)", "settled"):
        table.add_column(column)
    for name, f in found["series"].items():
        table.add_row(name, f"{f['weeks']:.1f}", "yes" if f["settled"] else "no: start it warm")
    Console(width=120).print(table)
    print(f"--warmup-weeks {found['warmup_weeks']} --pilot-weeks {found['pilot_weeks']} -> {out}")


@app.command("compare")
def compare_runs(first: Path, second: Path) -> None:
    """Two runs' KPIs side by side: the difference with its own 95% CI (paired replication by replication when the
    runs share their seed, Welch's otherwise) and whether it excludes zero; also whether the runs' CIs overlap."""
    from primarycare.simulation.outputs import compare, interval_text, read_replications, read_summary

    try:
        a, b = read_summary(first), read_summary(second)
    except FileNotFoundError as missing:
        raise bad_input(missing) from None
    frame = compare(a, b, read_replications(first), read_replications(second))
    by_method = "method" in frame.columns
    table = Table(title=f"{a['run']['scenario']} -> {b['run']['scenario']}")
    columns = ["KPI", a["run"]["scenario"], "95% CI", b["run"]["scenario"], "95% CI ", "difference"]
    columns += ["difference 95% CI", "excludes 0"] if by_method else []
    for column in [*columns, "CIs overlap"]:
        table.add_column(column)
    for row in frame.iter_rows(named=True):
        cells = [row["kpi"], f"{row['first_mean']:,.4g}", row["first_ci"], f"{row['second_mean']:,.4g}"]
        cells += [row["second_ci"], f"{row['difference']:+,.4g}"]
        if by_method:
            difference = {"ci_low": row["difference_ci_low"], "ci_high": row["difference_ci_high"]}
            cells += [interval_text(difference, number="+,.4g"), _yes(row["significant"])]
        table.add_row(*cells, _yes(row["intervals_overlap"]))
    Console(width=180).print(table)
    if min(a["run"].get("replications", 2), b["run"].get("replications", 2)) < 2:
        err.print("warning: a run of one replication gives no intervals: run 2 or more to compare them")
    if by_method:
        how = frame["method"][0]
        print(
            "differences paired replication by replication (same seed)"
            if how == "paired"
            else "runs with different seeds or replications: Welch's interval for the difference"
        )
