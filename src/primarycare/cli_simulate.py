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
        practices = 6500 if size == "england" else int(size)
        return synthetic_population(practices, seed=1), economy
    if not db:
        raise ValueError("give --db URL (a loaded economy) or --economy synth:england / synth:N")
    from primarycare.store.economy import read_economy
    from primarycare.store.engine import make_engine

    loaded = read_economy(make_engine(db), year)
    return population_from_economy(loaded), f"{db} ({loaded.year})"


@app.callback()
def simulate(
    ctx: typer.Context,
    scenario: Annotated[
        Path | None, typer.Option(help="Scenario file (YAML), e.g. examples/scenarios/baseline.yaml")
    ] = None,
    db: Annotated[str | None, typer.Option("--db", help="A loaded economy")] = None,
    economy: Annotated[str | None, typer.Option(help="synth:england or synth:N instead of --db")] = None,
    year: Annotated[str | None, typer.Option(help="Which loaded year's lists (default: latest)")] = None,
    replications: Annotated[int, typer.Option(min=1)] = 20,
    seed: int = 1,
    out: Annotated[Path | None, typer.Option(help="Folder for summary.json, CSV/Parquet and report.html")] = None,
    runner: Annotated[str, typer.Option(help="local, processes or ray")] = "local",
    workers: Annotated[int | None, typer.Option(help="Processes or Ray workers")] = None,
    ray_address: Annotated[str | None, typer.Option(help="A Ray cluster's address (default: a local Ray)")] = None,
    warmup_weeks: Annotated[int, typer.Option(min=0, help="Weeks simulated before results are counted")] = 1,
) -> None:
    """Run a scenario with replications and write KPIs with 95% confidence intervals."""
    if ctx.invoked_subcommand:
        return
    from primarycare.simulation.api import Model
    from primarycare.simulation.outputs import write_results
    from primarycare.simulation.parameters import ScenarioError, load_scenario

    if scenario is None or out is None:
        raise bad_input("give --scenario FILE and --out DIR (or a command: compare)")
    try:
        plan = load_scenario(scenario)
        population, label = _population(economy, db, year)
        model = Model(population, plan, warmup_weeks=warmup_weeks)
        jobs = replications * population["commissioner_code"].n_unique()
        with Progress(console=err, transient=True) as bar:
            task = bar.add_task(f"{plan.name}: {replications} replications", total=jobs)
            results = model.run(
                replications,
                seed,
                runner=runner,
                workers=workers,
                ray_address=ray_address,
                progress=lambda n: bar.advance(task, n),
            )
    except (ScenarioError, ValueError, RuntimeError) as error:
        raise bad_input(error) from None
    write_results(results, out, seed=seed, runner=runner, economy=label)
    table = Table(title=f"{plan.name}: {replications} replications, seed {seed}")
    for column in ("KPI", "mean", "95% CI"):
        table.add_column(column)
    for name, s in results.summary().items():
        table.add_row(name, f"{s['mean']:,.4g}", f"{s['ci_low']:,.4g} to {s['ci_high']:,.4g}")
    Console(width=120).print(table)
    print(f"{results.events:,.0f} events in {results.seconds:.1f} s -> {out}")


@app.command("compare")
def compare_runs(first: Path, second: Path) -> None:
    """Two runs' KPIs side by side, with the difference and whether their 95% CIs overlap."""
    from primarycare.simulation.outputs import compare, read_summary

    try:
        a, b = read_summary(first), read_summary(second)
    except FileNotFoundError as missing:
        raise bad_input(missing) from None
    frame = compare(a, b)
    table = Table(title=f"{a['run']['scenario']} -> {b['run']['scenario']}")
    for column in ("KPI", a["run"]["scenario"], "95% CI", b["run"]["scenario"], "95% CI ", "difference", "CIs overlap"):
        table.add_column(column)
    for row in frame.iter_rows(named=True):
        table.add_row(
            row["kpi"],
            f"{row['first_mean']:,.4g}",
            row["first_ci"],
            f"{row['second_mean']:,.4g}",
            row["second_ci"],
            f"{row['difference']:+,.4g}",
            "yes" if row["intervals_overlap"] else "no",
        )
    Console(width=160).print(table)
