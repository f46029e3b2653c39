"""QOF money for every practice and indicator at once: points x £/point x CPI x APDF, in pence.

The value and its factors are worked out as numbers; the formula text a finance lead reads beside each line is
written from those factors (``qof_formula``) only when a line is shown, not for every one of the year's
hundreds of thousands of practice-indicator rows each time a total is wanted."""

import numpy as np
import polars as pl

from primarycare.economy.model import in_code_order, indicator_enum, run_starts
from primarycare.payments.inputs import PaymentInputs
from primarycare.payments.money import fixed_expr, pence_expr, points_expr, written_once

QOF_SCHEMA = {  # indicator_code: an Enum of the mapping's codes when every code is one of them (as read, always)
    "practice_code": pl.String,
    "indicator_code": pl.String,
    "pence": pl.Int64,
    "achieved_points": pl.Float64,
    "cpi": pl.Float64,
    "apdf": pl.Float64,
    "linked": pl.Boolean,
    "protected": pl.String,
}


def qof_values(inputs: PaymentInputs) -> pl.DataFrame:
    """One row per practice and paid indicator (QOF_SCHEMA), in practice and indicator order: pence and the factors
    it was worked out from; ``linked``: the indicator's register has a national prevalence, so APDF applies."""
    economy, params = inputs.economy, inputs.params
    if economy.achievement.is_empty():
        return pl.DataFrame(schema=QOF_SCHEMA)
    rows = economy.achievement.select("practice_code", "indicator_code", _points(inputs))
    if economy.coded_indicators is not None:  # the codes coded once per economy (the scheme's goals use them too)
        rows = rows.with_columns(economy.coded_indicators.alias("coded"))
    rows = _protected(inputs, rows).filter(pl.col("achieved_points") > 0)
    starts = run_starts(rows["practice_code"])
    if not in_code_order(rows, starts):  # as read, it is
        rows = rows.sort("practice_code", "indicator_code")
        starts = run_starts(rows["practice_code"])
    indicator = rows["coded"] if "coded" in rows.columns else indicator_enum(economy.indicators, rows["indicator_code"])
    cpi, apdf, linked = _factors(inputs, rows, starts, indicator)
    factors = [pl.Series("cpi", cpi), pl.Series("apdf", apdf)]
    if inputs.round_factors is not None:
        factors = [factor.round(inputs.round_factors) for factor in factors]
    if not indicator.null_count():  # every code is the mapping's: carried coded (kept indicators found by number)
        factors.append(indicator.alias("indicator_code"))
    rows = rows.with_columns(*factors, pl.Series("linked", linked))
    value = pl.col("achieved_points") * params.qof_price_per_point.value * pl.col("cpi") * pl.col("apdf")
    rows = rows.select("practice_code", "indicator_code", pence_expr(value).alias("pence"), *list(QOF_SCHEMA)[3:])
    return rows.with_columns(pl.col("practice_code").set_sorted())  # a promise kept: group_by by practice is faster


