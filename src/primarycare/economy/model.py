"""The entities of a local health economy as frozen dataclasses, and the economy that holds them."""

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import polars as pl

from primarycare.economy.vocabulary import (
    CO_COMMISSIONING_LEVELS,
    CONTRACT_TYPES,
    ERAS,
    is_practice_code,
    parse_year,
)


@dataclass(frozen=True)
class Commissioner:
    """A CCG (before July 2022) or sub-ICB location (after), with the ICB or STP above it."""

    code: str
    name: str
    parent_code: str = ""
    parent_name: str = ""
    co_commissioning_level: str | None = None

    def __post_init__(self) -> None:
        if not self.code:
            raise ValueError("a commissioner needs a code")
        if self.co_commissioning_level not in (None, *CO_COMMISSIONING_LEVELS):
            raise ValueError(f"unknown co-commissioning level {self.co_commissioning_level!r}")


@dataclass(frozen=True)
class Network:
    """A primary care network (or federation) of practices under one commissioner."""

    code: str
    name: str
    commissioner_code: str


@dataclass(frozen=True)
class Practice:
    """A GP practice: its ODS code, who commissions it, its network and its contract."""

    code: str
    name: str
    postcode: str
    commissioner_code: str
    network_code: str | None = None
    contract_type: str | None = None
    ooh_opted_out: bool | None = None
    status: str = "A"

    def __post_init__(self) -> None:
        if not is_practice_code(self.code):
            raise ValueError(f"{self.code!r} is not an ODS practice code (a letter and five digits)")
        if self.contract_type not in (None, *CONTRACT_TYPES):
            raise ValueError(f"unknown contract type {self.contract_type!r}")


@dataclass(frozen=True)
class Economy:
    """One period's economy. The large tables stay as polars frames:

    - ``lists``: practice_code, sex, age_band, patients
    - ``indicators``: indicator_code, description, point_value, group_code, group_description,
      domain_code, domain_description, patient_list_type
    - ``achievement``: practice_code, indicator_code and one column per QOF measure (nulls where not published)
    - ``prevalence``: practice_code, group_code, patient_list_type, register, practice_list_size
    - ``services``: practice_code, service_code, items (enhanced services a practice takes part in)
    """

    year: str
    era: str
    extract_date: str
    commissioners: tuple[Commissioner, ...]
    networks: tuple[Network, ...]
    practices: tuple[Practice, ...]
    lists: pl.DataFrame
    indicators: pl.DataFrame = field(default_factory=pl.DataFrame)
    achievement: pl.DataFrame = field(default_factory=pl.DataFrame)
    prevalence: pl.DataFrame = field(default_factory=pl.DataFrame)
    services: pl.DataFrame = field(default_factory=pl.DataFrame)

    def __post_init__(self) -> None:
        parse_year(self.year)
        if self.era not in ERAS:
            raise ValueError(f"era must be one of {ERAS}, got {self.era!r}")
        known = {c.code for c in self.commissioners}
        for practice in self.practices:
            if practice.commissioner_code not in known:
                raise ValueError(f"practice {practice.code} names unknown commissioner {practice.commissioner_code}")

    @cached_property
    def list_sizes(self) -> pl.DataFrame:
        """practice_code, patients: each practice's whole registered list (of the practices in ``lists``), worked
        out once for the payments that use it."""
        return practice_sums(self.lists, ["patients"])

    @cached_property
    def coded_indicators(self) -> pl.Series | None:
        """The achievement's indicator codes, row by row, as an Enum of the mapping's codes in code order (so they
        sort as the text does): worked out once for the payments, which find indicators by number. None when the
        achievement names an indicator the mapping lacks."""
        if self.achievement.is_empty() or self.indicators.is_empty():
            return None
        coded = indicator_enum(self.indicators, self.achievement["indicator_code"])
        return None if coded.null_count() else coded


def indicator_enum(indicators: pl.DataFrame, codes: pl.Series) -> pl.Series:
    """Indicator codes as an Enum of the mapping's codes (``indicators``) in code order, so that they sort as the
    text does; null where the mapping lacks one."""
    return codes.cast(pl.Enum(indicators["indicator_code"].sort()), strict=False)


def run_starts(codes: pl.Series | pl.Expr) -> pl.Series | pl.Expr:
    """Where each run of equal values starts (the first row, and each row unlike the one before). The values there
    are every value, each once a run: a few thousand practice codes where a file's rows run by practice. A column
    or an expression over one."""
    return codes.ne_missing(codes.shift())


def practice_sums(frame: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    """practice_code and each column's sum per practice. When each practice's rows run together (as a published
    list's do) they are summed run by run (numpy's reduceat: a third of the time of grouping by the codes' text)."""
    codes = frame["practice_code"]
    starts = run_starts(codes)
    heads = codes.filter(starts)
    together = heads.n_unique() == heads.len() and not any(frame[c].null_count() for c in columns)
    if frame.height == 0 or not together:
        return frame.group_by("practice_code", maintain_order=True).agg(pl.col(columns).sum())
    at = starts.arg_true().to_numpy()
    return pl.DataFrame([heads, *(pl.Series(c, np.add.reduceat(frame[c].to_numpy(), at)) for c in columns)])


def in_code_order(frame: pl.DataFrame, starts: pl.Series | None = None) -> bool:
    """Whether the rows (practice_code, indicator_code) run in practice and indicator order, no pair twice: the
    practice codes in order (known at once when polars has them flagged sorted, as the read marks them), then each
    indicator against the one before in its practice's run; cheaper than sorting. starts: the practices'
    run_starts, when the caller has them. Rows with no practice code are not in order."""
    codes = frame["practice_code"]
    if codes.null_count() or not (codes.flags["SORTED_ASC"] or codes.is_sorted()):
        return False
    first = run_starts(codes) if starts is None else starts  # a practice's first row follows any indicator
    indicator = pl.col("indicator_code")
    return frame.select((first | (indicator > indicator.shift(1))).fill_null(True).all()).item()
