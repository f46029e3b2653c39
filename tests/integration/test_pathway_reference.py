"""The fast model against its SimPy reference of the whole patient-level pathway (simulation/pathway_reference.py):
one commissioner's year, independent random numbers, and no KPI differing by Welch's t-test at a family-wise 5%
(Bonferroni over the 15 KPIs compared)."""

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
    assert len(reference[0]) == 15
    for kpi in reference[0]:
        ours, theirs = fast_rows[kpi].to_numpy(), np.array([r[kpi] for r in reference])
        assert ttest_ind(ours, theirs, equal_var=False).pvalue >= FAMILY_WISE / len(reference[0]), kpi
        assert theirs.mean() > 0, kpi


@pytest.mark.parametrize(
    ("overrides", "opted_out", "words"),
    [
        ({}, False, "opted out of OOH only"),
        ({"ooh_provider": "practices"}, True, "opted out of OOH only"),
        ({"ooh_provider": "local_coop"}, True, "night-rest rule only"),
        ({"network_hub": True}, True, "pooling, hubs or seven-day access only"),
    ],
)
def test_the_reference_refuses_what_it_does_not_cover(commissioner, overrides, opted_out, words):
    population = commissioner.with_columns(pl.lit(opted_out).alias("ooh_opted_out"))
    model = Model(population, scenario_from("baseline", overrides))
    with pytest.raises(ValueError, match=words):
        Reference(model.scenario, model.defaults, year_calendar("2023-24"), model.parts[0], model.scales(), 1, 1)
    coop = Model(commissioner, scenario_from("coop", {"ooh_provider": "local_coop", "night_rest_sessions": 0.0}))
    covered = Reference(coop.scenario, coop.defaults, year_calendar("2023-24"), coop.parts[0], coop.scales(), 1, 1)
    assert covered.v["ooh_provider"] == "local_coop"  # a co-operative without the rest rule is covered
