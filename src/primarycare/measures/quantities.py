"""The quantities a measure may divide: each derived by a stated rule from data primarycare holds (registered lists,
QOF achievement, the payments module's national contract, out-of-hours cases and post-event messages).

Every builder returns the same long frame, one row per practice, year and quantity key:
practice_code, year, quantity, value. A key is the quantity's name, with a filter after a bar where one applies
(``qof_achieved_points|domain=CL``)."""

from dataclasses import dataclass
from datetime import UTC, datetime

import polars as pl

from primarycare.economy.calendar import next_working_day_at
from primarycare.economy.vocabulary import age_band_lower


@dataclass(frozen=True)
class Quantity:
    description: str
    filters: frozenset[str] = frozenset()


QUANTITIES: dict[str, Quantity] = {
    "qof_achieved_points": Quantity("QOF points achieved (sum over indicators)", frozenset({"domain"})),
    "qof_maximum_points": Quantity("QOF points available (sum of the indicators' points)", frozenset({"domain"})),
    "qof_exceptions": Quantity("patients excepted (PCAs) from QOF indicators' denominators", frozenset({"domain"})),
    "qof_eligible": Quantity(
        "patients in QOF denominators before exceptions (denominator + PCAs)", frozenset({"domain"})
    ),
    "list_patients": Quantity("registered patients (the latest list loaded at or before the year)"),
    "list_patients_75_plus": Quantity("registered patients aged 75 or over"),
    "list_patients_previous": Quantity("registered patients in the year before"),
    "list_change": Quantity("registered patients this year less the year before"),
    "payments_gbp": Quantity("national contract payments for the year (£, the payments module)"),
    "qof_gbp": Quantity("QOF payments for the year (£: aspiration and achievement, the payments module)"),
    "weighted_patients": Quantity("weighted list (age/sex and other indices, the payments module)"),
    "ooh_cases": Quantity("out-of-hours cases received in the year for the practice's patients"),
    "ooh_ae_referrals": Quantity("out-of-hours cases closed as referred to A&E"),
    "ooh_closed_cases": Quantity("out-of-hours cases closed in the year (each owes the practice a message)"),
    "messages_on_time": Quantity(
        "closed cases whose post-event message reached the practice by 08:00 next working day"
    ),
    "simulated_same_day_needs": Quantity(
        "same-day needs of the practice's patients in a simulated year (the latest stored run of the year)"
    ),
    "simulated_failed_access": Quantity(
        "simulated same-day needs that found no appointment (the latest stored run of the year)"
    ),
}
COLUMNS = {"practice_code": pl.String, "year": pl.String, "quantity": pl.String, "value": pl.Float64}


def key(name: str, filters: dict | None = None) -> str:
    return name + "".join(f"|{k}={v}" for k, v in sorted((filters or {}).items()))


def empty() -> pl.DataFrame:
    return pl.DataFrame(schema=COLUMNS)


def _long(frame: pl.DataFrame, year: str, names: dict[str, str]) -> pl.DataFrame:
    """From one column per quantity to the long frame; names maps column -> quantity key."""
    if frame.is_empty():
        return empty()
    return (
        frame.select("practice_code", *(pl.col(c).cast(pl.Float64).alias(k) for c, k in names.items()))
        .unpivot(index="practice_code", variable_name="quantity", value_name="value")
        .with_columns(pl.lit(year).alias("year"))
        .select(*COLUMNS)
    )


def list_quantities(year: str, lists: pl.DataFrame, prior_lists: pl.DataFrame | None) -> pl.DataFrame:
    """Registered patients, those aged 75+, and the change from the year before (when that year is loaded)."""
    old = [band for band in lists["age_band"].unique().to_list() if age_band_lower(band) >= 75]
    per = lists.group_by("practice_code").agg(
        pl.col("patients").sum().alias("list_patients"),
        pl.col("patients").filter(pl.col("age_band").is_in(old)).sum().alias("list_patients_75_plus"),
    )
    names = {"list_patients": "list_patients", "list_patients_75_plus": "list_patients_75_plus"}
    if prior_lists is not None:
        before = prior_lists.group_by("practice_code").agg(pl.col("patients").sum().alias("list_patients_previous"))
        per = per.join(before, on="practice_code", how="left").with_columns(
            (pl.col("list_patients") - pl.col("list_patients_previous")).alias("list_change")
        )
        names |= {"list_patients_previous": "list_patients_previous", "list_change": "list_change"}
    return _long(per, year, names)


def qof_quantities(year: str, indicators: pl.DataFrame, achievement: pl.DataFrame) -> pl.DataFrame:
    """Points achieved and available, exceptions and eligible patients: over all indicators and per domain.
    A practice's available points are those of the indicators it reports on."""
    rows = achievement.join(
        indicators.select("indicator_code", "point_value", "domain_code"), on="indicator_code", how="inner"
    ).with_columns((pl.col("denominator") + pl.col("pcas")).alias("eligible"))
    sums = {
        "qof_achieved_points": pl.col("achieved_points").sum(),
        "qof_maximum_points": pl.col("point_value").sum(),
        # exceptions only where the data has them (PCAs are missing in some years' files)
        "qof_exceptions": pl.when(pl.col("pcas").is_not_null().any()).then(pl.col("pcas").sum()),
        "qof_eligible": pl.when(pl.col("pcas").is_not_null().any()).then(pl.col("eligible").sum()),
    }
    parts = [_long(rows.group_by("practice_code").agg(**sums), year, {k: k for k in sums})]
    by_domain = rows.group_by("practice_code", "domain_code").agg(**sums)
    for (domain,), part in by_domain.partition_by("domain_code", as_dict=True).items():
        parts.append(_long(part, year, {k: key(k, {"domain": domain}) for k in sums}))
    return pl.concat(parts).drop_nulls("value")


