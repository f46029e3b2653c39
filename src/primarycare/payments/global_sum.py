"""Core contract money, month by month: the global sum at the rate known when each month was paid, arrears when a
backdated uplift lands, the out-of-hours deduction, and PMS/APMS practices' locally agreed contract values.

Each line carries PAID_FROM and PAID_MONTHS (months from April, see months.py): the cash schedule splits it there."""

import numpy as np
import polars as pl

from primarycare.economy.model import run_starts
from primarycare.payments.inputs import PaymentInputs
from primarycare.payments.money import fixed_expr, gbp_expr, pence_expr, share_of_expr
from primarycare.payments.months import month_rates, month_start, span_label

PLANNED_COLUMNS = ("PRACTICE_CODE", "COMPONENT", "ITEM", "PENCE", "FORMULA", "PAID_FROM", "PAID_MONTHS")


def quarter_of(year: str, month: int):
    """The first day of the quarter holding month ``month`` (1 = April): 1 April, July, October or January."""
    return month_start(year, (month - 1) // 3 * 3 + 1)


def month_frame(inputs: PaymentInputs) -> pl.DataFrame:
    year = inputs.params.year
    rates = month_rates(year, inputs.params.values_of("global_sum_per_weighted_patient"))
    return pl.DataFrame(
        [
            (r.month, quarter_of(year, r.month), r.paid.value, r.final.value, r.arrears_month, r.final.effective_from)
            for r in rates
        ],
        schema={
            "month": pl.Int64,
            "quarter_start": pl.Date,
            "paid_rate": pl.Float64,
            "final_rate": pl.Float64,
            "arrears_month": pl.Int64,
            "final_from": pl.Date,
        },
        orient="row",
    )


def practice_months(inputs: PaymentInputs, lists: pl.DataFrame) -> pl.DataFrame:
    """One row per practice (paid on the national formula) and month, in practice and month order: its weighted list
    and the month's rates. lists: practice_lists' frame (in practice order)."""
    practices = lists.filter(~pl.col("practice_code").is_in(sorted(local_codes(inputs))))
    months = practices.join(month_frame(inputs), how="cross", maintain_order="left_right")  # each practice in turn
    published = inputs.weighted_lists
    if published is not None and published.height:
        months = months.join(published, on=["practice_code", "quarter_start"], how="left", maintain_order="left")
    else:
        months = months.with_columns(pl.lit(None, pl.Float64).alias("weighted"))
    return months.with_columns(
        pl.col("weighted").is_not_null().alias("published"),
        pl.col("weighted").fill_null(pl.col("weighted_list")),
    )  # in practice and month order: the lists are in practice order (practice_lists)


def _estimate() -> pl.Expr:
    """How a run's weighted list was estimated (from the practice's columns the run carries)."""
    return pl.concat_str(
        [
            pl.lit("estimated: "),
            pl.col("patients").cast(pl.String),
            pl.lit(" patients × age/sex "),
            fixed_expr(pl.col("age_sex_index"), 4),
            pl.when(pl.col("index") != 1.0)
            .then(pl.concat_str([pl.lit(" × indices "), fixed_expr(pl.col("index"), 4)]))
            .otherwise(pl.lit("")),
        ]
    )


def _runs(months: pl.DataFrame, keys: list[str], carry: tuple[str, ...] = ()) -> pl.DataFrame:
    """Months grouped into runs of consecutive months alike in ``keys`` (never across practices or gaps); ``carry``:
    columns of the practice's own, taken along. months: in practice and month order, so a run is its first row
    (each row unlike the one before, or not the month after it) and the rows up to the next run's."""
    change = [run_starts(pl.col(name)) for name in ("practice_code", *keys)]
    starts = months.select(pl.any_horizontal(*change, pl.col("month").diff().ne_missing(1))).to_series()
    at = starts.arg_true().to_numpy()
    n = np.diff(at, append=months.height)
    return months.filter(starts).select(
        "practice_code",
        *keys,
        *carry,
        pl.col("month").alias("first"),
        (pl.col("month") + pl.Series(n) - 1).alias("last"),
        pl.Series("n", n, pl.Int64),
    )


def _span(first: pl.Expr, last: pl.Expr) -> pl.Expr:
    names = {(a, b): span_label(a, b) for a in range(1, 13) for b in range(a, 13)}
    key = first * 100 + last
    return key.replace_strict({a * 100 + b: text for (a, b), text in names.items()}, return_dtype=pl.String)


def global_sum_lines(inputs: PaymentInputs, lists: pl.DataFrame) -> pl.LazyFrame:
    """GLOBAL_SUM per run of months at one rate and list, GLOBAL_SUM_ARREARS where an uplift was backdated.

    The runs are worked out here; the lines are lazy over them, so totals by practice never write the items and
    formulas."""
    months = practice_months(inputs, lists)
    paid = _runs(
        months, ["weighted", "published", "paid_rate"], ("patients", "age_sex_index", "index", "ooh_opted_out")
    )
    paid = paid.with_columns(pence_expr(pl.col("weighted") * pl.col("paid_rate") * pl.col("n") / 12).alias("PENCE"))
    whole_year = pl.col("n") == 12
    lines = paid.lazy().select(  # the pence worked out once; the words only for a line shown
        pl.col("practice_code").alias("PRACTICE_CODE"),
        pl.lit("GLOBAL_SUM").alias("COMPONENT"),
        pl.when(whole_year)
        .then(pl.lit("global sum"))
        .otherwise(pl.concat_str([pl.lit("global sum "), _span(pl.col("first"), pl.col("last"))]))
        .alias("ITEM"),
        "PENCE",
        pl.concat_str(
            [
                fixed_expr(pl.col("weighted"), 1),
                pl.lit(" weighted ("),
                pl.when(pl.col("published")).then(pl.lit("published list")).otherwise(_estimate()),
                pl.lit(") × £"),
                fixed_expr(pl.col("paid_rate"), 2),
                pl.lit(" × "),
                pl.col("n").cast(pl.String),
                pl.lit("/12"),
            ]
        ).alias("FORMULA"),
        pl.col("first").alias("PAID_FROM"),
        pl.col("n").alias("PAID_MONTHS"),
        "ooh_opted_out",
    )
    owed = months.filter(pl.col("final_rate") != pl.col("paid_rate"))
    if owed.height:
        owed = _runs(owed, ["weighted", "paid_rate", "final_rate", "arrears_month", "final_from"], ("ooh_opted_out",))
        owed = owed.with_columns(
            pence_expr(pl.col("weighted") * (pl.col("final_rate") - pl.col("paid_rate")) * pl.col("n") / 12).alias(
                "PENCE"
            )
        )
        arrears = owed.lazy().select(
            pl.col("practice_code").alias("PRACTICE_CODE"),
            pl.lit("GLOBAL_SUM_ARREARS").alias("COMPONENT"),
            pl.concat_str(
                [
                    pl.lit("arrears "),
                    _span(pl.col("first"), pl.col("last")),
                    pl.lit(": £"),
                    fixed_expr(pl.col("final_rate"), 2),
                    pl.lit(" from "),
                    pl.col("final_from").dt.strftime("%-d %B %Y"),
                ]
            ).alias("ITEM"),
            "PENCE",
            pl.concat_str(
                [
                    fixed_expr(pl.col("weighted"), 1),
                    pl.lit(" weighted × (£"),
                    fixed_expr(pl.col("final_rate"), 2),
                    pl.lit(" − £"),
                    fixed_expr(pl.col("paid_rate"), 2),
                    pl.lit(") × "),
                    pl.col("n").cast(pl.String),
                    pl.lit("/12"),
                ]
            ).alias("FORMULA"),
            pl.col("arrears_month").alias("PAID_FROM"),
            pl.lit(1, pl.Int64).alias("PAID_MONTHS"),
            "ooh_opted_out",
        )
        lines = pl.concat([lines, arrears])
    national = _deduction(lines, inputs.params.ooh_deduction_share.value)
    return pl.concat([lines.select(PLANNED_COLUMNS), national, *local_contract_lines(inputs, lists)]).select(
        PLANNED_COLUMNS
    )


def _deduction(lines: pl.LazyFrame, share: float) -> pl.LazyFrame:
    """The out-of-hours deduction on each global sum line of a practice that opted out (each line carries it)."""
    suffix = pl.col("ITEM").str.strip_prefix("global sum").str.replace(r"^arrears (.*?):.*$", " on arrears $1")
    return lines.filter("ooh_opted_out").select(
        "PRACTICE_CODE",
        pl.lit("OOH_DEDUCTION").alias("COMPONENT"),
        pl.concat_str([pl.lit("out-of-hours opt-out"), suffix]).alias("ITEM"),
        (-share_of_expr(pl.col("PENCE"), share)).alias("PENCE"),
        pl.concat_str([pl.lit(f"−{share * 100:.4g}% × "), gbp_expr(pl.col("PENCE"))]).alias("FORMULA"),
        "PAID_FROM",
        "PAID_MONTHS",
    )


def local_codes(inputs: PaymentInputs) -> set[str]:
    contracts = inputs.local_contracts
    return set() if contracts is None else set(contracts["practice_code"])


def local_contract_lines(inputs: PaymentInputs, lists: pl.DataFrame) -> list[pl.LazyFrame]:
    """PMS and APMS practices with a local contract: its value in place of the global sum, its own deduction."""
    contracts = inputs.local_contracts
    if contracts is None or contracts.is_empty():
        return []
    rows = contracts.join(lists.select("practice_code", "patients"), on="practice_code", how="inner").lazy()
    per_patient = pl.col("basis") == "PER_PATIENT"
    value = rows.select(
        pl.col("practice_code").alias("PRACTICE_CODE"),
        pl.lit("GLOBAL_SUM").alias("COMPONENT"),
        pl.concat_str([pl.col("contract_type"), pl.lit(" contract value")]).alias("ITEM"),
        pence_expr(pl.when(per_patient).then(pl.col("patients") * pl.col("value")).otherwise(pl.col("value"))).alias(
            "PENCE"
        ),
        pl.concat_str(
            [
                pl.when(per_patient)
                .then(pl.concat_str([pl.col("patients").cast(pl.String), pl.lit(" patients × £")]))
                .otherwise(pl.lit("fixed annual sum £")),
                fixed_expr(pl.col("value"), 2),
                pl.lit(" (local "),
                pl.col("contract_type"),
                pl.lit(" contract)"),
            ]
        ).alias("FORMULA"),
        pl.lit(1, pl.Int64).alias("PAID_FROM"),
        pl.lit(12, pl.Int64).alias("PAID_MONTHS"),
        "ooh_share",
    )
    deduction = value.filter(pl.col("ooh_share") > 0).select(
        "PRACTICE_CODE",
        pl.lit("OOH_DEDUCTION").alias("COMPONENT"),
        pl.lit("out-of-hours deduction (as agreed)").alias("ITEM"),
        (-share_of_expr(pl.col("PENCE"), pl.col("ooh_share"))).alias("PENCE"),
        pl.concat_str(
            [pl.lit("−"), fixed_expr(pl.col("ooh_share") * 100, 2), pl.lit("% × "), gbp_expr(pl.col("PENCE"))]
        ).alias("FORMULA"),
        "PAID_FROM",
        "PAID_MONTHS",
    )
    return [value.drop("ooh_share"), deduction]


def contract_basis(inputs: PaymentInputs) -> pl.DataFrame:
    """PRACTICE_CODE, CONTRACT_BASIS: 'GMS', 'PMS local contract', or 'GMS-equivalent (PMS)' where a PMS or APMS
    practice (or one whose contract type is not given) is paid on the GMS formula for want of its local contract."""
    contracts = inputs.local_contracts
    local = {} if contracts is None else dict(contracts.select("practice_code", "contract_type").iter_rows())
    rows = []
    for practice in inputs.economy.practices:
        kind = practice.contract_type
        if practice.code in local:
            basis = f"{local[practice.code]} local contract"
        elif kind == "GMS":
            basis = "GMS"
        else:
            basis = f"GMS-equivalent ({kind or 'contract type not given'})"
        rows.append((practice.code, basis))
    return pl.DataFrame(rows, schema={"PRACTICE_CODE": pl.String, "CONTRACT_BASIS": pl.String}, orient="row")
