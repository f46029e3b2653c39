"""Whole-pathway benchmark: one commissioner's year (patients by practice, the appointment and routine books, NHS 111
with repeat callers, the OOH service and A&E) in the fast model and in its SimPy reference
(simulation/pathway_reference.py), same run, independent random numbers. Goal (issue: simulation from mechanisms):
>= 20x SimPy with the KPIs within each other's confidence intervals.

Each KPI's difference is shown with two intervals (Welch's, for two means of unequal variance): its own 95% one,
and the simultaneous one that holds the 15 at 95% together (Bonferroni: 1 - 0.05/15 each). The verdict is the
simultaneous one: 15 intervals at 95% each leave a difference out by chance in about half of all runs of two
identical models (measured: the fast model against itself on other seeds, 3 replications each, 40 pairs: 18 runs
with a KPI outside its 95% interval, none outside the simultaneous ones).
Usage: python benchmarks/simulation_pathway.py [--replications 3] [--patients 530000]
"""

import argparse
import time

import numpy as np
import polars as pl

from primarycare.simulation.api import Model
from primarycare.simulation.calendar import WEEKS, year_calendar
from primarycare.simulation.parameters import scenario_from
from primarycare.simulation.pathway_reference import Reference
from primarycare.simulation.population import synthetic_population
from primarycare.simulation.stats import difference_ci, mean_ci

FAMILY_WISE = 0.95


def commissioner(patients: int) -> pl.DataFrame:
    """The synthetic commissioner whose list is nearest ``patients``, its practices all opted out of OOH."""
    everyone = synthetic_population(650, seed=1)
    sizes = everyone.group_by("commissioner_code").agg(pl.col("patients").sum())
    code = sizes.sort((pl.col("patients") - patients).abs())["commissioner_code"][0]
    return everyone.filter(pl.col("commissioner_code") == code).with_columns(pl.lit(True).alias("ooh_opted_out"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--replications", type=int, default=3)
    parser.add_argument("--patients", type=int, default=530_000, help="about England's mean per commissioner")
    args = parser.parse_args()
    population = commissioner(args.patients)
    model = Model(population, scenario_from("baseline"), warmup_weeks=1)
    model.run(1, 99)  # compile outside the timing
    start = time.perf_counter()
    fast = model.run(args.replications, 1)
    fast_seconds = time.perf_counter() - start
    by_replication = fast.practices.group_by("replication").agg(pl.col("failed_access", "same_day_needs").sum())
    by_replication = by_replication.sort("replication")
    fast_rows = fast.replications.with_columns(
        (by_replication["failed_access"] / by_replication["same_day_needs"]).alias("failed_access_share")
    )
    year, scale = year_calendar("2023-24", WEEKS + 1, 1), model.scales()
    start = time.perf_counter()
    reference = [
        Reference(model.scenario, model.defaults, year, model.parts[0], scale, 1, seed=10_000 + r).run()
        for r in range(args.replications)
    ]
    simpy_seconds = time.perf_counter() - start
    practices = population["practice_code"].n_unique()
    print(f"one commissioner: {population['patients'].sum():,} patients, {practices} practices, a year each")
    each_95 = jointly = 0
    simultaneous = 1 - (1 - FAMILY_WISE) / len(reference[0])
    for kpi in reference[0]:
        ours, theirs = fast_rows[kpi].to_numpy(), np.array([r[kpi] for r in reference])
        a, b = mean_ci(ours), mean_ci(theirs)
        difference, own = difference_ci(theirs, ours, paired=False)
        joint = difference_ci(theirs, ours, paired=False, confidence=simultaneous)[1]
        each_95 += abs(difference) <= own
        jointly += abs(difference) <= joint
        print(
            f"{kpi:32s} primarycare {a[0]:12.4f} ± {a[1]:10.4f}   SimPy {b[0]:12.4f} ± {b[1]:10.4f}   "
            f"difference {difference:+.4g} ± {own:.4g} (95%), ± {joint:.4g} (simultaneous): "
            f"{'agree' if abs(difference) <= joint else 'DIFFER'}"
        )
    ratio = simpy_seconds / fast_seconds
    print(f"time for {args.replications} replications: primarycare {fast_seconds:.2f} s, SimPy {simpy_seconds:.2f} s")
    kpis = len(reference[0])
    print(f"KPIs whose difference is within its own 95% interval: {each_95} of {kpis}")
    print(f"every KPI agreeing within the simultaneous 95% intervals: {jointly == kpis} ({jointly} of {kpis})")
    print(f"RESULT pathway_s={fast_seconds:.3f} baseline={simpy_seconds:.3f} ratio={ratio:.1f}")


if __name__ == "__main__":
    main()
