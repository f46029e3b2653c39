"""The fast model against its SimPy reference of the whole patient-level pathway (simulation/pathway_reference.py):
one commissioner's year, independent random numbers, and no KPI differing by Welch's t-test at a family-wise 5%
(Bonferroni over the 13 KPIs compared)."""

import numpy as np
import polars as pl
import pytest
from scipy.stats import ttest_ind

from primarycare.simulation.api import Model
from primarycare.simulation.calendar import WEEKS, year_calendar
from primarycare.simulation.parameters import scenario_from
from primarycare.simulation.pathway_reference import Reference
from primarycare.simulation.population import synthetic_population

REPLICATIONS = 8
FAMILY_WISE = 0.05


@pytest.fixture(scope="module")
def commissioner():
    everyone = synthetic_population(10, seed=1)
    biggest = everyone.group_by("commissioner_code").agg(pl.col("patients").sum()).sort("patients")[-1, 0]
    return everyone.filter(pl.col("commissioner_code") == biggest).with_columns(pl.lit(True).alias("ooh_opted_out"))


def test_the_fast_model_and_the_simpy_reference_agree(commissioner):
    model = Model(commissioner, scenario_from("baseline"), warmup_weeks=1)
    fast = model.run(REPLICATIONS, 1)
    totals = fast.practices.group_by("replication").agg(pl.col("failed_access", "same_day_needs").sum())
    totals = totals.sort("replication")
    fast_rows = fast.replications.with_columns(
        (totals["failed_access"] / totals["same_day_needs"]).alias("failed_access_share")
    )
    year = year_calendar("2023-24", WEEKS + 1, 1)
    reference = [
        Reference(model.scenario, model.defaults, year, model.parts[0], model.scales(), 1, seed=500 + r).run()
        for r in range(REPLICATIONS)
    ]
    assert len(reference[0]) == 13
    for kpi in reference[0]:
        ours, theirs = fast_rows[kpi].to_numpy(), np.array([r[kpi] for r in reference])
        assert ttest_ind(ours, theirs, equal_var=False).pvalue >= FAMILY_WISE / len(reference[0]), kpi
        assert theirs.mean() > 0, kpi


def test_the_reference_refuses_practices_that_kept_out_of_hours(commissioner):
    model = Model(commissioner.with_columns(pl.lit(False).alias("ooh_opted_out")), scenario_from("baseline"))
    with pytest.raises(ValueError, match="opted out of OOH only"):
        Reference(model.scenario, model.defaults, year_calendar("2023-24"), model.parts[0], model.scales(), 1, 1)
