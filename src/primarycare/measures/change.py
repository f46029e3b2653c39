"""Change detection on percentiles: which practices have worsened or improved significantly, by a two-sided tabular
CUSUM whose parameters (and their source) are in data/change.toml."""

import math
import tomllib
from collections.abc import Callable
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


_FIELDS = (  # each field of the rule: what a value must be
    ("reference_periods", lambda v: v >= 1 and v == int(v), "a whole number of periods, 1 or more"),
    ("k", lambda v: v >= 0, "a number of zero or more"),
    ("h", lambda v: v > 0, "a number of more than zero"),
    ("minimum_sigma", lambda v: v > 0, "a number of more than zero"),
)


def load_rule(path: Path | None = None) -> ChangeRule:
    """The CUSUM's parameters: the packaged data/change.toml, or the user's own file of the same layout."""
    name = Path(path).name if path else "change.toml"
    try:
        text = (
            Path(path).read_text(encoding="utf-8")
            if path
            else resources.files("primarycare.measures").joinpath("data", "change.toml").read_text(encoding="utf-8")
        )
        raw = tomllib.loads(text)
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise MeasureError(f"{name}: not valid TOML: {error}") from None
    missing = [key for key, _, _ in _FIELDS if key not in raw]
    if missing:
        raise MeasureError(f"{name}: field {missing[0]!r}: needs reference_periods, k, h, minimum_sigma")
    for key, fits, what in _FIELDS:
        value = raw[key]
        number = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
        if not (number and fits(value)):
            raise MeasureError(f"{name}: {key}: must be {what}, not {value!r}")
    return ChangeRule(
        int(raw["reference_periods"]), float(raw["k"]), float(raw["h"]), float(raw["minimum_sigma"]),
        str(raw.get("source", "")), bool(raw.get("verified", False)),
    )  # fmt: skip


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


CHANGE_SCHEMA = {
    "measure": pl.String,
    "kind": pl.String,
    "code": pl.String,
    "change": pl.String,
    "year": pl.String,
    "size": pl.Float64,
}


def changes(values: pl.DataFrame, low_is_good: dict[str, bool], rule: ChangeRule) -> pl.DataFrame:
    """Per measure and organisation: measure, kind, code, change (worsening / improving), year (when flagged),
    size (percentile points, signed). Each organisation's series is its percentiles in year order, for those with
    one in the measure's latest year."""
    frame = values.filter(pl.col("percentile").is_not_null())
    if frame.is_empty():
        return pl.DataFrame(schema=CHANGE_SCHEMA)
    years = sorted(frame["year"].unique().to_list())
    wide = frame.pivot(on="year", index=["measure", "kind", "code"], values="percentile")
    series = wide.select(pl.struct("measure", "kind").rank("dense").cast(pl.Int64) - 1).to_series().to_numpy()
    low = np.array([low_is_good.get(m, False) for m in wide["measure"]], dtype=bool)
    labels = wide.select("measure", "kind", "code")
    return flagged(wide.select(years).to_numpy().astype(float), series, low, lambda rows: labels[rows], years, rule)


def flagged(
    matrix: np.ndarray,
    series: np.ndarray,
    low_is_good: np.ndarray,
    labels: Callable[[np.ndarray], pl.DataFrame],
    years: list[str],
    rule: ChangeRule,
) -> pl.DataFrame:
    """changes() on a matrix of percentiles (a row per organisation and measure, a column per year in order, NaN where
    none): series numbers each row's (measure, kind), low_is_good is per row, labels(rows) gives those rows' measure,
    kind and code. Vectorised over every organisation at once: the same recursion as cusum(), one pass over the
    years (few) instead of one call per organisation (thousands)."""
    present = ~np.isnan(matrix)
    groups = int(series.max()) + 1 if series.size else 0
    columns = np.arange(len(years))
    row_last = np.where(present, columns, -1).max(axis=1, initial=-1)
    group_last = np.full(groups, -1)
    for j in columns:  # the latest year in which each (measure, kind) has a percentile
        group_last[np.bincount(series[present[:, j]], minlength=groups) > 0] = j
    keep = (row_last == group_last[series])[:, None]
    sigma = _pooled_sigma(matrix, present & keep, series, groups, rule)[series]
    alarm, went_up, level = _cusum_all(matrix, present & keep, sigma, rule)
    found = np.nonzero(alarm >= 0)[0]
    latest = matrix[found, row_last[found]]
    worse = ~went_up[found] != low_is_good[found]
    return (
        labels(found)
        .with_columns(
            pl.Series("change", np.where(worse, "worsening", "improving"), pl.String),
            pl.Series("year", np.array(years, dtype=object)[alarm[found]], pl.String),
            pl.Series("size", latest - level[found], pl.Float64),
        )
        .select(*CHANGE_SCHEMA)
        .sort("measure", "kind", "code")
    )


def _pooled_sigma(matrix, present, series, groups: int, rule: ChangeRule) -> np.ndarray:
    """Per (measure, kind): the standard deviation of consecutive values' changes ÷ √2, at least minimum_sigma."""
    total, squares, count = np.zeros(groups), np.zeros(groups), np.zeros(groups)
    previous = np.full(matrix.shape[0], np.nan)
    for j in range(matrix.shape[1]):
        here = present[:, j]
        step = matrix[:, j] - previous
        ok = here & ~np.isnan(previous)
        total += np.bincount(series[ok], step[ok], groups)
        squares += np.bincount(series[ok], step[ok] ** 2, groups)
        count += np.bincount(series[ok], minlength=groups)
        previous = np.where(here, matrix[:, j], previous)
    with np.errstate(invalid="ignore", divide="ignore"):
        variance = (squares - total**2 / count) / (count - 1)
    sigma = np.sqrt(np.clip(np.nan_to_num(variance), 0, None)) / math.sqrt(2)
    return np.maximum(sigma, rule.minimum_sigma)


def _cusum_all(matrix, present, sigma, rule: ChangeRule):
    """cusum() for every row at once: (the column of the first alarm or -1, whether it went up, the level)."""
    rows = matrix.shape[0]
    seen, level_sum = np.zeros(rows), np.zeros(rows)
    high, low = np.zeros(rows), np.zeros(rows)
    alarm, went_up = np.full(rows, -1), np.zeros(rows, dtype=bool)
    k, h = rule.k * sigma, rule.h * sigma
    for j in range(matrix.shape[1]):
        here = present[:, j]
        x = np.where(here, matrix[:, j], 0.0)
        level_sum += np.where(here & (seen < rule.reference_periods), x, 0.0)
        level = level_sum / rule.reference_periods
        watch = here & (seen >= rule.reference_periods) & (alarm < 0)
        high = np.where(watch, np.maximum(0.0, high + x - level - k), high)
        low = np.where(watch, np.maximum(0.0, low + level - x - k), low)
        new = watch & ((high > h) | (low > h))
        alarm[new], went_up[new] = j, high[new] > h[new]
        seen += here
    return alarm, went_up, level_sum / rule.reference_periods