def payment_quantities(year: str, lines: pl.DataFrame, lists: pl.DataFrame) -> pl.DataFrame:
    """From the payments module: line items (PENCE) and practice lists (weighted_list)."""
    per = lines.group_by(pl.col("PRACTICE_CODE").alias("practice_code")).agg(
        (pl.col("PENCE").sum() / 100).alias("payments_gbp"),
        (pl.col("PENCE").filter(pl.col("COMPONENT").str.starts_with("QOF")).sum() / 100).alias("qof_gbp"),
    )
    per = per.join(
        lists.select("practice_code", pl.col("weighted_list").alias("weighted_patients")), on="practice_code"
    )
    return _long(per, year, {c: c for c in ("payments_gbp", "qof_gbp", "weighted_patients")})


def gbp_per_point(quantities: pl.DataFrame) -> pl.DataFrame:
    """practice_code, year, gbp_per_point: the practice's QOF payments over its achieved points (payments module),
    which turns a shortfall in points into money at stake."""
    wide = quantities.filter(pl.col("quantity").is_in(["qof_gbp", "qof_achieved_points"])).pivot(
        on="quantity", index=["practice_code", "year"], values="value"
    )
    if not {"qof_gbp", "qof_achieved_points"} <= set(wide.columns):
        return pl.DataFrame(schema={"practice_code": pl.String, "year": pl.String, "gbp_per_point": pl.Float64})
    per = pl.when(pl.col("qof_achieved_points") > 0).then(pl.col("qof_gbp") / pl.col("qof_achieved_points"))
    return wide.select("practice_code", "year", per.alias("gbp_per_point")).drop_nulls()


def financial_year(instant: datetime) -> str:
    start = instant.year if instant.month >= 4 else instant.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def ooh_quantities(cases: pl.DataFrame, message_hour: int = 8) -> pl.DataFrame:
    """cases: practice_code, received_at, closed_at, outcome, message_at (UTC, naive). Counted by the financial year
    of receipt (cases) or of closure (referrals, messages); a message is on time when it reached the practice by
    08:00 UK time on the next working day after the close (the post_event_message clock)."""
    if cases.is_empty():
        return empty()

    def deadline_of(at: datetime) -> datetime:
        return next_working_day_at(at.replace(tzinfo=UTC), message_hour).astimezone(UTC).replace(tzinfo=None)

    deadline = pl.col("closed_at").map_elements(deadline_of, pl.Datetime("us"))
    cases = cases.with_columns(
        pl.col("received_at").map_elements(financial_year, pl.String).alias("received_year"),
        pl.col("closed_at").map_elements(financial_year, pl.String).alias("closed_year"),
        (pl.col("message_at") <= deadline).fill_null(False).alias("on_time"),
    )
    received = cases.group_by("practice_code", pl.col("received_year").alias("year")).agg(
        pl.len().cast(pl.Float64).alias("ooh_cases")
    )
    closed = (
        cases.filter(pl.col("closed_at").is_not_null())
        .group_by("practice_code", pl.col("closed_year").alias("year"))
        .agg(
            (pl.col("outcome") == "referred_to_ae").sum().cast(pl.Float64).alias("ooh_ae_referrals"),
            pl.len().cast(pl.Float64).alias("ooh_closed_cases"),
            pl.col("on_time").sum().cast(pl.Float64).alias("messages_on_time"),
        )
    )
    return pl.concat(
        [
            frame.unpivot(index=["practice_code", "year"], variable_name="quantity", value_name="value").select(
                *COLUMNS
            )
            for frame in (received, closed)
        ]
    )


def simulation_quantities(runs: pl.DataFrame) -> pl.DataFrame:
    """From the latest stored simulation run of each year: year, practice_code, same_day_needs, failed_access."""
    names = {"same_day_needs": "simulated_same_day_needs", "failed_access": "simulated_failed_access"}
    parts = [_long(runs.filter(pl.col("year") == year), year, names) for year in runs["year"].unique().sort()]
    return pl.concat(parts) if parts else empty()


def carry_lists_forward(quantities: pl.DataFrame) -> pl.DataFrame:
    """A year with out-of-hours counts but no registered list (cases run past the latest loaded economy) takes the
    latest list loaded before it, so that rates per 1,000 patients can be drawn."""
    lists = quantities.filter(pl.col("quantity") == "list_patients")
    have = set(lists["year"].unique().to_list())
    wanted = sorted(set(quantities["year"].unique().to_list()) - have)
    extra = []
    for year in wanted:
        earlier = sorted(y for y in have if y < year)
        if earlier:
            extra.append(lists.filter(pl.col("year") == earlier[-1]).with_columns(pl.lit(year).alias("year")))
    return pl.concat([quantities, *extra]) if extra else quantities
