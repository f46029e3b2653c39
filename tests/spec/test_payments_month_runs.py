"""Months grouped into runs (global_sum._runs): a run is consecutive months of one practice alike in the keys; a new
practice, a change in a key or a missing month starts the next. Table: months as (practice, month, rate), and the
runs expected as (practice, rate, first, last, n)."""

import polars as pl
import pytest

from primarycare.payments.global_sum import _runs

CASES = [
    ("one run", [("A", m, 1.0) for m in range(1, 13)], [("A", 1.0, 1, 12, 12)]),
    (
        "a rate change",
        [("A", m, 1.0 if m < 7 else 2.0) for m in range(1, 13)],
        [("A", 1.0, 1, 6, 6), ("A", 2.0, 7, 12, 6)],
    ),
    (
        "a missing month",
        [("A", m, 1.0) for m in (1, 2, 4, 5, 6)],
        [("A", 1.0, 1, 2, 2), ("A", 1.0, 4, 6, 3)],
    ),
    (
        "two practices alike",
        [("A", m, 1.0) for m in (11, 12)] + [("B", m, 1.0) for m in (1, 2)],
        [("A", 1.0, 11, 12, 2), ("B", 1.0, 1, 2, 2)],
    ),
    (
        "a rate back to the first",
        [("A", 1, 1.0), ("A", 2, 2.0), ("A", 3, 1.0)],
        [("A", 1.0, 1, 1, 1), ("A", 2.0, 2, 2, 1), ("A", 1.0, 3, 3, 1)],
    ),
]


@pytest.mark.parametrize(("months", "expected"), [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_months_run_while_practice_rate_and_month_follow_on(months, expected):
    frame = pl.DataFrame(
        months, schema={"practice_code": pl.String, "month": pl.Int64, "rate": pl.Float64}, orient="row"
    )
    runs = _runs(frame, ["rate"])
    assert runs.select("practice_code", "rate", "first", "last", "n").rows() == expected
