"""Whole-pathway benchmark: one commissioner's year (patients by practice, the appointment and routine books, NHS 111
with repeat callers, the OOH service and A&E) in the fast model and in its SimPy reference
(simulation/pathway_reference.py), same run, independent random numbers. Goal (issue: simulation from mechanisms):
>= 20x SimPy with the KPIs within each other's confidence intervals.
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
from primarycare.simulation.stats import mean_ci


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
    agree_all = True
    for kpi in reference[0]:
        a, b = mean_ci(fast_rows[kpi].to_numpy()), mean_ci(np.array([r[kpi] for r in reference]))
        agree = abs(a[0] - b[0]) <= np.hypot(a[1], b[1])
        agree_all &= bool(agree)
        print(f"{kpi:32s} primarycare {a[0]:12.4f} ± {a[1]:10.4f}   SimPy {b[0]:12.4f} ± {b[1]:10.4f}   agree: {agree}")
    ratio = simpy_seconds / fast_seconds
    print(f"time for {args.replications} replications: primarycare {fast_seconds:.2f} s, SimPy {simpy_seconds:.2f} s")
    print(f"every KPI within the other's interval: {agree_all}")
    print(f"RESULT pathway_s={fast_seconds:.3f} baseline={simpy_seconds:.3f} ratio={ratio:.1f}")


if __name__ == "__main__":
    main()
