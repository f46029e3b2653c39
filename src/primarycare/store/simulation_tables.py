"""Stored simulation runs: a run's scenario and KPI summary, and each practice's counts (what the measures use)."""

from sqlalchemy import Column, DateTime, Float, ForeignKey, Integer, String, Table, Text

from primarycare.store.metadata import metadata

simulation_run = Table(
    "simulation_run",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("created_at", DateTime, nullable=False),
    Column("scenario", String(200), nullable=False),
    Column("description", Text, nullable=False),
    Column("year", String(7), nullable=False, index=True),  # the economy's year the run simulated
    Column("seed", Integer, nullable=False),
    Column("replications", Integer, nullable=False),
    Column("warmup_weeks", Integer, nullable=False),
    Column("summary", Text, nullable=False),  # JSON: each KPI's mean and 95% interval, and the scenario's overrides
)

simulation_practice = Table(
    "simulation_practice",
    metadata,
    Column("run_id", Integer, ForeignKey("simulation_run.id", ondelete="CASCADE"), primary_key=True),
    Column("practice_code", String(16), primary_key=True),
    # means per replication over the counted weeks
    Column("same_day_needs", Float, nullable=False),
    Column("failed_access", Float, nullable=False),
    Column("ae_after_failed_access", Float, nullable=False),
)
