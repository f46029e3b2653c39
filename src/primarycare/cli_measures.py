"""`primarycare measures ...` and `primarycare alerts ...`: compute and check measures, send the alerts outbox."""

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from primarycare.cli import DEFAULT_URL, Db
from primarycare.cli_output import bad_input, err

app = typer.Typer(help="Practice performance measures: deciles, change detection, attention.", no_args_is_help=True)
alerts_app = typer.Typer(help="The alerts outbox: subscriptions' alerts and contract deadline reminders.")
Folder = Annotated[
    Path | None, typer.Option("--measures", help="A folder of your own measure files, added to the built-in ones")
]
Change = Annotated[
    Path | None,
    typer.Option(exists=True, dir_okay=False, help="Your own change-detection parameters (TOML, as data/change.toml)"),
]


def _engine(db: str):
    from primarycare.store.engine import make_engine
    from primarycare.store.migrate import upgrade

    engine = make_engine(db)
    upgrade(engine)
    return engine


def compute_measures(engine, folder: Path | None, change: Path | None, console: Console) -> None:
    from primarycare.measures.change import load_rule
    from primarycare.measures.definition import MeasureError, load_measures
    from primarycare.store.economy import NoEconomyLoaded
    from primarycare.store.measures_run import compute_all

    try:
        measures, rule = load_measures(folder), load_rule(change)
    except MeasureError as error:
        raise bad_input(error) from None
    columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("measures", total=None)
        try:
            done = compute_all(
                engine, measures, rule, date.today(), step=lambda s: bar.update(task, description=f"measures: {s}")
            )
        except NoEconomyLoaded as error:
            raise bad_input(error) from None
    for warning in done.warnings:
        console.print(f"[yellow]warning:[/yellow] {warning}", highlight=False)
    print(
        f"computed {done.measures} measures for {done.practices} practices over {', '.join(done.years) or 'no years'}: "
        f"{done.values} values, {done.changes} significant changes, {done.alerts} new alerts in the outbox"
    )


@app.command("compute")
def compute(db: Db = DEFAULT_URL, measures: Folder = None, change: Change = None) -> None:
    """Every measure for every loaded year: values, percentiles, deciles, changes; then the alerts they raise."""
    compute_measures(_engine(db), measures, change, err)


@app.command("check")
def check(folder: Annotated[Path, typer.Argument(help="A folder of measure files (TOML or YAML)")]) -> None:
    """Validate measure files: exit 0 when every one is good, 2 naming each bad file and field."""
    from primarycare.measures.definition import MeasureError, check_folder

    try:
        good, problems = check_folder(folder)
    except MeasureError as error:
        raise bad_input(error) from None
    for problem in problems:
        err.print(f"[red]error:[/red] {escape(str(problem))}", highlight=False)
    print(f"{len(good)} good, {len(problems)} bad measure file{'s' if len(problems) != 1 else ''} in {folder}")
    if problems:
        raise typer.Exit(2)


@alerts_app.command("send")
def send(
    smtp: Annotated[str, typer.Option(help="The mail server: smtp://[user:password@]host[:port] or smtps://")],
    db: Db = DEFAULT_URL,
    sender: Annotated[str, typer.Option(help="The From address")] = "primarycare@localhost",
) -> None:
    """Write the contract deadline reminders due today, then email every unsent alert that has an address."""
    from primarycare.store.alerts import send as send_outbox
    from primarycare.store.measures_run import write_reminders

    engine = _engine(db)
    reminders = write_reminders(engine, date.today())
    try:
        sent, without = send_outbox(engine, smtp, sender)
    except ValueError as error:
        raise bad_input(error) from None
    except OSError as error:
        err.print(f"[red]error:[/red] could not reach {escape(str(smtp))}: {escape(str(error))}", highlight=False)
        raise typer.Exit(1) from None
    print(f"{reminders} new reminders; sent {sent} alerts; {without} without an email address stay on the page")
