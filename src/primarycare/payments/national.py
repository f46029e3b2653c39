"""The fast engine: the national contract for every practice at once, as polars frames of line items (pence)."""

from functools import cached_property

import polars as pl

from primarycare.payments.errors import PaymentsError
from primarycare.payments.global_sum import PLAN, PLANNED_COLUMNS, global_sum_lines
from primarycare.payments.inputs import INDEX_COLUMNS, PaymentInputs, empty_lines, whole_lists
from primarycare.payments.money import fixed_expr, gbp_expr, pence_expr, points_expr, share_of_expr
from primarycare.payments.months import ACHIEVEMENT_MONTH
from primarycare.payments.services import services_lines


def practice_lists(inputs: PaymentInputs) -> pl.DataFrame:
    """practice_code, patients, age_sex_index, index, weighted_list, ooh_opted_out.

    The age/sex index is the practice's mean workload weight over England's (a national figure in the parameter
    file), so it never depends on which practices are loaded. Workload weights are summed in exact hundredths so
    that any order of summing gives the same figure."""
    weights = pl.DataFrame(
        [(sex, band, round(weight * 100)) for (sex, band), weight in inputs.params.workload.items()],
        schema={"sex": pl.String, "age_band": pl.String, "weight_h": pl.Int64},
        orient="row",
    )
    lists = inputs.economy.lists.join(weights, on=["sex", "age_band"], how="left")
    if lists["weight_h"].null_count():
        raise PaymentsError("the workload table has no weight for some sex and age band of the registered lists")
    per = lists.group_by("practice_code").agg(
        pl.col("patients").sum(), (pl.col("patients") * pl.col("weight_h")).sum().alias("workload_h")
    )
    national_mean = inputs.params.england_mean_weight.value * 100
    per = per.with_columns(
        pl.when(pl.col("patients") > 0)
        .then(pl.col("workload_h") / pl.col("patients") / national_mean)
        .otherwise(1.0)
        .alias("age_sex_index")
    )
    indices = _indices(inputs)
    per = per.join(indices, on="practice_code", how="left").with_columns(pl.col("index").fill_null(1.0))
    practices = pl.DataFrame(
        [(p.code, bool(p.ooh_opted_out)) for p in inputs.economy.practices],
        schema={"practice_code": pl.String, "ooh_opted_out": pl.Boolean},
        orient="row",
    )
    per = practices.join(per, on="practice_code", how="left").with_columns(
        pl.col("patients").fill_null(0), pl.col("age_sex_index").fill_null(1.0), pl.col("index").fill_null(1.0)
    )
    return per.with_columns(
        (pl.col("patients") * pl.col("age_sex_index") * pl.col("index")).alias("weighted_list")
    ).sort("practice_code")


def _indices(inputs: PaymentInputs) -> pl.DataFrame:
    if inputs.indices is None or inputs.indices.is_empty():
        return pl.DataFrame(schema={"practice_code": pl.String, "index": pl.Float64})
    product = pl.lit(1.0)
    for column in INDEX_COLUMNS:
        if column in inputs.indices.columns:
            product = product * pl.col(column).fill_null(1.0)
    return inputs.indices.select("practice_code", product.alias("index"))


def qof_values(inputs: PaymentInputs) -> pl.DataFrame:
    """One row per practice and paid indicator: points x £/point x CPI x APDF, in pence, with its formula."""
    economy, params = inputs.economy, inputs.params
    if economy.achievement.is_empty():
        return pl.DataFrame(
            schema={"practice_code": pl.String, "indicator_code": pl.String, "pence": pl.Int64, "formula": pl.String}
        )
    price = params.qof_price_per_point.value
    national = inputs.prevalence_by_group()
    lists = whole_lists(economy)
    groups = economy.indicators.select("indicator_code", "group_code")
    prevalence = (  # APDF: each register over the practice's whole registered list
        economy.prevalence.join(lists, on="practice_code", how="left").select(
            "practice_code",
            "group_code",
            pl.when(pl.col("patients") > 0)
            .then(pl.col("register") / pl.col("patients"))
            .otherwise(0.0)
            .alias("practice_prevalence"),
        )
        if not economy.prevalence.is_empty()
        else pl.DataFrame(
            schema={"practice_code": pl.String, "group_code": pl.String, "practice_prevalence": pl.Float64}
        )
    )
    national_frame = pl.DataFrame(
        {"group_code": list(national), "national_prevalence": list(national.values())},
        schema={"group_code": pl.String, "national_prevalence": pl.Float64},
    )
    rows = (
        _protected(inputs, economy.achievement.select("practice_code", "indicator_code", _points(inputs)))
        .filter(pl.col("achieved_points") > 0)
        .join(groups, on="indicator_code", how="left")
    )
    # CPI per practice and APDF per practice and register, each worked out (and written out) once, then joined.
    cpi = pl.col("patients").fill_null(0) / params.qof_national_average_list.value
    if inputs.round_factors is not None:
        cpi = cpi.round(inputs.round_factors)
    practices = lists.select("practice_code", cpi.alias("cpi")).with_columns(
        pl.concat_str([pl.lit(f" pts × £{price:.2f} × CPI "), fixed_expr(pl.col("cpi"), 4)]).alias("cpi_text")
    )
    pairs = (
        rows.select("practice_code", "group_code")
        .unique()
        .join(national_frame, on="group_code", how="left")
        .join(prevalence, on=["practice_code", "group_code"], how="left")
    )
    linked = pl.col("national_prevalence").is_not_null() & (pl.col("national_prevalence") > 0)
    apdf = pl.when(linked).then(pl.col("practice_prevalence").fill_null(0.0) / pl.col("national_prevalence"))
    apdf = apdf.otherwise(1.0)
    if inputs.round_factors is not None:
        apdf = apdf.round(inputs.round_factors)
    pairs = pairs.select("practice_code", "group_code", apdf.alias("apdf"), linked.alias("linked")).with_columns(
        pl.when(pl.col("linked"))
        .then(pl.concat_str([pl.lit(" × APDF "), fixed_expr(pl.col("apdf"), 4)]))
        .otherwise(pl.lit(""))
        .alias("apdf_text")
    )
    rows = rows.join(practices, on="practice_code", how="left").join(
        pairs, on=["practice_code", "group_code"], how="left", nulls_equal=True
    )
    rows = rows.with_columns(
        pl.col("cpi").fill_null(0.0), pl.col("cpi_text").fill_null(f" pts × £{price:.2f} × CPI 0.0000")
    )
    value = pl.col("achieved_points") * price * pl.col("cpi") * pl.col("apdf")
    formula = pl.concat_str(
        [points_expr(pl.col("achieved_points")), pl.col("cpi_text"), pl.col("apdf_text"), pl.col("protected")]
    )
    return rows.select(
        "practice_code", "indicator_code", pence_expr(value).alias("pence"), formula.alias("formula")
    ).sort("practice_code", "indicator_code")


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


