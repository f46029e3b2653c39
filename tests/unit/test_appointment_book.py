"""The appointment book: failing requests are the day's last arrivals (order statistics drawn for them only), and
peaks in demand make more requests fail at the same total demand."""

import numpy as np
import pytest
from scipy import stats

from primarycare.simulation.calendar import year_calendar
from primarycare.simulation.in_hours import arrival_clock, day_factors
from primarycare.simulation.parameters import scenario_from

HOURS = [4.0, 1.6, 1.2, 1.0, 0.9, 0.8, 0.8, 0.8, 0.7, 0.6, 0.4]


def _brute_force(n: int, k: int, cells: int, rng) -> np.ndarray:
    """Every one of the n requests drawn from the hour profile and sorted; the last n - k returned."""
    edges = np.array([*range(8, 19), 18.5])
    widths = np.diff(edges)
    p = np.array(HOURS) * widths / (np.array(HOURS) * widths).sum()
    hour = rng.choice(len(p), size=(cells, n), p=p)
    times = np.sort(edges[hour] + rng.random((cells, n)) * widths[hour], axis=1)
    return times[:, k:]


def test_failing_requests_are_the_last_order_statistics_of_the_day():
    n, k, cells = 30, 22, 4000  # 22 slots, 30 requests: places 22..29 fail
    rng = np.random.default_rng(5)
    place = np.tile(np.arange(k, n), cells)
    unmet = np.full(cells, n - k)
    ours = arrival_clock(place, unmet, rng.random(place.size), HOURS).reshape(cells, n - k)
    assert (np.diff(ours, axis=1) >= 0).all() and ours.min() >= 8 and ours.max() <= 18.5
    brute = _brute_force(n, k, cells, rng)
    for column in (0, n - k - 1):  # the first to fail and the day's last request
        assert stats.ks_2samp(ours[:, column], brute[:, column]).pvalue > 1e-3
    assert np.median(ours[:, 0]) > 10  # with the 08:00 rush, slots last into the late morning


def test_demand_peaks_on_mondays_and_in_winter_and_averages_one():
    year = year_calendar("2023-24")
    working = np.flatnonzero(year.working_day)
    v = dict(scenario_from("t").values)
    factors = day_factors(year, working, v)
    # a year of weekdays averages 1, less the Mondays that are bank holidays (Easter Monday, May, August)
    assert factors.mean() == pytest.approx(1, abs=0.006) and factors.mean() < 1
    # the same dates get the same factors whatever the run's length or warm-up: 8 weeks (56 days) earlier
    longer = year_calendar("2023-24", 60, warmup_weeks=8)
    days = np.flatnonzero(longer.working_day)
    same = (days >= 56) & (days < 56 + year.working_day.size)
    assert np.array_equal(day_factors(longer, days, v)[same], factors)
    weekday = (year.start.weekday() + working) % 7
    assert factors[weekday == 0].mean() > 1.15 * factors[weekday == 2].mean()
    january = (working >= 280) & (working < 300)
    july = (working >= 91) & (working < 111)
    assert factors[january & (weekday == 2)].mean() > factors[july & (weekday == 2)].mean() * 1.15
