"""The slow, obvious reference the fast engine is checked against: plain Python loops, one measure and one group at a
time, with the textbook formulas."""

from collections import defaultdict

from primarycare.measures.compute import DECILES
from primarycare.measures.definition import Measure
from primarycare.measures.quantities import QUANTITIES, key


def percent_rank(values: list[float], value: float) -> float:
    below = sum(1 for v in values if v < value)
    return 0.0 if len(values) < 2 else 100 * below / (len(values) - 1)


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def money(measure: Measure, kind: str, value, denominator: float, median: float, gbp_per_point) -> float | None:
    """The money at stake: the shortfall against the median in the bad direction, in numerator units, in pounds."""
    if value is None:
        gap = 0.0
    else:
        gap = max(0.0, value - median if measure.low_is_good else median - value) * denominator / measure.scale
    if measure.money == "gbp":
        return gap
    if measure.money == "qof_points" and kind == "practice" and gbp_per_point is not None:
        return gap * gbp_per_point
    return None


def reference(
    rows: list[dict], measures: tuple[Measure, ...], practices: list[dict], gbp_per_point: dict | None = None
) -> tuple[dict, dict]:
    """rows: practice_code, year, quantity, value. practices: year, practice_code, network_code, commissioner_code.
    gbp_per_point: {(practice_code, year): £}. Returns ({(measure, year, kind, code): (value, percentile, money)},
    {(measure, year, kind, decile): value})."""
    table = {(r["practice_code"], r["year"], r["quantity"]): r["value"] for r in rows}
    where = {(p["year"], p["practice_code"]): p for p in practices}
    values, lines = {}, {}
    for m in measures:
        denominator_filter = m.filter if set(m.filter) <= QUANTITIES[m.denominator].filters else {}
        num_key, den_key = key(m.numerator, m.filter), key(m.denominator, denominator_filter)
        sums = defaultdict(lambda: [0.0, 0.0])
        for (code, year, quantity), numerator in table.items():
            if quantity != num_key or (code, year, den_key) not in table or not m.applies_to(year):
                continue
            denominator = table[(code, year, den_key)]
            sums[(year, "practice", code)] = [numerator, denominator]
            for kind in ("network", "commissioner"):
                group = where.get((year, code), {}).get(f"{kind}_code")
                if group is not None:
                    sums[(year, kind, group)][0] += numerator
                    sums[(year, kind, group)][1] += denominator
        by_group = defaultdict(dict)
        for (year, kind, code), (numerator, denominator) in sums.items():
            by_group[(year, kind)][code] = numerator / denominator * m.scale if denominator > 0 else None
        for (year, kind), found in by_group.items():
            present = [v for v in found.values() if v is not None]
            median = quantile(present, 0.5) if present else None
            for code, value in found.items():
                percentile = None if value is None else percent_rank(present, value)
                price = (gbp_per_point or {}).get((code, year))
                at_stake = money(m, kind, value, sums[(year, kind, code)][1], median, price)
                values[(m.id, year, kind, code)] = (value, percentile, at_stake)
            for decile in DECILES if present else ():
                lines[(m.id, year, kind, decile)] = quantile(present, decile / 100)
    return values, lines
