"""How practices consult (modes.py): the clinicians' time is fixed, the needs it meets follow from the mix of modes.
A hand-worked table, then the mechanism: telephone consultations shorter than surgery ones (with their follow-ups)
never raise failed access, longer ones never lower it, and the clinicians' time, which the cost counts, stays put."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from primarycare.economy.vocabulary import AGE_BANDS
from primarycare.simulation.draws import Draws
from primarycare.simulation.in_hours import in_hours
from primarycare.simulation.model import practice_demand, rate_scale
from primarycare.simulation.modes import appointments_by_mode, need_minutes, needs_per_appointment, published_minutes
from primarycare.simulation.parameters import load_defaults, scenario_from
from tests.property.test_network_access import YEAR, economies, run

MINUTES = {
    "consultation_minutes_surgery": 12.0,
    "consultation_minutes_telephone": 6.0,
    "consultation_minutes_home_visit": 24.0,
    "published_telephone_share": 0.1,
    "published_home_visit_share": 0.1,
}


@pytest.mark.parametrize(
    ("telephone", "follow_up", "visit", "published", "per_need", "ratio"),
    [
        # published: 0.8 x 12 + 0.1 x 6 + 0.1 x 24 = 12.6 minutes an appointment
        (0.0, 0.0, 0.0, 12.6, 12.0, 1.05),  # all in the surgery: 12 minutes a need
        (0.5, 0.0, 0.0, 12.6, 9.0, 1.4),  # half by telephone, no follow-ups: 0.5 x 12 + 0.5 x 6
        (0.5, 0.5, 0.0, 12.6, 12.0, 1.05),  # half of those need 12 more: 0.5 x 12 + 0.5 x (6 + 6)
        (0.0, 0.0, 0.5, 12.6, 18.0, 0.7),  # half are care-home residents, seen at home: 0.5 x 12 + 0.5 x 24
        (0.5, 0.0, 0.5, 12.6, 12.0, 1.05),  # half of all by telephone; of the rest, half at home: 0.25 x 12 + ...
    ],
)
def test_minutes_worked_by_hand(telephone, follow_up, visit, published, per_need, ratio):
    v = MINUTES | {"telephone_share": telephone, "telephone_follow_up_share": follow_up}
    assert published_minutes(v) == pytest.approx(published)
    assert need_minutes(v, np.array([visit]))[0] == pytest.approx(per_need)
    assert needs_per_appointment(v, np.array([visit]))[0] == pytest.approx(ratio)


def test_appointments_by_mode_count_each_need_once_and_each_follow_up_again():
    v = MINUTES | {"telephone_share": 0.5, "telephone_follow_up_share": 0.2}
    modes = appointments_by_mode(v, np.array([100.0, 200.0]), np.array([0.0, 0.5]))
    # telephone: half of 300; home: the second practice's face-to-face half, half at home; surgery: the rest + 30
    assert modes == pytest.approx({"telephone": 150.0, "home_visit": 50.0, "surgery": 50.0 + 50.0 + 30.0})


def test_at_englands_published_mix_a_practice_meets_one_need_per_appointment():
    """With the published telephone share, no follow-ups and the published home visits among the face-to-face
    ones, the clinicians' time meets exactly the published appointments."""
    v = dict(scenario_from("p", {"telephone_follow_up_share": 0.0}).values)
    visit = v["published_home_visit_share"] / (1 - v["telephone_share"])
    assert needs_per_appointment(v, np.array([visit]))[0] == pytest.approx(1.0)


def _failed(economy, **overrides):
    lists, network, capacity = economy
    _failed, _after, _referred, counts, _ = run(lists, network, capacity, **overrides)
    return counts


@settings(max_examples=30, deadline=None)
@given(economies, st.floats(0.0, 0.4), st.floats(0.01, 0.5))
def test_telephone_first_meets_more_needs_only_when_a_telephone_need_takes_less_time(economy, before, more):
    """Surgery 11.7 minutes, telephone 7.1: with no follow-ups telephone first frees time; when every telephone
    consultation needs a surgery appointment after it, it uses more."""
    after = before + more
    for follow_up, better in ((0.0, True), (1.0, False)):
        base = _failed(economy, telephone_share=before, telephone_follow_up_share=follow_up)
        first = _failed(economy, telephone_share=after, telephone_follow_up_share=follow_up)
        if better:
            assert first["unmet_in_hours"] <= base["unmet_in_hours"]
            assert first["practice_capacity"] >= base["practice_capacity"]
        else:
            assert first["unmet_in_hours"] >= base["unmet_in_hours"]
            assert first["practice_capacity"] <= base["practice_capacity"]
        # the clinicians' time (what the cost counts) is the practices' staff's, whatever the mix
        assert first["practice_time_appointments"] == pytest.approx(base["practice_time_appointments"], rel=1e-9)
        assert first["appointments_telephone"] / max(_total(first), 1) >= (
            base["appointments_telephone"] / max(_total(base), 1) - 1e-12
        )


def _total(counts: dict) -> float:
    return counts["appointments_surgery"] + counts["appointments_telephone"] + counts["appointments_home_visit"]


@pytest.mark.parametrize("telephone", [0.0, 0.13, 0.5])
def test_a_session_given_up_after_night_work_is_a_sessions_clinician_time(telephone):
    """The practice loses appointments_per_session appointments of time, which meet more needs at a telephone-heavy
    mix: the slots lost are that time's needs (to within the whole slot the book rounds down to)."""
    v = dict(scenario_from("p", {"telephone_share": telephone, "telephone_follow_up_share": 0.0}).values)
    lists = np.array([6000.0])
    working = int(YEAR.working_day.sum())

    def capacity(lost_sessions: float) -> float:
        lost = np.zeros((1, working))
        lost[0, 3] = lost_sessions
        counts: dict = {}
        args = (lists * 5.16 * YEAR.weeks / 52, lists, np.zeros(1, np.int64), Draws(3, 0, 0), 0.0, counts, {}, lost)
        in_hours(v, YEAR, *args, [1.0] * 11)
        return counts["practice_capacity"]

    session = v["appointments_per_session"] * needs_per_appointment(v, np.zeros(1))[0]
    assert session - 1 < capacity(0.0) - capacity(1.0) <= session + 1


@pytest.mark.parametrize(
    ("ages", "residents", "female", "expected"),
    [
        ({"85_89": 1000}, 100, None, 0.1),  # everyone 85-89: the residents' share of the list
        ({"85_89": 1000}, 100, 0.7, 0.1),  # the residents consult as the practice's 85-89s do, so the sex cancels
        ({"85_89": 500, "40_44": 500}, 50, None, 50 * 13.5 / (500 * 13.5 + 500 * 5.0)),  # the 85-89s consult more
        ({"40_44": 1000}, 0, None, 0.0),
    ],
)
def test_the_share_of_consultations_that_are_home_visits_follows_from_the_residents(ages, residents, female, expected):
    defaults = load_defaults()
    v = dict(scenario_from("p").values)
    patients = np.array([[ages.get(band, 0) for band in AGE_BANDS]], dtype=float)
    female_share = None if female is None else np.full((1, len(AGE_BANDS)), female)
    scale = rate_scale(patients, defaults, v)
    demand = practice_demand(v, defaults, YEAR, patients, scale, None, female_share, np.array([residents]))
    assert demand.visit_share[0] == pytest.approx(expected)
