"""Per-practice files the simulation takes beside a loaded economy, each checked naming file, line and column:
deprivation fifths, positions and care-home residents."""

from pathlib import Path

import polars as pl

from primarycare.ingest.table import Column, TableSpec, read_table

DEPRIVATION = TableSpec(
    (Column("PRACTICE_CODE", "practice"), Column("DEPRIVATION_FIFTH", "choice", ("1", "2", "3", "4", "5"))),
    key=("PRACTICE_CODE",),
)
LOCATIONS = TableSpec(
    (Column("PRACTICE_CODE", "practice"), Column("EASTING", "number"), Column("NORTHING", "number")),
    key=("PRACTICE_CODE",),
)

CARE_HOMES = TableSpec(
    (Column("PRACTICE_CODE", "practice"), Column("CARE_HOME_RESIDENTS", "count")), key=("PRACTICE_CODE",)
)


def read_deprivation(path: Path) -> pl.DataFrame:
    """``PRACTICE_CODE,DEPRIVATION_FIFTH`` (1 most deprived … 5 least, e.g. the fifth of the practice's IMD 2019
    score among England's practices): practice_code, deprivation_fifth."""
    return read_table(Path(path), DEPRIVATION).select(
        pl.col("PRACTICE_CODE").alias("practice_code"),
        pl.col("DEPRIVATION_FIFTH").cast(pl.Int8).alias("deprivation_fifth"),
    )


def read_locations(path: Path) -> pl.DataFrame:
    """``PRACTICE_CODE,EASTING,NORTHING`` (British National Grid metres, e.g. the practice postcode's from the ONS
    postcode directory): practice_code, easting, northing."""
    return read_table(Path(path), LOCATIONS).select(
        pl.col("PRACTICE_CODE").alias("practice_code"),
        pl.col("EASTING").cast(pl.Float64).alias("easting"),
        pl.col("NORTHING").cast(pl.Float64).alias("northing"),
    )


def read_care_homes(path: Path) -> pl.DataFrame:
    """``PRACTICE_CODE,CARE_HOME_RESIDENTS`` (the practice's patients living in care homes, e.g. from its list's
    care-home flags): practice_code, care_home_residents."""
    return read_table(Path(path), CARE_HOMES).select(
        pl.col("PRACTICE_CODE").alias("practice_code"),
        pl.col("CARE_HOME_RESIDENTS").cast(pl.Float64).alias("care_home_residents"),
    )
