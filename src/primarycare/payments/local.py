"""A local scheme applied to the economy: kept national indicators, released QOF money paid against local goals,
and new per-head investment. Practices outside the scheme keep their national lines."""

from dataclasses import replace

import polars as pl

from primarycare.economy.model import Economy, practice_sums, run_starts
from primarycare.economy.vocabulary import age_band_lower, previous_year
from primarycare.payments.errors import PaymentsError
from primarycare.payments.inputs import LINE_COLUMNS, PaymentInputs
from primarycare.payments.money import fixed_expr, gbp_expr, pence_expr
from primarycare.payments.national import Contract
from primarycare.payments.scheme import Scheme

_POPULATION_AGE = {"all": 0, "65OV": 65, "75OV": 75}


def members(scheme: Scheme, economy: Economy) -> set[str]:
    chosen = scheme.practices
    return {
        p.code
        for p in economy.practices
        if chosen.all
        or p.code in chosen.codes
        or p.commissioner_code in chosen.commissioners
        or (p.network_code is not None and p.network_code in chosen.networks)
    }


def scheme_notes(scheme: Scheme, economy: Economy) -> list[str]:
    """What a reader must know about who is in: practices, commissioners or networks the scheme names that are not
    loaded, and a scheme no loaded practice is in (every practice then keeps its national lines)."""
    chosen, notes = scheme.practices, []
    loaded = {
        "practices": {p.code for p in economy.practices},
        "commissioners": {p.commissioner_code for p in economy.practices},
        "networks": {p.network_code for p in economy.practices if p.network_code},
    }
    for kind, named in (
        ("practices", chosen.codes),
        ("commissioners", chosen.commissioners),
        ("networks", chosen.networks),
    ):
        missing = sorted(set(named) - loaded[kind])
        if missing:
            notes.append(f"the scheme names {kind} not loaded for {economy.year}: {', '.join(missing)}")
    if not members(scheme, economy):
        notes.append("no loaded practice is in the scheme: every practice keeps its national lines")
    return notes


def check_scheme(scheme: Scheme, economy: Economy, label: str) -> None:
    """Every indicator the scheme names must be a national indicator of the year."""
    known = set(economy.indicators["indicator_code"]) if not economy.indicators.is_empty() else set()
    named = [(f"kept_indicators[{i}]", code) for i, code in enumerate(scheme.kept_indicators)]
    named += [(f"thresholds.{code}", code) for code in scheme.thresholds]
    for g, goal in enumerate(scheme.goals):
        named += [(f"goals[{g}].indicators[{i}]", code) for i, code in enumerate(goal.indicators)]
    for field, code in named:
        if code not in known:
            raise PaymentsError(f"{label}: {field}: {code} is not a QOF indicator of {economy.year}")


def scheme_lines(
    inputs: PaymentInputs, scheme: Scheme, label: str = "scheme", contract: Contract | None = None
) -> pl.DataFrame:
    """Every practice's lines under the scheme (pass the national Contract to reuse what it worked out)."""
    return scheme_plan(inputs, scheme, label, contract).collect()


def scheme_plan(
    inputs: PaymentInputs, scheme: Scheme, label: str = "scheme", contract: Contract | None = None
) -> pl.LazyFrame:
    """scheme_lines, lazily (as Contract.plan: totals by practice never write the QOF formulas)."""
    economy = inputs.economy
    contract = contract or Contract(inputs)
    check_scheme(scheme, economy, label)
    inside = sorted(members(scheme, economy))
    national = contract.plan()
    kept = None if scheme.released_qof is None else set(scheme.kept_indicators)
    own = contract
    if scheme.thresholds:  # kept indicators paid on the scheme's thresholds: a contract of its own
        limits = {code: (t.lower_pct, t.upper_pct) for code, t in scheme.thresholds.items()}
        own = Contract(replace(inputs, thresholds=limits))
    scheme_national = national if kept is None and own is contract else own.plan(kept)
    local = [
        part
        for part in (_goal_lines(contract, scheme, kept, inside, label), _investment_lines(economy, scheme, inside))
        if part is not None
    ]
    if _everyone(economy, inside):  # no line is of a practice outside the scheme: none to choose between
        parts = [scheme_national, *local]
    else:
        member = pl.col("PRACTICE_CODE").is_in(inside)
        parts = [national.filter(~member), scheme_national.filter(member), *local]
    return pl.concat([p.select(LINE_COLUMNS) for p in parts]).sort("PRACTICE_CODE", maintain_order=True)


