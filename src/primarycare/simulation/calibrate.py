"""Calibration (``primarycare simulate calibrate``): fit the free parameters to the published figures marked "fit" in
data/calibration.toml and report every target, fitted or only compared, beside the model's value.

The fit minimises the sum of squared relative errors of the "fit" targets over the free parameters within their
bounds (scipy.optimize.least_squares, trust-region reflective, with finite differences 2% of each parameter wide so
that whole counts move), each evaluation a run with the same seed and replications, so the objective changes only
with the parameters (common random numbers). "compare" targets are never used in the fit."""

import math
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources

import numpy as np
import polars as pl

from primarycare.simulation.api import Model, Results
from primarycare.simulation.parameters import Scenario, varied
from primarycare.simulation.population import band_matrix


def _per_1000(kpi: str):
    return lambda results, registered: float(results.replications[kpi].mean()) / registered * 1000


def _mean(kpi: str):
    """A KPI that is already the statistic (a share the model works out itself): its mean over replications."""
    return lambda results, _registered: float(results.replications[kpi].mean())


def _share(part: str, whole: str):
    def share(results, _registered):
        whole_total = float(results.replications[whole].mean())
        return float(results.replications[part].mean()) / whole_total if whole_total else 0.0

    return share


def _ae_hours(hours_of_week) -> Callable[[Results, float], float]:
    """The share of A&E arrivals of all types (type 1 and minor injury units) in the given hours of the week (0 =
    Monday 00:00-01:00), mean over replications."""
    chosen = np.zeros(168, dtype=bool)
    chosen[list(hours_of_week)] = True

    def share(results, _registered) -> float:
        by_hour = results.ae_mean_by_hour()
        arrivals = (by_hour["arrivals"] + by_hour["minor_unit_arrivals"]).to_numpy()
        return _ratio(arrivals[chosen[by_hour["hour_of_week"].to_numpy()]].sum(), arrivals.sum())

    return share


def _ae_monday_late_morning_ratio(results, registered) -> float:
    """Arrivals an hour on Mondays 10:00-12:00 against the week's mean hourly arrivals."""
    return _ae_hours((10, 11))(results, registered) / 2 * 168


# The survey asks those who needed care while the surgery was closed where they ended up: A&E by any route that
# begins with an out-of-hours need (straight there, or sent by 111, its ambulance or an out-of-hours GP).
OUT_OF_HOURS_TO_AE = ("straight_to_ae", "ambulance", "111_ae", "ooh_referral", "own_practice_ae")
GP_REFERRALS = ("practice_referral", "own_practice_ae", "ooh_referral")  # A&E routes a GP decided, in and out of hours

STATISTICS = {
    "ae_attendances_per_1000": _per_1000("ae_attendances"),
    "ooh_cases_per_1000": _per_1000("ooh_cases"),
    "calls_111_per_1000": _per_1000("calls_111"),
    "ae_all_types_per_1000": lambda results, registered: _all_types(results) / registered * 1000,
    "ae_ambulance_share": lambda results, _registered: _ratio(  # of all types, as published
        results.replications["ae_from_ambulance"].mean() + results.replications["ae_from_ambulance_999"].mean(),
        _all_types(results),
    ),
    "ooh_home_visit_share": _share("ooh_home_visits", "ooh_cases"),
    "home_visit_appointment_share": _mean("home_visit_appointment_share"),
    "failed_access_to_ae_share": _mean("failed_access_to_ae_share"),
    "ooh_calls_per_1000": lambda results, registered: _ratio(
        _ooh_needs(results) - results.replications["ae_from_straight_to_ae"].mean(), registered / 1000
    ),
    "appointments_per_1000_per_week": lambda results, registered: _ratio(
        results.replications["practice_appointments_used"].mean(), registered / 1000 * 52
    ),
    "ae_gp_referral_share": lambda results, _registered: _ratio(
        sum(results.replications[f"ae_from_{route}"].mean() for route in GP_REFERRALS),
        results.replications["ae_attendances"].mean(),
    ),
    "ae_working_hours_share": _ae_hours(h for h in range(168) if 9 <= h % 24 < 18),
    "ae_monday_share": _ae_hours(range(24)),
    "ae_monday_late_morning_ratio": _ae_monday_late_morning_ratio,
    "closed_surgery_to_ae_share": lambda results, _registered: _ratio(
        sum(results.replications[f"ae_from_{route}"].mean() for route in OUT_OF_HOURS_TO_AE), _ooh_needs(results)
    ),
}


def _all_types(results) -> float:
    """A&E attendances of all types a replication, the mean: type 1 and minor injury units."""
    return float(results.replications["ae_attendances"].mean() + results.replications["minor_unit_attendances"].mean())


def _ooh_needs(results) -> float:
    """Out-of-hours needs a replication, the mean (counted weeks)."""
    return float(results.practices.group_by("replication").agg(pl.col("ooh_needs").sum())["ooh_needs"].mean())


