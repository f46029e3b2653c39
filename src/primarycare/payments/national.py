"""The fast engine: the national contract for every practice at once, as polars frames of line items (pence)."""

from concurrent.futures import ThreadPoolExecutor
from functools import cached_property

import polars as pl

from primarycare.economy.model import practice_sums
from primarycare.payments.errors import PaymentsError
from primarycare.payments.global_sum import PLANNED_COLUMNS, global_sum_lines
from primarycare.payments.inputs import INDEX_COLUMNS, LINE_COLUMNS, PaymentInputs
from primarycare.payments.money import gbp_expr, share_of_expr
from primarycare.payments.months import ACHIEVEMENT_MONTH
from primarycare.payments.qof import qof_formula, qof_values
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
    lists = inputs.economy.lists.join(weights, on=["sex", "age_band"], how="left", maintain_order="left")
    if lists["weight_h"].null_count():
        raise PaymentsError("the workload table has no weight for some sex and age band of the registered lists")
    lists = lists.with_columns((pl.col("patients") * pl.col("weight_h")).alias("workload_h"))
    per = practice_sums(lists, ["patients", "workload_h"])
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
        {
            "practice_code": [p.code for p in inputs.economy.practices],
            "ooh_opted_out": [bool(p.ooh_opted_out) for p in inputs.economy.practices],
        },
        schema={"practice_code": pl.String, "ooh_opted_out": pl.Boolean},
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


def national_lines(inputs: PaymentInputs, kept: set[str] | None = None) -> pl.DataFrame:
    """Every line item of the national contract (kept: only these QOF indicators, for a local scheme)."""
    return Contract(inputs).lines(kept)


def _planned(lines: pl.LazyFrame, first: int, months: int) -> pl.LazyFrame:
    return lines.with_columns(pl.lit(first, pl.Int64).alias("PAID_FROM"), pl.lit(months, pl.Int64).alias("PAID_MONTHS"))


class Contract:
    """One year's national contract, each part worked out once and shared by the national and scheme views."""

    def __init__(self, inputs: PaymentInputs):
        self.inputs = inputs
        self._kept: dict[tuple[bool, frozenset[str]], pl.Series] = {}

    def kept_rows(self, kept: set[str], prior: bool = False) -> pl.Series:
        """Which of the QOF values (the year before's, ``prior``) are of the kept indicators: asked once per set, for
        the scheme's kept lines and its released money alike."""
        key = (prior, frozenset(kept))
        if key not in self._kept:
            values = self.prior_qof if prior else self.qof
            self._kept[key] = values["indicator_code"].is_in(sorted(kept))
        return self._kept[key]

    def _values(self, kept: set[str] | None, prior: bool = False) -> pl.DataFrame:
        values = self.prior_qof if prior else self.qof
        return values if kept is None else values.filter(self.kept_rows(kept, prior))

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
    def services(self) -> pl.LazyFrame | None:
        return services_lines(self.inputs, self.lists)

    @cached_property
    def core(self) -> pl.LazyFrame:
        """Global sum (or local contract value), arrears and out-of-hours deduction, with their payment months."""
        return global_sum_lines(self.inputs, self.lists)

    def lines(self, kept: set[str] | None = None) -> pl.DataFrame:
        return self.plan(kept).select(LINE_COLUMNS).collect()

    def cash_plan(self, kept: set[str] | None = None) -> pl.DataFrame:
        return self.plan(kept).collect()

    def plan(self, kept: set[str] | None = None) -> pl.LazyFrame:
        """Every line item with PAID_FROM and PAID_MONTHS (months from April): when its money is paid. Aspiration
        and enhanced services monthly; achievement the June after the year; core lines as global_sum.py plans.

        Lazy: only what the caller selects is worked out (totals by practice never write the QOF formulas)."""
        self._work_out()
        parts = [self.core, *self._qof_lines(kept)]
        if self.services is not None:
            parts.append(_planned(self.services, 1, 12))
        return pl.concat(part.select(PLANNED_COLUMNS) for part in parts).sort("PRACTICE_CODE", maintain_order=True)

    def _work_out(self) -> None:
        """The QOF values (the year's and the year before's) worked out beside the lists, core and services lines:
        they share no step, and either alone leaves one of two cores idle much of the time."""
        if "qof" in self.__dict__:
            return
        with ThreadPoolExecutor(max_workers=1) as side:
            values = side.submit(lambda: (self.qof, self.prior_qof))
            self.inputs.prevalence_by_group()  # first, for the QOF values (and each practice's whole list with it)
            self.core, self.services  # noqa: B018 (cached: worked out here)
            values.result()

    def _qof_lines(self, kept: set[str] | None) -> list[pl.LazyFrame]:
        """The planned lines of each QOF part that has any."""
        inputs = self.inputs
        values = self._values(kept)
        component = "QOF" if inputs.prior is None else "QOF_ACHIEVEMENT"
        indicators = values.lazy().select(
            pl.col("practice_code").alias("PRACTICE_CODE"),
            pl.lit(component).alias("COMPONENT"),
            pl.col("indicator_code").cast(pl.String).alias("ITEM"),
            pl.col("pence").alias("PENCE"),
            qof_formula(inputs.params.qof_price_per_point.value).alias("FORMULA"),
        )
        achievement = [_planned(indicators, ACHIEVEMENT_MONTH, 1)] if values.height else []
        if inputs.prior is None:
            return achievement
        share = inputs.params.qof_aspiration_share.value
        prior = self._values(kept, prior=True).group_by("practice_code").agg(pl.col("pence").sum().alias("prior"))
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
        if not paid.height:
            return achievement
        return [_planned(paid.lazy(), 1, 12), *achievement, _planned(less.lazy(), ACHIEVEMENT_MONTH, 1)]
