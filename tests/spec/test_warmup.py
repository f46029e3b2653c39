"""MSER-5, the warm-up method (simulation/warmup.py): worked by hand, on series with a known transient, and the fast
statistic against the slow written-out one."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from primarycare.simulation.warmup import batch_means, mser, mser_slow, warmup_weeks


def test_batch_means_by_hand():
    assert batch_means(np.arange(12.0)).tolist() == [2.0, 7.0]  # the last, partial batch dropped
    assert batch_means(np.arange(4.0)).size == 0


@pytest.mark.parametrize(
    ("series", "expected"),
    [
        ([5.0, 5.0, 5.0, 5.0, 5.0, 5.0], 0),  # nothing to cut
        ([0.0, 10.0, 10.0, 10.0, 10.0, 10.0], 1),  # one low start
        ([0.0, 4.0, 8.0, 10.0, 10.0, 10.0, 10.0, 10.0], 3),  # a ramp to a level
        ([1.0, 2.0, 3.0], 0),  # too short to judge
    ],
)
def test_mser_cuts_the_transient(series, expected):
    means = np.array(series)
    assert mser(means) == expected == mser_slow(means)


def test_a_series_still_rising_at_half_way_has_not_settled():
    rng = np.random.default_rng(1)
    steady = 100 + rng.normal(0, 1, 500)
    ramp = np.concatenate([np.linspace(0, 100, 100), steady])  # days; settles after 100 days = 20 batches
    rising = np.linspace(0, 100, 600) + rng.normal(0, 1, 600)
    found = warmup_weeks({"ramp": ramp, "rising": rising}, working_days_per_week=5.0)
    assert 18 <= found["ramp"]["weeks"] <= 24 and found["ramp"]["settled"]
    assert not found["rising"]["settled"]


@settings(max_examples=200, deadline=None)
@given(arrays(np.float64, st.integers(0, 40), elements=st.floats(-1e3, 1e3, allow_nan=False)))
def test_the_fast_statistic_agrees_with_the_slow_one(means):
    fast, slow = mser(means), mser_slow(means)
    if fast != slow:  # ties within rounding: both points must give the same statistic
        rest = lambda d: means[d:]  # noqa: E731
        value = lambda d: ((rest(d) - rest(d).mean()) ** 2).sum() / rest(d).size ** 2  # noqa: E731
        assert value(fast) == pytest.approx(value(slow), rel=1e-9, abs=1e-9)
