"""Comparing two simulation runs: the difference's own 95% interval, paired replication by replication when the runs
share their seed (common random numbers), Welch's otherwise; worked by hand and against scipy's t-tests."""

import math

import polars as pl
import pytest
from scipy import stats

from primarycare.simulation.outputs import compare
from primarycare.simulation.results import KPIS
from primarycare.simulation.stats import difference_ci

# first, second, paired -> mean, half-width (by hand: d = 1, 1, 1, 2; mean 1.25, sd 0.5, se 0.25, t(0.975, 3) 3.1824)
CASES = [
    ([1, 2, 3, 4], [2, 3, 4, 6], True, 1.25, 3.182446 * 0.25),
    ([5, 5, 5], [6, 6, 6], True, 1.0, 0.0),  # the same shift in every replication: no doubt at all
    ([1.0], [2.0], True, 1.0, math.nan),  # one replication: no interval
]


@pytest.mark.parametrize(("first", "second", "is_paired", "mean", "half"), CASES)
def test_worked_examples(first, second, is_paired, mean, half):
    got_mean, got_half = difference_ci(first, second, paired=is_paired)
    assert got_mean == pytest.approx(mean)
    assert (math.isnan(got_half) and math.isnan(half)) or got_half == pytest.approx(half, rel=1e-5)


@pytest.mark.parametrize("is_paired", [True, False])
def test_agrees_with_scipy(is_paired):
    first, second = [10.2, 11.1, 9.8, 10.5, 10.9], [10.9, 11.4, 10.6, 11.3, 11.2]
    mean, half = difference_ci(first, second, paired=is_paired)
    test = stats.ttest_rel(second, first) if is_paired else stats.ttest_ind(second, first, equal_var=False)
    interval = test.confidence_interval(0.95)
    assert (mean - half, mean + half) == pytest.approx((interval.low, interval.high))


def _run(seed: int, values: dict[str, list[float]]) -> tuple[dict, pl.DataFrame]:
    reps = pl.DataFrame({"replication": list(range(len(next(iter(values.values()))))), **values})
    summary = {"run": {"seed": seed}}
    for name in KPIS:
        column = values.get(name, [0.0] * reps.height)
        summary[name] = {"mean": sum(column) / len(column), "ci_low": min(column), "ci_high": max(column)}
    return summary, reps.with_columns(*(pl.lit(0.0).alias(k) for k in KPIS if k not in values))


def test_a_small_shift_hidden_by_overlapping_intervals_is_found_by_pairing():
    kpi = next(iter(KPIS))
    first = _run(7, {kpi: [100.0, 120.0, 80.0, 110.0, 90.0]})
    second = _run(7, {kpi: [101.0, 121.2, 80.9, 111.1, 91.0]})  # each replication about 1 higher
    row = compare(*first[:1], *second[:1], first[1], second[1]).filter(pl.col("kpi") == kpi).row(0, named=True)
    assert row["intervals_overlap"] and row["method"] == "paired" and row["significant"]
    assert 0 < row["difference_ci_low"] < row["difference"] < row["difference_ci_high"]
    unpaired = compare(first[0], _run(8, {kpi: [101.0, 121.2, 80.9, 111.1, 91.0]})[0], first[1], second[1])
    row = unpaired.filter(pl.col("kpi") == kpi).row(0, named=True)
    assert row["method"] == "welch" and not row["significant"]  # different seeds: no pairing, too noisy to tell
