"""The command line: parses arguments and hands them to the modules. No logic of its own."""

import json
import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from primarycare.cli_output import bad_input, err, say
from primarycare.store.engine import DEFAULT_URL

app = typer.Typer(help="primarycare: commissioning and running GP services in England.", no_args_is_help=True)
economy_app = typer.Typer(help="The loaded health economy.", no_args_is_help=True)
audit_app = typer.Typer(help="The hash-chained audit log.", no_args_is_help=True)
app.add_typer(economy_app, name="economy")
app.add_typer(audit_app, name="audit")


def _payments() -> None:
    from primarycare.cli_payments import app as payments_app

    app.add_typer(payments_app, name="payments")
    from primarycare.cli_simulate import app as simulate_app

    app.add_typer(simulate_app, name="simulate")
    from primarycare.cli_urgentcare import app as urgentcare_app

    app.add_typer(urgentcare_app, name="urgentcare")
    from primarycare.cli_measures import alerts_app
    from primarycare.cli_measures import app as measures_app

    app.add_typer(measures_app, name="measures")
    app.add_typer(alerts_app, name="alerts")
    from primarycare.cli_users import app as users_app

    app.add_typer(users_app, name="users")
    from primarycare.cli_db import app as db_app

    app.add_typer(db_app, name="db")


Db = Annotated[
    str, typer.Option("--db", envvar="PRIMARYCARE_DATABASE_URL", help="SQLAlchemy URL (SQLite or PostgreSQL)")
]


class Era(StrEnum):
    icb = "icb"
    ccg = "ccg"


class Format(StrEnum):
    table = "table"
    json = "json"


@app.command()
def synth(
    out: Annotated[Path, typer.Option(help="Folder to write the files into")],
    practices: Annotated[int, typer.Option(min=1, help="How many practices (6500 is England)")] = 300,
    seed: Annotated[int, typer.Option(help="Same seed, same bytes")] = 1,
    year: Annotated[str, typer.Option(help="Financial year, e.g. 2023-24")] = "2023-24",
    era: Annotated[Era, typer.Option(help="icb: SUB_ICB/ICB headers; ccg: the pre-2022 CCG headers")] = Era.icb,
    parameters: Annotated[
        Path | None, typer.Option(exists=True, dir_okay=False, help="Your own generator parameter file (TOML)")
    ] = None,
) -> None:
    """Write a synthetic health economy in the published file formats."""
    from primarycare.ingest.errors import IngestError
    from primarycare.ingest.synth.files import write_synthetic
    from primarycare.ingest.synth.parameters import load_parameters

    try:
        params = load_parameters(parameters)
        written = write_synthetic(out, practices=practices, seed=seed, year=year, era=era.value, params=params)
    except (IngestError, ValueError) as error:
        raise bad_input(error) from None
    if params.unverified():
        say(f"note: unverified parameters used from {params.source_file}: {', '.join(params.unverified())}")
    for path in written:
        print(path)


@app.command()
def load(
    folder: Annotated[Path, typer.Argument(help="A folder of published (or synthetic) files")],
    db: Db = DEFAULT_URL,
    year: Annotated[str | None, typer.Option(help="Financial year, when the files do not say")] = None,
    measures: Annotated[
        bool, typer.Option("--measures/--no-measures", help="Compute the measures and their alerts afterwards")
    ] = True,
) -> None:
    """Load a folder of files in one transaction; re-loading a year replaces it. Exit 2 on bad input. Then the
    measures are computed again, and the alerts the new data raises are written to the outbox."""
    from primarycare.ingest.errors import IngestError
    from primarycare.ingest.folder import read_folder
    from primarycare.store.engine import make_engine
    from primarycare.store.load import save_economy

    try:
        economy = read_folder(folder, year)
    except IngestError as error:
        raise bad_input(error) from None
    engine = make_engine(db)
    report = save_economy(engine, economy)
    verb = "replaced" if report.replaced else "loaded"
    rows = ", ".join(f"{n} {name}" for name, n in report.rows.items())
    print(f"{verb} {report.year}: {rows}")
    if measures:
        from primarycare.cli_measures import compute_measures

        compute_measures(engine, None, None, err)


