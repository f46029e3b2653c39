"""Simulation runs kept in the database: what measures and pages read back (each practice's failed access)."""

import json
import math
from datetime import datetime

import polars as pl
from sqlalchemy import Engine, insert, select

from primarycare.store import tables as t


def save_run(engine: Engine, results, *, year: str, seed: int, warmup_weeks: int, at: datetime) -> int:
    """Store a run (simulation.api.Results) of the economy loaded for ``year``, all or nothing; returns its id."""
    scenario = results.scenario
    summary = {"kpis": results.summary(), "overrides": scenario.overrides}
    run = {
        "created_at": at,
        "scenario": scenario.name,
        "description": scenario.description,
        "year": year,
        "seed": seed,
        "replications": results.replications.height,
        "warmup_weeks": warmup_weeks,
        "summary": json.dumps(_no_nan(summary)),
    }
    rows = results.practice_means().select("practice_code", "same_day_needs", "failed_access", "ae_after_failed_access")
    with engine.begin() as conn:
        run_id = conn.execute(insert(t.simulation_run).values(run).returning(t.simulation_run.c.id)).scalar_one()
        conn.execute(insert(t.simulation_practice), [{"run_id": run_id, **row} for row in rows.iter_rows(named=True)])
    return run_id


def _no_nan(value):
    """An interval that one replication cannot give is stored as null, not NaN (which is not JSON)."""
    if isinstance(value, dict):
        return {k: _no_nan(v) for k, v in value.items()}
    return None if isinstance(value, float) and math.isnan(value) else value


def latest_practice_results(engine: Engine) -> pl.DataFrame:
    """year, practice_code, same_day_needs, failed_access, ae_after_failed_access from the latest run of each year."""
    r, p = t.simulation_run.c, t.simulation_practice.c
    latest = select(r.year, r.id).order_by(r.year, r.id.desc())
    with engine.connect() as conn:
        newest = {}
        for year, run_id in conn.execute(latest):
            newest.setdefault(year, run_id)
        rows = conn.execute(
            select(r.year, p.practice_code, p.same_day_needs, p.failed_access, p.ae_after_failed_access)
            .join(t.simulation_run, r.id == p.run_id)
            .where(p.run_id.in_(list(newest.values()) or [-1]))
        ).all()
    schema = {"year": pl.String, "practice_code": pl.String}
    schema |= {name: pl.Float64 for name in ("same_day_needs", "failed_access", "ae_after_failed_access")}
    return pl.DataFrame([tuple(row) for row in rows], schema=schema, orient="row")
