"""What needs attention: measures in the worst decile, significant worsening, and the money at stake, most important
first; and how many practices account for half of a measure's variation."""

import polars as pl

from primarycare.measures.definition import Measure

WORST = 10.0  # the worst decile: within 10 percentile points of the bad end


def goodness(low_is_good: pl.Expr) -> pl.Expr:
    """The percentile turned so that 100 is best whichever way the measure runs."""
    return pl.when(low_is_good).then(100 - pl.col("percentile")).otherwise(pl.col("percentile"))


def _measure_frame(measures: tuple[Measure, ...]) -> pl.DataFrame:
    return pl.DataFrame(
        [(m.id, m.name, m.low_is_good, m.money, m.scale, m.unit, m.attention) for m in measures],
        schema={
            "measure": pl.String,
            "name": pl.String,
            "low_is_good": pl.Boolean,
            "money": pl.String,
            "scale": pl.Float64,
            "unit": pl.String,
            "attention": pl.Boolean,
        },
        orient="row",
    )


def latest(values: pl.DataFrame) -> pl.DataFrame:
    """Each measure's values in its latest year."""
    last = values.group_by("measure").agg(pl.col("year").max())
    return values.join(last, on=["measure", "year"])


def needs_attention(
    values: pl.DataFrame,
    changes: pl.DataFrame,
    measures: tuple[Measure, ...],
    codes: dict[str, list[str]] | None,
) -> pl.DataFrame:
    """Items for the organisations asked (codes: kind -> codes; None: every one), latest year of each measure: worst
    decile or significantly worsening, with the money at stake (values' money_gbp, from compute.evaluate); ordered by
    money at stake, then by how many reasons, then by how bad the percentile is."""
    frame = latest(values).join(_measure_frame(measures), on="measure")
    frame = frame.with_columns(goodness(pl.col("low_is_good")).alias("good"))
    if codes is not None:
        wanted = pl.lit(False)
        for kind, chosen in codes.items():
            wanted = wanted | ((pl.col("kind") == kind) & pl.col("code").is_in(chosen))
        frame = frame.filter(wanted)
    worsening = changes.filter(pl.col("change") == "worsening").select(
        "measure", "kind", "code", pl.col("year").alias("worsening_since"), pl.col("size").alias("change_size")
    )
    frame = frame.join(worsening, on=["measure", "kind", "code"], how="left")
    worst = pl.col("good") < WORST
    frame = frame.with_columns(
        worst.fill_null(False).alias("worst_decile"), pl.col("worsening_since").is_not_null().alias("worsening")
    ).filter(pl.col("attention") & (pl.col("worst_decile") | pl.col("worsening")))
    reasons = pl.col("worst_decile").cast(pl.Int8) + pl.col("worsening").cast(pl.Int8)
    return frame.with_columns(reasons.alias("reasons")).sort(
        [pl.col("money_gbp").fill_null(0), "reasons", "good"], descending=[True, True, False]
    )


def half_of_variation(values: pl.DataFrame, low_is_good: bool) -> tuple[int, int]:
    """(how many practices account for half of the variation, how many have a value). A practice's share of the
    variation is its shortfall from the median in the bad direction times its denominator (what it would take to
    bring it to the median); the biggest shortfalls are counted until they make half of the total."""
    present = values.filter(pl.col("value").is_not_null())
    if present.is_empty():
        return 0, 0
    median = present["value"].median()
    distance = (pl.col("value") - median) if low_is_good else (median - pl.col("value"))
    shares = present.select((distance.clip(lower_bound=0) * pl.col("denominator")).alias("s"))["s"]
    ordered = shares.sort(descending=True)
    total = ordered.sum()
    if total <= 0:
        return 0, present.height
    reached = (ordered.cum_sum() >= total / 2).arg_true()
    return int(reached[0]) + 1, present.height


def ranked(values: pl.DataFrame, measures: tuple[Measure, ...]) -> list[dict]:
    """One organisation's measures (not context ones) in their latest year, worst first: measure, value, percentile,
    good (the percentile turned so that 100 is best)."""
    frame = latest(values.filter(pl.col("percentile").is_not_null())).join(_measure_frame(measures), on="measure")
    frame = frame.filter(pl.col("attention")).with_columns(goodness(pl.col("low_is_good")).alias("good"))
    return frame.sort("good", "measure").to_dicts()
