"""The user's own input files for payments: per-practice indices and published national prevalence."""

from pathlib import Path

import polars as pl

from primarycare.ingest.table import Column, TableSpec, read_table
from primarycare.payments.inputs import INDEX_COLUMNS

INDICES = TableSpec(
    columns=(Column("PRACTICE_CODE", "practice"),),
    optional=tuple(Column(name.upper(), "number", blank_ok=True) for name in INDEX_COLUMNS),
    key=("PRACTICE_CODE",),
)
NATIONAL_PREVALENCE = TableSpec(
    columns=(Column("GROUP_CODE"), Column("PREVALENCE_PCT", "number")),
    key=("GROUP_CODE",),
)


def read_indices(path: Path) -> pl.DataFrame:
    """PRACTICE_CODE and any of NEEDS, TURNOVER, CARE_HOMES, MARKET_FORCES, RURALITY (blank or absent = 1.0)."""
    table = read_table(Path(path), INDICES)
    present = [name for name in INDEX_COLUMNS if name.upper() in table.columns]
    return table.select(pl.col("PRACTICE_CODE").alias("practice_code"), *(pl.col(n.upper()).alias(n) for n in present))


def read_national_prevalence(path: Path) -> dict[str, float]:
    """GROUP_CODE, PREVALENCE_PCT (per cent of the list, as published) -> group: fraction."""
    table = read_table(Path(path), NATIONAL_PREVALENCE)
    return {group: pct / 100 for group, pct in table.select("GROUP_CODE", "PREVALENCE_PCT").iter_rows()}
