"""Property: summing each practice's rows run by run gives what grouping by the codes gives, whether or not a
practice's rows run together."""

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from primarycare.economy.model import practice_sums

ROWS = st.lists(
    st.tuples(st.sampled_from(["A81001", "A81002", "B82003", "C83004"]), st.integers(0, 10**6), st.integers(0, 99)),
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(rows=ROWS, sort=st.booleans())
def test_sums_by_runs_are_the_sums_by_practice(rows, sort):
    frame = pl.DataFrame(rows, schema={"practice_code": pl.String, "a": pl.Int64, "b": pl.Int64}, orient="row")
    if sort:  # every practice's rows together: summed by runs
        frame = frame.sort("practice_code")
    expected = frame.group_by("practice_code").agg(pl.col("a", "b").sum()).sort("practice_code")
    assert practice_sums(frame, ["a", "b"]).sort("practice_code").equals(expected)
