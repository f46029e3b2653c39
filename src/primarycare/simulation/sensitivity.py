"""How much each assumption moves the answers (``primarycare simulate sensitivity``).

- **One at a time**: every assumption (a numeric parameter with ``verified = false``, levers aside: see
  ``Defaults.assumptions``) set to the low and the high end of its range, everything else as in the scenario; each
  variant runs with the scenario's seed and replications, so the change from the scenario is a paired difference
  (common random numbers). A tornado per headline KPI ranks the assumptions by their swing.
- **Global**: a Latin hypercube over all the assumptions at once (scipy.stats.qmc), a run per sample; each
  assumption's standardised regression coefficient on each KPI (the KPI's change in standard deviations for one
  standard deviation of the assumption, the others held fixed) and Spearman's rank correlation, so interactions
  and joint uncertainty are seen, not only one-at-a-time swings.
A share in a group that must add up to 1 is varied with the rest of its group rescaled in proportion."""

from dataclasses import dataclass

import numpy as np
import polars as pl

from primarycare.simulation.api import Model, run_scenarios
from primarycare.simulation.parameters import Scenario, load_defaults, varied

KPIS = (
    "ae_attendances",
    "ae_four_hour_share",
    "ae_after_failed_practice_access_share",
    "ooh_clock_compliance",
    "cost_gbp",
)


def samples_for(assumptions: int) -> int:
    """The default size of the Latin hypercube: 4 samples per assumption (the regression needs more than one)."""
    return 4 * assumptions


@dataclass(frozen=True)
class Sensitivity:
    scenario: str
    base: dict[str, float]  # each KPI's mean in the scenario
    tornado: pl.DataFrame  # kpi, parameter, low, high, at_low, at_high, swing (|at_high - at_low|), largest first
    samples: pl.DataFrame  # sample, one column per assumption, one per KPI
    influence: pl.DataFrame  # kpi, parameter, src, spearman, r_squared (of the KPI's regression)


def analyse(
    population,
    scenario: Scenario,
    *,
    replications: int = 3,
    samples: int | None = None,
    seed: int = 1,
    kpis: tuple[str, ...] = KPIS,
    warmup_weeks: int = 1,
    **runner,
) -> Sensitivity:
    ranges = load_defaults().assumptions()
    names = sorted(ranges)
    samples = samples or samples_for(len(names))
    variants = [scenario]
    for name in names:
        low, high = ranges[name]
        variants += [varied(scenario, {name: low}, f"{name}=low"), varied(scenario, {name: high}, f"{name}=high")]
    design = _latin_hypercube(ranges, names, samples, seed)
    variants += [varied(scenario, dict(zip(names, row, strict=True)), f"sample {i}") for i, row in enumerate(design)]
    models = [Model(population, s, warmup_weeks=warmup_weeks) for s in variants]
    results = run_scenarios(models, replications, seed, **runner)
    means = [{k: float(r.replications[k].mean()) for k in kpis} for r in results]
    base = means[0]
    rows = []
    for i, name in enumerate(names):
        at_low, at_high = means[1 + 2 * i], means[2 + 2 * i]
        for kpi in kpis:
            low, high = ranges[name]
            swing = abs(at_high[kpi] - at_low[kpi])
            rows.append((kpi, name, low, high, at_low[kpi], at_high[kpi], swing))
    tornado = pl.DataFrame(
        rows, schema=["kpi", "parameter", "low", "high", "at_low", "at_high", "swing"], orient="row"
    ).sort(["kpi", "swing"], descending=[False, True])
    sampled = means[1 + 2 * len(names) :]
    frame = pl.DataFrame({"sample": np.arange(samples), **{n: design[:, j] for j, n in enumerate(names)}})
    frame = frame.with_columns(pl.Series(k, [m[k] for m in sampled]) for k in kpis)
    return Sensitivity(scenario.name, base, tornado, frame, _influence(design, names, sampled, kpis))


def _latin_hypercube(ranges: dict, names: list[str], samples: int, seed: int) -> np.ndarray:
    from scipy.stats import qmc

    unit = qmc.LatinHypercube(d=len(names), seed=np.random.default_rng(seed)).random(samples)
    lows = np.array([ranges[n][0] for n in names])
    highs = np.array([ranges[n][1] for n in names])
    return qmc.scale(unit, lows, highs)


def _influence(design: np.ndarray, names: list[str], sampled: list[dict], kpis) -> pl.DataFrame:
    """Standardised regression coefficients (least squares on z-scores) and Spearman's rho per KPI."""
    from scipy.stats import spearmanr

    x = (design - design.mean(axis=0)) / design.std(axis=0)
    rows = []
    for kpi in kpis:
        y = np.array([m[kpi] for m in sampled])
        if y.std() == 0:
            rows += [(kpi, n, 0.0, 0.0, 0.0) for n in names]
            continue
        z = (y - y.mean()) / y.std()
        coefficients, *_ = np.linalg.lstsq(x, z, rcond=None)
        fitted = x @ coefficients
        r_squared = 1 - ((z - fitted) ** 2).sum() / (z**2).sum()
        for j, name in enumerate(names):
            rho = spearmanr(design[:, j], y).statistic
            rows.append((kpi, name, float(coefficients[j]), float(np.nan_to_num(rho)), float(r_squared)))
    schema = ["kpi", "parameter", "src", "spearman", "r_squared"]
    return pl.DataFrame(rows, schema=schema, orient="row").sort(["kpi", pl.col("src").abs()], descending=[False, True])
