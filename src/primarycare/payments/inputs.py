"""Everything one payment calculation needs, gathered once: the economy, the year's parameters and the options."""

from dataclasses import dataclass
from functools import cached_property

import polars as pl

from primarycare.economy.model import Economy
from primarycare.payments.parameters import YearParameters
from primarycare.payments.protection import Protection
from primarycare.payments.rates import ServiceRate

INDEX_COLUMNS = ("needs", "turnover", "care_homes", "market_forces", "rurality")
LINE_COLUMNS = ("PRACTICE_CODE", "COMPONENT", "ITEM", "PENCE", "FORMULA")
COMPONENTS = (
    "GLOBAL_SUM",
    "GLOBAL_SUM_ARREARS",
    "OOH_DEDUCTION",
    "QOF_ASPIRATION",
    "QOF_ACHIEVEMENT",
    "QOF",
    "ENHANCED_SERVICE",
    "LOCAL_SCHEME",
)


@dataclass(frozen=True)
class PaymentInputs:
    """economy: with QOF data. indices: practice_code and any of INDEX_COLUMNS (missing ones are 1.0).
    national_prevalence: group code -> fraction of the list (default: from the economy's PREVALENCE data).
    prior: last year's inputs, for the aspiration payment. round_factors: round CPI and APDF to this many places
    (the published worked examples do; the default keeps full precision). thresholds: indicator -> (lower %, upper %)
    whose points are worked out from NUMERATOR / DENOMINATOR instead of taken from ACHIEVED_POINTS (a scheme's).
    weighted_lists: practice_code, quarter_start, weighted (the practices' own quarterly Carr-Hill lists, in place of
    the estimate). local_contracts: PMS/APMS contract values (files.read_local_contracts). protection: QOF income
    protection for the year."""

    economy: Economy
    params: YearParameters
    rates: dict[str, ServiceRate]
    indices: pl.DataFrame | None = None
    national_prevalence: dict[str, float] | None = None
    prior: "PaymentInputs | None" = None
    round_factors: int | None = None
    thresholds: dict[str, tuple[float, float]] | None = None
    weighted_lists: pl.DataFrame | None = None
    local_contracts: pl.DataFrame | None = None
    protection: Protection | None = None

    def prevalence_by_group(self) -> dict[str, float]:
        """Given national prevalence, or (labelled as such by the callers) the loaded practices': each register's
        total over the total of the same practices' whole registered lists."""
        return dict(self._prevalence_by_group)

    @cached_property
    def _prevalence_by_group(self) -> dict[str, float]:  # worked out once (Contract works it out ahead of QOF)
        if self.national_prevalence is not None:
            return dict(self.national_prevalence)
        prevalence = self.economy.prevalence
        if prevalence.is_empty():
            return {}
        lists = self.economy.list_sizes
        totals = (
            prevalence.join(lists, on="practice_code", how="left")
            .group_by("group_code")
            .agg(pl.col("register").sum(), pl.col("patients").fill_null(0).sum())
        )
        return {g: r / s for g, r, s in totals.iter_rows() if s > 0}


def with_gbp(lines: pl.DataFrame, basis: pl.DataFrame | None = None) -> pl.DataFrame:
    """The published table: pounds to the penny in place of pence (and each practice's CONTRACT_BASIS, given)."""
    table = lines.select("PRACTICE_CODE", "COMPONENT", "ITEM", (pl.col("PENCE") / 100).alias("AMOUNT_GBP"), "FORMULA")
    if basis is None:
        return table
    return table.join(basis, on="PRACTICE_CODE", how="left", maintain_order="left")
