"""Measures in the store: gathering every loaded year's quantities (economy, payments, out-of-hours cases), saving a
computation in one transaction, and reading values, deciles and changes back for pages, the API and alerts."""

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime

import polars as pl
from sqlalchemy import Connection, Engine, delete, insert, select

from primarycare.economy.vocabulary import previous_year
from primarycare.measures import quantities as q
from primarycare.measures.definition import Measure
from primarycare.payments.errors import PaymentsError
from primarycare.store import tables as t
from primarycare.store.economy import loaded_years, read_economy
from primarycare.store.simulation import latest_practice_results


@dataclass(frozen=True)
class Gathered:
    quantities: pl.DataFrame  # practice_code, year, quantity, value
    practices: pl.DataFrame  # year, practice_code, network_code, commissioner_code
    gbp_per_point: pl.DataFrame  # practice_code, year, gbp_per_point
    warnings: tuple[str, ...]


def gather(engine: Engine, message_hour: int = 8, step: Callable[[str], None] = lambda _: None) -> Gathered:
    """Every loaded year's quantities: lists, QOF, the national contract's payments, and out-of-hours cases."""
    from primarycare.ingest.errors import IngestError
    from primarycare.payments.gather import kept_inputs
    from primarycare.payments.national import Contract

    with engine.connect() as conn:
        years = loaded_years(conn)
    parts, practices, warnings, economies = [], [], [], {}
    for year in years:
        step(f"economy {year}")
        economy = economies[year] = read_economy(engine, year, with_qof=True)
        prior = economies.get(previous_year(year))
        parts.append(q.list_quantities(year, economy.lists, prior.lists if prior else None))
        if not economy.achievement.is_empty():
            parts.append(q.qof_quantities(year, economy.indicators, economy.achievement))
        practices.append(_practices(economy, year))
        step(f"payments {year}")
        try:
            contract = Contract(kept_inputs(engine, economy, prior)[0])  # with the kept inputs, as the pages
            parts.append(q.payment_quantities(year, contract.lines(), contract.lists))
        except (PaymentsError, IngestError) as error:
            warnings.append(f"{year}: no payments measures ({error})")
    step("out-of-hours cases")
    parts.append(q.ooh_quantities(_cases(engine), message_hour))
    step("stored simulation runs")
    parts.append(q.simulation_quantities(latest_practice_results(engine)))
    quantities = q.carry_lists_forward(pl.concat(parts)) if parts else q.empty()
    for year in sorted(set(quantities["year"].unique().to_list()) - set(years)):
        earlier = [y for y in years if y < year]
        if earlier:  # out-of-hours years after the latest economy keep its practices' networks
            practices.append(_practices(economies[earlier[-1]], year))
    return Gathered(
        quantities, pl.concat(practices) if practices else _no_practices(), q.gbp_per_point(quantities), tuple(warnings)
    )


def _practices(economy, year: str) -> pl.DataFrame:
    rows = [(year, p.code, p.network_code, p.commissioner_code) for p in economy.practices]
    return pl.DataFrame(rows, schema=list(_no_practices().schema.items()), orient="row")


def _no_practices() -> pl.DataFrame:
    names = ("year", "practice_code", "network_code", "commissioner_code")
    return pl.DataFrame(schema={n: pl.String for n in names})


def _cases(engine: Engine) -> pl.DataFrame:
    c, m = t.ooh_case.c, t.post_event_message.c
    query = select(
        c.practice_code, c.received_at, c.closed_at, c.outcome, m.delivered_at.label("message_at")
    ).outerjoin(t.post_event_message, m.case_id == c.id)
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    schema = {
        "practice_code": pl.String,
        "received_at": pl.Datetime("us"),
        "closed_at": pl.Datetime("us"),
        "outcome": pl.String,
        "message_at": pl.Datetime("us"),
    }
    return pl.DataFrame([tuple(r) for r in rows], schema=schema, orient="row")


def save(
    engine: Engine,
    measures: tuple[Measure, ...],
    values: pl.DataFrame,
    deciles: pl.DataFrame,
    changes: pl.DataFrame,
    practices: int,
    after: Callable[[Connection], None] | None = None,
) -> int:
    """Replace the stored computation with this one, all or nothing; ``after`` runs in the same transaction (the
    alerts the new values raise). Returns the run's id."""
    definitions = json.dumps([asdict(m) for m in measures])
    years = ",".join(sorted(values["year"].unique().to_list())) if values.height else ""
    with engine.begin() as conn:
        for table in (t.measure_value, t.measure_decile, t.measure_change):
            conn.execute(delete(table))
        for table, frame in ((t.measure_value, values), (t.measure_decile, deciles), (t.measure_change, changes)):
            rows = frame.select([c.name for c in table.columns]).to_dicts()
            for start in range(0, len(rows), 20_000):
                conn.execute(insert(table), rows[start : start + 20_000])
        run_id = conn.execute(
            insert(t.measure_run).values(
                computed_at=datetime.now(UTC).replace(tzinfo=None),
                definitions=definitions,
                practices=practices,
                years=years,
            )
        ).inserted_primary_key[0]
        if after is not None:
            after(conn)
    return run_id


def latest_run(conn: Connection) -> dict | None:
    row = conn.execute(select(t.measure_run).order_by(t.measure_run.c.id.desc()).limit(1)).first()
    if row is None:
        return None
    run = dict(row._mapping)
    run["measures"] = {d["id"]: Measure(**{**d, "years": tuple(d["years"]) if d["years"] else None})
                       for d in json.loads(run.pop("definitions"))}  # fmt: skip
    return run


def _frame(conn: Connection, table, *where) -> pl.DataFrame:
    """The rows as a frame with the table's types, also when there are none."""
    kinds = {"String": pl.String, "Float": pl.Float64, "Integer": pl.Int64}
    schema = {c.name: kinds[type(c.type).__name__] for c in table.columns}
    rows = conn.execute(select(*table.columns).where(*where)).all()
    return pl.DataFrame([tuple(r) for r in rows], schema=schema, orient="row")


def stored_values(conn: Connection, *where) -> pl.DataFrame:
    return _frame(conn, t.measure_value, *where)


def stored_deciles(conn: Connection, *where) -> pl.DataFrame:
    return _frame(conn, t.measure_decile, *where)


def stored_changes(conn: Connection, *where) -> pl.DataFrame:
    return _frame(conn, t.measure_change, *where)
