"""Spec: local schemes — what a scheme file must say, and what it pays."""

from dataclasses import replace
from pathlib import Path

import polars as pl
import pytest

from primarycare.ingest.folder import read_folder
from primarycare.ingest.synth.files import write_synthetic
from primarycare.payments.errors import PaymentsError
from primarycare.payments.inputs import PaymentInputs
from primarycare.payments.local import scheme_lines
from primarycare.payments.national import national_lines
from primarycare.payments.parameters import national_parameters
from primarycare.payments.rates import service_rates
from primarycare.payments.scheme import load_scheme

from .payment_economy import one_practice

GOOD = """\
name: Test scheme
source: spec
practices: {all: true}
released_qof: {baseline: current_value}
goals:
  - {code: G1, name: Goal one, weight: 1.0, indicators: [AF008], lower_pct: 40, upper_pct: 80}
investments:
  - {code: OLD, name: Older people, gbp_per_head: 5, population: 65OV}
"""

# (what is wrong, text, words the error must carry)
BAD_SCHEMES = [
    ("not YAML", "name: [unclosed\n", "bad.yaml:2:1: not valid YAML"),
    ("no name", GOOD.replace("name: Test scheme\n", ""), "bad.yaml: name: Field required"),
    ("no source", GOOD.replace("source: spec\n", ""), "bad.yaml: source: Field required"),
    ("unknown field", GOOD + "colour: red\n", "bad.yaml: colour: Extra inputs are not permitted"),
    ("weights not adding to 1", GOOD.replace("weight: 1.0", "weight: 0.6"), "weights must add up to 1"),
    ("goals without released money", GOOD.replace("released_qof: {baseline: current_value}\n", ""), "add released_qof"),
    (
        "per-patient baseline without a rate",
        GOOD.replace("current_value", "per_weighted_patient"),
        "needs gbp_per_weighted_patient",
    ),
    ("unknown baseline", GOOD.replace("current_value", "last_years"), "bad.yaml: released_qof.baseline"),
    (
        "thresholds the wrong way round",
        GOOD.replace("lower_pct: 40, upper_pct: 80", "lower_pct: 80, upper_pct: 40"),
        "bad.yaml: goals.0: Value error, upper_pct must be above lower_pct",
    ),
    ("negative money", GOOD.replace("gbp_per_head: 5", "gbp_per_head: -5"), "bad.yaml: investments.0.gbp_per_head"),
    ("no practices", GOOD.replace("practices: {all: true}", "practices: {}"), "say which practices are in"),
    ("empty file", "", "bad.yaml: name: Field required"),
]


@pytest.mark.parametrize(("what", "text", "words"), BAD_SCHEMES, ids=[b[0] for b in BAD_SCHEMES])
def test_bad_schemes_are_refused_naming_file_and_field(tmp_path, what, text, words):
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(PaymentsError) as raised:
        load_scheme(path)
    assert words in str(raised.value)


def inputs(**kwargs) -> PaymentInputs:
    economy = one_practice(year="2023-24", **kwargs)
    return PaymentInputs(economy, national_parameters("2023-24"), service_rates("2023-24"))


