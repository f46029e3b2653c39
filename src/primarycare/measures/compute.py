"""The fast engine: every measure for every practice, network and commissioner and every year at once, as polars
frames. A value is Σ numerator ÷ Σ denominator × the measure's scale (practices' sums for a network or a
commissioner); its percentile is its percent rank among the same kind of organisation that year
(100 × (rank − 1) ÷ (n − 1), ties sharing the lowest rank, as OpenPrescribing does); the deciles are the 10th to
90th percentiles of the values, linearly interpolated."""

import polars as pl

from primarycare.measures.definition import Measure
from primarycare.measures.quantities import QUANTITIES, key

KINDS = ("practice", "network", "commissioner")
DECILES = tuple(range(10, 100, 10))
VALUE_COLUMNS = {
    "measure": pl.String,
    "year": pl.String,
    "kind": pl.String,
    "code": pl.String,
    "numerator": pl.Float64,
    "denominator": pl.Float64,
    "value": pl.Float64,
    "percentile": pl.Float64,
}


def measure_keys(measures: tuple[Measure, ...]) -> pl.DataFrame:
    """measure, numerator key, denominator key, scale, years (null: all)."""
    rows = []
    for m in measures:
        denominator_filter = m.filter if set(m.filter) <= QUANTITIES[m.denominator].filters else {}
        rows.append((m.id, key(m.numerator, m.filter), key(m.denominator, denominator_filter), m.scale, m.years))
    schema = {"measure": pl.String, "num_key": pl.String, "den_key": pl.String, "scale": pl.Float64}
    keys = pl.DataFrame(rows, schema={**schema, "years": pl.List(pl.String)}, orient="row")
    return keys.with_row_index("m")  # an integer for the measure: cheaper to group by than its name


def practice_values(quantities: pl.DataFrame, measures: tuple[Measure, ...]) -> pl.LazyFrame:
    """measure, year, code (the practice), numerator, denominator (both present), scale."""
    keys = measure_keys(measures)
    q = quantities.lazy()
    numerators = keys.lazy().join(q, left_on="num_key", right_on="quantity").rename({"value": "numerator"})
    denominators = q.rename({"quantity": "den_key", "value": "denominator"})
    joined = numerators.join(denominators, on=["den_key", "practice_code", "year"])
    joined = joined.filter(pl.col("years").is_null() | pl.col("years").list.contains(pl.col("year")))
    return joined.select("m", "year", pl.col("practice_code").alias("code"), "numerator", "denominator", "scale")


def compute(quantities: pl.DataFrame, measures: tuple[Measure, ...], practices: pl.DataFrame) -> pl.DataFrame:
    """Every value with its percentile, in no particular order. practices: year, practice_code, network_code,
    commissioner_code."""
    base = practice_values(quantities, measures).collect().lazy()
    parts = [base.with_columns(pl.lit(0, pl.UInt8).alias("k"))]
    members = base.join(practices.lazy(), left_on=["year", "code"], right_on=["year", "practice_code"])
    for number, kind in enumerate(("network", "commissioner"), start=1):
        parts.append(
            members.filter(pl.col(f"{kind}_code").is_not_null())
            .group_by("m", "year", pl.col(f"{kind}_code").alias("code"))
            .agg(pl.col("numerator").sum(), pl.col("denominator").sum(), pl.col("scale").first())
            .with_columns(pl.lit(number, pl.UInt8).alias("k"))
        )
    columns = ("m", "year", "k", "code", "numerator", "denominator", "scale")
    frame = pl.concat([p.select(*columns) for p in parts])
    value = pl.when(pl.col("denominator") > 0).then(pl.col("numerator") / pl.col("denominator") * pl.col("scale"))
    frame = frame.with_columns(value.alias("value"), pl.col("year").str.head(4).cast(pl.Int32).alias("y"))
    group = ("m", "y", "k")
    rank = pl.col("value").rank("min").over(group)
    count = pl.col("value").count().over(group)
    percentile = pl.when(count > 1).then((rank - 1) / (count - 1) * 100).otherwise(pl.lit(0.0))
    frame = frame.with_columns(pl.when(pl.col("value").is_not_null()).then(percentile).alias("percentile"))
    names = measure_keys(measures).select("m", "measure").lazy()
    kinds = pl.LazyFrame({"k": [0, 1, 2], "kind": list(KINDS)}, schema={"k": pl.UInt8, "kind": pl.String})
    return frame.join(names, on="m").join(kinds, on="k").select(*VALUE_COLUMNS).collect()


def deciles(values: pl.DataFrame) -> pl.DataFrame:
    """measure, year, kind, percentile (10..90), value: the lines OpenPrescribing draws."""
    found = (
        values.filter(pl.col("value").is_not_null())
        .group_by("measure", "year", "kind")
        .agg(pl.col("value").quantile(d / 100, "linear").alias(str(d)) for d in DECILES)
    )
    return (
        found.unpivot(index=["measure", "year", "kind"], variable_name="percentile", value_name="value")
        .with_columns(pl.col("percentile").cast(pl.Int64))
        .sort("measure", "kind", "year", "percentile")
    )
