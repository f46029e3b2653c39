"""GPs sending patients from same-day consultations to A&E (in_hours.practice_referrals): the share of the served,
one uniform per practice-day (so serving more never refers fewer on the same draws), at the times of the day's
earliest requests."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from primarycare.simulation.draws import Draws
from primarycare.simulation.in_hours import practice_referrals

HOURS = [4.0, 1.6, 1.2, 1.0, 0.9, 0.8, 0.8, 0.8, 0.7, 0.6, 0.4]
WORKING = np.array([0, 1, 2, 3, 4, 7, 8])  # working days of a short run


def _referrals(share, demand, served, seed=1):
    return practice_referrals({"practice_ae_referral": share}, WORKING, demand, served, Draws(seed, 0, 0), 0.0, HOURS)


def test_the_share_of_consultations_ends_in_referral_and_none_without_it():
    demand = np.full((400, WORKING.size), 60)
    served = np.full_like(demand, 50)
    referred = _referrals(0.02, demand, served)
    expected, sd = 0.02 * served.sum(), np.sqrt(0.02 * 0.98 * served.sum())
    assert abs(referred.ids.size - expected) < 4 * sd
    assert len(set(referred.ids.tolist())) == referred.ids.size  # one id each
    assert _referrals(0.0, demand, served).ids.size == 0
    clock = referred.times % 24
    assert clock.min() >= 8 and clock.max() <= 18.5 and set((referred.times // 24).astype(int)) <= set(WORKING)
    assert (np.diff(referred.times) >= 0).all()  # in time order


def test_a_full_book_refers_from_the_days_earliest_requests():
    demand = np.full((400, WORKING.size), 60)
    open_book = _referrals(0.05, demand, demand.copy())
    full_book = _referrals(0.05, demand, demand // 4)  # a quarter of the day's requests are seen: the first quarter
    assert np.median(full_book.times % 24) < np.median(open_book.times % 24)
    assert np.quantile(full_book.times % 24, 0.99) < 10  # the 08:00 rush: a quarter of the requests by about 09:00


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**16),
    share=st.floats(0.001, 0.3),
    served=st.lists(st.integers(0, 80), min_size=WORKING.size * 3, max_size=WORKING.size * 3),
    more=st.lists(st.integers(0, 20), min_size=WORKING.size * 3, max_size=WORKING.size * 3),
)
def test_serving_more_never_refers_fewer_on_the_same_draws(seed, share, served, more):
    served = np.array(served).reshape(3, WORKING.size)
    more_served = served + np.array(more).reshape(3, WORKING.size)
    demand = more_served + 5
    before, after = _referrals(share, demand, served, seed), _referrals(share, demand, more_served, seed)

    def per_cell(referred):
        return np.bincount((referred.ids >> np.uint64(16)).astype(np.int64), minlength=3 * WORKING.size)

    assert (per_cell(after) >= per_cell(before)).all()
    assert (per_cell(before) <= served.ravel()).all()


@pytest.mark.parametrize("share", [0.0, 0.01])
def test_unserved_days_refer_nobody(share):
    demand = np.full((5, WORKING.size), 30)
    assert _referrals(share, demand, np.zeros_like(demand)).ids.size == 0
