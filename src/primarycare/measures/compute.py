"""The fast engine: every measure for every practice, network and commissioner and every year at once, on dense
arrays indexed [measure, year, organisation] (practice codes, years and quantity keys turned into integers once).

A value is Σ numerator ÷ Σ denominator × the measure's scale (practices' sums for a network or a commissioner); its
percentile is its percent rank among the same kind of organisation that year (100 × (rank − 1) ÷ (n − 1), ties
sharing the lowest rank, as OpenPrescribing does); the deciles are the 10th to 90th percentiles of the values,
linearly interpolated; the money at stake is each value's shortfall against its kind's median in the measure's bad
direction, in numerator units (the median organisation's rate applied to this one's denominator), and in pounds where
the measure has a money rule: 'gbp' (the numerator is pounds) or 'qof_points' (points times the practice's own £ per
achieved point from the payments module). Change detection runs on the same arrays (change.flagged)."""

from dataclasses import dataclass

import numpy as np
import polars as pl

from primarycare.measures.change import CHANGE_SCHEMA, ChangeRule, flagged
from primarycare.measures.definition import Measure
from primarycare.measures.quantities import QUANTITIES, key

KINDS = ("practice", "network", "commissioner")
DECILES = tuple(range(10, 100, 10))
VALUE_COLUMNS = {
    "measure": pl.String,
    "year": pl.String,
    "kind": pl.String,
    "code": pl.String,
    "numerator": pl.Float64,
    "denominator": pl.Float64,
    "value": pl.Float64,
    "percentile": pl.Float64,
    "money_gbp": pl.Float64,
}
DECILE_COLUMNS = {
    "measure": pl.String,
    "year": pl.String,
    "kind": pl.String,
    "percentile": pl.Int64,
    "value": pl.Float64,
}


def measure_keys(measures: tuple[Measure, ...]) -> pl.DataFrame:
    """measure, numerator key, denominator key, scale, years (null: all)."""
    rows = []
    for m in measures:
        denominator_filter = m.filter if set(m.filter) <= QUANTITIES[m.denominator].filters else {}
        rows.append((m.id, key(m.numerator, m.filter), key(m.denominator, denominator_filter), m.scale, m.years))
    schema = {"measure": pl.String, "num_key": pl.String, "den_key": pl.String, "scale": pl.Float64}
    return pl.DataFrame(rows, schema={**schema, "years": pl.List(pl.String)}, orient="row")


@dataclass(frozen=True)
class Evaluation:
    values: pl.DataFrame  # VALUE_COLUMNS, one row per measure, year and organisation with a numerator and denominator
    lines: pl.DataFrame  # DECILE_COLUMNS: the lines OpenPrescribing draws
    changes: pl.DataFrame  # change.CHANGE_SCHEMA


class _Codes:
    """Strings turned into 0, 1, 2 … in order of first appearance; the same object codes several columns alike. (A
    polars Categories keeps its strings only while a column of its type lives, so the coded columns are kept.)"""

    def __init__(self) -> None:
        self.categories = pl.Categories.random()
        self.columns: list[pl.Series] = []

    def __call__(self, column: pl.Series) -> np.ndarray:
        self.columns.append(column.cast(pl.Categorical(self.categories)))
        return self.columns[-1].to_physical().cast(pl.Int64).fill_null(-1).to_numpy()

    def names(self) -> pl.Series:
        return self.categories.to_series()


