"""Deprivation as a patient attribute: each practice's patients carry its deprivation fifth (1 most deprived … 5
least; 0 unknown), and A&E and out-of-hours needs arise at rates that rise with deprivation.

The gradient is log-linear in the deprivation percentile x (0 the most deprived, 1 the least): rate ∝ exp(−βx), with
β set so the most deprived tenth has ``ratio`` times the rate of the least deprived tenth (exp(0.9β) = ratio). A
fifth's multiplier is the gradient's mean over its fifth of the percentile, relative to England's mean over the whole
range, so a population spread evenly over the fifths (as England is, by construction of fifths) averages exactly 1
and the national rates keep their meaning; a practice of unknown fifth gets England's average, 1. The multipliers
are relative to England, never to the loaded economy, so a deprived commissioner's patients bring more A&E."""

import math
from pathlib import Path

import numpy as np
import polars as pl

FIFTHS = (1, 2, 3, 4, 5)


def multipliers(ratio: float, parts: int = 5) -> np.ndarray:
    """Relative rate of each of ``parts`` equal slices of the population by deprivation, most deprived first."""
    if ratio <= 0:
        raise ValueError("a deprivation ratio must be above 0")
    beta = math.log(ratio) / 0.9
    edges = np.linspace(0.0, 1.0, parts + 1)
    if abs(beta) < 1e-12:
        return np.ones(parts)
    slice_means = (np.exp(-beta * edges[:-1]) - np.exp(-beta * edges[1:])) / (beta / parts)
    england = (1 - math.exp(-beta)) / beta
    return slice_means / england


def practice_multipliers(fifth: np.ndarray, ratio: float) -> np.ndarray:
    """Each practice's multiplier from its fifth (0: unknown, England's average 1)."""
    table = np.concatenate([[1.0], multipliers(ratio)])
    return table[np.asarray(fifth, dtype=np.int64)]


DEPRIVATION_COLUMNS = ("PRACTICE_CODE", "DEPRIVATION_FIFTH")


def read_deprivation(path: Path) -> pl.DataFrame:
    """A CSV ``PRACTICE_CODE,DEPRIVATION_FIFTH`` (1 most deprived … 5 least, e.g. the fifth of the practice's IMD
    2019 score among England's practices), checked naming file, line and column: practice_code, deprivation_fifth."""
    from primarycare.ingest.table import Column, TableSpec, read_table

    spec = TableSpec(
        (Column("PRACTICE_CODE", "practice"), Column("DEPRIVATION_FIFTH", "choice", tuple(str(f) for f in FIFTHS))),
        key=("PRACTICE_CODE",),
    )
    table = read_table(Path(path), spec)
    return table.select(
        pl.col("PRACTICE_CODE").alias("practice_code"),
        pl.col("DEPRIVATION_FIFTH").cast(pl.Int8).alias("deprivation_fifth"),
    )


def with_deprivation(population: pl.DataFrame, fifths: pl.DataFrame | None) -> pl.DataFrame:
    """The population with each practice's deprivation_fifth (0 where not given)."""
    if fifths is None:
        return (
            population
            if "deprivation_fifth" in population.columns
            else population.with_columns(pl.lit(0, pl.Int8).alias("deprivation_fifth"))
        )
    base = population.drop("deprivation_fifth", strict=False)
    joined = base.join(fifths, on="practice_code", how="left")
    return joined.with_columns(pl.col("deprivation_fifth").fill_null(0).cast(pl.Int8))


def practice_fifths(population: pl.DataFrame, codes: list[str]) -> np.ndarray:
    """Per practice in ``codes``: its deprivation fifth (0 unknown)."""
    if "deprivation_fifth" not in population.columns:
        return np.zeros(len(codes), dtype=np.int64)
    found = population.group_by("practice_code").agg(pl.col("deprivation_fifth").first())
    fifth = dict(zip(found["practice_code"], found["deprivation_fifth"], strict=True))
    return np.array([fifth.get(code) or 0 for code in codes], dtype=np.int64)
