"""Property: the cash schedule splits every line over its payment months so that the months add up to the line to
the penny (deductions too), each month within a penny of an even split, nothing paid outside the line's months."""

from collections import defaultdict

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from primarycare.payments.months import month_label
from primarycare.payments.schedule import cash_schedule

YEAR = "2023-24"
LINE = st.tuples(
    st.sampled_from(["A81001", "A81002", "B82001"]),
    st.sampled_from(["GLOBAL_SUM", "OOH_DEDUCTION", "QOF_ACHIEVEMENT"]),
    st.integers(min_value=-(10**9), max_value=10**9),
    st.integers(min_value=1, max_value=15),
    st.integers(min_value=1, max_value=12),
)


@settings(max_examples=200, deadline=None)
@given(lines=st.lists(LINE, min_size=1, max_size=12))
def test_each_line_is_paid_in_full_over_its_months(lines):
    plan = pl.DataFrame(
        [
            (code, component, f"item {n}", pence, start, months)
            for n, (code, component, pence, start, months) in enumerate(lines)
        ],
        schema=["PRACTICE_CODE", "COMPONENT", "ITEM", "PENCE", "PAID_FROM", "PAID_MONTHS"],
        orient="row",
    )
    cash = {
        (code, month, component): round(gbp * 100)
        for code, month, component, gbp in cash_schedule(plan, YEAR).iter_rows()
    }
    low, high = defaultdict(int), defaultdict(int)  # each line's month: its pence over its months, rounded down or up
    for code, component, pence, start, months in lines:
        for month in range(start, start + months):
            key = (code, month_label(YEAR, month), component)
            low[key] += pence // months
            high[key] += -(-pence // months)
    assert set(cash) == set(low)  # paid in the lines' months, and only in them
    for key, pence in cash.items():
        assert low[key] <= pence <= high[key]
    totals, accrual = defaultdict(int), defaultdict(int)
    for (code, _, component), pence in cash.items():
        totals[(code, component)] += pence
    for code, component, pence, _, _ in lines:
        accrual[(code, component)] += pence
    assert totals == accrual  # cash equals accrual to the penny
