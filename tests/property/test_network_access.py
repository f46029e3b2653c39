"""Access mechanisms on small random economies: more slots never raise failed access, pooling a network's unused
slots never raises it, a hub never raises it, an empty hub changes nothing, and the network's GPs refer to A&E as
the practices' own do."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from primarycare.simulation.calendar import year_calendar
from primarycare.simulation.choice import ALTERNATIVES, TRIES_AGAIN
from primarycare.simulation.draws import Draws
from primarycare.simulation.in_hours import in_hours
from primarycare.simulation.networks import EVENING, first_in_line
from primarycare.simulation.parameters import scenario_from

YEAR = year_calendar("2023-24", 2)
HOURS = [4.0, 1.6, 1.2, 1.0, 0.9, 0.8, 0.8, 0.8, 0.7, 0.6, 0.4]  # same-day requests by hour from 08:00


def run(lists, network, capacity, retry=None, **switches):
    """in_hours on a small economy: (failed, what each did, GPs' referrals to A&E, counts, per practice). retry:
    None (nobody tries again), "keyed" (each failing patient's keyed choice at the default shares) or "all" (every
    failing patient tries again)."""
    v = dict(scenario_from("p", {"practice_capacity_per_1000_per_week": capacity, **switches}).values)
    lists = np.asarray(lists, dtype=float)
    annual = lists * 5.16 * YEAR.weeks / 52
    counts, practices = {}, {}
    lost = np.zeros((lists.size, int(YEAR.working_day.sum())))
    draws = Draws(3, 0, 0)
    shares = [v[name] for name in ALTERNATIVES]
    choose = {
        None: None,
        "keyed": lambda failing: draws.choice(failing.ids, "after_failure", shares),
        "all": lambda failing: np.full(failing.ids.size, TRIES_AGAIN),
    }[retry]
    failed, after, referred = in_hours(
        v, YEAR, annual, lists, np.asarray(network), draws, 0.0, counts, practices, lost, HOURS, choose
    )
    return failed, after, referred, counts, practices


def failed_access(lists, network, capacity, retry=None, **switches) -> tuple[float, dict]:
    failed, after, _referred, counts, practices = run(lists, network, capacity, retry, **switches)
    assert counts["unmet_in_hours"] == failed.ids.size == practices["failed_access"].sum() == after.size
    assert not (after == TRIES_AGAIN).any()  # those who tried again are counted where they finally ended
    if retry == "all":  # everyone tries again until the run ends: only the last working day's failures remain
        last = np.flatnonzero(YEAR.working_day)[-1]
        assert ((failed.times // 24) == last).all()
    return counts["unmet_in_hours"], counts


economies = st.integers(2, 6).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(500, 12_000), min_size=n, max_size=n),
        st.lists(st.integers(0, 2), min_size=n, max_size=n),
        st.floats(60, 120),
    )
)


@settings(max_examples=40, deadline=None)
@given(economies, st.floats(1, 30), st.sampled_from([None, "keyed", "all"]))
def test_more_slots_never_raise_failed_access(economy, more, retry):
    """Also when patients try again on the next working day: fewer fail today, so fewer come back tomorrow."""
    lists, network, capacity = economy
    fewer, counts = failed_access(lists, network, capacity + more, retry)
    more_failed, tight = failed_access(lists, network, capacity, retry)
    assert fewer <= more_failed
    assert counts["same_day_repeat_requests"] <= tight["same_day_repeat_requests"]
    if retry is None:
        assert tight["same_day_repeat_requests"] == 0


@settings(max_examples=40, deadline=None)
@given(economies)
def test_pooling_and_a_hub_never_raise_failed_access_and_an_empty_hub_changes_nothing(economy):
    lists, network, capacity = economy
    alone, _ = failed_access(lists, network, capacity)
    pooled, counts = failed_access(lists, network, capacity, network_pooling=True)
    assert pooled <= alone and pooled + counts["pooled_appointments"] == alone
    hub, counts = failed_access(lists, network, capacity, network_hub=True)
    assert hub <= alone and hub + counts["hub_evening_appointments"] == alone
    empty, counts = failed_access(lists, network, capacity, network_hub=True, hub_minutes_per_1000_per_week=0.0)
    assert empty == alone and counts["hub_evening_capacity"] == 0


@settings(max_examples=20, deadline=None)
@given(economies)
def test_the_networks_gps_refer_to_ae_like_the_practices_own(economy):
    """Every consultation ends in a referral at a share of 1: pooling and the hub add exactly the patients they saw,
    at the request's time (pooled) or in the hub's evening; at a share of 0 nobody is referred."""
    lists, network, capacity = economy
    share = {"practice_ae_referral": 1.0}
    alone = run(lists, network, capacity, **share)[2]
    for switch, seen, window in (
        ("network_pooling", "pooled_appointments", (8.0, 18.5)),
        ("network_hub", "hub_evening_appointments", EVENING),
    ):
        _, _, referred, counts, _ = run(lists, network, capacity, **share, **{switch: True})
        assert referred.ids.size == alone.ids.size + counts[seen]
        extra = referred[~np.isin(referred.ids, alone.ids)]
        assert ((extra.times % 24 >= window[0]) & (extra.times % 24 <= window[1])).all()
        assert (np.diff(referred.times) >= 0).all() and np.unique(referred.ids).size == referred.ids.size
        assert run(lists, network, capacity, practice_ae_referral=0.0, **{switch: True})[2].ids.size == 0


def test_first_in_line_takes_the_earliest_of_each_key_up_to_its_capacity():
    keys = np.array([1, 0, 1, 1, 0, 2])
    times = np.array([3.0, 9.0, 1.0, 2.0, 8.0, 5.0])
    capacity = np.array([1, 2, 0])
    assert first_in_line(keys, times, capacity).tolist() == [False, False, True, True, True, False]
