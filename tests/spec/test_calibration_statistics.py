"""The A&E timing statistics the calibration report compares with published figures, worked by hand on arrival
tables: hour 0 of the week is Monday 00:00-01:00."""

import numpy as np
import polars as pl
import pytest

from primarycare.simulation.api import Results
from primarycare.simulation.calibrate import STATISTICS
from primarycare.simulation.parameters import scenario_from


def _results(arrivals_by_replication: list[np.ndarray], minor: np.ndarray | None = None) -> Results:
    """Type 1 arrivals by hour of week per replication; ``minor``: the minor injury units' (none when None)."""
    minor = np.zeros(168) if minor is None else minor
    hours = pl.concat(
        pl.DataFrame(
            {
                "replication": r,
                "hour_of_week": np.arange(168),
                "arrivals": a.astype(float),
                "minor_unit_arrivals": minor.astype(float),
            }
        )
        for r, a in enumerate(arrivals_by_replication)
    )
    empty = pl.DataFrame()
    return Results(scenario_from("baseline"), empty, hours, empty, empty, empty, empty, 0.0, 0.0)


def _week(weight) -> np.ndarray:
    return np.array([weight(h) for h in range(168)], dtype=float)


EVEN = _week(lambda h: 1)
DAYTIME = _week(lambda h: 3 if 9 <= h % 24 < 18 else 1)  # 27 of 42 arrivals a day between 09:00 and 18:00
MONDAY_PEAK = _week(lambda h: 7 if h in (10, 11) else 1)  # 180 a week; 14 in Monday's two late-morning hours
MONDAYS = _week(lambda h: 2 if h < 24 else 1)  # 48 of 192 on Mondays


@pytest.mark.parametrize(
    "statistic, week, expected",
    [
        ("ae_working_hours_share", EVEN, 9 / 24),
        ("ae_working_hours_share", DAYTIME, 27 / 42),
        ("ae_monday_share", EVEN, 1 / 7),
        ("ae_monday_share", MONDAYS, 48 / 192),
        ("ae_monday_late_morning_ratio", EVEN, 1.0),
        ("ae_monday_late_morning_ratio", MONDAY_PEAK, 7 / (180 / 168)),
        ("ae_monday_late_morning_ratio", MONDAYS, 2 / (192 / 168)),
    ],
)
def test_ae_timing_statistics(statistic, week, expected):
    assert STATISTICS[statistic](_results([week]), 1000.0) == pytest.approx(expected)


def test_ae_timing_counts_the_minor_injury_units_arrivals_too():
    """The published timing is of all types: a unit open 09:00-18:00 adding 2 arrivals an hour to an even type 1
    week (24 a day) brings 9 x 3 of the day's 42 into working hours."""
    unit = _week(lambda h: 2 if 9 <= h % 24 < 18 else 0)
    assert STATISTICS["ae_working_hours_share"](_results([EVEN], unit), 1000.0) == pytest.approx(27 / 42)


def test_ae_timing_is_the_mean_of_the_replications_arrivals():
    """Two replications, one even and one with all its arrivals on Monday: the Monday share of the pooled weeks"""
    only_mondays = _week(lambda h: 7 if h < 24 else 0)  # the same 168 arrivals a week, all on Monday
    share = STATISTICS["ae_monday_share"](_results([EVEN, only_mondays]), 1000.0)
    assert share == pytest.approx((24 + 168) / (2 * 168))


def test_gp_referral_share_counts_gps_referrals_in_and_out_of_hours_of_every_attendance():
    replications = pl.DataFrame(
        {
            "ae_from_practice_referral": [20.0, 40.0],
            "ae_from_own_practice_ae": [10.0, 30.0],
            "ae_from_ooh_referral": [50.0, 30.0],
            "ae_attendances": [1e3, 1e3],
        }
    )
    results = Results(scenario_from("baseline"), replications, *[pl.DataFrame()] * 5, 0.0, 0.0)
    assert STATISTICS["ae_gp_referral_share"](results, 1000.0) == pytest.approx(90 / 1000)


def test_closed_surgery_share_counts_every_route_to_a_and_e_that_begins_out_of_hours():
    """Of 1,000 out-of-hours needs a replication: 200 straight there, 30 + 20 + 10 + 5 sent by 111's ambulance, 111,
    an out-of-hours GP and a practice's own cover; failed daytime access and the background do not count."""
    routes = {"straight_to_ae": 200, "ambulance": 30, "111_ae": 20, "ooh_referral": 10, "own_practice_ae": 5}
    others = {"failed_access": 70, "failed_access_via_111": 9, "background": 400, "practice_referral": 8}
    replications = pl.DataFrame({f"ae_from_{r}": [float(n), float(n)] for r, n in {**routes, **others}.items()})
    practices = pl.DataFrame({"replication": [0, 0, 1, 1], "ooh_needs": [600.0, 400.0, 500.0, 500.0]})
    empty = pl.DataFrame()
    results = Results(scenario_from("baseline"), replications, empty, practices, empty, empty, empty, 0.0, 0.0)
    assert STATISTICS["closed_surgery_to_ae_share"](results, 1000.0) == pytest.approx(265 / 1000)