def national_lines(inputs: PaymentInputs, kept: set[str] | None = None) -> pl.DataFrame:
    """Every line item of the national contract (kept: only these QOF indicators, for a local scheme)."""
    return Contract(inputs).lines(kept)


def _planned(lines: pl.DataFrame, first: int, months: int) -> pl.DataFrame:
    return lines.with_columns(pl.lit(first, pl.Int64).alias("PAID_FROM"), pl.lit(months, pl.Int64).alias("PAID_MONTHS"))


def _kept(values: pl.DataFrame, kept: set[str] | None) -> pl.DataFrame:
    return values if kept is None else values.filter(pl.col("indicator_code").is_in(sorted(kept)))


class Contract:
    """One year's national contract, each part worked out once and shared by the national and scheme views."""

    def __init__(self, inputs: PaymentInputs):
        self.inputs = inputs

    @cached_property
    def lists(self) -> pl.DataFrame:
        return practice_lists(self.inputs)

    @cached_property
    def qof(self) -> pl.DataFrame:
        return qof_values(self.inputs)

    @cached_property
    def prior_qof(self) -> pl.DataFrame | None:
        return qof_values(self.inputs.prior) if self.inputs.prior is not None else None

    @cached_property
    def services(self) -> pl.DataFrame:
        return services_lines(self.inputs, self.lists)

    @cached_property
    def core(self) -> pl.DataFrame:
        """Global sum (or local contract value), arrears and out-of-hours deduction, with their payment months."""
        return global_sum_lines(self.inputs, self.lists)

    def lines(self, kept: set[str] | None = None) -> pl.DataFrame:
        return self.cash_plan(kept).select(empty_lines().columns)

    def cash_plan(self, kept: set[str] | None = None) -> pl.DataFrame:
        """Every line item with PAID_FROM and PAID_MONTHS (months from April): when its money is paid. Aspiration
        and enhanced services monthly; achievement the June after the year; core lines as global_sum.py plans."""
        parts = [self.core]
        for part in self._qof_lines(kept):
            monthly = part["COMPONENT"][0] == "QOF_ASPIRATION" if part.height else True
            parts.append(_planned(part, 1, 12) if monthly else _planned(part, ACHIEVEMENT_MONTH, 1))
        if self.services.height:
            parts.append(_planned(self.services, 1, 12))
        frames = [p.select(PLANNED_COLUMNS) for p in parts if p.height]
        if not frames:
            return empty_lines().with_columns(pl.lit(0, pl.Int64).alias(c) for c in PLAN)
        return pl.concat(frames).sort("PRACTICE_CODE", maintain_order=True)

    def _qof_lines(self, kept: set[str] | None) -> list[pl.DataFrame]:
        inputs = self.inputs
        values = _kept(self.qof, kept)
        component = "QOF" if inputs.prior is None else "QOF_ACHIEVEMENT"
        indicators = values.select(
            pl.col("practice_code").alias("PRACTICE_CODE"),
            pl.lit(component).alias("COMPONENT"),
            pl.col("indicator_code").alias("ITEM"),
            pl.col("pence").alias("PENCE"),
            pl.col("formula").alias("FORMULA"),
        )
        if inputs.prior is None:
            return [indicators]
        share = inputs.params.qof_aspiration_share.value
        prior = _kept(self.prior_qof, kept).group_by("practice_code").agg(pl.col("pence").sum().alias("prior"))
        current = {p.code for p in inputs.economy.practices}
        prior = prior.filter(pl.col("practice_code").is_in(sorted(current)))
        aspiration = prior.select(
            pl.col("practice_code").alias("PRACTICE_CODE"),
            share_of_expr(pl.col("prior"), share).alias("PENCE"),
            pl.concat_str(
                [pl.lit(f"{share * 100:.0f}% × {inputs.prior.params.year} value "), gbp_expr(pl.col("prior"))]
            ).alias("FORMULA"),
        )
        paid = aspiration.select(
            "PRACTICE_CODE",
            pl.lit("QOF_ASPIRATION").alias("COMPONENT"),
            pl.lit("aspiration payment").alias("ITEM"),
            "PENCE",
            "FORMULA",
        )
        less = aspiration.select(
            "PRACTICE_CODE",
            pl.lit("QOF_ACHIEVEMENT").alias("COMPONENT"),
            pl.lit("less aspiration paid").alias("ITEM"),
            (-pl.col("PENCE")).alias("PENCE"),
            pl.lit("− aspiration payment").alias("FORMULA"),
        )
        return [paid, indicators, less]
