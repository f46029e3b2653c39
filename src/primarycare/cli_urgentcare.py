"""`primarycare urgentcare ...`: OOH providers, importing past cases, per-case clocks and calibration files."""

import csv
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from primarycare.cli import DEFAULT_URL, Db
from primarycare.cli_output import bad_input, err

app = typer.Typer(help="The out-of-hours service: providers, cases, clocks.", no_args_is_help=True)
providers_app = typer.Typer(help="OOH providers.", no_args_is_help=True)
messages_app = typer.Typer(help="Post-event messages to practices.", no_args_is_help=True)
app.add_typer(providers_app, name="providers")
app.add_typer(messages_app, name="messages")
Targets = Annotated[
    Path | None,
    typer.Option(exists=True, dir_okay=False, help="Your own targets file (TOML) over the national defaults"),
]


def _engine(db: str):
    from primarycare.store.engine import make_engine
    from primarycare.store.migrate import upgrade

    engine = make_engine(db)
    upgrade(engine)
    return engine


def _rules(targets: Path | None):
    from primarycare.urgentcare.rules import RulesError, load_rules

    try:
        return load_rules(targets)
    except RulesError as error:
        raise bad_input(error) from None


@providers_app.command("add")
def providers_add(
    code: str,
    name: str,
    commissioner: Annotated[list[str], typer.Option(help="A commissioner it serves (repeat for several)")],
    base: Annotated[list[str] | None, typer.Option(help="A base it sees patients at (repeat for several)")] = None,
    db: Db = DEFAULT_URL,
) -> None:
    """Add an OOH provider serving one or more commissioners of the loaded economy."""
    from primarycare.store.cases import add_provider

    try:
        made = add_provider(_engine(db), code, name, commissioner, base or ())
    except ValueError as error:
        raise bad_input(error) from None
    print(f"added {made.code} {made.name}: serves {', '.join(made.commissioners)}")


@providers_app.command("list")
def providers_list(db: Db = DEFAULT_URL) -> None:
    """CODE, NAME, COMMISSIONERS and BASES of every provider, as CSV on stdout."""
    from primarycare.store.cases import providers

    with _engine(db).connect() as conn:
        found = providers(conn)
    writer = csv.writer(typer.get_text_stream("stdout"), lineterminator="\n")
    writer.writerow(["CODE", "NAME", "COMMISSIONERS", "BASES"])
    for p in found:
        writer.writerow([p.code, p.name, ";".join(p.commissioners), ";".join(p.bases)])


@app.command("import")
def import_cases(
    file: Annotated[Path, typer.Argument(help="CSV, one row per case (header in the README)")],
    provider: Annotated[str, typer.Option(help="The provider the cases belong to")],
    db: Db = DEFAULT_URL,
    targets: Targets = None,
) -> None:
    """Import a provider's past cases, all or nothing. Exit 2 naming file, line and column on any bad row."""
    from primarycare.ingest.cases import read_cases
    from primarycare.ingest.errors import IngestError
    from primarycare.store import cases as store

    engine = _engine(db)
    rules = _rules(targets)
    with engine.connect() as conn:
        try:
            served = store.provider(conn, provider).commissioners
        except store.UnknownProvider as missing:
            raise bad_input(missing) from None
        existing = {s.case.ref for s in store.find_cases(conn, [provider])}
        codes = _practice_codes(file)
        known = store.known_practices(conn, codes)
    try:
        cases = read_cases(
            file, provider_code=provider, rules=rules, known_practices=known, existing_refs=existing, now=_now()
        )
        store.insert_cases(engine, cases, rules.targets_for(served))
    except (IngestError, ValueError) as error:
        raise bad_input(error) from None
    print(f"imported {len(cases)} cases for {provider}")


def _practice_codes(file: Path) -> set[str]:
    try:
        with file.open(newline="", encoding="utf-8-sig") as handle:
            return {(row.get("PRACTICE_CODE") or "").strip() for row in csv.DictReader(handle)}
    except (FileNotFoundError, UnicodeDecodeError, csv.Error):
        return set()  # the checked read names the problem


def _now() -> datetime:
    return datetime.now(UTC)


@app.command("clocks")
def clocks(
    out: Annotated[Path, typer.Option(help="CSV: CASE_REF,CLOCK,DEADLINE,STATUS")],
    db: Db = DEFAULT_URL,
    provider: Annotated[str | None, typer.Option(help="One provider (default: every provider)")] = None,
    month: Annotated[str | None, typer.Option(help="Cases received in this UK month, YYYY-MM")] = None,
    targets: Targets = None,
) -> None:
    """One row per case and clock: deadline in UK local time, status met, breached, running or not_applicable."""
    from primarycare.economy.calendar import month_bounds, uk_local
    from primarycare.store import cases as store
    from primarycare.urgentcare.clocks import case_clocks

    rules = _rules(targets)
    try:
        window = month_bounds(month) if month else (None, None)
    except ValueError as error:
        raise bad_input(error) from None
    now = _now()
    with _engine(db).connect() as conn:
        served = {p.code: p.commissioners for p in store.providers(conn)}
        if provider is not None and provider not in served:
            raise bad_input(f"no OOH provider {provider}")
        found = store.find_cases(
            conn, [provider] if provider else None, received_from=window[0], received_before=window[1]
        )
    rows = 0
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["CASE_REF", "CLOCK", "DEADLINE", "STATUS"])
        for stored in found:
            case = stored.case
            for clock in case_clocks(case, rules.targets_for(served[case.provider_code]), now):
                deadline = uk_local(clock.deadline).isoformat() if clock.deadline else ""
                writer.writerow([case.ref, clock.name, deadline, clock.status])
                rows += 1
    print(f"wrote {rows} clocks of {len(found)} cases to {out}")


@app.command("calibrate")
def calibrate_command(
    provider: Annotated[str, typer.Option(help="The provider whose cases to use")],
    from_month: Annotated[str, typer.Option("--from", help="First month, YYYY-MM")],
    to_month: Annotated[str, typer.Option("--to", help="Last month, YYYY-MM")],
    out: Annotated[Path, typer.Option(help="The scenario file to write (YAML)")],
    db: Db = DEFAULT_URL,
) -> None:
    """Turn recorded cases into a simulation scenario: demand by hour, priority mix, durations, outcome shares."""
    from primarycare.urgentcare.calibrate import CalibrationError
    from primarycare.urgentcare.scenario import write_calibrated_scenario

    try:
        written = write_calibrated_scenario(_engine(db), provider, from_month, to_month, out)
    except (CalibrationError, ValueError) as error:
        raise bad_input(error) from None
    err.print(f"{written.cases} cases; the scenario passes the simulation's checks")
    print(out)


@messages_app.command("export")
def messages_export(
    practice: Annotated[str, typer.Option(help="The practice's ODS code")],
    out: Annotated[Path, typer.Option(help="Folder to write one FHIR JSON document per message into")],
    db: Db = DEFAULT_URL,
) -> None:
    """Write a practice's post-event messages as FHIR R4 document Bundles (CASE_REF.json) for its system."""
    import json

    from primarycare.store.notes import inbox

    with _engine(db).connect() as conn:
        found = inbox(conn, practice)
    out.mkdir(parents=True, exist_ok=True)
    for message in found:
        (out / f"{message['case_ref']}.json").write_text(json.dumps(message["bundle"], indent=2), encoding="utf-8")
    print(f"wrote {len(found)} messages to {out}")