def _everyone(economy: Economy, inside: list[str]) -> bool:
    """Whether every practice with a line is in the scheme: every loaded practice is, and the achievement names no
    other (the lists, services and contracts name loaded practices only; last year's QOF is kept to this year's)."""
    if len(inside) < len(economy.practices):
        return False
    if economy.achievement.is_empty():
        return True
    codes = economy.achievement["practice_code"]
    return codes.filter(run_starts(codes)).is_in(inside).all()  # each run's code: each practice's


def _pot(contract: Contract, scheme: Scheme, kept: set[str], inside: list[str], label: str) -> pl.DataFrame:
    """practice_code, pot (pence), pot_formula: the released money each member's goals share."""
    inputs, released = contract.inputs, scheme.released_qof
    if released.baseline == "per_weighted_patient":
        rate = released.gbp_per_weighted_patient
        return contract.lists.select(
            "practice_code",
            pence_expr(pl.col("weighted_list") * rate).alias("pot"),
            pl.concat_str([fixed_expr(pl.col("weighted_list"), 1), pl.lit(f" weighted × £{rate:.2f}")]).alias(
                "pot_formula"
            ),
        )
    prior = released.baseline == "prior_year_value"
    if prior and inputs.prior is None:
        raise PaymentsError(
            f"{label}: released_qof.baseline: prior_year_value needs {previous_year(inputs.economy.year)} loaded"
        )
    values, year = (contract.prior_qof, inputs.prior.params.year) if prior else (contract.qof, inputs.params.year)
    released = pl.when(~contract.kept_rows(kept, prior)).then(pl.col("pence")).otherwise(0).alias("pot")
    what = f"released QOF value {year}"
    pots = practice_sums(values.select("practice_code", released), ["pot"])  # the values run by practice
    everyone = pl.DataFrame({"practice_code": inside}, schema={"practice_code": pl.String})
    return everyone.join(pots, on="practice_code", how="left").select(
        "practice_code", pl.col("pot").fill_null(0), pl.lit(what).alias("pot_formula")
    )


