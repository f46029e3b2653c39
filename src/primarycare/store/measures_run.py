"""One computation of every measure, from the store to the store: gather the loaded years' quantities, compute values,
deciles and changes, and save them with the alerts and deadline reminders they raise, in one transaction."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import polars as pl
from sqlalchemy import Connection, Engine

from primarycare.measures.alerts import measure_messages, reminders
from primarycare.measures.attention import needs_attention
from primarycare.measures.change import ChangeRule
from primarycare.measures.compute import evaluate
from primarycare.measures.definition import Measure
from primarycare.store.alerts import subscriptions, write_messages
from primarycare.store.contracts import deadlines, sync_decisions
from primarycare.store.measures import gather, save


@dataclass(frozen=True)
class Computed:
    measures: int
    values: int
    years: tuple[str, ...]
    practices: int
    changes: int
    alerts: int
    warnings: tuple[str, ...]


def compute_all(
    engine: Engine,
    measures: tuple[Measure, ...],
    rule: ChangeRule,
    today: date,
    step: Callable[[str], None] = lambda _: None,
) -> Computed:
    gathered = gather(engine, step=step)
    step("values, percentiles, deciles and changes")
    done = evaluate(gathered.quantities, measures, gathered.practices, gathered.gbp_per_point, rule)
    values, lines, found = done.values, done.lines, done.changes
    items = needs_attention(values, found, measures, None)
    latest = gathered.practices.filter(pl.col("year") == gathered.practices["year"].max())
    written = []

    def alerts(conn: Connection) -> None:
        written.append(write_messages(conn, measure_messages(subscriptions(conn), items, latest)))
        written.append(write_messages(conn, reminders(deadlines(conn), today)))

    step("saving")
    sync_decisions(engine)
    save(engine, measures, values, lines, found, latest.height, after=alerts)
    return Computed(
        len(measures),
        values.height,
        tuple(sorted(values["year"].unique().to_list())),
        latest.height,
        found.height,
        sum(written),
        gathered.warnings,
    )


def write_reminders(engine: Engine, today: date) -> int:
    """Deadline reminders due today (each written once), after notices have taken their committees' decisions."""
    sync_decisions(engine)
    with engine.begin() as conn:
        return write_messages(conn, reminders(deadlines(conn), today))
