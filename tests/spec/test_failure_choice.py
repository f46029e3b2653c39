"""What a patient does after finding no appointment, as a table: the logit's constants give the stated shares on
England's reference mix; a Friday failure makes waiting and trying again less attractive and leaves 111 against A&E
as it was (the logit's independence of irrelevant alternatives); deprivation raises the odds of A&E by the A&E
gradient."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from primarycare.simulation.choice import constants, days_to_next_working_day, probabilities, reference_mix, shares
from primarycare.simulation.deprivation import multipliers
from primarycare.simulation.parameters import load_defaults

BASE = {
    "failed_access_waits": 0.45,
    "failed_access_calls_111": 0.25,
    "failed_access_goes_to_ae": 0.15,
    "failed_access_tries_again": 0.15,
    "choice_weekend_wait": 0.5,
    "choice_deprivation_ae": 1.0,
    "deprivation_ae_ratio": 2.0,
}


def test_the_defaults_carry_the_coefficients():
    v = {name: load_defaults().values[name] for name in BASE}
    assert v["choice_weekend_wait"] == 0.5 and v["choice_deprivation_ae"] == 1.0


@settings(max_examples=60, deadline=None)
@given(
    st.floats(0.05, 0.9),
    st.floats(0.05, 0.9),
    st.floats(0.0, 1.0),
    st.floats(0.0, 2.0),
    st.floats(1.0, 3.0),
)
def test_the_reference_mix_gives_the_stated_shares(wait, call, weekend, deprivation, ratio):
    v = BASE | {
        "failed_access_waits": wait,
        "failed_access_calls_111": call,
        "failed_access_goes_to_ae": 1.0,
        "failed_access_tries_again": 0.5,
        "choice_weekend_wait": weekend,
        "choice_deprivation_ae": deprivation,
        "deprivation_ae_ratio": ratio,
    }
    days, multiplier, weight = reference_mix(v)
    target = np.array([wait, call, 1.0, 0.5]) / (wait + call + 1.5)
    assert weight @ shares(v, days, multiplier) == pytest.approx(target, abs=1e-9)


def test_without_coefficients_everyone_has_the_stated_shares():
    v = BASE | {"choice_weekend_wait": 0.0, "choice_deprivation_ae": 0.0}
    found = shares(v, np.array([1.0, 3.0, 4.0]), multipliers(2.0)[[0, 2, 4]])
    assert found == pytest.approx(np.tile([0.45, 0.25, 0.15, 0.15], (3, 1)))


def test_a_friday_failure_worked_by_hand():
    v = BASE | {"choice_deprivation_ae": 0.0}
    c = constants(v)
    closed = np.array([1.0, 0.0, 0.0, 1.0])  # 0.5 x (3 - 1) days off waiting and trying again
    tuesday, friday = probabilities(np.array([c, c - closed]))
    # by hand: the odds of waiting or trying again on a Friday are Tuesday's times e^-1; 111 against A&E unchanged,
    # and so is waiting against trying again
    waiting = lambda p: (p[0] + p[3]) / (p[1] + p[2])  # noqa: E731
    assert waiting(friday) == pytest.approx(waiting(tuesday) * math.exp(-1))
    assert friday[1] / friday[2] == pytest.approx(tuesday[1] / tuesday[2])
    assert friday[0] / friday[3] == pytest.approx(tuesday[0] / tuesday[3])
    assert friday[1] > tuesday[1] and friday[2] > tuesday[2]
    # and the reference mix (4 Tuesdays to 1 Friday) still averages the stated shares
    assert 0.8 * tuesday + 0.2 * friday == pytest.approx([0.45, 0.25, 0.15, 0.15])


def test_deprivation_raises_the_odds_of_ae_by_the_gradient():
    v = BASE | {"choice_weekend_wait": 0.0}
    m = multipliers(2.0)
    deprived, affluent = shares(v, np.array([1.0, 1.0]), m[[0, 4]])
    odds = lambda p: p[2] / p[1]  # noqa: E731  (A&E against 111: the other alternatives cancel)
    assert odds(deprived) / odds(affluent) == pytest.approx(m[0] / m[4])


@pytest.mark.parametrize(
    ("working", "expected"),
    [
        ([1, 1, 1, 1, 1, 0, 0, 1], [1, 1, 1, 1, 3, 2, 1, 1]),  # Monday to Friday, a weekend, Monday
        (
            [1, 1, 1, 1, 0, 0, 0, 1],
            [1, 1, 1, 4, 3, 2, 1, 1],
        ),  # Good Friday: Thursday's next working day is Monday, 4 days on
    ],
)
def test_days_to_the_next_working_day(working, expected):
    assert days_to_next_working_day(np.array(working, dtype=bool)).tolist() == expected
