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
WEIGHTED_LISTS = TableSpec(
    columns=(
        Column("PRACTICE_CODE", "practice"),
        Column("QUARTER_START", "quarter"),
        Column("WEIGHTED_PATIENTS", "number"),
    ),
    key=("PRACTICE_CODE", "QUARTER_START"),
)
CONTRACT_BASES = ("PER_PATIENT", "FIXED")
LOCAL_CONTRACTS = TableSpec(
    columns=(
        Column("PRACTICE_CODE", "practice"),
        Column("CONTRACT_TYPE", "choice", ("PMS", "APMS")),
        Column("BASIS", "choice", CONTRACT_BASES),
        Column("VALUE_GBP", "number"),
        Column("OOH_DEDUCTION_PCT", "percent", blank_ok=True),
    ),
    key=("PRACTICE_CODE",),
)
NATIONAL_PREVALENCE = TableSpec(
    columns=(Column("GROUP_CODE"), Column("PREVALENCE_PCT", "percent")),
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


def read_weighted_lists(path: Path) -> pl.DataFrame:
    """PRACTICE_CODE, QUARTER_START (1 April, July, October or January), WEIGHTED_PATIENTS: the practices' own
    Carr-Hill weighted lists from their payment statements -> practice_code, quarter_start (date), weighted."""
    table = read_table(Path(path), WEIGHTED_LISTS)
    return table.select(
        pl.col("PRACTICE_CODE").alias("practice_code"),
        pl.col("QUARTER_START").str.to_date("%Y-%m-%d").alias("quarter_start"),
        pl.col("WEIGHTED_PATIENTS").alias("weighted"),
    )


def read_local_contracts(path: Path) -> pl.DataFrame:
    """PRACTICE_CODE, CONTRACT_TYPE (PMS or APMS), BASIS (PER_PATIENT: £ per registered patient a year; FIXED: £ a
    year), VALUE_GBP, OOH_DEDUCTION_PCT (as agreed; blank = none) -> one row per practice, lower-case names."""
    table = read_table(Path(path), LOCAL_CONTRACTS)
    if "OOH_DEDUCTION_PCT" not in table.columns:
        table = table.with_columns(pl.lit(None, pl.Float64).alias("OOH_DEDUCTION_PCT"))
    return table.select(
        pl.col("_line"),
        pl.col("PRACTICE_CODE").alias("practice_code"),
        pl.col("CONTRACT_TYPE").alias("contract_type"),
        pl.col("BASIS").alias("basis"),
        pl.col("VALUE_GBP").alias("value"),
        (pl.col("OOH_DEDUCTION_PCT").fill_null(0.0) / 100).alias("ooh_share"),
    )
