"""Change detection on percentiles: which practices have worsened or improved significantly, by a two-sided tabular
CUSUM whose parameters (and their source) are in data/change.toml."""

import math
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import polars as pl

from primarycare.measures.definition import MeasureError


@dataclass(frozen=True)
class ChangeRule:
    reference_periods: int = 2
    k: float = 0.5
    h: float = 4.0
    minimum_sigma: float = 2.0
    source: str = ""
    verified: bool = False


def load_rule(path: Path | None = None) -> ChangeRule:
    text = (
        Path(path).read_text(encoding="utf-8")
        if path
        else resources.files("primarycare.measures").joinpath("data", "change.toml").read_text(encoding="utf-8")
    )
    raw = tomllib.loads(text)
    try:
        return ChangeRule(
            int(raw["reference_periods"]), float(raw["k"]), float(raw["h"]), float(raw["minimum_sigma"]),
            str(raw.get("source", "")), bool(raw.get("verified", False)),
        )  # fmt: skip
    except (KeyError, ValueError) as error:
        raise MeasureError(
            f"{path or 'change.toml'}: field {error}: needs reference_periods, k, h, minimum_sigma"
        ) from None


@dataclass(frozen=True)
class Change:
    direction: str  # "down" or "up": where the percentile went
    period: int  # index of the period in which the CUSUM passed h·sigma
    size: float  # last percentile less the reference level


def cusum(series: list[float], sigma: float, rule: ChangeRule) -> Change | None:
    """One series (oldest first, no gaps): the first alarm, if any, by the tabular CUSUM."""
    if len(series) <= rule.reference_periods:
        return None
    level = sum(series[: rule.reference_periods]) / rule.reference_periods
    k, h = rule.k * sigma, rule.h * sigma
    high = low = 0.0
    for index in range(rule.reference_periods, len(series)):
        high = max(0.0, high + series[index] - level - k)
        low = max(0.0, low + level - series[index] - k)
        if high > h or low > h:
            return Change("up" if high > h else "down", index, series[-1] - level)
    return None


def pooled_sigma(matrix: np.ndarray, rule: ChangeRule) -> float:
    """matrix: practices × periods of percentiles (NaN where missing)."""
    steps = np.diff(matrix, axis=1)
    steps = steps[~np.isnan(steps)]
    sigma = float(np.std(steps, ddof=1) / math.sqrt(2)) if steps.size > 1 else 0.0
    return max(sigma, rule.minimum_sigma)


def changes(values: pl.DataFrame, low_is_good: dict[str, bool], rule: ChangeRule) -> pl.DataFrame:
    """Per measure and organisation: measure, kind, code, change (worsening / improving), year (when flagged),
    size (percentile points, signed). Only complete recent series count: the years each measure has, in order."""
    found = []
    for (measure, kind), part in values.filter(pl.col("percentile").is_not_null()).group_by("measure", "kind"):
        years = sorted(part["year"].unique().to_list())
        wide = part.pivot(on="year", index="code", values="percentile").select("code", *years)
        matrix = wide.select(years).to_numpy().astype(float)
        sigma = pooled_sigma(matrix, rule)
        for code, row in zip(wide["code"].to_list(), matrix, strict=True):
            series = row[~np.isnan(row)].tolist() if not np.isnan(row[-1]) else []
            found_change = cusum(series, sigma, rule)
            if found_change is None:
                continue
            worse = (found_change.direction == "down") != low_is_good.get(measure, False)
            offset = len(years) - len(series)
            year = years[offset + found_change.period]
            found.append((measure, kind, code, "worsening" if worse else "improving", year, found_change.size))
    schema = {
        "measure": pl.String,
        "kind": pl.String,
        "code": pl.String,
        "change": pl.String,
        "year": pl.String,
        "size": pl.Float64,
    }
    return pl.DataFrame(found, schema=schema, orient="row")
