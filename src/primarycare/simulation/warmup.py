"""Choosing the warm-up by a documented method: MSER-5 (White 1997; recommended by Hoad, Robinson and Davies 2010
among automated warm-up methods). A pilot run starts empty and records daily series (the routine books' queue, the
same-day requests and the failed requests, per working day); each series is cut into batches of 5 working days (a
week), and the truncation d (in batches, at most half the series) minimising

    MSER(d) = sum over i > d of (Y_i - mean of Y after d)^2 / (n - d)^2

is the warm-up that series needs; a series whose d is the half-way limit has not settled within the run. The routine
books fill over months, so they start warm instead (``pilot_weeks``, api.Model.warm_books: a pilot as long as their
series needs); the warm-up recommended is the longest any other series needs, so the one rule (every KPI counted
from the same moment) suits every KPI."""

import math

import numpy as np
import polars as pl

BATCH = 5  # working days in a batch: a week
BOOK = "routine_waiting"  # the series a warm start (the pilot) warms; the others need the warm-up
PILOT_WEEKS = 104  # the command line's and the web's warm start: MSER-5 finds the books settled in about 45 weeks


def batch_means(series: np.ndarray, batch: int = BATCH) -> np.ndarray:
    """Means of consecutive batches (a last, partial batch dropped)."""
    whole = series.size // batch * batch
    return np.asarray(series[:whole], np.float64).reshape(-1, batch).mean(axis=1)


def mser(means: np.ndarray) -> int:
    """The truncation point (in batches) minimising MSER over the first half of the batches."""
    n = means.size
    if n < 4:
        return 0
    tail_sum = np.cumsum(means[::-1])[::-1]  # sum of means[d:]
    tail_squares = np.cumsum((means**2)[::-1])[::-1]
    remaining = n - np.arange(n)
    variance_sum = tail_squares - tail_sum**2 / remaining  # sum of squared deviations after d
    statistic = variance_sum / remaining**2
    return int(np.argmin(statistic[: n // 2 + 1]))


def mser_slow(means: np.ndarray) -> int:
    """The same, written out: the reference the fast version is checked against."""
    n = len(means)
    if n < 4:
        return 0
    best, best_d = None, 0
    for d in range(n // 2 + 1):
        rest = [float(m) for m in means[d:]]
        mean = sum(rest) / len(rest)
        value = sum((m - mean) ** 2 for m in rest) / len(rest) ** 2
        if best is None or value < best - 1e-12 * max(abs(best), 1.0):
            best, best_d = value, d
    return best_d


def warmup_weeks(series: dict[str, np.ndarray], working_days_per_week: float) -> dict[str, dict]:
    """Per series: the warm-up MSER-5 chooses, in weeks (a batch is 5 working days), and whether the series settled
    (its truncation short of the half-way limit)."""
    found = {}
    for name, values in series.items():
        means = batch_means(values)
        d = mser(means)
        found[name] = {"weeks": d * BATCH / working_days_per_week, "settled": bool(d < means.size // 2)}
    return found


def daily_means(days: pl.DataFrame) -> pl.DataFrame:
    """The results' daily series (Results.days), the mean over replications, in date order."""
    return days.drop("replication").group_by("date", maintain_order=True).mean().sort("date")


def recommend(days: pl.DataFrame, weeks: int) -> dict:
    """MSER-5 on each daily series of a cold-started run of ``weeks`` in all: per series its warm-up; the warm start
    (``pilot_weeks``) the routine books need (the run's length when they did not settle within it) and the warm-up
    (whole weeks, at least 1) the other series need once the books start warm."""
    means = daily_means(days)
    series = {name: means[name].to_numpy() for name in means.columns if name != "date"}
    found = warmup_weeks(series, means.height / weeks)
    book = found[BOOK]
    others = [f["weeks"] if f["settled"] else weeks for name, f in found.items() if name != BOOK]
    return {
        "method": "MSER-5 (White 1997; Hoad, Robinson and Davies 2010) on the daily series of a cold start, batches of "
        "5 working days, truncation searched over the first half",
        "weeks_run": weeks,
        "series": found,
        "not_settled": [name for name, f in found.items() if not f["settled"]],
        "pilot_weeks": math.ceil(book["weeks"]) if book["settled"] else weeks,
        "warmup_weeks": max(1, math.ceil(max(others, default=0.0))),
    }
