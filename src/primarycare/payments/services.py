"""Enhanced services: per patient, per weighted patient or per item, for the practices that take part."""

import polars as pl

from primarycare.payments.errors import PaymentsError
from primarycare.payments.inputs import PaymentInputs
from primarycare.payments.money import fixed_expr, pence_expr


def services_lines(inputs: PaymentInputs, lists: pl.DataFrame) -> pl.LazyFrame | None:
    """Every enhanced service line (None when no practice takes part in any); checked here, written lazily."""
    services = inputs.economy.services
    if services.is_empty():
        return None
    unknown = services.filter(~pl.col("service_code").is_in(sorted(inputs.rates)))
    if unknown.height:
        code, practice = unknown["service_code"][0], unknown["practice_code"][0]
        raise PaymentsError(f"no rate for enhanced service {code} in {inputs.params.year} (practice {practice})")
    rates = pl.DataFrame(
        [(r.code, r.name, r.basis, r.rate.value) for r in inputs.rates.values()],
        schema={"service_code": pl.String, "name": pl.String, "basis": pl.String, "rate": pl.Float64},
        orient="row",
    )
    rows = services.join(rates, on="service_code").join(lists, on="practice_code", how="left")
    missing = rows.filter((pl.col("basis") == "per_item") & pl.col("items").is_null())
    if missing.height:
        raise PaymentsError(
            f"enhanced-services.csv: ITEMS is missing for {missing['service_code'][0]} at "
            f"practice {missing['practice_code'][0]} (a per-item service)"
        )
    units = (
        pl.when(pl.col("basis") == "per_patient")
        .then(pl.col("patients").cast(pl.Float64))
        .when(pl.col("basis") == "per_weighted_patient")
        .then(pl.col("weighted_list"))
        .otherwise(pl.col("items").cast(pl.Float64))
    )
    unit_name = (
        pl.when(pl.col("basis") == "per_patient")
        .then(pl.lit(" patients"))
        .when(pl.col("basis") == "per_weighted_patient")
        .then(pl.lit(" weighted patients"))
        .otherwise(pl.lit(" items"))
    )
    decimals = pl.when(pl.col("basis") == "per_weighted_patient")
    return (
        rows.lazy()
        .select(
            pl.col("practice_code").alias("PRACTICE_CODE"),
            pl.lit("ENHANCED_SERVICE").alias("COMPONENT"),
            pl.col("name").alias("ITEM"),
            pence_expr(units * pl.col("rate")).alias("PENCE"),
            pl.concat_str(
                [
                    decimals.then(fixed_expr(units, 1)).otherwise(fixed_expr(units, 0)),
                    unit_name,
                    pl.lit(" × £"),
                    fixed_expr(pl.col("rate"), 3).str.strip_suffix("0"),
                ]
            ).alias("FORMULA"),
        )
        .sort("PRACTICE_CODE", "ITEM")
    )
