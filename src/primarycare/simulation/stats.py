"""Confidence intervals: across replications (Student t) and within one long run (batch means)."""

import math

import numpy as np


def mean_ci(values, confidence: float = 0.95) -> tuple[float, float]:
    """(mean, half-width) of independent replications' values."""
    values = np.asarray(values, dtype=float)
    mean = float(values.mean()) if values.size else float("nan")
    if values.size < 2:
        return mean, float("nan")
    from scipy import stats  # imported here: scipy.stats takes seconds to import, and only this needs it

    half = stats.t.ppf((1 + confidence) / 2, values.size - 1) * values.std(ddof=1) / math.sqrt(values.size)
    return mean, float(half)


def difference_ci(first, second, paired: bool, confidence: float = 0.95) -> tuple[float, float]:
    """(mean, half-width) of second − first. Paired (the runs share their seeds, replication by replication, so
    common random numbers cancel): the t interval of the per-replication differences. Not paired: Welch's interval
    for a difference of two means with unequal variances."""
    a, b = np.asarray(first, dtype=float), np.asarray(second, dtype=float)
    if paired:
        return mean_ci(b - a, confidence)
    mean = float(b.mean() - a.mean()) if a.size and b.size else float("nan")
    if a.size < 2 or b.size < 2:
        return mean, float("nan")
    from scipy import stats

    va, vb = a.var(ddof=1) / a.size, b.var(ddof=1) / b.size
    if va + vb == 0:
        return mean, 0.0
    df = (va + vb) ** 2 / (va**2 / (a.size - 1) + vb**2 / (b.size - 1))
    return mean, float(stats.t.ppf((1 + confidence) / 2, df) * math.sqrt(va + vb))


def batch_means_ci(series, batches: int = 30, confidence: float = 0.95) -> tuple[float, float]:
    """(mean, half-width) of one long correlated series, from the means of ``batches`` consecutive batches."""
    series = np.asarray(series, dtype=float)
    usable = series.size - series.size % batches
    means = series[:usable].reshape(batches, -1).mean(axis=1)
    return float(series.mean()), mean_ci(means, confidence)[1]
