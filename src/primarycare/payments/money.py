"""Rounding and number formats shared by the fast engine (polars expressions) and the reference (plain Python).

Both round the same way, so they agree to the penny: half a penny rounds away from zero,
pence = sign(x) * floor(|x| * 100 + 0.5 + HALF_PENNY_TOLERANCE). Money worked out from decimal figures (£104.73 x a
whole weighted list x 3 / 12) often comes to an exact half penny, which binary floating point holds a hair above or
below, and the two engines' products can land an ulp apart (polars divides a column by a number as a product with
its reciprocal): the tolerance, a millionth of a penny, far above that error (an ulp of £10 million is an eighth of
a millionth of a penny) and far below any amount that is not a half, sends every such half the same way in both.
"""

import math

import polars as pl

HALF_PENNY_TOLERANCE = 1e-6  # of a penny


def pence(value: float) -> int:
    return int(math.copysign(math.floor(abs(value) * 100 + (0.5 + HALF_PENNY_TOLERANCE)), value))


def pence_expr(expr: pl.Expr) -> pl.Expr:
    return ((expr.abs() * 100 + (0.5 + HALF_PENNY_TOLERANCE)).floor() * expr.sign()).cast(pl.Int64)


SHARE_SCALE = 1_000_000


def share_of(amount_pence: int, share: float) -> int:
    """A share (e.g. 4.75%) of a whole number of pence, in exact integer arithmetic, half a penny up."""
    return (amount_pence * round(share * SHARE_SCALE) + SHARE_SCALE // 2) // SHARE_SCALE


def share_of_expr(amount_pence: pl.Expr, share: float | pl.Expr) -> pl.Expr:
    """share_of for a column of pence; ``share`` is one number or a column of them (one per row)."""
    per_row = isinstance(share, pl.Expr)
    scaled = (share * SHARE_SCALE).round(0).cast(pl.Int64) if per_row else round(share * SHARE_SCALE)
    return (amount_pence.cast(pl.Int64) * scaled + SHARE_SCALE // 2) // SHARE_SCALE


def fixed(value: float, decimals: int) -> str:
    return f"{value:.{decimals}f}"


def fixed_expr(expr: pl.Expr, decimals: int) -> pl.Expr:
    """A number as text with exactly ``decimals`` places (numbers here are never negative)."""
    scaled = (expr * 10**decimals).round(0).cast(pl.Int64)
    whole = (scaled // 10**decimals).cast(pl.String)
    if decimals == 0:
        return whole
    return pl.concat_str([whole, pl.lit("."), (scaled % 10**decimals).cast(pl.String).str.zfill(decimals)])


def points_text(points: float) -> str:
    """29 -> '29', 27.69 -> '27.69'."""
    return f"{points:.0f}" if points == int(points) else f"{points:.2f}"


def written_once(expr: pl.Expr, write) -> pl.Expr:
    """A column as text, ``write`` applied to each distinct value once and looked up (a column of QOF points, or of
    each practice's CPI, repeats a few thousand values over hundreds of thousands of rows)."""
    distinct = expr.unique(maintain_order=True)
    return expr.replace_strict(distinct, write(distinct), return_dtype=pl.String)


def points_expr(expr: pl.Expr) -> pl.Expr:
    """points_text for a column."""
    return written_once(expr, lambda d: pl.when(d == d.floor()).then(fixed_expr(d, 0)).otherwise(fixed_expr(d, 2)))


def gbp(value_pence: int) -> str:
    return f"£{value_pence / 100:.2f}"


def gbp_expr(pence_column: pl.Expr) -> pl.Expr:
    return pl.concat_str([pl.lit("£"), fixed_expr(pence_column / 100, 2)])
