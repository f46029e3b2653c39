"""Cash beside accrual: when each line item of a year's contract is paid, month by month.

Each line is split exactly over its payment months (PAID_FROM, PAID_MONTHS from Contract.cash_plan): month i of n
gets PENCE x i // n - PENCE x (i - 1) // n, so the months add up to the line to the penny and the year's cash,
wherever it falls, equals its accrual."""

import polars as pl

from primarycare.payments.months import month_label

SCHEDULE_COLUMNS = ("PRACTICE_CODE", "PAID_MONTH", "COMPONENT", "CASH_GBP")


def cash_schedule(plan: pl.DataFrame, year: str) -> pl.DataFrame:
    """PRACTICE_CODE, PAID_MONTH (YYYY-MM), COMPONENT, CASH_GBP: one row per practice, month and component."""
    if plan.is_empty():
        return pl.DataFrame(
            schema=dict(zip(SCHEDULE_COLUMNS, (pl.String, pl.String, pl.String, pl.Float64), strict=True))
        )
    longest = int(plan["PAID_FROM"].max() + plan["PAID_MONTHS"].max())
    labels = {m: month_label(year, m) for m in range(1, longest + 1)}
    split = (
        plan.with_columns(pl.int_ranges(1, pl.col("PAID_MONTHS") + 1).alias("i"))
        .explode("i")
        .with_columns(
            (pl.col("PAID_FROM") + pl.col("i") - 1).alias("month"),
            (
                pl.col("PENCE") * pl.col("i") // pl.col("PAID_MONTHS")
                - pl.col("PENCE") * (pl.col("i") - 1) // pl.col("PAID_MONTHS")
            ).alias("cash"),
        )
    )
    return (
        split.group_by("PRACTICE_CODE", "month", "COMPONENT")
        .agg(pl.col("cash").sum())
        .sort("PRACTICE_CODE", "month", "COMPONENT")
        .select(
            "PRACTICE_CODE",
            pl.col("month").replace_strict(labels, return_dtype=pl.String).alias("PAID_MONTH"),
            "COMPONENT",
            (pl.col("cash") / 100).alias("CASH_GBP"),
        )
    )


def by_month(schedule: pl.DataFrame) -> pl.DataFrame:
    """PAID_MONTH, CASH_GBP over every practice: the commissioner's cash flow."""
    return schedule.group_by("PAID_MONTH").agg(pl.col("CASH_GBP").sum().round(2)).sort("PAID_MONTH")
