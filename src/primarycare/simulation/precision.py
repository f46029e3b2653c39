"""Replications chosen by a target precision (the confidence-interval method; Hoad, Robinson and Davies 2010): run
a few, then keep adding until every headline KPI's 95% half-width is within ``precision`` x |mean|. Each round asks
for the replications the classic estimate says are needed, n x (half-width / target)^2, at most doubling. Added
replications continue the numbering, so a run to precision is the fixed-count run of the same length."""

import math
from dataclasses import replace

import polars as pl

from primarycare.simulation.api import Model, Results, run_scenarios

HEADLINE = ("ae_attendances", "ae_after_failed_practice_access_share", "ooh_clock_compliance", "cost_gbp")


def relative_half_widths(results: Results, kpis=HEADLINE) -> dict[str, float]:
    summary = results.summary()
    return {k: summary[k]["half_width"] / abs(summary[k]["mean"]) if summary[k]["mean"] else 0.0 for k in kpis}


def run_to_precision(
    model: Model, precision: float, seed: int, *, minimum: int = 5, maximum: int = 200, kpis=HEADLINE, **runner
) -> Results:
    if not 0 < precision < 1:
        raise ValueError("--precision is a share of the mean between 0 and 1, e.g. 0.05")
    if not 2 <= minimum <= maximum:
        raise ValueError("at least two replications to start with, and no more than the maximum")
    results = model.run(minimum, seed, **runner)
    while results.replications.height < maximum:
        worst = max(relative_half_widths(results, kpis).values())
        if worst <= precision:
            break
        n = results.replications.height
        needed = min(math.ceil(n * (worst / precision) ** 2), 2 * n, maximum)
        more = run_scenarios([model], needed - n, seed, first=n, **runner)[0]
        results = _joined(results, more)
    return results


def _joined(first: Results, second: Results) -> Results:
    return replace(
        first,
        replications=pl.concat([first.replications, second.replications]),
        ae_by_hour=pl.concat([first.ae_by_hour, second.ae_by_hour]),
        practices=pl.concat([first.practices, second.practices]),
        months=pl.concat([first.months, second.months]),
        queues=pl.concat([first.queues, second.queues]),
        days=pl.concat([first.days, second.days]),
        events=first.events + second.events,
        seconds=first.seconds + second.seconds,
    )
