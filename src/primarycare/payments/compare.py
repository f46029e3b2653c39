"""National contract against a local scheme, per practice and per commissioner, in pounds and per head."""

import polars as pl

from primarycare.economy.model import Economy

_FIELDS = {
    "PRACTICE_CODE": "code",
    "PRACTICE_NAME": "name",
    "COMMISSIONER_CODE": "commissioner_code",
    "NETWORK_CODE": "network_code",
}


def practice_frame(economy: Economy) -> pl.DataFrame:
    practices = pl.DataFrame(  # column by column: a third of the time of row by row
        {column: [getattr(p, field) for p in economy.practices] for column, field in _FIELDS.items()},
        schema=dict.fromkeys(_FIELDS, pl.String),
    )
    patients = economy.list_sizes.rename({"practice_code": "PRACTICE_CODE", "patients": "PATIENTS"})
    return practices.join(patients, on="PRACTICE_CODE", how="left").with_columns(pl.col("PATIENTS").fill_null(0))


def compare_practices(
    economy: Economy,
    national: pl.DataFrame | pl.LazyFrame,
    scheme: pl.DataFrame | pl.LazyFrame,
    inside: set[str],
    basis: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Per practice: national and scheme totals, difference, per head; CONTRACT_BASIS last when ``basis`` is given.
    The lines may be lazy (Contract.plan, scheme_plan): only their practices and pence are then worked out."""
    frame = practice_frame(economy).lazy()  # one query: both totals worked out together, then joined
    for lines, name in ((national, "national"), (scheme, "scheme")):
        total = lines.lazy().group_by("PRACTICE_CODE").agg(pl.col("PENCE").sum().alias(name))
        frame = frame.join(total, on="PRACTICE_CODE", how="left").with_columns(pl.col(name).fill_null(0))
    per_head = lambda column: pl.when(pl.col("PATIENTS") > 0).then(  # noqa: E731
        (pl.col(column) / pl.col("PATIENTS") / 100).round(2)
    )
    table = (
        frame.select(
            "PRACTICE_CODE",
            "PRACTICE_NAME",
            "COMMISSIONER_CODE",
            "NETWORK_CODE",
            pl.col("PRACTICE_CODE").is_in(sorted(inside)).alias("IN_SCHEME"),
            "PATIENTS",
            (pl.col("national") / 100).alias("NATIONAL_GBP"),
            (pl.col("scheme") / 100).alias("SCHEME_GBP"),
            ((pl.col("scheme") - pl.col("national")) / 100).alias("DIFFERENCE_GBP"),
            per_head("national").alias("NATIONAL_PER_HEAD_GBP"),
            per_head("scheme").alias("SCHEME_PER_HEAD_GBP"),
            pl.when(pl.col("PATIENTS") > 0)
            .then(((pl.col("scheme") - pl.col("national")) / pl.col("PATIENTS") / 100).round(2))
            .alias("DIFFERENCE_PER_HEAD_GBP"),
        )
        .sort("PRACTICE_CODE")
        .collect()
    )
    if basis is None:
        return table
    return table.join(basis, on="PRACTICE_CODE", how="left", maintain_order="left")


def compare_groups(comparison: pl.DataFrame, by: str = "COMMISSIONER_CODE") -> pl.DataFrame:
    """Totals per commissioner (or network, or any column naming a group)."""
    return (
        comparison.group_by(by)
        .agg(
            pl.len().alias("PRACTICES"),
            pl.col("IN_SCHEME").sum().alias("IN_SCHEME"),
            pl.col("PATIENTS").sum(),
            pl.col("NATIONAL_GBP").sum().round(2),
            pl.col("SCHEME_GBP").sum().round(2),
            pl.col("DIFFERENCE_GBP").sum().round(2),
        )
        .with_columns(
            (pl.col("NATIONAL_GBP") / pl.col("PATIENTS")).round(2).alias("NATIONAL_PER_HEAD_GBP"),
            (pl.col("SCHEME_GBP") / pl.col("PATIENTS")).round(2).alias("SCHEME_PER_HEAD_GBP"),
        )
        .sort(by)
    )
