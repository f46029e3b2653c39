"""A synthetic "NHS Payments to General Practice" file, for trying reconciliation without a real one (the demo).

What was "paid" starts from what primarycare computes and is changed by stated mechanisms, each with its parameters
in data/synthetic_paid.toml: lists that move over the year (the published file gives the last known list and pays
each quarter on its own list), QOF paid as cash in the year (this year's aspiration and last year's achievement),
MPIG correction factor payments (until they ended), an enhanced service the loaded data does not list, premises
money primarycare does not compute, and practices that closed or opened. Demo data, never a practice's real pay."""

import math
from pathlib import Path

import numpy as np
import polars as pl

from primarycare.payments.errors import PaymentsError
from primarycare.payments.paid import layout
from primarycare.payments.parameters import read_toml
from primarycare.payments.reconcile import qof_cash_lines

FILE = "synthetic_paid.toml"
SECTIONS = ("lists", "qof", "mpig", "services", "other")
GLOBAL_SUM = ("GLOBAL_SUM", "GLOBAL_SUM_ARREARS", "OOH_DEDUCTION")
PRACTICE_COLUMNS = ("PRACTICE_CODE", "PRACTICE_NAME", "CONTRACT_TYPE", "PATIENTS", "WEIGHTED")
PREMISES = "Premises Payments"
NAME = "Practice Name"
FALLBACK_COLUMN = "Total National Enhanced Services"  # a service with no column of its own in the mapping
OPENED_AT_MOST = 10_000


def paid_parameters(override: Path | None = None) -> tuple[dict, str]:
    """The generator's parameters (a user's file merged over the packaged one) and the label to name them by."""
    data, label = read_toml(FILE, override)
    for section in SECTIONS:
        if not isinstance(data.get(section), dict):
            raise PaymentsError(f"{label}: missing section [{section}]")
        for field in ("source", "year", "verified"):
            if field not in data[section]:
                raise PaymentsError(f"{label}: section [{section}] has no {field!r} (provenance is required)")
    return data, label


def unverified(params: dict) -> list[str]:
    return [section for section in SECTIONS if not params[section]["verified"]]


def paid_practices(context: pl.DataFrame, names: pl.DataFrame) -> pl.DataFrame:
    """PRACTICE_COLUMNS from reconcile.practice_context and the practices' names (PRACTICE_CODE, PRACTICE_NAME)."""
    return context.join(names.select("PRACTICE_CODE", "PRACTICE_NAME"), on="PRACTICE_CODE", how="left").select(
        PRACTICE_COLUMNS
    )


def published_csv(paid: pl.DataFrame) -> bytes:
    """The file's bytes as published: a byte-order mark first, money to the penny."""
    return b"\xef\xbb\xbf" + paid.write_csv(float_precision=2).encode("utf-8")


def _number(params: dict, section: str, field: str, label: str, whole: bool = False, signed: bool = False) -> float:
    value = params[section].get(field)
    number = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    if not number or (value < 0 and not signed) or (whole and value != int(value)):
        kind = ("a whole number" if whole else "a number") + ("" if signed else " of zero or more")
        raise PaymentsError(f"{label}: [{section}] {field} must be {kind}, not {value!r}")
    return float(value)


def _per_practice(lines: pl.DataFrame, codes: list[str], keep: pl.Expr) -> np.ndarray:
    """Pounds per practice (in ``codes`` order) of the lines ``keep`` picks out."""
    sums = lines.filter(keep).group_by("PRACTICE_CODE").agg(pl.col("PENCE").sum())
    frame = pl.DataFrame({"PRACTICE_CODE": codes}).join(sums, on="PRACTICE_CODE", how="left", maintain_order="left")
    return frame["PENCE"].fill_null(0).to_numpy() / 100


