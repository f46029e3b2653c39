"""Property: in_code_order says whether rows run in practice and indicator order with no pair twice, whether or not
polars knows the practice codes to be sorted (the read marks them so)."""

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from primarycare.economy.model import in_code_order, run_starts

PAIRS = st.lists(
    st.tuples(st.sampled_from(["A81001", "A81002", "B82003"]), st.sampled_from(["AF001", "DM012", "HYP003"]))
)


@settings(max_examples=400, deadline=None)
@given(pairs=PAIRS, practices_sorted=st.booleans(), give_starts=st.booleans())
def test_code_order_is_strictly_increasing_pairs(pairs, practices_sorted, give_starts):
    if practices_sorted:  # each practice's rows together and in order, the indicators as they came
        pairs = sorted(pairs, key=lambda pair: pair[0])
    frame = pl.DataFrame(pairs, schema={"practice_code": pl.String, "indicator_code": pl.String}, orient="row")
    if practices_sorted:
        frame = frame.with_columns(pl.col("practice_code").set_sorted())
    expected = all(before < after for before, after in zip(pairs, pairs[1:], strict=False))
    starts = run_starts(frame["practice_code"]) if give_starts else None
    assert in_code_order(frame, starts) == expected
