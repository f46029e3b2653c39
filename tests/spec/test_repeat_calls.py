"""111's repeat callers as tables: who calls again, the third call within 96 hours goes to a clinician (Dx93), a
third call after 96 hours keeps its triage, and nobody calling again leaves every first call as it was."""

import numpy as np
import pytest

from primarycare.simulation.draws import Draws
from primarycare.simulation.own_ooh import DISPOSITIONS
from primarycare.simulation.repeat_calls import PRIMARY_CARE, attempt, with_repeats
from primarycare.simulation.routed import Routed

NONE_ONLY = {f"disposition_{d}": 1.0 if d == "none" else 0.0 for d in DISPOSITIONS} | {"call_handling_minutes": 12.0}


def _first(n=200):
    ids = np.uint64(1 << 62) | np.arange(n, dtype=np.uint64)
    return Routed(ids, np.linspace(0, 1000, n), np.ones(n, bool), np.full(n, -1))


@pytest.mark.parametrize(
    ("share", "hours", "calls_per_patient", "ruled"),
    [
        (0.0, 24.0, 1, 0),  # nobody calls again
        (1.0, 0.001, 3, 1),  # everyone left unhelped calls twice more at once: the third call goes to a clinician
        (1.0, 1e9, 1, 0),  # they would call again only after the run ends
    ],
)
def test_repeat_callers_by_hand(share, hours, calls_per_patient, ruled):
    first = _first()
    v = NONE_ONLY | {"repeat_call_share": share, "repeat_call_hours": hours}
    calls, disposition, by_rule = with_repeats(first, v, Draws(1, 0, 0), horizon=2_000.0)
    assert calls.ids.size == first.ids.size * calls_per_patient
    third = attempt(calls.ids) == 2
    assert by_rule.sum() == third.sum() == first.ids.size * ruled
    assert (disposition[third] == PRIMARY_CARE).all()
    assert (disposition[~third] == DISPOSITIONS.index("none")).all()
    assert (np.diff(calls.times) >= 0).all()


def test_a_repeat_call_comes_after_the_call_before_has_ended():
    """Calling again at once (a delay of about 4 seconds) still waits for the call before to be handled: its keyed
    handling time, the one 111's station gives it."""
    first = _first()
    v = NONE_ONLY | {"repeat_call_share": 1.0, "repeat_call_hours": 0.001}
    calls, _, _ = with_repeats(first, v, Draws(1, 0, 0), horizon=1e9)
    draws, before = Draws(1, 0, 0), dict(zip(calls.ids, calls.times, strict=True))
    repeats = calls[attempt(calls.ids) > 0]
    previous = repeats.ids - np.uint64(1 << 59)
    handled = np.array([before[i] for i in previous]) + draws.exponential(previous, "handling", 12.0 / 60)
    assert (repeats.times >= handled).all() and (repeats.times - handled < 0.01).all()


def test_a_third_call_after_96_hours_keeps_its_triage():
    first = _first()
    v = NONE_ONLY | {"repeat_call_share": 1.0, "repeat_call_hours": 60.0}  # two gaps of 60 h on average
    calls, disposition, by_rule = with_repeats(first, v, Draws(1, 0, 0), horizon=1e9)
    third = attempt(calls.ids) == 2
    first_time = dict(zip(first.ids & ~np.uint64(3 << 59), first.times, strict=True))
    since = calls.times[third] - np.array([first_time[i] for i in calls.ids[third] & ~np.uint64(3 << 59)])
    assert ((since <= 96) == by_rule[third]).all() and 0 < by_rule[third].sum() < third.sum()
    assert (disposition[third][since > 96] == DISPOSITIONS.index("none")).all()


def test_first_calls_meet_the_same_fate_whoever_calls_again():
    first = _first()
    weights = {f"disposition_{d}": w for d, w in zip(DISPOSITIONS, (0.13, 0.07, 0.62, 0.05, 0.13), strict=True)}
    weights["call_handling_minutes"] = 12.0
    quiet, d0, _ = with_repeats(
        first, weights | {"repeat_call_share": 0.0, "repeat_call_hours": 24.0}, Draws(1, 0, 0), 1e9
    )
    busy, d1, _ = with_repeats(
        first, weights | {"repeat_call_share": 0.5, "repeat_call_hours": 24.0}, Draws(1, 0, 0), 1e9
    )
    firsts = attempt(busy.ids) == 0
    assert np.array_equal(np.sort(busy.ids[firsts]), np.sort(quiet.ids))
    assert dict(zip(busy.ids[firsts], d1[firsts], strict=True)) == dict(zip(quiet.ids, d0, strict=True))
    assert busy.ids.size > quiet.ids.size
