"""Computed against paid: per practice and item, the difference, a flag over a threshold, and the likely reason.

The published file is what was paid in the year. Computed figures are the year's accrual for the global sum (net of
the out-of-hours deduction and with arrears) and enhanced services. QOF is compared as cash paid in the year when
last year's lines are given with their own aspiration split (this year's aspiration, paid monthly, and last year's
achievement less its aspiration, paid the June after it); otherwise as the year's accrual (aspiration plus
achievement), which the paid figure mixes with last year's. The published total holds payments primarycare does not
compute."""

import polars as pl

ITEMS = ("GLOBAL_SUM", "QOF", "ENHANCED_SERVICES", "TOTAL")
RECONCILE_COLUMNS = (
    "PRACTICE_CODE",
    "ITEM",
    "COMPUTED_GBP",
    "PAID_GBP",
    "DIFFERENCE_GBP",
    "DIFFERENCE_PCT",
    "FLAG",
    "REASON",
)
LIST_TOLERANCE = 0.02  # a registered or weighted list this far from the paid file's is a likely reason


def qof_as_cash(lines: pl.DataFrame, prior_lines: pl.DataFrame | None) -> bool:
    """Whether QOF can be compared as cash in the year: this year's aspiration and last year's achievement balance."""
    has = lambda frame, component: frame is not None and component in set(frame["COMPONENT"])  # noqa: E731
    return has(lines, "QOF_ASPIRATION") and has(prior_lines, "QOF_ACHIEVEMENT")


def qof_cash_lines(lines: pl.DataFrame, prior_lines: pl.DataFrame | None) -> pl.DataFrame:
    """The year's lines with QOF as paid in the year when ``prior_lines`` allow (qof_as_cash): this year's
    achievement is paid next June, last year's (less its aspiration) this June. Otherwise the lines unchanged."""
    if not qof_as_cash(lines, prior_lines):
        return lines
    achievement = pl.col("COMPONENT") == "QOF_ACHIEVEMENT"
    return pl.concat([lines.filter(~achievement), prior_lines.filter(achievement).select(lines.columns)])


def computed_items(lines: pl.DataFrame, prior_lines: pl.DataFrame | None = None) -> pl.DataFrame:
    """PRACTICE_CODE, ITEM, COMPUTED_GBP from the national line items (pence) for the year's practices; QOF as cash
    in the year when ``prior_lines`` allow (qof_cash_lines)."""
    practices = lines.select("PRACTICE_CODE").unique()
    lines = qof_cash_lines(lines, prior_lines)
    component = pl.col("COMPONENT")
    item = (
        pl.when(component.is_in(["GLOBAL_SUM", "GLOBAL_SUM_ARREARS", "OOH_DEDUCTION"]))
        .then(pl.lit("GLOBAL_SUM"))
        .when(component.str.starts_with("QOF"))
        .then(pl.lit("QOF"))
        .when(component == "ENHANCED_SERVICE")
        .then(pl.lit("ENHANCED_SERVICES"))
        .otherwise(pl.lit(None))
    )
    parts = lines.with_columns(item.alias("ITEM"))
    per_item = parts.filter(pl.col("ITEM").is_not_null()).group_by("PRACTICE_CODE", "ITEM").agg(pl.col("PENCE").sum())
    total = lines.group_by("PRACTICE_CODE").agg(pl.col("PENCE").sum()).with_columns(pl.lit("TOTAL").alias("ITEM"))
    grid = practices.join(pl.DataFrame({"ITEM": list(ITEMS)}), how="cross")
    found = pl.concat([per_item, total.select("PRACTICE_CODE", "ITEM", "PENCE")])
    return grid.join(found, on=["PRACTICE_CODE", "ITEM"], how="left").select(
        "PRACTICE_CODE", "ITEM", (pl.col("PENCE").fill_null(0) / 100).alias("COMPUTED_GBP")
    )


def paid_items(paid: pl.DataFrame) -> pl.DataFrame:
    columns = {"GLOBAL_SUM": "global_sum", "QOF": "qof", "ENHANCED_SERVICES": "enhanced", "TOTAL": "total"}
    return pl.concat(
        paid.select(
            pl.col("practice_code").alias("PRACTICE_CODE"), pl.lit(item).alias("ITEM"), pl.col(column).alias("PAID_GBP")
        )
        for item, column in columns.items()
    )