def _ratio(part: float, whole: float) -> float:
    return float(part) / float(whole) if whole else 0.0


@dataclass(frozen=True)
class Target:
    statistic: str
    use: str  # fit or compare
    value: float
    year: str
    source: str
    verified: bool


@dataclass(frozen=True)
class Calibration:
    free: dict[str, tuple[float, float]]
    targets: tuple[Target, ...]


@dataclass(frozen=True)
class Fitted:
    start: dict[str, float]
    fitted: dict[str, float]
    rows: list[dict]  # statistic, use, published, year, source, model_before, model_after, relative_error
    evaluations: int
    scenario: Scenario


def load_calibration(text: str | None = None) -> Calibration:
    if text is None:
        text = resources.files("primarycare.simulation").joinpath("data", "calibration.toml").read_text("utf-8")
    data = tomllib.loads(text)
    free = {f["name"]: (float(f["low"]), float(f["high"])) for f in data["free"]}
    targets = tuple(Target(**t) for t in data["targets"])
    unknown = [t.statistic for t in targets if t.statistic not in STATISTICS]
    if unknown or any(t.use not in ("fit", "compare") for t in targets):
        raise ValueError(f"calibration.toml: unknown statistic or use: {unknown or 'use must be fit or compare'}")
    return Calibration(free, targets)


def measure(results: Results, registered: float, targets) -> dict[str, float]:
    return {t.statistic: STATISTICS[t.statistic](results, registered) for t in targets}


def calibrate(population, scenario: Scenario, *, replications: int = 2, seed: int = 1, max_evaluations: int = 60,
              calibration: Calibration | None = None) -> Fitted:  # fmt: skip
    from scipy.optimize import least_squares

    calibration = calibration or load_calibration()
    names = list(calibration.free)
    fit = [t for t in calibration.targets if t.use == "fit"]
    registered = float(band_matrix(population)[1].sum())
    lows = np.array([calibration.free[n][0] for n in names])
    highs = np.array([calibration.free[n][1] for n in names])
    cache: dict[tuple, dict[str, float]] = {}

    def run(x: np.ndarray) -> dict[str, float]:
        key = tuple(np.round(np.clip(x, lows, highs), 9))
        if key not in cache:
            trial = varied(scenario, dict(zip(names, key, strict=True)), scenario.name)
            cache[key] = measure(Model(population, trial).run(replications, seed), registered, calibration.targets)
        return cache[key]

    def errors(x: np.ndarray) -> np.ndarray:
        found = run(x)
        return np.array([(found[t.statistic] - t.value) / t.value for t in fit])

    start = np.array([scenario[n] for n in names], dtype=float)
    inside = np.clip(start, lows + 1e-9 * (highs - lows), highs - 1e-9 * (highs - lows))
    best = least_squares(
        errors, inside, bounds=(lows, highs), diff_step=0.02, max_nfev=max_evaluations, xtol=1e-4, ftol=1e-6
    )
    fitted = dict(zip(names, (float(v) for v in np.clip(best.x, lows, highs)), strict=True))
    before, after = run(start), run(best.x)
    rows = [
        {
            "statistic": t.statistic,
            "use": t.use,
            "published": t.value,
            "year": t.year,
            "source": t.source,
            "verified": t.verified,
            "model_before": before[t.statistic],
            "model_after": after[t.statistic],
            "relative_error": (after[t.statistic] - t.value) / t.value if t.value else math.nan,
        }
        for t in calibration.targets
    ]
    label = f"{scenario.name}-calibrated"
    description = f"{scenario.description} Free parameters fitted by primarycare simulate calibrate."
    result = varied(scenario, fitted, label, description)
    return Fitted(dict(zip(names, start.tolist(), strict=True)), fitted, rows, len(cache), result)


def report_markdown(fitted: Fitted) -> str:
    lines = [
        "# Calibration report",
        "",
        f"Free parameters fitted ({fitted.evaluations} model runs, least squares on relative errors, same seed):",
        "",
        "| parameter | before | fitted |",
        "|---|---:|---:|",
        *(f"| {n} | {fitted.start[n]:.4g} | {v:.4g} |" for n, v in fitted.fitted.items()),
        "",
        "Targets: **fit** figures were used to fit the free parameters; **compare** figures were only compared",
        "and never used to adjust a parameter.",
        "",
        "| statistic | use | published | year | model before | model after | relative error | source |",
        "|---|---|---:|---|---:|---:|---:|---|",
    ]
    for r in fitted.rows:
        lines.append(
            f"| {r['statistic']} | {r['use']} | {r['published']:.4g} | {r['year']} | {r['model_before']:.4g} | "
            f"{r['model_after']:.4g} | {r['relative_error']:+.1%} | {r['source']} |"
        )
    return "\n".join(lines) + "\n"