def synthetic_paid(
    year: str,
    lines: pl.DataFrame,
    practices: pl.DataFrame,
    params: dict,
    seed: int = 1,
    prior_lines: pl.DataFrame | None = None,
    label: str = FILE,
) -> pl.DataFrame:
    """The year's paid file in the published layout (columns named as published), one row per practice.

    lines: the year's national line items (pence); practices: PRACTICE_COLUMNS; prior_lines: last year's, worked
    out with the year before it, for QOF paid in cash (without them QOF paid is this year's QOF as computed)."""
    spec = layout()
    rng = np.random.default_rng(seed)
    practices = practices.select(PRACTICE_COLUMNS).sort("PRACTICE_CODE")
    codes, count = practices["PRACTICE_CODE"].to_list(), practices.height
    patients = practices["PATIENTS"].fill_null(0).to_numpy().astype(float)
    weighted = practices["WEIGHTED"].fill_null(0.0).to_numpy()
    fields = ("drift_mean_pct", "drift_sd_pct", "large_change_share", "large_change_pct")
    n = {field: _number(params, "lists", field, label, signed=field == "drift_mean_pct") for field in fields}
    drift = rng.normal(n["drift_mean_pct"], n["drift_sd_pct"], count) / 100
    large = rng.random(count) < n["large_change_share"]
    drift = np.where(large, rng.choice([-1.0, 1.0], count) * n["large_change_pct"] / 100, drift)
    drift = np.maximum(drift, -1.0)  # a list shrinks to nothing at most
    columns = {
        spec.practice: codes,
        NAME: practices["PRACTICE_NAME"].to_list(),
        spec.contract_type: practices["CONTRACT_TYPE"].fill_null("").to_list(),
        spec.registered: np.round(patients * (1 + drift)).astype(np.int64),
        spec.weighted: np.round(weighted * (1 + drift), 2),
        # each quarter paid on its own list, the list moving evenly over the year: on average half the year's move
        spec.global_sum: _per_practice(lines, codes, pl.col("COMPONENT").is_in(GLOBAL_SUM)) * (1 + drift / 2),
        spec.mpig: _mpig(year, weighted, params, rng, label),
        spec.qof: _qof(lines, prior_lines, codes, params),
    }
    columns |= _services(lines, codes, patients, params, rng, label)
    low, high = (_number(params, "other", f"premises_gbp_per_patient_{end}", label) for end in ("min", "max"))
    columns[PREMISES] = patients * rng.uniform(low, high, count)
    counts = (spec.practice, NAME, spec.contract_type, spec.registered, spec.weighted)
    money = [name for name in columns if name not in counts]
    frame = pl.DataFrame(columns).with_columns(pl.col(money).round(2))
    frame = frame.with_columns(pl.sum_horizontal(money).round(2).alias(spec.total))
    return _closed_and_opened(frame, spec.practice, params, rng, label)


def _mpig(year: str, weighted: np.ndarray, params: dict, rng, label: str) -> np.ndarray:
    share = _number(params, "mpig", "share", label)
    low, high = (_number(params, "mpig", f"gbp_per_weighted_patient_{end}", label) for end in ("min", "max"))
    paid = (rng.random(weighted.size) < share) * weighted * rng.uniform(low, high, weighted.size)
    return paid if year <= str(params["mpig"].get("last_year", "")) else np.zeros(weighted.size)


def _qof(lines: pl.DataFrame, prior_lines: pl.DataFrame | None, codes: list[str], params: dict) -> np.ndarray:
    """Cash paid in the year (reconcile.qof_cash_lines: this year's aspiration and last year's achievement balance)
    when the cash basis is on and last year's lines allow; else this year's QOF as computed."""
    paid = qof_cash_lines(lines, prior_lines) if params["qof"].get("cash_basis") else lines
    return _per_practice(paid, codes, pl.col("COMPONENT").str.starts_with("QOF"))


def _services(lines, codes, patients, params, rng, label) -> dict[str, np.ndarray]:
    """Each enhanced service in its published column; some practices paid for one the loaded data does not list."""
    where = params["services"].get("columns", {})
    services = lines.filter(pl.col("COMPONENT") == "ENHANCED_SERVICE")
    columns: dict[str, np.ndarray] = {}
    for name in sorted(set(services["ITEM"])):
        column = where.get(name, FALLBACK_COLUMN)
        columns[column] = columns.get(column, 0) + _per_practice(services, codes, pl.col("ITEM") == name)
    share = _number(params, "services", "missing_share", label)
    low, high = (_number(params, "services", f"gbp_per_patient_{end}", label) for end in ("min", "max"))
    missing = str(params["services"].get("missing_column", FALLBACK_COLUMN))
    extra = (rng.random(len(codes)) < share) * patients * rng.uniform(low, high, len(codes))
    columns[missing] = columns.get(missing, 0) + extra
    return columns


def _closed_and_opened(frame: pl.DataFrame, code: str, params: dict, rng, label: str) -> pl.DataFrame:
    """Some practices left out (closed or merged since), some added (opened since: another practice's figures)."""
    closed = int(_number(params, "other", "closed_practices", label, whole=True))
    opened = int(_number(params, "other", "opened_practices", label, whole=True))
    if closed >= frame.height:
        raise PaymentsError(f"{label}: [other] closed_practices {closed} leaves no practice of {frame.height}")
    if opened > OPENED_AT_MOST:  # new codes are drawn from Y00000-Y99999
        raise PaymentsError(f"{label}: [other] opened_practices {opened} is more than {OPENED_AT_MOST:,}")
    leaving = set(rng.choice(frame.height, closed, replace=False).tolist())
    kept = frame.filter(~pl.int_range(pl.len()).is_in(sorted(leaving)))
    taken = set(frame[code])
    new = []
    while len(new) < opened:
        candidate = f"Y{rng.integers(0, 100_000):05d}"
        if candidate not in taken:
            taken.add(candidate)
            new.append(candidate)
    donors = kept.sample(opened, with_replacement=True, seed=int(rng.integers(0, 2**31))) if opened else kept.head(0)
    added = donors.with_columns(pl.Series(code, new, dtype=pl.String), pl.lit("New practice (synthetic)").alias(NAME))
    return pl.concat([kept, added]).sort(code)
