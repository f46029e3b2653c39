"""The OOH sub-model in our engine and in SimPy: identical on the same draws, indistinguishable on independent ones."""

import numpy as np
from scipy import stats

from primarycare.simulation.ooh_pathway import Staffing, draw, run_fast, run_simpy


def test_same_draws_same_results():
    draws = draw(np.random.default_rng(3), calls_per_hour=7.0, hours=24 * 28)
    assert run_fast(draws, Staffing()) == run_simpy(draws, Staffing())


def streams(replications: int = 20):
    """Independent streams for each engine's replications, spawned from one root (never hand-picked seeds)."""
    children = [np.random.default_rng(c) for c in np.random.SeedSequence(20261122).spawn(2 * replications)]
    return children[:replications], children[replications:]


def test_independent_replications_are_statistically_indistinguishable():
    """Welch's t-test per KPI at a 1% family-wise false-alarm rate (Bonferroni over the four KPIs): a check that
    stays quiet on noise and fails on a real difference (the strong check is the identical-draws test above)."""
    ours, theirs = streams()
    fast = [run_fast(draw(rng, 7.0, 24 * 42), Staffing()) for rng in ours]
    slow = [run_simpy(draw(rng, 7.0, 24 * 42), Staffing()) for rng in theirs]
    kpis = ("mean_111_wait", "mean_assessment_wait", "clock_compliance", "mean_home_wait")
    for kpi in kpis:
        result = stats.ttest_ind([r[kpi] for r in fast], [r[kpi] for r in slow], equal_var=False)
        assert result.pvalue > 0.01 / len(kpis), (kpi, result)


def test_the_statistical_check_sees_a_real_difference():
    ours, theirs = streams()
    fast = [run_fast(draw(rng, 7.0, 24 * 42), Staffing()) for rng in ours]
    fewer = [run_simpy(draw(rng, 7.0, 24 * 42), Staffing(clinicians=3)) for rng in theirs]
    result = stats.ttest_ind(
        [r["mean_assessment_wait"] for r in fast], [r["mean_assessment_wait"] for r in fewer], equal_var=False
    )
    assert result.pvalue < 0.01 / 4