def test_an_unknown_indicator_is_refused(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(GOOD.replace("indicators: [AF008]", "indicators: [AF008, XX001]"))
    with pytest.raises(PaymentsError, match=r"s.yaml: goals\[0\].indicators\[1\]: XX001 is not a QOF indicator"):
        scheme_lines(inputs(patients=100), load_scheme(path), "s.yaml")


# (achievement %, expected share of the pot paid) for a goal with thresholds 40% and 80%
GOAL_TABLE = [(30, 0.0), (40, 0.0), (60, 0.5), (70, 0.75), (80, 1.0), (95, 1.0)]


@pytest.mark.parametrize(("achieved", "share"), GOAL_TABLE)
def test_released_money_is_paid_by_achievement_between_thresholds(tmp_path, achieved, share):
    path = tmp_path / "s.yaml"
    path.write_text(GOOD)
    plan = load_scheme(path)
    given = inputs(patients=9_639, register=200, points=29, numerator=achieved, denominator=100, band="70_74")
    national = {(c, i): p for _, c, i, p, _ in national_lines(given).iter_rows()}
    local = {(c, i): p for _, c, i, p, _ in scheme_lines(given, plan).iter_rows()}
    pot = national[("QOF", "AF008")]
    assert pot == 618_947  # 29 pts x £213.43, CPI 1, APDF 1: the released money
    assert ("QOF", "AF008") not in local  # released, no longer paid nationally
    assert local[("LOCAL_SCHEME", "G1: Goal one")] == round(pot * share)
    assert local[("LOCAL_SCHEME", "OLD: Older people")] == 9_639 * 500  # everyone is 70-74: £5 a head aged 65+
    core = ("GLOBAL_SUM", "GLOBAL_SUM_ARREARS")
    assert {k: p for k, p in local.items() if k[0] in core} == {k: p for k, p in national.items() if k[0] in core}
    assert ("GLOBAL_SUM", "global sum Apr–Sep") in local  # 2023/24: April's rate, then the backdated uplift


def test_practices_outside_the_scheme_keep_their_national_lines(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(GOOD.replace("practices: {all: true}", "practices: {codes: [Z99999]}"))
    given = inputs(patients=1_000, register=20, points=10, numerator=50, denominator=100)
    assert scheme_lines(given, load_scheme(path)).equals(national_lines(given))


def test_a_practice_only_the_achievement_names_keeps_its_national_lines_when_all_are_in(tmp_path):
    """Every loaded practice is in the scheme, but the achievement names one more: its QOF lines stay national."""
    path = tmp_path / "s.yaml"
    path.write_text(GOOD)
    given = inputs(patients=1_000, register=20, points=10, numerator=50, denominator=100)
    economy = given.economy
    stranger = economy.achievement.with_columns(pl.lit("A81999").alias("practice_code"))
    given = replace(given, economy=replace(economy, achievement=pl.concat([economy.achievement, stranger])))
    national = national_lines(given).filter(pl.col("PRACTICE_CODE") == "A81999")
    assert national.height == 1
    local = scheme_lines(given, load_scheme(path))
    assert local.filter(pl.col("PRACTICE_CODE") == "A81999").equals(national)
    assert local.filter(pl.col("COMPONENT") == "LOCAL_SCHEME")["PRACTICE_CODE"].unique().to_list() == ["A81001"]


def test_a_prior_year_baseline_needs_the_prior_year(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(GOOD.replace("current_value", "prior_year_value"))
    with pytest.raises(PaymentsError, match="prior_year_value needs 2022-23 loaded"):
        scheme_lines(inputs(patients=100, register=2, points=3, numerator=1, denominator=2), load_scheme(path))


def test_the_example_schemes_are_valid():
    for name in ("somerset.yaml", "five-a-head.yaml"):
        assert load_scheme(__import__("pathlib").Path(__file__).parents[2] / "examples" / "schemes" / name).name


def test_a_kept_indicator_can_be_paid_on_the_schemes_own_thresholds(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(
        "name: t\nsource: spec\npractices: {all: true}\nkept_indicators: [AF008]\n"
        "thresholds: {AF008: {lower_pct: 45, upper_pct: 70}}\nreleased_qof: {baseline: current_value}\n"
    )
    given = inputs(patients=9_639, register=200, points=29, numerator=60, denominator=100)
    local = {(c, i): p for _, c, i, p, _ in scheme_lines(given, load_scheme(path)).iter_rows()}
    national = {(c, i): p for _, c, i, p, _ in national_lines(given).iter_rows()}
    assert national[("QOF", "AF008")] == round(29 * 21_343)  # the published points
    assert local[("QOF", "AF008")] == round(17.4 * 21_343)  # 29 x (60 - 45) / (70 - 45) points


# Income protection of released money: (guaranteed share, achievement %, expected share of the pot paid in all)
GUARANTEE_TABLE = [(1.0, 30, 1.0), (1.0, 95, 1.0), (0.8, 30, 0.8), (0.8, 60, 0.8 + 0.2 * 0.5), (0.0, 60, 0.5)]


@pytest.mark.parametrize(("guaranteed", "achieved", "paid"), GUARANTEE_TABLE)
def test_a_guaranteed_share_of_released_money_is_paid_whatever_the_goals(tmp_path, guaranteed, achieved, paid):
    path = tmp_path / "s.yaml"
    path.write_text(
        GOOD.replace("{baseline: current_value}", f"{{baseline: current_value, guaranteed_share: {guaranteed}}}")
    )
    given = inputs(patients=9_639, register=200, points=29, numerator=achieved, denominator=100, band="70_74")
    local = {(c, i): p for _, c, i, p, _ in scheme_lines(given, load_scheme(path)).iter_rows()}
    pot = 618_947
    released = (
        local.get(("LOCAL_SCHEME", "released QOF money (guaranteed)"), 0) + local[("LOCAL_SCHEME", "G1: Goal one")]
    )
    assert released == pytest.approx(pot * paid, abs=1)


def test_the_somerset_example_keeps_the_practices_qof_money(tmp_path):
    """Somerset's practices left QOF but retained the funding: under the example no practice loses or gains
    (beyond a penny of rounding per line), whatever its goals' achievement."""
    plan = load_scheme(Path(__file__).parents[2] / "examples" / "schemes" / "somerset.yaml")
    assert plan.released_qof.guaranteed_share == 1.0
    write_synthetic(tmp_path, practices=12, seed=5, year="2023-24")
    given = PaymentInputs(read_folder(tmp_path), national_parameters("2023-24"), service_rates("2023-24"))
    totals = [
        lines.group_by("PRACTICE_CODE").agg(pl.col("PENCE").sum()).sort("PRACTICE_CODE")
        for lines in (national_lines(given), scheme_lines(given, plan))
    ]
    differences = (totals[1]["PENCE"] - totals[0]["PENCE"]).abs()
    assert differences.max() <= 2


# Released money and no goals: (guaranteed share, expected pence of released money paid); the pot is 618,947
NO_GOALS = [(1.0, 618_947), (0.5, 309_474), (0.0, 0)]


@pytest.mark.parametrize(("guaranteed", "paid"), NO_GOALS)
def test_the_guaranteed_share_is_paid_when_the_scheme_sets_no_goals(tmp_path, guaranteed, paid):
    path = tmp_path / "s.yaml"
    path.write_text(
        "name: t\nsource: spec\npractices: {all: true}\n"
        f"released_qof: {{baseline: current_value, guaranteed_share: {guaranteed}}}\n"
    )
    given = inputs(patients=9_639, register=200, points=29, numerator=60, denominator=100, band="70_74")
    local = scheme_lines(given, load_scheme(path)).filter(pl.col("COMPONENT") == "LOCAL_SCHEME")
    assert local["PENCE"].sum() == paid


# Who is in, said plainly: (practices the scheme names, the notes expected); the spec practice is A81001
WHO = [
    ("{all: true}", []),
    ("{codes: [A81001]}", []),
    ("{codes: [A81001, Z99999]}", ["the scheme names practices not loaded for 2023-24: Z99999"]),
    (
        "{commissioners: [NOPE], networks: [U99999]}",
        [
            "the scheme names commissioners not loaded for 2023-24: NOPE",
            "the scheme names networks not loaded for 2023-24: U99999",
            "no loaded practice is in the scheme: every practice keeps its national lines",
        ],
    ),
]


@pytest.mark.parametrize(("practices", "notes"), WHO)
def test_a_scheme_says_whom_it_names_that_is_not_loaded(tmp_path, practices, notes):
    from primarycare.payments.local import scheme_notes

    path = tmp_path / "s.yaml"
    path.write_text(GOOD.replace("practices: {all: true}", f"practices: {practices}"))
    assert scheme_notes(load_scheme(path), inputs(patients=100).economy) == notes