def _goal_lines(contract: Contract, scheme, kept, inside, label) -> pl.LazyFrame | None:
    """The released money: its guaranteed share (paid with or without goals), the rest by each goal's achievement.
    Each practice's pot and scores are worked out here; the lines are lazy over them (totals never write formulas)."""
    if scheme.released_qof is None or not inside:
        return None
    pot = _pot(contract, scheme, kept, inside, label).filter(pl.col("practice_code").is_in(inside)).lazy()
    achievement = contract.inputs.economy.achievement
    guaranteed = scheme.released_qof.guaranteed_share
    frames = []
    if guaranteed > 0:  # income protection: this share of the released money whatever the goals' achievement
        frames.append(
            pot.select(
                pl.col("practice_code").alias("PRACTICE_CODE"),
                pl.lit("LOCAL_SCHEME").alias("COMPONENT"),
                pl.lit("released QOF money (guaranteed)").alias("ITEM"),
                pence_expr(pl.col("pot") / 100 * guaranteed).alias("PENCE"),
                pl.concat_str(
                    [
                        pl.lit(f"{guaranteed * 100:g}% of pot "),
                        gbp_expr(pl.col("pot")),
                        pl.lit(" ("),
                        pl.col("pot_formula"),
                        pl.lit(")"),
                    ]
                ).alias("FORMULA"),
            )
        )
    if not scheme.goals:
        return pl.concat(frames) if frames else None
    at_risk = 1 - guaranteed
    measures = pl.DataFrame(  # which goals each indicator counts towards: every goal scored in one pass
        sorted({(number, code) for number, goal in enumerate(scheme.goals) for code in goal.indicators}),
        schema={"goal": pl.Int64, "indicator_code": pl.String},
        orient="row",
    )
    codes = contract.inputs.economy.coded_indicators  # found by number when coded (as read, they are)
    wanted = (pl.col("indicator_code") if codes is None else codes).is_in(sorted(set(measures["indicator_code"])))
    all_scores = (
        achievement.select("practice_code", "indicator_code", "numerator", "denominator")
        .filter(wanted)  # before the join
        .join(measures, on="indicator_code")
        .group_by("goal", "practice_code")
        .agg(pl.col("numerator").sum(), pl.col("denominator").sum())
        .lazy()
    )
    for number, goal in enumerate(scheme.goals):
        scores = all_scores.filter(pl.col("goal") == number).drop("goal")
        rows = pot.join(scores, on="practice_code", how="left").with_columns(
            pl.when(pl.col("denominator") > 0)
            .then(pl.col("numerator") / pl.col("denominator") * 100)
            .otherwise(None)
            .alias("achieved")
        )
        fraction = (
            ((pl.col("achieved") - goal.lower_pct) / (goal.upper_pct - goal.lower_pct)).clip(0.0, 1.0).fill_null(0.0)
        )
        rows = rows.with_columns(fraction.alias("fraction"))
        frames.append(
            rows.select(
                pl.col("practice_code").alias("PRACTICE_CODE"),
                pl.lit("LOCAL_SCHEME").alias("COMPONENT"),
                pl.lit(f"{goal.code}: {goal.name}").alias("ITEM"),
                pence_expr(pl.col("pot") / 100 * at_risk * goal.weight * pl.col("fraction")).alias("PENCE"),
                pl.concat_str(
                    [
                        pl.lit("pot "),
                        gbp_expr(pl.col("pot")),
                        pl.lit(" ("),
                        pl.col("pot_formula"),
                        pl.lit(f") × {at_risk * 100:g}% at risk" if guaranteed else ")"),
                        pl.lit(f" × weight {goal.weight:.2f} × "),
                        fixed_expr(pl.col("fraction"), 4),
                        pl.when(pl.col("achieved").is_null())
                        .then(pl.lit(" (no patients in the measure)"))
                        .otherwise(
                            pl.concat_str(
                                [
                                    pl.lit(" ("),
                                    fixed_expr(pl.col("achieved"), 1),
                                    pl.lit(f"% between {goal.lower_pct:g}% and {goal.upper_pct:g}%)"),
                                ]
                            )
                        ),
                    ]
                ).alias("FORMULA"),
            )
        )
    return pl.concat(frames)


def _investment_lines(economy: Economy, scheme: Scheme, inside: list[str]) -> pl.LazyFrame | None:
    if not scheme.investments or not inside:
        return None
    lists = economy.lists.with_columns(
        pl.col("age_band").map_elements(age_band_lower, return_dtype=pl.Int64).alias("age")
    ).filter(pl.col("practice_code").is_in(inside))
    everyone = pl.DataFrame({"practice_code": inside}, schema={"practice_code": pl.String})
    frames = []
    for investment in scheme.investments:
        youngest = _POPULATION_AGE[investment.population]
        counts = everyone.join(
            lists.filter(pl.col("age") >= youngest).group_by("practice_code").agg(pl.col("patients").sum()),
            on="practice_code",
            how="left",
        ).with_columns(pl.col("patients").fill_null(0))
        who = "patients" if investment.population == "all" else f"patients aged {youngest}+"
        frames.append(
            counts.select(
                pl.col("practice_code").alias("PRACTICE_CODE"),
                pl.lit("LOCAL_SCHEME").alias("COMPONENT"),
                pl.lit(f"{investment.code}: {investment.name}").alias("ITEM"),
                pence_expr(pl.col("patients") * investment.gbp_per_head).alias("PENCE"),
                pl.concat_str(
                    [pl.col("patients").cast(pl.String), pl.lit(f" {who} × £{investment.gbp_per_head:.2f}")]
                ).alias("FORMULA"),
            )
        )
    return pl.concat(frames).lazy()
