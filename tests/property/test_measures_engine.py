"""The fast measures engine against the slow reference, deciles monotone, and percentiles independent of the order
in which practices were loaded."""

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from primarycare.measures.compute import compute, deciles
from primarycare.measures.definition import Measure
from primarycare.measures.quantities import COLUMNS
from primarycare.measures.reference import reference

MEASURES = (
    Measure("all", "All", "d", "w", "s", "qof_achieved_points", "qof_maximum_points", False, None),
    Measure(
        "cl", "CL", "d", "w", "s", "qof_achieved_points", "qof_maximum_points", False, None, filter={"domain": "CL"}
    ),
    Measure("ooh", "OOH", "d", "w", "s", "ooh_cases", "list_patients", True, ("2023-24",), scale=1000.0),
)
YEARS = ("2022-23", "2023-24")


@st.composite
def economies(draw):
    n = draw(st.integers(min_value=1, max_value=14))
    codes = [f"A{i:05d}" for i in range(n)]
    rows, practices = [], []
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
    return rows, practices


def _frames(rows, practices):
    quantities = pl.DataFrame(rows, schema=COLUMNS, orient="row")
    schema = {name: pl.String for name in ("year", "practice_code", "network_code", "commissioner_code")}
    return quantities, pl.DataFrame(practices, schema=schema, orient="row")


@settings(max_examples=150, deadline=None)
@given(economies())
def test_fast_engine_agrees_with_the_reference(economy):
    rows, practices = economy
    quantities, frame = _frames(rows, practices)
    values = compute(quantities, MEASURES, frame)
    lines = deciles(values)
    expected_values, expected_lines = reference(
        [dict(zip(["practice_code", "year", "quantity", "value"], r, strict=True)) for r in rows],
        MEASURES,
        [dict(zip(["year", "practice_code", "network_code", "commissioner_code"], p, strict=True)) for p in practices],
    )
    got = {(r["measure"], r["year"], r["kind"], r["code"]): (r["value"], r["percentile"]) for r in values.to_dicts()}
    assert got.keys() == expected_values.keys()
    for k, (value, percentile) in expected_values.items():
        assert got[k][0] == pytest.approx(value) if value is not None else got[k][0] is None
        assert got[k][1] == pytest.approx(percentile) if percentile is not None else got[k][1] is None
    got_lines = {(r["measure"], r["year"], r["kind"], r["percentile"]): r["value"] for r in lines.to_dicts()}
    assert got_lines.keys() == expected_lines.keys()
    for k, value in expected_lines.items():
        assert got_lines[k] == pytest.approx(value)


@settings(max_examples=100, deadline=None)
@given(economies(), st.randoms(use_true_random=False))
def test_deciles_are_monotone_and_percentiles_do_not_depend_on_load_order(economy, random):
    rows, practices = economy
    quantities, frame = _frames(rows, practices)
    values = compute(quantities, MEASURES, frame)
    shuffled_rows, shuffled_practices = list(rows), list(practices)
    random.shuffle(shuffled_rows)
    random.shuffle(shuffled_practices)
    again = compute(*_frames(shuffled_rows, shuffled_practices)[:1], MEASURES, _frames(rows, shuffled_practices)[1])
    assert again.sort("measure", "year", "kind", "code").equals(values.sort("measure", "year", "kind", "code"))
    for _, part in deciles(values).group_by("measure", "year", "kind"):
        ordered = part.sort("percentile")["value"].to_list()
        assert ordered == sorted(ordered)
