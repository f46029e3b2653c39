"""Measures for the web: who may see what (a practice sees itself and anonymous deciles), the stored run's measures,
each organisation's lines over the years, a grouping's sums, and what needs attention in a scope."""

from dataclasses import dataclass

import polars as pl
from fastapi import HTTPException
from sqlalchemy import Engine, or_, select

from primarycare.access.roles import User, can_see_practice
from primarycare.measures.attention import half_of_variation, needs_attention
from primarycare.measures.definition import Measure
from primarycare.store import tables as t
from primarycare.store.economy import find_period
from primarycare.store.groupings import grouping
from primarycare.store.measures import latest_run, stored_changes, stored_deciles, stored_values

MEASURE_ROLES = ("commissioner", "governance_lead", "admin", "practice_user")
KINDS = ("practice", "network", "commissioner", "grouping")
ENGLAND = 6000  # fewer practices than this: the percentiles are among the loaded economy, not England


@dataclass(frozen=True)
class Scope:
    kind: str
    code: str
    name: str
    practices: tuple[str, ...]  # the practices inside (the practice itself for a practice)


def require_role(user: User) -> None:
    if user.role not in MEASURE_ROLES:
        raise HTTPException(403, "measures are for commissioners, governance leads, admins and practices")


def run_or_404(engine: Engine) -> dict:
    with engine.connect() as conn:
        run = latest_run(conn)
    if run is None:
        raise HTTPException(404, "no measures computed yet: run primarycare measures compute")
    run["population"] = (
        f"England's {run['practices']:,} practices"
        if run["practices"] >= ENGLAND
        else f"the {run['practices']:,} loaded practices (not the whole of England)"
    )
    return run


def measure_or_404(run: dict, measure_id: str) -> Measure:
    if measure_id not in run["measures"]:
        raise HTTPException(404, f"no measure {measure_id!r}; measures: {', '.join(run['measures'])}")
    return run["measures"][measure_id]


def scope(engine: Engine, user: User, kind: str, code: str) -> Scope:
    """The organisation asked for, if the user may see it; 404 when it does not exist."""
    if kind not in KINDS:
        raise HTTPException(404, f"no such kind {kind!r}: {', '.join(KINDS)}")
    if user.is_practice_user and (kind != "practice" or not can_see_practice(user, code)):
        raise HTTPException(403, "a practice sees its own measures and the anonymous deciles only")
    with engine.connect() as conn:
        period_id = find_period(conn)[0]
        p = t.practice.c
        if kind == "grouping":
            if not code.isdigit() or (found := grouping(conn, user.id, int(code))) is None:
                raise HTTPException(404, f"no grouping {code} of yours")
            return Scope(kind, code, found["name"], tuple(found["practices"]))
        if kind == "practice":
            name = conn.execute(select(p.name).where(p.period_id == period_id, p.code == code)).scalar()
            members = (code,)
        else:
            table = t.network if kind == "network" else t.commissioner
            name = conn.execute(
                select(table.c.name).where(table.c.period_id == period_id, table.c.code == code)
            ).scalar()
            column = p.network_code if kind == "network" else p.commissioner_code
            members = tuple(conn.execute(select(p.code).where(p.period_id == period_id, column == code)).scalars())
    if name is None:
        raise HTTPException(404, f"no {kind} {code} in the latest loaded year")
    return Scope(kind, code, name, members)


def scope_values(engine: Engine, measure: str, target: Scope) -> pl.DataFrame:
    """year, value for the scope's own line: stored for a practice, network or commissioner; for a grouping, its
    practices' numerators and denominators summed."""
    v = t.measure_value.c
    with engine.connect() as conn:
        if target.kind != "grouping":
            return stored_values(conn, v.measure == measure, v.kind == target.kind, v.code == target.code)
        return stored_values(conn, v.measure == measure, v.kind == "practice", v.code.in_(target.practices))


def grouping_line(rows: pl.DataFrame, measure: Measure) -> pl.DataFrame:
    sums = rows.group_by("year").agg(pl.col("numerator").sum(), pl.col("denominator").sum())
    value = pl.when(pl.col("denominator") > 0).then(pl.col("numerator") / pl.col("denominator") * measure.scale)
    return sums.with_columns(value.alias("value")).sort("year")


def measure_page(engine: Engine, user: User, measure: Measure, target: Scope | None, kind: str | None = None) -> dict:
    """Deciles over the years for the kind shown, the scope's line on top, the latest year's table (not for a
    practice), and how many practices account for half of the variation."""
    kind = kind or (target.kind if target and target.kind != "grouping" else "practice")
    v, d = t.measure_value.c, t.measure_decile.c
    with engine.connect() as conn:
        lines = stored_deciles(conn, d.measure == measure.id, d.kind == kind)
        table = stored_values(conn, v.measure == measure.id, v.kind == kind)
    years = sorted(lines["year"].unique().to_list())
    own = None
    if target is not None:
        rows = scope_values(engine, measure.id, target)
        own = grouping_line(rows, measure) if target.kind == "grouping" else rows.sort("year")
    latest = years[-1] if years else None
    now = table.filter(pl.col("year") == latest) if latest else table
    half = half_of_variation(now if kind == "practice" else now.head(0), measure.low_is_good)
    if user.is_practice_user:
        now = now.filter(pl.col("code") == user.practice_code)
    elif target is not None and target.kind == "grouping":
        now = now.filter(pl.col("code").is_in(target.practices))
    return {
        "kind": kind,
        "years": years,
        "deciles": {str(p): [_at(lines, y, p) for y in years] for p in range(10, 100, 10)},
        "own": {"label": target.name if target else None, "values": [_own(own, y) for y in years]},
        "latest": latest,
        "table": now.sort("value", descending=not measure.low_is_good, nulls_last=True).to_dicts(),
        "half": half,
    }


def _at(lines: pl.DataFrame, year: str, percentile: int):
    found = lines.filter((pl.col("year") == year) & (pl.col("percentile") == percentile))["value"]
    return found.item() if found.len() else None


def _own(own: pl.DataFrame | None, year: str):
    if own is None:
        return None
    found = own.filter(pl.col("year") == year)["value"]
    return found.item() if found.len() else None


def attention(engine: Engine, run: dict, target: Scope) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(what needs attention in the scope, the improvements found there)."""
    measures = tuple(run["measures"].values())
    v, c = t.measure_value.c, t.measure_change.c
    codes = {"practice": list(target.practices)}
    if target.kind in ("network", "commissioner"):
        codes[target.kind] = [target.code]
    wanted = [(v.kind == kind) & v.code.in_(chosen) for kind, chosen in codes.items()]
    with engine.connect() as conn:
        values = stored_values(conn, or_(*wanted))
        found = stored_changes(conn, or_(*[(c.kind == k) & c.code.in_(chosen) for k, chosen in codes.items()]))
    # percentiles are stored against every organisation, so the scope's slice is enough here
    items = needs_attention(values, found, measures, codes) if values.height else values
    return items, found.filter(pl.col("change") == "improving")
