"""The fast measures engine against the slow reference, deciles monotone, and percentiles independent of the order
in which practices were loaded."""

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from primarycare.measures.change import ChangeRule, changes, cusum
from primarycare.measures.compute import evaluate
from primarycare.measures.definition import Measure
from primarycare.measures.quantities import COLUMNS
from primarycare.measures.reference import reference

MEASURES = (
    Measure("all", "All", "d", "w", "s", "qof_achieved_points", "qof_maximum_points", False, None),
    Measure(
        "cl", "CL", "d", "w", "s", "qof_achieved_points", "qof_maximum_points", False, None, filter={"domain": "CL"}
    ),
    Measure("ooh", "OOH", "d", "w", "s", "ooh_cases", "list_patients", True, ("2023-24",), scale=1000.0, money="gbp"),
    Measure(
        "cl_money",
        "CL £",
        "d",
        "w",
        "s",
        "qof_achieved_points",
        "qof_maximum_points",
        False,
        None,
        filter={"domain": "CL"},
        money="qof_points",
    ),  # fmt: skip
)
YEARS = ("2022-23", "2023-24")


@st.composite
def economies(draw):
    n = draw(st.integers(min_value=1, max_value=14))
    codes = [f"A{i:05d}" for i in range(n)]
    rows, practices, prices = [], [], {}
    small = st.integers(min_value=0, max_value=40).map(float)
    for year in YEARS:
        for code in codes:
            practices.append(
                (year, code, draw(st.sampled_from(["N1", "N2", None])), draw(st.sampled_from(["C1", "C2"])))
            )
            if draw(st.booleans()):
                rows.append((code, year, "qof_achieved_points", draw(small)))
                rows.append((code, year, "qof_maximum_points", draw(st.integers(0, 40).map(float))))
                rows.append((code, year, "qof_achieved_points|domain=CL", draw(small)))
                rows.append((code, year, "qof_maximum_points|domain=CL", draw(st.integers(0, 40).map(float))))
            if draw(st.booleans()):
                rows.append((code, year, "ooh_cases", draw(small)))
            if draw(st.booleans()):
                rows.append((code, year, "list_patients", draw(st.integers(0, 5000).map(float))))
            if draw(st.booleans()):
                prices[(code, year)] = draw(st.integers(100, 250).map(float))
    return rows, practices, prices


def _frames(rows, practices):
    quantities = pl.DataFrame(rows, schema=COLUMNS, orient="row")
    schema = {name: pl.String for name in ("year", "practice_code", "network_code", "commissioner_code")}
    return quantities, pl.DataFrame(practices, schema=schema, orient="row")


@settings(max_examples=150, deadline=None)
@given(economies())
def test_fast_engine_agrees_with_the_reference(economy):
    rows, practices, prices = economy
    quantities, frame = _frames(rows, practices)
    per_point = pl.DataFrame(
        [(code, year, price) for (code, year), price in prices.items()],
        schema={"practice_code": pl.String, "year": pl.String, "gbp_per_point": pl.Float64},
        orient="row",
    )
    rule = ChangeRule(reference_periods=1, k=0.5, h=1.0, minimum_sigma=2.0)  # two years: alarms after the first
    done = evaluate(quantities, MEASURES, frame, per_point, rule)
    values, lines = done.values, done.lines
    expected_values, expected_lines = reference(
        [dict(zip(["practice_code", "year", "quantity", "value"], r, strict=True)) for r in rows],
        MEASURES,
        [dict(zip(["year", "practice_code", "network_code", "commissioner_code"], p, strict=True)) for p in practices],
        prices,
    )
    got = {
        (r["measure"], r["year"], r["kind"], r["code"]): (r["value"], r["percentile"], r["money_gbp"])
        for r in values.to_dicts()
    }
    assert got.keys() == expected_values.keys()
    for k, expected in expected_values.items():
        for found, wanted in zip(got[k], expected, strict=True):
            assert found == pytest.approx(wanted) if wanted is not None else found is None
    low_is_good = {m.id: m.low_is_good for m in MEASURES}
    assert done.changes.equals(changes(values, low_is_good, rule))  # the frame path, checked against cusum() below
    got_lines = {(r["measure"], r["year"], r["kind"], r["percentile"]): r["value"] for r in lines.to_dicts()}
    assert got_lines.keys() == expected_lines.keys()
    for k, value in expected_lines.items():
        assert got_lines[k] == pytest.approx(value)


@settings(max_examples=100, deadline=None)
@given(economies(), st.randoms(use_true_random=False))
def test_deciles_are_monotone_and_percentiles_do_not_depend_on_load_order(economy, random):
    rows, practices, _ = economy
    quantities, frame = _frames(rows, practices)
    done = evaluate(quantities, MEASURES, frame)
    values = done.values
    shuffled_rows, shuffled_practices = list(rows), list(practices)
    random.shuffle(shuffled_rows)
    random.shuffle(shuffled_practices)
    again = evaluate(
        _frames(shuffled_rows, shuffled_practices)[0], MEASURES, _frames(rows, shuffled_practices)[1]
    ).values
    assert again.sort("measure", "year", "kind", "code").equals(values.sort("measure", "year", "kind", "code"))
    for _, part in done.lines.group_by("measure", "year", "kind"):
        ordered = part.sort("percentile")["value"].to_list()
        assert ordered == sorted(ordered)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.lists(st.one_of(st.none(), st.floats(0, 100)), min_size=2, max_size=6),
        min_size=1,
        max_size=8,
    ),
    st.booleans(),
)
def test_vectorised_change_detection_agrees_with_the_recursion(series, low_is_good):
    """changes() against cusum() run on each series, with the pooled sigma worked out by hand."""
    import statistics

    years = [f"{2015 + i}-{(16 + i) % 100:02d}" for i in range(max(len(s) for s in series))]
    rows = [
        ("m", years[i], "practice", f"A{n:05d}", 1.0, 1.0, 1.0, value)
        for n, values in enumerate(series)
        for i, value in enumerate(values)
        if value is not None
    ]
    schema = {"measure": pl.String, "year": pl.String, "kind": pl.String, "code": pl.String}
    schema |= {name: pl.Float64 for name in ("numerator", "denominator", "value", "percentile")}
    values = pl.DataFrame(rows, schema=schema, orient="row")
    rule = ChangeRule(2, 0.5, 4.0, 2.0)
    got = {(r["code"], r["change"], r["year"]) for r in changes(values, {"m": low_is_good}, rule).to_dicts()}
    last = max((r[1] for r in rows), default=None)
    kept = {}
    for n, values_of in enumerate(series):
        present = [(years[i], v) for i, v in enumerate(values_of) if v is not None]
        if present and present[-1][0] == last:
            kept[f"A{n:05d}"] = present
    steps = [b[1] - a[1] for s in kept.values() for a, b in zip(s, s[1:], strict=False)]
    sigma = max(statistics.stdev(steps) / 2**0.5 if len(steps) > 1 else 0.0, rule.minimum_sigma)
    expected = set()
    for code, present in kept.items():
        found = cusum([v for _, v in present], sigma, rule)
        if found is not None:
            worse = (found.direction == "down") != low_is_good
            expected.add((code, "worsening" if worse else "improving", present[found.period][0]))
    assert got == expected