def _factors(
    inputs: PaymentInputs, rows: pl.DataFrame, starts: pl.Series, indicator: pl.Series
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each row's CPI (its practice's whole list over the national average list), APDF (the practice's prevalence
    of the indicator's register, over the whole list, against the national prevalence) and whether APDF applies.

    rows: in practice order; starts: where each practice's rows start (run_starts); indicator: their codes coded
    (indicator_enum). Looked up by position (each row's practice and register) in arrays of the practices and their
    registers, not by joins on the codes' text over every row. numpy divides element by element: polars divides a
    column by a number as a product with its reciprocal, which can land a value such as 7,087 / 7,460 an ulp off the
    true quotient and a line on the other side of a half penny."""
    economy = inputs.economy
    practices = rows["practice_code"].filter(starts)  # each once, as the rows run
    practice = np.cumsum(starts.to_numpy(), dtype=np.int64) - 1  # each row's place among them
    patients = practices.to_frame().join(economy.list_sizes, on="practice_code", how="left", maintain_order="left")
    patients = patients["patients"].to_numpy().astype(np.float64)  # NaN where the practice has no list
    cpi = np.nan_to_num(patients / inputs.params.qof_national_average_list.value, nan=0.0)
    national = inputs.prevalence_by_group()
    registers = sorted(national)
    none = len(registers)  # the place of "no register with a national prevalence": never linked, prevalence 0
    indicators = economy.indicators.sort("indicator_code")  # in the order of indicator_enum's codes
    group = indicators["group_code"].cast(pl.Enum(registers), strict=False).to_physical().cast(pl.Int64)
    register_of = np.append(group.fill_null(none).to_numpy(), none)  # each indicator's; last: one not in the mapping
    coded = indicator.to_physical()
    if coded.null_count():
        coded = coded.cast(pl.Int64).fill_null(len(indicators))
    register = register_of[coded.to_numpy()]
    rates = np.array([national[code] for code in registers] + [0.0])
    linked = rates > 0  # each register's
    prevalence = np.zeros((len(practices), none + 1))  # practice by register: the register over the whole list
    if not economy.prevalence.is_empty() and registers:
        placed = economy.prevalence.select(
            pl.col("practice_code").cast(pl.Enum(practices), strict=False).to_physical().alias("place"),
            pl.col("group_code").cast(pl.Enum(registers), strict=False).to_physical().alias("at"),
            pl.col("register").fill_null(0),
        ).drop_nulls(["place", "at"])
        place, at = placed["place"].cast(pl.Int64).to_numpy(), placed["at"].cast(pl.Int64).to_numpy()
        whole = patients[place]
        share = np.divide(placed["register"].to_numpy(), whole, out=np.zeros(len(place)), where=whole > 0)
        prevalence[place, at] = share
    apdf = np.divide(prevalence, rates, out=np.ones(prevalence.shape), where=linked)  # per practice and register
    return cpi[practice], apdf.ravel()[practice * (none + 1) + register], linked[register]


def qof_formula(price: float) -> pl.Expr:
    """The line's working from qof_values' factors: '27.5 pts × £225.49 × CPI 1.0312 × APDF 0.9871'."""
    apdf = pl.when(pl.col("linked")).then(pl.concat_str([pl.lit(" × APDF "), fixed_expr(pl.col("apdf"), 4)]))
    return pl.concat_str(
        [
            points_expr(pl.col("achieved_points")),
            pl.lit(f" pts × £{price:.2f} × CPI "),
            written_once(pl.col("cpi"), lambda cpi: fixed_expr(cpi, 4)),
            apdf.otherwise(pl.lit("")),
            pl.col("protected"),
        ]
    )


def protected_codes(inputs: PaymentInputs) -> set[str]:
    """The year's income-protected indicators, when last year's achievement is there to fix them to."""
    if inputs.protection is None or inputs.prior is None or inputs.economy.indicators.is_empty():
        return set()
    return inputs.protection.codes(dict(inputs.economy.indicators.select("indicator_code", "domain_code").iter_rows()))


def _protected(inputs: PaymentInputs, rows: pl.DataFrame) -> pl.DataFrame:
    """Protected indicators take last year's points (a practice new this year keeps its own); a `protected` note."""
    codes = protected_codes(inputs)
    if not codes:
        return rows.with_columns(pl.lit("").alias("protected"))
    rows = rows.drop("coded", strict=False)  # rows are added and joined: their codes are coded afresh
    prior = inputs.prior.economy.achievement
    before = prior.select("practice_code", "indicator_code", pl.col("achieved_points").alias("prior_points"))
    known = prior.select("practice_code").unique().with_columns(pl.lit(True).alias("in_prior"))
    current = sorted(p.code for p in inputs.economy.practices)
    missing = before.filter(
        pl.col("indicator_code").is_in(sorted(codes)) & pl.col("practice_code").is_in(current)
    ).join(rows.select("practice_code", "indicator_code"), on=["practice_code", "indicator_code"], how="anti")
    rows = pl.concat([rows, missing.select("practice_code", "indicator_code", pl.lit(0.0).alias("achieved_points"))])
    rows = rows.join(before, on=["practice_code", "indicator_code"], how="left").join(
        known, on="practice_code", how="left"
    )
    fixed = pl.col("indicator_code").is_in(sorted(codes)) & pl.col("in_prior").fill_null(False)
    note = f" (income protected: {inputs.prior.params.year} points)"
    return rows.select(
        "practice_code",
        "indicator_code",
        pl.when(fixed)
        .then(pl.col("prior_points").fill_null(0.0))
        .otherwise(pl.col("achieved_points"))
        .alias("achieved_points"),
        pl.when(fixed).then(pl.lit(note)).otherwise(pl.lit("")).alias("protected"),
    )


def _points(inputs: PaymentInputs) -> pl.Expr:
    """ACHIEVED_POINTS, or for indicators given thresholds: maximum x where NUMERATOR / DENOMINATOR lies between."""
    points = pl.col("achieved_points")
    if not inputs.thresholds:
        return points.alias("achieved_points")
    maximum = dict(inputs.economy.indicators.select("indicator_code", "point_value").iter_rows())
    achieved = pl.col("numerator") / pl.col("denominator") * 100
    for code, (lower, upper) in sorted(inputs.thresholds.items()):
        fraction = ((achieved - lower) / (upper - lower)).clip(0.0, 1.0).fill_nan(0.0).fill_null(0.0)
        computed = pl.when(pl.col("denominator") > 0).then(maximum[code] * fraction).otherwise(0.0)
        points = pl.when(pl.col("indicator_code") == code).then(computed).otherwise(points)
    return points.alias("achieved_points")