@economy_app.command("summary")
def economy_summary(db: Db = DEFAULT_URL, year: str | None = None, format: Format = Format.table) -> None:
    """Commissioners, networks, practices, registered patients, contract mix and OOH opt-outs."""
    from primarycare.economy.summary import summarise
    from primarycare.store.economy import NoEconomyLoaded, read_economy
    from primarycare.store.engine import make_engine

    try:
        summary = summarise(read_economy(make_engine(db), year)).as_dict()
    except NoEconomyLoaded as error:
        raise bad_input(error) from None
    if format is Format.json:
        print(json.dumps(summary, indent=2))
        return
    console = Console()
    table = Table(title=f"Health economy {summary['year']} ({summary['era'].upper()} era)")
    table.add_column("What")
    table.add_column("Count", justify="right")
    for key in ("commissioners", "networks", "practices", "registered_patients", "ooh_opted_out"):
        table.add_row(key.replace("_", " "), f"{summary[key]:,}")
    for group in ("patients_by_sex", "contract_mix", "co_commissioning_levels", "patients_by_age_band"):
        for key, value in summary[group].items():
            table.add_row(f"{group.replace('_', ' ')}: {key}", f"{value:,}")
    console.print(table)


@audit_app.command("verify")
def audit_verify(db: Db = DEFAULT_URL) -> None:
    """Exit 0 when the audit chain is intact; otherwise exit 1 naming the first broken record."""
    import time

    from primarycare.store.audit import verify
    from primarycare.store.engine import make_engine

    started = time.perf_counter()
    verdict = verify(make_engine(db))
    seconds = time.perf_counter() - started
    if not verdict.intact:
        err.print(f"[red]broken:[/red] {escape(verdict.message)} (first broken record: {verdict.first_broken})")
        raise typer.Exit(1)
    print(f"intact: {verdict.records} records verified in {seconds:.3f} s")


@app.command()
def serve(
    db: Db = DEFAULT_URL,
    host: str = "127.0.0.1",
    port: int = 8000,
    demo: Annotated[bool, typer.Option(help="Demo mode: allows a generated secret and demo accounts")] = False,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes (use PostgreSQL for more than one)")] = 1,
) -> None:
    """Serve the web app. Outside demo mode PRIMARYCARE_SECRET_KEY must be a real secret."""
    import secrets

    import uvicorn

    from primarycare.web.app import create_app
    from primarycare.web.settings import InsecureSettings, Settings

    try:
        settings = Settings.from_env(database_url=db, demo=demo or None)
    except InsecureSettings as error:
        raise bad_input(error) from None
    if workers == 1:
        uvicorn.run(create_app(settings), host=host, port=port)
        return
    # Every worker builds the same settings from the environment; in demo mode they share one generated secret.
    os.environ["PRIMARYCARE_DATABASE_URL"] = db
    os.environ["PRIMARYCARE_DEMO"] = "1" if settings.demo else ""
    os.environ.setdefault("PRIMARYCARE_SECRET_KEY", settings.secret_key or secrets.token_urlsafe(48))
    uvicorn.run("primarycare.web.asgi:app_from_env", factory=True, host=host, port=port, workers=workers)


@app.command()
def demo(
    folder: Annotated[Path, typer.Option(help="Where the demo's files and database go")] = Path("var/demo"),
    practices: int = 300,
    seed: int = 1,
    host: str = "127.0.0.1",
    port: int = 8000,
    serve_app: Annotated[bool, typer.Option("--serve/--no-serve")] = True,
) -> None:
    """Generate a synthetic economy, load it into SQLite, create one demo user per role and serve the app."""
    from primarycare.demo import DEMO_PASSWORD, build_demo

    url, made = build_demo(folder, practices=practices, seed=seed)
    users = Table(title=f"Demo users (password: {DEMO_PASSWORD})")
    for column in ("username", "role", "practice"):
        users.add_column(column)
    for username, role, practice in made:
        users.add_row(username, role, practice or "")
    Console().print(users)
    print(f"database: {url}")
    if serve_app:
        print(f"serving http://{host}:{port}", file=sys.stderr)
        serve(db=url, host=host, port=port, demo=True)


def main() -> None:
    try:
        app()
    except Exception as error:  # a database that was never loaded or upgraded: say so, not a traceback
        if not _missing_table(error):
            raise
        err.print(
            "[red]error:[/red] the database holds no primarycare tables yet, or not all of this version's: "
            "run primarycare load FOLDER --db URL, or primarycare db upgrade --db URL",
            highlight=False,
        )
        raise SystemExit(2) from None


def _missing_table(error: Exception) -> bool:
    from sqlalchemy.exc import OperationalError, ProgrammingError

    if not isinstance(error, OperationalError | ProgrammingError):
        return False
    cause = error.orig
    return getattr(cause, "sqlstate", None) == "42P01" or "no such table" in str(cause)  # PostgreSQL, SQLite


_payments()
