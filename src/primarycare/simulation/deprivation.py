"""Deprivation as a patient attribute: each practice's patients carry its deprivation fifth (1 most deprived … 5
least; 0 unknown), and A&E and out-of-hours needs arise at rates that rise with deprivation.

The gradient is log-linear in the deprivation percentile x (0 the most deprived, 1 the least): rate ∝ exp(−βx), with
β set so the most deprived tenth has ``ratio`` times the rate of the least deprived tenth (exp(0.9β) = ratio). A
fifth's multiplier is the gradient's mean over its fifth of the percentile, relative to England's mean over the whole
range, so a population spread evenly over the fifths (as England is, by construction of fifths) averages exactly 1
and the national rates keep their meaning; a practice of unknown fifth gets England's average, 1. The multipliers
are relative to England, never to the loaded economy, so a deprived commissioner's patients bring more A&E."""

import math

import numpy as np
import polars as pl

from primarycare.simulation.population import per_practice

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


def practice_fifths(population: pl.DataFrame, codes: list[str]) -> np.ndarray:
    """Per practice in ``codes``: its deprivation fifth (0 unknown)."""
    return np.array([f or 0 for f in per_practice(population, codes, "deprivation_fifth")], dtype=np.int64)