def _ranks(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per row (NaN: no value): (sorted values with NaN last, how many values, each value's lowest rank from 0)."""
    order = np.argsort(values, axis=1)
    ordered = np.take_along_axis(values, order, axis=1)
    count = (~np.isnan(values)).sum(axis=1)
    new = np.ones(ordered.shape, dtype=bool)
    new[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    first = np.maximum.accumulate(np.where(new, np.arange(ordered.shape[1]), 0), axis=1)
    ranks = np.empty_like(first)
    np.put_along_axis(ranks, order, first, axis=1)
    return ordered, count, ranks


def _quantile(ordered: np.ndarray, count: np.ndarray, q) -> np.ndarray:
    """The q-quantile of each row's values, linearly interpolated (NaN for a row without values)."""
    if not ordered.shape[1]:
        return np.full(len(count), np.nan)
    position = q * np.maximum(count - 1, 0)
    low = np.floor(position).astype(np.int64)
    high = np.minimum(low + 1, np.maximum(count - 1, 0))
    below = np.take_along_axis(ordered, low[:, None], axis=1)[:, 0]
    above = np.take_along_axis(ordered, high[:, None], axis=1)[:, 0]
    return np.where(count > 0, below + (above - below) * (position - low), np.nan)


@dataclass(frozen=True)
class _Grid:
    """The practices' numerators and denominators as arrays [measure, year, practice] (NaN where a practice lacks
    either), with what the organisations and the money need."""

    years: list[str]
    codes: pl.Series  # practice codes, by position
    numerator: np.ndarray
    denominator: np.ndarray
    member: dict[str, tuple[np.ndarray, np.ndarray, pl.Series]]  # kind -> (year, practice, group code) of each row
    price: np.ndarray  # £ per QOF point [year, practice]


def _grid(quantities, measures, practices, gbp_per_point) -> _Grid:
    practice_codes, year_codes, quantity_codes = _Codes(), _Codes(), _Codes()
    p, y, q = (
        practice_codes(quantities["practice_code"]),
        year_codes(quantities["year"]),
        quantity_codes(quantities["quantity"]),
    )
    member_practice, member_year = practice_codes(practices["practice_code"]), year_codes(practices["year"])
    priced = gbp_per_point is not None and gbp_per_point.height
    if priced:
        price_practice, price_year = practice_codes(gbp_per_point["practice_code"]), year_codes(gbp_per_point["year"])
    seen = year_codes.names().to_list()
    held = np.bincount(y, minlength=len(seen)) > 0  # the years of the quantities, in order
    years = sorted(year for year, here in zip(seen, held, strict=True) if here)
    position = np.array([years.index(year) if here else -1 for year, here in zip(seen, held, strict=True)] + [-1])
    shape = (len(years), practice_codes.names().len())
    quantity_index = {name: i for i, name in enumerate(quantity_codes.names().to_list())}
    table = np.full((len(quantity_index), *shape), np.nan)
    table[q, position[y], p] = quantities["value"].to_numpy()
    numerator, denominator = np.full((len(measures), *shape), np.nan), np.full((len(measures), *shape), np.nan)
    for i, k in enumerate(measure_keys(measures).rows(named=True)):
        n, d = quantity_index.get(k["num_key"]), quantity_index.get(k["den_key"])
        applies = np.array([k["years"] is None or year in k["years"] for year in years], dtype=bool)[:, None]
        if n is not None and d is not None:
            both = ~np.isnan(table[n]) & ~np.isnan(table[d]) & applies
            numerator[i], denominator[i] = np.where(both, table[n], np.nan), np.where(both, table[d], np.nan)
    price = np.full(shape, np.nan)
    if priced:
        at = position[price_year]
        known = (at >= 0) & (price_practice >= 0)
        price[at[known], price_practice[known]] = gbp_per_point["gbp_per_point"].to_numpy()[known]
    at = np.where(member_practice >= 0, position[member_year], -1)
    member = {kind: (at, member_practice, practices[f"{kind}_code"]) for kind in KINDS[1:]}
    return _Grid(years, practice_codes.names(), numerator, denominator, member, price)


def _sums(grid: _Grid, kind: str):
    """(codes, Σ numerators, Σ denominators, present) for networks or commissioners: the practices' sums by the
    group each belonged to that year (a group is present where a member has both)."""
    year, practice, group_codes = grid.member[kind]
    codes = _Codes()
    group = np.full(grid.numerator.shape[1:], -1)
    found = year >= 0
    group[year[found], practice[found]] = codes(group_codes)[found]
    measures, years, groups = grid.numerator.shape[0], len(grid.years), codes.names().len()
    size = measures * years * groups
    at = (np.arange(measures)[:, None, None] * years + np.arange(years)[None, :, None]) * groups + group[None]
    present = ~np.isnan(grid.denominator)
    at = np.where(present & (group >= 0)[None], at, size).ravel()  # the last bin takes what belongs to no group
    sums = [
        np.bincount(at, np.nan_to_num(part).ravel(), size + 1)[:size] for part in (grid.numerator, grid.denominator)
    ]
    return (
        codes.names(),
        *(part.reshape(measures, years, groups) for part in sums),
        (np.bincount(at, minlength=size + 1)[:size] > 0).reshape(measures, years, groups),
    )


def evaluate(
    quantities: pl.DataFrame,
    measures: tuple[Measure, ...],
    practices: pl.DataFrame,
    gbp_per_point: pl.DataFrame | None = None,
    rule: ChangeRule | None = None,
) -> Evaluation:
    """Every value with its percentile and money at stake, the deciles, and the changes. quantities: practice_code,
    year, quantity, value; practices: year, practice_code, network_code, commissioner_code; gbp_per_point:
    practice_code, year, gbp_per_point."""
    if quantities.is_empty() or not measures:
        return Evaluation(
            pl.DataFrame(schema=VALUE_COLUMNS), pl.DataFrame(schema=DECILE_COLUMNS), pl.DataFrame(schema=CHANGE_SCHEMA)
        )
    grid = _grid(quantities, measures, practices, gbp_per_point)
    kinds = {"practice": (grid.codes, grid.numerator, grid.denominator, ~np.isnan(grid.denominator))}
    kinds |= {kind: _sums(grid, kind) for kind in KINDS[1:]}
    names, year_names = pl.Series([m.id for m in measures], dtype=pl.String), pl.Series(grid.years, dtype=pl.String)
    scale = np.array([m.scale for m in measures])[:, None, None]
    low_is_good = np.array([m.low_is_good for m in measures], dtype=bool)
    values, lines, percentiles = [], [], []
    for kind, (codes, num, den, present) in kinds.items():
        with np.errstate(invalid="ignore", divide="ignore"):
            value = np.where(present & (den > 0), num / den * scale, np.nan)
        flat = value.reshape(value.shape[0] * value.shape[1], value.shape[2])
        ordered, count, ranks = _ranks(flat)
        with np.errstate(invalid="ignore", divide="ignore"):
            percentile = np.where(count[:, None] > 1, ranks / (count[:, None] - 1) * 100, 0.0)
        percentile = np.where(np.isnan(flat), np.nan, percentile).reshape(value.shape)
        median = _quantile(ordered, count, 0.5).reshape(value.shape[:2])[:, :, None]
        shortfall = np.where(low_is_good[:, None, None], value - median, median - value)
        gap = np.where(np.isnan(value), 0.0, np.clip(shortfall, 0, None) * den / scale)
        money = np.full(value.shape, np.nan)
        for i, measure in enumerate(measures):
            if measure.money == "gbp":
                money[i] = gap[i]
            elif measure.money == "qof_points" and kind == "practice":
                money[i] = gap[i] * grid.price
        m, t, o = np.nonzero(present)
        columns = {
            "measure": names.gather(m),
            "year": year_names.gather(t),
            "kind": pl.repeat(kind, len(m), eager=True),
        }
        columns["code"] = codes.gather(o)
        for name, array in (("numerator", num), ("denominator", den), ("value", value), ("percentile", percentile)):
            columns[name] = pl.Series(array[m, t, o], nan_to_null=True)
        values.append(pl.DataFrame(columns | {"money_gbp": pl.Series(money[m, t, o], nan_to_null=True)}))
        rows = np.repeat(np.nonzero(count)[0], len(DECILES))
        deciles = np.tile(np.array(DECILES), len(rows) // len(DECILES))
        line = {"measure": names.gather(rows // len(grid.years)), "year": year_names.gather(rows % len(grid.years))}
        line |= {"kind": pl.repeat(kind, len(rows), eager=True), "percentile": deciles}
        lines.append(pl.DataFrame(line | {"value": _quantile(ordered[rows], count[rows], deciles / 100)}))
        percentiles.append((codes, percentile))
    return Evaluation(
        pl.concat(values).cast(VALUE_COLUMNS),
        pl.concat(lines).cast(DECILE_COLUMNS).sort("measure", "kind", "year", "percentile"),
        _changes(percentiles, names, low_is_good, grid.years, rule or ChangeRule()),
    )


def _changes(percentiles, names: pl.Series, low_is_good: np.ndarray, years: list[str], rule: ChangeRule):
    """change.flagged on the percentiles: a row per (kind, measure, organisation) in that order, a column per year."""
    rows = [percentile.transpose(0, 2, 1).reshape(-1, len(years)) for _, percentile in percentiles]
    sizes = [percentile.shape[2] for _, percentile in percentiles]
    measure = np.concatenate([np.repeat(np.arange(names.len()), size) for size in sizes])
    kind = np.concatenate([np.full(names.len() * size, i) for i, size in enumerate(sizes)])
    organisation = np.concatenate([np.tile(np.arange(size), names.len()) for size in sizes])

    def labels(found: np.ndarray) -> pl.DataFrame:  # found is in row order, so grouped by kind as the codes are
        each = [named.gather(organisation[found][kind[found] == i]) for i, (named, _) in enumerate(percentiles)]
        return pl.DataFrame(
            {
                "measure": names.gather(measure[found]),
                "kind": pl.Series(np.array(KINDS, dtype=object)[kind[found]], dtype=pl.String),
                "code": pl.concat(each),
            }
        )

    return flagged(np.concatenate(rows), measure * len(KINDS) + kind, low_is_good[measure], labels, years, rule)