def reconcile(
    lines: pl.DataFrame,
    practices: pl.DataFrame,
    paid: pl.DataFrame,
    threshold_pct: float = 5.0,
    prior_lines: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """practices: PRACTICE_CODE, PATIENTS, WEIGHTED, CONTRACT_BASIS, CONTRACT_TYPE (ours); prior_lines: last year's
    national lines, worked out with the year before it, to compare QOF as cash. Returns RECONCILE_COLUMNS, practices
    in only one of the two listed with the other side blank."""
    cash = qof_as_cash(lines, prior_lines)
    computed = computed_items(lines, prior_lines)
    rows = computed.join(paid_items(paid), on=["PRACTICE_CODE", "ITEM"], how="full", coalesce=True)
    difference = (pl.col("COMPUTED_GBP") - pl.col("PAID_GBP")).round(2)
    pct = pl.when(pl.col("PAID_GBP") != 0).then((difference / pl.col("PAID_GBP").abs() * 100).round(1))
    one_sided = pl.col("COMPUTED_GBP").is_null() | pl.col("PAID_GBP").is_null()
    off = pl.when(pl.col("PAID_GBP") == 0).then(difference.abs() >= 1).otherwise(pct.abs() > threshold_pct)
    rows = rows.with_columns(
        pl.col("COMPUTED_GBP").round(2),
        pl.col("PAID_GBP").round(2),
        difference.alias("DIFFERENCE_GBP"),
        pct.alias("DIFFERENCE_PCT"),
        pl.when(one_sided | off).then(pl.lit("Y")).otherwise(pl.lit("N")).alias("FLAG"),
    )
    context = {r["PRACTICE_CODE"]: r for r in practices.iter_rows(named=True)}
    published = {r["practice_code"]: r for r in paid.iter_rows(named=True)}
    reasons = [
        reason(item, context.get(code), published.get(code), computed, paid, cash) if flag == "Y" else ""
        for code, item, flag, computed, paid in rows.select(
            "PRACTICE_CODE", "ITEM", "FLAG", "COMPUTED_GBP", "PAID_GBP"
        ).iter_rows()
    ]
    order = pl.col("ITEM").replace_strict({item: i for i, item in enumerate(ITEMS)}, return_dtype=pl.Int64)
    return (
        rows.with_columns(pl.Series("REASON", reasons, dtype=pl.String))
        .sort("PRACTICE_CODE", order)
        .select(RECONCILE_COLUMNS)
    )


def _far(ours: float | None, theirs: float | None) -> bool:
    return ours is not None and theirs is not None and theirs > 0 and abs(ours - theirs) / theirs > LIST_TOLERANCE


def reason(
    item: str,
    ours: dict | None,
    theirs: dict | None,
    computed: float | None = None,
    paid: float | None = None,
    qof_cash: bool = False,
) -> str:
    """The likely reasons for one flagged difference, most likely first (for the global sum, its £ per weighted
    patient computed and paid: the rate once the lists are set aside)."""
    if ours is None:
        return "in the paid file only: not in the loaded economy (opened or merged since, or another year's list)"
    if theirs is None:
        return "computed only: not in the paid file (closed, merged, or a different year's file)"
    found = []
    paid_type = (theirs.get("contract_type") or "").upper()
    if paid_type and paid_type != (ours.get("CONTRACT_TYPE") or "") and item in ("GLOBAL_SUM", "TOTAL"):
        found.append(f"contract type: paid as {paid_type}, {ours.get('CONTRACT_TYPE') or 'not given'} here")
    if ours.get("CONTRACT_BASIS", "").startswith("GMS-equivalent") and item in ("GLOBAL_SUM", "TOTAL"):
        found.append(f"{ours['CONTRACT_BASIS']}: computed on the GMS formula, give the local contract (--contracts)")
    if _far(ours.get("PATIENTS"), theirs.get("registered")):
        found.append(f"list size change: {theirs['registered']:,.0f} registered when paid, {ours['PATIENTS']:,} loaded")
    if item == "GLOBAL_SUM" and _far(ours.get("WEIGHTED"), theirs.get("weighted")):
        found.append(
            f"weighted list: {theirs['weighted']:,.0f} when paid, {ours['WEIGHTED']:,.0f} used (load --weighted-lists)"
        )
    if item == "GLOBAL_SUM" and (rates := _per_weighted(ours.get("WEIGHTED"), theirs.get("weighted"), computed, paid)):
        found.append(f"£{rates[0]:,.2f} per weighted patient computed, £{rates[1]:,.2f} paid")
    if item == "GLOBAL_SUM" and (theirs.get("mpig") or 0) > 0:
        found.append(f"MPIG correction factor £{theirs['mpig']:,.2f} paid")
    if item == "ENHANCED_SERVICES" and not ours.get("SERVICES"):
        found.append("missing service data: no enhanced services loaded for this practice")
    elif item == "ENHANCED_SERVICES":
        found.append("enhanced services differ: check the services and items loaded")
    if item == "QOF" and qof_cash:
        found.append(
            "QOF compared as paid in the year (this year's aspiration, last year's achievement balance): a late or "
            "corrected achievement payment, or another aspiration"
        )
    elif item == "QOF":
        found.append(
            "QOF paid in the year mixes last year's achievement with this year's aspiration (with the two years "
            "before loaded, --db, QOF is compared as cash)"
        )
    if item == "TOTAL":
        found.append("the paid total includes premises, IT, dispensing, PCN and other payments not computed here")
    return "; ".join(found)


def _per_weighted(used, published, computed, paid) -> tuple[float, float] | None:
    """(computed, paid) global sum per weighted patient, when both lists and both amounts are known."""
    if not used or not published or computed is None or paid is None:
        return None
    return computed / used, paid / published


def global_sum_rates(rows: pl.DataFrame, practices: pl.DataFrame, paid: pl.DataFrame) -> pl.DataFrame:
    """Per practice in both files: the global sum per weighted patient computed (on the weighted list used) and paid
    (on the paid file's last known weighted list), and the difference in %: whether the rate or the list differs."""
    sums = rows.filter(
        pl.col("ITEM") == "GLOBAL_SUM", pl.col("COMPUTED_GBP").is_not_null(), pl.col("PAID_GBP").is_not_null()
    )
    lists = paid.select(pl.col("practice_code").alias("PRACTICE_CODE"), pl.col("weighted").alias("PAID_WEIGHTED"))
    both = sums.join(practices.select("PRACTICE_CODE", "WEIGHTED"), on="PRACTICE_CODE").join(lists, on="PRACTICE_CODE")
    computed = pl.when(pl.col("WEIGHTED") > 0).then(pl.col("COMPUTED_GBP") / pl.col("WEIGHTED"))
    published = pl.when(pl.col("PAID_WEIGHTED") > 0).then(pl.col("PAID_GBP") / pl.col("PAID_WEIGHTED"))
    return both.select(
        "PRACTICE_CODE",
        pl.col("WEIGHTED").round(1).alias("WEIGHTED_USED"),
        "PAID_WEIGHTED",
        computed.round(2).alias("COMPUTED_GBP_PER_WEIGHTED_PATIENT"),
        published.round(2).alias("PAID_GBP_PER_WEIGHTED_PATIENT"),
        ((computed - published) / published * 100).round(1).alias("DIFFERENCE_PCT"),
    ).sort("PRACTICE_CODE")


def summary(rows: pl.DataFrame) -> pl.DataFrame:
    """Per item: practices compared, flagged, in one file only, and the totals computed and paid."""
    return (
        rows.group_by("ITEM")
        .agg(
            (pl.col("COMPUTED_GBP").is_not_null() & pl.col("PAID_GBP").is_not_null()).sum().alias("PRACTICES_COMPARED"),
            (pl.col("FLAG") == "Y").sum().alias("FLAGGED"),
            pl.col("PAID_GBP").is_null().sum().alias("COMPUTED_ONLY"),
            pl.col("COMPUTED_GBP").is_null().sum().alias("PAID_ONLY"),
            pl.col("COMPUTED_GBP").sum().round(2),
            pl.col("PAID_GBP").sum().round(2),
        )
        .with_columns((pl.col("COMPUTED_GBP") - pl.col("PAID_GBP")).round(2).alias("DIFFERENCE_GBP"))
        .sort(pl.col("ITEM").replace_strict({item: i for i, item in enumerate(ITEMS)}, return_dtype=pl.Int64))
    )


def practice_context(inputs, lists: pl.DataFrame, basis: pl.DataFrame) -> pl.DataFrame:
    """What the reasons need about each loaded practice: list, weighted list used (the latest published quarter
    where given, else the estimate), contract basis and type, enhanced services loaded."""
    weighted = lists.select("practice_code", "patients", pl.col("weighted_list").alias("weighted"))
    if inputs.weighted_lists is not None and inputs.weighted_lists.height:
        latest = (
            inputs.weighted_lists.sort("quarter_start")
            .group_by("practice_code")
            .agg(pl.col("weighted").last().alias("published"))
        )
        weighted = weighted.join(latest, on="practice_code", how="left").with_columns(
            pl.coalesce("published", "weighted").alias("weighted")
        )
    services = inputs.economy.services
    counts = (
        services.group_by("practice_code").agg(pl.len().alias("SERVICES"))
        if not services.is_empty()
        else pl.DataFrame(schema={"practice_code": pl.String, "SERVICES": pl.UInt32})
    )
    types = pl.DataFrame(
        [(p.code, p.contract_type) for p in inputs.economy.practices],
        schema={"practice_code": pl.String, "CONTRACT_TYPE": pl.String},
        orient="row",
    )
    return (
        types.join(weighted, on="practice_code", how="left")
        .join(counts, on="practice_code", how="left")
        .join(basis.rename({"PRACTICE_CODE": "practice_code"}), on="practice_code", how="left")
        .select(
            pl.col("practice_code").alias("PRACTICE_CODE"),
            pl.col("patients").fill_null(0).alias("PATIENTS"),
            pl.col("weighted").alias("WEIGHTED"),
            "CONTRACT_BASIS",
            "CONTRACT_TYPE",
            pl.col("SERVICES").fill_null(0),
        )
    )
