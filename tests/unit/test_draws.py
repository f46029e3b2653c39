"""Keyed random numbers: uniform, independent between decisions and runs, and a pure function of the need's id."""

import numpy as np
from scipy import stats

from primarycare.simulation.draws import DECISIONS, Draws


def test_a_need_gets_the_same_number_whatever_else_is_drawn():
    draws = Draws(seed=1, replication=0, chunk=0)
    ids = np.arange(1000, dtype=np.uint64)
    whole = draws.uniform(ids, "handling")
    assert np.array_equal(draws.uniform(ids[::-1], "handling"), whole[::-1])
    assert np.array_equal(Draws(1, 0, 0).uniform(ids[500:], "handling"), whole[500:])


def test_uniform_and_independent():
    ids = np.arange(200_000, dtype=np.uint64) * np.uint64(7919)  # structured ids, as the model makes them
    columns = {name: Draws(3, 0, 0).uniform(ids, name) for name in DECISIONS}
    for name, u in columns.items():
        assert u.min() >= 0 and u.max() < 1
        assert stats.kstest(u, "uniform").pvalue > 1e-4, name
    other_run = Draws(3, 1, 0).uniform(ids, "handling")
    other_chunk = Draws(3, 0, 1).uniform(ids, "handling")
    for u in (columns["disposition"], other_run, other_chunk):
        assert abs(np.corrcoef(columns["handling"], u)[0, 1]) < 0.01
    assert abs(np.corrcoef(columns["handling"][:-1], columns["handling"][1:])[0, 1]) < 0.01  # neighbouring ids


def test_choice_and_exponential_follow_their_distributions():
    draws, ids = Draws(5, 0, 0), np.arange(100_000, dtype=np.uint64)
    picked = draws.choice(ids, "outcome", [0.43, 0.43, 0.14])
    assert np.allclose(np.bincount(picked, minlength=3) / ids.size, [0.43, 0.43, 0.14], atol=0.006)
    times = draws.exponential(ids, "visit", 0.25)
    assert stats.kstest(times, "expon", args=(0, 0.25)).pvalue > 1e-4
